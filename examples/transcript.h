/* SPDX-License-Identifier: MIT */
/*
 * Reading SMTP transcripts that hold both sides of a session, for smtp-parse.
 *
 * Four input forms:
 *   server  the server's bytes only (what smtp-parse always read);
 *   swaks   swaks' output: "<-" server, "->" client, "<~"/"~>" the same inside
 *           TLS, "<**"/"<~*" a server reply swaks counts as an error, "==="
 *           and "***" swaks' own information and errors;
 *   cs      lines prefixed "C:" (client) and "S:" (server), as in the RFCs;
 *   raw     a capture where client and server lines follow each other
 *           unmarked: a line is the client's when it is an SMTP command, AUTH
 *           data after a 334, message content between 354 and the lone ".",
 *           or the bytes of a BDAT chunk; every other line is the server's.
 *
 * The session follows the client's commands in a queue (RFC 2920: pipelined
 * commands are answered in the order sent). Each server reply takes the
 * oldest pending command: the first reply with nothing pending answers the
 * connection (the greeting); a 354 to DATA starts the message content; the
 * lone "." is DATA_END; a 334 to AUTH makes the next client line AUTH data;
 * under LMTP (LHLO) the end of the data is answered once per accepted
 * recipient, in the order of their RCPTs (RFC 2033 section 4.2).
 *
 * No I/O here and no allocation: the caller reads lines and feeds them in.
 */
#ifndef SMTPREPLY_EXAMPLES_TRANSCRIPT_H
#define SMTPREPLY_EXAMPLES_TRANSCRIPT_H

#include <stddef.h>
#include <stdint.h>

enum transcript_format {
    TRANSCRIPT_AUTO = 0,
    TRANSCRIPT_SERVER,
    TRANSCRIPT_SWAKS,
    TRANSCRIPT_CS,
    TRANSCRIPT_RAW
};

/* What a line of the transcript is. */
enum transcript_kind {
    TK_SERVER,      /* server bytes: text starts at the skip, feed it to the parser */
    TK_CLIENT,      /* a client command (or AUTH data) now pending */
    TK_CONTENT,     /* message content or BDAT chunk bytes */
    TK_DATA_END,    /* the lone "." that ends the message content */
    TK_INFO,        /* swaks' own lines ("===", "***") */
    TK_BLANK,       /* an empty line in a marked transcript */
    TK_NO_PREFIX    /* a line a marked transcript cannot place: an error */
};

#define TRANSCRIPT_SHOWN 200     /* bytes of a client line kept for showing */
#define TRANSCRIPT_QUEUE 512     /* pending commands; RFC 2920 groups are far smaller */

/* A command the client sent, waiting for its reply. */
struct transcript_cmd {
    int command;                    /* enum smtpreply_command; UNKNOWN for a verb it lacks */
    uint64_t offset;                /* where its line starts in the input */
    unsigned long line;             /* its 1-based line number in the input */
    char shown[TRANSCRIPT_SHOWN + 4];  /* the line as it may be shown: AUTH data hidden */
    char recipient[TRANSCRIPT_SHOWN + 4]; /* LMTP's end of data: the RCPT line it is for */
};

struct transcript {
    int format;
    struct transcript_cmd queue[TRANSCRIPT_QUEUE];
    size_t head, count;
    unsigned long dropped;          /* commands that did not fit in the queue */
    int greeted;                    /* a reply has been seen */
    int lmtp;                       /* LHLO was sent */
    unsigned rcpt_accepted;         /* RCPTs answered 2xx since MAIL (LMTP) */
    char accepted[TRANSCRIPT_QUEUE][TRANSCRIPT_SHOWN + 4];  /* their lines, in order */
    int in_content;                 /* between DATA's 354 and the lone "." */
    unsigned long content_lines;    /* lines of the current message content */
    uint64_t content_offset;        /* where the current content started */
    unsigned long content_line;
    int auth_data;                  /* the next client line is AUTH data */
    uint64_t bdat_left;             /* chunk bytes still to come after BDAT */
};

/* "server", "swaks", ...; NULL for an unknown value. */
const char *transcript_format_name(int format);
/* TRANSCRIPT_* from its name ("auto" included), or -1. */
int transcript_format_parse(const char *name);

/* The form of an input from its first bytes (at most a few kilobytes suffice). */
int transcript_detect(const char *buf, size_t len);

void transcript_init(struct transcript *t, int format);

/*
 * What the line starting at line[0..len) is (len: the bytes at hand, at least
 * the whole line or 64 bytes of it; eol: whether they end the line), and for
 * TK_SERVER the number of prefix bytes to drop in *skip. Updates the session:
 * a command is queued, content counted, the end of the data queued.
 * offset and line_no locate the line in the input.
 */
int transcript_line(struct transcript *t, const char *line, size_t len, int eol,
                    uint64_t offset, unsigned long line_no, size_t *skip);

/*
 * A server reply with this code is complete: *out gets the command it answers
 * (returns 1), or nothing is pending (returns 0; out->command is UNKNOWN,
 * except for the first reply, which answers the connection).
 */
int transcript_answer(struct transcript *t, unsigned code, struct transcript_cmd *out);

/* Take the next command still waiting for a reply at the end; 0 when none. */
int transcript_unanswered(struct transcript *t, struct transcript_cmd *out);

#endif
