/* SPDX-License-Identifier: MIT */
/*
 * The parser case table, shared by test_parser.c (expectations, chunk sizes 1..16)
 * and test_split.c (random splits, recovery). Expectations use the BRIEF log format
 * of helpers.h. Real replies are from Postfix, Exim, Gmail, Microsoft 365, Yahoo,
 * iCloud and others; a project and issue number in a name is where a quirk was
 * reported against another parser.
 */
#ifndef SMTPREPLY_PARSER_CASES_H
#define SMTPREPLY_PARSER_CASES_H

#include "helpers.h"

struct parser_case {
    const char *name;
    const char *input;
    size_t len;               /* 0: strlen(input); set for inputs with NUL bytes */
    struct feed_opts opts;
    const char *want;
};

#define GMAIL_550 \
    "550-5.1.1 The email account that you tried to reach does not exist. Please try\r\n" \
    "550-5.1.1 double-checking the recipient's email address for typos or\r\n" \
    "550-5.1.1 unnecessary spaces. For more information, go to\r\n" \
    "550 5.1.1  https://support.google.com/mail/?p=NoSuchUser a640c23a62f3a-a9a1b2c3d4e5f.123 - gsmtp\r\n"
#define GMAIL_550_WANT \
    "550 5.1.1 'The email account that you tried to reach does not exist. Please try|" \
    "double-checking the recipient\\x27s email address for typos or|" \
    "unnecessary spaces. For more information, go to|" \
    " https://support.google.com/mail/?p=NoSuchUser a640c23a62f3a-a9a1b2c3d4e5f.123 - gsmtp'"

#define POSTFIX_EHLO \
    "250-mx.example.com\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250-VRFY\r\n250-ETRN\r\n" \
    "250-STARTTLS\r\n250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n250-DSN\r\n250-SMTPUTF8\r\n" \
    "250 CHUNKING\r\n"

static const struct parser_case parser_cases[] = {
    /* --- the grammar: one line, many lines, code only ---------------------- */
    { "single line", "250 OK\r\n", 0, DEF, "250 - 'OK'" },
    { "two lines", "250-a\r\n250 b\r\n", 0, DEF, "250 - 'a|b'" },
    { "three lines", "214-a\r\n214-b\r\n214 c\r\n", 0, DEF, "214 - 'a|b|c'" },
    { "code only CRLF (MailKit #848)", "250\r\n", 0, DEF, "250 - '' +code_only" },
    { "code only LF (PHPMailer #1017)", "250\n", 0, DEF, "250 - '' +bare_lf +code_only" },
    { "trailing space, empty text (node-smtp-protocol #61)", "235 \r\n", 0, DEF, "235 - ''" },
    { "334 bare (enough_mail #284)", "334\r\n", 0, DEF, "334 - '' +code_only" },
    { "334 with space (smtp4dev #1548)", "334 \r\n", 0, DEF, "334 - ''" },
    { "334 challenge", "334 VXNlcm5hbWU6\r\n", 0, DEF, "334 - 'VXNlcm5hbWU6'" },
    { "334 empty after AUTH", "334 \r\n235 2.7.0 Accepted\r\n", 0, DEF, "334 - ''\n235 2.7.0 'Accepted'" },
    { "continuation with empty text", "250-\r\n250 x\r\n", 0, DEF, "250 - '|x'" },
    { "code-only last line of EHLO (uberspace)", "250-mail.example\r\n250-PIPELINING\r\n250\r\n", 0, DEF,
      "250 - 'mail.example|PIPELINING|' +code_only" },
    { "text starts with dash", "250 -dash\r\n", 0, DEF, "250 - '-dash'" },
    { "two spaces keep one", "250  two\r\n", 0, DEF, "250 - ' two'" },
    { "tab in text", "250 a\tb\r\n", 0, DEF, "250 - 'a\\x09b'" },
    { "pipe in text", "250 a|b\r\n", 0, DEF, "250 - 'a\\x7cb'" },
    { "escape bytes pass (go-mail #464)", "250 \x1b[0mOK\r\n", 0, DEF, "250 - '\\x1b[0mOK'" },
    { "trailing spaces kept", "250 ok  \r\n", 0, DEF, "250 - 'ok  '" },
    { "empty input", "", 0, DEF, "" },
    { "200 lowest", "200 x\r\n", 0, DEF, "200 - 'x'" },
    { "559 highest category", "559 x\r\n", 0, DEF, "559 - 'x'" },

    /* --- line endings ------------------------------------------------------ */
    { "bare LF", "250 ok\n", 0, DEF, "250 - 'ok' +bare_lf" },
    { "bare LF then CRLF", "250-a\n250 b\r\n", 0, DEF, "250 - 'a|b' +bare_lf" },
    { "bare LF everywhere", "250-a\n250-b\n250 c\n221 bye\n", 0, DEF, "250 - 'a|b|c' +bare_lf\n221 - 'bye' +bare_lf" },
    { "lone CR kept", "250 a\rb\r\n", 0, DEF, "250 - 'a\\x0db' +lone_cr" },
    { "CR CR LF", "250 ok\r\r\n", 0, DEF, "250 - 'ok\\x0d' +lone_cr" },
    { "CR at end of text then LF", "250 ok\r\n", 0, DEF, "250 - 'ok'" },
    { "lone CR twice", "250 a\r\rb\r\n", 0, DEF, "250 - 'a\\x0d\\x0db' +lone_cr" },
    { "strict: bare LF", "250 ok\n", 0, STRICT(SA), "!bare-lf@1:0\n250 - 'ok' +bare_lf +damaged" },
    { "strict: bare LF code only", "250\n", 0, STRICT(SA), "!bare-lf@1:0\n250 - '' +bare_lf +damaged +code_only" },
    { "strict bare LF only", "250-a\n250 b\r\n", 0, STRICT(SMTPREPLY_STRICT_BARE_LF),
      "!bare-lf@1:0\n250 - 'a|b' +bare_lf +damaged" },
    { "strict: lone CR", "250 a\rb\r\n", 0, STRICT(SA), "!lone-cr@1:0\n250 - 'a' +lone_cr +damaged" },
    { "strict other flags allow lone CR", "250 a\rb\r\n", 0, STRICT(SMTPREPLY_STRICT_NUL), "250 - 'a\\x0db' +lone_cr" },
    { "strict: compliant reply unchanged", "250-a\r\n250 2.0.0 b\r\n", 0, STRICT(SA), "250 - 'a|b' +enh_mismatch" },

    /* --- enhanced status codes (RFC 3463) ------------------------------------- */
    { "enhanced 2.1.0", "250 2.1.0 Ok\r\n", 0, DEF, "250 2.1.0 'Ok'" },
    { "enhanced 5.7.26 Gmail ", "550 5.7.26 Unauthenticated email from example.com is not accepted\r\n", 0, DEF,
      "550 5.7.26 'Unauthenticated email from example.com is not accepted'" },
    { "enhanced 5.7.606 Outlook", "550 5.7.606 Access denied, banned sending IP [203.0.113.5].\r\n", 0, DEF,
      "550 5.7.606 'Access denied, banned sending IP [203.0.113.5].'" },
    { "enhanced three digits each", "550 5.123.456 x\r\n", 0, DEF, "550 5.123.456 'x'" },
    { "enhanced only", "250 2.0.0\r\n", 0, DEF, "250 2.0.0 ''" },
    { "enhanced only bare LF", "250 2.0.0\n", 0, DEF, "250 2.0.0 '' +bare_lf" },
    { "enhanced then two spaces", "550 5.1.1  x\r\n", 0, DEF, "550 5.1.1 ' x'" },
    { "enhanced with leading zeros", "550 5.01.001 x\r\n", 0, DEF, "550 5.1.1 'x'" },
    { "enhanced class mismatch kept", "550 4.1.1 no\r\n", 0, DEF, "550 - '4.1.1 no' +enh_invalid" },
    { "enhanced class 3 invalid", "354 3.0.0 go\r\n", 0, DEF, "354 - '3.0.0 go' +enh_invalid" },
    { "enhanced class 1 invalid", "250 1.2.3 x\r\n", 0, DEF, "250 - '1.2.3 x' +enh_invalid" },
    { "subject four digits", "550 5.1234.1 x\r\n", 0, DEF, "550 - '5.1234.1 x' +enh_invalid" },
    { "detail four digits", "550 5.1.1234 x\r\n", 0, DEF, "550 - '5.1.1234 x' +enh_invalid" },
    { "enhanced not terminated", "550 5.1.1x\r\n", 0, DEF, "550 - '5.1.1x'" },
    { "enhanced then dot", "550 5.1.1. x\r\n", 0, DEF, "550 - '5.1.1. x'" },
    { "enhanced then comma", "550 5.1.1, x\r\n", 0, DEF, "550 - '5.1.1, x'" },
    { "enhanced then tab", "550 5.1.1\tx\r\n", 0, DEF, "550 - '5.1.1\\x09x'" },
    { "two parts only", "550 5.1 x\r\n", 0, DEF, "550 - '5.1 x'" },
    { "empty subject", "550 5..1 x\r\n", 0, DEF, "550 - '5..1 x'" },
    { "empty detail", "550 5.1. x\r\n", 0, DEF, "550 - '5.1. x'" },
    { "digit then letter", "250 8BITMIME\r\n", 0, DEF, "250 - '8BITMIME'" },
    { "version number in greeting", "220 mx.example.org ESMTP Exim 4.96 ready\r\n", 0, DEF,
      "220 - 'mx.example.org ESMTP Exim 4.96 ready'" },
    { "enhanced code at end of line without text", "452 4.5.3\r\n", 0, DEF, "452 4.5.3 ''" },
    { "enhanced interrupted by CR", "550 5.1\r\n", 0, DEF, "550 - '5.1'" },
    { "lines agree", "550-5.7.1 a\r\n550 5.7.1 b\r\n", 0, DEF, "550 5.7.1 'a|b'" },
    { "lines disagree", "550-5.1.1 a\r\n550 5.1.2 b\r\n", 0, DEF, "550 5.1.1 'a|b' +enh_mismatch" },
    { "only first line has one", "550-5.1.1 a\r\n550 b\r\n", 0, DEF, "550 5.1.1 'a|b' +enh_mismatch" },
    { "only last line has one (Postfix reads the last)", "550-a\r\n550 5.1.1 b\r\n", 0, DEF, "550 - 'a|b' +enh_mismatch" },
    { "enhanced on continuation stripped (go-smtp #113)", "451-4.3.0 a\r\n451-4.3.0 b\r\n451 4.3.0 c\r\n", 0, DEF,
      "451 4.3.0 'a|b|c'" },
    { "ESMTP reply without enhanced (OpenSMTPD #1178)", "250 Ok\r\n", 0, DEF, "250 - 'Ok'" },
    { "enhanced after dash separator only", "250-2.0.0 a\r\n250-2.0.0 b\r\n250 2.0.0 c\r\n", 0, DEF, "250 2.0.0 'a|b|c'" },
    { "stale-data check: code-only after enhanced reply (Postfix)", "550 5.1.1 x\r\n550\r\n", 0, DEF,
      "550 5.1.1 'x'\n550 - '' +code_only" },
    /* A lone CR is text, so it cannot end an enhanced code: only SP, CRLF or LF do. */
    { "enhanced then lone CR is text", "250 2.1.1\rX\r\n", 0, DEF, "250 - '2.1.1\\x0dX' +lone_cr" },
    { "enhanced then CR CR LF", "250 2.1.1\r\r\n", 0, DEF, "250 - '2.1.1\\x0d' +lone_cr" },
    { "enhanced then CR LF", "250 2.1.1\r\n", 0, DEF, "250 2.1.1 ''" },
    { "class mismatch then CR LF", "550 4.1.1\r\n", 0, DEF, "550 - '4.1.1' +enh_invalid" },
    { "strict: enhanced then lone CR", "250 2.1.1\rX\r\n", 0, STRICT(SA), "!lone-cr@1:0\n250 - '2.1.1' +lone_cr +damaged" },

    /* --- real servers ----------------------------------------------------------- */
    { "Gmail multiline 550 5.1.1", GMAIL_550, 0, DEF, GMAIL_550_WANT },
    { "Gmail greeting", "220 mx.google.com ESMTP a640c23a62f3a-a9a1b2c3d4e5f.123 - gsmtp\r\n", 0, DEF,
      "220 - 'mx.google.com ESMTP a640c23a62f3a-a9a1b2c3d4e5f.123 - gsmtp'" },
    { "Gmail EHLO", "250-mx.google.com at your service, [203.0.113.7]\r\n250-SIZE 157286400\r\n250-8BITMIME\r\n"
      "250-STARTTLS\r\n250-ENHANCEDSTATUSCODES\r\n250-PIPELINING\r\n250-CHUNKING\r\n250 SMTPUTF8\r\n", 0, DEF,
      "250 - 'mx.google.com at your service, [203.0.113.7]|SIZE 157286400|8BITMIME|STARTTLS|ENHANCEDSTATUSCODES|"
      "PIPELINING|CHUNKING|SMTPUTF8'" },
    { "Gmail 421 rate", "421-4.7.28 Our system has detected an unusual rate of unsolicited mail originating\r\n"
      "421 4.7.28 from your IP address. https://support.google.com/mail/?p=UnsolicitedRateLimitError x - gsmtp\r\n", 0, DEF,
      "421 4.7.28 'Our system has detected an unusual rate of unsolicited mail originating|from your IP address. "
      "https://support.google.com/mail/?p=UnsolicitedRateLimitError x - gsmtp'" },
    { "Gmail 552 over quota", "552-5.2.2 The recipient's inbox is out of storage space.\r\n552 5.2.2  Please direct the recipient to https://support.google.com/mail/?p=OverQuotaPerm x - gsmtp\r\n", 0, DEF,
      "552 5.2.2 'The recipient\\x27s inbox is out of storage space.| Please direct the recipient to https://support.google.com/mail/?p=OverQuotaPerm x - gsmtp'" },
    { "Gmail 235 accepted", "235 2.7.0 Accepted\r\n", 0, DEF, "235 2.7.0 'Accepted'" },
    { "Gmail 534 app password", "534-5.7.9 Application-specific password required. For more information, go to\r\n534 5.7.9  https://support.google.com/mail/?p=InvalidSecondFactor x - gsmtp\r\n", 0, DEF,
      "534 5.7.9 'Application-specific password required. For more information, go to| https://support.google.com/mail/?p=InvalidSecondFactor x - gsmtp'" },
    { "Postfix greeting", "220 mx.example.com ESMTP Postfix (Debian/GNU)\r\n", 0, DEF, "220 - 'mx.example.com ESMTP Postfix (Debian/GNU)'" },
    { "Postfix EHLO", POSTFIX_EHLO, 0, DEF,
      "250 - 'mx.example.com|PIPELINING|SIZE 10240000|VRFY|ETRN|STARTTLS|ENHANCEDSTATUSCODES|8BITMIME|DSN|SMTPUTF8|CHUNKING'" },
    { "Postfix unknown user", "550 5.1.1 <nobody@example.com>: Recipient address rejected: User unknown in virtual mailbox table\r\n", 0, DEF,
      "550 5.1.1 '<nobody@example.com>: Recipient address rejected: User unknown in virtual mailbox table'" },
    { "Postfix relay denied", "554 5.7.1 <a@example.net>: Relay access denied\r\n", 0, DEF, "554 5.7.1 '<a@example.net>: Relay access denied'" },
    { "Postfix greylisted", "450 4.2.0 <a@b.example>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/b.example.html\r\n", 0, DEF,
      "450 4.2.0 '<a@b.example>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/b.example.html'" },
    { "Postfix auth failed", "535 5.7.8 Error: authentication failed: authentication failure\r\n", 0, DEF,
      "535 5.7.8 'Error: authentication failed: authentication failure'" },
    { "Postfix too many recipients", "452 4.5.3 Error: too many recipients\r\n", 0, DEF, "452 4.5.3 'Error: too many recipients'" },
    { "Postfix size", "552 5.3.4 Message size exceeds fixed limit\r\n", 0, DEF, "552 5.3.4 'Message size exceeds fixed limit'" },
    { "Postfix queued", "250 2.0.0 Ok: queued as 4Xk2Lq1Zp3z9vB\r\n", 0, DEF, "250 2.0.0 'Ok: queued as 4Xk2Lq1Zp3z9vB'" },
    { "Postfix 354", "354 End data with <CR><LF>.<CR><LF>\r\n", 0, DEF, "354 - 'End data with <CR><LF>.<CR><LF>'" },
    { "Postfix 221", "221 2.0.0 Bye\r\n", 0, DEF, "221 2.0.0 'Bye'" },
    { "Postfix 502", "502 5.5.2 Error: command not recognized\r\n", 0, DEF, "502 5.5.2 'Error: command not recognized'" },
    { "Postfix 503", "503 5.5.1 Error: need RCPT command\r\n", 0, DEF, "503 5.5.1 'Error: need RCPT command'" },
    { "Postfix postscreen multiline greeting (referencesource #123)", "220-mx.example.com ESMTP Postfix\r\n220 mx.example.com ESMTP Postfix\r\n", 0, DEF,
      "220 - 'mx.example.com ESMTP Postfix|mx.example.com ESMTP Postfix'" },
    { "Postfix postscreen 550 blocklist", "550 5.7.1 Service unavailable; client [203.0.113.9] blocked using zen.spamhaus.org\r\n", 0, DEF,
      "550 5.7.1 'Service unavailable; client [203.0.113.9] blocked using zen.spamhaus.org'" },
    { "Postfix 421 timeout mid-session (filtermail #143)", "421 4.4.2 mx.example.com Error: timeout exceeded\r\n", 0, DEF,
      "421 4.4.2 'mx.example.com Error: timeout exceeded'" },
    { "Exim greeting", "220 mx.example.org ESMTP Exim 4.96 Sat, 28 Nov 2026 18:00:00 +0000\r\n", 0, DEF,
      "220 - 'mx.example.org ESMTP Exim 4.96 Sat, 28 Nov 2026 18:00:00 +0000'" },
    { "Exim multiline banner (nim smtp #24)", "220-mx.example.org ESMTP Exim 4.96 Sat, 28 Nov 2026 18:00:00 +0000\r\n"
      "220-We do not authorize the use of this system to transport unsolicited,\r\n220 and/or bulk e-mail.\r\n", 0, DEF,
      "220 - 'mx.example.org ESMTP Exim 4.96 Sat, 28 Nov 2026 18:00:00 +0000|We do not authorize the use of this system to transport unsolicited,|and/or bulk e-mail.'" },
    { "Exim EHLO", "250-mx.example.org Hello client.example.net [127.0.0.1]\r\n250-SIZE 52428800\r\n250-8BITMIME\r\n"
      "250-PIPELINING\r\n250-PIPE_CONNECT\r\n250-AUTH PLAIN LOGIN\r\n250-CHUNKING\r\n250-STARTTLS\r\n250 HELP\r\n", 0, DEF,
      "250 - 'mx.example.org Hello client.example.net [127.0.0.1]|SIZE 52428800|8BITMIME|PIPELINING|PIPE_CONNECT|AUTH PLAIN LOGIN|CHUNKING|STARTTLS|HELP'" },
    { "Exim unrouteable", "550 Unrouteable address\r\n", 0, DEF, "550 - 'Unrouteable address'" },
    { "Exim relay", "550 relay not permitted\r\n", 0, DEF, "550 - 'relay not permitted'" },
    { "Exim auth", "535 Incorrect authentication data\r\n", 0, DEF, "535 - 'Incorrect authentication data'" },
    { "Exim 214 help", "214-Commands supported:\r\n214 AUTH STARTTLS HELO EHLO MAIL RCPT DATA BDAT NOOP QUIT RSET HELP\r\n", 0, DEF,
      "214 - 'Commands supported:|AUTH STARTTLS HELO EHLO MAIL RCPT DATA BDAT NOOP QUIT RSET HELP'" },
    { "Exim 421 timeout", "421 mx.example.org: SMTP command timeout - closing connection\r\n", 0, DEF,
      "421 - 'mx.example.org: SMTP command timeout - closing connection'" },
    { "Microsoft 550 5.5.0", "550 5.5.0 Requested action not taken: mailbox unavailable (S2017062302). [DM6NAM12FT033.eop-nam12.prod.protection.outlook.com]\r\n", 0, DEF,
      "550 5.5.0 'Requested action not taken: mailbox unavailable (S2017062302). [DM6NAM12FT033.eop-nam12.prod.protection.outlook.com]'" },
    { "Microsoft 550 5.1.10", "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient nobody@example.com not found by SMTP address lookup\r\n", 0, DEF,
      "550 5.1.10 'RESOLVER.ADR.RecipientNotFound; Recipient nobody@example.com not found by SMTP address lookup'" },
    { "Microsoft EHLO AUTH LOGIN XOAUTH2 ", "250-SN4PR0501CA0054.outlook.office365.com Hello [203.0.113.7]\r\n250-SIZE 157286400\r\n"
      "250-PIPELINING\r\n250-DSN\r\n250-ENHANCEDSTATUSCODES\r\n250-AUTH LOGIN XOAUTH2\r\n250-8BITMIME\r\n250-BINARYMIME\r\n250-CHUNKING\r\n250 SMTPUTF8\r\n", 0, DEF,
      "250 - 'SN4PR0501CA0054.outlook.office365.com Hello [203.0.113.7]|SIZE 157286400|PIPELINING|DSN|ENHANCEDSTATUSCODES|AUTH LOGIN XOAUTH2|8BITMIME|BINARYMIME|CHUNKING|SMTPUTF8'" },
    { "Microsoft 334 GSSAPI supported (Postfix filter)", "334 GSSAPI supported\r\n", 0, DEF, "334 - 'GSSAPI supported'" },
    { "Microsoft 451 4.7.500", "451 4.7.500 Server busy. Please try again later from [203.0.113.7]. (S77714) [BN8NAM12FT001.eop-nam12.prod.protection.outlook.com]\r\n", 0, DEF,
      "451 4.7.500 'Server busy. Please try again later from [203.0.113.7]. (S77714) [BN8NAM12FT001.eop-nam12.prod.protection.outlook.com]'" },
    { "Microsoft 530 not authenticated", "530 5.7.57 Client not authenticated to send mail. [AM0PR01CA0001.eurprd01.prod.exchangelabs.com]\r\n", 0, DEF,
      "530 5.7.57 'Client not authenticated to send mail. [AM0PR01CA0001.eurprd01.prod.exchangelabs.com]'" },
    { "Yahoo TSS04", "421 4.7.0 [TSS04] Messages from 203.0.113.5 temporarily deferred due to unexpected volume or user complaints - 4.16.55.1; see https://postmaster.yahooinc.com/error-codes\r\n", 0, DEF,
      "421 4.7.0 '[TSS04] Messages from 203.0.113.5 temporarily deferred due to unexpected volume or user complaints - 4.16.55.1; see https://postmaster.yahooinc.com/error-codes'" },
    { "Yahoo policy", "554 5.7.9 Message not accepted for policy reasons.  See https://postmaster.yahooinc.com/error-codes\r\n", 0, DEF,
      "554 5.7.9 'Message not accepted for policy reasons.  See https://postmaster.yahooinc.com/error-codes'" },
    { "Yahoo no such user", "554 delivery error: dd This user doesn't have a yahoo.com account (nobody@yahoo.com) [0] - mta1234.mail.gq1.yahoo.com\r\n", 0, DEF,
      "554 - 'delivery error: dd This user doesn\\x27t have a yahoo.com account (nobody@yahoo.com) [0] - mta1234.mail.gq1.yahoo.com'" },
    { "iCloud unknown", "550 5.1.1 <nobody@icloud.com>: user does not exist\r\n", 0, DEF, "550 5.1.1 '<nobody@icloud.com>: user does not exist'" },
    { "iCloud blocked", "554 5.7.1 [CS01] Message rejected due to local policy. Please visit https://support.apple.com/HT204137\r\n", 0, DEF,
      "554 5.7.1 '[CS01] Message rejected due to local policy. Please visit https://support.apple.com/HT204137'" },
    { "qmail", "553 sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)\r\n", 0, DEF,
      "553 - 'sorry, that domain isn\\x27t in my list of allowed rcpthosts (#5.7.1)'" },
    { "Sendmail", "550 5.1.1 <nobody@example.org>... User unknown\r\n", 0, DEF, "550 5.1.1 '<nobody@example.org>... User unknown'" },
    { "OpenSMTPD", "550 Invalid recipient: <nobody@example.org>\r\n", 0, DEF, "550 - 'Invalid recipient: <nobody@example.org>'" },
    { "proxy greets with 421 (nodemailer #952)", "421 MFE proxy, SMTP server is not available\r\n", 0, DEF,
      "421 - 'MFE proxy, SMTP server is not available'" },
    { "521 host accepts no mail", "521 5.3.2 mail.example.com does not accept mail\r\n", 0, DEF, "521 5.3.2 'mail.example.com does not accept mail'" },
    { "qq.com QUIT answered with 0 (go-mail #464)", "0\r\n221 bye\r\n", 0, DEF, "!bad-code@1:0\n221 - 'bye'" },

    /* --- pipelining and LMTP ------------------------------------------------------- */
    { "pipelined MAIL RCPT DATA", "250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 End data with <CR><LF>.<CR><LF>\r\n", 0, DEF,
      "250 2.1.0 'Ok'\n250 2.1.5 'Ok'\n354 - 'End data with <CR><LF>.<CR><LF>'" },
    { "pipelined with a refusal", "250 2.1.0 Ok\r\n550 5.1.1 <x@example.com>: User unknown\r\n250 2.1.5 Ok\r\n554 5.5.1 Error: no valid recipients\r\n", 0, DEF,
      "250 2.1.0 'Ok'\n550 5.1.1 '<x@example.com>: User unknown'\n250 2.1.5 'Ok'\n554 5.5.1 'Error: no valid recipients'" },
    { "pipelined multiline then single", POSTFIX_EHLO "250 2.1.0 Ok\r\n", 0, DEF,
      "250 - 'mx.example.com|PIPELINING|SIZE 10240000|VRFY|ETRN|STARTTLS|ENHANCEDSTATUSCODES|8BITMIME|DSN|SMTPUTF8|CHUNKING'\n250 2.1.0 'Ok'" },
    { "LMTP one reply per recipient", "250 2.1.5 <a@example.org> OK\r\n250 2.1.5 <b@example.org> OK\r\n452 4.2.2 <c@example.org> Mailbox full\r\n", 0, DEF,
      "250 2.1.5 '<a@example.org> OK'\n250 2.1.5 '<b@example.org> OK'\n452 4.2.2 '<c@example.org> Mailbox full'" },
    { "greeting then unsolicited 421", "220 mx ready\r\n421 4.3.2 shutting down\r\n", 0, DEF, "220 - 'mx ready'\n421 4.3.2 'shutting down'" },
    { "full session", "220 mx.example.com ESMTP\r\n250-mx.example.com\r\n250 PIPELINING\r\n250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 go\r\n250 2.0.0 Ok: queued\r\n221 2.0.0 Bye\r\n", 0, DEF,
      "220 - 'mx.example.com ESMTP'\n250 - 'mx.example.com|PIPELINING'\n250 2.1.0 'Ok'\n250 2.1.5 'Ok'\n354 - 'go'\n250 2.0.0 'Ok: queued'\n221 2.0.0 'Bye'" },

    /* --- errors and recovery ----------------------------------------------------- */
    { "code mismatch", "250-a\r\n251 b\r\n", 0, DEF, "!code-mismatch@2:7\n251 - 'b'" },
    { "banner cut by 521 (vertx #81)", "220-someserver\r\n521 5.7.1 blocked\r\n", 0, DEF, "!code-mismatch@2:16\n521 5.7.1 'blocked'" },
    { "mismatch keeps continuing", "250-a\r\n251-b\r\n251 c\r\n", 0, DEF, "!code-mismatch@2:7\n251 - 'b|c'" },
    { "mismatch twice", "250-a\r\n251-b\r\n252 c\r\n", 0, DEF, "!code-mismatch@2:7\n!code-mismatch@3:14\n252 - 'c'" },
    { "garbage line", "hello\r\n250 ok\r\n", 0, DEF, "!bad-code@1:0\n250 - 'ok'" },
    { "garbage inside a reply", "250-a\r\nxyz\r\n250 b\r\n", 0, DEF, "!bad-code@2:7\n250 - 'a|b' +damaged" },
    { "garbage between replies", "250 a\r\nbad\r\n250 b\r\n", 0, DEF, "250 - 'a'\n!bad-code@2:7\n250 - 'b'" },
    { "empty line", "\r\n250 ok\r\n", 0, DEF, "!empty-line@1:0\n250 - 'ok'" },
    { "empty bare LF line", "\n250 ok\r\n", 0, DEF, "!empty-line@1:0\n250 - 'ok'" },
    { "empty line inside a reply (Internet.nl #560)", "250-a\r\n\r\n250 b\r\n", 0, DEF, "!empty-line@2:7\n250 - 'a|b' +damaged" },
    { "stray blank lines (nodemailer 68860b9)", "250 ok\r\n\r\n\r\n354 go\r\n", 0, DEF,
      "250 - 'ok'\n!empty-line@2:8\n!empty-line@3:10\n354 - 'go'" },
    { "lone CR line", "\rx\r\n250 ok\r\n", 0, DEF, "!bad-code@1:0\n250 - 'ok'" },
    { "short code", "25\r\n250 ok\r\n", 0, DEF, "!bad-code@1:0\n250 - 'ok'" },
    { "short code bare LF", "25\n250 ok\r\n", 0, DEF, "!bad-code@1:0\n250 - 'ok'" },
    { "one digit", "2\r\n250 ok\r\n", 0, DEF, "!bad-code@1:0\n250 - 'ok'" },
    { "four digits (curl 2500)", "2500 ok\r\n250 ok\r\n", 0, DEF, "!bad-separator@1:0\n250 - 'ok'" },
    { "no separator (250xok)", "250xok\r\n250 ok\r\n", 0, DEF, "!bad-separator@1:0\n250 - 'ok'" },
    { "tab separator", "250\tok\r\n250 ok\r\n", 0, DEF, "!bad-separator@1:0\n250 - 'ok'" },
    { "CR CR after code", "250\r\r\n250 ok\r\n", 0, DEF, "!bad-separator@1:0\n250 - 'ok'" },
    /* A line with a bad separator is skipped whatever its code: the reply in progress
     * stays open, as for a line with the reply's own code. A code mismatch is only
     * decided for a line that is valid otherwise. */
    { "bad separator, same code, inside a reply", "250-a\r\n250x\r\n250 b\r\n", 0, DEF,
      "!bad-separator@2:7\n250 - 'a|b' +damaged" },
    { "bad separator, other code, inside a reply", "250-a\r\n251x\r\n250 b\r\n", 0, DEF,
      "!bad-separator@2:7\n250 - 'a|b' +damaged" },
    { "bad separator, second digit 6, inside a reply", "250-a\r\n261x\r\n250 b\r\n", 0, DEF,
      "!bad-separator@2:7\n250 - 'a|b' +damaged" },
    { "bad separator CR, other code, inside a reply", "250-a\r\n251\rx\r\n250 b\r\n", 0, DEF,
      "!bad-separator@2:7\n250 - 'a|b' +damaged" },
    { "code-only line with another code", "250-a\r\n251\r\n", 0, DEF, "!code-mismatch@2:7\n251 - '' +code_only" },
    { "code-only bare LF line with another code", "250-a\r\n251\n", 0, DEF,
      "!code-mismatch@2:7\n251 - '' +bare_lf +code_only" },
    /* One error per line end: the mismatch, with the bare LF flagged. */
    { "strict: code-only bare LF line with another code", "250-a\r\n251\n", 0, STRICT(SA),
      "!code-mismatch@2:7\n251 - '' +bare_lf +code_only" },
    { "bad separator on the line over the line limit", "250-a\r\n250-b\r\n250x\r\n250 c\r\n", 0, MAXLINES(2),
      "!bad-separator@3:14\n!too-many-lines@4:20\n250 - 'a|b' +truncated +damaged lines=3/2" },
    /* The line after a mismatch, and the line over the line limit, count every
     * octet toward the line length limit. */
    { "mismatching line at the length limit", "250-a\r\n251 0123456789abcdef\r\n", 0, MAXLINE(22),
      "!code-mismatch@2:7\n251 - '0123456789abcdef'" },
    { "mismatching line one over the length limit", "250-a\r\n251 0123456789abcdef\r\n", 0, MAXLINE(21),
      "!code-mismatch@2:7\n!line-too-long@2:7\n251 - '0123456789abcdef' +damaged" },
    { "line over the line limit, one over the length limit", "250-a\r\n250-b\r\n250 0123456789abcdef\r\n", 0,
      { 0, 0, 21, 2, 0, 0, 0 },
      "!too-many-lines@3:14\n!line-too-long@3:14\n250 - 'a|b' +truncated +damaged lines=3/2" },
    /* One-line replies of 65 to 128 bytes, whole in the buffer with more after them:
     * the fast path's second window. */
    { "long one-line replies (Gmail accept, quit)",
      "250 2.0.0 OK  1732800000 a640c23a62f3a-a9a1b2c3d4e5f.123 - gsmtp for <someone@example.org>\r\n"
      "221 2.0.0 closing connection a640c23a62f3a-a9a1b2c3d4e5f.123 - gsmtp, see you later\r\n"
      "250 ok\r\n", 0, DEF,
      "250 2.0.0 'OK  1732800000 a640c23a62f3a-a9a1b2c3d4e5f.123 - gsmtp for <someone@example.org>'\n"
      "221 2.0.0 'closing connection a640c23a62f3a-a9a1b2c3d4e5f.123 - gsmtp, see you later'\n"
      "250 - 'ok'" },
    /* A skipped would-be first line leaves nothing behind: its second digit 6 does not
     * flag the next reply. */
    { "skipped line's flag stays with it", "261X\r\n250 ok\r\n", 0, DEF, "!bad-separator@1:0\n250 - 'ok'" },
    { "leading space (smtplib reads 25)", " 25 hi\r\n250 ok\r\n", 0, DEF, "!bad-code@1:0\n250 - 'ok'" },
    { "underscore (smtplib reads 25)", "2_5 hi\r\n250 ok\r\n", 0, DEF, "!bad-code@1:0\n250 - 'ok'" },
    { "sign (Jakarta reads +25)", "+25 hi\r\n250 ok\r\n", 0, DEF, "!bad-code@1:0\n250 - 'ok'" },
    { "first digit 1", "150 x\r\n250 ok\r\n", 0, DEF, "!bad-first-digit@1:0\n250 - 'ok'" },
    { "first digit 6", "650 x\r\n250 ok\r\n", 0, DEF, "!bad-first-digit@1:0\n250 - 'ok'" },
    { "code 000", "000 x\r\n", 0, DEF, "!bad-first-digit@1:0" },
    { "code 999", "999 x\r\n", 0, DEF, "!bad-first-digit@1:0" },
    { "second digit 7", "270 x\r\n", 0, DEF, "270 - 'x' +second_digit" },
    { "strict second digit", "270 x\r\n250 ok\r\n", 0, STRICT(SA), "!bad-second-digit@1:0\n250 - 'ok'" },
    { "line without code in EHLO (smtp4dev #5)", "250-mx\r\nSIZE\r\n250 OK\r\n", 0, DEF, "!bad-code@2:8\n250 - 'mx|OK' +damaged" },
    { "RFC 959 style continuation (Go textproto)", "214-Commands:\r\n  HELO EHLO\r\n214 End\r\n", 0, DEF,
      "!bad-code@2:15\n214 - 'Commands:|End' +damaged" },
    { "garbage at end of stream", "250 ok\r\nxx", 0, DEF, "250 - 'ok'\n!bad-code@2:8" },
    { "garbage inside unfinished reply", "250-a\r\nxx", 0, DEF, "!bad-code@2:7\n!incomplete@1:0" },
    { "unfinished reply", "250 O", 0, DEF, "!incomplete@1:0" },
    { "unfinished multiline", "250-a\r\n250", 0, DEF, "!incomplete@1:0" },
    { "three-byte EHLO response (curl PR #4287)", "250", 0, DEF, "!incomplete@1:0" },
    { "unfinished after a reply", "221 bye\r\n250", 0, DEF, "221 - 'bye'\n!incomplete@2:9" },
    /* incomplete names the unfinished line, not a skipped one before it. */
    { "unfinished after a skipped line", "xyz\r\n25", 0, DEF, "!bad-code@1:0\n!incomplete@2:5" },
    { "unfinished after two skipped lines", "xyz\r\n\r\n250 a", 0, DEF,
      "!bad-code@1:0\n!empty-line@2:5\n!incomplete@3:7" },
    { "unfinished after a reply and a skipped line", "250 a\r\nxyz\r\n25", 0, DEF,
      "250 - 'a'\n!bad-code@2:7\n!incomplete@3:12" },
    { "CR at end of stream", "250 ok\r", 0, DEF, "!incomplete@1:0" },
    { "error then mismatch", "250-a\r\nx\r\n251 b\r\n", 0, DEF, "!bad-code@2:7\n!code-mismatch@3:10\n251 - 'b'" },
    { "errors keep line numbers", "a\r\nb\r\nc\r\n250 x\r\n", 0, DEF, "!bad-code@1:0\n!bad-code@2:3\n!bad-code@3:6\n250 - 'x'" },
    { "binary garbage", "\x01\x02\x03\r\n250 ok\r\n", 0, DEF, "!bad-code@1:0\n250 - 'ok'" },
    { "high bytes as code", "\xff\xfe\r\n250 ok\r\n", 0, DEF, "!bad-code@1:0\n250 - 'ok'" },

    /* --- NUL, 8-bit and UTF-8  ------------------------------------------------- */
    { "NUL kept and flagged", "500 a\0b\r\n", 9, DEF, "500 - 'a\\x00b' +nul" },
    { "NUL echo in 500", "500 5.5.2 Error: bad syntax \0\r\n", 31, DEF, "500 5.5.2 'Error: bad syntax \\x00' +nul" },
    { "strict NUL", "500 a\0b\r\n", 9, STRICT(SA), "!nul-byte@1:0\n500 - 'a' +nul +damaged" },
    { "NUL as code", "\0\0\0 x\r\n250 ok\r\n", 15, DEF, "!bad-code@1:0\n250 - 'ok'" },
    { "UTF-8 text", "550 \xc4\x90\xe1\xbb\x8b" "a ch\xe1\xbb\x89 kh\xc3\xb4ng t\xe1\xbb\x93n t\xe1\xba\xa1i\r\n", 0, DEF,
      "550 - '\\xc4\\x90\\xe1\\xbb\\x8ba ch\\xe1\\xbb\\x89 kh\\xc3\\xb4ng t\\xe1\\xbb\\x93n t\\xe1\\xba\\xa1i' +8bit +utf8" },
    { "UTF-8 four bytes", "250 \xf0\x9f\x93\xa7\r\n", 0, DEF, "250 - '\\xf0\\x9f\\x93\\xa7' +8bit +utf8" },
    { "GBK text (aiosmtplib #41)", "535 \xc8\xcf\xd6\xa4\xca\xa7\xb0\xdc\r\n", 0, DEF,
      "535 - '\\xc8\\xcf\\xd6\\xa4\\xca\\xa7\\xb0\\xdc' +8bit +other" },
    { "Latin-1 text", "550 Empf\xe4nger unbekannt\r\n", 0, DEF, "550 - 'Empf\\xe4nger unbekannt' +8bit +other" },
    { "overlong slash", "250 \xc0\xaf\r\n", 0, DEF, "250 - '\\xc0\\xaf' +8bit +other" },
    { "overlong three bytes", "250 \xe0\x80\xaf\r\n", 0, DEF, "250 - '\\xe0\\x80\\xaf' +8bit +other" },
    { "surrogate", "250 \xed\xa0\x80\r\n", 0, DEF, "250 - '\\xed\\xa0\\x80' +8bit +other" },
    { "above U+10FFFF", "250 \xf4\x90\x80\x80\r\n", 0, DEF, "250 - '\\xf4\\x90\\x80\\x80' +8bit +other" },
    { "truncated sequence at line end", "250 \xe2\x82\r\n", 0, DEF, "250 - '\\xe2\\x82' +8bit +other" },
    { "sequence broken across lines", "250-\xe2\r\n250 \x82\xac\r\n", 0, DEF, "250 - '\\xe2|\\x82\\xac' +8bit +other" },
    { "stray continuation", "250 \x80\r\n", 0, DEF, "250 - '\\x80' +8bit +other" },
    { "F5 never valid", "250 \xf5\x80\x80\x80\r\n", 0, DEF, "250 - '\\xf5\\x80\\x80\\x80' +8bit +other" },
    { "UTF-8 in one reply, ASCII in the next", "550 \xc3\xa9\r\n250 ok\r\n", 0, DEF, "550 - '\\xc3\\xa9' +8bit +utf8\n250 - 'ok'" },
    { "strict 8-bit", "250 \xc3\xa9\r\n250 ok\r\n", 0, STRICT(SA), "!8bit-byte@1:0\n250 - '' +8bit +damaged\n250 - 'ok'" },
    { "strict with SMTPUTF8, valid", "250 \xc3\xa9\r\n", 0, UTF8STRICT, "250 - '\\xc3\\xa9' +8bit +utf8" },
    { "strict with SMTPUTF8, broken", "250 a\xc3(\r\n", 0, UTF8STRICT, "!8bit-byte@1:0\n250 - 'a\\xc3' +8bit +damaged +other" },
    { "strict with SMTPUTF8, invalid lead", "250 a\xff\r\n", 0, UTF8STRICT, "!8bit-byte@1:0\n250 - 'a' +8bit +damaged" },
    { "strict with SMTPUTF8, cut at line end", "250 a\xc3\r\n", 0, UTF8STRICT, "!8bit-byte@1:0\n250 - 'a\\xc3' +8bit +damaged +other" },

    /* --- limits and the caller's buffer ------------------------------------------------ */
    { "line too long", "250 0123456789abcdef\r\n250 ok\r\n", 0, MAXLINE(16),
      "!line-too-long@1:0\n250 - '0123456789ab' +damaged\n250 - 'ok'" },
    { "line exactly at the limit", "250 0123456789abcdef\r\n", 0, MAXLINE(22), "250 - '0123456789abcdef'" },
    { "limit hit by the LF", "250 0123456789abcdef\r\n", 0, MAXLINE(21), "!line-too-long@1:0\n250 - '0123456789abcdef' +damaged" },
    { "limit hit by the CR", "250 0123456789abcdef\r\n", 0, MAXLINE(20), "!line-too-long@1:0\n250 - '0123456789abcdef' +damaged" },
    { "limit on a continuation line", "250-ok\r\n250-0123456789abcdef\r\n250 end\r\n", 0, MAXLINE(12),
      "!line-too-long@2:8\n250 - 'ok|01234567|end' +damaged" },
    { "limit inside an enhanced code", "550 5.1.1 x\r\n", 0, MAXLINE(6), "!line-too-long@1:0\n550 - '' +damaged" },
    { "too many lines", "250-a\r\n250-b\r\n250 c\r\n", 0, MAXLINES(2), "!too-many-lines@3:14\n250 - 'a|b' +truncated +damaged lines=3/2" },
    { "too many lines, next reply fine", "250-a\r\n250-b\r\n250-c\r\n250 d\r\n221 bye\r\n", 0, MAXLINES(2),
      "!too-many-lines@3:14\n250 - 'a|b' +truncated +damaged lines=4/2\n221 - 'bye'" },
    { "exactly the line limit", "250-a\r\n250 b\r\n", 0, MAXLINES(2), "250 - 'a|b'" },
    { "text truncated", "250 hello\r\n", 0, CAP(4), "250 - 'hel' +truncated" },
    { "text exactly fits", "250 hello\r\n", 0, CAP(6), "250 - 'hello'" },
    { "capacity one byte", "250 hello\r\n", 0, CAP(1), "250 - '' +truncated" },
    { "capacity zero", "250 hello\r\n", 0, NOTEXT, "250 - '' +truncated lines=1/0" },
    { "capacity zero, empty text", "250\r\n", 0, NOTEXT, "250 - '' +code_only lines=1/0" },
    { "truncation keeps code and enhanced", "550-5.1.1 long text here\r\n550 5.1.1 more\r\n250 2.0.0 ok\r\n", 0, CAP(8),
      "550 5.1.1 'long te' +truncated lines=2/1\n250 2.0.0 'ok'" },
    { "truncated at the line separator", "250-ab\r\n250 cd\r\n", 0, CAP(4), "250 - 'ab|' +truncated" },
    { "truncated reply then a fitting one", "250 0123456789\r\n221 bye\r\n", 0, CAP(5), "250 - '0123' +truncated\n221 - 'bye'" },
    /* A cut inside a character takes the character's stored bytes out, when the
     * byte left out continues it; encoding describes the stored text. */
    { "truncated inside a character", "250 a\xe2\x82\xac\r\n", 0, CAP(3), "250 - 'a' +8bit +truncated" },
    { "truncated after a broken character", "250 a\xe2\x82X\r\n", 0, CAP(4),
      "250 - 'a\\xe2\\x82' +8bit +truncated +other" },
    { "truncated before invalid bytes", "250 ab\xff\r\n", 0, CAP(3), "250 - 'ab' +8bit +truncated" },
    { "line limit inside a character", "250-a\xe2\x82\xac\r\n250 b\r\n", 0, MAXLINE(7),
      "!line-too-long@1:0\n250 - 'a|b' +8bit +damaged" },
    { "line limit after a broken character", "250-a\xe2\x82X\r\n250 b\r\n", 0, MAXLINE(7),
      "!line-too-long@1:0\n250 - 'a\\xe2\\x82|b' +8bit +damaged +other" },
};

static const size_t parser_case_count = sizeof parser_cases / sizeof parser_cases[0];

#endif
