/* SPDX-License-Identifier: MIT */
/*
 * Prints the C compiler's layout of every public struct a binding mirrors, one
 * "struct field offset size" line per member and one "struct - 0 sizeof" line per
 * struct. tests/ffi/test_python.py compares it with the ctypes mirrors in
 * python/smtpreply/__init__.py, so a header change that moves a field cannot
 * pass unnoticed.
 */
#include <stdio.h>

#include "smtpreply.h"

#define FIELD(s, f) \
    printf("%s %s %zu %zu\n", #s, #f, offsetof(struct s, f), sizeof(((struct s *)0)->f))
#define SIZE(s) printf("%s - 0 %zu\n", #s, sizeof(struct s))

int main(void)
{
    SIZE(smtpreply_enhanced);
    FIELD(smtpreply_enhanced, klass);
    FIELD(smtpreply_enhanced, subject);
    FIELD(smtpreply_enhanced, detail);
    FIELD(smtpreply_enhanced, pad_);

    SIZE(smtpreply_options);
    FIELD(smtpreply_options, strict);
    FIELD(smtpreply_options, smtputf8);
    FIELD(smtpreply_options, max_line_length);
    FIELD(smtpreply_options, max_lines);

    SIZE(smtpreply_error);
    FIELD(smtpreply_error, status);
    FIELD(smtpreply_error, line);
    FIELD(smtpreply_error, offset);
    FIELD(smtpreply_error, position);
    FIELD(smtpreply_error, name);
    FIELD(smtpreply_error, message);

    SIZE(smtpreply_reply);
    FIELD(smtpreply_reply, code);
    FIELD(smtpreply_reply, pad_);
    FIELD(smtpreply_reply, flags);
    FIELD(smtpreply_reply, enhanced);
    FIELD(smtpreply_reply, enhanced_text);
    FIELD(smtpreply_reply, encoding);
    FIELD(smtpreply_reply, line_count);
    FIELD(smtpreply_reply, lines_stored);
    FIELD(smtpreply_reply, first_line);
    FIELD(smtpreply_reply, text);
    FIELD(smtpreply_reply, text_len);
    FIELD(smtpreply_reply, offset);
    FIELD(smtpreply_reply, length);

    SIZE(smtpreply_verdict);
    FIELD(smtpreply_verdict, severity);
    FIELD(smtpreply_verdict, category);
    FIELD(smtpreply_verdict, reason);
    FIELD(smtpreply_verdict, bounce);
    FIELD(smtpreply_verdict, retry);
    FIELD(smtpreply_verdict, evidence);
    FIELD(smtpreply_verdict, command);
    FIELD(smtpreply_verdict, flags);
    FIELD(smtpreply_verdict, rule);

    SIZE(smtpreply_code_info);
    FIELD(smtpreply_code_info, code);
    FIELD(smtpreply_code_info, pad_);
    FIELD(smtpreply_code_info, match);
    FIELD(smtpreply_code_info, severity);
    FIELD(smtpreply_code_info, category);
    FIELD(smtpreply_code_info, locale);
    FIELD(smtpreply_code_info, title);
    FIELD(smtpreply_code_info, description);
    FIELD(smtpreply_code_info, when);
    FIELD(smtpreply_code_info, fix);
    FIELD(smtpreply_code_info, reference);
    FIELD(smtpreply_code_info, severity_title);

    SIZE(smtpreply_enhanced_info);
    FIELD(smtpreply_enhanced_info, code);
    FIELD(smtpreply_enhanced_info, match);
    FIELD(smtpreply_enhanced_info, locale);
    FIELD(smtpreply_enhanced_info, class_title);
    FIELD(smtpreply_enhanced_info, class_description);
    FIELD(smtpreply_enhanced_info, subject_title);
    FIELD(smtpreply_enhanced_info, subject_description);
    FIELD(smtpreply_enhanced_info, title);
    FIELD(smtpreply_enhanced_info, description);
    FIELD(smtpreply_enhanced_info, action);
    FIELD(smtpreply_enhanced_info, reference);
    FIELD(smtpreply_enhanced_info, basic_codes);
    SIZE(smtpreply_ehlo);
    FIELD(smtpreply_ehlo, server_name);
    FIELD(smtpreply_ehlo, server_name_len);
    FIELD(smtpreply_ehlo, greeting);
    FIELD(smtpreply_ehlo, greeting_len);
    FIELD(smtpreply_ehlo, extensions);
    FIELD(smtpreply_ehlo, auth);
    FIELD(smtpreply_ehlo, size_max);
    FIELD(smtpreply_ehlo, limits_rcptmax);
    FIELD(smtpreply_ehlo, limits_mailmax);
    FIELD(smtpreply_ehlo, limits_rcptdomainmax);
    FIELD(smtpreply_ehlo, keyword_count);
    FIELD(smtpreply_ehlo, deliverby_min);

    SIZE(smtpreply_ehlo_keyword);
    FIELD(smtpreply_ehlo_keyword, keyword);
    FIELD(smtpreply_ehlo_keyword, keyword_len);
    FIELD(smtpreply_ehlo_keyword, params);
    FIELD(smtpreply_ehlo_keyword, params_len);
    FIELD(smtpreply_ehlo_keyword, extension);
    FIELD(smtpreply_ehlo_keyword, pad_);

    return 0;
}
