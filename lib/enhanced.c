/* SPDX-License-Identifier: MIT */
/*
 * RFC 3463 enhanced status codes outside the parser: class "." subject "." detail,
 * class 2, 4 or 5, subject and detail 1 to 3 digits, then SP or the end. The parser
 * recognises the same grammar byte by byte (it cannot look ahead across chunks);
 * tests/test_enhanced.c checks that both agree.
 */
#include "internal.h"

static size_t digits(const char *s, size_t len, size_t at, unsigned *value)
{
    size_t n = 0;
    *value = 0;
    while (at + n < len && n < 4 && s[at + n] >= '0' && s[at + n] <= '9') {
        *value = *value * 10 + (unsigned)(s[at + n] - '0');
        n++;
    }
    return n;
}

/* documented in smtpreply.h */
size_t smtpreply_enhanced_parse(const char *s, size_t len, struct smtpreply_enhanced *out)
{
    unsigned subject, detail;
    size_t ns, nd, at;

    if (out) {
        out->klass = out->subject = out->detail = out->pad_ = 0;
    }
    if (!s || !out || len < 5)
        return 0;
    if (s[0] != '2' && s[0] != '4' && s[0] != '5')
        return 0;
    if (s[1] != '.')
        return 0;
    ns = digits(s, len, 2, &subject);
    if (ns < 1 || ns > 3)
        return 0;
    at = 2 + ns;
    if (at >= len || s[at] != '.')
        return 0;
    nd = digits(s, len, at + 1, &detail);
    if (nd < 1 || nd > 3)
        return 0;
    at += 1 + nd;
    if (at < len && s[at] != ' ' && s[at] != '\r' && s[at] != '\n')
        return 0;
    out->klass = (uint16_t)(s[0] - '0');
    out->subject = (uint16_t)subject;
    out->detail = (uint16_t)detail;
    return at;
}
