/* SPDX-License-Identifier: MIT */
/*
 * Commands: names, parsing, and the documented-reply table. Every row of
 * data/command-reply-sequences.csv, read here on its own, must round-trip
 * through smtpreply_command_expects() (whose table tools/gen_commands.py makes
 * from the same file at build time), and no other (command, code) pair may
 * answer.
 */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smtpreply.h"
#include "helpers.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define CSV_PATH SRCDIR "/data/command-reply-sequences.csv"

static const struct parse_case {
    const char *input;
    int want;
} parse_cases[] = {
    { "RCPT", SMTPREPLY_CMD_RCPT },
    { "rcpt", SMTPREPLY_CMD_RCPT },
    { "rcpt to", SMTPREPLY_CMD_RCPT },
    { "RCPT TO:<a@b>", SMTPREPLY_CMD_RCPT },
    { "RCPT TO:<a@b> NOTIFY=NEVER", SMTPREPLY_CMD_RCPT },
    { "Rcpt To: <user@example.org>", SMTPREPLY_CMD_RCPT },
    { "MAIL FROM:<>", SMTPREPLY_CMD_MAIL },
    { "mail from:<bounce@example.com> SIZE=1000", SMTPREPLY_CMD_MAIL },
    { "  MAIL  ", SMTPREPLY_CMD_MAIL },
    { "\tmail\r\n", SMTPREPLY_CMD_MAIL },
    { "DATA", SMTPREPLY_CMD_DATA },
    { "data", SMTPREPLY_CMD_DATA },
    { "DATA_END", SMTPREPLY_CMD_DATA_END },
    { "data-end", SMTPREPLY_CMD_DATA_END },
    { "Data_End", SMTPREPLY_CMD_DATA_END },
    { "data end", SMTPREPLY_CMD_DATA_END },
    { ".", SMTPREPLY_CMD_DATA_END },
    { " . ", SMTPREPLY_CMD_DATA_END },
    { "end-of-data", SMTPREPLY_CMD_DATA_END },
    { "EHLO", SMTPREPLY_CMD_EHLO },
    { "ehlo mx.example.com", SMTPREPLY_CMD_EHLO },
    { "HELO", SMTPREPLY_CMD_HELO },
    { "helo client.example", SMTPREPLY_CMD_HELO },
    { "LHLO", SMTPREPLY_CMD_HELO },
    { "lhlo lmtp.example", SMTPREPLY_CMD_HELO },
    { "BDAT 100 LAST", SMTPREPLY_CMD_BDAT },
    { "bdat 4096", SMTPREPLY_CMD_BDAT },
    { "CONNECT", SMTPREPLY_CMD_CONNECT },
    { "connect", SMTPREPLY_CMD_CONNECT },
    { "GREETING", SMTPREPLY_CMD_CONNECT },
    { "greeting", SMTPREPLY_CMD_CONNECT },
    { "AUTH PLAIN AGVtYWlsAHBhc3M=", SMTPREPLY_CMD_AUTH },
    { "auth login", SMTPREPLY_CMD_AUTH },
    { "STARTTLS", SMTPREPLY_CMD_STARTTLS },
    { "starttls", SMTPREPLY_CMD_STARTTLS },
    { "VRFY postmaster", SMTPREPLY_CMD_VRFY },
    { "EXPN staff", SMTPREPLY_CMD_EXPN },
    { "RSET", SMTPREPLY_CMD_RSET },
    { "NOOP", SMTPREPLY_CMD_NOOP },
    { "QUIT", SMTPREPLY_CMD_QUIT },
    { "HELP MAIL", SMTPREPLY_CMD_HELP },
    { "ETRN @example.org", SMTPREPLY_CMD_ETRN },
    { "ATRN example.org", SMTPREPLY_CMD_ATRN },
    { "", SMTPREPLY_CMD_UNKNOWN },
    { "   ", SMTPREPLY_CMD_UNKNOWN },
    { "RCPTX", SMTPREPLY_CMD_UNKNOWN },
    { "RCP", SMTPREPLY_CMD_UNKNOWN },
    { "XCLIENT ADDR=1.2.3.4", SMTPREPLY_CMD_UNKNOWN },
    { ":", SMTPREPLY_CMD_UNKNOWN },
    { "..", SMTPREPLY_CMD_UNKNOWN },
    { "datas", SMTPREPLY_CMD_UNKNOWN },
    { "UNKNOWN", SMTPREPLY_CMD_UNKNOWN },
};

START_TEST(parse_table)
{
    const struct parse_case *c = &parse_cases[_i];
    int got = smtpreply_command_parse(c->input, strlen(c->input));

    ck_assert_msg(got == c->want, "parse(\"%s\") = %s, want %s", c->input,
                  smtpreply_command_name(got), smtpreply_command_name(c->want));
}
END_TEST

START_TEST(parse_edges)
{
    /* NULL with length 0; the length bounds the input, not a NUL. */
    ck_assert_int_eq(smtpreply_command_parse(NULL, 0), SMTPREPLY_CMD_UNKNOWN);
    ck_assert_int_eq(smtpreply_command_parse("RCPTTO", 4), SMTPREPLY_CMD_RCPT);
    ck_assert_int_eq(smtpreply_command_parse("DATA_END", 4), SMTPREPLY_CMD_DATA);
    ck_assert_int_eq(smtpreply_command_parse("MAIL\0junk", 9), SMTPREPLY_CMD_UNKNOWN);
}
END_TEST

/* Every command's name parses back to the command. */
START_TEST(names_round_trip)
{
    int c;

    for (c = 1; c < SMTPREPLY_CMD_COUNT; c++) {
        const char *name = smtpreply_command_name(c);
        ck_assert_str_ne(name, "UNKNOWN");
        ck_assert_int_eq(smtpreply_command_parse(name, strlen(name)), c);
    }
    ck_assert_str_eq(smtpreply_command_name(SMTPREPLY_CMD_UNKNOWN), "UNKNOWN");
    ck_assert_str_eq(smtpreply_command_name(SMTPREPLY_CMD_COUNT), "UNKNOWN");
    ck_assert_str_eq(smtpreply_command_name(-1), "UNKNOWN");
    ck_assert_str_eq(smtpreply_command_name(SMTPREPLY_CMD_DATA_END), "DATA_END");
    ck_assert_str_eq(smtpreply_command_name(SMTPREPLY_CMD_RCPT), "RCPT");
}
END_TEST

struct csv_row {
    char command[16];
    char outcome;
    unsigned code;
};

/* The first three fields of each data row; they are never quoted in this file. */
static size_t read_csv(struct csv_row *rows, size_t cap)
{
    FILE *f = fopen(CSV_PATH, "r");
    char line[1024];
    size_t n = 0;

    ck_assert_msg(f != NULL, "cannot open %s", CSV_PATH);
    /* The first line names the source and date; the column names follow. */
    if (fgets(line, sizeof line, f) == NULL || strncmp(line, "# ", 2) != 0
        || fgets(line, sizeof line, f) == NULL || strncmp(line, "command,outcome,code", 20) != 0) {
        fclose(f);
        ck_abort_msg("%s: unexpected header", CSV_PATH);
    }
    while (n < cap && fgets(line, sizeof line, f) != NULL) {
        char *cmd = strtok(line, ","), *out = strtok(NULL, ","), *code = strtok(NULL, ",");
        if (cmd == NULL || out == NULL || code == NULL)
            continue;
        ck_assert_uint_lt(strlen(cmd), sizeof rows[n].command);
        strcpy(rows[n].command, cmd);
        rows[n].outcome = out[0];
        rows[n].code = (unsigned)strtoul(code, NULL, 10);
        n++;
    }
    fclose(f);
    ck_assert_uint_lt(n, cap);
    return n;
}

static int has_own_row(const struct csv_row *rows, size_t n, const char *cmd, unsigned code)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (rows[i].code == code && strcmp(rows[i].command, cmd) == 0)
            return 1;
    return 0;
}

START_TEST(csv_round_trip)
{
    static struct csv_row rows[512];
    size_t n = read_csv(rows, ARRAY_SIZE(rows)), i;
    int c, checked = 0;

    ck_assert_uint_gt(n, 90);
    for (i = 0; i < n; i++) {
        const struct csv_row *r = &rows[i];
        if (strcmp(r->command, "ANY") == 0) {
            /* An ANY row documents the code as a reply to every command. */
            for (c = 1; c < SMTPREPLY_CMD_COUNT; c++) {
                const char *name = smtpreply_command_name(c);
                int got = smtpreply_command_expects(c, r->code);
                ck_assert_msg(got != 0, "ANY %u not expected after %s", r->code, name);
                if (!has_own_row(rows, n, name, r->code))
                    ck_assert_msg(got == r->outcome, "%s %u: %d, want %d", name, r->code,
                                  got, r->outcome);
                checked++;
            }
        } else {
            int cmd = smtpreply_command_parse(r->command, strlen(r->command));
            ck_assert_msg(cmd != SMTPREPLY_CMD_UNKNOWN, "CSV command %s unknown", r->command);
            ck_assert_str_eq(smtpreply_command_name(cmd), r->command);
            ck_assert_msg(smtpreply_command_expects(cmd, r->code) == r->outcome,
                          "%s %u: got %d, want %d", r->command, r->code,
                          smtpreply_command_expects(cmd, r->code), r->outcome);
            checked++;
        }
    }
    /* And nothing the CSV does not list: every other (command, code) pair gives 0. */
    for (c = 0; c < SMTPREPLY_CMD_COUNT; c++) {
        unsigned code;
        for (code = 100; code < 700; code++) {
            int listed = c != SMTPREPLY_CMD_UNKNOWN &&
                         (has_own_row(rows, n, smtpreply_command_name(c), code) ||
                          has_own_row(rows, n, "ANY", code));
            int got = smtpreply_command_expects(c, code);
            ck_assert_msg(listed ? got != 0 : got == 0, "%s %u: got %d", smtpreply_command_name(c),
                          code, got);
        }
    }
    ck_assert_int_gt(checked, 90);
}
END_TEST

static const struct expect_case {
    int command;
    unsigned code;
    int want;
} expect_cases[] = {
    { SMTPREPLY_CMD_RCPT, 250, 'S' },
    { SMTPREPLY_CMD_RCPT, 550, 'E' },
    { SMTPREPLY_CMD_RCPT, 354, 0 },
    { SMTPREPLY_CMD_RCPT, 220, 0 },
    { SMTPREPLY_CMD_DATA, 354, 'I' },
    { SMTPREPLY_CMD_DATA_END, 354, 0 },
    { SMTPREPLY_CMD_AUTH, 334, 'I' },
    { SMTPREPLY_CMD_AUTH, 535, 'E' },
    { SMTPREPLY_CMD_MAIL, 535, 0 },
    { SMTPREPLY_CMD_CONNECT, 421, 'E' },   /* ANY */
    { SMTPREPLY_CMD_QUIT, 500, 'E' },      /* ANY */
    { SMTPREPLY_CMD_MAIL, 530, 'E' },      /* ANY: STARTTLS or AUTH first */
    { SMTPREPLY_CMD_STARTTLS, 220, 'S' },
    { SMTPREPLY_CMD_QUIT, 250, 0 },
    { SMTPREPLY_CMD_UNKNOWN, 250, 0 },
    { SMTPREPLY_CMD_UNKNOWN, 500, 0 },
    { SMTPREPLY_CMD_COUNT, 500, 0 },
    { -3, 500, 0 },
    { SMTPREPLY_CMD_RCPT, 0, 0 },
    { SMTPREPLY_CMD_RCPT, 70000, 0 },
};

START_TEST(expect_table)
{
    const struct expect_case *c = &expect_cases[_i];

    ck_assert_int_eq(smtpreply_command_expects(c->command, c->code), c->want);
}
END_TEST

static Suite *commands_suite(void)
{
    Suite *s = suite_create("commands");
    TCase *tc = tcase_create("commands");

    tcase_add_loop_test(tc, parse_table, 0, (int)ARRAY_SIZE(parse_cases));
    tcase_add_test(tc, parse_edges);
    tcase_add_test(tc, names_round_trip);
    tcase_add_test(tc, csv_round_trip);
    tcase_add_loop_test(tc, expect_table, 0, (int)ARRAY_SIZE(expect_cases));
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(commands_suite());
    int failed;

    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
