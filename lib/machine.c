/* SPDX-License-Identifier: MIT */
/*
 * The byte machine: the reply grammar of RFC 5321 section 4.2 one byte at a time.
 * It is the reference form of the parser (docs/parser.md): any split of the input
 * gives the same result, because the state below is all it knows between bytes.
 * The line path (lib/line_path.h) takes common whole replies faster and hands
 * everything else here.
 *
 * States of a line, and their transitions:
 *
 *   LINE_START --digit--> CODE --digit--> CODE --digit--> SEP
 *   LINE_START --CR--> LINE_CR --LF--> (empty-line error) ; LF alone: same error
 *   LINE_START/LINE_CR/CODE --other--> (bad-code error) SKIP
 *   CODE, third digit outside 2xx-5xx --> (bad-first-digit error) SKIP
 *   SEP --'-'--> ENH (the line continues the reply)   SEP --SP--> ENH (last line)
 *   SEP --CR--> SEP_CR --LF--> end of a code-only last line
 *   SEP --LF--> end of a code-only last line (bare LF)
 *   SEP/SEP_CR --other--> (bad-separator error) SKIP
 *   A valid separator makes the line a reply line (accept_line()): only then can
 *   it be a code mismatch (the reply in progress dropped, this line starts the
 *   next one) or a line too many.
 *   ENH --digit or '.'--> ENH (held in enh_buf, at most 12)
 *   ENH --SP, LF or other--> TEXT: the held bytes judged by lib/enhanced.h: a
 *        valid code leaves the text (with its SP), anything else stays text
 *   ENH --CR--> TEXT_CR with the bytes held: LF next judges them as ended,
 *        anything else makes the CR a lone CR and both text
 *   TEXT --plain bytes--> TEXT (a run at a time) ; --CR--> TEXT_CR ; --LF--> end
 *   TEXT_CR --LF--> end of line ; --other--> the CR was a lone CR, kept -> TEXT
 *   ENH..TEXT_CR, a byte over the line limit --> (line-too-long error) CUT
 *   CUT: the line counts, but an error stopped its text: read to LF, store nothing
 *   SKIP: the line is not part of any reply: read to LF
 *
 * End of line: a last line completes the reply (SMTPREPLY_REPLY); other lines go
 * back to LINE_START. The reply in progress survives errors that skip or cut a
 * line; only a code mismatch drops it.
 *
 * An error found at an LF leaves that LF unconsumed and sets lf_checked, so the
 * next call ends the line without reporting again: the caller's loop always has a
 * byte left to call with, and a last line still completes its reply. One error is
 * reported per line end.
 */
#include "parser_state.h"
#include "enhanced.h"
#include "isa.h"

enum {
    LINE_START = SMTPREPLY__LINE_START, LINE_CR = SMTPREPLY__LINE_CR,
    CODE = SMTPREPLY__CODE, SEP = SMTPREPLY__SEP, SEP_CR = SMTPREPLY__SEP_CR,
    ENH = SMTPREPLY__ENH, TEXT = SMTPREPLY__TEXT, TEXT_CR = SMTPREPLY__TEXT_CR,
    CUT = SMTPREPLY__CUT, SKIP = SMTPREPLY__SKIP
};

/* What a state did with a byte. */
enum step {
    USED,           /* the byte is used: count it and go on */
    AGAIN,          /* the state changed: judge the same byte again */
    STOP_USED,      /* return the error in rc, the byte used */
    STOP_KEEP,      /* return the error in rc, the byte (an LF) left for the next call */
    END_CRLF,       /* the byte is the LF of a CRLF that ends the line */
    END_BARE_LF     /* the byte is an LF alone that ends the line */
};

/* ---- the reply and the line ---------------------------------------------- */

/* Forget the reply in progress (not the stream position). */
static void reset_reply(struct smtpreply__state *s)
{
    memset(&s->used, 0, offsetof(struct smtpreply__state, has_high) + sizeof s->has_high
                        - offsetof(struct smtpreply__state, used));
}

/* The line just ended: the next one starts at offset. */
static void reset_line(struct smtpreply__state *s)
{
    s->state = LINE_START;
    s->line_len = 0;
    s->line_code = 0;
    s->ndigits = 0;
    s->last_line = 0;
    s->prev_cr = 0;
    s->enh_len = 0;
    s->u8_need = 0;
    s->line_enh = 0;
}

/* The first byte of a line: where it starts, and the reply too when no line of a
 * reply is in (the line path leaves these to be set here). */
static void begin_line(struct smtpreply__state *s)
{
    s->line_start = s->offset;
    if (s->line_count == 0) {
        s->reply_start = s->offset;
        s->reply_first_line = s->line_no;
    }
}

/* documented in lib/parser_state.h */
void smtpreply__machine_reset(struct smtpreply__state *s)
{
    /* Everything after the options belongs to the stream: the error, the line,
     * the reply. All zero is LINE_START with nothing pending. */
    memset(&s->err_offset, 0, sizeof *s - offsetof(struct smtpreply__state, err_offset));
    s->offset = 0;
    s->line_no = 1;
    s->reply_first_line = 1;
    s->lf_checked = 0;
    s->state = LINE_START;
    s->ready = s->lp_ok ? SMTPREPLY__LP_MIN : SIZE_MAX;
}

static int fail(struct smtpreply__state *s, int status, uint64_t position)
{
    s->err_status = status;
    s->err_line = s->line_no;
    s->err_offset = s->line_start;
    s->err_position = position;
    return status;
}

/* Append text of the reply in progress, or flag it truncated. */
static void put(struct smtpreply__state *s, const unsigned char *b, size_t n)
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

/* The line's separator is valid: its text starts here. */
static void begin_text(struct smtpreply__state *s)
{
    if (s->full || s->overflow)
        return;
    if (s->line_count > 0) {
        size_t before = s->used;
        put(s, (const unsigned char *)"\n", 1);
        if (s->used == before)
            return;
    } else if (s->cap == 0) {
        return;                 /* no room even for the NUL: put() flags any text */
    }
    s->lines_stored++;
}

/* ---- UTF-8 --------------------------------------------------------------- */

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
 * whose stored text is not all their text (see fill_from_state()). */
static uint32_t stored_encoding(const struct smtpreply__state *s)
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
static int continues_char(const struct smtpreply__state *s, unsigned char c)
{
    return s->u8_need && c >= s->u8_lo && c <= s->u8_hi;
}

/*
 * The stored text is cut inside a character (its next byte continued it, but the
 * buffer is full or the line over its limit): take that character's stored bytes
 * out, so the stored text ends between characters. Called only when they are all
 * stored: a lead byte and at most two continuation bytes at the end.
 */
static void drop_partial_char(struct smtpreply__state *s)
{
    size_t k = 0;

    while (k < 3 && k < s->used && ((unsigned char)s->text[s->used - 1 - k] & 0xC0) == 0x80)
        k++;
    if (k < s->used)
        s->used -= k + 1;
}

/* A byte >= 0x80 of the text: track whether the text is still valid UTF-8.
 * Returns 0 when the byte is acceptable, or the strict-mode error it causes. */
static int high_byte(struct smtpreply__state *s, unsigned char c)
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
    if ((s->strict & SMTPREPLY_STRICT_8BIT) && (!s->smtputf8 || s->u8_bad))
        return SMTPREPLY_E_8BIT;
    return 0;
}

/* An ASCII byte or a line end where a UTF-8 continuation byte was due. */
static int utf8_interrupted(struct smtpreply__state *s)
{
    if (!s->u8_need)
        return 0;
    s->u8_need = 0;
    s->u8_bad = 1;
    if ((s->strict & SMTPREPLY_STRICT_8BIT) && s->smtputf8)
        return SMTPREPLY_E_8BIT;
    return 0;
}

/* ---- ends of lines and replies -------------------------------------------- */

static void fill_from_state(struct smtpreply__state *s, struct smtpreply_reply *r)
{
    static const char empty[1] = "";
    uint32_t enc = !s->has_high ? SMTPREPLY_TEXT_ASCII
                 : s->u8_bad ? SMTPREPLY_TEXT_OTHER : SMTPREPLY_TEXT_UTF8;
    const char *text = empty;

    /* encoding describes the stored text. Unless a cut or a skipped line made it
     * less than all the text, that is what the machine followed. */
    if (s->has_high && (s->flags & (SMTPREPLY_FLAG_TRUNCATED | SMTPREPLY_FLAG_DAMAGED)))
        enc = stored_encoding(s);
    if (s->cap) {
        s->text[s->used] = '\0';
        text = s->text;
    }
    smtpreply__fill_reply(r, s->code, s->flags, s->enh, 0, 0, enc, s->line_count, s->lines_stored,
                          s->reply_first_line, text, s->used, s->reply_start,
                          s->offset - s->reply_start);
}

/* The LF of a line has been consumed. Returns 1 when it completed a reply. */
static int end_line(struct smtpreply__state *s, int bare_lf, struct smtpreply_reply *r)
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
    /* The first line's enhanced code is the reply's; later lines must agree. */
    if (s->line_count == 0)
        s->enh = s->line_enh;
    else if (s->line_enh != s->enh)
        s->flags |= SMTPREPLY_FLAG_ENHANCED_MISMATCH;
    if (s->line_count != UINT32_MAX)    /* a hostile endless reply saturates */
        s->line_count++;
    reset_line(s);
    if (!last)
        return 0;
    if (r)
        fill_from_state(s, r);
    reset_reply(s);
    return 1;
}

/* "250\r\n": the last line of its reply, with no text. */
static void code_only_line(struct smtpreply__state *s)
{
    s->last_line = 1;
    s->flags |= SMTPREPLY_FLAG_CODE_ONLY;
    begin_text(s);
}

/* An error in a line's code part: the line is not part of any reply. */
static int skip_line(struct smtpreply__state *s, int status)
{
    s->state = SKIP;
    s->prev_cr = 0;
    if (s->line_count > 0)
        s->flags |= SMTPREPLY_FLAG_DAMAGED;
    else
        reset_reply(s);     /* a would-be first line leaves nothing (its flags) behind */
    return fail(s, status, s->offset);
}

/* An error in a line's text: the line still counts, its text stops here. */
static int cut_line(struct smtpreply__state *s, int status, uint64_t position)
{
    s->state = CUT;
    s->prev_cr = 0;
    s->u8_need = 0;
    s->flags |= SMTPREPLY_FLAG_DAMAGED;
    return fail(s, status, position);
}

/* ---- code and separator ---------------------------------------------------- */

/* The three digits are in. Returns 0 or an error status. */
static int code_complete(struct smtpreply__state *s)
{
    unsigned first = s->line_code / 100, second = (s->line_code / 10) % 10;

    if (first < 2 || first > 5)
        return skip_line(s, SMTPREPLY_E_BAD_FIRST_DIGIT);
    if (second > 5 && (s->strict & SMTPREPLY_STRICT_SECOND_DIGIT))
        return skip_line(s, SMTPREPLY_E_BAD_SECOND_DIGIT);
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
static int accept_line(struct smtpreply__state *s)
{
    int rc = 0;

    if (s->line_count == 0) {
        s->code = s->line_code;
    } else if (s->line_code != s->code) {
        /* RFC 5321 4.2: one code per reply. The unfinished reply is dropped and this
         * line starts the next one, so a "220-" banner cut short by a "521" block
         * still delivers the 521 (vert-x3/vertx-mail-client #81). */
        reset_reply(s);
        s->code = s->line_code;
        s->reply_start = s->line_start;
        s->reply_first_line = s->line_no;
        rc = fail(s, SMTPREPLY_E_CODE_MISMATCH, s->offset);
    } else if (s->line_count >= s->max_lines && !s->overflow) {
        s->overflow = 1;
        s->flags |= SMTPREPLY_FLAG_TRUNCATED | SMTPREPLY_FLAG_DAMAGED;
        rc = fail(s, SMTPREPLY_E_TOO_MANY_LINES, s->offset);
    }
    if ((s->line_code / 10) % 10 > 5)
        s->flags |= SMTPREPLY_FLAG_SECOND_DIGIT;
    return rc;
}

/* A code-only line ends at this LF (bare: no CR before it). One error per line
 * end: a code mismatch reported here leaves a strict-mode bare LF a flag. */
static enum step code_only_end(struct smtpreply__state *s, int bare, int *rc)
{
    if (!s->lf_checked && (*rc = accept_line(s)) < 0) {
        s->lf_checked = 1;
        return STOP_KEEP;
    }
    if (bare && (s->strict & SMTPREPLY_STRICT_BARE_LF) && !s->lf_checked) {
        s->lf_checked = 1;
        s->flags |= SMTPREPLY_FLAG_DAMAGED;
        *rc = fail(s, SMTPREPLY_E_BARE_LF, s->offset);
        return STOP_KEEP;
    }
    code_only_line(s);
    return bare ? END_BARE_LF : END_CRLF;
}

/* Byte c does not fit the line's code: the line is skipped, with status at_lf
 * when c is its LF (left for the next call) and a bad code otherwise. */
static enum step bad_code(struct smtpreply__state *s, unsigned char c, int at_lf, int *rc)
{
    if (c == '\n') {
        s->lf_checked = 1;
        *rc = skip_line(s, at_lf);
        return STOP_KEEP;
    }
    *rc = skip_line(s, SMTPREPLY_E_BAD_CODE);
    return STOP_USED;
}

static enum step on_line_start(struct smtpreply__state *s, unsigned char c, int *rc)
{
    begin_line(s);
    if (c >= '0' && c <= '9') {
        s->line_code = (uint16_t)(c - '0');
        s->ndigits = 1;
        s->state = CODE;
        return USED;
    }
    if (c == '\r') {
        s->state = LINE_CR;
        return USED;
    }
    return bad_code(s, c, SMTPREPLY_E_EMPTY_LINE, rc);
}

static enum step on_line_cr(struct smtpreply__state *s, unsigned char c, int *rc)
{
    return bad_code(s, c, SMTPREPLY_E_EMPTY_LINE, rc);
}

static enum step on_code(struct smtpreply__state *s, unsigned char c, int *rc)
{
    if (c >= '0' && c <= '9') {
        s->line_code = (uint16_t)(s->line_code * 10 + (c - '0'));
        if (++s->ndigits == 3 && (*rc = code_complete(s)) < 0)
            return STOP_USED;
        return USED;
    }
    return bad_code(s, c, SMTPREPLY_E_BAD_CODE, rc);
}

static enum step on_sep(struct smtpreply__state *s, unsigned char c, int *rc)
{
    if (c == '-' || c == ' ') {
        *rc = accept_line(s);
        s->last_line = c == ' ';
        begin_text(s);
        s->state = ENH;
        return *rc < 0 ? STOP_USED : USED;
    }
    if (c == '\r') {
        s->state = SEP_CR;
        return USED;
    }
    if (c == '\n')
        return code_only_end(s, 1, rc);
    *rc = skip_line(s, SMTPREPLY_E_BAD_SEPARATOR);
    return STOP_USED;
}

static enum step on_sep_cr(struct smtpreply__state *s, unsigned char c, int *rc)
{
    if (c == '\n')
        return code_only_end(s, 0, rc);
    *rc = skip_line(s, SMTPREPLY_E_BAD_SEPARATOR);
    return STOP_USED;
}

/* ---- enhanced code --------------------------------------------------------- */

/* The held bytes are text after all. */
static void flush_enh(struct smtpreply__state *s)
{
    put(s, s->enh_buf, s->enh_len);
    s->enh_len = 0;
    s->state = TEXT;
}

/* A byte that neither continues nor ends a form: what follows held bytes when the
 * CR after them turned out to be a lone CR (text). */
#define NOT_AN_END 'x'

/* The held bytes, followed by the byte after (SP, LF, or any other: see
 * lib/enhanced.h), are judged: a valid code leaves the text. Returns 1 for one. */
static int judge_enh(struct smtpreply__state *s, unsigned char after)
{
    unsigned char t[SMTPREPLY__ENH_READ] = { 0 };
    struct smtpreply__enh_found f;

    memcpy(t, s->enh_buf, s->enh_len);
    t[s->enh_len] = after;
    f = smtpreply__enh_scan(t, s->code / 100u);
    if (f.len > 0) {
        s->line_enh = f.code;
        s->enh_len = 0;
        s->state = TEXT;
        return 1;
    }
    if (f.len == SMTPREPLY__ENH_INVALID)
        s->flags |= SMTPREPLY_FLAG_ENHANCED_INVALID;
    flush_enh(s);
    return 0;
}

/* TEXT_CR with bytes held before the CR: an LF makes the CR a line end, so they
 * are judged as ended there; any other byte makes the CR a lone CR, which is
 * text, and the bytes before it text too. */
static void settle_enh(struct smtpreply__state *s, unsigned char c)
{
    (void)judge_enh(s, c == '\n' ? '\n' : NOT_AN_END);
    s->state = TEXT_CR;
}

static enum step on_enh(struct smtpreply__state *s, unsigned char c)
{
    int digit = c >= '0' && c <= '9';

    if (s->enh_len == 0 && !digit) {
        s->state = TEXT;
        return AGAIN;
    }
    if ((digit || c == '.') && s->enh_len < sizeof s->enh_buf
        && (s->enh_len != 1 || c == '.')) {
        s->enh_buf[s->enh_len++] = c;
        return USED;
    }
    if (c == '\r') {
        s->state = TEXT_CR;     /* held until the next byte: settle_enh() */
        return USED;
    }
    /* The SP after a valid code goes with it. */
    return judge_enh(s, c) && c == ' ' ? USED : AGAIN;
}

/* ---- text ------------------------------------------------------------------ */

/* A text byte other than CR and LF that the run did not take. */
static enum step on_text_byte(struct smtpreply__state *s, unsigned char c, int *rc)
{
    if (c >= 0x80) {
        int cont = continues_char(s, c);
        uint8_t was_full = s->full;

        if ((*rc = high_byte(s, c)) != 0) {
            *rc = cut_line(s, *rc, s->offset);
            return STOP_USED;
        }
        put(s, &c, 1);
        if (cont && s->full && !was_full)
            drop_partial_char(s);
        return USED;
    }
    if (c == 0) {
        s->flags |= SMTPREPLY_FLAG_NUL;
        if (s->strict & SMTPREPLY_STRICT_NUL) {
            *rc = cut_line(s, SMTPREPLY_E_NUL, s->offset);
            return STOP_USED;
        }
    }
    if ((*rc = utf8_interrupted(s)) != 0) {
        *rc = cut_line(s, *rc, s->offset);
        return STOP_USED;
    }
    put(s, &c, 1);
    return USED;
}

/* The LF that ends a text line (bare: no CR before it). */
static enum step text_lf(struct smtpreply__state *s, int bare, int *rc)
{
    if (!s->lf_checked && (*rc = utf8_interrupted(s)) != 0) {
        s->lf_checked = 1;
        *rc = cut_line(s, *rc, s->offset);
        s->prev_cr = (uint8_t)!bare;
        return STOP_KEEP;
    }
    if (bare && (s->strict & SMTPREPLY_STRICT_BARE_LF) && !s->lf_checked) {
        s->lf_checked = 1;
        s->flags |= SMTPREPLY_FLAG_DAMAGED;
        *rc = fail(s, SMTPREPLY_E_BARE_LF, s->offset);
        return STOP_KEEP;
    }
    return bare ? END_BARE_LF : END_CRLF;
}

static enum step on_text(struct smtpreply__state *s, unsigned char c, int *rc)
{
    if (c == '\r') {
        s->state = TEXT_CR;
        return USED;
    }
    if (c == '\n')
        return text_lf(s, 1, rc);
    return on_text_byte(s, c, rc);
}

static enum step on_text_cr(struct smtpreply__state *s, unsigned char c, int *rc)
{
    if (c == '\n')
        return text_lf(s, 0, rc);
    /* The CR before this byte was not a line end: a lone CR, kept as text. */
    s->flags |= SMTPREPLY_FLAG_LONE_CR;
    if (s->strict & SMTPREPLY_STRICT_LONE_CR) {
        *rc = cut_line(s, SMTPREPLY_E_LONE_CR, s->offset - 1);
        return STOP_KEEP;
    }
    if ((*rc = utf8_interrupted(s)) != 0) {
        *rc = cut_line(s, *rc, s->offset - 1);
        return STOP_KEEP;
    }
    put(s, (const unsigned char *)"\r", 1);
    s->state = TEXT;
    return AGAIN;               /* this byte is judged in TEXT */
}

static enum step on_cut_or_skip(struct smtpreply__state *s, unsigned char c)
{
    if (c == '\n')
        return s->prev_cr ? END_CRLF : END_BARE_LF;
    s->prev_cr = c == '\r';
    return USED;
}

/* The line's length with this byte, against the limits. Returns 0, or the step
 * of the error when the byte is one too many (cutting the line). */
static int over_limit(struct smtpreply__state *s, unsigned char c, enum step *st, int *rc)
{
    int limit = s->line_len + 1 > s->max_line ? SMTPREPLY_E_LINE_TOO_LONG
              : (s->strict & SMTPREPLY_STRICT_LINE_512) && s->line_len + 1 > 512
              ? SMTPREPLY_E_LINE_OVER_512 : 0;
    int cr;

    if (!limit)
        return 0;
    /* A CR before this byte, or this byte if it is a CR, still pairs with the
     * coming LF: the line end is not bare. */
    cr = c == '\n' ? s->state == TEXT_CR : c == '\r';
    if (s->state == TEXT && continues_char(s, c) && !s->full && !s->overflow)
        drop_partial_char(s);
    s->lf_checked = c == '\n';
    *rc = cut_line(s, limit, s->offset);
    s->prev_cr = (uint8_t)cr;
    *st = c == '\n' ? STOP_KEEP : STOP_USED;
    return 1;
}

/* One byte in the current state. */
static enum step step_byte(struct smtpreply__state *s, unsigned char c, int *rc)
{
    enum step st;

    if (s->state == TEXT_CR && s->enh_len)
        settle_enh(s, c);
    /* Every byte of a structurally valid line counts toward its length. */
    if (s->state >= ENH && s->state <= TEXT_CR && !(c == '\n' && s->lf_checked)
        && over_limit(s, c, &st, rc))
        return st;
    switch (s->state) {
    case LINE_START:
        return on_line_start(s, c, rc);
    case LINE_CR:
        return on_line_cr(s, c, rc);
    case CODE:
        return on_code(s, c, rc);
    case SEP:
        return on_sep(s, c, rc);
    case SEP_CR:
        return on_sep_cr(s, c, rc);
    case ENH:
        return on_enh(s, c);
    case TEXT:
        return on_text(s, c, rc);
    case TEXT_CR:
        return on_text_cr(s, c, rc);
    default:
        return on_cut_or_skip(s, c);
    }
}

/* ---- runs of bytes ---------------------------------------------------------- */

/* TEXT: the plain bytes from p on, within the line limits, stored in one go.
 * Returns how many; sets *rc (none used) when they interrupt a UTF-8 character
 * and strict mode makes that an error. */
static size_t text_run(struct smtpreply__state *s, const unsigned char *p, size_t n, int *rc)
{
    size_t budget = s->max_line - s->line_len, k;

    if (s->strict & SMTPREPLY_STRICT_LINE_512) {
        size_t rfc = s->line_len < 512 ? 512 - s->line_len : 0;
        if (budget > rfc)
            budget = rfc;
    }
    k = smtpreply__isa()->scan(p, n < budget ? n : budget);
    if (k == 0)
        return 0;
    if ((*rc = utf8_interrupted(s)) != 0) {
        *rc = cut_line(s, *rc, s->offset);
        return 0;
    }
    put(s, p, k);
    s->line_len += (uint32_t)k;
    s->offset += k;
    return k;
}

/* CUT or SKIP: the rest of the line is only looked at for its LF, and whether a
 * CR came right before it. Returns the bytes before the LF (all when none). */
static size_t skip_run(struct smtpreply__state *s, const unsigned char *p, size_t n)
{
    const unsigned char *nl = memchr(p, '\n', n);
    size_t k = nl ? (size_t)(nl - p) : n;

    if (k == 0)
        return 0;
    s->prev_cr = p[k - 1] == '\r';
    s->line_len = k > UINT32_MAX - s->line_len ? UINT32_MAX : s->line_len + (uint32_t)k;
    s->offset += k;
    return k;
}

/* Bytes a run takes from p[0..n) in the current state (0: go byte by byte). */
static size_t run(struct smtpreply__state *s, const unsigned char *p, size_t n, int *rc)
{
    if (s->state == TEXT && !smtpreply__special(p[0]))
        return text_run(s, p, n, rc);
    if (s->state == CUT || s->state == SKIP)
        return skip_run(s, p, n);
    return 0;
}

/* ---- the loop ----------------------------------------------------------------- */

/* Whether the line path may start at offset (see lib/parser.c). */
static void set_ready(struct smtpreply__state *s)
{
    s->ready = s->lp_ok && s->state == LINE_START && !s->lf_checked && s->line_count == 0
               ? SMTPREPLY__LP_MIN : SIZE_MAX;
}

/* documented in lib/parser_state.h */
int smtpreply__machine_feed(struct smtpreply__state *s, const unsigned char *data, size_t len,
                            size_t *consumed, struct smtpreply_reply *reply)
{
    size_t i = 0;
    int rc = 0;
    enum step st;

    if (reply)
        memset(reply, 0, sizeof *reply);
    while (i < len) {
        size_t k = run(s, data + i, len - i, &rc);
        if (rc)
            goto out;
        i += k;
        if (k)
            continue;
        st = step_byte(s, data[i], &rc);
        if (st == AGAIN)
            continue;
        if (st == STOP_KEEP)
            goto out;
        s->line_len++;
        s->offset++;
        i++;
        if (st == STOP_USED)
            goto out;
        if (st != USED) {
            s->lf_checked = 0;
            if (end_line(s, st == END_BARE_LF, reply)) {
                rc = SMTPREPLY_REPLY;
                goto out;
            }
        }
    }
out:
    *consumed = i;
    set_ready(s);
    return rc;
}

/* documented in lib/parser_state.h */
int smtpreply__machine_finish(struct smtpreply__state *s)
{
    /* Inside a reply: lines of it are complete, or a valid line was begun. */
    int inside = s->line_count > 0
              || (s->state != LINE_START && s->state != LINE_CR && s->state != SKIP);
    uint64_t off = s->reply_start, end = s->offset;
    uint32_t line = s->reply_first_line;

    smtpreply__machine_reset(s);
    if (!inside)
        return SMTPREPLY_OK;
    /* Where the unfinished reply began, readable after the reset. */
    s->err_status = SMTPREPLY_E_INCOMPLETE;
    s->err_offset = off;
    s->err_line = line;
    s->err_position = end;
    return SMTPREPLY_E_INCOMPLETE;
}
