/* SPDX-License-Identifier: MIT */
/*
 * smtp-parse: read raw SMTP server bytes and print one JSON object per reply or
 * error, in stream order (docs/design.md section 7).
 *
 *   smtp-parse [--strict] [--smtputf8] [--chunk-size N] [--command CMD] [FILE]
 *
 * Exit status: 0 when the input held no error, 1 when it did, 2 on a usage or I/O
 * error. Uses only the public header, as any outside program would.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smtpreply.h"

#include "json_out.h"

#define READ_SIZE 65536

static void usage(FILE *to)
{
    fputs("usage: smtp-parse [--strict] [--smtputf8] [--chunk-size N] [--command CMD] [FILE]\n"
          "  Reads raw SMTP server bytes (FILE or standard input) and prints one JSON\n"
          "  object per reply or error.\n"
          "  --strict        every tolerated deviation is an error\n"
          "  --smtputf8      with --strict: valid UTF-8 text is allowed\n"
          "  --chunk-size N  feed the parser N bytes at a time (1 and up)\n"
          "  --command CMD   the command the replies answer (RCPT, DATA_END, AUTH, ...)\n"
          "  A line that is not valid UTF-8 shows U+FFFD in \"lines\"; its exact bytes are in\n"
          "  \"lines_raw\" (one code point per byte), present only when needed.\n"
          "Exit status: 0 the input held no error, 1 it held a parse error, 2 usage or I/O error.\n",
          to);
}

/* Every set bit, by the library's own names. */
static void put_flags(uint32_t flags, const char *(*name)(uint32_t), int *first)
{
    uint32_t bit;
    for (bit = 1; bit; bit <<= 1) {
        if (flags & bit) {
            printf("%s\"%s\"", *first ? "" : ",", name(bit));
            *first = 0;
        }
    }
}

static void print_reply(const struct smtpreply_reply *r, int command)
{
    static const char *encodings[] = { "ascii", "utf8", "other" };
    struct smtpreply_verdict v;
    int first = 1;

    smtpreply_classify(r, command, &v);
    printf("{\"offset\":%llu,\"code\":%u,\"enhanced\":", (unsigned long long)r->offset, r->code);
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
    printf(",\"encoding\":\"%s\",\"flags\":[", encodings[r->encoding <= 2 ? r->encoding : 2]);
    put_flags(r->flags, smtpreply_flag_name, &first);
    put_flags(v.flags, smtpreply_verdict_flag_name, &first);
    fputs("]}\n", stdout);
}

static void print_error(const struct smtpreply_parser *p)
{
    struct smtpreply_error e;
    smtpreply_parser_error(p, &e);
    printf("{\"offset\":%llu,\"error\":\"%s\",\"line\":%u,\"position\":%llu,\"message\":",
           (unsigned long long)e.offset, e.name, e.line, (unsigned long long)e.position);
    json_cstring(stdout, e.message);
    fputs("}\n", stdout);
}

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
    static char text[1 << 16], buf[READ_SIZE], shown[1024];
    struct smtpreply_parser p;
    struct smtpreply_options opt;
    struct smtpreply_reply r;
    const char *path = NULL;
    size_t chunk = 0, n;
    int command = SMTPREPLY_CMD_UNKNOWN, errors = 0, i, rc;
    FILE *in = stdin;

    smtpreply_options_default(&opt);
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--strict")) {
            opt.strict = SMTPREPLY_STRICT_ALL;
        } else if (!strcmp(a, "--smtputf8")) {
            opt.smtputf8 = 1;
        } else if (!strcmp(a, "--chunk-size") && i + 1 < argc) {
            if (parse_size(argv[++i], &chunk) != 0) {
                fprintf(stderr, "smtp-parse: --chunk-size needs a number of bytes, 1 or more\n");
                return 2;
            }
        } else if (!strcmp(a, "--command") && i + 1 < argc) {
            const char *c = argv[++i];
            /* A verb the library does not know (XCLIENT, a vendor's own) is
             * classified as an unknown command: the reply still has a verdict. */
            if (c[0] == '\0') {
                fprintf(stderr, "smtp-parse: --command needs a command (CONNECT, EHLO, MAIL, RCPT, DATA, DATA_END, AUTH, QUIT, ...)\n");
                return 2;
            }
            command = smtpreply_command_parse(c, strlen(c));
        } else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(a, "--version")) {
            printf("smtp-parse (smtpreply %s)\n", smtpreply_version());
            return 0;
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
    if (path && strcmp(path, "-") != 0) {
        in = fopen(path, "rb");
        if (!in) {
            fprintf(stderr, "smtp-parse: %s: %s\n", term_safe(shown, sizeof shown, path),
                    strerror(errno));
            return 2;
        }
    }
    if (smtpreply_parser_init_ex(&p, text, sizeof text, &opt) != SMTPREPLY_OK) {
        fprintf(stderr, "smtp-parse: cannot initialise the parser\n");
        return 2;
    }
    while ((n = fread(buf, 1, sizeof buf, in)) > 0) {
        size_t at = 0;
        while (at < n) {
            /* With --chunk-size the parser sees at most N bytes per call, as if
             * the network had delivered them in N-byte pieces. */
            size_t piece = chunk && n - at > chunk ? chunk : n - at, off = 0, used;
            while (off < piece) {
                rc = smtpreply_parser_feed(&p, buf + at + off, piece - off, &used, &r);
                off += used;
                if (rc == SMTPREPLY_REPLY) {
                    print_reply(&r, command);
                } else if (rc < 0) {
                    print_error(&p);
                    errors++;
                }
            }
            at += piece;
        }
    }
    if (ferror(in)) {
        fprintf(stderr, "smtp-parse: read error: %s\n", strerror(errno));
        return 2;
    }
    if (smtpreply_parser_finish(&p, &r) < 0) {
        print_error(&p);
        errors++;
    }
    if (in != stdin)
        fclose(in);
    if (fflush(stdout) != 0)
        return 2;
    return errors ? 1 : 0;
}
