/* SPDX-License-Identifier: MIT */
/*
 * Delivery events from MTA log lines and DSN messages (see bounce_log.h).
 *
 * Each format's line is read the way its MTA writes it, field by field from
 * the first one, and an address is always skipped as a whole: a quoted local
 * part (RFC 5321 4.1.2 Quoted-string, backslash escapes included) and a <...>
 * pair are one unit each. Postfix (3.5 and later, info_log_address_format =
 * external) quotes a local part that needs it, as does every MTA when it logs
 * the address as it was given; "status=", ", " or ": " inside such an address
 * are text, never a field. The first field is found at the first '=' of the
 * line: the syslog prefix and the queue id before it hold no address.
 */
#include "bounce_log.h"

#include <stdio.h>
#include <string.h>

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
/* Addresses and fields, skipped as units.                                   */

/* p at '"': the byte after the closing quote, or end. A backslash takes the
 * next byte with it (RFC 5321 quoted-pairSMTP). */
static const char *skip_quoted(const char *p, const char *end)
{
    p++;
    while (p < end) {
        if (*p == '\\')
            p += end - p >= 2 ? 2 : 1;
        else if (*p == '"')
            return p + 1;
        else
            p++;
    }
    return end;
}

/* documented in bounce_log.h */
const char *bounce_addr_end(const char *p, const char *end, const char *stops)
{
    size_t nstops = strlen(stops);

    while (p < end) {
        if (*p == '"')
            p = skip_quoted(p, end);
        else if (memchr(stops, *p, nstops) != NULL)
            return p;
        else
            p++;
    }
    return end;
}

/* p at '<': the byte after the matching '>' (quotes inside skipped), or end. */
static const char *skip_angle(const char *p, const char *end)
{
    const char *q = bounce_addr_end(p + 1, end, ">");

    return q < end ? q + 1 : end;
}

/* The first needle in [p, end) outside quoted strings and <...> pairs. */
static const char *find_outside(const char *p, const char *end, const char *needle)
{
    size_t m = strlen(needle);

    while (p < end) {
        if (*p == '"') {
            p = skip_quoted(p, end);
        } else if (*p == '<') {
            p = skip_angle(p, end);
        } else if ((size_t)(end - p) >= m && memcmp(p, needle, m) == 0) {
            return p;
        } else {
            p++;
        }
    }
    return NULL;
}

/* The end of one list item or field value: the first stop outside quotes and <...>. */
static const char *value_end(const char *p, const char *end, const char *stop)
{
    const char *q = find_outside(p, end, stop);

    return q != NULL ? q : end;
}

static int is_name_char(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '_' ||
           c == '-';
}

/*
 * Does p (inside s[0..n)) come before the line's first '<' and first '"'?
 * Addresses and quoted text start with one of them, so what comes before is
 * the MTA's own, never words someone else chose.
 */
static int before_address(const char *s, size_t n, const char *p)
{
    const char *lt = memchr(s, '<', n), *qt = memchr(s, '"', n);

    return (lt == NULL || p < lt) && (qt == NULL || p < qt);
}

/*
 * The first "name=" of a line: the name is the run of name characters just
 * before the line's first '='. Returns the value's start, or NULL. The logs
 * that write fields (Postfix, Sendmail, OpenSMTPD) write the first one before
 * any address or quoted text, so an '=' after a '<' or '"' is inside an address
 * someone else chose (an Exim line's quoted recipient "x: to=<y>, status=sent")
 * and never a field.
 */
static const char *first_field(const char *s, size_t n, const char **name, size_t *name_len)
{
    const char *eq = memchr(s, '=', n), *a;

    if (eq == NULL || !before_address(s, n, eq))
        return NULL;
    for (a = eq; a > s && is_name_char((unsigned char)a[-1]); a--)
        ;
    if (a == eq || (a > s && a[-1] != ' '))
        return NULL;
    *name = a;
    *name_len = (size_t)(eq - a);
    return eq + 1;
}

/*
 * Postfix and Sendmail write "QUEUEID: " right before the first field
 * ("smtp[2301]: 4YbQ1k0Xf2z9vQA: to=<..."): no other format's line, such as an
 * Exim line whose recipient is the Dot-string "to=x@example.com", has it.
 */
static int after_queue_id(const char *s, const char *name)
{
    const char *q = name;

    if (name - s < 4 || name[-1] != ' ' || name[-2] != ':')
        return 0;
    q = name - 2;
    while (q > s && is_name_char((unsigned char)q[-1]))
        q--;
    return q < name - 2 && q - s >= 2 && q[-1] == ' ' && q[-2] == ':';
}

/* At p, "name=": the name's length, or 0 when p does not start a field. */
static size_t field_name(const char *p, const char *end)
{
    const char *q = p;

    while (q < end && is_name_char((unsigned char)*q))
        q++;
    return q > p && q < end && *q == '=' ? (size_t)(q - p) : 0;
}

static int name_is(const char *name, size_t n, const char *want)
{
    return n == strlen(want) && memcmp(name, want, n) == 0;
}

/* ------------------------------------------------------------------------ */
/* The time a line starts with.                                              */

/* n digits at s as a number, or -1. */
static int digits(const char *s, size_t n)
{
    int v = 0;
    size_t i;

    for (i = 0; i < n; i++) {
        if (!is_digit((unsigned char)s[i]))
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

static int days_in_month(int year, int mon)
{
    static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    int leap = year == 0 || (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0));

    return mon == 2 && leap ? 29 : days[mon - 1];
}

/* "HH:MM:SS" at s (8 bytes): 1 and the fields set when valid. */
static int clock_parse(const char *s, size_t n, struct bounce_time *t)
{
    if (n < 8 || s[2] != ':' || s[5] != ':')
        return 0;
    t->hour = digits(s, 2);
    t->min = digits(s + 3, 2);
    t->sec = digits(s + 6, 2);
    return t->hour >= 0 && t->hour < 24 && t->min >= 0 && t->min < 60 && t->sec >= 0 &&
           t->sec <= 60;
}

/* "Z", "+01:00" or "+0100" at s: the bytes taken, 0 when none. */
static size_t zone_parse(const char *s, size_t n, struct bounce_time *t)
{
    int h, m;

    if (n >= 1 && (s[0] == 'Z' || s[0] == 'z')) {
        t->has_zone = t->utc_z = 1;
        t->zone_min = 0;
        return 1;
    }
    if (n < 5 || (s[0] != '+' && s[0] != '-'))
        return 0;
    h = digits(s + 1, 2);
    if (n >= 6 && s[3] == ':') {
        m = digits(s + 4, 2);
        n = 6;
    } else {
        m = digits(s + 3, 2);
        n = 5;
    }
    if (h < 0 || h > 23 || m < 0 || m > 59)
        return 0;
    t->has_zone = 1;
    t->zone_min = (s[0] == '-' ? -1 : 1) * (h * 60 + m);
    return n;
}

/* documented in bounce_log.h */
size_t bounce_time_parse(const char *s, size_t n, struct bounce_time *t)
{
    static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    size_t i, k;

    memset(t, 0, sizeof *t);
    /* Syslog (RFC 3164): "Nov 27 09:00:01" or "Nov  7 09:00:01". */
    if (n >= 15 && s[3] == ' ' && s[6] == ' ') {
        for (i = 0; i < 12; i++)
            if (memcmp(s, months + 3 * i, 3) == 0)
                break;
        if (i == 12)
            return 0;
        t->mon = (int)i + 1;
        t->mday = s[4] == ' ' ? digits(s + 5, 1) : digits(s + 4, 2);
        if (t->mday < 1 || t->mday > days_in_month(0, t->mon) || !clock_parse(s + 7, n - 7, t))
            return 0;
        if (n > 15 && s[15] != ' ')
            return 0;
        t->set = 1;
        return 15;
    }
    /* "YYYY-MM-DD" then 'T' (RFC 3339, journald) or ' ' (Exim). */
    if (n < 19 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != ' '))
        return 0;
    t->year = digits(s, 4);
    t->mon = digits(s + 5, 2);
    t->mday = digits(s + 8, 2);
    if (t->year < 1 || t->mon < 1 || t->mon > 12 || t->mday < 1 ||
        t->mday > days_in_month(t->year, t->mon) || !clock_parse(s + 11, n - 11, t))
        return 0;
    i = 19;
    if (s[10] == 'T') {
        if (i < n && (s[i] == '.' || s[i] == ',')) {
            for (k = 0; i + 1 + k < n && is_digit((unsigned char)s[i + 1 + k]); k++)
                if (k < sizeof t->frac - 1)
                    t->frac[k] = s[i + 1 + k];
            if (k == 0)
                return 0;
            i += 1 + k;
        }
        i += zone_parse(s + i, n - i, t);
    } else if (i + 1 < n && s[i] == ' ' && (s[i + 1] == '+' || s[i + 1] == '-')) {
        k = zone_parse(s + i + 1, n - i - 1, t);      /* Exim's log_timezone */
        if (k == 5)
            i += 1 + k;
        else
            t->has_zone = t->zone_min = 0;
    }
    if (i < n && s[i] != ' ')
        return 0;
    t->set = 1;
    return i;
}

/*
 * An RFC 5322 date-time, as DSN fields write it (RFC 3464 section 2.2.5):
 * "Thu, 27 Nov 2026 12:01:44 +0100", the day's name optional, seconds
 * optional, the zone numeric or "GMT"/"UT"/"UTC"; a comment after it is
 * ignored. 1 and *t set when valid, else 0.
 */
static int mail_date_parse(const char *s, size_t n, struct bounce_time *t)
{
    static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    const char *end = s + n, *p = s;
    size_t i, k;

    memset(t, 0, sizeof *t);
    if (n >= 5 && s[3] == ',')
        p += 4;                                    /* "Thu," */
    while (p < end && is_blank((unsigned char)*p))
        p++;
    for (k = 0; p + k < end && k < 3 && is_digit((unsigned char)p[k]); k++)
        ;
    if (k == 0 || k > 2 || end - (p + k) < 10 || p[k] != ' ')
        return 0;
    t->mday = digits(p, k);
    p += k + 1;
    for (i = 0; i < 12 && memcmp(p, months + 3 * i, 3) != 0; i++)
        ;
    if (i == 12 || p[3] != ' ')
        return 0;
    t->mon = (int)i + 1;
    t->year = digits(p + 4, 4);
    p += 8;
    if (t->year < 1 || t->mday < 1 || t->mday > days_in_month(t->year, t->mon) ||
        end - p < 6 || *p++ != ' ')
        return 0;
    if (end - p >= 8 && p[5] == ':') {
        if (!clock_parse(p, (size_t)(end - p), t))
            return 0;
        p += 8;
    } else {
        t->hour = digits(p, 2);
        t->min = digits(p + 3, 2);
        if (p[2] != ':' || t->hour < 0 || t->hour > 23 || t->min < 0 || t->min > 59)
            return 0;
        p += 5;
    }
    if (p < end && *p == ' ') {
        p++;
        if (starts_ci(p, (size_t)(end - p), "GMT") || starts_ci(p, (size_t)(end - p), "UT")) {
            t->has_zone = 1;
            t->zone_min = 0;
        } else if (zone_parse(p, (size_t)(end - p), t) != 5) {
            t->has_zone = t->zone_min = 0;
        }
    }
    t->set = 1;
    return 1;
}

/* Seconds since the epoch of a time with a zone (days from the civil date). */
static int64_t zoned_epoch(const struct bounce_time *t)
{
    int64_t y = t->year - (t->mon <= 2), era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400, mp = t->mon > 2 ? t->mon - 3 : t->mon + 9;
    int64_t doy = (153 * mp + 2) / 5 + t->mday - 1, doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    int64_t days = era * 146097 + doe - 719468;

    return days * 86400 + t->hour * 3600 + t->min * 60 + t->sec - (int64_t)t->zone_min * 60;
}

/* ------------------------------------------------------------------------ */
/* Queue IDs and their senders.                                              */

static const char null_sender[] = "<>";

static unsigned qid_slot(const char *q, size_t n)
{
    uint32_t h = 2166136261u;       /* FNV-1a */
    size_t i;

    for (i = 0; i < n; i++)
        h = (h ^ (unsigned char)q[i]) * 16777619u;
    return h % BOUNCE_SENDER_SLOTS;
}

static void sender_remember(struct bounce_log *b, const char *q, size_t qn, const char *a,
                            size_t an)
{
    struct bounce_sender_slot *slot;

    if (qn == 0 || qn >= BOUNCE_QID_CAP)
        return;
    slot = &b->senders[qid_slot(q, qn)];
    if (an >= BOUNCE_ADDR_CAP) {
        slot->qid_len = 0;          /* unknown rather than cut */
        return;
    }
    memcpy(slot->qid, q, qn);
    slot->qid_len = (uint16_t)qn;
    if (an == 0) {
        a = null_sender;
        an = 2;
    }
    memcpy(slot->sender, a, an);
    slot->sender_len = (uint16_t)an;
}

static void sender_forget(struct bounce_log *b, const char *q, size_t qn)
{
    struct bounce_sender_slot *slot;

    if (qn == 0 || qn >= BOUNCE_QID_CAP)
        return;
    slot = &b->senders[qid_slot(q, qn)];
    if (slot->qid_len == qn && memcmp(slot->qid, q, qn) == 0)
        slot->qid_len = 0;
}

/* The event's queue ID and the sender remembered for it. */
static void set_queue(struct bounce_log *b, struct bounce_event *e, const char *q, size_t qn)
{
    const struct bounce_sender_slot *slot;

    e->queue_id = q;
    e->queue_id_len = qn;
    if (qn == 0 || qn >= BOUNCE_QID_CAP)
        return;
    slot = &b->senders[qid_slot(q, qn)];
    if (slot->qid_len == qn && memcmp(slot->qid, q, qn) == 0) {
        e->sender = slot->sender;
        e->sender_len = slot->sender_len;
    }
}

/* A sender from the line itself: "" (the null reverse-path) becomes "<>". */
static void set_sender(struct bounce_event *e, const char *a, size_t an)
{
    e->sender = an > 0 ? a : null_sender;
    e->sender_len = an > 0 ? an : 2;
}

/* The queue ID right before the first field: "QID: to=..." (after_queue_id()). */
static size_t queue_id_before(const char *s, const char *name, const char **q)
{
    const char *a = name - 2;

    while (a > s && is_name_char((unsigned char)a[-1]))
        a--;
    *q = a;
    return (size_t)(name - 2 - a);
}

/*
 * A delay as MTAs log it, into milliseconds: Postfix "1.1" (seconds),
 * Sendmail "1+02:03:04" or "00:00:02", OpenSMTPD and Exim "1h2m3s", "2s",
 * "1.5s". 1 when the whole value was read.
 */
static int delay_parse(const char *s, size_t n, uint64_t *ms)
{
    uint64_t total = 0, v = 0, frac = 0, scale = 1;
    size_t i;
    int have = 0, in_frac = 0, units = 0;
    const char *colon = memchr(s, ':', n);

    if (n == 0 || n > 32)
        return 0;
    if (colon != NULL) {
        /* Sendmail: [D+]HH:MM:SS */
        const char *plus = memchr(s, '+', n);
        int d = 0, h, m, sec;
        size_t at = 0;
        if (plus != NULL) {
            d = digits(s, (size_t)(plus - s));
            at = (size_t)(plus - s) + 1;
        }
        if (d < 0 || n - at != 8 || s[at + 2] != ':' || s[at + 5] != ':')
            return 0;
        h = digits(s + at, 2);
        m = digits(s + at + 3, 2);
        sec = digits(s + at + 6, 2);
        if (h < 0 || m < 0 || sec < 0)
            return 0;
        *ms = (((uint64_t)d * 24 + (uint64_t)h) * 3600 + (uint64_t)m * 60 + (uint64_t)sec) * 1000;
        return 1;
    }
    for (i = 0; i < n; i++) {
        char c = s[i];
        if (is_digit((unsigned char)c)) {
            if (!in_frac)
                v = v * 10 + (uint64_t)(c - '0');
            else if (scale < 1000) {
                frac = frac * 10 + (uint64_t)(c - '0');
                scale *= 10;
            }
            have = 1;
        } else if (c == '.' && have && !in_frac) {
            in_frac = 1;
        } else if ((c == 'd' || c == 'h' || c == 'm' || c == 's') && have) {
            uint64_t unit = c == 'd' ? 86400000u : c == 'h' ? 3600000u : c == 'm' ? 60000u : 1000u;
            total += v * unit + frac * unit / scale;
            v = frac = 0;
            scale = 1;
            in_frac = have = 0;
            units = 1;
        } else {
            return 0;
        }
    }
    if (have && units)
        return 0;                   /* "1m5": a number without its unit */
    if (!units && !have)
        return 0;
    *ms = total + v * 1000 + frac * 1000 / scale;
    return 1;
}

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
static void take_recorded(struct bounce_event *e, const char *s, size_t n, unsigned klass)
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
static int take_reply(struct bounce_log *b, struct bounce_event *e, const char *s, size_t n,
                      const char *rec, size_t rec_len)
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
                          b->text, sizeof b->text);
    e->text = b->text;
    return 1;
}

/*
 * Event text without an SMTP reply: the log's words, white space folded, and
 * the status the MTA recorded for it (rec, may be NULL): Postfix logs
 * "dsn=4.4.1" for a refused connection and "dsn=5.4.4" for a domain that
 * does not resolve, which says more than the words alone.
 */
static void take_text(struct bounce_log *b, struct bounce_event *e, const char *s, size_t n,
                      const char *rec, size_t rec_len)
{
    e->code = 0;
    memset(&e->enh, 0, sizeof e->enh);
    take_recorded(e, rec, rec_len, 0);
    e->text_len = flatten(s, n, 0, NULL, 0, 0, b->text, sizeof b->text);
    e->text = b->text;
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
/* sender". Fields are "name=value" joined by ", "; status= comes last and   */
/* its explanation runs to the line end.                                     */

/*
 * Where the server's reply starts in Postfix's explanation: after "host
 * NAME[ADDR] said: " or "host NAME[ADDR] refused to talk to me: " (*connect
 * set), which Postfix writes first, optionally after "delivery temporarily
 * suspended: ". NULL when the explanation does not start so: a " said: " in
 * the text the server sent is the server's, not Postfix's.
 */
static const char *postfix_reply(const char *t, const char *tend, int *connect)
{
    const char *sp;

    if (starts_ci(t, (size_t)(tend - t), "delivery temporarily suspended: "))
        t += 32;
    if (tend - t < 5 || memcmp(t, "host ", 5) != 0)
        return NULL;
    sp = memchr(t + 5, ' ', (size_t)(tend - (t + 5)));
    if (sp == NULL)
        return NULL;
    if ((size_t)(tend - sp) >= 7 && memcmp(sp, " said: ", 7) == 0)
        return sp + 7;
    if ((size_t)(tend - sp) >= 24 && memcmp(sp, " refused to talk to me: ", 24) == 0) {
        *connect = 1;
        return sp + 24;
    }
    return NULL;
}

/*
 * Postfix's explanation of an event, t[0..tend): "host NAME[ADDR] said: 550
 * ... (in reply to RCPT TO command)", "250 2.0.0 Ok: queued as ...",
 * "connect to ...: Connection refused". Fills the event's reply or text and
 * command. Also the delay_reason of a postqueue -j recipient.
 */
static void postfix_explain(struct bounce_log *b, struct bounce_event *e, const char *t,
                            const char *tend, const char *dsn, size_t dsn_len)
{
    const char *cmd, *r;
    int connect = 0;

    /* "(in reply to RCPT TO command)" names the command and is not reply text;
     * Postfix writes it last, after anything the server said. */
    cmd = find_last(t, (size_t)(tend - t), "(in reply to ");
    if (cmd != NULL) {
        const char *c = cmd + 13, *ce = find(c, (size_t)(tend - c), " command)");
        if (ce != NULL) {
            e->command = command_of(c, (size_t)(ce - c));
            tend = cmd;
            while (tend > t && tend[-1] == ' ')
                tend--;
        }
    }
    r = postfix_reply(t, tend, &connect);
    if (r == NULL)
        r = t;                        /* "sent (250 2.0.0 Ok ...)": the reply itself */
    else if (connect && e->command == SMTPREPLY_CMD_UNKNOWN)
        e->command = command_of("initial connection", 18);
    if (!take_reply(b, e, r, (size_t)(tend - r), dsn, dsn_len)) {
        take_text(b, e, t, (size_t)(tend - t), dsn, dsn_len);
        if (e->command == SMTPREPLY_CMD_UNKNOWN)
            e->command = command_from_while(t, (size_t)(tend - t));
    }
}

/* documented in bounce_log.h */
int bounce_postfix_line(struct bounce_log *b, const char *s, size_t n, uint64_t line_no)
{
    const char *end = s + n, *name, *p, *st = NULL, *t, *tend, *dsn = NULL, *q;
    size_t name_len, wlen, dsn_len = 0, qn;
    struct bounce_event e;
    int have_to = 0;

    p = first_field(s, n, &name, &name_len);
    if (p == NULL || !(name_is(name, name_len, "to") || name_is(name, name_len, "from"))
        || !after_queue_id(s, name))
        return 0;
    qn = queue_id_before(s, name, &q);
    /* qmgr's "QID: from=<sender>, size=..." (Sendmail's too): remember the sender. */
    if (name_is(name, name_len, "from") && p < end && *p == '<') {
        const char *ve = bounce_addr_end(p + 1, end, ">");
        if (ve < end)
            sender_remember(b, q, qn, p + 1, (size_t)(ve - (p + 1)));
    }
    p = name;
    memset(&e, 0, sizeof e);
    (void)bounce_time_parse(s, n, &e.time);
    set_queue(b, &e, q, qn);
    for (;;) {
        const char *v, *ve;

        name_len = field_name(p, end);
        if (name_len == 0)
            return 0;
        name = p;
        v = p + name_len + 1;
        if (name_is(name, name_len, "status")) {
            st = v;
            break;
        }
        if (v < end && *v == '<') {
            ve = bounce_addr_end(v + 1, end, ">");
            if (ve >= end)
                return 0;              /* an address that never closes */
            if (name_is(name, name_len, "to")) {
                e.rcpt = v + 1;
                e.rcpt_len = (size_t)(ve - (v + 1));
                have_to = 1;
            }
            p = ve + 1;
        } else if (name_is(name, name_len, "to") || name_is(name, name_len, "from") ||
                   name_is(name, name_len, "orig_to")) {
            return 0;                  /* Postfix always writes these as <...> */
        } else {
            ve = value_end(v, end, ", ");
            if (name_is(name, name_len, "dsn")) {
                dsn = v;
                dsn_len = (size_t)(ve - v);
            } else if (name_is(name, name_len, "relay")) {
                e.relay = v;
                e.relay_len = (size_t)(ve - v);
            } else if (name_is(name, name_len, "delay")) {
                e.has_delay = delay_parse(v, (size_t)(ve - v), &e.delay_ms);
            }
            p = ve;
        }
        if (end - p < 2 || p[0] != ',' || p[1] != ' ')
            return 0;
        p += 2;
    }
    for (wlen = 0; st + wlen < end && st[wlen] >= 'a' && st[wlen] <= 'z'; wlen++)
        ;
    if (wlen == 4 && memcmp(st, "sent", 4) == 0)
        e.status = BOUNCE_SENT;
    else if (wlen == 8 && memcmp(st, "deferred", 8) == 0)
        e.status = BOUNCE_DEFERRED;
    else if (wlen == 7 && memcmp(st, "bounced", 7) == 0)
        e.status = BOUNCE_BOUNCED;
    else if (wlen == 7 && memcmp(st, "expired", 7) == 0)
        e.status = BOUNCE_EXPIRED;
    else
        return 1;                 /* deliverable/undeliverable: address probes, not deliveries */
    if (!have_to && e.status != BOUNCE_EXPIRED)
        return 0;
    e.line = line_no;

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
    postfix_explain(b, &e, t, tend, dsn, dsn_len);
    b->emit(b->ctx, &e);
    return 1;
}

/* ------------------------------------------------------------------------ */
/* Sendmail: "sm-mta[123]: QID: to=<a@b>,<c@d>, ..., dsn=5.1.1,              */
/* stat=User unknown" (optionally reply=...), "stat=Deferred: 421 ...",      */
/* "stat=Sent (...)". to= is a list joined by ','; the fields after it are   */
/* joined by ", "; stat= comes last and runs to the line end.                */

/* documented in bounce_log.h */
int bounce_sendmail_line(struct bounce_log *b, const char *s, size_t n, uint64_t line_no)
{
    const char *end = s + n, *name, *to, *to_end, *p, *stat = NULL, *dsn = NULL, *reply = NULL;
    const char *t, *tend, *qid, *relay = NULL;
    size_t name_len, dsn_len = 0, reply_len = 0, stat_len, qn, relay_len = 0;
    int status, has_delay = 0;
    uint64_t delay_ms = 0;
    struct bounce_time when;

    to = first_field(s, n, &name, &name_len);
    if (to == NULL || !name_is(name, name_len, "to") || !after_queue_id(s, name))
        return 0;
    qn = queue_id_before(s, name, &qid);
    (void)bounce_time_parse(s, n, &when);
    to_end = value_end(to, end, ", ");
    for (p = to_end; p < end;) {
        const char *v, *ve;

        p += 2;                      /* the ", " before each field */
        name_len = field_name(p, end);
        if (name_len == 0)
            return 0;
        name = p;
        v = p + name_len + 1;
        if (name_is(name, name_len, "stat")) {
            stat = v;
            break;
        }
        ve = value_end(v, end, ", ");
        if (name_is(name, name_len, "dsn")) {
            dsn = v;
            dsn_len = (size_t)(ve - v);
        } else if (name_is(name, name_len, "reply")) {
            reply = v;
            reply_len = (size_t)(ve - v);
        } else if (name_is(name, name_len, "relay")) {
            relay = v;
            relay_len = (size_t)(ve - v);
        } else if (name_is(name, name_len, "delay")) {
            has_delay = delay_parse(v, (size_t)(ve - v), &delay_ms);
        }
        p = ve;
    }
    if (stat == NULL)
        return 0;
    stat_len = (size_t)(end - stat);
    t = stat;
    tend = end;
    if (starts_ci(stat, stat_len, "sent")) {
        status = BOUNCE_SENT;
        t += 4;
    } else if (starts_ci(stat, stat_len, "deferred")) {
        status = BOUNCE_DEFERRED;
        t += 8;
        if (t < end && *t == ':')
            t++;
    } else if (starts_ci(stat, stat_len, "queued")) {
        return 1;                 /* accepted for later delivery: no attempt yet */
    } else {
        status = BOUNCE_BOUNCED;
    }
    while (t < tend && *t == ' ')
        t++;
    if (status == BOUNCE_SENT && t < tend && *t == '(') {
        t++;
        if (tend > t && tend[-1] == ')')
            tend--;
    }
    /* One event per recipient of the list; ',' inside quotes or <...> is text. */
    for (p = to; p < to_end;) {
        const char *q = value_end(p, to_end, ",");
        const char *a = p, *z = q;
        struct bounce_event e;

        memset(&e, 0, sizeof e);
        e.line = line_no;
        e.status = status;
        e.time = when;
        set_queue(b, &e, qid, qn);
        e.relay = relay;
        e.relay_len = relay_len;
        e.has_delay = has_delay;
        e.delay_ms = delay_ms;
        if (a < z && *a == '<') {
            z = bounce_addr_end(a + 1, q, ">");
            a++;
        }
        e.rcpt = a;
        e.rcpt_len = (size_t)(z - a);
        if (reply != NULL) {
            if (!take_reply(b, &e, reply, reply_len, dsn, dsn_len))
                take_text(b, &e, t, (size_t)(tend - t), dsn, dsn_len);
        } else if (!take_reply(b, &e, t, (size_t)(tend - t), dsn, dsn_len)) {
            take_text(b, &e, t, (size_t)(tend - t), dsn, dsn_len);
        }
        if (e.rcpt_len > 0)
            b->emit(b->ctx, &e);
        p = q < to_end ? q + 1 : to_end;
    }
    return 1;
}

/* ------------------------------------------------------------------------ */
/* OpenSMTPD: "smtpd[123]: 8f48... mta delivery evpid=... from=<a@b>         */
/* to=<c@d> rcpt=<-> source="..." relay="..." delay=2s result="PermFail"     */
/* stat="550 5.7.1 ..."" (newer: "mta event=delivery evpid=..."). Fields     */
/* are joined by one space; stat= comes last and its quoted value, which     */
/* OpenSMTPD does not escape, runs to the line's last '"'.                   */

/* documented in bounce_log.h */
int bounce_opensmtpd_line(struct bounce_log *b, const char *s, size_t n, uint64_t line_no)
{
    const char *end = s + n, *name, *p, *res = NULL, *stat = NULL;
    size_t name_len, res_len = 0, stat_len = 0;
    struct bounce_event e;

    p = first_field(s, n, &name, &name_len);
    if (p == NULL)
        return 0;
    if (name_is(name, name_len, "event")) {
        if (!starts_ci(p, (size_t)(end - p), "delivery "))
            return 0;
    } else if (!name_is(name, name_len, "evpid") || find(s, (size_t)(name - s), " delivery ") == NULL) {
        return 0;
    }
    memset(&e, 0, sizeof e);
    e.line = line_no;
    (void)bounce_time_parse(s, n, &e.time);
    for (p = name; p < end;) {
        const char *v, *ve, *vs;

        name_len = field_name(p, end);
        if (name_len == 0)
            return 0;
        name = p;
        v = p + name_len + 1;
        vs = v;
        if (v < end && *v == '<') {
            ve = bounce_addr_end(v + 1, end, ">");
            if (ve >= end)
                return 0;
            vs = v + 1;
            p = ve + 1;
        } else if (v < end && *v == '"') {
            vs = v + 1;
            if (name_is(name, name_len, "stat")) {
                ve = find_last(vs, (size_t)(end - vs), "\"");
                if (ve == NULL)
                    ve = end;
            } else {
                ve = memchr(vs, '"', (size_t)(end - vs));
                if (ve == NULL)
                    return 0;
            }
            p = ve + 1;
        } else {
            ve = memchr(v, ' ', (size_t)(end - v));
            if (ve == NULL)
                ve = end;
            p = ve;
        }
        if (name_is(name, name_len, "to")) {
            e.rcpt = vs;
            e.rcpt_len = (size_t)(ve - vs);
        } else if (name_is(name, name_len, "from")) {
            set_sender(&e, vs, (size_t)(ve - vs));
        } else if (name_is(name, name_len, "evpid")) {
            e.queue_id = vs;
            e.queue_id_len = (size_t)(ve - vs);
        } else if (name_is(name, name_len, "relay")) {
            e.relay = vs;
            e.relay_len = (size_t)(ve - vs);
        } else if (name_is(name, name_len, "delay")) {
            e.has_delay = delay_parse(vs, (size_t)(ve - vs), &e.delay_ms);
        } else if (name_is(name, name_len, "result")) {
            res = vs;
            res_len = (size_t)(ve - vs);
        } else if (name_is(name, name_len, "stat")) {
            stat = vs;
            stat_len = (size_t)(ve - vs);
            break;
        }
        if (p < end && *p != ' ')
            return 0;
        if (p < end)
            p++;
    }
    if (res == NULL)
        return 0;
    if (res_len == 2 && starts_ci(res, res_len, "ok"))
        e.status = BOUNCE_SENT;
    else if (starts_ci(res, res_len, "TempFail"))
        e.status = BOUNCE_DEFERRED;
    else if (starts_ci(res, res_len, "PermFail") || starts_ci(res, res_len, "Loop"))
        e.status = BOUNCE_BOUNCED;
    else
        return 0;
    if (stat == NULL) {
        stat = "";
        stat_len = 0;
    }
    if (!take_reply(b, &e, stat, stat_len, NULL, 0))
        take_text(b, &e, stat, stat_len, NULL, 0);
    b->emit(b->ctx, &e);
    return 1;
}

/* ------------------------------------------------------------------------ */
/* Exim mainlog: "2026-11-20 10:00:01 1rABCD-000123-AB ** a@b R=... T=...    */
/* H=mx [192.0.2.1]: SMTP error from remote mail server after RCPT TO:<a@b>: */
/* 550 5.1.1 ...", "==" deferrals, "=>"/"->" deliveries with C="250 ...".    */
/* The recipient follows the flag as Exim stores it (a quoted local part     */
/* keeps its quotes); the message follows the first ": " after it.           */

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

/* documented in bounce_log.h */
int bounce_command_of(const char *s, size_t n)
{
    return command_of(s, n);
}

/* documented in bounce_log.h */
const char *bounce_exim_reply(const char *s, size_t n, int *command, const char **words,
                              size_t *words_len)
{
    static const char head[] = "SMTP error from remote mail server after ";
    const char *end = s + n, *a = find(s, n, head), *c, *ce, *r;

    if (a == NULL)
        return NULL;
    c = a + sizeof head - 1;
    /* The command may hold an address: "RCPT TO:<"x: 550 y"@z>: 250 ..." */
    ce = find_outside(c, end, ": ");
    /* An Exim bounce message ends the line with the colon and puts the reply
     * on the next: "... after RCPT TO:<a@b>:". */
    for (r = c; ce == NULL && (r = find_outside(r, end, ":")) != NULL; r++)
        if (r == end - 1)
            ce = r;
    if (ce == NULL)
        return NULL;
    *command = command_of(c, (size_t)(ce - c));
    *words = c;
    *words_len = (size_t)(ce - c);
    if (ce == end - 1)
        return end;
    r = ce + 2;
    /* Older Exim: "after RCPT TO:<a@b>: host mx [192.0.2.1]: 550 ..." */
    if (starts_ci(r, (size_t)(end - r), "host ")) {
        const char *h = find(r, (size_t)(end - r), "]: ");
        if (h != NULL)
            r = h + 3;
    }
    return r;
}

/* The event's message: what follows an Exim "SMTP error ... after CMD:" and the like. */
static void exim_message(struct bounce_log *b, struct bounce_event *e, const char *m, size_t mn)
{
    const char *end = m + mn, *a, *c, *ce, *r, *words;
    size_t words_len;
    int command;

    r = bounce_exim_reply(m, mn, &command, &words, &words_len);
    if (r != NULL) {
        e->command = command;
        if (take_reply(b, e, r, (size_t)(end - r), NULL, 0))
            return;
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
    take_text(b, e, m, mn, NULL, 0);
}

/*
 * Exim's fields after the recipient: the host "H=name [ip]" (or "H=(helo)
 * [ip]:port") in [p, end) as the relay, and the time on the queue "QT=1m2s"
 * (log_selector +queue_time) in [p, qt_end) as the delay. A delivery logs QT=
 * after its C="..." (skipped whole); a failure's range ends where the
 * server's message begins, so the server cannot write these fields.
 */
static void exim_fields(struct bounce_event *e, const char *p, const char *end,
                        const char *qt_end)
{
    const char *h = find_outside(p, end, " H="), *qt = find_outside(p, qt_end, " QT="), *z;

    if (h != NULL) {
        h += 3;
        z = find(h, (size_t)(end - h), "]");
        if (z != NULL && memchr(h, ' ', (size_t)(z - h)) != NULL &&
            find(h, (size_t)(z - h), " [") != NULL) {
            z++;
            if (z < end && *z == ':')
                for (z++; z < end && is_digit((unsigned char)*z); z++)
                    ;
        } else {
            for (z = h; z < end && *z != ' ' && *z != ':'; z++)
                ;
        }
        e->relay = h;
        e->relay_len = (size_t)(z - h);
    }
    if (qt != NULL) {
        qt += 4;
        for (z = qt; z < qt_end && *z != ' ' && *z != ':'; z++)
            ;
        e->has_delay = delay_parse(qt, (size_t)(z - qt), &e->delay_ms);
    }
}

/* documented in bounce_log.h */
/* Can tok be one of the tokens before an Exim line's flag (date, time, zone,
 * [pid], message id)? Their bytes are letters, digits and - : . + [ ]. */
static int exim_head_token(const char *tok, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        unsigned c = (unsigned char)tok[i];
        if (!((c | 0x20u) - 'a' < 26u || c - '0' < 10u || c == '-' || c == ':' || c == '.' ||
              c == '+' || c == '[' || c == ']'))
            return 0;
    }
    return 1;
}

int bounce_exim_line(struct bounce_log *b, const char *s, size_t n, uint64_t line_no)
{
    const char *end = s + n, *tok = s, *prev = NULL, *flag = NULL, *p, *rc, *m;
    size_t prev_len = 0, tl, rl;
    int i, colon = 0;
    struct bounce_event e;

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
        if (prev != NULL && exim_id(prev, prev_len) && tl == 2 && memcmp(tok, "<=", 2) == 0 &&
            te != NULL) {
            /* "ID <= sender H=...": the message arrived; "<>" is the null sender. */
            const char *a = te + 1, *z = bounce_addr_end(a, end, " ");
            if (z - a == 2 && memcmp(a, "<>", 2) == 0)
                z = a;
            sender_remember(b, prev, prev_len, a, (size_t)(z - a));
            return 1;
        }
        if (prev != NULL && exim_id(prev, prev_len) && tl == 9 &&
            memcmp(tok, "Completed", 9) == 0) {
            sender_forget(b, prev, prev_len);
            return 1;
        }
        /* Date, time, zone, [pid] and id hold nothing else: a token such as
         * "H=host" or "F=<address" means the line is not a delivery line, and a
         * flag further on would come from inside an address or the text. */
        if (!exim_head_token(tok, tl))
            return 0;
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
    e.status = flag[0] == '*' ? BOUNCE_BOUNCED : flag[1] == '=' ? BOUNCE_DEFERRED : BOUNCE_SENT;
    (void)bounce_time_parse(s, n, &e.time);
    set_queue(b, &e, prev, prev_len);
    rc = flag + 3;
    if (rc >= end)
        return 0;
    /* The recipient: up to a space outside quotes and <...>. */
    if (*rc == '<')
        p = skip_angle(rc, end);
    else
        p = bounce_addr_end(rc, end, " ");
    rl = (size_t)(p - rc);
    e.rcpt = rc;
    e.rcpt_len = rl;
    if (rl > 0 && rc[rl - 1] == ':') {
        e.rcpt_len--;                      /* "** a@b: Unrouteable address" */
        colon = 1;
    }
    if (e.rcpt_len > 1 && rc[0] == '<' && rc[e.rcpt_len - 1] == '>') {
        e.rcpt++;
        e.rcpt_len -= 2;
    }
    if (e.status == BOUNCE_SENT) {
        const char *c = find_outside(p, end, " C=\"");
        exim_fields(&e, p, c != NULL ? c : end, end);
        if (c != NULL) {
            const char *v = c + 4, *q = skip_quoted(c + 3, end);
            if (q > v && q[-1] == '"')
                q--;                       /* the closing quote */
            if (take_reply(b, &e, v, (size_t)(q - v), NULL, 0)) {
                b->emit(b->ctx, &e);
                return 1;
            }
        }
        take_text(b, &e, "", 0, NULL, 0);
        b->emit(b->ctx, &e);
        return 1;
    }
    /* The message follows the recipient's own ':' or the first ": " after it. */
    if (colon)
        m = p;
    else if ((m = find_outside(p, end, ": ")) != NULL)
        m += 1;
    else
        m = end;
    exim_fields(&e, p, m, m);
    while (m < end && *m == ' ')
        m++;
    exim_message(b, &e, m, (size_t)(end - m));
    b->emit(b->ctx, &e);
    return 1;
}

/* ------------------------------------------------------------------------ */
/* DSN messages (RFC 3464): per-recipient fields, one event per recipient    */
/* block; the command comes from the human-readable part when it names it.   */

enum dsn_field { F_NONE, F_DIAG, F_OTHER };

static void dsn_reset_block(struct bounce_dsn *d)
{
    d->has_final = d->has_rcpt = d->has_action = d->has_status = d->has_diag = 0;
    d->rcpt_len = d->diag_len = d->status_len = d->relay_len = 0;
    d->action[0] = d->status[0] = d->diag_type[0] = '\0';
    d->attempt.set = 0;
    d->last = F_NONE;
}

/* A new DSN message: forget the last one's per-message fields. */
static void dsn_new_message(struct bounce_dsn *d)
{
    d->arrival.set = 0;
    d->queue_id_len = d->sender_len = 0;
    d->has_sender = 0;
}

/* The DSN's own fields of the event: relay, time, delay, queue ID, sender. */
static void dsn_fields(const struct bounce_dsn *d, struct bounce_event *e)
{
    if (d->relay_len > 0) {
        e->relay = d->relay;
        e->relay_len = d->relay_len;
    }
    if (d->attempt.set) {
        e->time = d->attempt;
        if (d->arrival.set && d->arrival.has_zone && d->attempt.has_zone) {
            int64_t secs = zoned_epoch(&d->attempt) - zoned_epoch(&d->arrival);
            if (secs >= 0) {
                e->has_delay = 1;
                e->delay_ms = (uint64_t)secs * 1000;
            }
        }
    }
    if (d->queue_id_len > 0) {
        e->queue_id = d->queue_id;
        e->queue_id_len = d->queue_id_len;
    }
    if (d->has_sender) {
        e->sender = d->sender_len > 0 ? d->sender : null_sender;
        e->sender_len = d->sender_len > 0 ? d->sender_len : 2;
    }
}

static int addr_eq(const char *a, size_t an, const char *b)
{
    size_t i;

    for (i = 0; i < an; i++)
        if (b[i] == '\0' || lower((unsigned char)a[i]) != lower((unsigned char)b[i]))
            return 0;
    return b[an] == '\0';
}

static int dsn_command_for(const struct bounce_dsn *d, const char *rcpt, size_t n)
{
    unsigned i;

    for (i = 0; i < BOUNCE_CMD_MEMORY; i++) {
        unsigned k = (d->cmd_next + BOUNCE_CMD_MEMORY - 1 - i) % BOUNCE_CMD_MEMORY;
        if (d->cmds[k].rcpt[0] != '\0' && addr_eq(rcpt, n, d->cmds[k].rcpt))
            return d->cmds[k].command;
    }
    return SMTPREPLY_CMD_UNKNOWN;
}

static void remember_command(struct bounce_dsn *d, const char *a, size_t n, int command)
{
    if (n == 0 || memchr(a, '@', n) == NULL || command == SMTPREPLY_CMD_UNKNOWN)
        return;
    copy_cut(d->cmds[d->cmd_next].rcpt, BOUNCE_ADDR_CAP, a, n);
    d->cmds[d->cmd_next].command = command;
    d->cmd_next = (d->cmd_next + 1) % BOUNCE_CMD_MEMORY;
}

/*
 * A paragraph of the human-readable part ended: Postfix writes
 * "<a@b>: host mx[192.0.2.1] said: 550 ... (in reply to RCPT TO command)",
 * Exim "a@b host mx [192.0.2.1] SMTP error from remote mail server after
 * RCPT TO:<a@b>: 550 ..." (lines joined). Remember recipient -> command. The
 * recipient opens the paragraph and is skipped whole before any search.
 */
static void dsn_para_done(struct bounce_dsn *d)
{
    const char *s = d->para, *end = d->para + d->para_len, *a, *z, *rest, *c, *ce;
    int command = SMTPREPLY_CMD_UNKNOWN;

    if (d->para_len == 0)
        return;
    a = s;
    while (a < end && *a == ' ')
        a++;
    if (a < end && *a == '<') {
        a++;
        z = bounce_addr_end(a, end, ">");
        rest = z < end ? z + 1 : end;
    } else {
        z = bounce_addr_end(a, end, " :");
        rest = z;
    }
    if ((c = find_last(rest, (size_t)(end - rest), "(in reply to ")) != NULL &&
        (ce = find(c + 13, (size_t)(end - c - 13), " command)")) != NULL)
        command = command_of(c + 13, (size_t)(ce - c - 13));
    else if ((c = find(rest, (size_t)(end - rest), "remote mail server after ")) != NULL &&
             (ce = find_outside(c + 25, end, ": ")) != NULL)
        command = command_of(c + 25, (size_t)(ce - c - 25));
    if (command != SMTPREPLY_CMD_UNKNOWN)
        remember_command(d, a, (size_t)(z - a), command);
    d->para_len = 0;
}

/*
 * Sendmail's bounce quotes the session: ">>> RCPT To:<a@b>" then
 * "<<< 550 5.1.1 <a@b>... User unknown". The reply line names the recipient.
 */
static int transcript_line(struct bounce_dsn *d, const char *s, size_t n)
{
    const char *end = s + n, *a, *z;

    if (n >= 4 && memcmp(s, ">>> ", 4) == 0) {
        d->transcript_cmd = command_of(s + 4, n - 4);
        return 1;
    }
    if (n >= 4 && memcmp(s, "<<< ", 4) == 0) {
        if ((a = memchr(s + 4, '<', n - 4)) != NULL) {
            z = bounce_addr_end(a + 1, end, ">");
            if (z < end)
                remember_command(d, a + 1, (size_t)(z - a - 1), d->transcript_cmd);
        }
        return 1;
    }
    return 0;
}

static void dsn_para_line(struct bounce_dsn *d, const char *s, size_t n)
{
    size_t indent = 0;

    while (indent < n && is_blank((unsigned char)s[indent]))
        indent++;
    if (indent == n) {
        dsn_para_done(d);
        return;
    }
    /* Postfix starts a recipient at column 0, Exim at column 2; details are indented 4. */
    if (indent < 4)
        dsn_para_done(d);
    if (d->para_len > 0 && d->para_len + 1 < BOUNCE_PARA_CAP)
        d->para[d->para_len++] = ' ';
    d->para_len += copy_cut(d->para + d->para_len, BOUNCE_PARA_CAP - d->para_len, s + indent,
                            n - indent);
}

static void dsn_flush(struct bounce_log *b)
{
    struct bounce_dsn *d = &b->d;
    struct bounce_event e;
    const char *t, *r;
    size_t tn, status_len;

    if (!(d->has_rcpt && (d->has_action || d->has_status))) {
        dsn_reset_block(d);
        return;
    }
    memset(&e, 0, sizeof e);
    e.rcpt = d->rcpt;
    e.rcpt_len = d->rcpt_len;
    if (starts_ci(d->action, strlen(d->action), "failed"))
        e.status = BOUNCE_BOUNCED;
    else if (starts_ci(d->action, strlen(d->action), "delayed"))
        e.status = BOUNCE_DEFERRED;
    else if (d->has_action)
        e.status = BOUNCE_SENT;                /* delivered, relayed, expanded */
    else
        e.status = d->status[0] == '2' ? BOUNCE_SENT
                   : d->status[0] == '4' ? BOUNCE_DEFERRED : BOUNCE_BOUNCED;
    e.line = d->has_diag ? d->line_diag : d->line_status;
    dsn_fields(d, &e);
    status_len = strcspn(d->status, " (");
    e.command = dsn_command_for(d, d->rcpt, d->rcpt_len);
    t = d->diag;
    tn = d->diag_len;
    /* Some MTAs keep the command in the diagnostic itself, after the reply. */
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
    if (!(starts_ci(d->diag_type, strlen(d->diag_type), "smtp") && d->diag_type[4] == '\0' &&
          take_reply(b, &e, t, tn, d->status, status_len))) {
        take_text(b, &e, t, tn, d->status, status_len);
        if (e.command == SMTPREPLY_CMD_UNKNOWN)
            e.command = command_from_while(t, tn);
    }
    b->emit(b->ctx, &e);
    dsn_reset_block(d);
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

static void diag_append(struct bounce_dsn *d, const char *s, size_t n)
{
    trim(&s, &n);
    if (n == 0)
        return;
    if (d->diag_len > 0 && d->diag_len + 1 < BOUNCE_DIAG_CAP)
        d->diag[d->diag_len++] = ' ';
    d->diag_len += copy_cut(d->diag + d->diag_len, BOUNCE_DIAG_CAP - d->diag_len, s, n);
}

/* A DSN field line or a folded continuation of one; returns 1 when it was one. */
static int dsn_line(struct bounce_log *b, const char *s, size_t n, uint64_t line_no)
{
    static const struct { const char *name; int id; } names[] = {
        { "final-recipient:", 1 }, { "original-recipient:", 2 }, { "action:", 3 },
        { "status:", 4 }, { "diagnostic-code:", 5 }, { "remote-mta:", 7 },
        { "last-attempt-date:", 8 }, { "will-retry-until:", 6 }, { "x-postfix-sender:", 11 },
        { "reporting-mta:", 6 }, { "received-from-mta:", 6 }, { "arrival-date:", 9 },
        { "x-postfix-queue-id:", 10 }, { "x-actual-recipient:", 6 }, { "dsn-gateway:", 6 },
    };
    struct bounce_dsn *d = &b->d;
    const char *v = s;
    size_t vn = 0, i;
    int id = 0;

    if (n > 0 && is_blank((unsigned char)s[0])) {
        if (d->last == F_DIAG) {
            diag_append(d, s, n);
            return 1;
        }
        return d->last == F_OTHER;
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
        d->last = F_NONE;
        return 0;
    }
    if (d->in_report) {
        dsn_para_done(d);
        d->in_report = 0;           /* the status part has begun */
    }
    trim(&v, &vn);
    d->last = F_OTHER;
    switch (id) {
    case 1:
    case 2: {
        char type[16];
        const char *a;
        size_t an;
        if (id == 1 && d->has_final)
            dsn_flush(b);           /* two recipients without a blank line between */
        if (id == 2 && d->has_rcpt)
            break;                  /* Final-Recipient wins; Original only fills in */
        split_typed(v, vn, type, sizeof type, &a, &an);
        if (an > 1 && a[0] == '<' && a[an - 1] == '>') {
            a++;
            an -= 2;
        }
        d->rcpt_len = copy_cut(d->rcpt, sizeof d->rcpt, a, an);
        d->has_rcpt = 1;
        d->has_final |= id == 1;
        break;
    }
    case 3:
        copy_cut(d->action, sizeof d->action, v, vn);
        d->has_action = 1;
        break;
    case 4:
        d->status_len = copy_cut(d->status, sizeof d->status, v, vn);
        d->has_status = 1;
        d->line_status = line_no;
        break;
    case 5: {
        const char *dv;
        size_t dn;
        split_typed(v, vn, d->diag_type, sizeof d->diag_type, &dv, &dn);
        d->diag_len = 0;
        diag_append(d, dv, dn);
        d->has_diag = 1;
        d->line_diag = line_no;
        d->last = F_DIAG;
        break;
    }
    case 7:
    case 11: {
        /* "dns; mx.example.com", "rfc822; sender@example.org" */
        char type[16];
        const char *a;
        size_t an;
        split_typed(v, vn, type, sizeof type, &a, &an);
        if (an > 1 && a[0] == '<' && a[an - 1] == '>') {
            a++;
            an -= 2;
        }
        if (id == 7) {
            d->relay_len = copy_cut(d->relay, sizeof d->relay, a, an);
        } else if (an < sizeof d->sender) {     /* never a cut sender */
            d->sender_len = copy_cut(d->sender, sizeof d->sender, a, an);
            d->has_sender = 1;
        }
        break;
    }
    case 8:
        (void)mail_date_parse(v, vn, &d->attempt);
        break;
    case 9:
        (void)mail_date_parse(v, vn, &d->arrival);
        break;
    case 10:
        if (vn < sizeof d->queue_id)
            d->queue_id_len = copy_cut(d->queue_id, sizeof d->queue_id, v, vn);
        break;
    default:
        break;
    }
    return 1;
}

/* ------------------------------------------------------------------------ */
/* postqueue -j: one JSON object per queued message (Postfix 3.1 and later):  */
/* {"queue_name": "deferred", "queue_id": "...", "arrival_time": 1764234001,  */
/* "sender": "...", "recipients": [{"address": "...", "delay_reason":         */
/* "..."}]}. A recipient with a delay_reason is a deferral; its text is what  */
/* Postfix logs after "status=deferred (".                                    */

#define JSON_DEPTH 16           /* nesting skipped in values we do not read */

struct json_cur {
    const char *p, *end;
};

static void json_ws(struct json_cur *c)
{
    while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\r' || *c->p == '\n'))
        c->p++;
}

static int json_lit(struct json_cur *c, char ch)
{
    json_ws(c);
    if (c->p < c->end && *c->p == ch) {
        c->p++;
        return 1;
    }
    return 0;
}

static int hex4(const char *s, unsigned *v)
{
    int i;

    *v = 0;
    for (i = 0; i < 4; i++) {
        int c = (unsigned char)s[i], d;
        if (is_digit(c))
            d = c - '0';
        else if (lower(c) >= 'a' && lower(c) <= 'f')
            d = lower(c) - 'a' + 10;
        else
            return 0;
        *v = *v * 16 + (unsigned)d;
    }
    return 1;
}

/*
 * A JSON string at the cursor, decoded as UTF-8 into out (cap bytes; out may be
 * NULL to skip it). Returns the decoded length, or -1 when it is not a valid
 * string. A string longer than cap - 1 bytes is cut at a character boundary.
 */
static long json_string(struct json_cur *c, char *out, size_t cap)
{
    size_t o = 0;
    int cut = 0;

    json_ws(c);
    if (c->p >= c->end || *c->p != '"')
        return -1;
    c->p++;
    while (c->p < c->end) {
        unsigned char ch = (unsigned char)*c->p;
        unsigned cp;
        char enc[4];
        size_t k = 0, i;

        if (ch == '"') {
            c->p++;
            return (long)o;
        }
        if (ch < 0x20)
            return -1;
        if (ch != '\\') {
            if (out != NULL && !cut && o + 1 < cap) {
                out[o++] = (char)ch;
            } else if (out != NULL && !cut) {
                cut = 1;           /* keep the cut on a character boundary */
                while (o > 0 && ((unsigned char)out[o - 1] & 0xC0) == 0x80)
                    o--;
                if (o > 0 && ((unsigned char)out[o - 1] & 0xC0) == 0xC0)
                    o--;
            }
            c->p++;
            continue;
        }
        if (c->end - c->p < 2)
            return -1;
        switch (c->p[1]) {
        case '"': case '\\': case '/':
            cp = (unsigned char)c->p[1]; c->p += 2; break;
        case 'b': cp = 8; c->p += 2; break;
        case 'f': cp = 12; c->p += 2; break;
        case 'n': cp = 10; c->p += 2; break;
        case 'r': cp = 13; c->p += 2; break;
        case 't': cp = 9; c->p += 2; break;
        case 'u':
            if (c->end - c->p < 6 || !hex4(c->p + 2, &cp))
                return -1;
            c->p += 6;
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                unsigned lo;
                if (c->end - c->p < 6 || c->p[0] != '\\' || c->p[1] != 'u' ||
                    !hex4(c->p + 2, &lo) || lo < 0xDC00 || lo > 0xDFFF)
                    return -1;
                c->p += 6;
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                return -1;
            }
            break;
        default:
            return -1;
        }
        if (cp < 0x80) {
            enc[k++] = (char)cp;
        } else if (cp < 0x800) {
            enc[k++] = (char)(0xC0 | (cp >> 6));
            enc[k++] = (char)(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            enc[k++] = (char)(0xE0 | (cp >> 12));
            enc[k++] = (char)(0x80 | ((cp >> 6) & 0x3F));
            enc[k++] = (char)(0x80 | (cp & 0x3F));
        } else {
            enc[k++] = (char)(0xF0 | (cp >> 18));
            enc[k++] = (char)(0x80 | ((cp >> 12) & 0x3F));
            enc[k++] = (char)(0x80 | ((cp >> 6) & 0x3F));
            enc[k++] = (char)(0x80 | (cp & 0x3F));
        }
        if (out != NULL && !cut && o + k < cap)
            for (i = 0; i < k; i++)
                out[o++] = enc[i];
        else
            cut = 1;
    }
    return -1;
}

/* Skip any JSON value; 0 when it is not one. Nesting is bounded, not recursive. */
static int json_skip(struct json_cur *c)
{
    int depth = 0;

    json_ws(c);
    do {
        json_ws(c);
        if (c->p >= c->end)
            return 0;
        if (*c->p == '"') {
            if (json_string(c, NULL, 0) < 0)
                return 0;
        } else if (*c->p == '{' || *c->p == '[') {
            if (++depth > JSON_DEPTH)
                return 0;
            c->p++;
            continue;
        } else if (*c->p == '}' || *c->p == ']') {
            if (depth == 0)
                return 0;
            depth--;
            c->p++;
        } else if (*c->p == ',' || *c->p == ':') {
            if (depth == 0)
                return 0;
            c->p++;
            continue;
        } else {
            const char *q = c->p;
            while (c->p < c->end && (is_digit((unsigned char)*c->p) || *c->p == '-' ||
                                     *c->p == '+' || *c->p == '.' || *c->p == 'e' ||
                                     *c->p == 'E' || (*c->p >= 'a' && *c->p <= 'z')))
                c->p++;
            if (c->p == q)
                return 0;
        }
    } while (depth > 0);
    return 1;
}

/* Seconds since the epoch to a UTC civil time (days_from_civil, inverted). */
static void epoch_time(int64_t secs, struct bounce_time *t)
{
    int64_t days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
    int64_t rem = secs - days * 86400, z = days + 719468, era, doe, yoe, doy, mp;

    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    memset(t, 0, sizeof *t);
    t->mday = (int)(doy - (153 * mp + 2) / 5 + 1);
    t->mon = (int)(mp < 10 ? mp + 3 : mp - 9);
    t->year = (int)(yoe + era * 400 + (t->mon <= 2));
    t->hour = (int)(rem / 3600);
    t->min = (int)(rem / 60 % 60);
    t->sec = (int)(rem % 60);
    t->set = t->has_zone = t->utc_z = t->year >= 1 && t->year <= 9999;
}

/* A member's name and its ':' into key (NUL-terminated); 0 when there is none. */
static int json_key(struct json_cur *c, char *key, size_t cap)
{
    long kn = json_string(c, key, cap);

    if (kn < 0 || !json_lit(c, ':'))
        return 0;
    key[kn] = '\0';
    return 1;
}

/* A record's members; pass 0 reads the message's, pass 1 emits its recipients. */
static int postqueue_record(struct bounce_log *b, const char *s, size_t n, uint64_t line_no,
                            int pass, struct bounce_event *msg, char *qid, size_t qcap)
{
    struct json_cur c;
    char key[32];

    c.p = s;
    c.end = s + n;
    if (!json_lit(&c, '{'))
        return 0;
    if (json_lit(&c, '}'))
        return 0;
    do {
        if (!json_key(&c, key, sizeof key))
            return 0;
        if (pass == 0 && strcmp(key, "queue_id") == 0) {
            long q = json_string(&c, qid, qcap);
            if (q < 0)
                return 0;
            msg->queue_id = qid;
            msg->queue_id_len = (size_t)q;
        } else if (pass == 0 && strcmp(key, "sender") == 0) {
            long q = json_string(&c, b->json[2], sizeof b->json[2]);
            if (q < 0)
                return 0;
            set_sender(msg, b->json[2], (size_t)q);
        } else if (pass == 0 && strcmp(key, "arrival_time") == 0) {
            int64_t v = 0;
            json_ws(&c);
            if (c.p >= c.end || !is_digit((unsigned char)*c.p))
                return 0;
            while (c.p < c.end && is_digit((unsigned char)*c.p) && v < 1000000000000LL)
                v = v * 10 + (*c.p++ - '0');
            if (c.p < c.end && is_digit((unsigned char)*c.p))
                return 0;
            epoch_time(v, &msg->time);
        } else if (pass == 0 && strcmp(key, "queue_name") == 0) {
            if (json_string(&c, NULL, 0) < 0)
                return 0;
            msg->status = 1;          /* seen: a queue record */
        } else if (strcmp(key, "recipients") == 0) {
            if (!json_lit(&c, '['))
                return 0;
            if (!json_lit(&c, ']')) {
                do {
                    long an = -1, rn = -1;
                    if (!json_lit(&c, '{'))
                        return 0;
                    do {
                        if (!json_key(&c, key, sizeof key))
                            return 0;
                        if (strcmp(key, "address") == 0)
                            an = json_string(&c, b->json[0], sizeof b->json[0]);
                        else if (strcmp(key, "delay_reason") == 0)
                            rn = json_string(&c, b->json[1], sizeof b->json[1]);
                        else if (!json_skip(&c))
                            return 0;
                        if ((strcmp(key, "address") == 0 && an < 0) ||
                            (strcmp(key, "delay_reason") == 0 && rn < 0))
                            return 0;
                    } while (json_lit(&c, ','));
                    if (!json_lit(&c, '}') || an < 0)
                        return 0;
                    if (pass == 1 && rn >= 0) {
                        struct bounce_event e = *msg;
                        e.status = BOUNCE_DEFERRED;
                        e.line = line_no;
                        e.rcpt = b->json[0];
                        e.rcpt_len = (size_t)an;
                        postfix_explain(b, &e, b->json[1], b->json[1] + rn, NULL, 0);
                        b->emit(b->ctx, &e);
                    } else if (pass == 1) {
                        b->untried++;
                    }
                } while (json_lit(&c, ','));
                if (!json_lit(&c, ']'))
                    return 0;
            }
        } else if (!json_skip(&c)) {
            return 0;
        }
    } while (json_lit(&c, ','));
    if (!json_lit(&c, '}'))
        return 0;
    json_ws(&c);
    return c.p == c.end && (pass == 1 || msg->status == 1);
}

/* documented in bounce_log.h */
int bounce_postqueue_line(struct bounce_log *b, const char *s, size_t n, uint64_t line_no)
{
    struct bounce_event msg;
    char qid[BOUNCE_QID_CAP];
    size_t i = 0;

    while (i < n && is_blank((unsigned char)s[i]))
        i++;
    if (i == n || s[i] != '{')
        return 0;
    memset(&msg, 0, sizeof msg);
    /* The whole record is checked before any of its recipients is reported. */
    if (!postqueue_record(b, s, n, line_no, 0, &msg, qid, sizeof qid)) {
        b->json_bad++;
        return 1;
    }
    msg.status = 0;
    (void)postqueue_record(b, s, n, line_no, 1, &msg, qid, sizeof qid);
    return 1;
}

/* ------------------------------------------------------------------------ */
/* Inbound rejects. Postfix smtpd: "NOQUEUE: reject: RCPT from               */
/* name[addr]: 550 5.1.1 <a@b>: Recipient address rejected: ...;             */
/* from=<s> to=<a@b> proto=ESMTP helo=<h>" (a queue ID instead of NOQUEUE    */
/* after the data). Exim: "H=(helo) [addr] F=<s> rejected RCPT <a@b>: why".  */

static int postfix_reject(struct bounce_log *b, const char *s, size_t n, uint64_t line_no)
{
    const char *end = s + n, *r = find(s, n, ": reject: "), *q, *w, *from, *colon, *semi, *p;
    struct bounce_event e;

    if (r == NULL)
        return 0;
    /* The token before is NOQUEUE or a queue ID, itself after ": ". */
    for (q = r; q > s && is_name_char((unsigned char)q[-1]); q--)
        ;
    if (q == r || q - s < 2 || q[-1] != ' ' || q[-2] != ':')
        return 0;
    memset(&e, 0, sizeof e);
    (void)bounce_time_parse(s, n, &e.time);
    if (!(r - q == 7 && memcmp(q, "NOQUEUE", 7) == 0))
        set_queue(b, &e, q, (size_t)(r - q));
    w = r + 10;
    from = find(w, (size_t)(end - w), " from ");
    if (from == NULL)
        return 0;
    e.command = command_of(w, (size_t)(from - w));
    if (from - w == 14 && memcmp(w, "END-OF-MESSAGE", 14) == 0)
        e.command = smtpreply_command_parse("DATA_END", 8);
    from += 6;
    colon = find(from, (size_t)(end - from), ": ");
    if (colon == NULL)
        return 0;
    e.relay = from;
    e.relay_len = (size_t)(colon - from);
    p = colon + 2;
    semi = find_outside(p, end, "; from=<");
    if (semi == NULL)
        return 0;
    /* The envelope after the reply: from=<s> to=<r> proto=... helo=<h>. */
    for (w = semi + 2; w < end;) {
        size_t nl = field_name(w, end);
        const char *v, *ve;
        if (nl == 0)
            break;
        v = w + nl + 1;
        if (v < end && *v == '<') {
            ve = bounce_addr_end(v + 1, end, ">");
            if (ve >= end)
                return 0;
            if (name_is(w, nl, "from"))
                set_sender(&e, v + 1, (size_t)(ve - v - 1));
            else if (name_is(w, nl, "to")) {
                e.rcpt = v + 1;
                e.rcpt_len = (size_t)(ve - v - 1);
            }
            ve++;
        } else {
            ve = memchr(v, ' ', (size_t)(end - v));
            if (ve == NULL)
                ve = end;
        }
        w = ve < end ? ve + 1 : end;
    }
    e.status = BOUNCE_REJECTED;
    e.line = line_no;
    if (!take_reply(b, &e, p, (size_t)(semi - p), NULL, 0))
        take_text(b, &e, p, (size_t)(semi - p), NULL, 0);
    b->emit(b->ctx, &e);
    return 1;
}

static int exim_reject(struct bounce_log *b, const char *s, size_t n, uint64_t line_no)
{
    const char *end = s + n, *r, *a, *z, *f, *m;
    struct bounce_event e;

    if (find(s, n, " rejected RCPT ") == NULL)
        return 0;                 /* the quick look, before the careful one */
    r = find_outside(s, end, " rejected RCPT ");
    if (r == NULL)
        return 0;
    memset(&e, 0, sizeof e);
    if (bounce_time_parse(s, n, &e.time) == 0)
        return 0;                 /* Exim's main log always starts with its time */
    a = r + 15;
    if (a < end && *a == '<') {
        z = bounce_addr_end(a + 1, end, ">");
        if (z >= end)
            return 0;
        e.rcpt = a + 1;
        e.rcpt_len = (size_t)(z - a - 1);
        z++;
    } else {
        z = bounce_addr_end(a, end, ": ");
        e.rcpt = a;
        e.rcpt_len = (size_t)(z - a);
    }
    m = z;
    if (m < end && *m == ':')
        m++;
    while (m < end && *m == ' ')
        m++;
    f = find_outside(s, r, " F=<");
    if (f != NULL) {
        const char *fe = bounce_addr_end(f + 4, r, ">");
        if (fe < r)
            set_sender(&e, f + 4, (size_t)(fe - f - 4));
    }
    exim_fields(&e, s, f != NULL ? f : r, f != NULL ? f : r);
    e.has_delay = 0;
    e.status = BOUNCE_REJECTED;
    e.command = SMTPREPLY_CMD_RCPT;
    e.line = line_no;
    take_text(b, &e, m, (size_t)(end - m), NULL, 0);
    b->emit(b->ctx, &e);
    return 1;
}

/* documented in bounce_log.h */
int bounce_reject_line(struct bounce_log *b, const char *s, size_t n, uint64_t line_no)
{
    return postfix_reject(b, s, n, line_no) || exim_reject(b, s, n, line_no);
}

/* Postfix's "QID: removed": the message left the queue; forget its sender. */
static int postfix_removed(struct bounce_log *b, const char *s, size_t n)
{
    const char *q, *e = s + n - 9;

    if (n < 12 || memcmp(e, ": removed", 9) != 0)
        return 0;
    for (q = e; q > s && is_name_char((unsigned char)q[-1]); q--)
        ;
    if (q == e || q - s < 2 || q[-1] != ' ' || q[-2] != ':')
        return 0;
    sender_forget(b, q, (size_t)(e - q));
    return 1;
}

/* ------------------------------------------------------------------------ */
/* One line of input, any format.                                            */

static const char *const status_names[BOUNCE_STATUS_COUNT] = {
    "sent", "deferred", "bounced", "expired", "rejected"
};

/* documented in bounce_log.h */
const char *bounce_status_name(int status)
{
    return status >= 0 && status < BOUNCE_STATUS_COUNT ? status_names[status] : "unknown";
}

/* documented in bounce_log.h */
void bounce_log_init(struct bounce_log *b, bounce_emit_fn emit, void *ctx)
{
    memset(b, 0, sizeof *b);
    b->emit = emit;
    b->ctx = ctx;
}

/* Is the line a Postfix reject by its structure: ": reject: " before the first
 * '<' and the first '"'? In a delivery line the same words could only stand
 * inside an address (in <>, or quoted: Exim writes addresses without <>) or the
 * reply's text, which come after one of them. */
static int reject_by_structure(const char *s, size_t n)
{
    const char *r = find(s, n, ": reject: ");

    return r != NULL && before_address(s, n, r);
}

/* documented in bounce_log.h */
void bounce_log_line(struct bounce_log *b, const char *s, size_t n, uint64_t line_no)
{
    struct bounce_dsn *d = &b->d;

    if (n > 0 && s[n - 1] == '\r')
        n--;
    if (n == 0) {
        dsn_flush(b);
        if (d->in_report)
            dsn_para_done(d);
        d->last = F_NONE;
        return;
    }
    if (dsn_line(b, s, n, line_no))
        return;
    if (n >= 2 && s[0] == '-' && s[1] == '-') {
        dsn_flush(b);               /* a MIME boundary ends a block too */
        return;
    }
    /* In a DSN message, a line is the message's text: what a server said there
     * may look like a log line, and is not one. */
    if (!d->in_message && reject_by_structure(s, n) && bounce_reject_line(b, s, n, line_no))
        return;
    if (!d->in_message &&
        (bounce_postfix_line(b, s, n, line_no) || bounce_opensmtpd_line(b, s, n, line_no) ||
         bounce_sendmail_line(b, s, n, line_no) || bounce_exim_line(b, s, n, line_no) ||
         bounce_postqueue_line(b, s, n, line_no) || bounce_reject_line(b, s, n, line_no) ||
         postfix_removed(b, s, n)))
        return;
    if (starts_ci(s, n, "content-type:") && find_ci(s, n, "multipart/report") != NULL) {
        d->in_message = 1;
        d->in_report = 1;           /* a new bounce message: forget the last one's commands */
        dsn_new_message(d);
        d->para_len = 0;
        d->transcript_cmd = SMTPREPLY_CMD_UNKNOWN;
        memset(d->cmds, 0, sizeof d->cmds);
        return;
    }
    if (d->in_report && !transcript_line(d, s, n))
        dsn_para_line(d, s, n);
}

/* documented in bounce_log.h */
void bounce_log_end(struct bounce_log *b)
{
    bounce_log_line(b, "", 0, 0);   /* ends a DSN block left open */
    memset(&b->d, 0, sizeof b->d);
}
