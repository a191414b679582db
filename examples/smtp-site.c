/* SPDX-License-Identifier: MIT */
/*
 * smtp-site: write the reference web site of every SMTP reply code.
 *
 *   smtp-site [--js PACKAGE_DIR] DIR
 *   smtp-site --help | --version
 *
 * Writes, for each locale the tools have (po/LINGUAS and English), into
 * DIR/<locale>/: index.html (every basic code by class, every enhanced code by
 * subject, a form to compare two codes, a search box over a JSON index
 * embedded in the page), compare.html (where the form lands without
 * JavaScript), one page per basic code (220.html), one per enhanced code of
 * the registry (x.7.26.html) and one per pair of basic codes
 * (220-vs-535.html); and DIR/index.html (the language choice), DIR/style.css
 * and DIR/site.js, shared by every page. With --js, the npm package of a
 * WebAssembly build is copied to DIR/js/ and each locale gets paste.html,
 * where a pasted reply is parsed and classified in the browser.
 *
 * Everything said about a code comes from the library's catalog, command
 * table and classifier, through the public header only, as an outside program
 * would; a comparison says what smtp-explain says (compare.c), and the labels
 * come from po/ like every tool's (examples/i18n.h). The output is
 * a function of the library alone: no date, no host, no random order, so two
 * runs write identical files. A sentence that does not fit its buffer is an
 * error, never printed cut.
 *
 * Exit status: 0 done, 1 a page could not be written (or a text was cut),
 * 2 usage error.
 */
#define _POSIX_C_SOURCE 200809L

#include <smtpreply.h>

#include "compare.h"
#include "i18n.h"
#include "site_assets.h"    /* generated from examples/site/: site_css, site_js */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))
#define MAX_CODES 128       /* basic codes in the catalog (38 today) */
#define MAX_ENHANCED 256    /* enhanced details in the catalog (81 today) */
#define PATH_CAP 4096

/* ------------------------------------------------------------------------ */
/* State and output.                                                         */

struct enh_entry {
    struct smtpreply_enhanced code;     /* klass 0: the registry's X */
    char id[24];                        /* "x.7.26" (file name without .html) */
    char text[24];                      /* "X.7.26" */
    int usual[6];                       /* classes the registry's basic codes imply */
    int has_usual;
    unsigned basic[16];                 /* basic codes named by the registry that have a page */
    int nbasic;
};

struct site {
    const char *dir;
    struct i18n L;                      /* the locale of the pages being written */
    const char *lang;                   /* its name: "en", "vi" */
    const char *lang_name[TOOL_LOCALE_COUNT];   /* each locale's name in its language */
    FILE *f;
    char path[PATH_CAP], tmp[PATH_CAP + 8];
    int failed;                         /* any write error, cut text or missing word */
    unsigned codes[MAX_CODES];
    size_t ncodes;
    struct enh_entry enh[MAX_ENHANCED];
    size_t nenh;
    struct item items[MAX_CODES];       /* the codes' items, for the pairs of a locale */
    const char *js;                     /* the npm package's folder, or NULL: no paste page */
};

static void fail(struct site *S, const char *what, const char *detail)
{
    fprintf(stderr, "smtp-site: %s: %s\n", what, detail);
    S->failed = 1;
}

/* A label of po/ in the page's locale (English where it has none). */
static const char *T(struct site *S, enum tool_label id)
{
    return tr(&S->L, id);
}

/* A label with arguments, composed; a cut result is an error. */
static const char *TF(struct site *S, struct sentence *out, enum tool_label id,
                      const char *const *args, int n)
{
    if (compose(out, T(S, id), args, n))
        fail(S, "text cut", out->text);
    return out->text;
}

/* Write the pages of the tools' locale number i (0 is English) from now on. */
static void select_locale(struct site *S, int i)
{
    (void)i18n_select(&S->L, tool_locale_names[i]);
    S->lang = tool_locale_names[i];
}

/* Each locale's name in its own language; a locale without one is named by its code. */
static void load_locales(struct site *S)
{
    int i, english;

    for (i = 0; i < TOOL_LOCALE_COUNT; i++) {
        english = 0;
        select_locale(S, i);
        S->lang_name[i] = tr_later(&S->L, L_SITE_LANGUAGE_NAME, &english);
        if (english && i > 0)
            S->lang_name[i] = tool_locale_names[i];
    }
    select_locale(S, 0);
}

static void put(struct site *S, const char *s)
{
    fputs(s, S->f);
}

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void putf(struct site *S, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vfprintf(S->f, fmt, ap);
    va_end(ap);
}

/* Text as HTML, for element content and quoted attribute values alike. */
static void esc(struct site *S, const char *s)
{
    for (; *s != '\0'; s++) {
        switch (*s) {
        case '&': put(S, "&amp;"); break;
        case '<': put(S, "&lt;"); break;
        case '>': put(S, "&gt;"); break;
        case '"': put(S, "&quot;"); break;
        case '\'': put(S, "&#39;"); break;
        default: fputc(*s, S->f); break;
        }
    }
}

/*
 * Markup with holes, in the order of the arguments: %h text (escaped), %s
 * markup (as is), %u unsigned, %d int, %% a percent sign.
 */
static void html(struct site *S, const char *fmt, ...)
{
    va_list ap;
    const char *p;

    va_start(ap, fmt);
    for (p = fmt; *p != '\0'; p++) {
        if (*p != '%') {
            fputc(*p, S->f);
            continue;
        }
        switch (*++p) {
        case 'h': esc(S, va_arg(ap, const char *)); break;
        case 's': put(S, va_arg(ap, const char *)); break;
        case 'u': fprintf(S->f, "%u", va_arg(ap, unsigned)); break;
        case 'd': fprintf(S->f, "%d", va_arg(ap, int)); break;
        default: fputc('%', S->f); break;
        }
        if (*p == '\0')
            break;
    }
    va_end(ap);
}

/* <tag>text</tag>, with a lang attribute when the catalog served another locale. */
static void element(struct site *S, const char *tag, const char *text, const char *locale)
{
    putf(S, "<%s", tag);
    if (locale != NULL && strcmp(locale, S->lang) != 0)
        putf(S, " lang=\"%s\"", locale);
    put(S, ">");
    esc(S, text);
    putf(S, "</%s>\n", tag);
}

/* Text inside a JSON string inside a <script> element: '<', '>' and '&' escaped
 * too, so the text can never close the element. */
static void json_chars(struct site *S, const char *s)
{
    for (; *s != '\0'; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            putf(S, "\\%c", c);
        else if (c < 0x20 || c == '<' || c == '>' || c == '&')
            putf(S, "\\u%04x", c);
        else
            fputc(c, S->f);
    }
}

static void json_text(struct site *S, const char *s)
{
    fputc('"', S->f);
    json_chars(S, s);
    fputc('"', S->f);
}

static int make_dir(struct site *S, const char *path)
{
    if (mkdir(path, 0777) == 0 || errno == EEXIST)
        return 0;
    fail(S, path, strerror(errno));
    return -1;
}

/* Pages are written to a temporary name and renamed into place when complete. */
static int file_open(struct site *S, const char *subdir, const char *name)
{
    int n;

    if (subdir != NULL)
        n = snprintf(S->path, sizeof S->path, "%s/%s/%s", S->dir, subdir, name);
    else
        n = snprintf(S->path, sizeof S->path, "%s/%s", S->dir, name);
    if (n < 0 || (size_t)n >= sizeof S->path - 5) {
        fail(S, name, "path too long");
        return -1;
    }
    snprintf(S->tmp, sizeof S->tmp, "%s.tmp", S->path);
    S->f = fopen(S->tmp, "w");
    if (S->f == NULL) {
        fail(S, S->tmp, strerror(errno));
        return -1;
    }
    return 0;
}

static void file_close(struct site *S)
{
    int bad = ferror(S->f);

    if (fclose(S->f) != 0 || bad) {
        fail(S, S->tmp, "write error");
        remove(S->tmp);
    } else if (rename(S->tmp, S->path) != 0) {
        fail(S, S->path, strerror(errno));
    }
    S->f = NULL;
}

/* ------------------------------------------------------------------------ */
/* Facts about codes, from the public API.                                   */

static void basic_name(unsigned code, char *out, size_t cap)
{
    snprintf(out, cap, "%u.html", code);
}

static void pair_name(unsigned a, unsigned b, char *out, size_t cap)
{
    snprintf(out, cap, "%u-vs-%u.html", a < b ? a : b, a < b ? b : a);
}

static int has_page(const struct site *S, unsigned code)
{
    size_t i;

    for (i = 0; i < S->ncodes; i++)
        if (S->codes[i] == code)
            return 1;
    return 0;
}

/*
 * What the registry's free-text list of basic codes ("451, 550", "250 or 251",
 * "552 (other 4XX or 5XX codes are allowed)", "Any") says: the classes the code
 * is used with and the basic codes that have a page here.
 */
static void read_basic_codes(const struct site *S, const char *text, struct enh_entry *e)
{
    const char *p = text;

    for (; *p != '\0'; p++) {
        int starts = p == text || !(p[-1] >= '0' && p[-1] <= '9');
        if (!starts || *p < '2' || *p > '5')
            continue;
        if (p[1] >= '0' && p[1] <= '9' && p[2] >= '0' && p[2] <= '9' &&
            !(p[3] >= '0' && p[3] <= '9')) {
            unsigned code = (unsigned)((p[0] - '0') * 100 + (p[1] - '0') * 10 + (p[2] - '0'));
            if (p[0] != '3') {      /* enhanced classes are 2, 4 and 5 */
                e->usual[p[0] - '0'] = 1;
                e->has_usual = 1;
            }
            if (has_page(S, code) && e->nbasic < (int)COUNT_OF(e->basic))
                e->basic[e->nbasic++] = code;
        } else if (p[0] != '3' && (p[1] == 'X' || p[1] == 'x') && (p[2] == 'X' || p[2] == 'x')) {
            e->usual[p[0] - '0'] = 1;
            e->has_usual = 1;
        }
    }
}

static int load_catalog(struct site *S)
{
    unsigned code;
    size_t i;

    for (i = 0; (code = smtpreply_catalog_code_at(i)) != 0; i++) {
        if (S->ncodes == MAX_CODES) {
            fail(S, "catalog", "more basic codes than this tool expects");
            return -1;
        }
        S->codes[S->ncodes++] = code;
    }
    for (i = 0;; i++) {
        struct enh_entry *e = &S->enh[S->nenh];
        struct smtpreply_enhanced_info info;

        if (S->nenh == MAX_ENHANCED) {
            fail(S, "catalog", "more enhanced codes than this tool expects");
            return -1;
        }
        memset(e, 0, sizeof *e);
        if (!smtpreply_catalog_enhanced_at(i, &e->code))
            break;
        snprintf(e->id, sizeof e->id, "x.%u.%u", e->code.subject, e->code.detail);
        snprintf(e->text, sizeof e->text, "X.%u.%u", e->code.subject, e->code.detail);
        e->code.klass = 5;
        if (smtpreply_explain_enhanced(&e->code, "en", &info) != SMTPREPLY_OK) {
            fail(S, e->text, "no catalog entry");
            return -1;
        }
        e->code.klass = 0;
        read_basic_codes(S, info.basic_codes, e);
        S->nenh++;
    }
    if (S->ncodes < 2 || S->nenh == 0) {
        fail(S, "catalog", "empty");
        return -1;
    }
    return 0;
}

/* The item (compare.c) of a basic code, in the page's locale. */
static int basic_item(struct site *S, unsigned code, struct item *it)
{
    char arg[8];

    snprintf(arg, sizeof arg, "%u", code);
    if (parse_item(arg, S->lang, &S->L, it) != 0) {
        fail(S, arg, "not in the catalog");
        return -1;
    }
    if (it->cut)
        fail(S, arg, "a text about it was cut");
    return 0;
}

static void enh_info(struct site *S, const struct enh_entry *e, unsigned klass,
                     struct smtpreply_enhanced_info *info)
{
    struct smtpreply_enhanced c = e->code;

    c.klass = (uint16_t)klass;
    if (smtpreply_explain_enhanced(&c, S->lang, info) != SMTPREPLY_OK)
        fail(S, e->text, "no catalog entry");
}

/* "5.7.26": the registry's code in class k. */
static void enh_form(const struct enh_entry *e, int k, char *out, size_t cap)
{
    snprintf(out, cap, "%d.%u.%u", k, e->code.subject, e->code.detail);
}

/* The forms of an enhanced code a reader meets: the usual classes, else all three. */
static void enh_forms(const struct enh_entry *e, int usual_only, const char *sep, char *out,
                      size_t cap)
{
    int k;
    char one[24];

    out[0] = '\0';
    for (k = 5; k >= 2; k--) {
        if (k == 3 || (usual_only && e->has_usual && !e->usual[k]))
            continue;
        enh_form(e, k, one, sizeof one);
        if (out[0] != '\0')
            append(out, cap, sep);
        append(out, cap, one);
    }
}

/* ------------------------------------------------------------------------ */
/* Page frame.                                                               */

/*
 * Open DIR/<lang>/name and write the page up to its <main>: the head with
 * title and description, the same page in every locale, the top bar. kind is
 * the body's data-page (index, compare, paste, code, pair); name is the same
 * in every locale. Returns -1 when the file cannot be opened.
 */
static int page_open(struct site *S, const char *name, const char *title,
                     const char *description, const char *kind)
{
    int i;

    if (file_open(S, S->lang, name) != 0)
        return -1;
    html(S, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            "<title>%h</title>\n<meta name=\"description\" content=\"%h\">\n",
         S->lang, title, description);
    for (i = 0; i < TOOL_LOCALE_COUNT; i++)
        putf(S, "<link rel=\"alternate\" hreflang=\"%s\" href=\"../%s/%s\">\n",
             tool_locale_names[i], tool_locale_names[i], name);
    putf(S, "<link rel=\"alternate\" hreflang=\"x-default\" href=\"../%s/%s\">\n",
         tool_locale_names[0], name);
    put(S, "<link rel=\"icon\" href=\"data:,\">\n"
           "<link rel=\"stylesheet\" href=\"../style.css\">\n"
           "<script src=\"../site.js\" defer></script>\n</head>\n");
    html(S, "<body data-page=\"%s\">\n<header class=\"top\">\n"
            "<a class=\"home\" href=\"index.html\">%h</a>\n"
            "<form class=\"search\" action=\"index.html\" method=\"get\" role=\"search\">\n"
            "<label for=\"q\">%h</label>\n<input type=\"search\" id=\"q\" name=\"q\" "
            "autocomplete=\"off\" placeholder=\"%h\">\n<button type=\"submit\">%h</button>\n"
            "</form>\n<nav class=\"lang\" aria-label=\"%h\">\n<ul>\n",
         kind, T(S, L_SITE_NAME), T(S, L_SITE_SEARCH_LABEL),
         T(S, L_SITE_SEARCH_PLACEHOLDER), T(S, L_SITE_SEARCH_BUTTON), T(S, L_SITE_LANGUAGE));
    for (i = 0; i < TOOL_LOCALE_COUNT; i++) {
        const char *code = tool_locale_names[i];

        if (strcmp(code, S->lang) == 0)
            html(S, "<li><strong>%h</strong></li>\n", S->lang_name[i]);
        else
            html(S, "<li><a href=\"../%s/%s\" hreflang=\"%s\" lang=\"%s\">%h</a></li>\n", code,
                 name, code, code, S->lang_name[i]);
    }
    put(S, "</ul>\n</nav>\n</header>\n<main>\n");
    return 0;
}

/* Breadcrumb: the index, then this page. */
static void crumbs(struct site *S, const char *here)
{
    html(S, "<nav class=\"crumbs\" aria-label=\"%h\"><a href=\"index.html\">%h</a> "
            "<span aria-hidden=\"true\">/</span> <span>%h</span></nav>\n",
         T(S, L_SITE_BREADCRUMB), T(S, L_SITE_NAME), here);
}

/* The end of a page from page_open(): its footer, and the file closed. */
static void page_close(struct site *S)
{
    struct sentence s;
    const char *args[1];

    args[0] = smtpreply_version();
    html(S, "</main>\n<footer>\n<p>%h</p>\n</footer>\n</body>\n</html>\n",
         TF(S, &s, L_SITE_FOOTER, args, 1));
    file_close(S);
}

/* ------------------------------------------------------------------------ */
/* Pieces shared by several pages.                                           */

/* A reference ("RFC 5321 s.4.2.2, s.4.2.3; RFC 3207 s.4") as links. */
static void references(struct site *S, const char *ref)
{
    const char *p = ref;
    int first_doc = 1;

    while (*p != '\0') {
        const char *end = strstr(p, "; ");
        size_t len = end != NULL ? (size_t)(end - p) : strlen(p);
        char part[160];
        unsigned rfc = 0;
        int used = 0;

        if (len >= sizeof part)
            len = sizeof part - 1;
        memcpy(part, p, len);
        part[len] = '\0';
        if (!first_doc)
            put(S, "; ");
        first_doc = 0;
        if (sscanf(part, "RFC %u%n", &rfc, &used) == 1 && rfc > 0) {
            const char *sec = part + used;
            int first_sec = 1;

            if (*sec == '\0')
                putf(S, "<a href=\"https://www.rfc-editor.org/rfc/rfc%u\">RFC %u</a>", rfc, rfc);
            while (strncmp(sec, " s.", 3) == 0 || strncmp(sec, ", s.", 4) == 0) {
                char num[32];
                size_t k = 0;

                sec += sec[0] == ',' ? 4 : 3;
                while (k + 1 < sizeof num && ((*sec >= '0' && *sec <= '9') || *sec == '.'))
                    num[k++] = *sec++;
                num[k] = '\0';
                if (first_sec)
                    putf(S, "<a href=\"https://www.rfc-editor.org/rfc/rfc%u#section-%s\">"
                            "RFC %u §%s</a>", rfc, num, rfc, num);
                else
                    putf(S, ", <a href=\"https://www.rfc-editor.org/rfc/rfc%u#section-%s\">"
                            "§%s</a>", rfc, num, num);
                first_sec = 0;
            }
            if (*sec != '\0')
                esc(S, sec);
        } else if (strncmp(part, "draft-", 6) == 0 && strspn(part, "abcdefghijklmnopqrstuvwxyz"
                                                               "0123456789-") == len) {
            putf(S, "<a href=\"https://datatracker.ietf.org/doc/%s/\">%s</a>", part, part);
        } else {
            esc(S, part);
        }
        p += len;
        if (end != NULL)
            p = end + 2;
    }
}

static const char *reply_word(struct site *S, int o)
{
    return T(S, o == 'S' ? L_EXPLAIN_REPLY_OUTCOME_SUCCESS
                         : o == 'I' ? L_EXPLAIN_REPLY_OUTCOME_INTERMEDIATE
                                    : L_EXPLAIN_REPLY_OUTCOME_ERROR);
}

static const char *bounce_word(struct site *S, int b)
{
    switch (b) {
    case SMTPREPLY_BOUNCE_SOFT: return T(S, L_SITE_BOUNCE_SOFT);
    case SMTPREPLY_BOUNCE_HARD: return T(S, L_SITE_BOUNCE_HARD);
    case SMTPREPLY_BOUNCE_BLOCK: return T(S, L_SITE_BOUNCE_BLOCK);
    default: return T(S, L_SITE_BOUNCE_NONE);
    }
}

static const char *retry_word(struct site *S, int r)
{
    switch (r) {
    case SMTPREPLY_RETRY_RETRY: return T(S, L_SITE_RETRY_RETRY);
    case SMTPREPLY_RETRY_AFTER_FIX: return T(S, L_SITE_RETRY_AFTER_FIX);
    case SMTPREPLY_RETRY_NEVER: return T(S, L_SITE_RETRY_NEVER);
    default: return T(S, L_SITE_RETRY_NOT_NEEDED);
    }
}

/* One row of a classifier table; notes the reason for the legend below it. */
static void verdict_row(struct site *S, const char *label, const struct smtpreply_verdict *v,
                        int *reasons_seen)
{
    int high = smtpreply_verdict_confidence(v) == SMTPREPLY_CONFIDENCE_HIGH;

    html(S, "<tr><th scope=\"row\">%h</th><td data-label=\"%h\"><code>%h</code></td>"
            "<td data-label=\"%h\">%h</td><td data-label=\"%h\">%h</td>"
            "<td data-label=\"%h\">%h</td></tr>\n",
         label, T(S, L_SITE_REASON), smtpreply_reason_name(v->reason), T(S, L_SITE_BOUNCE),
         bounce_word(S, v->bounce), T(S, L_SITE_RETRY), retry_word(S, v->retry), T(S, L_SITE_CONFIDENCE),
         high ? T(S, L_SITE_CONFIDENCE_HIGH) : T(S, L_SITE_CONFIDENCE_LOW));
    if (v->reason >= 0 && v->reason < SMTPREPLY_REASON_COUNT)
        reasons_seen[v->reason] = 1;
}

static void verdict_head(struct site *S, const char *first)
{
    html(S, "<div class=\"scroll\"><table class=\"verdicts\">\n<thead><tr><th scope=\"col\">%h"
            "</th><th scope=\"col\">%h</th><th scope=\"col\">%h</th><th scope=\"col\">%h</th>"
            "<th scope=\"col\">%h</th></tr></thead>\n<tbody>\n",
         first, T(S, L_SITE_REASON), T(S, L_SITE_BOUNCE), T(S, L_SITE_RETRY), T(S, L_SITE_CONFIDENCE));
}

/* The table's end, and each reason it names, explained. */
static void verdict_tail(struct site *S, const int *reasons_seen)
{
    int r;

    put(S, "</tbody>\n</table></div>\n<dl class=\"reasons\">\n");
    for (r = 0; r < SMTPREPLY_REASON_COUNT; r++) {
        if (!reasons_seen[r])
            continue;
        html(S, "<dt><code>%h</code></dt>\n", smtpreply_reason_name(r));
        element(S, "dd", smtpreply_reason_describe(r, S->lang), NULL);
    }
    put(S, "</dl>\n");
}

static void code_link(struct site *S, unsigned code, int with_title)
{
    char name[32];

    basic_name(code, name, sizeof name);
    putf(S, "<a href=\"%s\">%u", name, code);
    if (with_title) {
        struct smtpreply_code_info info;
        smtpreply_explain_code(code, S->lang, &info);
        put(S, " ");
        esc(S, info.title);
    }
    put(S, "</a>");
}

static void section_start(struct site *S, const char *id, const char *heading)
{
    html(S, "<section aria-labelledby=\"%s\">\n<h2 id=\"%s\">%h</h2>\n", id, id, heading);
}

/* A section that is one paragraph of the catalog's text. */
static void prose_section(struct site *S, const char *id, const char *heading, const char *text,
                          const char *locale)
{
    section_start(S, id, heading);
    element(S, "p", text, locale);
    put(S, "</section>\n");
}

static void fact(struct site *S, const char *label, const char *text)
{
    element(S, "dt", label, NULL);
    if (text != NULL)
        element(S, "dd", text, NULL);
}

static void fact_references(struct site *S, const char *label, const char *ref)
{
    if (ref[0] == '\0')
        return;
    fact(S, label, NULL);
    put(S, "<dd>");
    references(S, ref);
    put(S, "</dd>\n");
}

/* <h3>heading</h3><ul class="links">; close with put(S, "</ul>\n"). */
static void links_start(struct site *S, const char *heading)
{
    element(S, "h3", heading, NULL);
    put(S, "<ul class=\"links\">\n");
}

static void table_start(struct site *S, const char *col1, const char *col2)
{
    html(S, "<table class=\"commands\">\n<thead><tr><th scope=\"col\">%h</th>"
            "<th scope=\"col\">%h</th></tr></thead>\n<tbody>\n", col1, col2);
}

/*
 * The start of a code's page, up to its h1 ("SMTP 535 Authentication
 * credentials invalid"); desc is the meta description's template. Returns -1
 * when the file cannot be opened.
 */
static int code_page_start(struct site *S, const char *name, const char *code_text,
                           const char *title, enum tool_label desc)
{
    struct sentence t, d, h;
    const char *args[2], *page_title;

    args[0] = code_text;
    args[1] = title;
    page_title = TF(S, &t, L_SITE_CODE_TITLE, args, 2);
    if (page_open(S, name, page_title, TF(S, &d, desc, args, 2), "code") != 0)
        return -1;
    crumbs(S, code_text);
    if (compose(&h, "SMTP {1} {2}", args, 2))
        fail(S, name, "h1 cut");
    element(S, "h1", h.text, NULL);
    return 0;
}

/* ------------------------------------------------------------------------ */
/* A basic code's page.                                                      */

static void basic_page(struct site *S, size_t index)
{
    unsigned code = S->codes[index];
    struct i18n *L = &S->L;
    struct item it;
    struct sentence s;
    char name[32], num[8], line[512];
    const char *args[2];
    size_t i;
    int c, any, reasons_seen[SMTPREPLY_REASON_COUNT] = { 0 };

    if (basic_item(S, code, &it) != 0)
        return;
    basic_name(code, name, sizeof name);
    snprintf(num, sizeof num, "%u", code);
    if (code_page_start(S, name, num, it.bi.title, L_SITE_CODE_DESCRIPTION) != 0)
        return;
    put(S, "<dl class=\"facts\">\n");
    if (class_line(&it, L, line, sizeof line))
        fail(S, num, "class line cut");
    fact(S, tr(L, L_EXPLAIN_CLASS), line);
    if (category_line(&it, L, line, sizeof line))
        fail(S, num, "category line cut");
    fact(S, tr(L, L_EXPLAIN_CATEGORY), line);
    fact_references(S, tr(L, L_EXPLAIN_REFERENCE), it.bi.reference);
    put(S, "</dl>\n");
    prose_section(S, "meaning", tr(L, L_EXPLAIN_MEANING), it.bi.description, it.bi.locale);
    prose_section(S, "when", tr(L, L_EXPLAIN_WHEN), it.bi.when, it.bi.locale);
    prose_section(S, "fix", tr(L, L_EXPLAIN_FIX), it.bi.fix, it.bi.locale);

    section_start(S, "commands", T(S, L_SITE_COMMANDS));
    any = 0;
    for (c = 1; c < SMTPREPLY_CMD_COUNT; c++)
        any |= it.command_set[c] != 0;
    if (!any) {
        element(S, "p", T(S, L_SITE_NO_COMMAND), NULL);
    } else {
        table_start(S, T(S, L_SITE_COMMAND), T(S, L_SITE_REPLY));
        for (c = 1; c < SMTPREPLY_CMD_COUNT; c++) {
            if (!it.command_set[c])
                continue;
            html(S, "<tr><th scope=\"row\"><code>%h</code></th><td>%h</td></tr>\n",
                 smtpreply_command_name(c), reply_word(S, it.command_set[c]));
        }
        put(S, "</tbody>\n</table>\n");
    }
    put(S, "</section>\n");

    if (it.digit == 4 || it.digit == 5) {
        struct smtpreply_verdict v;

        section_start(S, "classifier", T(S, L_SITE_CLASSIFIER));
        element(S, "p", T(S, L_SITE_CLASSIFIER_BASIC), NULL);
        verdict_head(S, tr(L, L_EXPLAIN_ANSWERS));
        smtpreply_classify_parts(code, NULL, NULL, 0, SMTPREPLY_CMD_UNKNOWN, &v);
        verdict_row(S, T(S, L_SITE_CODE_ALONE), &v, reasons_seen);
        for (c = 1; c < SMTPREPLY_CMD_COUNT; c++) {
            if (!it.command_set[c])
                continue;
            smtpreply_classify_parts(code, NULL, NULL, 0, c, &v);
            verdict_row(S, smtpreply_command_name(c), &v, reasons_seen);
        }
        verdict_tail(S, reasons_seen);
        put(S, "</section>\n");
    }

    /* Related: the codes of the same class and category (550 to 556), and the
     * enhanced codes the registry names this code for. */
    section_start(S, "related", T(S, L_SITE_RELATED));
    any = 0;
    for (i = 0; i < S->ncodes; i++) {
        if (S->codes[i] == code || S->codes[i] / 10 != code / 10)
            continue;
        if (!any)
            links_start(S, T(S, L_SITE_SAME_FAMILY));
        any = 1;
        put(S, "<li>");
        code_link(S, S->codes[i], 1);
        put(S, "</li>\n");
    }
    if (any)
        put(S, "</ul>\n");
    any = 0;
    for (i = 0; i < S->nenh; i++) {
        const struct enh_entry *e = &S->enh[i];
        struct smtpreply_enhanced_info info;
        int k;

        for (k = 0; k < e->nbasic && e->basic[k] != code; k++)
            ;
        if (k == e->nbasic)
            continue;
        if (!any)
            links_start(S, T(S, L_SITE_ENHANCED_SENT_WITH));
        any = 1;
        enh_info(S, e, code / 100, &info);
        html(S, "<li><a href=\"%s.html\">%u.%u.%u %h</a></li>\n", e->id, code / 100,
             (unsigned)e->code.subject, (unsigned)e->code.detail, info.title);
    }
    if (any)
        put(S, "</ul>\n");
    put(S, "</section>\n");

    args[0] = num;
    section_start(S, "compare", TF(S, &s, L_SITE_COMPARE_WITH, args, 1));
    put(S, "<ul class=\"links\">\n");
    for (i = 0; i < S->ncodes; i++) {
        char pair[48], other[8];

        if (S->codes[i] == code)
            continue;
        pair_name(code, S->codes[i], pair, sizeof pair);
        snprintf(other, sizeof other, "%u", S->codes[i]);
        args[1] = other;
        html(S, "<li><a href=\"%s\" aria-label=\"%h\">%s</a></li>\n", pair,
             TF(S, &s, L_SITE_VS, args, 2), other);
    }
    put(S, "</ul>\n</section>\n");
    page_close(S);
}

/* ------------------------------------------------------------------------ */
/* An enhanced code's page.                                                  */

/* "Usually sent as 5.7.26, with basic code 550", and the other failure class. */
static void enhanced_lede(struct site *S, const struct enh_entry *e)
{
    struct sentence s;
    char forms[96], basics[96], one[24];
    const char *args[2];
    int i;

    enh_forms(e, 1, ", ", forms, sizeof forms);
    basics[0] = '\0';
    for (i = 0; i < e->nbasic; i++) {
        char b[16];
        snprintf(b, sizeof b, "%u", e->basic[i]);
        if (i > 0)
            append(basics, sizeof basics, ", ");
        append(basics, sizeof basics, b);
    }
    put(S, "<p class=\"lede\">");
    args[0] = forms;
    args[1] = basics;
    if (e->has_usual && e->nbasic == 1)
        esc(S, TF(S, &s, L_SITE_USUALLY_SENT_ONE, args, 2));
    else if (e->has_usual && e->nbasic > 1)
        esc(S, TF(S, &s, L_SITE_USUALLY_SENT_MANY, args, 2));
    else if (e->has_usual)
        esc(S, TF(S, &s, L_SITE_USUALLY_SENT, args, 1));
    else
        esc(S, TF(S, &s, L_SITE_SENT_AS, args, 1));
    /* A failure usually sent in one failure class can come in the other. */
    if (e->has_usual && e->usual[5] != e->usual[4]) {
        enh_form(e, e->usual[5] ? 4 : 5, one, sizeof one);
        args[0] = one;
        put(S, " ");
        if (e->usual[5])
            esc(S, TF(S, &s, L_SITE_OTHER_CLASS_TEMPORARY, args, 1));
        else
            esc(S, TF(S, &s, L_SITE_OTHER_CLASS_PERMANENT, args, 1));
    }
    put(S, "</p>\n");
}

static void enhanced_page(struct site *S, size_t index)
{
    const struct enh_entry *e = &S->enh[index];
    struct i18n *L = &S->L;
    struct smtpreply_enhanced_info info;
    struct sentence s;
    char name[40], one[24];
    const char *args[3];
    int k, i, reasons_seen[SMTPREPLY_REASON_COUNT] = { 0 };
    size_t j;

    /* The detail's words are the same in every class; ask in the usual one. */
    for (k = 5; k > 2 && !(e->has_usual ? e->usual[k] : 1); k--)
        ;
    enh_info(S, e, (unsigned)(k == 3 ? 2 : k), &info);
    snprintf(name, sizeof name, "%s.html", e->id);
    if (code_page_start(S, name, e->text, info.title, L_SITE_ENHANCED_DESCRIPTION) != 0)
        return;
    enhanced_lede(S, e);

    put(S, "<dl class=\"facts\">\n");
    fact(S, T(S, L_SITE_CLASSES), NULL);
    for (i = 5; i >= 2; i--) {
        struct smtpreply_enhanced_info ci;

        if (i == 3)
            continue;
        enh_info(S, e, (unsigned)i, &ci);
        enh_form(e, i, one, sizeof one);
        html(S, "<dd><strong>%s</strong> %h: %h</dd>\n", one, ci.class_title,
             ci.class_description);
    }
    fact(S, tr(L, L_EXPLAIN_SUBJECT), NULL);
    html(S, "<dd><strong>X.%u.X</strong> %h: %h</dd>\n", (unsigned)e->code.subject,
         info.subject_title, info.subject_description);
    fact_references(S, tr(L, L_EXPLAIN_REFERENCE), info.reference);
    if (info.basic_codes[0] != '\0' && e->nbasic == 0) {
        fact(S, tr(L, L_EXPLAIN_BASIC_CODES), info.basic_codes);
    } else if (info.basic_codes[0] != '\0') {
        char listed[96];

        fact(S, tr(L, L_EXPLAIN_BASIC_CODES), NULL);
        put(S, "<dd>");
        listed[0] = '\0';
        for (i = 0; i < e->nbasic; i++) {
            char b[16];
            snprintf(b, sizeof b, "%s%u", i > 0 ? ", " : "", e->basic[i]);
            append(listed, sizeof listed, b);
            if (i > 0)
                put(S, ", ");
            code_link(S, e->basic[i], 0);
        }
        /* The registry's own words when they say more ("250 or 251", "5XX"). */
        if (strcmp(listed, info.basic_codes) != 0) {
            args[0] = info.basic_codes;
            html(S, " <span class=\"note\">%h</span>",
                 TF(S, &s, L_SITE_REGISTRY_LISTS, args, 1));
        }
        put(S, "</dd>\n");
    }
    put(S, "</dl>\n");
    prose_section(S, "meaning", tr(L, L_EXPLAIN_MEANING), info.description, info.locale);

    /* When you see it: with which basic codes, answering which commands. */
    section_start(S, "when", tr(L, L_EXPLAIN_WHEN));
    if (e->nbasic == 0) {
        element(S, "p", T(S, L_SITE_NO_BASIC_CODE), NULL);
    } else {
        put(S, "<ul>\n");
        for (i = 0; i < e->nbasic; i++) {
            struct item it;
            char b[16];

            if (basic_item(S, e->basic[i], &it) != 0)
                continue;
            snprintf(b, sizeof b, "%u", e->basic[i]);
            args[0] = b;
            args[1] = it.bi.title;
            args[2] = it.phrase;
            element(S, "li", TF(S, &s, L_SITE_WITH_BASIC_CODE, args, 3), NULL);
        }
        put(S, "</ul>\n");
    }
    put(S, "</section>\n");
    prose_section(S, "fix", tr(L, L_EXPLAIN_ACTION), info.action, info.locale);

    section_start(S, "commands", T(S, L_SITE_COMMANDS));
    if (e->nbasic == 0) {
        element(S, "p", T(S, L_SITE_NO_COMMAND_ENHANCED), NULL);
    } else {
        table_start(S, T(S, L_SITE_BASIC_CODE), tr(L, L_EXPLAIN_ANSWERS));
        for (i = 0; i < e->nbasic; i++) {
            struct item it;

            if (basic_item(S, e->basic[i], &it) != 0)
                continue;
            put(S, "<tr><th scope=\"row\">");
            code_link(S, e->basic[i], 0);
            put(S, "</th><td>");
            esc(S, it.commands);
            put(S, "</td></tr>\n");
        }
        put(S, "</tbody>\n</table>\n");
    }
    put(S, "</section>\n");

    /* The classifier, in both failure classes, for a code that fails. */
    if (!e->has_usual || e->usual[4] || e->usual[5]) {
        section_start(S, "classifier", T(S, L_SITE_CLASSIFIER));
        element(S, "p", T(S, L_SITE_CLASSIFIER_ENHANCED),
                NULL);
        verdict_head(S, T(S, L_SITE_REPLY));
        for (i = 4; i <= 5; i++) {
            struct smtpreply_enhanced c = e->code;
            struct smtpreply_verdict v;
            unsigned basic = 0;
            char b[16];
            int n;

            /* With the registry's basic code of that class, or alone. */
            for (n = 0; n < e->nbasic && basic == 0; n++)
                if (e->basic[n] / 100 == (unsigned)i)
                    basic = e->basic[n];
            c.klass = (uint16_t)i;
            enh_form(e, i, one, sizeof one);
            smtpreply_classify_parts(basic, &c, NULL, 0, SMTPREPLY_CMD_UNKNOWN, &v);
            args[0] = one;
            snprintf(b, sizeof b, "%u", basic);
            args[1] = b;
            verdict_row(S, basic != 0 ? TF(S, &s, L_SITE_WITH_BASIC, args, 2)
                                      : TF(S, &s, L_SITE_ENHANCED_ALONE, args, 1), &v, reasons_seen);
        }
        verdict_tail(S, reasons_seen);
        put(S, "</section>\n");
    }

    section_start(S, "related", T(S, L_SITE_RELATED));
    links_start(S, T(S, L_SITE_SAME_SUBJECT));
    for (j = 0; j < S->nenh; j++) {
        const struct enh_entry *o = &S->enh[j];
        struct smtpreply_enhanced_info oi;

        if (j == index || o->code.subject != e->code.subject)
            continue;
        enh_info(S, o, 5, &oi);
        html(S, "<li><a href=\"%s.html\">%s %h</a></li>\n", o->id, o->text, oi.title);
    }
    put(S, "</ul>\n");
    if (e->nbasic > 0) {
        links_start(S, tr(L, L_EXPLAIN_BASIC_CODES));
        for (i = 0; i < e->nbasic; i++) {
            put(S, "<li>");
            code_link(S, e->basic[i], 1);
            put(S, "</li>\n");
        }
        put(S, "</ul>\n");
    }
    put(S, "</section>\n");
    page_close(S);
}

/* ------------------------------------------------------------------------ */
/* A comparison page: what smtp-explain prints for two codes, laid out.      */

static void glance_row(struct site *S, const char *label, const char *a, const char *b)
{
    html(S, "<tr><th scope=\"row\">%h</th><td>%h</td><td>%h</td></tr>\n", label, a, b);
}

static void pair_side(struct site *S, const struct item *it)
{
    struct i18n *L = &S->L;
    char id[16], name[32];

    snprintf(id, sizeof id, "c%u", it->code);
    basic_name(it->code, name, sizeof name);
    putf(S, "<section class=\"side\" aria-labelledby=\"%s\">\n<h2 id=\"%s\">"
            "<a href=\"%s\">%u</a> ", id, id, name, it->code);
    esc(S, it->bi.title);
    put(S, "</h2>\n");
    element(S, "h3", tr(L, L_EXPLAIN_MEANING), NULL);
    element(S, "p", it->bi.description, it->bi.locale);
    element(S, "h3", tr(L, L_EXPLAIN_WHEN), NULL);
    element(S, "p", it->bi.when, it->bi.locale);
    element(S, "h3", tr(L, L_EXPLAIN_FIX), NULL);
    element(S, "p", it->bi.fix, it->bi.locale);
    put(S, "</section>\n");
}

static void pair_page(struct site *S, const struct item *x, const struct item *y)
{
    struct i18n *L = &S->L;
    struct sentence title, desc, s, diffs[12];
    char name[48], ca[512], cb[512];
    const char *args[4], *page_title;
    const struct item *both[2];
    int n, i;

    pair_name(x->code, y->code, name, sizeof name);
    args[0] = x->label;
    args[1] = y->label;
    args[2] = x->bi.title;
    args[3] = y->bi.title;
    page_title = TF(S, &title, L_SITE_PAIR_TITLE, args, 4);
    args[1] = x->bi.title;
    args[2] = y->label;
    args[3] = y->bi.title;
    if (page_open(S, name, page_title, TF(S, &desc, L_SITE_PAIR_DESCRIPTION, args, 4),
                  "pair") != 0)
        return;
    args[0] = x->label;
    args[1] = y->label;
    if (compose(&s, tr(L, L_EXPLAIN_TITLE_COMPARE), args, 2))
        fail(S, name, "title cut");
    crumbs(S, s.text);
    element(S, "h1", s.text, NULL);
    args[0] = x->bi.title;
    args[1] = y->bi.title;
    html(S, "<p class=\"lede\">%h</p>\n", TF(S, &s, L_SITE_PAIR_LEDE, args, 2));
    html(S, "<div class=\"scroll\"><table class=\"glance\">\n<caption>%h</caption>\n"
            "<thead><tr><td></td>", T(S, L_SITE_AT_A_GLANCE));
    both[0] = x;
    both[1] = y;
    for (i = 0; i < 2; i++) {
        char code_page[32];
        basic_name(both[i]->code, code_page, sizeof code_page);
        putf(S, "<th scope=\"col\"><a href=\"%s\">%u</a></th>", code_page, both[i]->code);
    }
    put(S, "</tr></thead>\n<tbody>\n");
    glance_row(S, T(S, L_SITE_TITLE), x->bi.title, y->bi.title);
    if (class_name(x, ca, sizeof ca) | class_name(y, cb, sizeof cb))
        fail(S, name, "class cut");
    glance_row(S, tr(L, L_EXPLAIN_CLASS), ca, cb);
    glance_row(S, tr(L, L_EXPLAIN_OUTCOME), outcome_word(L, x->digit), outcome_word(L, y->digit));
    if (category_line(x, L, ca, sizeof ca) | category_line(y, L, cb, sizeof cb))
        fail(S, name, "category cut");
    glance_row(S, tr(L, L_EXPLAIN_CATEGORY), ca, cb);
    glance_row(S, tr(L, L_EXPLAIN_ANSWERS), x->commands, y->commands);
    html(S, "<tr><th scope=\"row\">%h</th><td>", tr(L, L_EXPLAIN_REFERENCE));
    references(S, x->bi.reference);
    put(S, "</td><td>");
    references(S, y->bi.reference);
    put(S, "</td></tr>\n</tbody>\n</table></div>\n");

    put(S, "<div class=\"pair\">\n");
    pair_side(S, x);
    pair_side(S, y);
    put(S, "</div>\n");

    section_start(S, "differences", tr(L, L_EXPLAIN_KEY_DIFFERENCES));
    n = differences(x, y, L, diffs, (int)COUNT_OF(diffs));
    put(S, "<ul>\n");
    for (i = 0; i < n; i++) {
        if (diffs[i].cut)
            fail(S, name, "a difference was cut");
        element(S, "li", diffs[i].text, NULL);
    }
    put(S, "</ul>\n</section>\n");

    section_start(S, "applies", tr(L, L_EXPLAIN_WHEN_EACH));
    put(S, "<ul>\n");
    for (i = 0; i < 2; i++) {
        applies(both[i], L, &s);
        if (s.cut)
            fail(S, name, "a sentence was cut");
        html(S, "<li><strong>%u:</strong> %h</li>\n", both[i]->code, s.text);
    }
    put(S, "</ul>\n</section>\n");
    page_close(S);
}

/* ------------------------------------------------------------------------ */
/* The index, with the compare form and the search index.                    */

/* One line of a list of codes: the code and its title, linked; an optional note. */
static void code_row(struct site *S, const char *href, const char *code, const char *title,
                     const char *note)
{
    html(S, "<li><a href=\"%s\"><span class=\"code\">%h</span> <span>%h</span></a>", href, code,
         title);
    if (note != NULL)
        html(S, " <span class=\"note\">%h</span>", note);
    put(S, "</li>\n");
}

static void code_options(struct site *S, size_t selected)
{
    size_t i;

    for (i = 0; i < S->ncodes; i++) {
        struct smtpreply_code_info info;

        smtpreply_explain_code(S->codes[i], S->lang, &info);
        html(S, "<option value=\"%u\"%s>%u %h</option>\n", S->codes[i],
             i == selected ? " selected" : "", S->codes[i], info.title);
    }
}

static void compare_form(struct site *S)
{
    html(S, "<form id=\"compare-form\" class=\"compare\" action=\"compare.html\" method=\"get\">\n"
            "<div><label for=\"a\">%h</label>\n<select id=\"a\" name=\"a\">\n",
         T(S, L_SITE_FIRST_CODE));
    code_options(S, 0);
    html(S, "</select></div>\n<div><label for=\"b\">%h</label>\n<select id=\"b\" name=\"b\">\n",
         T(S, L_SITE_SECOND_CODE));
    code_options(S, 1);
    html(S, "</select></div>\n<div><button type=\"submit\">%h</button></div>\n</form>\n",
         T(S, L_SITE_COMPARE_BUTTON));
}

/* One entry of the search index: what is shown, and the text searched. */
static void search_entry(struct site *S, int first, const char *code, const char *url,
                         const char *title, const char *forms, const char *const *texts,
                         size_t ntexts)
{
    size_t i;

    put(S, first ? "\n" : ",\n");
    put(S, "{\"c\":");
    json_text(S, code);
    put(S, ",\"u\":");
    json_text(S, url);
    put(S, ",\"t\":");
    json_text(S, title);
    if (forms != NULL) {
        put(S, ",\"f\":");
        json_text(S, forms);
    }
    put(S, ",\"k\":\"");
    for (i = 0; i < ntexts; i++) {
        if (texts[i][0] == '\0')
            continue;
        if (i > 0)
            put(S, " ");
        json_chars(S, texts[i]);
    }
    put(S, "\"}");
}

static void search_index(struct site *S)
{
    size_t i;
    int first = 1;

    put(S, "<script type=\"application/json\" id=\"search-data\">[");
    for (i = 0; i < S->ncodes; i++) {
        struct item it;
        struct smtpreply_code_info en;
        char num[8], url[32], cmds[256];
        const char *texts[6];
        int c;

        if (basic_item(S, S->codes[i], &it) != 0)
            continue;
        smtpreply_explain_code(S->codes[i], "en", &en);
        snprintf(num, sizeof num, "%u", S->codes[i]);
        basic_name(S->codes[i], url, sizeof url);
        cmds[0] = '\0';
        for (c = 1; c < SMTPREPLY_CMD_COUNT; c++) {
            if (it.command_set[c]) {
                append(cmds, sizeof cmds, " ");
                append(cmds, sizeof cmds, smtpreply_command_name(c));
            }
        }
        texts[0] = num;
        texts[1] = it.bi.title;
        texts[2] = strcmp(S->lang, "en") != 0 ? en.title : "";
        texts[3] = cmds + (cmds[0] == ' ');
        texts[4] = it.bi.description;
        texts[5] = it.bi.when;
        search_entry(S, first, num, url, it.bi.title, NULL, texts, COUNT_OF(texts));
        first = 0;
    }
    for (i = 0; i < S->nenh; i++) {
        const struct enh_entry *e = &S->enh[i];
        struct smtpreply_enhanced_info info, en;
        char url[40], all[96], usual[96];
        const char *texts[6];

        enh_info(S, e, 5, &info);
        {
            struct smtpreply_enhanced c = e->code;
            c.klass = 5;
            smtpreply_explain_enhanced(&c, "en", &en);
        }
        snprintf(url, sizeof url, "%s.html", e->id);
        enh_forms(e, 0, " ", all, sizeof all);
        enh_forms(e, 1, ", ", usual, sizeof usual);
        texts[0] = e->text;
        texts[1] = all;
        texts[2] = info.title;
        texts[3] = strcmp(S->lang, "en") != 0 ? en.title : "";
        texts[4] = info.description;
        texts[5] = info.basic_codes;
        search_entry(S, first, e->text, url, info.title, usual, texts, COUNT_OF(texts));
        first = 0;
    }
    put(S, "\n]</script>\n");
}

static void index_page(struct site *S)
{
    struct i18n *L = &S->L;
    struct sentence s;
    size_t i, j;
    char href[40], num[8];
    int digit;

    if (page_open(S, "index.html", T(S, L_SITE_INDEX_TITLE), T(S, L_SITE_INDEX_DESCRIPTION),
                  "index") != 0)
        return;
    element(S, "h1", T(S, L_SITE_NAME), NULL);
    element(S, "p", T(S, L_SITE_INDEX_INTRO),
            NULL);

    /* Search results, filled by site.js; the lists below are the page without it. */
    html(S, "<section id=\"results\" aria-labelledby=\"results-h\" hidden data-none=\"%h\" "
            "data-one=\"%h\" data-many=\"%h\">\n<h2 id=\"results-h\">%h</h2>\n",
         T(S, L_SITE_SEARCH_NONE), T(S, L_SITE_SEARCH_ONE), T(S, L_SITE_SEARCH_MANY),
         T(S, L_SITE_SEARCH_RESULTS));
    put(S, "<div id=\"results-count\" aria-live=\"polite\"></div>\n"
           "<ol id=\"results-list\" class=\"codes\"></ol>\n</section>\n");

    put(S, "<div id=\"browse\">\n");
    if (S->js != NULL) {
        section_start(S, "paste", T(S, L_SITE_PASTE));
        html(S, "<p><a href=\"paste.html\">%h</a></p>\n</section>\n",
             T(S, L_SITE_PASTE_INVITE));
    }
    section_start(S, "compare", T(S, L_SITE_COMPARE_TWO));
    compare_form(S);
    put(S, "</section>\n");

    section_start(S, "basic", T(S, L_SITE_BASIC_CODES));
    for (digit = 2; digit <= 5; digit++) {
        struct smtpreply_code_info info;
        int open = 0;

        for (i = 0; i < S->ncodes; i++) {
            if (S->codes[i] / 100 != (unsigned)digit)
                continue;
            smtpreply_explain_code(S->codes[i], S->lang, &info);
            if (!open) {
                html(S, "<h3 id=\"class-%d\">%dxx %h: %h</h3>\n<ul class=\"codes\">\n", digit,
                     digit, info.severity_title, outcome_word(L, digit));
                open = 1;
            }
            basic_name(S->codes[i], href, sizeof href);
            snprintf(num, sizeof num, "%u", S->codes[i]);
            code_row(S, href, num, info.title, NULL);
        }
        if (open)
            put(S, "</ul>\n");
    }
    put(S, "</section>\n");

    section_start(S, "enhanced", T(S, L_SITE_ENHANCED_CODES));
    element(S, "p", T(S, L_SITE_ENHANCED_INTRO), NULL);
    /* The catalog lists details by subject, so a new subject starts a group. */
    for (j = 0; j < S->nenh; j++) {
        const struct enh_entry *e = &S->enh[j];
        struct smtpreply_enhanced_info info;
        char usual[96];
        const char *args[1];

        enh_info(S, e, 5, &info);
        if (j == 0 || e->code.subject != S->enh[j - 1].code.subject) {
            if (j > 0)
                put(S, "</ul>\n");
            html(S, "<h3 id=\"subject-%u\">X.%u.X %h</h3>\n", (unsigned)e->code.subject,
                 (unsigned)e->code.subject, info.subject_title);
            element(S, "p", info.subject_description, NULL);
            put(S, "<ul class=\"codes\">\n");
        }
        enh_forms(e, 1, ", ", usual, sizeof usual);
        args[0] = usual;
        snprintf(href, sizeof href, "%s.html", e->id);
        code_row(S, href, e->text, info.title,
                 e->has_usual ? TF(S, &s, L_SITE_USUALLY, args, 1) : NULL);
    }
    put(S, "</ul>\n</section>\n</div>\n");
    search_index(S);
    page_close(S);
}

/* Where the compare form lands: site.js goes on to the pair; without it, links. */
static void compare_page(struct site *S)
{
    size_t i;

    if (page_open(S, "compare.html", T(S, L_SITE_COMPARE_TITLE),
                  T(S, L_SITE_COMPARE_DESCRIPTION), "compare") != 0)
        return;
    crumbs(S, T(S, L_SITE_COMPARE_TWO));
    element(S, "h1", T(S, L_SITE_COMPARE_TITLE), NULL);
    compare_form(S);
    element(S, "p", T(S, L_SITE_COMPARE_PICK), NULL);
    put(S, "<ul class=\"codes\">\n");
    for (i = 0; i < S->ncodes; i++) {
        struct smtpreply_code_info info;
        char href[40], num[8];

        smtpreply_explain_code(S->codes[i], S->lang, &info);
        snprintf(href, sizeof href, "%u.html#compare", S->codes[i]);
        snprintf(num, sizeof num, "%u", S->codes[i]);
        code_row(S, href, num, info.title, NULL);
    }
    put(S, "</ul>\n");
    page_close(S);
}

/* DIR/index.html: the choice of language. */
static void root_page(struct site *S)
{
    int i;

    if (file_open(S, NULL, "index.html") != 0)
        return;
    select_locale(S, 0);
    html(S, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            "<title>%h</title>\n<meta name=\"description\" content=\"%h\">\n",
         S->lang, T(S, L_SITE_NAME), T(S, L_SITE_INDEX_DESCRIPTION));
    for (i = 0; i < TOOL_LOCALE_COUNT; i++)
        html(S, "<link rel=\"alternate\" hreflang=\"%s\" href=\"%s/index.html\">\n",
             tool_locale_names[i], tool_locale_names[i]);
    html(S, "<link rel=\"icon\" href=\"data:,\">\n<link rel=\"stylesheet\" href=\"style.css\">\n"
            "</head>\n<body data-page=\"root\">\n<main>\n<h1>%h</h1>\n"
            "<nav aria-label=\"%h\">\n<ul class=\"codes\">\n",
         T(S, L_SITE_NAME), T(S, L_SITE_CHOOSE_LANGUAGE));
    for (i = 0; i < TOOL_LOCALE_COUNT; i++) {
        const char *code = tool_locale_names[i];

        select_locale(S, i);
        html(S, "<li><a href=\"%s/index.html\" hreflang=\"%s\" lang=\"%s\">%h: %h</a></li>\n",
             code, code, code, S->lang_name[i], T(S, L_SITE_NAME));
    }
    put(S, "</ul>\n</nav>\n</main>\n</body>\n</html>\n");
    file_close(S);
}

static void asset(struct site *S, const char *name, const unsigned char *text)
{
    if (file_open(S, NULL, name) != 0)
        return;
    put(S, (const char *)text);
    file_close(S);
}

/* ------------------------------------------------------------------------ */

/* Copy DIR_of_the_package/name to DIR/js/name, byte for byte. */
static void copy_file(struct site *S, const char *name)
{
    char from[PATH_CAP];
    unsigned char buf[1 << 15];
    FILE *in;
    size_t n;

    snprintf(from, sizeof from, "%s/%s", S->js, name);
    in = fopen(from, "rb");
    if (in == NULL) {
        fail(S, from, strerror(errno));
        return;
    }
    if (file_open(S, "js", name) == 0) {
        while ((n = fread(buf, 1, sizeof buf, in)) > 0)
            fwrite(buf, 1, n, S->f);
        if (ferror(in))
            fail(S, from, "read error");
        file_close(S);
    }
    fclose(in);
}

/* "key":"value" of a JSON object, after a comma unless it is member 0. */
static void json_pair(struct site *S, size_t i, const char *key, const char *value)
{
    put(S, i > 0 ? "," : "");
    json_text(S, key);
    put(S, ":");
    json_text(S, value);
}

/* The words site.js shows around a parsed reply, in the page's language. */
static void paste_words(struct site *S)
{
    static const int bounces[] = { SMTPREPLY_BOUNCE_NONE, SMTPREPLY_BOUNCE_SOFT,
                                   SMTPREPLY_BOUNCE_HARD, SMTPREPLY_BOUNCE_BLOCK };
    static const int retries[] = { SMTPREPLY_RETRY_NOT_NEEDED, SMTPREPLY_RETRY_RETRY,
                                   SMTPREPLY_RETRY_AFTER_FIX, SMTPREPLY_RETRY_NEVER };
    /* "labels": the words site.js puts before each part of the verdict. */
    static const struct {
        const char *key;
        enum tool_label id;
    } labels[] = {
        { "severity", L_SITE_SEVERITY }, { "category", L_EXPLAIN_CATEGORY },
        { "reason", L_SITE_REASON },     { "bounce", L_SITE_BOUNCE },
        { "retry", L_SITE_RETRY },       { "evidence", L_SITE_EVIDENCE },
        { "rule", L_SITE_RULE },         { "flags", L_SITE_FLAGS },
        { "error", L_SITE_LINE_ERROR },  { "nothing", L_SITE_NO_REPLY },
    };
    size_t i;

    put(S, "<script type=\"application/json\" id=\"paste-words\">{\"lang\":");
    json_text(S, S->lang);
    put(S, ",\"bounce\":{");
    for (i = 0; i < COUNT_OF(bounces); i++)
        json_pair(S, i, smtpreply_bounce_name(bounces[i]), bounce_word(S, bounces[i]));
    put(S, "},\"retry\":{");
    for (i = 0; i < COUNT_OF(retries); i++)
        json_pair(S, i, smtpreply_retry_name(retries[i]), retry_word(S, retries[i]));
    put(S, "},\"labels\":{");
    for (i = 0; i < COUNT_OF(labels); i++)
        json_pair(S, i, labels[i].key, T(S, labels[i].id));
    put(S, "},\"basic\":[");
    for (i = 0; i < S->ncodes; i++)
        putf(S, "%s%u", i > 0 ? "," : "", S->codes[i]);
    put(S, "],\"enhanced\":[");
    for (i = 0; i < S->nenh; i++) {
        put(S, i > 0 ? "," : "");
        json_text(S, S->enh[i].text + 2);   /* "7.26" */
    }
    put(S, "]}</script>\n");
}

/* paste.html: a reply pasted in is parsed and classified in the browser, by
 * the library compiled to WebAssembly (the npm package, copied to DIR/js/). */
static void paste_page(struct site *S)
{
    struct i18n *L = &S->L;
    int c;

    if (page_open(S, "paste.html", T(S, L_SITE_PASTE_TITLE), T(S, L_SITE_PASTE_DESCRIPTION),
                  "paste") != 0)
        return;
    crumbs(S, T(S, L_SITE_PASTE));
    element(S, "h1", T(S, L_SITE_PASTE), NULL);
    element(S, "p", T(S, L_SITE_PASTE_INTRO), NULL);
    html(S, "<form id=\"paste-form\" class=\"paste\" action=\"paste.html\" method=\"get\">\n"
            "<div><label for=\"reply\">%h</label>\n<textarea id=\"reply\" name=\"reply\" rows=\"5\" spellcheck=\"false\" "
            "placeholder=\"550-5.1.1 The email account that you tried to reach does not exist.\">"
            "</textarea></div>\n<div><label for=\"command\">%h</label>\n"
            "<select id=\"command\" name=\"command\">\n<option value=\"\">%h</option>\n",
         T(S, L_SITE_REPLY), tr(L, L_EXPLAIN_ANSWERS), T(S, L_SITE_COMMAND_NOT_KNOWN));
    for (c = 1; c < SMTPREPLY_CMD_COUNT; c++)
        html(S, "<option value=\"%s\">%s</option>\n", smtpreply_command_name(c),
             smtpreply_command_name(c));
    html(S, "</select></div>\n<div><button type=\"submit\">%h</button></div>\n</form>\n",
         T(S, L_SITE_READ));
    html(S, "<div id=\"paste-out\" aria-live=\"polite\"><p class=\"note\">%h</p></div>\n",
         T(S, L_SITE_PASTE_NEEDS_SERVER));
    paste_words(S);
    page_close(S);
}

static void write_locale(struct site *S, int locale)
{
    char dir[PATH_CAP];
    size_t i, j;

    select_locale(S, locale);
    snprintf(dir, sizeof dir, "%s/%s", S->dir, S->lang);
    if (make_dir(S, dir) != 0)
        return;
    index_page(S);
    compare_page(S);
    if (S->js != NULL)
        paste_page(S);
    for (i = 0; i < S->ncodes; i++)
        basic_page(S, i);
    for (i = 0; i < S->nenh; i++)
        enhanced_page(S, i);
    for (i = 0; i < S->ncodes; i++)
        if (basic_item(S, S->codes[i], &S->items[i]) != 0)
            return;
    for (i = 0; i < S->ncodes; i++)
        for (j = i + 1; j < S->ncodes; j++)
            pair_page(S, &S->items[i], &S->items[j]);
}

static void usage(FILE *f)
{
    fputs("usage: smtp-site [--js PACKAGE_DIR] DIR\n"
          "  Writes the reference site of every SMTP reply code into DIR, in each\n"
          "  language (DIR/en/, DIR/vi/); open DIR/index.html in a browser.\n"
          "  --js PACKAGE_DIR  the npm package (smtpreply.js, smtpreply.wasm): adds a\n"
          "                    page that parses a pasted reply in the browser\n"
          "  --help, --version\n"
          "Exit status: 0 written, 1 a page could not be written, 2 usage error.\n", f);
}

int main(int argc, char **argv)
{
    static struct site S;   /* large; zeroed */
    int i, a = 1;

    if (argc == 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
        usage(stdout);
        return 0;
    }
    if (argc == 2 && strcmp(argv[1], "--version") == 0) {
        printf("smtp-site (smtpreply %s)\n", smtpreply_version());
        return 0;
    }
    if (argc == 4 && strcmp(argv[1], "--js") == 0 && argv[2][0] != '\0') {
        S.js = argv[2];
        a = 3;
    }
    if (argc != a + 1 || argv[a][0] == '\0' || argv[a][0] == '-') {
        usage(stderr);
        return 2;
    }
    S.dir = argv[a];
    load_locales(&S);
    if (make_dir(&S, S.dir) != 0 || load_catalog(&S) != 0)
        return 1;
    asset(&S, "style.css", site_css);
    asset(&S, "site.js", site_js);
    if (S.js != NULL) {
        char dir[PATH_CAP];

        snprintf(dir, sizeof dir, "%s/js", S.dir);
        if (make_dir(&S, dir) == 0) {
            copy_file(&S, "smtpreply.js");
            copy_file(&S, "smtpreply.wasm");
        }
    }
    root_page(&S);
    for (i = 0; i < TOOL_LOCALE_COUNT; i++)
        write_locale(&S, i);
    return S.failed ? 1 : 0;
}
