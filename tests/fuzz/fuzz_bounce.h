/* SPDX-License-Identifier: MIT */
/*
 * Shared body of the smtp-bounces fuzz targets, one per log format
 * (fuzz_bounce_postfix.c, _sendmail, _opensmtpd, _exim, _dsn define
 * BOUNCE_FORMAT and include this file). They run examples/bounce_log.c, the
 * code smtp-bounces itself runs.
 *
 * Byte 0 picks the mode. Bit 7 set: "raw", the rest is lines of any bytes fed
 * to the format's line parser and to the dispatcher smtp-bounces uses; every
 * event must be well formed (status and command in range, a code of 200-599
 * whose class agrees with the enhanced code, every pointer inside the line or
 * the parser's own buffers). Bit 7 clear: "template", the oracle that no field
 * comes from inside an address. The fuzzer's bytes become an address's local
 * part, quoted as RFC 5321 4.1.2 and the MTAs write it (Dot-string when it is
 * one, else a Quoted-string with '"' and '\' escaped), and the text of the
 * server's reply; they are put into a true log line of this format whose
 * status and reply are fixed by bits 0-1 (sent, deferred, bounced); with bit
 * 3 set (Postfix, Exim) the line is an inbound reject naming the address in
 * its reply, as its recipient and, with bit 2, as its sender. Whatever
 * the address and text hold ("status=", ", stat=", "result=", ": 550 ...",
 * quotes, brackets), the events must be exactly the true ones, with the
 * recipient whole.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bounce_log.h"
#include "smtpreply.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);  /* for -Wmissing-prototypes */

#define FMT_POSTFIX 1
#define FMT_SENDMAIL 2
#define FMT_OPENSMTPD 3
#define FMT_EXIM 4
#define FMT_DSN 5

#define LOCAL_MAX 100          /* local part bytes taken from the input */
#define TEXT_MAX 400           /* reply text bytes taken from the input */
#define MAX_EVENTS 8

static void die(const char *what)
{
    fprintf(stderr, "fuzz_bounce (format %d): %s\n", BOUNCE_FORMAT, what);
    abort();
}

#define CHECK(cond) do { if (!(cond)) die("check failed: " #cond); } while (0)

struct seen_event {
    char rcpt[2048];
    size_t rcpt_len;
    int has_rcpt, status, command;
    unsigned code;
    struct smtpreply_enhanced enh;
};

static struct {
    struct bounce_log *b;
    const char *line;          /* the line being parsed (raw mode), or NULL */
    size_t line_len;
    int n;
    struct seen_event ev[MAX_EVENTS];
} seen;

/* [p, p + n) inside [base, base + cap). */
static int within(const char *p, size_t n, const char *base, size_t cap)
{
    return p >= base && n <= cap && (size_t)(p - base) <= cap - n;
}

static void collect(void *ctx, const struct bounce_event *e)
{
    struct seen_event *s;

    (void)ctx;
    CHECK(e->status >= 0 && e->status < BOUNCE_STATUS_COUNT);
    CHECK(e->command >= 0 && e->command < SMTPREPLY_CMD_COUNT);
    CHECK(e->code == 0 || (e->code >= 200 && e->code <= 599));
    CHECK(e->enh.klass == 0 || e->enh.klass == 2 || e->enh.klass == 4 || e->enh.klass == 5);
    CHECK(e->code == 0 || e->enh.klass == 0 || e->enh.klass == e->code / 100);
    CHECK(e->text != NULL && within(e->text, e->text_len, seen.b->text, sizeof seen.b->text));
    if (e->rcpt != NULL)
        CHECK(within(e->rcpt, e->rcpt_len, seen.b->d.rcpt, sizeof seen.b->d.rcpt)
              || within(e->rcpt, e->rcpt_len, seen.b->json[0], sizeof seen.b->json[0])
              || (seen.line != NULL && within(e->rcpt, e->rcpt_len, seen.line, seen.line_len)));
    /* The other fields: inside the line, the sender table or the decoded record. */
    if (e->sender != NULL)
        CHECK((seen.line != NULL && within(e->sender, e->sender_len, seen.line, seen.line_len))
              || within(e->sender, e->sender_len, (const char *)seen.b->senders,
                        sizeof seen.b->senders)
              || within(e->sender, e->sender_len, seen.b->json[2], sizeof seen.b->json[2])
              || within(e->sender, e->sender_len, seen.b->d.sender, sizeof seen.b->d.sender)
              || (e->sender_len == 2 && memcmp(e->sender, "<>", 2) == 0));
    if (e->relay != NULL)
        CHECK((seen.line != NULL && within(e->relay, e->relay_len, seen.line, seen.line_len))
              || within(e->relay, e->relay_len, seen.b->d.relay, sizeof seen.b->d.relay));
    CHECK(!e->time.set || (e->time.mon >= 1 && e->time.mon <= 12 && e->time.mday >= 1 &&
                           e->time.mday <= 31 && e->time.hour < 24 && e->time.min < 60 &&
                           e->time.sec <= 60));
    if (seen.n == MAX_EVENTS)
        return;
    s = &seen.ev[seen.n++];
    s->has_rcpt = e->rcpt != NULL;
    s->rcpt_len = e->rcpt != NULL && e->rcpt_len < sizeof s->rcpt ? e->rcpt_len : 0;
    if (s->rcpt_len > 0)
        memcpy(s->rcpt, e->rcpt, s->rcpt_len);
    s->status = e->status;
    s->command = e->command;
    s->code = e->code;
    s->enh = e->enh;
}

/* ---- raw mode --------------------------------------------------------- */

#if BOUNCE_FORMAT != FMT_DSN
static int format_line(struct bounce_log *b, const char *s, size_t n)
{
#if BOUNCE_FORMAT == FMT_POSTFIX
    return bounce_postfix_line(b, s, n, 1);
#elif BOUNCE_FORMAT == FMT_SENDMAIL
    return bounce_sendmail_line(b, s, n, 1);
#elif BOUNCE_FORMAT == FMT_OPENSMTPD
    return bounce_opensmtpd_line(b, s, n, 1);
#else
    return bounce_exim_line(b, s, n, 1);
#endif
}
#endif

static void raw_mode(struct bounce_log *b, const char *p, size_t n)
{
    size_t at = 0;

    while (at <= n) {
        const char *nl = memchr(p + at, '\n', n - at);
        size_t len = nl != NULL ? (size_t)(nl - (p + at)) : n - at;
        /* An exact-size copy, so a read past the line is a sanitizer report. */
        char *line = malloc(len ? len : 1);

        if (line == NULL)
            die("out of memory");
        memcpy(line, p + at, len);
        seen.line = line;
        seen.line_len = len;
#if BOUNCE_FORMAT != FMT_DSN
        seen.n = 0;
        (void)format_line(b, line, len);
#endif
        seen.n = 0;
        bounce_log_line(b, line, len, 1);
        seen.line = NULL;
        free(line);
        at += len + 1;
    }
    bounce_log_end(b);
}

/* ---- template mode ---------------------------------------------------- */

static char out[8192];
static size_t out_len;

static void put(const char *s, size_t n)
{
    if (n > sizeof out - out_len)
        die("template buffer too small");
    memcpy(out + out_len, s, n);
    out_len += n;
}

static void puts_(const char *s)
{
    put(s, strlen(s));
}

static int is_atext(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
           || c >= 0x80 || (c != 0 && strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL);
}

/* RFC 5321 Dot-string: atoms of atext joined by single dots. */
static int is_dot_string(const unsigned char *s, size_t n)
{
    size_t i;

    if (n == 0 || s[0] == '.' || s[n - 1] == '.')
        return 0;
    for (i = 0; i < n; i++)
        if (!(is_atext(s[i]) || (s[i] == '.' && s[i - 1] != '.')))
            return 0;
    return 1;
}

/* The address as an MTA logs it, into addr; returns its length. */
static size_t quote_address(const unsigned char *local, size_t n, char *addr, size_t cap)
{
    size_t o = 0, i;

    if (2 * n + 18 > cap)
        die("address buffer too small");
    if (is_dot_string(local, n)) {
        memcpy(addr, local, n);
        o = n;
    } else {
        addr[o++] = '"';
        for (i = 0; i < n; i++) {
            if (local[i] == '"' || local[i] == '\\')
                addr[o++] = '\\';
            addr[o++] = (char)local[i];
        }
        addr[o++] = '"';
    }
    memcpy(addr + o, "@victim.example", 15);
    return o + 15;
}

struct truth {
    int status;
    unsigned code;
    int command;               /* -1: not checked */
};

static void expect(const struct truth *t, int nev, const char *addr, size_t alen,
                   const char *addr2)
{
    int i;

    if (seen.n != nev) {
        fprintf(stderr, "events %d, want %d; line:\n%.*s\n", seen.n, nev, (int)out_len, out);
        die("wrong number of events");
    }
    for (i = 0; i < nev; i++) {
        const struct seen_event *s = &seen.ev[i];
        const char *want = i == 0 ? addr : addr2;
        size_t wlen = i == 0 ? alen : strlen(addr2);

        if (s->status != t->status || s->code != t->code
            || (t->command >= 0 && s->command != t->command) || !s->has_rcpt
            || s->rcpt_len != wlen || memcmp(s->rcpt, want, wlen) != 0) {
            fprintf(stderr, "event %d: status %d code %u command %d recipient %.*s\n"
                    "want status %d code %u command %d recipient %.*s\nline:\n%.*s\n", i,
                    s->status, s->code, s->command, (int)s->rcpt_len, s->rcpt, t->status,
                    t->code, t->command, (int)wlen, want, (int)out_len, out);
            die("a field came from inside an address or the text");
        }
    }
}

static void template_mode(struct bounce_log *b, const uint8_t *data, size_t size)
{
    static const unsigned codes[3] = { 250, 451, 550 };
    static const char *const enh[3] = { "2.0.0", "4.7.1", "5.1.1" };
    static const int status[3] = { BOUNCE_SENT, BOUNCE_DEFERRED, BOUNCE_BOUNCED };
    char addr[4 * LOCAL_MAX + 32], code[8], text[TEXT_MAX];
    unsigned char local[LOCAL_MAX];
    size_t llen, tlen = 0, alen, i;
    int sel = data[0] & 3, flag = (data[0] >> 2) & 1, nev = 1;
    /* bit 3: an inbound reject line (Postfix, Exim) */
    int reject = (BOUNCE_FORMAT == FMT_POSTFIX || BOUNCE_FORMAT == FMT_EXIM) && (data[0] & 8);
    struct truth t;
    const char *p, *e;

    if (sel == 3)
        sel = 2;
    llen = size > 1 ? data[1] % (LOCAL_MAX + 1) : 0;
    if (llen > size - 2)
        llen = size > 2 ? size - 2 : 0;
    for (i = 0; i < llen; i++) {
        unsigned char c = data[2 + i];
        /* A log line holds no line break; MTAs log other controls as '?'. */
        local[i] = c < 0x20 || c == 0x7F ? '?' : c;
    }
    for (i = 2 + llen; i < size && tlen < TEXT_MAX; i++)
        text[tlen++] = data[i] == '\n' || data[i] == '\r' || data[i] == 0 ? ' ' : (char)data[i];
    alen = quote_address(local, llen, addr, sizeof addr);
    addr[alen] = '\0';
    snprintf(code, sizeof code, "%u", codes[sel]);
    t.status = status[sel];
    t.code = codes[sel];
    t.command = -1;
    out_len = 0;

#if BOUNCE_FORMAT == FMT_POSTFIX || BOUNCE_FORMAT == FMT_EXIM
    if (reject) {
        /* An inbound reject naming the address, in the reply and as to=. The
         * server's own text holds no unbalanced '<' or '"' of the fuzzer's. */
        for (i = 0; i < tlen; i++)
            if (text[i] == '<' || text[i] == '>' || text[i] == '"')
                text[i] = '?';
        t.status = BOUNCE_REJECTED;
        t.command = SMTPREPLY_CMD_RCPT;
#if BOUNCE_FORMAT == FMT_POSTFIX
        t.code = sel == 1 ? 450 : 550;
        puts_("Nov 27 09:05:12 mail postfix/smtpd[2401]: NOQUEUE: reject: RCPT from "
              "mx.other.example[198.51.100.5]: ");
        puts_(sel == 1 ? "450 4.1.1 <" : "550 5.1.1 <");
        put(addr, alen);
        puts_(">: Recipient address rejected: ");
        put(text, tlen);
        puts_("; from=<");
        put(flag ? addr : "s@other.example", flag ? alen : 15);
        puts_("> to=<");
        put(addr, alen);
        puts_("> proto=ESMTP helo=<mx.other.example>");
#else
        t.code = 0;
        puts_("2026-11-27 10:05:01 H=mx.other.example [198.51.100.5] F=<");
        put(flag ? addr : "s@other.example", flag ? alen : 15);
        puts_("> rejected RCPT <");
        put(addr, alen);
        puts_(">: ");
        put(text, tlen);
#endif
        goto parse;
    }
#endif
#if BOUNCE_FORMAT == FMT_POSTFIX
    puts_("Nov 27 09:00:02 mail postfix/smtp[2301]: 4YbQ1k0Xf2z9vQA: to=<");
    put(addr, alen);
    puts_(">, ");
    if (flag) {
        puts_("orig_to=<");
        put(addr, alen);
        puts_(">, ");
    }
    puts_("relay=mx.victim.example[192.0.2.1]:25, delay=1, delays=0/0/0/1, dsn=");
    puts_(enh[sel]);
    if (sel == 0) {
        puts_(", status=sent (250 2.0.0 Ok: queued as ");
        put(text, tlen);
        puts_(")");
    } else {
        puts_(sel == 1 ? ", status=deferred (" : ", status=bounced (");
        puts_("host mx.victim.example[192.0.2.1] said: ");
        puts_(code);
        puts_(" ");
        puts_(enh[sel]);
        puts_(" ");
        put(text, tlen);
        puts_(" (in reply to RCPT TO command))");
        t.command = SMTPREPLY_CMD_RCPT;
    }
#elif BOUNCE_FORMAT == FMT_SENDMAIL
    puts_("Nov 27 12:00:04 relay sm-mta[5103]: 5ARC01aB005101: to=");
    if (flag) {
        put(addr, alen);                  /* a bare address, then a second one */
        puts_(",<ok@example.org>");
        nev = 2;
    } else {
        puts_("<");
        put(addr, alen);
        puts_(">");
    }
    puts_(", ctladdr=<news@example.org> (1001/1001), delay=00:00:03, xdelay=00:00:01, "
          "mailer=esmtp, pri=151230, relay=mx.victim.example. [192.0.2.26], dsn=");
    puts_(enh[sel]);
    if (sel == 0) {
        puts_(", stat=Sent (Ok ");
        put(text, tlen);
        puts_(")");
        t.code = 0;
    } else if (sel == 1) {
        puts_(", stat=Deferred: 451 4.7.1 ");
        put(text, tlen);
    } else {
        puts_(", stat=User unknown ");
        put(text, tlen);
        t.code = 0;
    }
#elif BOUNCE_FORMAT == FMT_OPENSMTPD
    puts_("Nov 27 13:00:02 mx smtpd[7001]: 4d9a3b02c3e5f702 mta delivery evpid=5e1f0a2b7c3d9e01 "
          "from=<");
    if (flag)
        put(addr, alen);
    else
        puts_("news@example.org");
    puts_("> to=<");
    put(addr, alen);
    puts_("> rcpt=<-> source=\"203.0.113.25\" relay=\"192.0.2.26 (mx.victim.example)\" "
          "delay=2s result=\"");
    puts_(sel == 0 ? "Ok" : sel == 1 ? "TempFail" : "PermFail");
    puts_("\" stat=\"");
    puts_(code);
    puts_(" ");
    puts_(enh[sel]);
    puts_(" ");
    put(text, tlen);
    puts_("\"");
#elif BOUNCE_FORMAT == FMT_EXIM
    puts_("2026-11-27 10:00:02 1wQx3a-000Abc-1Z ");
    puts_(sel == 0 ? "=> " : sel == 1 ? "== " : "** ");
    put(addr, alen);
    if (flag) {
        puts_(" <");
        put(addr, alen);
        puts_(">");
    }
    puts_(" R=dnslookup T=remote_smtp ");
    if (sel == 0) {
        puts_("H=mx.victim.example [192.0.2.1] X=TLS1.3:TLS_AES_256_GCM_SHA384:256 CV=yes "
              "C=\"250 2.0.0 OK ");
        /* Exim writes the reply with string_printing(): '"' and '\' escaped. */
        for (i = 0; i < tlen; i++) {
            if (text[i] == '"' || text[i] == '\\')
                puts_("\\");
            put(text + i, 1);
        }
        puts_("\"");
    } else {
        if (sel == 1)
            puts_("defer (-44) ");
        puts_("H=mx.victim.example [192.0.2.1]: SMTP error from remote mail server after "
              "RCPT TO:<");
        put(addr, alen);
        puts_(">: ");
        puts_(code);
        puts_(" ");
        puts_(enh[sel]);
        puts_(" ");
        put(text, tlen);
        t.command = SMTPREPLY_CMD_RCPT;
    }
#else /* FMT_DSN */
    t.command = SMTPREPLY_CMD_RCPT;
    puts_("Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\n\n"
          "--b\nContent-Type: text/plain\n\n<");
    put(addr, alen);
    puts_(">: host mx.victim.example[192.0.2.1] said: ");
    puts_(code);
    puts_(" ");
    puts_(enh[sel]);
    puts_(" ");
    put(text, tlen);
    puts_(" (in reply to RCPT TO command)\n\n--b\nContent-Type: message/delivery-status\n\n"
          "Reporting-MTA: dns; mail.example.org\n\nFinal-Recipient: rfc822; ");
    put(addr, alen);
    if (flag) {
        puts_("\nOriginal-Recipient: rfc822; ");
        put(addr, alen);
    }
    puts_(sel == 0 ? "\nAction: delivered\nStatus: " : sel == 1 ? "\nAction: delayed\nStatus: "
                                                                : "\nAction: failed\nStatus: ");
    puts_(enh[sel]);
    puts_("\nDiagnostic-Code: smtp; ");
    puts_(code);
    puts_(" ");
    puts_(enh[sel]);
    puts_(" ");
    put(text, tlen);
    puts_("\n\n--b--\n");
#endif

#if BOUNCE_FORMAT == FMT_POSTFIX || BOUNCE_FORMAT == FMT_EXIM
parse:
#endif
    /* The dispatcher, line by line, as smtp-bounces reads a file. */
    seen.n = 0;
    seen.line = NULL;
    for (p = out; p < out + out_len; p = e + 1) {
        e = memchr(p, '\n', (size_t)(out + out_len - p));
        if (e == NULL)
            e = out + out_len;
        seen.line = p;
        seen.line_len = (size_t)(e - p);
        bounce_log_line(b, p, (size_t)(e - p), 1);
    }
    seen.line = NULL;
    bounce_log_end(b);
    expect(&t, nev, addr, alen, "ok@example.org");
#if BOUNCE_FORMAT == FMT_DSN
    (void)reject;
#else
    /* The format's own parser claims the line and agrees. */
    seen.n = 0;
    seen.line = out;
    seen.line_len = out_len;
    if ((reject ? bounce_reject_line(b, out, out_len, 1) : format_line(b, out, out_len)) != 1)
        die("the format's parser did not take its own line");
    seen.line = NULL;
    expect(&t, nev, addr, alen, "ok@example.org");
#endif
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct bounce_log b;

    bounce_log_init(&b, collect, NULL);
    seen.b = &b;
    if (size == 0)
        return 0;
    if (data[0] & 0x80)
        raw_mode(&b, (const char *)data + 1, size - 1);
    else
        template_mode(&b, data, size);
    return 0;
}
