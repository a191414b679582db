/* SPDX-License-Identifier: MIT */
/*
 * Command names, parsing of command names, and the documented replies to each
 * command. The reply table, command_replies.def, is made at build time by
 * tools/gen_commands.py from data/command-reply-sequences.csv; names and
 * aliases are in commands.def.
 */
#include "internal.h"

static const char *const command_names[] = {
#define SMTPREPLY_COMMAND(id, name) name,
#define SMTPREPLY_COMMAND_ALIAS(word, id)
#include "commands.def"
#undef SMTPREPLY_COMMAND
#undef SMTPREPLY_COMMAND_ALIAS
};

typedef char command_table_complete_[
    SMTPREPLY_ARRAY_SIZE(command_names) == SMTPREPLY_CMD_COUNT ? 1 : -1];

struct alias_row {
    const char *word;
    int command;
};

static const struct alias_row aliases[] = {
#define SMTPREPLY_COMMAND(id, name) { name, SMTPREPLY_CMD_##id },
#define SMTPREPLY_COMMAND_ALIAS(word, id) { word, SMTPREPLY_CMD_##id },
#include "commands.def"
#undef SMTPREPLY_COMMAND
#undef SMTPREPLY_COMMAND_ALIAS
};

struct reply_row {
    uint16_t code;
    char outcome;
};

struct reply_range {
    uint8_t first, count;
};

static const struct reply_row replies[] = {
#define SMTPREPLY_COMMAND_REPLY(cmd, outcome, code, ref) { code, outcome },
#define SMTPREPLY_COMMAND_RANGE(cmd, first, count)
#define SMTPREPLY_COMMAND_ANY_RANGE(first, count)
#include "command_replies.def"
#undef SMTPREPLY_COMMAND_REPLY
#undef SMTPREPLY_COMMAND_RANGE
#undef SMTPREPLY_COMMAND_ANY_RANGE
};

/* Rows of each command in replies[]; SMTPREPLY_CMD_UNKNOWN has none. */
static const struct reply_range ranges[SMTPREPLY_CMD_COUNT] = {
#define SMTPREPLY_COMMAND_REPLY(cmd, outcome, code, ref)
#define SMTPREPLY_COMMAND_RANGE(cmd, first, count) [SMTPREPLY_CMD_##cmd] = { first, count },
#define SMTPREPLY_COMMAND_ANY_RANGE(first, count)
#include "command_replies.def"
#undef SMTPREPLY_COMMAND_REPLY
#undef SMTPREPLY_COMMAND_RANGE
#undef SMTPREPLY_COMMAND_ANY_RANGE
};

/* The rows that answer any command (500, 501, 421, 530, 554). */
static const struct reply_range any_range = {
#define SMTPREPLY_COMMAND_REPLY(cmd, outcome, code, ref)
#define SMTPREPLY_COMMAND_RANGE(cmd, first, count)
#define SMTPREPLY_COMMAND_ANY_RANGE(first, count) first, count
#include "command_replies.def"
#undef SMTPREPLY_COMMAND_REPLY
#undef SMTPREPLY_COMMAND_RANGE
#undef SMTPREPLY_COMMAND_ANY_RANGE
};

typedef char reply_rows_fit_[SMTPREPLY_ARRAY_SIZE(replies) < 256 ? 1 : -1];

/* documented in smtpreply.h */
const char *smtpreply_command_name(int command)
{
    if (command < 0 || command >= SMTPREPLY_CMD_COUNT)
        return "UNKNOWN";
    return command_names[command];
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

static char fold(char c)
{
    if (c >= 'a' && c <= 'z')
        return (char)(c - 'a' + 'A');
    return c == '-' ? '_' : c;
}

/* Does the word s[0..n) equal the upper-case name w, ignoring case and reading '-' as '_'? */
static int word_is(const char *s, size_t n, const char *w)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (w[i] == '\0' || fold(s[i]) != w[i])
            return 0;
    return w[n] == '\0';
}

/* documented in smtpreply.h */
int smtpreply_command_parse(const char *s, size_t len)
{
    size_t start = 0, end, i, n;

    if (s == NULL)
        return SMTPREPLY_CMD_UNKNOWN;
    while (start < len && is_space(s[start]))
        start++;
    while (len > start && is_space(s[len - 1]))
        len--;
    /* The first word ends at white space or at the ':' of "MAIL FROM:" / "RCPT TO:". */
    for (end = start; end < len && !is_space(s[end]) && s[end] != ':'; end++)
        ;
    n = end - start;
    if (n == 0)
        return SMTPREPLY_CMD_UNKNOWN;
    for (i = 0; i < SMTPREPLY_ARRAY_SIZE(aliases); i++) {
        if (!word_is(s + start, n, aliases[i].word))
            continue;
        if (aliases[i].command == SMTPREPLY_CMD_UNKNOWN)
            return SMTPREPLY_CMD_UNKNOWN;
        /* "DATA END" written as two words is the end-of-data stage too. */
        if (aliases[i].command == SMTPREPLY_CMD_DATA) {
            size_t w = end;
            while (w < len && is_space(s[w]))
                w++;
            if (len - w == 3 && word_is(s + w, 3, "END"))
                return SMTPREPLY_CMD_DATA_END;
        }
        return aliases[i].command;
    }
    return SMTPREPLY_CMD_UNKNOWN;
}

static int find(struct reply_range r, unsigned code)
{
    unsigned i;

    for (i = r.first; i < (unsigned)r.first + r.count; i++)
        if (replies[i].code == code)
            return replies[i].outcome;
    return 0;
}

/* documented in smtpreply.h */
int smtpreply_command_expects(int command, unsigned code)
{
    int outcome;

    if (command <= SMTPREPLY_CMD_UNKNOWN || command >= SMTPREPLY_CMD_COUNT)
        return 0;
    /* The command's own rows first: they are more specific than the ANY rows. */
    outcome = find(ranges[command], code);
    return outcome ? outcome : find(any_range, code);
}
