/* SPDX-License-Identifier: MIT */
/*
 * Linear time on hostile input: parse 1x and 16x of each hostile shape and print
 * the time ratio, which stays near 16 when the parser does constant work per
 * byte. A benchmark (meson benchmark 'linear'): it prints figures and asserts
 * nothing about time; a ratio far above 16 means something went quadratic.
 *
 *   linear [BASE_KIB]      size of the 1x input, default 512
 */
#define _POSIX_C_SOURCE 199309L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "smtpreply.h"

#define REPS 7
#define MIN_ROUND 0.02

struct buf {
    char *b;
    size_t len, cap;
};

static void add(struct buf *o, const char *s, size_t n)
{
    if (o->len + n > o->cap) {
        size_t want = o->cap ? o->cap * 2 : 1 << 16;
        while (want < o->len + n)
            want *= 2;
        o->b = realloc(o->b, want);
        if (!o->b) {
            fputs("linear: out of memory\n", stderr);
            exit(2);
        }
        o->cap = want;
    }
    memcpy(o->b + o->len, s, n);
    o->len += n;
}

static void adds(struct buf *o, const char *s)
{
    add(o, s, strlen(s));
}

/* Each shape appends hostile bytes until the input has at least n bytes. */
typedef void shape_fn(struct buf *o, size_t n);

static void long_line(struct buf *o, size_t n)
{
    adds(o, "250 ");
    while (o->len < n)
        adds(o, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
    adds(o, "\r\n");
}

/* Lines of 64 KiB, each over the default 16 KiB limit: read up to the limit, then
 * skipped to their end. */
static void lines_over_limit(struct buf *o, size_t n)
{
    while (o->len < n) {
        size_t end = o->len + 65536;
        adds(o, "250 ");
        while (o->len < end)
            adds(o, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
        adds(o, "\r\n");
    }
}

static void many_lines(struct buf *o, size_t n)
{
    while (o->len < n)
        adds(o, "250-line\r\n");
    adds(o, "250 end\r\n");
}

static void many_errors(struct buf *o, size_t n)
{
    static const char *const bad[] = { "x\r\n", "\r\n", "000 x\r\n", "25\r\n", "250x\r\n" };
    size_t i = 0;
    while (o->len < n)
        adds(o, bad[i++ % 5]);
}

static void nuls(struct buf *o, size_t n)
{
    static const char line[] = "500 \0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\r\n";
    while (o->len < n)
        add(o, line, sizeof line - 1);
}

static void eight_bit(struct buf *o, size_t n)
{
    while (o->len < n)
        adds(o, "550 Empf\xe4nger \xc3\xa9\xe2\x82\xac\xf0\x9f\x93\xa7 \xff\xfe\xc0\xaf unbekannt\r\n");
}

static void tiny_replies(struct buf *o, size_t n)
{
    while (o->len < n)
        adds(o, "250\r\n");
}

static void deep_enhanced(struct buf *o, size_t n)
{
    while (o->len < n)
        adds(o, "550-5.123.456 x\r\n550-5.1.1\r\n550-4.999.999 y\r\n");
    adds(o, "550 5.1.1 end\r\n");
}

static void cr_storm(struct buf *o, size_t n)
{
    while (o->len < n)
        adds(o, "250 \r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\n");
}

/* max_line: the line limit; the long line is read as text under the largest
 * limit; lines over the default limit are skipped after their error. */
#define NO_LIMIT 0xFFFFFFFFu
static const struct shape {
    const char *name;
    shape_fn *make;
    uint32_t max_line;
} shapes[] = {
    { "long line", long_line, NO_LIMIT },
    { "lines over the limit", lines_over_limit, SMTPREPLY_DEFAULT_MAX_LINE },
    { "many lines", many_lines, NO_LIMIT },
    { "many errors", many_errors, NO_LIMIT },
    { "NULs", nuls, NO_LIMIT },
    { "8-bit", eight_bit, NO_LIMIT },
    { "many tiny replies", tiny_replies, NO_LIMIT },
    { "deep enhanced codes", deep_enhanced, NO_LIMIT },
    { "CR storms", cr_storm, NO_LIMIT },
};

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);   /* CPU time: the machine may be shared */
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* One parse of the input in 4 KiB reads, as from a socket; counts replies and errors. */
static void parse_once(const struct buf *in, uint32_t max_line, unsigned long *replies,
                       unsigned long *errors)
{
    static char text[65536];
    struct smtpreply_options o;
    struct smtpreply_parser p;
    struct smtpreply_reply r;
    size_t at = 0;

    smtpreply_options_default(&o);
    o.max_lines = 0xFFFFFFFFu;        /* the many-lines shape stays one reply */
    o.max_line_length = max_line;
    *replies = *errors = 0;
    smtpreply_parser_init_ex(&p, text, sizeof text, &o);
    while (at < in->len) {
        size_t end = at + 4096 < in->len ? at + 4096 : in->len;
        while (at < end) {
            size_t used = 0;
            int rc = smtpreply_parser_feed(&p, in->b + at, end - at, &used, &r);
            if (rc == SMTPREPLY_REPLY)
                (*replies)++;
            else if (rc < 0)
                (*errors)++;
            at += used;
        }
    }
    if (smtpreply_parser_finish(&p, &r) < 0)
        (*errors)++;
}

/* Seconds per parse: the best of REPS rounds, each repeating the parse until it
 * has taken MIN_ROUND seconds, so fast shapes are timed above the clock's noise. */
static double parse_time(const struct buf *in, uint32_t max_line, unsigned long *replies,
                         unsigned long *errors)
{
    double best = 1e30;
    int rep;

    for (rep = 0; rep < REPS; rep++) {
        double t0 = now(), t;
        unsigned long n = 0;
        do {
            parse_once(in, max_line, replies, errors);
            n++;
            t = now() - t0;
        } while (t < MIN_ROUND);
        if (t / (double)n < best)
            best = t / (double)n;
    }
    return best;
}

int main(int argc, char **argv)
{
    size_t base = (argc > 1 ? (size_t)strtoul(argv[1], NULL, 10) : 512) * 1024;
    double worst = 0;
    size_t i;

    if (base == 0)
        base = 512 * 1024;
    printf("%-20s %10s %10s %10s %10s %7s  %s\n", "shape", "1x bytes", "1x ms", "16x ms",
           "16x MB/s", "ratio", "replies/errors at 16x");
    for (i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
        struct buf one = { NULL, 0, 0 }, many = { NULL, 0, 0 };
        unsigned long r1, e1, r16, e16;
        double t1, t16, ratio;
        int k;

        shapes[i].make(&one, base);
        /* 16x: the same shape at 16 times the size (one long line stays one line). */
        if (shapes[i].make == long_line || shapes[i].make == many_lines)
            shapes[i].make(&many, 16 * one.len - 16);
        else
            for (k = 0; k < 16; k++)
                add(&many, one.b, one.len);
        t1 = parse_time(&one, shapes[i].max_line, &r1, &e1);
        t16 = parse_time(&many, shapes[i].max_line, &r16, &e16);
        ratio = t1 > 0 ? t16 / t1 : 0;
        if (ratio > worst)
            worst = ratio;
        printf("%-20s %10zu %10.3f %10.3f %10.1f %7.2f  %lu/%lu\n", shapes[i].name, one.len,
               t1 * 1e3, t16 * 1e3, (double)many.len / t16 / 1e6, ratio, r16, e16);
        free(one.b);
        free(many.b);
    }
    printf("worst ratio %.2f (linear: near 16; best of %d rounds of at least %.0f ms)\n", worst,
           REPS, MIN_ROUND * 1e3);
    return 0;
}
