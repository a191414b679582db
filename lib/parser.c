/* SPDX-License-Identifier: MIT */
/*
 * The streaming reply parser (RFC 5321 section 4.2; DESIGN.md section 3).
 *
 * The byte machine below is the definition: one byte drives one transition, so any
 * split of the input gives the same result. Two shortcuts give the same results
 * faster: a bulk copy of plain text bytes found by smtpreply__scan_text(), and the
 * whole-line fast path (one_line_reply_with(), fast_lines_with(), take_line()),
 * which at the start of a line takes whole "ddd-text\r\n" lines that need no
 * judgement -- valid code, plain text, CRLF, within every limit -- finding each
 * line's end in a window of 64 bytes (lib/scan_block.h) and copying its text in
 * one fixed-size move. It declines anything else, leaving the line to the byte
 * machine, and is compiled once per vector width (baseline and AVX2, chosen at run
 * time). tests/test_split.c holds both to the same logs at every chunk size.
 *
 * States of a line, and their transitions:
 *
 *   LINE_START --digit--> CODE --digit--> CODE --digit--> SEP
 *   LINE_START --CR--> LINE_CR --LF--> (empty-line error) ; LF alone: same error
 *   LINE_START/CODE --other--> (bad-code error) SKIP
 *   SEP --'-'--> ENH (line continues the reply)     SEP --SP--> ENH (last line)
 *   SEP --CR--> SEP_CR --LF--> end of a code-only last line
 *   SEP --LF--> end of a code-only last line (bare LF)
 *   SEP/SEP_CR --other--> (bad-separator error) SKIP
 *   A valid separator makes the line a reply line (accept_line()): only then may it
 *   be a code mismatch (the reply in progress dropped, this line starts the next)
 *   or one line too many.
 *   ENH: collects "d.ddd.ddd" and a following SP or LF; on a valid enhanced code
 *        it is removed from the text, otherwise the bytes become text -> TEXT.
 *        A CR after the form goes to TEXT_CR with the form held: LF next makes it
 *        an enhanced code, anything else makes the CR a lone CR and both text.
 *   TEXT --plain bytes--> TEXT (bulk copy) ; --CR--> TEXT_CR ; --LF--> end of line
 *   TEXT_CR --LF--> end of line ; --other--> the CR was a lone CR, kept -> TEXT
 *   CUT: the line is valid but an error stopped its text: read up to LF, store nothing
 *   SKIP: the line is invalid and not part of any reply: read up to LF
 *
 * End of line: a last line completes the reply (SMTPREPLY_REPLY); other lines
 * go back to LINE_START. The reply in progress survives errors that skip or cut a
 * line; only a code mismatch drops it (the mismatching line starts a new reply).
 *
 * An error detected at an LF leaves that LF unconsumed and marks it checked, so the
 * next call ends the line normally without reporting again: the caller's loop always
 * has a byte left to call with, and a final line still completes its reply.
 */
#include <stddef.h>
#include <string.h>

#include "internal.h"
#include "scan_block.h"

enum line_state {
    LINE_START = 0,
    LINE_CR,
    CODE,
    SEP,
    SEP_CR,
    ENH,
    TEXT,
    TEXT_CR,
    CUT,
    SKIP
};

/* The private layout behind struct smtpreply_parser. Never points into itself. */
struct state {
    char *text;               /* caller's buffer */
    size_t cap;               /* bytes at text; one is kept for the NUL */
    uint64_t offset;          /* stream offset of the next byte to consume */
    uint64_t line_start;      /* stream offset of the current line's first byte */
    uint64_t reply_start;     /* stream offset of the reply's first byte */
    uint64_t err_offset, err_position;
    int32_t err_status;
    uint32_t err_line;
    uint32_t max_line, max_lines, strict, smtputf8;
    uint32_t fast_budget;     /* longest line the fast path takes: max_line, or 512 */
    uint32_t line_no;         /* 1-based number of the current line */
    uint32_t reply_first_line;
    uint32_t line_len;        /* bytes of the current line consumed so far */
    uint16_t line_code;       /* code of the current line, built digit by digit */
    uint8_t fast_window;      /* fast_budget leaves room for a whole window line */
    uint8_t fast_one;         /* ... and the text buffer for a 64-byte copy and the NUL */
    uint8_t state;            /* enum line_state */
    uint8_t ndigits;          /* digits of line_code seen */
    uint8_t last_line;        /* the current line ends its reply */
    uint8_t lf_checked;       /* an error was already reported for the LF at offset */
    uint8_t prev_cr;          /* CUT/SKIP: the previous byte was CR */
    uint8_t enh_len;          /* bytes in enh_buf */
    uint8_t enh_phase;        /* 0 class, 1 dot, 2 subject, 3 detail */
    uint8_t enh_digits;       /* digits in the current enhanced field */
    uint8_t u8_need;          /* UTF-8 continuation bytes still expected */
    uint8_t u8_lo, u8_hi;     /* allowed range of the next continuation byte */
    struct smtpreply_enhanced line_enh;  /* the current line's */
    char enh_buf[12];         /* bytes held back while an enhanced code may be starting */
    /* The reply in progress, from used to has_high: reset_reply() zeroes the block
     * in one go, which the fast path does once per reply. */
    size_t used;              /* text bytes of the reply in progress */
    struct smtpreply_enhanced enh;       /* the first line's enhanced code */
    uint32_t line_count;      /* complete lines of the reply in progress */
    uint32_t lines_stored;
    uint32_t flags;           /* SMTPREPLY_FLAG_* of the reply in progress */
    uint16_t code;            /* the reply's code, 0 before its first line is complete */
    uint8_t full;             /* the text buffer is full: store nothing more */
    uint8_t overflow;         /* more than max_lines: store nothing more */
    uint8_t u8_bad;           /* the reply's text is not valid UTF-8 */
    uint8_t has_high;         /* the reply's text has bytes >= 0x80 */
};

/* The public struct is a fixed-size opaque block; the layout must fit in it. */
typedef char state_fits_[sizeof(struct state) <= SMTPREPLY_PARSER_SIZE ? 1 : -1];
typedef char size_pinned_[sizeof(struct smtpreply_parser) == SMTPREPLY_PARSER_SIZE ? 1 : -1];

static struct state *st(struct smtpreply_parser *p)
{
    return (struct state *)(void *)p->priv_.bytes_;
}

static const struct state *cst(const struct smtpreply_parser *p)
{
    return (const struct state *)(const void *)p->priv_.bytes_;
}

/* documented in smtpreply.h */
size_t smtpreply_parser_size(void)
{
    return SMTPREPLY_PARSER_SIZE;
}

/* documented in smtpreply.h */
void smtpreply_options_default(struct smtpreply_options *opt)
{
    if (!opt)
        return;
    opt->strict = 0;
    opt->smtputf8 = 0;
    opt->max_line_length = SMTPREPLY_DEFAULT_MAX_LINE;
    opt->max_lines = SMTPREPLY_DEFAULT_MAX_LINES;
}

static void clear_enh(struct smtpreply_enhanced *e)
{
    e->klass = e->subject = e->detail = e->pad_ = 0;
}

/* Forget the reply in progress (not the stream position). */
static void reset_reply(struct state *s)
{
    memset(&s->used, 0, offsetof(struct state, has_high) + sizeof s->has_high
                        - offsetof(struct state, used));
}

/* Start a new line at the current offset. */
static void reset_line(struct state *s)
{
    s->state = LINE_START;
    s->line_start = s->offset;
    s->line_len = 0;
    s->line_code = 0;
    s->ndigits = 0;
    s->last_line = 0;
    s->prev_cr = 0;
    s->enh_len = 0;
    s->enh_phase = 0;
    s->enh_digits = 0;
    s->u8_need = 0;
    clear_enh(&s->line_enh);
}

static void reset_stream(struct state *s)
{
    s->offset = 0;
    s->line_no = 1;
    s->reply_start = 0;
    s->reply_first_line = 1;
    s->lf_checked = 0;
    s->err_status = 0;
    s->err_line = 0;
    s->err_offset = s->err_position = 0;
    reset_reply(s);
    reset_line(s);
}

/* documented in smtpreply.h */
int smtpreply_parser_init_ex(struct smtpreply_parser *p, char *text, size_t cap,
                             const struct smtpreply_options *opt)
{
    struct smtpreply_options def;
    struct state *s;

    if (!p || (!text && cap))
        return SMTPREPLY_E_INVALID_ARG;
    if (!opt) {
        smtpreply_options_default(&def);
        opt = &def;
    }
    /* Shortest meaningful line: three digits and an LF ("250\n") plus one byte. */
    if (opt->max_line_length != 0 && opt->max_line_length < 5)
        return SMTPREPLY_E_INVALID_ARG;
    memset(p, 0, sizeof *p);
    s = st(p);
    s->text = text;
    s->cap = cap;
    s->strict = opt->strict & SMTPREPLY_STRICT_ALL;
    s->smtputf8 = opt->smtputf8 ? 1 : 0;
    s->max_line = opt->max_line_length ? opt->max_line_length : SMTPREPLY_DEFAULT_MAX_LINE;
    s->max_lines = opt->max_lines ? opt->max_lines : SMTPREPLY_DEFAULT_MAX_LINES;
    s->fast_budget = (s->strict & SMTPREPLY_STRICT_LINE_512) && s->max_line > 512
                   ? 512 : s->max_line;
    s->fast_window = s->fast_budget >= SMTPREPLY_WINDOW + 1;
    s->fast_one = s->fast_window && cap > 64 + 1;
    reset_stream(s);
    return SMTPREPLY_OK;
}

/* documented in smtpreply.h */
int smtpreply_parser_init(struct smtpreply_parser *p, char *text, size_t cap)
{
    return smtpreply_parser_init_ex(p, text, cap, NULL);
}

/* documented in smtpreply.h */
void smtpreply_parser_reset(struct smtpreply_parser *p)
{
    if (p)
        reset_stream(st(p));
}

/* documented in smtpreply.h */
int smtpreply_parser_error(const struct smtpreply_parser *p, struct smtpreply_error *err)
{
    const struct state *s;

    if (!err)
        return SMTPREPLY_E_INVALID_ARG;
    memset(err, 0, sizeof *err);
    err->name = smtpreply_status_name(0);
    err->message = smtpreply_strerror(0);
    if (!p)
        return SMTPREPLY_E_INVALID_ARG;
    s = cst(p);
    err->status = s->err_status;
    err->line = s->err_line;
    err->offset = s->err_offset;
    err->position = s->err_position;
    err->name = smtpreply_status_name(s->err_status);
    err->message = smtpreply_strerror(s->err_status);
    return SMTPREPLY_OK;
}

static int fail(struct state *s, int status, uint64_t position)
{
    s->err_status = status;
    s->err_line = s->line_no;
    s->err_offset = s->line_start;
    s->err_position = position;
    return status;
}

/* Append text of the reply in progress, or flag it truncated. */
static void put(struct state *s, const char *b, size_t n)
{
    size_t room;

    if (s->full || s->overflow || n == 0)
        return;
    room = s->cap ? s->cap - 1 - s->used : 0;
    if (n > room) {
        n = room;
        s->full = 1;
        s->flags |= SMTPREPLY_FLAG_TRUNCATED;
    }
    if (n == 0)
        return;                 /* text may be NULL (cap 0): no pointer arithmetic on it */
    memcpy(s->text + s->used, b, n);
    s->used += n;
}

/* The line's code and separator are valid: its text starts here. */
static void begin_text(struct state *s)
{
    if (s->full || s->overflow)
        return;
    if (s->line_count > 0) {
        size_t before = s->used;
        put(s, "\n", 1);
        if (s->used == before)
            return;
    } else if (s->cap == 0) {
        return;                 /* no room even for the NUL: put() flags any text */
    }
    s->lines_stored++;
}

/*
 * The first byte c (>= 0x80) of a UTF-8 character (RFC 3629): returns how many
 * continuation bytes follow it, with the range the first of them must lie in; 0
 * for a byte that starts no character (a stray continuation byte, C0, C1, F5-FF).
 */
static unsigned utf8_lead(unsigned char c, uint8_t *lo, uint8_t *hi)
{
    *lo = 0x80;
    *hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF)
        return 1;
    if (c >= 0xE0 && c <= 0xEF) {
        if (c == 0xE0)
            *lo = 0xA0;         /* no overlong 3-byte forms */
        else if (c == 0xED)
            *hi = 0x9F;         /* no UTF-16 surrogates */
        return 2;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if (c == 0xF0)
            *lo = 0x90;         /* no overlong 4-byte forms */
        else if (c == 0xF4)
            *hi = 0x8F;         /* nothing above U+10FFFF */
        return 3;
    }
    return 0;
}

/* enum smtpreply_encoding of the text stored so far, byte by byte: for replies
 * whose stored text is not all their text (see fill_reply()). */
static uint32_t stored_encoding(const struct state *s)
{
    const unsigned char *t = (const unsigned char *)s->text;
    size_t i = 0, n = s->cap ? s->used : 0;
    unsigned need;
    uint8_t lo, hi;
    int high = 0;

    while (i < n) {
        if (t[i] < 0x80) {
            i++;
            continue;
        }
        high = 1;
        need = utf8_lead(t[i++], &lo, &hi);
        if (!need)
            return SMTPREPLY_TEXT_OTHER;
        for (; need; need--, i++) {
            if (i >= n || t[i] < lo || t[i] > hi)
                return SMTPREPLY_TEXT_OTHER;
            lo = 0x80;
            hi = 0xBF;
        }
    }
    return high ? SMTPREPLY_TEXT_UTF8 : SMTPREPLY_TEXT_ASCII;
}

/* Whether byte c continues the UTF-8 character in progress in the text. */
static int continues_char(const struct state *s, unsigned char c)
{
    return s->u8_need && c >= s->u8_lo && c <= s->u8_hi;
}

/*
 * The stored text is cut inside a character (its next byte continued it, but the
 * buffer is full or the line over its limit): take that character's stored bytes
 * out, so the stored text ends between characters. Called only when they are all
 * stored: a lead byte and at most two continuation bytes at the end.
 */
static void drop_partial_char(struct state *s)
{
    size_t k = 0;

    while (k < 3 && k < s->used && ((unsigned char)s->text[s->used - 1 - k] & 0xC0) == 0x80)
        k++;
    if (k < s->used)
        s->used -= k + 1;
}

/* A byte >= 0x80 of the text: track whether the text is still valid UTF-8.
 * Returns 0 when the byte is acceptable, or the strict-mode error it causes. */
static int high_byte(struct state *s, unsigned char c)
{
    s->has_high = 1;
    s->flags |= SMTPREPLY_FLAG_8BIT;
    if (s->u8_need) {
        if (c >= s->u8_lo && c <= s->u8_hi) {
            s->u8_need--;
            s->u8_lo = 0x80;
            s->u8_hi = 0xBF;
            return 0;
        }
        s->u8_bad = 1;          /* sequence broken: judge c as a lead byte */
        s->u8_need = 0;
    }
    s->u8_need = (uint8_t)utf8_lead(c, &s->u8_lo, &s->u8_hi);
    if (!s->u8_need)
        s->u8_bad = 1;
    if (s->strict & SMTPREPLY_STRICT_8BIT) {
        if (!s->smtputf8 || s->u8_bad)
            return SMTPREPLY_E_8BIT;
    }
    return 0;
}

/* An ASCII byte or a line end where a UTF-8 continuation byte was due. */
static int utf8_interrupted(struct state *s)
{
    if (!s->u8_need)
        return 0;
    s->u8_need = 0;
    s->u8_bad = 1;
    if ((s->strict & SMTPREPLY_STRICT_8BIT) && s->smtputf8)
        return SMTPREPLY_E_8BIT;
    return 0;
}

#if defined(__GNUC__)
#define NOINLINE __attribute__((noinline))
#else
#define NOINLINE
#endif

#if defined(__GNUC__)
#define ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define ALWAYS_INLINE inline
#endif

/* An enhanced code in one number, klass | subject << 16 | detail << 32: the fast
 * path keeps it in a register and compares lines with one test. */
static uint64_t pack_enh(unsigned klass, unsigned subject, unsigned detail)
{
    return (uint64_t)klass | (uint64_t)subject << 16 | (uint64_t)detail << 32;
}

static struct smtpreply_enhanced unpack_enh(uint64_t v)
{
    struct smtpreply_enhanced e;
    e.klass = (uint16_t)v;
    e.subject = (uint16_t)(v >> 16);
    e.detail = (uint16_t)(v >> 32);
    e.pad_ = 0;
    return e;
}

/* enhanced_text for no code (enh 0) or one whose fields have one digit each:
 * "c.s.d" assembled in one number, then stored byte by byte in order (any byte
 * order), which compilers merge; the other bytes zero. */
static ALWAYS_INLINE void enhanced_text_short(char *out, uint64_t enh)
{
    uint64_t v = ((enh & 0xF) | (enh >> 16 & 0xF) << 16 | (enh >> 32 & 0xF) << 32)
               + 0x302E302E30ULL;   /* '0' '.' '0' '.' '0', lowest byte first */
    unsigned i;

    if (!enh) {
        memset(out, 0, 12);
        return;
    }
    for (i = 0; i < 8; i++)
        out[i] = (char)(v >> (8 * i));
    memset(out + 8, 0, 4);
}

/* The fields of an enhanced code kept as text by whole_replies_with(), in
 * pack_enh() form: the low four bits of each digit for "c.s.d", otherwise read. */
static ALWAYS_INLINE uint64_t enh_fields_of_text(uint64_t e)
{
    uint64_t v[2] = { 0, 0 };
    unsigned i, part = 0;

    if (!(e >> 40))
        return e & 0x0F000F000FULL;
    for (i = 2; i < 8 && (e >> (8 * i) & 0xFF); i++) {
        unsigned c = (unsigned)(e >> (8 * i) & 0xFF);
        if (c == '.')
            part = 1;
        else
            v[part] = v[part] * 10 + (c - '0');
    }
    return pack_enh((unsigned)(e & 0xF), (unsigned)v[0], (unsigned)v[1]);
}

/*
 * The fields of a reply whole_replies_with() took that do not depend on where it
 * is: code, flags, the enhanced code from its text (see there), the ASCII verdict
 * and the line counts. Where the byte order allows, in four 8-byte stores.
 */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
typedef char reply_head_layout_[offsetof(struct smtpreply_reply, flags) == 4
                                && offsetof(struct smtpreply_reply, enhanced) == 8
                                && offsetof(struct smtpreply_reply, enhanced_text) == 16
                                && offsetof(struct smtpreply_reply, encoding) == 28
                                && offsetof(struct smtpreply_reply, line_count) == 32
                                && offsetof(struct smtpreply_reply, lines_stored) == 36
                                && sizeof(struct smtpreply_enhanced) == 8 ? 1 : -1];

static ALWAYS_INLINE void fill_whole_reply(struct smtpreply_reply *r, unsigned code,
                                           uint32_t flags, uint64_t enh, uint32_t count)
{
    unsigned char *b = (unsigned char *)r;
    uint64_t v;

    v = code | (uint64_t)flags << 32;                   /* code, pad_, flags */
    memcpy(b, &v, 8);
    v = enh_fields_of_text(enh);                        /* klass, subject, detail, pad_ */
    memcpy(b + 8, &v, 8);
    memcpy(b + 16, &enh, 8);                            /* enhanced_text[0..7] */
    v = (uint64_t)SMTPREPLY_TEXT_ASCII << 32;           /* enhanced_text[8..11], encoding */
    memcpy(b + 24, &v, 8);
    v = count | (uint64_t)count << 32;                  /* line_count, lines_stored */
    memcpy(b + 32, &v, 8);
}
#else
static ALWAYS_INLINE void fill_whole_reply(struct smtpreply_reply *r, unsigned code,
                                           uint32_t flags, uint64_t enh, uint32_t count)
{
    unsigned i;

    r->code = (uint16_t)code;
    r->pad_ = 0;
    r->flags = flags;
    r->enhanced = unpack_enh(enh_fields_of_text(enh));
    for (i = 0; i < 8; i++)
        r->enhanced_text[i] = (char)(enh >> (8 * i));
    memset(r->enhanced_text + 8, 0, 4);
    r->encoding = SMTPREPLY_TEXT_ASCII;
    r->line_count = count;
    r->lines_stored = count;
}
#endif

/* format_enhanced() for a field of two or three digits. */
static NOINLINE void format_enhanced_long(char *out, const struct smtpreply_enhanced *e)
{
    unsigned parts[2], i;

    memset(out, 0, 12);
    parts[0] = e->subject;
    parts[1] = e->detail;
    *out++ = (char)('0' + e->klass);
    for (i = 0; i < 2; i++) {
        unsigned v = parts[i];
        *out++ = '.';
        if (v >= 100)
            *out++ = (char)('0' + v / 100);
        if (v >= 10)
            *out++ = (char)('0' + (v / 10) % 10);
        *out++ = (char)('0' + v % 10);
    }
}

/* enhanced_text of a reply: "c.sss.ddd" and its NUL, the rest of the 12 bytes zero;
 * "" when there is no code. */
static ALWAYS_INLINE void format_enhanced(char *out, const struct smtpreply_enhanced *e)
{
    if (!e->klass || (e->subject < 10 && e->detail < 10))
        enhanced_text_short(out, pack_enh(e->klass, e->subject, e->detail));
    else
        format_enhanced_long(out, e);
}

static ALWAYS_INLINE void fill_reply(const struct state *s, struct smtpreply_reply *r, uint64_t end)
{
    static const char empty[1] = "";

    r->code = s->code;
    r->pad_ = 0;
    r->flags = s->flags;
    r->enhanced = s->enh;
    format_enhanced(r->enhanced_text, &s->enh);
    /* encoding describes the stored text. Unless a cut or a skipped line made it
     * less than all the text, that is what the byte machine followed. */
    if (s->has_high && (s->flags & (SMTPREPLY_FLAG_TRUNCATED | SMTPREPLY_FLAG_DAMAGED)))
        r->encoding = stored_encoding(s);
    else
        r->encoding = !s->has_high ? SMTPREPLY_TEXT_ASCII
                    : s->u8_bad ? SMTPREPLY_TEXT_OTHER : SMTPREPLY_TEXT_UTF8;
    r->line_count = s->line_count;
    r->lines_stored = s->lines_stored;
    r->first_line = s->reply_first_line;
    if (s->cap) {
        s->text[s->used] = '\0';
        r->text = s->text;
    } else {
        r->text = empty;
    }
    r->text_len = s->used;
    r->offset = s->reply_start;
    r->length = end - s->reply_start;
}

/* The first line's enhanced code is the reply's; later lines must agree. */
static void note_line_enh(struct state *s, const struct smtpreply_enhanced *e)
{
    if (s->line_count == 0)
        s->enh = *e;
    else if (e->klass != s->enh.klass || e->subject != s->enh.subject
             || e->detail != s->enh.detail)
        s->flags |= SMTPREPLY_FLAG_ENHANCED_MISMATCH;
}

/* The last line is in: hand the reply out and start the next one here. */
static ALWAYS_INLINE void finish_reply(struct state *s, struct smtpreply_reply *r)
{
    if (r)
        fill_reply(s, r, s->offset);
    reset_reply(s);
    s->reply_start = s->offset;
    s->reply_first_line = s->line_no;
}

/* The LF of a line has been consumed. Returns 1 when it completed a reply. */
static int end_line(struct state *s, int bare_lf, struct smtpreply_reply *r)
{
    int skipped = s->state == SKIP;
    int last = s->last_line;

    s->line_no++;
    if (skipped) {
        reset_line(s);
        return 0;
    }
    if (bare_lf)
        s->flags |= SMTPREPLY_FLAG_BARE_LF;
    if (s->u8_need) {
        s->u8_need = 0;
        s->u8_bad = 1;
    }
    if (s->line_len > 512)
        s->flags |= SMTPREPLY_FLAG_LINE_OVER_512;
    note_line_enh(s, &s->line_enh);
    if (s->line_count != UINT32_MAX)    /* a hostile endless reply saturates */
        s->line_count++;
    reset_line(s);
    if (!last)
        return 0;
    finish_reply(s, r);
    return 1;
}

/* "250\r\n": the last line of its reply, with no text. */
static void code_only_line(struct state *s)
{
    s->last_line = 1;
    s->flags |= SMTPREPLY_FLAG_CODE_ONLY;
    begin_text(s);
}

/* An error in a line's code part: the line is not part of any reply. */
static int skip_line(struct state *s, int status, uint64_t position)
{
    s->state = SKIP;
    s->prev_cr = 0;
    if (s->line_count > 0)
        s->flags |= SMTPREPLY_FLAG_DAMAGED;
    else
        reset_reply(s);     /* a would-be first line leaves nothing (its flags) behind */
    return fail(s, status, position);
}

/* An error in a line's text: the line still counts, its text stops here. */
static int cut_line(struct state *s, int status, uint64_t position)
{
    s->state = CUT;
    s->prev_cr = 0;
    s->u8_need = 0;
    s->flags |= SMTPREPLY_FLAG_DAMAGED;
    return fail(s, status, position);
}

/* The three digits are in. Returns 0 or an error status. */
static int code_complete(struct state *s)
{
    unsigned first = s->line_code / 100, second = (s->line_code / 10) % 10;

    if (first < 2 || first > 5)
        return skip_line(s, SMTPREPLY_E_BAD_FIRST_DIGIT, s->offset);
    if (second > 5 && (s->strict & SMTPREPLY_STRICT_SECOND_DIGIT))
        return skip_line(s, SMTPREPLY_E_BAD_SECOND_DIGIT, s->offset);
    s->state = SEP;
    return 0;
}

/*
 * The separator is valid, so the line is a reply line: it joins the reply in
 * progress or starts one. Decided here and not at the code, so that a line with a
 * bad separator is skipped like any other bad line whatever its code, and the
 * reply in progress stays open. Returns 0 or an error status (at the separator,
 * or at the LF of a code-only line).
 */
static int accept_line(struct state *s)
{
    uint64_t at = s->offset;
    int rc = 0;

    if (s->line_count == 0) {
        s->code = s->line_code;
        s->reply_start = s->line_start;
        s->reply_first_line = s->line_no;
    } else if (s->line_code != s->code) {
        /* RFC 5321 4.2: one code per reply. The unfinished reply is dropped and this
         * line starts the next one, so a "220-" banner cut short by a "521" block
         * still delivers the 521 (vert-x3/vertx-mail-client #81). */
        reset_reply(s);
        s->code = s->line_code;
        s->reply_start = s->line_start;
        s->reply_first_line = s->line_no;
        rc = fail(s, SMTPREPLY_E_CODE_MISMATCH, at);
    } else if (s->line_count >= s->max_lines && !s->overflow) {
        s->overflow = 1;
        s->flags |= SMTPREPLY_FLAG_TRUNCATED | SMTPREPLY_FLAG_DAMAGED;
        rc = fail(s, SMTPREPLY_E_TOO_MANY_LINES, at);
    }
    if ((s->line_code / 10) % 10 > 5)
        s->flags |= SMTPREPLY_FLAG_SECOND_DIGIT;
    return rc;
}

/* The held-back enhanced-code bytes turn out to be text. */
static void flush_enh(struct state *s)
{
    put(s, s->enh_buf, s->enh_len);
    s->enh_len = 0;
    s->state = TEXT;
}

/* A terminator (SP, CR or LF) follows a complete d.d.d form. Returns 1 when it was a
 * valid enhanced code (removed from the text), 0 when the bytes are text. */
static int finish_enh(struct state *s)
{
    unsigned klass = (unsigned)(s->enh_buf[0] - '0');
    unsigned v[2] = { 0, 0 }, part = 0, i;

    if (klass != s->code / 100 || klass == 3) {
        s->flags |= SMTPREPLY_FLAG_ENHANCED_INVALID;
        flush_enh(s);
        return 0;
    }
    for (i = 2; i < s->enh_len; i++) {
        if (s->enh_buf[i] == '.')
            part = 1;
        else
            v[part] = v[part] * 10 + (unsigned)(s->enh_buf[i] - '0');
    }
    s->line_enh.klass = (uint16_t)klass;
    s->line_enh.subject = (uint16_t)v[0];
    s->line_enh.detail = (uint16_t)v[1];
    s->enh_len = 0;
    s->state = TEXT;
    return 1;
}

/* TEXT_CR with a complete d.d.d form held back before the CR: an LF makes the CR a
 * line end, so the form is judged as an enhanced code; any other byte makes the CR
 * a lone CR, which is text, and the form before it text too. */
static void settle_enh(struct state *s, unsigned char c)
{
    if (c == '\n')
        (void)finish_enh(s);
    else
        flush_enh(s);
    s->state = TEXT_CR;
}

/* One byte in the ENH state. Returns 1 when the byte was used, 0 when it must be
 * handled again in the TEXT state. */
static int enh_byte(struct state *s, unsigned char c)
{
    int digit = c >= '0' && c <= '9';

    switch (s->enh_phase) {
    case 0:
        if (!digit)
            break;
        s->enh_buf[s->enh_len++] = (char)c;
        s->enh_phase = 1;
        return 1;
    case 1:
        if (c != '.')
            break;
        s->enh_buf[s->enh_len++] = (char)c;
        s->enh_phase = 2;
        s->enh_digits = 0;
        return 1;
    case 2:
        if (digit && s->enh_digits == 3) {
            s->flags |= SMTPREPLY_FLAG_ENHANCED_INVALID;
            break;
        }
        if (digit) {
            s->enh_buf[s->enh_len++] = (char)c;
            s->enh_digits++;
            return 1;
        }
        if (c == '.' && s->enh_digits > 0) {
            s->enh_buf[s->enh_len++] = (char)c;
            s->enh_phase = 3;
            s->enh_digits = 0;
            return 1;
        }
        break;
    default:
        if (digit && s->enh_digits == 3) {
            s->flags |= SMTPREPLY_FLAG_ENHANCED_INVALID;
            break;
        }
        if (digit) {
            s->enh_buf[s->enh_len++] = (char)c;
            s->enh_digits++;
            return 1;
        }
        if (s->enh_digits > 0 && c == '\r') {
            /* Only a CR that ends the line ends the code: held with it until the
             * next byte says (settle_enh()). */
            s->state = TEXT_CR;
            return 1;
        }
        if (s->enh_digits > 0 && (c == ' ' || c == '\n')) {
            /* The SP after a valid code goes with it; LF ends the line. */
            return finish_enh(s) && c == ' ';
        }
        break;
    }
    flush_enh(s);
    return 0;
}

/*
 * Where the text of a fast-path line ends. The text starts at t, the buffer ends at
 * end; its bytes are copied to dst as they are checked, and no store reaches
 * dst_end. Returns 1 when the text is plain (no LF, NUL or 8-bit byte; control
 * bytes such as TAB are plain) up to a CR at t[*len] followed by LF, with
 * *len <= max_len; 0 when the line needs the byte machine or is not all in the
 * buffer. On 0, bytes may have been stored at dst: they lie past the reply's text.
 */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static int plain_text_to_crlf(const unsigned char *t, const unsigned char *end,
                              char *dst, const char *dst_end, size_t max_len,
                              size_t *len)
{
    size_t j = 0, k;
    unsigned char c;

    /* Whole blocks while both the input and the text buffer have room for one. */
    while ((size_t)(end - t) - j >= SMTPREPLY_BLOCK
           && (size_t)(dst_end - dst) - j >= SMTPREPLY_BLOCK) {
        uint64_t m = smtpreply__block(t + j, dst + j);
        while (m) {
            k = j + smtpreply__block_pos(m);
            c = t[k];
            if (c == '\r')
                goto cr;
            if (c == '\n' || c == 0 || c >= 0x80)
                return 0;
            m &= m - 1;         /* a TAB or other control byte: plain text */
        }
        j += SMTPREPLY_BLOCK;
        if (j > max_len)
            return 0;
    }
    /* The last bytes of the input: one at a time, copied once the end is known. */
    for (k = j; t + k < end && k <= max_len && k < (size_t)(dst_end - dst); k++) {
        c = t[k];
        if (c == '\r') {
            memcpy(dst + j, t + j, k - j);  /* dst[k] stays free for the NUL */
            goto cr;
        }
        if (c == '\n' || c == 0 || c >= 0x80)
            return 0;
    }
    return 0;
cr:
    if (k > max_len || t + k + 1 >= end || t[k + 1] != '\n')
        return 0;
    *len = k;
    return 1;
}

/* The first four bytes at p as one number, byte 0 lowest, on any byte order. */
static uint32_t load4(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* The two bytes at p as one number, byte 0 lowest: 0x0A0D is CRLF. */
static ALWAYS_INLINE unsigned load2(const unsigned char *p)
{
    return (unsigned)p[0] | (unsigned)p[1] << 8;
}

/* The eight bytes at p as one number, byte 0 lowest. */
static ALWAYS_INLINE uint64_t load8(const unsigned char *p)
{
    return (uint64_t)load4(p) | (uint64_t)load4(p + 4) << 32;
}

/* Whether the text at t starts like an enhanced code: a digit, then '.'. */
static ALWAYS_INLINE int looks_like_enh(const unsigned char *t)
{
    return (unsigned)(*t - '0') <= 9 && t[1] == '.';
}

/* quick_enh() for codes with a two- or three-digit field ("5.7.26 ", "4.4.316\r"):
 * returns pack_enh() of the code with its length in the top byte, or 0 when it is
 * not one (by value, so no caller keeps a variable in memory for it). */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static uint64_t quick_enh_long(const unsigned char *t, size_t n, unsigned first)
{
    unsigned v[2] = { 0, 0 };
    size_t i = 2, part, digits;

    for (part = 0; part < 2; part++) {
        for (digits = 0; i < n && t[i] >= '0' && t[i] <= '9'; i++, digits++)
            v[part] = v[part] * 10 + (unsigned)(t[i] - '0');
        if (digits < 1 || digits > 3 || i >= n)
            return 0;
        if (part == 0) {
            if (t[i] != '.')
                return 0;
            i++;
        }
    }
    if (t[i] != ' ' && t[i] != '\r')
        return 0;
    return pack_enh(first, v[0], v[1]) | (uint64_t)i << 56;
}

/* Quick check of an enhanced code at t[0..n): returns its length when it is valid
 * for this code and followed by SP or CR (the code in *packed), 0 when the text
 * does not start with a digit and a dot, and -1 for anything the byte machine must
 * judge (it may set flags). */
static ALWAYS_INLINE int quick_enh(const unsigned char *t, size_t n, unsigned first,
                                   uint64_t *packed)
{
    uint64_t slow;

    if (n < 2 || !looks_like_enh(t))
        return 0;   /* the byte machine also keeps "8BITMIME" as plain text */
    if (n < 6 || t[0] - '0' != (int)first || first == 3)
        return -1;
    /* Most codes have one-digit fields ("2.1.5 "): decide those in one test. */
    if ((unsigned)(t[2] - '0') <= 9 && t[3] == '.' && (unsigned)(t[4] - '0') <= 9
        && (t[5] == ' ' || t[5] == '\r')) {
        *packed = pack_enh(first, (unsigned)(t[2] - '0'), (unsigned)(t[4] - '0'));
        return 5;
    }
    slow = quick_enh_long(t, n, first);
    if (!slow)
        return -1;
    *packed = slow & 0x00FFFFFFFFFFFFFFULL;
    return (int)(slow >> 56);
}

static int feed_bytes(struct state *s, const char *data, size_t len, size_t i,
                      size_t *consumed, struct smtpreply_reply *reply, int refused);

/* The window at p, by the variant's vector width (wide: AVX2). */
static ALWAYS_INLINE uint64_t window_of(const unsigned char *p, int wide)
{
#if defined(SMTPREPLY_HAVE_WINDOW_AVX2) && SMTPREPLY_WINDOW == 64
    if (wide)
        return smtpreply__window_avx2(p);
#endif
    (void)wide;
    return smtpreply__window(p);
}

/* The window at p with both halves looked at (the one of whole_line(), whose
 * bits above a line's end serve the next lines). */
static ALWAYS_INLINE uint64_t window_full_of(const unsigned char *p, int wide)
{
#if defined(SMTPREPLY_HAVE_WINDOW_AVX2) && SMTPREPLY_WINDOW == 64
    if (wide)
        return smtpreply__window_full_avx2(p);
#endif
    (void)wide;
    return smtpreply__window(p);
}

/* 64 bytes from t to dst, by the variant's vector width. */
static ALWAYS_INLINE void copy64_of(char *dst, const unsigned char *t, int wide)
{
#if defined(SMTPREPLY_HAVE_WINDOW_AVX2) && SMTPREPLY_WINDOW == 64
    if (wide) {
        smtpreply__copy64_avx2(dst, t);
        return;
    }
#endif
    (void)wide;
    memcpy(dst, t, 64);     /* fixed size: a few vector moves */
}

/*
 * The text of a line, len bytes at t (len below 64), to dst: one 32-byte move, and
 * a second one only when the text is longer. For the further lines of a reply,
 * which follow each other with little work between them, a 64-byte move per line
 * measured slower (the stores pile up); for a reply's first line, where the reply
 * is filled in between, the fixed 64-byte move without a branch measured faster.
 * len is signed: the caller's a.p + pos - t then folds into one compare of pos
 * (unsigned, gcc had to allow for a wrap and spent four instructions).
 */
static ALWAYS_INLINE void copy_short_text(char *dst, const unsigned char *t, ptrdiff_t len,
                                          int wide)
{
#if defined(SMTPREPLY_HAVE_WINDOW_AVX2) && SMTPREPLY_WINDOW == 64
    if (wide) {
        smtpreply__copy32_avx2(dst, t);
        if (len > 32)
            smtpreply__copy32_avx2(dst + 32, t + 32);
        return;
    }
#endif
    (void)wide;
    memcpy(dst, t, 32);
    if (len > 32)
        memcpy(dst + 32, t + 32, 32);
}

/*
 * The end of the line at p, whose text starts at t, from the window at p: when the
 * first candidate byte is the CR of a CRLF within 64 bytes -- or within 128 bytes,
 * when the window has no candidate and the input and dst_end leave room for a
 * 128-byte copy and budget for the line -- copies the text to dst in fixed-size
 * moves, sets *len and returns 1. Returns 0 otherwise, having decided nothing.
 * The caller has checked that 80 bytes are readable at p, 65 writable at dst, and
 * that a 64-byte line is within the line limit; code, separator and enhanced code
 * hold no candidate, so a CR found is at or after t.
 */
static ALWAYS_INLINE int window_line(const unsigned char *p, const unsigned char *t,
                                     const unsigned char *end, char *dst,
                                     const char *dst_end, size_t budget, int wide,
                                     size_t *len)
{
    uint64_t m = window_of(p, wide);
    size_t cr = m ? smtpreply__block_pos(m) : SMTPREPLY_WINDOW;

    if (cr + 1 < SMTPREPLY_WINDOW && p[cr] == '\r' && p[cr + 1] == '\n') {
        copy64_of(dst, t, wide);
        *len = cr - (size_t)(t - p);
        return 1;
    }
#if SMTPREPLY_WINDOW == 64
    /* A line of 65 to 128 bytes (a Gmail refusal, a long greeting or acceptance). */
    if (!m && (size_t)(end - p) >= 128 + 16 && (size_t)(dst_end - dst) > 128) {
        m = window_of(p + 64, wide);
        cr = 64 + (m ? smtpreply__block_pos(m) : 64);
        if (cr + 1 < 128 && cr + 2 <= budget && p[cr] == '\r' && p[cr + 1] == '\n') {
            copy64_of(dst, t, wide);
            copy64_of(dst + 64, t + 64, wide);
            *len = cr - (size_t)(t - p);
            return 1;
        }
    }
#else
    (void)end;
    (void)dst_end;
    (void)budget;
#endif
    return 0;
}

/*
 * The reply code from the first three bytes of a line, byte 0 lowest (digits
 * checked). One multiply does the first two digits: with the digits d0, d1, d2
 * in bytes 0-2, x * (1 + 10 * 256) has 10 * d0 + d1 in byte 1 (at most 99, so no
 * carry reaches it from byte 0, nor leaves it).
 */
static ALWAYS_INLINE uint16_t code_of(uint32_t w)
{
    uint32_t x = w & 0x0F0F0Fu;

    return (uint16_t)((x * (1u + 10u * 256u) >> 8 & 0xFFu) * 10u + (x >> 16));
}

/* The fast path's reply in progress, in locals (see fast_lines_with()). */
struct fast_run {
    const unsigned char *p;     /* next line */
    char *o;                    /* where the reply's text ends so far */
    uint64_t enh;               /* the first line's enhanced code, pack_enh() */
    uint32_t more;              /* first four bytes of a further line; LAST_OF() the last */
};

/* The first four bytes of a reply's last line from those of a further line. */
#define LAST_OF(more) ((more) ^ (uint32_t)('-' ^ ' ') << 24)

/* Take the line at u->p if the fast path can: returns 0 when it declines (nothing
 * changed), 1 for a line that continues the reply, 2 for its last line. The
 * first line of a reply (first set) sets its code and enhanced code; later ones
 * must repeat the code and are stored after an LF. */
static ALWAYS_INLINE int take_line(struct state *s, struct fast_run *u, const unsigned char *end,
                                   const char *dst_end, int first, int wide)
{
    const unsigned char *p = u->p, *t = p + 4;
    uint32_t w;
    uint64_t e = 0;
    char *dst;
    size_t len;

    if (end - p < 6)
        return 0;
    w = load4(p);
    if (!first) {
        if (w != u->more && w != LAST_OF(u->more))
            return 0;
    } else {
        if ((w & 0xFFu) - '2' > 3 || (w >> 8 & 0xFFu) - '0' > 5
            || (w >> 16 & 0xFFu) - '0' > 9 || ((w >> 24) != ' ' && (w >> 24) != '-'))
            return 0;
    }
    if ((unsigned)(*t - '0') <= 9) {
        int enh_len = quick_enh(t, (size_t)(end - t), (w & 0xFFu) - '0', &e);
        if (enh_len < 0)
            return 0;
        if (enh_len > 0)
            t += enh_len + (t[enh_len] == ' ');
    }
    dst = u->o + !first;
    /* Most lines end inside the window at their start: the window path needs 80
     * bytes readable at p (the copy's 64 after t, which is at most p + 14), 65
     * writable at dst, and a line limit the window fits in. */
    if (s->fast_window && (size_t)(end - p) >= 64 + 16 && (size_t)(dst_end - dst) > 64
        && window_line(p, t, end, dst, dst_end, s->fast_budget, wide, &len))
        goto take;
    if ((size_t)(t - p) + 2 > s->fast_budget
        || !plain_text_to_crlf(t, end, dst, dst_end, s->fast_budget - 2 - (size_t)(t - p), &len))
        return 0;
    if ((size_t)(t - p) + len + 2 > 512)
        s->flags |= SMTPREPLY_FLAG_LINE_OVER_512;     /* rare: straight into the state */
take:
    /* The line is taken: what code_complete(), begin_text(), put() and end_line()
     * would have done with it. */
    if (first) {
        u->enh = e;
        u->more = (w & 0xFFFFFFu) | (uint32_t)'-' << 24;
    } else {
        if (e != u->enh)
            s->flags |= SMTPREPLY_FLAG_ENHANCED_MISMATCH;
        *u->o = '\n';
    }
    u->o = dst + len;
    u->p = t + len + 2;
    return 1 + (w != u->more);
}

/*
 * The common case, many lines in one go: whole lines "ddd-text\r\n" or
 * "ddd text\r\n" in the buffer, each with a valid code that starts a reply or
 * repeats the reply's code, an optional valid enhanced code, plain text, a CRLF
 * end, within every limit and with room in the text buffer (take_line()). The
 * reply's fields stay in locals while its lines go by and are stored once at the
 * end.
 *
 * Called at LINE_START with the arguments of smtpreply_parser_feed(). Takes whole
 * lines and leaves the state exactly as the byte machine would after them, at
 * LINE_START of the next one. Returns SMTPREPLY_REPLY when a line completed a reply
 * (filled into *r, *consumed set). Otherwise: as the entry from
 * smtpreply_parser_feed() (entry set), hands over to the byte machine at the first
 * line it cannot take; inside the byte machine (entry 0), returns
 * SMTPREPLY_NEED_MORE with the bytes taken in *consumed.
 *
 * Written once and compiled per window implementation (wide: AVX2) and role;
 * the fast_variants table below lists the functions.
 */
static ALWAYS_INLINE int fast_lines_with(struct state *s, const unsigned char *d, size_t n,
                                         size_t *consumed, struct smtpreply_reply *r,
                                         int wide, int entry)
{
    const unsigned char *p = d, *const end = d + n;
    const char *dst_end;
    const uint32_t count0 = s->line_count;
    uint32_t count = count0;
    struct fast_run u;
    int took;

    /* Truncated text and zero capacity are the byte machine's business. */
    if (s->cap == 0 || s->full || s->overflow)
        goto done;
    dst_end = s->text + s->cap;
    u.p = d;
    u.o = s->text + s->used;
    if (count == 0) {
        took = take_line(s, &u, end, dst_end, 1, wide);
        if (!took)
            goto done;
        s->reply_start = s->offset;
        s->reply_first_line = s->line_no;
        count = 1;
    } else {
        u.enh = pack_enh(s->enh.klass, s->enh.subject, s->enh.detail);
        u.more = (uint32_t)('0' + s->code / 100) | (uint32_t)('0' + s->code / 10 % 10) << 8
               | (uint32_t)('0' + s->code % 10) << 16 | (uint32_t)'-' << 24;
        took = 1;
    }
    while (took == 1 && count < s->max_lines) {
        took = take_line(s, &u, end, dst_end, 0, wide);
        count += took != 0;
    }
    p = u.p;
    if (count > count0) {
        /* What end_line() leaves after the lines taken; finish_reply() then hands a
         * completed reply out from the state, as the byte machine does. */
        s->offset += (uint64_t)(p - d);
        s->line_start = s->offset;
        s->line_no += count - count0;
        s->used = (size_t)(u.o - s->text);
        s->lines_stored += count - count0;
        s->line_count = count;
        s->code = code_of(u.more);
        s->enh = unpack_enh(u.enh);
        if (took == 2) {
            finish_reply(s, r);
            *consumed = (size_t)(p - d);
            return SMTPREPLY_REPLY;
        }
    }
done:
    if (entry)
        return feed_bytes(s, (const char *)d, n, (size_t)(p - d), consumed, r, 1);
    *consumed = (size_t)(p - d);
    return SMTPREPLY_NEED_MORE;
}

/*
 * An enhanced code of one-digit fields at t ("c.s.d" then SP or CR) valid for the
 * reply whose first four bytes are w (c its first digit, not 3), as
 * whole_replies_with() keeps it: its five bytes, lowest first; 0 when it is not
 * one. t has 8 bytes readable.
 */
static ALWAYS_INLINE uint64_t short_enh_text(const unsigned char *t, uint32_t w)
{
    if (t[0] != (w & 0xFFu) || t[0] == '3' || (unsigned)(t[2] - '0') > 9 || t[3] != '.'
        || (unsigned)(t[4] - '0') > 9 || (t[5] != ' ' && t[5] != '\r'))
        return 0;
    return (uint64_t)load4(t) | (uint64_t)t[4] << 32;
}

/*
 * Whether the first four bytes of a line (byte 0 lowest) can start a reply's last
 * line the fast path takes: a code with first digit 2-5 and second digit 0-5,
 * then SP. All four bytes at once: a byte is in range when neither byte - low nor
 * high - byte goes below zero, which sets its top bit (a borrow into the next
 * byte only happens when a lower byte is already out of range; a byte from 0x80
 * up sets the top bit of byte - low). The separator's range is SP to SP: for a
 * byte other than SP, byte - SP has its top bit set below SP and from 0xA0 up,
 * SP - byte from SP + 1 to 0xA0. A further line's start w ("250-") passes as
 * LAST_OF(w).
 */
static ALWAYS_INLINE int last_line_start_ok(uint32_t w)
{
    return !(((w - 0x20303032u) | (0x20393535u - w)) & 0x80808080u);
}

/*
 * The most common reply of all in one step: one line "ddd text\r\n", with or
 * without an enhanced code, that ends inside the window at the start of a reply.
 * Returns 1 with the reply in *r and *consumed set, or 0 having changed nothing
 * (fast_lines_with() then takes the line as the first of a longer reply or
 * declines it). The same checks as take_line() for a first line, in a function
 * with few live values, so a one-line reply skips the general path's setup.
 */
static ALWAYS_INLINE int one_line_reply_with(struct state *s, const unsigned char *p, size_t n,
                                             size_t *consumed, struct smtpreply_reply *r,
                                             int wide)
{
    const unsigned char *t = p + 4;
    uint64_t enh = 0;
    uint32_t w;
    size_t len, total;
    char *dst;

    /* Room for the window, a 64-byte copy after t, and the line in the limit; a
     * last line (its SP checked with the code, in one test). At LINE_START with
     * no line of the reply in, the reply block of the state is all zero
     * (reset_reply(): after a reply, a dropped one, a skipped first line), so
     * used, flags, lines_stored and the text verdicts are known. */
    if (n < 64 + 16 || !r || s->line_count != 0 || !s->fast_one)
        return 0;
    w = load4(p);
    if (!last_line_start_ok(w))
        return 0;
    /* An enhanced code here is of the one-digit form ("2.1.5 "), kept as text as
     * whole_replies_with() keeps it; any other goes to the general path, which
     * keeps this function free of calls. */
    if (looks_like_enh(t)) {
        if ((enh = short_enh_text(t, w)) == 0)
            return 0;
        t += 5 + (t[5] == ' ');
    }
    dst = s->text;
    if (!window_line(p, t, p + n, dst, dst + s->cap, s->fast_budget, wide, &len))
        return 0;
    total = (size_t)(t - p) + len + 2;
    dst[len] = '\0';
    fill_whole_reply(r, code_of(w), 0, enh, 1);
    r->first_line = s->line_no;
    r->text = s->text;
    r->text_len = len;
    r->offset = s->offset;
    r->length = total;
    s->offset += total;
    s->line_start = s->offset;
    s->reply_start = s->offset;
    s->line_no++;
    s->reply_first_line = s->line_no;
    *consumed = total;
    return 1;
}

/* Bytes in a text kept in a number, lowest first, with no zero byte in it. */
static ALWAYS_INLINE unsigned bytes_in(uint64_t v)
{
#if defined(__GNUC__)
    return v ? (unsigned)(71 - __builtin_clzll(v)) / 8 : 0;
#else
    unsigned n = 0;
    for (; v; v >>= 8)
        n++;
    return n;
#endif
}

/*
 * An enhanced code at t with a field of two or three digits ("5.7.26 "), the
 * class checked, as whole_replies_with() keeps it: its text in the low bytes of
 * the result (bytes_in() gives the length). Returns 0 when it is not valid, is
 * longer than 8 bytes, or has a field with a leading zero ("5.7.026", which
 * lines may write differently for the same code, so comparing text would not
 * do). t has 16 bytes readable. By value: see struct whole_at.
 */
static NOINLINE uint64_t enh_text_long(const unsigned char *t)
{
    uint64_t q = quick_enh_long(t, 16, (unsigned)(t[0] - '0')), e = 0;
    unsigned len = (unsigned)(q >> 56), i;

    if (!q || len > 8)
        return 0;
    for (i = 1; i + 2 < len; i++) {
        if (t[i] == '.' && t[i + 1] == '0' && t[i + 2] != '.' && t[i + 2] != ' '
            && t[i + 2] != '\r')
            return 0;
    }
    for (i = 0; i < len; i++)
        e |= (uint64_t)t[i] << (8 * i);
    return e;
}

/*
 * Where whole_replies_with() is: the next line, the end of the text so far, the
 * window (see smtpreply__window_after()) and the enhanced code of the last line
 * taken. Passed and returned by value: a local whose address is taken must live
 * in memory, as any char store (the text copies) might change it.
 */
struct whole_at {
    const unsigned char *p;
    char *o;
    uint64_t m;
    uint64_t e;
};

/*
 * One line for whole_replies_with(), at a.p (its first four bytes w checked; 80
 * bytes readable): an optional enhanced code -- want, of want_len bytes, the first
 * line's, is tried first -- then plain text to a CRLF found by the window a.m
 * (taken at a.p when empty), or by the windows after it when that one has no
 * candidate, within 256 bytes of the line's start. The text goes to a.o + join
 * (join: after an LF that joins it to the line before). Returns the position
 * after the line, with its enhanced code in e (as text, see whole_replies_with()),
 * or one with p NULL for a line the byte machine must see.
 */
static ALWAYS_INLINE struct whole_at whole_line(struct whole_at a, uint32_t w, int join,
                                                uint64_t want, unsigned want_len,
                                                const unsigned char *last_start,
                                                const char *dst_end, size_t budget, int wide)
{
    const unsigned char *p = a.p, *t = p + 4;
    char *dst = a.o + join;
    unsigned pos;

    a.e = 0;
    if (looks_like_enh(t)) {
        unsigned len = 5;

        /* Most often the code of the reply's first line again: compare its text. */
        if (want_len && (load8(t) & (~0ULL >> (64 - 8 * want_len))) == want
            && (t[want_len] == ' ' || t[want_len] == '\r')) {
            a.e = want;
            len = want_len;
        } else {
            /* short_enh_text() checks the class; a longer form gets the same
             * check here. Otherwise not valid for this code, or a form the byte
             * machine must judge. */
            if ((a.e = short_enh_text(t, w)) == 0) {
                if (t[0] != (w & 0xFFu) || t[0] == '3' || (a.e = enh_text_long(t)) == 0)
                    goto decline;
                len = bytes_in(a.e);
            }
        }
        t += len + (t[len] == ' ');
    }
    if (join)
        *a.o = '\n';
    if (!a.m)
        a.m = window_full_of(p, wide);
    if (a.m) {
        pos = smtpreply__block_pos(a.m);
        if (load2(p + pos) != 0x0A0Du)
            goto decline;
        copy64_of(dst, t, wide);
    } else {
        /* A longer line, up to 256 bytes (a Gmail refusal, a long greeting, a
         * block list's explanation): the next windows until one has a
         * candidate, the text copied 64 bytes at a time. The window at p + k
         * needs k more bytes readable and of room. */
        size_t k = 0, i;

        do {
            k += SMTPREPLY_WINDOW;
            if (k >= 256 || (size_t)(last_start - p) < k || dst_end - dst <= (ptrdiff_t)(k + 64))
                goto decline;
            a.m = window_full_of(p + k, wide);
        } while (!a.m);
        pos = smtpreply__block_pos(a.m);
        if (k + pos + 2 > budget || p[k + pos] != '\r' || p[k + pos + 1] != '\n')
            goto decline;
        for (i = 0; i <= k; i += 64)
            copy64_of(dst + i, t + i, wide);
        p += k;
    }
    a.m = smtpreply__window_after(a.m, pos);
    a.o = dst + (p + pos - t);
    a.p = p + pos + 2;
    return a;
decline:
    a.p = NULL;
    return a;
}

/*
 * whole_line() out of line, for the lines further_lines() does not take itself
 * (another enhanced code, a line of 128 bytes or more). Inline, its byte loads
 * were hoisted into the loop of further_lines() and kept on the stack there,
 * about ten instructions on every line; a call on the rare path costs less.
 * One copy per vector width (wide: AVX2, whose copy is compiled for it).
 */
static NOINLINE struct whole_at whole_line_far_base(struct whole_at a, uint32_t w,
                                                    uint64_t want, unsigned want_len,
                                                    const unsigned char *last_start,
                                                    const char *dst_end, size_t budget)
{
    return whole_line(a, w, 1, want, want_len, last_start, dst_end, budget, 0);
}

#if defined(SMTPREPLY_HAVE_WINDOW_AVX2) && SMTPREPLY_WINDOW == 64
/* The AVX2 variant is also compiled for BMI1 and BMI2 (every CPU with AVX2 in
 * use has both, and fast_usable() checks): tzcnt gives a 64-bit position with no
 * extension, and shrx shifts the window without the CL register. */
#define FAST_AVX2_TARGET __attribute__((target("avx2,bmi,bmi2")))

FAST_AVX2_TARGET
static NOINLINE struct whole_at whole_line_far_avx2(struct whole_at a, uint32_t w,
                                                    uint64_t want, unsigned want_len,
                                                    const unsigned char *last_start,
                                                    const char *dst_end, size_t budget)
{
    return whole_line(a, w, 1, want, want_len, last_start, dst_end, budget, 1);
}
#endif

/* The line at a.p, which further_lines() leaves, by whole_line(): inline where
 * the windows are narrow (every line comes here), out of line otherwise. */
static ALWAYS_INLINE struct whole_at other_line_of(struct whole_at a, uint32_t w,
                                                   uint64_t want, unsigned want_len,
                                                   const unsigned char *last_start,
                                                   const char *dst_end, size_t budget,
                                                   int wide)
{
    if (SMTPREPLY_WINDOW < 64)
        return whole_line(a, w, 1, want, want_len, last_start, dst_end, budget, wide);
#if defined(SMTPREPLY_HAVE_WINDOW_AVX2) && SMTPREPLY_WINDOW == 64
    if (wide)
        return whole_line_far_avx2(a, w, want, want_len, last_start, dst_end, budget);
#endif
    return whole_line_far_base(a, w, want, want_len, last_start, dst_end, budget);
}

/* Where further_lines() ends: after the reply's last line (a.p NULL when the
 * reply is declined), with its line count and the enhanced codes' differences. */
struct further {
    struct whole_at a;
    uint32_t count;
    uint64_t mismatch;
};

/*
 * The lines after a reply's first (at a.p; more: their first four bytes but the
 * last's), for whole_replies_with(): most often plain text to a CRLF in the window
 * with the first line's enhanced code enh or, like it, none, taken here;
 * whole_line() for the rest. with_enh (a constant: enh != 0) makes a loop for
 * each case. The narrow windows (NEON, scalar) miss most lines, so there every
 * line goes to whole_line(), which steps through the windows.
 */
static ALWAYS_INLINE struct further further_lines(struct whole_at a, uint32_t more,
                                                  uint64_t enh, const unsigned char *last,
                                                  const char *dst_end, size_t budget,
                                                  int wide, int with_enh)
{
    struct further f;
    unsigned enh_len = with_enh ? bytes_in(enh) : 0;
    uint64_t enh_mask = with_enh ? ~0ULL >> (64 - 8 * enh_len) : 0;
    uint32_t w;

    f.count = 1;
    f.mismatch = 0;
    do {
        const unsigned char *t = a.p + 4;
        unsigned pos;

        if (a.p > last)
            goto stop;
        w = load4(a.p);
        if (w != more && w != LAST_OF(more))
            goto stop;
        if (SMTPREPLY_WINDOW < 64)
            goto other_line;
        if (with_enh) {
            if ((load8(t) & enh_mask) != enh || (t[enh_len] != ' ' && t[enh_len] != '\r'))
                goto other_line;
            t += enh_len + (t[enh_len] == ' ');
        } else if (looks_like_enh(t)) {
            goto other_line;
        }
        if (!a.m && !(a.m = window_full_of(a.p, wide))) {
            /* A line of 64 to 127 bytes with the first line's enhanced code
             * (a Gmail refusal's): the window after this one, as whole_line()
             * would take it, without computing this one again. */
            uint64_t m;

            if (!with_enh || (size_t)(last - a.p) < 64 || dst_end - a.o <= 64 + 64 + 1
                || !(m = window_full_of(a.p + 64, wide)))
                goto other_line;
            pos = 64 + smtpreply__block_pos(m);
            if (pos + 2 > budget || load2(a.p + pos) != 0x0A0Du)
                goto stop;
            *a.o = '\n';
            copy64_of(a.o + 1, t, wide);
            copy64_of(a.o + 65, t + 64, wide);
            a.o += 1 + (size_t)(a.p + pos - t);
            a.m = smtpreply__window_after(m, pos - 64);
            a.p += pos + 2;
            f.count++;
            continue;
        }
        pos = smtpreply__block_pos(a.m);
        if (load2(a.p + pos) != 0x0A0Du)
            goto stop;
        *a.o = '\n';
        copy_short_text(a.o + 1, t, a.p + pos - t, wide);
        a.o += 1 + (size_t)(a.p + pos - t);
        a.m = smtpreply__window_after(a.m, pos);
        a.p += pos + 2;
        f.count++;
        continue;
    other_line:
        a = other_line_of(a, w, enh, enh_len, last, dst_end, budget, wide);
        if (!a.p)
            goto stop;
        f.mismatch |= a.e ^ enh;
        f.count++;
    } while (w == more);
    f.a = a;
    return f;
stop:
    f.a = a;
    f.a.p = NULL;
    return f;
}

/*
 * Whole replies, one after another from a reply boundary: the common case of a
 * session ("250 2.1.5 Ok\r\n", an EHLO list) and of a pipelined batch. Every line
 * must be one whole_line() takes, with a valid code on a reply's first line and
 * that code repeated on the others; 80 bytes readable from each line's start,
 * room in the text buffer for a 64-byte copy, and at most max_lines lines in a
 * reply.
 *
 * Takes up to max replies into rs[], the first one's text at text (below
 * dst_end), each next one's after the last one's NUL; returns how many, with
 * *consumed the bytes up to the end of the last. It stops at the first line it
 * declines, and what it had of that line's reply counts for nothing: the state
 * is as if the bytes after *consumed were never seen (bytes may have been stored
 * in the text buffer past the last reply's NUL).
 *
 * One window often covers several lines: the bits left above a line's end give
 * the next line's (smtpreply__window_after()). A reply's fields stay in locals and
 * go straight into rs[]. At LINE_START with no line of the reply in, the reply
 * block of the state is all zero (reset_reply(): after a reply, a dropped one, a
 * skipped first line), and replies taken whole leave it so.
 * An enhanced code is kept as its text, up to 8 bytes ("5.1.1", "5.7.26"; lowest
 * byte first; no leading zeros): lines agree when the bytes do, and the text goes
 * to enhanced_text as it is (enh_fields_of_text() gives the fields).
 */
static ALWAYS_INLINE size_t whole_replies_with(struct state *s, const unsigned char *d, size_t n,
                                               size_t *consumed, struct smtpreply_reply *rs,
                                               size_t max, char *text, const char *dst_end,
                                               int wide)
{
    const unsigned char *start = d;
    const unsigned char *last;          /* the last line start taken (see below) */
    struct smtpreply_reply *r = rs, *const r_end = rs + max;
    struct whole_at a;
    char *rtext;
    uint64_t enh, mismatch, offset = s->offset;
    uint32_t w, more, count, line_no = s->line_no, max_lines = s->max_lines;
    size_t budget = s->fast_budget;

    if (!s->fast_window || s->line_count != 0 || n < 64 + 16 || dst_end - text <= 64 + 1)
        goto out;
    /* One bound for both the input and the text: a line's text (with the LF or
     * NUL it adds) is shorter than the line, so the text written never runs
     * ahead of the input read, and a line start at or below last stays 80 bytes
     * from the input's end with text below dst_end - 65 (an LF, a 64-byte copy,
     * a NUL). */
    last = d + n - (64 + 16);
    if ((size_t)(last - d) >= (size_t)(dst_end - text) - (64 + 1))
        last = d + (size_t)(dst_end - text) - (64 + 1) - 1;
    a.p = d;
    a.o = text;
    a.m = 0;
    a.e = 0;
    while (a.p <= last) {
        /* A run of one-line replies with a one-digit enhanced code or none, the
         * most common kind, in a loop of its own with few values live: what
         * whole_line() and the code after this loop do for them, in short. */
        do {
            const unsigned char *t = a.p + 4;
            uint64_t e = 0;
            unsigned pos;
            size_t len;

            w = load4(a.p);
            if (!last_line_start_ok(w))
                break;
            if (looks_like_enh(t)) {
                if ((e = short_enh_text(t, w)) == 0)
                    break;
                t += 5 + (t[5] == ' ');
            }
            if (!a.m)
                a.m = window_full_of(a.p, wide);
            if (!a.m)
                break;
            pos = smtpreply__block_pos(a.m);
            if (load2(a.p + pos) != 0x0A0Du)
                break;
            len = (size_t)(a.p + pos - t);
            copy64_of(a.o, t, wide);
            a.o[len] = '\0';
            fill_whole_reply(r, code_of(w), 0, e, 1);
            r->first_line = line_no;
            r->text = a.o;
            r->text_len = len;
            r->offset = offset;
            r->length = pos + 2;
            a.m = smtpreply__window_after(a.m, pos);
            offset += pos + 2;
            line_no++;
            a.o += len + 1;
            a.p += pos + 2;
            if (++r == r_end) {
                start = a.p;
                goto stop;
            }
        } while (a.p <= last);
        start = a.p;
        if (a.p > last)
            break;
        /* The first line of a reply. */
        w = load4(a.p);
        /* A further line's start ("250-", the common case here: the loop above
         * took most last lines) or a last line's. */
        if (!last_line_start_ok(LAST_OF(w)) && !last_line_start_ok(w))
            break;
        more = (w & 0xFFFFFFu) | (uint32_t)'-' << 24;
        rtext = a.o;
        a = whole_line(a, w, 0, 0, 0, last, dst_end, budget, wide);
        if (!a.p)
            break;
        enh = a.e;
        count = 1;
        mismatch = 0;
        if (w == more) {
            /* Its further lines (see further_lines()), in a loop made for
             * whether the first line had an enhanced code. */
            struct further f;

            f = enh ? further_lines(a, more, enh, last, dst_end, budget, wide, 1)
                    : further_lines(a, more, 0, last, dst_end, budget, wide, 0);
            if (!f.a.p)
                goto stop;
            a = f.a;
            count = f.count;
            mismatch = f.mismatch;
            /* More lines than allowed: the byte machine reports that. */
            if (count > max_lines)
                break;
        }
        /* What the byte machine would hand out. */
        *a.o = '\0';
        fill_whole_reply(r, code_of(more), mismatch ? SMTPREPLY_FLAG_ENHANCED_MISMATCH : 0,
                         enh, count);
        r->first_line = line_no;
        r->text = rtext;
        r->text_len = (size_t)(a.o - rtext);
        r->offset = offset;
        r->length = (uint64_t)(a.p - start);
        offset += (uint64_t)(a.p - start);
        line_no += count;
        a.o++;
        start = a.p;
        if (++r == r_end)
            break;
    }
stop:
    if (r != rs) {
        /* The state the byte machine leaves after these replies. */
        s->offset = offset;
        s->line_start = offset;
        s->reply_start = offset;
        s->line_no = line_no;
        s->reply_first_line = line_no;
    }
out:
    *consumed = (size_t)(start - d);
    return (size_t)(r - rs);
}

typedef int (*fast_fn)(struct state *s, const unsigned char *d, size_t n,
                       size_t *consumed, struct smtpreply_reply *r);

/*
 * The entry only routes. A reply whose first line is also its last ("250 2.1.5
 * Ok\r\n", most replies of a session) goes to one_line_reply_with(), whose
 * setup is small; one whose first line continues ("250-...") to
 * whole_replies_with(). Either, when it declines, goes on to the general path as a
 * tail call.
 */
static NOINLINE int fast_general_base(struct state *s, const unsigned char *d, size_t n,
                                      size_t *consumed, struct smtpreply_reply *r)
{
    return fast_lines_with(s, d, n, consumed, r, 0, 1);
}

static NOINLINE int fast_one_base(struct state *s, const unsigned char *d, size_t n,
                                  size_t *consumed, struct smtpreply_reply *r)
{
    if (one_line_reply_with(s, d, n, consumed, r, 0))
        return SMTPREPLY_REPLY;
    return fast_general_base(s, d, n, consumed, r);
}

typedef size_t (*batch_fn)(struct state *s, const unsigned char *d, size_t n, size_t *consumed,
                           struct smtpreply_reply *rs, size_t max, char *text);

static size_t more_replies_base(struct state *s, const unsigned char *d, size_t n,
                                size_t *consumed, struct smtpreply_reply *rs, size_t max,
                                char *text)
{
    return whole_replies_with(s, d, n, consumed, rs, max, text, s->text + s->cap, 0);
}

static NOINLINE int fast_multi_base(struct state *s, const unsigned char *d, size_t n,
                                    size_t *consumed, struct smtpreply_reply *r)
{
    if (r && s->fast_one
        && whole_replies_with(s, d, n, consumed, r, 1, s->text, s->text + s->cap, 0))
        return SMTPREPLY_REPLY;
    return fast_general_base(s, d, n, consumed, r);
}

static int fast_entry_base(struct state *s, const unsigned char *d, size_t n,
                           size_t *consumed, struct smtpreply_reply *r)
{
    if (n >= 64 + 16)
        return d[3] == ' ' ? fast_one_base(s, d, n, consumed, r)
                           : fast_multi_base(s, d, n, consumed, r);
    return fast_general_base(s, d, n, consumed, r);
}

static int fast_lines_base(struct state *s, const unsigned char *d, size_t n,
                           size_t *consumed, struct smtpreply_reply *r)
{
    return fast_lines_with(s, d, n, consumed, r, 0, 0);
}

#if defined(SMTPREPLY_HAVE_WINDOW_AVX2) && SMTPREPLY_WINDOW == 64
#define HAVE_FAST_AVX2 1
FAST_AVX2_TARGET
static NOINLINE int fast_general_avx2(struct state *s, const unsigned char *d, size_t n,
                                      size_t *consumed, struct smtpreply_reply *r)
{
    return fast_lines_with(s, d, n, consumed, r, 1, 1);
}

FAST_AVX2_TARGET
static NOINLINE int fast_one_avx2(struct state *s, const unsigned char *d, size_t n,
                                  size_t *consumed, struct smtpreply_reply *r)
{
    if (one_line_reply_with(s, d, n, consumed, r, 1))
        return SMTPREPLY_REPLY;
    return fast_general_avx2(s, d, n, consumed, r);
}

FAST_AVX2_TARGET
static size_t more_replies_avx2(struct state *s, const unsigned char *d, size_t n,
                                size_t *consumed, struct smtpreply_reply *rs, size_t max,
                                char *text)
{
    return whole_replies_with(s, d, n, consumed, rs, max, text, s->text + s->cap, 1);
}

FAST_AVX2_TARGET
static NOINLINE int fast_multi_avx2(struct state *s, const unsigned char *d, size_t n,
                                    size_t *consumed, struct smtpreply_reply *r)
{
    if (r && s->fast_one
        && whole_replies_with(s, d, n, consumed, r, 1, s->text, s->text + s->cap, 1))
        return SMTPREPLY_REPLY;
    return fast_general_avx2(s, d, n, consumed, r);
}

static int fast_entry_avx2(struct state *s, const unsigned char *d, size_t n,
                           size_t *consumed, struct smtpreply_reply *r)
{
    if (n >= 64 + 16)
        return d[3] == ' ' ? fast_one_avx2(s, d, n, consumed, r)
                           : fast_multi_avx2(s, d, n, consumed, r);
    return fast_general_avx2(s, d, n, consumed, r);
}

FAST_AVX2_TARGET
static int fast_lines_avx2(struct state *s, const unsigned char *d, size_t n,
                           size_t *consumed, struct smtpreply_reply *r)
{
    return fast_lines_with(s, d, n, consumed, r, 1, 0);
}
#endif

/* The fast paths this build has, best last; tests run the parser on each. */
static const struct fast_variant {
    const char *name;
    fast_fn entry, lines;
    batch_fn more;
} fast_variants[] = {
    { SMTPREPLY_BLOCK_IMPL, fast_entry_base, fast_lines_base, more_replies_base },
#if defined(HAVE_FAST_AVX2)
    { "avx2", fast_entry_avx2, fast_lines_avx2, more_replies_avx2 },
#endif
};

static int fast_usable(size_t i)
{
#if defined(HAVE_FAST_AVX2)
    if (fast_variants[i].entry == fast_entry_avx2) {
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi")
               && __builtin_cpu_supports("bmi2");
    }
#endif
    return i < SMTPREPLY_ARRAY_SIZE(fast_variants);
}

static int fast_entry_first(struct state *s, const unsigned char *d, size_t n,
                            size_t *consumed, struct smtpreply_reply *r);
static size_t more_replies_first(struct state *s, const unsigned char *d, size_t n,
                                 size_t *consumed, struct smtpreply_reply *rs, size_t max,
                                 char *text);

/* The variant in use: fast_entry_first() or more_replies_first() picks the best
 * one for this CPU on first use. Racing threads store the same values; relaxed
 * atomics keep that race defined and cost a plain load. */
static fast_fn fast_entry_current = fast_entry_first;
static fast_fn fast_lines_current = fast_lines_base;
static batch_fn fast_more_current = more_replies_first;

static void fast_select(size_t i)
{
    __atomic_store_n(&fast_lines_current, fast_variants[i].lines, __ATOMIC_RELAXED);
    __atomic_store_n(&fast_more_current, fast_variants[i].more, __ATOMIC_RELAXED);
    __atomic_store_n(&fast_entry_current, fast_variants[i].entry, __ATOMIC_RELAXED);
}

/* Selects the best variant this CPU can run, and says which. */
static size_t fast_select_best(void)
{
    size_t i, best = 0;

    for (i = 0; i < SMTPREPLY_ARRAY_SIZE(fast_variants); i++) {
        if (fast_usable(i))
            best = i;
    }
    fast_select(best);
    return best;
}

static int fast_entry_first(struct state *s, const unsigned char *d, size_t n,
                            size_t *consumed, struct smtpreply_reply *r)
{
    return fast_variants[fast_select_best()].entry(s, d, n, consumed, r);
}

static size_t more_replies_first(struct state *s, const unsigned char *d, size_t n,
                                 size_t *consumed, struct smtpreply_reply *rs, size_t max,
                                 char *text)
{
    return fast_variants[fast_select_best()].more(s, d, n, consumed, rs, max, text);
}

/* documented in lib/internal.h */
int smtpreply__parser_variant(size_t i, const char **name)
{
    if (i >= SMTPREPLY_ARRAY_SIZE(fast_variants) || !fast_usable(i))
        return 0;
    if (name)
        *name = fast_variants[i].name;
    fast_select(i);
    return 1;
}

/* documented in smtpreply.h */
int smtpreply_parser_feed(struct smtpreply_parser *p, const char *data, size_t len,
                          size_t *consumed, struct smtpreply_reply *reply)
{
    struct state *s;

    if (!p || !consumed || (!data && len)) {
        if (consumed)
            *consumed = 0;
        if (reply)
            memset(reply, 0, sizeof *reply);
        return SMTPREPLY_E_INVALID_ARG;
    }
    s = st(p);
    if (!data)
        data = "";      /* len is 0: no arithmetic on a null pointer below */
    if (s->state == LINE_START && !s->lf_checked)
        return __atomic_load_n(&fast_entry_current, __ATOMIC_RELAXED)(
            s, (const unsigned char *)data, len, consumed, reply);
    return feed_bytes(s, data, len, 0, consumed, reply, 0);
}

/* documented in smtpreply.h */
int smtpreply_parser_feed_many(struct smtpreply_parser *p, const char *data, size_t len,
                               size_t *consumed, struct smtpreply_reply *replies, size_t max,
                               size_t *count)
{
    struct state *s;
    size_t used, more, text_used;
    int rc;

    if (count)
        *count = 0;
    if (!p || !consumed || !count || !replies || max == 0 || (!data && len)) {
        if (consumed)
            *consumed = 0;
        if (replies && max > 0)
            memset(replies, 0, sizeof *replies);
        return SMTPREPLY_E_INVALID_ARG;
    }
    s = st(p);
    if (!data)
        data = "";      /* len is 0: no arithmetic on a null pointer below */
    if (s->state == LINE_START && !s->lf_checked && s->fast_one) {
        /* Whole replies from here on, the first one included, when the fast path
         * takes them: what feed() would hand out, without its per-call work
         * (fast_one: a text buffer with room for it, so not a NULL one). */
        *count = __atomic_load_n(&fast_more_current, __ATOMIC_RELAXED)(
            s, (const unsigned char *)data, len, consumed, replies, max, s->text);
        if (*count > 0)
            return SMTPREPLY_REPLY;
    }
    rc = smtpreply_parser_feed(p, data, len, &used, replies);
    *consumed = used;
    if (rc != SMTPREPLY_REPLY)
        return rc;
    *count = 1;
    /* The first reply's text and NUL are at the buffer's start; the next goes after.
     * A reply hands the parser back at a line start with nothing pending. */
    text_used = replies[0].text_len + 1;
    if (max > 1 && s->cap > text_used && s->state == LINE_START && !s->lf_checked) {
        *count += __atomic_load_n(&fast_more_current, __ATOMIC_RELAXED)(
            s, (const unsigned char *)data + used, len - used, &more, replies + 1, max - 1,
            s->text + text_used);
        *consumed += more;
    }
    return SMTPREPLY_REPLY;
}

/* The byte machine, from byte i of data on (the fast path took the bytes before;
 * refused: it has just declined the line at i, so it need not look again). */
static int feed_bytes(struct state *s, const char *data, size_t len, size_t i,
                      size_t *consumed, struct smtpreply_reply *reply, int refused)
{
    size_t skip_fast_at = refused ? i : SIZE_MAX;
    int rc;

    if (reply)
        memset(reply, 0, sizeof *reply);

/* Leave the loop returning rc; 'used' says whether byte i counts as consumed. */
/* Consume the LF at byte i and end the line; leave with the reply it completed. */
#define END_LINE_AT_LF(bare) do {                      \
        s->line_len++;                                  \
        s->offset++;                                    \
        s->lf_checked = 0;                              \
        i++;                                            \
        if (end_line(s, (bare), reply)) {               \
            *consumed = i;                              \
            return SMTPREPLY_REPLY;                     \
        }                                               \
    } while (0)

#define RETURN_AT(used, status) do {                   \
        size_t n_ = i + ((used) ? 1 : 0);               \
        s->offset += n_ - i;                            \
        s->line_len += (uint32_t)(n_ - i);              \
        *consumed = n_;                                 \
        return (status);                                \
    } while (0)

    while (i < len) {
        unsigned char c = (unsigned char)data[i];

        if (s->state == LINE_START && !s->lf_checked && i != skip_fast_at) {
            size_t used;
            rc = __atomic_load_n(&fast_lines_current, __ATOMIC_RELAXED)(
                s, (const unsigned char *)data + i, len - i, &used, reply);
            i += used;
            if (rc == SMTPREPLY_REPLY) {
                *consumed = i;
                return rc;
            }
            if (used)
                continue;
        }

        if (s->state == TEXT && c != '\n' && c != '\r' && c != 0 && c < 0x80) {
            /* Bulk path: plain bytes up to the next special byte, within the limits. */
            size_t budget = s->max_line - s->line_len, n = len - i, k;
            if (s->strict & SMTPREPLY_STRICT_LINE_512) {
                size_t rfc = s->line_len < 512 ? 512 - s->line_len : 0;
                if (budget > rfc)
                    budget = rfc;
            }
            if (n > budget)
                n = budget;
            k = smtpreply__scan_text(data + i, n);
            if (k > 0) {
                if (s->u8_need && (rc = utf8_interrupted(s)) != 0) {
                    rc = cut_line(s, rc, s->offset);
                    RETURN_AT(0, rc);
                }
                put(s, data + i, k);
                s->line_len += (uint32_t)k;
                s->offset += k;
                i += k;
                continue;
            }
        }

        if ((s->state == CUT || s->state == SKIP) && c != '\n') {
            /* Bulk path: the rest of a cut or skipped line is only looked at for
             * its LF, and whether a CR came right before it. */
            const char *nl = memchr(data + i, '\n', len - i);
            size_t k = nl ? (size_t)(nl - (data + i)) : len - i;
            s->prev_cr = data[i + k - 1] == '\r';
            s->line_len = k > UINT32_MAX - s->line_len ? UINT32_MAX : s->line_len + (uint32_t)k;
            s->offset += k;
            i += k;
            continue;
        }

        if (s->state == TEXT_CR && s->enh_len)
            settle_enh(s, c);
        /* Every byte of a structurally valid line counts toward its length. */
        if (s->state >= ENH && s->state <= TEXT_CR && !(c == '\n' && s->lf_checked)) {
            int limit = s->line_len + 1 > s->max_line ? SMTPREPLY_E_LINE_TOO_LONG
                      : (s->strict & SMTPREPLY_STRICT_LINE_512) && s->line_len + 1 > 512
                      ? SMTPREPLY_E_LINE_OVER_512 : 0;
            if (limit) {
                /* A CR before this byte, or this byte if it is a CR, still pairs with
                 * the coming LF: the line end is not bare. */
                int cr = c == '\n' ? s->state == TEXT_CR : c == '\r';
                if (s->state == TEXT && continues_char(s, c) && !s->full && !s->overflow)
                    drop_partial_char(s);
                s->lf_checked = c == '\n';
                rc = cut_line(s, limit, s->offset);
                s->prev_cr = (uint8_t)cr;
                RETURN_AT(c != '\n', rc);
            }
        }

        switch (s->state) {
        case LINE_START:
            if (c >= '0' && c <= '9') {
                s->line_code = (uint16_t)(c - '0');
                s->ndigits = 1;
                s->state = CODE;
                break;
            }
            if (c == '\r') {
                s->state = LINE_CR;
                break;
            }
            if (c == '\n') {
                if (!s->lf_checked) {
                    s->lf_checked = 1;
                    rc = skip_line(s, SMTPREPLY_E_EMPTY_LINE, s->offset);
                    RETURN_AT(0, rc);
                }
                break;          /* unreachable: skip_line moved to SKIP */
            }
            rc = skip_line(s, SMTPREPLY_E_BAD_CODE, s->offset);
            RETURN_AT(1, rc);
        case LINE_CR:
            if (c == '\n') {
                s->lf_checked = 1;
                rc = skip_line(s, SMTPREPLY_E_EMPTY_LINE, s->offset);
                RETURN_AT(0, rc);
            }
            rc = skip_line(s, SMTPREPLY_E_BAD_CODE, s->offset);
            RETURN_AT(1, rc);
        case CODE:
            if (c >= '0' && c <= '9') {
                s->line_code = (uint16_t)(s->line_code * 10 + (c - '0'));
                if (++s->ndigits == 3 && (rc = code_complete(s)) < 0)
                    RETURN_AT(1, rc);
                break;
            }
            if (c == '\n') {
                s->lf_checked = 1;
                rc = skip_line(s, SMTPREPLY_E_BAD_CODE, s->offset);
                RETURN_AT(0, rc);
            }
            rc = skip_line(s, SMTPREPLY_E_BAD_CODE, s->offset);
            RETURN_AT(1, rc);
        case SEP:
            if (c == '-' || c == ' ') {
                rc = accept_line(s);
                s->last_line = c == ' ';
                begin_text(s);
                s->state = ENH;
                if (rc < 0)
                    RETURN_AT(1, rc);
                break;
            }
            if (c == '\r') {
                s->state = SEP_CR;
                break;
            }
            if (c == '\n') {
                /* A code-only line, accepted at its LF. One error per line end: a
                 * code mismatch reported here leaves the bare LF a flag. */
                if (!s->lf_checked && (rc = accept_line(s)) < 0) {
                    s->lf_checked = 1;
                    RETURN_AT(0, rc);
                }
                if ((s->strict & SMTPREPLY_STRICT_BARE_LF) && !s->lf_checked) {
                    s->lf_checked = 1;
                    s->flags |= SMTPREPLY_FLAG_DAMAGED;
                    rc = fail(s, SMTPREPLY_E_BARE_LF, s->offset);
                    RETURN_AT(0, rc);
                }
                code_only_line(s);
                END_LINE_AT_LF(1);
                continue;
            }
            rc = skip_line(s, SMTPREPLY_E_BAD_SEPARATOR, s->offset);
            RETURN_AT(1, rc);
        case SEP_CR:
            if (c == '\n') {
                if (!s->lf_checked && (rc = accept_line(s)) < 0) {
                    s->lf_checked = 1;
                    RETURN_AT(0, rc);
                }
                code_only_line(s);
                END_LINE_AT_LF(0);
                continue;
            }
            rc = skip_line(s, SMTPREPLY_E_BAD_SEPARATOR, s->offset);
            RETURN_AT(1, rc);
        case ENH:
            if (enh_byte(s, c))
                break;
            continue;           /* the byte is text after all: TEXT handles it */
        case TEXT:
            if (c == '\r') {
                s->state = TEXT_CR;
                break;
            }
            if (c == '\n') {
                if ((rc = utf8_interrupted(s)) != 0 && !s->lf_checked) {
                    s->lf_checked = 1;
                    rc = cut_line(s, rc, s->offset);
                    RETURN_AT(0, rc);
                }
                if ((s->strict & SMTPREPLY_STRICT_BARE_LF) && !s->lf_checked) {
                    s->lf_checked = 1;
                    s->flags |= SMTPREPLY_FLAG_DAMAGED;
                    rc = fail(s, SMTPREPLY_E_BARE_LF, s->offset);
                    RETURN_AT(0, rc);
                }
                END_LINE_AT_LF(1);
                continue;
            }
            if (c == 0) {
                s->flags |= SMTPREPLY_FLAG_NUL;
                if (s->strict & SMTPREPLY_STRICT_NUL) {
                    rc = cut_line(s, SMTPREPLY_E_NUL, s->offset);
                    RETURN_AT(1, rc);
                }
            } else if (c >= 0x80) {
                int cont = continues_char(s, c);
                uint8_t was_full = s->full;
                if ((rc = high_byte(s, c)) != 0) {
                    rc = cut_line(s, rc, s->offset);
                    RETURN_AT(1, rc);
                }
                put(s, (const char *)&data[i], 1);
                if (cont && s->full && !was_full)
                    drop_partial_char(s);
                break;
            } else if ((rc = utf8_interrupted(s)) != 0) {
                rc = cut_line(s, rc, s->offset);
                RETURN_AT(1, rc);
            }
            put(s, (const char *)&data[i], 1);
            break;
        case TEXT_CR:
            if (c == '\n') {
                if ((rc = utf8_interrupted(s)) != 0 && !s->lf_checked) {
                    s->lf_checked = 1;
                    rc = cut_line(s, rc, s->offset);
                    s->prev_cr = 1;
                    RETURN_AT(0, rc);
                }
                END_LINE_AT_LF(0);
                continue;
            }
            /* The CR before this byte was not a line end: a lone CR, kept as text. */
            s->flags |= SMTPREPLY_FLAG_LONE_CR;
            if (s->strict & SMTPREPLY_STRICT_LONE_CR) {
                rc = cut_line(s, SMTPREPLY_E_LONE_CR, s->offset - 1);
                s->state = CUT;
                RETURN_AT(0, rc);
            }
            if ((rc = utf8_interrupted(s)) != 0) {
                rc = cut_line(s, rc, s->offset - 1);
                RETURN_AT(0, rc);
            }
            put(s, "\r", 1);
            s->state = TEXT;
            continue;           /* this byte is judged in TEXT */
        case CUT:
        case SKIP:
            if (c == '\n') {
                int bare = !s->prev_cr;
                END_LINE_AT_LF(bare);
                continue;
            }
            s->prev_cr = c == '\r';
            break;
        default:
            break;
        }
        /* The byte was used by the state it was in. */
        s->line_len++;
        s->offset++;
        i++;
    }
#undef RETURN_AT
#undef END_LINE_AT_LF
    *consumed = i;
    return SMTPREPLY_NEED_MORE;
}

/* documented in smtpreply.h */
int smtpreply_parser_finish(struct smtpreply_parser *p, struct smtpreply_reply *reply)
{
    struct state *s;
    int inside;

    if (reply)
        memset(reply, 0, sizeof *reply);
    if (!p)
        return SMTPREPLY_E_INVALID_ARG;
    s = st(p);
    /* Inside a reply: lines of it are complete, or a valid line was begun. */
    inside = s->line_count > 0
          || (s->state != LINE_START && s->state != LINE_CR && s->state != SKIP);
    if (inside) {
        int rc = fail(s, SMTPREPLY_E_INCOMPLETE, s->offset);
        uint64_t off = s->line_count ? s->reply_start : s->line_start, end = s->offset;
        uint32_t line = s->line_count ? s->reply_first_line : s->line_no;
        reset_stream(s);
        /* Report where the unfinished reply began; keep the error readable after
         * the reset. */
        s->err_status = rc;
        s->err_offset = off;
        s->err_line = line;
        s->err_position = end;
        return rc;
    }
    reset_stream(s);
    return SMTPREPLY_OK;
}

/* documented in smtpreply.h */
int smtpreply_reply_line(const struct smtpreply_reply *r, size_t *pos,
                         const char **text, size_t *len)
{
    const char *start, *nl;
    size_t at;

    if (text)
        *text = NULL;
    if (len)
        *len = 0;
    if (!r || !pos || !text || !len || !r->text || r->lines_stored == 0)
        return 0;
    at = *pos;
    if (at > r->text_len)
        return 0;
    start = r->text + at;
    nl = memchr(start, '\n', r->text_len - at);
    *text = start;
    *len = nl ? (size_t)(nl - start) : r->text_len - at;
    *pos = at + *len + 1;
    return 1;
}
