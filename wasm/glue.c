/* SPDX-License-Identifier: MIT */
/*
 * What smtpreply.wasm adds to the C API for JavaScript: memory for the caller's
 * side of the calls, and the layout of the public structs.
 *
 * The library itself never allocates. A JavaScript caller has no stack or heap in
 * the module's linear memory, so it asks for blocks here (parser state, text
 * buffer, input bytes, out-structs) and gives them back when done. The blocks
 * come from wasi-libc's malloc, which grows the memory with memory.grow and
 * imports nothing.
 *
 * Struct layouts are read by the JavaScript side from smtpreply_wasm_layout()
 * instead of being copied into it, so a field appended to a public struct cannot
 * leave the two out of step: the offsets below come from the compiler.
 */
#include <stddef.h>
#include <stdlib.h>

#include "smtpreply.h"

#define GLUE_API __attribute__((visibility("default")))

GLUE_API void *smtpreply_wasm_alloc(size_t size);
GLUE_API void smtpreply_wasm_free(void *block);
GLUE_API const char *smtpreply_wasm_layout(void);

/* A block of at least size bytes, aligned to 16 (enough for every public struct);
 * NULL when the memory cannot grow. Size 0 gives a distinct block. */
void *smtpreply_wasm_alloc(size_t size)
{
    return malloc(size ? size : 1);
}

/* Gives a block from smtpreply_wasm_alloc() back. NULL is ignored. */
void smtpreply_wasm_free(void *block)
{
    free(block);
}

/*
 * offsetof() is no preprocessor constant, so the table is turned into text at
 * first use, into a static buffer: "struct.field=offset" per member and
 * "struct.size=bytes" per struct. The JavaScript side fails loudly on a name it
 * needs that is missing.
 */
struct entry {
    const char *name;
    size_t value;
};

#define E(s, f) { #s "." #f, offsetof(struct smtpreply_##s, f) }
#define S(s) { #s ".size", sizeof(struct smtpreply_##s) }

static const struct entry entries[] = {
    S(parser),
    S(options),
    E(options, strict), E(options, smtputf8), E(options, max_line_length),
    E(options, max_lines),
    S(error),
    E(error, status), E(error, line), E(error, offset), E(error, position),
    E(error, name), E(error, message),
    S(enhanced),
    E(enhanced, klass), E(enhanced, subject), E(enhanced, detail),
    S(reply),
    E(reply, code), E(reply, flags), E(reply, enhanced), E(reply, enhanced_text),
    E(reply, encoding), E(reply, line_count), E(reply, lines_stored),
    E(reply, first_line), E(reply, text), E(reply, text_len), E(reply, offset),
    E(reply, length),
    S(verdict),
    E(verdict, severity), E(verdict, category), E(verdict, reason), E(verdict, bounce),
    E(verdict, retry), E(verdict, evidence), E(verdict, command), E(verdict, flags),
    E(verdict, rule),
    S(code_info),
    E(code_info, code), E(code_info, match), E(code_info, severity),
    E(code_info, category), E(code_info, locale), E(code_info, title),
    E(code_info, description), E(code_info, when), E(code_info, fix),
    E(code_info, reference), E(code_info, severity_title),
    S(enhanced_info),
    E(enhanced_info, code), E(enhanced_info, match), E(enhanced_info, locale),
    E(enhanced_info, class_title), E(enhanced_info, class_description),
    E(enhanced_info, subject_title), E(enhanced_info, subject_description),
    E(enhanced_info, title), E(enhanced_info, description), E(enhanced_info, action),
    E(enhanced_info, reference), E(enhanced_info, basic_codes),
    S(ehlo),
    E(ehlo, server_name), E(ehlo, server_name_len), E(ehlo, greeting),
    E(ehlo, greeting_len), E(ehlo, extensions), E(ehlo, auth), E(ehlo, size_max),
    E(ehlo, limits_rcptmax), E(ehlo, limits_mailmax), E(ehlo, limits_rcptdomainmax),
    E(ehlo, keyword_count), E(ehlo, deliverby_min),
    S(ehlo_keyword),
    E(ehlo_keyword, keyword), E(ehlo_keyword, keyword_len), E(ehlo_keyword, params),
    E(ehlo_keyword, params_len), E(ehlo_keyword, extension),
};

static char layout[4096];

/* The table as text, "name=number\n" per entry; static storage. */
const char *smtpreply_wasm_layout(void)
{
    size_t at = 0, i;

    if (layout[0] != '\0')
        return layout;
    for (i = 0; i < sizeof entries / sizeof entries[0]; i++) {
        const char *n = entries[i].name;
        char digits[24];
        size_t v = entries[i].value, d = 0;

        do {
            digits[d++] = (char)('0' + v % 10);
            v /= 10;
        } while (v);
        /* name, '=', digits, '\n' and the final NUL must fit. */
        while (*n && at < sizeof layout - 1)
            layout[at++] = *n++;
        if (at + d + 3 > sizeof layout)
            abort();
        layout[at++] = '=';
        while (d)
            layout[at++] = digits[--d];
        layout[at++] = '\n';
    }
    layout[at] = '\0';
    return layout;
}
