/* SPDX-License-Identifier: MIT */
/*
 * What every lib/isa_<name>.c builds from its own primitives (lib/isa.h): the
 * bounded scan, the window entry, the line path (lib/line_path.h) and the table
 * that lib/dispatch.c lists. The file defines, before including this:
 *   ISA_FN(name)      this set's name for a function
 *   ISA_NAME          its name as tests print it ("sse2")
 *   ISA_TABLE         the table's name (smtpreply__isa_sse2)
 *   ISA_BLOCK         bytes isa_block() looks at
 *   ISA_BLOCK_SHIFT   log2 of the bits isa_block() gives each byte
 *   static inline uint64_t isa_block(const unsigned char *p)
 *                     the special bytes of the block at p as a mask, the lowest
 *                     mark exact (a mark above it may be loose)
 *   static inline uint64_t isa_window(const unsigned char *p)
 *   static inline void isa_copy64(char *dst, const unsigned char *src)
 *   static int isa_usable(void)
 */
#include "line_path.h"

static uint64_t ISA_FN(window)(const unsigned char *p)
{
    return isa_window(p);
}

/* Whole blocks while they lie inside p[0..n), then byte by byte: nothing outside
 * is read, not even within a page. */
static size_t ISA_FN(scan)(const unsigned char *p, size_t n)
{
    size_t i = 0;

    for (; i + ISA_BLOCK <= n; i += ISA_BLOCK) {
        uint64_t m = isa_block(p + i);
        if (m)
            return i + (lp_lowest(m) >> ISA_BLOCK_SHIFT);
    }
    return smtpreply__scan_bytes(p, i, n);
}

const struct smtpreply__isa ISA_TABLE = {
    ISA_NAME, isa_usable, ISA_FN(window), ISA_FN(scan), ISA_FN(feed_line), ISA_FN(feed_other),
    ISA_FN(feed_many)
};
