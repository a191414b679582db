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
 * The text is hostile input: numbers saturate instead of overflowing, blank
 * lines and stray tabs are skipped, and when the parser had to truncate the
 * text the last stored line may be cut short, so it is not trusted.
 */
#include "internal.h"

#include <string.h>

/* One known keyword; a keyword never contains '=', so "AUTH=" only names a bit.
 * The length lets lookup() pass over most rows with one comparison. */
struct ext_row {
    const char *name;
    size_t len;
    uint32_t bit;
};

#define ROW(name, bit) { (name), sizeof(name) - 1, (bit) }

static const struct ext_row ext_rows[] = {
    ROW("PIPELINING", SMTPREPLY_EXT_PIPELINING),
    ROW("SIZE", SMTPREPLY_EXT_SIZE),
    ROW("8BITMIME", SMTPREPLY_EXT_8BITMIME),
    ROW("BINARYMIME", SMTPREPLY_EXT_BINARYMIME),
    ROW("CHUNKING", SMTPREPLY_EXT_CHUNKING),
    ROW("STARTTLS", SMTPREPLY_EXT_STARTTLS),
    ROW("SMTPUTF8", SMTPREPLY_EXT_SMTPUTF8),
    ROW("DSN", SMTPREPLY_EXT_DSN),
    ROW("ENHANCEDSTATUSCODES", SMTPREPLY_EXT_ENHANCEDSTATUSCODES),
    ROW("ETRN", SMTPREPLY_EXT_ETRN),
    ROW("DELIVERBY", SMTPREPLY_EXT_DELIVERBY),
    ROW("REQUIRETLS", SMTPREPLY_EXT_REQUIRETLS),
    ROW("MT-PRIORITY", SMTPREPLY_EXT_MT_PRIORITY),
    ROW("FUTURERELEASE", SMTPREPLY_EXT_FUTURERELEASE),
    ROW("LIMITS", SMTPREPLY_EXT_LIMITS),
    ROW("AUTH", SMTPREPLY_EXT_AUTH),
    ROW("VRFY", SMTPREPLY_EXT_VRFY),
    ROW("HELP", SMTPREPLY_EXT_HELP),
    ROW("AUTH=", SMTPREPLY_EXT_AUTH_LEGACY),
};

/* SASL mechanisms (IANA "SASL Mechanisms" registry names). */
static const struct ext_row mech_rows[] = {
    ROW("PLAIN", SMTPREPLY_AUTH_PLAIN),
    ROW("LOGIN", SMTPREPLY_AUTH_LOGIN),
    ROW("CRAM-MD5", SMTPREPLY_AUTH_CRAM_MD5),
    ROW("DIGEST-MD5", SMTPREPLY_AUTH_DIGEST_MD5),
    ROW("XOAUTH2", SMTPREPLY_AUTH_XOAUTH2),
    ROW("OAUTHBEARER", SMTPREPLY_AUTH_OAUTHBEARER),
    ROW("GSSAPI", SMTPREPLY_AUTH_GSSAPI),
    ROW("NTLM", SMTPREPLY_AUTH_NTLM),
    ROW("SCRAM-SHA-1", SMTPREPLY_AUTH_SCRAM_SHA_1),
    ROW("SCRAM-SHA-256", SMTPREPLY_AUTH_SCRAM_SHA_256),
    ROW("EXTERNAL", SMTPREPLY_AUTH_EXTERNAL),
    ROW("ANONYMOUS", SMTPREPLY_AUTH_ANONYMOUS),
    ROW("OTHER", SMTPREPLY_AUTH_OTHER),
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

static int is_space(char c)
{
    /* CR too: a lone CR inside a line is kept in the text by the parser. */
    return c == ' ' || c == '\t' || c == '\r';
}

static char upper(char c)
{
    return (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c;
}

/* ASCII-only and locale-free: keywords are ASCII (RFC 5321 4.1.1.1). */
static int equal_nocase(const char *s, size_t n, const char *name)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (name[i] == '\0' || upper(s[i]) != name[i])
            return 0;
    }
    return name[n] == '\0';
}

static uint32_t lookup(const struct ext_row *rows, size_t count, const char *s, size_t n)
{
    size_t i;

    if (n == 0)
        return 0;
    for (i = 0; i < count; i++) {
        if (rows[i].len == n && rows[i].name[0] == upper(s[0])
            && equal_nocase(s, n, rows[i].name))
            return rows[i].bit;
    }
    return 0;
}

static size_t skip_space(const char *s, size_t n, size_t i)
{
    while (i < n && is_space(s[i]))
        i++;
    return i;
}

static size_t trim_end(const char *s, size_t n)
{
    while (n > 0 && is_space(s[n - 1]))
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
    for (i = 0; i < n; i++) {
        unsigned d;

        if (s[i] < '0' || s[i] > '9')
            return 0;
        d = (unsigned)(s[i] - '0');
        if (v > (max - d) / 10)
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

    while (i < n && !is_space(s[i]))
        i++;
    *at = i;
    *w = s + start;
    *wn = i - start;
    return *wn > 0;
}

/*
 * Split one capability line into keyword and parameters. The keyword ends at
 * whitespace or '='; one '=' or a run of whitespace separates it from the
 * parameters, whose trailing whitespace is dropped. Returns 0 for a blank line.
 */
static int split_line(const char *s, size_t n, struct smtpreply_ehlo_keyword *kw)
{
    size_t i, start;
    int equals = 0;

    n = trim_end(s, n);
    i = skip_space(s, n, 0);
    if (i == n)
        return 0;
    start = i;
    while (i < n && !is_space(s[i]) && s[i] != '=')
        i++;
    kw->keyword = s + start;
    kw->keyword_len = i - start;
    if (i < n && s[i] == '=') {
        equals = 1;
        i++;
    }
    i = skip_space(s, n, i);
    kw->params = s + i;
    kw->params_len = n - i;
    if (kw->keyword_len == 0) {
        /* "=x": no keyword at all; report the line as one unknown word. */
        kw->keyword_len = n - start;
        kw->params = s + n;
        kw->params_len = 0;
        return 1;
    }
    /* Only AUTH had an '=' form; for any other keyword '=' is just a separator. */
    if (equals && equal_nocase(kw->keyword, kw->keyword_len, "AUTH"))
        kw->extension = SMTPREPLY_EXT_AUTH_LEGACY;
    else
        kw->extension = lookup(ext_rows, SMTPREPLY_ARRAY_SIZE(ext_rows), kw->keyword,
                               kw->keyword_len);
    return 1;
}

static uint32_t parse_mechanisms(const char *s, size_t n)
{
    uint32_t bits = 0;
    size_t at = 0, wn;
    const char *w;

    while (next_word(s, n, &at, &w, &wn)) {
        uint32_t bit = lookup(mech_rows, SMTPREPLY_ARRAY_SIZE(mech_rows), w, wn);

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

/* The first word of params, e.g. SIZE's or DELIVERBY's number. */
static uint64_t first_number(const char *s, size_t n)
{
    size_t at = 0, wn;
    const char *w;

    if (!next_word(s, n, &at, &w, &wn))
        return 0;
    return parse_number(w, wn, UINT64_MAX);
}

/*
 * Like smtpreply_reply_line(), but hides the last stored line of a truncated
 * reply: the parser cut the text there, so that line may be incomplete
 * ("SIZE 15" of "SIZE 157286400").
 */
static int trusted_line(const struct smtpreply_reply *r, size_t *pos, const char **t, size_t *n)
{
    if (!smtpreply_reply_line(r, pos, t, n))
        return 0;
    if (r->flags & SMTPREPLY_FLAG_TRUNCATED) {
        size_t look = *pos, ln;
        const char *lt;

        if (!smtpreply_reply_line(r, &look, &lt, &ln))
            return 0;
    }
    return 1;
}

/* documented in smtpreply.h */
int smtpreply_ehlo_next(const struct smtpreply_reply *r, size_t *pos,
                        struct smtpreply_ehlo_keyword *kw)
{
    const char *t;
    size_t n;

    if (kw != NULL)
        memset(kw, 0, sizeof *kw);
    if (r == NULL || pos == NULL || kw == NULL || r->code != 250)
        return 0;
    if (*pos == 0 && !smtpreply_reply_line(r, pos, &t, &n))
        return 0;                  /* step over the "server-name greeting" line */
    while (trusted_line(r, pos, &t, &n)) {
        if (split_line(t, n, kw))
            return 1;
    }
    memset(kw, 0, sizeof *kw);
    return 0;
}

/* documented in smtpreply.h */
int smtpreply_ehlo_parse(const struct smtpreply_reply *r, struct smtpreply_ehlo *out)
{
    struct smtpreply_ehlo_keyword kw;
    const char *t = NULL;
    size_t pos = 0, n = 0, i;

    if (out != NULL)
        memset(out, 0, sizeof *out);
    if (r == NULL || out == NULL)
        return SMTPREPLY_E_INVALID_ARG;
    if (r->code != 250)
        return SMTPREPLY_E_NOT_EHLO;

    /* The pointers are never NULL on success: empty fields point into the text. */
    out->server_name = out->greeting = r->text;
    /* The name is informative only, so a cut first line is still read. */
    if (smtpreply_reply_line(r, &pos, &t, &n)) {
        n = trim_end(t, n);
        i = skip_space(t, n, 0);
        out->server_name = t + i;
        while (i < n && !is_space(t[i]))
            i++;
        out->server_name_len = (size_t)(t + i - out->server_name);
        i = skip_space(t, n, i);
        out->greeting = t + i;
        out->greeting_len = n - i;
    }

    pos = 0;
    while (smtpreply_ehlo_next(r, &pos, &kw)) {
        if (out->keyword_count < UINT32_MAX)
            out->keyword_count++;
        out->extensions |= kw.extension;
        switch (kw.extension) {
        case SMTPREPLY_EXT_AUTH_LEGACY:
            out->extensions |= SMTPREPLY_EXT_AUTH;
            out->auth |= parse_mechanisms(kw.params, kw.params_len);
            break;
        case SMTPREPLY_EXT_AUTH:
            out->auth |= parse_mechanisms(kw.params, kw.params_len);
            break;
        case SMTPREPLY_EXT_SIZE:
            if (out->size_max == 0)
                out->size_max = first_number(kw.params, kw.params_len);
            break;
        case SMTPREPLY_EXT_DELIVERBY:
            if (out->deliverby_min == 0)
                out->deliverby_min = first_number(kw.params, kw.params_len);
            break;
        case SMTPREPLY_EXT_LIMITS:
            parse_limits(kw.params, kw.params_len, out);
            break;
        default:
            break;
        }
    }
    return SMTPREPLY_OK;
}

static const char *name_of(const struct ext_row *rows, size_t count, uint32_t bit)
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
    return name_of(ext_rows, SMTPREPLY_ARRAY_SIZE(ext_rows), extension);
}

/* documented in smtpreply.h */
const char *smtpreply_auth_mech_name(uint32_t mech)
{
    return name_of(mech_rows, SMTPREPLY_ARRAY_SIZE(mech_rows), mech);
}
