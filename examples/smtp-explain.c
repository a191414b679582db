/* SPDX-License-Identifier: MIT */
/*
 * smtp-explain: what an SMTP reply code means, when you see it and what to do.
 *
 *   smtp-explain [--json] [--lang LANG] CODE [CODE]
 *
 * CODE is a basic code ("535"), an enhanced code ("5.7.8") or both in one
 * argument ("535 5.7.8"). One CODE prints its full catalog entry; two print a
 * comparison: the two side by side, each one's meaning, when you see it and
 * what to do, the key differences (computed from the data: severity,
 * category, subject, the commands each answers) and when each applies.
 * --json prints the same facts as one JSON object. The language is the one
 * --lang names ("vi", "vi_VN"), else the first of LC_ALL, LC_MESSAGES and LANG
 * that is set; text a locale has not translated yet is shown in English, and a
 * closing note says how much.
 *
 * Exit status: 0 done, 1 a CODE is not a valid reply code, 2 usage error.
 * Uses only the public header, as an outside program would.
 */
#include <smtpreply.h>

#include "compare.h"
#include "i18n.h"
#include "json_out.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))
#define WIDTH 78            /* text is wrapped to this many columns */


/* Print text wrapped to WIDTH: the first line after "prefix", the others indented. */
static void wrap(const char *prefix, size_t indent, const char *text)
{
    size_t col, start, i, len = strlen(text), word_end, cols;
    int first = 1;

    fputs(prefix, stdout);
    col = i18n_columns(prefix, strlen(prefix));
    while (col < indent) {
        putchar(' ');
        col++;
    }
    start = 0;
    while (start < len) {
        /* one word: up to the next space */
        word_end = start;
        while (word_end < len && text[word_end] != ' ')
            word_end++;
        cols = i18n_columns(text + start, word_end - start);
        if (!first && col + 1 + cols > WIDTH) {
            putchar('\n');
            for (i = 0; i < indent; i++)
                putchar(' ');
            col = indent;
        } else if (!first) {
            putchar(' ');
            col++;
        }
        first = 0;
        fwrite(text + start, 1, word_end - start, stdout);
        col += cols;
        start = word_end;
        while (start < len && text[start] == ' ')
            start++;
    }
    putchar('\n');
}

static void field(const char *label, const char *text)
{
    char prefix[96];

    snprintf(prefix, sizeof prefix, "  %s: ", label);
    wrap(prefix, 4, text);
}

/* ------------------------------------------------------------------------ */
/* Text output.                                                              */

static void print_basic(const struct item *it, struct i18n *L, int brief)
{
    const struct smtpreply_code_info *b = &it->bi;
    char buf[512];
    struct sentence s;
    const char *args[2];
    char code[8], digit[4];

    printf("%u  %s\n", it->code, i18n_count(L, b->title, it->bi_en.title));
    if (b->match == SMTPREPLY_MATCH_CLASS) {
        snprintf(code, sizeof code, "%u", it->code);
        snprintf(digit, sizeof digit, "%d", it->digit);
        args[0] = code;
        args[1] = digit;
        compose(&s, tr(L, L_EXPLAIN_NOT_STANDARD), args, 2);
        wrap("  ", 2, s.text);
    }
    class_line(it, L, buf, sizeof buf);
    field(tr(L, L_EXPLAIN_CLASS), buf);
    if (!brief) {
        category_line(it, L, buf, sizeof buf);
        field(tr(L, L_EXPLAIN_CATEGORY), buf);
    }
    field(tr(L, L_EXPLAIN_MEANING), i18n_count(L, b->description, it->bi_en.description));
    field(tr(L, L_EXPLAIN_WHEN), i18n_count(L, b->when, it->bi_en.when));
    field(tr(L, L_EXPLAIN_FIX), i18n_count(L, b->fix, it->bi_en.fix));
    if (!brief) {
        if (b->reference[0] != '\0')
            field(tr(L, L_EXPLAIN_REFERENCE), b->reference);
        i18n_shown(L, it->commands_en);
        field(tr(L, L_EXPLAIN_ANSWERS), it->commands);
    }
}

static void print_enhanced(const struct item *it, struct i18n *L)
{
    const struct smtpreply_enhanced_info *e = &it->ei;
    char buf[1024];
    struct sentence s;
    const char *args[1];

    printf("%s  %s\n", it->enh_text, i18n_count(L, e->title, it->ei_en.title));
    if (e->match == SMTPREPLY_MATCH_CLASS) {
        args[0] = it->enh_text;
        compose(&s, tr(L, L_EXPLAIN_NOT_REGISTERED), args, 1);
        wrap("  ", 2, s.text);
    }
    snprintf(buf, sizeof buf, "%u.x.x %s: %s", e->code.klass,
             i18n_count(L, e->class_title, it->ei_en.class_title),
             i18n_count(L, e->class_description, it->ei_en.class_description));
    field(tr(L, L_EXPLAIN_CLASS), buf);
    snprintf(buf, sizeof buf, "x.%u.x %s: %s", e->code.subject,
             i18n_count(L, e->subject_title, it->ei_en.subject_title),
             i18n_count(L, e->subject_description, it->ei_en.subject_description));
    field(tr(L, L_EXPLAIN_SUBJECT), buf);
    if (e->match == SMTPREPLY_MATCH_EXACT)
        field(tr(L, L_EXPLAIN_MEANING), i18n_count(L, e->description, it->ei_en.description));
    field(tr(L, L_EXPLAIN_ACTION), i18n_count(L, e->action, it->ei_en.action));
    if (e->reference[0] != '\0')
        field(tr(L, L_EXPLAIN_REFERENCE), e->reference);
    if (e->basic_codes[0] != '\0')
        field(tr(L, L_EXPLAIN_BASIC_CODES), e->basic_codes);
}

static void print_item(const struct item *it, struct i18n *L)
{
    struct sentence s;
    char a[16], b[16];
    const char *args[2];

    if (it->has_basic)
        print_basic(it, L, 0);
    if (it->has_basic && it->has_enh)
        putchar('\n');
    if (it->has_enh)
        print_enhanced(it, L);
    if (it->has_basic && it->has_enh && it->enh.klass != it->code / 100) {
        snprintf(a, sizeof a, "%u", it->enh.klass);
        snprintf(b, sizeof b, "%u", it->code / 100);
        args[0] = a;
        args[1] = b;
        compose(&s, tr(L, L_EXPLAIN_CLASS_DISAGREES), args, 2);
        putchar('\n');
        wrap("", 0, s.text);
    }
}


/* A table row: a label column, then two wrapped columns side by side. */
#define LABEL_COLS 18
#define VALUE_COLS 28

/* Next piece of s that fits in width columns; *pos advances past it. */
static size_t next_piece(const char *s, size_t *pos, size_t width, size_t *piece_cols)
{
    size_t len = strlen(s), start = *pos, end = start, last_fit = start, cols = 0, wc;

    while (start < len && s[start] == ' ')
        start++;
    end = start;
    last_fit = start;
    while (end < len) {
        size_t w = end;
        while (w < len && s[w] != ' ')
            w++;
        wc = i18n_columns(s + end, w - end);
        if (cols + (end > start ? 1 : 0) + wc > width && end > start)
            break;
        cols += (end > start ? 1 : 0) + wc;
        last_fit = w;
        end = w;
        while (end < len && s[end] == ' ')
            end++;
        if (cols >= width)
            break;
    }
    if (last_fit == start && start < len) {
        /* a single word longer than the column: print it whole */
        while (last_fit < len && s[last_fit] != ' ')
            last_fit++;
        cols = i18n_columns(s + start, last_fit - start);
    }
    *pos = last_fit;
    *piece_cols = cols;
    return start;
}

static void pad(size_t n)
{
    while (n-- > 0)
        putchar(' ');
}

static void table_row(const char *label, const char *a, const char *b)
{
    size_t pa = 0, pb = 0, la = strlen(a), lb = strlen(b), ca, cb, sa, sb;
    int first = 1;

    while (first || pa < la || pb < lb) {
        size_t lc = first ? i18n_columns(label, strlen(label)) : 0;

        printf("  %s", first ? label : "");
        pad(LABEL_COLS - (lc < LABEL_COLS ? lc : LABEL_COLS - 1));
        sa = next_piece(a, &pa, VALUE_COLS, &ca);
        fwrite(a + sa, 1, pa - sa, stdout);
        sb = next_piece(b, &pb, VALUE_COLS, &cb);
        if (pb > sb)
            pad(VALUE_COLS + 2 - (ca < VALUE_COLS ? ca : VALUE_COLS));
        fwrite(b + sb, 1, pb - sb, stdout);
        putchar('\n');
        first = 0;
        while (pa < la && a[pa] == ' ')
            pa++;
        while (pb < lb && b[pb] == ' ')
            pb++;
    }
}

static void print_compare(const struct item *x, const struct item *y, struct i18n *L)
{
    struct sentence s, diffs[12];
    const char *args[2];
    const struct item *both[2];
    char cx[256], cy[256];
    int n, i;

    args[0] = x->label;
    args[1] = y->label;
    compose(&s, tr(L, L_EXPLAIN_TITLE_COMPARE), args, 2);
    printf("%s\n\n", s.text);

    table_row("", x->label, y->label);
    table_row("", x->has_basic ? i18n_count(L, x->bi.title, x->bi_en.title)
                               : i18n_count(L, x->ei.title, x->ei_en.title),
              y->has_basic ? i18n_count(L, y->bi.title, y->bi_en.title)
                           : i18n_count(L, y->ei.title, y->ei_en.title));
    class_name(x, cx, sizeof cx);
    class_name(y, cy, sizeof cy);
    table_row(tr(L, L_EXPLAIN_CLASS), cx, cy);
    table_row(tr(L, L_EXPLAIN_OUTCOME), outcome_word(L, x->digit), outcome_word(L, y->digit));
    if (x->has_basic && y->has_basic) {
        category_line(x, L, cx, sizeof cx);
        category_line(y, L, cy, sizeof cy);
        table_row(tr(L, L_EXPLAIN_CATEGORY), cx, cy);
        i18n_shown(L, x->commands_en);
        i18n_shown(L, y->commands_en);
        table_row(tr(L, L_EXPLAIN_ANSWERS), x->commands, y->commands);
    }
    table_row(tr(L, L_EXPLAIN_REFERENCE), x->has_basic ? x->bi.reference : x->ei.reference,
              y->has_basic ? y->bi.reference : y->ei.reference);

    both[0] = x;
    both[1] = y;
    for (i = 0; i < 2; i++) {
        const struct item *it = both[i];
        putchar('\n');
        if (it->has_basic) {
            print_basic(it, L, 1);
        } else {
            print_enhanced(it, L);
        }
        if (it->has_basic && it->has_enh) {
            putchar('\n');
            print_enhanced(it, L);
        }
    }

    printf("\n%s\n", tr(L, L_EXPLAIN_KEY_DIFFERENCES));
    n = differences(x, y, L, diffs, (int)COUNT_OF(diffs));
    for (i = 0; i < n; i++)
        wrap("  - ", 4, diffs[i].text);

    printf("\n%s\n", tr(L, L_EXPLAIN_WHEN_EACH));
    for (i = 0; i < 2; i++) {
        char prefix[64];
        applies(both[i], L, &s);
        snprintf(prefix, sizeof prefix, "  - %s: ", both[i]->label);
        wrap(prefix, 4, s.text);
    }
}

/* ------------------------------------------------------------------------ */
/* JSON output.                                                              */

static void json_kv(const char *key, const char *value, int comma)
{
    json_cstring(stdout, key);
    putchar(':');
    json_cstring(stdout, value);
    if (comma)
        putchar(',');
}

static void json_item(const struct item *it, struct i18n *L)
{
    int c, first = 1;

    printf("{\"input\":");
    json_cstring(stdout, it->label);
    printf(",\"basic\":");
    if (it->has_basic) {
        const struct smtpreply_code_info *b = &it->bi;
        printf("{\"code\":%u,\"standard\":%s,", it->code,
               b->match == SMTPREPLY_MATCH_EXACT ? "true" : "false");
        json_kv("match", b->match == SMTPREPLY_MATCH_EXACT ? "exact" : "class", 1);
        json_kv("locale", b->locale, 1);
        json_kv("title", b->title, 1);
        json_kv("severity", smtpreply_severity_name(b->severity), 1);
        json_kv("severity_title", b->severity_title, 1);
        json_kv("outcome", outcome_word(L, it->digit), 1);
        json_kv("category", smtpreply_category_name(b->category), 1);
        json_kv("description", b->description, 1);
        json_kv("when", b->when, 1);
        json_kv("fix", b->fix, 1);
        json_kv("reference", b->reference, 1);
        printf("\"commands\":[");
        for (c = 1; c < SMTPREPLY_CMD_COUNT; c++) {
            if (!it->command_set[c])
                continue;
            printf("%s{\"command\":", first ? "" : ",");
            json_cstring(stdout, smtpreply_command_name(c));
            printf(",\"outcome\":");
            json_cstring(stdout, it->command_set[c] == 'S' ? "success"
                     : it->command_set[c] == 'I' ? "intermediate" : "error");
            putchar('}');
            first = 0;
        }
        printf("]}");
    } else {
        printf("null");
    }
    printf(",\"enhanced\":");
    if (it->has_enh) {
        const struct smtpreply_enhanced_info *e = &it->ei;
        putchar('{');
        json_kv("code", it->enh_text, 1);
        printf("\"registered\":%s,", e->match == SMTPREPLY_MATCH_EXACT ? "true" : "false");
        json_kv("match", e->match == SMTPREPLY_MATCH_EXACT ? "exact" : "class", 1);
        json_kv("locale", e->locale, 1);
        json_kv("class_title", e->class_title, 1);
        json_kv("class_description", e->class_description, 1);
        json_kv("subject_title", e->subject_title, 1);
        json_kv("subject_description", e->subject_description, 1);
        json_kv("title", e->title, 1);
        json_kv("description", e->description, 1);
        json_kv("action", e->action, 1);
        json_kv("reference", e->reference, 1);
        json_kv("basic_codes", e->basic_codes, 0);
        putchar('}');
    } else {
        printf("null");
    }
    printf(",\"class_disagrees\":%s}",
           it->has_basic && it->has_enh && it->enh.klass != it->code / 100 ? "true" : "false");
}

static void json_compare(const struct item *x, const struct item *y, struct i18n *L)
{
    struct sentence diffs[12], s;
    const struct item *both[2];
    int n, i;

    printf("{\"lang\":");
    json_cstring(stdout, i18n_name(L));
    printf(",\"compare\":[");
    json_item(x, L);
    putchar(',');
    json_item(y, L);
    printf("],\"differences\":[");
    n = differences(x, y, L, diffs, (int)COUNT_OF(diffs));
    for (i = 0; i < n; i++) {
        if (i)
            putchar(',');
        json_cstring(stdout, diffs[i].text);
    }
    printf("],\"applies\":[");
    both[0] = x;
    both[1] = y;
    for (i = 0; i < 2; i++) {
        applies(both[i], L, &s);
        printf("%s{", i ? "," : "");
        json_kv("input", both[i]->label, 1);
        json_kv("text", s.text, 0);
        putchar('}');
    }
    printf("]}\n");
}

/* ------------------------------------------------------------------------ */

static void usage(FILE *f)
{
    char langs[128];

    i18n_list(langs, sizeof langs);
    fputs("usage: smtp-explain [--json] [--lang LANG] CODE [CODE]\n"
          "  CODE  a reply code (535), an enhanced code (5.7.8) or both (\"535 5.7.8\")\n"
          "  One CODE prints its entry; two CODEs are compared side by side.\n"
          "  LANG  one of: ", f);
    fputs(langs, f);
    fputs(" (default: from LC_ALL, LC_MESSAGES or LANG, else en)\n"
          "Exit status: 0 explained, 1 a CODE is not a reply code, 2 usage error.\n", f);
}

/* After text output: say so when some of it is in English for want of a translation. */
static void untranslated_note(struct i18n *L)
{
    const char *args[1];
    struct sentence s;

    if (L->english == 0)
        return;
    args[0] = i18n_name(L);
    compose(&s, tr(L, L_TOOL_UNTRANSLATED_NOTE), args, 1);
    putchar('\n');
    wrap("", 0, s.text);
}

int main(int argc, char **argv)
{
    struct i18n lang, *L = &lang;
    const char *codes[2];
    struct item items[2];
    int i, ncodes = 0, json = 0, options = 1;

    (void)i18n_select(L, i18n_env());      /* an unknown LANG means English */
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (options && strcmp(a, "--") == 0) {
            options = 0;
        } else if (options && strcmp(a, "--json") == 0) {
            json = 1;
        } else if (options && (strcmp(a, "--lang") == 0 || strncmp(a, "--lang=", 7) == 0)) {
            const char *v = a[6] == '=' ? a + 7 : (i + 1 < argc ? argv[++i] : NULL);
            if (v == NULL || i18n_select(L, v) != 0) {
                fprintf(stderr, "smtp-explain: --lang %s: no such language\n", v ? v : "");
                usage(stderr);
                return 2;
            }
        } else if (options && (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0)) {
            usage(stdout);
            return 0;
        } else if (options && a[0] == '-' && a[1] != '\0') {
            char shown[512];

            fprintf(stderr, "smtp-explain: unknown option %s\n", term_safe(shown, sizeof shown, a));
            usage(stderr);
            return 2;
        } else if (ncodes < 2) {
            codes[ncodes++] = a;
        } else {
            fprintf(stderr, "smtp-explain: at most two CODEs\n");
            usage(stderr);
            return 2;
        }
    }
    if (ncodes == 0) {
        usage(stderr);
        return 2;
    }
    for (i = 0; i < ncodes; i++)
        if (parse_item(codes[i], i18n_name(L), L, &items[i]) != 0)
            return 1;

    if (json) {
        if (ncodes == 1) {
            printf("{\"lang\":");
            json_cstring(stdout, i18n_name(L));
            printf(",\"entry\":");
            json_item(&items[0], L);
            printf("}\n");
        } else {
            json_compare(&items[0], &items[1], L);
        }
    } else {
        if (ncodes == 1)
            print_item(&items[0], L);
        else
            print_compare(&items[0], &items[1], L);
        untranslated_note(L);
    }
    return fflush(stdout) == 0 ? 0 : 1;
}
