/* SPDX-License-Identifier: MIT */
/*
 * What smtp-explain and smtp-site both say about a code and about two codes
 * compared: the catalog entry looked up for a CODE argument, the commands it
 * answers, the key differences between two codes and when each applies, as
 * sentences in the reader's language (labels from po/, examples/i18n.h). Each
 * tool lays them out its own way (terminal columns, JSON, HTML); the words
 * are written once, here.
 *
 * Uses only the public header, as an outside program would. Error messages
 * start with COMPARE_PROG, the name of the tool compiled with this file.
 */
#ifndef SMTPREPLY_EXAMPLES_COMPARE_H
#define SMTPREPLY_EXAMPLES_COMPARE_H

#include <smtpreply.h>

#include <stddef.h>

#include "i18n.h"

#ifndef COMPARE_PROG
#define COMPARE_PROG "smtp-explain"
#endif

#define SENTENCE_CAP 2048   /* one composed sentence */

/* One CODE argument. */
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
    int cut;                            /* 1 when label, commands or phrase was cut */
};

/* One composed sentence; cut is 1 when it did not fit SENTENCE_CAP. */
struct sentence {
    char text[SENTENCE_CAP];
    int cut;
};

/* Replace {1}..{9} in tmpl by args. Returns 1 (and sets out->cut) when the
 * result did not fit and was cut, else 0. */
int compose(struct sentence *out, const char *tmpl, const char *const *args, int n);

/* Append s to the NUL-terminated dst of cap bytes; returns 1 when s was cut. */
int append(char *dst, size_t cap, const char *s);

/* The outcome of a first digit (2..5), in words ("permanent failure"). */
const char *outcome_word(struct i18n *L, int digit);

/* Look up a CODE argument: "535", "5.7.8" or "535 5.7.8", in lang and in
 * English. Returns 0, or 1 with a message on stderr when arg is not a valid
 * CODE. it->cut is 1 when one of its composed texts (commands, phrase) did
 * not fit. */
int parse_item(const char *arg, const char *lang, struct i18n *L, struct item *it);

/* Short lines into out (cap bytes); each returns 1 when the line was cut. */
/* "5xx Permanent Negative Completion (permanent failure)" */
int class_line(const struct item *it, struct i18n *L, char *out, size_t cap);
/* "5xx Permanent Negative Completion", or "5.x.x Permanent Failure" */
int class_name(const struct item *it, char *out, size_t cap);
/* "x3z Unspecified": the catalog's wording, else the label's */
int category_line(const struct item *it, struct i18n *L, char *out, size_t cap);

/* The key differences between x and y, as at most cap sentences (each with
 * its cut flag); returns how many were written. */
int differences(const struct item *x, const struct item *y, struct i18n *L,
                struct sentence *out, int cap);

/* When it applies: the commands it answers (or its usual basic codes) and the
 * next step, as one sentence. */
void applies(const struct item *it, struct i18n *L, struct sentence *out);

#endif /* SMTPREPLY_EXAMPLES_COMPARE_H */
