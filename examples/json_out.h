/* SPDX-License-Identifier: MIT */
/*
 * JSON string output shared by three example tools (smtp-parse, smtp-probe,
 * smtp-explain). Header-only, so each tool stays one file plus the public header,
 * as an outside program would be. smtp-bounces keeps its own: its input is any
 * bytes of a log file, which it checks sequence by sequence and replaces with
 * U+FFFD where they are not UTF-8.
 */
#ifndef SMTPREPLY_EXAMPLES_JSON_OUT_H
#define SMTPREPLY_EXAMPLES_JSON_OUT_H

#include <stdio.h>
#include <string.h>

/* s[0..n) as a JSON string on f. Quote, backslash and control bytes are escaped;
 * bytes from 0x80 up pass through when utf8_ok (the caller knows the text is valid
 * UTF-8), otherwise each is written as \u00XX, its Latin-1 reading, so the output
 * is always valid JSON. */
static inline void json_string(FILE *f, const char *s, size_t n, int utf8_ok)
{
    size_t i;

    fputc('"', f);
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c == '"' || c == '\\') {
            fputc('\\', f);
            fputc(c, f);
        } else if (c == '\n') {
            fputs("\\n", f);
        } else if (c == '\r') {
            fputs("\\r", f);
        } else if (c == '\t') {
            fputs("\\t", f);
        } else if (c < 0x20 || c == 0x7F || (c >= 0x80 && !utf8_ok)) {
            fprintf(f, "\\u%04x", (unsigned)c);
        } else {
            fputc(c, f);
        }
    }
    fputc('"', f);
}

/* A NUL-terminated UTF-8 string (the library's names and catalog texts). */
static inline void json_cstring(FILE *f, const char *s)
{
    json_string(f, s, strlen(s), 1);
}

#endif
