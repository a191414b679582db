/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: the catalog lookups with any code, any enhanced code and any
 * locale string.
 *
 * Header: [0..1] basic code (0-65535); [2..7] class, subject and detail of an
 * enhanced code; [8] reason. The rest, NUL-terminated, is the locale. Every
 * lookup must return its documented status and fill every string (static, never
 * NULL); the locale that served is "en" or "vi"; a locale whose language is
 * not Vietnamese is served in English.
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

/* The language subtag is "vi" ("vi", "VI", "vi-VN", "vi_VN.UTF-8"). */
static int vietnamese(const char *lang)
{
    return (lang[0] == 'v' || lang[0] == 'V') && (lang[1] == 'i' || lang[1] == 'I')
        && (lang[2] == '\0' || lang[2] == '-' || lang[2] == '_' || lang[2] == '.');
}

static int served(const char *locale)
{
    return locale != NULL && (strcmp(locale, "en") == 0 || strcmp(locale, "vi") == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct smtpreply_code_info ci;
    struct smtpreply_enhanced_info ei;
    struct smtpreply_enhanced e;
    unsigned code;
    int reason, rc;
    char *lang;

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

    rc = smtpreply_explain_code(code, lang, &ci);
    if (code >= 200 && code <= 599) {
        CHECK(rc == SMTPREPLY_OK);
        CHECK(ci.code == code);
        CHECK(ci.match == SMTPREPLY_MATCH_EXACT || ci.match == SMTPREPLY_MATCH_CLASS);
        CHECK(ci.severity == smtpreply_severity_of(code));
        CHECK(served(ci.locale));
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
    if (rc == SMTPREPLY_OK && !vietnamese(lang))
        CHECK(strcmp(ci.locale, "en") == 0);    /* other locales are served in English */

    rc = smtpreply_explain_enhanced(&e, lang, &ei);
    if (e.klass == 2 || e.klass == 4 || e.klass == 5) {
        CHECK(rc == SMTPREPLY_OK);
        CHECK(ei.match == SMTPREPLY_MATCH_EXACT || ei.match == SMTPREPLY_MATCH_CLASS);
        CHECK(served(ei.locale));
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
