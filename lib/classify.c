/* SPDX-License-Identifier: MIT */
/*
 * The reason classifier (DESIGN.md section 4).
 *
 * Severity and category come from the code's digits only. The reason comes from
 * the first of these that has something to say, in DESIGN's order of evidence;
 * the verdict records which kind decided (evidence) and how (rule):
 *
 *   1. 2xx and 3xx: no failure, reason "none" (evidence "class").
 *   2. A specific enhanced detail, one the registry ties to one reason (x.1.1,
 *      x.1.10, x.2.2, x.3.4, x.7.8, x.7.20-x.7.30, ...; classify_enhanced.def).
 *      One exception: when a large provider's own documented text for the reply
 *      names another reason, the text wins, because providers reuse enhanced codes
 *      loosely (Microsoft sends 5.1.10, "null MX" in the registry, for a plain
 *      unknown recipient; Gmail sends 4.2.1, "mailbox disabled", for a recipient
 *      receiving mail too fast; Yahoo sends 5.7.9, "mechanism too weak", for a
 *      policy refusal). Evidence "text" with flag PROVIDER_TEXT in that case.
 *   3. A DECISIVE command rule (classify_commands.def): AUTH and STARTTLS replies
 *      are about credentials and TLS whatever their text. Evidence "command".
 *   4. A phrase (phrases.def): providers' texts first, then generic and filter
 *      phrases, with Sisimai's guard that spam words count only from DATA on, and
 *      the greylisting catch-all "please try again later" only in a 4xx. Here a
 *      phrase refines a vague code: "550 5.7.1 ... blocked using zen.spamhaus.org"
 *      is client-blocked, "550 5.7.1 ... likely unsolicited mail" after DATA is
 *      spam-content. Evidence "text" (flag PROVIDER_TEXT for a provider's row).
 *   5. A FALLBACK command rule: a 5xx greeting is a block, a bare 550 to RCPT an
 *      unknown recipient, 552 to MAIL a size refusal. They come after the phrases
 *      because the text may say otherwise ("554 ... reverse DNS" at CONNECT).
 *      Evidence "command".
 *   6. A specific basic code (535, 521, 530, 500-504, ...; classify_codes.def).
 *      Evidence "code".
 *   7. A vague enhanced detail (x.1.0, x.3.0, x.5.0, x.7.0, x.7.1, ...): it speaks
 *      only when nothing above did. Evidence "enhanced".
 *   8. A generic basic code (451, 452, 552, 553). Evidence "code".
 *   9. The first digit alone: "unclassified". Evidence "class".
 *
 * Whatever decided, in a reply to MAIL an address reason (unknown user, bad
 * syntax, unknown domain, ...) is the sender's: the reason becomes
 * "sender-rejected", so a recipient is never suppressed for its sender's fault.
 *
 * Bounce class and retry advice: reasons.def gives each reason's defaults for a
 * permanent reply. A transient (4xx) reply is always soft/retry, so 4xx never
 * advises "never" (RFC 5321 s.4.2.1); when the enhanced class disagrees with the
 * first digit the digit wins. A 552 that means "too many recipients" is treated
 * as temporary (RFC 5321 s.4.5.3.1.10). Without a reply code (log lines) the
 * enhanced class, if any, stands in for the digit; with neither, the reason's
 * defaults apply, and "unclassified" is soft/retry.
 *
 * The phrase matcher is allocation-free and probes the text every PHRASE_STRIDE
 * bytes against tables built at build time (tools/gen_phrases.py describes it).
 */
#include "internal.h"

#include <string.h>

/* ---- tables ---- */

enum strength { VAGUE = 1, SPECIFIC = 2, GENERIC = 3 };
enum when { DECISIVE = 1, FALLBACK = 2 };
enum guard { ANY = 0, AFTER_DATA = 1, TRANSIENT = 2 };

/* Enhanced-code subject masks for classify_commands.def. */
#define ENH_S0 (1u << 0)
#define ENH_S1 (1u << 1)
#define ENH_S2 (1u << 2)
#define ENH_S3 (1u << 3)
#define ENH_S4 (1u << 4)
#define ENH_S5 (1u << 5)
#define ENH_S6 (1u << 6)
#define ENH_S7 (1u << 7)
#define ENH_NONE (1u << 8)
#define ENH_X71 (1u << 9)
#define ENH_ANY 0x3FFu

/* Where a phrase comes from. Providers' exact texts come first among the phrases,
 * and one may overrule a specific enhanced code that names another reason. */
enum source {
    SRC_generic, SRC_filter, SRC_FIRST_PROVIDER_,
    SRC_gmail = SRC_FIRST_PROVIDER_, SRC_microsoft, SRC_yahoo, SRC_icloud, SRC_exchange,
    SRC_postfix, SRC_exim, SRC_sendmail, SRC_qmail, SRC_opensmtpd
};

struct phrase {
    const char *text;
    const char *rule;           /* phrase: "text" */
    const char *provider_rule;  /* phrase (source): "text" */
    uint8_t len, reason, source, guard;
};

static const struct phrase phrases[] = {
#define SMTPREPLY_PHRASE(text, reason, source, guard)                              \
    { text, "phrase: \"" text "\"", "phrase (" #source "): \"" text "\"",             \
      (uint8_t)(sizeof(text) - 1),                                                 \
      SMTPREPLY_REASON_##reason, SRC_##source, guard },
#include "phrases.def"
#undef SMTPREPLY_PHRASE
};

struct phrase_word {
    uint64_t word;              /* 6 folded bytes, little-endian */
    uint16_t first, count;
};

struct phrase_candidate {
    uint32_t tail, tail_mask;   /* the phrase's folded last 4 bytes, spaces masked */
    uint16_t row;
    uint8_t offset, len;
};

#include "phrase_index.h"

typedef char phrase_index_current_[SMTPREPLY_ARRAY_SIZE(phrases) == PHRASE_ROWS ? 1 : -1];
typedef char phrase_index_size_[
    SMTPREPLY_ARRAY_SIZE(phrase_bucket) == (1u << PHRASE_HASH_BITS) + 1 ? 1 : -1];

struct enh_cell {
    uint8_t reason, strength;
};

/* [class 4 or 5][subject][detail] for the registry's details (all below 32). */
#define ENH_DETAILS 32
static const struct enh_cell enh_cells[2][8][ENH_DETAILS] = {
#define SMTPREPLY_ENHANCED(k, s, d, reason, strength)                               \
    ENH_CELL_##k(s, d, SMTPREPLY_REASON_##reason, strength)
#define ENH_CELL_0(s, d, r, st) [0][s][d] = { r, st }, [1][s][d] = { r, st },
#define ENH_CELL_4(s, d, r, st) [0][s][d] = { r, st },
#define ENH_CELL_5(s, d, r, st) [1][s][d] = { r, st },
#define SMTPREPLY_ENHANCED_RANGE(k, s, first, last, reason)
#include "classify_enhanced.def"
#undef SMTPREPLY_ENHANCED
#undef SMTPREPLY_ENHANCED_RANGE
};

static const char *const enh_rules[2][8][ENH_DETAILS] = {
#define SMTPREPLY_ENHANCED(k, s, d, reason, strength) ENH_RULE_##k(s, d)
#define ENH_RULE_0(s, d) [0][s][d] = "enhanced 4." #s "." #d, [1][s][d] = "enhanced 5." #s "." #d,
#define ENH_RULE_4(s, d) [0][s][d] = "enhanced 4." #s "." #d,
#define ENH_RULE_5(s, d) [1][s][d] = "enhanced 5." #s "." #d,
#define SMTPREPLY_ENHANCED_RANGE(k, s, first, last, reason)
#include "classify_enhanced.def"
#undef SMTPREPLY_ENHANCED
#undef SMTPREPLY_ENHANCED_RANGE
};

struct enh_range {
    uint16_t klass, subject, first, last;
    uint8_t reason;
    const char *rule;
};

static const struct enh_range enh_ranges[] = {
#define SMTPREPLY_ENHANCED(k, s, d, reason, strength)
#define SMTPREPLY_ENHANCED_RANGE(k, s, first, last, reason)                         \
    { k, s, first, last, SMTPREPLY_REASON_##reason,                                \
      "enhanced " #k "." #s "." #first "-" #last },
#include "classify_enhanced.def"
#undef SMTPREPLY_ENHANCED
#undef SMTPREPLY_ENHANCED_RANGE
};

/* [code - 400] for 400-599. */
static const struct enh_cell code_cells[200] = {
#define SMTPREPLY_CODE_REASON(code, reason, strength)                               \
    [(code) - 400] = { SMTPREPLY_REASON_##reason, strength },
#include "classify_codes.def"
#undef SMTPREPLY_CODE_REASON
};

static const char *const code_rules[200] = {
#define SMTPREPLY_CODE_REASON(code, reason, strength) [(code) - 400] = "code " #code,
#include "classify_codes.def"
#undef SMTPREPLY_CODE_REASON
};

struct command_rule {
    uint8_t command;
    uint8_t klass;
    uint16_t code;
    uint16_t subjects;
    uint8_t reason, when;
    const char *rule;
};

static const struct command_rule command_rules[] = {
#define SMTPREPLY_COMMAND_RULE(cmd, code, klass, subjects, reason, when, rule)      \
    { SMTPREPLY_CMD_##cmd, klass, code, subjects, SMTPREPLY_REASON_##reason, when, rule },
#include "classify_commands.def"
#undef SMTPREPLY_COMMAND_RULE
};

/* Which commands have rules of each kind, so the others skip the scan. */
static const uint32_t decisive_rule_commands = 0
#define SMTPREPLY_COMMAND_RULE(cmd, code, klass, subjects, reason, when, rule)      \
    | (when == DECISIVE ? 1u << SMTPREPLY_CMD_##cmd : 0u)
#include "classify_commands.def"
#undef SMTPREPLY_COMMAND_RULE
    ;
static const uint32_t fallback_rule_commands = 0
#define SMTPREPLY_COMMAND_RULE(cmd, code, klass, subjects, reason, when, rule)      \
    | (when == FALLBACK ? 1u << SMTPREPLY_CMD_##cmd : 0u)
#include "classify_commands.def"
#undef SMTPREPLY_COMMAND_RULE
    ;

struct reason_default {
    uint8_t bounce, retry;
};

static const struct reason_default reason_defaults[] = {
#define SMTPREPLY_REASON(id, name, bounce, retry)                                   \
    { SMTPREPLY_BOUNCE_##bounce, SMTPREPLY_RETRY_##retry },
#include "reasons.def"
#undef SMTPREPLY_REASON
};

typedef char reason_defaults_complete_[
    SMTPREPLY_ARRAY_SIZE(reason_defaults) == SMTPREPLY_REASON_COUNT ? 1 : -1];

/* ---- the phrase matcher ---- */

static inline uint64_t load64(const unsigned char *t)
{
    return (uint64_t)t[0] | (uint64_t)t[1] << 8 | (uint64_t)t[2] << 16 |
           (uint64_t)t[3] << 24 | (uint64_t)t[4] << 32 | (uint64_t)t[5] << 40 |
           (uint64_t)t[6] << 48 | (uint64_t)t[7] << 56;
}

#define BYTES(b) (0x0101010101010101u * (uint64_t)(b))

/* Eight text bytes as the phrase table spells them: ASCII upper case lowered and
 * LF (the parser's line joint) read as a space. Branch-free byte-wise arithmetic;
 * bytes from 0x80 up stay as they are. */
static inline uint64_t normalise8(uint64_t x)
{
    uint64_t ascii = ~x & BYTES(0x80);
    uint64_t seven = x & BYTES(0x7F);
    uint64_t ge_a = (seven + BYTES(0x80 - 'A')) & ascii;        /* byte >= 'A' */
    uint64_t gt_z = (seven + BYTES(0x80 - 'Z' - 1)) & ascii;    /* byte > 'Z' */
    uint64_t upper = ge_a & ~gt_z;
    uint64_t lf = seven ^ BYTES('\n');
    uint64_t is_lf = ~((lf + BYTES(0x7F)) | lf) & ascii;          /* byte == LF */

    return (x | upper >> 2) ^ (is_lf >> 7) * 0x2A;
}

/* Does the text at t hold phrase p (ASCII case ignored, LF matching a space)?
 * The caller has checked that p->len bytes are there. Every phrase is at least
 * PHRASE_MIN_LEN (7) bytes; eight at a time, the last group overlapping. */
static int confirm(const unsigned char *t, const struct phrase *p)
{
    const unsigned char *s = (const unsigned char *)p->text;
    size_t n = p->len, i;

    if (n < 8) {
        for (i = 0; i < n; i++) {
            unsigned c = t[i];
            if (c - 'A' < 26u)
                c |= 0x20;
            else if (c == '\n')
                c = ' ';
            if (c != s[i])
                return 0;
        }
        return 1;
    }
    for (i = 0; i + 8 < n; i += 8)
        if (normalise8(load64(t + i)) != load64(s + i))
            return 0;
    return normalise8(load64(t + n - 8)) == load64(s + n - 8);
}

static int guard_allows(unsigned guard, int command, unsigned digit)
{
    if (guard == AFTER_DATA)
        return command != SMTPREPLY_CMD_CONNECT && command != SMTPREPLY_CMD_EHLO &&
               command != SMTPREPLY_CMD_HELO && command != SMTPREPLY_CMD_MAIL &&
               command != SMTPREPLY_CMD_RCPT;
    if (guard == TRANSIENT)
        return digit != 5;
    return 1;
}

static inline uint32_t load_folded(const unsigned char *t)
{
    return ((uint32_t)t[0] | (uint32_t)t[1] << 8 | (uint32_t)t[2] << 16 |
            (uint32_t)t[3] << 24) | 0x20202020u;
}

/* The candidates of the folded anchor w (hash h, 16 bits) at text position pos,
 * once the filter let it through: returns the best row confirmed so far (rows
 * are priorities, lower is better). */
static unsigned probe(const unsigned char *t, size_t len, size_t pos, uint64_t w, uint32_t h,
                      int command, unsigned digit, unsigned best)
{
    unsigned k, end;

    h >>= 16 - PHRASE_HASH_BITS;
    end = phrase_bucket[h + 1];
    for (k = phrase_bucket[h]; k < end; k++) {
        const struct phrase_word *pw = &phrase_words[k];
        unsigned c, last;
        if (pw->word != w)
            continue;
        last = (unsigned)pw->first + pw->count;
        for (c = pw->first; c < last; c++) {
            const struct phrase_candidate *cand = &phrase_candidates[c];
            const struct phrase *p;
            size_t start;
            if (cand->row >= best)
                break; /* candidates are sorted by row */
            start = pos - cand->offset;
            if (pos < cand->offset || start + cand->len > len ||
                (load_folded(t + start + cand->len - 4) & cand->tail_mask) != cand->tail)
                continue;
            p = &phrases[cand->row];
            if (guard_allows(p->guard, command, digit) && confirm(t + start, p))
                return cand->row;
        }
        break; /* the words of a bucket are distinct */
    }
    return best;
}

#define ANCHOR_MASK 0xFFFFFFFFFFFFu
#define PASSES_FILTER(h) ((filter[(h) >> 5] >> ((h) & 31) & 1u) != 0)
typedef char phrase_anchor_is_6_[PHRASE_ANCHOR == 6 ? 1 : -1];

/* The best (first-listed) phrase among rows [0, limit) that occurs in the text
 * and that its guard allows, or -1. Cost per PHRASE_STRIDE (4) bytes of text:
 * one 8-byte load, one multiply and one bit test; the anchors are read only for
 * the few probes that pass the filter, and a whole phrase is compared only when
 * its tail matches too. */
static int match_phrase(const char *text, size_t len, int command, unsigned digit,
                        unsigned limit)
{
    const unsigned char *t = (const unsigned char *)text;
    const uint32_t *filter = phrase_filter[limit <= PHRASE_PROVIDER_ROWS];
    unsigned best = limit;
    size_t pos;

    if (text == NULL || len < PHRASE_MIN_LEN || limit == 0)
        return -1;
    pos = 0;
    if (len >= 8) {
        /* The probes with 8 bytes readable: the hot loop, kept free of anything
         * but the filter test. */
        const unsigned char *p = t, *last = t + (len - 8);
        for (; p <= last; p += PHRASE_STRIDE) {
            uint64_t w = (load64(p) & ANCHOR_MASK) | (BYTES(0x20) & ANCHOR_MASK);
            uint32_t h = (uint32_t)((w * PHRASE_MULTIPLIER) >> 48);
            if (PASSES_FILTER(h))
                best = probe(t, len, (size_t)(p - t), w, h, command, digit, best);
        }
        pos = (size_t)(p - t);
    }
    /* The last probe or two, where fewer than 8 bytes remain. */
    for (; pos + PHRASE_ANCHOR <= len; pos += PHRASE_STRIDE) {
        unsigned char tail[8] = { 0 };
        uint64_t w;
        uint32_t h;
        memcpy(tail, t + pos, PHRASE_ANCHOR);
        w = (load64(tail) & ANCHOR_MASK) | (BYTES(0x20) & ANCHOR_MASK);
        h = (uint32_t)((w * PHRASE_MULTIPLIER) >> 48);
        if (PASSES_FILTER(h))
            best = probe(t, len, pos, w, h, command, digit, best);
    }
    return best < limit ? (int)best : -1;
}

/* ---- the other evidence ---- */

struct finding {
    int reason;
    int evidence;
    const char *rule;
};

static int found(struct finding *f, int reason, int evidence, const char *rule)
{
    f->reason = reason;
    f->evidence = evidence;
    f->rule = rule;
    return 1;
}

/* The enhanced code as a subject mask for command rules. */
static unsigned enhanced_bits(const struct smtpreply_enhanced *e)
{
    unsigned bits;

    if (e == NULL || e->klass == 0)
        return ENH_NONE;
    bits = e->subject <= 7 ? 1u << e->subject : 0;
    if (e->subject == 7 && e->detail == 1)
        bits |= ENH_X71;
    return bits;
}

static int command_rule(int command, unsigned code, unsigned digit, unsigned ebits,
                        unsigned when, struct finding *f)
{
    size_t i;
    int seen = 0;

    if (command <= SMTPREPLY_CMD_UNKNOWN || command >= SMTPREPLY_CMD_COUNT ||
        ((when == DECISIVE ? decisive_rule_commands : fallback_rule_commands) >> command & 1u) == 0)
        return 0;
    for (i = 0; i < SMTPREPLY_ARRAY_SIZE(command_rules); i++) {
        const struct command_rule *r = &command_rules[i];
        if (r->when != when) {
            if (when == DECISIVE)
                break; /* the DECISIVE rows come first in classify_commands.def */
            continue;
        }
        if (r->command != command) {
            if (seen)
                break; /* a command's rows of one kind are contiguous */
            continue;
        }
        seen = 1;
        if (r->code != 0 ? r->code != code : (r->klass != 0 && r->klass != digit))
            continue;
        if (r->subjects != ENH_ANY && (r->subjects & ebits) == 0)
            continue;
        return found(f, r->reason, SMTPREPLY_EVIDENCE_COMMAND, r->rule);
    }
    return 0;
}

static int enhanced_rule(const struct smtpreply_enhanced *e, unsigned strength,
                         struct finding *f)
{
    size_t i;
    unsigned k;

    if (e == NULL || (e->klass != 4 && e->klass != 5) || e->subject > 7)
        return 0;
    k = e->klass - 4u;
    if (e->detail < ENH_DETAILS) {
        const struct enh_cell *c = &enh_cells[k][e->subject][e->detail];
        if (c->strength != strength)
            return 0;
        return found(f, c->reason, SMTPREPLY_EVIDENCE_ENHANCED, enh_rules[k][e->subject][e->detail]);
    }
    if (strength != SPECIFIC)
        return 0;
    for (i = 0; i < SMTPREPLY_ARRAY_SIZE(enh_ranges); i++) {
        const struct enh_range *r = &enh_ranges[i];
        if (r->klass == e->klass && r->subject == e->subject && e->detail >= r->first &&
            e->detail <= r->last)
            return found(f, r->reason, SMTPREPLY_EVIDENCE_ENHANCED, r->rule);
    }
    return 0;
}

static int code_rule(unsigned code, unsigned strength, struct finding *f)
{
    const struct enh_cell *c;

    if (code < 400 || code > 599)
        return 0;
    c = &code_cells[code - 400];
    if (c->strength != strength)
        return 0;
    return found(f, c->reason, SMTPREPLY_EVIDENCE_CODE, code_rules[code - 400]);
}

/* Steps 2-9 of the order at the top of this file. */
static void decide_reason(unsigned code, unsigned digit, const struct smtpreply_enhanced *e,
                   const char *text, size_t len, int command, struct finding *f,
                   uint32_t *flags)
{
    unsigned ebits = enhanced_bits(e);
    int by_enhanced, by_command, row;
    const struct phrase *p;

    /* Steps 2 and 3 first: when one of them decides, only a provider's text can
     * still matter (step 2's exception), so the matcher skips the generic rows. */
    by_enhanced = enhanced_rule(e, SPECIFIC, f);
    by_command = !by_enhanced && command_rule(command, code, digit, ebits, DECISIVE, f);
    row = match_phrase(text, len, command, digit,
                       by_enhanced ? PHRASE_PROVIDER_ROWS : by_command ? 0 : PHRASE_ROWS);
    p = row >= 0 ? &phrases[row] : NULL;
    if (by_enhanced) {
        if (p != NULL && p->reason != f->reason) {
            *flags |= SMTPREPLY_VERDICT_PROVIDER_TEXT;
            found(f, p->reason, SMTPREPLY_EVIDENCE_TEXT, p->provider_rule);
        }
        return;
    }
    if (by_command)
        return;
    if (p != NULL) {
        if (p->source >= SRC_FIRST_PROVIDER_) {
            *flags |= SMTPREPLY_VERDICT_PROVIDER_TEXT;
            found(f, p->reason, SMTPREPLY_EVIDENCE_TEXT, p->provider_rule);
        } else {
            found(f, p->reason, SMTPREPLY_EVIDENCE_TEXT, p->rule);
        }
        return;
    }
    if (command_rule(command, code, digit, ebits, FALLBACK, f) || code_rule(code, SPECIFIC, f) ||
        enhanced_rule(e, VAGUE, f) || code_rule(code, GENERIC, f))
        return;
    if (digit == 4)
        found(f, SMTPREPLY_REASON_UNCLASSIFIED, SMTPREPLY_EVIDENCE_CLASS, "class 4xx");
    else if (digit == 5)
        found(f, SMTPREPLY_REASON_UNCLASSIFIED, SMTPREPLY_EVIDENCE_CLASS, "class 5xx");
    else
        found(f, SMTPREPLY_REASON_UNCLASSIFIED, SMTPREPLY_EVIDENCE_NONE, "no code and no known phrase");
}

/* A reply to MAIL is about the envelope sender: whatever names an address, a
 * mailbox or a domain there ("User unknown in local recipient table", 5.1.1,
 * "Domain not found") names the sender's, never a recipient to suppress. */
static int is_address_reason(int reason)
{
    return reason == SMTPREPLY_REASON_RECIPIENT_UNKNOWN ||
           reason == SMTPREPLY_REASON_RECIPIENT_ADDRESS_INVALID ||
           reason == SMTPREPLY_REASON_DOMAIN_UNKNOWN || reason == SMTPREPLY_REASON_DOMAIN_NO_MAIL ||
           reason == SMTPREPLY_REASON_MAILBOX_MOVED || reason == SMTPREPLY_REASON_MAILBOX_DISABLED;
}

static void decide(unsigned code, unsigned digit, const struct smtpreply_enhanced *e,
                   const char *text, size_t len, int command, struct finding *f,
                   uint32_t *flags)
{
    decide_reason(code, digit, e, text, len, command, f, flags);
    if (command == SMTPREPLY_CMD_MAIL && is_address_reason(f->reason))
        f->reason = SMTPREPLY_REASON_SENDER_REJECTED;
}

/*
 * Most replies of a session: a 2xx or 3xx whose enhanced code (if any) agrees.
 * The class decides and the text is not read. Writes the same verdict as the
 * general path of smtpreply_classify_parts() and returns 1, or returns 0 having
 * written nothing. Small on purpose: the public entry points try it before the
 * general path's setup.
 */
static int class_only_verdict(unsigned code, const struct smtpreply_enhanced *enhanced,
                              const char *text, size_t len, int command,
                              struct smtpreply_verdict *v)
{
    unsigned digit = code / 100;

    if (code < 200 || code > 399 || (text == NULL && len != 0)
        || (enhanced != NULL && enhanced->klass != 0 && enhanced->klass != digit))
        return 0;
    v->severity = (int32_t)digit;
    v->category = smtpreply__category(code);
    v->reason = SMTPREPLY_REASON_NONE;
    v->bounce = SMTPREPLY_BOUNCE_NONE;
    v->retry = SMTPREPLY_RETRY_NOT_NEEDED;
    v->evidence = SMTPREPLY_EVIDENCE_CLASS;
    v->command = command;
    v->flags = command > SMTPREPLY_CMD_UNKNOWN && command < SMTPREPLY_CMD_COUNT
               && smtpreply_command_expects(command, code) == 0
               ? SMTPREPLY_VERDICT_UNEXPECTED : 0;
    v->rule = digit == 2 ? "class 2xx" : "class 3xx";
    return 1;
}

/* documented in smtpreply.h */
int smtpreply_classify_parts(unsigned code, const struct smtpreply_enhanced *enhanced,
                             const char *text, size_t len, int command,
                             struct smtpreply_verdict *v)
{
    struct finding f;
    unsigned digit;
    int severity;

    if (v == NULL)
        return SMTPREPLY_E_INVALID_ARG;
    if (class_only_verdict(code, enhanced, text, len, command, v))
        return SMTPREPLY_OK;
    memset(v, 0, sizeof *v);
    v->severity = SMTPREPLY_SEV_UNKNOWN;
    v->category = SMTPREPLY_CAT_UNKNOWN;
    v->command = command;
    v->rule = "";
    if (text == NULL && len != 0)
        return SMTPREPLY_E_INVALID_ARG;

    severity = smtpreply__severity(code);
    v->severity = severity;
    v->category = smtpreply__category(code);
    digit = (unsigned)severity;
    if (enhanced != NULL && enhanced->klass != 0) {
        if (digit != 0 && enhanced->klass != digit)
            v->flags |= SMTPREPLY_VERDICT_CLASS_DISAGREES;
        /* Without a reply code, the enhanced class says transient or permanent. */
        if (digit == 0 && (enhanced->klass == 4 || enhanced->klass == 5))
            digit = enhanced->klass;
    }
    if (severity != SMTPREPLY_SEV_UNKNOWN && command > SMTPREPLY_CMD_UNKNOWN &&
        command < SMTPREPLY_CMD_COUNT && smtpreply_command_expects(command, code) == 0)
        v->flags |= SMTPREPLY_VERDICT_UNEXPECTED;

    if (digit == 2 || digit == 3) {
        v->reason = SMTPREPLY_REASON_NONE;
        v->bounce = SMTPREPLY_BOUNCE_NONE;
        v->retry = SMTPREPLY_RETRY_NOT_NEEDED;
        v->evidence = SMTPREPLY_EVIDENCE_CLASS;
        v->rule = digit == 2 ? "class 2xx" : "class 3xx";
        return SMTPREPLY_OK;
    }

    decide(severity != SMTPREPLY_SEV_UNKNOWN ? code : 0, digit, enhanced, text, len, command,
           &f, &v->flags);
    v->reason = f.reason;
    v->evidence = f.evidence;
    v->rule = f.rule;

    if (code == 552 && f.reason == SMTPREPLY_REASON_TOO_MANY_RECIPIENTS)
        v->flags |= SMTPREPLY_VERDICT_TREAT_AS_TEMPORARY;
    if (digit == 4 || (v->flags & SMTPREPLY_VERDICT_TREAT_AS_TEMPORARY) ||
        (digit == 0 && f.reason == SMTPREPLY_REASON_UNCLASSIFIED)) {
        v->bounce = SMTPREPLY_BOUNCE_SOFT;
        v->retry = SMTPREPLY_RETRY_RETRY;
    } else {
        v->bounce = reason_defaults[f.reason].bounce;
        v->retry = reason_defaults[f.reason].retry;
    }
    return SMTPREPLY_OK;
}

/* documented in smtpreply.h */
int smtpreply_classify(const struct smtpreply_reply *r, int command, struct smtpreply_verdict *v)
{
    if (r == NULL) {
        if (v != NULL)
            (void)smtpreply_classify_parts(0, NULL, NULL, 0, command, v);
        return SMTPREPLY_E_INVALID_ARG;
    }
    if (v != NULL && class_only_verdict(r->code, &r->enhanced, r->text, r->text_len, command, v))
        return SMTPREPLY_OK;
    return smtpreply_classify_parts(r->code, &r->enhanced, r->text, r->text_len, command, v);
}
