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
#include <poll.h>
#include <signal.h>
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
#define FOLLOW_WAIT_MS 500      /* --follow: the pause at the end of the file */

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

struct reject_stats {
    uint64_t count;
    char example[EXAMPLE_CAP];
    int has_example;
};

enum out_format { OUT_SUMMARY, OUT_JSON, OUT_CSV };

static struct {
    int format;              /* enum out_format */
    int many_files;
    int rejects;             /* --rejects: inbound rejects are printed as events */
    int follow, from_start;
    int year;                /* --year, or 0 */
    int has_since, has_until;
    int64_t since, until;    /* seconds since the epoch */
    time_t now;
    int now_year;            /* the local year of now, found once (localtime() reads the zone file) */
    const char *file;        /* name shown for the current input */
    struct reason_stats reasons[SMTPREPLY_REASON_COUNT];
    struct reject_stats rejected[SMTPREPLY_REASON_COUNT];
    uint64_t by_status[BOUNCE_STATUS_COUNT];
    uint64_t by_bounce[4];
    uint64_t events, lines, truncated, files, rejects_total;
    uint64_t in_range, outside, no_time;
} g;

static volatile sig_atomic_t stop_requested;

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

static void example_of(char *example, int *has_example, const struct bounce_event *e)
{
    char head[40];
    size_t n = 0;
    const size_t cap = EXAMPLE_CAP;

    if (*has_example)
        return;
    if (e->code != 0) {
        if (e->enh.klass != 0)
            snprintf(head, sizeof head, "%u %u.%u.%u ", e->code, e->enh.klass,
                     e->enh.subject, e->enh.detail);
        else
            snprintf(head, sizeof head, "%u ", e->code);
        n = strlen(head);
        memcpy(example, head, n);
    }
    if (e->text_len < cap - n) {
        memcpy(example + n, e->text, e->text_len);
        n += e->text_len;
    } else {
        memcpy(example + n, e->text, cap - 1 - n);
        n = cap - 1;
    }
    example[n] = '\0';
    *has_example = n > 0;
}

static int clamp(int v, int count, int fallback)
{
    return v >= 0 && v < count ? v : fallback;
}

/* ------------------------------------------------------------------------ */
/* Times.                                                                    */

/* Days from 1970-01-01 to a civil date (proleptic Gregorian). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    int64_t era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/*
 * A time without a zone is local time (the TZ variable); 0 when mktime() fails.
 * mktime() reads the zone file on every call, so the start of the last hour
 * asked for is kept: a log's lines come in order, and zones change their offset
 * on the hour.
 */
static int local_epoch(int year, const struct bounce_time *t, int64_t *out)
{
    static struct { int year, mon, mday, hour, ok; int64_t start; } last;
    struct tm tm;
    time_t v;

    if (!(last.ok && last.year == year && last.mon == t->mon && last.mday == t->mday &&
          last.hour == t->hour)) {
        memset(&tm, 0, sizeof tm);
        tm.tm_year = year - 1900;
        tm.tm_mon = t->mon - 1;
        tm.tm_mday = t->mday;
        tm.tm_hour = t->hour;
        tm.tm_isdst = -1;
        v = mktime(&tm);
        if (v == (time_t)-1 && !(year == 1969 && t->mon == 12 && t->mday == 31 && t->hour == 23))
            return 0;
        last.year = year;
        last.mon = t->mon;
        last.mday = t->mday;
        last.hour = t->hour;
        last.ok = 1;
        last.start = (int64_t)v;
    }
    *out = last.start + t->min * 60 + t->sec;
    return 1;
}

/*
 * The year of a syslog time, which has none: --year when given, else this
 * year, or last year when that would put the event more than a day after
 * now (a December line read in January).
 */
static int event_year(const struct bounce_time *t)
{
    int64_t when;
    int y;

    if (t->year != 0)
        return t->year;
    if (g.year != 0)
        return g.year;
    y = g.now_year;
    if (local_epoch(y, t, &when) && when > (int64_t)g.now + 86400)
        y--;
    return y;
}

static int event_epoch(const struct bounce_time *t, int64_t *out)
{
    int year = event_year(t);

    if (t->has_zone) {
        *out = days_from_civil(year, t->mon, t->mday) * 86400 + t->hour * 3600 + t->min * 60 +
               t->sec - (int64_t)t->zone_min * 60;
        return 1;
    }
    return local_epoch(year, t, out);
}

/* "2026-11-27T09:00:01[.frac][Z|+01:00]" into out (64 bytes). */
static void format_time(const struct bounce_time *t, char *out, size_t cap)
{
    size_t n;

    n = (size_t)snprintf(out, cap, "%04d-%02d-%02dT%02d:%02d:%02d", event_year(t), t->mon,
                         t->mday, t->hour, t->min, t->sec);
    if (t->frac[0] != '\0' && n < cap)
        n += (size_t)snprintf(out + n, cap - n, ".%s", t->frac);
    if (t->has_zone && n < cap) {
        if (t->utc_z)
            snprintf(out + n, cap - n, "Z");
        else
            snprintf(out + n, cap - n, "%c%02d:%02d", t->zone_min < 0 ? '-' : '+',
                     abs(t->zone_min) / 60, abs(t->zone_min) % 60);
    }
}

/*
 * --since and --until: "YYYY-MM-DD", then optionally "THH:MM[:SS]" (or a
 * space for T) and a zone ("Z", "+01:00", "+0100"); without a zone the value
 * is local time, as the TZ variable says. 1 when valid.
 */
static int parse_bound(const char *v, int64_t *out)
{
    char buf[64];
    size_t n = strlen(v);
    struct bounce_time t;

    if (n < 10 || n > 40)
        return 0;
    memcpy(buf, v, n + 1);
    if (n == 10) {
        memcpy(buf + 10, "T00:00:00", 10);
        n = 19;
    } else if (n >= 16 && (buf[10] == 'T' || buf[10] == ' ') && buf[13] == ':' &&
               (n == 16 || buf[16] != ':')) {
        memmove(buf + 19, buf + 16, n - 16 + 1);   /* HH:MM: the seconds are 00 */
        memcpy(buf + 16, ":00", 3);
        n += 3;
    }
    buf[10] = 'T';
    if (bounce_time_parse(buf, n, &t) != n || t.year == 0)
        return 0;
    return event_epoch(&t, out);
}

/* ------------------------------------------------------------------------ */
/* Output of one event: JSON and CSV.                                        */

/* Milliseconds as seconds: "1.1", "2", "0.25". */
static void format_delay(uint64_t ms, char *out, size_t cap)
{
    if (ms % 1000 == 0)
        snprintf(out, cap, "%llu", (unsigned long long)(ms / 1000));
    else if (ms % 100 == 0)
        snprintf(out, cap, "%llu.%llu", (unsigned long long)(ms / 1000),
                 (unsigned long long)(ms % 1000 / 100));
    else if (ms % 10 == 0)
        snprintf(out, cap, "%llu.%02llu", (unsigned long long)(ms / 1000),
                 (unsigned long long)(ms % 1000 / 10));
    else
        snprintf(out, cap, "%llu.%03llu", (unsigned long long)(ms / 1000),
                 (unsigned long long)(ms % 1000));
}

/* The event's columns, in the order of both formats. */
enum col {
    C_RECIPIENT, C_STATUS, C_CODE, C_ENHANCED, C_TEXT, C_COMMAND, C_REASON, C_BOUNCE, C_RETRY,
    C_CONFIDENCE, C_EVIDENCE, C_TIME, C_QUEUE_ID, C_SENDER, C_RELAY, C_DELAY, C_DIRECTION,
    C_LINE, C_FILE, C_COUNT
};

static const struct { const char *name; int text; } columns[C_COUNT] = {
    { "recipient", 1 }, { "status", 0 }, { "code", 0 }, { "enhanced", 0 }, { "text", 1 },
    { "command", 0 },
    { "reason", 0 }, { "bounce", 0 }, { "retry", 0 }, { "confidence", 0 }, { "evidence", 0 },
    { "time", 0 }, { "queue_id", 1 }, { "sender", 1 }, { "relay", 1 }, { "delay", 0 },
    { "direction", 0 }, { "line", 0 }, { "file", 1 },
};

struct cell {
    const char *s;           /* NULL: null */
    size_t n;
    int number;              /* JSON: unquoted */
};

/*
 * A CSV field (RFC 4180): quoted when it holds a comma, a quote, CR or LF,
 * quotes doubled. Bytes that are not UTF-8 become U+FFFD (the exact bytes go
 * in the *_raw column). A field that starts with '=', '+', '-', '@', tab, CR
 * or '\'' gets one '\'' in front, so that no spreadsheet runs it as a formula;
 * removing one leading '\'' gives the value back.
 */
static void csv_field(FILE *f, const char *s, size_t n, int latin1)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i, k, bad;
    uint32_t cp;
    int quote = 0;

    for (i = 0; i < n; i++)
        if (p[i] == ',' || p[i] == '"' || p[i] == '\r' || p[i] == '\n')
            quote = 1;
    if (quote)
        fputc('"', f);
    if (n > 0 && strchr("=+-@\t\r'", p[0]) != NULL)
        fputc('\'', f);
    for (i = 0; i < n;) {
        if (p[i] == '"') {
            fputs("\"\"", f);
            i++;
        } else if (p[i] < 0x80) {
            fputc(p[i], f);
            i++;
        } else if (latin1) {
            fputc(0xC0 | (p[i] >> 6), f);
            fputc(0x80 | (p[i] & 0x3F), f);
            i++;
        } else if ((k = utf8_next(p + i, n - i, &cp, &bad)) == 0) {
            fputs("\xEF\xBF\xBD", f);
            i += bad;
        } else {
            fwrite(p + i, 1, k, f);
            i += k;
        }
    }
    if (quote)
        fputc('"', f);
}

static void csv_header(FILE *f)
{
    int c;

    for (c = 0; c < C_COUNT; c++) {
        fprintf(f, "%s%s", c ? "," : "", columns[c].name);
        if (columns[c].text)
            fprintf(f, ",%s_raw", columns[c].name);
    }
    fputs("\r\n", f);
}

static void print_event(const struct bounce_event *e, int cmd, const struct smtpreply_verdict *v,
                        int reason, int bounce)
{
    FILE *f = stdout;
    char code[16], enh[48], tbuf[64], delay[32], line[24];
    struct cell cell[C_COUNT];
    int c;

    memset(cell, 0, sizeof cell);
#define SET(i, str, len, num) (cell[i].s = (str), cell[i].n = (len), cell[i].number = (num))
    if (e->rcpt != NULL)
        SET(C_RECIPIENT, e->rcpt, e->rcpt_len, 0);
    SET(C_STATUS, bounce_status_name(e->status), strlen(bounce_status_name(e->status)), 0);
    if (e->code != 0) {
        snprintf(code, sizeof code, "%u", e->code);
        SET(C_CODE, code, strlen(code), 1);
    }
    if (e->enh.klass != 0) {
        snprintf(enh, sizeof enh, "%u.%u.%u", e->enh.klass, e->enh.subject, e->enh.detail);
        SET(C_ENHANCED, enh, strlen(enh), 0);
    }
    if (e->text != NULL)
        SET(C_TEXT, e->text, e->text_len, 0);
    if (cmd != SMTPREPLY_CMD_UNKNOWN)
        SET(C_COMMAND, smtpreply_command_name(cmd), strlen(smtpreply_command_name(cmd)), 0);
    SET(C_REASON, smtpreply_reason_name(reason), strlen(smtpreply_reason_name(reason)), 0);
    SET(C_BOUNCE, smtpreply_bounce_name(bounce), strlen(smtpreply_bounce_name(bounce)), 0);
    SET(C_RETRY, smtpreply_retry_name(v->retry), strlen(smtpreply_retry_name(v->retry)), 0);
    {
        const char *cf = smtpreply_confidence_name(smtpreply_verdict_confidence(v));
        SET(C_CONFIDENCE, cf, strlen(cf), 0);
    }
    SET(C_EVIDENCE, smtpreply_evidence_name(v->evidence),
        strlen(smtpreply_evidence_name(v->evidence)), 0);
    if (e->time.set) {
        format_time(&e->time, tbuf, sizeof tbuf);
        SET(C_TIME, tbuf, strlen(tbuf), 0);
    }
    if (e->queue_id != NULL)
        SET(C_QUEUE_ID, e->queue_id, e->queue_id_len, 0);
    if (e->sender != NULL)
        SET(C_SENDER, e->sender, e->sender_len, 0);
    if (e->relay != NULL)
        SET(C_RELAY, e->relay, e->relay_len, 0);
    if (e->has_delay) {
        format_delay(e->delay_ms, delay, sizeof delay);
        SET(C_DELAY, delay, strlen(delay), 1);
    }
    SET(C_DIRECTION, e->status == BOUNCE_REJECTED ? "inbound" : "outbound",
        e->status == BOUNCE_REJECTED ? 7u : 8u, 0);
    snprintf(line, sizeof line, "%llu", (unsigned long long)e->line);
    SET(C_LINE, line, strlen(line), 1);
    SET(C_FILE, g.file, strlen(g.file), 0);
#undef SET
    if (g.format == OUT_CSV) {
        for (c = 0; c < C_COUNT; c++) {
            if (c)
                fputc(',', f);
            if (cell[c].s != NULL)
                csv_field(f, cell[c].s, cell[c].n, 0);
            if (columns[c].text) {
                fputc(',', f);
                if (cell[c].s != NULL && !utf8_valid(cell[c].s, cell[c].n))
                    csv_field(f, cell[c].s, cell[c].n, 1);
            }
        }
        fputs("\r\n", f);
    } else {
        fputc('{', f);
        for (c = 0; c < C_COUNT; c++) {
            if (c == C_FILE && !g.many_files)
                continue;
            if (c)
                fputc(',', f);
            if (cell[c].s == NULL)
                fprintf(f, "\"%s\":null", columns[c].name);
            else if (cell[c].number)
                fprintf(f, "\"%s\":%.*s", columns[c].name, (int)cell[c].n, cell[c].s);
            else
                json_member(f, columns[c].name, cell[c].s, cell[c].n);
        }
        fputs("}\n", f);
    }
    if (g.follow)
        fflush(f);
}

/* Is the event inside --since/--until? Counts what the range leaves out. */
static int in_range(const struct bounce_event *e)
{
    int64_t when;

    if (!g.has_since && !g.has_until)
        return 1;
    if (!e->time.set || !event_epoch(&e->time, &when)) {
        g.no_time++;
        return 0;
    }
    if ((g.has_since && when < g.since) || (g.has_until && when >= g.until)) {
        g.outside++;
        return 0;
    }
    g.in_range++;
    return 1;
}

static void emit(void *ctx, const struct bounce_event *e)
{
    struct smtpreply_verdict v;
    struct reason_stats *r;
    char dom[DOMAIN_CAP];
    int reason, bounce, cmd = e->command;

    (void)ctx;
    if (!in_range(e))
        return;
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

    if (e->status == BOUNCE_REJECTED) {
        /* Inbound: this server refused a client; counted apart from deliveries. */
        g.rejects_total++;
        g.rejected[reason].count++;
        example_of(g.rejected[reason].example, &g.rejected[reason].has_example, e);
        if (g.format != OUT_SUMMARY && g.rejects)
            print_event(e, cmd, &v, reason, bounce);
        return;
    }
    g.events++;
    g.by_status[e->status]++;
    g.by_bounce[bounce]++;
    if (g.format != OUT_SUMMARY) {
        print_event(e, cmd, &v, reason, bounce);
        return;
    }
    r = &g.reasons[reason];
    r->count++;
    r->bounce[bounce]++;
    example_of(r->example, &r->has_example, e);
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

static void on_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

/* Count the lines of what --follow skips, so that line numbers stay the file's. */
static uint64_t count_lines(int fd, off_t upto)
{
    uint64_t lines = 0;
    off_t done = 0;

    while (done < upto) {
        size_t want = (size_t)(upto - done < (off_t)READ_CHUNK ? upto - done : (off_t)READ_CHUNK);
        ssize_t got = read(fd, rbuf, want);
        const char *p, *end;
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            break;
        for (p = rbuf, end = rbuf + got; (p = memchr(p, '\n', (size_t)(end - p))) != NULL; p++)
            lines++;
        done += got;
    }
    return lines;
}

/*
 * --follow at the end of the file: wait, then look at what happened to it.
 * Returns 1 to read on (*fd may be a new file), 0 to stop.
 */
static int follow_wait(const int *fd, const char *path, uint64_t *line_no, size_t *start, size_t *end)
{
    struct stat now, open_st;
    char shown[512];
    off_t pos;

    if (stop_requested)
        return 0;
    (void)poll(NULL, 0, FOLLOW_WAIT_MS);           /* a signal cuts the wait short */
    if (stop_requested)
        return 0;
    if (fstat(*fd, &open_st) != 0)
        return 0;
    pos = lseek(*fd, 0, SEEK_CUR);
    if (stat(path, &now) == 0 && (now.st_ino != open_st.st_ino || now.st_dev != open_st.st_dev)) {
        /* Rotated: the name is a new file. Finish the old one (read() found its end), then
         * read the new one from its start. */
        int nfd = open(path, O_RDONLY);
        if (nfd < 0)
            return 1;                              /* not created yet: keep waiting */
        if (*start < *end) {
            (*line_no)++;
            bounce_log_line(&parser, rbuf + *start, *end - *start, *line_no);
        }
        bounce_log_end(&parser);
        if (dup2(nfd, *fd) < 0) {                  /* the same descriptor, now the new file */
            close(nfd);
            return 0;
        }
        close(nfd);
        *line_no = 0;
        *start = *end = 0;
        fprintf(stderr, "smtp-bounces: %s: rotated; reading the new file from its start\n",
                term_safe(shown, sizeof shown, path));
        return 1;
    }
    if (pos > 0 && open_st.st_size < pos) {
        /* Truncated in place (copytruncate): read again from the start. */
        (void)lseek(*fd, 0, SEEK_SET);
        bounce_log_end(&parser);
        *line_no = 0;
        *start = *end = 0;
        fprintf(stderr, "smtp-bounces: %s: truncated; reading it from its start\n",
                term_safe(shown, sizeof shown, path));
    }
    return 1;
}

/* Read one input to the end (with --follow: until a signal); returns 0, or -1 after
 * reporting an error. */
static int read_input(int fd, const char *path)
{
    size_t start = 0, end = 0;
    int eof = 0, skipping = 0, checked = 0;
    uint64_t line_no = 0;
    struct progress pr;
    struct stat sb;
    char shown[512];

    memset(&pr, 0, sizeof pr);
    if (!g.follow && isatty(2) && fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) &&
        (uint64_t)sb.st_size > PROGRESS_MIN) {
        pr.on = 1;
        pr.total = (uint64_t)sb.st_size;
    }
    if (g.follow && !g.from_start) {
        off_t size = lseek(fd, 0, SEEK_END);
        if (size > 0) {
            (void)lseek(fd, 0, SEEK_SET);
            line_no = count_lines(fd, size);
            (void)lseek(fd, size, SEEK_SET);
        }
        checked = 1;                 /* a growing log is not compressed */
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
                if (errno == EINTR && !stop_requested)
                    continue;
                if (errno == EINTR) {
                    eof = 1;
                    continue;
                }
                progress_show(&pr, 1);
                fprintf(stderr, "smtp-bounces: %s: %s\n", term_safe(shown, sizeof shown, g.file),
                        strerror(errno));
                bounce_log_end(&parser);
                g.lines += line_no;
                return -1;
            }
            if (got == 0) {
                if (!g.follow) {
                    eof = 1;
                } else if (!follow_wait(&fd, path, &line_no, &start, &end)) {
                    eof = 1;
                }
            }
            end += (size_t)(got > 0 ? got : 0);
            pr.done += (uint64_t)(got > 0 ? got : 0);
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

/* The reasons with a count, most frequent first; equal counts in the library's order. */
static int order_reasons(const uint64_t *count, int *order)
{
    int i, j, n = 0;

    for (i = 0; i < SMTPREPLY_REASON_COUNT; i++)
        if (count[i] > 0)
            order[n++] = i;
    for (i = 1; i < n; i++) {
        int k = order[i];
        for (j = i; j > 0 && count[order[j - 1]] < count[k]; j--)
            order[j] = order[j - 1];
        order[j] = k;
    }
    return n;
}

/* Inbound rejects by reason, most frequent first, with an example each. */
static void print_rejects(FILE *f)
{
    int order[SMTPREPLY_REASON_COUNT];
    uint64_t count[SMTPREPLY_REASON_COUNT];
    int i, n;
    char ex[EXAMPLE_CAP * 4];

    for (i = 0; i < SMTPREPLY_REASON_COUNT; i++)
        count[i] = g.rejected[i].count;
    n = order_reasons(count, order);
    fprintf(f, "\n%s\n  ", tr(&lang, L_BOUNCES_HEADING_REJECTS));
    i18n_pad(f, tr(&lang, L_BOUNCES_COL_REASON), 25);
    fputc(' ', f);
    rpad(f, tr(&lang, L_BOUNCES_COL_COUNT), 7);
    fprintf(f, "  %s\n", tr(&lang, L_BOUNCES_COL_EXAMPLE));
    for (i = 0; i < n; i++) {
        const struct reject_stats *r = &g.rejected[order[i]];
        if (r->has_example)
            term_text_buf(ex, sizeof ex, r->example, strlen(r->example), EXAMPLE_WIDTH);
        else
            strcpy(ex, "-");
        fprintf(f, "  %-25s %7llu  %s\n", smtpreply_reason_name(order[i]),
                (unsigned long long)r->count, ex);
    }
}

static void print_summary(void)
{
    int order[SMTPREPLY_REASON_COUNT];
    uint64_t count[SMTPREPLY_REASON_COUNT];
    int i, n;
    char share[32], ex[EXAMPLE_CAP * 4];
    FILE *f = stdout;

    for (i = 0; i < SMTPREPLY_REASON_COUNT; i++)
        count[i] = g.reasons[i].count;
    n = order_reasons(count, order);
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
    if (g.rejects_total > 0)
        print_rejects(f);
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
        if (g.rejects_total > 0) {
            v[0] = g.rejects_total;
            total_line(f, L_BOUNCES_ROW_REJECTS, L_BOUNCES_REJECTS_DETAIL, v, 1);
        }
        if (g.has_since || g.has_until) {
            v[0] = g.in_range;
            v[1] = g.outside;
            v[2] = g.no_time;
            total_line(f, L_BOUNCES_ROW_RANGE, L_BOUNCES_RANGE_DETAIL, v, 3);
        }
        if (parser.untried > 0 || parser.json_bad > 0) {
            v[0] = parser.untried;
            v[1] = parser.json_bad;
            total_line(f, L_BOUNCES_ROW_QUEUE, L_BOUNCES_QUEUE_DETAIL, v, 2);
        }
    }
}

/* ------------------------------------------------------------------------ */

static void usage(FILE *f)
{
    fputs("usage: smtp-bounces [--json | --csv] [--rejects] [--since TIME] [--until TIME]\n"
          "                    [--year YEAR] [--follow [--from-start]] [--lang LANG] [FILE...]\n"
          "Summarise delivery events from Postfix, Exim, Sendmail and OpenSMTPD logs,\n"
          "postqueue -j output and DSN messages; reads standard input when no FILE (or\n"
          "'-') is given. Compressed files are refused with the command that reads them\n"
          "(zcat, bzcat, xzcat, zstdcat).\n"
          "  --json         one JSON object per delivery event instead of the summary; a\n"
          "                 text field that is not valid UTF-8 shows U+FFFD, and its exact\n"
          "                 bytes follow in NAME_raw (recipient_raw, sender_raw, ...)\n"
          "  --csv          the same fields as CSV (RFC 4180, CRLF), a header row first\n"
          "  --rejects      with --json or --csv, also the inbound rejects (this server\n"
          "                 refusing a client: Postfix NOQUEUE reject, Exim rejected RCPT)\n"
          "  --since TIME   only events at or after TIME: YYYY-MM-DD[THH:MM[:SS]][ZONE],\n"
          "                 ZONE Z or +HH:MM; without a zone, local time (TZ)\n"
          "  --until TIME   only events before TIME (same forms); events without a time\n"
          "                 are left out when either is given, and counted\n"
          "  --year YEAR    the year of syslog times, which have none (default: this\n"
          "                 year, or last year for a date more than a day ahead)\n"
          "  --follow       read one FILE as it grows, from its end, until SIGINT or\n"
          "                 SIGTERM; follows rotation and truncation\n"
          "  --from-start   with --follow: read what the file holds first\n"
          "  --lang LANG    the language of the summary (default: LC_ALL, LC_MESSAGES or\n"
          "                 LANG; the --json and --csv fields are the same in every language)\n"
          "  --help         this text\n"
          "  --version      the tool's and the library's version\n"
          "Exit status: 0 every input was read, 2 usage error, or an input could not be\n"
          "read or was compressed (the other inputs are still read).\n", f);
}

/* Options that take a value. */
static int takes_value(const char *a)
{
    return strcmp(a, "--lang") == 0 || strcmp(a, "--since") == 0 ||
           strcmp(a, "--until") == 0 || strcmp(a, "--year") == 0;
}

static int usage_error(const char *what, const char *value)
{
    char shown[512];

    fprintf(stderr, "smtp-bounces: %s%s%s\n", what, value != NULL ? ": " : "",
            value != NULL ? term_safe(shown, sizeof shown, value) : "");
    usage(stderr);
    return 2;
}

int main(int argc, char **argv)
{
    static char outbuf[1 << 16];
    int i, rc = 0, nfiles = 0, end_opts = 0, json = 0, csv = 0;
    const char *follow_path = NULL;

    g.now = time(NULL);
    {
        struct tm now;
        g.now_year = localtime_r(&g.now, &now) != NULL ? now.tm_year + 1900 : 1970;
    }
    bounce_log_init(&parser, emit, NULL);
    (void)i18n_select(&lang, i18n_env());      /* an unknown LANG means English */
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];

        if (!end_opts && strcmp(a, "--") == 0) {
            end_opts = 1;
            continue;
        }
        if (end_opts || a[0] != '-' || a[1] == '\0') {
            nfiles++;
            follow_path = a;
            continue;
        }
        if (takes_value(a) && i + 1 >= argc)
            return usage_error(a, "needs a value");
        if (strcmp(a, "--json") == 0) {
            json = 1;
        } else if (strcmp(a, "--csv") == 0) {
            csv = 1;
        } else if (strcmp(a, "--rejects") == 0) {
            g.rejects = 1;
        } else if (strcmp(a, "--follow") == 0) {
            g.follow = 1;
        } else if (strcmp(a, "--from-start") == 0) {
            g.from_start = 1;
        } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(a, "--version") == 0) {
            printf("smtp-bounces (smtpreply %s)\n", smtpreply_version());
            return 0;
        } else if (strcmp(a, "--year") == 0) {
            const char *v = argv[++i];
            char *endp;
            long y = strtol(v, &endp, 10);
            if (*v < '0' || *v > '9' || *endp != '\0' || y < 1 || y > 9999)
                return usage_error("--year needs a year such as 2026, not", v);
            g.year = (int)y;
        } else if (strcmp(a, "--since") == 0 || strcmp(a, "--until") == 0) {
            int64_t t;
            if (!parse_bound(argv[i + 1], &t))
                return usage_error(strcmp(a, "--since") == 0
                                   ? "--since needs YYYY-MM-DD[THH:MM[:SS]][Z|+HH:MM], not"
                                   : "--until needs YYYY-MM-DD[THH:MM[:SS]][Z|+HH:MM], not",
                                   argv[i + 1]);
            if (strcmp(a, "--since") == 0) {
                g.has_since = 1;
                g.since = t;
            } else {
                g.has_until = 1;
                g.until = t;
            }
            i++;
        } else if (strcmp(a, "--lang") == 0) {
            char shown[512], langs[128];

            if (i18n_select(&lang, argv[i + 1]) == 0) {
                i++;
                continue;
            }
            i18n_list(langs, sizeof langs);
            fprintf(stderr, "smtp-bounces: --lang %s: no such language (%s)\n",
                    term_safe(shown, sizeof shown, argv[i + 1]), langs);
            usage(stderr);
            return 2;
        } else {
            return usage_error("unknown option", a);
        }
    }
    if (json && csv)
        return usage_error("--json and --csv: choose one", NULL);
    g.format = json ? OUT_JSON : csv ? OUT_CSV : OUT_SUMMARY;
    if (g.rejects && g.format == OUT_SUMMARY)
        return usage_error("--rejects needs --json or --csv (the summary always counts rejects)",
                           NULL);
    if (g.from_start && !g.follow)
        return usage_error("--from-start needs --follow", NULL);
    if (g.follow && (nfiles != 1 || strcmp(follow_path, "-") == 0))
        return usage_error("--follow reads exactly one FILE (not standard input)", NULL);
    /* In follow mode every event is written as it comes; otherwise in large blocks. */
    if (g.follow) {
        struct sigaction sa;

        setvbuf(stdout, NULL, _IOLBF, 0);
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_signal;
        sigemptyset(&sa.sa_mask);
        sa.sa_flags = 0;                        /* no SA_RESTART: read() and poll() return */
        sigaction(SIGINT, &sa, NULL);
        sigaction(SIGTERM, &sa, NULL);
    } else {
        setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);
    }
    if (g.format == OUT_CSV)
        csv_header(stdout);
    g.many_files = nfiles > 1;
    end_opts = 0;
    if (nfiles == 0) {
        g.file = "-";
        g.files = 1;
        if (read_input(0, "-") < 0)
            rc = 2;
    }
    for (i = 1; i < argc && nfiles > 0; i++) {
        const char *a = argv[i];
        int fd;
        if (!end_opts && strcmp(a, "--") == 0) {
            end_opts = 1;
            continue;
        }
        if (!end_opts && takes_value(a)) {
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
        if (read_input(fd, a) < 0)
            rc = 2;
        if (fd != 0)
            close(fd);
    }
    if (g.format == OUT_SUMMARY) {
        print_summary();
    } else if (parser.json_bad > 0) {
        fprintf(stderr, "smtp-bounces: %llu lines look like JSON but are not postqueue -j "
                "records; they were not read\n", (unsigned long long)parser.json_bad);
    }
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "smtp-bounces: writing the output: %s\n", strerror(errno));
        rc = 2;
    }
    return rc;
}
