/* SPDX-License-Identifier: MIT */
/*
 * smtp-bounces: read MTA logs (Postfix, Exim, Sendmail, OpenSMTPD) and DSN
 * messages (RFC 3464), pull out every delivery event with the SMTP reply and
 * the command it answered, classify it with libsmtpreply and print a summary by
 * reason, or one JSON object per event with --json.
 *
 * Memory is constant: input is read through one fixed buffer, a line longer than
 * LINE_CAP is cut (and counted), and the summary lives in fixed arrays; the top
 * recipient domains of each reason are kept with the space-saving algorithm
 * (Metwally et al.), TOPK slots per reason, so counts are exact while a reason
 * has at most TOPK domains and upper bounds (printed with '~') after that.
 *
 * Uses only the public header, as an outside program would.
 */
#define _POSIX_C_SOURCE 200809L

#include <smtpreply.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bounce_log.h"
#include "i18n.h"
#include "json_out.h"

#define LINE_CAP 16384          /* bytes of a line that are looked at; the rest is skipped */
#define READ_CHUNK 65536        /* bytes asked from read() at a time */
#define DOMAIN_CAP 128          /* a domain in the top-k table (longer ones are cut) */
#define EXAMPLE_CAP 200         /* the example reply kept per reason */
#define EXAMPLE_WIDTH 60        /* characters of it printed */
#define TOPK 16                 /* space-saving slots per reason */
#define TOP_PRINT 3             /* domains printed per reason */
#define PROGRESS_MIN (64ull << 20) /* show progress for regular files above this size */

/* ------------------------------------------------------------------------ */
/* Events and their classification.                                          */

struct topk_slot {
    char dom[DOMAIN_CAP];
    uint64_t count;          /* upper bound of the true count */
    uint64_t err;            /* how much of count may belong to evicted domains */
};

struct reason_stats {
    uint64_t count;
    uint64_t bounce[4];      /* by enum smtpreply_bounce */
    char example[EXAMPLE_CAP];
    int has_example;
    unsigned ntop;
    struct topk_slot top[TOPK];
};

static struct {
    int json;
    int many_files;
    const char *file;        /* name shown for the current input */
    struct reason_stats reasons[SMTPREPLY_REASON_COUNT];
    uint64_t by_status[BOUNCE_STATUS_COUNT];
    uint64_t by_bounce[4];
    uint64_t events, lines, truncated, files;
} g;

/* The log parser's state (fixed size, no allocation). */
static struct bounce_log parser;

/* ------------------------------------------------------------------------ */
/* Summary counters.                                                         */

/* The recipient's domain, lower-cased and cut to DOMAIN_CAP - 1 bytes. */
static void domain_of(const struct bounce_event *e, char *out)
{
    const char *at = NULL;
    size_t i, n;

    if (e->rcpt != NULL)
        for (i = 0; i < e->rcpt_len; i++)
            if (e->rcpt[i] == '@')
                at = e->rcpt + i;
    if (at == NULL || at + 1 == e->rcpt + e->rcpt_len) {
        strcpy(out, e->rcpt != NULL ? "(local)" : "(none)");
        return;
    }
    n = (size_t)(e->rcpt + e->rcpt_len - (at + 1));
    if (n > 0 && at[n] == '.')
        n--;                            /* "example.com." is example.com */
    if (n >= DOMAIN_CAP)
        n = DOMAIN_CAP - 1;
    for (i = 0; i < n; i++) {             /* escaped when printed */
        unsigned char c = (unsigned char)at[1 + i];
        out[i] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : (char)c;
    }
    out[n] = '\0';
}

/* Space-saving: count a domain in a fixed table of TOPK slots. */
static void topk_add(struct reason_stats *r, const char *dom)
{
    unsigned i, min = 0;

    for (i = 0; i < r->ntop; i++) {
        if (strcmp(r->top[i].dom, dom) == 0) {
            r->top[i].count++;
            return;
        }
    }
    if (r->ntop < TOPK) {
        i = r->ntop++;
        strcpy(r->top[i].dom, dom);
        r->top[i].count = 1;
        r->top[i].err = 0;
        return;
    }
    /* Full: the least counted slot takes the new domain and inherits its count. */
    for (i = 1; i < TOPK; i++)
        if (r->top[i].count < r->top[min].count)
            min = i;
    strcpy(r->top[min].dom, dom);
    r->top[min].err = r->top[min].count;
    r->top[min].count++;
}

static void remember_example(struct reason_stats *r, const struct bounce_event *e)
{
    char head[40];
    size_t n = 0;

    if (r->has_example)
        return;
    if (e->code != 0) {
        if (e->enh.klass != 0)
            snprintf(head, sizeof head, "%u %u.%u.%u ", e->code, e->enh.klass,
                     e->enh.subject, e->enh.detail);
        else
            snprintf(head, sizeof head, "%u ", e->code);
        n = strlen(head);
        memcpy(r->example, head, n);
    }
    if (e->text_len < sizeof r->example - n) {
        memcpy(r->example + n, e->text, e->text_len);
        n += e->text_len;
    } else {
        memcpy(r->example + n, e->text, sizeof r->example - 1 - n);
        n = sizeof r->example - 1;
    }
    r->example[n] = '\0';
    r->has_example = n > 0;
}

static int clamp(int v, int count, int fallback)
{
    return v >= 0 && v < count ? v : fallback;
}

static void emit(void *ctx, const struct bounce_event *e)
{
    struct smtpreply_verdict v;
    struct reason_stats *r;
    char dom[DOMAIN_CAP];
    int reason, bounce, cmd = e->command;

    (void)ctx;
    memset(&v, 0, sizeof v);
    if (e->status == BOUNCE_SENT && e->code != 0 && e->command == SMTPREPLY_CMD_UNKNOWN)
        cmd = SMTPREPLY_CMD_DATA_END;  /* a delivery's logged reply answers the end of data */
    if (e->status == BOUNCE_SENT && e->code == 0) {
        /* Delivered with no reply logged (local delivery, Exim without C=). */
        v.reason = SMTPREPLY_REASON_NONE;
        v.bounce = SMTPREPLY_BOUNCE_NONE;
        v.retry = SMTPREPLY_RETRY_NOT_NEEDED;
        v.evidence = SMTPREPLY_EVIDENCE_NONE;
    } else {
        smtpreply_classify_parts(e->code, e->enh.klass ? &e->enh : NULL, e->text, e->text_len,
                                 cmd, &v);
    }
    reason = clamp(v.reason, SMTPREPLY_REASON_COUNT, SMTPREPLY_REASON_UNCLASSIFIED);
    bounce = clamp(v.bounce, 4, SMTPREPLY_BOUNCE_NONE);

    g.events++;
    g.by_status[e->status]++;
    g.by_bounce[bounce]++;
    if (g.json) {
        FILE *f = stdout;
        fputc('{', f);
        if (e->rcpt != NULL)
            json_member(f, "recipient", e->rcpt, e->rcpt_len);
        else
            fputs("\"recipient\":null", f);
        fprintf(f, ",\"status\":\"%s\",\"code\":", bounce_status_name(e->status));
        if (e->code != 0)
            fprintf(f, "%u", e->code);
        else
            fputs("null", f);
        fputs(",\"enhanced\":", f);
        if (e->enh.klass != 0)
            fprintf(f, "\"%u.%u.%u\"", e->enh.klass, e->enh.subject, e->enh.detail);
        else
            fputs("null", f);
        fputs(",\"command\":", f);
        if (cmd != SMTPREPLY_CMD_UNKNOWN)
            fprintf(f, "\"%s\"", smtpreply_command_name(cmd));
        else
            fputs("null", f);
        fprintf(f, ",\"reason\":\"%s\",\"bounce\":\"%s\",\"retry\":\"%s\",\"confidence\":\"%s\","
                "\"evidence\":\"%s\",\"line\":%llu",
                smtpreply_reason_name(reason), smtpreply_bounce_name(bounce),
                smtpreply_retry_name(v.retry),
                smtpreply_confidence_name(smtpreply_verdict_confidence(&v)),
                smtpreply_evidence_name(v.evidence), (unsigned long long)e->line);
        if (g.many_files) {
            fputc(',', f);
            json_member(f, "file", g.file, strlen(g.file));
        }
        fputs("}\n", f);
        return;
    }
    r = &g.reasons[reason];
    r->count++;
    r->bounce[bounce]++;
    remember_example(r, e);
    domain_of(e, dom);
    topk_add(r, dom);
}

/* ------------------------------------------------------------------------ */
/* Reading: one fixed buffer, lines handed out in place.                     */

static char rbuf[LINE_CAP + READ_CHUNK];

struct progress {
    int on;
    int width;                 /* characters of the last progress line */
    uint64_t total, done;
    time_t last;
};

static void progress_show(struct progress *pr, int final)
{
    char shown[512];
    time_t now;

    if (!pr->on)
        return;
    now = time(NULL);
    if (!final && now == pr->last)
        return;
    pr->last = now;
    if (final) {
        fprintf(stderr, "\r%*s\r", pr->width, "");
        return;
    }
    pr->width = fprintf(stderr, "\rsmtp-bounces: %s: %llu / %llu MiB (%u%%)",
                        term_safe(shown, sizeof shown, g.file),
                        (unsigned long long)(pr->done >> 20), (unsigned long long)(pr->total >> 20),
                        (unsigned)(pr->total ? pr->done * 100 / pr->total : 0));
    if (pr->width < 1)
        pr->width = 1;
    fflush(stderr);
}

/*
 * A compressed file read as a log would give no event and no error: its magic
 * number names the format and the command that decompresses it.
 */
static int compressed(const unsigned char *p, size_t n, const char **format, const char **cat)
{
    static const unsigned char bz_block[6] = { 0x31, 0x41, 0x59, 0x26, 0x53, 0x59 };
    static const unsigned char bz_end[6] = { 0x17, 0x72, 0x45, 0x38, 0x50, 0x90 };
    static const unsigned char xz[6] = { 0xFD, '7', 'z', 'X', 'Z', 0x00 };
    static const unsigned char zstd[4] = { 0x28, 0xB5, 0x2F, 0xFD };

    if (n >= 3 && p[0] == 0x1F && p[1] == 0x8B && p[2] == 0x08) {         /* RFC 1952 */
        *format = "gzip";
        *cat = "zcat";
    } else if (n >= 10 && p[0] == 'B' && p[1] == 'Z' && p[2] == 'h' && p[3] >= '1' &&
               p[3] <= '9' && (memcmp(p + 4, bz_block, 6) == 0 || memcmp(p + 4, bz_end, 6) == 0)) {
        *format = "bzip2";
        *cat = "bzcat";
    } else if (n >= 6 && memcmp(p, xz, 6) == 0) {
        *format = "xz";
        *cat = "xzcat";
    } else if (n >= 4 && memcmp(p, zstd, 4) == 0) {                       /* RFC 8878 */
        *format = "zstd";
        *cat = "zstdcat";
    } else {
        return 0;
    }
    return 1;
}

#define MAGIC_MAX 10            /* bytes compressed() needs to decide */

/* Read one input to the end; returns 0, or -1 after reporting an error. */
static int read_input(int fd)
{
    size_t start = 0, end = 0;
    int eof = 0, skipping = 0, checked = 0;
    uint64_t line_no = 0;
    struct progress pr;
    struct stat sb;
    char shown[512];

    memset(&pr, 0, sizeof pr);
    if (isatty(2) && fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) &&
        (uint64_t)sb.st_size > PROGRESS_MIN) {
        pr.on = 1;
        pr.total = (uint64_t)sb.st_size;
    }
    for (;;) {
        if (!checked && (eof || end >= MAGIC_MAX)) {
            const char *format, *cat;

            checked = 1;
            if (compressed((const unsigned char *)rbuf, end, &format, &cat)) {
                progress_show(&pr, 1);
                term_safe(shown, sizeof shown, g.file);
                if (strcmp(g.file, "-") == 0)
                    fprintf(stderr, "smtp-bounces: standard input is %s-compressed; pipe it "
                            "through %s first\n", format, cat);
                else
                    fprintf(stderr, "smtp-bounces: %s: %s-compressed; read it with: %s %s | "
                            "smtp-bounces\n", shown, format, cat, shown);
                return -1;
            }
        }
        if (checked && start < end) {
            char *nl = memchr(rbuf + start, '\n', end - start);
            if (nl != NULL) {
                size_t len = (size_t)(nl - (rbuf + start));
                if (skipping) {
                    skipping = 0;
                } else {
                    line_no++;
                    if (len > LINE_CAP) {
                        g.truncated++;
                        len = LINE_CAP;     /* the same cut wherever the read ended */
                    }
                    bounce_log_line(&parser, rbuf + start, len, line_no);
                    len = (size_t)(nl - (rbuf + start));
                }
                start += len + 1;
                continue;
            }
            if (skipping) {
                start = end = 0;
            } else if (end - start >= LINE_CAP) {
                /* An overlong line: look at its first LINE_CAP bytes, skip the rest. */
                line_no++;
                g.truncated++;
                bounce_log_line(&parser, rbuf + start, LINE_CAP, line_no);
                start += LINE_CAP;
                skipping = 1;
                continue;
            }
        }
        if (eof) {
            if (!skipping && start < end) {
                line_no++;
                bounce_log_line(&parser, rbuf + start, end - start, line_no);
            }
            break;
        }
        if (start > 0) {
            memmove(rbuf, rbuf + start, end - start);
            end -= start;
            start = 0;
        }
        {
            ssize_t got = read(fd, rbuf + end, sizeof rbuf - end);
            if (got < 0) {
                if (errno == EINTR)
                    continue;
                progress_show(&pr, 1);
                fprintf(stderr, "smtp-bounces: %s: %s\n", term_safe(shown, sizeof shown, g.file),
                        strerror(errno));
                bounce_log_end(&parser);
                g.lines += line_no;
                return -1;
            }
            if (got == 0)
                eof = 1;
            end += (size_t)got;
            pr.done += (uint64_t)got;
            progress_show(&pr, 0);
        }
    }
    bounce_log_end(&parser);           /* ends a DSN block left open at the end */
    progress_show(&pr, 1);
    g.lines += line_no;
    return 0;
}

/* ------------------------------------------------------------------------ */
/* The summary.                                                              */

static void permille(char *out, size_t cap, uint64_t part, uint64_t whole)
{
    uint64_t pm = whole ? (part * 1000 + whole / 2) / whole : 0;

    snprintf(out, cap, "%llu.%llu%%", (unsigned long long)(pm / 10), (unsigned long long)(pm % 10));
}

static int slot_cmp(const void *a, const void *b)
{
    const struct topk_slot *x = a, *y = b;

    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    return strcmp(x->dom, y->dom);
}

/* The language of the summary (examples/i18n.h). */
static struct i18n lang;

/* Right-aligned in width columns, counted by characters. */
static void rpad(FILE *f, const char *s, size_t width)
{
    size_t cols = i18n_columns(s, strlen(s));

    while (cols++ < width)
        fputc(' ', f);
    fputs(s, f);
}

/* "  label   " and a filled template, one line of the totals. */
static void total_line(FILE *f, enum tool_label row, enum tool_label tmpl,
                       const unsigned long long *v, int n)
{
    char nums[5][24], text[512];
    const char *args[5];
    int i;

    for (i = 0; i < n && i < 5; i++) {
        snprintf(nums[i], sizeof nums[i], "%llu", v[i]);
        args[i] = nums[i];
    }
    fputs("  ", f);
    i18n_pad(f, tr(&lang, row), 7);
    fputc(' ', f);
    i18n_compose(text, sizeof text, tr(&lang, tmpl), args, n);
    fprintf(f, "%s\n", text);
}

static void print_summary(void)
{
    int order[SMTPREPLY_REASON_COUNT];
    int i, j, n = 0;
    char share[32], ex[EXAMPLE_CAP * 4];
    FILE *f = stdout;

    for (i = 0; i < SMTPREPLY_REASON_COUNT; i++)
        if (g.reasons[i].count > 0)
            order[n++] = i;
    /* Most frequent first; equal counts in the library's reason order. */
    for (i = 1; i < n; i++) {
        int k = order[i];
        for (j = i; j > 0 && g.reasons[order[j - 1]].count < g.reasons[k].count; j--)
            order[j] = order[j - 1];
        order[j] = k;
    }
    fprintf(f, "%s\n", tr(&lang, L_BOUNCES_HEADING_REASONS));
    if (n == 0) {
        fprintf(f, "  %s\n", tr(&lang, L_BOUNCES_NO_EVENTS));
    } else {
        fputs("  ", f);
        i18n_pad(f, tr(&lang, L_BOUNCES_COL_REASON), 25);
        fputc(' ', f);
        rpad(f, tr(&lang, L_BOUNCES_COL_COUNT), 7);
        fputc(' ', f);
        rpad(f, tr(&lang, L_BOUNCES_COL_SHARE), 6);
        fputc(' ', f);
        rpad(f, tr(&lang, L_BOUNCES_COL_HARD), 6);
        fputc(' ', f);
        rpad(f, tr(&lang, L_BOUNCES_COL_SOFT), 6);
        fputc(' ', f);
        rpad(f, tr(&lang, L_BOUNCES_COL_BLOCK), 6);
        fprintf(f, "  %s\n", tr(&lang, L_BOUNCES_COL_EXAMPLE));
        for (i = 0; i < n; i++) {
            const struct reason_stats *r = &g.reasons[order[i]];
            permille(share, sizeof share, r->count, g.events);
            if (r->has_example)
                term_text_buf(ex, sizeof ex, r->example, strlen(r->example), EXAMPLE_WIDTH);
            else
                strcpy(ex, "-");           /* e.g. deliveries that logged no reply */
            fprintf(f, "  %-25s %7llu %6s %6llu %6llu %6llu  %s\n",
                    smtpreply_reason_name(order[i]), (unsigned long long)r->count, share,
                    (unsigned long long)r->bounce[SMTPREPLY_BOUNCE_HARD],
                    (unsigned long long)r->bounce[SMTPREPLY_BOUNCE_SOFT],
                    (unsigned long long)r->bounce[SMTPREPLY_BOUNCE_BLOCK], ex);
        }
        fprintf(f, "\n%s\n", tr(&lang, L_BOUNCES_HEADING_DOMAINS));
        for (i = 0; i < n; i++) {
            struct reason_stats *r = &g.reasons[order[i]];
            struct topk_slot top[TOPK];
            unsigned k;
            memcpy(top, r->top, sizeof top);
            qsort(top, r->ntop, sizeof top[0], slot_cmp);
            fprintf(f, "  %-25s", smtpreply_reason_name(order[i]));
            for (k = 0; k < r->ntop && k < TOP_PRINT; k++) {
                /* domain_of()'s stand-ins for a recipient without a domain, in words */
                if (strcmp(top[k].dom, "(local)") == 0)
                    snprintf(ex, sizeof ex, "%s", tr(&lang, L_BOUNCES_DOMAIN_LOCAL));
                else if (strcmp(top[k].dom, "(none)") == 0)
                    snprintf(ex, sizeof ex, "%s", tr(&lang, L_BOUNCES_DOMAIN_NONE));
                else
                    term_text_buf(ex, sizeof ex, top[k].dom, strlen(top[k].dom), DOMAIN_CAP);
                fprintf(f, "%s %s %s%llu", k ? "," : "", ex, top[k].err ? "~" : "",
                        (unsigned long long)top[k].count);
            }
            fputc('\n', f);
        }
    }
    fprintf(f, "\n%s\n", tr(&lang, L_BOUNCES_HEADING_TOTALS));
    {
        unsigned long long v[5];

        v[0] = g.events;
        v[1] = g.by_status[BOUNCE_BOUNCED];
        v[2] = g.by_status[BOUNCE_DEFERRED];
        v[3] = g.by_status[BOUNCE_EXPIRED];
        v[4] = g.by_status[BOUNCE_SENT];
        total_line(f, L_BOUNCES_ROW_EVENTS, L_BOUNCES_EVENTS_DETAIL, v, 5);
        v[0] = g.by_bounce[SMTPREPLY_BOUNCE_HARD];
        v[1] = g.by_bounce[SMTPREPLY_BOUNCE_SOFT];
        v[2] = g.by_bounce[SMTPREPLY_BOUNCE_BLOCK];
        v[3] = g.by_bounce[SMTPREPLY_BOUNCE_NONE];
        total_line(f, L_BOUNCES_ROW_BOUNCE, L_BOUNCES_BOUNCE_DETAIL, v, 4);
        v[0] = g.files;
        v[1] = g.lines;
        v[2] = g.truncated;
        v[3] = LINE_CAP;
        total_line(f, L_BOUNCES_ROW_INPUT,
                   g.files == 1 ? L_BOUNCES_INPUT_DETAIL_ONE : L_BOUNCES_INPUT_DETAIL, v, 4);
    }
}

/* ------------------------------------------------------------------------ */

static void usage(FILE *f)
{
    fputs("usage: smtp-bounces [--json] [--lang LANG] [FILE...]\n"
          "Summarise delivery events from Postfix, Exim, Sendmail and OpenSMTPD logs\n"
          "and DSN messages; reads standard input when no FILE (or '-') is given.\n"
          "Compressed files are refused with the command that reads them (zcat, bzcat,\n"
          "xzcat, zstdcat).\n"
          "  --json      one JSON object per delivery event instead of the summary; a\n"
          "              recipient or file name that is not valid UTF-8 shows U+FFFD, and\n"
          "              its exact bytes follow in \"recipient_raw\" or \"file_raw\"\n"
          "  --lang LANG the language of the summary (default: LC_ALL, LC_MESSAGES or\n"
          "              LANG; the --json fields are the same in every language)\n"
          "  --help      this text\n"
          "  --version   the tool's and the library's version\n"
          "Exit status: 0 every input was read, 2 usage error, or an input could not be\n"
          "read or was compressed (the other inputs are still read).\n", f);
}

int main(int argc, char **argv)
{
    static char outbuf[1 << 16];
    int i, rc = 0, nfiles = 0, end_opts = 0;

    setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);
    bounce_log_init(&parser, emit, NULL);
    (void)i18n_select(&lang, i18n_env());      /* an unknown LANG means English */
    for (i = 1; i < argc; i++) {
        if (!end_opts && strcmp(argv[i], "--") == 0) {
            end_opts = 1;
            continue;
        }
        if (!end_opts && argv[i][0] == '-' && argv[i][1] != '\0') {
            if (strcmp(argv[i], "--json") == 0) {
                g.json = 1;
            } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
                usage(stdout);
                return 0;
            } else if (strcmp(argv[i], "--version") == 0) {
                printf("smtp-bounces (smtpreply %s)\n", smtpreply_version());
                return 0;
            } else if (strcmp(argv[i], "--lang") == 0) {
                char shown[512], langs[128];

                if (i + 1 < argc && i18n_select(&lang, argv[i + 1]) == 0) {
                    i++;
                    continue;
                }
                i18n_list(langs, sizeof langs);
                fprintf(stderr, "smtp-bounces: --lang %s: no such language (%s)\n",
                        i + 1 < argc ? term_safe(shown, sizeof shown, argv[i + 1]) : "", langs);
                usage(stderr);
                return 2;
            } else {
                char shown[512];

                fprintf(stderr, "smtp-bounces: unknown option '%s'\n",
                        term_safe(shown, sizeof shown, argv[i]));
                usage(stderr);
                return 2;
            }
            continue;
        }
        nfiles++;
    }
    g.many_files = nfiles > 1;
    end_opts = 0;
    if (nfiles == 0) {
        g.file = "-";
        g.files = 1;
        if (read_input(0) < 0)
            rc = 2;
    }
    for (i = 1; i < argc && nfiles > 0; i++) {
        const char *a = argv[i];
        int fd;
        if (!end_opts && strcmp(a, "--") == 0) {
            end_opts = 1;
            continue;
        }
        if (!end_opts && strcmp(a, "--lang") == 0) {
            i++;                       /* its value, checked above */
            continue;
        }
        if (!end_opts && a[0] == '-' && a[1] != '\0')
            continue;
        g.file = a;
        if (strcmp(a, "-") == 0) {
            fd = 0;
        } else if ((fd = open(a, O_RDONLY)) < 0) {
            char shown[512];

            fprintf(stderr, "smtp-bounces: %s: %s\n", term_safe(shown, sizeof shown, a),
                    strerror(errno));
            rc = 2;
            continue;
        }
        g.files++;
        if (read_input(fd) < 0)
            rc = 2;
        if (fd != 0)
            close(fd);
    }
    if (!g.json)
        print_summary();
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "smtp-bounces: writing the output: %s\n", strerror(errno));
        rc = 2;
    }
    return rc;
}
