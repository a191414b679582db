/* SPDX-License-Identifier: MIT */
/*
 * The classifier: a table of real replies (classify_cases.h), the verdict flags and
 * confidence, replies fed through the parser, invariants over every code, and the
 * phrase matcher checked row by row and against a naive reference on generated
 * texts; the reference reads data/phrases.txt and data/providers.txt itself. Also:
 * the generator refuses malformed tables, and every rule a verdict can name is
 * documented in docs/classification.md.
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
#define PROVIDER SMTPREPLY_EVIDENCE_PROVIDER
#define HIGH SMTPREPLY_CONFIDENCE_HIGH
#define LOW SMTPREPLY_CONFIDENCE_LOW
#define LOW_FLAG SMTPREPLY_VERDICT_LOW_CONFIDENCE

struct case_row {
    const char *name;
    unsigned code;
    const char *enhanced;
    const char *text;
    const char *command;
    int reason, bounce, retry, confidence, evidence;
};

static const struct case_row cases[] = {
#define C(name, code, enh, text, cmd, reason, bounce, retry, confidence, evidence) \
    { name, code, enh, text, cmd, SMTPREPLY_REASON_##reason, bounce, retry, confidence, evidence }
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
                      smtpreply_verdict_confidence(&v) == c->confidence &&
                      v.evidence == c->evidence,
                  "%s: got %s/%s/%s/%s by %s (%s), want %s/%s/%s/%s by %s", c->name,
                  smtpreply_reason_name(v.reason), smtpreply_bounce_name(v.bounce),
                  smtpreply_retry_name(v.retry),
                  smtpreply_confidence_name(smtpreply_verdict_confidence(&v)),
                  smtpreply_evidence_name(v.evidence), v.rule,
                  smtpreply_reason_name(c->reason), smtpreply_bounce_name(c->bounce),
                  smtpreply_retry_name(c->retry), smtpreply_confidence_name(c->confidence),
                  smtpreply_evidence_name(c->evidence));
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

/* Every reason, evidence kind and confidence appears often enough that the table
 * means something, and the table holds at least 400 replies. */
START_TEST(table_coverage)
{
    int reasons[SMTPREPLY_REASON_COUNT] = { 0 }, evidence[7] = { 0 }, confidence[2] = { 0 };
    int hard_low = 0;
    size_t i;
    int k;

    for (i = 0; i < ARRAY_SIZE(cases); i++) {
        reasons[cases[i].reason]++;
        evidence[cases[i].evidence]++;
        confidence[cases[i].confidence]++;
        hard_low += cases[i].bounce == HARD && cases[i].confidence == LOW;
    }
    for (k = 0; k < SMTPREPLY_REASON_COUNT; k++)
        ck_assert_msg(reasons[k] >= 2, "reason %s has %d cases", smtpreply_reason_name(k), reasons[k]);
    for (k = 0; k < 7; k++)
        ck_assert_msg(evidence[k] >= 2, "evidence %s has %d cases", smtpreply_evidence_name(k),
                      evidence[k]);
    ck_assert_int_ge(confidence[0], 20);
    ck_assert_int_ge(confidence[1], 20);
    ck_assert_int_ge(hard_low, 2); /* rule C4 */
    ck_assert_uint_ge(ARRAY_SIZE(cases), 400);
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
      SMTPREPLY_VERDICT_CLASS_DISAGREES | LOW_FLAG },
    { "552 too many recipients", 552, "5.5.3", "Too many recipients", SMTPREPLY_CMD_RCPT,
      SMTPREPLY_VERDICT_TREAT_AS_TEMPORARY },
    { "452 too many recipients is plain", 452, "4.5.3", "Too many recipients", SMTPREPLY_CMD_RCPT, 0 },
    { "gmail provider text", 421, "4.7.0", "Try again later, closing connection. (EHLO)",
      SMTPREPLY_CMD_EHLO, SMTPREPLY_VERDICT_PROVIDER_TEXT },
    { "generic text is not a provider's", 550, "", "No such user here", SMTPREPLY_CMD_RCPT, 0 },
    { "a provider's sentence decides where 5.1.1 agrees", 550, "5.1.1",
      "The email account that you tried to reach does not exist.", SMTPREPLY_CMD_RCPT,
      SMTPREPLY_VERDICT_PROVIDER_TEXT },
    { "an identifier is a provider's", 550, "5.1.1", "see https://support.google.com/mail/?p=NoSuchUser",
      SMTPREPLY_CMD_RCPT, SMTPREPLY_VERDICT_PROVIDER_TEXT },
    { "a bare 550 to RCPT has low confidence", 550, "", "", SMTPREPLY_CMD_RCPT, LOW_FLAG },
    { "a generic phrase has low confidence", 451, "", "Please try again later", SMTPREPLY_CMD_RCPT,
      LOW_FLAG },
    { "unknown user after the data has low confidence", 550, "", "Unknown user bob@example.jp",
      SMTPREPLY_CMD_DATA_END, LOW_FLAG },
    { "a 2xx is high", 250, "", "Ok", SMTPREPLY_CMD_DATA_END, 0 },
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
    ck_assert_str_eq(smtpreply_confidence_name(smtpreply_verdict_confidence(&v)), "high");
    ck_assert_int_eq(v.evidence, SMTPREPLY_EVIDENCE_PROVIDER);
    ck_assert_str_eq(v.rule, "provider gmail: \"?p=nosuchuser\"");
    ck_assert_uint_eq(v.flags, SMTPREPLY_VERDICT_PROVIDER_TEXT);
    /* Without its enhanced code the reply is still recognised, by the same anchor. */
    r.enhanced.klass = 0;
    ck_assert_int_eq(smtpreply_classify(&r, SMTPREPLY_CMD_RCPT, &v), SMTPREPLY_OK);
    ck_assert_str_eq(smtpreply_reason_name(v.reason), "recipient-unknown");
    ck_assert_int_eq(v.evidence, SMTPREPLY_EVIDENCE_PROVIDER);
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
    ck_assert_uint_eq(v.flags, LOW_FLAG);
    ck_assert_int_eq(smtpreply_verdict_confidence(NULL), LOW);
    ck_assert_str_eq(smtpreply_confidence_name(LOW), "low");
    ck_assert_str_eq(smtpreply_confidence_name(HIGH), "high");
    ck_assert_str_eq(smtpreply_confidence_name(2), "unknown");
    ck_assert_str_eq(smtpreply_verdict_flag_name(LOW_FLAG), "low-confidence");
    ck_assert_str_eq(smtpreply_evidence_name(PROVIDER), "provider");
    ck_assert_str_eq(smtpreply_reason_name(SMTPREPLY_REASON_RECIPIENT_FILTERED), "recipient-filtered");
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
                    /* Rule C2: a hard bounce only with evidence about the address. */
                    if (v.bounce == SMTPREPLY_BOUNCE_HARD)
                        SWEEP_CHECK(v.evidence == PROVIDER || v.evidence == TEXT ||
                                    v.evidence == ENHANCED);
                    /* Fallback evidence never gives high confidence. */
                    if (v.evidence == COMMAND || v.evidence == CODE || v.evidence == CLASS ||
                        v.evidence == NONE_E)
                        SWEEP_CHECK((digit == 2 || digit == 3) ||
                                    smtpreply_verdict_confidence(&v) == LOW);
                    if (digit == 2 || digit == 3)
                        SWEEP_CHECK(smtpreply_verdict_confidence(&v) == HIGH);
                    if (digit == 5 && v.reason != SMTPREPLY_REASON_TOO_MANY_RECIPIENTS)
                        SWEEP_CHECK(v.bounce != SMTPREPLY_BOUNCE_NONE);
                }
            }
        }
    }
#undef SWEEP_CHECK
}
END_TEST

/* ---- the phrase tables, read from data/ as the generator reads them ---- */

#define MAX_PHRASES 2048
#define MIN_SCAN_LEN 9              /* tools/gen_phrases.py: MIN_LEN */

struct phrase_row {
    char text[128];
    char reason[48];
    char source[24];
    char kind[12];
    char guard[16];
    char enh[24];
    int tier;                       /* 0 id, 1 a provider's or MTA's phrase, 2 common, 3 generic */
    int rank;                       /* position of the reason in the precedence list */
};

static struct phrase_row phrase_rows[MAX_PHRASES];
static size_t phrase_count;
static char precedence[64][48];
static size_t precedence_count;

static int rank_of(const char *reason)
{
    size_t i;

    for (i = 0; i < precedence_count; i++)
        if (strcmp(precedence[i], reason) == 0)
            return (int)i;
    ck_abort_msg("reason %s is not in the precedence list", reason);
    return -1;
}

static void load_file(const char *path)
{
    FILE *f = fopen(path, "r");
    char line[512];

    ck_assert_msg(f != NULL, "cannot open %s", path);
    while (fgets(line, sizeof line, f) != NULL) {
        struct phrase_row *r = &phrase_rows[phrase_count];
        char word[32];
        int n, used = 0;
        if (line[0] == '#' || sscanf(line, "%31s%n", word, &used) != 1)
            continue;
        if (strcmp(word, "source") == 0)
            continue;
        if (strcmp(word, "precedence") == 0) {
            const char *p = line + used;
            while (sscanf(p, "%47s%n", precedence[precedence_count], &n) == 1) {
                p += n;
                ck_assert_uint_lt(++precedence_count, 64);
            }
            continue;
        }
        memset(r, 0, sizeof *r);
        n = sscanf(line, "%11s %23s %47s %15s %23s \"%127[^\"]\"", r->kind, r->source, r->reason,
                   r->guard, r->enh, r->text);
        ck_assert_msg(n == 6 || (n == 5 && strstr(line, "\"\"") != NULL), "%s: bad row %s", path, line);
        ck_assert_uint_lt(++phrase_count, MAX_PHRASES);
    }
    fclose(f);
}

static void load_phrases(void)
{
    size_t i;

    if (phrase_count != 0)
        return;
    /* The generator reads the providers first: that is the order of equal rows. */
    load_file(SRCDIR "/data/providers.txt");
    load_file(SRCDIR "/data/phrases.txt");
    for (i = 0; i < phrase_count; i++) {
        struct phrase_row *r = &phrase_rows[i];
        r->tier = strcmp(r->kind, "id") == 0 ? 0 : strcmp(r->kind, "generic") == 0 ? 3
                  : strcmp(r->source, "common") == 0 ? 2 : 1;
        r->rank = rank_of(r->reason);
    }
    ck_assert_uint_gt(phrase_count, 400);
}

/* Rows a text alone can match: no enhanced code required, a text to find. */
static int text_only(const struct phrase_row *r)
{
    return strcmp(r->enh, "-") == 0 && r->text[0] != '\0';
}

static int is_short(const struct phrase_row *r)
{
    return strlen(r->text) < MIN_SCAN_LEN;
}

/* The rule a verdict carries when row r decided. */
static void rule_of(const struct phrase_row *r, char *out, size_t cap)
{
    if (r->tier == 0)
        snprintf(out, cap, "provider %s: \"%s\"", r->source, r->text);
    else if (r->tier == 1)
        snprintf(out, cap, "phrase (%s): \"%s\"", r->source, r->text);
    else if (r->tier == 2)
        snprintf(out, cap, "phrase: \"%s\"", r->text);
    else
        snprintf(out, cap, "generic phrase: \"%s\"", r->text);
}

static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static int word_byte(int c)
{
    return isalnum(c) || c == '_' || c == '#';
}

/* Naive reference: ASCII case ignored, LF in the text matching a space; a short
 * row only as a whole word (letters, digits, '_' and '#' around it do not belong
 * to it). */
static int contains(const char *hay, size_t n, const struct phrase_row *r)
{
    const char *needle = r->text;
    size_t m = strlen(needle), i, j;

    for (i = 0; i + m <= n; i++) {
        for (j = 0; j < m; j++) {
            int c = (unsigned char)hay[i + j];
            if (c == '\n')
                c = ' ';
            if (lower(c) != needle[j])
                break;
        }
        if (j < m)
            continue;
        if (!is_short(r) ||
            ((i == 0 || !word_byte((unsigned char)hay[i - 1])) &&
             (i + m == n || !word_byte((unsigned char)hay[i + m]))))
            return 1;
    }
    return 0;
}

static int stronger(const struct phrase_row *a, const struct phrase_row *b)
{
    return b == NULL || a->tier < b->tier || (a->tier == b->tier && a->rank < b->rank);
}

/* The row the classifier should name for a text alone (no code, no command), as
 * docs/classification.md describes it: the strongest scanned row if it is an
 * identifier or a specific phrase, else the strongest short word, else the
 * strongest generic phrase; -1 for none. */
static int reference_row(const char *text, size_t n)
{
    const struct phrase_row *best = NULL, *best_short = NULL;
    size_t i;

    for (i = 0; i < phrase_count; i++) {
        const struct phrase_row *r = &phrase_rows[i];
        if (!text_only(r) || !contains(text, n, r))
            continue;
        if (is_short(r)) {
            if (stronger(r, best_short))
                best_short = r;
        } else if (stronger(r, best)) {
            best = r;
        }
    }
    if (best != NULL && best->tier <= 2)
        return (int)(best - phrase_rows);
    if (best_short != NULL)
        return (int)(best_short - phrase_rows);
    return best != NULL ? (int)(best - phrase_rows) : -1;
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
        int expect;
        if (!text_only(r))
            continue;
        for (k = 0; k < ARRAY_SIZE(frames); k++) {
            size_t j;
            n = (size_t)snprintf(text, sizeof text, "%s%s%s", frames[k][0], r->text, frames[k][1]);
            /* odd frames: upper case and LF for every space of the phrase */
            if (k % 2 == 1)
                for (j = strlen(frames[k][0]); j < n - strlen(frames[k][1]); j++)
                    text[j] = text[j] == ' ' ? '\n' : (char)toupper((unsigned char)text[j]);
            expect = reference_row(text, n);
            ck_assert_msg(expect >= 0, "reference lost \"%s\"", r->text);
            rule_of(&phrase_rows[expect], want, sizeof want);
            ck_assert_msg(strcmp(matched_rule(text, n), want) == 0,
                          "\"%s\" in \"%s\": got %s, want %s", r->text, text, matched_rule(text, n),
                          want);
        }
        /* The reason and the flags the verdict names are the row's. */
        {
            struct smtpreply_verdict v;
            uint32_t flags = r->tier <= 1 ? SMTPREPLY_VERDICT_PROVIDER_TEXT : 0u;
            n = (size_t)snprintf(text, sizeof text, "%s", r->text);
            ck_assert_int_eq(smtpreply_classify_parts(0, NULL, text, n, 0, &v), SMTPREPLY_OK);
            if (reference_row(text, n) == (int)i) {
                for (k = 0; r->reason[k] && k + 1 < sizeof reason; k++)
                    reason[k] = r->reason[k];
                reason[k] = '\0';
                ck_assert_str_eq(smtpreply_reason_name(v.reason), reason);
                if (r->tier == 3)
                    flags |= LOW_FLAG;
                ck_assert_uint_eq(v.flags, flags);
            }
        }
        /* One byte short of the phrase: the reference decides what remains. */
        n = strlen(r->text) - 1;
        memcpy(text, r->text, n);
        expect = reference_row(text, n);
        if (expect < 0)
            ck_assert_str_eq(matched_rule(text, n), "no code and no known phrase");
        else {
            rule_of(&phrase_rows[expect], want, sizeof want);
            ck_assert_str_eq(matched_rule(text, n), want);
        }
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
                const struct phrase_row *r = &phrase_rows[rng() % phrase_count];
                if (!text_only(r))
                    continue;
                s = r->text;
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

/* Rule C6's words as the docs state them: "temporar" or "try again" anywhere in the
 * text, ASCII letters in either case, nothing else folded. */
static int naive_says_temporary(const char *text, size_t n)
{
    static const char *const words[] = { "temporar", "try again" };
    size_t i, w, k;

    for (i = 0; i < n; i++)
        for (w = 0; w < ARRAY_SIZE(words); w++) {
            size_t m = strlen(words[w]);
            for (k = 0; k < m && i + k < n; k++)
                if (tolower((unsigned char)text[i + k]) != words[w][k] ||
                    (text[i + k] & 0x80) != 0)
                    break;
            if (k == m)
                return 1;
        }
    return 0;
}

/* Rule C6 with its words, near misses and look-alike bytes at every offset and with
 * every tail length: a disabled mailbox stays hard exactly when the words are
 * absent (the word search reads eight bytes at a time; each alignment counts). */
START_TEST(c6_words_at_every_offset)
{
    static const char *const words[] = { "temporar", "TRY AGAIN", "Temporarily", "tRy aGaIn",
                                         "tempora", "try\nagain", "try  again", "te", "tr",
                                         ("\xd4" "emporar"), "t\xe5mporar", "ttemporar", "Tt" };
    static const char *const fill = "xTtTeRt ";
    char text[96];
    size_t w, pad, tail, checked = 0;

    for (w = 0; w < ARRAY_SIZE(words); w++)
        for (pad = 0; pad < 17; pad++)
            for (tail = 0; tail < 10; tail++) {
                struct smtpreply_verdict v;
                size_t n = (size_t)snprintf(text, sizeof text, "This account is suspended%.*s%s",
                                            (int)pad, "                 ", words[w]), k;
                for (k = 0; k < tail; k++)
                    text[n++] = fill[k % 8];
                ck_assert_int_eq(smtpreply_classify_parts(550, NULL, text, n, SMTPREPLY_CMD_RCPT,
                                                          &v), SMTPREPLY_OK);
                ck_assert_int_eq(v.reason, SMTPREPLY_REASON_MAILBOX_DISABLED);
                ck_assert_msg(v.bounce == (naive_says_temporary(text, n) ? SOFT : HARD),
                              "\"%.*s\": bounce %s", (int)n, text,
                              smtpreply_bounce_name(v.bounce));
                checked++;
            }
    ck_assert_uint_eq(checked, ARRAY_SIZE(words) * 17 * 10);
}
END_TEST

/* classify.c stops scanning classify_commands.def at the end of a command's rows:
 * each command's rows must be contiguous. */
START_TEST(command_rules_are_grouped)
{
    FILE *f = fopen(SRCDIR "/lib/classify_commands.def", "r");
    char line[512], seen[64][32], prev[32] = "";
    size_t nseen = 0, i, rows = 0;

    ck_assert_ptr_nonnull(f);
    while (fgets(line, sizeof line, f) != NULL) {
        char cmd[32];
        if (strncmp(line, "SMTPREPLY_COMMAND_RULE(", 23) != 0)
            continue;
        ck_assert_int_eq(sscanf(line, "SMTPREPLY_COMMAND_RULE(%31[A-Z_],", cmd), 1);
        ck_assert_int_eq(smtpreply_command_parse(cmd, strlen(cmd)) != SMTPREPLY_CMD_UNKNOWN, 1);
        if (strcmp(cmd, prev) != 0) {
            for (i = 0; i < nseen; i++)
                ck_assert_msg(strcmp(seen[i], cmd) != 0, "rows of %s are split", cmd);
            ck_assert_uint_lt(nseen, 64);
            strcpy(seen[nseen++], cmd);
        }
        strcpy(prev, cmd);
        rows++;
    }
    fclose(f);
    ck_assert_uint_gt(rows, 20);
}
END_TEST

/* The generator refuses tables it cannot turn into a matcher, with the file and
 * line of the fault, rather than building a library that misclassifies. */
static const struct bad_table {
    const char *name, *phrases, *why;
} bad_tables[] = {
    { "undeclared source", "phrase nobody recipient-unknown any - \"user unknown\"\n",
      "not declared" },
    { "upper case", "source common http://x\nphrase common recipient-unknown any - \"User unknown\"\n",
      "lower case" },
    { "unknown reason", "source common http://x\nphrase common no-such-reason any - \"user unknown\"\n",
      "cannot be given" },
    { "short text with spaces", "source common http://x\nphrase common spam-content any - \"a b\"\n",
      "one word" },
    { "id outside the providers' file", "source common http://x\nid common spam-content any - \"spamword\"\n",
      "providers' file" },
    { "bad enhanced code", "source common http://x\nphrase common spam-content any 5.x \"spamword\"\n",
      "enhanced code" },
    { "precedence incomplete", "source common http://x\nprecedence spam-content\n"
      "phrase common spam-content any - \"spamword\"\n", "precedence lacks" },
};

START_TEST(generator_refuses_bad_tables)
{
    const struct bad_table *b = &bad_tables[_i];
    char dir[] = "/tmp/smtpreply-gen-XXXXXX", path[256], cmd[1024], out[4096];
    FILE *f;
    size_t n;
    int status;

    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/phrases.txt", dir);
    f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(b->phrases, f);
    fclose(f);
    snprintf(path, sizeof path, "%s/providers.txt", dir);
    f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fclose(f);
    snprintf(cmd, sizeof cmd, "python3 '" SRCDIR "/tools/gen_phrases.py' --phrases %s/phrases.txt "
             "--providers %s/providers.txt --out %s/out.h 2>&1; echo \"exit=$?\"", dir, dir, dir);
    f = popen(cmd, "r");
    ck_assert_ptr_nonnull(f);
    n = fread(out, 1, sizeof out - 1, f);
    out[n] = '\0';
    status = pclose(f);
    ck_assert_int_eq(status, 0);
    ck_assert_msg(strstr(out, "exit=0") == NULL, "%s: the generator accepted it", b->name);
    ck_assert_msg(strstr(out, b->why) != NULL, "%s: message \"%s\"", b->name, out);
    ck_assert_msg(strstr(out, "phrases.txt:") != NULL, "%s: no file and line in \"%s\"", b->name, out);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
}
END_TEST

/* Every kind of rule a verdict can name has its section in docs/classification.md,
 * and so has every conflict rule the classifier applies. */
START_TEST(rules_are_documented)
{
    static char doc[1 << 17];
    static const char *const kinds[] = { "provider ", "phrase (", "phrase: ", "generic phrase: ",
                                         "enhanced ", "command ", "code ", "class ",
                                         "no code and no known phrase" };
    static const char *const headings[] = { "## Rule C1", "## Rule C2", "## Rule C3",
                                            "## Rule C4", "## Rule C5" };
    FILE *f = fopen(SRCDIR "/docs/classification.md", "r");
    size_t n, i, k;

    ck_assert_ptr_nonnull(f);
    n = fread(doc, 1, sizeof doc - 1, f);
    fclose(f);
    doc[n] = '\0';
    for (k = 0; k < ARRAY_SIZE(headings); k++)
        ck_assert_msg(strstr(doc, headings[k]) != NULL, "no \"%s\"", headings[k]);
    for (k = 0; k < ARRAY_SIZE(kinds); k++) {
        char want[64];
        snprintf(want, sizeof want, "`%s", kinds[k]);
        ck_assert_msg(strstr(doc, want) != NULL, "rule kind \"%s\" is not documented", kinds[k]);
    }
    /* The rule of every table row starts with one of those kinds. */
    for (i = 0; i < ARRAY_SIZE(cases); i++) {
        struct smtpreply_verdict v;
        int ok = 0;
        classify_row(&cases[i], &v);
        for (k = 0; k < ARRAY_SIZE(kinds); k++)
            ok |= strncmp(v.rule, kinds[k], strlen(kinds[k])) == 0;
        ok |= strncmp(v.rule, "phrase ", 7) == 0;
        ck_assert_msg(ok, "%s: rule \"%s\" has no documented kind", cases[i].name, v.rule);
    }
    /* Every reason, bounce, retry and confidence value is listed with its meaning. */
    for (k = 0; k < SMTPREPLY_REASON_COUNT; k++) {
        char want[64];
        snprintf(want, sizeof want, "`%s`", smtpreply_reason_name((int)k));
        ck_assert_msg(strstr(doc, want) != NULL, "reason %s is not listed", want);
    }
    for (k = 0; k < 4; k++) {
        char want[64];
        snprintf(want, sizeof want, "`%s`", smtpreply_bounce_name((int)k));
        ck_assert_msg(strstr(doc, want) != NULL, "bounce %s is not listed", want);
        snprintf(want, sizeof want, "`%s`", smtpreply_retry_name((int)k));
        ck_assert_msg(strstr(doc, want) != NULL, "retry %s is not listed", want);
    }
    for (k = 0; k < 2; k++) {
        char want[64];
        snprintf(want, sizeof want, "`%s`", smtpreply_confidence_name((int)k));
        ck_assert_msg(strstr(doc, want) != NULL, "confidence %s is not listed", want);
    }
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
    tcase_add_test(tc, c6_words_at_every_offset);
    tcase_add_test(tc, command_rules_are_grouped);
    tcase_add_loop_test(tc, generator_refuses_bad_tables, 0, (int)ARRAY_SIZE(bad_tables));
    tcase_add_test(tc, rules_are_documented);
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
