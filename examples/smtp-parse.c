/* SPDX-License-Identifier: MIT */
/*
 * smtp-parse: read an SMTP session, the server's bytes alone or a transcript
 * with both sides, and show every reply parsed and classified: one JSON
 * object per reply or error, in stream order (docs/design.md section 7), or
 * the readable view smtp-probe shows.
 *
 *   smtp-parse [--json | --format json|text] [--input auto|server|swaks|cs|raw]
 *              [--strict] [--smtputf8] [--chunk-size N] [--command CMD]
 *              [--lang LANG] [FILE]
 *
 * In a transcript each reply is classified against the command it answers
 * (examples/transcript.h: the pipelining queue, DATA's content, AUTH data,
 * LMTP). The server's lines are fed to the parser as they are in a raw
 * capture, and with CRLF after each line in the marked forms, where the line
 * ends are the transcript's and not the server's.
 *
 * Exit status: 0 when the input held no error, 1 when it did, 2 on a usage or I/O
 * error. Uses only the public header, as any outside program would.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "smtpreply.h"

#include "i18n.h"
#include "json_out.h"
#include "text_view.h"
#include "transcript.h"

#define READ_SIZE 65536
#define MAP_SIZE 1024       /* server lines remembered for offsets; a reply of more is cut anyway */

static void usage(FILE *to)
{
    fputs("usage: smtp-parse [options] [FILE]\n"
          "  Reads an SMTP session (FILE or standard input): the server's bytes, or a\n"
          "  transcript with both sides (swaks output, C:/S: lines, a raw capture), and\n"
          "  shows every reply parsed and classified against the command it answers.\n"
          "  --json          one JSON object per reply or error (the default when standard\n"
          "                  output is not a terminal)\n"
          "  --format F      json, or text: the readable view (the default on a terminal)\n"
          "  --input F       auto (default), server, swaks, cs (C:/S: lines) or raw\n"
          "  --strict        every tolerated deviation is an error\n"
          "  --smtputf8      with --strict: valid UTF-8 text is allowed\n"
          "  --chunk-size N  feed the parser N bytes at a time (1 and up)\n"
          "  --command CMD   the command the replies answer (RCPT, DATA_END, AUTH, ...);\n"
          "                  in a transcript, for replies that answer no command seen\n"
          "  --lang LANG     the language of the text view (default: LC_ALL, LC_MESSAGES\n"
          "                  or LANG)\n"
          "  --version, --help\n"
          "  A line that is not valid UTF-8 shows U+FFFD in \"lines\"; its exact bytes are in\n"
          "  \"lines_raw\" (one code point per byte), present only when needed.\n"
          "Exit status: 0 the input held no error, 1 it held a parse or transcript error,\n"
          "2 usage or I/O error.\n",
          to);
}

/* Where a server line the parser was fed sits in the input. */
struct place {
    uint64_t fed;       /* its first byte's offset in the bytes fed to the parser */
    uint64_t start;     /* the line's offset in the input, prefix included */
    uint64_t text;      /* the input offset of its first byte fed */
    unsigned long line; /* its 1-based line number in the input */
};

struct tool {
    int text;                       /* the readable view, else JSON */
    int command;                    /* --command, or SMTPREPLY_CMD_UNKNOWN */
    size_t chunk;                   /* --chunk-size; 0: whole reads */
    int errors;
    struct text_view tv;
    struct smtpreply_parser p;
    struct transcript t;
    int transcript;                 /* the input is a transcript, not the server's bytes */
    uint64_t fed;                   /* bytes fed to the parser so far */
    struct place map[MAP_SIZE];
    size_t map_next, map_count;
    uint64_t last_client;           /* input offset + 1 of the last client line shown; 0 none */
    uint64_t last_answered;         /* input offset + 1 of the last command answered */
};

static struct i18n labels;

/* ---- places: parser offsets back to the input --------------------------- */

static void remember(struct tool *o, uint64_t start, uint64_t text, unsigned long line)
{
    struct place *pl = &o->map[o->map_next];

    pl->fed = o->fed;
    pl->start = start;
    pl->text = text;
    pl->line = line;
    o->map_next = (o->map_next + 1) % MAP_SIZE;
    if (o->map_count < MAP_SIZE)
        o->map_count++;
}

/* The newest remembered line that starts at or before fed offset at. */
static const struct place *place_of(const struct tool *o, uint64_t at)
{
    size_t i;

    for (i = 1; i <= o->map_count; i++) {
        const struct place *pl = &o->map[(o->map_next + MAP_SIZE - i) % MAP_SIZE];
        if (pl->fed <= at)
            return pl;
    }
    return o->map_count ? &o->map[(o->map_next + MAP_SIZE - o->map_count) % MAP_SIZE] : NULL;
}

/* ---- output ---------------------------------------------------------------- */

static void print_reply(struct tool *o, const struct smtpreply_reply *r, int command,
                        const struct transcript_cmd *answered)
{
    static const char *encodings[] = { "ascii", "utf8", "other" };
    struct smtpreply_verdict v;
    uint64_t offset = r->offset;

    smtpreply_classify(r, command, &v);
    if (o->transcript) {
        const struct place *pl = place_of(o, r->offset);
        if (pl != NULL)
            offset = pl->start;
    }
    if (o->text) {
        text_view_reply_lines(&o->tv, r, NULL);
        /* The command, when the reply does not follow it at once (pipelined
         * groups), and the recipient of each of LMTP's replies to the data. */
        if (answered != NULL && answered->shown[0] != '\0'
            && (o->last_client != answered->offset + 1
                || o->last_answered == answered->offset + 1 || answered->recipient[0] != '\0')) {
            text_view_label(&o->tv, L_PARSE_ANSWERS);
            term_text(stdout, answered->shown, strlen(answered->shown));
            if (answered->recipient[0] != '\0') {
                fputs(" (", stdout);
                term_text(stdout, answered->recipient, strlen(answered->recipient));
                fputc(')', stdout);
            }
            fputc('\n', stdout);
        }
        if (answered != NULL)
            o->last_answered = answered->offset + 1;
        text_view_verdict(&o->tv, r, &v);
        return;
    }
    printf("{\"offset\":%llu,\"code\":%u,\"enhanced\":", (unsigned long long)offset, r->code);
    if (r->enhanced.klass)
        json_cstring(stdout, r->enhanced_text);
    else
        fputs("null", stdout);
    putchar(',');
    json_reply_lines(stdout, r);    /* every line checked on its own */
    printf(",\"severity\":\"%s\",\"category\":\"%s\",\"reason\":\"%s\",\"bounce\":\"%s\","
           "\"retry\":\"%s\",\"confidence\":\"%s\",\"evidence\":\"%s\",\"rule\":",
           smtpreply_severity_name(v.severity), smtpreply_category_name(v.category),
           smtpreply_reason_name(v.reason), smtpreply_bounce_name(v.bounce),
           smtpreply_retry_name(v.retry),
           smtpreply_confidence_name(smtpreply_verdict_confidence(&v)),
           smtpreply_evidence_name(v.evidence));
    json_cstring(stdout, v.rule);
    if (command != SMTPREPLY_CMD_UNKNOWN)
        printf(",\"command\":\"%s\"", smtpreply_command_name(command));
    if (answered != NULL && answered->shown[0] != '\0') {
        putchar(',');
        json_member(stdout, "command_line", answered->shown, strlen(answered->shown));
    }
    if (answered != NULL && answered->recipient[0] != '\0') {
        putchar(',');
        json_member(stdout, "recipient_line", answered->recipient, strlen(answered->recipient));
    }
    printf(",\"encoding\":\"%s\",\"flags\":", encodings[r->encoding <= 2 ? r->encoding : 2]);
    json_flags(stdout, r->flags, v.flags);
    fputs("}\n", stdout);
}

/*
 * An error of the input: the parser's (name from the library) or the
 * transcript's own. text, when not NULL, is the input line it concerns;
 * cmd, when not NULL, the command it concerns.
 */
static void print_error(struct tool *o, uint64_t offset, const char *name, unsigned long line,
                        uint64_t position, const char *message, const char *text, size_t text_len,
                        const struct transcript_cmd *cmd)
{
    o->errors++;
    if (o->text) {
        fputs("   ", stdout);
        fputs(text_view_col(&o->tv, TV_RED), stdout);
        i18n_pad(stdout, tr(&labels, L_PARSE_ERROR), 10);
        printf(" line %lu: %s: %s", line, name, message);
        if (cmd != NULL) {
            fputs(": ", stdout);
            term_text(stdout, cmd->shown, strlen(cmd->shown));
        }
        if (text != NULL) {
            fputs(": ", stdout);
            term_text(stdout, text, text_len);
        }
        printf("%s\n", text_view_col(&o->tv, TV_RESET));
        return;
    }
    printf("{\"offset\":%llu,\"error\":\"%s\",\"line\":%lu,\"position\":%llu,\"message\":",
           (unsigned long long)offset, name, line, (unsigned long long)position);
    json_cstring(stdout, message);
    if (cmd != NULL) {
        if (cmd->command != SMTPREPLY_CMD_UNKNOWN)
            printf(",\"command\":\"%s\"", smtpreply_command_name(cmd->command));
        putchar(',');
        json_member(stdout, "command_line", cmd->shown, strlen(cmd->shown));
    }
    if (text != NULL) {
        putchar(',');
        json_member(stdout, "text", text, text_len);
    }
    fputs("}\n", stdout);
}

static void parser_error(struct tool *o)
{
    struct smtpreply_error e;
    uint64_t offset, position;
    unsigned long line;

    smtpreply_parser_error(&o->p, &e);
    offset = e.offset;
    position = e.position;
    line = e.line;
    if (o->transcript) {
        const struct place *at = place_of(o, e.offset), *pos = place_of(o, e.position);
        if (at != NULL) {
            offset = at->start;
            line = at->line;
        }
        if (pos != NULL)
            position = pos->text + (e.position - pos->fed);
    }
    print_error(o, offset, e.name, line, position, e.message, NULL, 0, NULL);
}

/* A reply is complete: find what it answers and show it. */
static void on_reply(struct tool *o, const struct smtpreply_reply *r)
{
    struct transcript_cmd c;

    if (!o->transcript) {
        print_reply(o, r, o->command, NULL);
        return;
    }
    if (transcript_answer(&o->t, r->code, &c) || c.command == SMTPREPLY_CMD_CONNECT)
        print_reply(o, r, c.command, c.shown[0] ? &c : NULL);
    else
        print_reply(o, r, o->command, NULL);   /* answers no command seen */
}

/* Feed server bytes to the parser, in --chunk-size pieces. */
static void feed(struct tool *o, const char *data, size_t n)
{
    struct smtpreply_reply r;
    size_t at = 0;

    while (at < n) {
        /* With --chunk-size the parser sees at most N bytes per call, as if
         * the network had delivered them in N-byte pieces. */
        size_t piece = o->chunk && n - at > o->chunk ? o->chunk : n - at, off = 0, used;
        while (off < piece) {
            int rc = smtpreply_parser_feed(&o->p, data + at + off, piece - off, &used, &r);
            off += used;
            o->fed += used;
            if (rc == SMTPREPLY_REPLY)
                on_reply(o, &r);
            else if (rc < 0)
                parser_error(o);
        }
        at += piece;
    }
}

static void finish_parser(struct tool *o)
{
    struct smtpreply_reply r;

    if (smtpreply_parser_finish(&o->p, &r) < 0)
        parser_error(o);
}

/* ---- input ----------------------------------------------------------------- */

struct reader {
    FILE *in;
    char buf[READ_SIZE];
    size_t len, pos;
    int eof, error;
};

/* Move what is left to the front and read until the buffer is full or the
 * input ends; returns the bytes at hand. */
static size_t refill(struct reader *rd)
{
    if (rd->pos > 0) {
        memmove(rd->buf, rd->buf + rd->pos, rd->len - rd->pos);
        rd->len -= rd->pos;
        rd->pos = 0;
    }
    while (!rd->eof && rd->len < sizeof rd->buf) {
        size_t n = fread(rd->buf + rd->len, 1, sizeof rd->buf - rd->len, rd->in);
        rd->len += n;
        if (n == 0) {
            rd->eof = 1;
            rd->error = ferror(rd->in);
        }
    }
    return rd->len - rd->pos;
}

/* The server's bytes alone: fed as they come, exactly as they are. */
static void read_server(struct tool *o, struct reader *rd)
{
    for (;;) {
        size_t n = rd->len - rd->pos;
        if (n == 0 && (n = refill(rd)) == 0)
            break;
        feed(o, rd->buf + rd->pos, n);
        rd->pos += n;
    }
    finish_parser(o);
}

static void show_client(struct tool *o, const struct transcript_cmd *c)
{
    printf("%sC:%s %s", text_view_col(&o->tv, TV_DIM), text_view_col(&o->tv, TV_RESET),
           text_view_col(&o->tv, TV_BOLD));
    term_text(stdout, c->shown, strlen(c->shown));
    printf("%s\n", text_view_col(&o->tv, TV_RESET));
    o->last_client = c->offset + 1;
}

/* The message content ended: how many lines it had, for the text view. */
static void show_content(struct tool *o, unsigned long lines, int dot)
{
    char count[32], text[256];
    const char *args[1];

    if (!o->text)
        return;
    if (lines > 0) {
        snprintf(count, sizeof count, "%lu", lines);
        args[0] = count;
        i18n_compose(text, sizeof text, tr(&labels, L_PARSE_CONTENT), args, 1);
        printf("%sC: (%s)%s\n", text_view_col(&o->tv, TV_DIM), text,
               text_view_col(&o->tv, TV_RESET));
    }
    if (dot)
        printf("%sC:%s .\n", text_view_col(&o->tv, TV_DIM), text_view_col(&o->tv, TV_RESET));
}

/* One line of a transcript, whose first bytes are s[0..n); eol when they end it. */
static int transcript_line_start(struct tool *o, const char *s, size_t n, int eol,
                                 uint64_t offset, unsigned long line_no)
{
    struct transcript *t = &o->t;
    int was_content = t->in_content;
    unsigned long content = t->content_lines, dropped = t->dropped;
    size_t skip, count_before = t->count;
    int kind = transcript_line(t, s, n, eol, offset, line_no, &skip);

    if (t->dropped != dropped) {
        char msg[128];
        snprintf(msg, sizeof msg, "more than %d commands wait for a reply; this one is not "
                 "followed", TRANSCRIPT_QUEUE);
        /* Without the line's text: it may be AUTH data. */
        print_error(o, offset, "too-many-pending", line_no, offset, msg, NULL, 0, NULL);
    }
    switch (kind) {
    case TK_SERVER:
        if (was_content && !t->in_content)
            show_content(o, content, 0);
        remember(o, offset, offset + skip, line_no);
        break;
    case TK_CLIENT:
        if (o->text && t->count > count_before)
            show_client(o, &t->queue[(t->head + t->count - 1) % TRANSCRIPT_QUEUE]);
        break;
    case TK_DATA_END:
        show_content(o, content, 1);
        o->last_client = offset + 1;
        break;
    case TK_INFO:
        if (o->text) {
            size_t k = n, from = 0;
            while (k > 0 && (s[k - 1] == '\n' || s[k - 1] == '\r'))
                k--;
            /* swaks' "=== " information without its mark; "*** " errors keep theirs. */
            while (from < k && s[from] == ' ')
                from++;
            if (k - from >= 3 && memcmp(s + from, "===", 3) == 0)
                for (from += 3; from < k && s[from] == ' '; from++)
                    ;
            printf("%s-- ", text_view_col(&o->tv, TV_DIM));
            term_text(stdout, s + from, k - from);
            printf("%s\n", text_view_col(&o->tv, TV_RESET));
        }
        break;
    case TK_NO_PREFIX: {
        size_t k = n;
        while (k > 0 && (s[k - 1] == '\n' || s[k - 1] == '\r'))
            k--;
        /* After a 334 to AUTH the line may be AUTH data that lost its mark:
         * a secret, so its text is not repeated. */
        print_error(o, offset, "no-prefix", line_no, offset,
                    t->auth_data ? "a line without a mark where AUTH data was expected "
                                   "(not shown: it may be a secret)"
                    : t->format == TRANSCRIPT_SWAKS
                        ? "a line of a swaks transcript starts with <-, ->, <~, ~>, <**, === or ***"
                        : "a line of a C:/S: transcript starts with C: or S:",
                    t->auth_data ? NULL : s, k, NULL);
        break;
    }
    default:
        break;
    }
    return kind;
}

/* A transcript: line by line, each line placed and its server text fed. */
static void read_transcript(struct tool *o, struct reader *rd)
{
    uint64_t offset = 0;            /* input offset of rd->buf[rd->pos] */
    unsigned long line_no = 0;
    int raw = o->t.format == TRANSCRIPT_RAW;
    struct transcript_cmd c;

    for (;;) {
        const char *s, *nl;
        size_t n, whole;
        int eol, kind, more;

        if (raw && o->t.bdat_left > 0) {
            /* A BDAT chunk: exactly that many bytes, whatever they hold. */
            size_t k = rd->len - rd->pos, i;
            if (k == 0 && (k = refill(rd)) == 0)
                break;
            if (k > o->t.bdat_left)
                k = (size_t)o->t.bdat_left;
            for (i = 0; i < k; i++)
                line_no += rd->buf[rd->pos + i] == '\n';
            o->t.bdat_left -= k;
            rd->pos += k;
            offset += k;
            continue;
        }
        if (rd->len - rd->pos == 0 && refill(rd) == 0)
            break;
        nl = memchr(rd->buf + rd->pos, '\n', rd->len - rd->pos);
        if (nl == NULL && !rd->eof && rd->pos > 0) {
            refill(rd);
            continue;
        }
        /* A whole line, or as much of a longer one as the buffer holds. */
        s = rd->buf + rd->pos;
        whole = nl ? (size_t)(nl - s) + 1 : rd->len - rd->pos;
        eol = nl != NULL || rd->eof;
        line_no++;
        kind = transcript_line_start(o, s, whole, eol, offset, line_no);
        more = !eol;
        n = whole;
        if (kind == TK_SERVER) {
            const struct place *pl = &o->map[(o->map_next + MAP_SIZE - 1) % MAP_SIZE];
            size_t pre = (size_t)(pl->text - pl->start);
            size_t text = n - pre;

            if (raw) {
                feed(o, s + pre, text);
            } else {
                /* The transcript's line end is not the server's: CRLF. */
                size_t k = text;
                if (eol) {
                    while (k > 0 && (s[pre + k - 1] == '\n' || s[pre + k - 1] == '\r'))
                        k--;
                }
                feed(o, s + pre, k);
                if (eol)
                    feed(o, "\r\n", 2);
            }
        }
        rd->pos += whole;
        offset += whole;
        /* The rest of a line longer than the buffer: the server's part is
         * fed, every other kind has shown what it needed. */
        while (more) {
            if (refill(rd) == 0)
                break;
            s = rd->buf + rd->pos;
            nl = memchr(s, '\n', rd->len - rd->pos);
            whole = nl ? (size_t)(nl - s) + 1 : rd->len - rd->pos;
            more = nl == NULL && !rd->eof;
            if (kind == TK_SERVER) {
                size_t k = whole;
                if (!raw && !more)
                    while (k > 0 && (s[k - 1] == '\n' || s[k - 1] == '\r'))
                        k--;
                feed(o, s, k);
                if (!raw && !more)
                    feed(o, "\r\n", 2);
            }
            rd->pos += whole;
            offset += whole;
        }
    }
    finish_parser(o);
    if (o->t.in_content) {
        char msg[160];
        snprintf(msg, sizeof msg, "the input ends inside the message content (%lu lines) "
                 "before the line \".\" that ends it", o->t.content_lines);
        print_error(o, o->t.content_lines ? o->t.content_offset : offset, "unterminated-data",
                    o->t.content_lines ? o->t.content_line : line_no, offset, msg, NULL, 0, NULL);
    }
    while (transcript_unanswered(&o->t, &c))
        print_error(o, c.offset, "no-reply", c.line, c.offset,
                    "the input ends before the reply to this command", NULL, 0, &c);
}

/* ---- arguments ------------------------------------------------------------- */

static int parse_size(const char *s, size_t *out)
{
    char *end;
    unsigned long long v;
    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno || end == s || *end || v == 0 || s[0] == '-')
        return -1;
    *out = (size_t)v;
    return 0;
}

int main(int argc, char **argv)
{
    static char text[1 << 16], shown[1024];
    static struct tool o;
    static struct reader rd;
    struct smtpreply_options opt;
    const char *path = NULL;
    int format = -1, input = TRANSCRIPT_AUTO, i;

    smtpreply_options_default(&opt);
    o.command = SMTPREPLY_CMD_UNKNOWN;
    (void)i18n_select(&labels, i18n_env());      /* an unknown LANG means English */
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        int has_value = i + 1 < argc;

        if (!strcmp(a, "--strict")) {
            opt.strict = SMTPREPLY_STRICT_ALL;
        } else if (!strcmp(a, "--smtputf8")) {
            opt.smtputf8 = 1;
        } else if (!strcmp(a, "--json")) {
            format = 0;
        } else if (!strcmp(a, "--format") && has_value) {
            const char *f = argv[++i];
            if (strcmp(f, "json") != 0 && strcmp(f, "text") != 0) {
                fprintf(stderr, "smtp-parse: --format %s: use json or text\n",
                        term_safe(shown, sizeof shown, f));
                return 2;
            }
            format = strcmp(f, "text") == 0;
        } else if (!strcmp(a, "--input") && has_value) {
            const char *f = argv[++i];
            input = transcript_format_parse(f);
            if (input < 0) {
                fprintf(stderr, "smtp-parse: --input %s: use auto, server, swaks, cs or raw\n",
                        term_safe(shown, sizeof shown, f));
                return 2;
            }
        } else if (!strcmp(a, "--lang") && has_value) {
            const char *l = argv[++i];
            if (i18n_select(&labels, l) != 0) {
                char all[256];
                i18n_list(all, sizeof all);
                fprintf(stderr, "smtp-parse: --lang %s: no such language (%s)\n",
                        term_safe(shown, sizeof shown, l), all);
                return 2;
            }
        } else if (!strcmp(a, "--chunk-size") && has_value) {
            if (parse_size(argv[++i], &o.chunk) != 0) {
                fprintf(stderr, "smtp-parse: --chunk-size needs a number of bytes, 1 or more\n");
                return 2;
            }
        } else if (!strcmp(a, "--command") && has_value) {
            const char *c = argv[++i];
            /* A verb the library does not know (XCLIENT, a vendor's own) is
             * classified as an unknown command: the reply still has a verdict. */
            if (c[0] == '\0') {
                fprintf(stderr, "smtp-parse: --command needs a command (CONNECT, EHLO, MAIL, RCPT, DATA, DATA_END, AUTH, QUIT, ...)\n");
                return 2;
            }
            o.command = smtpreply_command_parse(c, strlen(c));
        } else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(a, "--version")) {
            printf("smtp-parse (smtpreply %s)\n", smtpreply_version());
            return 0;
        } else if (!strcmp(a, "--format") || !strcmp(a, "--input") || !strcmp(a, "--lang")
                   || !strcmp(a, "--chunk-size") || !strcmp(a, "--command")) {
            fprintf(stderr, "smtp-parse: %s needs a value\n", a);
            usage(stderr);
            return 2;
        } else if (a[0] == '-' && a[1] != '\0') {
            fprintf(stderr, "smtp-parse: unknown option '%s'\n", term_safe(shown, sizeof shown, a));
            usage(stderr);
            return 2;
        } else if (!path) {
            path = a;
        } else {
            usage(stderr);
            return 2;
        }
    }
    /* The readable view on a terminal, JSON for programs and pipes. */
    o.text = format < 0 ? isatty(STDOUT_FILENO) : format;
    o.tv.out = stdout;
    o.tv.colour = o.text && isatty(STDOUT_FILENO) && getenv("NO_COLOR") == NULL;
    o.tv.lang = i18n_name(&labels);
    o.tv.labels = &labels;
    rd.in = stdin;
    if (path && strcmp(path, "-") != 0) {
        rd.in = fopen(path, "rb");
        if (!rd.in) {
            fprintf(stderr, "smtp-parse: %s: %s\n", term_safe(shown, sizeof shown, path),
                    strerror(errno));
            return 2;
        }
    }
    if (smtpreply_parser_init_ex(&o.p, text, sizeof text, &opt) != SMTPREPLY_OK) {
        fprintf(stderr, "smtp-parse: cannot initialise the parser\n");
        return 2;
    }
    /* The form of the input from its first 64 KiB, unless --input says. */
    refill(&rd);
    if (input == TRANSCRIPT_AUTO)
        input = transcript_detect(rd.buf, rd.len);
    if (input == TRANSCRIPT_SERVER) {
        read_server(&o, &rd);
    } else {
        o.transcript = 1;
        transcript_init(&o.t, input);
        read_transcript(&o, &rd);
    }
    if (rd.error) {
        fprintf(stderr, "smtp-parse: read error: %s\n", strerror(errno));
        return 2;
    }
    if (rd.in != stdin)
        fclose(rd.in);
    if (fflush(stdout) != 0)
        return 2;
    return o.errors ? 1 : 0;
}
