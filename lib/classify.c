/* SPDX-License-Identifier: MIT */
/*
 * The reason classifier. docs/classification.md is the reference for users; this
 * is the order in code.
 *
 * Severity and category come from the code's digits. A 2xx or 3xx is "none" from
 * its class alone; its text is never read. Otherwise one scan of the text finds the
 * identifiers and phrases (two narrower reads may follow: the whole-word search for
 * phrases under nine bytes, only when the scan found nothing specific, and rule
 * C6's search for words that call a state temporary, only for a hard disabled
 * mailbox), and the evidence decides in this order, the first that has something
 * to say:
 *
 *   1. A provider's identifier (data/providers.txt, "id" rows): Gmail's ?p=
 *      anchors, Microsoft's RESOLVER codes and its 5.7.5xx-7xx details, Yahoo's
 *      [TSS04], Orange's OFR_999, ... Providers reuse enhanced codes for meanings of
 *      their own, and the identifier says which. Evidence "provider".
 *   2. A specific phrase: a provider's or an MTA's own sentence first, then the
 *      common word families (data/phrases.txt). Evidence "text".
 *      Rule C1: a specific phrase beats an enhanced detail that names another
 *      reason ("552 5.1.1 ... Recipient overquota" is a full mailbox): the detail
 *      is often a server's default for "refused at RCPT", the words are chosen.
 *      Rule C3: between phrases of one tier, the precedence list of
 *      data/phrases.txt decides, never the order of the rows.
 *   3. A specific enhanced detail (classify_enhanced.def). Evidence "enhanced".
 *   4. The command the reply answers (classify_commands.def). Evidence "command".
 *   5. A generic phrase ("try again later"), a specific basic code (535, 521), a
 *      vague enhanced detail (x.7.1, x.0.0), a generic basic code (451, 552), the
 *      first digit. Evidence "text", "code", "enhanced", "code", "class".
 * Steps 1-3 give high confidence; 4 and 5 low (flag LOW_CONFIDENCE).
 *
 * Then two rules about what the command says of an address reason:
 *   C5: in a reply to MAIL, an address reason (unknown user, bad syntax, unknown
 *       domain, ...) is the sender's: "sender-rejected", never a recipient to drop.
 *   C4: "unknown user" in a reply to the end of the data, unless a provider's
 *       identifier or own sentence said so: the server took the recipient at RCPT, and filters
 *       (Japan's mobile carriers document it for their "550 Unknown user") answer
 *       a refused sender with these words after the data. The reason stays; the
 *       confidence is low.
 *
 * Bounce class and retry: reasons.def gives each reason's defaults for a permanent
 * reply. A 4xx is always soft/retry (RFC 5321 s.4.2.1), whatever its reason; when
 * the enhanced class disagrees with the first digit the digit wins. A hard bounce
 * needs evidence about the address (steps 1-3, rule C2): an address reason decided
 * by a fallback alone is soft/retry. A 552 that means "too many recipients" is
 * temporary (RFC 5321 s.4.5.3.1.10). Without a reply code (log lines) the enhanced
 * class stands in for the digit; with neither, "unclassified" is soft/retry.
 * Rule C6: a permanent reply whose own words (steps 1-2) say the mailbox is
 * disabled, inactive or suspended is hard/never, as the MTA that bounced it
 * acted; an enhanced x.2.1 or x.7.13 alone, which RFC 3463 allows for a
 * temporary state, and words that call the state temporary ("temporarily
 * suspended", "try again later") stay soft/retry.
 *
 * The phrase matcher is allocation-free; tools/gen_phrases.py describes it and
 * writes its tables (and the hash they are built with) at build time.
 */
#include "internal.h"

#include <string.h>

/* ---- tables ---- */

enum strength { VAGUE = 1, SPECIFIC = 2, GENERIC = 3 };
enum tier { TIER_ID = 0, TIER_PROVIDER = 1, TIER_PHRASE = 2, TIER_GENERIC = 3, TIER_NONE = 4 };
enum guard { GUARD_ANY = 0, GUARD_AFTER_DATA = 1, GUARD_TRANSIENT = 2, GUARD_AT_END = 3 };

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

/* One row of data/phrases.txt or data/providers.txt. */
struct phrase {
    const char *text;           /* lower case */
    const char *letters;        /* per byte of text: 0x20 where it is a letter, else 0 */
    const char *rule;           /* what the verdict names, as docs/classification.md */
    uint8_t len, reason, tier, guard;
    uint8_t has_enhanced, klass, subject; /* the enhanced code the reply must carry; */
    uint16_t first, last;                 /* klass 0: either class */
};

struct phrase_word {
    uint32_t word;              /* 4 folded bytes, little-endian */
    uint16_t first, count;      /* its run of phrase_candidates[] */
};

struct phrase_candidate {
    uint32_t head, head_mask;   /* the phrase's folded first 4 bytes, spaces masked */
    uint32_t tail, tail_mask;   /* and its last 4 */
    uint16_t row;
    uint8_t offset, len;
};

#include "phrase_table.h"

typedef char phrase_anchor_is_4_[PHRASE_ANCHOR == 4 ? 1 : -1];
typedef char phrase_index_size_[
    SMTPREPLY_ARRAY_SIZE(phrase_bucket) == (1u << PHRASE_HASH_BITS) + 1 ? 1 : -1];
typedef char phrase_rows_fit_[PHRASE_ROWS < 65535 ? 1 : -1];
typedef char phrase_filter_size_[
    SMTPREPLY_ARRAY_SIZE(phrase_filter[0]) == 1u << PHRASE_HASH_BITS &&
    sizeof phrase_filter[0] * 8 == 1u << PHRASE_FILTER_BITS ? 1 : -1];

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
#include "classify_enhanced.def"
#undef SMTPREPLY_ENHANCED
};

static const char *const enh_rules[2][8][ENH_DETAILS] = {
#define SMTPREPLY_ENHANCED(k, s, d, reason, strength) ENH_RULE_##k(s, d)
#define ENH_RULE_0(s, d) [0][s][d] = "enhanced 4." #s "." #d, [1][s][d] = "enhanced 5." #s "." #d,
#define ENH_RULE_4(s, d) [0][s][d] = "enhanced 4." #s "." #d,
#define ENH_RULE_5(s, d) [1][s][d] = "enhanced 5." #s "." #d,
#include "classify_enhanced.def"
#undef SMTPREPLY_ENHANCED
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
    uint8_t reason;
    const char *rule;
};

static const struct command_rule command_rules[] = {
#define SMTPREPLY_COMMAND_RULE(cmd, code, klass, subjects, reason, rule)            \
    { SMTPREPLY_CMD_##cmd, klass, code, subjects, SMTPREPLY_REASON_##reason, rule },
#include "classify_commands.def"
#undef SMTPREPLY_COMMAND_RULE
};

/* Which commands have rules, so the others skip the scan. */
static const uint32_t rule_commands = 0
#define SMTPREPLY_COMMAND_RULE(cmd, code, klass, subjects, reason, rule)            \
    | 1u << SMTPREPLY_CMD_##cmd
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

/* ---- when a row may count ---- */

static int before_data(int command)
{
    return command == SMTPREPLY_CMD_CONNECT || command == SMTPREPLY_CMD_EHLO ||
           command == SMTPREPLY_CMD_HELO || command == SMTPREPLY_CMD_MAIL ||
           command == SMTPREPLY_CMD_RCPT;
}

/* The reply as a row's guard and enhanced condition see it. */
struct context {
    int command;
    unsigned digit;
    const struct smtpreply_enhanced *e;   /* NULL when the reply has none */
};

static int row_allows(const struct phrase *p, const struct context *c)
{
    if (p->guard == GUARD_AFTER_DATA && before_data(c->command))
        return 0;
    if (p->guard == GUARD_TRANSIENT && c->digit == 5)
        return 0;
    /* GUARD_AT_END: the caller compares the end of the text. */
    if (p->has_enhanced) {
        const struct smtpreply_enhanced *e = c->e;
        if (e == NULL || (p->klass != 0 ? e->klass != p->klass : (e->klass != 4 && e->klass != 5)) ||
            e->subject != p->subject || e->detail < p->first || e->detail > p->last)
            return 0;
    }
    return 1;
}

/* ---- the phrase matcher ---- */

static inline uint64_t load64(const unsigned char *t)
{
    return (uint64_t)t[0] | (uint64_t)t[1] << 8 | (uint64_t)t[2] << 16 |
           (uint64_t)t[3] << 24 | (uint64_t)t[4] << 32 | (uint64_t)t[5] << 40 |
           (uint64_t)t[6] << 48 | (uint64_t)t[7] << 56;
}

/* Four text bytes, little-endian (as the generator packs the anchors), with OR
 * 0x20. One load where the host is little-endian. */
static inline uint32_t load_folded(const unsigned char *t)
{
#if defined(__BYTE_ORDER__) && defined(__ORDER_LITTLE_ENDIAN__) && \
    __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    uint32_t x;
    memcpy(&x, t, 4);
    return x | 0x20202020u;
#else
    return ((uint32_t)t[0] | (uint32_t)t[1] << 8 | (uint32_t)t[2] << 16 |
            (uint32_t)t[3] << 24) | 0x20202020u;
#endif
}

#define BYTES(b) (0x0101010101010101u * (uint64_t)(b))

/* Eight text bytes as the phrase tables spell them: ASCII upper case lowered and
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

static inline unsigned normalise1(unsigned c)
{
    if (c - 'A' < 26u)
        return c | 0x20;
    return c == '\n' ? ' ' : c;
}

/* Do eight text bytes x spell the phrase's eight bytes s (letters as in p->letters
 * l)? OR-ing 0x20 into the letters alone lowers exactly the upper-case forms of
 * the phrase's own letters, so an equal result is a match; only a text that
 * differs elsewhere, as a line break where the phrase has a space, needs the
 * full normalisation. */
static inline int same8(uint64_t x, uint64_t s, uint64_t l)
{
    return (x | l) == s || normalise8(x) == s;
}

/* Does the text at t hold phrase p (ASCII case ignored, LF matching a space)? The
 * caller has checked that p->len bytes are there; eight at a time, the last group
 * overlapping. */
static int confirm(const unsigned char *t, const struct phrase *p)
{
    const unsigned char *s = (const unsigned char *)p->text;
    const unsigned char *l = (const unsigned char *)p->letters;
    size_t n = p->len, i;

    if (n < 8) {
        for (i = 0; i < n; i++)
            if (normalise1(t[i]) != s[i])
                return 0;
        return 1;
    }
    for (i = 0; i + 8 < n; i += 8)
        if (!same8(load64(t + i), load64(s + i), load64(l + i)))
            return 0;
    return same8(load64(t + n - 8), load64(s + n - 8), load64(l + n - 8));
}

/* One pass of the phrase matcher over a text. */
struct scan {
    const unsigned char *t;
    size_t len;
    const struct context *ctx;
    const uint32_t *filter;     /* phrase_filter[0], or [1] once an identifier is found */
    unsigned best;              /* the strongest row confirmed so far; PHRASE_ROWS: none */
};

/* The entry of phrase_words[] for the folded anchor w, or NULL: most probes end at
 * the filter's bit (the word its hash names, the bit its low 5 bits name), a few
 * more at the bucket. Inline: it runs at every probe. */
static inline const struct phrase_word *anchor_word(const uint32_t *filter, uint32_t w)
{
    uint32_t h = phrase_hash(w);
    const uint16_t *bucket;
    unsigned k;

    if ((filter[h] >> (w & 31) & 1u) == 0)
        return NULL;
    bucket = &phrase_bucket[h];
    for (k = bucket[0]; k < bucket[1]; k++)
        if (phrase_words[k].word == w)
            return &phrase_words[k];
    return NULL;
}

/* The candidates of an anchor found at text position pos: the best row confirmed
 * (rows are in strength order, lower is stronger). A candidate's first and last 4
 * bytes are compared, folded, before the whole phrase: most candidates that share
 * an anchor with the text differ there. */
static unsigned candidates(const struct scan *s, size_t pos, const struct phrase_word *pw)
{
    unsigned c, last = (unsigned)pw->first + pw->count;

    for (c = pw->first; c < last; c++) {
        const struct phrase_candidate *cand = &phrase_candidates[c];
        const struct phrase *p;
        size_t start;
        if (cand->row >= s->best)
            break; /* candidates are sorted by row */
        start = pos - cand->offset;
        if (pos < cand->offset || start + cand->len > s->len ||
            (load_folded(s->t + start) & cand->head_mask) != cand->head ||
            (load_folded(s->t + start + cand->len - 4) & cand->tail_mask) != cand->tail)
            continue;
        p = &phrases[cand->row];
        if (row_allows(p, s->ctx) && confirm(s->t + start, p))
            return cand->row;
    }
    return s->best;
}

/* Do the 4 text bytes at t pass the filter, that is, might they be an anchor of
 * the tables? One load, one multiply and one bit test: the filter's word that the
 * hash names, the bit that the low 5 bits of the anchor name. */
static inline int passes(const uint32_t *filter, const unsigned char *t)
{
    uint32_t w = load_folded(t);

    return filter[phrase_hash(w)] >> (w & 31) & 1u;
}

#define NO_PROBE ((size_t)-1) /* next_probe(): no position left */

/* The first of the probe positions at, at - S, at - 2S, ... (S = PHRASE_STRIDE,
 * down to the text's start) whose bytes pass the filter, or NO_PROBE. Most
 * probes end here, so this loop carries nothing else: four probes a round while
 * a round stays inside the text (the loop's own work, one subtraction and one
 * comparison, paid once per four), then one at a time. */
static size_t next_probe(const unsigned char *t, size_t at, const uint32_t *filter)
{
    const size_t S = PHRASE_STRIDE;       /* size_t: every offset below is one */

    for (; at >= 4 * S; at -= 4 * S) {
        if (passes(filter, t + at))
            return at;
        if (passes(filter, t + at - S))
            return at - S;
        if (passes(filter, t + at - 2 * S))
            return at - 2 * S;
        if (passes(filter, t + at - 3 * S))
            return at - 3 * S;
    }
    for (;; at -= S) {
        if (passes(filter, t + at))
            return at;
        if (at < S)
            return NO_PROBE;
    }
}

/* The strongest row of phrases[] that occurs in the text and that the reply
 * allows, or NULL. One pass of probes PHRASE_STRIDE bytes apart, from the end of
 * the text to its start (large providers put their identifier last). Once an
 * identifier is confirmed, only a stronger identifier can win, and the filter of
 * the identifiers alone lets almost nothing through; once row 0, the strongest
 * there is, is confirmed, the rest of the text cannot change the result. */
static const struct phrase *match_phrase(const char *text, size_t len, const struct context *ctx)
{
    struct scan s;
    size_t at;

    if (text == NULL || len < PHRASE_MIN_LEN)
        return NULL;
    s.t = (const unsigned char *)text;
    s.len = len;
    s.ctx = ctx;
    s.filter = phrase_filter[0];
    s.best = PHRASE_ROWS;
    at = len - PHRASE_ANCHOR;
    while ((at = next_probe(s.t, at, s.filter)) != NO_PROBE) {
        const struct phrase_word *pw = anchor_word(s.filter, load_folded(s.t + at));
        if (pw != NULL) {
            s.best = candidates(&s, at, pw);
            if (s.best == 0)
                break;
            if (s.best < PHRASE_ID_ROWS)
                s.filter = phrase_filter[1];
        }
        if (at < PHRASE_STRIDE)
            break;
        at -= PHRASE_STRIDE;
    }
    return s.best < PHRASE_ROWS ? &phrases[s.best] : NULL;
}

static int is_word_byte(unsigned c)
{
    return (c | 0x20) - 'a' < 26u || c - '0' < 10u || c == '_' || c == '#';
}

/* The strongest of short_words[] that stands in the text as a whole word (ASCII
 * case ignored), or NULL: a plain pass over the words of the text. */
static const struct phrase *match_short(const char *text, size_t len, const struct context *ctx)
{
    const unsigned char *t = (const unsigned char *)text;
    const struct phrase *best = NULL;
    size_t i = 0;

    while (i < len) {
        size_t start, n, k;
        char word[PHRASE_MAX_SHORT];
        while (i < len && !is_word_byte(t[i]))
            i++;
        start = i;
        while (i < len && is_word_byte(t[i]))
            i++;
        n = i - start;
        if (n == 0 || n > PHRASE_MAX_SHORT)
            continue;
        for (k = 0; k < n; k++)
            word[k] = (char)(t[start + k] | 0x20);
        for (k = 0; k < PHRASE_SHORT_ROWS && &short_words[k] != best; k++) {
            const struct phrase *p = &short_words[k];
            if (p->len == n && memcmp(word, p->text, n) == 0 && row_allows(p, ctx)) {
                best = p;
                break;
            }
        }
        if (best == &short_words[0])
            break;
    }
    return best;
}

/* A provider's enhanced code that decides on its own (Exchange Online's
 * 5.7.5xx-7xx), or with the text the reply ends with (Gmail's "- gsmtp"). */
static const struct phrase *match_range(const char *text, size_t len, const struct context *ctx)
{
    size_t i;

    if (ctx->e == NULL || ctx->e->detail < PHRASE_RANGE_MIN_DETAIL)
        return NULL; /* the registry's own details: no provider range applies */
    for (i = 0; i < PHRASE_RANGE_ROWS; i++) {
        const struct phrase *p = &provider_ranges[i];
        if (ctx->e->detail < p->first || ctx->e->detail > p->last || !row_allows(p, ctx))
            continue;
        if (p->guard != GUARD_AT_END)
            return p;
        if (text != NULL && len >= p->len && confirm((const unsigned char *)text + len - p->len, p))
            return p;
    }
    return NULL;
}

/* ---- the other evidence ---- */

struct finding {
    int reason;
    int evidence;
    const char *rule;
    int about_address;          /* steps 1-3 decided: enough for a hard bounce */
    int low;                    /* low confidence */
};

static int found(struct finding *f, int reason, int evidence, const char *rule, int step)
{
    f->reason = reason;
    f->evidence = evidence;
    f->rule = rule;
    f->about_address = step <= 3;
    f->low = step > 3;
    return 1;
}

/* The enhanced code as a subject mask for command rules. */
static unsigned enhanced_bits(const struct smtpreply_enhanced *e)
{
    unsigned bits;

    if (e == NULL)
        return ENH_NONE;
    bits = e->subject <= 7 ? 1u << e->subject : 0;
    if (e->subject == 7 && e->detail == 1)
        bits |= ENH_X71;
    return bits;
}

static int command_rule(int command, unsigned code, unsigned digit,
                        const struct smtpreply_enhanced *e, struct finding *f)
{
    unsigned ebits = enhanced_bits(e);
    size_t i;
    int seen = 0;

    if (command <= SMTPREPLY_CMD_UNKNOWN || command >= SMTPREPLY_CMD_COUNT ||
        (rule_commands >> command & 1u) == 0)
        return 0;
    for (i = 0; i < SMTPREPLY_ARRAY_SIZE(command_rules); i++) {
        const struct command_rule *r = &command_rules[i];
        if (r->command != command) {
            if (seen)
                break; /* a command's rows are contiguous */
            continue;
        }
        seen = 1;
        if (r->code != 0 ? r->code != code : (r->klass != 0 && r->klass != digit))
            continue;
        if (r->subjects != ENH_ANY && (r->subjects & ebits) == 0)
            continue;
        return found(f, r->reason, SMTPREPLY_EVIDENCE_COMMAND, r->rule, 4);
    }
    return 0;
}

static int enhanced_rule(const struct smtpreply_enhanced *e, unsigned strength,
                         struct finding *f)
{
    const struct enh_cell *c;
    unsigned k;

    if (e == NULL || (e->klass != 4 && e->klass != 5) || e->subject > 7 ||
        e->detail >= ENH_DETAILS)
        return 0;
    k = e->klass - 4u;
    c = &enh_cells[k][e->subject][e->detail];
    if (c->strength != strength)
        return 0;
    return found(f, c->reason, SMTPREPLY_EVIDENCE_ENHANCED, enh_rules[k][e->subject][e->detail],
                 strength == SPECIFIC ? 3 : 5);
}

static int code_rule(unsigned code, unsigned strength, struct finding *f)
{
    const struct enh_cell *c;

    if (code < 400 || code > 599)
        return 0;
    c = &code_cells[code - 400];
    if (c->strength != strength)
        return 0;
    return found(f, c->reason, SMTPREPLY_EVIDENCE_CODE, code_rules[code - 400], 5);
}

/* The phrase evidence: one scan of the text, and the short words only when that
 * scan found no identifier and no specific phrase. */
static const struct phrase *phrase_evidence(const char *text, size_t len, const struct context *ctx)
{
    const struct phrase *p = match_range(text, len, ctx), *s;

    if (p != NULL)
        return p;
    p = match_phrase(text, len, ctx);
    if (p != NULL && p->tier <= TIER_PHRASE)
        return p;
    s = text != NULL ? match_short(text, len, ctx) : NULL;
    return s != NULL ? s : p;
}

/* Steps 1-5 of the order at the top of this file. */
static void decide_reason(unsigned code, const struct context *ctx, const char *text,
                          size_t len, struct finding *f, uint32_t *flags)
{
    const struct phrase *p = phrase_evidence(text, len, ctx);
    unsigned tier = p != NULL ? p->tier : TIER_NONE;

    if (tier == TIER_ID) {
        *flags |= SMTPREPLY_VERDICT_PROVIDER_TEXT;
        found(f, p->reason, SMTPREPLY_EVIDENCE_PROVIDER, p->rule, 1);
        return;
    }
    if (tier == TIER_PROVIDER || tier == TIER_PHRASE) {
        /* Rule C1: the phrase decides even where the enhanced detail disagrees. */
        if (tier == TIER_PROVIDER)
            *flags |= SMTPREPLY_VERDICT_PROVIDER_TEXT;
        found(f, p->reason, SMTPREPLY_EVIDENCE_TEXT, p->rule, 2);
        return;
    }
    if (enhanced_rule(ctx->e, SPECIFIC, f) ||
        command_rule(ctx->command, code, ctx->digit, ctx->e, f))
        return;
    if (tier == TIER_GENERIC) {
        found(f, p->reason, SMTPREPLY_EVIDENCE_TEXT, p->rule, 5);
        return;
    }
    if (code_rule(code, SPECIFIC, f) || enhanced_rule(ctx->e, VAGUE, f) ||
        code_rule(code, GENERIC, f))
        return;
    if (ctx->digit == 4)
        found(f, SMTPREPLY_REASON_UNCLASSIFIED, SMTPREPLY_EVIDENCE_CLASS, "class 4xx", 5);
    else if (ctx->digit == 5)
        found(f, SMTPREPLY_REASON_UNCLASSIFIED, SMTPREPLY_EVIDENCE_CLASS, "class 5xx", 5);
    else
        found(f, SMTPREPLY_REASON_UNCLASSIFIED, SMTPREPLY_EVIDENCE_NONE,
              "no code and no known phrase", 5);
}

/* Reasons that name an address, a mailbox or a domain. */
static int is_address_reason(int reason)
{
    return reason == SMTPREPLY_REASON_RECIPIENT_UNKNOWN ||
           reason == SMTPREPLY_REASON_RECIPIENT_ADDRESS_INVALID ||
           reason == SMTPREPLY_REASON_DOMAIN_UNKNOWN || reason == SMTPREPLY_REASON_DOMAIN_NO_MAIL ||
           reason == SMTPREPLY_REASON_MAILBOX_MOVED || reason == SMTPREPLY_REASON_MAILBOX_DISABLED;
}

static void decide(unsigned code, const struct context *ctx, const char *text, size_t len,
                   struct finding *f, uint32_t *flags)
{
    decide_reason(code, ctx, text, len, f, flags);
    /* Rule C5: a reply to MAIL is about the envelope sender. */
    if (ctx->command == SMTPREPLY_CMD_MAIL && is_address_reason(f->reason))
        f->reason = SMTPREPLY_REASON_SENDER_REJECTED;
    /* Rule C4: "unknown user" after the data may be a filter speaking. */
    if ((ctx->command == SMTPREPLY_CMD_DATA_END || ctx->command == SMTPREPLY_CMD_BDAT) &&
        f->reason == SMTPREPLY_REASON_RECIPIENT_UNKNOWN &&
        (*flags & SMTPREPLY_VERDICT_PROVIDER_TEXT) == 0)
        f->low = 1;
}

/* The verdict of a 2xx or 3xx: the class decides and the text is not read. */
static void none_verdict(unsigned digit, struct smtpreply_verdict *v)
{
    v->reason = SMTPREPLY_REASON_NONE;
    v->bounce = SMTPREPLY_BOUNCE_NONE;
    v->retry = SMTPREPLY_RETRY_NOT_NEEDED;
    v->evidence = SMTPREPLY_EVIDENCE_CLASS;
    v->rule = digit == 2 ? "class 2xx" : "class 3xx";
}

/* The category of the codes 200-599 (smtpreply__category()) by code - 200: one load
 * where the digits cost a division and a remainder. */
#define CAT_TEN(cat) cat, cat, cat, cat, cat, cat, cat, cat, cat, cat
#define CAT_HUNDRED                                                                   \
    CAT_TEN(SMTPREPLY_CAT_SYNTAX), CAT_TEN(SMTPREPLY_CAT_INFORMATION),                \
    CAT_TEN(SMTPREPLY_CAT_CONNECTIONS), CAT_TEN(SMTPREPLY_CAT_UNSPECIFIED),           \
    CAT_TEN(SMTPREPLY_CAT_UNSPECIFIED), CAT_TEN(SMTPREPLY_CAT_MAIL_SYSTEM),           \
    CAT_TEN(SMTPREPLY_CAT_UNKNOWN), CAT_TEN(SMTPREPLY_CAT_UNKNOWN),                   \
    CAT_TEN(SMTPREPLY_CAT_UNKNOWN), CAT_TEN(SMTPREPLY_CAT_UNKNOWN)
static const uint8_t code_category[400] = { CAT_HUNDRED, CAT_HUNDRED, CAT_HUNDRED,
                                            CAT_HUNDRED };
#undef CAT_HUNDRED
#undef CAT_TEN

/*
 * Most replies of a session: a 2xx or 3xx whose enhanced code (if any) agrees.
 * Writes the same verdict as the general path of smtpreply_classify_parts() and
 * returns 1, or returns 0 having written nothing. Small on purpose: the public
 * entry points try it before the general path's setup.
 */
static int class_only_verdict(unsigned code, const struct smtpreply_enhanced *enhanced,
                              const char *text, size_t len, int command,
                              struct smtpreply_verdict *v)
{
    unsigned digit = code / 100;

    if (code - 200u >= 200u || (text == NULL && len != 0)
        || (enhanced != NULL && enhanced->klass != 0 && enhanced->klass != digit))
        return 0;
    v->severity = (int32_t)digit;
    v->category = code_category[code - 200];
    none_verdict(digit, v);
    v->command = command;
    v->flags = command > SMTPREPLY_CMD_UNKNOWN && command < SMTPREPLY_CMD_COUNT
               && smtpreply_command_expects(command, code) == 0
               ? SMTPREPLY_VERDICT_UNEXPECTED : 0;
    return 1;
}

/* Does one of the words that call a state temporary ("temporar", "try again";
 * ASCII case ignored) start at t[at]? */
static int temporary_at(const unsigned char *t, size_t len, size_t at)
{
    static const char *const words[] = { "temporar", "try again" };
    size_t w, k;
    unsigned second;

    if (len - at < 8)
        return 0; /* neither word fits */
    second = t[at + 1] | 0x20u; /* rules out most of the 't's of a text */
    if (second != 'e' && second != 'r')
        return 0;
    for (w = 0; w < SMTPREPLY_ARRAY_SIZE(words); w++) {
        size_t m = strlen(words[w]);
        for (k = 0; k < m && at + k < len; k++) {
            unsigned c = t[at + k];
            if ((c - 'A' < 26u ? c | 0x20u : c) != (unsigned char)words[w][k])
                break;
        }
        if (k == m)
            return 1;
    }
    return 0;
}

/* 0x80 in each byte of x that equals the byte c, exactly (no borrow between
 * bytes). */
static inline uint64_t bytes_equal(uint64_t x, unsigned c)
{
    uint64_t y = x ^ BYTES(c);

    return ~(((y & BYTES(0x7F)) + BYTES(0x7F)) | y) & BYTES(0x80);
}

/*
 * Does the text call the failure temporary (rule C6)? Both words start with a
 * 't' followed by an 'e' or an 'r': eight positions at a time, a block without a
 * 't' is passed over, and in the others the bytes at each position and after it
 * are folded (OR 0x20 turns only 'T' into 't', and so on) and compared exactly;
 * the words are compared only where such a pair starts.
 */
static int says_temporary(const char *text, size_t len)
{
    const unsigned char *t = (const unsigned char *)text;
    size_t i = 0, k;

    if (text == NULL)
        return 0;
    for (; i + 9 <= len; i += 8) {
        uint64_t x = load64(t + i) | BYTES(0x20), next, pairs, y = x ^ BYTES('t');
        if (((y - BYTES(1)) & ~y & BYTES(0x80)) == 0)
            continue; /* the usual zero-byte test: never misses a 't' */
        next = load64(t + i + 1) | BYTES(0x20);
        pairs = bytes_equal(x, 't') & (bytes_equal(next, 'e') | bytes_equal(next, 'r'));
        for (k = 0; pairs != 0; k++, pairs >>= 8)
            if ((pairs & 0x80u) != 0 && temporary_at(t, len, i + k))
                return 1;
    }
    for (; i < len; i++)
        if ((t[i] | 0x20u) == 't' && temporary_at(t, len, i))
            return 1;
    return 0;
}

/* Bounce class and retry advice from the reason, how it was decided and the text. */
static void advise(unsigned code, unsigned digit, const struct finding *f, const char *text,
                   size_t len, struct smtpreply_verdict *v)
{
    if (code == 552 && f->reason == SMTPREPLY_REASON_TOO_MANY_RECIPIENTS)
        v->flags |= SMTPREPLY_VERDICT_TREAT_AS_TEMPORARY;
    if (digit == 4 || (v->flags & SMTPREPLY_VERDICT_TREAT_AS_TEMPORARY) ||
        (digit == 0 && f->reason == SMTPREPLY_REASON_UNCLASSIFIED)) {
        v->bounce = SMTPREPLY_BOUNCE_SOFT;
        v->retry = SMTPREPLY_RETRY_RETRY;
        return;
    }
    v->bounce = reason_defaults[f->reason].bounce;
    v->retry = reason_defaults[f->reason].retry;
    /* Rule C2: a hard bounce needs evidence about the address. */
    if (v->bounce == SMTPREPLY_BOUNCE_HARD && !f->about_address) {
        v->bounce = SMTPREPLY_BOUNCE_SOFT;
        v->retry = SMTPREPLY_RETRY_RETRY;
    }
    /* Rule C6: a disabled mailbox is hard only on words that do not call it temporary. */
    if (v->bounce == SMTPREPLY_BOUNCE_HARD && f->reason == SMTPREPLY_REASON_MAILBOX_DISABLED &&
        (f->evidence == SMTPREPLY_EVIDENCE_ENHANCED || says_temporary(text, len))) {
        v->bounce = SMTPREPLY_BOUNCE_SOFT;
        v->retry = SMTPREPLY_RETRY_RETRY;
    }
}

/* The general path of both entry points, once class_only_verdict() declined. */
static int classify_general(unsigned code, const struct smtpreply_enhanced *enhanced,
                            const char *text, size_t len, int command,
                            struct smtpreply_verdict *v)
{
    struct finding f;
    struct context ctx;
    int severity;

    memset(v, 0, sizeof *v);
    v->severity = SMTPREPLY_SEV_UNKNOWN;
    v->category = SMTPREPLY_CAT_UNKNOWN;
    v->command = command;
    v->rule = "";
    if (text == NULL && len != 0) {
        v->flags = SMTPREPLY_VERDICT_LOW_CONFIDENCE;
        return SMTPREPLY_E_INVALID_ARG;
    }

    severity = smtpreply__severity(code);
    v->severity = severity;
    v->category = severity != SMTPREPLY_SEV_UNKNOWN ? code_category[code - 200]
                                                    : SMTPREPLY_CAT_UNKNOWN;
    ctx.command = command;
    ctx.digit = (unsigned)severity;
    ctx.e = enhanced != NULL && enhanced->klass != 0 ? enhanced : NULL;
    if (ctx.e != NULL) {
        if (ctx.digit != 0 && ctx.e->klass != ctx.digit)
            v->flags |= SMTPREPLY_VERDICT_CLASS_DISAGREES;
        /* Without a reply code, the enhanced class says transient or permanent. */
        if (ctx.digit == 0 && (ctx.e->klass == 4 || ctx.e->klass == 5))
            ctx.digit = ctx.e->klass;
    }
    if (severity != SMTPREPLY_SEV_UNKNOWN && command > SMTPREPLY_CMD_UNKNOWN &&
        command < SMTPREPLY_CMD_COUNT && smtpreply_command_expects(command, code) == 0)
        v->flags |= SMTPREPLY_VERDICT_UNEXPECTED;

    if (ctx.digit == 2 || ctx.digit == 3) {
        none_verdict(ctx.digit, v);
        return SMTPREPLY_OK;
    }

    decide(severity != SMTPREPLY_SEV_UNKNOWN ? code : 0, &ctx, text, len, &f, &v->flags);
    v->reason = f.reason;
    v->evidence = f.evidence;
    v->rule = f.rule;
    if (f.low)
        v->flags |= SMTPREPLY_VERDICT_LOW_CONFIDENCE;
    advise(code, ctx.digit, &f, text, len, v);
    return SMTPREPLY_OK;
}

/* documented in smtpreply.h */
int smtpreply_classify_parts(unsigned code, const struct smtpreply_enhanced *enhanced,
                             const char *text, size_t len, int command,
                             struct smtpreply_verdict *v)
{
    if (v == NULL)
        return SMTPREPLY_E_INVALID_ARG;
    if (class_only_verdict(code, enhanced, text, len, command, v))
        return SMTPREPLY_OK;
    return classify_general(code, enhanced, text, len, command, v);
}

/* documented in smtpreply.h */
int smtpreply_classify(const struct smtpreply_reply *r, int command, struct smtpreply_verdict *v)
{
    if (r == NULL) {
        if (v != NULL)
            (void)smtpreply_classify_parts(0, NULL, NULL, 0, command, v);
        return SMTPREPLY_E_INVALID_ARG;
    }
    if (v == NULL)
        return SMTPREPLY_E_INVALID_ARG;
    if (class_only_verdict(r->code, &r->enhanced, r->text, r->text_len, command, v))
        return SMTPREPLY_OK;
    return classify_general(r->code, &r->enhanced, r->text, r->text_len, command, v);
}

/* documented in smtpreply.h */
int smtpreply_verdict_confidence(const struct smtpreply_verdict *v)
{
    if (v == NULL || (v->flags & SMTPREPLY_VERDICT_LOW_CONFIDENCE))
        return SMTPREPLY_CONFIDENCE_LOW;
    return SMTPREPLY_CONFIDENCE_HIGH;
}
