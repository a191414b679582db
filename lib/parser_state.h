/* SPDX-License-Identifier: MIT */
/*
 * The parser's private state behind struct smtpreply_parser, and what the byte
 * machine (lib/machine.c), the line path (lib/line_path.h) and the entry points
 * (lib/parser.c) share: the reply's layout is filled in one place,
 * smtpreply__fill_reply(). docs/parser.md describes how the parts fit.
 */
#ifndef SMTPREPLY_PARSER_STATE_H
#define SMTPREPLY_PARSER_STATE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "internal.h"

/* States of the line in progress; lib/machine.c lists their transitions. */
enum smtpreply__line_state {
    SMTPREPLY__LINE_START = 0,
    SMTPREPLY__LINE_CR,
    SMTPREPLY__CODE,
    SMTPREPLY__SEP,
    SMTPREPLY__SEP_CR,
    SMTPREPLY__ENH,
    SMTPREPLY__TEXT,
    SMTPREPLY__TEXT_CR,
    SMTPREPLY__CUT,
    SMTPREPLY__SKIP
};

/* Input the line path needs before it looks at a reply: a window (64 bytes) and
 * a 64-byte copy of text that starts up to 14 bytes into the line. */
#define SMTPREPLY__LP_MIN 80
/* The longest line the line path takes, line end included; longer ones, and any
 * line when the line limit is lower, are the byte machine's. */
#define SMTPREPLY__LP_LONGEST 256
/* The smallest text buffer the line path writes to: the text of a one-line reply
 * of up to 127 octets, copied 64 bytes at a time, needs no other bound. */
#define SMTPREPLY__LP_TEXT_MIN 130

/* The private layout. Never points into itself, so the parser may be moved. */
struct smtpreply__state {
    /* Read by the line path on every call. */
    char *text;               /* caller's buffer */
    size_t cap;               /* bytes at text; one is kept for the NUL */
    uint64_t offset;          /* stream offset of the next byte */
    uint32_t line_no;         /* 1-based number of the line at offset */
    uint32_t max_lines;
    size_t ready;             /* the least input the line path starts with at offset:
                                 SMTPREPLY__LP_MIN, or SIZE_MAX when it may not start
                                 there (see parser.c) */
    uint8_t lp_ok;            /* limits and buffer allow the line path at all */
    uint8_t state;            /* enum smtpreply__line_state */
    uint8_t lf_checked;       /* an error was already reported for the LF at offset */
    uint32_t max_line, strict, smtputf8;
    /* The last error. */
    uint64_t err_offset, err_position;
    int32_t err_status;
    uint32_t err_line;
    /* The line in progress. */
    uint64_t line_start;      /* stream offset of its first byte */
    uint32_t line_len;        /* its bytes consumed so far */
    uint16_t line_code;       /* its code, digit by digit */
    uint8_t ndigits;          /* digits of line_code seen */
    uint8_t last_line;        /* it ends its reply */
    uint8_t prev_cr;          /* CUT/SKIP: the byte before was CR */
    uint8_t enh_len;          /* bytes in enh_buf */
    uint8_t u8_need;          /* UTF-8 continuation bytes still due */
    uint8_t u8_lo, u8_hi;     /* range of the next continuation byte */
    uint64_t line_enh;        /* its enhanced code (SMTPREPLY__ENH_CODE()), 0 for none */
    unsigned char enh_buf[12];           /* bytes held while an enhanced code may start */
    /* Where the reply in progress began. */
    uint64_t reply_start;
    uint32_t reply_first_line;
    /* The reply in progress, from used to has_high: reset_reply() zeroes these. */
    size_t used;              /* its text bytes stored */
    uint64_t enh;             /* its first line's enhanced code, as line_enh */
    uint32_t line_count;      /* its complete lines */
    uint32_t lines_stored;
    uint32_t flags;           /* SMTPREPLY_FLAG_* */
    uint16_t code;            /* its code, once its first line is accepted */
    uint8_t full;             /* the text buffer is full */
    uint8_t overflow;         /* more than max_lines: store nothing more */
    uint8_t u8_bad;           /* its text is not valid UTF-8 */
    uint8_t has_high;         /* its text has bytes >= 0x80 */
};

/* The public struct is a fixed-size opaque block; the layout must fit in it. */
typedef char smtpreply__state_fits_[sizeof(struct smtpreply__state) <= SMTPREPLY_PARSER_SIZE
                                    ? 1 : -1];
typedef char smtpreply__size_pinned_[sizeof(struct smtpreply_parser) == SMTPREPLY_PARSER_SIZE
                                     ? 1 : -1];

static inline struct smtpreply__state *smtpreply__st(struct smtpreply_parser *p)
{
    return (struct smtpreply__state *)(void *)p->priv_.bytes_;
}

/* smtpreply__enh_text() for a field of two or three digits (lib/parser.c). */
void smtpreply__enh_text_long(char out[12], uint64_t enh);

/* The eight bytes of v to out, lowest first: one store where the byte order
 * allows. */
static SMTPREPLY__INLINE void smtpreply__store8(void *out, uint64_t v)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    memcpy(out, &v, 8);
#else
    unsigned i;

    for (i = 0; i < 8; i++)
        ((unsigned char *)out)[i] = (unsigned char)(v >> (8 * i));
#endif
}

/* struct smtpreply_enhanced is four uint16_t, klass, subject, detail, pad_, in this
 * order (public ABI, fixed): a code in SMTPREPLY__ENH_CODE() form is its bytes,
 * lowest first. */
typedef char smtpreply__enh_layout_[offsetof(struct smtpreply_enhanced, klass) == 0
                                    && offsetof(struct smtpreply_enhanced, subject) == 2
                                    && offsetof(struct smtpreply_enhanced, detail) == 4
                                    && offsetof(struct smtpreply_enhanced, pad_) == 6
                                    && sizeof(struct smtpreply_enhanced) == 8 ? 1 : -1];

/* enhanced_text of a reply: "c.s.d" and NULs to 12 bytes; all NUL for no code. */
static SMTPREPLY__INLINE void smtpreply__enh_text(char out[12], uint64_t enh)
{
    uint64_t v = 0;

    if (enh) {
        if ((enh >> 16 & 0xFFFF) >= 10 || (enh >> 32 & 0xFFFF) >= 10) {
            smtpreply__enh_text_long(out, enh);
            return;
        }
        /* '0' '.' '0' '.' '0', lowest byte first, plus the digits. */
        v = enh + 0x302E302E30ULL;
    }
    smtpreply__store8(out, v);
    memset(out + 8, 0, 4);
}

/* struct smtpreply_reply starts code, pad_, flags (2, 2 and 4 bytes), has
 * encoding right after enhanced_text, and line_count, lines_stored in a pair of
 * 4 bytes (public ABI, fixed): smtpreply__fill_reply() stores each group as one
 * word, and the last 4 bytes of enhanced_text with encoding. */
typedef char smtpreply__reply_layout_[offsetof(struct smtpreply_reply, pad_) == 2
                                      && offsetof(struct smtpreply_reply, flags) == 4
                                      && offsetof(struct smtpreply_reply, encoding)
                                         == offsetof(struct smtpreply_reply, enhanced_text) + 12
                                      && offsetof(struct smtpreply_reply, lines_stored)
                                         == offsetof(struct smtpreply_reply, line_count) + 4
                                      ? 1 : -1];

/*
 * The one place a reply is filled, from the byte machine's state or the line
 * path's locals. etext, when known (a constant at most call sites), is
 * enhanced_text already, up to 8 bytes lowest first; otherwise it is written from
 * enh.
 */
static SMTPREPLY__INLINE void smtpreply__fill_reply(struct smtpreply_reply *r, unsigned code,
                                                   uint32_t flags, uint64_t enh, uint64_t etext,
                                                   int known, uint32_t encoding,
                                                   uint32_t lines, uint32_t stored,
                                                   uint32_t first_line, const char *text,
                                                   size_t text_len, uint64_t offset,
                                                   uint64_t length)
{
    smtpreply__store8(r, code | (uint64_t)flags << 32);     /* code, pad_, flags */
    smtpreply__store8(&r->enhanced, enh);
    if (known) {
        smtpreply__store8(r->enhanced_text, etext);
        /* its bytes 8-11, all NUL, and encoding */
        smtpreply__store8(r->enhanced_text + 8, (uint64_t)encoding << 32);
    } else {
        smtpreply__enh_text(r->enhanced_text, enh);
        r->encoding = encoding;
    }
    smtpreply__store8(&r->line_count, lines | (uint64_t)stored << 32);
    r->first_line = first_line;
    r->text = text;
    r->text_len = text_len;
    r->offset = offset;
    r->length = length;
}

/* The first four bytes of a last line from those of a line that continues. */
#define SMTPREPLY__LAST_OF(w) ((w) ^ (uint32_t)('-' ^ ' ') << 24)

/*
 * Whether the first four bytes w of a line (byte 0 lowest) are a code of 2xx-5xx
 * with a second digit of 0-5, then SP: each byte is in range when neither byte -
 * low nor high - byte borrows, which would set its top bit (a borrow into the next
 * byte comes only from a byte already out of range; a byte from 0x80 up sets the
 * top bit of byte - low). A line that continues ("250-") passes as
 * SMTPREPLY__LAST_OF(w). The line path's one test of a line's code.
 */
static SMTPREPLY__INLINE int smtpreply__last_start(uint32_t w)
{
    return !(((w - 0x20303032u) | (0x20393535u - w)) & 0x80808080u);
}

/* lib/machine.c: the byte machine from the state as it is (the reference form):
 * smtpreply_parser_feed() after its argument checks, data not NULL. */
int smtpreply__machine_feed(struct smtpreply__state *s, const unsigned char *data, size_t len,
                            size_t *consumed, struct smtpreply_reply *reply);

/* lib/machine.c: forget the stream and start a new one (options and buffer kept). */
void smtpreply__machine_reset(struct smtpreply__state *s);

/* lib/machine.c: the error of the stream ending now (smtpreply_parser_finish()). */
int smtpreply__machine_finish(struct smtpreply__state *s);

#endif
