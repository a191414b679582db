/* SPDX-License-Identifier: MIT */
/*
 * The one recogniser of RFC 3463 enhanced status codes ("class.subject.detail").
 * smtpreply_enhanced_parse() (lib/enhanced.c), the byte machine (lib/machine.c,
 * on the bytes it held back) and the line path (lib/line_path.h, on the text in
 * the buffer) all call smtpreply__enh_scan(); docs/parser.md gives the rule.
 *
 * Its input is 16 readable bytes that start where a line's text starts; a code
 * ends at SP, CR or LF (callers whose bytes end earlier put an SP there).
 */
#ifndef SMTPREPLY_ENHANCED_H
#define SMTPREPLY_ENHANCED_H

#include <stddef.h>
#include <stdint.h>

#include "internal.h"

/* Bytes smtpreply__enh_scan() may read; it looks at ten at most. */
#define SMTPREPLY__ENH_READ 16

/* Results of smtpreply__enh_scan() besides a length. */
#define SMTPREPLY__ENH_TEXT 0       /* plain text: no enhanced code here */
#define SMTPREPLY__ENH_INVALID (-1) /* a form that is no valid code here: text, flagged */

/* Out of line, in each file that uses it (a file that does not is not warned). */
#if defined(__GNUC__)
#define SMTPREPLY__OUT_OF_LINE __attribute__((noinline, unused))
#else
#define SMTPREPLY__OUT_OF_LINE
#endif

/* An enhanced code as one number, so codes compare in one test: class | subject <<
 * 16 | detail << 32 (the order of struct smtpreply_enhanced's fields). */
#define SMTPREPLY__ENH_CODE(klass, subject, detail) \
    ((uint64_t)(klass) | (uint64_t)(subject) << 16 | (uint64_t)(detail) << 32)

/* What smtpreply__enh_scan() found. Returned by value, in registers. */
struct smtpreply__enh_found {
    int len;            /* > 0: a valid code of len bytes; else a result above */
    int as_written;     /* the bytes are what enhanced_text shows: no leading 0 */
    uint64_t code;      /* SMTPREPLY__ENH_CODE() of it; 0 unless len > 0 */
};

static inline struct smtpreply__enh_found smtpreply__enh_result(int len, uint64_t code,
                                                                int as_written)
{
    struct smtpreply__enh_found f;

    f.len = len;
    f.as_written = as_written;
    f.code = code;
    return f;
}

static inline int smtpreply__enh_digit(unsigned char c)
{
    return (unsigned)(c - '0') <= 9;
}

/* The end of a code: SP, or a line end (CR, LF). */
static inline int smtpreply__enh_end(unsigned char c)
{
    return c < 64 && ((uint64_t)1 << c & ((uint64_t)1 << ' ' | 1 << '\r' | 1 << '\n'));
}

/* The class digit c against the reply's first digit klass (0: any reply). */
static inline int smtpreply__enh_class_ok(unsigned c, unsigned klass)
{
    return klass ? c == klass && c != 3 : c == 2 || c == 4 || c == 5;
}

/*
 * The most common code, one digit in each field ("2.1.5"), in eight bytes x:
 * XOR with "0.0.0" turns its digits into 0-9 and its dots into 0, so the digits'
 * high nibbles and the dots are zero, and adding 6 to a digit leaves its bit 4
 * clear. The code is then x's low nibbles where they already sit.
 */
static inline int smtpreply__enh_short_form(uint64_t x)
{
    uint64_t y = x ^ 0x302E302E30ULL;

    return (y & 0xF0FFF0FFF0ULL) == 0 && ((y + 0x0600060006ULL) & 0x1000100010ULL) == 0
           && smtpreply__enh_end((unsigned char)(x >> 40));
}

/*
 * The most common code of all, one digit in each field and then SP ("2.1.5 "),
 * for a reply whose first digit is the character first ('2' to '5'), in the
 * eight bytes x at the text's start, in one pass over the word: XOR with the
 * form's fixed bytes (the class digit among them) leaves zero where they are and
 * 0-9 in the digits' places; adding 6 there makes 10-15 reach the high nibble, so
 * one mask over both tests every byte (a carry out of a digit's place lands in a
 * byte that must be zero). Returns 1 when
 * smtpreply__enh_scan() would find that code there (length 5, as written); 0
 * leaves the verdict to smtpreply__enh_scan().
 */
static inline int smtpreply__enh_short_sp(uint64_t x, unsigned first)
{
    uint64_t y = x ^ (0x20302E302E00ULL | first);

    return ((y | (y + 0x0600060000ULL)) & 0xFFF0FFF0FFFFULL) == 0 && first != '3';
}

/* The code smtpreply__enh_short_sp() accepted, and its text (5 bytes). */
#define SMTPREPLY__ENH_SHORT_CODE(x) ((x) & 0x0F000F000FULL)
#define SMTPREPLY__ENH_SHORT_TEXT(x) ((x) & 0xFFFFFFFFFFULL)

/* One field of a form at t[i]: its digits' value in *v, and whether it has a
 * leading 0 in *lead0. Returns the index after it, or 0 when it has no digit, and
 * SIZE_MAX when it has a fourth. */
static inline size_t smtpreply__enh_field(const unsigned char *t, size_t i, unsigned *v,
                                          int *lead0)
{
    size_t start = i;

    *v = 0;
    for (; smtpreply__enh_digit(t[i]); i++) {
        if (i - start == 3)
            return SIZE_MAX;
        *v = *v * 10 + (unsigned)(t[i] - '0');
    }
    *lead0 = i - start > 1 && t[start] == '0';
    return i == start ? 0 : i;
}

/* The form at t when it is not the short one: fields of two or three digits, and
 * everything that is not a code. */
static SMTPREPLY__OUT_OF_LINE struct smtpreply__enh_found
smtpreply__enh_scan_long(const unsigned char *t, unsigned klass)
{
    unsigned subject, detail;
    int lead0s = 0, lead0d = 0;
    size_t i = smtpreply__enh_field(t, 2, &subject, &lead0s), j;

    if (i == SIZE_MAX)
        return smtpreply__enh_result(SMTPREPLY__ENH_INVALID, 0, 0);
    if (i == 0 || t[i] != '.')
        return smtpreply__enh_result(SMTPREPLY__ENH_TEXT, 0, 0);
    j = smtpreply__enh_field(t, i + 1, &detail, &lead0d);
    if (j == SIZE_MAX)
        return smtpreply__enh_result(SMTPREPLY__ENH_INVALID, 0, 0);
    if (j == 0 || !smtpreply__enh_end(t[j]))
        return smtpreply__enh_result(SMTPREPLY__ENH_TEXT, 0, 0);
    if (!smtpreply__enh_class_ok((unsigned)(t[0] - '0'), klass))
        return smtpreply__enh_result(SMTPREPLY__ENH_INVALID, 0, 0);
    return smtpreply__enh_result((int)j, SMTPREPLY__ENH_CODE(t[0] - '0', subject, detail),
                                 !lead0s && !lead0d);
}

/*
 * smtpreply__enh_scan() where it decides without a loop: text that does not start
 * with a digit and a dot, and a valid code of the short form. Returns 1 with *f
 * set when it decided, 0 when the form needs smtpreply__enh_scan_long().
 */
static inline int smtpreply__enh_scan_short(const unsigned char *t, unsigned klass,
                                            struct smtpreply__enh_found *f)
{
    uint64_t x = smtpreply__load8(t);

    if (smtpreply__enh_short_form(x) && smtpreply__enh_class_ok((unsigned)(x & 0xF), klass)) {
        *f = smtpreply__enh_result(5, SMTPREPLY__ENH_SHORT_CODE(x), 1);
        return 1;
    }
    if (!smtpreply__enh_digit((unsigned char)x) || (unsigned char)(x >> 8) != '.') {
        *f = smtpreply__enh_result(SMTPREPLY__ENH_TEXT, 0, 0);
        return 1;
    }
    return 0;
}

/*
 * The form at the start of t (SMTPREPLY__ENH_READ bytes readable): a class digit,
 * '.', one to three digits, '.', one to three digits, then SP, CR or LF. Its
 * length, with the code, when it is a valid code for a reply whose first digit is
 * klass (its class equal to klass and not 3; with klass 0, a class of 2, 4 or 5);
 * SMTPREPLY__ENH_INVALID for a form that is no valid code here (a field of four
 * digits or more, or a whole form of another class); SMTPREPLY__ENH_TEXT for
 * anything else.
 */
static inline struct smtpreply__enh_found smtpreply__enh_scan(const unsigned char *t,
                                                              unsigned klass)
{
    struct smtpreply__enh_found f;

    if (smtpreply__enh_scan_short(t, klass, &f))
        return f;
    return smtpreply__enh_scan_long(t, klass);
}

/* The fields of a code in SMTPREPLY__ENH_CODE() form. */
static inline void smtpreply__enh_fields(uint64_t code, struct smtpreply_enhanced *out)
{
    out->klass = (uint16_t)code;
    out->subject = (uint16_t)(code >> 16);
    out->detail = (uint16_t)(code >> 32);
    out->pad_ = 0;
}

#endif
