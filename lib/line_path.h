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
 * Three shapes of code, each for what it runs most: lp_one_line() takes the most
 * common reply (one line in its window, a short enhanced code or none) with no
 * loop and no call; lp_any_reply() takes any other, its first line judged in full
 * and its further lines in lp_more_lines(), one loop for each enhanced-code case
 * of the first line; lines of 64 octets or more (lp_long_line()) and enhanced
 * codes that differ from the first line's (lp_enh_other()) are out of line.
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

#define lp_lowest smtpreply__lowest

/* The window at the byte after a CRLF whose CR is byte pos of the window m: what m
 * says of the bytes after the LF, the bytes m did not cover unmarked, so an empty
 * result means "not known: look". */
static SMTPREPLY__INLINE uint64_t lp_window_after(uint64_t m, unsigned pos)
{
    return (m >> 2) >> pos;
}

/* Whether the first four bytes w of a line can start a reply the line path takes:
 * a code and SP or '-'. */
static SMTPREPLY__INLINE int lp_reply_start(uint32_t w)
{
    return smtpreply__last_start(SMTPREPLY__LAST_OF(w)) || smtpreply__last_start(w);
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

/* What a reply's first line says of the lines after it. The want fields are set
 * only with a code (enh not 0). */
struct lp_reply {
    uint64_t enh;               /* its enhanced code (lib/enhanced.h), 0 for none */
    uint64_t etext;             /* ... as enhanced_text writes it, when its bytes are */
    uint64_t want;              /* ... and the SP after it, as bytes, lowest first */
    uint64_t want_mask;         /* the bytes of want; 0 when the code is not so */
    size_t want_len;
};

/* No enhanced code yet. */
static SMTPREPLY__INLINE void lp_reply_none(struct lp_reply *rep)
{
    rep->enh = 0;
    rep->etext = 0;
}

/* The lines of a reply so far: where the next one starts, how many there were,
 * and their flags. */
struct lp_lines {
    struct lp_at a;
    uint32_t count;
    uint32_t flags;
};

/* The first line's enhanced code at t (klass: the reply's first digit), judged by
 * lib/enhanced.h: returns where the text starts after it (a valid code leaves the
 * text with its SP; any other form stays text, flagged when it is an invalid
 * code). The lines after it compare their first bytes with want. */
static SMTPREPLY__INLINE const unsigned char *lp_enh_first(const unsigned char *t, unsigned klass,
                                                           struct lp_reply *rep, uint32_t *flags)
{
    struct smtpreply__enh_found f = smtpreply__enh_scan(t, klass);
    uint64_t x = lp_load8(t);

    if (f.len <= 0) {
        if (f.len == SMTPREPLY__ENH_INVALID)
            *flags |= SMTPREPLY_FLAG_ENHANCED_INVALID;
        return t;
    }
    rep->enh = f.code;
    rep->want = ~0ULL;          /* matches nothing under want_mask 0 */
    rep->want_mask = 0;
    rep->want_len = 0;
    if (f.as_written && f.len <= 8)
        rep->etext = x & ~0ULL >> (64 - 8 * f.len);
    if (f.len < 8 && t[f.len] == ' ') {
        rep->want_len = (size_t)f.len + 1;
        rep->want_mask = ~0ULL >> (64 - 8 * rep->want_len);
        rep->want = x & rep->want_mask;
    }
    return t + f.len + (t[f.len] == ' ');
}

/* A further line's enhanced code at t, judged as for the first line, and flagged
 * when it differs from the first line's code enh. Returns where its text starts. */
static SMTPREPLY__INLINE const unsigned char *lp_enh_more(const unsigned char *t, unsigned klass,
                                                          uint64_t enh, uint32_t *flags)
{
    struct smtpreply__enh_found f = smtpreply__enh_scan(t, klass);

    if (f.len == SMTPREPLY__ENH_INVALID)
        *flags |= SMTPREPLY_FLAG_ENHANCED_INVALID;
    if (f.code != enh)
        *flags |= SMTPREPLY_FLAG_ENHANCED_MISMATCH;
    return f.len > 0 ? t + f.len + (t[f.len] == ' ') : t;
}

/* The longest line the path takes, line end included. */
#define LP_ANY SMTPREPLY__LP_LONGEST

/*
 * The end of a line at p of 64 to 127 octets (the window at p empty): the index
 * of its CR in the window after, with *m the window after the line, or 0 when the
 * line is longer, or does not end in a CRLF, or p + 64 is past last.
 */
static SMTPREPLY__INLINE size_t lp_far_end(const unsigned char *p, const unsigned char *last,
                                           uint64_t *m)
{
    uint64_t far;
    size_t pos;

    if ((size_t)(last - p) < 64 || !(far = isa_window(p + 64)))
        return 0;
    pos = 64 + lp_lowest(far);
    if (!lp_crlf(p + pos))
        return 0;
    *m = lp_window_after(far, (unsigned)pos - 64);
    return pos;
}

/*
 * A line of 64 octets or more at p (the window at p empty), text from t to dst:
 * the windows after it until one has a special byte, within LP_ANY octets and
 * last (a window at p + k needs p + k <= last); the text copied 64 bytes at a
 * time. Returns the CR's index, with *m the window after the line, or 0 to
 * decline. For lines of 128 octets or more: lp_far_end() takes shorter ones.
 */
static SMTPREPLY__NOINLINE_LP size_t ISA_FN(long_line)(const unsigned char *p,
                                                       const unsigned char *t, char *dst,
                                                       const unsigned char *last, uint64_t *m)
{
    uint64_t win;
    size_t k = 0, pos, i;

    do {
        k += 64;
        if (k >= LP_ANY || (size_t)(last - p) < k)
            return 0;
        win = isa_window(p + k);
    } while (!win);
    pos = k + lp_lowest(win);
    if (pos + 2 > LP_ANY || !lp_crlf(p + pos))
        return 0;
    for (i = 0; i <= k; i += 64)
        isa_copy64(dst + i, t + i);
    *m = lp_window_after(win, (unsigned)(pos - k));
    return pos;
}

/*
 * The text of the line at a->p from t, to its CRLF: found in the window at a->p
 * (a->m, or computed) or the one after it, or with any in the windows after
 * those, within LP_ANY octets. The text goes to a->o, and an LF after it (the
 * reply's last is its NUL: lp_fill()); without any, the line is the reply's only
 * one, and a NUL. Returns 1 with *a moved past the line, or 0 to decline.
 */
static SMTPREPLY__INLINE int lp_text(struct lp_at *a, const unsigned char *t,
                                     const unsigned char *last, int any)
{
    const unsigned char *p = a->p;
    char *dst = a->o;
    uint64_t m = a->m ? a->m : isa_window(p);
    size_t pos;

    if (m) {
        pos = lp_lowest(m);
        if (!lp_crlf(p + pos))
            return 0;
        isa_copy64(dst, t);
        m = lp_window_after(m, (unsigned)pos);
    } else if ((pos = lp_far_end(p, last, &m)) != 0) {
        isa_copy64(dst, t);
        isa_copy64(dst + 64, t + 64);
    } else if (!any || (pos = ISA_FN(long_line)(p, t, dst, last, &m)) == 0) {
        return 0;
    }
    dst += p + pos - t;
    *dst = any ? '\n' : '\0';
    a->o = dst + 1;
    a->p = p + pos + 2;
    a->m = m;
    return 1;
}

/* What the lines after a reply's first met: a line the path cannot take, the
 * reply's last line (taken), or a line the run leaves to lp_line(). */
enum lp_met { LP_DECLINE, LP_LAST, LP_OTHER };

/*
 * One line for lp_run() at a->p, its first four bytes a code and '-' or SP: taken
 * when it has the common shape (see lp_run()), with *a moved past it and
 * LP_LAST returned; otherwise LP_OTHER or LP_DECLINE. skip: bytes from the line's
 * start to its text.
 */
static SMTPREPLY__INLINE enum lp_met lp_run_line(struct lp_at *a, const unsigned char *last,
                                                 size_t skip, uint64_t want, uint64_t mask,
                                                 int with_enh)
{
    const unsigned char *p = a->p;
    size_t pos;

    if (with_enh ? (lp_load8(p + 4) & mask) != want : p[5] == '.' && smtpreply__enh_digit(p[4]))
        return LP_OTHER;
    /* Every line start that a window at q finds is at most q + 65: a window is
     * taken only at q + 65 <= last, so no line start needs checking. */
    if (!a->m && ((size_t)(last - p) < 65 || !(a->m = isa_window(p)))) {
        if ((size_t)(last - p) < 65 || (pos = lp_far_end(p, last - 65, &a->m)) == 0)
            return LP_OTHER;
        isa_copy64(a->o, p + skip);
        isa_copy64(a->o + 64, p + skip + 64);
    } else {
        pos = lp_lowest(a->m);
        if (!lp_crlf(p + pos))
            return LP_DECLINE;
        isa_copy64(a->o, p + skip);
        a->m = lp_window_after(a->m, (unsigned)pos);
    }
    a->o[pos - skip] = '\n';
    a->o += pos - skip + 1;
    a->p = p + pos + 2;
    return LP_LAST;
}

/*
 * Lines after a reply's first, from l->a, each starting with more (its code and
 * '-') or, the last, SMTPREPLY__LAST_OF(more), as long as they have the common
 * shape: with with_enh (a constant), the first line's code and SP (rep->want);
 * without, text that does not start with a digit and '.' (lib/enhanced.h: no
 * code can start otherwise); and the line's end in the window at its start or the
 * one after. A loop with no call, inlined where it runs, so that its values stay
 * in registers; a line of another shape goes back to the caller for line().
 * Moves *l past the lines taken.
 */
static SMTPREPLY__INLINE enum lp_met lp_run(struct lp_lines *l, const struct lp_reply *rep,
                                            uint32_t more, const unsigned char *last,
                                            int with_enh)
{
    const uint64_t want = rep->want, mask = rep->want_mask;
    const size_t skip = 4 + (with_enh ? rep->want_len : 0);
    struct lp_at a = l->a;
    uint32_t w, count = l->count;
    enum lp_met met;

    if (a.p > last)
        return LP_DECLINE;
    if ((size_t)(last - a.p) < 65)
        a.m = 0;        /* see lp_run_line() */
    for (;;) {
        w = lp_load4(a.p);
        if (w == more) {
            if ((met = lp_run_line(&a, last, skip, want, mask, with_enh)) != LP_LAST)
                break;
            count++;
            continue;
        }
        met = LP_DECLINE;
        if (w == SMTPREPLY__LAST_OF(more)
            && (met = lp_run_line(&a, last, skip, want, mask, with_enh)) == LP_LAST)
            count++;
        break;
    }
    l->a = a;
    l->count = count;
    return met;
}

static SMTPREPLY__INLINE enum lp_met ISA_FN(run)(struct lp_lines *l,
                                                      const struct lp_reply *rep, uint32_t more,
                                                      const unsigned char *last)
{
    return lp_run(l, rep, more, last, 0);
}

static SMTPREPLY__INLINE enum lp_met ISA_FN(run_enh)(struct lp_lines *l,
                                                          const struct lp_reply *rep,
                                                          uint32_t more,
                                                          const unsigned char *last)
{
    return lp_run(l, rep, more, last, 1);
}

/* One line after a reply's first, at l->a, of any shape the path takes: the line
 * lp_run() left. Out of line: most replies never come here. */
static SMTPREPLY__NOINLINE_LP enum lp_met ISA_FN(line)(struct lp_lines *l,
                                                       const struct lp_reply *rep, uint32_t more,
                                                       const unsigned char *last)
{
    const unsigned char *t = l->a.p + 4;
    uint32_t w;

    if (l->a.p > last)
        return LP_DECLINE;
    w = lp_load4(l->a.p);
    if (w != more && w != SMTPREPLY__LAST_OF(more))
        return LP_DECLINE;
    if (rep->enh && (lp_load8(t) & rep->want_mask) == rep->want)
        t += rep->want_len;
    else
        t = lp_enh_more(t, more & 0xF, rep->enh, &l->flags);
    if (!lp_text(&l->a, t, last, 1))
        return LP_DECLINE;
    l->count++;
    return w == more ? LP_OTHER : LP_LAST;
}

/* The lines after a reply's first (w, its first four bytes, says one follows):
 * runs of common lines by lp_run(), each other line by line(). Returns 1 with *l
 * past the reply's last line, or 0 to decline: a line the path cannot take, or
 * more than max_lines lines (the byte machine reports that). */
static SMTPREPLY__INLINE int lp_more_lines(struct lp_lines *l, const struct lp_reply *rep,
                                           uint32_t w, const unsigned char *last,
                                           uint32_t max_lines)
{
    enum lp_met met;

    do {
        met = rep->enh ? ISA_FN(run_enh)(l, rep, w, last) : ISA_FN(run)(l, rep, w, last);
        if (met == LP_OTHER) {
            /* Copies, so that only they live in memory for the call. */
            struct lp_lines at = *l;
            struct lp_reply first = *rep;

            met = ISA_FN(line)(&at, &first, w, last);
            *l = at;
        }
    } while (met == LP_OTHER);
    return met == LP_LAST && l->count <= max_lines;
}

/*
 * A reply's first line at l->a, w its first four bytes (a code and SP or '-'):
 * its enhanced code in *rep, its text from l->a.o on. The common shape -- a short
 * enhanced code and SP (smtpreply__enh_short_sp()) or text that does not start
 * with a digit, and the line's end in the window at it -- needs no loop and no
 * call; any other shape the path takes needs any (other codes judged in full,
 * lines up to LP_ANY octets). Returns 1 with *l past the line, or 0 to decline.
 */
static SMTPREPLY__INLINE int lp_first(struct lp_lines *l, uint32_t w, struct lp_reply *rep,
                                      const unsigned char *last, int any)
{
    const unsigned char *t = l->a.p + 4;
    uint64_t x = lp_load8(t);

    if (smtpreply__enh_digit((unsigned char)x)) {
        if (smtpreply__enh_short_sp(x, w & 0xFF)) {
            rep->enh = SMTPREPLY__ENH_SHORT_CODE(x);
            rep->etext = SMTPREPLY__ENH_SHORT_TEXT(x);
            rep->want_len = 6;
            rep->want_mask = 0xFFFFFFFFFFFFULL;
            rep->want = x & rep->want_mask;
            t += 6;
        } else if (!any) {
            return 0;
        } else {
            t = lp_enh_first(t, w & 0xF, rep, &l->flags);
        }
    }
    return lp_text(&l->a, t, last, any);
}

/* Whether the first four bytes w of a line say that another line follows. */
static SMTPREPLY__INLINE int lp_continues(uint32_t w)
{
    return (w >> 24) == '-';
}

/* The reply read to l->a: its NUL, in place of its last line's LF (lp_first()
 * without any wrote it), and its fields. short_only: its first line was
 * read without any (lp_first()), so its code, if any, is in rep->etext. */
static SMTPREPLY__INLINE void lp_fill(struct lp_lines *l, const unsigned char *start, char *text,
                                      uint32_t w, const struct lp_reply *rep,
                                      struct smtpreply_reply *r, uint64_t offset,
                                      uint32_t line_no, int short_only)
{
    /* A code of the short form is its text's low nibbles: one value less to
     * keep until here. */
    uint64_t enh = short_only ? SMTPREPLY__ENH_SHORT_CODE(rep->etext) : rep->enh;

    if (!short_only)
        l->a.o[-1] = '\0';
    smtpreply__fill_reply(r, lp_code(w), l->flags, enh, rep->etext,
                          short_only || rep->etext || !enh, SMTPREPLY_TEXT_ASCII, l->count,
                          l->count, line_no, text, (size_t)(l->a.o - 1 - text), offset,
                          (uint64_t)(l->a.p - start));
}

/*
 * The reply at l->a.p, w its first four bytes (a code and SP or '-'): its first
 * line by lp_first() (any: of any shape), then its further lines, its text from
 * l->a.o on and its NUL. Fills *r and returns 1 with *l past it, or 0 to decline.
 * Where the reply is in the stream comes from offset and line_no, or from s when
 * it is not NULL: read there only once the text is copied (after stores that may
 * alias it), so they take no register before; max_lines likewise.
 */
static SMTPREPLY__INLINE int lp_reply(struct lp_lines *l, uint32_t w, const unsigned char *last,
                                      struct smtpreply_reply *r, const struct smtpreply__state *s,
                                      uint64_t offset, uint32_t line_no, uint32_t max_lines)
{
    /* callers set the fields read here (a.p, a.o, a.m); cppcheck's cross-function check counts the rest */
    // cppcheck-suppress ctuuninitvar
    const unsigned char *start = l->a.p;
    char *text = l->a.o;
    struct lp_reply rep;

    const unsigned char *t = start + 4;

    lp_reply_none(&rep);
    l->count = 0;
    l->flags = 0;
    /* A first line whose text can start no enhanced code is a line like the
     * others: all of them go to lp_more_lines(). */
    if (t[1] == '.' && smtpreply__enh_digit(t[0])) {
        if (!lp_first(l, w, &rep, last, 1))
            return 0;
        l->count = 1;
    }
    if (!l->count || lp_continues(w)) {
        if (s)
            max_lines = s->max_lines;
        if (!lp_more_lines(l, &rep, w | (uint32_t)'-' << 24, last, max_lines))
            return 0;
    }
    if (s) {
        offset = s->offset;
        line_no = s->line_no;
    }
    lp_fill(l, start, text, w, &rep, r, offset, line_no, 0);
    return 1;
}

/* The most common reply at l->a.p, w its first four bytes: one line of the common
 * shape (lp_first() without any) of up to 127 octets. lp_reply() without a loop
 * or a call, so the function it is inlined in keeps its values in registers. */
static SMTPREPLY__INLINE int lp_one(struct lp_lines *l, uint32_t w, const unsigned char *last,
                                    struct smtpreply_reply *r, const struct smtpreply__state *s,
                                    uint64_t offset, uint32_t line_no)
{
    /* callers set the fields read here (a.p, a.o, a.m); cppcheck's cross-function check counts the rest */
    // cppcheck-suppress ctuuninitvar
    const unsigned char *start = l->a.p;
    char *text = l->a.o;
    struct lp_reply rep;

    lp_reply_none(&rep);
    l->count = 1;
    l->flags = 0;
    if (!lp_first(l, w, &rep, last, 0))
        return 0;
    if (s) {
        offset = s->offset;
        line_no = s->line_no;
    }
    lp_fill(l, start, text, w, &rep, r, offset, line_no, 1);
    return 1;
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

/* documented in lib/isa.h (feed_other): any reply the line path takes, else the
 * byte machine. */
static int ISA_FN(feed_other)(struct smtpreply__state *s, const unsigned char *d, size_t n,
                              size_t *consumed, struct smtpreply_reply *r, uint32_t w)
{
    struct lp_lines l;

    l.a.p = d;
    l.a.o = s->text;
    l.a.m = 0;
    if (!lp_reply_start(w)
        || !lp_reply(&l, w, lp_last(d, n, s->text, s->text + s->cap), r, s, 0, 0, 0))
        return smtpreply__machine_feed(s, d, n, consumed, r);
    *consumed = (size_t)(l.a.p - d);
    s->offset += (size_t)(l.a.p - d);
    s->line_no += l.count;
    return SMTPREPLY_REPLY;
}

/* documented in lib/isa.h (feed_line): the most common reply by lp_one(), any
 * other by feed_other(). n is at least SMTPREPLY__LP_MIN and the text buffer
 * SMTPREPLY__LP_TEXT_MIN bytes or more (lp_ok): the only bound lp_one() needs is
 * on the input, for a window at d + 64. */
static int ISA_FN(feed_line)(struct smtpreply__state *s, const unsigned char *d, size_t n,
                             size_t *consumed, struct smtpreply_reply *r, uint32_t w)
{
    struct lp_lines l;

    l.a.p = d;
    l.a.o = s->text;
    l.a.m = 0;
    if (!lp_one(&l, w, d + (n - SMTPREPLY__LP_MIN), r, s, 0, 0))
        return ISA_FN(feed_other)(s, d, n, consumed, r, w);
    *consumed = (size_t)(l.a.p - d);
    s->offset += (size_t)(l.a.p - d);
    s->line_no++;
    return SMTPREPLY_REPLY;
}

/* lp_reply() with a first line of any shape, for feed_many(). */
static SMTPREPLY__NOINLINE_LP int ISA_FN(many_other)(struct lp_lines *l, uint32_t w,
                                                     const unsigned char *last,
                                                     struct smtpreply_reply *r,
                                                     uint64_t offset, uint32_t line_no,
                                                     uint32_t max_lines)
{
    return lp_reply(l, w, last, r, NULL, offset, line_no, max_lines);
}

/* documented in lib/isa.h (feed_many) */
static size_t ISA_FN(feed_many)(struct smtpreply__state *s, const unsigned char *d, size_t n,
                                size_t *consumed, struct smtpreply_reply *rs, size_t max,
                                char *text)
{
    const unsigned char *last;
    uint64_t offset = s->offset;
    uint32_t line_no = s->line_no, max_lines = s->max_lines;
    struct lp_lines l;
    size_t k = 0;

    *consumed = 0;
    if (n < SMTPREPLY__LP_MIN || (size_t)(s->text + s->cap - text) < 64 + 2)
        return 0;
    last = lp_last(d, n, text, s->text + s->cap);
    l.a.p = d;
    l.a.o = text;
    l.a.m = 0;
    while (k < max && l.a.p <= last) {
        const unsigned char *at = l.a.p;
        uint32_t w = lp_load4(at);

        if (!smtpreply__last_start(w) || !lp_one(&l, w, last, &rs[k], NULL, offset, line_no)) {
            struct lp_lines other;

            other.a.p = at;
            other.a.o = l.a.o;
            other.a.m = l.a.m;
            if (!lp_reply_start(w)
                || !ISA_FN(many_other)(&other, w, last, &rs[k], offset, line_no, max_lines))
                break;
            l = other;
        }
        offset += (uint64_t)(l.a.p - at);
        line_no += l.count;
        k++;
    }
    *consumed = (size_t)(offset - s->offset);
    s->offset = offset;
    s->line_no = line_no;
    return k;
}
