/* SPDX-License-Identifier: MIT */
/*
 * The catalog: every code of the registries in data/ has a complete entry in
 * English; every locale serves the strings its PO file translates and English
 * for the rest, string by string, and names the locale that served; Vietnamese
 * serves every string (built with REQUIRE_VI); unknown codes fall back to their
 * class and say so; language tags select locales as smtpreply.h documents.
 *
 * The expected strings are read from the tables the build made of po/
 * (catalog_strings.def) and data/ (basic_codes.def, enhanced_codes.def); the
 * registries are also read here, independently, from SRCDIR/data. Built twice:
 * as "catalog" against po/, and as "catalog-xx" (tests/po) against a template
 * with one partly translated locale, where the string-by-string fallback shows.
 */
#define _POSIX_C_SOURCE 200809L

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smtpreply.h"
#include "internal.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#ifndef SRCDIR
#error "SRCDIR must name the source root"
#endif

/* ---- Rows of the generated tables ---- */

struct basic_row {
    int loc;
    unsigned code;
    const char *title, *description, *when, *fix;
};
struct detail_row {
    int loc;
    unsigned subject, detail;
    const char *title, *description, *action;
};
struct head_row {
    int loc;
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
    int loc;
    int reason;
    const char *text;
};

#define SMTPREPLY_LOCALE(name)
#define SMTPREPLY_SEVERITY_TEXT(loc, digit, title)
#define SMTPREPLY_CATEGORY_TEXT(loc, digit, title, desc)
#define SMTPREPLY_CLASS_TEXT(loc, digit, title, desc, when, fix)
#define SMTPREPLY_BASIC_TEXT(loc, code, title, desc, when, fix)
#define SMTPREPLY_ENH_CLASS_TEXT(loc, klass, title, desc)
#define SMTPREPLY_ENH_SUBJECT_TEXT(loc, subject, title, desc)
#define SMTPREPLY_ENH_DETAIL_TEXT(loc, subject, detail, title, desc, action)
#define SMTPREPLY_REASON_TEXT(loc, reason, text)
#define SMTPREPLY_BASIC_FACT(code, ref)
#define SMTPREPLY_ENH_CLASS_FACT(klass, title, ref)
#define SMTPREPLY_ENH_SUBJECT_FACT(subject, title, ref)
#define SMTPREPLY_ENH_DETAIL_FACT(subject, detail, title, ref, basic)

/* Each list ends in a sentinel row; N_() leaves it out. */
#define N_(a) (ARRAY_SIZE(a) - 1)

#undef SMTPREPLY_LOCALE
#define SMTPREPLY_LOCALE(name) name,
static const char *const locales[] = {
#include "catalog_strings.def"
    NULL
};
#undef SMTPREPLY_LOCALE
#define SMTPREPLY_LOCALE(name)

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
#define SMTPREPLY_BASIC_TEXT(loc, code, title, desc, when, fix) { loc, code, title, desc, when, fix },
static const struct basic_row basic_rows[] = {
#include "catalog_strings.def"
    { -1, 0, NULL, NULL, NULL, NULL }
};
#undef SMTPREPLY_BASIC_TEXT
#define SMTPREPLY_BASIC_TEXT(loc, code, title, desc, when, fix)

#undef SMTPREPLY_CLASS_TEXT
#define SMTPREPLY_CLASS_TEXT(loc, digit, title, desc, when, fix) { loc, digit, title, desc, when, fix },
static const struct basic_row class_rows[] = {
#include "catalog_strings.def"
    { -1, 0, NULL, NULL, NULL, NULL }
};
#undef SMTPREPLY_CLASS_TEXT
#define SMTPREPLY_CLASS_TEXT(loc, digit, title, desc, when, fix)

#undef SMTPREPLY_SEVERITY_TEXT
#define SMTPREPLY_SEVERITY_TEXT(loc, digit, title) { loc, digit, title, "-" },
static const struct head_row severity_rows[] = {
#include "catalog_strings.def"
    { -1, 0, NULL, NULL }
};
#undef SMTPREPLY_SEVERITY_TEXT
#define SMTPREPLY_SEVERITY_TEXT(loc, digit, title)

#undef SMTPREPLY_CATEGORY_TEXT
#define SMTPREPLY_CATEGORY_TEXT(loc, digit, title, desc) { loc, digit, title, desc },
static const struct head_row category_rows[] = {
#include "catalog_strings.def"
    { -1, 0, NULL, NULL }
};
#undef SMTPREPLY_CATEGORY_TEXT
#define SMTPREPLY_CATEGORY_TEXT(loc, digit, title, desc)

#undef SMTPREPLY_ENH_CLASS_TEXT
#define SMTPREPLY_ENH_CLASS_TEXT(loc, klass, title, desc) { loc, klass, title, desc },
static const struct head_row eclass_rows[] = {
#include "catalog_strings.def"
    { -1, 0, NULL, NULL }
};
#undef SMTPREPLY_ENH_CLASS_TEXT
#define SMTPREPLY_ENH_CLASS_TEXT(loc, klass, title, desc)

#undef SMTPREPLY_ENH_SUBJECT_TEXT
#define SMTPREPLY_ENH_SUBJECT_TEXT(loc, subject, title, desc) { loc, subject, title, desc },
static const struct head_row subject_rows[] = {
#include "catalog_strings.def"
    { -1, 0, NULL, NULL }
};
#undef SMTPREPLY_ENH_SUBJECT_TEXT
#define SMTPREPLY_ENH_SUBJECT_TEXT(loc, subject, title, desc)

#undef SMTPREPLY_ENH_DETAIL_TEXT
#define SMTPREPLY_ENH_DETAIL_TEXT(loc, subject, detail, title, desc, action) \
    { loc, subject, detail, title, desc, action },
static const struct detail_row detail_rows[] = {
#include "catalog_strings.def"
    { -1, 0, 0, NULL, NULL, NULL }
};
#undef SMTPREPLY_ENH_DETAIL_TEXT
#define SMTPREPLY_ENH_DETAIL_TEXT(loc, subject, detail, title, desc, action)

#undef SMTPREPLY_REASON_TEXT
#define SMTPREPLY_REASON_TEXT(loc, reason, text) { loc, reason, text },
static const struct reason_row reason_rows[] = {
#include "catalog_strings.def"
    { -1, -1, NULL }
};
#undef SMTPREPLY_REASON_TEXT

/* ---- Helpers ---- */

static int nonempty(const char *s)
{
    return s != NULL && s[0] != '\0';
}

static const struct basic_row *find_basic(const struct basic_row *rows, size_t n, int loc,
                                          unsigned code)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (rows[i].loc == loc && rows[i].code == code)
            return &rows[i];
    return NULL;
}

static const struct detail_row *find_detail(int loc, unsigned s, unsigned d)
{
    size_t i;

    for (i = 0; i < N_(detail_rows); i++)
        if (detail_rows[i].loc == loc && detail_rows[i].subject == s && detail_rows[i].detail == d)
            return &detail_rows[i];
    return NULL;
}

static const struct head_row *find_head(const struct head_row *rows, size_t n, int loc,
                                        unsigned key)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (rows[i].loc == loc && rows[i].key == key)
            return &rows[i];
    return NULL;
}

static const char *find_reason(int loc, int reason)
{
    size_t i;

    for (i = 0; i < N_(reason_rows); i++)
        if (reason_rows[i].loc == loc && reason_rows[i].reason == reason)
            return reason_rows[i].text;
    return NULL;
}

/* What a locale serves for one string: its own text, or English's when it has none. */
static const char *want(const char *loc_s, const char *en_s)
{
    return loc_s != NULL ? loc_s : en_s;
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

/* ---- English: every fact has words, every row of words has a fact ---- */

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
    const struct basic_row *r = &basic_rows[_i];
    size_t i;
    int found = 0;

    for (i = 0; i < N_(basic_facts); i++)
        found |= basic_facts[i].code == r->code;
    ck_assert_msg(found, "locale %s has basic.%u, which no CSV row defines", locales[r->loc],
                  r->code);
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
    const struct detail_row *r = &detail_rows[_i];
    size_t i;
    int found = 0;

    for (i = 0; i < N_(detail_facts); i++)
        found |= detail_facts[i].subject == r->subject && detail_facts[i].detail == r->detail;
    ck_assert_msg(found, "locale %s has X.%u.%u, which the registry lacks", locales[r->loc],
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
        h = find_head(eclass_rows, N_(eclass_rows), 0, classes[i]);
        ck_assert_msg(h && nonempty(h->title) && nonempty(h->description), "class %u", classes[i]);
    }
    for (i = 0; i < 8; i++) {
        h = find_head(subject_rows, N_(subject_rows), 0, (unsigned)i);
        ck_assert_msg(h && nonempty(h->title) && nonempty(h->description), "subject %zu", i);
    }
    for (i = 2; i <= 5; i++) {
        h = find_head(severity_rows, N_(severity_rows), 0, (unsigned)i);
        ck_assert_msg(h && nonempty(h->title), "severity %zu", i);
        b = find_basic(class_rows, N_(class_rows), 0, (unsigned)i);
        ck_assert_msg(b && nonempty(b->title) && nonempty(b->description) && nonempty(b->when)
                      && nonempty(b->fix), "class fallback %zu", i);
    }
    for (i = 0; i < ARRAY_SIZE(categories); i++) {
        const char *t, *d;
        h = find_head(category_rows, N_(category_rows), 0, categories[i]);
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

    for (r = 0; r < SMTPREPLY_REASON_COUNT; r++) {
        const char *s = smtpreply_reason_describe(r, "en");
        ck_assert_msg(nonempty(s), "reason %d has no text", r);
        ck_assert_str_eq(s, find_reason(0, r));
        for (q = 0; q < r; q++)
            ck_assert_str_ne(s, smtpreply_reason_describe(q, "en"));
    }
    ck_assert_ptr_nonnull(smtpreply_reason_describe(-1, NULL));
    ck_assert_ptr_nonnull(smtpreply_reason_describe(SMTPREPLY_REASON_COUNT, "vi"));
}
END_TEST

/* ---- The registries in data/, read here on their own: every code of all three ---- */

/* The CSV, past its first line (the source and date), or the test fails. */
static FILE *open_csv(const char *name)
{
    char path[1024], line[1024];
    FILE *f;

    snprintf(path, sizeof path, "%s/data/%s", SRCDIR, name);
    f = fopen(path, "r");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    ck_assert_msg(fgets(line, sizeof line, f) != NULL && strncmp(line, "# ", 2) == 0,
                  "%s: the first line is not '# <source and date>'", path);
    return f;
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

/* ---- Every locale: its own strings, English where it has none ---- */

static void check_basic_locale(int loc, unsigned code)
{
    const struct basic_row *en = find_basic(basic_rows, N_(basic_rows), 0, code);
    const struct basic_row *lt = find_basic(basic_rows, N_(basic_rows), loc, code);
    struct smtpreply_code_info info;

    ck_assert_ptr_nonnull(en);
    ck_assert_int_eq(smtpreply_explain_code(code, locales[loc], &info), SMTPREPLY_OK);
    ck_assert_str_eq(info.title, want(lt ? lt->title : NULL, en->title));
    ck_assert_str_eq(info.description, want(lt ? lt->description : NULL, en->description));
    ck_assert_str_eq(info.when, want(lt ? lt->when : NULL, en->when));
    ck_assert_str_eq(info.fix, want(lt ? lt->fix : NULL, en->fix));
    ck_assert_msg(strcmp(info.locale, lt && lt->title ? locales[loc] : "en") == 0,
                  "%u in %s: served by %s", code, locales[loc], info.locale);
}

/* Every basic code in every locale. */
START_TEST(locale_basic)
{
    int loc;

    for (loc = 1; locales[loc] != NULL; loc++)
        check_basic_locale(loc, basic_facts[_i].code);
}
END_TEST

START_TEST(locale_detail)
{
    const struct detail_fact_row *f = &detail_facts[_i];
    struct smtpreply_enhanced code = { 5, (uint16_t)f->subject, (uint16_t)f->detail, 0 };
    const struct detail_row *en = find_detail(0, f->subject, f->detail), *lt;
    struct smtpreply_enhanced_info info;
    int loc;

    ck_assert_ptr_nonnull(en);
    for (loc = 1; locales[loc] != NULL; loc++) {
        lt = find_detail(loc, f->subject, f->detail);
        ck_assert_int_eq(smtpreply_explain_enhanced(&code, locales[loc], &info), SMTPREPLY_OK);
        ck_assert_str_eq(info.title, want(lt ? lt->title : NULL, en->title));
        ck_assert_str_eq(info.description, want(lt ? lt->description : NULL, en->description));
        ck_assert_str_eq(info.action, want(lt ? lt->action : NULL, en->action));
        ck_assert_msg(strcmp(info.locale, lt && lt->title ? locales[loc] : "en") == 0,
                      "X.%u.%u in %s: served by %s", f->subject, f->detail, locales[loc],
                      info.locale);
    }
}
END_TEST

START_TEST(locale_heads_and_reasons)
{
    static const unsigned classes[] = { 2, 4, 5 };
    static const unsigned categories[] = { 0, 1, 2, 3, 5 };
    const struct head_row *en, *lt;
    struct smtpreply_enhanced c = { 5, 3, 999, 0 };
    struct smtpreply_enhanced_info ei;
    struct smtpreply_code_info info;
    const char *t, *d;
    size_t i;
    int loc, r;

    for (loc = 1; locales[loc] != NULL; loc++) {
        for (i = 0; i < ARRAY_SIZE(categories); i++) {
            en = find_head(category_rows, N_(category_rows), 0, categories[i]);
            lt = find_head(category_rows, N_(category_rows), loc, categories[i]);
            ck_assert_int_eq(smtpreply_category_describe((int)categories[i], locales[loc], &t, &d),
                             SMTPREPLY_OK);
            ck_assert_str_eq(t, want(lt ? lt->title : NULL, en->title));
            ck_assert_str_eq(d, want(lt ? lt->description : NULL, en->description));
        }
        for (i = 2; i <= 5; i++) {
            const struct basic_row *ce = find_basic(class_rows, N_(class_rows), 0, (unsigned)i);
            const struct basic_row *cl = find_basic(class_rows, N_(class_rows), loc, (unsigned)i);
            en = find_head(severity_rows, N_(severity_rows), 0, (unsigned)i);
            lt = find_head(severity_rows, N_(severity_rows), loc, (unsigned)i);
            ck_assert_int_eq(smtpreply_explain_code((unsigned)i * 100 + 99, locales[loc], &info),
                             SMTPREPLY_OK);
            ck_assert_str_eq(info.severity_title, want(lt ? lt->title : NULL, en->title));
            ck_assert_str_eq(info.title, want(cl ? cl->title : NULL, ce->title));
            ck_assert_str_eq(info.fix, want(cl ? cl->fix : NULL, ce->fix));
            ck_assert_str_eq(info.locale, cl && cl->title ? locales[loc] : "en");
        }
        for (i = 0; i < ARRAY_SIZE(classes); i++) {
            const struct head_row *se = find_head(subject_rows, N_(subject_rows), 0, 3);
            const struct head_row *sl = find_head(subject_rows, N_(subject_rows), loc, 3);
            en = find_head(eclass_rows, N_(eclass_rows), 0, classes[i]);
            lt = find_head(eclass_rows, N_(eclass_rows), loc, classes[i]);
            c.klass = (uint16_t)classes[i];
            ck_assert_int_eq(smtpreply_explain_enhanced(&c, locales[loc], &ei), SMTPREPLY_OK);
            ck_assert_str_eq(ei.class_title, want(lt ? lt->title : NULL, en->title));
            ck_assert_str_eq(ei.class_description, want(lt ? lt->description : NULL, en->description));
            ck_assert_str_eq(ei.subject_title, want(sl ? sl->title : NULL, se->title));
        }
        for (r = 0; r < SMTPREPLY_REASON_COUNT; r++)
            ck_assert_str_eq(smtpreply_reason_describe(r, locales[loc]),
                             want(find_reason(loc, r), find_reason(0, r)));
    }
}
END_TEST

/* Every locale the tables hold, in order, and nothing past them. */
START_TEST(locale_enumeration)
{
    size_t i;

    for (i = 0; locales[i] != NULL; i++) {
        ck_assert_ptr_nonnull(smtpreply_locale_at(i));
        ck_assert_str_eq(smtpreply_locale_at(i), locales[i]);
        ck_assert_str_eq(smtpreply_locale_match(locales[i]), locales[i]);
    }
    ck_assert_str_eq(locales[0], "en");
    ck_assert_ptr_null(smtpreply_locale_at(i));
    ck_assert_ptr_null(smtpreply_locale_at((size_t)-1));
}
END_TEST

#ifdef REQUIRE_VI
/* ---- Vietnamese serves every string ---- */

static int vi_index(void)
{
    int i;

    for (i = 0; locales[i] != NULL; i++)
        if (strcmp(locales[i], "vi") == 0)
            return i;
    ck_abort_msg("po/LINGUAS does not list vi");
    return -1;
}

START_TEST(vi_basic)
{
    const struct fact_row *f = &basic_facts[_i];
    const struct basic_row *vi = find_basic(basic_rows, N_(basic_rows), vi_index(), f->code);
    struct smtpreply_code_info info;

    ck_assert_msg(vi != NULL, "%u has no Vietnamese strings", f->code);
    ck_assert_msg(nonempty(vi->title) && nonempty(vi->description) && nonempty(vi->when)
                  && nonempty(vi->fix), "%u: a Vietnamese string is missing", f->code);
    check_code_info(f->code, "vi", "vi");
    check_code_info(f->code, "vi-VN", "vi");
    check_code_info(f->code, "vi_VN.UTF-8", "vi");
    smtpreply_explain_code(f->code, "vi", &info);
    ck_assert_str_eq(info.title, vi->title);
    ck_assert_str_eq(info.when, vi->when);
}
END_TEST

START_TEST(vi_detail)
{
    const struct detail_fact_row *f = &detail_facts[_i];
    const struct detail_row *vi = find_detail(vi_index(), f->subject, f->detail);

    ck_assert_msg(vi != NULL, "X.%u.%u has no Vietnamese strings", f->subject, f->detail);
    ck_assert_msg(nonempty(vi->title) && nonempty(vi->description) && nonempty(vi->action),
                  "X.%u.%u: a Vietnamese string is missing", f->subject, f->detail);
    check_enhanced_info(5, f->subject, f->detail, "vi", "vi");
    check_enhanced_info(2, f->subject, f->detail, "VI", "vi");
}
END_TEST

START_TEST(vi_heads_and_reasons)
{
    static const unsigned classes[] = { 2, 4, 5 };
    static const unsigned categories[] = { 0, 1, 2, 3, 5 };
    int vi = vi_index(), r;
    size_t i;
    const struct head_row *h;
    const struct basic_row *b;

    for (i = 0; i < ARRAY_SIZE(classes); i++) {
        h = find_head(eclass_rows, N_(eclass_rows), vi, classes[i]);
        ck_assert_msg(h && nonempty(h->title) && nonempty(h->description), "vi enhanced class %u",
                      classes[i]);
    }
    for (i = 0; i < 8; i++) {
        h = find_head(subject_rows, N_(subject_rows), vi, (unsigned)i);
        ck_assert_msg(h && nonempty(h->title) && nonempty(h->description), "vi subject %zu", i);
    }
    for (i = 2; i <= 5; i++) {
        h = find_head(severity_rows, N_(severity_rows), vi, (unsigned)i);
        ck_assert_msg(h && nonempty(h->title), "vi severity %zu", i);
        b = find_basic(class_rows, N_(class_rows), vi, (unsigned)i);
        ck_assert_msg(b && nonempty(b->title) && nonempty(b->description) && nonempty(b->when)
                      && nonempty(b->fix), "vi class fallback %zu", i);
    }
    for (i = 0; i < ARRAY_SIZE(categories); i++) {
        h = find_head(category_rows, N_(category_rows), vi, categories[i]);
        ck_assert_msg(h && nonempty(h->title) && nonempty(h->description), "vi category %u",
                      categories[i]);
    }
    for (r = 0; r < SMTPREPLY_REASON_COUNT; r++)
        ck_assert_msg(nonempty(find_reason(vi, r)), "reason %s has no Vietnamese text",
                      smtpreply_reason_name(r));
}
END_TEST
#endif

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
    const struct basic_row *cl = find_basic(class_rows, N_(class_rows), 0, c->code / 100);

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
    const struct head_row *subj = find_head(subject_rows, N_(subject_rows), 0, c->want_subject);
    const struct detail_row *other = find_detail(0, c->want_subject, 0);

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

/* Language tags: NULL when no locale of the catalog matches them. */
static const struct locale_case {
    const char *lang, *want;
} locale_cases[] = {
    { "en", "en" }, { "en-US", "en" }, { "EN_gb.UTF-8", "en" }, { "en@quot", "en" },
    { NULL, NULL }, { "", NULL }, { "C", NULL }, { "C.UTF-8", NULL }, { "POSIX", NULL },
    { "fr", NULL }, { "fr_FR.UTF-8", NULL }, { "e", NULL }, { "eng", NULL }, { "xen", NULL },
    { "-en", NULL }, { "_", NULL }, { ".UTF-8", NULL }, { "@euro", NULL },
#ifdef REQUIRE_VI
    { "vi", "vi" }, { "vi-VN", "vi" }, { "VI", "vi" }, { "vi_VN.UTF-8", "vi" }, { "Vi", "vi" },
    { "vi_VN@saigon", "vi" }, { "vi-Latn-VN", "vi" }, { "v", NULL }, { "vie", NULL },
    { "xvi", NULL }, { "vi.", "vi" },
#endif
};

START_TEST(locale_match)
{
    const struct locale_case *c = &locale_cases[_i];
    const char *got = smtpreply_locale_match(c->lang);
    struct smtpreply_code_info info;

    if (c->want == NULL)
        ck_assert_msg(got == NULL, "\"%s\" matches %s", c->lang ? c->lang : "(null)", got);
    else
        ck_assert_msg(got != NULL && strcmp(got, c->want) == 0, "\"%s\": %s, want %s",
                      c->lang, got ? got : "(null)", c->want);
    /* A tag no locale matches is served in English. */
    ck_assert_int_eq(smtpreply_explain_code(221, c->lang, &info), SMTPREPLY_OK);
    ck_assert_str_eq(info.locale, c->want != NULL ? c->want : "en");
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

static Suite *catalog_suite(void)
{
    Suite *s = suite_create("catalog");
    TCase *en = tcase_create("en");
    TCase *csv = tcase_create("csv");
    TCase *loc = tcase_create("locales");
    TCase *fb = tcase_create("fallback");

    tcase_add_loop_test(en, basic_fact_has_entry, 0, (int)N_(basic_facts));
    tcase_add_loop_test(en, basic_row_has_fact, 0, (int)N_(basic_rows));
    tcase_add_test(en, basic_enumeration);
    tcase_add_loop_test(en, detail_fact_has_entry, 0, (int)N_(detail_facts));
    tcase_add_loop_test(en, detail_row_has_fact, 0, (int)N_(detail_rows));
    tcase_add_test(en, enhanced_enumeration);
    tcase_add_test(en, heads_complete_en);
    tcase_add_test(en, reasons_en_complete);
    tcase_add_loop_test(en, content_anchors, 0, (int)ARRAY_SIZE(content_cases));
    suite_add_tcase(s, en);

    tcase_add_test(csv, csv_basic_codes);
    tcase_add_test(csv, csv_sequence_codes);
    tcase_add_test(csv, csv_enhanced_codes);
    suite_add_tcase(s, csv);

    tcase_add_loop_test(loc, locale_basic, 0, (int)N_(basic_facts));
    tcase_add_loop_test(loc, locale_detail, 0, (int)N_(detail_facts));
    tcase_add_test(loc, locale_heads_and_reasons);
    tcase_add_test(loc, locale_enumeration);
    tcase_add_loop_test(loc, locale_match, 0, (int)ARRAY_SIZE(locale_cases));
#ifdef REQUIRE_VI
    tcase_add_loop_test(loc, vi_basic, 0, (int)N_(basic_facts));
    tcase_add_loop_test(loc, vi_detail, 0, (int)N_(detail_facts));
    tcase_add_test(loc, vi_heads_and_reasons);
#endif
    suite_add_tcase(s, loc);

    tcase_add_loop_test(fb, basic_class_fallback, 0, (int)ARRAY_SIZE(class_cases));
    tcase_add_loop_test(fb, enhanced_fallback, 0, (int)ARRAY_SIZE(enh_cases));
    tcase_add_test(fb, null_arguments);
    suite_add_tcase(s, fb);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(catalog_suite());
    int failed, i;

    printf("catalog locales:");
    for (i = 0; locales[i] != NULL; i++)
        printf(" %s", locales[i]);
    printf("\n");
    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
