/* SPDX-License-Identifier: MIT */
/*
 * The public header on its own: it must compile as strict C99 (-pedantic-errors)
 * without any other include, and its fixed-width layout and constants must hold,
 * because bindings (tests/ffi, examples/ffi/python) mirror them byte for byte.
 * Nothing here links the library: a header that needs the library to compile
 * would be a bug.
 */
#include "smtpreply.h"

/* C99 compile-time check: a negative array size stops the build. */
#define HEADER_CHECK(name, cond) typedef char header_check_##name[(cond) ? 1 : -1]

/* The parser's size is the ABI promise a foreign caller allocates by. */
HEADER_CHECK(parser_size, sizeof(struct smtpreply_parser) == SMTPREPLY_PARSER_SIZE);
/* Foreign callers are told to align it to 8; the header must not need more. */
struct header_parser_in_struct {
    char c;
    struct smtpreply_parser p;
};
HEADER_CHECK(parser_align, offsetof(struct header_parser_in_struct, p) == 8);
HEADER_CHECK(enhanced_size, sizeof(struct smtpreply_enhanced) == 8);
HEADER_CHECK(options_size, sizeof(struct smtpreply_options) == 16);
HEADER_CHECK(enhanced_text_room, sizeof(((struct smtpreply_reply *)0)->enhanced_text) >= 12);
HEADER_CHECK(version_number, SMTPREPLY_VERSION_NUMBER ==
             SMTPREPLY_VERSION_MAJOR * 10000 + SMTPREPLY_VERSION_MINOR * 100 +
             SMTPREPLY_VERSION_PATCH);
HEADER_CHECK(strict_all, SMTPREPLY_STRICT_ALL ==
             (SMTPREPLY_STRICT_BARE_LF | SMTPREPLY_STRICT_SECOND_DIGIT |
              SMTPREPLY_STRICT_LINE_512 | SMTPREPLY_STRICT_NUL |
              SMTPREPLY_STRICT_8BIT | SMTPREPLY_STRICT_LONE_CR));
HEADER_CHECK(reason_count, SMTPREPLY_REASON_COUNT == SMTPREPLY_REASON_RECIPIENT_FILTERED + 1);
HEADER_CHECK(command_count, SMTPREPLY_CMD_COUNT == SMTPREPLY_CMD_ATRN + 1);
HEADER_CHECK(line_limits, SMTPREPLY_DEFAULT_MAX_LINE >= 16384 &&
             SMTPREPLY_DEFAULT_MAX_LINE <= 65536 && SMTPREPLY_DEFAULT_MAX_LINES > 0);

/* Two status constants with one value would make duplicate case labels, a hard
 * error. SMTPREPLY_OK shares NEED_MORE's value on purpose and is left out. */
static int status_is_error(int s)
{
    switch (s) {
    case SMTPREPLY_NEED_MORE:
    case SMTPREPLY_REPLY:
        return 0;
    case SMTPREPLY_E_INVALID_ARG:
    case SMTPREPLY_E_BAD_CODE:
    case SMTPREPLY_E_BAD_FIRST_DIGIT:
    case SMTPREPLY_E_BAD_SEPARATOR:
    case SMTPREPLY_E_EMPTY_LINE:
    case SMTPREPLY_E_CODE_MISMATCH:
    case SMTPREPLY_E_LINE_TOO_LONG:
    case SMTPREPLY_E_TOO_MANY_LINES:
    case SMTPREPLY_E_BARE_LF:
    case SMTPREPLY_E_BAD_SECOND_DIGIT:
    case SMTPREPLY_E_LINE_OVER_512:
    case SMTPREPLY_E_NUL:
    case SMTPREPLY_E_8BIT:
    case SMTPREPLY_E_LONE_CR:
    case SMTPREPLY_E_INCOMPLETE:
    case SMTPREPLY_E_UNKNOWN_CODE:
    case SMTPREPLY_E_NOT_EHLO:
        return 1;
    default:
        return -1;
    }
}

/* The string macro must spell the numeric ones. */
#define STR2(x) #x
#define STR(x) STR2(x)

static int same_string(const char *a, const char *b)
{
    while (*a != '\0' && *a == *b) {
        a++;
        b++;
    }
    return *a == *b;
}

int main(void)
{
    static const char built[] = STR(SMTPREPLY_VERSION_MAJOR) "." STR(SMTPREPLY_VERSION_MINOR)
                                "." STR(SMTPREPLY_VERSION_PATCH);
    int failures = 0;

    if (!same_string(built, SMTPREPLY_VERSION_STRING))
        failures++;
    /* Errors are negative, progress is not: the whole API relies on the sign. */
    if (status_is_error(SMTPREPLY_NEED_MORE) != 0 || status_is_error(SMTPREPLY_E_NOT_EHLO) != 1)
        failures++;
    if (SMTPREPLY_E_INVALID_ARG >= 0 || SMTPREPLY_E_NOT_EHLO >= 0 || SMTPREPLY_OK != 0)
        failures++;
    return failures == 0 ? 0 : 1;
}
