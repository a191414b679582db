/* SPDX-License-Identifier: MIT */
/*
 * smtp-probe: talk to a real SMTP server and show every reply parsed,
 * classified and explained.
 *
 *   smtp-probe [--json] [--auth USER[:PASS]] [--password-file FILE]
 *              [--from ADDR] [--to ADDR]... [--data] [--timeout SECS]
 *              [--max-time SECS] [--starttls|--no-starttls] [--tls]
 *              [--tls-ca FILE] [--tls-insecure] [--tls-name NAME] [--allow-plaintext-auth]
 *              HOST [PORT]
 *
 * The session: greeting (after a TLS handshake with --tls or on port 465),
 * EHLO (HELO when EHLO is refused), STARTTLS when offered (required with
 * --starttls), optional AUTH (PLAIN, or LOGIN when only that is offered), an
 * optional test transaction (MAIL, one RCPT per --to, DATA only with --data,
 * then RSET) and QUIT. With PIPELINING, MAIL and the RCPTs go out in one write
 * and the replies are matched to them in order.
 *
 * Safety, as a careful client (Postfix, swaks) does it: the server's
 * certificate and name are verified against the system's CA store (or
 * --tls-ca); credentials go out only over verified TLS, unless
 * --allow-plaintext-auth; AUTH only when offered, with a mechanism offered.
 * Every wait has a deadline, not an idle timeout: --timeout bounds one whole
 * reply, one TLS handshake, one connect and one write, --max-time the whole
 * session, so a server that trickles bytes cannot hold the probe. The password
 * never reaches the output, and is best kept off the command line
 * (--password-file, SMTP_PROBE_PASSWORD, or a prompt on a terminal).
 *
 * Exit status: 0 the session completed and everything was accepted, 1 the
 * server refused something or AUTH did not complete, 2 usage or connection
 * error (including a deadline), 3 stopped for safety before anything secret
 * was sent (TLS required but missing, refused or not verified).
 *
 * Uses only the public header, as an outside program would.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
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
#include <sys/stat.h>
#include <sys/types.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "smtpreply.h"

#include "i18n.h"
#include "json_out.h"
#include "text_view.h"

#ifdef HAVE_OPENSSL
#include <openssl/err.h>
#include <openssl/opensslv.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#endif

#define MAX_RCPTS 100
#define MAX_ARG 1000        /* RFC 5321 4.5.3.1.4: a command line is at most 512 octets */
#define MAX_SECRET 255      /* RFC 4616: authcid and passwd at most 255 octets each */
#define MAX_BAD_LINES 100   /* malformed lines tolerated while waiting for one reply */

enum exit_code { EXIT_DONE = 0, EXIT_REFUSED = 1, EXIT_USAGE = 2, EXIT_UNSAFE = 3 };

/* The stages --quit-after names, in session order; QUIT follows the one asked for. */
enum stage { STAGE_NONE, STAGE_CONNECT, STAGE_EHLO, STAGE_TLS, STAGE_AUTH, STAGE_MAIL,
             STAGE_RCPT, STAGE_DATA };

static const char *const stage_names[] = { "", "connect", "ehlo", "tls", "auth", "mail", "rcpt",
                                           "data" };

/*
 * Every way a session ends: the name in the JSON closing object, the words of
 * the readable view's last line, and the exit status. When two happen, the one
 * with the higher exit status stays (a refusal then a deadline is a deadline),
 * so the exit status is always the ending's.
 */
enum ending { END_NONE, END_COMPLETED, END_REFUSED, END_AUTH_FAILED, END_CLOSED, END_DEADLINE,
              END_RESOLVE_FAILED, END_CONNECT_FAILED, END_CONNECTION_LOST, END_TLS_FAILED,
              END_PROTOCOL_ERROR, END_LOCAL_ERROR, END_CERTIFICATE, END_STARTTLS_NOT_OFFERED,
              END_STARTTLS_REFUSED, END_AUTH_WITHOUT_TLS };

static const struct {
    const char *name;
    enum tool_label words;
    int exit;
} endings[] = {
    [END_NONE] = { "", L_PROBE_END_COMPLETED, EXIT_DONE },
    [END_COMPLETED] = { "completed", L_PROBE_END_COMPLETED, EXIT_DONE },
    [END_REFUSED] = { "refused", L_PROBE_END_REFUSED, EXIT_REFUSED },
    [END_AUTH_FAILED] = { "auth-failed", L_PROBE_END_AUTH_INCOMPLETE, EXIT_REFUSED },
    [END_CLOSED] = { "closed", L_PROBE_END_CLOSED, EXIT_REFUSED },
    [END_DEADLINE] = { "deadline", L_PROBE_END_DEADLINE, EXIT_USAGE },
    [END_RESOLVE_FAILED] = { "resolve-failed", L_PROBE_END_RESOLVE_FAILED, EXIT_USAGE },
    [END_CONNECT_FAILED] = { "connect-failed", L_PROBE_END_CONNECT_FAILED, EXIT_USAGE },
    [END_CONNECTION_LOST] = { "connection-lost", L_PROBE_END_CONNECTION_LOST, EXIT_USAGE },
    [END_TLS_FAILED] = { "tls-failed", L_PROBE_END_TLS_FAILED, EXIT_USAGE },
    [END_PROTOCOL_ERROR] = { "protocol-error", L_PROBE_END_PROTOCOL_ERROR, EXIT_USAGE },
    [END_LOCAL_ERROR] = { "local-error", L_PROBE_END_LOCAL_ERROR, EXIT_USAGE },
    [END_CERTIFICATE] = { "certificate-not-verified", L_PROBE_END_CERTIFICATE, EXIT_UNSAFE },
    [END_STARTTLS_NOT_OFFERED] = { "starttls-not-offered", L_PROBE_END_STARTTLS_NOT_OFFERED,
                                   EXIT_UNSAFE },
    [END_STARTTLS_REFUSED] = { "starttls-refused", L_PROBE_END_STARTTLS_REFUSED, EXIT_UNSAFE },
    [END_AUTH_WITHOUT_TLS] = { "auth-without-tls", L_PROBE_END_AUTH_WITHOUT_TLS, EXIT_UNSAFE },
};

struct options {
    int json;
    int data;
    int lmtp;                /* LMTP (RFC 2033): LHLO, one reply per recipient after the data */
    enum stage quit_after;   /* QUIT right after this stage; STAGE_NONE: the whole session */
    int starttls;            /* 1 required, 0 when offered, -1 never */
    int implicit_tls;        /* --tls, or port 465 */
    int tls_insecure;        /* do not verify the certificate */
    int allow_plaintext_auth;
    const char *tls_ca;      /* PEM file of trusted CAs instead of the system's */
    const char *tls_name;    /* the name the certificate must hold (and SNI); NULL: HOST */
    long timeout;            /* seconds: one reply, one handshake, one connect, one write */
    long max_time;           /* seconds for the whole session; 0: no limit */
    unsigned long data_size; /* bytes of the test message; 0 = small default */
    unsigned long mail_size; /* SIZE= on MAIL; 0 = none */
    const char *user;        /* --auth USER; NULL: no AUTH */
    const char *password_file;
    const char *from;
    const char *to[MAX_RCPTS];
    size_t nto;
    const char *helo;
    const char *lang;
    const char *record;
    const char *host;        /* the name or address, without brackets or port */
    const char *port;        /* decimal, 1 to 65535 */
    int port_given;
    char host_buf[256];
    char port_buf[8];
};

/* The password, wherever it came from; wiped before exit. */
static char secret[MAX_SECRET + 2];
static size_t secret_len;

struct conn {
    int fd;
#ifdef HAVE_OPENSSL
    SSL_CTX *ctx;
    SSL *ssl;
#endif
    FILE *record;
    char in[16384];
    size_t in_len, in_off;
    int64_t in_at;           /* CLOCK_MONOTONIC ms when in[] was received */
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
    int auth_failed;       /* AUTH was asked for and did not complete: exit 1 */
    int broken;            /* connection error, deadline or protocol breach: exit 2 */
    int unsafe;            /* stopped before sending a secret or without required TLS: exit 3 */
    int closed;            /* the server closed the connection */
    int tls;               /* TLS is active */
    int tls_verified;      /* ... and its certificate and name were verified */
    int starttls_refused;  /* the server answered STARTTLS with a refusal */
    int no_quit;           /* an AUTH exchange the server would not end: no QUIT */
    enum ending end;       /* how the session ended, once something ended it */
    const char *recipient; /* LMTP: the recipient the reply being shown is for */
    int64_t sent_at;       /* CLOCK_MONOTONIC ms: the command was sent (or the connection made) */
    int64_t reply_ms;      /* the last reply's time since sent_at */
    unsigned long replies; /* replies shown */
    int tls_hint_shown;
    struct text_view tv;   /* the readable view (text_view.h): colours, language */
    int64_t session_end;   /* CLOCK_MONOTONIC ms of --max-time; 0: none */
    char helo[256];
};

/* Record how the session ended; of two endings the one with the higher exit status stays. */
static void set_end(struct session *s, enum ending e)
{
    if (s->end == END_NONE || endings[e].exit > endings[s->end].exit)
        s->end = e;
}

/* A connection error, a deadline or a protocol breach: the session cannot go on. */
static void stop_broken(struct session *s, enum ending e)
{
    s->broken = 1;
    set_end(s, e);
}

/* Stopped before sending a secret, or without the TLS that was required. */
static void stop_unsafe(struct session *s, enum ending e)
{
    s->unsafe = 1;
    set_end(s, e);
}

/* ---- output helpers -------------------------------------------------- */

static const char *col(const struct session *s, const char *code)
{
    return text_view_col(&s->tv, code);
}

/* The language of everything shown to a person (examples/i18n.h). */
static struct i18n lang;

/* A label template with its arguments filled in (examples/i18n.h). */
static const char *fill(char *out, size_t cap, enum tool_label id, const char *const *args, int n)
{
    i18n_compose(out, cap, tr(&lang, id), args, n);
    return out;
}

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
    fputs(s->opt->json ? "" : col(s, TV_CYAN), f);
    if (!s->opt->json)
        i18n_pad(f, tr(&lang, L_PROBE_NOTE), 11);
    va_start(ap, fmt);
    vfprintf(f, fmt, ap);
    va_end(ap);
    fputs(s->opt->json ? "" : col(s, TV_RESET), f);
    fputc('\n', f);
    fflush(f);
}

/* Errors, on stderr. Every %s from outside the program goes through term_safe(). */
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
    printf("%sC:%s %s", col(s, TV_DIM), col(s, TV_RESET), col(s, TV_BOLD));
    term_text(stdout, shown, strlen(shown));
    printf("%s\n", col(s, TV_RESET));
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

/* ,"tls":"verified"|"unverified" on what was read over TLS; nothing in clear text. */
static void json_tls(const struct session *s)
{
    if (s->tls)
        printf(",\"tls\":\"%s\"", s->tls_verified ? "verified" : "unverified");
}

/* The smtp-parse object (docs/design.md section 7), with "command" being the line sent. */
static void print_json(const struct session *s, const char *shown, const struct smtpreply_reply *r,
                       const struct smtpreply_verdict *v, const struct smtpreply_ehlo *caps)
{
    static const char *const encodings[] = { "ascii", "utf8", "other" };

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
    if (s->recipient != NULL) {
        fputs(",\"recipient\":", stdout);
        json_cstring(stdout, s->recipient);
    }
    printf(",\"encoding\":\"%s\",\"flags\":", encodings[r->encoding <= 2 ? r->encoding : 2]);
    json_flags(stdout, r->flags, v->flags);
    printf(",\"ms\":%lld", (long long)s->reply_ms);
    json_tls(s);
    if (caps != NULL)
        json_capabilities(r, caps);
    fputs("}\n", stdout);
    fflush(stdout);
}

/* A note from a label template: note() with no format of the translator's. */
static void note_l(const struct session *s, enum tool_label id, const char *const *args, int n)
{
    char text[1024];

    note(s, "%s", fill(text, sizeof text, id, args, n));
}

/* The reply as the readable view shows it, with its time after the first line. */
static void print_human(const struct session *s, const struct smtpreply_reply *r,
                        const struct smtpreply_verdict *v)
{
    char took[32];

    /* from the command (or the connect) to the reply's last line */
    snprintf(took, sizeof took, "%lld ms", (long long)s->reply_ms);
    text_view_reply_lines(&s->tv, r, took);
    text_view_verdict(&s->tv, r, v);
    fflush(stdout);
}

static void print_caps(const struct session *s, const struct smtpreply_reply *r,
                       const struct smtpreply_ehlo *e)
{
    struct smtpreply_ehlo_keyword kw;
    size_t pos = 0, i;
    int any = 0;
    uint32_t bit;

    text_view_label(&s->tv, L_PROBE_SERVER);
    term_text(stdout, e->server_name, e->server_name_len);
    if (e->greeting_len > 0) {
        fputs(" (", stdout);
        term_text(stdout, e->greeting, e->greeting_len);
        fputc(')', stdout);
    }
    fputc('\n', stdout);
    text_view_label(&s->tv, L_PROBE_EXTENSIONS);
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
    printf("%s\n", any ? "" : tr(&lang, L_PROBE_NONE));
    if (e->extensions & SMTPREPLY_EXT_AUTH) {
        text_view_label(&s->tv, L_PROBE_AUTH);
        any = 0;
        for (i = 0; i < 32; i++) {
            bit = (uint32_t)1u << i;
            if (e->auth & bit) {
                printf("%s%s", any ? " " : "", smtpreply_auth_mech_name(bit));
                any = 1;
            }
        }
        printf("%s%s%s\n", any ? "" : tr(&lang, L_PROBE_NO_MECHANISMS),
               (e->extensions & SMTPREPLY_EXT_AUTH_LEGACY) ? " " : "",
               (e->extensions & SMTPREPLY_EXT_AUTH_LEGACY) ? tr(&lang, L_PROBE_AUTH_LEGACY) : "");
    }
    if (e->extensions & SMTPREPLY_EXT_LIMITS) {
        char n1[24], n2[24], n3[24], text[256];
        const char *args[3];

        text_view_label(&s->tv, L_PROBE_LIMITS);
        snprintf(n1, sizeof n1, "%lu", (unsigned long)e->limits_rcptmax);
        snprintf(n2, sizeof n2, "%lu", (unsigned long)e->limits_mailmax);
        snprintf(n3, sizeof n3, "%lu", (unsigned long)e->limits_rcptdomainmax);
        args[0] = n1;
        args[1] = n2;
        args[2] = n3;
        printf("%s\n", fill(text, sizeof text, L_PROBE_LIMITS_DETAIL, args, 3));
    }
    any = 0;
    while (smtpreply_ehlo_next(r, &pos, &kw)) {
        if (kw.extension != 0)
            continue;
        if (!any)
            text_view_label(&s->tv, L_PROBE_OTHER);
        printf("%s", any ? " " : "");
        term_text(stdout, kw.keyword, kw.keyword_len);
        any = 1;
    }
    if (any)
        fputc('\n', stdout);
    fflush(stdout);
}

/* ---- time and the connection ---------------------------------------- */

/* Milliseconds of CLOCK_MONOTONIC: deadlines do not move with the wall clock. */
static int64_t now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The deadline for one step that starts now: --timeout, or --max-time if sooner. */
static int64_t step_deadline(const struct session *s)
{
    int64_t until = now_ms() + (int64_t)s->opt->timeout * 1000;

    return s->session_end != 0 && s->session_end < until ? s->session_end : until;
}

/* Did the last deadline that passed belong to --max-time? */
static int max_time_reached(const struct session *s)
{
    return s->session_end != 0 && now_ms() >= s->session_end;
}

/*
 * Wait until the socket is ready for @p events or @p until passes: 1 ready,
 * 0 the deadline passed, -1 poll failed. poll() sleeps, so a slow server costs
 * no CPU; each call waits only for what is left of the same deadline.
 */
static int wait_fd(const struct session *s, short events, int64_t until)
{
    struct pollfd pfd;

    for (;;) {
        int64_t left = until - now_ms();
        int rc;

        if (left <= 0)
            return 0;
        pfd.fd = s->c.fd;
        pfd.events = events;
        pfd.revents = 0;
        rc = poll(&pfd, 1, left > INT_MAX ? INT_MAX : (int)left);
        if (rc > 0)
            return 1;            /* readable, writable, or an error the next call reports */
        if (rc < 0 && errno != EINTR)
            return -1;
    }
}

static void addr_text(const struct sockaddr *sa, char *buf, size_t cap)
{
    const void *a = sa->sa_family == AF_INET6
                        ? (const void *)&((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr
                        : (const void *)&((const struct sockaddr_in *)(const void *)sa)->sin_addr;

    if (inet_ntop(sa->sa_family, a, buf, (socklen_t)cap) == NULL)
        snprintf(buf, cap, "?");
}

/* Connect to the first address that answers within the timeout; the socket
 * stays non-blocking for the whole session. */
static int open_connection(struct session *s)
{
    struct addrinfo hints, *res = NULL, *ai;
    char host[300], port[64];
    int rc, fd = -1, timed_out = 0;

    term_safe(host, sizeof host, s->opt->host);
    term_safe(port, sizeof port, s->opt->port);
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_ADDRCONFIG;
    rc = getaddrinfo(s->opt->host, s->opt->port, &hints, &res);
    if (rc != 0) {
        fail("cannot resolve %s port %s: %s", host, port, gai_strerror(rc));
        set_end(s, END_RESOLVE_FAILED);
        return -1;
    }
    for (ai = res; ai != NULL; ai = ai->ai_next) {
        char addr[64];
        int err = 0, fl;
        socklen_t len = sizeof err;

        addr_text(ai->ai_addr, addr, sizeof addr);
        fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
        if (fd < 0)
            continue;
        fl = fcntl(fd, F_GETFL);
        if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) {
            err = errno;
        } else if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0 && errno != EINPROGRESS) {
            err = errno;
        } else {
            s->c.fd = fd;
            rc = wait_fd(s, POLLOUT, step_deadline(s));
            if (rc == 0) {
                fail("gave up (%s): no connection to %s port %s within %ld s",
                     max_time_reached(s) ? "--max-time reached" : "timed out", addr, port,
                     s->opt->timeout);
                err = -1;
                timed_out = 1;
            } else if (rc < 0) {
                err = errno;
            } else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0) {
                err = errno;
            }
        }
        if (err == 0) {
            s->sent_at = now_ms();      /* the greeting is timed from here */
            if (!s->opt->json) {
                char text[512];
                const char *args[2];

                args[0] = addr;
                args[1] = port;
                printf("%s-- %s%s%s%s\n", col(s, TV_DIM),
                       fill(text, sizeof text, L_PROBE_CONNECTED, args, 2),
                       s->opt->implicit_tls ? " " : "",
                       s->opt->implicit_tls ? tr(&lang, L_PROBE_IMPLICIT_TLS) : "",
                       col(s, TV_RESET));
            }
            break;
        }
        if (err > 0) {
            fail("connect to %s port %s: %s", addr, port, strerror(err));
            timed_out = 0;
        }
        close(fd);
        fd = -1;
        s->c.fd = -1;
        if (max_time_reached(s))
            break;
    }
    freeaddrinfo(res);
    s->c.fd = fd;
    if (fd < 0)
        set_end(s, timed_out ? END_DEADLINE : END_CONNECT_FAILED);
    return fd < 0 ? -1 : 0;
}

#ifdef HAVE_OPENSSL
/* OpenSSL's reason for the last failure, or @p otherwise. */
static const char *tls_error(const char *otherwise)
{
    unsigned long e = ERR_peek_last_error();
    const char *r = e != 0 ? ERR_reason_error_string(e) : NULL;

    return r != NULL ? r : otherwise;
}
#endif

/*
 * Read some bytes before @p until: > 0 read, 0 the server closed the
 * connection, -1 an error (reported), -2 the deadline passed (the caller says
 * what was being waited for).
 */
static long conn_read(struct session *s, char *buf, size_t cap, int64_t until)
{
    struct conn *c = &s->c;

    for (;;) {
        short want = POLLIN;
        int rc;

#ifdef HAVE_OPENSSL
        if (c->ssl != NULL) {
            int r;

            ERR_clear_error();
            r = SSL_read(c->ssl, buf, (int)(cap > 65536 ? 65536 : cap));
            if (r > 0)
                return r;
            switch (SSL_get_error(c->ssl, r)) {
            case SSL_ERROR_WANT_READ:
                break;
            case SSL_ERROR_WANT_WRITE:
                want = POLLOUT;
                break;
            case SSL_ERROR_ZERO_RETURN:
                return 0;
            case SSL_ERROR_SYSCALL:
                if (ERR_peek_error() == 0 && (r == 0 || errno == 0))
                    return 0;    /* closed without close_notify */
                /* fall through */
            default:
                fail("TLS read failed: %s", tls_error("connection lost"));
                set_end(s, END_CONNECTION_LOST);
                return -1;
            }
        } else
#endif
        {
            ssize_t n = recv(c->fd, buf, cap, 0);

            if (n >= 0)
                return (long)n;
            if (errno == EINTR)
                continue;
            if (errno != EAGAIN && errno != EWOULDBLOCK) {
                fail("recv: %s", strerror(errno));
                set_end(s, END_CONNECTION_LOST);
                return -1;
            }
        }
        rc = wait_fd(s, want, until);
        if (rc == 0)
            return -2;
        if (rc < 0) {
            fail("poll: %s", strerror(errno));
            set_end(s, END_LOCAL_ERROR);
            return -1;
        }
    }
}

/* Write all of p[0..n) before @p until: 0, or -1 (reported). */
static int conn_write(struct session *s, const char *p, size_t n, int64_t until)
{
    struct conn *c = &s->c;

    while (n > 0) {
        short want = POLLOUT;
        long w = 0;
        int rc;

#ifdef HAVE_OPENSSL
        if (c->ssl != NULL) {
            int r;

            ERR_clear_error();
            r = SSL_write(c->ssl, p, (int)(n > 65536 ? 65536 : n));
            if (r > 0) {
                w = r;
            } else {
                int e = SSL_get_error(c->ssl, r);

                if (e == SSL_ERROR_WANT_READ) {
                    want = POLLIN;
                } else if (e != SSL_ERROR_WANT_WRITE) {
                    fail("TLS write failed: %s", tls_error("connection lost"));
                    set_end(s, END_CONNECTION_LOST);
                    return -1;
                }
            }
        } else
#endif
        {
            ssize_t r = send(c->fd, p, n, MSG_NOSIGNAL);

            if (r >= 0) {
                w = (long)r;
            } else if (errno == EINTR) {
                continue;
            } else if (errno != EAGAIN && errno != EWOULDBLOCK) {
                fail("send: %s", strerror(errno));
                set_end(s, END_CONNECTION_LOST);
                return -1;
            }
        }
        if (w > 0) {
            p += w;
            n -= (size_t)w;
            continue;
        }
        rc = wait_fd(s, want, until);
        if (rc <= 0) {
            if (rc == 0)
                fail("gave up (%s): the server did not take what smtp-probe sent within %ld s",
                     max_time_reached(s) ? "--max-time reached" : "timed out", s->opt->timeout);
            else
                fail("poll: %s", strerror(errno));
            set_end(s, rc == 0 ? END_DEADLINE : END_LOCAL_ERROR);
            return -1;
        }
    }
    return 0;
}

/* What a reply answers, as messages name it: "greeting", "reply to EHLO x". */
static void waited_for(char *buf, size_t cap, const char *shown)
{
    char safe[MAX_ARG * 4 + 8];

    if (strcmp(shown, "CONNECT") == 0)
        snprintf(buf, cap, "greeting");
    else
        snprintf(buf, cap, "reply to %s", term_safe(safe, sizeof safe, shown));
}

/*
 * Read the next reply within one deadline (--timeout from now, or --max-time
 * if sooner), however the bytes trickle in. Bytes are fed to the parser in
 * whatever chunks arrived; bytes after a reply stay buffered for the next one.
 * A reply that goes past the parser's limits (lines per reply, octets per
 * line) ends the session: the server is not speaking SMTP. Returns 1 with a
 * reply, 0 when the server closed the connection, -1 on an error or a deadline
 * (reported; the session is broken).
 */
static int read_reply(struct session *s, const char *shown, struct smtpreply_reply *r)
{
    struct conn *c = &s->c;
    int64_t until = step_deadline(s);
    unsigned long received = 0;
    unsigned bad = 0;
    char what[MAX_ARG * 4 + 32];

    for (;;) {
        long n;

        while (c->in_off < c->in_len) {
            size_t used = 0;
            int rc = smtpreply_parser_feed(&c->parser, c->in + c->in_off, c->in_len - c->in_off,
                                           &used, r);

            if (c->record != NULL && used > 0)
                fwrite(c->in + c->in_off, 1, used, c->record);
            c->in_off += used;
            if (rc == SMTPREPLY_REPLY) {
                /* Its last line came with the bytes received at in_at. */
                s->reply_ms = c->in_at > s->sent_at ? c->in_at - s->sent_at : 0;
                return 1;
            }
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
                    json_tls(s);
                    fputs("}\n", stdout);
                } else {
                    printf("%sS: (malformed line %lu: %s: %s)%s\n", col(s, TV_RED),
                           (unsigned long)e.line, e.name, e.message, col(s, TV_RESET));
                }
                fflush(stdout);
                waited_for(what, sizeof what, shown);
                if (rc == SMTPREPLY_E_TOO_MANY_LINES || rc == SMTPREPLY_E_LINE_TOO_LONG) {
                    fail("gave up: the %s went past the parser's limit (%s: %s)", what, e.name,
                         rc == SMTPREPLY_E_TOO_MANY_LINES ? "too many lines in one reply"
                                                          : "a line longer than the limit");
                    stop_broken(s, END_PROTOCOL_ERROR);
                    return -1;
                }
                if (++bad > MAX_BAD_LINES) {
                    fail("gave up: more than %d malformed lines while waiting for the %s",
                         MAX_BAD_LINES, what);
                    stop_broken(s, END_PROTOCOL_ERROR);
                    return -1;
                }
            }
        }
        c->in_off = c->in_len = 0;
        n = conn_read(s, c->in, sizeof c->in, until);
        if (n == -2) {
            waited_for(what, sizeof what, shown);
            if (max_time_reached(s))
                fail("gave up (--max-time %ld s reached): no complete %s (%lu bytes of it "
                     "received)", s->opt->max_time, what, received);
            else
                fail("gave up (timed out): no complete %s within %ld s (%lu bytes of it "
                     "received)", what, s->opt->timeout, received);
            stop_broken(s, END_DEADLINE);
            return -1;
        }
        if (n <= 0) {
            if (n == 0) {
                s->closed = 1;
                set_end(s, END_CLOSED);
                if (received > 0 || smtpreply_parser_finish(&c->parser, NULL) == SMTPREPLY_E_INCOMPLETE)
                    fail("the server closed the connection in the middle of a reply");
                note_l(s, L_PROBE_NOTE_CLOSED, NULL, 0);
                return 0;
            }
            stop_broken(s, END_CONNECTION_LOST);    /* conn_read() said why */
            return -1;
        }
        received += (unsigned long)n;
        c->in_len = (size_t)n;
        c->in_at = now_ms();
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
    s->replies++;
    if (s->opt->json)
        print_json(s, shown, r, &v, caps);
    else
        print_human(s, r, &v);
    if (r->code >= 400 && !tolerated)
        s->refused = 1;
    if (r->code == 421) {
        s->closed = 1;          /* RFC 5321 3.8: the server closes the channel now */
        set_end(s, END_CLOSED);
    }
    if (command != SMTPREPLY_CMD_STARTTLS && says_tls_required(r, &v) && !s->tls
        && !s->tls_hint_shown) {
        s->tls_hint_shown = 1;
#ifdef HAVE_OPENSSL
        if (s->opt->starttls < 0)
            note_l(s, L_PROBE_NOTE_TLS_FIRST_RETRY, NULL, 0);
        else
            note_l(s, L_PROBE_NOTE_TLS_FIRST_NOT_OFFERED, NULL, 0);
#else
        note_l(s, L_PROBE_NOTE_TLS_FIRST_NO_OPENSSL, NULL, 0);
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
    s->sent_at = now_ms();
    if (n < 0 || (size_t)n >= sizeof buf) {
        fail("%s: the command line is too long", shown);
        memset(buf, 0, sizeof buf);
        stop_broken(s, END_LOCAL_ERROR);
        return 0;
    }
    if (conn_write(s, buf, (size_t)n, step_deadline(s)) < 0) {
        memset(buf, 0, sizeof buf);
        stop_broken(s, END_CONNECTION_LOST);    /* conn_write() said why */
        return 0;
    }
    memset(buf, 0, sizeof buf);     /* it may have held a secret */
    if (read_reply(s, shown, r) != 1)
        return 0;
    report(s, shown, command, r, NULL, tolerated);
    return r->code;
}

/* ---- TLS ------------------------------------------------------------ */

#ifdef HAVE_OPENSSL
/*
 * TLS on the connected socket: implicit (--tls, port 465) or after a 220 to
 * STARTTLS (RFC 3207). The certificate chain is verified against the system's
 * CA store (or --tls-ca), and the certificate must name the host: the DNS name
 * given (also sent as SNI, RFC 6066) or the IP address given, or the name of
 * --tls-name when the host is reached by another name or an address. --tls-insecure
 * skips the check, and everything the probe prints about TLS then says so.
 * The handshake has one deadline. 0 on success; -1 after reporting why (a
 * certificate that did not verify marks the session unsafe).
 */
static int start_tls(struct session *s)
{
    struct conn *c = &s->c;
    const struct options *o = s->opt;
    char host[256], shown[300];
    unsigned char addr[16];
    int64_t until;
    long verify;
    size_t hl;
    int is_ip;

    until = step_deadline(s);        /* the whole step: setup and handshake */
    if (c->in_off < c->in_len) {
        /* RFC 3207 5: bytes the server sent after its 220 came before TLS and must be
         * thrown away, or a man in the middle could inject replies (CVE-2011-0411). */
        char count[24];
        const char *args[1];

        snprintf(count, sizeof count, "%lu", (unsigned long)(c->in_len - c->in_off));
        args[0] = count;
        note_l(s, L_PROBE_NOTE_DISCARDING, args, 1);
        c->in_off = c->in_len = 0;
    }
    snprintf(host, sizeof host, "%s", o->tls_name != NULL ? o->tls_name : o->host);
    hl = strlen(host);
    if (hl > 1 && host[hl - 1] == '.')
        host[hl - 1] = '\0';         /* "mx.example.com." names mx.example.com */
    term_safe(shown, sizeof shown, host);
    is_ip = inet_pton(AF_INET, host, addr) == 1 || inet_pton(AF_INET6, host, addr) == 1;

    c->ctx = SSL_CTX_new(TLS_client_method());
    if (c->ctx == NULL) {
        fail("TLS: %s", tls_error("cannot create a context"));
        set_end(s, END_LOCAL_ERROR);
        return -1;
    }
#ifdef SSL_OP_IGNORE_UNEXPECTED_EOF
    SSL_CTX_set_options(c->ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
#endif
    SSL_CTX_set_mode(c->ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    if (o->tls_ca != NULL) {
        if (SSL_CTX_load_verify_locations(c->ctx, o->tls_ca, NULL) != 1) {
            char ca[300];

            fail("--tls-ca %s: cannot load CA certificates: %s",
                 term_safe(ca, sizeof ca, o->tls_ca), tls_error("no PEM certificate found"));
            set_end(s, END_LOCAL_ERROR);
            return -1;
        }
    } else if (SSL_CTX_set_default_verify_paths(c->ctx) != 1) {
        fail("TLS: cannot load the system's CA certificates: %s", tls_error("unknown error"));
        set_end(s, END_LOCAL_ERROR);
        return -1;
    }
    /* With --tls-insecure the chain and name are still checked, only not enforced,
     * so the output can say what would have failed. */
    SSL_CTX_set_verify(c->ctx, o->tls_insecure ? SSL_VERIFY_NONE : SSL_VERIFY_PEER, NULL);
    c->ssl = SSL_new(c->ctx);
    if (c->ssl == NULL) {
        fail("TLS: %s", tls_error("cannot create a session"));
        set_end(s, END_LOCAL_ERROR);
        return -1;
    }
    if (is_ip) {
        /* RFC 6066 3: no SNI for an address; the certificate must list the address. */
        if (X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(c->ssl), host) != 1) {
            fail("TLS: cannot check the certificate against %s", shown);
            set_end(s, END_LOCAL_ERROR);
            return -1;
        }
    } else {
        SSL_set_hostflags(c->ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
        if (SSL_set_tlsext_host_name(c->ssl, host) != 1 || SSL_set1_host(c->ssl, host) != 1) {
            fail("TLS: cannot check the certificate against %s", shown);
            set_end(s, END_LOCAL_ERROR);
            return -1;
        }
    }
    SSL_set_fd(c->ssl, c->fd);
    for (;;) {
        int r, e, rc;

        ERR_clear_error();
        r = SSL_connect(c->ssl);
        if (r == 1)
            break;
        e = SSL_get_error(c->ssl, r);
        if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
            rc = wait_fd(s, e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, until);
            if (rc > 0)
                continue;
            if (rc == 0)
                fail("gave up (%s): the TLS handshake did not finish within %ld s",
                     max_time_reached(s) ? "--max-time reached" : "timed out", o->timeout);
            else
                fail("poll: %s", strerror(errno));
            set_end(s, rc == 0 ? END_DEADLINE : END_LOCAL_ERROR);
            return -1;
        }
        verify = SSL_get_verify_result(c->ssl);
        if (!o->tls_insecure && verify != X509_V_OK) {
            fail("the server's certificate did not verify for %s: %s; not going on. "
                 "--tls-ca FILE trusts another CA, --tls-insecure skips the check",
                 shown, X509_verify_cert_error_string(verify));
            stop_unsafe(s, END_CERTIFICATE);
        } else {
            fail("TLS handshake failed: %s", tls_error("the server closed the connection"));
            set_end(s, END_TLS_FAILED);
        }
        return -1;
    }
    s->tls = 1;
    verify = SSL_get_verify_result(c->ssl);
    s->tls_verified = !o->tls_insecure && verify == X509_V_OK;
    {
        char suite[160], word[160], text[1024];
        const char *args[3];

        snprintf(suite, sizeof suite, "%s %s", SSL_get_version(c->ssl),
                 SSL_get_cipher_name(c->ssl));
        args[0] = suite;
        if (o->json) {
            args[1] = s->tls_verified ? shown : X509_verify_cert_error_string(verify);
            fprintf(stderr, "smtp-probe: %s\n",
                    fill(text, sizeof text, s->tls_verified ? L_PROBE_TLS_JSON_VERIFIED
                                                            : L_PROBE_TLS_JSON_NOT_VERIFIED,
                         args, 2));
        } else {
            text_view_label(&s->tv, L_PROBE_TLS);
            snprintf(word, sizeof word, "%s%s%s", col(s, s->tls_verified ? TV_GREEN : TV_YELLOW),
                     tr(&lang, s->tls_verified ? L_PROBE_VERIFIED : L_PROBE_NOT_VERIFIED),
                     col(s, TV_RESET));
            args[1] = word;
            args[2] = s->tls_verified ? shown : X509_verify_cert_error_string(verify);
            printf("%s\n", fill(text, sizeof text, s->tls_verified ? L_PROBE_TLS_VERIFIED
                                                                   : L_PROBE_TLS_NOT_VERIFIED,
                                 args, 3));
        }
    }
    fflush(stdout);
    return 0;
}
#endif

/* ---- the session steps ---------------------------------------------- */

/* EHLO, falling back to HELO when EHLO is refused. 1 on success. */
static int greet(struct session *s)
{
    struct smtpreply_reply r;
    char line[300], wire[304], shown[300];
    unsigned code;

    snprintf(line, sizeof line, "%s %s", s->opt->lmtp ? "LHLO" : "EHLO", s->helo);
    snprintf(wire, sizeof wire, "%s\r\n", line);
    show_command(s, line);
    s->sent_at = now_ms();
    if (conn_write(s, wire, strlen(wire), step_deadline(s)) < 0) {
        stop_broken(s, END_CONNECTION_LOST);    /* conn_write() said why */
        return 0;
    }
    if (read_reply(s, line, &r) != 1)
        return 0;
    s->have_caps = smtpreply_ehlo_parse(&r, &s->caps) == SMTPREPLY_OK;
    /* An EHLO refusal that HELO then fixes is not a refusal of the session;
     * LMTP has no HELO to fall back to (RFC 2033 4.1). */
    report(s, line, s->opt->lmtp ? SMTPREPLY_CMD_HELO : SMTPREPLY_CMD_EHLO, &r,
           s->have_caps ? &s->caps : NULL, !s->opt->lmtp && r.code >= 500 && r.code != 554);
    if (s->have_caps) {
        if (!s->opt->json)
            print_caps(s, &r, &s->caps);
        return 1;
    }
    if (r.code < 500 || r.code == 554 || s->opt->lmtp)
        return 0;               /* 4xx or 554: not a missing EHLO, the server said no */
    note_l(s, L_PROBE_NOTE_HELO, NULL, 0);
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

/*
 * May the password go out now? Only over TLS whose certificate and name were
 * verified, unless --allow-plaintext-auth says otherwise. When not, the
 * session ends before AUTH (exit 3) and the message says why.
 */
static int credentials_allowed(struct session *s)
{
    const struct options *o = s->opt;
    enum tool_label why;
    const char *args[1];

    if (s->tls && s->tls_verified)
        return 1;
    if (s->tls)
        why = L_PROBE_HOW_TLS_UNVERIFIED;
    else if (o->starttls < 0)
        why = L_PROBE_HOW_CLEAR_NO_STARTTLS;
    else if (s->starttls_refused)
        why = L_PROBE_HOW_CLEAR_REFUSED;
#ifndef HAVE_OPENSSL
    else if (s->have_caps && (s->caps.extensions & SMTPREPLY_EXT_STARTTLS))
        why = L_PROBE_HOW_CLEAR_NO_OPENSSL;
#endif
    else
        why = L_PROBE_HOW_CLEAR_NOT_OFFERED;
    if (o->allow_plaintext_auth) {
        args[0] = tr(&lang, why);
        note_l(s, L_PROBE_NOTE_PLAINTEXT_AUTH, args, 1);
        return 1;
    }
    fail("not sending the password %s; ending the session before AUTH "
         "(--allow-plaintext-auth sends it anyway, for test servers)", tr_en(why));
    stop_unsafe(s, END_AUTH_WITHOUT_TLS);
    return 0;
}

/*
 * The server answered 334 where the exchange should have ended: cancel with
 * "*" (RFC 4954 4), which it must refuse with 501. A server that answers 334
 * again would take any further line as an AUTH response, so the session ends
 * there without QUIT. Returns the code of the reply to "*", 0 when it ended.
 */
static unsigned auth_cancel(struct session *s, struct smtpreply_reply *r)
{
    unsigned code;

    note_l(s, L_PROBE_NOTE_AUTH_CANCEL, NULL, 0);
    code = exchange(s, "*", "* (cancel)", SMTPREPLY_CMD_AUTH, r, 1);
    if (code == 334) {
        fail("authentication did not complete: the server keeps answering 334; "
             "ending the session");
        s->no_quit = 1;
        return 0;
    }
    return code;
}

/*
 * AUTH PLAIN (RFC 4616), or LOGIN when only that is offered, and only when
 * the server offers AUTH at all. The secret never reaches the output, and the
 * buffers that held it are wiped. AUTH counts as done only with a 2xx reply.
 */
static void authenticate(struct session *s)
{
    const char *user = s->opt->user;
    size_t ulen = strlen(user);
    unsigned char raw[2 * MAX_SECRET + 3];
    char enc[4 * ((sizeof raw + 2) / 3) + 1], line[sizeof enc + 16];
    struct smtpreply_reply r;
    unsigned code;

    if (!s->have_caps || !(s->caps.extensions & SMTPREPLY_EXT_AUTH)) {
        fail("--auth: the server does not offer AUTH%s; not authenticating",
             s->tls ? "" : " (before TLS)");
        s->auth_failed = 1;
        return;
    }
    if (s->caps.auth & SMTPREPLY_AUTH_PLAIN) {
        /* authzid NUL authcid NUL passwd */
        raw[0] = '\0';
        memcpy(raw + 1, user, ulen);
        raw[1 + ulen] = '\0';
        memcpy(raw + 2 + ulen, secret, secret_len);
        base64(raw, ulen + secret_len + 2, enc);
        snprintf(line, sizeof line, "AUTH PLAIN %s", enc);
        code = exchange(s, line, "AUTH PLAIN ****", SMTPREPLY_CMD_AUTH, &r, 0);
        if (code == 334)  /* the server wants the response on its own line */
            code = exchange(s, enc, "****", SMTPREPLY_CMD_AUTH, &r, 0);
    } else if (s->caps.auth & SMTPREPLY_AUTH_LOGIN) {
        code = exchange(s, "AUTH LOGIN", "AUTH LOGIN", SMTPREPLY_CMD_AUTH, &r, 0);
        if (code == 334) {
            base64((const unsigned char *)user, ulen, enc);
            code = exchange(s, enc, "**** (user name)", SMTPREPLY_CMD_AUTH, &r, 0);
        }
        if (code == 334) {
            base64((const unsigned char *)secret, secret_len, enc);
            code = exchange(s, enc, "**** (password)", SMTPREPLY_CMD_AUTH, &r, 0);
        }
    } else {
        fail("--auth: the server offers AUTH, but not PLAIN or LOGIN, the mechanisms "
             "smtp-probe speaks; not authenticating");
        s->auth_failed = 1;
        return;
    }
    memset(raw, 0, sizeof raw);
    memset(enc, 0, sizeof enc);
    memset(line, 0, sizeof line);
    if (code == 334)
        code = auth_cancel(s, &r) == 0 ? 0 : 334;
    if (code / 100 != 2) {
        s->auth_failed = 1;
        if (code != 0)
            note_l(s, L_PROBE_NOTE_AUTH_INCOMPLETE, NULL, 0);
    }
}

static int send_message(struct session *s)
{
    char head[2048], stamp[64], fill[80];
    unsigned long body = 0;
    time_t now = time(NULL);
    struct tm tmv;
    int64_t until = step_deadline(s);   /* one deadline for the whole message */
    int n;

    gmtime_r(&now, &tmv);
    strftime(stamp, sizeof stamp, "%a, %d %b %Y %H:%M:%S +0000", &tmv);
    n = snprintf(head, sizeof head,
                 "From: <%s>\r\nTo: <%s>\r\nSubject: smtp-probe test message\r\nDate: %s\r\n"
                 "Message-ID: <%ld.%ld@smtp-probe.invalid>\r\n\r\n"
                 "This is a test message sent by smtp-probe. It may be discarded.\r\n",
                 s->opt->from ? s->opt->from : "", s->opt->nto ? s->opt->to[0] : "", stamp,
                 (long)now, (long)getpid());
    if (n < 0 || (size_t)n >= sizeof head || conn_write(s, head, (size_t)n, until) < 0)
        return -1;
    memset(fill, 'x', sizeof fill);
    fill[sizeof fill - 2] = '\r';
    fill[sizeof fill - 1] = '\n';
    body = (unsigned long)n;
    while (body < s->opt->data_size) {
        size_t chunk = sizeof fill;

        if (conn_write(s, fill, chunk, until) < 0)
            return -1;
        body += chunk;
    }
    s->sent_at = now_ms();   /* the replies to the data are timed from its end */
    return conn_write(s, ".\r\n", 3, until);
}

/* One reply after the message data: for the message (SMTP) or for one recipient (LMTP). */
static int data_end_reply(struct session *s, const char *rcpt)
{
    struct smtpreply_reply r;

    if (read_reply(s, "DATA_END", &r) != 1)
        return 0;
    if (rcpt != NULL && !s->opt->json) {
        text_view_label(&s->tv, L_PROBE_RECIPIENT);
        term_text(stdout, rcpt, strlen(rcpt));
        fputc('\n', stdout);
    }
    s->recipient = rcpt;
    report(s, "DATA_END", SMTPREPLY_CMD_DATA_END, &r, NULL, 0);
    s->recipient = NULL;
    return r.code != 421;
}

/*
 * MAIL, RCPT for each --to (pipelined when offered), DATA with --data, RSET;
 * --quit-after mail, rcpt or data ends it early, without RSET. In LMTP the
 * message gets one reply per accepted recipient, in RCPT order (RFC 2033 4.2).
 */
static void transaction(struct session *s)
{
    const struct options *o = s->opt;
    static char cmds[MAX_RCPTS + 1][MAX_ARG];
    static char out[(MAX_RCPTS + 1) * (MAX_ARG + 2)];
    static const char *accepted[MAX_RCPTS];
    size_t ncmd = 0, used = 0, i, naccepted = 0;
    int pipelined = s->have_caps && (s->caps.extensions & SMTPREPLY_EXT_PIPELINING);
    int mail_ok = 0;
    struct smtpreply_reply r;

    if (o->mail_size > 0)
        snprintf(cmds[ncmd++], MAX_ARG, "MAIL FROM:<%s> SIZE=%lu", o->from ? o->from : "",
                 o->mail_size);
    else
        snprintf(cmds[ncmd++], MAX_ARG, "MAIL FROM:<%s>", o->from ? o->from : "");
    if (o->quit_after != STAGE_MAIL) {
        for (i = 0; i < o->nto; i++)
            snprintf(cmds[ncmd++], MAX_ARG, "RCPT TO:<%s>", o->to[i]);
    }

    if (pipelined && ncmd > 1) {
        /* RFC 2920: the whole group in one write, replies read back in order. */
        for (i = 0; i < ncmd; i++)
            used += (size_t)snprintf(out + used, sizeof out - used, "%s\r\n", cmds[i]);
        if (!o->json)
        {
            char count[24], text[256];
            const char *args[1];

            snprintf(count, sizeof count, "%lu", (unsigned long)(ncmd - 1));
            args[0] = count;
            printf("%s-- %s%s\n", col(s, TV_DIM),
                   fill(text, sizeof text, L_PROBE_PIPELINING, args, 1), col(s, TV_RESET));
        }
        s->sent_at = now_ms();      /* every reply of the group is timed from this write */
        if (conn_write(s, out, used, step_deadline(s)) < 0) {
            stop_broken(s, END_CONNECTION_LOST);    /* conn_write() said why */
            return;
        }
        for (i = 0; i < ncmd; i++) {
            show_command(s, cmds[i]);
            if (read_reply(s, cmds[i], &r) != 1)
                return;
            report(s, cmds[i], i == 0 ? SMTPREPLY_CMD_MAIL : SMTPREPLY_CMD_RCPT, &r, NULL, 0);
            if (r.code / 100 == 2 && i == 0)
                mail_ok = 1;
            else if (r.code / 100 == 2)
                accepted[naccepted++] = o->to[i - 1];
            if (r.code == 421)
                return;
        }
    } else {
        for (i = 0; i < ncmd; i++) {
            unsigned code = exchange(s, cmds[i], cmds[i],
                                     i == 0 ? SMTPREPLY_CMD_MAIL : SMTPREPLY_CMD_RCPT, &r, 0);

            if (code == 0 || code == 421)
                return;
            if (code / 100 == 2 && i == 0)
                mail_ok = 1;
            else if (code / 100 == 2)
                accepted[naccepted++] = o->to[i - 1];
            if (i == 0 && !mail_ok)
                break;          /* no RCPT without a sender */
        }
    }
    if (o->quit_after == STAGE_MAIL || o->quit_after == STAGE_RCPT)
        return;
    if (o->data && mail_ok && naccepted > 0) {
        unsigned code = exchange(s, "DATA", "DATA", SMTPREPLY_CMD_DATA, &r, 0);

        if (code == 0 || code == 421)
            return;
        if (code == 354) {
            show_command(s, "DATA_END");
            /* A server may answer (552) and stop reading before the end: read anyway. */
            if (send_message(s) < 0)
                note_l(s, L_PROBE_NOTE_DATA_STOPPED, NULL, 0);
            if (!o->lmtp) {
                if (!data_end_reply(s, NULL))
                    return;
            } else {
                for (i = 0; i < naccepted; i++) {
                    if (!data_end_reply(s, accepted[i]))
                        return;
                }
            }
        }
    } else if (o->data) {
        note_l(s, mail_ok ? L_PROBE_NOTE_NO_DATA_RCPT : L_PROBE_NOTE_NO_DATA_SENDER, NULL, 0);
    }
    if (o->quit_after == STAGE_DATA)
        return;
    exchange(s, "RSET", "RSET", SMTPREPLY_CMD_RSET, &r, 0);
}

/*
 * How the session ended: what stopped it (set_end() keeps the one with the
 * highest exit status), else what the server said along the way. Its exit
 * status is the session's.
 */
static enum ending final_ending(const struct session *s)
{
    if (s->end != END_NONE)
        return s->end;
    if (s->broken)
        return END_LOCAL_ERROR;     /* every breaking path names its ending; never 0 here */
    if (s->auth_failed)
        return END_AUTH_FAILED;
    if (s->refused)
        return END_REFUSED;
    if (s->closed)
        return END_CLOSED;
    return END_COMPLETED;
}

/* The whole session; closing() then says how it ended. */
static void session(struct session *s)
{
    const struct options *o = s->opt;
    struct smtpreply_reply r;

    if (o->max_time > 0)
        s->session_end = now_ms() + (int64_t)o->max_time * 1000;
    if (open_connection(s) < 0)
        return;
    smtpreply_parser_init(&s->c.parser, s->c.text, sizeof s->c.text);
#ifdef HAVE_OPENSSL
    if (o->implicit_tls && start_tls(s) < 0) {
        s->broken = 1;          /* start_tls() said why and set the ending */
        goto done;
    }
#endif
    if (read_reply(s, "CONNECT", &r) != 1)
        goto done;
    report(s, "CONNECT", SMTPREPLY_CMD_CONNECT, &r, NULL, 0);
    if (r.code != 220) {
        /* RFC 5321 3.1: after a 554 greeting the client should still QUIT. */
        goto quit;
    }
    if (o->quit_after == STAGE_CONNECT)
        goto quit;
    if (!greet(s))
        goto quit;
    /* With implicit TLS the tls stage is over once EHLO has been answered over it. */
    if (o->quit_after == STAGE_EHLO || (o->quit_after == STAGE_TLS && o->implicit_tls))
        goto quit;

    if (!o->implicit_tls) {
        int offered = s->have_caps && (s->caps.extensions & SMTPREPLY_EXT_STARTTLS);

        if (o->starttls > 0 && !offered) {
            fail("%s: the server does not offer STARTTLS; ending the session before AUTH",
                 o->quit_after == STAGE_TLS ? "--quit-after tls" : "--starttls");
            stop_unsafe(s, END_STARTTLS_NOT_OFFERED);
            goto quit;
        }
        if (offered && o->starttls >= 0) {
#ifdef HAVE_OPENSSL
            unsigned code = exchange(s, "STARTTLS", "STARTTLS", SMTPREPLY_CMD_STARTTLS, &r, 0);

            if (code == 0)
                goto done;
            if (code != 220) {
                s->starttls_refused = 1;
                if (o->starttls > 0) {
                    fail("%s: the server refused STARTTLS (%u); ending the session before AUTH",
                         o->quit_after == STAGE_TLS ? "--quit-after tls" : "--starttls", code);
                    stop_unsafe(s, END_STARTTLS_REFUSED);
                    goto quit;
                }
                if (!s->closed)
                    note_l(s, o->user != NULL ? L_PROBE_NOTE_STARTTLS_REFUSED_AUTH
                                              : L_PROBE_NOTE_STARTTLS_REFUSED, NULL, 0);
            } else {
                if (start_tls(s) < 0) {
                    s->broken = 1;      /* start_tls() said why and set the ending */
                    goto done;
                }
                /* RFC 3207 4.2: forget what was learned before TLS and ask again. */
                memset(&s->caps, 0, sizeof s->caps);
                s->have_caps = 0;
                if (!greet(s) || o->quit_after == STAGE_TLS)
                    goto quit;
            }
#else
            note_l(s, L_PROBE_NOTE_STARTTLS_NO_OPENSSL, NULL, 0);
#endif
        }
    }
    if (s->closed || s->broken)
        goto done;
    if (o->user != NULL) {
        if (!credentials_allowed(s))
            goto quit;
        authenticate(s);
    }
    if (s->closed || s->broken || s->no_quit)
        goto done;
    if (o->quit_after == STAGE_AUTH)
        goto quit;
    if (o->from != NULL || o->nto > 0)
        transaction(s);
quit:
    if (!s->closed && !s->broken && !s->no_quit)
        exchange(s, "QUIT", "QUIT", SMTPREPLY_CMD_QUIT, &r, 0);
done:
    return;
}

/* ---- the password ---------------------------------------------------- */

static volatile sig_atomic_t prompt_signal;

static void on_prompt_signal(int sig)
{
    prompt_signal = sig;
}

/* Keep one line of @p n bytes as the password: 0, or -1 after saying why. */
static int take_secret(const char *from, const char *p, size_t n)
{
    if (n > 0 && p[n - 1] == '\r')
        n--;
    if (n > MAX_SECRET || memchr(p, '\0', n) != NULL) {
        fail("%s: the password must be at most %d bytes, without NUL", from, MAX_SECRET);
        return -1;
    }
    memcpy(secret, p, n);
    secret[n] = '\0';
    secret_len = n;
    return 0;
}

/* The first line of FILE ("-": standard input). */
static int read_password_file(const char *path)
{
    char buf[MAX_SECRET + 3], shown[300];
    size_t n = 0;
    struct stat st;
    int fd = strcmp(path, "-") == 0 ? STDIN_FILENO : open(path, O_RDONLY);
    int rc;

    term_safe(shown, sizeof shown, path);
    if (fd < 0) {
        fail("--password-file %s: %s", shown, strerror(errno));
        return -1;
    }
    if (fd != STDIN_FILENO && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 077))
        fprintf(stderr, "smtp-probe: warning: %s can be read by other users (mode %03o); "
                "chmod 600 it\n", shown, (unsigned)(st.st_mode & 0777));
    while (n < sizeof buf) {
        ssize_t got = read(fd, buf + n, sizeof buf - n);

        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            fail("--password-file %s: %s", shown, strerror(errno));
            if (fd != STDIN_FILENO)
                close(fd);
            memset(buf, 0, sizeof buf);
            return -1;
        }
        if (got == 0 || memchr(buf + n, '\n', (size_t)got) != NULL) {
            n += (size_t)got;
            break;
        }
        n += (size_t)got;
    }
    if (fd != STDIN_FILENO)
        close(fd);
    {
        char *nl = memchr(buf, '\n', n);

        if (nl != NULL)
            n = (size_t)(nl - buf);
        else if (n == sizeof buf)
            n = sizeof buf;       /* too long: take_secret() says so */
    }
    rc = take_secret("--password-file", buf, n);
    memset(buf, 0, sizeof buf);
    return rc;
}

/*
 * Ask on the terminal with echo off. A signal during the prompt restores the
 * terminal before the program ends, so it is never left without echo.
 */
static int prompt_password(const char *user)
{
    static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
    struct sigaction sa, old[4];
    struct termios saved, quiet;
    char buf[MAX_SECRET + 2], shown[600];
    size_t n = 0, i;
    int too_long = 0, rc = 0;

    if (tcgetattr(STDIN_FILENO, &saved) != 0) {
        fail("cannot read the terminal's settings: %s", strerror(errno));
        return -1;
    }
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_prompt_signal;   /* no SA_RESTART: read() returns */
    sigemptyset(&sa.sa_mask);
    for (i = 0; i < 4; i++)
        sigaction(sigs[i], &sa, &old[i]);
    quiet = saved;
    quiet.c_lflag &= (tcflag_t) ~(ECHO | ECHONL);
    /* Echo off first, then the prompt: nothing typed after the prompt is shown. */
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    fprintf(stderr, "Password for %s: ", term_safe(shown, sizeof shown, user));
    fflush(stderr);
    for (;;) {
        char ch;
        ssize_t got = read(STDIN_FILENO, &ch, 1);

        if (got < 0 && errno == EINTR && !prompt_signal)
            continue;
        if (got <= 0 || ch == '\n')
            break;
        if (n < sizeof buf)
            buf[n++] = ch;
        else
            too_long = 1;
    }
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
    fputc('\n', stderr);
    for (i = 0; i < 4; i++)
        sigaction(sigs[i], &old[i], NULL);
    if (prompt_signal) {
        memset(buf, 0, sizeof buf);
        signal(prompt_signal, SIG_DFL);
        raise(prompt_signal);
        return -1;
    }
    if (too_long)
        n = sizeof buf;
    rc = take_secret("the password", buf, n);
    memset(buf, 0, sizeof buf);
    return rc;
}

/*
 * The password for --auth USER, from (first that applies): USER:PASS on the
 * command line (with a warning: every user of the machine can read a
 * process's arguments), --password-file, SMTP_PROBE_PASSWORD, a prompt when
 * standard input is a terminal. The copy in argv is overwritten, which
 * shortens the time it can be seen, but not to nothing.
 */
static int get_password(struct options *o, char *auth_arg)
{
    char *colon = strchr(auth_arg, ':');
    const char *env = getenv("SMTP_PROBE_PASSWORD");

    if ((colon != NULL ? (size_t)(colon - auth_arg) : strlen(auth_arg)) > MAX_SECRET) {
        fail("--auth: the user name must be at most %d bytes", MAX_SECRET);
        return -1;
    }

    if (colon != NULL) {
        int rc;

        if (o->password_file != NULL) {
            fail("--auth USER:PASS and --password-file both give a password; keep one");
            return -1;
        }
        *colon = '\0';
        rc = take_secret("--auth", colon + 1, strlen(colon + 1));
        memset(colon + 1, '*', strlen(colon + 1));
        o->user = auth_arg;
        fprintf(stderr, "smtp-probe: warning: a password on the command line can be read by "
                "other users of this machine (ps, /proc/PID/cmdline); use --password-file, "
                "SMTP_PROBE_PASSWORD or the prompt\n");
        return rc;
    }
    o->user = auth_arg;
    if (o->password_file != NULL)
        return read_password_file(o->password_file);
    if (env != NULL) {
        int rc = take_secret("SMTP_PROBE_PASSWORD", env, strlen(env));

        unsetenv("SMTP_PROBE_PASSWORD");
        return rc;
    }
    if (isatty(STDIN_FILENO))
        return prompt_password(o->user);
    fail("--auth %s: no password: give --password-file FILE, set SMTP_PROBE_PASSWORD, or "
         "run on a terminal to be asked", o->user);
    return -1;
}

/* ---- command line --------------------------------------------------- */

static void usage(FILE *f)
{
    fputs("usage: smtp-probe [options] HOST [PORT]\n"
          "       smtp-probe [options] HOST:PORT | [ADDRESS]:PORT\n"
          "Talk to an SMTP (or LMTP) server and show every reply parsed, classified and\n"
          "timed. HOST is a name or an address; an IPv6 address with a port is written\n"
          "[ADDRESS]:PORT. PORT is 1 to 65535 (default 25; 465 means implicit TLS).\n"
          "  --json                one JSON object per reply, and one closing object saying\n"
          "                        how the session ended (notes go to standard error)\n"
          "  --auth USER[:PASS]    authenticate (PLAIN, or LOGIN); the password comes from\n"
          "                        --password-file, SMTP_PROBE_PASSWORD or a prompt; :PASS on\n"
          "                        the command line works but other users can read it\n"
          "  --password-file FILE  the password is FILE's first line ('-': standard input)\n"
          "  --allow-plaintext-auth  send credentials without verified TLS (test servers)\n"
          "  --from ADDR, --to ADDR...  a test transaction (MAIL, RCPT, RSET)\n"
          "  --data, --data-size BYTES  also send a test message; --size BYTES: SIZE= on MAIL\n"
          "  --timeout SECS        deadline for one whole reply, one TLS handshake, one\n"
          "                        connect, one write (default 30)\n"
          "  --max-time SECS       deadline for the whole session (default none)\n"
          "  --starttls            require STARTTLS (default: use it when offered)\n"
          "  --no-starttls         never start TLS\n"
          "  --tls                 implicit TLS from the first byte (default on port 465)\n"
          "  --tls-ca FILE         trust the CA certificates in FILE (PEM) instead of the\n"
          "                        system's\n"
          "  --tls-insecure        do not verify the certificate (said on every TLS line)\n"
          "  --tls-name NAME       the name the certificate must hold, also sent as SNI\n"
          "                        (default HOST): for a server reached by its address\n"
          "  --lmtp                speak LMTP (RFC 2033): LHLO, and one reply per accepted\n"
          "                        recipient after the message; needs a PORT\n"
          "  --quit-after STAGE    send QUIT after STAGE: connect, ehlo (lhlo), tls, auth,\n"
          "                        mail, rcpt or data\n"
          "  --lang LANG           the language of what is shown (default: LC_ALL,\n"
          "                        LC_MESSAGES or LANG)\n"
          "  --helo NAME           the name sent with EHLO, HELO or LHLO\n"
          "  --record FILE         save every byte the server sent to FILE\n"
          "  --version             the versions of smtp-probe, the library and TLS\n"
          "  --help                this text\n"
          "The last line (or JSON object) names how the session ended, with its exit\n"
          "status: 0 completed (everything accepted); 1 refused, auth-failed, closed;\n"
          "2 deadline, resolve-failed, connect-failed, connection-lost, tls-failed,\n"
          "protocol-error, local-error, and usage errors; 3 stopped for safety before\n"
          "anything secret was sent: certificate-not-verified, starttls-not-offered,\n"
          "starttls-refused, auth-without-tls.\n",
          f);
}

/* Text from the command line that will be sent or shown: printable UTF-8 only. */
static int clean_arg(const char *what, const char *v, size_t max)
{
    const unsigned char *p = (const unsigned char *)v;
    size_t n = strlen(v), i = 0, k, bad;
    uint32_t cp;

    while (i < n) {
        k = utf8_next(p + i, n - i, &cp, &bad);
        if (k == 0 || is_unsafe_char(cp)) {
            fail("%s: printable UTF-8 only (no control characters or line breaks)", what);
            return 0;
        }
        i += k;
    }
    if (n > max) {
        fail("%s: at most %lu bytes", what, (unsigned long)max);
        return 0;
    }
    return 1;
}

/*
 * --tls-name: a DNS name (letters, digits, '-', '.', '_'; at most 253 bytes;
 * a final dot allowed) or an IP address, which the certificate must hold.
 */
static int tls_name_ok(const char *v)
{
    size_t n = strlen(v), i;
    char shown[300];

    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)v[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '.' || c == '_' || c == ':'))
            break;
    }
    if (strchr(v, ':') != NULL) {
        unsigned char addr[16];
        if (inet_pton(AF_INET6, v, addr) != 1)
            i = 0;                         /* only an IPv6 address holds a ':' */
    }
    if (n == 0 || n > 253 || i < n || v[0] == '.' || v[0] == '-') {
        fail("--tls-name %s: a host name (mx.example.com) or an IP address",
             term_safe(shown, sizeof shown, v));
        return 0;
    }
    return 1;
}

static int parse_ulong(const char *what, const char *v, unsigned long *out)
{
    char *end;

    errno = 0;
    if (v[0] < '0' || v[0] > '9') {
        fail("%s: not a number", what);
        return 0;
    }
    *out = strtoul(v, &end, 10);
    if (errno != 0 || *end != '\0') {
        fail("%s: not a number", what);
        return 0;
    }
    return 1;
}

/* --quit-after STAGE; "lhlo" is "ehlo" by its LMTP name. */
static int parse_stage(const char *v, enum stage *out)
{
    size_t i;
    char shown[64];

    if (strcmp(v, "lhlo") == 0)
        v = "ehlo";
    for (i = 1; i < sizeof stage_names / sizeof stage_names[0]; i++) {
        if (strcmp(v, stage_names[i]) == 0) {
            *out = (enum stage)i;
            return 1;
        }
    }
    fail("--quit-after %s: no such stage (connect, ehlo, lhlo, tls, auth, mail, rcpt, data)",
         term_safe(shown, sizeof shown, v));
    return 0;
}

/*
 * A stage the session would never reach with the options given is a usage
 * error, not a silent full session. tls requires TLS as --starttls does.
 */
static int check_stage(struct options *o, int auth)
{
    switch (o->quit_after) {
    case STAGE_TLS:
        if (o->starttls < 0) {
            fail("--quit-after tls needs TLS, and --no-starttls refuses it");
            return 0;
        }
        if (!o->implicit_tls)
            o->starttls = 1;
        return 1;
    case STAGE_AUTH:
        if (!auth) {
            fail("--quit-after auth needs --auth USER");
            return 0;
        }
        return 1;
    case STAGE_MAIL:
        if (o->from == NULL && o->nto == 0) {
            fail("--quit-after mail needs --from or --to");
            return 0;
        }
        return 1;
    case STAGE_RCPT:
        if (o->nto == 0) {
            fail("--quit-after rcpt needs --to");
            return 0;
        }
        return 1;
    case STAGE_DATA:
        if (!o->data || o->nto == 0) {
            fail("--quit-after data needs --data (or --data-size) and --to");
            return 0;
        }
        return 1;
    default:
        return 1;
    }
}

/* PORT: digits only, 1 to 65535, kept without leading zeros. */
static int parse_port(struct options *o, const char *v)
{
    unsigned long n = 0;
    size_t i;
    char shown[64];

    term_safe(shown, sizeof shown, v);
    if (v[0] == '\0') {
        fail("PORT is empty (digits only, 1 to 65535)");
        return 0;
    }
    for (i = 0; v[i] != '\0'; i++) {
        if (v[i] < '0' || v[i] > '9') {
            fail("PORT %s: not a number (digits only, 1 to 65535)", shown);
            return 0;
        }
        if (n <= 65535)                 /* stops growing once out of range: no overflow */
            n = n * 10 + (unsigned long)(v[i] - '0');
    }
    if (n < 1 || n > 65535) {
        fail("PORT %s: out of range (1 to 65535)", shown);
        return 0;
    }
    snprintf(o->port_buf, sizeof o->port_buf, "%lu", n);
    o->port = o->port_buf;
    return 1;
}

/* Is h (n bytes) an IPv6 address, with or without a zone ("fe80::1%eth0")? */
static int is_ipv6(const char *h, size_t n)
{
    char addr[64];
    unsigned char bin[16];
    size_t zone = strcspn(h, "%");

    if (zone > n)
        zone = n;
    if (zone >= sizeof addr)
        return 0;
    memcpy(addr, h, zone);
    addr[zone] = '\0';
    return inet_pton(AF_INET6, addr, bin) == 1;
}

/*
 * The target: HOST, HOST:PORT, [ADDRESS], [ADDRESS]:PORT, or a bare IPv6
 * address (its colons are the address's, so it carries no port); PORT may
 * come as an argument of its own instead. The brackets are those of SMTP's
 * address literals (RFC 5321 4.1.3) and of URLs (RFC 3986 3.2.2).
 */
static int parse_target(struct options *o, const char *target, const char *port_arg)
{
    const char *host = target, *port = NULL, *colon;
    size_t hl = strlen(target);
    char shown[300];

    term_safe(shown, sizeof shown, target);
    if (target[0] == '[') {
        const char *close = strchr(target, ']');
        unsigned char bin[16];
        char v4[64];

        if (close == NULL) {
            fail("HOST %s: no closing ] (write [ADDRESS] or [ADDRESS]:PORT)", shown);
            return 0;
        }
        host = target + 1;
        hl = (size_t)(close - host);
        if (close[1] == ':') {
            port = close + 2;
        } else if (close[1] != '\0') {
            fail("HOST %s: after ] only :PORT may follow", shown);
            return 0;
        }
        if (hl == 0) {
            fail("HOST is empty in %s", shown);
            return 0;
        }
        snprintf(v4, sizeof v4, "%.*s", (int)(hl < sizeof v4 ? hl : sizeof v4 - 1), host);
        if (!is_ipv6(host, hl) && (hl >= sizeof v4 || inet_pton(AF_INET, v4, bin) != 1)) {
            fail("HOST %s: not an IP address inside [ ] (a name is written without brackets: "
                 "NAME:PORT)", shown);
            return 0;
        }
    } else if ((colon = strchr(target, ':')) != NULL && strchr(colon + 1, ':') != NULL) {
        if (!is_ipv6(target, hl)) {
            fail("HOST %s: not an IPv6 address (an IPv6 address with a port is written "
                 "[ADDRESS]:PORT)", shown);
            return 0;
        }
    } else if (colon != NULL) {
        hl = (size_t)(colon - target);
        port = colon + 1;
    }
    if (hl == 0) {
        fail("HOST is empty in %s", shown);
        return 0;
    }
    if (hl >= sizeof o->host_buf) {
        fail("HOST: at most %lu bytes", (unsigned long)sizeof o->host_buf - 1);
        return 0;
    }
    memcpy(o->host_buf, host, hl);
    o->host_buf[hl] = '\0';
    o->host = o->host_buf;
    if (port != NULL && port_arg != NULL) {
        char p2[64];

        fail("HOST %s and PORT %s: the port is given twice", shown,
             term_safe(p2, sizeof p2, port_arg));
        return 0;
    }
    if (port == NULL)
        port = port_arg;
    o->port_given = port != NULL;
    return parse_port(o, port != NULL ? port : "25");
}

static int parse_args(int argc, char **argv, struct options *o, char **auth_arg)
{
    int i, npos = 0;
    unsigned long ul;
    char shown[300];
    const char *target = NULL, *port_arg = NULL;

    o->timeout = 30;
    (void)i18n_select(&lang, i18n_env());      /* an unknown LANG means English */
    o->lang = i18n_name(&lang);
    for (i = 1; i < argc; i++) {
        char *a = argv[i];
        char *v = i + 1 < argc ? argv[i + 1] : NULL;
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
        } else if (strcmp(a, "--tls") == 0) {
            o->implicit_tls = 1;
            takes = 0;
        } else if (strcmp(a, "--tls-insecure") == 0) {
            o->tls_insecure = 1;
            takes = 0;
        } else if (strcmp(a, "--allow-plaintext-auth") == 0) {
            o->allow_plaintext_auth = 1;
            takes = 0;
        } else if (strcmp(a, "--lmtp") == 0) {
            o->lmtp = 1;
            takes = 0;
        } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            exit(EXIT_DONE);
        } else if (strcmp(a, "--version") == 0) {
#ifdef HAVE_OPENSSL
            printf("smtp-probe (smtpreply %s), TLS: %s\n", smtpreply_version(),
                   OpenSSL_version(OPENSSL_VERSION));
#else
            printf("smtp-probe (smtpreply %s), TLS: not built in\n", smtpreply_version());
#endif
            exit(EXIT_DONE);
        } else if (a[0] == '-' && a[1] == '-' && a[2] != '\0') {
            term_safe(shown, sizeof shown, a);
            if (v == NULL) {
                fail("%s needs a value", shown);
                return 0;
            }
            if (strcmp(a, "--auth") == 0) {
                if (!clean_arg(a, v, 2 * MAX_SECRET + 1))
                    return 0;
                *auth_arg = v;
            } else if (strcmp(a, "--password-file") == 0) {
                o->password_file = v;
            } else if (strcmp(a, "--tls-ca") == 0) {
                o->tls_ca = v;
            } else if (strcmp(a, "--tls-name") == 0) {
                if (!tls_name_ok(v))
                    return 0;
                o->tls_name = v;
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
                if (i18n_select(&lang, v) != 0) {
                    char langs[128];

                    i18n_list(langs, sizeof langs);
                    fail("--lang %s: no such language (%s)", term_safe(shown, sizeof shown, v),
                         langs);
                    return 0;
                }
                o->lang = i18n_name(&lang);
            } else if (strcmp(a, "--record") == 0) {
                o->record = v;
            } else if (strcmp(a, "--quit-after") == 0) {
                if (!parse_stage(v, &o->quit_after))
                    return 0;
            } else if (strcmp(a, "--timeout") == 0) {
                if (!parse_ulong(a, v, &ul) || ul == 0 || ul > 3600) {
                    fail("--timeout: 1 to 3600 seconds");
                    return 0;
                }
                o->timeout = (long)ul;
            } else if (strcmp(a, "--max-time") == 0) {
                if (!parse_ulong(a, v, &ul) || ul == 0 || ul > 86400) {
                    fail("--max-time: 1 to 86400 seconds");
                    return 0;
                }
                o->max_time = (long)ul;
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
                fail("unknown option %s", shown);
                return 0;
            }
        } else {
            takes = 0;
            if (npos == 0) {
                target = a;
            } else if (npos == 1) {
                port_arg = a;
            } else {
                fail("unexpected argument %s", term_safe(shown, sizeof shown, a));
                return 0;
            }
            npos++;
        }
        i += takes;
    }
    if (target == NULL) {
        fail("no HOST given");
        return 0;
    }
    if (!clean_arg("HOST", target, 262) || !parse_target(o, target, port_arg))
        return 0;
    if (o->lmtp && !o->port_given) {
        fail("--lmtp needs a PORT: LMTP has no standard TCP port (RFC 2033 keeps it off port "
             "25; 24 is a common choice), so give it as HOST:PORT or HOST PORT");
        return 0;
    }
    /* RFC 8314 3.3: submission over implicit TLS listens on port 465. */
    if (strcmp(o->port, "465") == 0)
        o->implicit_tls = 1;
    if (!check_stage(o, *auth_arg != NULL))
        return 0;
    if (o->implicit_tls && o->starttls > 0) {
        fail("--starttls: TLS is implicit here (--tls or port 465); STARTTLS does not apply");
        return 0;
    }
    if (o->tls_insecure && o->tls_ca != NULL) {
        fail("--tls-insecure and --tls-ca: choose one");
        return 0;
    }
    if (o->tls_name != NULL && o->starttls < 0 && !o->implicit_tls) {
        fail("--tls-name names the certificate of a TLS session, and --no-starttls refuses TLS");
        return 0;
    }
    if (o->password_file != NULL && *auth_arg == NULL) {
        fail("--password-file needs --auth USER");
        return 0;
    }
#ifndef HAVE_OPENSSL
    /* Anything that needs TLS is refused up front, never quietly done without it. */
    if (o->implicit_tls || o->starttls > 0 || o->tls_ca != NULL || o->tls_insecure ||
        o->tls_name != NULL) {
        fail("%s needs TLS, and this smtp-probe was built without OpenSSL",
             o->quit_after == STAGE_TLS ? "--quit-after tls"
             : o->starttls > 0 ? "--starttls" : o->tls_ca != NULL ? "--tls-ca"
             : o->tls_insecure ? "--tls-insecure" : o->tls_name != NULL ? "--tls-name"
             : "implicit TLS (--tls or port 465)");
        return 0;
    }
    if (*auth_arg != NULL && !o->allow_plaintext_auth) {
        fail("--auth sends a password, which needs TLS, and this smtp-probe was built "
             "without OpenSSL (--allow-plaintext-auth sends it in clear text, for test "
             "servers)");
        return 0;
    }
#endif
    return 1;
}

/*
 * The session's last word: in the readable view a line with the ending's
 * words, its name and the exit status; with --json one closing object
 * {"end","exit","message","replies"[,"quit_after"][,"tls"]}. Returns the
 * exit status.
 */
static int closing(struct session *s)
{
    const struct options *o = s->opt;
    enum ending e = final_ending(s);
    enum tool_label words = endings[e].words;
    const char *args[1];
    char text[512];
    int insecure = s->tls && !s->tls_verified;

    args[0] = stage_names[o->quit_after];
    if (e == END_COMPLETED && o->quit_after != STAGE_NONE)
        words = L_PROBE_END_QUIT_AFTER;
    if (o->json) {
        i18n_compose(text, sizeof text, tr_en(words), args, 1);
        printf("{\"end\":\"%s\",\"exit\":%d,\"message\":", endings[e].name, endings[e].exit);
        json_cstring(stdout, text);
        printf(",\"replies\":%lu", s->replies);
        if (o->quit_after != STAGE_NONE)
            printf(",\"quit_after\":\"%s\"", stage_names[o->quit_after]);
        json_tls(s);
        fputs("}\n", stdout);
    } else {
        fill(text, sizeof text, words, args, 1);
        printf("%s-- %s%s%s [%s, exit %d]%s\n", col(s, TV_DIM), text, insecure ? " " : "",
               insecure ? tr(&lang, L_PROBE_END_TLS_NOT_VERIFIED) : "", endings[e].name,
               endings[e].exit, col(s, TV_RESET));
    }
    fflush(stdout);
    return endings[e].exit;
}

int main(int argc, char **argv)
{
    static struct options opt;
    static struct session s;
    char *auth_arg = NULL;

    if (!parse_args(argc, argv, &opt, &auth_arg)) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (auth_arg != NULL && get_password(&opt, auth_arg) < 0)
        return EXIT_USAGE;
    signal(SIGPIPE, SIG_IGN);
    s.opt = &opt;
    s.c.fd = -1;
    s.tv.out = stdout;
    s.tv.colour = !opt.json && isatty(STDOUT_FILENO) && getenv("NO_COLOR") == NULL;
    s.tv.lang = opt.lang;
    s.tv.labels = &lang;
    if (opt.helo != NULL) {
        snprintf(s.helo, sizeof s.helo, "%s", opt.helo);
    } else if (gethostname(s.helo, sizeof s.helo - 1) != 0 || s.helo[0] == '\0'
               || strchr(s.helo, '.') == NULL || !utf8_valid(s.helo, strlen(s.helo))
               || strpbrk(s.helo, " \r\n") != NULL) {
        /* RFC 5321 4.1.4: a domain, or an address literal when there is none. */
        snprintf(s.helo, sizeof s.helo, "smtp-probe.invalid");
    }
    if (opt.record != NULL) {
        s.c.record = fopen(opt.record, "wb");
        if (s.c.record == NULL) {
            char shown[300];

            fail("%s: %s", term_safe(shown, sizeof shown, opt.record), strerror(errno));
            memset(secret, 0, sizeof secret);
            return EXIT_USAGE;
        }
    }
    session(&s);
    memset(secret, 0, sizeof secret);
#ifdef HAVE_OPENSSL
    if (s.c.ssl != NULL) {
        if (!s.broken)
            SSL_shutdown(s.c.ssl);   /* one close_notify, no waiting for the server's */
        SSL_free(s.c.ssl);
    }
    if (s.c.ctx != NULL)
        SSL_CTX_free(s.c.ctx);
#endif
    if (s.c.fd >= 0)
        close(s.c.fd);
    if (s.c.record != NULL && fclose(s.c.record) != 0) {
        char shown[300];

        fail("%s: %s", term_safe(shown, sizeof shown, opt.record), strerror(errno));
        set_end(&s, END_LOCAL_ERROR);
    }
    return closing(&s);
}
