/* SPDX-License-Identifier: MIT */
/*
 * The line path: whole replies of the common shape, taken from a reply boundary
 * while they lie inside the buffer (docs/parser.md, "The line path").
 *
 * A line it takes is "ddd-text\r\n" or "ddd text\r\n": a code of 2xx-5xx with a
 * second digit of 0-5 (lines after the first repeat the reply's code), an
 * enhanced code or not (lib/enhanced.h decides, as for the byte machine), then
 * text whose first special byte (lib/isa.h) is the CR of its CRLF, within
 * SMTPREPLY__LP_LONGEST octets. A reply has at most max_lines lines. Anything
 * else -- a bare LF, a lone CR, a NUL, 8-bit text, a bad code, a longer line, a
 * line not all in the buffer -- makes it decline the whole reply, which the byte
 * machine then reads from its first byte. Everything it takes gives exactly what
 * the machine gives.
 *
 * A line's end is the lowest bit of the window at its start (lib/isa.h). The bits
 * above a line's end are still exact for the bytes after it, so one window often
 * serves several short lines (lp_window_after()). Text is copied 64 bytes at a
 * time into the caller's buffer; the reply is filled once at its end.
 *
 * This file is included by each lib/isa_<name>.c after it defines
 *   ISA_FN(name)   this set's name for a function (one copy per set)
 *   static inline uint64_t isa_window(const unsigned char *p)
 *   static inline void isa_copy64(char *dst, const unsigned char *src)
 * and compiled with that set's instructions.
 */
#include "parser_state.h"
#include "enhanced.h"
#include "isa.h"

#if defined(__GNUC__)
#define SMTPREPLY__NOINLINE_LP __attribute__((noinline))
#else
#define SMTPREPLY__NOINLINE_LP
#endif

#define lp_load4 smtpreply__load4
#define lp_load8 smtpreply__load8

/* Whether the two bytes at p are CR LF: the one test of a line end here. */
static SMTPREPLY__INLINE int lp_crlf(const unsigned char *p)
{
    uint16_t x;

    memcpy(&x, p, 2);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    return x == 0x0A0Du;
#else
    return p[0] == '\r' && p[1] == '\n';
#endif
}

/* The index of the lowest bit set in m (m not 0). */
static SMTPREPLY__INLINE unsigned lp_lowest(uint64_t m)
{
#if defined(__GNUC__)
    return (unsigned)__builtin_ctzll(m);
#else
    unsigned i = 0;
    while (!(m & 1)) {
        m >>= 1;
        i++;
    }
    return i;
#endif
}

/* The window at the byte after a CRLF whose CR is byte pos of the window m: what m
 * says of the bytes after the LF, the bytes m did not cover unmarked, so an empty
 * result means "not known: look". */
static SMTPREPLY__INLINE uint64_t lp_window_after(uint64_t m, unsigned pos)
{
    return (m >> pos) >> 2;
}

/* The first four bytes of a last line from those of a line that continues. */
#define LP_LAST_OF(w) ((w) ^ (uint32_t)('-' ^ ' ') << 24)

/*
 * Whether the first four bytes w of a line (byte 0 lowest) are a code of 2xx-5xx
 * with a second digit of 0-5, then SP: each byte is in range when neither byte -
 * low nor high - byte borrows, which would set its top bit (a borrow into the next
 * byte comes only from a byte already out of range; a byte from 0x80 up sets the
 * top bit of byte - low). A line that continues ("250-") passes as LP_LAST_OF(w).
 */
static SMTPREPLY__INLINE int lp_last_start(uint32_t w)
{
    return !(((w - 0x20303032u) | (0x20393535u - w)) & 0x80808080u);
}

/*
 * The reply code from the first three bytes of a line (digits checked). One
 * multiply does the first two digits: with digits d0, d1 in bytes 0 and 1,
 * x * (1 + 10 * 256) has 10 * d0 + d1 in byte 1 (at most 99: no carry in or out).
 */
static SMTPREPLY__INLINE unsigned lp_code(uint32_t w)
{
    uint32_t x = w & 0x0F0F0Fu;

    return (x * (1u + 10u * 256u) >> 8 & 0xFFu) * 10u + (x >> 16);
}

/* Where the line path is: the next line, the end of the text so far, and the
 * window bits at the next line when known. Passed by value, kept in registers. */
struct lp_at {
    const unsigned char *p;     /* NULL once the path declined */
    char *o;
    uint64_t m;
};

/* What the lines of the reply so far say. */
struct lp_reply {
    uint64_t enh;               /* the first line's enhanced code (lib/enhanced.h) */
    uint64_t want;              /* ... as its bytes, lowest first, when 8 or fewer */
    uint64_t want_mask;         /* the bytes of want */
    uint64_t etext;             /* ... as enhanced_text writes it, when want is that */
    unsigned want_len;          /* bytes in want; 0 for none */
    uint32_t flags;
};

/* The first line's enhanced code at t (klass: the reply's first digit), judged by
 * lib/enhanced.h: returns where the text starts after it (a valid code leaves the
 * text with its SP; any other form stays text, flagged when it is an invalid
 * code), or NULL when short_only and the form needs the recogniser's loop. */
static SMTPREPLY__INLINE const unsigned char *lp_enh_first(const unsigned char *t, unsigned klass,
                                                           struct lp_reply *rep, int short_only)
{
    struct smtpreply__enh_found f;

    if (!smtpreply__enh_scan_short(t, klass, &f)) {
        if (short_only)
            return NULL;
        f = smtpreply__enh_scan_long(t, klass);
    }
    if (f.len <= 0) {
        if (f.len == SMTPREPLY__ENH_INVALID)
            rep->flags |= SMTPREPLY_FLAG_ENHANCED_INVALID;
        return t;
    }
    rep->enh = f.code;
    if (f.len <= 8) {
        rep->want_len = (unsigned)f.len;
        rep->want_mask = ~0ULL >> (64 - 8 * f.len);
        rep->want = lp_load8(t) & rep->want_mask;
        rep->etext = f.as_written ? rep->want : 0;
    }
    return t + f.len + (t[f.len] == ' ');
}

/* A further line's enhanced code at t: the first line's bytes again (rep's want,
 * in values so they stay in registers), ended, are the same code; anything else
 * is judged as for the first line, and flagged when it differs from the first
 * line's. */
static SMTPREPLY__INLINE const unsigned char *lp_enh_more(const unsigned char *t, unsigned klass,
                                                          uint64_t want, uint64_t mask,
                                                          unsigned k, uint64_t enh,
                                                          uint32_t *flags)
{
    struct smtpreply__enh_found f;

    if (k && (lp_load8(t) & mask) == want && (t[k] == ' ' || t[k] == '\r'))
        return t + k + (t[k] == ' ');
    f = smtpreply__enh_scan(t, klass);
    if (f.len == SMTPREPLY__ENH_INVALID)
        *flags |= SMTPREPLY_FLAG_ENHANCED_INVALID;
    if (f.code != enh)
        *flags |= SMTPREPLY_FLAG_ENHANCED_MISMATCH;
    return f.len > 0 ? t + f.len + (t[f.len] == ' ') : t;
}

/* How far lp_text() looks for a line's end: the window at the line; that and the
 * one after it (no loop either way); or as far as any line the path takes. */
#define LP_WINDOW 64
#define LP_COMMON 128
#define LP_ANY SMTPREPLY__LP_LONGEST

/*
 * A line of 64 octets or more at p (the window at p empty), text from t to dst:
 * the windows after it until one has a special byte, within longest (a constant)
 * and last (a window at p + k needs p + k <= last); the text copied 64 bytes at a
 * time. Returns the CR's index from p, with *m the window after the line, or 0 to
 * decline.
 */
static SMTPREPLY__INLINE unsigned lp_long_line(const unsigned char *p, const unsigned char *t,
                                               char *dst, const unsigned char *last,
                                               uint64_t *m, unsigned longest)
{
    unsigned pos;
    size_t k = 0, i;

    do {
        k += 64;
        if (k >= longest || (size_t)(last - p) < k)
            return 0;
        *m = isa_window(p + k);
    } while (!*m);
    pos = (unsigned)k + lp_lowest(*m);
    if (pos + 2 > longest || !lp_crlf(p + pos))
        return 0;
    /* A line of 64 to 127 octets, the common long one, with no loop. */
    isa_copy64(dst, t);
    isa_copy64(dst + 64, t + 64);
    for (i = 128; i <= k; i += 64)
        isa_copy64(dst + i, t + i);
    *m = lp_window_after(*m, pos - (unsigned)k);
    return pos;
}

/*
 * The text of the line at a->p from t, to its CRLF within longest octets: found
 * in the window at a->p (a->m, or computed) or the windows after it. The text goes
 * to a->o, after an LF when join. Returns 1 with *a moved past the line, or 0 to
 * decline.
 */
static SMTPREPLY__INLINE int lp_text(struct lp_at *a, const unsigned char *t, int join,
                                     const unsigned char *last, unsigned longest)
{
    const unsigned char *p = a->p;
    char *dst = a->o + join;
    uint64_t m = a->m ? a->m : isa_window(p);
    unsigned pos;

    if (m) {
        pos = lp_lowest(m);
        if (!lp_crlf(p + pos))
            return 0;
        isa_copy64(dst, t);
        m = lp_window_after(m, pos);
    } else if ((pos = lp_long_line(p, t, dst, last, &m, longest)) == 0) {
        return 0;
    }
    if (join)
        *a->o = '\n';
    a->o = dst + (p + pos - t);
    a->p = p + pos + 2;
    a->m = m;
    return 1;
}

/* A reply's first line at a->p, its first four bytes w checked by the caller.
 * longest below LP_ANY: only what needs no loop and no call (see lp_one_line()). */
static SMTPREPLY__INLINE int lp_first_line(struct lp_at *a, uint32_t w, struct lp_reply *rep,
                                           const unsigned char *last, unsigned longest)
{
    const unsigned char *t = a->p + 4;

    if (smtpreply__enh_digit(*t)
        && (t = lp_enh_first(t, w & 0xF, rep, longest < LP_ANY)) == NULL)
        return 0;
    return lp_text(a, t, 0, last, longest);
}

/* Where the lines after a reply's first leave it: the position after its last
 * line (p NULL to decline), its line count, and the flags of its lines. */
struct lp_more {
    struct lp_at a;
    uint32_t count;
    uint32_t flags;
};

/*
 * The lines after a reply's first, each starting with more (its code and '-')
 * or, the last, LP_LAST_OF(more). with_enh (a constant: one loop for each case,
 * each in a function of its own with only the loop's values live) says whether
 * the first line had an enhanced code, so a line starting with a digit needs a
 * look only where it can matter.
 */
static SMTPREPLY__INLINE struct lp_more lp_more_lines(struct lp_at a,
                                                      const struct lp_reply *rep,
                                                      uint32_t more,
                                                      const unsigned char *last,
                                                      int with_enh)
{
    uint64_t want = rep->want, mask = rep->want_mask, enh = rep->enh;
    unsigned want_len = rep->want_len;
    uint32_t w, flags = rep->flags;
    struct lp_more res;

    res.count = 1;
    do {
        const unsigned char *t = a.p + 4;

        if (a.p > last)
            goto decline;
        w = lp_load4(a.p);
        if (w != more && w != LP_LAST_OF(more))
            goto decline;
        if (smtpreply__enh_digit(*t))
            t = lp_enh_more(t, more & 0xF, want, mask, want_len, enh, &flags);
        else if (with_enh)
            flags |= SMTPREPLY_FLAG_ENHANCED_MISMATCH;
        if (!lp_text(&a, t, 1, last, LP_ANY))
            goto decline;
        res.count++;
    } while (w == more);
    res.a = a;
    res.flags = flags;
    return res;
decline:
    res.a.p = NULL;
    return res;
}

static SMTPREPLY__NOINLINE_LP struct lp_more ISA_FN(more_lines)(struct lp_at a,
                                                                const struct lp_reply *rep,
                                                                uint32_t more,
                                                                const unsigned char *last)
{
    return lp_more_lines(a, rep, more, last, 0);
}

static SMTPREPLY__NOINLINE_LP struct lp_more ISA_FN(more_lines_enh)(struct lp_at a,
                                                                    const struct lp_reply *rep,
                                                                    uint32_t more,
                                                                    const unsigned char *last)
{
    return lp_more_lines(a, rep, more, last, 1);
}

/* The reply read to a->o, a->p: its NUL and its fields. short_only: the reply
 * was read with longest below LP_ANY, so a code it has is in rep->etext already. */
static SMTPREPLY__INLINE void lp_fill(struct lp_at *a, const unsigned char *start, char *text,
                                      uint32_t w, const struct lp_reply *rep, uint32_t count,
                                      struct smtpreply_reply *r, uint64_t offset,
                                      uint32_t line_no, int short_only)
{
    *a->o = '\0';
    smtpreply__fill_reply(r, lp_code(w), rep->flags, rep->enh, rep->etext,
                          short_only || rep->etext || !rep->enh, SMTPREPLY_TEXT_ASCII, count,
                          count, line_no, text, (size_t)(a->o - text), offset,
                          (uint64_t)(a->p - start));
    a->o++;
}

/*
 * Any reply the line path takes, at a.p, its text from a.o on, then its NUL: a
 * first line with a code and SP or '-' (w, its first four bytes), further lines
 * with the same code, at most max_lines of them, lines up to
 * SMTPREPLY__LP_LONGEST octets. Fills *r and returns the position after it, with
 * p NULL to decline. max_lines, offset and line_no (where the reply starts) come
 * from s when it is not NULL, read late as in lp_one_line().
 */
static SMTPREPLY__INLINE struct lp_at lp_any_reply(struct lp_at a, uint32_t w,
                                                    const unsigned char *last,
                                                    uint32_t max_lines,
                                                    struct smtpreply_reply *r,
                                                    const struct smtpreply__state *s,
                                                    uint64_t offset, uint32_t line_no)
{
    const unsigned char *start = a.p;
    char *text = a.o;
    struct lp_reply rep = { 0, 0, 0, 0, 0, 0 };
    uint32_t more = w | (uint32_t)'-' << 24, count = 1;

    if (!lp_first_line(&a, w, &rep, last, LP_ANY))
        goto decline;
    if (w == more) {
        struct lp_more res = rep.enh ? ISA_FN(more_lines_enh)(a, &rep, more, last)
                                     : ISA_FN(more_lines)(a, &rep, more, last);
        if (s)
            max_lines = s->max_lines;
        /* More lines than allowed: the byte machine reports that. */
        if (!res.a.p || res.count > max_lines)
            goto decline;
        a = res.a;
        count = res.count;
        rep.flags = res.flags;
    }
    if (s) {
        offset = s->offset;
        line_no = s->line_no;
    }
    lp_fill(&a, start, text, w, &rep, count, r, offset, line_no, 0);
    return a;
decline:
    a.p = NULL;
    return a;
}

/*
 * The most common reply: one line of up to longest octets (LP_WINDOW or
 * LP_COMMON), a code with one digit in each field or none; taken with no loop and
 * no call, so the function it is inlined in keeps its values in registers.
 * Returns 1 with the reply in *r and *a moved past it, or 0 (*a unchanged) for
 * lp_any_reply() to try. Where the reply is in the stream comes from offset and
 * line_no, or from s when it is not NULL: read there only once the text is
 * copied (after stores that may alias it), so they take no register before.
 */
static SMTPREPLY__INLINE int lp_one_line(struct lp_at *a, uint32_t w, const unsigned char *last,
                                         unsigned longest, struct smtpreply_reply *r,
                                         const struct smtpreply__state *s, uint64_t offset,
                                         uint32_t line_no)
{
    const unsigned char *start = a->p;
    char *text = a->o;
    struct lp_reply rep = { 0, 0, 0, 0, 0, 0 };
    struct lp_at b = *a;

    if (!lp_last_start(w) || !lp_first_line(&b, w, &rep, last, longest))
        return 0;
    *a = b;
    if (s) {
        offset = s->offset;
        line_no = s->line_no;
    }
    lp_fill(a, start, text, w, &rep, 1, r, offset, line_no, 1);
    return 1;
}

/* Whether the first four bytes w of a line can start a reply the line path takes:
 * a code and SP or '-'. */
static SMTPREPLY__INLINE int lp_reply_start(uint32_t w)
{
    return lp_last_start(w) || lp_last_start(LP_LAST_OF(w));
}

/* The bound for line starts: 80 bytes of input readable from each (a window and a
 * 64-byte copy of text that starts at most 14 bytes in), and room for text. A
 * line's text with the LF or NUL it adds is shorter than the line, so the text
 * never runs ahead of the input: one bound on line starts keeps both in range
 * (a 64-byte copy and the NUL after text that starts at o). */
static SMTPREPLY__INLINE const unsigned char *lp_last(const unsigned char *d, size_t n,
                                                      const char *o, const char *text_end)
{
    size_t in = n - SMTPREPLY__LP_MIN, room = (size_t)(text_end - o) - (64 + 2);

    return d + (in < room ? in : room);
}

/* feed_one() for every reply but the most common: any reply the line path takes,
 * else the byte machine. */
static SMTPREPLY__NOINLINE_LP int ISA_FN(feed_other)(struct smtpreply__state *s,
                                                     const unsigned char *d, size_t n,
                                                     size_t *consumed,
                                                     struct smtpreply_reply *r)
{
    struct lp_at a;
    uint32_t w = lp_load4(d);

    a.p = d;
    a.o = s->text;
    a.m = 0;
    if (lp_reply_start(w)) {
        a = lp_any_reply(a, w, lp_last(d, n, s->text, s->text + s->cap), 0, r, s, 0, 0);
        if (a.p) {
            *consumed = (size_t)(a.p - d);
            s->offset += (size_t)(a.p - d);
            s->line_no += r->line_count;
            return SMTPREPLY_REPLY;
        }
    }
    return smtpreply__machine_feed(s, d, n, consumed, r);
}

/* documented in lib/isa.h (feed_one). n is at least SMTPREPLY__LP_MIN and the
 * text buffer more than 65 bytes (lp_ok), all that a reply of one line inside its
 * window needs; a longer line goes to feed_other(). */
static int ISA_FN(feed_one)(struct smtpreply__state *s, const unsigned char *d, size_t n,
                            size_t *consumed, struct smtpreply_reply *r)
{
    struct lp_at a;

    a.p = d;
    a.o = s->text;
    a.m = 0;
    if (!lp_one_line(&a, lp_load4(d), NULL, LP_WINDOW, r, s, 0, 0))
        return ISA_FN(feed_other)(s, d, n, consumed, r);
    *consumed = (size_t)(a.p - d);
    s->offset += (size_t)(a.p - d);
    s->line_no++;
    return SMTPREPLY_REPLY;
}

/* documented in lib/isa.h (feed_many) */
static size_t ISA_FN(feed_many)(struct smtpreply__state *s, const unsigned char *d, size_t n,
                                size_t *consumed, struct smtpreply_reply *rs, size_t max,
                                char *text)
{
    const unsigned char *last, *at = d;
    uint64_t offset = s->offset;
    uint32_t line_no = s->line_no;
    struct lp_at a;
    size_t k = 0;

    *consumed = 0;
    if (n < SMTPREPLY__LP_MIN || (size_t)(s->text + s->cap - text) < 64 + 2)
        return 0;
    last = lp_last(d, n, text, s->text + s->cap);
    a.p = d;
    a.o = text;
    a.m = 0;
    while (k < max && a.p <= last) {
        uint32_t w = lp_load4(a.p);

        if (!lp_one_line(&a, w, last, LP_COMMON, &rs[k], NULL, offset, line_no)) {
            if (!lp_reply_start(w))
                break;
            a = lp_any_reply(a, w, last, s->max_lines, &rs[k], NULL, offset, line_no);
            if (!a.p)
                break;
        }
        offset += (uint64_t)(a.p - at);
        line_no += rs[k].line_count;
        at = a.p;
        k++;
    }
    s->offset = offset;
    s->line_no = line_no;
    *consumed = (size_t)(at - d);
    return k;
}
