/* SPDX-License-Identifier: MIT */
/*
 * Throughput of the parser, the classifier and the EHLO reader over a corpus of
 * server replies held in memory, next to two baselines that say what "fast" means
 * on this machine: one memchr() per line, and a plain read of every byte.
 *
 *   bench [--passes N] [--only FIGURE] [--markdown] CORPUS...
 *
 * Each CORPUS is a file from tests/bench/gen_corpus.py; CORPUS.meta.json holds the
 * reply count, line count and code sum every figure is checked against. Per
 * corpus, each pass times every figure once, in turn, so load on a shared machine
 * spreads over all of them; the medians are printed with each figure's ratio to
 * the memchr baseline, and at the end one table of the ratios of feed(),
 * feed_many(), feed() + classify and parse + EHLO for every corpus. --only runs one
 * figure once on one corpus with no timing loop: tests/bench/callgrind.sh uses it
 * to count instructions. The exit status is 1 when a count disagrees with a meta
 * file; nothing is asserted about time.
 */
#define _POSIX_C_SOURCE 199309L

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "smtpreply.h"

#ifndef BENCH_HAVE_CLASSIFY
#define BENCH_HAVE_CLASSIFY 0
#endif
#ifndef BENCH_HAVE_EHLO
#define BENCH_HAVE_EHLO 0
#endif

#ifndef BENCH_BUILDTYPE
#define BENCH_BUILDTYPE "unknown"
#endif

#if defined(__GNUC__)
#define NOINLINE __attribute__((noinline))
#else
#define NOINLINE
#endif

#define MAX_PASSES 101

/* What one run of a figure found; compared with the meta file. */
struct tally {
    uint64_t replies;
    uint64_t lines;
    uint64_t codesum;
    uint64_t errors;
    uint64_t ehlo;       /* EHLO replies read by smtpreply_ehlo_parse() */
    uint64_t sink;       /* folds results the compiler must not discard */
};

struct meta {
    uint64_t bytes, replies, lines, codesum, ehlo;
    char variant[32];
};

static unsigned char *corpus;
static size_t corpus_len;
static char text_buf[16384];

/* ---- the figures ----------------------------------------------------------- */

/* Every byte read once; the sum keeps the loads alive. */
NOINLINE static void run_read(struct tally *t)
{
    uint64_t acc = 0, w;
    size_t i = 0;

    for (; i + 8 <= corpus_len; i += 8) {
        memcpy(&w, corpus + i, 8);
        acc += w;
    }
    for (; i < corpus_len; i++)
        acc += corpus[i];
    t->sink += acc;
}

/* One memchr() per line: the least any line-oriented reader does. */
NOINLINE static void run_memchr(struct tally *t)
{
    const unsigned char *p = corpus, *end = corpus + corpus_len;
    uint64_t lines = 0;

    while (p < end) {
        const unsigned char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl)
            break;
        lines++;
        p = nl + 1;
    }
    t->lines += lines;
}

enum post { POST_NONE, POST_CLASSIFY, POST_EHLO };

/* The whole buffer in one feed; feed again after each reply, as an MTA would with
 * a read() buffer holding many pipelined replies. */
static void parse_all(struct tally *t, enum post post)
{
    struct smtpreply_parser p;
    struct smtpreply_reply r;
    size_t off = 0, used;

    smtpreply_parser_init(&p, text_buf, sizeof text_buf);
    while (off < corpus_len) {
        int rc = smtpreply_parser_feed(&p, (const char *)corpus + off, corpus_len - off,
                                       &used, &r);
        off += used;
        if (rc == SMTPREPLY_REPLY) {
            t->replies++;
            t->lines += r.line_count;
            t->codesum += r.code;
#if BENCH_HAVE_CLASSIFY
            if (post == POST_CLASSIFY) {
                struct smtpreply_verdict v;
                smtpreply_classify(&r, SMTPREPLY_CMD_UNKNOWN, &v);
                t->sink += (uint64_t)v.reason * 31u + (uint64_t)v.retry;
            }
#endif
#if BENCH_HAVE_EHLO
            if (post == POST_EHLO && r.code == 250 && r.line_count > 1) {
                struct smtpreply_ehlo e;
                if (smtpreply_ehlo_parse(&r, &e) == SMTPREPLY_OK) {
                    t->ehlo++;
                    t->sink += e.extensions ^ e.auth ^ e.size_max;
                }
            }
#endif
        } else if (rc < 0) {
            t->errors++;
        } else if (used == 0) {
            break;
        }
    }
    (void)post;
}

/* One reply's tallies, and the work after parsing that the figure asks for. */
static inline void tally_reply(struct tally *t, const struct smtpreply_reply *r, enum post post)
{
    t->replies++;
    t->lines += r->line_count;
    t->codesum += r->code;
#if BENCH_HAVE_CLASSIFY
    if (post == POST_CLASSIFY) {
        struct smtpreply_verdict v;
        smtpreply_classify(r, SMTPREPLY_CMD_UNKNOWN, &v);
        t->sink += (uint64_t)v.reason * 31u + (uint64_t)v.retry;
    }
#endif
    (void)post;
}

/* The same with smtpreply_parser_feed_many(): every complete reply in the buffer
 * in one call, up to the array's size. */
#define MANY 64
static void parse_many_all(struct tally *t, enum post post)
{
    struct smtpreply_parser p;
    struct smtpreply_reply r[MANY];
    size_t off = 0, used, n, i;

    smtpreply_parser_init(&p, text_buf, sizeof text_buf);
    while (off < corpus_len) {
        int rc = smtpreply_parser_feed_many(&p, (const char *)corpus + off, corpus_len - off,
                                            &used, r, MANY, &n);
        off += used;
        for (i = 0; i < n; i++)
            tally_reply(t, &r[i], post);
        if (rc < 0)
            t->errors++;
        else if (rc == SMTPREPLY_NEED_MORE && used == 0)
            break;
    }
}

NOINLINE static void run_parse(struct tally *t)
{
    parse_all(t, POST_NONE);
}

NOINLINE static void run_parse_many(struct tally *t)
{
    parse_many_all(t, POST_NONE);
}

NOINLINE static void run_classify_many(struct tally *t)
{
    parse_many_all(t, POST_CLASSIFY);
}

NOINLINE static void run_classify(struct tally *t)
{
    parse_all(t, POST_CLASSIFY);
}

NOINLINE static void run_ehlo(struct tally *t)
{
    parse_all(t, POST_EHLO);
}

static const struct figure {
    const char *name;
    void (*run)(struct tally *);
    int available;
    int check;          /* 'r' replies+lines+codesum, 'l' lines only, 0 nothing */
} figures[] = {
    { "read-bytes",     run_read,     1,                   0 },
    { "memchr-lines",   run_memchr,   1,                   'l' },
    { "parse",          run_parse,    1,                   'r' },
    { "parse+classify", run_classify, BENCH_HAVE_CLASSIFY, 'r' },
    { "parse+ehlo",     run_ehlo,     BENCH_HAVE_EHLO,     'e' },
    { "parse-many",     run_parse_many, 1,                 'r' },
    { "parse-many+classify", run_classify_many, BENCH_HAVE_CLASSIFY, 'r' },
};
#define NFIG (sizeof figures / sizeof figures[0])
#define MEMCHR_FIG 1

/* ---- plumbing ---------------------------------------------------------------- */

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static unsigned char *load(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    unsigned char *buf = NULL;
    long n;

    if (!f)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
        buf = malloc((size_t)n + 1);
        if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
            free(buf);
            buf = NULL;
        }
        *len = (size_t)n;
    }
    fclose(f);
    return buf;
}

/* The unsigned number after "key": at its first occurrence, or 0. */
static uint64_t json_u64(const char *json, const char *key)
{
    char pat[64];
    const char *p;

    snprintf(pat, sizeof pat, "\"%s\":", key);
    p = strstr(json, pat);
    if (!p)
        return 0;
    p += strlen(pat);
    while (*p == ' ')
        p++;
    return strtoull(p, NULL, 10);
}

static void json_str(const char *json, const char *key, char *out, size_t cap)
{
    char pat[64];
    const char *p, *q;

    out[0] = '\0';
    snprintf(pat, sizeof pat, "\"%s\":", key);
    p = strstr(json, pat);
    if (!p || !(p = strchr(p + strlen(pat), '"')) || !(q = strchr(p + 1, '"')))
        return;
    if ((size_t)(q - p - 1) < cap) {
        memcpy(out, p + 1, (size_t)(q - p - 1));
        out[q - p - 1] = '\0';
    }
}

static int read_meta(const char *path, struct meta *m)
{
    size_t n;
    char *json = (char *)load(path, &n);
    const char *ehlo;

    if (!json)
        return -1;
    json[n] = '\0';
    m->bytes = json_u64(json, "bytes");
    m->replies = json_u64(json, "replies");
    m->lines = json_u64(json, "lines");
    m->codesum = json_u64(json, "codesum");
    json_str(json, "variant", m->variant, sizeof m->variant);
    /* "kinds": { "ehlo-multiline": { "replies": N ... } } */
    ehlo = strstr(json, "\"ehlo-multiline\"");
    m->ehlo = ehlo ? json_u64(ehlo, "replies") : 0;
    free(json);
    return 0;
}

/* Compare one run's counts with the meta file; print what differs. */
static int check(const struct figure *f, const struct tally *t, const struct meta *m)
{
    int bad = 0;

    if (f->check == 'l' || f->check == 'r' || f->check == 'e')
        bad |= t->lines != m->lines;
    if (f->check == 'r' || f->check == 'e')
        bad |= t->replies != m->replies || t->codesum != m->codesum || t->errors != 0;
    if (f->check == 'e')
        bad |= t->ehlo != m->ehlo;
    if (bad)
        fprintf(stderr, "bench: %s: replies %llu lines %llu codesum %llu errors %llu ehlo %llu;"
                " expected %llu %llu %llu 0 %llu\n", f->name,
                (unsigned long long)t->replies, (unsigned long long)t->lines,
                (unsigned long long)t->codesum, (unsigned long long)t->errors,
                (unsigned long long)t->ehlo, (unsigned long long)m->replies,
                (unsigned long long)m->lines, (unsigned long long)m->codesum,
                (unsigned long long)m->ehlo);
    return bad;
}

static void usage(void)
{
    fputs("usage: bench [--passes N] [--only FIGURE] [--markdown] CORPUS...\n"
          "figures: read-bytes memchr-lines parse parse+classify parse+ehlo parse-many\n"
          "         parse-many+classify\n"
          "each CORPUS comes with CORPUS.meta.json from gen_corpus.py\n", stderr);
}

/* One corpus in memory with its meta file, or a message and 2. */
static int open_corpus(const char *path, struct meta *m)
{
    char meta_path[4096];

    free(corpus);
    corpus = load(path, &corpus_len);
    if (!corpus) {
        fprintf(stderr, "bench: cannot read %s\n", path);
        return 2;
    }
    snprintf(meta_path, sizeof meta_path, "%s.meta.json", path);
    memset(m, 0, sizeof *m);
    if (read_meta(meta_path, m) != 0 || m->bytes != corpus_len || m->replies == 0) {
        fprintf(stderr, "bench: %s does not describe %s\n", meta_path, path);
        return 2;
    }
    return 0;
}

/* --only: one figure once, untimed (tests/bench/callgrind.sh counts it). */
static int run_only(const char *only, const struct meta *m)
{
    size_t f;

    for (f = 0; f < NFIG; f++) {
        if (!strcmp(figures[f].name, only) && figures[f].available) {
            struct tally t;
            int bad;
            memset(&t, 0, sizeof t);
            figures[f].run(&t);
            bad = check(&figures[f], &t, m);
            printf("%s: %llu replies (sink %llu)\n", only, (unsigned long long)m->replies,
                   (unsigned long long)t.sink);
            return bad;
        }
    }
    fprintf(stderr, "bench: no figure %s in this build\n", only);
    return 2;
}

/* Every figure, passes times, interleaved; the medians in med[]. Returns whether
 * a count disagreed with the meta file (checked on an untimed first pass). */
static int time_figures(int passes, const struct meta *m, double *med)
{
    static double ns[NFIG][MAX_PASSES];
    uint64_t sink = 0;
    int bad = 0, i;
    size_t f;

    for (f = 0; f < NFIG; f++) {
        struct tally t;
        if (!figures[f].available)
            continue;
        memset(&t, 0, sizeof t);
        figures[f].run(&t);
        bad |= check(&figures[f], &t, m);
        sink += t.sink;
    }
    for (i = 0; i < passes; i++) {
        for (f = 0; f < NFIG; f++) {
            struct tally t;
            double t0;
            if (!figures[f].available)
                continue;
            memset(&t, 0, sizeof t);
            t0 = now_ns();
            figures[f].run(&t);
            ns[f][i] = now_ns() - t0;
            sink += t.sink;
        }
    }
    for (f = 0; f < NFIG; f++) {
        if (!figures[f].available)
            continue;
        qsort(ns[f], (size_t)passes, sizeof ns[f][0], cmp_double);
        med[f] = ns[f][passes / 2];
    }
    if (sink == 42)     /* keeps every result observable */
        puts("");
    return bad;
}

static void print_figures(const char *path, const struct meta *m, int passes, int bad,
                          int markdown, const double *med)
{
    size_t f;

    printf("corpus %s (%s): %llu bytes, %llu replies, %llu lines, %.1f B/reply, %.2f lines/reply\n",
           path, m->variant, (unsigned long long)m->bytes, (unsigned long long)m->replies,
           (unsigned long long)m->lines, (double)m->bytes / (double)m->replies,
           (double)m->lines / (double)m->replies);
    printf("medians of %d passes, %s build; counts %s the meta file\n", passes, BENCH_BUILDTYPE,
           bad ? "DIFFER from" : "match");
    if (!strcmp(BENCH_BUILDTYPE, "debug") || !strcmp(BENCH_BUILDTYPE, "plain"))
        printf("note: not optimised; configure with --buildtype=release for real figures\n");
    if (markdown)
        printf("| %s | figure | MB/s | ns/reply | x memchr |\n|---|---|---:|---:|---:|\n", m->variant);
    else
        printf("%-20s %10s %12s %10s %9s\n", "figure", "MB/s", "replies/s", "ns/reply", "x memchr");
    for (f = 0; f < NFIG; f++) {
        double secs = med[f] / 1e9, ratio = med[f] / med[MEMCHR_FIG];
        if (!figures[f].available) {
            if (!markdown)
                printf("%-20s (not in this build)\n", figures[f].name);
            continue;
        }
        if (markdown)
            printf("| %s | %s | %.0f | %.1f | %.2f |\n", m->variant, figures[f].name,
                   (double)m->bytes / 1e6 / secs, med[f] / (double)m->replies, ratio);
        else
            printf("%-20s %10.0f %12.0f %10.1f %8.2fx\n", figures[f].name,
                   (double)m->bytes / 1e6 / secs, (double)m->replies / secs,
                   med[f] / (double)m->replies, ratio);
    }
    printf("\n");
}

/* The summary: each corpus's ratios to memchr for the four ways a program reads
 * replies (one a call, many a call, with classification, with EHLO). */
#define SUMMARY_MAX 8
static const char *const summary_figures[] = { "parse", "parse-many", "parse+classify",
                                               "parse+ehlo" };
static char summary_rows[SUMMARY_MAX][256];
static int summary_count;

static void add_summary(const struct meta *m, const double *med)
{
    char *row = summary_rows[summary_count++];
    size_t i, f, at;

    at = (size_t)snprintf(row, 256, "| %s |", m->variant);
    for (i = 0; i < sizeof summary_figures / sizeof summary_figures[0]; i++) {
        for (f = 0; f < NFIG && strcmp(figures[f].name, summary_figures[i]); f++)
            ;
        if (f < NFIG && figures[f].available)
            at += (size_t)snprintf(row + at, 256 - at, " %.2fx |", med[f] / med[MEMCHR_FIG]);
        else
            at += (size_t)snprintf(row + at, 256 - at, " - |");
    }
}

static void print_summary(void)
{
    int i;

    printf("ratios to one memchr() per line, medians in one run:\n\n"
           "| corpus | feed() | feed_many() | feed() + classify | parse + EHLO capabilities |\n"
           "| --- | ---: | ---: | ---: | ---: |\n");
    for (i = 0; i < summary_count; i++)
        printf("%s\n", summary_rows[i]);
}

int main(int argc, char **argv)
{
    const char *paths[SUMMARY_MAX], *only = NULL;
    double med[NFIG];
    struct meta m;
    int passes = 7, markdown = 0, bad = 0, npaths = 0, i, rc;

    for (i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--passes") && i + 1 < argc) {
            passes = atoi(argv[++i]);
        } else if (!strcmp(argv[i], "--only") && i + 1 < argc) {
            only = argv[++i];
        } else if (!strcmp(argv[i], "--markdown")) {
            markdown = 1;
        } else if (argv[i][0] == '-' || npaths == SUMMARY_MAX) {
            usage();
            return 2;
        } else {
            paths[npaths++] = argv[i];
        }
    }
    if (npaths == 0 || passes < 1 || passes > MAX_PASSES || (only && npaths != 1)) {
        usage();
        return 2;
    }
    for (i = 0; i < npaths; i++) {
        if ((rc = open_corpus(paths[i], &m)) != 0)
            return rc;
        if (only)
            return run_only(only, &m);
        rc = time_figures(passes, &m, med);
        bad |= rc;
        print_figures(paths[i], &m, passes, rc, markdown, med);
        add_summary(&m, med);
    }
    print_summary();
    free(corpus);
    return bad;
}
