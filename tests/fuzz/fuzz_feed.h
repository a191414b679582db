/* SPDX-License-Identifier: MIT */
/*
 * The feed loop the stream targets share (fuzz_ehlo, fuzz_classify,
 * fuzz_transcript): all of s[0..n) through smtpreply_parser_feed(), each reply
 * handed to a callback, with the parser's progress contract checked on the
 * way: a call never uses more than it was given, and it may use nothing only
 * once in a row, with an error (the LF it stopped at comes next).
 *
 * A target includes this after defining CHECK(cond).
 */
#ifndef SMTPREPLY_FUZZ_FEED_H
#define SMTPREPLY_FUZZ_FEED_H

#include <stddef.h>

#include "smtpreply.h"

typedef void (*fuzz_reply_fn)(void *ctx, const struct smtpreply_reply *r);

static void fuzz_feed(struct smtpreply_parser *p, const char *s, size_t n, fuzz_reply_fn on_reply,
                      void *ctx)
{
    size_t at = 0;
    int stalled = 0;

    while (at < n) {
        struct smtpreply_reply r;
        size_t used = 0;
        int rc = smtpreply_parser_feed(p, s + at, n - at, &used, &r);

        CHECK(used <= n - at);
        if (rc == SMTPREPLY_REPLY)
            on_reply(ctx, &r);
        if (used == 0) {
            CHECK(rc < 0 && !stalled);
            stalled = 1;
        } else {
            stalled = 0;
        }
        at += used;
    }
}

#endif
