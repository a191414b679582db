/* SPDX-License-Identifier: MIT */
#define _DEFAULT_SOURCE
#include "helpers.h"
#include "internal.h"

#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifndef __wasi__
#include <sys/mman.h>
#include <unistd.h>
#endif

const char *flag_name(uint32_t bit)
{
    switch (bit) {
    case SMTPREPLY_FLAG_BARE_LF: return "bare_lf";
    case SMTPREPLY_FLAG_SECOND_DIGIT: return "second_digit";
    case SMTPREPLY_FLAG_LINE_OVER_512: return "over_512";
    case SMTPREPLY_FLAG_NUL: return "nul";
    case SMTPREPLY_FLAG_8BIT: return "8bit";
    case SMTPREPLY_FLAG_LONE_CR: return "lone_cr";
    case SMTPREPLY_FLAG_TRUNCATED: return "truncated";
    case SMTPREPLY_FLAG_ENHANCED_MISMATCH: return "enh_mismatch";
    case SMTPREPLY_FLAG_ENHANCED_INVALID: return "enh_invalid";
    case SMTPREPLY_FLAG_DAMAGED: return "damaged";
    case SMTPREPLY_FLAG_CODE_ONLY: return "code_only";
    default: return "?";
    }
}

uint64_t test_rand(uint64_t *state)
{
    uint64_t x = *state ? *state : 0x9E3779B97F4A7C15ull;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *state = x;
    return x * 0x2545F4914F6CDD1Dull;
}

struct sink {
    char *out;
    size_t cap, len;
};

static void emit(struct sink *k, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void emit(struct sink *k, const char *fmt, ...)
{
    va_list ap;
    int n;
    if (k->len + 1 >= k->cap)
        return;
    va_start(ap, fmt);
    n = vsnprintf(k->out + k->len, k->cap - k->len, fmt, ap);
    va_end(ap);
    if (n > 0)
        k->len += (size_t)n < k->cap - k->len ? (size_t)n : k->cap - k->len - 1;
}

static void emit_text(struct sink *k, const char *t, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)t[i];
        if (c == '\n')
            emit(k, "|");
        else if (c < 0x20 || c >= 0x7F || c == '|' || c == '\'' || c == '\\')
            emit(k, "\\x%02x", c);
        else
            emit(k, "%c", c);
    }
}

static void log_reply(struct sink *k, const struct smtpreply_reply *r, enum log_detail d)
{
    uint32_t bit;
    emit(k, "%u %s '", r->code, r->enhanced_text[0] ? r->enhanced_text : "-");
    emit_text(k, r->text, r->text_len);
    emit(k, "'");
    for (bit = 1; bit; bit <<= 1)
        if (r->flags & bit)
            emit(k, " +%s", flag_name(bit));
    if (r->encoding == SMTPREPLY_TEXT_UTF8)
        emit(k, " +utf8");
    else if (r->encoding == SMTPREPLY_TEXT_OTHER)
        emit(k, " +other");
    if (r->line_count != r->lines_stored || d == LOG_FULL)
        emit(k, " lines=%u/%u", r->line_count, r->lines_stored);
    if (d == LOG_FULL)
        emit(k, " off=%llu len=%llu first=%u textlen=%zu",
             (unsigned long long)r->offset, (unsigned long long)r->length,
             r->first_line, r->text_len);
    emit(k, "\n");
}

static void log_error(struct sink *k, const struct smtpreply_parser *p, int rc,
                      enum log_detail d)
{
    struct smtpreply_error e;
    smtpreply_parser_error(p, &e);
    if (e.status != rc)
        ck_abort_msg("error status %d, returned %d", e.status, rc);
    emit(k, "!%s@%u:%llu", e.name, e.line, (unsigned long long)e.offset);
    if (d == LOG_FULL)
        emit(k, " pos=%llu", (unsigned long long)e.position);
    emit(k, "\n");
}

#ifndef __wasi__
/* A copy of the input that ends right before a PROT_NONE page. */
char *test_guarded(const char *in, size_t len, void **map, size_t *maplen)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t body = (len + page - 1) / page * page;
    char *base;
    if (body == 0)
        body = page;
    *maplen = body + page;
    base = mmap(NULL, *maplen, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ck_assert_msg(base != MAP_FAILED, "mmap failed");
    ck_assert_int_eq(mprotect(base + body, page, PROT_NONE), 0);
    *map = base;
    memcpy(base + body - len, in, len);
    return base + body - len;
}

void test_unguard(void *map, size_t maplen)
{
    munmap(map, maplen);
}
#else
/* WebAssembly has no page protection (and WASI no mmap): the input is a plain
 * copy there; the native runs of the same tests keep the guard page. */
char *test_guarded(const char *in, size_t len, void **map, size_t *maplen)
{
    char *copy = malloc(len ? len : 1);
    ck_assert_msg(copy != NULL, "out of memory");
    memcpy(copy, in, len);
    *map = copy;
    *maplen = len;
    return copy;
}

void test_unguard(void *map, size_t maplen)
{
    (void)maplen;
    free(map);
}
#endif

static struct smtpreply_reply batch[FEED_MANY_MAX];

/* One smtpreply_parser_feed_many() call into batch[], every reply logged after the
 * call, so a later reply's text overwriting an earlier one's would show. */
static int feed_many_logged(struct smtpreply_parser *p, const char *data, size_t len,
                            size_t *used, size_t many, struct sink *k, enum log_detail detail)
{
    size_t count = 99999, i;
    uint64_t end;
    int rc;

    if (many > FEED_MANY_MAX)
        ck_abort_msg("many %zu over %d", many, FEED_MANY_MAX);
    rc = smtpreply_parser_feed_many(p, data, len, used, batch, many, &count);
    if (rc == SMTPREPLY_REPLY ? count < 1 || count > many : count != 0)
        ck_abort_msg("feed_many returned %d with count %zu of %zu", rc, count, many);
    end = count ? batch[0].offset : 0;
    for (i = 0; i < count; i++) {
        if (batch[i].offset != end)
            ck_abort_msg("reply %zu of a batch at %llu, expected %llu", i,
                         (unsigned long long)batch[i].offset, (unsigned long long)end);
        end += batch[i].length;
        if (i > 0 && batch[i].text <= batch[i - 1].text + batch[i - 1].text_len)
            ck_abort_msg("reply %zu of a batch has its text inside the one before", i);
        log_reply(k, &batch[i], detail);
    }
    return rc;
}

int feed_log(const char *in, size_t len, const struct feed_opts *fo,
             const size_t *cuts, size_t ncuts, enum log_detail detail,
             char *out, size_t outcap)
{
    struct smtpreply_parser p;
    struct smtpreply_options o;
    struct smtpreply_reply r;
    struct sink k = { out, outcap, 0 };
    static char text[1 << 20];
    size_t cap = fo && fo->cap ? fo->cap : 4096, at = 0, ci = 0, many = fo ? fo->many : 0;
    void *map;
    size_t maplen;
    char *data = test_guarded(in, len, &map, &maplen);
    int errors = 0, rc;

    out[0] = '\0';
    if (fo && fo->no_text)
        cap = 0;
    ck_assert(cap <= sizeof text);
    smtpreply_options_default(&o);
    if (fo) {
        o.strict = fo->strict;
        o.smtputf8 = fo->smtputf8;
        if (fo->max_line)
            o.max_line_length = fo->max_line;
        if (fo->max_lines)
            o.max_lines = fo->max_lines;
    }
    ck_assert_int_eq(smtpreply_parser_init_ex(&p, cap ? text : NULL, cap, &o), SMTPREPLY_OK);
    while (at < len) {
        size_t end = ci < ncuts ? cuts[ci++] : len;
        int stalled = 0;
        if (end <= at || end > len)
            continue;
        while (at < end) {
            size_t used = 99999;
            if (many) {
                rc = feed_many_logged(&p, data + at, end - at, &used, many, &k, detail);
                r = batch[0];
            } else {
                rc = smtpreply_parser_feed(&p, data + at, end - at, &used, &r);
                if (rc == SMTPREPLY_REPLY)
                    log_reply(&k, &r, detail);
            }
            /* Plain tests, Check only on failure: every ck_assert records its
             * location with a write, and this loop runs millions of times. */
            if (used > end - at)
                ck_abort_msg("consumed %zu of %zu", used, end - at);
            if (rc == SMTPREPLY_REPLY) {
                /* logged above */
            } else if (rc < 0) {
                log_error(&k, &p, rc, detail);
                errors++;
            } else {
                if (used != end - at || r.code != 0)
                    ck_abort_msg("NEED_MORE but %zu of %zu used, code %u", used, end - at, r.code);
            }
            if (used == 0) {
                if (rc >= 0 || stalled)
                    ck_abort_msg("no progress (rc %d)", rc);
                stalled = 1;
            } else {
                stalled = 0;
            }
            at += used;
        }
    }
    rc = smtpreply_parser_finish(&p, &r);
    if (rc < 0) {
        log_error(&k, &p, rc, detail);
        errors++;
    }
    test_unguard(map, maplen);
    /* Drop the last '\n' so expectations read naturally. */
    if (k.len && out[k.len - 1] == '\n')
        out[--k.len] = '\0';
    return errors;
}

int feed_chunked(const char *in, size_t len, const struct feed_opts *fo, size_t chunk,
                 enum log_detail detail, char *out, size_t outcap)
{
    size_t n = 0, i, *cuts;
    int rc;
    if (chunk == 0 || chunk >= len)
        return feed_log(in, len, fo, NULL, 0, detail, out, outcap);
    cuts = malloc((len / chunk + 1) * sizeof *cuts);
    ck_assert_ptr_nonnull(cuts);
    for (i = chunk; i < len; i += chunk)
        cuts[n++] = i;
    rc = feed_log(in, len, fo, cuts, n, detail, out, outcap);
    free(cuts);
    return rc;
}

/* documented in helpers.h */
int run_per_parser_variant(Suite *(*make)(void))
{
    const char *name;
    size_t v;
    int failed = 0;

    for (v = 0; smtpreply__parser_variant(v, &name); v++) {
        SRunner *sr = srunner_create(make());
        printf("parser fast path: %s\n", name);
        fflush(stdout);
        srunner_run_all(sr, CK_ENV);
        failed += srunner_ntests_failed(sr);
        srunner_free(sr);
    }
    return failed;
}
