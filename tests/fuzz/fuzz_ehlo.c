/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: the EHLO capability reader over parsed replies.
 *
 * Byte 0 picks the text capacity (so truncated replies, whose last line the
 * reader must not trust, come up often); the rest is a stream of replies. Every
 * 250 reply goes through smtpreply_ehlo_parse() and smtpreply_ehlo_next(); every
 * pointer they return must lie inside the reply's text, every bit must be a known
 * one, and the iterator must agree with the parse's keyword count.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smtpreply.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);  /* for -Wmissing-prototypes */

#define KNOWN_EXT ((1u << 19) - 1)
#define KNOWN_AUTH (((1u << 12) - 1) | SMTPREPLY_AUTH_OTHER)

static void die(const char *what)
{
    fprintf(stderr, "fuzz_ehlo: %s\n", what);
    abort();
}

#define CHECK(cond) do { if (!(cond)) die("check failed: " #cond); } while (0)

#include "fuzz_feed.h"

/* [p, p + n) lies inside the reply's text (an empty range may sit at its end). */
static int inside(const struct smtpreply_reply *r, const char *p, size_t n)
{
    return p != NULL && p >= r->text && n <= r->text_len
        && (size_t)(p - r->text) <= r->text_len - n;
}

static int one_bit(uint32_t v)
{
    return v != 0 && (v & (v - 1)) == 0;
}

static void check_ehlo(const struct smtpreply_reply *r)
{
    struct smtpreply_ehlo e;
    struct smtpreply_ehlo_keyword kw;
    size_t pos = 0, count = 0, last = 0;
    int rc = smtpreply_ehlo_parse(r, &e);

    if (r->code != 250) {
        CHECK(rc == SMTPREPLY_E_NOT_EHLO);
        CHECK(smtpreply_ehlo_next(r, &pos, &kw) == 0);
        return;
    }
    CHECK(rc == SMTPREPLY_OK);
    CHECK(inside(r, e.server_name, e.server_name_len));
    CHECK(inside(r, e.greeting, e.greeting_len));
    CHECK((e.extensions & ~KNOWN_EXT) == 0);
    CHECK((e.auth & ~KNOWN_AUTH) == 0);
    CHECK(e.keyword_count < r->line_count || (r->line_count == 0 && e.keyword_count == 0));
    if (e.auth)
        CHECK(e.extensions & SMTPREPLY_EXT_AUTH);

    while (smtpreply_ehlo_next(r, &pos, &kw)) {
        CHECK(++count <= r->lines_stored);
        CHECK(pos > last);             /* the cursor always moves forward */
        last = pos;
        CHECK(kw.keyword_len > 0 && inside(r, kw.keyword, kw.keyword_len));
        CHECK(inside(r, kw.params, kw.params_len));
        CHECK(kw.params >= kw.keyword + kw.keyword_len);
        CHECK(kw.extension == 0 || one_bit(kw.extension));
        CHECK(kw.extension == 0 || (e.extensions & kw.extension));
        CHECK(kw.pad_ == 0);
        CHECK(smtpreply_extension_name(kw.extension) != NULL);
        if (kw.extension)
            CHECK(strcmp(smtpreply_extension_name(kw.extension), "unknown") != 0);
    }
    CHECK(kw.keyword == NULL && kw.keyword_len == 0);
    CHECK(count == e.keyword_count);
}

static void check_reply(void *ctx, const struct smtpreply_reply *r)
{
    (void)ctx;
    check_ehlo(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct smtpreply_parser p;
    size_t cap;
    char *buf;

    if (size < 1)
        return 0;
    cap = data[0] < 0xC0 ? 4096 : (size_t)(data[0] - 0xC0) * 4;   /* often full, sometimes 0..252 */
    buf = cap ? malloc(cap) : NULL;
    if (cap && !buf)
        die("out of memory");
    CHECK(smtpreply_parser_init(&p, buf, cap) == SMTPREPLY_OK);
    fuzz_feed(&p, (const char *)data + 1, size - 1, check_reply, NULL);
    free(buf);
    return 0;
}
