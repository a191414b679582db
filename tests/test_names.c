/* SPDX-License-Identifier: MIT */
/* Every enum value has the name docs/design.md section 5 prints; anything else is "unknown". */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "smtpreply.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

struct name_case {
    int value;
    const char *name;
};

/* Written out from docs/design.md section 5, independently of lib/names.def. */
static const struct name_case severities[] = {
    { SMTPREPLY_SEV_POSITIVE_COMPLETION, "positive-completion" },
    { SMTPREPLY_SEV_POSITIVE_INTERMEDIATE, "positive-intermediate" },
    { SMTPREPLY_SEV_TRANSIENT_NEGATIVE, "transient-negative" },
    { SMTPREPLY_SEV_PERMANENT_NEGATIVE, "permanent-negative" },
    { SMTPREPLY_SEV_UNKNOWN, "unknown" }, { 1, "unknown" }, { 6, "unknown" }, { -1, "unknown" },
};

static const struct name_case categories[] = {
    { SMTPREPLY_CAT_SYNTAX, "syntax" },
    { SMTPREPLY_CAT_INFORMATION, "information" },
    { SMTPREPLY_CAT_CONNECTIONS, "connections" },
    { SMTPREPLY_CAT_UNSPECIFIED, "unspecified" },
    { SMTPREPLY_CAT_MAIL_SYSTEM, "mail-system" },
    { SMTPREPLY_CAT_UNKNOWN, "unknown" }, { 4, "unknown" }, { 6, "unknown" }, { -7, "unknown" },
};

static const struct name_case reasons[] = {
    { SMTPREPLY_REASON_NONE, "none" },
    { SMTPREPLY_REASON_RECIPIENT_UNKNOWN, "recipient-unknown" },
    { SMTPREPLY_REASON_RECIPIENT_ADDRESS_INVALID, "recipient-address-invalid" },
    { SMTPREPLY_REASON_DOMAIN_UNKNOWN, "domain-unknown" },
    { SMTPREPLY_REASON_DOMAIN_NO_MAIL, "domain-no-mail" },
    { SMTPREPLY_REASON_MAILBOX_MOVED, "mailbox-moved" },
    { SMTPREPLY_REASON_MAILBOX_DISABLED, "mailbox-disabled" },
    { SMTPREPLY_REASON_MAILBOX_FULL, "mailbox-full" },
    { SMTPREPLY_REASON_MESSAGE_TOO_LARGE, "message-too-large" },
    { SMTPREPLY_REASON_TOO_MANY_RECIPIENTS, "too-many-recipients" },
    { SMTPREPLY_REASON_SENDER_REJECTED, "sender-rejected" },
    { SMTPREPLY_REASON_RELAY_DENIED, "relay-denied" },
    { SMTPREPLY_REASON_SENDER_AUTH_FAILED, "sender-auth-failed" },
    { SMTPREPLY_REASON_REVERSE_DNS, "reverse-dns" },
    { SMTPREPLY_REASON_CLIENT_BLOCKED, "client-blocked" },
    { SMTPREPLY_REASON_REPUTATION, "reputation" },
    { SMTPREPLY_REASON_RATE_LIMITED, "rate-limited" },
    { SMTPREPLY_REASON_GREYLISTED, "greylisted" },
    { SMTPREPLY_REASON_SPAM_CONTENT, "spam-content" },
    { SMTPREPLY_REASON_VIRUS_OR_ATTACHMENT, "virus-or-attachment" },
    { SMTPREPLY_REASON_POLICY_REJECTED, "policy-rejected" },
    { SMTPREPLY_REASON_CONTENT_FORMAT, "content-format" },
    { SMTPREPLY_REASON_CLIENT_AUTH_FAILED, "client-auth-failed" },
    { SMTPREPLY_REASON_TLS_REQUIRED, "tls-required" },
    { SMTPREPLY_REASON_PROTOCOL_ERROR, "protocol-error" },
    { SMTPREPLY_REASON_SERVER_TEMPORARY, "server-temporary" },
    { SMTPREPLY_REASON_SERVER_MISCONFIGURED, "server-misconfigured" },
    { SMTPREPLY_REASON_NETWORK_ERROR, "network-error" },
    { SMTPREPLY_REASON_EXPIRED, "expired" },
    { SMTPREPLY_REASON_LOCAL_DELIVERY_ERROR, "local-delivery-error" },
    { SMTPREPLY_REASON_UNCLASSIFIED, "unclassified" },
    { SMTPREPLY_REASON_RECIPIENT_FILTERED, "recipient-filtered" },
    { SMTPREPLY_REASON_COUNT, "unknown" }, { -1, "unknown" }, { 1000, "unknown" },
};

static const struct name_case bounces[] = {
    { SMTPREPLY_BOUNCE_NONE, "none" }, { SMTPREPLY_BOUNCE_SOFT, "soft" },
    { SMTPREPLY_BOUNCE_HARD, "hard" }, { SMTPREPLY_BOUNCE_BLOCK, "block" },
    { 4, "unknown" }, { -1, "unknown" },
};

static const struct name_case retries[] = {
    { SMTPREPLY_RETRY_NOT_NEEDED, "not-needed" }, { SMTPREPLY_RETRY_RETRY, "retry" },
    { SMTPREPLY_RETRY_AFTER_FIX, "retry-after-fix" }, { SMTPREPLY_RETRY_NEVER, "never" },
    { 4, "unknown" }, { -1, "unknown" },
};

static const struct name_case evidences[] = {
    { SMTPREPLY_EVIDENCE_NONE, "none" }, { SMTPREPLY_EVIDENCE_ENHANCED, "enhanced" },
    { SMTPREPLY_EVIDENCE_COMMAND, "command" }, { SMTPREPLY_EVIDENCE_TEXT, "text" },
    { SMTPREPLY_EVIDENCE_CODE, "code" }, { SMTPREPLY_EVIDENCE_CLASS, "class" },
    { SMTPREPLY_EVIDENCE_PROVIDER, "provider" }, { 7, "unknown" }, { -1, "unknown" },
};

static const struct name_case confidences[] = {
    { SMTPREPLY_CONFIDENCE_LOW, "low" }, { SMTPREPLY_CONFIDENCE_HIGH, "high" },
    { 2, "unknown" }, { -1, "unknown" },
};

#define NAME_TEST(test, table, fn)                                                   \
    START_TEST(test)                                                                 \
    {                                                                                \
        const struct name_case *c = &table[_i];                                      \
        const char *got = fn(c->value);                                              \
        ck_assert_ptr_nonnull(got);                                                  \
        ck_assert_msg(strcmp(got, c->name) == 0, #fn "(%d) = \"%s\", want \"%s\"",   \
                      c->value, got, c->name);                                       \
    }                                                                                \
    END_TEST

NAME_TEST(severity_names, severities, smtpreply_severity_name)
NAME_TEST(category_names, categories, smtpreply_category_name)
NAME_TEST(reason_names, reasons, smtpreply_reason_name)
NAME_TEST(bounce_names, bounces, smtpreply_bounce_name)
NAME_TEST(retry_names, retries, smtpreply_retry_name)
NAME_TEST(evidence_names, evidences, smtpreply_evidence_name)
NAME_TEST(confidence_names, confidences, smtpreply_confidence_name)

/* Every reason below SMTPREPLY_REASON_COUNT has a distinct, non-"unknown" name. */
START_TEST(reason_names_distinct)
{
    int a, b;

    for (a = 0; a < SMTPREPLY_REASON_COUNT; a++) {
        ck_assert_str_ne(smtpreply_reason_name(a), "unknown");
        for (b = a + 1; b < SMTPREPLY_REASON_COUNT; b++)
            ck_assert_str_ne(smtpreply_reason_name(a), smtpreply_reason_name(b));
    }
}
END_TEST

static const struct digit_case {
    unsigned code;
    int severity, category;
} digit_cases[] = {
    { 220, SMTPREPLY_SEV_POSITIVE_COMPLETION, SMTPREPLY_CAT_CONNECTIONS },
    { 200, SMTPREPLY_SEV_POSITIVE_COMPLETION, SMTPREPLY_CAT_SYNTAX },
    { 211, SMTPREPLY_SEV_POSITIVE_COMPLETION, SMTPREPLY_CAT_INFORMATION },
    { 250, SMTPREPLY_SEV_POSITIVE_COMPLETION, SMTPREPLY_CAT_MAIL_SYSTEM },
    { 334, SMTPREPLY_SEV_POSITIVE_INTERMEDIATE, SMTPREPLY_CAT_UNSPECIFIED },
    { 354, SMTPREPLY_SEV_POSITIVE_INTERMEDIATE, SMTPREPLY_CAT_MAIL_SYSTEM },
    { 421, SMTPREPLY_SEV_TRANSIENT_NEGATIVE, SMTPREPLY_CAT_CONNECTIONS },
    { 432, SMTPREPLY_SEV_TRANSIENT_NEGATIVE, SMTPREPLY_CAT_UNSPECIFIED },
    { 454, SMTPREPLY_SEV_TRANSIENT_NEGATIVE, SMTPREPLY_CAT_MAIL_SYSTEM },
    { 500, SMTPREPLY_SEV_PERMANENT_NEGATIVE, SMTPREPLY_CAT_SYNTAX },
    { 535, SMTPREPLY_SEV_PERMANENT_NEGATIVE, SMTPREPLY_CAT_UNSPECIFIED },
    { 541, SMTPREPLY_SEV_PERMANENT_NEGATIVE, SMTPREPLY_CAT_UNSPECIFIED },
    { 599, SMTPREPLY_SEV_PERMANENT_NEGATIVE, SMTPREPLY_CAT_UNKNOWN },
    { 560, SMTPREPLY_SEV_PERMANENT_NEGATIVE, SMTPREPLY_CAT_UNKNOWN },
    { 199, SMTPREPLY_SEV_UNKNOWN, SMTPREPLY_CAT_UNKNOWN },
    { 600, SMTPREPLY_SEV_UNKNOWN, SMTPREPLY_CAT_UNKNOWN },
    { 0, SMTPREPLY_SEV_UNKNOWN, SMTPREPLY_CAT_UNKNOWN },
    { 25, SMTPREPLY_SEV_UNKNOWN, SMTPREPLY_CAT_UNKNOWN },
    { 2500, SMTPREPLY_SEV_UNKNOWN, SMTPREPLY_CAT_UNKNOWN },
};

START_TEST(digits)
{
    const struct digit_case *c = &digit_cases[_i];

    ck_assert_msg(smtpreply_severity_of(c->code) == c->severity, "severity_of(%u) = %d",
                  c->code, smtpreply_severity_of(c->code));
    ck_assert_msg(smtpreply_category_of(c->code) == c->category, "category_of(%u) = %d",
                  c->code, smtpreply_category_of(c->code));
}
END_TEST

static Suite *names_suite(void)
{
    Suite *s = suite_create("names");
    TCase *tc = tcase_create("names");

    tcase_add_loop_test(tc, severity_names, 0, (int)ARRAY_SIZE(severities));
    tcase_add_loop_test(tc, category_names, 0, (int)ARRAY_SIZE(categories));
    tcase_add_loop_test(tc, reason_names, 0, (int)ARRAY_SIZE(reasons));
    tcase_add_loop_test(tc, bounce_names, 0, (int)ARRAY_SIZE(bounces));
    tcase_add_loop_test(tc, retry_names, 0, (int)ARRAY_SIZE(retries));
    tcase_add_loop_test(tc, evidence_names, 0, (int)ARRAY_SIZE(evidences));
    tcase_add_loop_test(tc, confidence_names, 0, (int)ARRAY_SIZE(confidences));
    tcase_add_test(tc, reason_names_distinct);
    tcase_add_loop_test(tc, digits, 0, (int)ARRAY_SIZE(digit_cases));
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(names_suite());
    int failed;

    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
