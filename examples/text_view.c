/* SPDX-License-Identifier: MIT */
/* The readable view of a reply: see text_view.h. */
#include "text_view.h"

#include <string.h>

#include "json_out.h"

const char *text_view_col(const struct text_view *tv, const char *code)
{
    return tv->colour ? code : "";
}

const char *text_view_code_col(unsigned code)
{
    return code < 400 ? TV_GREEN : code < 500 ? TV_YELLOW : TV_RED;
}

void text_view_label(const struct text_view *tv, enum tool_label id)
{
    fprintf(tv->out, "   %s", text_view_col(tv, TV_DIM));
    i18n_pad(tv->out, tr(tv->labels, id), 10);
    fprintf(tv->out, "%s ", text_view_col(tv, TV_RESET));
}

void text_view_wrapped(const struct text_view *tv, const char *text)
{
    const size_t width = 86;
    size_t col = 0;

    while (*text != '\0') {
        size_t word = strcspn(text, " "), cols = 0, i;

        for (i = 0; i < word; i++)        /* columns: UTF-8 continuation bytes take none */
            cols += ((unsigned char)text[i] & 0xC0) != 0x80;

        if (col > 0 && col + 1 + cols > width) {
            fprintf(tv->out, "\n%14s", "");
            col = 0;
        } else if (col > 0) {
            fputc(' ', tv->out);
            col++;
        }
        fwrite(text, 1, word, tv->out);
        col += cols;
        text += word;
        while (*text == ' ')
            text++;
    }
    fputc('\n', tv->out);
}

void text_view_flags(FILE *f, uint32_t flags, const char *(*name)(uint32_t), const char *sep,
                     int *first)
{
    uint32_t bit;

    for (bit = 1; bit; bit <<= 1) {
        if (flags & bit) {
            fprintf(f, "%s%s", *first ? "" : sep, name(bit));
            *first = 0;
        }
    }
}

void text_view_reply_lines(const struct text_view *tv, const struct smtpreply_reply *r,
                           const char *note)
{
    const char *t;
    size_t pos = 0, n;
    int first = 1;

    /* Each line on its own: one line's bad bytes do not change how the others show. */
    while (smtpreply_reply_line(r, &pos, &t, &n)) {
        if (first)
            fprintf(tv->out, "%sS:%s %s%u%s %-6s ", text_view_col(tv, TV_DIM),
                    text_view_col(tv, TV_RESET), text_view_col(tv, text_view_code_col(r->code)),
                    (unsigned)r->code, text_view_col(tv, TV_RESET), r->enhanced_text);
        else
            fprintf(tv->out, "%14s", "");
        term_text(tv->out, t, n);
        if (first && note != NULL)
            fprintf(tv->out, "  %s(%s)%s", text_view_col(tv, TV_DIM), note,
                    text_view_col(tv, TV_RESET));
        fputc('\n', tv->out);
        first = 0;
    }
}

/* A label template with its arguments (i18n.h). */
static const char *fill(const struct text_view *tv, char *out, size_t cap, enum tool_label id,
                        const char *const *args, int n)
{
    i18n_compose(out, cap, tr(tv->labels, id), args, n);
    return out;
}

void text_view_verdict(const struct text_view *tv, const struct smtpreply_reply *r,
                       const struct smtpreply_verdict *v)
{
    FILE *f = tv->out;

    if (r->flags != 0 || v->flags != 0) {
        int none = 1;

        text_view_label(tv, L_PROBE_FLAGS);
        text_view_flags(f, r->flags, smtpreply_flag_name, " ", &none);
        text_view_flags(f, v->flags, smtpreply_verdict_flag_name, " ", &none);
        fputc('\n', f);
    }
    if (r->code >= 400) {
        struct smtpreply_code_info info;
        struct smtpreply_enhanced_info einfo;
        const char *args[5];
        char detail[1024];

        text_view_label(tv, L_PROBE_VERDICT);
        fprintf(f, "%s%s%s, %s\n", text_view_col(tv, text_view_code_col(r->code)),
                smtpreply_severity_name(v->severity), text_view_col(tv, TV_RESET),
                smtpreply_category_name(v->category));
        text_view_label(tv, L_PROBE_REASON);
        args[0] = smtpreply_bounce_name(v->bounce);
        args[1] = smtpreply_retry_name(v->retry);
        args[2] = smtpreply_confidence_name(smtpreply_verdict_confidence(v));
        args[3] = smtpreply_evidence_name(v->evidence);
        args[4] = v->rule;
        fprintf(f, "%s%s%s %s\n", text_view_col(tv, TV_BOLD), smtpreply_reason_name(v->reason),
                text_view_col(tv, TV_RESET),
                fill(tv, detail, sizeof detail, L_PROBE_REASON_DETAIL, args, 5));
        text_view_label(tv, L_PROBE_WHY);
        text_view_wrapped(tv, smtpreply_reason_describe(v->reason, tv->lang));
        if (smtpreply_explain_code(r->code, tv->lang, &info) == SMTPREPLY_OK) {
            text_view_label(tv, L_PROBE_MEANING);
            fprintf(f, "%u %s", (unsigned)r->code, info.title);
            if (r->enhanced.klass != 0
                && smtpreply_explain_enhanced(&r->enhanced, tv->lang, &einfo) == SMTPREPLY_OK)
                fprintf(f, "; %s %s", r->enhanced_text, einfo.title);
            fputc('\n', f);
            text_view_label(tv, L_PROBE_FIX);
            text_view_wrapped(tv, info.fix);
        }
    }
    if (v->flags & SMTPREPLY_VERDICT_UNEXPECTED) {
        char code[16], text[256];
        const char *args[2];

        text_view_label(tv, L_PROBE_UNEXPECTED);
        snprintf(code, sizeof code, "%u", (unsigned)r->code);
        args[0] = code;
        args[1] = smtpreply_command_name(v->command);
        fprintf(f, "%s\n", fill(tv, text, sizeof text, L_PROBE_UNEXPECTED_REPLY, args, 2));
    }
}
