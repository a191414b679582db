/* SPDX-License-Identifier: MIT */
/*
 * An outside program built against an installed smtpreply: with
 * `pkg-config --cflags --libs smtpreply`, with `--static`, and through CMake's
 * find_package(smtpreply). tools/test-all.sh builds and runs it. It exits 0 only
 * when the installed header and library agree and a pipelined stream parses and
 * classifies as it should.
 */
#include <stdio.h>
#include <string.h>

#include <smtpreply.h>

static const char stream[] =
    "250 2.1.0 Ok\r\n"
    "250 2.1.5 Ok\r\n"
    "354 End data with <CR><LF>.<CR><LF>\r\n"
    "550-5.1.1 The email account that you tried to reach does not exist. Please try\r\n"
    "550-5.1.1 double-checking the recipient's email address for typos or\r\n"
    "550-5.1.1 unnecessary spaces. For more information, go to\r\n"
    "550 5.1.1  https://support.google.com/mail/?p=NoSuchUser a1-20020a170902 - gsmtp\r\n";

int main(void)
{
    static const unsigned want_code[] = { 250, 250, 354, 550 };
    static const int command[] = { SMTPREPLY_CMD_MAIL, SMTPREPLY_CMD_RCPT, SMTPREPLY_CMD_DATA,
                                   SMTPREPLY_CMD_RCPT };
    struct smtpreply_parser p;
    struct smtpreply_reply reply;
    struct smtpreply_verdict v;
    char text[1024];
    size_t off = 0, used, n = 0, len = sizeof stream - 1;
    int failed = 0;

    if (strcmp(smtpreply_version(), SMTPREPLY_VERSION_STRING) != 0) {
        fprintf(stderr, "header %s but library %s\n", SMTPREPLY_VERSION_STRING,
                smtpreply_version());
        return 1;
    }
    memset(&v, 0, sizeof v);
    if (smtpreply_parser_init(&p, text, sizeof text) != SMTPREPLY_OK)
        return 1;
    while (off < len) {
        int rc = smtpreply_parser_feed(&p, stream + off, len - off, &used, &reply);
        off += used;
        if (rc < 0) {
            fprintf(stderr, "unexpected error %s\n", smtpreply_status_name(rc));
            return 1;
        }
        if (rc != SMTPREPLY_REPLY)
            continue;
        if (n >= sizeof want_code / sizeof want_code[0] || reply.code != want_code[n]) {
            fprintf(stderr, "reply %zu: unexpected code %u\n", n, (unsigned)reply.code);
            return 1;
        }
        smtpreply_classify(&reply, command[n], &v);
        printf("%s %u %s %s %s %s\n", smtpreply_command_name(command[n]), (unsigned)reply.code,
               reply.enhanced_text[0] ? reply.enhanced_text : "-",
               smtpreply_reason_name(v.reason), smtpreply_bounce_name(v.bounce),
               smtpreply_retry_name(v.retry));
        n++;
    }
    if (n != 4)
        failed = 1;
    else if (v.reason != SMTPREPLY_REASON_RECIPIENT_UNKNOWN || v.retry != SMTPREPLY_RETRY_NEVER)
        failed = 1;
    printf("smtpreply %s: %zu replies, %s\n", smtpreply_version(), n, failed ? "FAILED" : "ok");
    return failed;
}
