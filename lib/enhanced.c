/* SPDX-License-Identifier: MIT */
/*
 * RFC 3463 enhanced status codes outside the parser: class "." subject "." detail,
 * class 2, 4 or 5, subject and detail 1 to 3 digits, then SP, a line end or the
 * end. The recogniser is the parser's own (lib/enhanced.h); tests/test_parser.c
 * checks that this function and the parser agree.
 */
#include <string.h>

#include "internal.h"
#include "enhanced.h"

/* documented in smtpreply.h */
size_t smtpreply_enhanced_parse(const char *s, size_t len, struct smtpreply_enhanced *out)
{
    unsigned char t[SMTPREPLY__ENH_READ] = { 0 };
    struct smtpreply__enh_found f;

    if (out)
        out->klass = out->subject = out->detail = out->pad_ = 0;
    if (!s || !out)
        return 0;
    /* The recogniser reads a fixed number of bytes, and the end of s ends a code
     * as an SP does. */
    if (len >= sizeof t) {
        memcpy(t, s, sizeof t);
    } else {
        memcpy(t, s, len);
        t[len] = ' ';
    }
    f = smtpreply__enh_scan(t, 0);
    if (f.len <= 0)
        return 0;
    smtpreply__enh_fields(f.code, out);
    return (size_t)f.len;
}
