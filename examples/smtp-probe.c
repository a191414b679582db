/* SPDX-License-Identifier: MIT */
/*
 * smtp-probe: talk to a real SMTP server and show every reply parsed,
 * classified and explained.
 *
 *   smtp-probe [--json] [--auth USER:PASS] [--from ADDR] [--to ADDR]...
 *              [--data] [--timeout SECS] [--starttls|--no-starttls] HOST [PORT]
 *
 * The session: greeting, EHLO (HELO when EHLO is refused), STARTTLS when
 * offered and built with OpenSSL, optional AUTH (PLAIN, or LOGIN when only that
 * is offered), an optional test transaction (MAIL, one RCPT per --to, DATA
 * only with --data, then RSET) and QUIT. With PIPELINING, MAIL and the RCPTs
 * go out in one write and the replies are matched to them in order.
 *
 * Exit status: 0 the session completed, 1 the server refused something,
 * 2 usage or connection error.
 *
 * Uses only the public header, as an outside program would.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "smtpreply.h"

#include "json_out.h"

#ifdef HAVE_OPENSSL
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#endif

#define MAX_RCPTS 100
#define MAX_ARG 1000        /* RFC 5321 4.5.3.1.4: a command line is at most 512 octets */

enum exit_code { EXIT_DONE = 0, EXIT_REFUSED = 1, EXIT_USAGE = 2 };

struct options {
    int json;
    int data;
    int starttls;            /* 1 required, 0 when offered, -1 never */
    long timeout;            /* seconds */
    unsigned long data_size; /* bytes of the test message; 0 = small default */
    unsigned long mail_size; /* SIZE= on MAIL; 0 = none */
    const char *auth;
    const char *from;
    const char *to[MAX_RCPTS];
    size_t nto;
    const char *helo;
    const char *lang;
    const char *record;
    const char *host;
    const char *port;
};

struct conn {
    int fd;
    int timeout_ms;
#ifdef HAVE_OPENSSL
    SSL_CTX *ctx;
    SSL *ssl;
#endif
    FILE *record;
    char in[16384];
    size_t in_len, in_off;
    struct smtpreply_parser parser;
    char text[65536];
};

/* What the session learned and how it went. */
struct session {
    const struct options *opt;
    struct conn c;
    struct smtpreply_ehlo caps;
    int have_caps;
    int refused;           /* some command was refused: exit 1 */
    int broken;            /* connection error or timeout: exit 2 */
    int closed;            /* the server closed the connection */
    int tls;               /* TLS is active */
    int tls_hint_shown;
    int colour;
    char helo[256];
};

/* ---- output helpers -------------------------------------------------- */

static const char *col(const struct session *s, const char *code)
{
    return s->colour ? code : "";
}

#define C_RESET "\033[0m"
#define C_DIM "\033[2m"
#define C_BOLD "\033[1m"
#define C_GREEN "\033[32m"
#define C_YELLOW "\033[33m"
#define C_RED "\033[31m"
#define C_CYAN "\033[36m"

/* Notes for people: on stdout in the readable view, on stderr with --json. */
static void note(const struct session *s, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
static void note(const struct session *s, const char *fmt, ...)
{
    FILE *f = s->opt->json ? stderr : stdout;
    va_list ap;

    fputs(s->opt->json ? "smtp-probe: " : "   ", f);
    fputs(s->opt->json ? "" : col(s, C_CYAN), f);
    if (!s->opt->json)
        fputs("note       ", f);
    va_start(ap, fmt);
    vfprintf(f, fmt, ap);
    va_end(ap);
    fputs(s->opt->json ? "" : col(s, C_RESET), f);
    fputc('\n', f);
    fflush(f);
}

static void fail(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;
static void fail(const char *fmt, ...)
{
    va_list ap;

    fflush(stdout);
    fputs("smtp-probe: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

/* The command as shown; shown commands never hold an AUTH secret. */
static void show_command(const struct session *s, const char *shown)
{
    if (s->opt->json)
        return;
    printf("%sC:%s %s%s%s\n", col(s, C_DIM), col(s, C_RESET), col(s, C_BOLD), shown,
           col(s, C_RESET));
    fflush(stdout);
}

static void json_capabilities(const struct smtpreply_reply *r, const struct smtpreply_ehlo *e)
{
    struct smtpreply_ehlo_keyword kw;
    size_t pos = 0, i;
    int first = 1;
    uint32_t bit;

    fputs(",\"capabilities\":{\"server\":", stdout);
    json_text(stdout, e->server_name, e->server_name_len);
    fputs(",\"extensions\":[", stdout);
    for (i = 0; i < 32; i++) {
        bit = (uint32_t)1u << i;
        if (e->extensions & bit) {
            printf("%s", first ? "" : ",");
            json_cstring(stdout, smtpreply_extension_name(bit));
            first = 0;
        }
    }
    fputs("],\"auth\":[", stdout);
    first = 1;
    for (i = 0; i < 32; i++) {
        bit = (uint32_t)1u << i;
        if (e->auth & bit) {
            printf("%s", first ? "" : ",");
            json_cstring(stdout, smtpreply_auth_mech_name(bit));
            first = 0;
        }
    }
    printf("],\"size\":%llu,\"keywords\":[", (unsigned long long)e->size_max);
    first = 1;
    while (smtpreply_ehlo_next(r, &pos, &kw)) {
        printf("%s", first ? "" : ",");
        json_text(stdout, kw.keyword, kw.keyword_len);
        first = 0;
    }
    fputs("]}", stdout);
}

/* Every set bit, by the library's own names. */
static void put_flags(FILE *f, uint32_t flags, const char *(*name)(uint32_t),
                      const char *quote, const char *sep, int *first)
{
    uint32_t bit;

    for (bit = 1; bit; bit <<= 1) {
        if (flags & bit) {
            fprintf(f, "%s%s%s%s", *first ? "" : sep, quote, name(bit), quote);
            *first = 0;
        }
    }
}

/* The smtp-parse object (DESIGN.md 5), with "command" being the line sent. */
static void print_json(const char *shown, const struct smtpreply_reply *r,
                       const struct smtpreply_verdict *v, const struct smtpreply_ehlo *caps)
{
    static const char *const encodings[] = { "ascii", "utf8", "other" };
    int first = 1;

    printf("{\"offset\":%llu,\"code\":%u,\"enhanced\":", (unsigned long long)r->offset,
           (unsigned)r->code);
    if (r->enhanced_text[0] != '\0')
        json_cstring(stdout, r->enhanced_text);
    else
        fputs("null", stdout);
    putchar(',');
    json_reply_lines(stdout, r);
    printf(",\"severity\":\"%s\",\"category\":\"%s\",\"reason\":\"%s\",\"bounce\":\"%s\","
           "\"retry\":\"%s\",\"confidence\":\"%s\",\"evidence\":\"%s\",\"rule\":",
           smtpreply_severity_name(v->severity), smtpreply_category_name(v->category),
           smtpreply_reason_name(v->reason), smtpreply_bounce_name(v->bounce),
           smtpreply_retry_name(v->retry),
           smtpreply_confidence_name(smtpreply_verdict_confidence(v)),
           smtpreply_evidence_name(v->evidence));
    json_cstring(stdout, v->rule);
    fputs(",\"command\":", stdout);
    json_cstring(stdout, shown);
    printf(",\"encoding\":\"%s\",\"flags\":[", encodings[r->encoding <= 2 ? r->encoding : 2]);
    first = 1;
    put_flags(stdout, r->flags, smtpreply_flag_name, "\"", ",",
              &first);
    put_flags(stdout, v->flags, smtpreply_verdict_flag_name, "\"", ",", &first);
    fputc(']', stdout);
    if (caps != NULL)
        json_capabilities(r, caps);
    fputs("}\n", stdout);
    fflush(stdout);
}

/* Long catalog sentences, wrapped under the value column of the readable view. */
static void put_wrapped(const char *text)
{
    const size_t width = 86;
    size_t col = 0;

    while (*text != '\0') {
        size_t word = strcspn(text, " "), cols = 0, i;

        for (i = 0; i < word; i++)        /* columns: UTF-8 continuation bytes take none */
            cols += ((unsigned char)text[i] & 0xC0) != 0x80;
        if (col > 0 && col + 1 + cols > width) {
            printf("\n%14s", "");
            col = 0;
        } else if (col > 0) {
            fputc(' ', stdout);
            col++;
        }
        fwrite(text, 1, word, stdout);
        col += cols;
        text += word;
        while (*text == ' ')
            text++;
    }
    fputc('\n', stdout);
}

/* Label column for the readable view. */
static void label(const struct session *s, const char *name)
{
    printf("   %s%-10s%s ", col(s, C_DIM), name, col(s, C_RESET));
}

static void print_human(const struct session *s, const struct smtpreply_reply *r,
                        const struct smtpreply_verdict *v)
{
    const char *code_col = r->code < 400 ? C_GREEN : r->code < 500 ? C_YELLOW : C_RED;
    int first = 1;
    size_t pos = 0, n;
    const char *t;

    while (smtpreply_reply_line(r, &pos, &t, &n)) {
        if (first)
            printf("%sS:%s %s%u%s %-6s ", col(s, C_DIM), col(s, C_RESET), col(s, code_col),
                   (unsigned)r->code, col(s, C_RESET), r->enhanced_text);
        else
            printf("%14s", "");
        term_text(stdout, t, n);
        fputc('\n', stdout);
        first = 0;
    }
    if (r->flags != 0 || v->flags != 0) {
        int none = 1;

        label(s, "flags");
        put_flags(stdout, r->flags, smtpreply_flag_name, "", " ",
                  &none);
        put_flags(stdout, v->flags, smtpreply_verdict_flag_name, "", " ", &none);
        fputc('\n', stdout);
    }
    if (r->code >= 400) {
        struct smtpreply_code_info info;
        struct smtpreply_enhanced_info einfo;

        label(s, "verdict");
        printf("%s%s%s, %s\n", col(s, code_col), smtpreply_severity_name(v->severity),
               col(s, C_RESET), smtpreply_category_name(v->category));
        label(s, "reason");
        printf("%s%s%s (bounce %s, retry %s, confidence %s; decided by %s: %s)\n", col(s, C_BOLD),
               smtpreply_reason_name(v->reason), col(s, C_RESET), smtpreply_bounce_name(v->bounce),
               smtpreply_retry_name(v->retry),
               smtpreply_confidence_name(smtpreply_verdict_confidence(v)),
               smtpreply_evidence_name(v->evidence), v->rule);
        label(s, "why");
        put_wrapped(smtpreply_reason_describe(v->reason, s->opt->lang));
        if (smtpreply_explain_code(r->code, s->opt->lang, &info) == SMTPREPLY_OK) {
            label(s, "meaning");
            printf("%u %s", (unsigned)r->code, info.title);
            if (r->enhanced.klass != 0
                && smtpreply_explain_enhanced(&r->enhanced, s->opt->lang, &einfo) == SMTPREPLY_OK)
                printf("; %s %s", r->enhanced_text, einfo.title);
            fputc('\n', stdout);
            label(s, "fix");
            put_wrapped(info.fix);
        }
    }
    if (v->flags & SMTPREPLY_VERDICT_UNEXPECTED) {
        label(s, "unexpected");
        printf("%u is not a documented reply to %s\n", (unsigned)r->code,
               smtpreply_command_name(v->command));
    }
    fflush(stdout);
}

static void print_caps(const struct session *s, const struct smtpreply_reply *r,
                       const struct smtpreply_ehlo *e)
{
    struct smtpreply_ehlo_keyword kw;
    size_t pos = 0, i;
    int any = 0;
    uint32_t bit;

    label(s, "server");
    term_text(stdout, e->server_name, e->server_name_len);
    if (e->greeting_len > 0) {
        fputs(" (", stdout);
        term_text(stdout, e->greeting, e->greeting_len);
        fputc(')', stdout);
    }
    fputc('\n', stdout);
    label(s, "extensions");
    for (i = 0; i < 32; i++) {
        bit = (uint32_t)1u << i;
        if (!(e->extensions & bit) || bit == SMTPREPLY_EXT_AUTH_LEGACY)
            continue;
        printf("%s%s", any ? " " : "", smtpreply_extension_name(bit));
        if (bit == SMTPREPLY_EXT_SIZE && e->size_max > 0)
            printf("=%llu", (unsigned long long)e->size_max);
        if (bit == SMTPREPLY_EXT_DELIVERBY && e->deliverby_min > 0)
            printf("=%llus", (unsigned long long)e->deliverby_min);
        any = 1;
    }
    printf("%s\n", any ? "" : "(none)");
    if (e->extensions & SMTPREPLY_EXT_AUTH) {
        label(s, "auth");
        any = 0;
        for (i = 0; i < 32; i++) {
            bit = (uint32_t)1u << i;
            if (e->auth & bit) {
                printf("%s%s", any ? " " : "", smtpreply_auth_mech_name(bit));
                any = 1;
            }
        }
        printf("%s%s\n", any ? "" : "(no mechanisms listed)",
               (e->extensions & SMTPREPLY_EXT_AUTH_LEGACY) ? " (also the old AUTH= form)" : "");
    }
    if (e->extensions & SMTPREPLY_EXT_LIMITS) {
        label(s, "limits");
        printf("RCPTMAX %lu, MAILMAX %lu, RCPTDOMAINMAX %lu (0: not given)\n",
               (unsigned long)e->limits_rcptmax, (unsigned long)e->limits_mailmax,
               (unsigned long)e->limits_rcptdomainmax);
    }
    any = 0;
    while (smtpreply_ehlo_next(r, &pos, &kw)) {
        if (kw.extension != 0)
            continue;
        if (!any)
            label(s, "other");
        printf("%s", any ? " " : "");
        term_text(stdout, kw.keyword, kw.keyword_len);
        any = 1;
    }
    if (any)
        fputc('\n', stdout);
    fflush(stdout);
}

/* ---- the connection ------------------------------------------------- */

static int set_blocking(int fd, int blocking)
{
    int fl = fcntl(fd, F_GETFL);

    if (fl < 0)
        return -1;
    fl = blocking ? (fl & ~O_NONBLOCK) : (fl | O_NONBLOCK);
    return fcntl(fd, F_SETFL, fl);
}

static void addr_text(const struct sockaddr *sa, char *buf, size_t cap)
{
    const void *a = sa->sa_family == AF_INET6
                        ? (const void *)&((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr
                        : (const void *)&((const struct sockaddr_in *)(const void *)sa)->sin_addr;

    if (inet_ntop(sa->sa_family, a, buf, (socklen_t)cap) == NULL)
        snprintf(buf, cap, "?");
}

/* Connect to the first address that answers within the timeout. */
static int open_connection(struct session *s)
{
    struct addrinfo hints, *res = NULL, *ai;
    int rc, fd = -1;

    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_ADDRCONFIG;
    rc = getaddrinfo(s->opt->host, s->opt->port, &hints, &res);
    if (rc != 0) {
        fail("cannot resolve %s port %s: %s", s->opt->host, s->opt->port, gai_strerror(rc));
        return -1;
    }
    for (ai = res; ai != NULL; ai = ai->ai_next) {
        char addr[64];
        struct pollfd pfd;
        int err = 0;
        socklen_t len = sizeof err;

        addr_text(ai->ai_addr, addr, sizeof addr);
        fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
        if (fd < 0)
            continue;
        set_blocking(fd, 0);
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0 && errno != EINPROGRESS) {
            err = errno;
        } else {
            pfd.fd = fd;
            pfd.events = POLLOUT;
            rc = poll(&pfd, 1, s->c.timeout_ms);
            if (rc == 0)
                err = ETIMEDOUT;
            else if (rc < 0)
                err = errno;
            else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
                err = errno;
        }
        if (err == 0) {
            struct timeval tv;

            set_blocking(fd, 1);
            /* A backstop for reads inside a TLS record; poll() is the main timeout. */
            tv.tv_sec = s->opt->timeout;
            tv.tv_usec = 0;
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
            setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
            if (!s->opt->json)
                printf("%s-- connected to %s port %s%s\n", col(s, C_DIM), addr, s->opt->port,
                       col(s, C_RESET));
            break;
        }
        fail("connect to %s port %s: %s", addr, s->opt->port, strerror(err));
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    s->c.fd = fd;
    return fd < 0 ? -1 : 0;
}

/* Read some bytes: > 0 read, 0 end of stream, -1 error or timeout (reported). */
static long conn_read(struct session *s, char *buf, size_t cap)
{
    struct conn *c = &s->c;
    struct pollfd pfd;
    int rc;
    long n;

#ifdef HAVE_OPENSSL
    if (c->ssl != NULL && SSL_pending(c->ssl) > 0)
        goto read_now;
#endif
    pfd.fd = c->fd;
    pfd.events = POLLIN;
    do
        rc = poll(&pfd, 1, c->timeout_ms);
    while (rc < 0 && errno == EINTR);
    if (rc == 0) {
        fail("timed out after %ld s waiting for the server", s->opt->timeout);
        return -1;
    }
    if (rc < 0) {
        fail("poll: %s", strerror(errno));
        return -1;
    }
#ifdef HAVE_OPENSSL
read_now:
    if (c->ssl != NULL) {
        int r = SSL_read(c->ssl, buf, (int)(cap > 65536 ? 65536 : cap));

        if (r > 0)
            return r;
        if (SSL_get_error(c->ssl, r) == SSL_ERROR_ZERO_RETURN)
            return 0;
        fail("TLS read failed: %s", ERR_peek_last_error() != 0
                                        ? ERR_reason_error_string(ERR_peek_last_error())
                                        : "connection lost");
        return -1;
    }
#endif
    do
        n = (long)recv(c->fd, buf, cap, 0);
    while (n < 0 && errno == EINTR);
    if (n < 0) {
        fail("recv: %s", errno == EAGAIN || errno == EWOULDBLOCK ? "timed out" : strerror(errno));
        return -1;
    }
    return n;
}

static int conn_write(struct session *s, const char *p, size_t n)
{
    struct conn *c = &s->c;

    while (n > 0) {
        long w;

#ifdef HAVE_OPENSSL
        if (c->ssl != NULL) {
            int r = SSL_write(c->ssl, p, (int)(n > 65536 ? 65536 : n));

            if (r <= 0) {
                fail("TLS write failed");
                return -1;
            }
            w = r;
        } else
#endif
        {
            w = (long)send(c->fd, p, n, MSG_NOSIGNAL);
            if (w < 0 && errno == EINTR)
                continue;
            if (w < 0) {
                fail("send: %s", strerror(errno));
                return -1;
            }
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/*
 * Read the next reply. Bytes are fed to the parser in whatever chunks recv()
 * returned; bytes after a reply stay buffered for the next one. Returns 1 with
 * a reply, 0 when the server closed the connection, -1 on an I/O error.
 */
static int read_reply(struct session *s, const char *shown, struct smtpreply_reply *r)
{
    struct conn *c = &s->c;

    for (;;) {
        long n;

        while (c->in_off < c->in_len) {
            size_t used = 0;
            int rc = smtpreply_parser_feed(&c->parser, c->in + c->in_off, c->in_len - c->in_off,
                                           &used, r);

            if (c->record != NULL && used > 0)
                fwrite(c->in + c->in_off, 1, used, c->record);
            c->in_off += used;
            if (rc == SMTPREPLY_REPLY)
                return 1;
            if (rc < 0) {
                struct smtpreply_error e;

                smtpreply_parser_error(&c->parser, &e);
                if (s->opt->json) {
                    printf("{\"offset\":%llu,\"error\":\"%s\",\"line\":%lu,\"position\":%llu,"
                           "\"message\":", (unsigned long long)e.offset, e.name,
                           (unsigned long)e.line, (unsigned long long)e.position);
                    json_cstring(stdout, e.message);
                    fputs(",\"command\":", stdout);
                    json_cstring(stdout, shown);
                    fputs("}\n", stdout);
                } else {
                    printf("%sS: (malformed line %lu: %s: %s)%s\n", col(s, C_RED),
                           (unsigned long)e.line, e.name, e.message, col(s, C_RESET));
                }
            }
        }
        c->in_off = c->in_len = 0;
        n = conn_read(s, c->in, sizeof c->in);
        if (n <= 0) {
            if (smtpreply_parser_finish(&c->parser, NULL) == SMTPREPLY_E_INCOMPLETE)
                fail("the server closed the connection in the middle of a reply");
            if (n == 0) {
                s->closed = 1;
                note(s, "the server closed the connection");
                return 0;
            }
            s->broken = 1;
            return -1;
        }
        c->in_len = (size_t)n;
    }
}

/* Does a refusal say TLS must come first (530 5.7.0 "Must issue a STARTTLS command first")? */
static int says_tls_required(const struct smtpreply_reply *r, const struct smtpreply_verdict *v)
{
    size_t i;

    if (r->code < 400)
        return 0;
    if (v->reason == SMTPREPLY_REASON_TLS_REQUIRED)
        return 1;
    for (i = 0; i + 8 <= r->text_len; i++) {
        if (strncasecmp(r->text + i, "STARTTLS", 8) == 0)
            return 1;
    }
    return r->code == 530 && r->enhanced.klass == 5 && r->enhanced.subject == 7
           && r->enhanced.detail == 0;
}

/* Classify and show one reply; counts refusals unless @p tolerated. */
static void report(struct session *s, const char *shown, int command,
                   const struct smtpreply_reply *r, const struct smtpreply_ehlo *caps,
                   int tolerated)
{
    struct smtpreply_verdict v;

    smtpreply_classify(r, command, &v);
    if (s->opt->json)
        print_json(shown, r, &v, caps);
    else
        print_human(s, r, &v);
    if (r->code >= 400 && !tolerated)
        s->refused = 1;
    if (r->code == 421)
        s->closed = 1;          /* RFC 5321 3.8: the server closes the channel now */
    if (command != SMTPREPLY_CMD_STARTTLS && says_tls_required(r, &v) && !s->tls
        && !s->tls_hint_shown) {
        s->tls_hint_shown = 1;
#ifdef HAVE_OPENSSL
        if (s->opt->starttls < 0)
            note(s, "the server requires TLS first; run again without --no-starttls");
        else
            note(s, "the server requires TLS first, but it did not offer STARTTLS here");
#else
        note(s, "the server requires TLS (STARTTLS) first; this smtp-probe was built "
                "without OpenSSL and cannot start TLS");
#endif
    }
}

/*
 * Send one command line and show its reply. Returns the reply code, 0 when
 * the connection ended (closed or broken).
 */
static unsigned exchange(struct session *s, const char *line, const char *shown, int command,
                         struct smtpreply_reply *r, int tolerated)
{
    char buf[MAX_ARG + 3];
    int n = snprintf(buf, sizeof buf, "%s\r\n", line);

    show_command(s, shown);
    if (n < 0 || (size_t)n >= sizeof buf || conn_write(s, buf, (size_t)n) < 0) {
        s->broken = 1;
        return 0;
    }
    if (read_reply(s, shown, r) != 1)
        return 0;
    report(s, shown, command, r, NULL, tolerated);
    return r->code;
}

/* ---- STARTTLS ------------------------------------------------------- */

#ifdef HAVE_OPENSSL
static int start_tls(struct session *s)
{
    struct conn *c = &s->c;
    char host[256];
    struct in6_addr a6;
    long verify;

    if (c->in_off < c->in_len) {
        /* RFC 3207 5: bytes the server sent after its 220 came before TLS and must be
         * thrown away, or a man in the middle could inject replies (CVE-2011-0411). */
        note(s, "discarding %lu bytes received after the 220 to STARTTLS (possible injection)",
             (unsigned long)(c->in_len - c->in_off));
        c->in_off = c->in_len = 0;
    }
    c->ctx = SSL_CTX_new(TLS_client_method());
    if (c->ctx == NULL)
        return -1;
    SSL_CTX_set_default_verify_paths(c->ctx);
    /* A probe reports the certificate's verdict instead of refusing to look. */
    SSL_CTX_set_verify(c->ctx, SSL_VERIFY_NONE, NULL);
    c->ssl = SSL_new(c->ctx);
    if (c->ssl == NULL)
        return -1;
    snprintf(host, sizeof host, "%s", s->opt->host);
    if (inet_pton(AF_INET, host, &a6) != 1 && inet_pton(AF_INET6, host, &a6) != 1) {
        SSL_set_tlsext_host_name(c->ssl, host);
        SSL_set1_host(c->ssl, host);
    }
    SSL_set_fd(c->ssl, c->fd);
    if (SSL_connect(c->ssl) != 1) {
        unsigned long e = ERR_get_error();

        fail("TLS handshake failed: %s", e ? ERR_reason_error_string(e) : "connection closed");
        SSL_free(c->ssl);
        c->ssl = NULL;
        return -1;
    }
    s->tls = 1;
    verify = SSL_get_verify_result(c->ssl);
    if (s->opt->json) {
        fprintf(stderr, "smtp-probe: TLS %s %s, certificate %s\n", SSL_get_version(c->ssl),
                SSL_get_cipher_name(c->ssl),
                verify == X509_V_OK ? "verified" : X509_verify_cert_error_string(verify));
    } else {
        label(s, "tls");
        printf("%s %s; certificate %s%s%s\n", SSL_get_version(c->ssl), SSL_get_cipher_name(c->ssl),
               col(s, verify == X509_V_OK ? C_GREEN : C_YELLOW),
               verify == X509_V_OK ? "verified" : X509_verify_cert_error_string(verify),
               col(s, C_RESET));
    }
    return 0;
}
#endif

/* ---- the session steps ---------------------------------------------- */

/* EHLO, falling back to HELO when EHLO is refused. 1 on success. */
static int greet(struct session *s)
{
    struct smtpreply_reply r;
    char line[300], shown[300];
    unsigned code;

    snprintf(line, sizeof line, "EHLO %s", s->helo);
    show_command(s, line);
    if (conn_write(s, line, strlen(line)) < 0 || conn_write(s, "\r\n", 2) < 0) {
        s->broken = 1;
        return 0;
    }
    if (read_reply(s, line, &r) != 1)
        return 0;
    s->have_caps = smtpreply_ehlo_parse(&r, &s->caps) == SMTPREPLY_OK;
    /* An EHLO refusal that HELO then fixes is not a refusal of the session. */
    report(s, line, SMTPREPLY_CMD_EHLO, &r, s->have_caps ? &s->caps : NULL,
           r.code >= 500 && r.code != 554);
    if (s->have_caps) {
        if (!s->opt->json)
            print_caps(s, &r, &s->caps);
        return 1;
    }
    if (r.code < 500 || r.code == 554)
        return 0;               /* 4xx or 554: not a missing EHLO, the server said no */
    note(s, "EHLO refused; trying HELO");
    snprintf(shown, sizeof shown, "HELO %s", s->helo);
    code = exchange(s, shown, shown, SMTPREPLY_CMD_HELO, &r, 0);
    return code == 250;
}

static void base64(const unsigned char *in, size_t n, char *out)
{
    static const char abc[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t i;

    for (i = 0; i + 2 < n; i += 3) {
        unsigned long v = ((unsigned long)in[i] << 16) | ((unsigned long)in[i + 1] << 8) | in[i + 2];

        *out++ = abc[(v >> 18) & 63];
        *out++ = abc[(v >> 12) & 63];
        *out++ = abc[(v >> 6) & 63];
        *out++ = abc[v & 63];
    }
    if (i < n) {
        unsigned long v = (unsigned long)in[i] << 16;

        if (i + 1 < n)
            v |= (unsigned long)in[i + 1] << 8;
        *out++ = abc[(v >> 18) & 63];
        *out++ = abc[(v >> 12) & 63];
        *out++ = i + 1 < n ? abc[(v >> 6) & 63] : '=';
        *out++ = '=';
    }
    *out = '\0';
}

/* AUTH PLAIN (RFC 4616) or LOGIN; the secret never reaches the output. */
static void authenticate(struct session *s)
{
    const char *creds = s->opt->auth, *colon = strchr(creds, ':');
    size_t ulen = (size_t)(colon - creds), plen = strlen(colon + 1);
    unsigned char raw[520];
    char enc[704], line[720];
    struct smtpreply_reply r;
    unsigned code;
    int plain;

    if (!s->have_caps || !(s->caps.extensions & SMTPREPLY_EXT_AUTH))
        note(s, "the server does not offer AUTH%s; trying PLAIN anyway",
             s->have_caps && (s->caps.extensions & SMTPREPLY_EXT_STARTTLS) && !s->tls
                 ? " before TLS" : "");
    plain = !s->have_caps || (s->caps.auth & SMTPREPLY_AUTH_PLAIN)
            || !(s->caps.auth & SMTPREPLY_AUTH_LOGIN);
    if (plain) {
        /* authzid NUL authcid NUL passwd */
        raw[0] = '\0';
        memcpy(raw + 1, creds, ulen);
        raw[1 + ulen] = '\0';
        memcpy(raw + 2 + ulen, colon + 1, plen);
        base64(raw, ulen + plen + 2, enc);
        snprintf(line, sizeof line, "AUTH PLAIN %s", enc);
        code = exchange(s, line, "AUTH PLAIN ****", SMTPREPLY_CMD_AUTH, &r, 0);
        if (code == 334)  /* the server wants the response on its own line */
            code = exchange(s, enc, "****", SMTPREPLY_CMD_AUTH, &r, 0);
    } else {
        code = exchange(s, "AUTH LOGIN", "AUTH LOGIN", SMTPREPLY_CMD_AUTH, &r, 0);
        if (code == 334) {
            base64((const unsigned char *)creds, ulen, enc);
            code = exchange(s, enc, "**** (user name)", SMTPREPLY_CMD_AUTH, &r, 0);
        }
        if (code == 334) {
            base64((const unsigned char *)colon + 1, plen, enc);
            code = exchange(s, enc, "**** (password)", SMTPREPLY_CMD_AUTH, &r, 0);
        }
    }
    memset(raw, 0, sizeof raw);
    memset(enc, 0, sizeof enc);
    memset(line, 0, sizeof line);
}

/* The test message: a few headers and a body padded to --data-size bytes. */
static int send_message(struct session *s)
{
    char head[2048], stamp[64], fill[80];
    unsigned long body = 0;
    time_t now = time(NULL);
    struct tm tmv;
    int n;

    gmtime_r(&now, &tmv);
    strftime(stamp, sizeof stamp, "%a, %d %b %Y %H:%M:%S +0000", &tmv);
    n = snprintf(head, sizeof head,
                 "From: <%s>\r\nTo: <%s>\r\nSubject: smtp-probe test message\r\nDate: %s\r\n"
                 "Message-ID: <%ld.%ld@smtp-probe.invalid>\r\n\r\n"
                 "This is a test message sent by smtp-probe. It may be discarded.\r\n",
                 s->opt->from ? s->opt->from : "", s->opt->nto ? s->opt->to[0] : "", stamp,
                 (long)now, (long)getpid());
    if (n < 0 || (size_t)n >= sizeof head || conn_write(s, head, (size_t)n) < 0)
        return -1;
    memset(fill, 'x', sizeof fill);
    fill[sizeof fill - 2] = '\r';
    fill[sizeof fill - 1] = '\n';
    body = (unsigned long)n;
    while (body < s->opt->data_size) {
        size_t chunk = sizeof fill;

        if (conn_write(s, fill, chunk) < 0)
            return -1;
        body += chunk;
    }
    return conn_write(s, ".\r\n", 3);
}

/* MAIL, RCPT for each --to (pipelined when offered), DATA with --data, RSET. */
static void transaction(struct session *s)
{
    const struct options *o = s->opt;
    static char cmds[MAX_RCPTS + 1][MAX_ARG];
    static char out[(MAX_RCPTS + 1) * (MAX_ARG + 2)];
    size_t ncmd = 0, used = 0, i;
    int pipelined = s->have_caps && (s->caps.extensions & SMTPREPLY_EXT_PIPELINING);
    int mail_ok = 0, rcpt_ok = 0;
    struct smtpreply_reply r;

    if (o->mail_size > 0)
        snprintf(cmds[ncmd++], MAX_ARG, "MAIL FROM:<%s> SIZE=%lu", o->from ? o->from : "",
                 o->mail_size);
    else
        snprintf(cmds[ncmd++], MAX_ARG, "MAIL FROM:<%s>", o->from ? o->from : "");
    for (i = 0; i < o->nto; i++)
        snprintf(cmds[ncmd++], MAX_ARG, "RCPT TO:<%s>", o->to[i]);

    if (pipelined && ncmd > 1) {
        /* RFC 2920: the whole group in one write, replies read back in order. */
        for (i = 0; i < ncmd; i++)
            used += (size_t)snprintf(out + used, sizeof out - used, "%s\r\n", cmds[i]);
        if (!o->json)
            printf("%s-- pipelining: MAIL and %lu RCPT in one write%s\n", col(s, C_DIM),
                   (unsigned long)(ncmd - 1), col(s, C_RESET));
        if (conn_write(s, out, used) < 0) {
            s->broken = 1;
            return;
        }
        for (i = 0; i < ncmd; i++) {
            show_command(s, cmds[i]);
            if (read_reply(s, cmds[i], &r) != 1)
                return;
            report(s, cmds[i], i == 0 ? SMTPREPLY_CMD_MAIL : SMTPREPLY_CMD_RCPT, &r, NULL, 0);
            if (r.code / 100 == 2)
                *(i == 0 ? &mail_ok : &rcpt_ok) += 1;
            if (r.code == 421)
                return;
        }
    } else {
        for (i = 0; i < ncmd; i++) {
            unsigned code = exchange(s, cmds[i], cmds[i],
                                     i == 0 ? SMTPREPLY_CMD_MAIL : SMTPREPLY_CMD_RCPT, &r, 0);

            if (code == 0 || code == 421)
                return;
            if (code / 100 == 2)
                *(i == 0 ? &mail_ok : &rcpt_ok) += 1;
            if (i == 0 && !mail_ok)
                break;          /* no RCPT without a sender */
        }
    }
    if (o->data && mail_ok && rcpt_ok) {
        unsigned code = exchange(s, "DATA", "DATA", SMTPREPLY_CMD_DATA, &r, 0);

        if (code == 0 || code == 421)
            return;
        if (code == 354) {
            char shown[64];

            snprintf(shown, sizeof shown, "DATA_END");
            show_command(s, shown);
            /* A server may answer (552) and stop reading before the end: read anyway. */
            if (send_message(s) < 0)
                note(s, "the server stopped reading the message; reading its reply");
            if (read_reply(s, shown, &r) != 1)
                return;
            report(s, shown, SMTPREPLY_CMD_DATA_END, &r, NULL, 0);
            if (r.code == 421)
                return;
        }
    } else if (o->data) {
        note(s, "no DATA: %s", mail_ok ? "no recipient was accepted" : "the sender was refused");
    }
    exchange(s, "RSET", "RSET", SMTPREPLY_CMD_RSET, &r, 0);
}

static int session(struct session *s)
{
    struct smtpreply_reply r;

    if (open_connection(s) < 0)
        return EXIT_USAGE;
    smtpreply_parser_init(&s->c.parser, s->c.text, sizeof s->c.text);

    if (read_reply(s, "CONNECT", &r) != 1)
        return s->closed ? EXIT_REFUSED : EXIT_USAGE;
    report(s, "CONNECT", SMTPREPLY_CMD_CONNECT, &r, NULL, 0);
    if (r.code != 220) {
        /* RFC 5321 3.1: after a 554 greeting the client should still QUIT. */
        if (!s->closed)
            exchange(s, "QUIT", "QUIT", SMTPREPLY_CMD_QUIT, &r, 0);
        return s->broken ? EXIT_USAGE : EXIT_REFUSED;
    }
    if (!greet(s))
        goto quit;

    if (s->opt->starttls > 0 && !(s->have_caps && (s->caps.extensions & SMTPREPLY_EXT_STARTTLS))) {
        fail("--starttls: the server does not offer STARTTLS");
        s->refused = 1;
        goto quit;
    }
    if (s->have_caps && (s->caps.extensions & SMTPREPLY_EXT_STARTTLS) && s->opt->starttls >= 0) {
#ifdef HAVE_OPENSSL
        unsigned code = exchange(s, "STARTTLS", "STARTTLS", SMTPREPLY_CMD_STARTTLS, &r, 0);
        if (code == 0)
            goto done;
        if (code != 220 && !s->closed)
            note(s, "the server refused STARTTLS; going on in clear text");
        if (code == 220) {
            if (start_tls(s) < 0) {
                s->broken = 1;
                goto done;
            }
            /* RFC 3207 4.2: forget what was learned before TLS and ask again. */
            memset(&s->caps, 0, sizeof s->caps);
            s->have_caps = 0;
            if (!greet(s))
                goto quit;
        }
#else
        note(s, "the server offers STARTTLS, but this smtp-probe was built without OpenSSL; "
                "going on in clear text");
#endif
    }
    if (s->closed || s->broken)
        goto done;
    if (s->opt->auth != NULL)
        authenticate(s);
    if (s->closed || s->broken)
        goto done;
    if (s->opt->from != NULL || s->opt->nto > 0)
        transaction(s);
quit:
    if (!s->closed && !s->broken)
        exchange(s, "QUIT", "QUIT", SMTPREPLY_CMD_QUIT, &r, 0);
done:
    if (s->broken)
        return EXIT_USAGE;
    return s->refused || s->closed ? EXIT_REFUSED : EXIT_DONE;
}

/* ---- command line --------------------------------------------------- */

static void usage(FILE *f)
{
    fputs("usage: smtp-probe [--json] [--auth USER:PASS] [--from ADDR] [--to ADDR]...\n"
          "                  [--data] [--data-size BYTES] [--size BYTES] [--timeout SECS]\n"
          "                  [--starttls|--no-starttls] [--helo NAME] [--lang en|vi]\n"
          "                  [--record FILE] HOST [PORT]\n"
          "Talk to an SMTP server and show every reply parsed and classified.\n"
          "Exit status: 0 completed, 1 the server refused something, 2 usage or connection error.\n",
          f);
}

/* No CR, LF or NUL may reach a command line from an argument. */
static int clean_arg(const char *what, const char *v, size_t max)
{
    if (strpbrk(v, "\r\n") != NULL || strlen(v) > max) {
        fail("%s: no line breaks, at most %lu bytes", what, (unsigned long)max);
        return 0;
    }
    return 1;
}

static int parse_ulong(const char *what, const char *v, unsigned long *out)
{
    char *end;

    errno = 0;
    if (v[0] < '0' || v[0] > '9') {
        fail("%s: not a number: %s", what, v);
        return 0;
    }
    *out = strtoul(v, &end, 10);
    if (errno != 0 || *end != '\0') {
        fail("%s: not a number: %s", what, v);
        return 0;
    }
    return 1;
}

static int parse_args(int argc, char **argv, struct options *o)
{
    int i, npos = 0;
    unsigned long ul;

    o->timeout = 30;
    o->port = "25";
    o->lang = "en";
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        int takes = 1;

        if (strcmp(a, "--json") == 0) {
            o->json = 1;
            takes = 0;
        } else if (strcmp(a, "--data") == 0) {
            o->data = 1;
            takes = 0;
        } else if (strcmp(a, "--starttls") == 0) {
            o->starttls = 1;
            takes = 0;
        } else if (strcmp(a, "--no-starttls") == 0) {
            o->starttls = -1;
            takes = 0;
        } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            exit(EXIT_DONE);
        } else if (a[0] == '-' && a[1] == '-' && a[2] != '\0') {
            if (v == NULL) {
                fail("%s needs a value", a);
                return 0;
            }
            if (strcmp(a, "--auth") == 0) {
                if (strchr(v, ':') == NULL || !clean_arg(a, v, 500)) {
                    fail("--auth wants USER:PASS");
                    return 0;
                }
                o->auth = v;
            } else if (strcmp(a, "--from") == 0) {
                if (!clean_arg(a, v, 400) || strpbrk(v, "<> ") != NULL)
                    return 0;
                o->from = v;
            } else if (strcmp(a, "--to") == 0) {
                if (!clean_arg(a, v, 400) || strpbrk(v, "<> ") != NULL)
                    return 0;
                if (o->nto == MAX_RCPTS) {
                    fail("at most %d --to", MAX_RCPTS);
                    return 0;
                }
                o->to[o->nto++] = v;
            } else if (strcmp(a, "--helo") == 0) {
                if (!clean_arg(a, v, 250) || strchr(v, ' ') != NULL)
                    return 0;
                o->helo = v;
            } else if (strcmp(a, "--lang") == 0) {
                o->lang = v;
            } else if (strcmp(a, "--record") == 0) {
                o->record = v;
            } else if (strcmp(a, "--timeout") == 0) {
                if (!parse_ulong(a, v, &ul) || ul == 0 || ul > 3600) {
                    fail("--timeout: 1 to 3600 seconds");
                    return 0;
                }
                o->timeout = (long)ul;
            } else if (strcmp(a, "--data-size") == 0) {
                if (!parse_ulong(a, v, &ul))
                    return 0;
                o->data_size = ul;
                o->data = 1;
            } else if (strcmp(a, "--size") == 0) {
                if (!parse_ulong(a, v, &ul))
                    return 0;
                o->mail_size = ul;
            } else {
                fail("unknown option %s", a);
                return 0;
            }
        } else {
            takes = 0;
            if (npos == 0)
                o->host = a;
            else if (npos == 1)
                o->port = a;
            else {
                fail("unexpected argument %s", a);
                return 0;
            }
            npos++;
        }
        i += takes;
    }
    if (o->host == NULL) {
        fail("no HOST given");
        return 0;
    }
#ifndef HAVE_OPENSSL
    if (o->starttls > 0) {
        fail("--starttls: this smtp-probe was built without OpenSSL");
        return 0;
    }
#endif
    return 1;
}

int main(int argc, char **argv)
{
    static struct options opt;
    static struct session s;
    int rc;

    if (!parse_args(argc, argv, &opt)) {
        usage(stderr);
        return EXIT_USAGE;
    }
    signal(SIGPIPE, SIG_IGN);
    s.opt = &opt;
    s.c.fd = -1;
    s.c.timeout_ms = (int)(opt.timeout * 1000);
    s.colour = !opt.json && isatty(STDOUT_FILENO) && getenv("NO_COLOR") == NULL;
    if (opt.helo != NULL) {
        snprintf(s.helo, sizeof s.helo, "%s", opt.helo);
    } else if (gethostname(s.helo, sizeof s.helo - 1) != 0 || s.helo[0] == '\0'
               || strchr(s.helo, '.') == NULL) {
        /* RFC 5321 4.1.4: a domain, or an address literal when there is none. */
        snprintf(s.helo, sizeof s.helo, "smtp-probe.invalid");
    }
    if (opt.record != NULL) {
        s.c.record = fopen(opt.record, "wb");
        if (s.c.record == NULL) {
            fail("%s: %s", opt.record, strerror(errno));
            return EXIT_USAGE;
        }
    }
    rc = session(&s);
#ifdef HAVE_OPENSSL
    if (s.c.ssl != NULL) {
        SSL_shutdown(s.c.ssl);
        SSL_free(s.c.ssl);
    }
    if (s.c.ctx != NULL)
        SSL_CTX_free(s.c.ctx);
#endif
    if (s.c.fd >= 0)
        close(s.c.fd);
    if (s.c.record != NULL && fclose(s.c.record) != 0) {
        fail("%s: %s", opt.record, strerror(errno));
        rc = EXIT_USAGE;
    }
    if (!opt.json) {
        printf("%s-- %s%s\n", col(&s, C_DIM),
               rc == EXIT_DONE ? "session completed"
               : rc == EXIT_REFUSED ? "session completed; the server refused something"
                                    : "session failed",
               col(&s, C_RESET));
    }
    return rc;
}
