/* SPDX-License-Identifier: MIT */
/*
 * The words smtp-explain and smtp-site share: a CODE looked up, the commands
 * it answers, and two codes compared (see compare.h).
 */
#include "compare.h"
#include "json_out.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

/* ------------------------------------------------------------------------ */
/* Labels. The tool's own headings and sentence templates come from po/ like  */
/* the catalog (examples/i18n.h); {1}, {2}... are replaced by arguments, so    */
/* each language keeps its own word order.                                     */

/* The outcome of a first digit (2..5), in words. */
const char *outcome_word(struct i18n *L, int digit)
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


/* documented in compare.h */
int compose(struct sentence *out, const char *tmpl, const char *const *args, int n)
{
    size_t need = 0;
    const char *p;

    /* The length of the whole result, to tell whether i18n_compose() cuts it. */
    for (p = tmpl; *p != '\0'; p++) {
        if (p[0] == '{' && p[1] >= '1' && p[1] <= '9' && p[2] == '}' && p[1] - '1' < n) {
            need += strlen(args[p[1] - '1']);
            p += 2;
        } else {
            need++;
        }
    }
    i18n_compose(out->text, sizeof out->text, tmpl, args, n);
    out->cut = need >= sizeof out->text;
    return out->cut;
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

/* documented in compare.h */
int append(char *dst, size_t cap, const char *s)
{
    size_t used = strlen(dst), len = strlen(s);
    int cut = 0;

    if (len > cap - 1 - used) {
        len = cap - 1 - used;
        cut = 1;
    }
    memcpy(dst + used, s, len);
    dst[used + len] = '\0';
    return cut;
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
    int c, count = 0, in_group, total, cut = 0;

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
        cut |= append(it->commands, sizeof it->commands, tr_later(L, L_EXPLAIN_NO_COMMAND, cell_en));
        cut |= append(it->phrase, sizeof it->phrase, tr_later(L, L_EXPLAIN_NO_COMMAND, phrase_en));
        it->cut |= cut;
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
            cut |= append(list, sizeof list, tr_later(L, L_EXPLAIN_ANY_COMMAND, cell_en));
            cut |= append(spoken, sizeof spoken, tr_later(L, L_EXPLAIN_ANY_COMMAND, phrase_en));
        } else {
            in_group = 0;
            for (c = 1; c < SMTPREPLY_CMD_COUNT; c++) {
                if (it->command_set[c] != outcomes[k])
                    continue;
                if (in_group > 0) {
                    cut |= append(list, sizeof list, ", ");
                    cut |= append(spoken, sizeof spoken,
                           in_group == total - 1 ? tr_later(L, L_EXPLAIN_LIST_AND, phrase_en) : ", ");
                }
                cut |= append(list, sizeof list, smtpreply_command_name(c));
                cut |= append(spoken, sizeof spoken, command_phrase(L, c, phrase_en));
                in_group++;
            }
        }
        if (it->commands[0] != '\0') {
            cut |= append(it->commands, sizeof it->commands, "; ");
            cut |= append(it->phrase, sizeof it->phrase, "; ");
        }
        cut |= append(it->commands, sizeof it->commands, list);
        cut |= append(it->commands, sizeof it->commands, " (");
        cut |= append(it->commands, sizeof it->commands, words[k]);
        *cell_en |= word_en[k];
        *phrase_en |= word_en[k];
        cut |= append(it->commands, sizeof it->commands, ")");
        args[0] = words[k];
        args[1] = spoken;
        cut |= compose(&group, tr_later(L, L_EXPLAIN_REPLY_GROUP, phrase_en), args, 2);
        cut |= append(it->phrase, sizeof it->phrase, group.text);
    }
    it->cut |= cut;
}

/* documented in compare.h */
int parse_item(const char *arg, const char *lang, struct i18n *L, struct item *it)
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
                fprintf(stderr, COMPARE_PROG ": %.3s: reply codes run from 200 to 599\n", tok);
                return 1;
            }
            (void)smtpreply_explain_code(it->code, "en", &it->bi_en);
            it->has_basic = 1;
        } else if (!it->has_enh && smtpreply_enhanced_parse(tok, n, &it->enh) == n) {
            if (smtpreply_explain_enhanced(&it->enh, lang, &it->ei) != SMTPREPLY_OK) {
                fprintf(stderr, COMPARE_PROG ": %.*s: not an enhanced status code\n", (int)n, tok);
                return 1;
            }
            (void)smtpreply_explain_enhanced(&it->enh, "en", &it->ei_en);
            snprintf(it->enh_text, sizeof it->enh_text, "%u.%u.%u", it->enh.klass,
                     it->enh.subject, it->enh.detail);
            it->has_enh = 1;
        } else {
            char shown[512];

            fprintf(stderr, COMPARE_PROG ": \"%s\": expected a reply code (535), an enhanced "
                    "code (5.7.8) or both (\"535 5.7.8\")\n", term_safe(shown, sizeof shown, arg));
            return 1;
        }
    }
    if (!it->has_basic && !it->has_enh) {
        fprintf(stderr, COMPARE_PROG ": empty CODE\n");
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

/* documented in compare.h */
int class_line(const struct item *it, struct i18n *L, char *out, size_t cap)
{
    int n;

    if (it->has_basic)
        n = snprintf(out, cap, "%dxx %s (%s)", it->digit,
                 i18n_count(L, it->bi.severity_title, it->bi_en.severity_title),
                 outcome_word(L, it->digit));
    else
        n = snprintf(out, cap, "%d.x.x %s (%s)", it->digit,
                 i18n_count(L, it->ei.class_title, it->ei_en.class_title),
                 outcome_word(L, it->digit));
    return n < 0 || (size_t)n >= cap;
}

/* documented in compare.h */
int class_name(const struct item *it, char *out, size_t cap)
{
    int n;

    if (it->has_basic)
        n = snprintf(out, cap, "%dxx %s", it->digit, it->bi.severity_title);
    else
        n = snprintf(out, cap, "%d.x.x %s", it->digit, it->ei.class_title);
    return n < 0 || (size_t)n >= cap;
}

/* documented in compare.h */
int category_line(const struct item *it, struct i18n *L, char *out, size_t cap)
{
    int cat = it->bi.category, n;
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
    n = snprintf(out, cap, "x%uz %s", it->code / 10 % 10, title);
    return n < 0 || (size_t)n >= cap;
}

/* "RFC 5321 s.4.2.2; RFC 3207 s.4" -> "RFC 5321 s.4.2.2 and RFC 3207 s.4" */
static int spoken_list(const char *refs, struct i18n *L, char *out, size_t cap)
{
    const char *p = refs, *semi;
    int cut = 0;

    out[0] = '\0';
    while ((semi = strstr(p, "; ")) != NULL) {
        size_t used = strlen(out), n = (size_t)(semi - p);
        if (n > cap - 1 - used) {
            n = cap - 1 - used;
            cut = 1;
        }
        memcpy(out + used, p, n);
        out[used + n] = '\0';
        cut |= append(out, cap, strstr(semi + 2, "; ") != NULL ? ", " : tr(L, L_EXPLAIN_LIST_AND));
        p = semi + 2;
    }
    return cut | append(out, cap, p);
}

/* documented in compare.h */
int differences(const struct item *x, const struct item *y, struct i18n *L,
                struct sentence *out, int cap)
{
    int n = 0, cut;
    const char *args[6] = { NULL, NULL, NULL, NULL, NULL, NULL };
    char cx[256], cy[256], dx[16], dy[16];

    if (strcmp(x->label, y->label) == 0) {
        compose(&out[n++], tr(L, L_EXPLAIN_SAME_CODE), args, 0);
        return n;
    }
    /* Outcome, from the first digit (or the enhanced class). */
    if (x->digit != y->digit) {
        args[0] = x->label;
        args[1] = outcome_word(L, x->digit);
        cut = class_name(x, cx, sizeof cx);
        args[2] = cx;
        args[3] = y->label;
        args[4] = outcome_word(L, y->digit);
        cut |= class_name(y, cy, sizeof cy);
        args[5] = cy;
        compose(&out[n], tr(L, L_EXPLAIN_DIFF_OUTCOME), args, 6);
        out[n++].cut |= cut;
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
        cut = class_name(x, cx, sizeof cx);
        args[0] = outcome_word(L, x->digit);
        args[1] = cx;
        compose(&out[n], tr(L, L_EXPLAIN_SAME_OUTCOME), args, 2);
        out[n++].cut |= cut;
    }
    /* Category, from the second digit. */
    if (x->has_basic && y->has_basic && n < cap) {
        const char *wx = category_word(L, x->bi.category);
        const char *wy = category_word(L, y->bi.category);
        snprintf(dx, sizeof dx, "%u", x->code / 10 % 10);
        snprintf(dy, sizeof dy, "%u", y->code / 10 % 10);
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

        cut = 0;
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
                    cut |= append(shared, sizeof shared, ", ");
                cut |= append(shared, sizeof shared, smtpreply_command_name(c));
                any = 1;
            }
        }
        if (any) {
            args[0] = shared;
            compose(&out[n], tr(L, L_EXPLAIN_SHARED_COMMANDS), args, 1);
            out[n++].cut |= cut;
        } else {
            compose(&out[n++], tr(L, L_EXPLAIN_NO_SHARED_COMMANDS), args, 0);
        }
    }
    /* Subject of enhanced codes. */
    if (x->has_enh && y->has_enh && x->enh.subject != y->enh.subject && n < cap) {
        args[0] = x->enh_text;
        args[1] = x->ei.subject_title;
        args[2] = y->enh_text;
        args[3] = y->ei.subject_title;
        compose(&out[n++], tr(L, L_EXPLAIN_DIFF_SUBJECT), args, 4);
    }
    /* Where each is defined. */
    {
        const char *rx = x->has_basic ? x->bi.reference : x->ei.reference;
        const char *ry = y->has_basic ? y->bi.reference : y->ei.reference;
        if (rx[0] != '\0' && ry[0] != '\0' && strcmp(rx, ry) != 0 && n < cap) {
            cut = spoken_list(rx, L, cx, sizeof cx);
            cut |= spoken_list(ry, L, cy, sizeof cy);
            args[0] = x->label;
            args[1] = cx;
            args[2] = y->label;
            args[3] = cy;
            compose(&out[n], tr(L, L_EXPLAIN_DIFF_REFERENCE), args, 4);
            out[n++].cut |= cut;
        }
    }
    return n;
}

/* documented in compare.h */
void applies(const struct item *it, struct i18n *L, struct sentence *out)
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
