/* SPDX-License-Identifier: MIT */
/* Transcripts with both sides of an SMTP session: see transcript.h. */
#include "transcript.h"

#include <stdlib.h>
#include <string.h>

#include "smtpreply.h"

static const char *const format_names[] = { "auto", "server", "swaks", "cs", "raw" };

const char *transcript_format_name(int format)
{
    if (format < 0 || format > TRANSCRIPT_RAW)
        return NULL;
    return format_names[format];
}

int transcript_format_parse(const char *name)
{
    int i;

    for (i = 0; i <= TRANSCRIPT_RAW; i++)
        if (strcmp(name, format_names[i]) == 0)
            return i;
    return -1;
}

/* The line's length without its line end (LF or CRLF). */
static size_t text_len(const char *s, size_t n)
{
    if (n > 0 && s[n - 1] == '\n')
        n--;
    if (n > 0 && s[n - 1] == '\r')
        n--;
    return n;
}

static int upper(int c)
{
    return c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c;
}

/* Does s[0..n) start with the word w (any case), followed by the end, a
 * space, or (for MAIL FROM:/RCPT TO:) whatever w itself ends with? */
static int starts_word(const char *s, size_t n, const char *w)
{
    size_t k = strlen(w), i;

    if (n < k)
        return 0;
    for (i = 0; i < k; i++)
        if (upper((unsigned char)s[i]) != w[i])
            return 0;
    return n == k || s[k] == ' ' || w[k - 1] == ':';
}

/*
 * Is s[0..n) (without its line end) a client command line? The verbs of RFC
 * 5321, 2033 (LHLO), 3030 (BDAT), 3207 (STARTTLS) and 4954 (AUTH). MAIL and
 * RCPT need their "FROM:"/"TO:", AUTH a mechanism, and the verbs without
 * arguments stand alone, so that a line of server text is not taken for one.
 */
static int is_command(const char *s, size_t n)
{
    static const char *const with_arg[] = { "EHLO", "HELO", "LHLO", "MAIL FROM:", "RCPT TO:",
                                            "BDAT", "VRFY", "EXPN", "HELP", "NOOP", "AUTH",
                                            "ETRN" };
    static const char *const alone[] = { "DATA", "RSET", "NOOP", "QUIT", "HELP", "STARTTLS",
                                         "EHLO", "HELO", "LHLO" };
    size_t i;

    for (i = 0; i < sizeof alone / sizeof alone[0]; i++)
        if (starts_word(s, n, alone[i]) && n == strlen(alone[i]))
            return 1;
    for (i = 0; i < sizeof with_arg / sizeof with_arg[0]; i++) {
        size_t k = strlen(with_arg[i]);

        if (starts_word(s, n, with_arg[i]) && n > k + (with_arg[i][k - 1] == ':' ? 0 : 1))
            return 1;
    }
    return 0;
}

/* Three digits, then a space, a hyphen or the end: the start of a reply line. */
static int is_reply_line(const char *s, size_t n)
{
    return n >= 3 && s[0] >= '0' && s[0] <= '9' && s[1] >= '0' && s[1] <= '9' && s[2] >= '0'
           && s[2] <= '9' && (n == 3 || s[3] == ' ' || s[3] == '-');
}

/*
 * swaks' direction marks, after at most one leading space: returns the length
 * of the prefix including the spaces after it, and sets *kind.
 */
static size_t swaks_prefix(const char *s, size_t n, int *kind)
{
    static const struct { const char *mark; int kind; } marks[] = {
        { "<~*", TK_SERVER }, { "<**", TK_SERVER }, { "<-", TK_SERVER }, { "<~", TK_SERVER },
        { "->", TK_CLIENT }, { "~>", TK_CLIENT }, { "===", TK_INFO }, { "***", TK_INFO },
    };
    size_t lead = n > 0 && s[0] == ' ' ? 1 : 0, i, k, end;

    for (i = 0; i < sizeof marks / sizeof marks[0]; i++) {
        k = strlen(marks[i].mark);
        if (n - lead < k || memcmp(s + lead, marks[i].mark, k) != 0)
            continue;
        end = lead + k;
        if (end < n && s[end] != ' ')
            continue;
        /* swaks writes "<-  250" (two spaces) and " -> EHLO" (one): drop one
         * space after the mark, and for server lines all of them. */
        if (end < n)
            end++;
        if (marks[i].kind == TK_SERVER)
            while (end < n && s[end] == ' ')
                end++;
        *kind = marks[i].kind;
        return end;
    }
    return 0;
}

static size_t cs_prefix(const char *s, size_t n, int *kind)
{
    if (n < 2 || (s[0] != 'C' && s[0] != 'S') || s[1] != ':')
        return 0;
    *kind = s[0] == 'C' ? TK_CLIENT : TK_SERVER;
    return n > 2 && s[2] == ' ' ? 3 : 2;
}

int transcript_detect(const char *buf, size_t len)
{
    size_t at = 0, lines = 0, swaks = 0, cs = 0, commands = 0;
    int kind;

    while (at < len && lines < 200) {
        const char *s = buf + at, *nl = memchr(s, '\n', len - at);
        size_t whole = nl ? (size_t)(nl - s) + 1 : len - at, n = text_len(s, whole);

        at += whole;
        if (n == 0)
            continue;
        lines++;
        if (swaks_prefix(s, n, &kind))
            swaks++;
        else if (cs_prefix(s, n, &kind))
            cs++;
        else if (!is_reply_line(s, n) && is_command(s, n))
            commands++;
    }
    /* Marked forms when most lines carry the marks; otherwise one command
     * line among server lines makes a raw capture. */
    if (swaks * 2 > lines)
        return TRANSCRIPT_SWAKS;
    if (cs * 2 > lines)
        return TRANSCRIPT_CS;
    return commands ? TRANSCRIPT_RAW : TRANSCRIPT_SERVER;
}

void transcript_init(struct transcript *t, int format)
{
    memset(t, 0, sizeof *t);
    t->format = format;
}

/* s[0..n) into out (TRANSCRIPT_SHOWN + 4 bytes), "..." after a cut. */
static void keep(char *out, const char *s, size_t n)
{
    if (n > TRANSCRIPT_SHOWN) {
        memcpy(out, s, TRANSCRIPT_SHOWN);
        memcpy(out + TRANSCRIPT_SHOWN, "...", 4);
    } else {
        memcpy(out, s, n);
        out[n] = '\0';
    }
}

static struct transcript_cmd *push(struct transcript *t, int command, uint64_t offset,
                                   unsigned long line_no, const char *shown, size_t n)
{
    struct transcript_cmd *c;

    if (t->count == TRANSCRIPT_QUEUE) {
        t->dropped++;
        return NULL;
    }
    c = &t->queue[(t->head + t->count) % TRANSCRIPT_QUEUE];
    t->count++;
    c->command = command;
    c->offset = offset;
    c->line = line_no;
    keep(c->shown, shown, n);
    c->recipient[0] = '\0';
    return c;
}

/* The end of the message data: answered once, or under LMTP once per
 * accepted recipient (RFC 2033 section 4.2). */
static void data_end(struct transcript *t, uint64_t offset, unsigned long line_no)
{
    unsigned k = t->lmtp && t->rcpt_accepted > 0 ? t->rcpt_accepted : 1, i;

    for (i = 0; i < k; i++) {
        struct transcript_cmd *c = push(t, SMTPREPLY_CMD_DATA_END, offset, line_no, ".", 1);
        if (c != NULL && t->lmtp && i < t->rcpt_accepted)
            memcpy(c->recipient, t->accepted[i], sizeof c->recipient);
    }
    t->in_content = 0;
}

static int blank(char c)
{
    return c == ' ' || c == '\t';
}

/* Does s[0..n) start with the verb AUTH (any case) and a blank? */
static int auth_verb(const char *s, size_t n)
{
    return n > 4 && upper(s[0]) == 'A' && upper(s[1]) == 'U' && upper(s[2]) == 'T'
           && upper(s[3]) == 'H' && blank(s[4]);
}

/* How much of an AUTH line may be shown: the verb and the mechanism, never
 * the initial response after them (RFC 4954 section 4). */
static size_t auth_shown(const char *s, size_t n)
{
    size_t i = 4;

    while (i < n && blank(s[i]))
        i++;
    while (i < n && !blank(s[i]))
        i++;
    return i;
}

/* A client line outside the message content. */
static int client_line(struct transcript *t, const char *s, size_t n, uint64_t offset,
                       unsigned long line_no)
{
    int command;

    if (t->auth_data) {
        /* AUTH data (RFC 4954 section 4): base64 credentials or "*". Never shown. */
        t->auth_data = 0;
        push(t, SMTPREPLY_CMD_AUTH, offset, line_no, "(AUTH data)", 11);
        return TK_CLIENT;
    }
    command = smtpreply_command_parse(s, n);
    if (starts_word(s, n, "LHLO"))
        t->lmtp = 1;
    if (command == SMTPREPLY_CMD_MAIL)
        t->rcpt_accepted = 0;
    if (command == SMTPREPLY_CMD_AUTH || auth_verb(s, n)) {
        /* "AUTH PLAIN <initial response>": the mechanism only, whatever the
         * blanks between the words and whether the parser took the verb. */
        push(t, SMTPREPLY_CMD_AUTH, offset, line_no, s, auth_shown(s, n));
        return TK_CLIENT;
    }
    if (command == SMTPREPLY_CMD_BDAT) {
        /* "BDAT <size> [LAST]": that many bytes follow the line. */
        const char *p = s + 4;
        char *end;
        unsigned long long size;
        char num[24];
        size_t k = 0;

        while (p < s + n && *p == ' ')
            p++;
        while (p + k < s + n && k < sizeof num - 1 && p[k] >= '0' && p[k] <= '9')
            k++;
        memcpy(num, p, k);
        num[k] = '\0';
        size = strtoull(num, &end, 10);
        t->bdat_left = k > 0 ? (uint64_t)size : 0;
    }
    push(t, command, offset, line_no, s, n);
    return TK_CLIENT;
}

/* A line of message content or of a BDAT chunk (marked transcripts). */
static int content_line(struct transcript *t, const char *s, size_t n, uint64_t offset,
                        unsigned long line_no)
{
    if (t->bdat_left > 0) {
        t->bdat_left = t->bdat_left > n + 2 ? t->bdat_left - (n + 2) : 0;
        return TK_CONTENT;
    }
    if (n == 1 && s[0] == '.') {
        data_end(t, offset, line_no);
        return TK_DATA_END;
    }
    if (t->content_lines++ == 0) {
        t->content_offset = offset;
        t->content_line = line_no;
    }
    return TK_CONTENT;
}

int transcript_line(struct transcript *t, const char *line, size_t len, int eol,
                    uint64_t offset, unsigned long line_no, size_t *skip)
{
    size_t n = eol ? text_len(line, len) : len, pre = 0;
    int kind;

    *skip = 0;
    if (t->format == TRANSCRIPT_RAW) {
        if (t->in_content || t->bdat_left > 0)
            return content_line(t, line, n, offset, line_no);
        if (t->auth_data || (!is_reply_line(line, n) && is_command(line, n)))
            return client_line(t, line, n, offset, line_no);
        return TK_SERVER;
    }
    if (n == 0)
        return TK_BLANK;
    pre = t->format == TRANSCRIPT_SWAKS ? swaks_prefix(line, n, &kind) : cs_prefix(line, n, &kind);
    if (pre == 0)
        return TK_NO_PREFIX;
    if (kind == TK_SERVER) {
        /* A reply while the content is open: the transcript left out the end
         * of the data (swaks --suppress-data prints a count instead). */
        if (t->in_content)
            data_end(t, offset, line_no);
        *skip = pre;
        return TK_SERVER;
    }
    if (kind == TK_INFO)
        return TK_INFO;
    if (t->in_content || t->bdat_left > 0)
        return content_line(t, line + pre, n - pre, offset, line_no);
    return client_line(t, line + pre, n - pre, offset, line_no);
}

int transcript_answer(struct transcript *t, unsigned code, struct transcript_cmd *out)
{
    int first = !t->greeted;

    memset(out, 0, sizeof *out);
    t->greeted = 1;
    if (t->count == 0) {
        out->command = first ? SMTPREPLY_CMD_CONNECT : SMTPREPLY_CMD_UNKNOWN;
        return 0;
    }
    *out = t->queue[t->head];
    t->head = (t->head + 1) % TRANSCRIPT_QUEUE;
    t->count--;
    if (out->command == SMTPREPLY_CMD_DATA && code == 354) {
        t->in_content = 1;
        t->content_lines = 0;
    } else if (out->command == SMTPREPLY_CMD_AUTH && code == 334) {
        t->auth_data = 1;
    } else if (out->command == SMTPREPLY_CMD_RCPT && code >= 200 && code < 300
               && t->rcpt_accepted < TRANSCRIPT_QUEUE) {
        memcpy(t->accepted[t->rcpt_accepted++], out->shown, sizeof t->accepted[0]);
    }
    return 1;
}

int transcript_unanswered(struct transcript *t, struct transcript_cmd *out)
{
    if (t->count == 0)
        return 0;
    *out = t->queue[t->head];
    t->head = (t->head + 1) % TRANSCRIPT_QUEUE;
    t->count--;
    return 1;
}
