/* SPDX-License-Identifier: MIT */
/*
 * The parser's entry points (RFC 5321 section 4.2; docs/parser.md).
 *
 * The grammar has two forms. The byte machine (lib/machine.c) is the reference: it
 * takes any byte in any state, so any split of the input gives the same result.
 * The line path (lib/line_path.h, compiled once per instruction set) takes whole
 * replies of common shape that lie inside the buffer, faster, and hands anything
 * else to the machine. tests/test_split.c, the fuzz targets and the differential
 * tests hold both to the same output.
 *
 * The line path starts only where the state says nothing is pending: `ready` is
 * set when the stream is at a reply boundary (no line begun, no reply open, no
 * error waiting at an LF) and the options allow the line path (lp_ok). At such a
 * boundary the line path needs only offset and line_no from the state, and
 * updates only those two: the machine sets where a line and a reply begin when it
 * reads the line's first byte.
 */
#include "parser_state.h"
#include "isa.h"

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

/* documented in smtpreply.h */
int smtpreply_parser_init_ex(struct smtpreply_parser *p, char *text, size_t cap,
                             const struct smtpreply_options *opt)
{
    struct smtpreply_options def;
    struct smtpreply__state *s;

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
    s = smtpreply__st(p);
    s->text = text;
    s->cap = cap;
    s->strict = opt->strict & SMTPREPLY_STRICT_ALL;
    s->smtputf8 = opt->smtputf8 ? 1 : 0;
    s->max_line = opt->max_line_length ? opt->max_line_length : SMTPREPLY_DEFAULT_MAX_LINE;
    s->max_lines = opt->max_lines ? opt->max_lines : SMTPREPLY_DEFAULT_MAX_LINES;
    /* The line path takes lines up to SMTPREPLY__LP_LONGEST octets, all within a
     * lower limit than this, and copies text 64 bytes at a time. */
    s->lp_ok = s->max_line >= SMTPREPLY__LP_LONGEST && cap >= SMTPREPLY__LP_TEXT_MIN;
    smtpreply__machine_reset(s);
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
        smtpreply__machine_reset(smtpreply__st(p));
}

/* documented in smtpreply.h */
int smtpreply_parser_error(const struct smtpreply_parser *p, struct smtpreply_error *err)
{
    const struct smtpreply__state *s;

    if (!err)
        return SMTPREPLY_E_INVALID_ARG;
    memset(err, 0, sizeof *err);
    err->name = smtpreply_status_name(0);
    err->message = smtpreply_strerror(0);
    if (!p)
        return SMTPREPLY_E_INVALID_ARG;
    s = (const struct smtpreply__state *)(const void *)p->priv_.bytes_;
    err->status = s->err_status;
    err->line = s->err_line;
    err->offset = s->err_offset;
    err->position = s->err_position;
    err->name = smtpreply_status_name(s->err_status);
    err->message = smtpreply_strerror(s->err_status);
    return SMTPREPLY_OK;
}

/* smtpreply_parser_feed() for every call the line path does not start: the
 * argument checks, then the byte machine. */
static int feed_checked(struct smtpreply_parser *p, const char *data, size_t len,
                        size_t *consumed, struct smtpreply_reply *reply)
{
    if (!p || !consumed || (!data && len)) {
        if (consumed)
            *consumed = 0;
        if (reply)
            memset(reply, 0, sizeof *reply);
        return SMTPREPLY_E_INVALID_ARG;
    }
    if (!data)
        data = "";      /* len is 0: no arithmetic on a null pointer below */
    return smtpreply__machine_feed(smtpreply__st(p), (const unsigned char *)data, len,
                                   consumed, reply);
}

/* documented in smtpreply.h */
int smtpreply_parser_feed(struct smtpreply_parser *p, const char *data, size_t len,
                          size_t *consumed, struct smtpreply_reply *reply)
{
    /* The common call first: ready is the line path's minimum of input, or more
     * than any len where it may not start. The first line's code chooses the
     * line path's entry: a reply of one line is the common case. */
    if (p && consumed && reply && data && len >= smtpreply__st(p)->ready) {
        const unsigned char *d = (const unsigned char *)data;
        const struct smtpreply__isa *isa = smtpreply__isa();
        uint32_t w = smtpreply__load4(d);

        if (smtpreply__last_start(w))
            return isa->feed_line(smtpreply__st(p), d, len, consumed, reply, w);
        return isa->feed_other(smtpreply__st(p), d, len, consumed, reply, w);
    }
    return feed_checked(p, data, len, consumed, reply);
}

/* documented in smtpreply.h */
int smtpreply_parser_feed_many(struct smtpreply_parser *p, const char *data, size_t len,
                               size_t *consumed, struct smtpreply_reply *replies, size_t max,
                               size_t *count)
{
    const unsigned char *d = (const unsigned char *)data;
    struct smtpreply__state *s;
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
    s = smtpreply__st(p);
    if (len >= s->ready) {
        *count = smtpreply__isa()->feed_many(s, d, len, consumed, replies, max, s->text);
        if (*count > 0)
            return SMTPREPLY_REPLY;
    }
    /* The first reply as feed() gives it; then, from the boundary it leaves, the
     * line path again with the text after the first reply's NUL. */
    rc = feed_checked(p, data, len, &used, replies);
    *consumed = used;
    if (rc != SMTPREPLY_REPLY)
        return rc;
    *count = 1;
    text_used = replies[0].text_len + 1;
    if (max > 1 && len - used >= s->ready && s->cap > text_used) {
        *count += smtpreply__isa()->feed_many(s, d + used, len - used, &more, replies + 1,
                                              max - 1, s->text + text_used);
        *consumed += more;
    }
    return SMTPREPLY_REPLY;
}

/* documented in smtpreply.h */
int smtpreply_parser_finish(struct smtpreply_parser *p, struct smtpreply_reply *reply)
{
    if (reply)
        memset(reply, 0, sizeof *reply);
    if (!p)
        return SMTPREPLY_E_INVALID_ARG;
    return smtpreply__machine_finish(smtpreply__st(p));
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

/* documented in lib/parser_state.h */
void smtpreply__enh_text_long(char out[12], uint64_t enh)
{
    unsigned parts[2], i;

    memset(out, 0, 12);
    parts[0] = (unsigned)(enh >> 16 & 0xFFFF);
    parts[1] = (unsigned)(enh >> 32 & 0xFFFF);
    *out++ = (char)('0' + (enh & 0xF));
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
