/* SPDX-License-Identifier: MIT */
/*
 * Print what the parser makes of some inputs, one JSON object per input, for the
 * differential test against Python's smtplib (smtplib_diff.py) and for the fuzz
 * corpus generator (tests/fuzz/make_corpus.py).
 *
 *   reply_json --cases     every case of tests/parser_cases.h, with its options
 *   reply_json FILE...     each file, parsed with the default options
 *   reply_json --many FILE...  the same through smtpreply_parser_feed_many(), up to
 *                          64 replies a call (the batch path, on whole files)
 *
 * Byte strings (inputs, text lines) are written as hex so the JSON stays ASCII:
 * {"name":"...","input":"<hex>","opts":{"strict":0,"smtputf8":0,"max_line":0,
 *  "max_lines":0,"cap":0,"no_text":0},"errors":["bad-code",...],
 *  "replies":[{"code":250,"enhanced":"2.0.0"|null,"flags":N,"lines":["<hex>",...]}]}
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parser_cases.h"

static void put_hex(const char *s, size_t n)
{
    size_t i;

    putchar('"');
    for (i = 0; i < n; i++)
        printf("%02x", (unsigned char)s[i]);
    putchar('"');
}

static void put_name(const char *s)
{
    putchar('"');
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            printf("\\%c", c);
        else if (c < 0x20 || c >= 0x7F)
            printf("\\u%04x", c);
        else
            putchar(c);
    }
    putchar('"');
}

static void put_reply(const struct smtpreply_reply *r, int first)
{
    size_t pos = 0, n;
    const char *t;
    int k = 0;

    printf("%s{\"code\":%u,\"enhanced\":", first ? "" : ",", (unsigned)r->code);
    if (r->enhanced_text[0])
        printf("\"%s\"", r->enhanced_text);
    else
        printf("null");
    printf(",\"flags\":%u,\"line_count\":%u,\"lines\":[", (unsigned)r->flags,
           (unsigned)r->line_count);
    while (smtpreply_reply_line(r, &pos, &t, &n)) {
        if (k++)
            putchar(',');
        put_hex(t, n);
    }
    printf("]}");
}

/* Parse the whole input in one go; print errors and replies in stream order.
 * fo->many: through smtpreply_parser_feed_many() with that many replies a call. */
static int parse(const char *name, const char *in, size_t len, const struct feed_opts *fo)
{
    static char text[1 << 20];
    static struct smtpreply_reply rs[64];
    struct smtpreply_parser p;
    struct smtpreply_options o;
    size_t cap = fo->cap ? fo->cap : 4096, at = 0, k, count;
    int nrep = 0, nerr = 0, rc;
    struct smtpreply_reply r;

    if (fo->no_text)
        cap = 0;
    smtpreply_options_default(&o);
    o.strict = fo->strict;
    o.smtputf8 = fo->smtputf8;
    if (fo->max_line)
        o.max_line_length = fo->max_line;
    if (fo->max_lines)
        o.max_lines = fo->max_lines;
    if (smtpreply_parser_init_ex(&p, cap ? text : NULL, cap, &o) != SMTPREPLY_OK)
        return -1;

    printf("{\"name\":");
    put_name(name);
    printf(",\"input\":");
    put_hex(in, len);
    printf(",\"opts\":{\"strict\":%u,\"smtputf8\":%u,\"max_line\":%u,\"max_lines\":%u,"
           "\"cap\":%zu,\"no_text\":%d},\"events\":[",
           (unsigned)fo->strict, (unsigned)fo->smtputf8, (unsigned)fo->max_line,
           (unsigned)fo->max_lines, fo->cap, fo->no_text);
    while (at < len) {
        size_t used = 0;
        if (fo->many) {
            rc = smtpreply_parser_feed_many(&p, in + at, len - at, &used, rs,
                                            fo->many < 64 ? fo->many : 64, &count);
            for (k = 0; k < count; k++) {
                put_reply(&rs[k], nrep + nerr == 0);
                nrep++;
            }
        } else {
            rc = smtpreply_parser_feed(&p, in + at, len - at, &used, &r);
            if (rc == SMTPREPLY_REPLY) {
                put_reply(&r, nrep + nerr == 0);
                nrep++;
            }
        }
        if (rc < 0) {
            printf("%s\"%s\"", nrep + nerr == 0 ? "" : ",", smtpreply_status_name(rc));
            nerr++;
        }
        at += used;
    }
    rc = smtpreply_parser_finish(&p, &r);
    if (rc < 0) {
        printf("%s\"%s\"", nrep + nerr == 0 ? "" : ",", smtpreply_status_name(rc));
        nerr++;
    }
    printf("]}\n");
    return nerr;
}

static int parse_file(const char *path, size_t many)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t len = 0, cap = 0, n;
    struct feed_opts fo;

    if (!f) {
        perror(path);
        return -1;
    }
    do {
        if (len == cap) {
            char *nb = realloc(buf, cap = cap ? cap * 2 : 65536);
            if (!nb) {
                free(buf);
                fclose(f);
                return -1;
            }
            buf = nb;
        }
        n = fread(buf + len, 1, cap - len, f);
        len += n;
    } while (n > 0);
    fclose(f);
    memset(&fo, 0, sizeof fo);
    fo.many = many;
    (void)parse(path, buf, len, &fo);
    free(buf);
    return 0;
}

int main(int argc, char **argv)
{
    int i = 1;
    size_t many = 0;

    if (argc < 2) {
        fprintf(stderr, "usage: %s --cases | [--many] FILE...\n", argv[0]);
        return 2;
    }
    if (strcmp(argv[1], "--cases") == 0) {
        size_t k;
        for (k = 0; k < parser_case_count; k++) {
            const struct parser_case *c = &parser_cases[k];
            (void)parse(c->name, c->input, c->len ? c->len : strlen(c->input), &c->opts);
        }
        return 0;
    }
    if (strcmp(argv[1], "--many") == 0) {
        many = 64;
        i = 2;
    }
    for (; i < argc; i++)
        if (parse_file(argv[i], many) != 0)
            return 2;
    return 0;
}
