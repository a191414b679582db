/* SPDX-License-Identifier: MIT */
/*
 * Prints what the parser makes of every case of the parser table
 * (tests/parser_cases.h): the BRIEF log checked against the case's expectation,
 * then the FULL logs (offsets, lengths, line numbers, positions) of the whole
 * input, of chunk sizes 1 to 16 and of smtpreply_parser_feed_many() batches.
 *
 * Built twice, natively and as WebAssembly; tests/wasm/meson.build runs both
 * and requires the two outputs to be identical, byte for byte. With --summary
 * it prints only the mismatches and the count. Exit status 1 when a case's
 * BRIEF log differs from its expectation.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "parser_cases.h"

static char got[1 << 17];

int main(int argc, char **argv)
{
    size_t i, k, failed = 0;
    int quiet = argc > 1 && strcmp(argv[1], "--summary") == 0;
    static const size_t manys[] = { 1, 7, FEED_MANY_MAX };

    for (i = 0; i < ARRAY_SIZE(parser_cases); i++) {
        const struct parser_case *c = &parser_cases[i];
        size_t len = c->len ? c->len : strlen(c->input);
        struct feed_opts o = c->opts;

        (void)feed_chunked(c->input, len, &c->opts, 0, LOG_BRIEF, got, sizeof got);
        if (strcmp(got, c->want) != 0) {
            printf("== case %zu: %s\nMISMATCH\n got: %s\nwant: %s\n", i, c->name, got,
                   c->want);
            failed++;
        }
        if (quiet)
            continue;
        printf("== case %zu: %s\nbrief:\n%s\n", i, c->name, got);
        for (k = 0; k <= 16; k++) {
            (void)feed_chunked(c->input, len, &c->opts, k, LOG_FULL, got, sizeof got);
            printf("full chunk %zu:\n%s\n", k, got);
        }
        for (k = 0; k < ARRAY_SIZE(manys); k++) {
            o.many = manys[k];
            (void)feed_chunked(c->input, len, &o, 0, LOG_FULL, got, sizeof got);
            printf("full many %zu:\n%s\n", manys[k], got);
        }
    }
    printf("%zu passed, %zu failed\n", ARRAY_SIZE(parser_cases) - failed, failed);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
