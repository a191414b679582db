/* SPDX-License-Identifier: MIT */
/*
 * The classifier: a table of real-looking replies (classify_cases.h), the verdict
 * flags, replies fed through the parser, invariants over every code, and the
 * phrase matcher checked row by row and against a naive reference on generated
 * texts. The last test re-runs tools/gen_phrases.py and diffs lib/phrase_index.h.
 */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smtpreply.h"
#include "helpers.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Short names for the table. */
#define NONE_B SMTPREPLY_BOUNCE_NONE
#define SOFT SMTPREPLY_BOUNCE_SOFT
#define HARD SMTPREPLY_BOUNCE_HARD
#define BLOCK SMTPREPLY_BOUNCE_BLOCK
#define NOT_NEEDED SMTPREPLY_RETRY_NOT_NEEDED
#define RETRY SMTPREPLY_RETRY_RETRY
#define AFTER_FIX SMTPREPLY_RETRY_AFTER_FIX
#define NEVER SMTPREPLY_RETRY_NEVER
#define NONE_E SMTPREPLY_EVIDENCE_NONE
#define ENHANCED SMTPREPLY_EVIDENCE_ENHANCED
#define COMMAND SMTPREPLY_EVIDENCE_COMMAND
#define TEXT SMTPREPLY_EVIDENCE_TEXT
#define CODE SMTPREPLY_EVIDENCE_CODE
#define CLASS SMTPREPLY_EVIDENCE_CLASS

struct case_row {
    const char *name;
    unsigned code;
    const char *enhanced;
    const char *text;
    const char *command;
    int reason, bounce, retry, evidence;
};

static const struct case_row cases[] = {
#define C(name, code, enh, text, cmd, reason, bounce, retry, evidence) \
    { name, code, enh, text, cmd, SMTPREPLY_REASON_##reason, bounce, retry, evidence }
#include "classify_cases.h"
#undef C
};

/* Classify a table row through smtpreply_classify_parts(). */
static void classify_row(const struct case_row *c, struct smtpreply_verdict *v)
{
    struct smtpreply_enhanced e;
    const struct smtpreply_enhanced *ep = NULL;
    int cmd = smtpreply_command_parse(c->command, strlen(c->command));

    if (c->enhanced[0] != '\0') {
        ck_assert_msg(smtpreply_enhanced_parse(c->enhanced, strlen(c->enhanced), &e) > 0,
                      "%s: bad enhanced code %s in the table", c->name, c->enhanced);
        ep = &e;
    }
    ck_assert_int_eq(smtpreply_classify_parts(c->code, ep, c->text, strlen(c->text), cmd, v),
                     SMTPREPLY_OK);
    ck_assert_int_eq(v->command, cmd);
}

START_TEST(case_table)
{
    const struct case_row *c = &cases[_i];
    struct smtpreply_verdict v;

    classify_row(c, &v);
    ck_assert_msg(v.reason == c->reason && v.bounce == c->bounce && v.retry == c->retry &&
                      v.evidence == c->evidence,
                  "%s: got %s/%s/%s by %s (%s), want %s/%s/%s by %s", c->name,
                  smtpreply_reason_name(v.reason), smtpreply_bounce_name(v.bounce),
                  smtpreply_retry_name(v.retry), smtpreply_evidence_name(v.evidence), v.rule,
                  smtpreply_reason_name(c->reason), smtpreply_bounce_name(c->bounce),
                  smtpreply_retry_name(c->retry), smtpreply_evidence_name(c->evidence));
    ck_assert_ptr_nonnull(v.rule);
    ck_assert_msg(v.rule[0] != '\0', "%s: empty rule", c->name);
    ck_assert_int_eq(v.severity, smtpreply_severity_of(c->code));
    ck_assert_int_eq(v.category, smtpreply_category_of(c->code));
}
END_TEST

/* The same rows through smtpreply_classify() and a reply structure give the same verdict. */
START_TEST(case_table_as_reply)
{
    const struct case_row *c = &cases[_i];
    struct smtpreply_verdict a, b;
    struct smtpreply_reply r;
    int cmd = smtpreply_command_parse(c->command, strlen(c->command));

    if (c->code < 200 || c->code > 599)
        return;
    classify_row(c, &a);
    memset(&r, 0, sizeof r);
    r.code = (uint16_t)c->code;
    if (c->enhanced[0] != '\0')
        (void)smtpreply_enhanced_parse(c->enhanced, strlen(c->enhanced), &r.enhanced);
    r.text = c->text;
    r.text_len = strlen(c->text);
    r.line_count = 1;
    ck_assert_int_eq(smtpreply_classify(&r, cmd, &b), SMTPREPLY_OK);
    ck_assert_msg(memcmp(&a, &b, sizeof a) == 0, "%s: classify and classify_parts differ", c->name);
}
END_TEST

/* Every reason, every evidence kind and every command word in the table appear
 * often enough that the table means something. */
START_TEST(table_coverage)
{
    int reasons[SMTPREPLY_REASON_COUNT] = { 0 }, evidence[6] = { 0 };
    size_t i;
    int k;

    for (i = 0; i < ARRAY_SIZE(cases); i++) {
        reasons[cases[i].reason]++;
        evidence[cases[i].evidence]++;
    }
    for (k = 0; k < SMTPREPLY_REASON_COUNT; k++)
        ck_assert_msg(reasons[k] >= 2, "reason %s has %d cases", smtpreply_reason_name(k), reasons[k]);
    for (k = 0; k < 6; k++)
        ck_assert_msg(evidence[k] >= 2, "evidence %s has %d cases", smtpreply_evidence_name(k),
                      evidence[k]);
    ck_assert_uint_ge(ARRAY_SIZE(cases), 200);
}
END_TEST

static const struct flag_case {
    const char *name;
    unsigned code;
    const char *enhanced;
    const char *text;
    int command;
    uint32_t want;
} flag_cases[] = {
    { "354 is no reply to RCPT", 354, "", "go ahead", SMTPREPLY_CMD_RCPT, SMTPREPLY_VERDICT_UNEXPECTED },
    { "220 is no reply to RCPT", 220, "", "ready", SMTPREPLY_CMD_RCPT, SMTPREPLY_VERDICT_UNEXPECTED },
    { "250 to RCPT is expected", 250, "2.1.5", "Ok", SMTPREPLY_CMD_RCPT, 0 },
    { "530 answers any command", 530, "5.7.0", "Authentication required", SMTPREPLY_CMD_MAIL, 0 },
    { "unknown command flags nothing", 354, "", "go ahead", SMTPREPLY_CMD_UNKNOWN, 0 },
    { "535 to MAIL", 535, "5.7.8", "Authentication credentials invalid", SMTPREPLY_CMD_MAIL,
      SMTPREPLY_VERDICT_UNEXPECTED },
    { "450 with 5.1.1", 450, "5.1.1", "User unknown", SMTPREPLY_CMD_RCPT,
      SMTPREPLY_VERDICT_CLASS_DISAGREES },
    { "550 with 2.0.0", 550, "2.0.0", "Rejected", SMTPREPLY_CMD_RCPT,
      SMTPREPLY_VERDICT_CLASS_DISAGREES },
    { "552 too many recipients", 552, "5.5.3", "Too many recipients", SMTPREPLY_CMD_RCPT,
      SMTPREPLY_VERDICT_TREAT_AS_TEMPORARY },
    { "452 too many recipients is plain", 452, "4.5.3", "Too many recipients", SMTPREPLY_CMD_RCPT, 0 },
    { "gmail provider text", 421, "4.7.0", "Try again later, closing connection. (EHLO)",
      SMTPREPLY_CMD_EHLO, SMTPREPLY_VERDICT_PROVIDER_TEXT },
    { "generic text is not a provider's", 550, "", "No such user here", SMTPREPLY_CMD_RCPT, 0 },
    { "provider agreeing with 5.1.1 leaves it to the code", 550, "5.1.1",
      "The email account that you tried to reach does not exist.", SMTPREPLY_CMD_RCPT, 0 },
    { "provider overruling 5.1.10", 550, "5.1.10", "RESOLVER.ADR.RecipientNotFound; not found",
      SMTPREPLY_CMD_RCPT, SMTPREPLY_VERDICT_PROVIDER_TEXT },
    { "all at once", 552, "4.5.3", "Too many recipients", SMTPREPLY_CMD_QUIT,
      SMTPREPLY_VERDICT_UNEXPECTED | SMTPREPLY_VERDICT_CLASS_DISAGREES |
          SMTPREPLY_VERDICT_TREAT_AS_TEMPORARY },
};

START_TEST(flag_table)
{
    const struct flag_case *c = &flag_cases[_i];
    struct smtpreply_enhanced e;
    struct smtpreply_verdict v;

    memset(&e, 0, sizeof e);
    if (c->enhanced[0] != '\0')
        ck_assert_uint_gt(smtpreply_enhanced_parse(c->enhanced, strlen(c->enhanced), &e), 0);
    ck_assert_int_eq(smtpreply_classify_parts(c->code, c->enhanced[0] ? &e : NULL, c->text,
                                              strlen(c->text), c->command, &v),
                     SMTPREPLY_OK);
    ck_assert_msg(v.flags == c->want, "%s: flags %#x, want %#x (%s)", c->name, v.flags, c->want,
                  v.rule);
    if (c->want & SMTPREPLY_VERDICT_TREAT_AS_TEMPORARY)
        ck_assert(v.bounce == SMTPREPLY_BOUNCE_SOFT && v.retry == SMTPREPLY_RETRY_RETRY);
}
END_TEST

/* Feed raw bytes through the parser and classify the one reply they hold. */
static void parse_one(const char *raw, struct smtpreply_reply *r, char *buf, size_t cap)
{
    struct smtpreply_parser p;
    size_t used = 0;

    ck_assert_int_eq(smtpreply_parser_init(&p, buf, cap), SMTPREPLY_OK);
    ck_assert_int_eq(smtpreply_parser_feed(&p, raw, strlen(raw), &used, r), SMTPREPLY_REPLY);
    ck_assert_uint_eq(used, strlen(raw));
}

START_TEST(gmail_multiline_through_parser)
{
    static const char raw[] =
        "550-5.1.1 The email account that you tried to reach does not exist. Please try\r\n"
        "550-5.1.1 double-checking the recipient's email address for typos or\r\n"
        "550-5.1.1 unnecessary spaces. For more information, go to\r\n"
        "550 5.1.1  https://support.google.com/mail/?p=NoSuchUser a640c23a62f3a-a9a1b2c3d4e5f.123 - gsmtp\r\n";
    struct smtpreply_reply r;
    struct smtpreply_verdict v;
    char buf[1024];

    parse_one(raw, &r, buf, sizeof buf);
    ck_assert_uint_eq(r.code, 550);
    ck_assert_str_eq(r.enhanced_text, "5.1.1");
    ck_assert_int_eq(smtpreply_classify(&r, SMTPREPLY_CMD_RCPT, &v), SMTPREPLY_OK);
    ck_assert_str_eq(smtpreply_reason_name(v.reason), "recipient-unknown");
    ck_assert_str_eq(smtpreply_bounce_name(v.bounce), "hard");
    ck_assert_str_eq(smtpreply_retry_name(v.retry), "never");
    ck_assert_str_eq(smtpreply_severity_name(v.severity), "permanent-negative");
    ck_assert_str_eq(smtpreply_category_name(v.category), "mail-system");
    ck_assert_int_eq(v.evidence, SMTPREPLY_EVIDENCE_ENHANCED);
    ck_assert_str_eq(v.rule, "enhanced 5.1.1");
    ck_assert_uint_eq(v.flags, 0);
    /* Without its enhanced code the reply is still recognised, by Gmail's text. */
    r.enhanced.klass = 0;
    ck_assert_int_eq(smtpreply_classify(&r, SMTPREPLY_CMD_RCPT, &v), SMTPREPLY_OK);
    ck_assert_str_eq(smtpreply_reason_name(v.reason), "recipient-unknown");
    ck_assert_int_eq(v.evidence, SMTPREPLY_EVIDENCE_TEXT);
    ck_assert_uint_eq(v.flags, SMTPREPLY_VERDICT_PROVIDER_TEXT);
}
END_TEST

START_TEST(postfix_greylist_through_parser)
{
    static const char raw[] = "450 4.2.0 <a@b.example>: Recipient address rejected: Greylisted, "
                              "see http://postgrey.schweikert.ch/help/b.example.html\r\n";
    struct smtpreply_reply r;
    struct smtpreply_verdict v;
    char buf[512];

    parse_one(raw, &r, buf, sizeof buf);
    ck_assert_int_eq(smtpreply_classify(&r, SMTPREPLY_CMD_RCPT, &v), SMTPREPLY_OK);
    ck_assert_str_eq(smtpreply_reason_name(v.reason), "greylisted");
    ck_assert_str_eq(smtpreply_bounce_name(v.bounce), "soft");
    ck_assert_str_eq(smtpreply_retry_name(v.retry), "retry");
    ck_assert_str_eq(smtpreply_severity_name(v.severity), "transient-negative");
    ck_assert_int_eq(v.evidence, SMTPREPLY_EVIDENCE_TEXT);
}
END_TEST

START_TEST(bad_arguments)
{
    struct smtpreply_verdict v;

    memset(&v, 0xAB, sizeof v);
    ck_assert_int_eq(smtpreply_classify(NULL, SMTPREPLY_CMD_RCPT, &v), SMTPREPLY_E_INVALID_ARG);
    ck_assert_ptr_nonnull(v.rule);     /* written even so */
    ck_assert_int_eq(v.command, SMTPREPLY_CMD_RCPT);
    ck_assert_int_eq(smtpreply_classify_parts(550, NULL, "x", 1, 0, NULL), SMTPREPLY_E_INVALID_ARG);
    memset(&v, 0xAB, sizeof v);
    ck_assert_int_eq(smtpreply_classify_parts(550, NULL, NULL, 5, 0, &v), SMTPREPLY_E_INVALID_ARG);
    ck_assert_ptr_nonnull(v.rule);
    ck_assert_int_eq(smtpreply_classify_parts(550, NULL, NULL, 0, 0, &v), SMTPREPLY_OK);
    ck_assert_int_eq(v.reason, SMTPREPLY_REASON_UNCLASSIFIED);
    /* Out-of-range command values are only echoed, never trusted. */
    ck_assert_int_eq(smtpreply_classify_parts(550, NULL, "", 0, 1000, &v), SMTPREPLY_OK);
    ck_assert_int_eq(v.command, 1000);
    ck_assert_uint_eq(v.flags, 0);
    ck_assert_int_eq(smtpreply_classify_parts(550, NULL, "", 0, -5, &v), SMTPREPLY_OK);
}
END_TEST

/* Invariants over every code 100-699, a spread of enhanced codes, every command and
 * a few texts: severity and category from the digits; 2xx/3xx none; a 4xx is always
 * soft/retry; "never" only with "hard"; rule never NULL; names always known. */
START_TEST(invariants)
{
    static const char *const texts[] = { "", "user unknown", "please try again later",
                                         "Message rejected as spam", "blocked using x",
                                         "552 too many recipients" };
    static const char *const enh[] = { "", "2.0.0", "4.0.0", "4.1.1", "4.7.1", "4.7.28",
                                       "5.1.1", "5.1.10", "5.2.2", "5.5.3", "5.7.1",
                                       "5.7.26", "5.7.606", "5.9.9", "4.4.4", "5.4.4" };
    unsigned code;
    size_t t, k;
    int cmd;

    /* Millions of checks: test each condition plainly and call Check only on a
     * failure, since every ck_assert records its location (a write per call). */
#define SWEEP_CHECK(cond) do { if (!(cond)) \
        ck_abort_msg("%u %s cmd %d '%s': %s (%s/%s/%s)", code, enh[k], cmd, texts[t], #cond, \
                     smtpreply_reason_name(v.reason), smtpreply_bounce_name(v.bounce), \
                     smtpreply_retry_name(v.retry)); } while (0)
    for (code = 100; code < 700; code += 1) {
        for (k = 0; k < ARRAY_SIZE(enh); k++) {
            struct smtpreply_enhanced e;
            memset(&e, 0, sizeof e);
            if (enh[k][0])
                ck_assert_uint_gt(smtpreply_enhanced_parse(enh[k], strlen(enh[k]), &e), 0);
            for (cmd = 0; cmd < SMTPREPLY_CMD_COUNT; cmd++) {
                for (t = 0; t < ARRAY_SIZE(texts); t++) {
                    struct smtpreply_verdict v;
                    unsigned digit = code >= 200 && code <= 599 ? code / 100 : 0;
                    int rc = smtpreply_classify_parts(code, enh[k][0] ? &e : NULL, texts[t],
                                                      strlen(texts[t]), cmd, &v);
                    SWEEP_CHECK(rc == SMTPREPLY_OK);
                    SWEEP_CHECK(v.severity == smtpreply_severity_of(code));
                    SWEEP_CHECK(v.category == smtpreply_category_of(code));
                    SWEEP_CHECK(v.rule != NULL);
                    SWEEP_CHECK(strcmp(smtpreply_reason_name(v.reason), "unknown") != 0);
                    SWEEP_CHECK(strcmp(smtpreply_bounce_name(v.bounce), "unknown") != 0);
                    SWEEP_CHECK(strcmp(smtpreply_retry_name(v.retry), "unknown") != 0);
                    SWEEP_CHECK(strcmp(smtpreply_evidence_name(v.evidence), "unknown") != 0);
                    if (digit == 2 || digit == 3)
                        SWEEP_CHECK(v.reason == SMTPREPLY_REASON_NONE &&
                                    v.bounce == SMTPREPLY_BOUNCE_NONE &&
                                    v.retry == SMTPREPLY_RETRY_NOT_NEEDED);
                    else
                        SWEEP_CHECK(v.reason != SMTPREPLY_REASON_NONE);
                    if (digit == 4)
                        SWEEP_CHECK(v.bounce == SMTPREPLY_BOUNCE_SOFT &&
                                    v.retry == SMTPREPLY_RETRY_RETRY);
                    if (v.retry == SMTPREPLY_RETRY_NEVER)
                        SWEEP_CHECK(v.bounce == SMTPREPLY_BOUNCE_HARD);
                    if (digit == 5 && v.reason != SMTPREPLY_REASON_TOO_MANY_RECIPIENTS)
                        SWEEP_CHECK(v.bounce != SMTPREPLY_BOUNCE_NONE);
                }
            }
        }
    }
#undef SWEEP_CHECK
}
END_TEST

/* ---- the phrase table, read from lib/phrases.def ---- */

#define MAX_PHRASES 1024

struct phrase_row {
    char text[128];
    char reason[48];
    char source[24];
    char guard[16];
};

static struct phrase_row phrase_rows[MAX_PHRASES];
static size_t phrase_count;

static void load_phrases(void)
{
    FILE *f;
    char line[512];

    if (phrase_count != 0)
        return;
    f = fopen(SRCDIR "/lib/phrases.def", "r");
    ck_assert_msg(f != NULL, "cannot open lib/phrases.def");
    while (fgets(line, sizeof line, f) != NULL) {
        struct phrase_row *r = &phrase_rows[phrase_count];
        if (strncmp(line, "SMTPREPLY_PHRASE(\"", 18) != 0)
            continue;
        ck_assert_int_eq(sscanf(line, "SMTPREPLY_PHRASE(\"%127[^\"]\", %47[A-Z_], %23[a-z], %15[A-Z_])",
                                r->text, r->reason, r->source, r->guard),
                         4);
        ck_assert_uint_lt(++phrase_count, MAX_PHRASES);
    }
    fclose(f);
    ck_assert_uint_gt(phrase_count, 300);
}

static int is_provider(const struct phrase_row *r)
{
    return strcmp(r->source, "generic") != 0 && strcmp(r->source, "filter") != 0;
}

/* The rule a verdict carries when phrase row r decided. */
static void rule_of(const struct phrase_row *r, char *out, size_t cap)
{
    if (is_provider(r))
        snprintf(out, cap, "phrase (%s): \"%s\"", r->source, r->text);
    else
        snprintf(out, cap, "phrase: \"%s\"", r->text);
}

/* Naive reference: ASCII case ignored, LF in the text matching a space. */
static int contains(const char *hay, size_t n, const char *needle)
{
    size_t m = strlen(needle), i, j;

    for (i = 0; i + m <= n; i++) {
        for (j = 0; j < m; j++) {
            int c = (unsigned char)hay[i + j];
            if (c == '\n')
                c = ' ';
            if (tolower(c) != needle[j])
                break;
        }
        if (j == m)
            return 1;
    }
    return 0;
}

static int reference_row(const char *text, size_t n)
{
    size_t i;

    for (i = 0; i < phrase_count; i++)
        if (contains(text, n, phrase_rows[i].text))
            return (int)i;
    return -1;
}

/* Text-only classification (no code, no command: every guard allows). */
static const char *matched_rule(const char *text, size_t n)
{
    static struct smtpreply_verdict v;

    ck_assert_int_eq(smtpreply_classify_parts(0, NULL, text, n, SMTPREPLY_CMD_UNKNOWN, &v),
                     SMTPREPLY_OK);
    return v.rule;
}

/* Every phrase is found, in any case, surrounded by text, with LF for a space, at the
 * start and at the end of the text, and names its reason. */
START_TEST(every_phrase_is_found)
{
    char text[256], want[256], reason[64];
    size_t i, k, n;

    load_phrases();
    for (i = 0; i < phrase_count; i++) {
        const struct phrase_row *r = &phrase_rows[i];
        static const char *const frames[][2] = { { "", "" }, { "zz ", " zz" }, { "(", ")" },
                                                 { "550-5.7.1 x ", "" } };
        int expect = (int)i;
        for (k = 0; k < ARRAY_SIZE(frames); k++) {
            size_t j;
            n = (size_t)snprintf(text, sizeof text, "%s%s%s", frames[k][0], r->text, frames[k][1]);
            /* odd frames: upper case and LF for every space of the phrase */
            if (k % 2 == 1)
                for (j = strlen(frames[k][0]); j < n - strlen(frames[k][1]); j++)
                    text[j] = text[j] == ' ' ? '\n' : (char)toupper((unsigned char)text[j]);
            expect = reference_row(text, n);
            ck_assert_msg(expect >= 0 && expect <= (int)i, "reference lost \"%s\"", r->text);
            rule_of(&phrase_rows[expect], want, sizeof want);
            ck_assert_msg(strcmp(matched_rule(text, n), want) == 0,
                          "\"%s\" in \"%s\": got %s, want %s", r->text, text, matched_rule(text, n),
                          want);
        }
        /* The reason the verdict names is the row's. */
        {
            struct smtpreply_verdict v;
            n = (size_t)snprintf(text, sizeof text, "%s", r->text);
            ck_assert_int_eq(smtpreply_classify_parts(0, NULL, text, n, 0, &v), SMTPREPLY_OK);
            if (reference_row(text, n) == (int)i) {
                for (k = 0; r->reason[k] && k + 1 < sizeof reason; k++)
                    reason[k] = r->reason[k] == '_' ? '-' : (char)tolower((unsigned char)r->reason[k]);
                reason[k] = '\0';
                ck_assert_str_eq(smtpreply_reason_name(v.reason), reason);
                ck_assert_uint_eq(v.flags, is_provider(r) ? SMTPREPLY_VERDICT_PROVIDER_TEXT : 0u);
            }
        }
        /* One byte short of the phrase matches nothing of this row. */
        n = strlen(r->text) - 1;
        memcpy(text, r->text, n);
        if (reference_row(text, n) < 0)
            ck_assert_str_eq(matched_rule(text, n), "no code and no known phrase");
    }
}
END_TEST

static uint32_t rng_state = 12345;

static uint32_t rng(void)
{
    rng_state = rng_state * 1103515245u + 12345u;
    return rng_state >> 8;
}

/* Generated texts: pieces of phrases, whole phrases in mixed case, LF, filler and
 * 8-bit bytes. The matcher must pick exactly the row the naive reference picks. */
START_TEST(matcher_agrees_with_reference)
{
    static const char *const filler[] = { " ", "\n", "the ", "mail ", "user ", "xx", "<a@b>",
                                          "\xc3\xa9", "5.7.1 ", "[192.0.2.1] ", "-", "re", "ion " };
    char text[400], want[256];
    int iter, found = 0;

    load_phrases();
    for (iter = 0; iter < 20000; iter++) {
        size_t n = 0;
        int parts = 1 + (int)(rng() % 8), p, expect;
        const char *got;
        while (parts-- > 0) {
            uint32_t kind = rng() % 4;
            const char *s;
            size_t len, off = 0;
            if (kind == 0) {
                s = filler[rng() % ARRAY_SIZE(filler)];
                len = strlen(s);
            } else {
                s = phrase_rows[rng() % phrase_count].text;
                len = strlen(s);
                if (kind == 1) { /* a piece of a phrase */
                    off = rng() % len;
                    len = 1 + rng() % (len - off);
                }
            }
            if (n + len >= sizeof text)
                break;
            for (p = 0; p < (int)len; p++) {
                char c = s[off + (size_t)p];
                if (rng() % 3 == 0)
                    c = (char)toupper((unsigned char)c);
                if (c == ' ' && rng() % 5 == 0)
                    c = '\n';
                text[n++] = c;
            }
        }
        expect = reference_row(text, n);
        got = matched_rule(text, n);
        if (expect < 0) {
            if (strcmp(got, "no code and no known phrase") != 0)
                ck_abort_msg("\"%.*s\": got %s", (int)n, text, got);
        } else {
            found++;
            rule_of(&phrase_rows[expect], want, sizeof want);
            if (strcmp(got, want) != 0)
                ck_abort_msg("\"%.*s\": got %s, want %s", (int)n, text, got, want);
        }
    }
    ck_assert_int_gt(found, 5000);
}
END_TEST

/* classify.c stops scanning classify_commands.def early: the DECISIVE rows must come
 * first, and each command's rows of one kind must be contiguous. */
START_TEST(command_rules_are_grouped)
{
    FILE *f = fopen(SRCDIR "/lib/classify_commands.def", "r");
    char line[512], seen[64][32], prev[32] = "", prev_when[16] = "";
    size_t nseen = 0, i, rows = 0;
    int fallback_started = 0;

    ck_assert_ptr_nonnull(f);
    while (fgets(line, sizeof line, f) != NULL) {
        char cmd[32], when[16];
        if (strncmp(line, "SMTPREPLY_COMMAND_RULE(", 23) != 0)
            continue;
        ck_assert_int_eq(sscanf(line, "SMTPREPLY_COMMAND_RULE(%31[A-Z_],", cmd), 1);
        ck_assert_msg(strstr(line, " DECISIVE, ") || strstr(line, " FALLBACK, "), "%s", line);
        strcpy(when, strstr(line, " DECISIVE, ") ? "DECISIVE" : "FALLBACK");
        ck_assert_int_eq(smtpreply_command_parse(cmd, strlen(cmd)) != SMTPREPLY_CMD_UNKNOWN, 1);
        if (strcmp(when, "FALLBACK") == 0)
            fallback_started = 1;
        else
            ck_assert_msg(!fallback_started, "DECISIVE row after a FALLBACK row: %s", line);
        if (strcmp(when, prev_when) != 0)
            nseen = 0; /* a new kind: commands start afresh */
        if (strcmp(cmd, prev) != 0 || nseen == 0) {
            for (i = 0; i < nseen; i++)
                ck_assert_msg(strcmp(seen[i], cmd) != 0, "%s rows of %s are split", cmd, when);
            ck_assert_uint_lt(nseen, 64);
            strcpy(seen[nseen++], cmd);
        }
        strcpy(prev, cmd);
        strcpy(prev_when, when);
        rows++;
    }
    fclose(f);
    ck_assert_uint_gt(rows, 20);
}
END_TEST

/* The committed lib/phrase_index.h is what the generator makes of phrases.def today. */
START_TEST(generator_diff)
{
    (void)check_generated(SRCDIR "/lib/phrase_index.h",
                          "python3 '" SRCDIR "/tools/gen_phrases.py' --stdout 2>/dev/null");
}
END_TEST

static Suite *classify_suite(void)
{
    Suite *s = suite_create("classify");
    TCase *tc = tcase_create("classify");

    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, case_table, 0, (int)ARRAY_SIZE(cases));
    tcase_add_loop_test(tc, case_table_as_reply, 0, (int)ARRAY_SIZE(cases));
    tcase_add_test(tc, table_coverage);
    tcase_add_loop_test(tc, flag_table, 0, (int)ARRAY_SIZE(flag_cases));
    tcase_add_test(tc, gmail_multiline_through_parser);
    tcase_add_test(tc, postfix_greylist_through_parser);
    tcase_add_test(tc, bad_arguments);
    tcase_add_test(tc, invariants);
    tcase_add_test(tc, every_phrase_is_found);
    tcase_add_test(tc, matcher_agrees_with_reference);
    tcase_add_test(tc, command_rules_are_grouped);
    tcase_add_test(tc, generator_diff);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(classify_suite());
    int failed;

    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
