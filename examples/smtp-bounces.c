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

#define LINE_CAP 16384          /* bytes of a line that are looked at; the rest is skipped */
#define READ_CHUNK 65536        /* bytes asked from read() at a time */
#define TEXT_CAP 4096           /* a reply's flattened text */
#define DIAG_CAP 4096           /* a DSN Diagnostic-Code, unfolded */
#define PARA_CAP 2048           /* a paragraph of a DSN's human-readable part */
#define ADDR_CAP 256            /* a recipient kept across lines (DSN) */
#define DOMAIN_CAP 128          /* a domain in the top-k table (longer ones are cut) */
#define EXAMPLE_CAP 200         /* the example reply kept per reason */
#define EXAMPLE_WIDTH 60        /* characters of it printed */
#define TOPK 16                 /* space-saving slots per reason */
#define TOP_PRINT 3             /* domains printed per reason */
#define CMD_MEMORY 8            /* recipient -> command pairs remembered from a DSN's text */
#define PROGRESS_MIN (64ull << 20) /* show progress for regular files above this size */

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

/* ------------------------------------------------------------------------ */
/* Small byte-string helpers (log lines are not NUL-terminated).             */

static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

static int is_digit(int c)
{
    return c >= '0' && c <= '9';
}

static int is_blank(int c)
{
    return c == ' ' || c == '\t';
}

/* Does s[0..n) start with the NUL-terminated p, ignoring ASCII case? */
static int starts_ci(const char *s, size_t n, const char *p)
{
    size_t i;

    for (i = 0; p[i] != '\0'; i++)
        if (i >= n || lower((unsigned char)s[i]) != lower((unsigned char)p[i]))
            return 0;
    return 1;
}

/* First occurrence of the NUL-terminated needle in s[0..n), case-sensitive. */
static const char *find(const char *s, size_t n, const char *needle)
{
    size_t m = strlen(needle);
    const char *p = s, *end = s + n;

    if (m == 0)
        return s;
    while ((size_t)(end - p) >= m) {
        p = memchr(p, needle[0], (size_t)(end - p) - m + 1);
        if (p == NULL)
            return NULL;
        if (memcmp(p, needle, m) == 0)
            return p;
        p++;
    }
    return NULL;
}

/* Like find(), ignoring ASCII case. */
static const char *find_ci(const char *s, size_t n, const char *needle)
{
    size_t m = strlen(needle), i;

    for (i = 0; i + m <= n; i++)
        if (starts_ci(s + i, n - i, needle))
            return s + i;
    return NULL;
}

/* Last occurrence of needle in s[0..n). */
static const char *find_last(const char *s, size_t n, const char *needle)
{
    const char *hit = NULL, *p = s, *q;

    while ((q = find(p, n - (size_t)(p - s), needle)) != NULL) {
        hit = q;
        p = q + 1;
    }
    return hit;
}

/*
 * The value of "key=" in a log line, where key starts a field: at the line
 * start or after a space or a comma (so "to=" does not match "orig_to=").
 * Returns a pointer to the value, or NULL.
 */
static const char *field(const char *s, size_t n, const char *key)
{
    const char *p = s, *q;
    size_t m = strlen(key);

    while ((q = find(p, n - (size_t)(p - s), key)) != NULL) {
        if (q == s || q[-1] == ' ' || q[-1] == ',')
            return q + m;
        p = q + 1;
    }
    return NULL;
}

/* Length of a field value: up to the stop byte (or the line end). */
static size_t value_len(const char *v, const char *end, char stop)
{
    const char *p = memchr(v, stop, (size_t)(end - v));

    return p ? (size_t)(p - v) : (size_t)(end - v);
}

static void trim(const char **s, size_t *n)
{
    while (*n > 0 && is_blank((unsigned char)(*s)[0])) {
        (*s)++;
        (*n)--;
    }
    while (*n > 0 && is_blank((unsigned char)(*s)[*n - 1]))
        (*n)--;
}

/* Copy at most cap-1 bytes and terminate; returns the bytes copied. */
static size_t copy_cut(char *dst, size_t cap, const char *src, size_t n)
{
    if (n >= cap)
        n = cap - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
    return n;
}

/* ------------------------------------------------------------------------ */
/* Events and their classification.                                          */

enum ev_status { ST_SENT, ST_DEFERRED, ST_BOUNCED, ST_EXPIRED, ST_COUNT };

static const char *const status_names[ST_COUNT] = { "sent", "deferred", "bounced", "expired" };

/* One delivery event; every pointer is borrowed for the duration of emit(). */
struct event {
    const char *rcpt;        /* NULL when the log line names no recipient */
    size_t rcpt_len;
    int status;              /* enum ev_status */
    unsigned code;           /* 0: the event carries no SMTP reply */
    struct smtpreply_enhanced enh; /* klass 0: none */
    const char *text;        /* reply text without code prefixes, or the log's own text */
    size_t text_len;
    int command;             /* enum smtpreply_command */
    uint64_t line;
};

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
    uint64_t by_status[ST_COUNT];
    uint64_t by_bounce[4];
    uint64_t events, lines, truncated, files;
} g;

/* Scratch for the flattened reply text of the event being built. */
static char text_buf[TEXT_CAP];

/* ------------------------------------------------------------------------ */
/* Output: JSON strings and sanitised text.                                  */

/*
 * Length of the valid UTF-8 sequence at s (RFC 3629: no overlongs, no
 * surrogates, nothing above U+10FFFF), or 0 when the bytes are not one.
 */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    size_t need, i;
    uint32_t cp;

    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF) {
        need = 2;
        cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        need = 3;
        cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    if (n < need)
        return 0;
    for (i = 1; i < need; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if ((need == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
        (need == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
        return 0;
    return need;
}

/* A JSON string: control bytes escaped, invalid UTF-8 replaced by U+FFFD. */
static void json_string(FILE *f, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, k;

    putc('"', f);
    while (i < n) {
        unsigned c = p[i];
        if (c == '"' || c == '\\') {
            putc('\\', f);
            putc((int)c, f);
            i++;
        } else if (c < 0x20 || c == 0x7F) {
            fprintf(f, "\\u%04x", c);
            i++;
        } else if (c < 0x80) {
            putc((int)c, f);
            i++;
        } else if ((k = utf8_len(p + i, n - i)) != 0) {
            fwrite(p + i, 1, k, f);
            i += k;
        } else {
            fputs("\\ufffd", f);
            i++;
        }
    }
    putc('"', f);
}

/*
 * Copy text for a person's terminal: valid UTF-8 kept, control bytes and
 * invalid bytes shown as '?', at most width characters (then "...").
 */
static void sanitise(char *dst, size_t cap, const char *s, size_t n, size_t width)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, o = 0, chars = 0, k;

    while (i < n && o + 8 < cap) {
        if (chars == width) {
            if (o + 4 <= cap)
                memcpy(dst + o, "...", 3), o += 3;
            break;
        }
        k = p[i] < 0x80 ? 1 : utf8_len(p + i, n - i);
        if (k <= 1) {
            dst[o++] = (p[i] < 0x20 || p[i] >= 0x7F) ? '?' : (char)p[i];
            i++;
        } else {
            memcpy(dst + o, p + i, k);
            o += k;
            i += k;
        }
        chars++;
    }
    dst[o] = '\0';
}

/* ------------------------------------------------------------------------ */
/* Summary counters.                                                         */

/* The recipient's domain, lower-cased and cut to DOMAIN_CAP - 1 bytes. */
static void domain_of(const struct event *e, char *out)
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
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)at[1 + i];
        out[i] = (c < 0x20 || c == 0x7F) ? '?' : (char)lower(c);
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

static void remember_example(struct reason_stats *r, const struct event *e)
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
    n += copy_cut(r->example + n, sizeof r->example - n, e->text, e->text_len);
    r->has_example = n > 0;
}

static int clamp(int v, int count, int fallback)
{
    return v >= 0 && v < count ? v : fallback;
}

static void emit(const struct event *e)
{
    struct smtpreply_verdict v;
    struct reason_stats *r;
    char dom[DOMAIN_CAP];
    int reason, bounce, cmd = e->command;

    memset(&v, 0, sizeof v);
    if (e->status == ST_SENT && e->code != 0 && e->command == SMTPREPLY_CMD_UNKNOWN)
        cmd = SMTPREPLY_CMD_DATA_END;  /* a delivery's logged reply answers the end of data */
    if (e->status == ST_SENT && e->code == 0) {
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
        fputs("{\"recipient\":", f);
        if (e->rcpt != NULL)
            json_string(f, e->rcpt, e->rcpt_len);
        else
            fputs("null", f);
        fprintf(f, ",\"status\":\"%s\",\"code\":", status_names[e->status]);
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
            fputs(",\"file\":", f);
            json_string(f, g.file, strlen(g.file));
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
/* Replies as logs write them.                                               */

/*
 * Copy a reply's text without the code prefixes that logs keep from each line
 * of a multiline reply: Postfix joins the lines with spaces
 * ("550-5.1.1 a 550-5.1.1 b 550 5.1.1 c"), Exim writes a literal "\n" between
 * them. A prefix is the reply's own code at the text start, after a space or
 * after "\n", followed by '-' (or by SP once a '-' line was seen or after
 * "\n"), then the reply's enhanced code when the line repeats it. Runs of
 * white space become one space.
 */
static size_t flatten(const char *s, size_t n, unsigned code, const char *enh, size_t enh_len,
                      int multiline, char *out, size_t cap)
{
    char digits[4];
    size_t i = 0, o = 0;
    int after_escape = 0;

    snprintf(digits, sizeof digits, "%03u", code % 1000);
    while (i < n && o + 1 < cap) {
        int boundary = i == 0 || s[i - 1] == ' ' || after_escape;
        if (s[i] == '\\' && i + 1 < n && s[i + 1] == 'n') {
            i += 2;
            after_escape = 1;
            if (o > 0 && out[o - 1] != ' ')
                out[o++] = ' ';
            continue;
        }
        if (boundary && n - i >= 4 && memcmp(s + i, digits, 3) == 0 &&
            (s[i + 3] == '-' || (s[i + 3] == ' ' && (multiline || after_escape)))) {
            size_t j = i + 4;
            if (s[i + 3] == '-')
                multiline = 1;
            if (enh_len > 0 && n - j >= enh_len && memcmp(s + j, enh, enh_len) == 0 &&
                (j + enh_len == n || s[j + enh_len] == ' '))
                j += enh_len;
            i = j;
            after_escape = 0;
            if (o > 0 && out[o - 1] != ' ')
                out[o++] = ' ';
            continue;
        }
        after_escape = 0;
        if (is_blank((unsigned char)s[i])) {
            if (o > 0 && out[o - 1] != ' ')
                out[o++] = ' ';
        } else {
            out[o++] = s[i];
        }
        i++;
    }
    while (o > 0 && out[o - 1] == ' ')
        o--;
    out[o] = '\0';
    return o;
}

/*
 * The enhanced status the MTA recorded for the event (Postfix and Sendmail
 * "dsn=", a DSN's "Status:"), when it is a whole valid code of the expected
 * class (any class when klass is 0) and says more than "X.0.0".
 */
static void take_recorded(struct event *e, const char *s, size_t n, unsigned klass)
{
    struct smtpreply_enhanced enh;
    size_t k;

    if (s == NULL)
        return;
    k = smtpreply_enhanced_parse(s, n, &enh);
    if (k > 0 && k == n && (klass == 0 || enh.klass == klass) &&
        !(enh.subject == 0 && enh.detail == 0))
        e->enh = enh;
}

/*
 * If s[0..n) starts with a reply ("550 5.1.1 text", "550-5.1.1 text ...",
 * "421 text", "250"), fill the event's code, enhanced code and flattened text
 * and return 1. The enhanced code counts only when its class is the code's
 * first digit (RFC 3463); when the reply has none, the status the MTA recorded
 * (rec, may be NULL) stands in.
 */
static int take_reply(struct event *e, const char *s, size_t n, const char *rec, size_t rec_len)
{
    unsigned code;
    size_t pos, k;
    struct smtpreply_enhanced enh;
    char enh_text[16];
    size_t enh_len = 0;

    if (n < 3 || !is_digit((unsigned char)s[0]) || !is_digit((unsigned char)s[1]) ||
        !is_digit((unsigned char)s[2]) || s[0] < '2' || s[0] > '5')
        return 0;
    if (n > 3 && s[3] != ' ' && s[3] != '-')
        return 0;
    code = (unsigned)(s[0] - '0') * 100 + (unsigned)(s[1] - '0') * 10 + (unsigned)(s[2] - '0');
    pos = n > 3 ? 4 : 3;
    memset(&e->enh, 0, sizeof e->enh);
    k = smtpreply_enhanced_parse(s + pos, n - pos, &enh);
    if (k > 0 && enh.klass == code / 100 && (pos + k == n || s[pos + k] == ' ')) {
        e->enh = enh;
        enh_len = copy_cut(enh_text, sizeof enh_text, s + pos, k);
        pos += k;
    } else {
        take_recorded(e, rec, rec_len, code / 100);
    }
    e->code = code;
    e->text_len = flatten(s + pos, n - pos, code, enh_text, enh_len, n > 3 && s[3] == '-',
                          text_buf, sizeof text_buf);
    e->text = text_buf;
    return 1;
}

/*
 * Event text without an SMTP reply: the log's words, white space folded, and
 * the status the MTA recorded for it (rec, may be NULL): Postfix logs
 * "dsn=4.4.1" for a refused connection and "dsn=5.4.4" for a domain that
 * does not resolve, which says more than the words alone.
 */
static void take_text(struct event *e, const char *s, size_t n, const char *rec, size_t rec_len)
{
    e->code = 0;
    memset(&e->enh, 0, sizeof e->enh);
    take_recorded(e, rec, rec_len, 0);
    e->text_len = flatten(s, n, 0, NULL, 0, 0, text_buf, sizeof text_buf);
    e->text = text_buf;
}

/*
 * A command as logs name it: "RCPT TO", "MAIL FROM:<a@b> SIZE=12",
 * "end of DATA", "end of data", "initial connection", "pipelined RCPT TO:<x>".
 * Phrases the library's parser does not know are mapped to its names first.
 */
static int command_of(const char *s, size_t n)
{
    trim(&s, &n);
    if (starts_ci(s, n, "pipelined ")) {
        s += 10;
        n -= 10;
    }
    if (starts_ci(s, n, "end of data") || starts_ci(s, n, "message body"))
        return smtpreply_command_parse("DATA_END", 8);
    if (starts_ci(s, n, "initial connection") || starts_ci(s, n, "initial server greeting") ||
        starts_ci(s, n, "the initial server greeting"))
        return smtpreply_command_parse("CONNECT", 7);
    if (starts_ci(s, n, "performing the "))
        return smtpreply_command_parse(s + 15, n - 15);   /* "performing the EHLO handshake" */
    return smtpreply_command_parse(s, n);
}

/* Postfix without a reply: "... while receiving the initial server greeting" etc. */
static int command_from_while(const char *s, size_t n)
{
    const char *w = find(s, n, " while ");
    const char *end = s + n, *stop;

    if (w == NULL)
        return SMTPREPLY_CMD_UNKNOWN;
    w += 7;
    if (starts_ci(w, (size_t)(end - w), "receiving ") || starts_ci(w, (size_t)(end - w), "sending "))
        w = (const char *)memchr(w, ' ', (size_t)(end - w)) + 1;
    stop = find(w, (size_t)(end - w), " --");
    if (stop == NULL)
        stop = end;
    return command_of(w, (size_t)(stop - w));
}

/* ------------------------------------------------------------------------ */
/* Postfix: "postfix/smtp[123]: QID: to=<a@b>, relay=..., dsn=5.1.1,         */
/* status=bounced (host mx[192.0.2.1] said: 550 5.1.1 ... (in reply to RCPT  */
/* TO command))", and qmgr's "QID: from=<s>, status=expired, returned to     */
/* sender".                                                                  */

static int postfix_line(const char *s, size_t n, uint64_t line_no)
{
    const char *end = s + n, *st, *to, *p, *t, *tend, *dsn, *r, *cmd;
    size_t wlen, dsn_len = 0;
    struct event e;

    st = field(s, n, "status=");
    if (st == NULL || (st - s) < 9 || memcmp(st - 9, ", status=", 9) != 0)
        return 0;
    for (wlen = 0; st + wlen < end && st[wlen] >= 'a' && st[wlen] <= 'z'; wlen++)
        ;
    memset(&e, 0, sizeof e);
    if (wlen == 4 && memcmp(st, "sent", 4) == 0)
        e.status = ST_SENT;
    else if (wlen == 8 && memcmp(st, "deferred", 8) == 0)
        e.status = ST_DEFERRED;
    else if (wlen == 7 && memcmp(st, "bounced", 7) == 0)
        e.status = ST_BOUNCED;
    else if (wlen == 7 && memcmp(st, "expired", 7) == 0)
        e.status = ST_EXPIRED;
    else
        return 1;                 /* deliverable/undeliverable: address probes, not deliveries */
    e.line = line_no;
    to = field(s, (size_t)(st - s), "to=");
    if (to != NULL) {
        if (to < end && *to == '<') {
            to++;
            e.rcpt = to;
            e.rcpt_len = value_len(to, end, '>');
        } else {
            e.rcpt = to;
            e.rcpt_len = value_len(to, end, ',');
        }
    } else if (e.status != ST_EXPIRED) {
        return 0;
    }
    dsn = field(s, (size_t)(st - s), "dsn=");
    if (dsn != NULL)
        dsn_len = value_len(dsn, end, ',');

    /* The explanation: "(...)" after the status word, or for expired the rest. */
    p = st + wlen;
    while (p < end && *p == ' ')
        p++;
    if (p < end && *p == '(') {
        t = p + 1;
        tend = end;
        while (tend > t && tend[-1] == ' ')
            tend--;
        if (tend > t && tend[-1] == ')')
            tend--;
    } else {
        t = st;
        tend = end;
    }
    /* "(in reply to RCPT TO command)" names the command and is not reply text. */
    cmd = find_last(t, (size_t)(tend - t), "(in reply to ");
    if (cmd != NULL) {
        const char *c = cmd + 13, *ce = find(c, (size_t)(tend - c), " command)");
        if (ce != NULL) {
            e.command = command_of(c, (size_t)(ce - c));
            tend = cmd;
            while (tend > t && tend[-1] == ' ')
                tend--;
        }
    }
    if ((r = find(t, (size_t)(tend - t), " said: ")) != NULL) {
        r += 7;
    } else if ((r = find(t, (size_t)(tend - t), " refused to talk to me: ")) != NULL) {
        r += 24;
        if (e.command == SMTPREPLY_CMD_UNKNOWN)
            e.command = command_of("initial connection", 18);
    } else {
        r = t;
    }
    if (!take_reply(&e, r, (size_t)(tend - r), dsn, dsn_len)) {
        take_text(&e, t, (size_t)(tend - t), dsn, dsn_len);
        if (e.command == SMTPREPLY_CMD_UNKNOWN)
            e.command = command_from_while(t, (size_t)(tend - t));
    }
    emit(&e);
    return 1;
}

/* ------------------------------------------------------------------------ */
/* Sendmail: "sm-mta[123]: QID: to=<a@b>,<c@d>, ..., dsn=5.1.1,              */
/* stat=User unknown" (optionally reply=...), "stat=Deferred: 421 ...",      */
/* "stat=Sent (...)".                                                        */

static int sendmail_line(const char *s, size_t n, uint64_t line_no)
{
    const char *end = s + n, *stat, *to, *to_end, *dsn, *reply, *t, *tend, *p;
    size_t dsn_len = 0, stat_len;
    struct event e;

    stat = field(s, n, "stat=");
    to = field(s, n, "to=");
    if (stat == NULL || to == NULL || to > stat || (stat - s) < 7 ||
        memcmp(stat - 7, ", stat=", 7) != 0)
        return 0;
    memset(&e, 0, sizeof e);
    e.line = line_no;
    stat_len = (size_t)(end - stat);
    t = stat;
    tend = end;
    if (starts_ci(stat, stat_len, "sent")) {
        e.status = ST_SENT;
        t += 4;
    } else if (starts_ci(stat, stat_len, "deferred")) {
        e.status = ST_DEFERRED;
        t += 8;
        if (t < end && *t == ':')
            t++;
    } else if (starts_ci(stat, stat_len, "queued")) {
        return 1;                 /* accepted for later delivery: no attempt yet */
    } else {
        e.status = ST_BOUNCED;
    }
    while (t < tend && *t == ' ')
        t++;
    if (e.status == ST_SENT && t < tend && *t == '(') {
        t++;
        if (tend > t && tend[-1] == ')')
            tend--;
    }
    dsn = field(s, (size_t)(stat - s), "dsn=");
    if (dsn != NULL)
        dsn_len = value_len(dsn, end, ',');
    reply = field(s, n, "reply=");

    /* to= holds one or more recipients separated by ',' and ends at ", ". */
    to_end = find(to, (size_t)(end - to), ", ");
    if (to_end == NULL)
        to_end = end;
    for (p = to; p < to_end;) {
        const char *q = memchr(p, ',', (size_t)(to_end - p));
        const char *a = p, *b = q ? q : to_end;
        if (a < b && *a == '<')
            a++;
        if (b > a && b[-1] == '>')
            b--;
        e.rcpt = a;
        e.rcpt_len = (size_t)(b - a);
        e.command = SMTPREPLY_CMD_UNKNOWN;
        if (reply != NULL) {
            const char *re = find(reply, (size_t)(end - reply), ", stat=");
            if (!take_reply(&e, reply, (size_t)((re ? re : end) - reply), dsn, dsn_len))
                take_text(&e, t, (size_t)(tend - t), dsn, dsn_len);
        } else if (!take_reply(&e, t, (size_t)(tend - t), dsn, dsn_len)) {
            take_text(&e, t, (size_t)(tend - t), dsn, dsn_len);
        }
        emit(&e);
        p = q ? q + 1 : to_end;
    }
    return 1;
}

/* ------------------------------------------------------------------------ */
/* OpenSMTPD: "smtpd[123]: 8f48... mta delivery evpid=... to=<a@b> ...       */
/* result="PermFail" stat="550 5.7.1 ..."" (newer: "mta event=delivery").    */

/* A value that may be quoted; a quoted stat= is the last field and may hold quotes. */
static size_t smtpd_value(const char *v, const char *end, const char **out, int last)
{
    if (v < end && *v == '"') {
        const char *q;
        v++;
        q = last ? find_last(v, (size_t)(end - v), "\"") : memchr(v, '"', (size_t)(end - v));
        *out = v;
        return q ? (size_t)(q - v) : (size_t)(end - v);
    }
    *out = v;
    return value_len(v, end, ' ');
}

static int opensmtpd_line(const char *s, size_t n, uint64_t line_no)
{
    const char *end = s + n, *to, *res, *stat, *rv, *sv;
    size_t rn, sn;
    struct event e;

    if (field(s, n, "evpid=") == NULL || (res = field(s, n, "result=")) == NULL)
        return 0;
    if (find(s, n, " delivery ") == NULL && find(s, n, " event=delivery ") == NULL)
        return 0;
    to = field(s, n, "to=");
    stat = field(s, n, "stat=");
    memset(&e, 0, sizeof e);
    e.line = line_no;
    rn = smtpd_value(res, end, &rv, 0);
    if (rn == 2 && starts_ci(rv, rn, "ok"))
        e.status = ST_SENT;
    else if (starts_ci(rv, rn, "TempFail"))
        e.status = ST_DEFERRED;
    else if (starts_ci(rv, rn, "PermFail") || starts_ci(rv, rn, "Loop"))
        e.status = ST_BOUNCED;
    else
        return 0;
    if (to != NULL) {
        if (to < end && *to == '<')
            to++;
        e.rcpt = to;
        e.rcpt_len = value_len(to, end, '>');
        if (e.rcpt_len > value_len(to, end, ' '))
            e.rcpt_len = value_len(to, end, ' ');
    }
    sv = "";
    sn = 0;
    if (stat != NULL)
        sn = smtpd_value(stat, end, &sv, 1);
    if (!take_reply(&e, sv, sn, NULL, 0))
        take_text(&e, sv, sn, NULL, 0);
    emit(&e);
    return 1;
}

/* ------------------------------------------------------------------------ */
/* Exim mainlog: "2026-11-20 10:00:01 1rABCD-000123-AB ** a@b R=... T=...    */
/* H=mx [192.0.2.1]: SMTP error from remote mail server after RCPT TO:<a@b>: */
/* 550 5.1.1 ...", "==" deferrals, "=>"/"->" deliveries with C="250 ...".    */

/* Looks like an Exim message id: "1rABCD-000123-AB" or "1rABCD-00000000AbC-Defg". */
static int exim_id(const char *s, size_t n)
{
    size_t i, dashes = 0;

    if (n < 16 || n > 32 || s[6] != '-')
        return 0;
    for (i = 0; i < n; i++) {
        if (s[i] == '-')
            dashes++;
        else if (!(is_digit((unsigned char)s[i]) || (s[i] >= 'a' && s[i] <= 'z') ||
                   (s[i] >= 'A' && s[i] <= 'Z')))
            return 0;
    }
    return dashes == 2;
}

/* The event's message: what follows an Exim "SMTP error ... after CMD:" and the like. */
static void exim_message(struct event *e, const char *m, size_t mn)
{
    const char *end = m + mn, *a, *c, *ce, *r;

    a = find(m, mn, "SMTP error from remote mail server after ");
    if (a != NULL) {
        c = a + 41;
        ce = find(c, (size_t)(end - c), ": ");
        if (ce != NULL) {
            e->command = command_of(c, (size_t)(ce - c));
            r = ce + 2;
            /* Older Exim: "after RCPT TO:<a@b>: host mx [192.0.2.1]: 550 ..." */
            if (starts_ci(r, (size_t)(end - r), "host ")) {
                const char *h = find(r, (size_t)(end - r), "]: ");
                if (h != NULL)
                    r = h + 3;
            }
            if (take_reply(e, r, (size_t)(end - r), NULL, 0))
                return;
        }
    }
    /* "SMTP timeout after end of data (1234 bytes written): Connection timed out",
       "Remote host mx [192.0.2.1] closed connection in response to end of data" */
    if ((a = find(m, mn, "SMTP timeout after ")) != NULL) {
        c = a + 19;
        ce = c;
        while (ce < end && *ce != ':' && *ce != '(')
            ce++;
        e->command = command_of(c, (size_t)(ce - c));
    } else if ((a = find(m, mn, " in response to ")) != NULL) {
        c = a + 16;
        ce = c;
        while (ce < end && *ce != ':')
            ce++;
        e->command = command_of(c, (size_t)(ce - c));
    }
    take_text(e, m, mn, NULL, 0);
}

static int exim_line(const char *s, size_t n, uint64_t line_no)
{
    const char *end = s + n, *tok = s, *prev = NULL, *flag = NULL, *p, *rc, *m;
    size_t prev_len = 0, tl, rl;
    int i;
    struct event e;

    /* The flag is one of the first tokens (date, time, zone, [pid], id, flag). */
    for (i = 0; i < 7 && tok < end; i++) {
        const char *te = memchr(tok, ' ', (size_t)(end - tok));
        tl = te ? (size_t)(te - tok) : (size_t)(end - tok);
        if (tl == 2 && prev != NULL && exim_id(prev, prev_len) &&
            (memcmp(tok, "**", 2) == 0 || memcmp(tok, "==", 2) == 0 ||
             memcmp(tok, "=>", 2) == 0 || memcmp(tok, "->", 2) == 0)) {
            flag = tok;
            break;
        }
        prev = tok;
        prev_len = tl;
        if (te == NULL)
            return 0;
        tok = te + 1;
    }
    if (flag == NULL)
        return 0;
    memset(&e, 0, sizeof e);
    e.line = line_no;
    e.status = flag[0] == '*' ? ST_BOUNCED : flag[1] == '=' ? ST_DEFERRED : ST_SENT;
    rc = flag + 3;
    if (rc >= end)
        return 0;
    rl = value_len(rc, end, ' ');
    e.rcpt = rc;
    e.rcpt_len = rl;
    if (rl > 0 && rc[rl - 1] == ':')
        e.rcpt_len--;                      /* "** a@b: Unrouteable address" */
    if (e.rcpt_len > 1 && rc[0] == '<' && rc[e.rcpt_len - 1] == '>') {
        e.rcpt++;
        e.rcpt_len -= 2;
    }
    p = rc + rl;
    if (e.status == ST_SENT) {
        const char *c = find(p, (size_t)(end - p), " C=\"");
        if (c != NULL) {
            const char *v = c + 4, *q = v;
            while (q < end && !(*q == '"' && q[-1] != '\\'))
                q++;
            if (take_reply(&e, v, (size_t)(q - v), NULL, 0)) {
                emit(&e);
                return 1;
            }
        }
        take_text(&e, "", 0, NULL, 0);
        emit(&e);
        return 1;
    }
    /* The message follows the first ": " after the recipient (or its own ':'). */
    if (rl > 0 && rc[rl - 1] == ':')
        m = p;
    else if ((m = find(p, (size_t)(end - p), ": ")) != NULL)
        m += 1;
    else
        m = end;
    while (m < end && *m == ' ')
        m++;
    exim_message(&e, m, (size_t)(end - m));
    emit(&e);
    return 1;
}

/* ------------------------------------------------------------------------ */
/* DSN messages (RFC 3464): per-recipient fields, one event per recipient    */
/* block; the command comes from the human-readable part when it names it.   */

enum dsn_field { F_NONE, F_DIAG, F_OTHER };

static struct {
    /* current per-recipient block */
    char rcpt[ADDR_CAP];
    size_t rcpt_len;
    int has_final, has_rcpt, has_action, has_status;
    char action[16];
    char status[16];
    size_t status_len;
    char diag_type[16];
    char diag[DIAG_CAP];
    size_t diag_len;
    int has_diag;
    uint64_t line_diag, line_status;
    int last;                  /* enum dsn_field: what a folded line continues */
    /* the human-readable part */
    int in_report;             /* inside a multipart/report, before its status part */
    char para[PARA_CAP];
    size_t para_len;
    struct { char rcpt[ADDR_CAP]; int command; } cmds[CMD_MEMORY];
    unsigned cmd_next;
    int transcript_cmd;        /* Sendmail's transcript: the last ">>> " command */
} d;

static void remember_command(const char *a, size_t n, int command);

static void dsn_reset_block(void)
{
    d.has_final = d.has_rcpt = d.has_action = d.has_status = d.has_diag = 0;
    d.rcpt_len = d.diag_len = d.status_len = 0;
    d.action[0] = d.status[0] = d.diag_type[0] = '\0';
    d.last = F_NONE;
}

static int addr_eq(const char *a, size_t an, const char *b)
{
    size_t i;

    for (i = 0; i < an; i++)
        if (b[i] == '\0' || lower((unsigned char)a[i]) != lower((unsigned char)b[i]))
            return 0;
    return b[an] == '\0';
}

static int dsn_command_for(const char *rcpt, size_t n)
{
    unsigned i;

    for (i = 0; i < CMD_MEMORY; i++) {
        unsigned k = (d.cmd_next + CMD_MEMORY - 1 - i) % CMD_MEMORY;
        if (d.cmds[k].rcpt[0] != '\0' && addr_eq(rcpt, n, d.cmds[k].rcpt))
            return d.cmds[k].command;
    }
    return SMTPREPLY_CMD_UNKNOWN;
}

/*
 * A paragraph of the human-readable part ended: Postfix writes
 * "<a@b>: host mx[192.0.2.1] said: 550 ... (in reply to RCPT TO command)",
 * Exim "a@b host mx [192.0.2.1] SMTP error from remote mail server after
 * RCPT TO:<a@b>: 550 ..." (lines joined). Remember recipient -> command.
 */
static void dsn_para_done(void)
{
    const char *s = d.para, *end = d.para + d.para_len, *a, *b, *c, *ce;
    int command = SMTPREPLY_CMD_UNKNOWN;
    size_t n;

    if (d.para_len == 0)
        return;
    if ((c = find_last(s, d.para_len, "(in reply to ")) != NULL &&
        (ce = find(c + 13, (size_t)(end - c - 13), " command)")) != NULL)
        command = command_of(c + 13, (size_t)(ce - c - 13));
    else if ((c = find(s, d.para_len, "remote mail server after ")) != NULL &&
             (ce = find(c + 25, (size_t)(end - c - 25), ": ")) != NULL)
        command = command_of(c + 25, (size_t)(ce - c - 25));
    if (command != SMTPREPLY_CMD_UNKNOWN) {
        a = s;
        while (a < end && *a == ' ')
            a++;
        if (a < end && *a == '<')
            a++;
        b = a;
        while (b < end && *b != ' ' && *b != '>' && *b != ':')
            b++;
        n = (size_t)(b - a);
        remember_command(a, n, command);
    }
    d.para_len = 0;
}

static void remember_command(const char *a, size_t n, int command)
{
    if (n == 0 || memchr(a, '@', n) == NULL || command == SMTPREPLY_CMD_UNKNOWN)
        return;
    copy_cut(d.cmds[d.cmd_next].rcpt, ADDR_CAP, a, n);
    d.cmds[d.cmd_next].command = command;
    d.cmd_next = (d.cmd_next + 1) % CMD_MEMORY;
}

/*
 * Sendmail's bounce quotes the session: ">>> RCPT To:<a@b>" then
 * "<<< 550 5.1.1 <a@b>... User unknown". The reply line names the recipient.
 */
static int transcript_line(const char *s, size_t n)
{
    const char *a, *b;

    if (n >= 4 && memcmp(s, ">>> ", 4) == 0) {
        d.transcript_cmd = command_of(s + 4, n - 4);
        return 1;
    }
    if (n >= 4 && memcmp(s, "<<< ", 4) == 0) {
        if ((a = memchr(s + 4, '<', n - 4)) != NULL &&
            (b = memchr(a, '>', n - (size_t)(a - s))) != NULL)
            remember_command(a + 1, (size_t)(b - a - 1), d.transcript_cmd);
        return 1;
    }
    return 0;
}

static void dsn_para_line(const char *s, size_t n)
{
    size_t indent = 0;

    while (indent < n && is_blank((unsigned char)s[indent]))
        indent++;
    if (indent == n) {
        dsn_para_done();
        return;
    }
    /* Postfix starts a recipient at column 0, Exim at column 2; details are indented 4. */
    if (indent < 4)
        dsn_para_done();
    if (d.para_len > 0 && d.para_len + 1 < PARA_CAP)
        d.para[d.para_len++] = ' ';
    d.para_len += copy_cut(d.para + d.para_len, PARA_CAP - d.para_len, s + indent, n - indent);
}

static void dsn_flush(void)
{
    struct event e;
    const char *t, *r;
    size_t tn, status_len;

    if (!(d.has_rcpt && (d.has_action || d.has_status))) {
        dsn_reset_block();
        return;
    }
    memset(&e, 0, sizeof e);
    e.rcpt = d.rcpt;
    e.rcpt_len = d.rcpt_len;
    if (starts_ci(d.action, strlen(d.action), "failed"))
        e.status = ST_BOUNCED;
    else if (starts_ci(d.action, strlen(d.action), "delayed"))
        e.status = ST_DEFERRED;
    else if (d.has_action)
        e.status = ST_SENT;                /* delivered, relayed, expanded */
    else
        e.status = d.status[0] == '2' ? ST_SENT : d.status[0] == '4' ? ST_DEFERRED : ST_BOUNCED;
    e.line = d.has_diag ? d.line_diag : d.line_status;
    status_len = strcspn(d.status, " (");
    e.command = dsn_command_for(d.rcpt, d.rcpt_len);
    t = d.diag;
    tn = d.diag_len;
    /* Some MTAs keep the command in the diagnostic itself. */
    if ((r = find_last(t, tn, "(in reply to ")) != NULL) {
        const char *ce = find(r + 13, (size_t)(t + tn - r - 13), " command)");
        if (ce != NULL) {
            if (e.command == SMTPREPLY_CMD_UNKNOWN)
                e.command = command_of(r + 13, (size_t)(ce - r - 13));
            tn = (size_t)(r - t);
            while (tn > 0 && t[tn - 1] == ' ')
                tn--;
        }
    }
    if (!(starts_ci(d.diag_type, strlen(d.diag_type), "smtp") && d.diag_type[4] == '\0' &&
          take_reply(&e, t, tn, d.status, status_len))) {
        take_text(&e, t, tn, d.status, status_len);
        if (e.command == SMTPREPLY_CMD_UNKNOWN)
            e.command = command_from_while(t, tn);
    }
    emit(&e);
    dsn_reset_block();
}

/* "type; value": the value after the first ';', and the type before it. */
static void split_typed(const char *v, size_t n, char *type, size_t tcap, const char **val, size_t *vn)
{
    const char *semi = memchr(v, ';', n);

    if (semi == NULL) {
        type[0] = '\0';
        *val = v;
        *vn = n;
    } else {
        const char *tp = v;
        size_t tn = (size_t)(semi - v);
        trim(&tp, &tn);
        copy_cut(type, tcap, tp, tn);
        *val = semi + 1;
        *vn = n - (size_t)(semi + 1 - v);
    }
    trim(val, vn);
}

static void diag_append(const char *s, size_t n)
{
    trim(&s, &n);
    if (n == 0)
        return;
    if (d.diag_len > 0 && d.diag_len + 1 < DIAG_CAP)
        d.diag[d.diag_len++] = ' ';
    d.diag_len += copy_cut(d.diag + d.diag_len, DIAG_CAP - d.diag_len, s, n);
}

/* A DSN field line or a folded continuation of one; returns 1 when it was one. */
static int dsn_line(const char *s, size_t n, uint64_t line_no)
{
    static const struct { const char *name; int id; } names[] = {
        { "final-recipient:", 1 }, { "original-recipient:", 2 }, { "action:", 3 },
        { "status:", 4 }, { "diagnostic-code:", 5 }, { "remote-mta:", 6 },
        { "last-attempt-date:", 6 }, { "will-retry-until:", 6 }, { "x-postfix-sender:", 6 },
        { "reporting-mta:", 6 }, { "received-from-mta:", 6 }, { "arrival-date:", 6 },
        { "x-postfix-queue-id:", 6 }, { "x-actual-recipient:", 6 }, { "dsn-gateway:", 6 },
    };
    const char *v = s;
    size_t vn = 0, i;
    int id = 0;

    if (n > 0 && is_blank((unsigned char)s[0])) {
        if (d.last == F_DIAG) {
            diag_append(s, n);
            return 1;
        }
        return d.last == F_OTHER;
    }
    if (n == 0 || !((s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z')))
        return 0;
    for (i = 0; i < COUNT_OF(names); i++) {
        if (starts_ci(s, n, names[i].name)) {
            id = names[i].id;
            v = s + strlen(names[i].name);
            vn = n - strlen(names[i].name);
            break;
        }
    }
    if (id == 0) {
        d.last = F_NONE;
        return 0;
    }
    if (d.in_report) {
        dsn_para_done();
        d.in_report = 0;           /* the status part has begun */
    }
    trim(&v, &vn);
    d.last = F_OTHER;
    switch (id) {
    case 1:
    case 2: {
        char type[16];
        const char *a;
        size_t an;
        if (id == 1 && d.has_final)
            dsn_flush();           /* two recipients without a blank line between */
        if (id == 2 && d.has_rcpt)
            break;                 /* Final-Recipient wins; Original only fills in */
        split_typed(v, vn, type, sizeof type, &a, &an);
        if (an > 1 && a[0] == '<' && a[an - 1] == '>') {
            a++;
            an -= 2;
        }
        d.rcpt_len = copy_cut(d.rcpt, sizeof d.rcpt, a, an);
        d.has_rcpt = 1;
        d.has_final |= id == 1;
        break;
    }
    case 3:
        copy_cut(d.action, sizeof d.action, v, vn);
        d.has_action = 1;
        break;
    case 4:
        d.status_len = copy_cut(d.status, sizeof d.status, v, vn);
        d.has_status = 1;
        d.line_status = line_no;
        break;
    case 5: {
        const char *dv;
        size_t dn;
        split_typed(v, vn, d.diag_type, sizeof d.diag_type, &dv, &dn);
        d.diag_len = 0;
        diag_append(dv, dn);
        d.has_diag = 1;
        d.line_diag = line_no;
        d.last = F_DIAG;
        break;
    }
    default:
        break;
    }
    return 1;
}

/* ------------------------------------------------------------------------ */
/* One line of input.                                                        */

static void process_line(const char *s, size_t n, uint64_t line_no)
{
    if (n > 0 && s[n - 1] == '\r')
        n--;
    if (n == 0) {
        dsn_flush();
        if (d.in_report)
            dsn_para_done();
        d.last = F_NONE;
        return;
    }
    if (dsn_line(s, n, line_no))
        return;
    if (n >= 2 && s[0] == '-' && s[1] == '-') {
        dsn_flush();               /* a MIME boundary ends a block too */
        return;
    }
    if (postfix_line(s, n, line_no) || opensmtpd_line(s, n, line_no) ||
        sendmail_line(s, n, line_no) || exim_line(s, n, line_no))
        return;
    if (starts_ci(s, n, "content-type:") && find_ci(s, n, "multipart/report") != NULL) {
        d.in_report = 1;           /* a new bounce message: forget the last one's commands */
        d.para_len = 0;
        d.transcript_cmd = SMTPREPLY_CMD_UNKNOWN;
        memset(d.cmds, 0, sizeof d.cmds);
        return;
    }
    if (d.in_report && !transcript_line(s, n))
        dsn_para_line(s, n);
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
    pr->width = fprintf(stderr, "\rsmtp-bounces: %s: %llu / %llu MiB (%u%%)", g.file,
                        (unsigned long long)(pr->done >> 20), (unsigned long long)(pr->total >> 20),
                        (unsigned)(pr->total ? pr->done * 100 / pr->total : 0));
    if (pr->width < 1)
        pr->width = 1;
    fflush(stderr);
}

/* Read one input to the end; returns 0, or -1 after reporting a read error. */
static int read_input(int fd)
{
    size_t start = 0, end = 0;
    int eof = 0, skipping = 0;
    uint64_t line_no = 0;
    struct progress pr;
    struct stat sb;

    memset(&pr, 0, sizeof pr);
    if (isatty(2) && fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) &&
        (uint64_t)sb.st_size > PROGRESS_MIN) {
        pr.on = 1;
        pr.total = (uint64_t)sb.st_size;
    }
    memset(&d, 0, sizeof d);
    for (;;) {
        if (start < end) {
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
                    process_line(rbuf + start, len, line_no);
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
                process_line(rbuf + start, LINE_CAP, line_no);
                start += LINE_CAP;
                skipping = 1;
                continue;
            }
        }
        if (eof) {
            if (!skipping && start < end) {
                line_no++;
                process_line(rbuf + start, end - start, line_no);
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
                fprintf(stderr, "smtp-bounces: %s: %s\n", g.file, strerror(errno));
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
    process_line("", 0, line_no);      /* ends a DSN block left open at the end */
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
    fprintf(f, "Delivery events by reason\n");
    if (n == 0) {
        fprintf(f, "  (no delivery events found)\n");
    } else {
        fprintf(f, "  %-25s %7s %6s %6s %6s %6s  %s\n", "reason", "count", "share", "hard",
                "soft", "block", "example");
        for (i = 0; i < n; i++) {
            const struct reason_stats *r = &g.reasons[order[i]];
            permille(share, sizeof share, r->count, g.events);
            if (r->has_example)
                sanitise(ex, sizeof ex, r->example, strlen(r->example), EXAMPLE_WIDTH);
            else
                strcpy(ex, "-");           /* e.g. deliveries that logged no reply */
            fprintf(f, "  %-25s %7llu %6s %6llu %6llu %6llu  %s\n",
                    smtpreply_reason_name(order[i]), (unsigned long long)r->count, share,
                    (unsigned long long)r->bounce[SMTPREPLY_BOUNCE_HARD],
                    (unsigned long long)r->bounce[SMTPREPLY_BOUNCE_SOFT],
                    (unsigned long long)r->bounce[SMTPREPLY_BOUNCE_BLOCK], ex);
        }
        fprintf(f, "\nTop recipient domains by reason\n");
        for (i = 0; i < n; i++) {
            struct reason_stats *r = &g.reasons[order[i]];
            struct topk_slot top[TOPK];
            unsigned k;
            memcpy(top, r->top, sizeof top);
            qsort(top, r->ntop, sizeof top[0], slot_cmp);
            fprintf(f, "  %-25s", smtpreply_reason_name(order[i]));
            for (k = 0; k < r->ntop && k < TOP_PRINT; k++) {
                sanitise(ex, sizeof ex, top[k].dom, strlen(top[k].dom), DOMAIN_CAP);
                fprintf(f, "%s %s %s%llu", k ? "," : "", ex, top[k].err ? "~" : "",
                        (unsigned long long)top[k].count);
            }
            fputc('\n', f);
        }
    }
    fprintf(f, "\nTotals\n");
    fprintf(f, "  events  %llu (bounced %llu, deferred %llu, expired %llu, sent %llu)\n",
            (unsigned long long)g.events, (unsigned long long)g.by_status[ST_BOUNCED],
            (unsigned long long)g.by_status[ST_DEFERRED],
            (unsigned long long)g.by_status[ST_EXPIRED], (unsigned long long)g.by_status[ST_SENT]);
    fprintf(f, "  bounce  hard %llu, soft %llu, block %llu, none %llu\n",
            (unsigned long long)g.by_bounce[SMTPREPLY_BOUNCE_HARD],
            (unsigned long long)g.by_bounce[SMTPREPLY_BOUNCE_SOFT],
            (unsigned long long)g.by_bounce[SMTPREPLY_BOUNCE_BLOCK],
            (unsigned long long)g.by_bounce[SMTPREPLY_BOUNCE_NONE]);
    fprintf(f, "  input   %llu file%s, %llu lines, %llu cut at %d bytes\n",
            (unsigned long long)g.files, g.files == 1 ? "" : "s", (unsigned long long)g.lines,
            (unsigned long long)g.truncated, LINE_CAP);
}

/* ------------------------------------------------------------------------ */

static void usage(FILE *f)
{
    fputs("usage: smtp-bounces [--json] [FILE...]\n"
          "Summarise delivery events from Postfix, Exim, Sendmail and OpenSMTPD logs\n"
          "and DSN messages; reads standard input when no FILE (or '-') is given.\n"
          "  --json      one JSON object per delivery event instead of the summary\n"
          "  --help      this text\n"
          "  --version   the tool's and the library's version\n", f);
}

int main(int argc, char **argv)
{
    static char outbuf[1 << 16];
    int i, rc = 0, nfiles = 0, end_opts = 0;

    setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);
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
            } else {
                fprintf(stderr, "smtp-bounces: unknown option '%s'\n", argv[i]);
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
        if (!end_opts && a[0] == '-' && a[1] != '\0')
            continue;
        g.file = a;
        if (strcmp(a, "-") == 0) {
            fd = 0;
        } else if ((fd = open(a, O_RDONLY)) < 0) {
            fprintf(stderr, "smtp-bounces: %s: %s\n", a, strerror(errno));
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
