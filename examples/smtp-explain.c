/* SPDX-License-Identifier: MIT */
/*
 * smtp-explain: what an SMTP reply code means, when you see it and what to do;
 * or what a reply pasted from a log or a bounce means, with its verdict.
 *
 *   smtp-explain [--json] [--lang LANG] CODE [CODE]
 *   smtp-explain [--json] [--lang LANG] [--command CMD] REPLY... | -
 *
 * CODE is a basic code ("535"), an enhanced code ("5.7.8") or both in one
 * argument ("535 5.7.8"). One CODE prints its full catalog entry; two print a
 * comparison: the two side by side, each one's meaning, when you see it and
 * what to do, the key differences (computed from the data: severity,
 * category, subject, the commands each answers) and when each applies.
 *
 * A REPLY is a reply as the server sent it ("550-5.1.1 The email account
 * ..."): one argument per line, several lines in one argument, or standard
 * input with "-". It is read by the library's parser, classified (against
 * --command CMD, or the command a Postfix log line names) and printed with
 * its verdict and the entries of its basic and enhanced codes. The rule that
 * tells the two apart: when every argument holds nothing but one or two
 * words of digits and dots, the arguments are CODEs (as they always were);
 * otherwise they are the lines of a REPLY, which must start with a
 * three-digit code, or be a Postfix log line with the reply after "said: ".
 * A pasted text is read with some tolerance, and the output says what was
 * assumed: a Postfix log line is reduced to its reply and split where
 * Postfix joined the reply's lines, a last line with a hyphen after its code
 * ends the reply, standard input without a final line end ends its last line
 * there; blanks around lines and empty lines are left out.
 *
 * --json prints the same facts as one JSON object. The language is the one
 * --lang names ("vi", "vi_VN"), else the first of LC_ALL, LC_MESSAGES and LANG
 * that is set; text a locale has not translated yet is shown in English, and a
 * closing note says how much.
 *
 * Exit status: 0 done; 1 a CODE is not a valid reply code, or a REPLY held a
 * parse error or no reply at all; 2 usage error, or standard input could not
 * be read. Uses only the public header, as an outside program would.
 */
#include <smtpreply.h>

#include "bounce_log.h"
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
          "       smtp-explain [--json] [--lang LANG] [--command CMD] REPLY... | -\n"
          "  CODE   a reply code (535), an enhanced code (5.7.8) or both (\"535 5.7.8\");\n"
          "         one CODE prints its entry, two are compared side by side\n"
          "  REPLY  a reply as the server sent it or a log shows it, quoted: one line per\n"
          "         argument or many in one (\"550-5.1.1 ...\"); - reads it from standard\n"
          "         input. It is parsed and classified: the verdict, then both codes' entries\n"
          "  The arguments are CODEs when each holds only one or two words of digits and\n"
          "  dots; otherwise they are the lines of a REPLY (a Postfix log line too).\n"
          "  --json         one JSON object instead of text\n"
          "  --lang LANG    one of: ", f);
    fputs(langs, f);
    fputs(" (default: LC_ALL, LC_MESSAGES or LANG, else en)\n"
          "  --command CMD  the command a REPLY answers (RCPT, DATA_END, AUTH, ...)\n"
          "  --help, --version\n"
          "Exit status: 0 explained; 1 a CODE is not a reply code, or a REPLY held a parse\n"
          "error or no reply; 2 usage error, or standard input could not be read.\n", f);
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

/* ------------------------------------------------------------------------ */
/* A pasted reply.                                                           */

#define PASTE_CAP 65536     /* bytes of pasted text read at most */
/* Kept lines: each takes at least two bytes of the paste (text and the LF or
 * space that ends it), but the last. */
#define MAX_KEPT (PASTE_CAP / 2 + 2)
/* Notes: per kept line at most a log prefix, a join, a parse error and a log
 * command, plus the assumptions about the whole text and the closing errors. */
#define MAX_NOTES (4 * MAX_KEPT + 4)
#define NO_REPLY 1          /* struct note's status for a text without a reply */

/* What was assumed about a pasted text that was not quite a reply on the wire. */
enum assumption {
    ASSUME_CONTINUES, ASSUME_NO_LINE_END, ASSUME_LOG_COMMAND, ASSUME_LOG_PREFIX, ASSUME_JOINED,
    ASSUME_EXIM_PREFIX, ASSUME_EXIM_JOINED,
};
/* Their names in JSON: Postfix's prefix and Exim's are both a log's prefix. */
static const char *const assumption_names[] = {
    "last-line-continues", "no-final-line-end", "command-from-log", "log-prefix", "joined-lines",
    "log-prefix", "joined-lines",
};

/* An assumption or an error, kept for the text view and the JSON summary. */
struct note {
    signed char kind;       /* enum assumption, or -1 for an error */
    unsigned char shown;    /* printed in the text view already */
    unsigned line;          /* assumption: kept line; error: pasted line (0: the whole text) */
    unsigned count;         /* joined lines: how many */
    int status;             /* error: a negative SMTPREPLY_E_* value, or NO_REPLY */
    char text[40];          /* the words the note quotes, terminal-safe */
};

/* Exim's words before a reply, "SMTP error from remote mail server after ",
 * take 41 bytes of the paste: that bounds the commands a paste can name so. */
#define MAX_LOG_COMMANDS (PASTE_CAP / 41 + 1)

/* A command a pasted log line names before its reply ("after RCPT TO:<a@b>: "). */
struct log_command {
    unsigned line;          /* the kept line where the reply starts */
    int command;            /* enum smtpreply_command */
    const char *words;      /* as the log writes it, inside struct paste's raw */
    size_t len;
};

/* The pasted text as the parser reads it: each line ends in CRLF. */
struct paste {
    char raw[PASTE_CAP + 1];            /* as given; one byte more tells "too long" */
    size_t raw_len;
    char text[2 * PASTE_CAP + 4];       /* every kept line plus CRLF */
    size_t len;
    unsigned line_of[MAX_KEPT];         /* line of the given text, per kept line */
    unsigned lines;                     /* kept lines */
    struct note notes[MAX_NOTES];       /* assumptions and errors, in order */
    unsigned nnotes;
    struct log_command log_cmds[MAX_LOG_COMMANDS];
    unsigned nlog_cmds;
};

/* Keep a note; text[0..len) is what it quotes (may be NULL). The array holds
 * every note a text of PASTE_CAP bytes can give, so none is ever dropped. */
static struct note *add_note(struct paste *p, int kind, unsigned line, int status,
                             const char *text, size_t len)
{
    static struct note spare;
    struct note *n = p->nnotes < MAX_NOTES ? &p->notes[p->nnotes++] : &spare;

    memset(n, 0, sizeof *n);
    n->kind = (signed char)kind;
    n->line = line;
    n->status = status;
    if (text != NULL)
        term_text_buf(n->text, sizeof n->text, text, len, 32);
    return n;
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t';
}

static int three_digits(const char *s)
{
    return s[0] >= '0' && s[0] <= '9' && s[1] >= '0' && s[1] <= '9' && s[2] >= '0'
           && s[2] <= '9';
}

/* A CODE argument: nothing but one or two words of digits and dots ("535",
 * "5.7.8", "535 5.7.8"; also "55" or "5.1", which then get a CODE's error). */
static int code_shaped(const char *a)
{
    int words = 0;

    for (;;) {
        while (is_blank(*a))
            a++;
        if (*a == '\0')
            return words <= 2;
        words++;
        for (; *a != '\0' && !is_blank(*a); a++)
            if ((*a < '0' || *a > '9') && *a != '.')
                return 0;
    }
}

/* The start of a reply: three digits, then a space, a hyphen, a line end or the end. */
static int reply_shaped(const char *a)
{
    while (is_blank(*a) || *a == '\r' || *a == '\n')
        a++;
    return three_digits(a) && (a[3] == '\0' || a[3] == ' ' || a[3] == '-' || a[3] == '\t'
                               || a[3] == '\r' || a[3] == '\n');
}

/* The start of a reply line at s[0..n): three digits, then a space, a hyphen or the end. */
static int reply_line(const char *s, size_t n)
{
    return n >= 3 && three_digits(s) && (n == 3 || s[3] == ' ' || s[3] == '-');
}

/* The first "said: " in s[0..n) followed by a reply line, or NULL. */
static const char *postfix_said(const char *s, size_t n)
{
    static const char said[] = "said: ";
    size_t i, k = sizeof said - 1;

    for (i = 0; i + k <= n; i++)
        if (memcmp(s + i, said, k) == 0 && reply_line(s + i + k, n - i - k))
            return s + i;
    return NULL;
}

/*
 * Does the text at s start with a log's own words before a reply: Postfix's
 * "... said: 550 ...", Exim's "... after CMD: 550 ...", or Exim's words
 * alone on the first line, as a bounce message writes them?
 */
static int logged_reply(const char *s)
{
    const char *r, *words;
    size_t n = strcspn(s, "\r\n"), words_len;
    int command;

    if (postfix_said(s, n) != NULL)
        return 1;
    r = bounce_exim_reply(s, n, &command, &words, &words_len);
    return r != NULL && (r == s + n || reply_line(r, (size_t)(s + n - r)));
}

/*
 * Keep s[0..n) as one line of the parser's text, from pasted line `line`.
 * Room: every kept line takes at least one byte of p->raw plus the LF or
 * space that ended it, and adds two (CRLF), so p->text needs at most twice
 * p->raw and p->line_of one entry per two bytes; the test below never fails.
 */
static void keep_line(struct paste *p, const char *s, size_t n, unsigned line)
{
    if (p->len + n + 2 > sizeof p->text || p->lines == COUNT_OF(p->line_of))
        return;
    memcpy(p->text + p->len, s, n);
    p->len += n;
    memcpy(p->text + p->len, "\r\n", 2);
    p->len += 2;
    p->line_of[p->lines++] = line;
}

/*
 * Where the next joined line starts in s[0..n), from `from` on: Postfix logs
 * a multiline reply on one line, "550-5.1.1 a 550-5.1.1 b 550 5.1.1 c". A
 * line starts again at a space followed by the first line's own code and a
 * hyphen, or by its code, a separator and its own enhanced code. Returns the
 * space's offset, or n.
 */
static size_t joined_at(const char *s, size_t n, size_t from, size_t enh_len)
{
    size_t i;

    for (i = from; i + 5 <= n; i++) {
        const char *t = s + i + 1;
        size_t rest = n - i - 1;

        if (s[i] != ' ' || memcmp(t, s, 3) != 0 || !reply_line(t, rest) || rest < 4)
            continue;
        if (enh_len == 0 ? t[3] == '-'
                         : rest >= 4 + enh_len && memcmp(t + 4, s + 4, enh_len) == 0
                           && (rest == 4 + enh_len || t[4 + enh_len] == ' '))
            return i;
    }
    return n;
}

/* The enhanced code right after the reply code at s[0..n) ("550 5.1.1 x"): its length, or 0. */
static size_t enhanced_after_code(const char *s, size_t n)
{
    struct smtpreply_enhanced enh;
    size_t k;

    if (n <= 4 || !reply_line(s, n))
        return 0;
    k = smtpreply_enhanced_parse(s + 4, n - 4, &enh);
    return k != 0 && n > 4 + k && s[4 + k] != ' ' ? 0 : k;
}

/*
 * An Exim log line, "... SMTP error from remote mail server after RCPT
 * TO:<a@b>: 550-5.1.1 first\n550 5.1.1 last": keep the reply's lines, which
 * Exim joins with the two characters backslash and n, and remember the
 * command the log names for the reply. A line of an Exim bounce message ends
 * with "after RCPT TO:<a@b>:" and the reply follows on its own lines. 0 when
 * s[0..n) is neither.
 */
static int paste_exim(struct paste *p, const char *s, size_t n, unsigned line)
{
    const char *r, *words, *end = s + n;
    size_t words_len;
    unsigned parts = 0;
    int command;

    r = bounce_exim_reply(s, n, &command, &words, &words_len);
    if (r == NULL || (r < end && !reply_line(r, (size_t)(end - r))))
        return 0;
    /* At the end of the line (an Exim bounce), the words are about the reply
     * on the next lines, which will start at the next kept line. */
    add_note(p, ASSUME_EXIM_PREFIX, p->lines + 1, 0, NULL, 0);
    if (command != SMTPREPLY_CMD_UNKNOWN && p->nlog_cmds < MAX_LOG_COMMANDS) {
        struct log_command *c = &p->log_cmds[p->nlog_cmds++];
        c->line = p->lines + 1;
        c->command = command;
        c->words = words;
        c->len = words_len;
    }
    while (r < end) {
        const char *e = r;

        while (e < end && !(e[0] == '\\' && e + 1 < end && e[1] == 'n'))
            e++;
        if (e > r) {
            keep_line(p, r, (size_t)(e - r), line);
            parts++;
        }
        r = e < end ? e + 2 : end;
    }
    if (parts > 1)
        add_note(p, ASSUME_EXIM_JOINED, p->lines - parts + 1, 0, NULL, 0)->count = parts;
    return 1;
}

/*
 * Keep one pasted line (blanks around it already gone): the reply after a
 * Postfix log's "said: ", split where Postfix joined its lines, or after
 * Exim's words (paste_exim).
 */
static void paste_line(struct paste *p, const char *s, size_t n, unsigned line)
{
    size_t enh_len, start = 0, at;
    unsigned parts = 0;
    const char *said = reply_line(s, n) ? NULL : postfix_said(s, n);

    if (!reply_line(s, n) && said == NULL && paste_exim(p, s, n, line))
        return;
    if (said != NULL) {
        /* "status=bounced (host x said: 550 ... (in reply to RCPT TO command))":
         * the parentheses the prefix opened close at the end of the line. */
        size_t i, open = 0;

        for (i = 0; s + i < said; i++) {
            if (s[i] == '(')
                open++;
            else if (s[i] == ')' && open > 0)
                open--;
        }
        add_note(p, ASSUME_LOG_PREFIX, p->lines + 1, 0, NULL, 0);
        n -= (size_t)(said + 6 - s);
        s = said + 6;
        while (open > 0 && n > 0 && s[n - 1] == ')') {
            n--;
            open--;
        }
    }
    enh_len = enhanced_after_code(s, n);
    for (;;) {
        at = reply_line(s, n) ? joined_at(s, n, start + 4, enh_len) : n;
        keep_line(p, s + start, at - start, line);
        parts++;
        if (at == n)
            break;
        start = at + 1;
    }
    if (parts > 1) {
        char code[24];

        snprintf(code, sizeof code, "%.3s%s%.*s", s, enh_len ? " " : "", (int)enh_len, s + 4);
        add_note(p, ASSUME_JOINED, p->lines - parts + 1, 0, code, strlen(code))->count = parts;
    }
}

/*
 * Turn p->raw into p->text: lines split at LF (a CR before it dropped), blanks
 * around each line and empty lines left out, a Postfix log line reduced to
 * its reply and split into its lines, CRLF after each. When the last line has
 * a hyphen after its code the reply would never end, so the hyphen is read as
 * a space; with stdin, a last line without LF is taken as ended. Each of
 * these is a note.
 */
static void paste_lines(struct paste *p, int from_stdin)
{
    size_t i = 0, start, end, last;
    unsigned line = 0;
    int unterminated = 0;

    p->len = 0;
    p->lines = 0;
    while (i < p->raw_len) {
        start = i;
        while (i < p->raw_len && p->raw[i] != '\n')
            i++;
        end = i;
        unterminated = i == p->raw_len;
        if (i < p->raw_len)
            i++;
        line++;
        if (end > start && p->raw[end - 1] == '\r')
            end--;
        while (start < end && is_blank(p->raw[start]))
            start++;
        while (end > start && is_blank(p->raw[end - 1]))
            end--;
        if (start == end) {
            unterminated = 0;
            continue;
        }
        paste_line(p, p->raw + start, end - start, line);
    }
    if (p->lines == 0)
        return;
    if (from_stdin && unterminated)
        add_note(p, ASSUME_NO_LINE_END, p->lines, 0, NULL, 0);
    for (last = p->len - 2; last > 0 && p->text[last - 1] != '\n'; last--)
        ;
    if (p->len - last >= 6 && three_digits(p->text + last) && p->text[last + 3] == '-') {
        size_t w = last;

        while (w < p->len - 2 && !is_blank(p->text[w]))
            w++;
        add_note(p, ASSUME_CONTINUES, p->lines, 0, p->text + last, w - last);
        p->text[last + 3] = ' ';
    }
}

/* The pasted line of a kept line (both 1-based). */
static unsigned given_line(const struct paste *p, unsigned kept)
{
    return kept >= 1 && kept <= p->lines ? p->line_of[kept - 1] : kept;
}

/*
 * Postfix ends a logged reply with "(in reply to RCPT TO command)" or "(in
 * reply to end of DATA command)": the command that reply answers. Returns it
 * and sets *from, *len to the words inside the parentheses; else
 * SMTPREPLY_CMD_UNKNOWN.
 */
static int log_command(const char *s, size_t n, const char **from, size_t *len)
{
    static const char head[] = "(in reply to ", tail[] = " command)";
    size_t h = sizeof head - 1, t = sizeof tail - 1, i;
    const char *verb;
    size_t vn;

    if (n < h + t + 1 || memcmp(s + n - t, tail, t) != 0)
        return SMTPREPLY_CMD_UNKNOWN;
    for (i = n - t; i > 0 && s[i - 1] != '('; i--)
        ;
    if (i == 0)
        return SMTPREPLY_CMD_UNKNOWN;      /* no '(' before the tail */
    i--;                                   /* at the '(' */
    if (n - i < h + t + 1 || memcmp(s + i, head, h) != 0)
        return SMTPREPLY_CMD_UNKNOWN;
    *from = s + i + 1;
    *len = n - i - 2;
    verb = s + i + h;
    vn = n - t - i - h;
    return bounce_command_of(verb, vn);    /* "end of DATA", "RCPT TO", ... as logs write them */
}

/*
 * The command a pasted log line named before the reply that starts at kept
 * line `line` (Exim's "after RCPT TO:<a@b>: "), with *from, *len set to its
 * words; SMTPREPLY_CMD_UNKNOWN when it named none.
 */
static int command_before(const struct paste *p, unsigned line, const char **from, size_t *len)
{
    unsigned i;

    for (i = 0; i < p->nlog_cmds; i++)
        if (p->log_cmds[i].line == line) {
            *from = p->log_cmds[i].words;
            *len = p->log_cmds[i].len;
            return p->log_cmds[i].command;
        }
    return SMTPREPLY_CMD_UNKNOWN;
}

/* The meaning of a bounce class, a retry advice and a confidence, in words. */
static const char *bounce_words(struct i18n *L, int bounce)
{
    static const enum tool_label ids[] = {
        L_EXPLAIN_BOUNCE_NONE, L_EXPLAIN_BOUNCE_SOFT, L_EXPLAIN_BOUNCE_HARD,
        L_EXPLAIN_BOUNCE_BLOCK,
    };
    return bounce >= 0 && bounce < (int)COUNT_OF(ids) ? tr(L, ids[bounce]) : "";
}

static const char *retry_words(struct i18n *L, int retry)
{
    static const enum tool_label ids[] = {
        L_EXPLAIN_RETRY_NOT_NEEDED, L_EXPLAIN_RETRY_RETRY, L_EXPLAIN_RETRY_RETRY_AFTER_FIX,
        L_EXPLAIN_RETRY_NEVER,
    };
    return retry >= 0 && retry < (int)COUNT_OF(ids) ? tr(L, ids[retry]) : "";
}

static const char *confidence_words(struct i18n *L, int confidence)
{
    return tr(L, confidence == SMTPREPLY_CONFIDENCE_HIGH ? L_EXPLAIN_CONFIDENCE_HIGH
                                                         : L_EXPLAIN_CONFIDENCE_LOW);
}

/* One assumption as a sentence. */
static void assumption_text(const struct note *n, int command, struct i18n *L,
                            struct sentence *out)
{
    const char *args[2];

    args[0] = n->text;
    args[1] = smtpreply_command_name(command);
    if (n->kind == ASSUME_CONTINUES)
        compose(out, tr(L, L_EXPLAIN_PASTE_ASSUME_CONTINUES), args, 1);
    else if (n->kind == ASSUME_NO_LINE_END)
        compose(out, tr(L, L_EXPLAIN_PASTE_ASSUME_NO_LINE_END), args, 0);
    else if (n->kind == ASSUME_LOG_PREFIX)
        compose(out, tr(L, L_EXPLAIN_PASTE_ASSUME_LOG_PREFIX), args, 0);
    else if (n->kind == ASSUME_EXIM_PREFIX)
        compose(out, tr(L, L_EXPLAIN_PASTE_ASSUME_EXIM_PREFIX), args, 0);
    else if (n->kind == ASSUME_EXIM_JOINED) {
        char count[16];

        snprintf(count, sizeof count, "%u", n->count);
        args[0] = count;
        compose(out, tr(L, L_EXPLAIN_PASTE_ASSUME_EXIM_JOINED), args, 1);
    }
    else if (n->kind == ASSUME_JOINED) {
        char count[16];

        snprintf(count, sizeof count, "%u", n->count);
        args[0] = count;
        args[1] = n->text;
        compose(out, tr(L, L_EXPLAIN_PASTE_ASSUME_JOINED), args, 2);
    } else
        compose(out, tr(L, L_EXPLAIN_PASTE_ASSUME_LOG_COMMAND), args, 2);
}

/* Print the assumptions about kept lines first..last not printed yet. */
static void show_assumptions(struct paste *p, unsigned first, unsigned last, int command,
                             struct i18n *L)
{
    struct sentence s;
    unsigned i;

    for (i = 0; i < p->nnotes; i++) {
        struct note *n = &p->notes[i];
        if (n->kind < 0 || n->shown || n->line < first || n->line > last)
            continue;
        assumption_text(n, command, L, &s);
        field(tr(L, L_EXPLAIN_PASTE_ASSUMED), s.text);
        n->shown = 1;
    }
}

/* Every set bit, by the library's own names, separated by spaces. */
static void put_flag_names(char *out, size_t cap, uint32_t flags,
                           const char *(*name)(uint32_t))
{
    uint32_t bit;

    for (bit = 1; bit != 0; bit <<= 1) {
        if ((flags & bit) == 0)
            continue;
        if (out[0] != '\0')
            (void)append(out, cap, " ");
        (void)append(out, cap, name(bit));
    }
}

/* The verdict as text: the names programs read, then what they mean. */
static void show_verdict(const struct smtpreply_reply *r, const struct smtpreply_verdict *v,
                         struct i18n *L)
{
    char buf[1024];
    const char *args[2];
    struct sentence s;
    int confidence = smtpreply_verdict_confidence(v);

    printf("%s\n", tr(L, L_EXPLAIN_PASTE_VERDICT));
    snprintf(buf, sizeof buf, "%s: %s", smtpreply_reason_name(v->reason),
             i18n_count(L, smtpreply_reason_describe(v->reason, i18n_name(L)),
                        smtpreply_reason_describe(v->reason, "en")));
    field(tr(L, L_EXPLAIN_PASTE_REASON), buf);
    snprintf(buf, sizeof buf, "%s: %s", smtpreply_bounce_name(v->bounce),
             bounce_words(L, v->bounce));
    field(tr(L, L_EXPLAIN_PASTE_BOUNCE), buf);
    snprintf(buf, sizeof buf, "%s: %s", smtpreply_retry_name(v->retry),
             retry_words(L, v->retry));
    field(tr(L, L_EXPLAIN_PASTE_RETRY), buf);
    snprintf(buf, sizeof buf, "%s: %s", smtpreply_confidence_name(confidence),
             confidence_words(L, confidence));
    field(tr(L, L_EXPLAIN_PASTE_CONFIDENCE), buf);
    args[0] = v->rule;
    args[1] = smtpreply_evidence_name(v->evidence);
    compose(&s, tr(L, L_EXPLAIN_PASTE_DECIDED_DETAIL), args, 2);
    field(tr(L, L_EXPLAIN_PASTE_DECIDED_BY), s.text);
    field(tr(L, L_EXPLAIN_PASTE_COMMAND), v->command != SMTPREPLY_CMD_UNKNOWN
                                              ? smtpreply_command_name(v->command)
                                              : tr(L, L_EXPLAIN_PASTE_NO_COMMAND));
    buf[0] = '\0';
    put_flag_names(buf, sizeof buf, r->flags, smtpreply_flag_name);
    put_flag_names(buf, sizeof buf, v->flags, smtpreply_verdict_flag_name);
    if (buf[0] != '\0')
        field(tr(L, L_EXPLAIN_PASTE_FLAGS), buf);
}

/* One reply: classified, then shown with the entries of its codes. */
static int show_reply(struct paste *p, const struct smtpreply_reply *r, int command, int json,
                      int index, struct i18n *L)
{
    static char shown[6 * PASTE_CAP + 16];     /* one byte shows as up to 6: \u202E */
    struct smtpreply_verdict v;
    struct item item;
    char label[32];
    const char *t, *from = NULL, *last = NULL;
    size_t pos = 0, n, from_len = 0, last_len = 0;
    unsigned last_line = r->first_line + r->line_count - 1;
    int logged;

    /* The last line may name the command, as Postfix logs a reply. */
    while (smtpreply_reply_line(r, &pos, &t, &n)) {
        last = t;
        last_len = n;
    }
    logged = last != NULL ? log_command(last, last_len, &from, &from_len) : SMTPREPLY_CMD_UNKNOWN;
    if (logged == SMTPREPLY_CMD_UNKNOWN)
        logged = command_before(p, r->first_line, &from, &from_len);
    if (command == SMTPREPLY_CMD_UNKNOWN && logged != SMTPREPLY_CMD_UNKNOWN) {
        command = logged;
        add_note(p, ASSUME_LOG_COMMAND, last_line, 0, from, from_len);
    }
    smtpreply_classify(r, command, &v);
    snprintf(label, sizeof label, "%u%s%s", (unsigned)r->code, r->enhanced.klass ? " " : "",
             r->enhanced_text);
    if (parse_item(label, i18n_name(L), L, &item) != 0)
        return 1;

    if (json) {
        printf("%s{\"line\":%u,\"code\":%u,\"enhanced\":", index ? "," : "",
               given_line(p, r->first_line), (unsigned)r->code);
        if (r->enhanced.klass)
            json_cstring(stdout, r->enhanced_text);
        else
            fputs("null", stdout);
        putchar(',');
        json_reply_lines(stdout, r);
        printf(",\"severity\":\"%s\",\"category\":\"%s\",\"reason\":\"%s\",\"reason_text\":",
               smtpreply_severity_name(v.severity), smtpreply_category_name(v.category),
               smtpreply_reason_name(v.reason));
        json_cstring(stdout, smtpreply_reason_describe(v.reason, i18n_name(L)));
        printf(",\"bounce\":\"%s\",\"retry\":\"%s\",\"confidence\":\"%s\",\"evidence\":\"%s\","
               "\"rule\":", smtpreply_bounce_name(v.bounce), smtpreply_retry_name(v.retry),
               smtpreply_confidence_name(smtpreply_verdict_confidence(&v)),
               smtpreply_evidence_name(v.evidence));
        json_cstring(stdout, v.rule);
        printf(",\"command\":");
        if (command != SMTPREPLY_CMD_UNKNOWN)
            printf("\"%s\",", smtpreply_command_name(command));
        else
            printf("null,");
        fputs("\"flags\":", stdout);
        json_flags(stdout, r->flags, v.flags);
        printf(",\"entry\":");
        json_item(&item, L);
        putchar('}');
        return 0;
    }

    if (index)
        putchar('\n');
    printf("%s: %s\n", tr(L, L_EXPLAIN_PASTE_REPLY), label);
    pos = 0;
    while (smtpreply_reply_line(r, &pos, &t, &n)) {
        while (n > 0 && is_blank(*t)) {
            t++;
            n--;
        }
        if (n == 0)
            continue;
        term_text_buf(shown, sizeof shown, t, n, (size_t)-1);
        wrap("  ", 2, shown);
    }
    show_assumptions(p, r->first_line, last_line, command, L);
    putchar('\n');
    show_verdict(r, &v, L);
    putchar('\n');
    print_item(&item, L);
    return 0;
}

/* The name and the sentence of a note's error. */
static const char *error_name(int status)
{
    return status == NO_REPLY ? "no-reply" : smtpreply_status_name(status);
}

static const char *error_message(int status)
{
    return status == NO_REPLY ? "The pasted text holds no SMTP reply." : smtpreply_strerror(status);
}

/* Parse the pasted text and explain each reply. Returns the exit status. */
static int explain_paste(struct paste *p, int command, int json, struct i18n *L)
{
    static char text[2 * PASTE_CAP + 64];
    struct smtpreply_parser parser;
    struct smtpreply_reply r;
    struct smtpreply_error e;
    size_t off = 0, used;
    int rc, replies = 0, failed = 0;
    unsigned i;

    if (smtpreply_parser_init(&parser, text, sizeof text) != SMTPREPLY_OK) {
        fprintf(stderr, "smtp-explain: cannot initialise the parser\n");
        return 2;
    }
    if (json) {
        printf("{\"lang\":");
        json_cstring(stdout, i18n_name(L));
        printf(",\"replies\":[");
    }
    for (;;) {
        int done = off >= p->len;

        /* Every line ends in CRLF, so finish() finds no reply left open;
         * it is called for what it says if one is. */
        rc = done ? smtpreply_parser_finish(&parser, &r)
                  : smtpreply_parser_feed(&parser, p->text + off, p->len - off, &used, &r);
        if (!done)
            off += used;
        if (rc == SMTPREPLY_REPLY) {
            failed |= show_reply(p, &r, command, json, replies, L);
            replies++;
        } else if (rc < 0) {
            smtpreply_parser_error(&parser, &e);
            add_note(p, -1, given_line(p, e.line), e.status, NULL, 0);
            if (!json)
                fprintf(stderr, "smtp-explain: line %u: %s: %s\n", given_line(p, e.line),
                        e.name, e.message);
            failed = 1;
        }
        if (done)
            break;
    }
    if (replies == 0) {
        add_note(p, -1, 0, NO_REPLY, NULL, 0);
        if (!json)
            fprintf(stderr, "smtp-explain: no-reply: the pasted text holds no SMTP reply "
                    "(a reply starts with a three-digit code: 550 5.1.1 ...)\n");
        failed = 1;
    }
    if (json) {
        int first = 1;

        printf("],\"assumed\":[");
        for (i = 0; i < p->nnotes; i++) {
            if (p->notes[i].kind < 0)
                continue;
            printf("%s{\"assumption\":\"%s\",\"line\":%u}", first ? "" : ",",
                   assumption_names[p->notes[i].kind], given_line(p, p->notes[i].line));
            first = 0;
        }
        printf("],\"errors\":[");
        first = 1;
        for (i = 0; i < p->nnotes; i++) {
            if (p->notes[i].kind >= 0)
                continue;
            printf("%s{\"error\":\"%s\",\"line\":%u,\"message\":", first ? "" : ",",
                   error_name(p->notes[i].status), p->notes[i].line);
            json_cstring(stdout, error_message(p->notes[i].status));
            putchar('}');
            first = 0;
        }
        printf("]}\n");
    } else {
        show_assumptions(p, 1, p->lines, command, L);
        untranslated_note(L);
    }
    return failed ? 1 : 0;
}

/* Read standard input into p->raw; returns 0, 1 when it is too long, 2 on a read error. */
static int read_stdin(struct paste *p)
{
    size_t n;

    p->raw_len = 0;
    while ((n = fread(p->raw + p->raw_len, 1, sizeof p->raw - p->raw_len, stdin)) > 0) {
        p->raw_len += n;
        if (p->raw_len == sizeof p->raw)
            return 1;
    }
    return ferror(stdin) ? 2 : 0;
}

/* The arguments, one line each, into p->raw; returns 0, or 1 when too long. */
static int join_args(struct paste *p, char **args, int n)
{
    size_t len;
    int i;

    p->raw_len = 0;
    for (i = 0; i < n; i++) {
        len = strlen(args[i]);
        if (len + 1 > sizeof p->raw - 1 - p->raw_len)
            return 1;
        memcpy(p->raw + p->raw_len, args[i], len);
        p->raw_len += len;
        p->raw[p->raw_len++] = '\n';
    }
    return 0;
}

/* Bad input before any parsing: a named error, as text or in the JSON shape. */
static int input_error(int json, struct i18n *L, const char *name, const char *message)
{
    if (json) {
        printf("{\"lang\":");
        json_cstring(stdout, i18n_name(L));
        printf(",\"replies\":[],\"assumed\":[],\"errors\":[{\"error\":\"%s\",\"line\":0,"
               "\"message\":", name);
        json_cstring(stdout, message);
        printf("}]}\n");
    }
    fprintf(stderr, "smtp-explain: %s: %s\n", name, message);
    return 1;
}

int main(int argc, char **argv)
{
    static struct paste paste;
    struct i18n lang, *L = &lang;
    char **args = argv;     /* the operands, moved to the front (argv[0] is not needed) */
    struct item items[2];
    char shown[512];
    int i, nargs = 0, json = 0, options = 1, command = SMTPREPLY_CMD_UNKNOWN, stdin_arg = 0;
    int all_codes = 1;

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
                fprintf(stderr, "smtp-explain: --lang %s: no such language\n",
                        v ? term_safe(shown, sizeof shown, v) : "");
                usage(stderr);
                return 2;
            }
        } else if (options && (strcmp(a, "--command") == 0 || strncmp(a, "--command=", 10) == 0)) {
            const char *v = a[9] == '=' ? a + 10 : (i + 1 < argc ? argv[++i] : NULL);
            command = v != NULL ? smtpreply_command_parse(v, strlen(v)) : SMTPREPLY_CMD_UNKNOWN;
            if (command == SMTPREPLY_CMD_UNKNOWN) {
                fprintf(stderr, "smtp-explain: --command %s: not a command (CONNECT, EHLO, HELO, "
                        "MAIL, RCPT, DATA, DATA_END, BDAT, AUTH, STARTTLS, VRFY, EXPN, RSET, "
                        "NOOP, QUIT, HELP, ETRN, ATRN)\n", v ? term_safe(shown, sizeof shown, v) : "");
                usage(stderr);
                return 2;
            }
        } else if (options && (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0)) {
            usage(stdout);
            return 0;
        } else if (options && strcmp(a, "--version") == 0) {
            printf("smtp-explain (smtpreply %s)\n", smtpreply_version());
            return 0;
        } else if (options && a[0] == '-' && a[1] != '\0') {
            fprintf(stderr, "smtp-explain: unknown option %s\n", term_safe(shown, sizeof shown, a));
            usage(stderr);
            return 2;
        } else {
            stdin_arg |= strcmp(a, "-") == 0;
            all_codes &= code_shaped(a);
            args[nargs++] = argv[i];
        }
    }
    if (nargs == 0) {
        usage(stderr);
        return 2;
    }
    if (stdin_arg && nargs > 1) {
        fprintf(stderr, "smtp-explain: - (read the reply from standard input) comes alone\n");
        usage(stderr);
        return 2;
    }

    /* CODEs: every argument is one or two words of digits and dots. */
    if (all_codes) {
        if (nargs > 2) {
            fprintf(stderr, "smtp-explain: at most two CODEs\n");
            usage(stderr);
            return 2;
        }
        if (command != SMTPREPLY_CMD_UNKNOWN) {
            fprintf(stderr, "smtp-explain: --command applies to a pasted REPLY, not to a CODE\n");
            usage(stderr);
            return 2;
        }
        for (i = 0; i < nargs; i++)
            if (parse_item(args[i], i18n_name(L), L, &items[i]) != 0)
                return 1;
        if (json) {
            if (nargs == 1) {
                printf("{\"lang\":");
                json_cstring(stdout, i18n_name(L));
                printf(",\"entry\":");
                json_item(&items[0], L);
                printf("}\n");
            } else {
                json_compare(&items[0], &items[1], L);
            }
        } else {
            if (nargs == 1)
                print_item(&items[0], L);
            else
                print_compare(&items[0], &items[1], L);
            untranslated_note(L);
        }
        return fflush(stdout) == 0 ? 0 : 1;
    }

    /* A REPLY: its lines in the arguments, or on standard input. */
    if (stdin_arg) {
        int rc = read_stdin(&paste);
        if (rc == 2) {
            fprintf(stderr, "smtp-explain: standard input: read error\n");
            return 2;
        }
        if (rc == 1)
            return input_error(json, L, "too-long", "The pasted text is longer than 65536 "
                               "bytes; smtp-parse reads a whole stream.");
    } else if (!reply_shaped(args[0]) && !logged_reply(args[0])) {
        for (i = 0; i < nargs && code_shaped(args[i]); i++)
            ;
        fprintf(stderr, "smtp-explain: \"%s\": expected a reply code (535), an enhanced code "
                "(5.7.8), both (\"535 5.7.8\") or a reply as the server sent it (\"550 5.1.1 "
                "User unknown\")\n", term_safe(shown, sizeof shown, args[i < nargs ? i : 0]));
        return 1;
    } else if (join_args(&paste, args, nargs) != 0) {
        return input_error(json, L, "too-long", "The pasted text is longer than 65536 bytes; "
                           "smtp-parse reads a whole stream.");
    }
    paste_lines(&paste, stdin_arg);
    i = explain_paste(&paste, command, json, L);
    if (fflush(stdout) != 0)
        return 2;
    return i;
}
