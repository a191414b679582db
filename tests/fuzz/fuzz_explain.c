/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: the catalog lookups with any code, any enhanced code and any
 * locale string.
 *
 * Header: [0..1] basic code (0-65535); [2..7] class, subject and detail of an
 * enhanced code; [8] reason. The rest, NUL-terminated, is the language tag.
 * Every lookup must return its documented status and fill every string (static,
 * never NULL). smtpreply_locale_match() names a locale of the catalog, or NULL,
 * by the rule smtpreply.h states (checked here on its own); the locale that
 * served an entry is that one or English.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smtpreply.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);  /* for -Wmissing-prototypes */

#define FUZZ_HEADER 9

static void die(const char *what)
{
    fprintf(stderr, "fuzz_explain: %s\n", what);
    abort();
}

#define CHECK(cond) do { if (!(cond)) die("check failed: " #cond); } while (0)

/* A string the library returned: present and terminated (strlen reads it all). */
static void str_ok(const char *s)
{
    CHECK(s != NULL);
    CHECK(strlen(s) < 65536);
}

static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* tag[0, n) and name are one locale name: letters without case, '-' is '_'. */
static int same(const char *tag, size_t n, const char *name)
{
    size_t i;

    if (strlen(name) != n)
        return 0;
    for (i = 0; i < n; i++) {
        int a = tag[i] == '-' ? '_' : lower((unsigned char)tag[i]);
        int b = name[i] == '-' ? '_' : lower((unsigned char)name[i]);
        if (a != b)
            return 0;
    }
    return 1;
}

/*
 * The locale a tag selects: the tag before any '.' or '@' names a locale, or
 * else its language (up to the first '-' or '_') does; NULL when neither.
 */
static const char *expected_locale(const char *lang)
{
    size_t tag = strcspn(lang, ".@"), language = strcspn(lang, "-_.@"), i;
    const char *name;

    if (language == 0)
        return NULL;
    for (i = 0; (name = smtpreply_locale_at(i)) != NULL; i++)
        if (same(lang, tag, name))
            return name;
    for (i = 0; (name = smtpreply_locale_at(i)) != NULL; i++)
        if (same(lang, language, name))
            return name;
    return NULL;
}

/* The entry was served by the locale the tag selects, or by English. */
static int served(const char *locale, const char *selected)
{
    return locale != NULL
        && (strcmp(locale, "en") == 0 || (selected != NULL && strcmp(locale, selected) == 0));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct smtpreply_code_info ci;
    struct smtpreply_enhanced_info ei;
    struct smtpreply_enhanced e;
    unsigned code;
    int reason, rc;
    char *lang;
    const char *selected;

    if (size < FUZZ_HEADER)
        return 0;
    code = ((unsigned)data[0] << 8) | data[1];
    if (data[0] < 0xF0)
        code %= 1000;
    e.klass = (uint16_t)(((unsigned)data[2] << 8 | data[3]) % 12);
    e.subject = (uint16_t)(((unsigned)data[4] << 8 | data[5]) % 1200);
    e.detail = (uint16_t)(((unsigned)data[6] << 8 | data[7]) % 1200);
    e.pad_ = 0;
    reason = (int)(int8_t)data[8];
    /* The locale: the rest of the input in an exact-size block with its NUL. */
    lang = malloc(size - FUZZ_HEADER + 1);
    if (!lang)
        die("out of memory");
    memcpy(lang, data + FUZZ_HEADER, size - FUZZ_HEADER);
    lang[size - FUZZ_HEADER] = '\0';

    selected = smtpreply_locale_match(lang);
    CHECK(selected == expected_locale(lang));

    rc = smtpreply_explain_code(code, lang, &ci);
    if (code >= 200 && code <= 599) {
        CHECK(rc == SMTPREPLY_OK);
        CHECK(ci.code == code);
        CHECK(ci.match == SMTPREPLY_MATCH_EXACT || ci.match == SMTPREPLY_MATCH_CLASS);
        CHECK(ci.severity == smtpreply_severity_of(code));
        CHECK(served(ci.locale, selected));
        CHECK(strlen(ci.title) > 0 && strlen(ci.description) > 0);
    } else {
        CHECK(rc == SMTPREPLY_E_UNKNOWN_CODE);
    }
    str_ok(ci.locale);
    str_ok(ci.title);
    str_ok(ci.description);
    str_ok(ci.when);
    str_ok(ci.fix);
    str_ok(ci.reference);
    str_ok(ci.severity_title);
    if (rc == SMTPREPLY_OK && selected == NULL)
        CHECK(strcmp(ci.locale, "en") == 0);    /* a tag no locale matches: English */

    rc = smtpreply_explain_enhanced(&e, lang, &ei);
    if (e.klass == 2 || e.klass == 4 || e.klass == 5) {
        CHECK(rc == SMTPREPLY_OK);
        CHECK(ei.match == SMTPREPLY_MATCH_EXACT || ei.match == SMTPREPLY_MATCH_CLASS);
        CHECK(served(ei.locale, selected));
        CHECK(strlen(ei.class_title) > 0 && strlen(ei.title) > 0);
    } else {
        CHECK(rc == SMTPREPLY_E_UNKNOWN_CODE);
    }
    str_ok(ei.locale);
    str_ok(ei.class_title);
    str_ok(ei.class_description);
    str_ok(ei.subject_title);
    str_ok(ei.subject_description);
    str_ok(ei.title);
    str_ok(ei.description);
    str_ok(ei.action);
    str_ok(ei.reference);
    str_ok(ei.basic_codes);

    str_ok(smtpreply_reason_describe(reason, lang));
    str_ok(smtpreply_reason_name(reason));
    free(lang);
    return 0;
}
