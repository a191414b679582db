/* SPDX-License-Identifier: MIT */
/*
 * Delivery events from MTA log lines (Postfix, Exim, Sendmail, OpenSMTPD) and
 * DSN messages (RFC 3464), for smtp-bounces and its fuzz targets.
 *
 * Every field is found by walking the line's own structure, never by searching
 * for "status=" or ": " anywhere in it: an address may legally hold any of
 * those inside an RFC 5321 quoted local part ("y, status=sent"@example.com),
 * and whoever chooses an address must not choose the verdict. Addresses are
 * skipped whole: a quoted string (with its backslash escapes) and a <...> pair
 * are each one unit, whatever they hold.
 *
 * Memory is fixed: a struct bounce_log holds all state (no allocation); an
 * event's pointers are valid during the emit callback only. Uses only the
 * public header, as an outside program would.
 */
#ifndef SMTPREPLY_EXAMPLES_BOUNCE_LOG_H
#define SMTPREPLY_EXAMPLES_BOUNCE_LOG_H

#include <stddef.h>
#include <stdint.h>

#include <smtpreply.h>

#define BOUNCE_TEXT_CAP 4096     /* a reply's flattened text */
#define BOUNCE_DIAG_CAP 4096     /* a DSN Diagnostic-Code, unfolded */
#define BOUNCE_PARA_CAP 2048     /* a paragraph of a DSN's human-readable part */
#define BOUNCE_ADDR_CAP 256      /* a recipient kept across lines (DSN) */
#define BOUNCE_CMD_MEMORY 8      /* recipient -> command pairs remembered from a DSN's text */

/* What the log says happened to one recipient. */
enum bounce_status {
    BOUNCE_SENT,
    BOUNCE_DEFERRED,
    BOUNCE_BOUNCED,
    BOUNCE_EXPIRED,
    BOUNCE_STATUS_COUNT
};

/* One delivery event; every pointer is borrowed for the duration of the callback. */
struct bounce_event {
    const char *rcpt;        /* as logged (quotes kept); NULL when the line names none */
    size_t rcpt_len;
    int status;              /* enum bounce_status */
    unsigned code;           /* 0: the event carries no SMTP reply */
    struct smtpreply_enhanced enh; /* klass 0: none */
    const char *text;        /* reply text without code prefixes, or the log's own text */
    size_t text_len;
    int command;             /* enum smtpreply_command */
    uint64_t line;
};

typedef void (*bounce_emit_fn)(void *ctx, const struct bounce_event *e);

/* A DSN's per-recipient block and human-readable part, kept across lines. */
struct bounce_dsn {
    char rcpt[BOUNCE_ADDR_CAP];
    size_t rcpt_len;
    int has_final, has_rcpt, has_action, has_status;
    char action[16];
    char status[16];
    size_t status_len;
    char diag_type[16];
    char diag[BOUNCE_DIAG_CAP];
    size_t diag_len;
    int has_diag;
    uint64_t line_diag, line_status;
    int last;                  /* what a folded line continues */
    int in_message;            /* a multipart/report was seen: the input holds DSNs */
    int in_report;             /* inside a multipart/report, before its status part */
    char para[BOUNCE_PARA_CAP];
    size_t para_len;
    struct { char rcpt[BOUNCE_ADDR_CAP]; int command; } cmds[BOUNCE_CMD_MEMORY];
    unsigned cmd_next;
    int transcript_cmd;        /* Sendmail's transcript: the last ">>> " command */
};

struct bounce_log {
    bounce_emit_fn emit;
    void *ctx;
    char text[BOUNCE_TEXT_CAP];  /* scratch for the event being built */
    struct bounce_dsn d;
};

/* Start (or restart, for the next input) with an empty state. */
void bounce_log_init(struct bounce_log *b, bounce_emit_fn emit, void *ctx);

/* One line of input without its LF (a CR before it is ignored); any format. */
void bounce_log_line(struct bounce_log *b, const char *s, size_t n, uint64_t line_no);

/* The input ended: emit a DSN block left open. */
void bounce_log_end(struct bounce_log *b);

/*
 * One format's line parser: 1 when the line is that format's delivery line
 * (an event was emitted, or the line is one the format logs without an
 * attempt, such as Postfix's address verification), 0 otherwise.
 */
int bounce_postfix_line(struct bounce_log *b, const char *s, size_t n, uint64_t line_no);
int bounce_sendmail_line(struct bounce_log *b, const char *s, size_t n, uint64_t line_no);
int bounce_opensmtpd_line(struct bounce_log *b, const char *s, size_t n, uint64_t line_no);
int bounce_exim_line(struct bounce_log *b, const char *s, size_t n, uint64_t line_no);

/* "sent", "deferred", "bounced", "expired"; "unknown" for anything else. */
const char *bounce_status_name(int status);

/*
 * The end of an address that starts at p: the first byte of @p stops found
 * outside a quoted string, or @p end. Exposed for the fuzz targets' oracle.
 */
const char *bounce_addr_end(const char *p, const char *end, const char *stops);

#endif
