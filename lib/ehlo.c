/* SPDX-License-Identifier: MIT */
/*
 * EHLO capabilities (RFC 5321 section 4.1.1.1): read what a server offers from
 * the text of its parsed 250 reply, without allocating.
 *
 * The first line is "server-name [greeting]"; every further line is
 * "keyword [params]". Keywords are case-insensitive: a server that sends
 * "starttls" offers STARTTLS (golang/go #78749 skipped TLS on exactly that).
 * Old servers, Microsoft's among them, still send "AUTH=PLAIN LOGIN" from a
 * draft of RFC 2554; '=' then separates the keyword from its parameters.
 *
 * Keywords and mechanisms are found by perfect hashes that tools/gen_ehlo_hash.py
 * makes at build time from lib/ehlo_keywords.def: a line's first three bytes name
 * the one keyword it can be, which is then compared a word at a time, so a known
 * keyword is found without scanning the line for its end. smtpreply_ehlo_parse()
 * walks the text once: a line holding a known keyword alone costs one lookup and
 * no search; parameters are read only for the keywords that have them (SIZE,
 * AUTH, DELIVERBY, LIMITS); line ends and word ends are searched eight bytes at
 * a time.
 *
 * The text is hostile input: numbers saturate instead of overflowing, blank
 * lines and stray tabs are skipped, and when the parser had to truncate the
 * text the last stored line may be cut short, so it is not trusted.
 */
#include "internal.h"

/* Where the target has SSE2 (every x86-64), the searches for a line's end and a
 * word's end look at 16 bytes a step; elsewhere, and with -Dsimd=false, eight
 * at a time in a word. Both find the same byte. */
#if defined(__SSE2__) && !defined(SMTPREPLY_NO_SIMD)
#include <emmintrin.h>
#define EHLO_SSE2 1
#else
#define EHLO_SSE2 0
#endif

/* A name's bytes 0-7 and 8-15 as words lowest byte first, each as { lower case,
 * the bits case folding may change (0x20 on letters), the bytes it covers (0xFF;
 * none past the name's end) }; bytes 16-23 of a longer name likewise in row
 * long_row of ehlo_long_words. 64 bytes, so a slot's address is one shift. See
 * tools/gen_ehlo_hash.py. */
struct ehlo_slot {
    uint64_t word[2][3];
    uint32_t bit;           /* 0 for an empty slot, which matches no text */
    uint8_t len;
    uint8_t long_row;
    uint16_t pad_;
    uint64_t pad2_;
};

typedef char ehlo_slot_size_[sizeof(struct ehlo_slot) == 64 ? 1 : -1];

#include "ehlo_hash.h"

/* Names for bits, from the same rows. */
struct name_row {
    const char *name;
    uint32_t bit;
};

static const struct name_row ext_names[] = {
#define EHLO_EXT(name, bit) { name, bit },
#define EHLO_EXT_NAME(name, bit) { name, bit },
#define EHLO_MECH(name, bit)
#define EHLO_MECH_NAME(name, bit)
#include "ehlo_keywords.def"
#undef EHLO_EXT
#undef EHLO_EXT_NAME
#undef EHLO_MECH
#undef EHLO_MECH_NAME
};

static const struct name_row mech_names[] = {
#define EHLO_EXT(name, bit)
#define EHLO_EXT_NAME(name, bit)
#define EHLO_MECH(name, bit) { name, bit },
#define EHLO_MECH_NAME(name, bit) { name, bit },
#include "ehlo_keywords.def"
#undef EHLO_EXT
#undef EHLO_EXT_NAME
#undef EHLO_MECH
#undef EHLO_MECH_NAME
};

/* RFC 9422 limit names and where each value goes. */
enum limit_slot { LIMIT_RCPTMAX, LIMIT_MAILMAX, LIMIT_RCPTDOMAINMAX };

struct limit_row {
    const char *name;
    enum limit_slot slot;
};

static const struct limit_row limit_rows[] = {
    { "RCPTMAX", LIMIT_RCPTMAX },
    { "MAILMAX", LIMIT_MAILMAX },
    { "RCPTDOMAINMAX", LIMIT_RCPTDOMAINMAX },
};

static int is_space(unsigned char c)
{
    /* CR too: a lone CR inside a line is kept in the text by the parser. */
    return c == ' ' || c == '\t' || c == '\r';
}

static unsigned char upper(unsigned char c)
{
    return (c >= 'a' && c <= 'z') ? (unsigned char)(c - 'a' + 'A') : c;
}

/* ASCII-only and locale-free: keywords are ASCII (RFC 5321 4.1.1.1). */
static int equal_nocase(const char *s, size_t n, const char *name)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (name[i] == '\0' || upper((unsigned char)s[i]) != (unsigned char)name[i])
            return 0;
    }
    return name[n] == '\0';
}

/* Eight copies of a byte, and the top bit of every byte. */
static const uint64_t ONES = 0x0101010101010101ULL;
static const uint64_t HIGHS = 0x8080808080808080ULL;

/* The bytes of [p, end) (p < end), at most eight, as a word lowest first with
 * zeros past end: one load when eight are readable. */
static SMTPREPLY__INLINE uint64_t word_at(const unsigned char *p, const unsigned char *end)
{
    uint64_t x = 0;
    size_t n;

    if (end - p >= 8)
        return smtpreply__load8(p);
    for (n = (size_t)(end - p); n > 0; n--)
        x = x << 8 | p[n - 1];
    return x;
}

/* For the searches: out of line, so that the hot loop of read_lines() keeps no
 * register for their constants. */
#if defined(__GNUC__)
#define EHLO_NOINLINE __attribute__((noinline))
#else
#define EHLO_NOINLINE
#endif

#if EHLO_SSE2
/* Bit i set when byte i of the 16 at p is c. */
static SMTPREPLY__INLINE unsigned bytes_equal16(const unsigned char *p, __m128i c)
{
    return (unsigned)_mm_movemask_epi8(
        _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(const void *)p), c));
}

/* Bit i set when byte i of the 16 at p is below 0x21: the byte equals its
 * minimum with 0x20. */
static SMTPREPLY__INLINE unsigned bytes_low16(const unsigned char *p)
{
    __m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);

    return (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(x, _mm_set1_epi8(0x20)), x));
}
#endif

/* The first LF of [p, end), or end. */
static EHLO_NOINLINE const unsigned char *find_nl(const unsigned char *p, const unsigned char *end)
{
#if EHLO_SSE2
    for (; end - p >= 16; p += 16) {
        unsigned m = bytes_equal16(p, _mm_set1_epi8('\n'));

        if (m != 0)
            return p + smtpreply__lowest(m);
    }
#endif
    for (; end - p >= 8; p += 8) {
        uint64_t x = smtpreply__load8(p) ^ ONES * '\n';
        uint64_t m = (x - ONES) & ~x & HIGHS;     /* the lowest flag is exact */

        if (m != 0)
            return p + smtpreply__lowest(m) / 8;
    }
    while (p < end && *p != '\n')
        p++;
    return p;
}

/* The first SP, TAB or CR of [p, end), or end. A word finds the bytes below 0x21
 * (its lowest flag exact); any other control byte there is part of the word. */
static const unsigned char *find_blank(const unsigned char *p, const unsigned char *end)
{
#if EHLO_SSE2
    while (end - p >= 16) {
        unsigned m = bytes_low16(p);

        if (m == 0) {
            p += 16;
            continue;
        }
        p += smtpreply__lowest(m);
        if (is_space(*p))
            return p;
        p++;
    }
#endif
    while (end - p >= 8) {
        uint64_t x = smtpreply__load8(p);
        uint64_t m = (x - ONES * 0x21) & ~x & HIGHS;

        if (m == 0) {
            p += 8;
            continue;
        }
        p += smtpreply__lowest(m) / 8;
        if (is_space(*p))
            return p;
        p++;
    }
    while (p < end && !is_space(*p))
        p++;
    return p;
}

/* The end of the word at p (p < end, lim at or after end): its first SP, TAB or
 * CR, or end. A name of up to eight bytes ends within the word at p, found with
 * that one load when the bytes to lim allow it; any other case is find_blank()'s. */
static SMTPREPLY__INLINE const unsigned char *word_stop(const unsigned char *p,
                                                        const unsigned char *end,
                                                        const unsigned char *lim)
{
    if (lim - p >= 8) {
        uint64_t x = smtpreply__load8(p);
        uint64_t m = (x - ONES * 0x21) & ~x & HIGHS;  /* bytes below 0x21, lowest exact */
        const unsigned char *b = p + (m ? smtpreply__lowest(m) / 8 : 8);

        if (b >= end)
            return end;         /* no byte below 0x21 before end */
        if (m && is_space(*b))
            return b;
    }
    return find_blank(p, end);
}

/* The word at p: one load when padded (eight bytes known readable), else
 * word_at(). */
static SMTPREPLY__INLINE uint64_t load_at(const unsigned char *p, const unsigned char *end,
                                          int padded)
{
    return padded ? smtpreply__load8(p) : word_at(p, end);
}

/* What one word x of text differs from word k of a name in, in any case: OR its
 * fold bits, keep the bytes the name covers, compare. */
static SMTPREPLY__INLINE uint64_t name_diff(uint64_t x, const uint64_t k[3])
{
    return ((x | k[1]) & k[2]) ^ k[0];
}

/* Whether the k->len bytes at s (all before end; w the word at s) are slot k's
 * name, in any case: each word at its fixed offset from s. With padded, the 24
 * bytes from s are readable whatever end says. */
static SMTPREPLY__INLINE int same_name(const unsigned char *s, uint64_t w,
                                       const unsigned char *end, const struct ehlo_slot *k,
                                       int padded)
{
    uint64_t d = name_diff(w, k->word[0]);

    if (padded)
        d |= name_diff(smtpreply__load8(s + 8), k->word[1]);
    else if (k->len > 8)
        d |= name_diff(word_at(s + 8, end), k->word[1]);
    if (k->len > 16)
        d |= name_diff(load_at(s + 16, end, padded), ehlo_long_words[k->long_row]);
    return d == 0;
}

/* The keyword slot that the first three bytes of w name. */
static SMTPREPLY__INLINE const struct ehlo_slot *ext_slot(uint64_t w)
{
    uint32_t x = (uint32_t)w << 8 | 0x20202000u;

    return &ehlo_ext_slots[(x * EHLO_EXT_A) >> (32 - EHLO_EXT_B)];
}

/* The slot of the known keyword at p (p < end, w the word at p), when the text
 * holds its name there; NULL otherwise. What follows the name is not looked at. */
static SMTPREPLY__INLINE const struct ehlo_slot *name_at(const unsigned char *p, uint64_t w,
                                                          const unsigned char *end)
{
    const struct ehlo_slot *k = ext_slot(w);

    return k->len <= (size_t)(end - p) && same_name(p, w, end, k, 0) ? k : NULL;
}

/* The extension bit of keyword s[0..n) (n > 0), or 0. */
static uint32_t keyword_bit(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    const struct ehlo_slot *k = name_at(u, word_at(u, u + n), u + n);

    return k && k->len == n ? k->bit : 0;
}

/* The mechanism bit of word s[0..n) (n > 0; readable up to lim), or 0. */
static uint32_t mechanism_bit(const char *s, size_t n, const char *lim)
{
    const unsigned char *u = (const unsigned char *)s, *end = (const unsigned char *)lim;
    const struct ehlo_slot *k;

    k = &ehlo_mech_slots[((unsigned)n * EHLO_MECH_A + (unsigned)(u[0] | 0x20) * EHLO_MECH_B
                          + (unsigned)(u[n - 1] | 0x20)) & EHLO_MECH_MASK];
    return k->len == n && same_name(u, word_at(u, end), end, k, 0) ? k->bit : 0;
}

static size_t skip_space(const char *s, size_t n, size_t i)
{
    while (i < n && is_space((unsigned char)s[i]))
        i++;
    return i;
}

static size_t trim_end(const char *s, size_t n)
{
    while (n > 0 && is_space((unsigned char)s[n - 1]))
        n--;
    return n;
}

/* The end of the word that starts at s[i]: the next SP, TAB or CR, or n. */
static size_t word_end(const char *s, size_t n, size_t i)
{
    const unsigned char *u = (const unsigned char *)s;

    return (size_t)(find_blank(u + i, u + n) - u);
}

/*
 * A decimal number filling all of [s, s + n), saturated at @p max.
 * Returns 0 (the "absent" value) for an empty field or one with a non-digit.
 */
static uint64_t parse_number(const char *s, size_t n, uint64_t max)
{
    uint64_t v = 0;
    size_t i;

    if (n == 0)
        return 0;
    if (n <= 9) {           /* no value of nine digits saturates: no test a digit */
        for (i = 0; i < n; i++) {
            if (s[i] < '0' || s[i] > '9')
                return 0;
            v = v * 10 + (unsigned)(s[i] - '0');
        }
        return v < max ? v : max;
    }
    for (i = 0; i < n; i++) {
        unsigned d;

        if (s[i] < '0' || s[i] > '9')
            return 0;
        d = (unsigned)(s[i] - '0');
        if (v > max / 10 || (v == max / 10 && d > max % 10))
            v = max;          /* keep scanning: a later non-digit still voids it */
        else
            v = v * 10 + d;
    }
    return v;
}

/* Next SP/TAB-separated word of [s, s + n) from *at; 0 when none is left. */
static int next_word(const char *s, size_t n, size_t *at, const char **w, size_t *wn)
{
    size_t start = skip_space(s, n, *at), i = word_end(s, n, start);

    *at = i;
    *w = s + start;
    *wn = i - start;
    return *wn > 0;
}

/*
 * The parameters of a line from i, the end of its keyword: one '=' or a run of
 * whitespace separates them from the keyword, and trailing whitespace is not
 * theirs. Sets params; returns whether an '=' came first.
 */
static int split_params(const char *s, size_t n, size_t i, struct smtpreply_ehlo_keyword *kw)
{
    int equals = i < n && s[i] == '=';

    n = trim_end(s, n);
    if (i > n)
        i = n;
    i = skip_space(s, n, i + (size_t)equals);
    kw->params = s + i;
    kw->params_len = n - i;
    return equals;
}

/* kw for a line s[0..n) whose keyword, of len bytes, has extension bit ext. Only
 * AUTH had an '=' form: for any other keyword '=' is just a separator. */
static void set_keyword(const char *s, size_t n, size_t len, uint32_t ext,
                        struct smtpreply_ehlo_keyword *kw)
{
    kw->keyword = s;
    kw->keyword_len = len;
    kw->extension = ext;
    if (split_params(s, n, len, kw) && ext == SMTPREPLY_EXT_AUTH)
        kw->extension = SMTPREPLY_EXT_AUTH_LEGACY;
}

/*
 * Split one capability line into keyword and parameters. The keyword ends at
 * whitespace or '='; see set_keyword() for the rest. Returns 0 for a blank line.
 */
static int split_line(const char *s, size_t n, struct smtpreply_ehlo_keyword *kw)
{
    size_t i, start;

    n = trim_end(s, n);
    i = skip_space(s, n, 0);
    if (i == n)
        return 0;
    start = i;
    while (i < n && !is_space((unsigned char)s[i]) && s[i] != '=')
        i++;
    if (i == start) {
        /* "=x": no keyword at all; report the line as one unknown word. */
        kw->keyword = s + start;
        kw->keyword_len = n - start;
        kw->params = s + n;
        kw->params_len = 0;
        kw->extension = 0;
        return 1;
    }
    set_keyword(s + start, n - start, i - start, keyword_bit(s + start, i - start), kw);
    return 1;
}

/*
 * The capability line at *pos of r's text, with *pos moved past it: 1 with *kw
 * set, 0 for a blank line, -1 at the end. The last stored line of a truncated
 * reply is the end: the parser cut the text there, so that line may be
 * incomplete ("SIZE 15" of "SIZE 157286400").
 */
static int read_line(const struct smtpreply_reply *r, size_t *pos,
                     struct smtpreply_ehlo_keyword *kw)
{
    const unsigned char *t = (const unsigned char *)r->text, *end = t + r->text_len, *s, *nl;

    if (*pos > r->text_len)
        return -1;
    memset(kw, 0, sizeof *kw);
    s = t + *pos;
    nl = find_nl(s, end);
    if (nl == end && (r->flags & SMTPREPLY_FLAG_TRUNCATED))
        return -1;
    *pos = (size_t)(nl - t) + 1;
    return split_line((const char *)s, (size_t)(nl - s), kw);
}

/* The first line's end (its LF, or the text's end); NULL without a stored line. */
static const unsigned char *first_line_end(const struct smtpreply_reply *r)
{
    const unsigned char *t = (const unsigned char *)r->text;

    const unsigned char *nl;

    if (r->text == NULL || r->lines_stored == 0)
        return NULL;
    nl = find_nl(t, t + r->text_len);
    return nl;
}

/* documented in smtpreply.h */
int smtpreply_ehlo_next(const struct smtpreply_reply *r, size_t *pos,
                        struct smtpreply_ehlo_keyword *kw)
{
    const unsigned char *nl;
    int got;

    if (kw != NULL)
        memset(kw, 0, sizeof *kw);
    if (r == NULL || pos == NULL || kw == NULL || r->code != 250)
        return 0;
    if (*pos == 0) {
        if ((nl = first_line_end(r)) == NULL)
            return 0;
        *pos = (size_t)(nl - (const unsigned char *)r->text) + 1;
    }
    while ((got = read_line(r, pos, kw)) >= 0) {
        if (got)
            return 1;
    }
    memset(kw, 0, sizeof *kw);
    return 0;
}

/* The mechanisms named in s[0..n), SP/TAB-separated; unknown ones as OTHER. The
 * bytes up to lim (at or after s + n) are readable: a word's name is loaded a
 * word at a time up to there, the last word of the line too. */
static uint32_t parse_mechanisms(const char *s, size_t n, const char *lim)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + n, *w;
    uint32_t bits = 0, bit;

    for (;;) {
        while (p < end && is_space(*p))
            p++;
        if (p == end)
            return bits;
        w = p;
        p = word_stop(p, end, (const unsigned char *)lim);
        bit = mechanism_bit((const char *)w, (size_t)(p - w), lim);
        bits |= bit != 0 ? bit : (uint32_t)SMTPREPLY_AUTH_OTHER;
    }
}

/* RFC 9422: "LIMITS RCPTMAX=100 MAILMAX=1000"; unknown names are ignored. */
static void parse_limits(const char *s, size_t n, struct smtpreply_ehlo *out)
{
    uint32_t *const slot[] = { &out->limits_rcptmax, &out->limits_mailmax,
                               &out->limits_rcptdomainmax };
    size_t at = 0, wn, eq, i;
    const char *w;

    while (next_word(s, n, &at, &w, &wn)) {
        for (eq = 0; eq < wn && w[eq] != '='; eq++)
            ;
        if (eq == wn)
            continue;
        for (i = 0; i < SMTPREPLY_ARRAY_SIZE(limit_rows); i++) {
            if (equal_nocase(w, eq, limit_rows[i].name) && *slot[limit_rows[i].slot] == 0)
                *slot[limit_rows[i].slot] =
                    (uint32_t)parse_number(w + eq + 1, wn - eq - 1, UINT32_MAX);
        }
    }
}

/* The first word of params (which start at a non-space), e.g. SIZE's or
 * DELIVERBY's number. */
static uint64_t first_number(const char *s, size_t n)
{
    return parse_number(s, word_end(s, n, 0), UINT64_MAX);
}

/* One more capability line, saturating. */
static void count_line(struct smtpreply_ehlo *out)
{
    if (out->keyword_count < UINT32_MAX)
        out->keyword_count++;
}

/* What one capability line adds to out; the bytes up to lim are readable. */
static void take_keyword(const struct smtpreply_ehlo_keyword *kw, const unsigned char *lim,
                         struct smtpreply_ehlo *out)
{
    count_line(out);
    out->extensions |= kw->extension;
    switch (kw->extension) {
    case SMTPREPLY_EXT_AUTH_LEGACY:
        out->extensions |= SMTPREPLY_EXT_AUTH;
        out->auth |= parse_mechanisms(kw->params, kw->params_len, (const char *)lim);
        break;
    case SMTPREPLY_EXT_AUTH:
        out->auth |= parse_mechanisms(kw->params, kw->params_len, (const char *)lim);
        break;
    case SMTPREPLY_EXT_SIZE:
        if (out->size_max == 0)
            out->size_max = first_number(kw->params, kw->params_len);
        break;
    case SMTPREPLY_EXT_DELIVERBY:
        if (out->deliverby_min == 0)
            out->deliverby_min = first_number(kw->params, kw->params_len);
        break;
    case SMTPREPLY_EXT_LIMITS:
        parse_limits(kw->params, kw->params_len, out);
        break;
    default:
        break;
    }
}

/* The first line: "server-name [greeting]". Informative only, so a cut first line
 * is still read. Returns where the second line begins, or NULL for none. */
static const unsigned char *read_first_line(const struct smtpreply_reply *r,
                                            struct smtpreply_ehlo *out)
{
    const unsigned char *t = (const unsigned char *)r->text, *nl = first_line_end(r);
    size_t n, i;

    out->server_name = out->greeting = r->text;
    if (nl == NULL)
        return NULL;
    n = trim_end(r->text, (size_t)(nl - t));
    i = skip_space(r->text, n, 0);
    out->server_name = r->text + i;
    i = word_end(r->text, n, i);
    out->server_name_len = (size_t)(r->text + i - out->server_name);
    i = skip_space(r->text, n, i);
    out->greeting = r->text + i;
    out->greeting_len = n - i;
    return nl < t + r->text_len ? nl + 1 : NULL;
}

/* Where the lines that can be trusted end, from p: at the text's end, or for a
 * truncated reply at its last LF (the line after it may be cut short). */
static const unsigned char *trusted_end(const struct smtpreply_reply *r,
                                        const unsigned char *p)
{
    const unsigned char *end = (const unsigned char *)r->text + r->text_len;

    if (!(r->flags & SMTPREPLY_FLAG_TRUNCATED))
        return end;
    while (end > p && end[-1] != '\n')
        end--;
    return end > p ? end - 1 : p;
}

/* The line after the one that ends at nl. */
static SMTPREPLY__INLINE const unsigned char *after(const unsigned char *nl,
                                                    const unsigned char *end)
{
    return nl + (nl < end);
}

/* The number that the digits opening the eight bytes w (lowest first) make, and
 * in *n how many there are (0 to 8): a byte is a digit when its high half is 3
 * and adding 6 keeps it so (the lowest other byte is found exactly; carries only
 * reach the bytes above it); the digits are then paired, and the pairs paired. */
static SMTPREPLY__INLINE uint64_t digits8(uint64_t w, unsigned *n)
{
    const uint64_t high = 0xF0F0F0F0F0F0F0F0ULL, threes = ONES * 0x30;
    uint64_t other = ((w & high) ^ threes) | (((w + ONES * 6) & high) ^ threes);
    uint64_t t = w - threes;

    *n = other ? smtpreply__lowest(other) / 8 : 8;
    if (*n == 0)
        return 0;
    t <<= 8 * (8 - *n);                           /* the last digit in the top byte */
    t = (t * 10 + (t >> 8)) & 0x00FF00FF00FF00FFULL;
    t = (t * 100 + (t >> 16)) & 0x0000FFFF0000FFFFULL;
    return (t * 10000 + (t >> 32)) & 0xFFFFFFFFULL;
}

/* "SIZE n" with n of 1 to 15 digits and the line's end right after, at d (the 16
 * bytes from d readable): taken into out, returning the next line; NULL for any
 * other shape, which split_params() and first_number() then read. */
static const unsigned char *size_line(const unsigned char *d, struct smtpreply_ehlo *out)
{
    static const uint64_t ten_to[8] = { 1, 10, 100, 1000, 10000, 100000, 1000000, 10000000 };
    unsigned n, m = 0;
    uint64_t v = digits8(smtpreply__load8(d), &n);

    if (n == 8 && (unsigned)(d[8] - '0') <= 9 && d[9] == '\n') {
        v = v * 10 + (unsigned)(d[8] - '0');        /* the common nine digits */
        m = 1;
    } else if (n == 8) {
        uint64_t low = digits8(smtpreply__load8(d + 8), &m);

        if (m == 8)
            return NULL;
        v = v * ten_to[m] + low;
    }
    if (n == 0 || d[n + m] != '\n')
        return NULL;
    count_line(out);
    out->extensions |= SMTPREPLY_EXT_SIZE;
    if (out->size_max == 0)
        out->size_max = v;
    return d + n + m + 1;
}

/* The line at p holding known keyword k followed at q by SP, TAB, CR or '=': its
 * parameters read for the keywords that have them. Returns the next line. */
static const unsigned char *keyword_line(const unsigned char *p, const unsigned char *q,
                                         const unsigned char *end, const struct ehlo_slot *k,
                                         struct smtpreply_ehlo *out)
{
    struct smtpreply_ehlo_keyword kw;
    const unsigned char *nl = find_nl(q, end);

    set_keyword((const char *)p, (size_t)(nl - p), k->len, k->bit, &kw);
    take_keyword(&kw, end, out);
    return after(nl, end);
}

/* Any other line at p: blank, or starting with whitespace or '='. */
static const unsigned char *other_line(const unsigned char *p, const unsigned char *end,
                                       struct smtpreply_ehlo *out)
{
    struct smtpreply_ehlo_keyword kw;
    const unsigned char *nl = find_nl(p, end);

    if (split_line((const char *)p, (size_t)(nl - p), &kw))
        take_keyword(&kw, end, out);
    return after(nl, end);
}

/* What read_lines() found itself, added to out at the end. */
struct tally {
    uint64_t count;
    uint32_t ext;
};

/*
 * The lines from p, while they start before stop, that hold a known keyword
 * alone (the 24 bytes from a line's start and the one after them readable): the
 * common line, one lookup and no search. A loop with no call, so that its values
 * stay in registers. Returns the first line of another kind, with *named the slot
 * of the known keyword it starts with (something other than an LF after it), or
 * NULL; or where it stopped.
 */
static SMTPREPLY__INLINE const unsigned char *lone_keywords(const unsigned char *p,
                                                            const unsigned char *stop,
                                                            struct tally *t,
                                                            const struct ehlo_slot **named)
{
    uint64_t count = t->count;
    uint32_t ext = t->ext;
    const struct ehlo_slot *k = NULL;

    while (p < stop) {
        uint64_t w = smtpreply__load8(p);
        uint32_t len, bit;

        k = ext_slot(w);
        len = k->len;           /* read with the name: the slot's address dies here */
        bit = k->bit;
        if (!same_name(p, w, NULL, k, 1)) {
            k = NULL;
            break;
        }
        if (p[len] != '\n')
            break;
        ext |= bit;
        count++;
        p += len + 1;
    }
    t->count = count;
    t->ext = ext;
    *named = k;
    return p;
}

/*
 * The capability lines that start before stop, each ending at an LF before end;
 * the 24 bytes from a line's start, and the one after them, are readable. A line
 * that starts with a known keyword's name is that keyword when an LF, whitespace
 * or '=' follows the name; a line starting with any other byte of a keyword is an
 * unknown keyword, which only counts. Returns where the next line starts.
 */
static SMTPREPLY__INLINE const unsigned char *read_lines(const unsigned char *p,
                                                         const unsigned char *stop,
                                                         const unsigned char *end,
                                                         struct smtpreply_ehlo *out,
                                                         struct tally *t)
{
    const struct ehlo_slot *k;

    while ((p = lone_keywords(p, stop, t, &k)) < stop) {
        const unsigned char *q = k ? p + k->len : p;

        if (k && (is_space(*q) || *q == '=')) {
            const unsigned char *next = k->bit == SMTPREPLY_EXT_SIZE && *q == ' '
                                      ? size_line(q + 1, out) : NULL;

            p = next ? next : keyword_line(p, q, end, k, out);
        } else if (!is_space(*p) && *p != '=' && *p != '\n') {
            t->count++;                 /* an unknown keyword */
            p = after(find_nl(p, end), end);
        } else {
            p = other_line(p, end, out);
        }
    }
    return p;
}

/* The capability lines of [p, end), each ending at an LF or at end: read in
 * place while 25 bytes remain, the rest from a zero-padded copy with an LF put at
 * its end (where the last line ended at end), so every read of read_lines() stays
 * inside the text or the copy. */
static void read_capabilities(const unsigned char *text, const unsigned char *p,
                              const unsigned char *end, struct smtpreply_ehlo *out)
{
    unsigned char pad[64] = { 0 };
    struct tally t = { 0, 0 };
    size_t n;

    if (end - p > 24)
        p = read_lines(p, end - 24, end, out, &t);
    if (p < end) {
        n = (size_t)(end - p);      /* at most 24 */
        /* The last 24 bytes of the text in one fixed-size copy when it has them,
         * the lines left at their end. */
        if (end - text >= 24) {
            memcpy(pad, end - 24, 24);
            p = pad + 24 - n;
        } else {
            memcpy(pad, p, n);
            p = pad;
        }
        pad[p - pad + n] = '\n';
        read_lines(p, p + n + 1, p + n + 1, out, &t);
    }
    out->extensions |= t.ext;
    t.count += out->keyword_count;
    out->keyword_count = t.count < UINT32_MAX ? (uint32_t)t.count : UINT32_MAX;
}

/* documented in smtpreply.h */
int smtpreply_ehlo_parse(const struct smtpreply_reply *r, struct smtpreply_ehlo *out)
{
    const unsigned char *p;

    if (out != NULL)
        memset(out, 0, sizeof *out);
    if (r == NULL || out == NULL)
        return SMTPREPLY_E_INVALID_ARG;
    if (r->code != 250)
        return SMTPREPLY_E_NOT_EHLO;
    /* The pointers are never NULL on success: empty fields point into the text. */
    if ((p = read_first_line(r, out)) != NULL)
        read_capabilities((const unsigned char *)r->text, p, trusted_end(r, p), out);
    return SMTPREPLY_OK;
}

static const char *name_of(const struct name_row *rows, size_t count, uint32_t bit)
{
    size_t i;

    for (i = 0; i < count; i++) {
        if (rows[i].bit == bit)
            return rows[i].name;
    }
    return "unknown";
}

/* documented in smtpreply.h */
const char *smtpreply_extension_name(uint32_t extension)
{
    return name_of(ext_names, SMTPREPLY_ARRAY_SIZE(ext_names), extension);
}

/* documented in smtpreply.h */
const char *smtpreply_auth_mech_name(uint32_t mech)
{
    return name_of(mech_names, SMTPREPLY_ARRAY_SIZE(mech_names), mech);
}
