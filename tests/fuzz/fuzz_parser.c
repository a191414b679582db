/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: the streaming parser.
 *
 * The first FUZZ_HEADER bytes choose the options and the splits; the rest is the
 * stream. The stream is parsed three times -- whole, cut at one fuzzer-chosen
 * point, and in fuzzer-chosen chunks, each chunk copied to a buffer of its exact
 * size so ASan sees any read past it -- and the three logs (every reply with its
 * text, flags and offsets, every error with its position) must be byte-identical.
 * A fourth pass after smtpreply_parser_finish() on the same parser checks that
 * the reset stream parses alike, and the whole stream is parsed once more with each
 * variant of the parser's fast path (SSE2, AVX2; scalar with -Dsimd=false), and
 * twice with smtpreply_parser_feed_many() (whole, and in the chunks), which must
 * log the same. Every call is checked against the contract:
 * consumed <= len, NEED_MORE uses everything, no progress at most once in a row
 * and only with an error, every reply self-consistent.
 *
 * Header: [0] strict bits (low 6) and SMTPUTF8 (bit 6); [1] max_line; [2] max_lines
 * and a max_line scale bit; [3..4] text capacity; [5..6] cut point; [7] chunk size.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"   /* smtpreply__parser_variant() */
#include "smtpreply.h"

#define FUZZ_HEADER 8
#define KNOWN_FLAGS 0x7FFu

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);  /* for -Wmissing-prototypes */

struct config {
    struct smtpreply_options opt;
    size_t cap;
    size_t cut;
    size_t chunk;
};

/* A growing byte log of everything the parser reported. */
struct log {
    unsigned char *b;
    size_t len, cap;
};

/* Stop with a message: the fuzzer records the input as a crash. */
static void die(const char *what)
{
    fprintf(stderr, "fuzz_parser: %s\n", what);
    abort();
}

#define CHECK(cond) do { if (!(cond)) die("check failed: " #cond); } while (0)

static void log_put(struct log *l, const void *p, size_t n)
{
    if (l->len + n > l->cap) {
        size_t want = l->cap ? l->cap : 256;
        unsigned char *nb;
        while (want < l->len + n)
            want *= 2;
        nb = realloc(l->b, want);
        if (!nb)
            die("out of memory");
        l->b = nb;
        l->cap = want;
    }
    if (n)
        memcpy(l->b + l->len, p, n);
    l->len += n;
}

static void log_u64(struct log *l, uint64_t v)
{
    log_put(l, &v, sizeof v);
}

/* Every field of a reply must agree with every other and with the stream. */
/* batched: a reply after the first of one smtpreply_parser_feed_many() call,
 * whose text follows the one before it in the buffer. */
/* enum smtpreply_encoding of t[0..n), by the target's own reading of RFC 3629. */
static int encoding_of(const char *text, size_t n)
{
    const unsigned char *t = (const unsigned char *)text;
    size_t i = 0, need, k;
    int high = 0;

    while (i < n) {
        unsigned char c = t[i], lo = 0x80, hi = 0xBF;
        if (c < 0x80) {
            i++;
            continue;
        }
        high = 1;
        need = c >= 0xC2 && c <= 0xDF ? 1 : c >= 0xE0 && c <= 0xEF ? 2
             : c >= 0xF0 && c <= 0xF4 ? 3 : 0;
        if (need == 0)
            return SMTPREPLY_TEXT_OTHER;
        lo = c == 0xE0 ? 0xA0 : c == 0xF0 ? 0x90 : 0x80;
        hi = c == 0xED ? 0x9F : c == 0xF4 ? 0x8F : 0xBF;
        for (k = 1; k <= need; k++) {
            if (i + k >= n || t[i + k] < lo || t[i + k] > hi)
                return SMTPREPLY_TEXT_OTHER;
            lo = 0x80;
            hi = 0xBF;
        }
        i += need + 1;
    }
    return high ? SMTPREPLY_TEXT_UTF8 : SMTPREPLY_TEXT_ASCII;
}

static void check_reply(const struct smtpreply_reply *r, const struct config *c,
                        const char *buf, uint64_t end, int batched)
{
    char want[24];
    size_t pos = 0, lines = 0, total = 0, n;
    const char *t;

    CHECK(r->code >= 200 && r->code <= 599);
    CHECK(r->pad_ == 0 && r->enhanced.pad_ == 0);
    CHECK((r->flags & ~KNOWN_FLAGS) == 0);
    CHECK(r->encoding <= SMTPREPLY_TEXT_OTHER);
    CHECK(r->line_count >= 1);
    CHECK(r->lines_stored <= r->line_count);
    /* Fewer lines stored only when text was lost, or there is no buffer at all. */
    CHECK(r->lines_stored == r->line_count || (r->flags & SMTPREPLY_FLAG_TRUNCATED) || c->cap == 0);
    CHECK(r->first_line >= 1);
    CHECK(r->offset + r->length == end);
    CHECK(r->length >= 4 * (uint64_t)r->line_count);   /* "250\n" is the shortest line */
    CHECK(r->text != NULL);
    if (c->cap == 0) {
        CHECK(r->text_len == 0);
    } else {
        CHECK(batched ? r->text > buf && r->text < buf + c->cap : r->text == buf);
        CHECK(r->text_len <= c->cap - 1 - (size_t)(r->text - buf));
        CHECK(r->text[r->text_len] == '\0');
    }
    /* encoding describes the stored text; the 8-bit flag, all of the text. */
    CHECK((int)r->encoding == encoding_of(r->text, r->text_len));
    if (r->encoding != SMTPREPLY_TEXT_ASCII)
        CHECK(r->flags & SMTPREPLY_FLAG_8BIT);

    /* The enhanced code: class of the reply, numbers in range, text in sync. */
    if (r->enhanced.klass == 0) {
        CHECK(r->enhanced.subject == 0 && r->enhanced.detail == 0);
        CHECK(r->enhanced_text[0] == '\0');
    } else {
        CHECK(r->enhanced.klass == r->code / 100 && r->enhanced.klass != 3);
        CHECK(r->enhanced.subject <= 999 && r->enhanced.detail <= 999);
        snprintf(want, sizeof want, "%u.%u.%u", (unsigned)r->enhanced.klass,
                 (unsigned)r->enhanced.subject, (unsigned)r->enhanced.detail);
        CHECK(strcmp(want, r->enhanced_text) == 0);
    }

    /* The line iterator gives exactly lines_stored lines that rebuild the text. */
    while (smtpreply_reply_line(r, &pos, &t, &n)) {
        CHECK(t >= r->text && t + n <= r->text + r->text_len);
        CHECK(memchr(t, '\n', n) == NULL);
        lines++;
        total += n;
        CHECK(lines <= r->lines_stored);
    }
    if (r->lines_stored == 0)
        CHECK(lines == 0 && r->text_len == 0);
    else
        CHECK(lines == r->lines_stored && total + lines - 1 == r->text_len);
}

static void log_reply(struct log *l, const struct smtpreply_reply *r)
{
    log_u64(l, 1);
    log_u64(l, r->code);
    log_u64(l, r->flags);
    log_u64(l, r->enhanced.klass);
    log_u64(l, r->enhanced.subject);
    log_u64(l, r->enhanced.detail);
    log_u64(l, r->encoding);
    log_u64(l, r->line_count);
    log_u64(l, r->lines_stored);
    log_u64(l, r->first_line);
    log_u64(l, r->offset);
    log_u64(l, r->length);
    log_u64(l, r->text_len);
    log_put(l, r->text, r->text_len);
}

static void log_error(struct log *l, const struct smtpreply_parser *p, int rc, uint64_t at)
{
    struct smtpreply_error e;

    CHECK(smtpreply_parser_error(p, &e) == SMTPREPLY_OK);
    CHECK(e.status == rc);
    CHECK(e.name != NULL && e.message != NULL);
    CHECK(strcmp(e.name, "unknown") != 0 && strcmp(e.name, smtpreply_status_name(rc)) == 0);
    CHECK(e.line >= 1);
    CHECK(e.offset <= e.position);
    CHECK(e.position <= at && e.position + 1 >= at);   /* the byte at fault, or the one before */
    log_u64(l, 2);
    log_u64(l, (uint64_t)(int64_t)rc);
    log_u64(l, e.line);
    log_u64(l, e.offset);
    log_u64(l, e.position);
}

/* One stream in progress: the parser and what the contract says about the last call. */
struct run {
    struct smtpreply_parser *p;
    const struct config *c;
    char *buf;
    struct log log;
    uint64_t pos;       /* stream offset of the next byte */
    int stalled;        /* the previous call used no byte */
    size_t many;        /* 0: smtpreply_parser_feed(); else feed_many() with this max */
};

#define MANY_MAX 8

/* One call: feed() or feed_many(), whose replies are checked and logged. */
static int feed_call(struct run *u, const char *data, size_t len, size_t *used,
                     struct smtpreply_reply *first)
{
    struct smtpreply_reply rs[MANY_MAX];
    size_t count = (size_t)-1, i;
    uint64_t end = 0;
    int rc;

    if (!u->many) {
        rc = smtpreply_parser_feed(u->p, data, len, used, first);
        if (rc == SMTPREPLY_REPLY) {
            check_reply(first, u->c, u->buf, u->pos + *used, 0);
            log_reply(&u->log, first);
        }
        return rc;
    }
    rc = smtpreply_parser_feed_many(u->p, data, len, used, rs, u->many, &count);
    *first = rs[0];
    CHECK(rc == SMTPREPLY_REPLY ? count >= 1 && count <= u->many : count == 0);
    for (i = 0; i < count; i++) {
        /* The first may have begun in an earlier call; the others follow it. */
        CHECK(i == 0 || rs[i].offset == end);
        end = rs[i].offset + rs[i].length;
        if (i > 0)
            CHECK(rs[i].text > rs[i - 1].text + rs[i - 1].text_len);
        check_reply(&rs[i], u->c, u->buf, end, i > 0);
        log_reply(&u->log, &rs[i]);
    }
    if (rc == SMTPREPLY_REPLY)
        CHECK(end == u->pos + *used);
    return rc;
}

/* Feed one piece completely, checking every call. */
static void feed_piece(struct run *u, const char *piece, size_t len)
{
    size_t at = 0;

    while (at < len) {
        struct smtpreply_reply r;
        size_t used = (size_t)-1;
        int rc = feed_call(u, piece + at, len - at, &used, &r);

        CHECK(used <= len - at);
        u->pos += used;
        if (rc == SMTPREPLY_REPLY) {
            CHECK(used > 0);
        } else if (rc == SMTPREPLY_NEED_MORE) {
            CHECK(used == len - at);
            CHECK(r.code == 0 && r.text_len == 0);
        } else {
            CHECK(rc <= SMTPREPLY_E_BAD_CODE && rc >= SMTPREPLY_E_LONE_CR);
            CHECK(r.code == 0);
            log_error(&u->log, u->p, rc, u->pos);
        }
        if (used == 0) {
            /* Allowed once, with an error: the LF it stopped at comes next. */
            CHECK(rc < 0 && !u->stalled);
            u->stalled = 1;
        } else {
            u->stalled = 0;
        }
        at += used;
    }
}

static void finish(struct run *u)
{
    struct smtpreply_reply r;
    int rc = smtpreply_parser_finish(u->p, &r);

    CHECK(rc == SMTPREPLY_OK || rc == SMTPREPLY_E_INCOMPLETE);
    CHECK(r.code == 0);
    log_u64(&u->log, 3);
    if (rc < 0)
        log_error(&u->log, u->p, rc, u->pos);
    u->pos = 0;
    u->stalled = 0;
}

static void run_init(struct run *u, struct smtpreply_parser *p, const struct config *c,
                     char *buf)
{
    memset(u, 0, sizeof *u);
    u->p = p;
    u->c = c;
    u->buf = buf;
    CHECK(smtpreply_parser_init_ex(p, buf, c->cap, &c->opt) == SMTPREPLY_OK);
}

/* Feed [from, to) of the stream as a piece of its own exact-size heap copy. */
static void feed_copy(struct run *u, const uint8_t *s, size_t from, size_t to)
{
    char *copy;

    if (to <= from)
        return;
    copy = malloc(to - from);
    if (!copy)
        die("out of memory");
    memcpy(copy, s + from, to - from);
    feed_piece(u, copy, to - from);
    free(copy);
}

static void read_config(const uint8_t *h, size_t body, struct config *c)
{
    unsigned ml = h[1], scale = (h[2] & 0x80u) ? 17u : 1u;

    smtpreply_options_default(&c->opt);
    c->opt.strict = h[0] & SMTPREPLY_STRICT_ALL;
    c->opt.smtputf8 = (h[0] >> 6) & 1u;
    c->opt.max_line_length = ml ? 4 + ml * scale : 0;       /* 5..4339, or the default */
    c->opt.max_lines = h[2] & 0x7Fu;                        /* 1..127, or the default */
    c->cap = (((size_t)h[3] << 8) | h[4]) % 4097;           /* 0..4096 */
    c->cut = body ? (((size_t)h[5] << 8) | h[6]) % (body + 1) : 0;
    c->chunk = (size_t)(h[7] % 64) + 1;
}

static void compare(const struct log *a, const struct log *b, const char *what)
{
    if (a->len != b->len || (a->len && memcmp(a->b, b->b, a->len) != 0))
        die(what);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct smtpreply_parser p;
    struct config c;
    struct run whole, cut, chunked, again;
    const uint8_t *s;
    size_t n, at;
    char *buf;

    if (size < FUZZ_HEADER)
        return 0;
    s = data + FUZZ_HEADER;
    n = size - FUZZ_HEADER;
    read_config(data, n, &c);
    /* The text buffer is exactly cap bytes of heap, so a write past it is caught. */
    buf = c.cap ? malloc(c.cap) : NULL;
    if (c.cap && !buf)
        die("out of memory");

    run_init(&whole, &p, &c, buf);
    feed_piece(&whole, (const char *)s, n);
    finish(&whole);

    /* finish() reset the stream: the same parser must parse the same way again. */
    again = whole;
    memset(&again.log, 0, sizeof again.log);
    feed_piece(&again, (const char *)s, n);
    finish(&again);
    compare(&whole.log, &again.log, "log differs after finish() reset the parser");

    /* Each fast-path variant must log the same; the last one selected is the best
     * this CPU runs, as before the loop. */
    {
        const char *name;
        size_t v;
        for (v = 0; smtpreply__parser_variant(v, &name); v++) {
            struct run alt;
            run_init(&alt, &p, &c, buf);
            feed_piece(&alt, (const char *)s, n);
            finish(&alt);
            compare(&whole.log, &alt.log, "log differs between fast-path variants");
            free(alt.log.b);
        }
    }

    /* smtpreply_parser_feed_many() must hand out the same replies and errors,
     * whole and in the chunks. */
    {
        struct run batch;
        run_init(&batch, &p, &c, buf);
        batch.many = MANY_MAX;
        feed_piece(&batch, (const char *)s, n);
        finish(&batch);
        compare(&whole.log, &batch.log, "log differs with feed_many()");
        free(batch.log.b);
        run_init(&batch, &p, &c, buf);
        batch.many = 1 + c.chunk % MANY_MAX;
        for (at = 0; at < n; at += c.chunk)
            feed_copy(&batch, s, at, at + c.chunk < n ? at + c.chunk : n);
        finish(&batch);
        compare(&whole.log, &batch.log, "log differs with feed_many() in chunks");
        free(batch.log.b);
    }

    run_init(&cut, &p, &c, buf);
    feed_copy(&cut, s, 0, c.cut);
    feed_copy(&cut, s, c.cut, n);
    finish(&cut);
    compare(&whole.log, &cut.log, "log differs when the input is cut in two");

    run_init(&chunked, &p, &c, buf);
    for (at = 0; at < n; at += c.chunk)
        feed_copy(&chunked, s, at, at + c.chunk < n ? at + c.chunk : n);
    finish(&chunked);
    compare(&whole.log, &chunked.log, "log differs when the input is fed in chunks");

    free(whole.log.b);
    free(again.log.b);
    free(cut.log.b);
    free(chunked.log.b);
    free(buf);
    return 0;
}
