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
 * keyword is found without scanning the line for its end.
 *
 * The text is hostile input: numbers saturate instead of overflowing, blank
 * lines and stray tabs are skipped, and when the parser had to truncate the
 * text the last stored line may be cut short, so it is not trusted.
 */
#include "internal.h"

/* A slot of a generated table: the name in lower case, per byte the bit case
 * folding may change (0x20 on letters), and the bytes the name covers (0xFF),
 * each as words lowest byte first. */
struct ehlo_slot {
    uint64_t lower[3];
    uint64_t fold[3];
    uint64_t cover[3];
    uint32_t bit;           /* 0 for an empty slot */
    uint8_t len;
};

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

/* The n bytes at p (1 to 8) as a word, lowest first, the rest zero: one load when
 * eight bytes are readable before end. */
static SMTPREPLY__INLINE uint64_t word_at(const unsigned char *p, size_t n,
                                          const unsigned char *end)
{
    uint64_t x = 0;

    if (end - p >= 8)
        return smtpreply__load8(p);
    while (n-- > 0)
        x = x << 8 | p[n];
    return x;
}

/* Whether the len bytes at s (readable up to end) are slot k's name, in any case:
 * a word at a time, each OR its fold bits, masked to the name, against the name. */
static SMTPREPLY__INLINE int same_name(const unsigned char *s, size_t len,
                                       const unsigned char *end, const struct ehlo_slot *k)
{
    uint64_t d = 0;
    size_t i;

    if (k->len != len)
        return 0;
    for (i = 0; i < 3 && 8 * i < len; i++) {
        size_t n = len - 8 * i < 8 ? len - 8 * i : 8;
        d |= ((word_at(s + 8 * i, n, end) | k->fold[i]) & k->cover[i]) ^ k->lower[i];
    }
    return d == 0;
}

/* The keyword slot named by the first three bytes at s (n readable); empty when
 * there are fewer. */
static SMTPREPLY__INLINE const struct ehlo_slot *keyword_slot(const unsigned char *s, size_t n)
{
    static const struct ehlo_slot none = { { 0, 0, 0 }, { 0, 0, 0 }, { 0, 0, 0 }, 0, 0 };
    uint32_t x;

    if (n < 3)
        return &none;
    x = (n >= 4 ? smtpreply__load4(s) & 0xFFFFFFu
                : (uint32_t)s[0] | (uint32_t)s[1] << 8 | (uint32_t)s[2] << 16) | 0x202020u;
    return &ehlo_ext_slots[(x * EHLO_EXT_A) >> EHLO_EXT_B & EHLO_EXT_MASK];
}

/* The extension bit of keyword s[0..n), or 0. */
static uint32_t keyword_bit(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    const struct ehlo_slot *k = keyword_slot(u, n);

    return k->bit && same_name(u, n, u + n, k) ? k->bit : 0;
}

/* The mechanism bit of word s[0..n), or 0. */
static uint32_t mechanism_bit(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    const struct ehlo_slot *k;

    if (n == 0)
        return 0;
    k = &ehlo_mech_slots[((unsigned)n * EHLO_MECH_A + (unsigned)(u[0] | 0x20) * EHLO_MECH_B
                          + (unsigned)(u[n - 1] | 0x20)) & EHLO_MECH_MASK];
    return k->bit && same_name(u, n, u + n, k) ? k->bit : 0;
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
    size_t i = skip_space(s, n, *at), start = i;

    while (i < n && !is_space((unsigned char)s[i]))
        i++;
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

/*
 * Split one capability line into keyword and parameters. The keyword ends at
 * whitespace or '='; see split_params() for the rest. Only AUTH had an '=' form:
 * for any other keyword '=' is just a separator. Returns 0 for a blank line.
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
    kw->keyword = s + start;
    kw->keyword_len = i - start;
    if (kw->keyword_len == 0) {
        /* "=x": no keyword at all; report the line as one unknown word. */
        kw->keyword_len = n - start;
        kw->params = s + n;
        kw->params_len = 0;
        kw->extension = 0;
        return 1;
    }
    kw->extension = keyword_bit(kw->keyword, kw->keyword_len);
    if (split_params(s, n, i, kw) && kw->extension == SMTPREPLY_EXT_AUTH)
        kw->extension = SMTPREPLY_EXT_AUTH_LEGACY;
    return 1;
}

/*
 * The known keyword at p (text readable up to end), found without a scan for its
 * end: the slot its first three bytes name, compared whole, when whitespace, '=',
 * the line's end or the text's end follows it. Returns the slot, or NULL.
 */
static SMTPREPLY__INLINE const struct ehlo_slot *known_keyword(const unsigned char *p,
                                                               const unsigned char *end)
{
    size_t n = (size_t)(end - p);
    const struct ehlo_slot *k = keyword_slot(p, n);
    size_t len = k->len;

    if (!k->bit || len > n)
        return NULL;
    if (len < n && p[len] != '\n' && !is_space(p[len]) && p[len] != '=')
        return NULL;
    return same_name(p, len, end, k) ? k : NULL;
}

/*
 * The capability line at *pos of r's text, with *pos moved past it: 1 with *kw
 * set, 0 for a blank line, -1 at the end. The last stored line of a truncated
 * reply is the end: the parser cut the text there, so that line may be
 * incomplete ("SIZE 15" of "SIZE 157286400").
 *
 * k is known_keyword() at the line: only a line with parameters then needs its
 * end searched for. Any other line goes to split_line().
 */
static int read_line(const struct smtpreply_reply *r, size_t *pos,
                     struct smtpreply_ehlo_keyword *kw, const struct ehlo_slot *k)
{
    const char *end = r->text + r->text_len, *s, *nl;
    int truncated = (r->flags & SMTPREPLY_FLAG_TRUNCATED) != 0;
    size_t n, len;

    if (*pos > r->text_len)
        return -1;
    s = r->text + *pos;
    n = (size_t)(end - s);
    memset(kw, 0, sizeof *kw);
    if (k) {
        len = k->len;
        nl = len == n || s[len] == '\n' ? s + len : memchr(s + len, '\n', n - len);
        if (!nl && truncated)
            return -1;
        if (!nl)
            nl = end;
        kw->keyword = s;
        kw->keyword_len = len;
        kw->extension = k->bit;
        kw->params = nl;
        if (nl > s + len && split_params(s, (size_t)(nl - s), len, kw)
            && k->bit == SMTPREPLY_EXT_AUTH)
            kw->extension = SMTPREPLY_EXT_AUTH_LEGACY;
    } else {
        nl = memchr(s, '\n', n);
        if (!nl && truncated)
            return -1;
        if (!nl)
            nl = end;
        if (!split_line(s, (size_t)(nl - s), kw)) {
            *pos = (size_t)(nl - r->text) + 1;
            return 0;
        }
    }
    if (nl == end && truncated)
        return -1;
    *pos = (size_t)(nl - r->text) + 1;
    return 1;
}

/* The position of the second line of r's text (past the server name), or 0 for
 * none. */
static size_t second_line(const struct smtpreply_reply *r)
{
    const char *nl;

    if (r->text == NULL || r->lines_stored == 0)
        return 0;
    nl = memchr(r->text, '\n', r->text_len);
    return nl ? (size_t)(nl - r->text) + 1 : r->text_len + 1;
}

/* documented in smtpreply.h */
int smtpreply_ehlo_next(const struct smtpreply_reply *r, size_t *pos,
                        struct smtpreply_ehlo_keyword *kw)
{
    int got;

    if (kw != NULL)
        memset(kw, 0, sizeof *kw);
    if (r == NULL || pos == NULL || kw == NULL || r->code != 250)
        return 0;
    if (*pos == 0 && (*pos = second_line(r)) == 0)
        return 0;
    while (*pos <= r->text_len) {
        const unsigned char *p = (const unsigned char *)r->text + *pos;

        got = read_line(r, pos, kw, known_keyword(p, (const unsigned char *)r->text
                                                     + r->text_len));
        if (got < 0)
            break;
        if (got)
            return 1;
    }
    memset(kw, 0, sizeof *kw);
    return 0;
}

static uint32_t parse_mechanisms(const char *s, size_t n)
{
    uint32_t bits = 0;
    size_t at = 0, wn;
    const char *w;

    while (next_word(s, n, &at, &w, &wn)) {
        uint32_t bit = mechanism_bit(w, wn);

        bits |= bit != 0 ? bit : (uint32_t)SMTPREPLY_AUTH_OTHER;
    }
    return bits;
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
    size_t i = 0;

    while (i < n && !is_space((unsigned char)s[i]))
        i++;
    return parse_number(s, i, UINT64_MAX);
}

/* What one capability line adds to out. */
static void take_keyword(const struct smtpreply_ehlo_keyword *kw, struct smtpreply_ehlo *out)
{
    if (out->keyword_count < UINT32_MAX)
        out->keyword_count++;
    out->extensions |= kw->extension;
    switch (kw->extension) {
    case SMTPREPLY_EXT_AUTH_LEGACY:
        out->extensions |= SMTPREPLY_EXT_AUTH;
        out->auth |= parse_mechanisms(kw->params, kw->params_len);
        break;
    case SMTPREPLY_EXT_AUTH:
        out->auth |= parse_mechanisms(kw->params, kw->params_len);
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
 * is still read. */
static void read_first_line(const struct smtpreply_reply *r, struct smtpreply_ehlo *out)
{
    const char *t = r->text, *nl;
    size_t n, i;

    out->server_name = out->greeting = r->text;
    if (r->text == NULL || r->lines_stored == 0)
        return;
    nl = memchr(t, '\n', r->text_len);
    n = trim_end(t, nl ? (size_t)(nl - t) : r->text_len);
    i = skip_space(t, n, 0);
    out->server_name = t + i;
    while (i < n && !is_space((unsigned char)t[i]))
        i++;
    out->server_name_len = (size_t)(t + i - out->server_name);
    i = skip_space(t, n, i);
    out->greeting = t + i;
    out->greeting_len = n - i;
}

/* documented in smtpreply.h */
int smtpreply_ehlo_parse(const struct smtpreply_reply *r, struct smtpreply_ehlo *out)
{
    struct smtpreply_ehlo_keyword kw;
    const unsigned char *end;
    size_t pos;
    int got;

    if (out != NULL)
        memset(out, 0, sizeof *out);
    if (r == NULL || out == NULL)
        return SMTPREPLY_E_INVALID_ARG;
    if (r->code != 250)
        return SMTPREPLY_E_NOT_EHLO;
    /* The pointers are never NULL on success: empty fields point into the text. */
    read_first_line(r, out);
    if ((pos = second_line(r)) == 0)
        return SMTPREPLY_OK;
    end = (const unsigned char *)r->text + r->text_len;
    for (;;) {
        const unsigned char *p = (const unsigned char *)r->text + pos;
        const struct ehlo_slot *k = pos <= r->text_len ? known_keyword(p, end) : NULL;

        /* The common line, a known keyword alone before the next line, here. */
        if (k && p + k->len < end && p[k->len] == '\n') {
            out->extensions |= k->bit;
            if (out->keyword_count < UINT32_MAX)
                out->keyword_count++;
            pos += k->len + 1;
            continue;
        }
        if ((got = read_line(r, &pos, &kw, k)) < 0)
            break;
        if (got)
            take_keyword(&kw, out);
    }
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
