/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: smtp-parse's transcript reader (examples/transcript.c) on a
 * capture someone else wrote.
 *
 * Byte 0 picks the form (auto-detected, server, swaks, C:/S:, raw); the rest
 * is the capture, read line by line as smtp-parse reads it: server lines go
 * to the parser, each reply to transcript_answer(), and what is still
 * pending comes out of transcript_unanswered() at the end. Properties:
 * - the prefix to skip lies inside the line, the queue never holds more than
 *   TRANSCRIPT_QUEUE commands, the end drains in at most that many steps;
 * - every command's shown text and recipient are NUL-terminated inside their
 *   arrays;
 * - no credential is ever in a shown text: a line after a 334 to AUTH shows
 *   as "(AUTH data)", and a line "AUTH MECH RESPONSE" (any case, blanks
 *   being spaces or tabs) shows nothing from RESPONSE on.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smtpreply.h"
#include "transcript.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);  /* for -Wmissing-prototypes */

static void die(const char *what)
{
    fprintf(stderr, "fuzz_transcript: %s\n", what);
    abort();
}

#define CHECK(cond) do { if (!(cond)) die("check failed: " #cond); } while (0)

#include "fuzz_feed.h"

static int blank(char c)
{
    return c == ' ' || c == '\t';
}

static int upper(int c)
{
    return c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c;
}

/* Where a client text "AUTH MECH RESPONSE" has its response (n: none). */
static size_t response_at(const char *s, size_t n)
{
    size_t i = 0;

    while (i < n && blank(s[i]))
        i++;
    if (n - i < 5 || upper(s[i]) != 'A' || upper(s[i + 1]) != 'U' || upper(s[i + 2]) != 'T'
        || upper(s[i + 3]) != 'H' || !blank(s[i + 4]))
        return n;
    for (i += 4; i < n && blank(s[i]); i++)
        ;
    for (; i < n && !blank(s[i]); i++)
        ;
    for (; i < n && blank(s[i]); i++)
        ;
    return i;
}

static void check_terminated(const struct transcript_cmd *c)
{
    CHECK(memchr(c->shown, '\0', sizeof c->shown) != NULL);
    CHECK(memchr(c->recipient, '\0', sizeof c->recipient) != NULL);
}

/*
 * The command the line at s[0..n) (its line end removed) just queued: its
 * shown text comes from the line after some prefix, and must stop before a
 * credential.
 */
static void check_shown(const struct transcript_cmd *c, const char *s, size_t n, int auth_data)
{
    size_t m = strlen(c->shown), at, from;

    check_terminated(c);
    if (auth_data) {
        CHECK(strcmp(c->shown, "(AUTH data)") == 0);
        return;
    }
    if (m > TRANSCRIPT_SHOWN)
        m = TRANSCRIPT_SHOWN;             /* a cut text ends in "..." */
    /* The first place the shown text starts in the line, and the response
     * of an AUTH line from there. */
    for (at = 0; at + m <= n; at++)
        if (memcmp(s + at, c->shown, m) == 0)
            break;
    CHECK(at + m <= n);
    from = at + response_at(s + at, n - at);
    CHECK(at + m <= from);
}

/* Each reply answers the oldest pending command. */
static void answer(void *ctx, const struct smtpreply_reply *r)
{
    struct transcript_cmd c;

    (void)transcript_answer(ctx, r->code, &c);
    check_terminated(&c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const int forms[] = { TRANSCRIPT_AUTO, TRANSCRIPT_SERVER, TRANSCRIPT_SWAKS,
                                 TRANSCRIPT_CS, TRANSCRIPT_RAW };
    static struct transcript t;          /* large: kept off the stack */
    static char text[2048];
    struct smtpreply_parser p;
    struct transcript_cmd c;
    const char *in, *end, *line;
    unsigned long line_no = 0;
    int form, steps;

    if (size < 1)
        return 0;
    CHECK(smtpreply_parser_init(&p, text, sizeof text) == SMTPREPLY_OK);
    in = (const char *)data + 1;
    end = (const char *)data + size;
    form = forms[data[0] % (sizeof forms / sizeof forms[0])];
    if (form == TRANSCRIPT_AUTO)
        form = transcript_detect(in, (size_t)(end - in));
    transcript_init(&t, form);
    for (line = in; line < end;) {
        const char *nl = memchr(line, '\n', (size_t)(end - line));
        size_t len = nl != NULL ? (size_t)(nl + 1 - line) : (size_t)(end - line), skip = 0, n;
        size_t before = t.count;
        int auth_data = t.auth_data;
        int kind = transcript_line(&t, line, len, nl != NULL, (uint64_t)(line - in), ++line_no,
                                   &skip);

        CHECK(t.count <= TRANSCRIPT_QUEUE);
        /* The line's text: its line end removed, when it has one. */
        n = len;
        if (nl != NULL && line[n - 1] == '\n')
            n--;
        if (nl != NULL && n > 0 && line[n - 1] == '\r')
            n--;
        if (kind == TK_SERVER) {
            CHECK(skip <= len);
            fuzz_feed(&p, line + skip, len - skip, answer, &t);
            if (nl == NULL)
                fuzz_feed(&p, "\r\n", 2, answer, &t);
        } else if (kind == TK_CLIENT && t.count == before + 1) {
            check_shown(&t.queue[(t.head + t.count - 1) % TRANSCRIPT_QUEUE], line, n, auth_data);
        }
        line += len;
    }
    for (steps = 0; transcript_unanswered(&t, &c); steps++) {
        CHECK(steps < TRANSCRIPT_QUEUE);
        check_terminated(&c);
    }
    return 0;
}
