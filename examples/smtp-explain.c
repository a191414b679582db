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

#include "i18n.h"
#include "json_out.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))
#define WIDTH 78            /* text is wrapped to this many columns */
#define SENTENCE_CAP 2048   /* one composed sentence */

/* ------------------------------------------------------------------------ */
/* Labels. The tool's own headings and sentence templates come from po/ like  */
/* the catalog (examples/i18n.h); {1}, {2}... are replaced by arguments, so    */
/* each language keeps its own word order.                                     */

/* The outcome of a first digit (2..5), in words. */
static const char *outcome_word(struct i18n *L, int digit)
{
    static const enum tool_label ids[4] = {
        L_EXPLAIN_OUTCOME_2, L_EXPLAIN_OUTCOME_3, L_EXPLAIN_OUTCOME_4, L_EXPLAIN_OUTCOME_5,
    };
    return digit >= 2 && digit <= 5 ? tr(L, ids[digit - 2]) : "";
}

/* What to do next after a reply of a first digit (2..5). */
static const char *next_step(struct i18n *L, int digit)
{
    static const enum tool_label ids[4] = {
        L_EXPLAIN_NEXT_STEP_2, L_EXPLAIN_NEXT_STEP_3, L_EXPLAIN_NEXT_STEP_4,
        L_EXPLAIN_NEXT_STEP_5,
    };
    return digit >= 2 && digit <= 5 ? tr(L, ids[digit - 2]) : "";
}

/* A command as a sentence names it: the protocol's own words, but for two. */
static const char *command_phrase(const struct i18n *L, int command, int *english)
{
    static const char *const words[SMTPREPLY_CMD_COUNT] = {
        [SMTPREPLY_CMD_EHLO] = "EHLO", [SMTPREPLY_CMD_HELO] = "HELO",
        [SMTPREPLY_CMD_MAIL] = "MAIL FROM", [SMTPREPLY_CMD_RCPT] = "RCPT TO",
        [SMTPREPLY_CMD_DATA] = "DATA", [SMTPREPLY_CMD_BDAT] = "BDAT",
        [SMTPREPLY_CMD_AUTH] = "AUTH", [SMTPREPLY_CMD_STARTTLS] = "STARTTLS",
        [SMTPREPLY_CMD_VRFY] = "VRFY", [SMTPREPLY_CMD_EXPN] = "EXPN",
        [SMTPREPLY_CMD_RSET] = "RSET", [SMTPREPLY_CMD_NOOP] = "NOOP",
        [SMTPREPLY_CMD_QUIT] = "QUIT", [SMTPREPLY_CMD_HELP] = "HELP",
        [SMTPREPLY_CMD_ETRN] = "ETRN", [SMTPREPLY_CMD_ATRN] = "ATRN",
    };
    if (command == SMTPREPLY_CMD_CONNECT)
        return tr_later(L, L_EXPLAIN_COMMAND_CONNECT, english);
    if (command == SMTPREPLY_CMD_DATA_END)
        return tr_later(L, L_EXPLAIN_COMMAND_DATA_END, english);
    if (command < 0 || command >= SMTPREPLY_CMD_COUNT || words[command] == NULL)
        return smtpreply_command_name(command);
    return words[command];
}

/* A category (enum smtpreply_category) in a word, for sentences. */
static const char *category_word(struct i18n *L, int category)
{
    switch (category) {
    case SMTPREPLY_CAT_SYNTAX:
        return tr(L, L_EXPLAIN_CATEGORY_WORD_0);
    case SMTPREPLY_CAT_INFORMATION:
        return tr(L, L_EXPLAIN_CATEGORY_WORD_1);
    case SMTPREPLY_CAT_CONNECTIONS:
        return tr(L, L_EXPLAIN_CATEGORY_WORD_2);
    case SMTPREPLY_CAT_UNSPECIFIED:
        return tr(L, L_EXPLAIN_CATEGORY_WORD_3);
    case SMTPREPLY_CAT_MAIL_SYSTEM:
        return tr(L, L_EXPLAIN_CATEGORY_WORD_5);
    default:
        return tr(L, L_EXPLAIN_CATEGORY_WORD_UNKNOWN);
    }
}

/* ------------------------------------------------------------------------ */
/* One CODE argument.                                                        */

struct item {
    char label[40];                     /* "535", "5.7.8", "550 5.1.1" */
    int has_basic, has_enh;
    unsigned code;
    struct smtpreply_enhanced enh;
    char enh_text[24];
    struct smtpreply_code_info bi, bi_en;   /* in the chosen locale, and in English */
    struct smtpreply_enhanced_info ei, ei_en;
    int digit;                          /* 2..5: basic first digit, else enhanced class */
    char commands[512];                 /* table cell: "CONNECT, STARTTLS (success)" */
    char phrase[1024];                  /* "the success reply to connecting ... and STARTTLS" */
    int commands_en, phrase_en;         /* English served a label of the cell, the phrase */
    char command_set[SMTPREPLY_CMD_COUNT]; /* outcome per command, 0 when none */
    int any_command;
};

struct sentence {
    char text[SENTENCE_CAP];
};

/* Replace {1}..{9} in tmpl by args (examples/i18n.h). */
static void compose(struct sentence *out, const char *tmpl, const char *const *args, int n)
{
    i18n_compose(out->text, sizeof out->text, tmpl, args, n);
}

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
/* Parsing and looking up a CODE.                                            */

static int all_digits(const char *s, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return n > 0;
}

static char outcome_of(int command, unsigned code)
{
    int o = smtpreply_command_expects(command, code);
    return (char)(o == 'S' || o == 'I' || o == 'E' ? o : 0);
}

static void append(char *dst, size_t cap, const char *s)
{
    size_t used = strlen(dst), len = strlen(s);

    if (len > cap - 1 - used)
        len = cap - 1 - used;
    memcpy(dst + used, s, len);
    dst[used + len] = '\0';
}

/*
 * The commands a code answers, from smtpreply_command_expects() over every
 * command, grouped by outcome: a table cell ("CONNECT, STARTTLS (success)") and
 * a phrase ("the success reply to connecting (the greeting) and STARTTLS").
 */
static void describe_commands(struct item *it, const struct i18n *L)
{
    static const char outcomes[] = { 'S', 'I', 'E' };
    const char *words[3];
    int word_en[3] = { 0, 0, 0 };
    char list[512], spoken[768];
    const char *args[2];
    struct sentence group;
    size_t k;
    int c, count = 0, in_group, total;

    int *cell_en = &it->commands_en, *phrase_en = &it->phrase_en;

    words[0] = tr_later(L, L_EXPLAIN_REPLY_OUTCOME_SUCCESS, &word_en[0]);
    words[1] = tr_later(L, L_EXPLAIN_REPLY_OUTCOME_INTERMEDIATE, &word_en[1]);
    words[2] = tr_later(L, L_EXPLAIN_REPLY_OUTCOME_ERROR, &word_en[2]);
    it->commands[0] = it->phrase[0] = '\0';
    for (c = 1; c < SMTPREPLY_CMD_COUNT; c++) {
        it->command_set[c] = outcome_of(c, it->code);
        count += it->command_set[c] != 0;
    }
    it->any_command = count == SMTPREPLY_CMD_COUNT - 1;
    if (count == 0) {
        append(it->commands, sizeof it->commands, tr_later(L, L_EXPLAIN_NO_COMMAND, cell_en));
        append(it->phrase, sizeof it->phrase, tr_later(L, L_EXPLAIN_NO_COMMAND, phrase_en));
        return;
    }
    for (k = 0; k < COUNT_OF(outcomes); k++) {
        total = 0;
        for (c = 1; c < SMTPREPLY_CMD_COUNT; c++)
            total += it->command_set[c] == outcomes[k];
        if (total == 0)
            continue;
        list[0] = spoken[0] = '\0';
        if (it->any_command) {
            append(list, sizeof list, tr_later(L, L_EXPLAIN_ANY_COMMAND, cell_en));
            append(spoken, sizeof spoken, tr_later(L, L_EXPLAIN_ANY_COMMAND, phrase_en));
        } else {
            in_group = 0;
            for (c = 1; c < SMTPREPLY_CMD_COUNT; c++) {
                if (it->command_set[c] != outcomes[k])
                    continue;
                if (in_group > 0) {
                    append(list, sizeof list, ", ");
                    append(spoken, sizeof spoken,
                           in_group == total - 1 ? tr_later(L, L_EXPLAIN_LIST_AND, phrase_en) : ", ");
                }
                append(list, sizeof list, smtpreply_command_name(c));
                append(spoken, sizeof spoken, command_phrase(L, c, phrase_en));
                in_group++;
            }
        }
        if (it->commands[0] != '\0') {
            append(it->commands, sizeof it->commands, "; ");
            append(it->phrase, sizeof it->phrase, "; ");
        }
        append(it->commands, sizeof it->commands, list);
        append(it->commands, sizeof it->commands, " (");
        append(it->commands, sizeof it->commands, words[k]);
        *cell_en |= word_en[k];
        *phrase_en |= word_en[k];
        append(it->commands, sizeof it->commands, ")");
        args[0] = words[k];
        args[1] = spoken;
        compose(&group, tr_later(L, L_EXPLAIN_REPLY_GROUP, phrase_en), args, 2);
        append(it->phrase, sizeof it->phrase, group.text);
    }
}

/* Returns 0, or 1 with a message on stderr when arg is not a valid CODE. */
static int parse_item(const char *arg, const char *lang, struct i18n *L, struct item *it)
{
    const char *p = arg;

    memset(it, 0, sizeof *it);
    while (*p != '\0') {
        const char *tok;
        size_t n;

        while (*p == ' ' || *p == '\t')
            p++;
        if (*p == '\0')
            break;
        tok = p;
        while (*p != '\0' && *p != ' ' && *p != '\t')
            p++;
        n = (size_t)(p - tok);
        if (n == 3 && all_digits(tok, n) && !it->has_basic && !it->has_enh) {
            it->code = (unsigned)atoi(tok);
            if (smtpreply_explain_code(it->code, lang, &it->bi) != SMTPREPLY_OK) {
                fprintf(stderr, "smtp-explain: %.3s: reply codes run from 200 to 599\n", tok);
                return 1;
            }
            (void)smtpreply_explain_code(it->code, "en", &it->bi_en);
            it->has_basic = 1;
        } else if (!it->has_enh && smtpreply_enhanced_parse(tok, n, &it->enh) == n) {
            if (smtpreply_explain_enhanced(&it->enh, lang, &it->ei) != SMTPREPLY_OK) {
                fprintf(stderr, "smtp-explain: %.*s: not an enhanced status code\n", (int)n, tok);
                return 1;
            }
            (void)smtpreply_explain_enhanced(&it->enh, "en", &it->ei_en);
            snprintf(it->enh_text, sizeof it->enh_text, "%u.%u.%u", it->enh.klass,
                     it->enh.subject, it->enh.detail);
            it->has_enh = 1;
        } else {
            char shown[512];

            fprintf(stderr, "smtp-explain: \"%s\": expected a reply code (535), an enhanced "
                    "code (5.7.8) or both (\"535 5.7.8\")\n", term_safe(shown, sizeof shown, arg));
            return 1;
        }
    }
    if (!it->has_basic && !it->has_enh) {
        fprintf(stderr, "smtp-explain: empty CODE\n");
        return 1;
    }
    if (it->has_basic && it->has_enh)
        snprintf(it->label, sizeof it->label, "%u %s", it->code, it->enh_text);
    else if (it->has_basic)
        snprintf(it->label, sizeof it->label, "%u", it->code);
    else
        snprintf(it->label, sizeof it->label, "%s", it->enh_text);
    it->digit = it->has_basic ? (int)(it->code / 100) : (int)it->enh.klass;
    if (it->has_basic)
        describe_commands(it, L);
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Text output.                                                              */

static void class_line(const struct item *it, struct i18n *L, char *out, size_t cap)
{
    if (it->has_basic)
        snprintf(out, cap, "%dxx %s (%s)", it->digit,
                 i18n_count(L, it->bi.severity_title, it->bi_en.severity_title),
                 outcome_word(L, it->digit));
    else
        snprintf(out, cap, "%d.x.x %s (%s)", it->digit,
                 i18n_count(L, it->ei.class_title, it->ei_en.class_title),
                 outcome_word(L, it->digit));
}

/* "5xx Permanent Negative Completion", or "5.x.x Permanent Failure" for an enhanced code. */
static void class_name(const struct item *it, char *out, size_t cap)
{
    if (it->has_basic)
        snprintf(out, cap, "%dxx %s", it->digit, it->bi.severity_title);
    else
        snprintf(out, cap, "%d.x.x %s", it->digit, it->ei.class_title);
}

static void category_line(const struct item *it, struct i18n *L, char *out, size_t cap)
{
    int cat = it->bi.category;
    const char *title = NULL, *english = NULL;

    if (cat < 0 || cat > 9)
        cat = SMTPREPLY_CAT_UNKNOWN;
    /* The catalog's wording where it has one; the tool's own word otherwise. */
    if (smtpreply_category_describe(cat, i18n_name(L), &title, NULL) == SMTPREPLY_OK && title[0]) {
        (void)smtpreply_category_describe(cat, "en", &english, NULL);
        title = i18n_count(L, title, english);
    } else {
        title = category_word(L, cat);
    }
    snprintf(out, cap, "x%uz %s", it->code / 10 % 10, title);
}

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

/* "RFC 5321 s.4.2.2; RFC 3207 s.4" -> "RFC 5321 s.4.2.2 and RFC 3207 s.4" */
static void spoken_list(const char *refs, struct i18n *L, char *out, size_t cap)
{
    const char *p = refs, *semi;

    out[0] = '\0';
    while ((semi = strstr(p, "; ")) != NULL) {
        size_t used = strlen(out), n = (size_t)(semi - p);
        if (n > cap - 1 - used)
            n = cap - 1 - used;
        memcpy(out + used, p, n);
        out[used + n] = '\0';
        append(out, cap, strstr(semi + 2, "; ") != NULL ? ", " : tr(L, L_EXPLAIN_LIST_AND));
        p = semi + 2;
    }
    append(out, cap, p);
}

/* The key differences, as sentences; returns how many were written. */
static int differences(const struct item *x, const struct item *y, struct i18n *L,
                       struct sentence *out, int cap)
{
    int n = 0;
    const char *args[6] = { NULL, NULL, NULL, NULL, NULL, NULL };
    char cx[160], cy[160], dx[16], dy[16];

    if (strcmp(x->label, y->label) == 0) {
        compose(&out[n++], tr(L, L_EXPLAIN_SAME_CODE), args, 0);
        return n;
    }
    /* Outcome, from the first digit (or the enhanced class). */
    if (x->digit != y->digit) {
        args[0] = x->label;
        args[1] = outcome_word(L, x->digit);
        class_name(x, cx, sizeof cx);
        args[2] = cx;
        args[3] = y->label;
        args[4] = outcome_word(L, y->digit);
        class_name(y, cy, sizeof cy);
        args[5] = cy;
        compose(&out[n++], tr(L, L_EXPLAIN_DIFF_OUTCOME), args, 6);
        if ((x->digit == 2) != (y->digit == 2) && n < cap) {
            args[0] = x->digit == 2 ? x->label : y->label;
            compose(&out[n++], tr(L, L_EXPLAIN_DIFF_SUCCESS), args, 1);
        }
        if (((x->digit == 4 && y->digit == 5) || (x->digit == 5 && y->digit == 4)) && n < cap) {
            args[0] = x->digit == 4 ? x->label : y->label;
            args[1] = x->digit == 5 ? x->label : y->label;
            compose(&out[n++], tr(L, L_EXPLAIN_DIFF_TRANSIENT), args, 2);
        }
    } else if (n < cap) {
        class_name(x, cx, sizeof cx);
        args[0] = outcome_word(L, x->digit);
        args[1] = cx;
        compose(&out[n++], tr(L, L_EXPLAIN_SAME_OUTCOME), args, 2);
    }
    /* Category, from the second digit. */
    if (x->has_basic && y->has_basic && n < cap) {
        char wx[64], wy[64];
        snprintf(dx, sizeof dx, "%u", x->code / 10 % 10);
        snprintf(dy, sizeof dy, "%u", y->code / 10 % 10);
        snprintf(wx, sizeof wx, "%s", category_word(L, x->bi.category));
        snprintf(wy, sizeof wy, "%s", category_word(L, y->bi.category));
        if (x->bi.category != y->bi.category) {
            args[0] = x->label;
            args[1] = dx;
            args[2] = wx;
            args[3] = y->label;
            args[4] = dy;
            args[5] = wy;
            compose(&out[n++], tr(L, L_EXPLAIN_DIFF_CATEGORY), args, 6);
        } else {
            args[0] = dx;
            args[1] = wx;
            compose(&out[n++], tr(L, L_EXPLAIN_SAME_CATEGORY), args, 2);
        }
    }
    /* Commands each answers, and those both answer. */
    if (x->has_basic && y->has_basic && x->code != y->code && n + 1 < cap) {
        char shared[512];
        int c, any = 0;

        args[0] = x->label;
        i18n_shown(L, x->phrase_en);
        i18n_shown(L, y->phrase_en);
        args[1] = x->phrase;
        args[2] = y->label;
        args[3] = y->phrase;
        compose(&out[n++], tr(L, L_EXPLAIN_DIFF_COMMANDS), args, 4);
        shared[0] = '\0';
        for (c = 1; c < SMTPREPLY_CMD_COUNT; c++) {
            if (x->command_set[c] && y->command_set[c]) {
                if (any)
                    append(shared, sizeof shared, ", ");
                append(shared, sizeof shared, smtpreply_command_name(c));
                any = 1;
            }
        }
        if (any) {
            args[0] = shared;
            compose(&out[n++], tr(L, L_EXPLAIN_SHARED_COMMANDS), args, 1);
        } else {
            compose(&out[n++], tr(L, L_EXPLAIN_NO_SHARED_COMMANDS), args, 0);
        }
    }
    /* Subject of enhanced codes. */
    if (x->has_enh && y->has_enh && x->enh.subject != y->enh.subject && n < cap) {
        snprintf(cx, sizeof cx, "%s", x->ei.subject_title);
        snprintf(cy, sizeof cy, "%s", y->ei.subject_title);
        args[0] = x->enh_text;
        args[1] = cx;
        args[2] = y->enh_text;
        args[3] = cy;
        compose(&out[n++], tr(L, L_EXPLAIN_DIFF_SUBJECT), args, 4);
    }
    /* Where each is defined. */
    {
        const char *rx = x->has_basic ? x->bi.reference : x->ei.reference;
        const char *ry = y->has_basic ? y->bi.reference : y->ei.reference;
        if (rx[0] != '\0' && ry[0] != '\0' && strcmp(rx, ry) != 0 && n < cap) {
            spoken_list(rx, L, cx, sizeof cx);
            spoken_list(ry, L, cy, sizeof cy);
            args[0] = x->label;
            args[1] = cx;
            args[2] = y->label;
            args[3] = cy;
            compose(&out[n++], tr(L, L_EXPLAIN_DIFF_REFERENCE), args, 4);
        }
    }
    return n;
}

static void applies(const struct item *it, struct i18n *L, struct sentence *out)
{
    const char *args[2];

    if (it->has_basic) {
        i18n_shown(L, it->phrase_en);
        args[0] = it->phrase;
        args[1] = next_step(L, it->digit);
        compose(out, tr(L, L_EXPLAIN_APPLIES), args, 2);
    } else if (it->ei.basic_codes[0] != '\0') {
        args[0] = it->ei.basic_codes;
        args[1] = next_step(L, it->digit);
        compose(out, tr(L, L_EXPLAIN_APPLIES_ENHANCED), args, 2);
    } else {
        args[0] = next_step(L, it->digit);
        compose(out, tr(L, L_EXPLAIN_APPLIES_ENHANCED_NONE), args, 1);
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
