/* SPDX-License-Identifier: MIT */
/*
 * The catalog: documented strings for every standard basic and enhanced code,
 * per locale, as data.
 *
 * Facts (references, registry titles, associated codes) come from
 * basic_codes.def and enhanced_codes.def, which tools/gen_tables.py makes from
 * the CSV files in data/ at build time. Words come from catalog_strings.def, which
 * tools/gen_catalog.py compiles from po/smtpreply.pot (English) and
 * po/<locale>.po at build time; its first rows name the locales, English first.
 * docs/translating.md says how a locale is added.
 *
 * Every table is a direct index built at compile time with C99 designated
 * initialisers: basic codes by [locale][code - 200], enhanced details by
 * [locale][subject][detail], reasons by [locale][reason]. A lookup is one array
 * access, with no search, no allocation and no state. A duplicate row is an
 * initialiser override, which -Wextra (-Woverride-init) reports; a row outside
 * the index range does not compile.
 *
 * A string the locale lacks is NULL in its table and English serves in its
 * place, string by string; the result names the locale that served its main
 * string (the title).
 */
#include "internal.h"

#define CODE_MIN 200u
#define CODE_SPAN 400u     /* 200..599 */
#define ENH_SUBJECTS 8u    /* X.0 .. X.7 */
#define ENH_DETAILS 64u    /* highest registered detail is 30; room to grow */

struct basic_text {
    const char *title, *description, *when, *fix;
};

struct head_text {
    const char *title, *description;
};

struct detail_text {
    const char *title, *description, *action;
};

struct detail_fact {
    const char *title, *reference, *basic_codes;
};

struct enh_code {
    unsigned char subject, detail;
};

/* Every row macro starts empty; each table defines the one it collects. */
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

/* ---- Facts ---- */

static const unsigned short basic_codes[] = {
#undef SMTPREPLY_BASIC_FACT
#define SMTPREPLY_BASIC_FACT(code, ref) code,
#include "basic_codes.def"
};

static const char *const basic_refs[CODE_SPAN] = {
#undef SMTPREPLY_BASIC_FACT
#define SMTPREPLY_BASIC_FACT(code, ref) [(code) - CODE_MIN] = ref,
#include "basic_codes.def"
};
#undef SMTPREPLY_BASIC_FACT
#define SMTPREPLY_BASIC_FACT(code, ref)

static const char *const enh_class_refs[6] = {
#undef SMTPREPLY_ENH_CLASS_FACT
#define SMTPREPLY_ENH_CLASS_FACT(klass, title, ref) [klass] = ref,
#include "enhanced_codes.def"
};
#undef SMTPREPLY_ENH_CLASS_FACT
#define SMTPREPLY_ENH_CLASS_FACT(klass, title, ref)

static const struct enh_code enh_codes[] = {
#undef SMTPREPLY_ENH_DETAIL_FACT
#define SMTPREPLY_ENH_DETAIL_FACT(subject, detail, title, ref, basic) { subject, detail },
#include "enhanced_codes.def"
};

static const struct detail_fact enh_facts[ENH_SUBJECTS][ENH_DETAILS] = {
#undef SMTPREPLY_ENH_DETAIL_FACT
#define SMTPREPLY_ENH_DETAIL_FACT(subject, detail, title, ref, basic) \
    [subject][detail] = { title, ref, basic },
#include "enhanced_codes.def"
};
#undef SMTPREPLY_ENH_DETAIL_FACT
#define SMTPREPLY_ENH_DETAIL_FACT(subject, detail, title, ref, basic)

/* ---- Words, per locale ---- */

static const char *const locale_names[] = {
#undef SMTPREPLY_LOCALE
#define SMTPREPLY_LOCALE(name) name,
#include "catalog_strings.def"
};
#undef SMTPREPLY_LOCALE
#define SMTPREPLY_LOCALE(name)

#define LOCALES SMTPREPLY_ARRAY_SIZE(locale_names)

#undef SMTPREPLY_BASIC_TEXT
#define SMTPREPLY_BASIC_TEXT(loc, code, title, desc, when, fix) \
    [loc][(code) - CODE_MIN] = { title, desc, when, fix },
static const struct basic_text basic_text[LOCALES][CODE_SPAN] = {
#include "catalog_strings.def"
};
#undef SMTPREPLY_BASIC_TEXT
#define SMTPREPLY_BASIC_TEXT(loc, code, title, desc, when, fix)

#undef SMTPREPLY_CLASS_TEXT
#define SMTPREPLY_CLASS_TEXT(loc, digit, title, desc, when, fix) \
    [loc][digit] = { title, desc, when, fix },
static const struct basic_text class_text[LOCALES][6] = {
#include "catalog_strings.def"
};
#undef SMTPREPLY_CLASS_TEXT
#define SMTPREPLY_CLASS_TEXT(loc, digit, title, desc, when, fix)

#undef SMTPREPLY_SEVERITY_TEXT
#define SMTPREPLY_SEVERITY_TEXT(loc, digit, title) [loc][digit] = title,
static const char *const severity_text[LOCALES][6] = {
#include "catalog_strings.def"
};
#undef SMTPREPLY_SEVERITY_TEXT
#define SMTPREPLY_SEVERITY_TEXT(loc, digit, title)

/* Indexed by enum smtpreply_category: 0, 1, 2, 3 (x3z and x4z) and 5. */
#undef SMTPREPLY_CATEGORY_TEXT
#define SMTPREPLY_CATEGORY_TEXT(loc, digit, title, desc) [loc][digit] = { title, desc },
static const struct head_text category_text[LOCALES][6] = {
#include "catalog_strings.def"
};
#undef SMTPREPLY_CATEGORY_TEXT
#define SMTPREPLY_CATEGORY_TEXT(loc, digit, title, desc)

#undef SMTPREPLY_ENH_CLASS_TEXT
#define SMTPREPLY_ENH_CLASS_TEXT(loc, klass, title, desc) [loc][klass] = { title, desc },
static const struct head_text enh_class_text[LOCALES][6] = {
#include "catalog_strings.def"
};
#undef SMTPREPLY_ENH_CLASS_TEXT
#define SMTPREPLY_ENH_CLASS_TEXT(loc, klass, title, desc)

#undef SMTPREPLY_ENH_SUBJECT_TEXT
#define SMTPREPLY_ENH_SUBJECT_TEXT(loc, subject, title, desc) [loc][subject] = { title, desc },
static const struct head_text enh_subject_text[LOCALES][ENH_SUBJECTS] = {
#include "catalog_strings.def"
};
#undef SMTPREPLY_ENH_SUBJECT_TEXT
#define SMTPREPLY_ENH_SUBJECT_TEXT(loc, subject, title, desc)

#undef SMTPREPLY_ENH_DETAIL_TEXT
#define SMTPREPLY_ENH_DETAIL_TEXT(loc, subject, detail, title, desc, action) \
    [loc][subject][detail] = { title, desc, action },
static const struct detail_text enh_detail_text[LOCALES][ENH_SUBJECTS][ENH_DETAILS] = {
#include "catalog_strings.def"
};
#undef SMTPREPLY_ENH_DETAIL_TEXT
#define SMTPREPLY_ENH_DETAIL_TEXT(loc, subject, detail, title, desc, action)

#undef SMTPREPLY_REASON_TEXT
#define SMTPREPLY_REASON_TEXT(loc, reason, text) [loc][reason] = text,
static const char *const reason_text[LOCALES][SMTPREPLY_REASON_COUNT] = {
#include "catalog_strings.def"
};
#undef SMTPREPLY_REASON_TEXT

#undef SMTPREPLY_LOCALE
#undef SMTPREPLY_BASIC_TEXT
#undef SMTPREPLY_CLASS_TEXT
#undef SMTPREPLY_SEVERITY_TEXT
#undef SMTPREPLY_CATEGORY_TEXT
#undef SMTPREPLY_ENH_CLASS_TEXT
#undef SMTPREPLY_ENH_SUBJECT_TEXT
#undef SMTPREPLY_ENH_DETAIL_TEXT
#undef SMTPREPLY_BASIC_FACT
#undef SMTPREPLY_ENH_CLASS_FACT
#undef SMTPREPLY_ENH_SUBJECT_FACT
#undef SMTPREPLY_ENH_DETAIL_FACT

/* ---- Lookups ---- */

static int present(const char *s)
{
    return s != NULL && s[0] != '\0';
}

/* The string of locale @p loc, or English's when that one is missing; never NULL. */
static const char *pick(const char *loc_s, const char *en_s)
{
    if (present(loc_s))
        return loc_s;
    return en_s != NULL ? en_s : "";
}

/* ASCII lower case, so that "VI" and "vi" are one name whatever the C locale. */
static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/*
 * Does the tag's part [0, n) name the locale? '-' and '_' are the same
 * separator ("pt-BR" is "pt_BR"), letters compare without case.
 */
static int same_name(const char *tag, size_t n, const char *name)
{
    size_t i;

    for (i = 0; i < n; i++) {
        int a = tag[i] == '-' ? '_' : lower((unsigned char)tag[i]);
        int b = name[i] == '-' ? '_' : lower((unsigned char)name[i]);
        if (b == '\0' || a != b)
            return 0;
    }
    return name[n] == '\0';
}

/* documented in internal.h */
int smtpreply__locale_index(const char *lang)
{
    size_t tag_len = 0, lang_len, i;

    if (lang == NULL)
        return -1;
    /* POSIX locale names carry a codeset and a modifier: "vi_VN.UTF-8@euro". */
    while (lang[tag_len] != '\0' && lang[tag_len] != '.' && lang[tag_len] != '@')
        tag_len++;
    lang_len = 0;
    while (lang_len < tag_len && lang[lang_len] != '-' && lang[lang_len] != '_')
        lang_len++;
    if (lang_len == 0)
        return -1;
    /* The whole tag first ("pt_BR"), then its language alone ("vi" of "vi_VN"). */
    for (i = 0; i < LOCALES; i++)
        if (same_name(lang, tag_len, locale_names[i]))
            return (int)i;
    for (i = 0; i < LOCALES; i++)
        if (same_name(lang, lang_len, locale_names[i]))
            return (int)i;
    return -1;
}

/* The locale that serves a lookup: the one the tag names, else English. */
static int serving(const char *lang)
{
    int i = smtpreply__locale_index(lang);

    return i < 0 ? 0 : i;
}

/* documented in smtpreply.h */
const char *smtpreply_locale_match(const char *lang)
{
    int i = smtpreply__locale_index(lang);

    return i < 0 ? NULL : locale_names[i];
}

/* documented in smtpreply.h */
const char *smtpreply_locale_at(size_t index)
{
    return index < LOCALES ? locale_names[index] : NULL;
}

/* documented in smtpreply.h */
int smtpreply_category_describe(int category, const char *lang, const char **title,
                                const char **description)
{
    int loc = serving(lang);
    const struct head_text *en, *lt;

    if (title != NULL)
        *title = "";
    if (description != NULL)
        *description = "";
    if (category < 0 || category > 5 || category == 4
        || !present(category_text[0][category].title))
        return SMTPREPLY_E_UNKNOWN_CODE;
    en = &category_text[0][category];
    lt = &category_text[loc][category];
    if (title != NULL)
        *title = pick(lt->title, en->title);
    if (description != NULL)
        *description = pick(lt->description, en->description);
    return SMTPREPLY_OK;
}

static void basic_fill(struct smtpreply_code_info *out, const struct basic_text *en,
                       const struct basic_text *lt, int loc)
{
    out->locale = locale_names[present(lt->title) ? loc : 0];
    out->title = pick(lt->title, en->title);
    out->description = pick(lt->description, en->description);
    out->when = pick(lt->when, en->when);
    out->fix = pick(lt->fix, en->fix);
}

/* documented in smtpreply.h */
int smtpreply_explain_code(unsigned code, const char *lang, struct smtpreply_code_info *out)
{
    int loc = serving(lang);
    unsigned idx, digit;

    if (out == NULL)
        return SMTPREPLY_E_INVALID_ARG;
    out->code = (uint16_t)(code <= 0xFFFFu ? code : 0);
    out->pad_ = 0;
    out->match = SMTPREPLY_MATCH_EXACT;
    out->severity = smtpreply_severity_of(code);
    out->category = smtpreply_category_of(code);
    out->locale = locale_names[0];
    out->title = out->description = out->when = out->fix = "";
    out->reference = out->severity_title = "";
    if (code < CODE_MIN || code >= CODE_MIN + CODE_SPAN)
        return SMTPREPLY_E_UNKNOWN_CODE;

    idx = code - CODE_MIN;
    digit = code / 100;
    out->severity_title = pick(severity_text[loc][digit], severity_text[0][digit]);
    if (present(basic_text[0][idx].title)) {
        basic_fill(out, &basic_text[0][idx], &basic_text[loc][idx], loc);
        out->reference = basic_refs[idx] != NULL ? basic_refs[idx] : "";
        return SMTPREPLY_OK;
    }
    /* Not a standard code: say so and explain it by its class (first digit). */
    out->match = SMTPREPLY_MATCH_CLASS;
    basic_fill(out, &class_text[0][digit], &class_text[loc][digit], loc);
    return SMTPREPLY_OK;
}

static void enhanced_clear(struct smtpreply_enhanced_info *out)
{
    out->match = SMTPREPLY_MATCH_EXACT;
    out->locale = locale_names[0];
    out->class_title = out->class_description = "";
    out->subject_title = out->subject_description = "";
    out->title = out->description = out->action = "";
    out->reference = out->basic_codes = "";
}

/* documented in smtpreply.h */
int smtpreply_explain_enhanced(const struct smtpreply_enhanced *code, const char *lang,
                               struct smtpreply_enhanced_info *out)
{
    int loc = serving(lang);
    const struct head_text *ce, *cl, *se, *sl;
    const struct detail_text *de, *dl;
    unsigned k, s, d;

    if (out == NULL)
        return SMTPREPLY_E_INVALID_ARG;
    enhanced_clear(out);
    if (code == NULL) {
        out->code.klass = out->code.subject = out->code.detail = out->code.pad_ = 0;
        return SMTPREPLY_E_INVALID_ARG;
    }
    out->code = *code;
    out->code.pad_ = 0;
    k = code->klass;
    s = code->subject;
    d = code->detail;
    if (k > 5 || !present(enh_class_text[0][k].title))
        return SMTPREPLY_E_UNKNOWN_CODE;

    ce = &enh_class_text[0][k];
    cl = &enh_class_text[loc][k];
    out->class_title = pick(cl->title, ce->title);
    out->class_description = pick(cl->description, ce->description);

    /* An unregistered subject (X.9.x) has no subject information: X.0. */
    if (s >= ENH_SUBJECTS || !present(enh_subject_text[0][s].title)) {
        s = 0;
        out->match = SMTPREPLY_MATCH_CLASS;
    }
    se = &enh_subject_text[0][s];
    sl = &enh_subject_text[loc][s];
    out->subject_title = pick(sl->title, se->title);
    out->subject_description = pick(sl->description, se->description);

    if (out->match == SMTPREPLY_MATCH_EXACT && d < ENH_DETAILS
        && present(enh_detail_text[0][s][d].title)) {
        de = &enh_detail_text[0][s][d];
        dl = &enh_detail_text[loc][s][d];
        out->locale = locale_names[present(dl->title) ? loc : 0];
        out->title = pick(dl->title, de->title);
        out->description = pick(dl->description, de->description);
        out->action = pick(dl->action, de->action);
        out->reference = pick(enh_facts[s][d].reference, enh_class_refs[k]);
        out->basic_codes = pick(enh_facts[s][d].basic_codes, "");
        return SMTPREPLY_OK;
    }

    /*
     * Unregistered detail: the subject explains it (header contract), and the
     * subject's "other or undefined" detail (X.s.0, registered for every
     * subject) gives the action. No reference: the code is nobody's.
     */
    out->match = SMTPREPLY_MATCH_CLASS;
    de = &enh_detail_text[0][s][0];
    dl = &enh_detail_text[loc][s][0];
    out->locale = locale_names[present(sl->title) ? loc : 0];
    out->title = out->subject_title;
    out->description = out->subject_description;
    out->action = pick(dl->action, de->action);
    return SMTPREPLY_OK;
}

/* documented in smtpreply.h */
const char *smtpreply_reason_describe(int reason, const char *lang)
{
    int loc = serving(lang);

    /* Not a reason value: nothing specific is known, as for "unclassified". */
    if (reason < 0 || reason >= SMTPREPLY_REASON_COUNT)
        reason = SMTPREPLY_REASON_UNCLASSIFIED;
    return pick(reason_text[loc][reason], reason_text[0][reason]);
}

/* documented in smtpreply.h */
unsigned smtpreply_catalog_code_at(size_t index)
{
    return index < SMTPREPLY_ARRAY_SIZE(basic_codes) ? basic_codes[index] : 0u;
}

/* documented in smtpreply.h */
int smtpreply_catalog_enhanced_at(size_t index, struct smtpreply_enhanced *out)
{
    if (out == NULL)
        return 0;
    out->klass = out->subject = out->detail = out->pad_ = 0;
    if (index >= SMTPREPLY_ARRAY_SIZE(enh_codes))
        return 0;
    out->subject = enh_codes[index].subject;
    out->detail = enh_codes[index].detail;
    return 1;
}
