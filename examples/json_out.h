/* SPDX-License-Identifier: MIT */
/*
 * Output of untrusted text, shared by the example tools (smtp-parse, smtp-probe,
 * smtp-bounces, smtp-explain): JSON strings that are always valid UTF-8 (RFC 8259)
 * and text for a person's terminal that can hold no control sequence.
 *
 * Bytes from a server or a log are checked here, sequence by sequence, whatever
 * the library said about them: a text cut at a limit may end inside a character,
 * and one bad line must not change how the other lines are shown.
 *
 * JSON: valid UTF-8 passes unchanged; each maximal ill-formed subsequence
 * (Unicode 15, section 3.9, "U+FFFD substitution of maximal subparts", the
 * practice of Python's "replace" and of WHATWG encoders) becomes \ufffd. Control
 * characters (C0, DEL, C1), the bidi controls and U+2028/U+2029 are written as
 * \uXXXX escapes, so the JSON is also safe to print. json_member() adds a
 * "NAME_raw" member holding the exact bytes, one code point U+0000-U+00FF per
 * byte (Latin-1: Python's s.encode("latin-1") gives the bytes back), only when
 * the bytes were not valid UTF-8.
 *
 * Terminal: valid printable UTF-8 passes unchanged; an ill-formed byte and a C0
 * or DEL byte are shown as \xHH, a C1 control (U+0080-U+009F, such as the 8-bit
 * CSI U+009B) or a bidi control (U+202A-U+202E, U+2066-U+2069, the "Trojan
 * Source" characters) as \uXXXX.
 *
 * Header-only, so each tool stays its own files plus the public header, as an
 * outside program would be.
 */
#ifndef SMTPREPLY_EXAMPLES_JSON_OUT_H
#define SMTPREPLY_EXAMPLES_JSON_OUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <smtpreply.h>

/*
 * The well-formed UTF-8 sequence at s[0..n) (RFC 3629: no overlongs, no
 * surrogates, nothing above U+10FFFF): returns its length and sets *cp. When
 * s does not start one, returns 0 and sets *bad to the length of the maximal
 * subpart to replace by one U+FFFD (at least 1). n must be at least 1.
 */
static inline size_t utf8_next(const unsigned char *s, size_t n, uint32_t *cp, size_t *bad)
{
    unsigned c = s[0], lo = 0x80, hi = 0xBF;
    size_t need, i;
    uint32_t v;

    *bad = 1;
    *cp = c;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF) {
        need = 2;
        v = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        need = 3;
        v = c & 0x0F;
        if (c == 0xE0)
            lo = 0xA0;          /* no overlong forms */
        else if (c == 0xED)
            hi = 0x9F;          /* no surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 4;
        v = c & 0x07;
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F;          /* nothing above U+10FFFF */
    } else {
        return 0;
    }
    for (i = 1; i < need; i++) {
        unsigned b;

        if (i >= n) {
            *bad = i;
            return 0;
        }
        b = s[i];
        if (b < (i == 1 ? lo : 0x80) || b > (i == 1 ? hi : 0xBF)) {
            *bad = i;
            return 0;
        }
        v = (v << 6) | (b & 0x3F);
    }
    *cp = v;
    return need;
}

/* Is s[0..n) entirely well-formed UTF-8? */
static inline int utf8_valid(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, k, bad;
    uint32_t cp;

    while (i < n) {
        if (p[i] < 0x80) {
            i++;
            continue;
        }
        k = utf8_next(p + i, n - i, &cp, &bad);
        if (k == 0)
            return 0;
        i += k;
    }
    return 1;
}

/* Characters no terminal or log viewer should receive raw: C0, DEL, C1, and the
 * bidi embedding, override and isolate controls. */
static inline int is_unsafe_char(uint32_t cp)
{
    return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || (cp >= 0x202A && cp <= 0x202E)
           || (cp >= 0x2066 && cp <= 0x2069);
}

/* s[0..n) as a JSON string: valid UTF-8 kept, ill-formed parts as \ufffd. */
static inline void json_text(FILE *f, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, k, bad;
    uint32_t cp;

    fputc('"', f);
    while (i < n) {
        unsigned c = p[i];

        if (c == '"' || c == '\\') {
            fputc('\\', f);
            fputc((int)c, f);
            i++;
        } else if (c == '\n') {
            fputs("\\n", f);
            i++;
        } else if (c == '\r') {
            fputs("\\r", f);
            i++;
        } else if (c == '\t') {
            fputs("\\t", f);
            i++;
        } else if (c >= 0x20 && c < 0x7F) {
            fputc((int)c, f);
            i++;
        } else if ((k = utf8_next(p + i, n - i, &cp, &bad)) == 0) {
            fputs("\\ufffd", f);
            i += bad;
        } else {
            /* U+2028 and U+2029 end a line in JavaScript source: escaped too. */
            if (is_unsafe_char(cp) || cp == 0x2028 || cp == 0x2029)
                fprintf(f, "\\u%04x", (unsigned)cp);
            else
                fwrite(p + i, 1, k, f);
            i += k;
        }
    }
    fputc('"', f);
}

/* s[0..n) as a JSON string of one code point per byte (U+0000-U+00FF): lossless. */
static inline void json_bytes(FILE *f, const char *s, size_t n)
{
    size_t i;

    fputc('"', f);
    for (i = 0; i < n; i++) {
        unsigned c = (unsigned char)s[i];

        if (c == '"' || c == '\\') {
            fputc('\\', f);
            fputc((int)c, f);
        } else if (c < 0x20 || c >= 0x7F) {
            fprintf(f, "\\u%04x", c);
        } else {
            fputc((int)c, f);
        }
    }
    fputc('"', f);
}

/* A NUL-terminated string (the library's names and catalog texts). */
static inline void json_cstring(FILE *f, const char *s)
{
    json_text(f, s, strlen(s));
}

/*
 * "name":TEXT, and when s[0..n) is not valid UTF-8 also ,"name_raw":BYTES, so
 * no byte is lost. No comma before: the caller writes it.
 */
static inline void json_member(FILE *f, const char *name, const char *s, size_t n)
{
    fprintf(f, "\"%s\":", name);
    json_text(f, s, n);
    if (!utf8_valid(s, n)) {
        fprintf(f, ",\"%s_raw\":", name);
        json_bytes(f, s, n);
    }
}

/*
 * "lines":[...] with the reply's stored lines, and when any of them is not valid
 * UTF-8 also ,"lines_raw":[...], parallel to "lines": null for a line printed
 * unchanged, the exact bytes (as json_bytes()) for a line that needed replacing.
 */
static inline void json_reply_lines(FILE *f, const struct smtpreply_reply *r)
{
    const char *t;
    size_t pos = 0, n;
    int first = 1, bad = 0;

    fputs("\"lines\":[", f);
    while (smtpreply_reply_line(r, &pos, &t, &n)) {
        if (!first)
            fputc(',', f);
        json_text(f, t, n);
        bad |= !utf8_valid(t, n);
        first = 0;
    }
    fputc(']', f);
    if (!bad)
        return;
    fputs(",\"lines_raw\":[", f);
    pos = 0;
    first = 1;
    while (smtpreply_reply_line(r, &pos, &t, &n)) {
        if (!first)
            fputc(',', f);
        if (utf8_valid(t, n))
            fputs("null", f);
        else
            json_bytes(f, t, n);
        first = 0;
    }
    fputc(']', f);
}

/* [...] with every set bit of the reply's flags, then of the verdict's, by the library's names. */
static inline void json_flags(FILE *f, uint32_t reply_flags, uint32_t verdict_flags)
{
    const uint32_t flags[2] = { reply_flags, verdict_flags };
    const char *(*const name[2])(uint32_t) = { smtpreply_flag_name, smtpreply_verdict_flag_name };
    uint32_t bit;
    int first = 1, k;

    fputc('[', f);
    for (k = 0; k < 2; k++) {
        for (bit = 1; bit; bit <<= 1) {
            if (flags[k] & bit) {
                if (!first)
                    fputc(',', f);
                json_cstring(f, name[k](bit));
                first = 0;
            }
        }
    }
    fputc(']', f);
}

/*
 * The next character of s[0..n) at *i as terminal-safe text in out (at most 12
 * bytes plus NUL); advances *i. Returns the length written.
 */
static inline size_t term_piece(const char *s, size_t n, size_t *i, char out[13])
{
    const unsigned char *p = (const unsigned char *)s + *i;
    size_t k, bad;
    uint32_t cp;

    if (p[0] >= 0x20 && p[0] < 0x7F) {
        out[0] = (char)p[0];
        out[1] = '\0';
        *i += 1;
        return 1;
    }
    k = utf8_next(p, n - *i, &cp, &bad);
    if (k == 0 || cp < 0x20 || cp == 0x7F) {
        *i += 1;                 /* each byte of an ill-formed sequence on its own */
        return (size_t)snprintf(out, 13, "\\x%02X", (unsigned)p[0]);
    }
    *i += k;
    if (is_unsafe_char(cp))
        return (size_t)snprintf(out, 13, "\\u%04X", (unsigned)cp);
    memcpy(out, p, k);
    out[k] = '\0';
    return k;
}

/* s[0..n) on f for a person: see the top of this file. */
static inline void term_text(FILE *f, const char *s, size_t n)
{
    char piece[13];
    size_t i = 0;

    while (i < n)
        fwrite(piece, 1, term_piece(s, n, &i, piece), f);
}

/*
 * The same into dst (always NUL-terminated; cap at least 4): at most max_chars
 * characters of s, then "..." when some were left out or did not fit. Returns
 * the length written.
 */
static inline size_t term_text_buf(char *dst, size_t cap, const char *s, size_t n,
                                   size_t max_chars)
{
    char piece[13];
    size_t i = 0, o = 0, chars = 0, k;

    while (i < n) {
        k = term_piece(s, n, &i, piece);
        if (chars == max_chars || o + k + 4 > cap) {
            memcpy(dst + o, "...", 3);   /* room kept by the test above */
            o += 3;
            break;
        }
        memcpy(dst + o, piece, k);
        o += k;
        chars++;
    }
    dst[o] = '\0';
    return o;
}

/* A NUL-terminated string (a command-line argument, say) made terminal-safe in
 * buf, for messages; returns buf. */
static inline const char *term_safe(char *buf, size_t cap, const char *s)
{
    term_text_buf(buf, cap, s, strlen(s), (size_t)-1);
    return buf;
}

#endif
