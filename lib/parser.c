/* SPDX-License-Identifier: MIT */
/*
 * The streaming reply parser (RFC 5321 section 4.2; DESIGN.md section 3).
 *
 * One byte drives one transition, so any split of the input gives the same result;
 * the only shortcut is a bulk copy of plain text bytes found by smtpreply__scan_text().
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
 *   ENH: collects "d.ddd.ddd" and a following SP, CR or LF; on a valid enhanced code
 *        it is removed from the text, otherwise the bytes become text -> TEXT
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
#include <string.h>

#include "internal.h"

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
    size_t used;              /* text bytes of the reply in progress */
    uint64_t offset;          /* stream offset of the next byte to consume */
    uint64_t line_start;      /* stream offset of the current line's first byte */
    uint64_t reply_start;     /* stream offset of the reply's first byte */
    uint64_t err_offset, err_position;
    int32_t err_status;
    uint32_t err_line;
    uint32_t max_line, max_lines, strict, smtputf8;
    uint32_t line_no;         /* 1-based number of the current line */
    uint32_t reply_first_line;
    uint32_t line_len;        /* bytes of the current line consumed so far */
    uint32_t line_count;      /* complete lines of the reply in progress */
    uint32_t lines_stored;
    uint32_t flags;           /* SMTPREPLY_FLAG_* of the reply in progress */
    uint16_t code;            /* the reply's code, 0 before its first line is complete */
    uint16_t line_code;       /* code of the current line, built digit by digit */
    struct smtpreply_enhanced enh;       /* the first line's enhanced code */
    struct smtpreply_enhanced line_enh;  /* the current line's */
    uint8_t state;            /* enum line_state */
    uint8_t ndigits;          /* digits of line_code seen */
    uint8_t last_line;        /* the current line ends its reply */
    uint8_t lf_checked;       /* an error was already reported for the LF at offset */
    uint8_t full;             /* the text buffer is full: store nothing more */
    uint8_t overflow;         /* more than max_lines: store nothing more */
    uint8_t prev_cr;          /* CUT/SKIP: the previous byte was CR */
    uint8_t enh_len;          /* bytes in enh_buf */
    uint8_t enh_phase;        /* 0 class, 1 dot, 2 subject, 3 detail */
    uint8_t enh_digits;       /* digits in the current enhanced field */
    uint8_t u8_need;          /* UTF-8 continuation bytes still expected */
    uint8_t u8_lo, u8_hi;     /* allowed range of the next continuation byte */
    uint8_t u8_bad;           /* the reply's text is not valid UTF-8 */
    uint8_t has_high;         /* the reply's text has bytes >= 0x80 */
    char enh_buf[12];         /* bytes held back while an enhanced code may be starting */
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
    s->used = 0;
    s->line_count = 0;
    s->lines_stored = 0;
    s->flags = 0;
    s->code = 0;
    s->full = 0;
    s->overflow = 0;
    s->u8_bad = 0;
    s->has_high = 0;
    clear_enh(&s->enh);
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
    s->u8_lo = 0x80;
    s->u8_hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
        s->u8_need = 1;
    } else if (c == 0xE0) {
        s->u8_need = 2;
        s->u8_lo = 0xA0;        /* no overlong 3-byte forms */
    } else if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) {
        s->u8_need = 2;
    } else if (c == 0xED) {
        s->u8_need = 2;
        s->u8_hi = 0x9F;        /* no UTF-16 surrogates */
    } else if (c == 0xF0) {
        s->u8_need = 3;
        s->u8_lo = 0x90;        /* no overlong 4-byte forms */
    } else if (c >= 0xF1 && c <= 0xF3) {
        s->u8_need = 3;
    } else if (c == 0xF4) {
        s->u8_need = 3;
        s->u8_hi = 0x8F;        /* nothing above U+10FFFF */
    } else {
        s->u8_bad = 1;          /* stray continuation byte, C0, C1, F5-FF */
    }
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

static void fill_reply(const struct state *s, struct smtpreply_reply *r, uint64_t end)
{
    static const char empty[1] = "";
    const struct smtpreply_enhanced *e = &s->enh;

    r->code = s->code;
    r->flags = s->flags;
    r->enhanced = *e;
    r->enhanced_text[0] = '\0';
    if (e->klass) {
        /* "c.sss.ddd": at most 9 bytes and the NUL. */
        char *o = r->enhanced_text;
        unsigned parts[2], i;
        parts[0] = e->subject;
        parts[1] = e->detail;
        *o++ = (char)('0' + e->klass);
        for (i = 0; i < 2; i++) {
            unsigned v = parts[i];
            *o++ = '.';
            if (v >= 100)
                *o++ = (char)('0' + v / 100);
            if (v >= 10)
                *o++ = (char)('0' + (v / 10) % 10);
            *o++ = (char)('0' + v % 10);
        }
        *o = '\0';
    }
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
static void finish_reply(struct state *s, struct smtpreply_reply *r)
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
    if (second > 5) {
        if (s->strict & SMTPREPLY_STRICT_SECOND_DIGIT)
            return skip_line(s, SMTPREPLY_E_BAD_SECOND_DIGIT, s->offset);
    }
    s->state = SEP;
    if (s->line_count == 0) {
        s->code = s->line_code;
        s->reply_start = s->line_start;
        s->reply_first_line = s->line_no;
    } else if (s->line_code != s->code) {
        /* RFC 5321 4.2: one code per reply. The unfinished reply is dropped and this
         * line starts the next one, so a "220-" banner cut short by a "521" block
         * still delivers the 521 (vert-x3/vertx-mail-client #81). */
        uint16_t code = s->line_code;
        reset_reply(s);
        s->code = code;
        s->reply_start = s->line_start;
        s->reply_first_line = s->line_no;
        (void)fail(s, SMTPREPLY_E_CODE_MISMATCH, s->offset);
        if (second > 5)
            s->flags |= SMTPREPLY_FLAG_SECOND_DIGIT;
        return SMTPREPLY_E_CODE_MISMATCH;
    } else if (s->line_count >= s->max_lines && !s->overflow) {
        s->overflow = 1;
        s->flags |= SMTPREPLY_FLAG_TRUNCATED | SMTPREPLY_FLAG_DAMAGED;
        if (second > 5)
            s->flags |= SMTPREPLY_FLAG_SECOND_DIGIT;
        return fail(s, SMTPREPLY_E_TOO_MANY_LINES, s->offset);
    }
    if (second > 5)
        s->flags |= SMTPREPLY_FLAG_SECOND_DIGIT;
    return 0;
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
        if (s->enh_digits > 0 && (c == ' ' || c == '\r' || c == '\n')) {
            /* The SP after a valid code goes with it; CR and LF end the line. */
            return finish_enh(s) && c == ' ';
        }
        break;
    }
    flush_enh(s);
    return 0;
}

/* Quick check of an enhanced code at t[0..n): returns its length when it is valid
 * for this code and followed by SP or CR, 0 when the text does not start with a
 * digit, and -1 for anything the byte machine must judge (it may set flags). */
static int quick_enh(const unsigned char *t, size_t n, unsigned first,
                     struct smtpreply_enhanced *e)
{
    unsigned v[2] = { 0, 0 };
    size_t i = 2, part, digits;

    if (n < 2 || t[0] < '0' || t[0] > '9' || t[1] != '.')
        return 0;   /* the byte machine also keeps "8BITMIME" as plain text */
    if (n < 6 || t[0] - '0' != (int)first || first == 3)
        return -1;
    /* Most codes have one-digit fields ("2.1.5 "): decide those in one test. */
    if ((unsigned)(t[2] - '0') <= 9 && t[3] == '.' && (unsigned)(t[4] - '0') <= 9
        && (t[5] == ' ' || t[5] == '\r')) {
        e->klass = (uint16_t)first;
        e->subject = (uint16_t)(t[2] - '0');
        e->detail = (uint16_t)(t[4] - '0');
        e->pad_ = 0;
        return 5;
    }
    for (part = 0; part < 2; part++) {
        for (digits = 0; i < n && t[i] >= '0' && t[i] <= '9'; i++, digits++)
            v[part] = v[part] * 10 + (unsigned)(t[i] - '0');
        if (digits < 1 || digits > 3 || i >= n)
            return -1;
        if (part == 0) {
            if (t[i] != '.')
                return -1;
            i++;
        }
    }
    if (t[i] != ' ' && t[i] != '\r')
        return -1;
    e->klass = (uint16_t)first;
    e->subject = (uint16_t)v[0];
    e->detail = (uint16_t)v[1];
    e->pad_ = 0;
    return (int)i;
}

/*
 * The common case in one step: a whole line "ddd-text\r\n" or "ddd text\r\n" lies in
 * the buffer, with a valid code that continues the reply in progress, plain text and
 * a CRLF end, within every limit. Returns the bytes used (the line, LF included), or
 * 0 to let the byte machine handle the line; nothing is changed in that case, so
 * both paths give identical results. *done is set when the line completed a reply.
 */
static size_t fast_line(struct state *s, const unsigned char *d, size_t n,
                        struct smtpreply_reply *r, int *done)
{
    unsigned code, first;
    size_t budget, k, text_at = 4, total, room, need;
    struct smtpreply_enhanced e = { 0, 0, 0, 0 };
    int enh_len;

    if (n < 6 || (d[3] != ' ' && d[3] != '-'))
        return 0;
    if ((unsigned)(d[0] - '2') > 3 || (unsigned)(d[1] - '0') > 5 || (unsigned)(d[2] - '0') > 9)
        return 0;
    first = (unsigned)(d[0] - '0');
    code = first * 100 + (unsigned)(d[1] - '0') * 10 + (unsigned)(d[2] - '0');
    if (s->line_count > 0 && (code != s->code || s->line_count >= s->max_lines))
        return 0;
    enh_len = quick_enh(d + 4, n - 4, first, &e);
    if (enh_len < 0)
        return 0;
    if (enh_len > 0)
        text_at = 4 + (size_t)enh_len + (d[4 + enh_len] == ' ');
    /* The line end must be CRLF right after plain text, inside the limits. */
    budget = s->max_line;
    if ((s->strict & SMTPREPLY_STRICT_LINE_512) && budget > 512)
        budget = 512;
    if (budget > n)
        budget = n;
    if (budget < text_at + 2)
        return 0;
    k = text_at + smtpreply__scan_text((const char *)d + text_at, budget - 2 - text_at);
    if (k + 1 >= budget || d[k] != '\r' || d[k + 1] != '\n')
        return 0;
    total = k + 2;

    /* What end_line() and reset_line() would do, minus the work already done:
     * at LINE_START every per-line field holds its reset value and this path
     * leaves them so. */
    if (s->line_count == 0) {
        s->code = (uint16_t)code;
        s->reply_start = s->offset;
        s->reply_first_line = s->line_no;
    }
    note_line_enh(s, &e);
    room = s->cap ? s->cap - 1 - s->used : 0;
    need = (s->line_count > 0) + (k - text_at);
    if (!s->full && !s->overflow && s->cap && need <= room) {
        char *o = s->text + s->used;
        if (s->line_count > 0)
            *o++ = '\n';
        memcpy(o, d + text_at, k - text_at);
        s->used += need;
        s->lines_stored++;
    } else {
        begin_text(s);
        put(s, (const char *)d + text_at, k - text_at);
    }
    if (total > 512)
        s->flags |= SMTPREPLY_FLAG_LINE_OVER_512;
    s->line_count++;
    s->line_no++;
    s->offset += total;
    s->line_start = s->offset;
    if (d[3] == ' ') {
        finish_reply(s, r);
        *done = 1;
    }
    return total;
}

/* documented in smtpreply.h */
int smtpreply_parser_feed(struct smtpreply_parser *p, const char *data, size_t len,
                          size_t *consumed, struct smtpreply_reply *reply)
{
    struct state *s;
    size_t i = 0;
    int rc;

    if (consumed)
        *consumed = 0;
    if (reply)
        memset(reply, 0, sizeof *reply);
    if (!p || !consumed || (!data && len))
        return SMTPREPLY_E_INVALID_ARG;
    s = st(p);

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
        *consumed = n_;                                 \
        return (status);                                \
    } while (0)

    while (i < len) {
        unsigned char c = (unsigned char)data[i];

        if (s->state == LINE_START && !s->lf_checked) {
            int done = 0;
            size_t used = fast_line(s, (const unsigned char *)data + i, len - i, reply, &done);
            if (used) {
                i += used;
                if (done) {
                    *consumed = i;
                    return SMTPREPLY_REPLY;
                }
                continue;
            }
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

        /* Every byte of a structurally valid line counts toward its length. */
        if (s->state >= ENH && s->state <= TEXT_CR && !(c == '\n' && s->lf_checked)) {
            int limit = s->line_len + 1 > s->max_line ? SMTPREPLY_E_LINE_TOO_LONG
                      : (s->strict & SMTPREPLY_STRICT_LINE_512) && s->line_len + 1 > 512
                      ? SMTPREPLY_E_LINE_OVER_512 : 0;
            if (limit) {
                /* A CR before this byte, or this byte if it is a CR, still pairs with
                 * the coming LF: the line end is not bare. */
                int cr = c == '\n' ? s->state == TEXT_CR : c == '\r';
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
                if (++s->ndigits == 3) {
                    rc = code_complete(s);
                    if (rc < 0)
                        RETURN_AT(1, rc);
                }
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
                s->last_line = c == ' ';
                begin_text(s);
                s->state = ENH;
                break;
            }
            if (c == '\r') {
                s->state = SEP_CR;
                break;
            }
            if (c == '\n') {
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
                if ((rc = high_byte(s, c)) != 0) {
                    rc = cut_line(s, rc, s->offset);
                    RETURN_AT(1, rc);
                }
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
        uint64_t off = s->reply_start, end = s->offset;
        uint32_t line = s->reply_first_line;
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
