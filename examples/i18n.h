/* SPDX-License-Identifier: MIT */
/*
 * The example tools' labels, in the user's language.
 *
 * The text comes from po/ like the library's catalog: tools/gen_labels.py
 * compiles every label of po/smtpreply.pot (English) and po/<locale>.po into
 * tool_labels.h at build time. The locale is the one --lang names, else the
 * first of LC_ALL, LC_MESSAGES and LANG that is set (POSIX order), matched by
 * the library's smtpreply_locale_match() so that labels and catalog agree:
 * "vi_VN.UTF-8" is vi. A label the locale has not translated is shown in
 * English, and the count of such texts lets a tool say so.
 *
 * Label text is never a printf format: print it with "%s" or fputs().
 */
#ifndef SMTPREPLY_EXAMPLES_I18N_H
#define SMTPREPLY_EXAMPLES_I18N_H

#include <smtpreply.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tool_labels.h"

struct i18n {
    int locale;         /* index into tool_locale_names; 0 is English */
    unsigned english;   /* texts shown in English for want of a translation */
};

/* The language the environment asks for, or NULL. */
static inline const char *i18n_env(void)
{
    static const char *const vars[] = { "LC_ALL", "LC_MESSAGES", "LANG" };
    size_t i;

    for (i = 0; i < sizeof vars / sizeof vars[0]; i++) {
        const char *v = getenv(vars[i]);
        if (v != NULL && v[0] != '\0')
            return v;
    }
    return NULL;
}

/*
 * Select the locale a tag names (NULL: English). Returns 0, or -1 when the
 * tag names no locale the tools have; English is selected then.
 */
static inline int i18n_select(struct i18n *t, const char *tag)
{
    const char *name = smtpreply_locale_match(tag);
    int i;

    t->locale = 0;
    t->english = 0;
    if (name == NULL)
        return -1;
    for (i = 0; i < TOOL_LOCALE_COUNT; i++) {
        if (strcmp(tool_locale_names[i], name) == 0) {
            t->locale = i;
            return 0;
        }
    }
    return -1;
}

/* The selected locale's name: "en", "vi", ... */
static inline const char *i18n_name(const struct i18n *t)
{
    return tool_locale_names[t->locale];
}

/* A label in the selected locale, or in English when it has none. Never NULL. */
static inline const char *tr(struct i18n *t, enum tool_label id)
{
    const char *s = tool_label_text[t->locale][id];

    if (s == NULL) {
        s = tool_label_text[0][id];
        if (t->locale != 0)
            t->english++;
    }
    return s;
}

/* A label's English text, for a diagnostic that stays in English. */
static inline const char *tr_en(enum tool_label id)
{
    return tool_label_text[0][id];
}

/*
 * A label for text that is built now and shown later, or not at all: not
 * counted as shown; *english becomes 1 when English serves. Count the text
 * with i18n_shown() when it is shown.
 */
static inline const char *tr_later(const struct i18n *t, enum tool_label id, int *english)
{
    const char *s = tool_label_text[t->locale][id];

    if (s == NULL) {
        s = tool_label_text[0][id];
        if (t->locale != 0)
            *english = 1;
    }
    return s;
}

/* Count a text built with tr_later() as shown; english is what tr_later() set. */
static inline void i18n_shown(struct i18n *t, int english)
{
    if (english)
        t->english++;
}

/*
 * Count a text the tool shows that comes from elsewhere (the library's
 * catalog): english_too is the same text looked up in English, so the two
 * pointers are equal exactly when English served.
 */
static inline const char *i18n_count(struct i18n *t, const char *s, const char *english_too)
{
    if (t->locale != 0 && s == english_too)
        t->english++;
    return s;
}

/* The length of out[0, used) without a UTF-8 sequence cut at its end. */
static inline size_t i18n_whole(const char *out, size_t used)
{
    const unsigned char *u = (const unsigned char *)out;
    size_t start = used, need;

    while (start > 0 && used - start < 4 && (u[start - 1] & 0xC0) == 0x80)
        start--;
    if (start == 0 || u[start - 1] < 0xC0)
        return used;                /* ends in ASCII or in stray continuation bytes */
    start--;
    need = u[start] >= 0xF0 ? 4 : u[start] >= 0xE0 ? 3 : 2;
    return used - start < need ? start : used;
}

/*
 * tmpl with {1}..{9} replaced by args[0..n), into out[cap] (always terminated;
 * cut at a character boundary when it does not fit). A placeholder past n stays
 * as it is. Labels are templates of this kind, never printf formats, so a
 * translation can reorder the arguments and cannot read memory it was not given.
 */
static inline void i18n_compose(char *out, size_t cap, const char *tmpl, const char *const *args,
                                int n)
{
    size_t used = 0, len;
    const char *p;

    if (cap == 0)
        return;
    for (p = tmpl; *p != '\0' && used + 1 < cap; p++) {
        if (p[0] == '{' && p[1] >= '1' && p[1] <= '9' && p[2] == '}' && p[1] - '1' < n) {
            len = strlen(args[p[1] - '1']);
            if (len > cap - 1 - used)
                len = cap - 1 - used;
            memcpy(out + used, args[p[1] - '1'], len);
            used += len;
            p += 2;
        } else {
            out[used++] = *p;
        }
    }
    out[i18n_whole(out, used)] = '\0';
}

/*
 * Columns a UTF-8 string takes on a terminal: one per character, none for the
 * combining marks U+0300-U+036F that Vietnamese and other languages use.
 */
static inline size_t i18n_columns(const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i, n = 0;

    for (i = 0; i < len; i++) {
        if ((u[i] & 0xC0) == 0x80)
            continue;
        if (u[i] == 0xCC || (u[i] == 0xCD && i + 1 < len && u[i + 1] <= 0xAF))
            continue;
        n++;
    }
    return n;
}

/* Print s to f, then spaces up to width columns (none when s is as wide or wider). */
static inline void i18n_pad(FILE *f, const char *s, size_t width)
{
    size_t cols = i18n_columns(s, strlen(s));

    fputs(s, f);
    while (cols++ < width)
        fputc(' ', f);
}

/* The names of every locale, space-separated, for a usage message. */
static inline void i18n_list(char *out, size_t cap)
{
    size_t used = 0, n;
    int i;

    if (cap == 0)
        return;
    out[0] = '\0';
    for (i = 0; i < TOOL_LOCALE_COUNT; i++) {
        n = strlen(tool_locale_names[i]);
        if (used + n + 2 > cap)
            break;
        if (i > 0)
            out[used++] = ' ';
        memcpy(out + used, tool_locale_names[i], n + 1);
        used += n;
    }
}

#endif
