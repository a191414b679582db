/* SPDX-License-Identifier: MIT */
/*
 * The parser's inner loop: find the first byte of reply text that needs individual
 * attention (LF, CR, NUL, or a byte >= 0x80). Everything before it is copied in
 * bulk. See lib/internal.h for the contract.
 */
#include "internal.h"

/* 1 for the bytes the parser must look at one by one. */
static const unsigned char special[256] = {
    [0] = 1, ['\n'] = 1, ['\r'] = 1,
    [0x80] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
};

size_t smtpreply__scan_text_scalar(const char *p, size_t n)
{
    const unsigned char *u = (const unsigned char *)p;
    size_t i = 0;
    /* Unrolled by four: the common reply line has 40-80 plain bytes. */
    while (i + 4 <= n) {
        if (special[u[i]])
            return i;
        if (special[u[i + 1]])
            return i + 1;
        if (special[u[i + 2]])
            return i + 2;
        if (special[u[i + 3]])
            return i + 3;
        i += 4;
    }
    while (i < n && !special[u[i]])
        i++;
    return i;
}

size_t smtpreply__scan_text(const char *p, size_t n)
{
    return smtpreply__scan_text_scalar(p, n);
}
