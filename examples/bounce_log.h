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
#define BOUNCE_QID_CAP 40        /* a queue ID kept in the sender table */
#define BOUNCE_SENDER_SLOTS 4096 /* queue ID -> sender pairs remembered (see struct bounce_log) */
#define BOUNCE_JSON_CAP 4096     /* a string of a postqueue -j record, decoded */

/* What the log says happened to one recipient. */
enum bounce_status {
    BOUNCE_SENT,
    BOUNCE_DEFERRED,
    BOUNCE_BOUNCED,
    BOUNCE_EXPIRED,
    BOUNCE_REJECTED,         /* an inbound reject: this server refused a client */
    BOUNCE_STATUS_COUNT
};

/*
 * The time a log line starts with, as written: syslog's "Nov 27 09:00:01" (no
 * year, no zone), RFC 3339 ("2026-11-27T09:00:01.123+01:00", journald's
 * "+0100" too), Exim's "2026-11-27 09:00:01" with its optional " +0100"; or a
 * postqueue -j arrival time (seconds since the epoch, UTC).
 */
struct bounce_time {
    int set;                 /* 0: the line has no time */
    int year;                /* 0: the log gives none (syslog) */
    int mon, mday, hour, min, sec;
    char frac[10];           /* fraction of a second as logged, digits only ("" none) */
    int has_zone;            /* 1: zone_min is the offset east of UTC, in minutes */
    int zone_min;
    int utc_z;               /* the zone was written "Z" */
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
    struct bounce_time time;
    const char *queue_id;    /* NULL: the log does not say */
    size_t queue_id_len;
    const char *sender;      /* NULL: unknown; "<>" for the null reverse-path */
    size_t sender_len;
    const char *relay;       /* as logged; NULL: the log does not say */
    size_t relay_len;
    int has_delay;
    uint64_t delay_ms;       /* from arrival to this event, as the MTA logs it */
};

typedef void (*bounce_emit_fn)(void *ctx, const struct bounce_event *e);

/* A DSN's per-recipient block and human-readable part, kept across lines. */
struct bounce_dsn {
    char rcpt[BOUNCE_ADDR_CAP];
    size_t rcpt_len;
    char relay[BOUNCE_ADDR_CAP];  /* Remote-MTA's name, per recipient */
    size_t relay_len;
    struct bounce_time attempt;   /* Last-Attempt-Date, per recipient */
    /* Per message, until the next message: Arrival-Date, Postfix's queue ID
     * and envelope sender (X-Postfix-Queue-ID, X-Postfix-Sender). */
    struct bounce_time arrival;
    char queue_id[BOUNCE_QID_CAP];
    size_t queue_id_len;
    char sender[BOUNCE_ADDR_CAP];
    size_t sender_len;
    int has_sender;
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

/* A queue ID's sender, from Postfix's and Sendmail's "QID: from=<...>" and Exim's "<=". */
struct bounce_sender_slot {
    char qid[BOUNCE_QID_CAP];
    char sender[BOUNCE_ADDR_CAP];
    uint16_t qid_len, sender_len;
};

/*
 * The whole state. Senders live in a direct-mapped table of
 * BOUNCE_SENDER_SLOTS slots indexed by a hash of the queue ID: a new queue ID
 * takes its slot from whatever was there, and "QID: removed" (Postfix) or
 * "Completed" (Exim) frees it; an evicted sender is reported as unknown, never
 * as another message's. A sender longer than BOUNCE_ADDR_CAP - 1 bytes is not
 * kept (unknown rather than cut).
 */
struct bounce_log {
    bounce_emit_fn emit;
    void *ctx;
    char text[BOUNCE_TEXT_CAP];  /* scratch for the event being built */
    struct bounce_dsn d;
    struct bounce_sender_slot senders[BOUNCE_SENDER_SLOTS];
    char json[3][BOUNCE_JSON_CAP]; /* postqueue -j: address, delay reason, sender */
    uint64_t json_bad;           /* lines that look like JSON but are no queue record */
    uint64_t untried;            /* postqueue -j recipients without a delay reason */
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
int bounce_postqueue_line(struct bounce_log *b, const char *s, size_t n, uint64_t line_no);
/* Inbound rejects: Postfix "NOQUEUE: reject: RCPT from ...", Exim "rejected RCPT <...>". */
int bounce_reject_line(struct bounce_log *b, const char *s, size_t n, uint64_t line_no);

/* The time at the start of a log line; returns the bytes it takes (0: none). */
size_t bounce_time_parse(const char *s, size_t n, struct bounce_time *t);

/* "sent", "deferred", "bounced", "expired", "rejected"; "unknown" for anything else. */
const char *bounce_status_name(int status);

/*
 * The end of an address that starts at p: the first byte of @p stops found
 * outside a quoted string, or @p end. Exposed for the fuzz targets' oracle.
 */
const char *bounce_addr_end(const char *p, const char *end, const char *stops);

/*
 * The command a log names in words ("RCPT TO", "MAIL FROM:<a@b> SIZE=12",
 * "end of DATA", "initial connection", "pipelined RCPT TO:<x>"), as
 * enum smtpreply_command; SMTPREPLY_CMD_UNKNOWN when it names none.
 */
int bounce_command_of(const char *s, size_t n);

/*
 * Where the remote server's reply starts in text an MTA wrote around it:
 * after Exim's "SMTP error from remote mail server after CMD: " (older Exim
 * adds "host NAME [ADDR]: "), the command's words skipped as a whole, so an
 * address in them cannot end them early. Returns the reply's first byte and
 * sets *command, and *words / *words_len to the command as written ("RCPT
 * TO:<a@b>"); NULL when s[0..n) holds no such words. When the words end the
 * text with their colon, as in an Exim bounce message whose next line is the
 * reply, the return is s + n.
 */
const char *bounce_exim_reply(const char *s, size_t n, int *command, const char **words,
                              size_t *words_len);

#endif
