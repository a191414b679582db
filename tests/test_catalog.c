/* SPDX-License-Identifier: MIT */
/*
 * The catalog: every code of the shared CSVs has a complete entry in English;
 * every Vietnamese row is complete and served as "vi" (all of them when
 * SMTPREPLY_REQUIRE_VI=1); unknown codes fall back to their class and say so;
 * the generated .def files match what tools/gen_tables.py makes today.
 *
 * The tables below are read from the same .def files the library compiles, so
 * each row written by hand is checked against the library's answer.
 */
#define _POSIX_C_SOURCE 200809L

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "smtpreply.h"
#include "internal.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#ifndef SRCDIR
#error "SRCDIR must name the source root"
#endif

/* ---- Rows of the .def files ---- */

struct basic_row {
    unsigned code;
    const char *title, *description, *when, *fix;
};
struct detail_row {
    unsigned subject, detail;
    const char *title, *description, *action;
};
struct head_row {
    unsigned key;
    const char *title, *description;
};
struct fact_row {
    unsigned code;
    const char *reference;
};
struct detail_fact_row {
    unsigned subject, detail;
    const char *title, *reference, *basic;
};
struct reason_row {
    int reason;
    const char *text;
};

#define SMTPREPLY_BASIC_TEXT(code, title, desc, when, fix)
#define SMTPREPLY_CLASS_TEXT(digit, title, desc, when, fix)
#define SMTPREPLY_SEVERITY_TEXT(digit, title)
#define SMTPREPLY_CATEGORY_TEXT(digit, title, desc)
#define SMTPREPLY_ENH_CLASS_TEXT(klass, title, desc)
#define SMTPREPLY_ENH_SUBJECT_TEXT(subject, title, desc)
#define SMTPREPLY_ENH_DETAIL_TEXT(subject, detail, title, desc, action)
#define SMTPREPLY_REASON_TEXT(reason, text)
#define SMTPREPLY_BASIC_FACT(code, ref)
#define SMTPREPLY_ENH_CLASS_FACT(klass, title, ref)
#define SMTPREPLY_ENH_SUBJECT_FACT(subject, title, ref)
#define SMTPREPLY_ENH_DETAIL_FACT(subject, detail, title, ref, basic)

/* Each list ends in a sentinel row so an empty .def still compiles; N_() drops it. */
#define N_(a) (ARRAY_SIZE(a) - 1)

#undef SMTPREPLY_BASIC_FACT
#define SMTPREPLY_BASIC_FACT(code, ref) { code, ref },
static const struct fact_row basic_facts[] = {
#include "basic_codes.def"
    { 0, NULL }
};
#undef SMTPREPLY_BASIC_FACT
#define SMTPREPLY_BASIC_FACT(code, ref)

#undef SMTPREPLY_ENH_DETAIL_FACT
#define SMTPREPLY_ENH_DETAIL_FACT(subject, detail, title, ref, basic) \
    { subject, detail, title, ref, basic },
static const struct detail_fact_row detail_facts[] = {
#include "enhanced_codes.def"
    { 0, 0, NULL, NULL, NULL }
};
#undef SMTPREPLY_ENH_DETAIL_FACT
#define SMTPREPLY_ENH_DETAIL_FACT(subject, detail, title, ref, basic)

#undef SMTPREPLY_BASIC_TEXT
#define SMTPREPLY_BASIC_TEXT(code, title, desc, when, fix) { code, title, desc, when, fix },
static const struct basic_row basic_en[] = {
#include "catalog_basic_en.def"
    { 0, NULL, NULL, NULL, NULL }
};
static const struct basic_row basic_vi[] = {
#include "catalog_basic_vi.def"
    { 0, NULL, NULL, NULL, NULL }
};
#undef SMTPREPLY_BASIC_TEXT
#define SMTPREPLY_BASIC_TEXT(code, title, desc, when, fix)

#undef SMTPREPLY_CLASS_TEXT
#define SMTPREPLY_CLASS_TEXT(digit, title, desc, when, fix) { digit, title, desc, when, fix },
static const struct basic_row class_en[] = {
#include "catalog_basic_en.def"
    { 0, NULL, NULL, NULL, NULL }
};
static const struct basic_row class_vi[] = {
#include "catalog_basic_vi.def"
    { 0, NULL, NULL, NULL, NULL }
};
#undef SMTPREPLY_CLASS_TEXT
#define SMTPREPLY_CLASS_TEXT(digit, title, desc, when, fix)

#undef SMTPREPLY_SEVERITY_TEXT
#define SMTPREPLY_SEVERITY_TEXT(digit, title) { digit, title, "-" },
static const struct head_row severity_en[] = {
#include "catalog_basic_en.def"
    { 0, NULL, NULL }
};
static const struct head_row severity_vi[] = {
#include "catalog_basic_vi.def"
    { 0, NULL, NULL }
};
#undef SMTPREPLY_SEVERITY_TEXT
#define SMTPREPLY_SEVERITY_TEXT(digit, title)

#undef SMTPREPLY_CATEGORY_TEXT
#define SMTPREPLY_CATEGORY_TEXT(digit, title, desc) { digit, title, desc },
static const struct head_row category_en[] = {
#include "catalog_basic_en.def"
    { 0, NULL, NULL }
};
static const struct head_row category_vi[] = {
#include "catalog_basic_vi.def"
    { 0, NULL, NULL }
};
#undef SMTPREPLY_CATEGORY_TEXT
#define SMTPREPLY_CATEGORY_TEXT(digit, title, desc)

#undef SMTPREPLY_ENH_CLASS_TEXT
#define SMTPREPLY_ENH_CLASS_TEXT(klass, title, desc) { klass, title, desc },
static const struct head_row eclass_en[] = {
#include "catalog_enhanced_en.def"
    { 0, NULL, NULL }
};
static const struct head_row eclass_vi[] = {
#include "catalog_enhanced_vi.def"
    { 0, NULL, NULL }
};
#undef SMTPREPLY_ENH_CLASS_TEXT
#define SMTPREPLY_ENH_CLASS_TEXT(klass, title, desc)

#undef SMTPREPLY_ENH_SUBJECT_TEXT
#define SMTPREPLY_ENH_SUBJECT_TEXT(subject, title, desc) { subject, title, desc },
static const struct head_row subject_en[] = {
#include "catalog_enhanced_en.def"
    { 0, NULL, NULL }
};
static const struct head_row subject_vi[] = {
#include "catalog_enhanced_vi.def"
    { 0, NULL, NULL }
};
#undef SMTPREPLY_ENH_SUBJECT_TEXT
#define SMTPREPLY_ENH_SUBJECT_TEXT(subject, title, desc)

#undef SMTPREPLY_ENH_DETAIL_TEXT
#define SMTPREPLY_ENH_DETAIL_TEXT(subject, detail, title, desc, action) \
    { subject, detail, title, desc, action },
static const struct detail_row detail_en[] = {
#include "catalog_enhanced_en.def"
    { 0, 0, NULL, NULL, NULL }
};
static const struct detail_row detail_vi[] = {
#include "catalog_enhanced_vi.def"
    { 0, 0, NULL, NULL, NULL }
};
#undef SMTPREPLY_ENH_DETAIL_TEXT
#define SMTPREPLY_ENH_DETAIL_TEXT(subject, detail, title, desc, action)

#undef SMTPREPLY_REASON_TEXT
#define SMTPREPLY_REASON_TEXT(reason, text) { reason, text },
static const struct reason_row reasons_en[] = {
#include "reasons_en.def"
    { -1, NULL }
};
static const struct reason_row reasons_vi[] = {
#include "reasons_vi.def"
    { -1, NULL }
};
#undef SMTPREPLY_REASON_TEXT

/* ---- Helpers ---- */

static int nonempty(const char *s)
{
    return s != NULL && s[0] != '\0';
}

static int require_vi(void)
{
    const char *v = getenv("SMTPREPLY_REQUIRE_VI");
    return v != NULL && strcmp(v, "1") == 0;
}

static const struct basic_row *find_basic(const struct basic_row *rows, size_t n, unsigned code)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (rows[i].code == code)
            return &rows[i];
    return NULL;
}

static const struct detail_row *find_detail(const struct detail_row *rows, size_t n,
                                            unsigned s, unsigned d)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (rows[i].subject == s && rows[i].detail == d)
            return &rows[i];
    return NULL;
}

static const struct head_row *find_head(const struct head_row *rows, size_t n, unsigned key)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (rows[i].key == key)
            return &rows[i];
    return NULL;
}

static void check_code_info(unsigned code, const char *lang, const char *want_locale)
{
    struct smtpreply_code_info info;

    ck_assert_int_eq(smtpreply_explain_code(code, lang, &info), SMTPREPLY_OK);
    ck_assert_msg(info.code == code, "%u: code %u", code, info.code);
    ck_assert_msg(info.match == SMTPREPLY_MATCH_EXACT, "%u (%s): not an exact match", code, lang);
    ck_assert_msg(nonempty(info.title) && nonempty(info.description) && nonempty(info.when)
                  && nonempty(info.fix) && nonempty(info.reference)
                  && nonempty(info.severity_title),
                  "%u (%s): empty string in its entry", code, lang);
    ck_assert_msg(strcmp(info.locale, want_locale) == 0, "%u (%s): served by %s, want %s",
                  code, lang, info.locale, want_locale);
    ck_assert_int_eq(info.severity, smtpreply_severity_of(code));
    ck_assert_int_eq(info.category, smtpreply_category_of(code));
}

static void check_enhanced_info(unsigned k, unsigned s, unsigned d, const char *lang,
                                const char *want_locale)
{
    struct smtpreply_enhanced code = { (uint16_t)k, (uint16_t)s, (uint16_t)d, 0 };
    struct smtpreply_enhanced_info info;

    ck_assert_int_eq(smtpreply_explain_enhanced(&code, lang, &info), SMTPREPLY_OK);
    ck_assert_msg(info.match == SMTPREPLY_MATCH_EXACT, "%u.%u.%u: not exact", k, s, d);
    ck_assert_msg(nonempty(info.class_title) && nonempty(info.class_description)
                  && nonempty(info.subject_title) && nonempty(info.subject_description)
                  && nonempty(info.title) && nonempty(info.description)
                  && nonempty(info.action) && nonempty(info.reference),
                  "%u.%u.%u (%s): empty string in its entry", k, s, d, lang);
    ck_assert_msg(info.basic_codes != NULL, "%u.%u.%u: basic_codes NULL", k, s, d);
    ck_assert_msg(strcmp(info.locale, want_locale) == 0, "%u.%u.%u (%s): served by %s",
                  k, s, d, lang, info.locale);
}

/* ---- English: every fact has words, every word row has a fact ---- */

START_TEST(basic_fact_has_entry)
{
    const struct fact_row *f = &basic_facts[_i];
    struct smtpreply_code_info info;

    check_code_info(f->code, "en", "en");
    check_code_info(f->code, NULL, "en");
    smtpreply_explain_code(f->code, "en", &info);
    ck_assert_str_eq(info.reference, f->reference);
}
END_TEST

START_TEST(basic_row_has_fact)
{
    const struct basic_row *r = &basic_en[_i];
    size_t i;
    int found = 0;

    for (i = 0; i < N_(basic_facts); i++)
        found |= basic_facts[i].code == r->code;
    ck_assert_msg(found, "catalog_basic_en.def has %u, which no CSV row defines", r->code);
}
END_TEST

START_TEST(basic_enumeration)
{
    size_t i;

    for (i = 0; i < N_(basic_facts); i++) {
        ck_assert_uint_eq(smtpreply_catalog_code_at(i), basic_facts[i].code);
        if (i > 0)
            ck_assert_uint_gt(basic_facts[i].code, basic_facts[i - 1].code);
    }
    ck_assert_uint_eq(smtpreply_catalog_code_at(N_(basic_facts)), 0);
    ck_assert_uint_eq(smtpreply_catalog_code_at((size_t)-1), 0);
}
END_TEST

START_TEST(detail_fact_has_entry)
{
    const struct detail_fact_row *f = &detail_facts[_i];
    static const unsigned classes[] = { 2, 4, 5 };
    struct smtpreply_enhanced code = { 5, (uint16_t)f->subject, (uint16_t)f->detail, 0 };
    struct smtpreply_enhanced_info info;
    size_t k;

    for (k = 0; k < ARRAY_SIZE(classes); k++)
        check_enhanced_info(classes[k], f->subject, f->detail, "en", "en");
    smtpreply_explain_enhanced(&code, "en", &info);
    ck_assert_str_eq(info.reference, f->reference);
    ck_assert_str_eq(info.basic_codes, f->basic);
}
END_TEST

START_TEST(detail_row_has_fact)
{
    const struct detail_row *r = &detail_en[_i];
    size_t i;
    int found = 0;

    for (i = 0; i < N_(detail_facts); i++)
        found |= detail_facts[i].subject == r->subject && detail_facts[i].detail == r->detail;
    ck_assert_msg(found, "catalog_enhanced_en.def has X.%u.%u, which the registry lacks",
                  r->subject, r->detail);
}
END_TEST

START_TEST(enhanced_enumeration)
{
    struct smtpreply_enhanced e;
    size_t i;

    for (i = 0; i < N_(detail_facts); i++) {
        ck_assert_int_eq(smtpreply_catalog_enhanced_at(i, &e), 1);
        ck_assert_uint_eq(e.klass, 0);
        ck_assert_uint_eq(e.subject, detail_facts[i].subject);
        ck_assert_uint_eq(e.detail, detail_facts[i].detail);
    }
    ck_assert_int_eq(smtpreply_catalog_enhanced_at(N_(detail_facts), &e), 0);
    ck_assert_int_eq(smtpreply_catalog_enhanced_at(0, NULL), 0);
}
END_TEST

/* Class, subject, severity and category rows are all there in English. */
START_TEST(heads_complete_en)
{
    static const unsigned classes[] = { 2, 4, 5 };
    static const unsigned categories[] = { 0, 1, 2, 3, 5 };
    size_t i;
    const struct head_row *h;
    const struct basic_row *b;

    for (i = 0; i < ARRAY_SIZE(classes); i++) {
        h = find_head(eclass_en, N_(eclass_en), classes[i]);
        ck_assert_msg(h && nonempty(h->title) && nonempty(h->description), "class %u", classes[i]);
    }
    for (i = 0; i < 8; i++) {
        h = find_head(subject_en, N_(subject_en), (unsigned)i);
        ck_assert_msg(h && nonempty(h->title) && nonempty(h->description), "subject %zu", i);
    }
    for (i = 2; i <= 5; i++) {
        h = find_head(severity_en, N_(severity_en), (unsigned)i);
        ck_assert_msg(h && nonempty(h->title), "severity %zu", i);
        b = find_basic(class_en, N_(class_en), (unsigned)i);
        ck_assert_msg(b && nonempty(b->title) && nonempty(b->description) && nonempty(b->when)
                      && nonempty(b->fix), "class fallback %zu", i);
    }
    for (i = 0; i < ARRAY_SIZE(categories); i++) {
        const char *t, *d;
        h = find_head(category_en, N_(category_en), categories[i]);
        ck_assert_msg(h && nonempty(h->title) && nonempty(h->description), "category %u",
                      categories[i]);
        ck_assert_int_eq(smtpreply_category_describe((int)categories[i], "en", &t, &d), SMTPREPLY_OK);
        ck_assert_str_eq(t, h->title);
        ck_assert_str_eq(d, h->description);
    }
    ck_assert_int_eq(smtpreply_category_describe(4, "en", NULL, NULL), SMTPREPLY_E_UNKNOWN_CODE);
    ck_assert_int_eq(smtpreply_category_describe(SMTPREPLY_CAT_UNKNOWN, "en", NULL, NULL),
                     SMTPREPLY_E_UNKNOWN_CODE);
}
END_TEST

START_TEST(reasons_en_complete)
{
    int r, q;

    ck_assert_uint_eq(N_(reasons_en), SMTPREPLY_REASON_COUNT);
    for (r = 0; r < SMTPREPLY_REASON_COUNT; r++) {
        const char *s = smtpreply_reason_describe(r, "en");
        ck_assert_msg(nonempty(s), "reason %d has no text", r);
        for (q = 0; q < r; q++)
            ck_assert_str_ne(s, smtpreply_reason_describe(q, "en"));
    }
    ck_assert_ptr_nonnull(smtpreply_reason_describe(-1, NULL));
    ck_assert_ptr_nonnull(smtpreply_reason_describe(SMTPREPLY_REASON_COUNT, "vi"));
}
END_TEST

/* ---- The shared CSVs themselves: every code of all three files ---- */

static FILE *open_csv(const char *name)
{
    char path[1024];

    snprintf(path, sizeof path, "%s/../shared/data/%s", SRCDIR, name);
    return fopen(path, "r");
}

/* First field of each data line (no CSV quoting needed for the first column). */
static int next_first_field(FILE *f, char *field, size_t cap)
{
    char line[8192];
    size_t n;

    while (fgets(line, sizeof line, f) != NULL) {
        n = strcspn(line, ",\r\n");
        if (n == 0 || n >= cap)
            continue;
        memcpy(field, line, n);
        field[n] = '\0';
        return 1;
    }
    return 0;
}

START_TEST(csv_basic_codes)
{
    FILE *f = open_csv("basic-reply-codes.csv");
    char field[64];
    unsigned seen = 0;

    if (f == NULL) {
        printf("SKIP csv_basic_codes: %s/../shared/data not found\n", SRCDIR);
        return;
    }
    ck_assert(next_first_field(f, field, sizeof field)); /* header */
    while (next_first_field(f, field, sizeof field)) {
        check_code_info((unsigned)atoi(field), "en", "en");
        seen++;
    }
    fclose(f);
    ck_assert_uint_ge(seen, N_(basic_facts));
}
END_TEST

START_TEST(csv_sequence_codes)
{
    FILE *f = open_csv("command-reply-sequences.csv");
    char line[4096];
    unsigned seen = 0;

    if (f == NULL) {
        printf("SKIP csv_sequence_codes: %s/../shared/data not found\n", SRCDIR);
        return;
    }
    ck_assert_ptr_nonnull(fgets(line, sizeof line, f)); /* header */
    while (fgets(line, sizeof line, f) != NULL) {
        /* command,outcome,code,... : the third field, never quoted */
        char *p = strchr(line, ',');
        if (p == NULL || (p = strchr(p + 1, ',')) == NULL)
            continue;
        check_code_info((unsigned)atoi(p + 1), "en", "en");
        seen++;
    }
    fclose(f);
    ck_assert_uint_gt(seen, 50);
}
END_TEST

START_TEST(csv_enhanced_codes)
{
    FILE *f = open_csv("enhanced-status-codes.csv");
    char field[64];
    unsigned a, b, seen = 0;
    char x;
    struct smtpreply_enhanced_info info;

    if (f == NULL) {
        printf("SKIP csv_enhanced_codes: %s/../shared/data not found\n", SRCDIR);
        return;
    }
    ck_assert(next_first_field(f, field, sizeof field)); /* header */
    while (next_first_field(f, field, sizeof field)) {
        if (sscanf(field, "X.%u.%u%c", &a, &b, &x) == 2) {
            check_enhanced_info(5, a, b, "en", "en");
            check_enhanced_info(4, a, b, "en", "en");
        } else if (sscanf(field, "X.%u.YYY", &a) == 1) {
            struct smtpreply_enhanced c = { 5, (uint16_t)a, 0, 0 };
            ck_assert_int_eq(smtpreply_explain_enhanced(&c, "en", &info), SMTPREPLY_OK);
            ck_assert_msg(nonempty(info.subject_title) && nonempty(info.subject_description),
                          "subject %u", a);
        } else if (sscanf(field, "%u.XXX.YYY", &a) == 1) {
            struct smtpreply_enhanced c = { (uint16_t)a, 0, 0, 0 };
            ck_assert_int_eq(smtpreply_explain_enhanced(&c, "en", &info), SMTPREPLY_OK);
            ck_assert_msg(nonempty(info.class_title) && nonempty(info.class_description),
                          "class %u", a);
        } else {
            ck_abort_msg("unexpected code %s in enhanced-status-codes.csv", field);
        }
        seen++;
    }
    fclose(f);
    ck_assert_uint_eq(seen, 3 + 8 + N_(detail_facts));
}
END_TEST

/* ---- Vietnamese ---- */

/* Every Vietnamese row present is complete and served as "vi"; rows that are
 * missing fall back to English. With SMTPREPLY_REQUIRE_VI=1 none may be missing. */
START_TEST(vi_basic)
{
    const struct fact_row *f = &basic_facts[_i];
    const struct basic_row *vi = find_basic(basic_vi, N_(basic_vi), f->code);
    const struct basic_row *en = find_basic(basic_en, N_(basic_en), f->code);
    struct smtpreply_code_info info;

    ck_assert_ptr_nonnull(en);
    if (vi == NULL) {
        ck_assert_msg(!require_vi(), "%u has no Vietnamese row", f->code);
        ck_assert_int_eq(smtpreply_explain_code(f->code, "vi", &info), SMTPREPLY_OK);
        ck_assert_str_eq(info.locale, "en");
        ck_assert_str_eq(info.title, en->title);
        ck_assert_str_eq(info.fix, en->fix);
        return;
    }
    ck_assert_msg(nonempty(vi->title) && nonempty(vi->description) && nonempty(vi->when)
                  && nonempty(vi->fix), "%u: Vietnamese row has an empty string", f->code);
    check_code_info(f->code, "vi", "vi");
    check_code_info(f->code, "vi-VN", "vi");
    smtpreply_explain_code(f->code, "vi", &info);
    ck_assert_str_eq(info.title, vi->title);
    ck_assert_str_eq(info.when, vi->when);
}
END_TEST

START_TEST(vi_detail)
{
    const struct detail_fact_row *f = &detail_facts[_i];
    const struct detail_row *vi = find_detail(detail_vi, N_(detail_vi), f->subject, f->detail);
    const struct detail_row *en = find_detail(detail_en, N_(detail_en), f->subject, f->detail);
    struct smtpreply_enhanced code = { 5, (uint16_t)f->subject, (uint16_t)f->detail, 0 };
    struct smtpreply_enhanced_info info;

    ck_assert_ptr_nonnull(en);
    if (vi == NULL) {
        ck_assert_msg(!require_vi(), "X.%u.%u has no Vietnamese row", f->subject, f->detail);
        ck_assert_int_eq(smtpreply_explain_enhanced(&code, "vi", &info), SMTPREPLY_OK);
        ck_assert_str_eq(info.locale, "en");
        ck_assert_str_eq(info.title, en->title);
        ck_assert_str_eq(info.action, en->action);
        return;
    }
    ck_assert_msg(nonempty(vi->title) && nonempty(vi->description) && nonempty(vi->action),
                  "X.%u.%u: Vietnamese row has an empty string", f->subject, f->detail);
    check_enhanced_info(5, f->subject, f->detail, "vi", "vi");
    check_enhanced_info(2, f->subject, f->detail, "VI", "vi");
    smtpreply_explain_enhanced(&code, "vi", &info);
    ck_assert_str_eq(info.title, vi->title);
    ck_assert_str_eq(info.action, vi->action);
}
END_TEST

START_TEST(vi_heads_and_reasons)
{
    static const unsigned classes[] = { 2, 4, 5 };
    static const unsigned categories[] = { 0, 1, 2, 3, 5 };
    int strict = require_vi();
    size_t i;
    const struct head_row *h;
    const struct basic_row *b;

    /* Rows present must be complete; in strict mode all must be present. */
    for (i = 0; i < ARRAY_SIZE(classes); i++) {
        h = find_head(eclass_vi, N_(eclass_vi), classes[i]);
        ck_assert_msg(h ? nonempty(h->title) && nonempty(h->description) : !strict,
                      "vi enhanced class %u", classes[i]);
    }
    for (i = 0; i < 8; i++) {
        h = find_head(subject_vi, N_(subject_vi), (unsigned)i);
        ck_assert_msg(h ? nonempty(h->title) && nonempty(h->description) : !strict,
                      "vi subject %zu", i);
    }
    for (i = 2; i <= 5; i++) {
        struct smtpreply_code_info info;
        h = find_head(severity_vi, N_(severity_vi), (unsigned)i);
        ck_assert_msg(h ? nonempty(h->title) : !strict, "vi severity %zu", i);
        b = find_basic(class_vi, N_(class_vi), (unsigned)i);
        ck_assert_msg(b ? nonempty(b->title) && nonempty(b->description) && nonempty(b->when)
                              && nonempty(b->fix)
                        : !strict, "vi class fallback %zu", i);
        smtpreply_explain_code((unsigned)i * 100 + 99, "vi", &info);
        ck_assert_str_eq(info.locale, b ? "vi" : "en");
    }
    for (i = 0; i < ARRAY_SIZE(categories); i++) {
        const char *t, *d;
        h = find_head(category_vi, N_(category_vi), categories[i]);
        ck_assert_msg(h ? nonempty(h->title) && nonempty(h->description) : !strict,
                      "vi category %u", categories[i]);
        ck_assert_int_eq(smtpreply_category_describe((int)categories[i], "vi", &t, &d),
                         SMTPREPLY_OK);
        if (h != NULL) {
            ck_assert_str_eq(t, h->title);
            ck_assert_str_eq(d, h->description);
        }
    }
    for (i = 0; i < N_(reasons_vi); i++)
        ck_assert_msg(nonempty(reasons_vi[i].text)
                      && strcmp(smtpreply_reason_describe(reasons_vi[i].reason, "vi"),
                                reasons_vi[i].text) == 0,
                      "vi reason %d", reasons_vi[i].reason);
    if (strict)
        ck_assert_uint_eq(N_(reasons_vi), SMTPREPLY_REASON_COUNT);
}
END_TEST

/* Every Vietnamese row names a code that exists (no orphan translations). */
START_TEST(vi_rows_have_facts)
{
    size_t i, j;
    int found;

    for (i = 0; i < N_(basic_vi); i++)
        ck_assert_msg(find_basic(basic_en, N_(basic_en), basic_vi[i].code) != NULL,
                      "catalog_basic_vi.def: %u has no English row", basic_vi[i].code);
    for (i = 0; i < N_(detail_vi); i++)
        ck_assert_msg(find_detail(detail_en, N_(detail_en), detail_vi[i].subject,
                                  detail_vi[i].detail) != NULL,
                      "catalog_enhanced_vi.def: X.%u.%u has no English row",
                      detail_vi[i].subject, detail_vi[i].detail);
    for (i = 0; i < N_(reasons_vi); i++) {
        found = 0;
        for (j = 0; j < N_(reasons_en); j++)
            found |= reasons_en[j].reason == reasons_vi[i].reason;
        ck_assert_msg(found, "reasons_vi.def: reason %d unknown", reasons_vi[i].reason);
    }
}
END_TEST

/* ---- Fallbacks and bad input ---- */

static const struct class_case {
    unsigned code;
    int rc, match, severity;
} class_cases[] = {
    { 599, SMTPREPLY_OK, SMTPREPLY_MATCH_CLASS, SMTPREPLY_SEV_PERMANENT_NEGATIVE },
    { 523, SMTPREPLY_OK, SMTPREPLY_MATCH_CLASS, SMTPREPLY_SEV_PERMANENT_NEGATIVE },
    { 499, SMTPREPLY_OK, SMTPREPLY_MATCH_CLASS, SMTPREPLY_SEV_TRANSIENT_NEGATIVE },
    { 422, SMTPREPLY_OK, SMTPREPLY_MATCH_CLASS, SMTPREPLY_SEV_TRANSIENT_NEGATIVE },
    { 399, SMTPREPLY_OK, SMTPREPLY_MATCH_CLASS, SMTPREPLY_SEV_POSITIVE_INTERMEDIATE },
    { 200, SMTPREPLY_OK, SMTPREPLY_MATCH_CLASS, SMTPREPLY_SEV_POSITIVE_COMPLETION },
    { 299, SMTPREPLY_OK, SMTPREPLY_MATCH_CLASS, SMTPREPLY_SEV_POSITIVE_COMPLETION },
    { 535, SMTPREPLY_OK, SMTPREPLY_MATCH_EXACT, SMTPREPLY_SEV_PERMANENT_NEGATIVE },
    { 199, SMTPREPLY_E_UNKNOWN_CODE, SMTPREPLY_MATCH_EXACT, SMTPREPLY_SEV_UNKNOWN },
    { 600, SMTPREPLY_E_UNKNOWN_CODE, SMTPREPLY_MATCH_EXACT, SMTPREPLY_SEV_UNKNOWN },
    { 0, SMTPREPLY_E_UNKNOWN_CODE, SMTPREPLY_MATCH_EXACT, SMTPREPLY_SEV_UNKNOWN },
    { 70000, SMTPREPLY_E_UNKNOWN_CODE, SMTPREPLY_MATCH_EXACT, SMTPREPLY_SEV_UNKNOWN },
};

START_TEST(basic_class_fallback)
{
    const struct class_case *c = &class_cases[_i];
    struct smtpreply_code_info info;
    const struct basic_row *cl = find_basic(class_en, N_(class_en), c->code / 100);

    memset(&info, 0xA5, sizeof info);
    ck_assert_int_eq(smtpreply_explain_code(c->code, "en", &info), c->rc);
    ck_assert_int_eq(info.severity, c->severity);
    ck_assert_ptr_nonnull(info.title);
    ck_assert_ptr_nonnull(info.description);
    ck_assert_ptr_nonnull(info.when);
    ck_assert_ptr_nonnull(info.fix);
    ck_assert_ptr_nonnull(info.reference);
    ck_assert_ptr_nonnull(info.severity_title);
    ck_assert_ptr_nonnull(info.locale);
    if (c->rc != SMTPREPLY_OK) {
        ck_assert_str_eq(info.title, "");
        ck_assert_str_eq(info.fix, "");
        return;
    }
    ck_assert_int_eq(info.match, c->match);
    ck_assert_int_eq(info.category, smtpreply_category_of(c->code));
    if (c->match == SMTPREPLY_MATCH_CLASS) {
        ck_assert_ptr_nonnull(cl);
        ck_assert_str_eq(info.title, cl->title);
        ck_assert_str_eq(info.description, cl->description);
        ck_assert_str_eq(info.fix, cl->fix);
        ck_assert_str_eq(info.reference, "");
        ck_assert(nonempty(info.severity_title));
    }
}
END_TEST

static const struct enh_case {
    unsigned k, s, d;
    int rc, match;
    unsigned want_subject;   /* the subject whose title serves, when CLASS */
} enh_cases[] = {
    { 5, 9, 9, SMTPREPLY_OK, SMTPREPLY_MATCH_CLASS, 0 },
    { 5, 7, 99, SMTPREPLY_OK, SMTPREPLY_MATCH_CLASS, 7 },
    { 4, 1, 999, SMTPREPLY_OK, SMTPREPLY_MATCH_CLASS, 1 },
    { 2, 6, 64, SMTPREPLY_OK, SMTPREPLY_MATCH_CLASS, 6 },
    { 5, 999, 0, SMTPREPLY_OK, SMTPREPLY_MATCH_CLASS, 0 },
    { 5, 7, 26, SMTPREPLY_OK, SMTPREPLY_MATCH_EXACT, 7 },
    { 3, 1, 1, SMTPREPLY_E_UNKNOWN_CODE, SMTPREPLY_MATCH_EXACT, 0 },
    { 0, 1, 1, SMTPREPLY_E_UNKNOWN_CODE, SMTPREPLY_MATCH_EXACT, 0 },
    { 1, 0, 0, SMTPREPLY_E_UNKNOWN_CODE, SMTPREPLY_MATCH_EXACT, 0 },
    { 6, 0, 0, SMTPREPLY_E_UNKNOWN_CODE, SMTPREPLY_MATCH_EXACT, 0 },
    { 65535, 0, 0, SMTPREPLY_E_UNKNOWN_CODE, SMTPREPLY_MATCH_EXACT, 0 },
};

START_TEST(enhanced_fallback)
{
    const struct enh_case *c = &enh_cases[_i];
    struct smtpreply_enhanced code = { (uint16_t)c->k, (uint16_t)c->s, (uint16_t)c->d, 0 };
    struct smtpreply_enhanced_info info;
    const struct head_row *subj = find_head(subject_en, N_(subject_en), c->want_subject);
    const struct detail_row *other = find_detail(detail_en, N_(detail_en), c->want_subject, 0);

    memset(&info, 0xA5, sizeof info);
    ck_assert_int_eq(smtpreply_explain_enhanced(&code, "en", &info), c->rc);
    ck_assert_uint_eq(info.code.klass, c->k);
    ck_assert_uint_eq(info.code.detail, c->d);
    ck_assert_ptr_nonnull(info.title);
    ck_assert_ptr_nonnull(info.action);
    ck_assert_ptr_nonnull(info.class_title);
    ck_assert_ptr_nonnull(info.basic_codes);
    ck_assert_ptr_nonnull(info.reference);
    if (c->rc != SMTPREPLY_OK) {
        ck_assert_str_eq(info.title, "");
        ck_assert_str_eq(info.class_title, "");
        ck_assert_str_eq(info.action, "");
        return;
    }
    ck_assert_int_eq(info.match, c->match);
    ck_assert(nonempty(info.class_title));
    ck_assert_str_eq(info.subject_title, subj->title);
    if (c->match == SMTPREPLY_MATCH_CLASS) {
        ck_assert_str_eq(info.title, subj->title);
        ck_assert_str_eq(info.description, subj->description);
        ck_assert_str_eq(info.action, other->action);
        ck_assert_str_eq(info.reference, "");
        ck_assert_str_eq(info.basic_codes, "");
    }
}
END_TEST

START_TEST(null_arguments)
{
    struct smtpreply_enhanced code = { 5, 1, 1, 0 };
    struct smtpreply_enhanced_info info;

    ck_assert_int_eq(smtpreply_explain_code(550, "en", NULL), SMTPREPLY_E_INVALID_ARG);
    ck_assert_int_eq(smtpreply_explain_enhanced(&code, "en", NULL), SMTPREPLY_E_INVALID_ARG);
    ck_assert_int_eq(smtpreply_explain_enhanced(NULL, "en", &info), SMTPREPLY_E_INVALID_ARG);
    ck_assert_ptr_nonnull(info.title);
    ck_assert_ptr_nonnull(info.locale);
}
END_TEST

static const struct locale_case {
    const char *lang;
    int index;
} locale_cases[] = {
    { "vi", 1 }, { "vi-VN", 1 }, { "VI", 1 }, { "vi_VN.UTF-8", 1 }, { "Vi", 1 },
    { "en", 0 }, { "en-US", 0 }, { NULL, 0 }, { "", 0 }, { "v", 0 }, { "vie", 0 },
    { "fr", 0 }, { "xvi", 0 },
};

START_TEST(locale_index)
{
    const struct locale_case *c = &locale_cases[_i];
    struct smtpreply_code_info info;

    ck_assert_int_eq(smtpreply__locale_index(c->lang), c->index);
    /* An unknown locale is served in English. */
    if (c->index == 0) {
        ck_assert_int_eq(smtpreply_explain_code(221, c->lang, &info), SMTPREPLY_OK);
        ck_assert_str_eq(info.locale, "en");
    }
}
END_TEST

/* The words say what a reader of that code needs; a few anchors per entry. */
static const struct content_case {
    unsigned code;
    int field;          /* 0 description, 1 when, 2 fix */
    const char *needle;
} content_cases[] = {
    { 220, 1, "587" },          { 220, 1, "STARTTLS" },      { 220, 2, "EHLO" },
    { 535, 1, "AUTH" },         { 535, 2, "app password" },  { 535, 2, "mechanism" },
    { 550, 2, "5.1.1" },        { 530, 2, "STARTTLS" },      { 421, 2, "Retry later" },
    { 450, 1, "greylisting" },  { 452, 2, "new transaction" }, { 554, 1, "greeting" },
    { 521, 2, "MX" },           { 556, 0, "null MX" },       { 354, 2, "CRLF.CRLF" },
    { 253, 0, "ETRN" },         { 453, 0, "ATRN" },          { 334, 0, "base64" },
};

START_TEST(content_anchors)
{
    const struct content_case *c = &content_cases[_i];
    struct smtpreply_code_info info;
    const char *s;

    ck_assert_int_eq(smtpreply_explain_code(c->code, "en", &info), SMTPREPLY_OK);
    s = c->field == 0 ? info.description : c->field == 1 ? info.when : info.fix;
    ck_assert_msg(strstr(s, c->needle) != NULL, "%u field %d lacks \"%s\": %s", c->code,
                  c->field, c->needle, s);
}
END_TEST

/* ---- The generated tables are up to date ---- */

static int same_file(const char *a, const char *b)
{
    FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
    int ca, cb, same = fa != NULL && fb != NULL;

    while (same) {
        ca = getc(fa);
        cb = getc(fb);
        if (ca != cb)
            same = 0;
        else if (ca == EOF)
            break;
    }
    if (fa)
        fclose(fa);
    if (fb)
        fclose(fb);
    return same;
}

START_TEST(generated_tables_current)
{
    static const char *const outputs[] = { "basic_codes.def", "enhanced_codes.def" };
    char data[1024], tmp[] = "/tmp/smtpreply-gen-XXXXXX", cmd[4096], a[1200], b[1200];
    struct stat st;
    size_t i;

    snprintf(data, sizeof data, "%s/../shared/data", SRCDIR);
    if (stat(data, &st) != 0) {
        printf("SKIP generated_tables_current: %s not found (CI without shared data)\n", data);
        return;
    }
    if (system("python3 -c '' >/dev/null 2>&1") != 0) {
        printf("SKIP generated_tables_current: python3 not available\n");
        return;
    }
    ck_assert_ptr_nonnull(mkdtemp(tmp));
    snprintf(cmd, sizeof cmd, "python3 '%s/tools/gen_tables.py' '%s' '%s'", SRCDIR, data, tmp);
    ck_assert_msg(system(cmd) == 0, "gen_tables.py failed: %s", cmd);
    for (i = 0; i < ARRAY_SIZE(outputs); i++) {
        snprintf(a, sizeof a, "%s/%s", tmp, outputs[i]);
        snprintf(b, sizeof b, "%s/lib/%s", SRCDIR, outputs[i]);
        ck_assert_msg(same_file(a, b),
                      "lib/%s is stale: run tools/gen_tables.py and commit the result", outputs[i]);
        remove(a);
    }
    rmdir(tmp);
}
END_TEST

static Suite *catalog_suite(void)
{
    Suite *s = suite_create("catalog");
    TCase *en = tcase_create("en");
    TCase *csv = tcase_create("csv");
    TCase *vi = tcase_create("vi");
    TCase *fb = tcase_create("fallback");
    TCase *gen = tcase_create("generated");

    tcase_add_loop_test(en, basic_fact_has_entry, 0, (int)N_(basic_facts));
    tcase_add_loop_test(en, basic_row_has_fact, 0, (int)N_(basic_en));
    tcase_add_test(en, basic_enumeration);
    tcase_add_loop_test(en, detail_fact_has_entry, 0, (int)N_(detail_facts));
    tcase_add_loop_test(en, detail_row_has_fact, 0, (int)N_(detail_en));
    tcase_add_test(en, enhanced_enumeration);
    tcase_add_test(en, heads_complete_en);
    tcase_add_test(en, reasons_en_complete);
    tcase_add_loop_test(en, content_anchors, 0, (int)ARRAY_SIZE(content_cases));
    suite_add_tcase(s, en);

    tcase_add_test(csv, csv_basic_codes);
    tcase_add_test(csv, csv_sequence_codes);
    tcase_add_test(csv, csv_enhanced_codes);
    suite_add_tcase(s, csv);

    tcase_add_loop_test(vi, vi_basic, 0, (int)N_(basic_facts));
    tcase_add_loop_test(vi, vi_detail, 0, (int)N_(detail_facts));
    tcase_add_test(vi, vi_heads_and_reasons);
    tcase_add_test(vi, vi_rows_have_facts);
    suite_add_tcase(s, vi);

    tcase_add_loop_test(fb, basic_class_fallback, 0, (int)ARRAY_SIZE(class_cases));
    tcase_add_loop_test(fb, enhanced_fallback, 0, (int)ARRAY_SIZE(enh_cases));
    tcase_add_test(fb, null_arguments);
    tcase_add_loop_test(fb, locale_index, 0, (int)ARRAY_SIZE(locale_cases));
    suite_add_tcase(s, fb);

    tcase_add_test(gen, generated_tables_current);
    suite_add_tcase(s, gen);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(catalog_suite());
    int failed;

    if (require_vi())
        printf("SMTPREPLY_REQUIRE_VI=1: every entry must have its Vietnamese row\n");
    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
