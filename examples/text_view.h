/* SPDX-License-Identifier: MIT */
/*
 * The readable view of a reply, shared by the example tools: the layout
 * smtp-probe shows for each reply and smtp-parse shows with --format text.
 *
 *   S: 550 5.1.1  <x@y>: Recipient address rejected: User unknown
 *      flags      provider-text
 *      verdict    permanent-negative, mail-system
 *      reason     recipient-unknown (bounce hard, retry never, ...)
 *      why        <the reason's description, wrapped at 100 columns>
 *      meaning    550 <title>; 5.1.1 <title>
 *      fix        <what to do, wrapped>
 *
 * The code and enhanced code take 11 columns after "S: ", so every line of
 * text, every label's value and every wrapped line start in column 15. Text
 * from the server goes through term_text() (json_out.h): no terminal control,
 * C1 or bidi control is ever printed raw. Labels come from po/ (i18n.h) in
 * the language the tool selected; catalog texts in the same language.
 */
#ifndef SMTPREPLY_EXAMPLES_TEXT_VIEW_H
#define SMTPREPLY_EXAMPLES_TEXT_VIEW_H

#include <stdint.h>
#include <stdio.h>

#include "smtpreply.h"

#include "i18n.h"

#define TV_RESET "\033[0m"
#define TV_DIM "\033[2m"
#define TV_BOLD "\033[1m"
#define TV_GREEN "\033[32m"
#define TV_YELLOW "\033[33m"
#define TV_RED "\033[31m"
#define TV_CYAN "\033[36m"

struct text_view {
    FILE *out;
    int colour;           /* ANSI colours (a terminal without NO_COLOR) */
    const char *lang;     /* the catalog's language: i18n_name() of *labels */
    struct i18n *labels;  /* the tool's label language; counts English fallbacks */
};

/* code when colours are on, else "". */
const char *text_view_col(const struct text_view *tv, const char *code);

/* The colour of a reply code: green 2xx/3xx, yellow 4xx, red 5xx. */
const char *text_view_code_col(unsigned code);

/* "   label      ": a label in its 10-column field, after three spaces. */
void text_view_label(const struct text_view *tv, enum tool_label id);

/* A long text wrapped under the value column, then a line end. */
void text_view_wrapped(const struct text_view *tv, const char *text);

/* Every set bit of flags by name(bit), each after sep (not before the first). */
void text_view_flags(FILE *f, uint32_t flags, const char *(*name)(uint32_t), const char *sep,
                     int *first);

/* "S: 250 2.1.0  text" and each further line of the reply under the first;
 * note, when not NULL, dimmed in brackets after the first line (smtp-probe:
 * the reply's time). */
void text_view_reply_lines(const struct text_view *tv, const struct smtpreply_reply *r,
                           const char *note);

/* The labelled lines after the reply: flags; for 4xx/5xx verdict, reason,
 * why, meaning and fix; "unexpected" when the code is not one the command
 * documents. */
void text_view_verdict(const struct text_view *tv, const struct smtpreply_reply *r,
                       const struct smtpreply_verdict *v);

#endif
