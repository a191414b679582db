/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: the classifier, from parts and from parsed replies.
 *
 * Header: [0..1] basic code (any number up to 65535, mostly 0-999); [2] command
 * (any int, in range or not); [3] bit 0: pass an enhanced code, bit 1: NULL text;
 * [4..9] the enhanced code's class, subject and detail. The rest is the text for
 * smtpreply_classify_parts(), then a stream of replies for smtpreply_classify().
 * Every verdict must hold values of its enums, known flags, a rule string and
 * names for every field (its confidence too); replies of 2xx and 3xx are never
 * failures, and a hard bounce always has evidence about the address.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smtpreply.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);  /* for -Wmissing-prototypes */

#define FUZZ_HEADER 10
#define KNOWN_VERDICT_FLAGS 0x1Fu

static void die(const char *what)
{
    fprintf(stderr, "fuzz_classify: %s\n", what);
    abort();
}

#define CHECK(cond) do { if (!(cond)) die("check failed: " #cond); } while (0)

#include "fuzz_feed.h"

static int named(const char *s)
{
    return s != NULL && strcmp(s, "unknown") != 0;
}

static void check_verdict(const struct smtpreply_verdict *v, unsigned code, int command)
{
    int sev = v->severity, cat = v->category;

    CHECK(sev == 0 || (sev >= 2 && sev <= 5));
    CHECK((cat >= 0 && cat <= 3) || cat == 5 || cat == 9);
    CHECK(v->reason >= 0 && v->reason < SMTPREPLY_REASON_COUNT);
    CHECK(v->bounce >= SMTPREPLY_BOUNCE_NONE && v->bounce <= SMTPREPLY_BOUNCE_BLOCK);
    CHECK(v->retry >= SMTPREPLY_RETRY_NOT_NEEDED && v->retry <= SMTPREPLY_RETRY_NEVER);
    CHECK(v->evidence >= SMTPREPLY_EVIDENCE_NONE && v->evidence <= SMTPREPLY_EVIDENCE_PROVIDER);
    CHECK(named(smtpreply_confidence_name(smtpreply_verdict_confidence(v))));
    /* A hard bounce only with evidence about the address (docs/classification.md, C2). */
    CHECK(v->bounce != SMTPREPLY_BOUNCE_HARD || v->evidence == SMTPREPLY_EVIDENCE_PROVIDER ||
          v->evidence == SMTPREPLY_EVIDENCE_TEXT || v->evidence == SMTPREPLY_EVIDENCE_ENHANCED);
    CHECK((v->flags & ~KNOWN_VERDICT_FLAGS) == 0);
    CHECK(v->rule != NULL);
    CHECK(strlen(v->rule) < 4096);
    /* "as given to the classifier"; an out-of-range one may be normalised to unknown. */
    CHECK(v->command == command
          || (v->command == SMTPREPLY_CMD_UNKNOWN && (command < 0 || command >= SMTPREPLY_CMD_COUNT)));

    CHECK(smtpreply_severity_name(sev) != NULL && smtpreply_category_name(cat) != NULL);
    CHECK(named(smtpreply_reason_name(v->reason)));
    CHECK(named(smtpreply_bounce_name(v->bounce)));
    CHECK(named(smtpreply_retry_name(v->retry)));
    CHECK(named(smtpreply_evidence_name(v->evidence)));
    CHECK(smtpreply_command_name(v->command) != NULL);
    CHECK(smtpreply_reason_describe(v->reason, "en") != NULL);
    CHECK(smtpreply_reason_describe(v->reason, "vi") != NULL);

    if (code >= 200 && code <= 599) {
        /* Severity and category come from the digits (RFC 5321 4.2.1). */
        CHECK(sev == smtpreply_severity_of(code));
        CHECK(cat == smtpreply_category_of(code));
        if (code < 400) {
            /* docs/design.md section 5: a 2xx or 3xx is not a failure. */
            CHECK(v->reason == SMTPREPLY_REASON_NONE);
            CHECK(v->bounce == SMTPREPLY_BOUNCE_NONE);
            CHECK(v->retry == SMTPREPLY_RETRY_NOT_NEEDED);
        } else {
            CHECK(v->reason != SMTPREPLY_REASON_NONE);
            CHECK(v->bounce != SMTPREPLY_BOUNCE_NONE);
            CHECK(v->retry != SMTPREPLY_RETRY_NOT_NEEDED);
        }
    }
}

/* Each reply classified with the stream's command, then with every command,
 * so the command evidence is exercised on it. */
static void classify_reply(void *ctx, const struct smtpreply_reply *r)
{
    struct smtpreply_verdict v;
    int command = *(const int *)ctx, c;

    CHECK(smtpreply_classify(r, command, &v) == SMTPREPLY_OK);
    check_verdict(&v, r->code, command);
    for (c = 0; c < SMTPREPLY_CMD_COUNT; c++) {
        CHECK(smtpreply_classify(r, c, &v) == SMTPREPLY_OK);
        check_verdict(&v, r->code, c);
    }
}

static void classify_stream(const uint8_t *s, size_t n, int command)
{
    struct smtpreply_parser p;
    static char text[4096];

    CHECK(smtpreply_parser_init(&p, text, sizeof text) == SMTPREPLY_OK);
    fuzz_feed(&p, (const char *)s, n, classify_reply, &command);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct smtpreply_verdict v;
    struct smtpreply_enhanced e;
    unsigned code;
    int command, rc;
    const char *text;
    char *copy = NULL;
    size_t n;

    if (size < FUZZ_HEADER)
        return 0;
    code = ((unsigned)data[0] << 8) | data[1];
    if (data[0] < 0xF0)
        code %= 1000;
    command = (int)(int8_t)data[2];
    if (command >= -4 && command < 0)
        command = -command;         /* keep most commands in range */
    e.klass = (uint16_t)(data[4] % 8);
    e.subject = (uint16_t)(((unsigned)data[5] << 8 | data[6]) % 1200);
    e.detail = (uint16_t)(((unsigned)data[7] << 8 | data[8]) % 1200);
    e.pad_ = 0;
    n = size - FUZZ_HEADER;
    /* An exact-size copy, so a read past the text is caught. */
    if (!(data[3] & 2) && n) {
        copy = malloc(n);
        if (!copy)
            die("out of memory");
        memcpy(copy, data + FUZZ_HEADER, n);
    }
    text = copy;

    rc = smtpreply_classify_parts(code, (data[3] & 1) ? &e : NULL, text, text ? n : 0,
                                  command, &v);
    if (command >= 0 && command < SMTPREPLY_CMD_COUNT) {
        CHECK(rc == SMTPREPLY_OK);
        check_verdict(&v, code, command);
    } else {
        CHECK(rc == SMTPREPLY_OK || rc == SMTPREPLY_E_INVALID_ARG);
        if (rc == SMTPREPLY_OK)
            check_verdict(&v, code, command);
    }
    free(copy);

    classify_stream(data + FUZZ_HEADER, n, command >= 0 && command < SMTPREPLY_CMD_COUNT
                                               ? command : SMTPREPLY_CMD_UNKNOWN);
    return 0;
}
