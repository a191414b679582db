/* SPDX-License-Identifier: MIT */
/*
 * EHLO capabilities. Every case is raw server bytes fed through the real
 * parser (whole, and one byte at a time), then read by smtpreply_ehlo_parse()
 * and smtpreply_ehlo_next().
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "smtpreply.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define EXT(x) ((uint32_t)SMTPREPLY_EXT_##x)
#define MECH(x) ((uint32_t)SMTPREPLY_AUTH_##x)

struct ehlo_case {
    const char *name;
    const char *wire;          /* what the server sent, line ends included */
    int want;                  /* smtpreply_ehlo_parse()'s return */
    const char *server;        /* server_name */
    const char *greeting;
    uint32_t ext;
    uint32_t auth;
    uint64_t size;
    uint32_t rcptmax, mailmax, rcptdomainmax;
    uint64_t deliverby;
    uint32_t count;            /* keyword_count */
    const char *iter;          /* "kw params|kw|..." from smtpreply_ehlo_next(), NULL: not checked */
};

/* Three lines after the one a case is about, so that it is read in place. */
#define IN_PLACE_TAIL "250-PIPELINING\r\n250-8BITMIME\r\n250 ENHANCEDSTATUSCODES\r\n"
#define IN_PLACE_EXT (EXT(PIPELINING) | EXT(8BITMIME) | EXT(ENHANCEDSTATUSCODES))

static const struct ehlo_case cases[] = {
    { .name = "postfix",
      .wire = "250-mail.example.com\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250-VRFY\r\n"
              "250-ETRN\r\n250-STARTTLS\r\n250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n"
              "250-DSN\r\n250-SMTPUTF8\r\n250 CHUNKING\r\n",
      .server = "mail.example.com", .greeting = "",
      .ext = EXT(PIPELINING) | EXT(SIZE) | EXT(VRFY) | EXT(ETRN) | EXT(STARTTLS)
             | EXT(ENHANCEDSTATUSCODES) | EXT(8BITMIME) | EXT(DSN) | EXT(SMTPUTF8) | EXT(CHUNKING),
      .size = 10240000, .count = 10,
      .iter = "PIPELINING|SIZE 10240000|VRFY|ETRN|STARTTLS|ENHANCEDSTATUSCODES|8BITMIME|DSN"
              "|SMTPUTF8|CHUNKING" },
    { .name = "postfix-auth-both-forms",
      .wire = "250-smtp.example.org\r\n250-PIPELINING\r\n250-SIZE 52428800\r\n"
              "250-AUTH PLAIN LOGIN\r\n250-AUTH=PLAIN LOGIN\r\n250 8BITMIME\r\n",
      .server = "smtp.example.org", .greeting = "",
      .ext = EXT(PIPELINING) | EXT(SIZE) | EXT(AUTH) | EXT(AUTH_LEGACY) | EXT(8BITMIME),
      .auth = MECH(PLAIN) | MECH(LOGIN), .size = 52428800, .count = 5,
      .iter = "PIPELINING|SIZE 52428800|AUTH PLAIN LOGIN|AUTH PLAIN LOGIN|8BITMIME" },
    { .name = "exim",
      .wire = "250-mx.example.test Hello localhost [127.0.0.1]\r\n250-SIZE 52428800\r\n"
              "250-8BITMIME\r\n250-PIPELINING\r\n250-PIPE_CONNECT\r\n250-AUTH PLAIN LOGIN\r\n"
              "250-CHUNKING\r\n250-STARTTLS\r\n250 HELP\r\n",
      .server = "mx.example.test", .greeting = "Hello localhost [127.0.0.1]",
      .ext = EXT(SIZE) | EXT(8BITMIME) | EXT(PIPELINING) | EXT(AUTH) | EXT(CHUNKING)
             | EXT(STARTTLS) | EXT(HELP),
      .auth = MECH(PLAIN) | MECH(LOGIN), .size = 52428800, .count = 8,
      .iter = "SIZE 52428800|8BITMIME|PIPELINING|PIPE_CONNECT|AUTH PLAIN LOGIN|CHUNKING"
              "|STARTTLS|HELP" },
    { .name = "gmail",
      .wire = "250-mx.google.com at your service, [198.51.100.7]\r\n250-SIZE 157286400\r\n"
              "250-8BITMIME\r\n250-STARTTLS\r\n250-ENHANCEDSTATUSCODES\r\n250-PIPELINING\r\n"
              "250-CHUNKING\r\n250 SMTPUTF8\r\n",
      .server = "mx.google.com", .greeting = "at your service, [198.51.100.7]",
      .ext = EXT(SIZE) | EXT(8BITMIME) | EXT(STARTTLS) | EXT(ENHANCEDSTATUSCODES)
             | EXT(PIPELINING) | EXT(CHUNKING) | EXT(SMTPUTF8),
      .size = 157286400, .count = 7,
      .iter = "SIZE 157286400|8BITMIME|STARTTLS|ENHANCEDSTATUSCODES|PIPELINING|CHUNKING"
              "|SMTPUTF8" },
    { .name = "microsoft-365",
      .wire = "250-BN8PR12CA0001.outlook.office365.com Hello [203.0.113.5]\r\n"
              "250-SIZE 157286400\r\n250-PIPELINING\r\n250-DSN\r\n250-ENHANCEDSTATUSCODES\r\n"
              "250-AUTH LOGIN XOAUTH2\r\n250-8BITMIME\r\n250-BINARYMIME\r\n250-CHUNKING\r\n"
              "250 SMTPUTF8\r\n",
      .server = "BN8PR12CA0001.outlook.office365.com", .greeting = "Hello [203.0.113.5]",
      .ext = EXT(SIZE) | EXT(PIPELINING) | EXT(DSN) | EXT(ENHANCEDSTATUSCODES) | EXT(AUTH)
             | EXT(8BITMIME) | EXT(BINARYMIME) | EXT(CHUNKING) | EXT(SMTPUTF8),
      .auth = MECH(LOGIN) | MECH(XOAUTH2), .size = 157286400, .count = 9 },
    { .name = "legacy-auth-only",
      .wire = "250-old.example.net\r\n250-AUTH=PLAIN LOGIN\r\n250 SIZE 1000000\r\n",
      .server = "old.example.net", .greeting = "",
      .ext = EXT(AUTH) | EXT(AUTH_LEGACY) | EXT(SIZE), .auth = MECH(PLAIN) | MECH(LOGIN),
      .size = 1000000, .count = 2, .iter = "AUTH PLAIN LOGIN|SIZE 1000000" },
    { .name = "legacy-auth-lowercase",
      .wire = "250-old.example.net\r\n250 auth=login\r\n",
      .server = "old.example.net", .greeting = "",
      .ext = EXT(AUTH) | EXT(AUTH_LEGACY), .auth = MECH(LOGIN), .count = 1,
      .iter = "auth login" },
    { .name = "lowercase-starttls",  /* golang/go #78749 */
      .wire = "250-evil.example\r\n250-starttls\r\n250 auth plain\r\n",
      .server = "evil.example", .greeting = "",
      .ext = EXT(STARTTLS) | EXT(AUTH), .auth = MECH(PLAIN), .count = 2,
      .iter = "starttls|auth plain" },
    { .name = "mixed-case-keywords",
      .wire = "250-h\r\n250-StartTls\r\n250-Pipelining\r\n250-size 2048\r\n250-8bitmime\r\n"
              "250-Enhancedstatuscodes\r\n250 smtputf8\r\n",
      .server = "h", .greeting = "",
      .ext = EXT(STARTTLS) | EXT(PIPELINING) | EXT(SIZE) | EXT(8BITMIME)
             | EXT(ENHANCEDSTATUSCODES) | EXT(SMTPUTF8),
      .size = 2048, .count = 6 },
    { .name = "limits-rcptmax-mailmax",
      .wire = "250-h.example\r\n250-LIMITS RCPTMAX=100 MAILMAX=1000\r\n250 PIPELINING\r\n",
      .server = "h.example", .greeting = "", .ext = EXT(LIMITS) | EXT(PIPELINING),
      .rcptmax = 100, .mailmax = 1000, .count = 2,
      .iter = "LIMITS RCPTMAX=100 MAILMAX=1000|PIPELINING" },
    { .name = "limits-all-lowercase",
      .wire = "250-h.example\r\n250 limits rcptdomainmax=10 rcptmax=50 mailmax=7\r\n",
      .server = "h.example", .greeting = "", .ext = EXT(LIMITS),
      .rcptmax = 50, .mailmax = 7, .rcptdomainmax = 10, .count = 1 },
    { .name = "limits-overflow-saturates",
      .wire = "250-h\r\n250 LIMITS RCPTMAX=99999999999999999999 MAILMAX=4294967296\r\n",
      .server = "h", .greeting = "", .ext = EXT(LIMITS),
      .rcptmax = UINT32_MAX, .mailmax = UINT32_MAX, .count = 1 },
    { .name = "limits-garbage",
      .wire = "250-h\r\n250 LIMITS FOO=1 RCPTMAX= MAILMAX=1x RCPTDOMAINMAX junk =5\r\n",
      .server = "h", .greeting = "", .ext = EXT(LIMITS), .count = 1 },
    { .name = "size-no-value",
      .wire = "250-h.example\r\n250 SIZE\r\n",
      .server = "h.example", .greeting = "", .ext = EXT(SIZE), .size = 0, .count = 1,
      .iter = "SIZE" },
    { .name = "size-zero",
      .wire = "250-h.example\r\n250 SIZE 0\r\n",
      .server = "h.example", .greeting = "", .ext = EXT(SIZE), .size = 0, .count = 1,
      .iter = "SIZE 0" },
    { .name = "size-overflow-saturates",
      .wire = "250-h.example\r\n250 SIZE 99999999999999999999999999\r\n",
      .server = "h.example", .greeting = "", .ext = EXT(SIZE), .size = UINT64_MAX,
      .count = 1 },
    { .name = "size-uint64-max-exact",
      .wire = "250-h.example\r\n250 SIZE 18446744073709551615\r\n",
      .server = "h.example", .greeting = "", .ext = EXT(SIZE), .size = UINT64_MAX,
      .count = 1 },
    { .name = "size-uint64-max-plus-one",
      .wire = "250-h.example\r\n250 SIZE 18446744073709551616\r\n",
      .server = "h.example", .greeting = "", .ext = EXT(SIZE), .size = UINT64_MAX,
      .count = 1 },
    { .name = "size-garbage-value",
      .wire = "250-h.example\r\n250 SIZE 12abc\r\n",
      .server = "h.example", .greeting = "", .ext = EXT(SIZE), .size = 0, .count = 1 },
    { .name = "size-first-wins",
      .wire = "250-h.example\r\n250-SIZE 1000\r\n250 SIZE 2000\r\n",
      .server = "h.example", .greeting = "", .ext = EXT(SIZE), .size = 1000, .count = 2 },
    { .name = "size-equals-separator",
      .wire = "250-h.example\r\n250 SIZE=4096\r\n",
      .server = "h.example", .greeting = "", .ext = EXT(SIZE), .size = 4096, .count = 1,
      .iter = "SIZE 4096" },
    /* A line long enough to be read in place, before the last 24 bytes of the text,
     * then IN_PLACE_TAIL. */
    { .name = "size-nine-digits-in-place",
      .wire = "250-h.example\r\n250-SIZE 123456789\r\n" IN_PLACE_TAIL,
      .server = "h.example", .greeting = "", .ext = EXT(SIZE) | IN_PLACE_EXT,
      .size = 123456789, .count = 4 },
    { .name = "size-nine-digits-then-word",
      .wire = "250-h.example\r\n250-SIZE 123456789 x\r\n" IN_PLACE_TAIL,
      .server = "h.example", .greeting = "", .ext = EXT(SIZE) | IN_PLACE_EXT,
      .size = 123456789, .count = 4 },
    { .name = "size-nine-digits-then-letter",
      .wire = "250-h.example\r\n250-SIZE 123456789x\r\n" IN_PLACE_TAIL,
      .server = "h.example", .greeting = "", .ext = EXT(SIZE) | IN_PLACE_EXT, .count = 4 },
    { .name = "size-eight-digits-then-letter",
      .wire = "250-h.example\r\n250-SIZE 12345678x\r\n" IN_PLACE_TAIL,
      .server = "h.example", .greeting = "", .ext = EXT(SIZE) | IN_PLACE_EXT, .count = 4 },
    { .name = "size-ten-digits-in-place",
      .wire = "250-h.example\r\n250-SIZE 1234567890\r\n" IN_PLACE_TAIL,
      .server = "h.example", .greeting = "", .ext = EXT(SIZE) | IN_PLACE_EXT,
      .size = 1234567890, .count = 4 },
    { .name = "auth-control-byte-inside-mechanism",
      .wire = "250-h.example\r\n250-AUTH PL\x1f" "AIN LOGIN\r\n" IN_PLACE_TAIL,
      .server = "h.example", .greeting = "", .ext = EXT(AUTH) | IN_PLACE_EXT,
      .auth = MECH(LOGIN) | MECH(OTHER), .count = 4 },
    { .name = "auth-mechanisms-in-place",
      .wire = "250-h.example\r\n250-AUTH GSSAPI NTLM CRAM-MD5 SCRAM-SHA-256 LOGIN\r\n"
              IN_PLACE_TAIL,
      .server = "h.example", .greeting = "", .ext = EXT(AUTH) | IN_PLACE_EXT,
      .auth = MECH(GSSAPI) | MECH(NTLM) | MECH(CRAM_MD5) | MECH(SCRAM_SHA_256) | MECH(LOGIN),
      .count = 4 },
    { .name = "auth-eight-byte-mechanism-at-end",
      .wire = "250-h\r\n250 AUTH CRAM-MD5\r\n",
      .server = "h", .greeting = "", .ext = EXT(AUTH), .auth = MECH(CRAM_MD5), .count = 1 },
    { .name = "deliverby-240",
      .wire = "250-h.example\r\n250-DELIVERBY 240\r\n250 DSN\r\n",
      .server = "h.example", .greeting = "", .ext = EXT(DELIVERBY) | EXT(DSN),
      .deliverby = 240, .count = 2, .iter = "DELIVERBY 240|DSN" },
    { .name = "deliverby-no-value",
      .wire = "250-h.example\r\n250 DELIVERBY\r\n",
      .server = "h.example", .greeting = "", .ext = EXT(DELIVERBY), .count = 1 },
    { .name = "unknown-keywords",
      .wire = "250-exch.example.com Hello [192.0.2.1]\r\n250-X-EXPS GSSAPI NTLM\r\n"
              "250-XCLIENT NAME ADDR PROTO\r\n250-TURN\r\n250-X-LINK2STATE\r\n250 XEXCH50\r\n",
      .server = "exch.example.com", .greeting = "Hello [192.0.2.1]", .ext = 0, .count = 5,
      .iter = "X-EXPS GSSAPI NTLM|XCLIENT NAME ADDR PROTO|TURN|X-LINK2STATE|XEXCH50" },
    { .name = "lookalike-keywords",
      .wire = "250-h\r\n250-STARTTLSX\r\n250-SIZES 10\r\n250-PIPELINING2\r\n"
              "250-AUTHX PLAIN\r\n250-8BIT\r\n250 AUTH-PLAIN\r\n",
      .server = "h", .greeting = "", .ext = 0, .count = 6 },
    { .name = "lone-cr-after-keywords",
      .wire = "250-h.example\r\r\n250-PIPELINING\r\r\n250-SIZE 100\r\r\n250 DSN\r\r\n",
      .server = "h.example", .greeting = "", .ext = EXT(PIPELINING) | EXT(SIZE) | EXT(DSN),
      .size = 100, .count = 3, .iter = "PIPELINING|SIZE 100|DSN" },
    { .name = "size-then-more-words",
      .wire = "250-h\r\n250-SIZE 157286400 extra\r\n250 SIZE\t35882577\r\n",
      .server = "h", .greeting = "", .ext = EXT(SIZE), .size = 157286400, .count = 2,
      .iter = "SIZE 157286400 extra|SIZE 35882577" },
    { .name = "size-zero-then-value",
      .wire = "250-h\r\n250-SIZE 0\r\n250-SIZE x\r\n250 SIZE 000035882577\r\n",
      .server = "h", .greeting = "", .ext = EXT(SIZE), .size = 35882577, .count = 3 },
    { .name = "size-nineteen-and-twenty-digits",
      .wire = "250-h\r\n250-SIZE 1234567890123456789\r\n250 SIZE 12345678901234567890\r\n",
      .server = "h", .greeting = "", .ext = EXT(SIZE), .size = 1234567890123456789u,
      .count = 2 },
    { .name = "keyword-prefix-at-end",
      .wire = "250-h\r\n250-ENHANCEDSTATUSCODE\r\n250 PIPELININ\r\n",
      .server = "h", .greeting = "", .ext = 0, .count = 2,
      .iter = "ENHANCEDSTATUSCODE|PIPELININ" },
    { .name = "keyword-then-tab-and-junk",
      .wire = "250-h\r\n250-CHUNKING\tjunk \r\n250-8BITMIME=x\r\n250 STARTTLS \r\n",
      .server = "h", .greeting = "", .ext = EXT(CHUNKING) | EXT(8BITMIME) | EXT(STARTTLS),
      .count = 3, .iter = "CHUNKING junk|8BITMIME x|STARTTLS" },
    { .name = "keyword-with-control-byte",
      .wire = "250-h\r\n250-\x18" "BITMIME\r\n250-DSN\x01\r\n250 \x01" "DSN\r\n",
      .server = "h", .greeting = "", .ext = 0, .count = 3 },
    { .name = "tab-separated-greeting",
      .wire = "250-mx.example\tHello there\t\r\n250 DSN\r\n",
      .server = "mx.example", .greeting = "Hello there", .ext = EXT(DSN), .count = 1 },
    { .name = "long-server-name-only",
      .wire = "250-MW26NAM10FT374.mail.protection.outlook.com\r\n250 DSN\r\n",
      .server = "MW26NAM10FT374.mail.protection.outlook.com", .greeting = "",
      .ext = EXT(DSN), .count = 1 },
    { .name = "auth-mechanisms-long-line",
      .wire = "250-h\r\n250-AUTH LOGIN PLAIN XOAUTH2 PLAIN-CLIENTTOKEN OAUTHBEARER XOAUTH\r\n"
              "250 AUTH=gssapi\tntlm\r\n",
      .server = "h", .greeting = "", .ext = EXT(AUTH) | EXT(AUTH_LEGACY),
      .auth = MECH(LOGIN) | MECH(PLAIN) | MECH(XOAUTH2) | MECH(OAUTHBEARER) | MECH(OTHER)
              | MECH(GSSAPI) | MECH(NTLM),
      .count = 2 },
    { .name = "single-line",
      .wire = "250 mx.example.com\r\n",
      .server = "mx.example.com", .greeting = "", .ext = 0, .count = 0, .iter = "" },
    { .name = "single-line-helo-greeting",
      .wire = "250 mail.example.com Hello client.example [192.0.2.9], pleased to meet you\r\n",
      .server = "mail.example.com",
      .greeting = "Hello client.example [192.0.2.9], pleased to meet you", .count = 0 },
    { .name = "code-only",
      .wire = "250\r\n",
      .server = "", .greeting = "", .count = 0, .iter = "" },
    { .name = "not-250-permanent",
      .wire = "550 5.7.1 Access denied\r\n",
      .want = SMTPREPLY_E_NOT_EHLO, .server = "", .greeting = "" },
    { .name = "not-250-ehlo-refused",
      .wire = "502 5.5.2 Error: command not recognized\r\n",
      .want = SMTPREPLY_E_NOT_EHLO, .server = "", .greeting = "" },
    { .name = "not-250-shutdown",
      .wire = "421-mx.example.com Service not available\r\n421 closing channel\r\n",
      .want = SMTPREPLY_E_NOT_EHLO, .server = "", .greeting = "" },
    { .name = "not-250-other-2xx",
      .wire = "220-mx.example.com ESMTP\r\n220 SIZE 1000\r\n",
      .want = SMTPREPLY_E_NOT_EHLO, .server = "", .greeting = "" },
    { .name = "blank-and-space-lines",
      .wire = "250-host\r\n250-\r\n250- \t \r\n250-PIPELINING  \r\n250 \tSIZE\t2048 \r\n",
      .server = "host", .greeting = "", .ext = EXT(PIPELINING) | EXT(SIZE), .size = 2048,
      .count = 2, .iter = "PIPELINING|SIZE 2048" },
    { .name = "leading-space-server-name",
      .wire = "250-  mx.example  hi there  \r\n250 DSN\r\n",
      .server = "mx.example", .greeting = "hi there", .ext = EXT(DSN), .count = 1 },
    { .name = "tabs-between-mechanisms",
      .wire = "250-h\r\n250 AUTH\tPLAIN\t CRAM-MD5\t\r\n",
      .server = "h", .greeting = "", .ext = EXT(AUTH),
      .auth = MECH(PLAIN) | MECH(CRAM_MD5), .count = 1, .iter = "AUTH PLAIN\t CRAM-MD5" },
    { .name = "auth-every-mechanism",
      .wire = "250-h\r\n250 AUTH PLAIN LOGIN CRAM-MD5 DIGEST-MD5 XOAUTH2 OAUTHBEARER GSSAPI NTLM"
              " SCRAM-SHA-1 SCRAM-SHA-256 EXTERNAL ANONYMOUS\r\n",
      .server = "h", .greeting = "", .ext = EXT(AUTH),
      .auth = MECH(PLAIN) | MECH(LOGIN) | MECH(CRAM_MD5) | MECH(DIGEST_MD5) | MECH(XOAUTH2)
              | MECH(OAUTHBEARER) | MECH(GSSAPI) | MECH(NTLM) | MECH(SCRAM_SHA_1)
              | MECH(SCRAM_SHA_256) | MECH(EXTERNAL) | MECH(ANONYMOUS),
      .count = 1 },
    { .name = "auth-unknown-and-lowercase-mechanisms",
      .wire = "250-h\r\n250 AUTH SCRAM-SHA-256-PLUS cram-md5 KERBEROS_V4\r\n",
      .server = "h", .greeting = "", .ext = EXT(AUTH),
      .auth = MECH(CRAM_MD5) | MECH(OTHER), .count = 1 },
    { .name = "auth-without-mechanisms",
      .wire = "250-h\r\n250 AUTH\r\n",
      .server = "h", .greeting = "", .ext = EXT(AUTH), .auth = 0, .count = 1, .iter = "AUTH" },
    { .name = "rarer-extensions",
      .wire = "250-h.example\r\n250-REQUIRETLS\r\n250-MT-PRIORITY MIXER\r\n"
              "250-FUTURERELEASE 604800 2030-01-01T00:00:00Z\r\n250-BINARYMIME\r\n"
              "250-ETRN\r\n250-VRFY\r\n250-HELP\r\n250 DSN\r\n",
      .server = "h.example", .greeting = "",
      .ext = EXT(REQUIRETLS) | EXT(MT_PRIORITY) | EXT(FUTURERELEASE) | EXT(BINARYMIME)
             | EXT(ETRN) | EXT(VRFY) | EXT(HELP) | EXT(DSN),
      .count = 8,
      .iter = "REQUIRETLS|MT-PRIORITY MIXER|FUTURERELEASE 604800 2030-01-01T00:00:00Z"
              "|BINARYMIME|ETRN|VRFY|HELP|DSN" },
    { .name = "bare-lf-line-ends",
      .wire = "250-host.example\n250-8BITMIME\n250 SIZE 512\n",
      .server = "host.example", .greeting = "", .ext = EXT(8BITMIME) | EXT(SIZE),
      .size = 512, .count = 2 },
    { .name = "enhanced-codes-on-every-line",
      .wire = "250-2.0.0 mx.example.com greets you\r\n250-2.0.0 PIPELINING\r\n"
              "250 2.0.0 SIZE 777\r\n",
      .server = "mx.example.com", .greeting = "greets you",
      .ext = EXT(PIPELINING) | EXT(SIZE), .size = 777, .count = 2,
      .iter = "PIPELINING|SIZE 777" },
    { .name = "utf8-greeting",
      .wire = "250-mx.example.vn Xin ch\xc3\xa0o\r\n250 SMTPUTF8\r\n",
      .server = "mx.example.vn", .greeting = "Xin ch\xc3\xa0o", .ext = EXT(SMTPUTF8),
      .count = 1 },
    { .name = "equals-with-no-keyword",
      .wire = "250-h\r\n250-=PLAIN\r\n250 AUTH =LOGIN\r\n",
      .server = "h", .greeting = "", .ext = EXT(AUTH), .auth = MECH(OTHER), .count = 2,
      .iter = "=PLAIN|AUTH =LOGIN" },
};

/* Feed @p wire @p step bytes at a time; exactly one reply must come out. */
static void parse_wire(const char *wire, size_t step, char *buf, size_t cap,
                       struct smtpreply_reply *out)
{
    struct smtpreply_parser p;
    struct smtpreply_reply r;
    size_t len = strlen(wire), off = 0, used, calls = 0;
    int replies = 0;

    ck_assert_int_eq(smtpreply_parser_init(&p, buf, cap), SMTPREPLY_OK);
    memset(out, 0, sizeof *out);
    while (off < len) {
        size_t n = len - off < step ? len - off : step;
        int rc = smtpreply_parser_feed(&p, wire + off, n, &used, &r);

        ck_assert_msg(rc >= 0, "parser error %d at offset %zu", rc, off);
        ck_assert_uint_le(used, n);
        off += used;
        if (rc == SMTPREPLY_REPLY) {
            *out = r;
            replies++;
        }
        ck_assert_uint_lt(++calls, 4 * len + 16);
    }
    ck_assert_int_eq(replies, 1);
    ck_assert_uint_eq(off, len);
}

static int inside(const struct smtpreply_reply *r, const char *s, size_t n)
{
    return s >= r->text && s + n <= r->text + r->text_len;
}

static void check_span(const char *what, const char *s, size_t n, const char *want)
{
    ck_assert_msg(n == strlen(want) && memcmp(s, want, n) == 0, "%s: got \"%.*s\" want \"%s\"",
                  what, (int)n, s, want);
}

/* ---- a reference for smtpreply_ehlo_parse(), built on smtpreply_ehlo_next() ----
 * The summary's numbers rebuilt from the iterator's lines by the rules the header
 * states, written apart from lib/ehlo.c, so the reader's fast paths are held to
 * what its line iterator yields. */

static int ref_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

/* A number filling s[0..n): 0 when empty or not all digits, saturated at max. */
static uint64_t ref_number(const char *s, size_t n, uint64_t max)
{
    uint64_t v = 0;
    size_t i;

    for (i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        v = v > (max - (uint64_t)(s[i] - '0')) / 10 ? max : v * 10 + (uint64_t)(s[i] - '0');
    }
    return v;
}

/* The next word of s[0..n) from *at (whitespace-separated); 0 when none. */
static size_t ref_word(const char *s, size_t n, size_t *at, const char **w)
{
    size_t i = *at;

    while (i < n && ref_space(s[i]))
        i++;
    *w = s + i;
    while (i < n && !ref_space(s[i]))
        i++;
    *at = i;
    return (size_t)(s + i - *w);
}

static int ref_same(const char *s, size_t n, const char *name)
{
    size_t i;

    for (i = 0; i < n; i++) {
        char c = s[i] >= 'a' && s[i] <= 'z' ? (char)(s[i] - 32) : s[i];
        if (name[i] == '\0' || c != name[i])
            return 0;
    }
    return name[n] == '\0';
}

static uint32_t ref_mechanisms(const char *s, size_t n)
{
    uint32_t bits = 0, bit;
    size_t at = 0, wn;
    const char *w;

    while ((wn = ref_word(s, n, &at, &w)) > 0) {
        for (bit = 1; bit < (1u << 12); bit <<= 1) {
            if (ref_same(w, wn, smtpreply_auth_mech_name(bit)))
                break;
        }
        bits |= bit < (1u << 12) ? bit : MECH(OTHER);
    }
    return bits;
}

static void ref_limits(const char *s, size_t n, struct smtpreply_ehlo *e)
{
    static const char *const names[] = { "RCPTMAX", "MAILMAX", "RCPTDOMAINMAX" };
    uint32_t *const slot[] = { &e->limits_rcptmax, &e->limits_mailmax,
                               &e->limits_rcptdomainmax };
    size_t at = 0, wn, eq, i;
    const char *w;

    while ((wn = ref_word(s, n, &at, &w)) > 0) {
        for (eq = 0; eq < wn && w[eq] != '='; eq++)
            ;
        for (i = 0; eq < wn && i < ARRAY_SIZE(names); i++) {
            if (ref_same(w, eq, names[i]) && *slot[i] == 0)
                *slot[i] = (uint32_t)ref_number(w + eq + 1, wn - eq - 1, UINT32_MAX);
        }
    }
}

static uint64_t ref_first_number(const char *s, size_t n)
{
    size_t at = 0, wn = ref_word(s, n, &at, &s);

    return ref_number(s, wn, UINT64_MAX);
}

static void ref_ehlo(const struct smtpreply_reply *r, struct smtpreply_ehlo *e)
{
    struct smtpreply_ehlo_keyword kw;
    size_t pos = 0;

    memset(e, 0, sizeof *e);
    while (smtpreply_ehlo_next(r, &pos, &kw)) {
        e->keyword_count++;
        e->extensions |= kw.extension;
        if (kw.extension == EXT(AUTH_LEGACY) || kw.extension == EXT(AUTH)) {
            e->extensions |= EXT(AUTH);
            e->auth |= ref_mechanisms(kw.params, kw.params_len);
        }
        if (kw.extension == EXT(SIZE) && e->size_max == 0)
            e->size_max = ref_first_number(kw.params, kw.params_len);
        if (kw.extension == EXT(DELIVERBY) && e->deliverby_min == 0)
            e->deliverby_min = ref_first_number(kw.params, kw.params_len);
        if (kw.extension == EXT(LIMITS))
            ref_limits(kw.params, kw.params_len, e);
    }
}

/* smtpreply_ehlo_parse(r) agrees with the reference, and reads the same from a
 * copy of the text that ends at an inaccessible page (no read past the text). */
static void check_against_reference(const char *name, const struct smtpreply_reply *r)
{
    struct smtpreply_ehlo e, g, want;
    struct smtpreply_reply moved = *r;
    void *map = NULL;
    size_t maplen = 0;

    ck_assert_int_eq(smtpreply_ehlo_parse(r, &e), SMTPREPLY_OK);
    ref_ehlo(r, &want);
    ck_assert_msg(e.extensions == want.extensions && e.auth == want.auth
                  && e.size_max == want.size_max && e.deliverby_min == want.deliverby_min
                  && e.limits_rcptmax == want.limits_rcptmax
                  && e.limits_mailmax == want.limits_mailmax
                  && e.limits_rcptdomainmax == want.limits_rcptdomainmax
                  && e.keyword_count == want.keyword_count,
                  "%s: ext %#x/%#x auth %#x/%#x size %llu/%llu count %u/%u", name,
                  (unsigned)e.extensions, (unsigned)want.extensions, (unsigned)e.auth,
                  (unsigned)want.auth, (unsigned long long)e.size_max,
                  (unsigned long long)want.size_max, (unsigned)e.keyword_count,
                  (unsigned)want.keyword_count);
    if (r->text == NULL)
        return;
    moved.text = test_guarded(r->text, r->text_len, &map, &maplen);
    ck_assert_int_eq(smtpreply_ehlo_parse(&moved, &g), SMTPREPLY_OK);
    ck_assert_msg(g.server_name - moved.text == e.server_name - r->text
                  && g.server_name_len == e.server_name_len
                  && g.greeting - moved.text == e.greeting - r->text
                  && g.greeting_len == e.greeting_len, "%s: first line moved", name);
    g.server_name = e.server_name;
    g.greeting = e.greeting;
    ck_assert_msg(memcmp(&g, &e, sizeof g) == 0, "%s: differs at the page end", name);
    ref_ehlo(&moved, &want);
    ck_assert_uint_eq(want.keyword_count, e.keyword_count);
    test_unguard(map, maplen);
}

/* Everything the case expects, for the reply parsed with a given chunk size. */
static void check_case(const struct ehlo_case *c, size_t step)
{
    static char buf[8192];
    char iter[2048];
    struct smtpreply_reply r;
    struct smtpreply_ehlo e;
    struct smtpreply_ehlo_keyword kw;
    uint32_t seen = 0, count = 0;
    size_t pos = 0, used = 0;
    int rc;

    parse_wire(c->wire, step, buf, sizeof buf, &r);
    rc = smtpreply_ehlo_parse(&r, &e);
    ck_assert_msg(rc == c->want, "%s: rc %d want %d", c->name, rc, c->want);
    if (rc != SMTPREPLY_OK) {
        ck_assert_ptr_null(e.server_name);
        ck_assert_uint_eq(e.extensions, 0);
        ck_assert_int_eq(smtpreply_ehlo_next(&r, &pos, &kw), 0);
        ck_assert_ptr_null(kw.keyword);
        return;
    }
    ck_assert_msg(inside(&r, e.server_name, e.server_name_len), "%s: name outside text", c->name);
    ck_assert_msg(inside(&r, e.greeting, e.greeting_len), "%s: greeting outside text", c->name);
    check_span(c->name, e.server_name, e.server_name_len, c->server);
    check_span(c->name, e.greeting, e.greeting_len, c->greeting);
    ck_assert_msg(e.extensions == c->ext, "%s: extensions %#x want %#x", c->name,
                  (unsigned)e.extensions, (unsigned)c->ext);
    ck_assert_msg(e.auth == c->auth, "%s: auth %#x want %#x", c->name, (unsigned)e.auth,
                  (unsigned)c->auth);
    ck_assert_msg(e.size_max == c->size, "%s: size %llu", c->name,
                  (unsigned long long)e.size_max);
    ck_assert_uint_eq(e.limits_rcptmax, c->rcptmax);
    ck_assert_uint_eq(e.limits_mailmax, c->mailmax);
    ck_assert_uint_eq(e.limits_rcptdomainmax, c->rcptdomainmax);
    ck_assert_uint_eq(e.deliverby_min, c->deliverby);
    ck_assert_msg(e.keyword_count == c->count, "%s: count %u want %u", c->name,
                  (unsigned)e.keyword_count, (unsigned)c->count);
    check_against_reference(c->name, &r);

    /* The iterator sees the same keywords the summary was built from. */
    iter[0] = '\0';
    while (smtpreply_ehlo_next(&r, &pos, &kw)) {
        int w;

        ck_assert_msg(inside(&r, kw.keyword, kw.keyword_len), "%s: keyword outside", c->name);
        ck_assert_msg(inside(&r, kw.params, kw.params_len), "%s: params outside", c->name);
        ck_assert_uint_gt(kw.keyword_len, 0);
        ck_assert_uint_eq(kw.pad_, 0);
        seen |= kw.extension;
        if (kw.extension == EXT(AUTH_LEGACY))
            seen |= EXT(AUTH);
        count++;
        w = snprintf(iter + used, sizeof iter - used, "%s%.*s%s%.*s", count > 1 ? "|" : "",
                     (int)kw.keyword_len, kw.keyword, kw.params_len ? " " : "",
                     (int)kw.params_len, kw.params);
        ck_assert(w > 0 && (size_t)w < sizeof iter - used);
        used += (size_t)w;
    }
    ck_assert_ptr_null(kw.keyword);
    ck_assert_int_eq(smtpreply_ehlo_next(&r, &pos, &kw), 0);   /* stays at the end */
    ck_assert_msg(seen == c->ext, "%s: iterated extensions %#x", c->name, (unsigned)seen);
    ck_assert_uint_eq(count, c->count);
    if (c->iter != NULL)
        ck_assert_msg(strcmp(iter, c->iter) == 0, "%s: iterated \"%s\" want \"%s\"", c->name,
                      iter, c->iter);
}

START_TEST(ehlo_table)
{
    check_case(&cases[_i], SIZE_MAX);
}
END_TEST

START_TEST(ehlo_table_bytewise)
{
    check_case(&cases[_i], 1);
}
END_TEST

START_TEST(ehlo_null_arguments)
{
    struct smtpreply_reply r;
    struct smtpreply_ehlo e;
    struct smtpreply_ehlo_keyword kw;
    size_t pos = 0;

    memset(&r, 0, sizeof r);
    r.code = 250;
    r.text = "";
    memset(&e, 0xA5, sizeof e);
    ck_assert_int_eq(smtpreply_ehlo_parse(NULL, &e), SMTPREPLY_E_INVALID_ARG);
    ck_assert_ptr_null(e.server_name);
    ck_assert_uint_eq(e.extensions, 0);
    ck_assert_int_eq(smtpreply_ehlo_parse(&r, NULL), SMTPREPLY_E_INVALID_ARG);
    memset(&kw, 0xA5, sizeof kw);
    ck_assert_int_eq(smtpreply_ehlo_next(NULL, &pos, &kw), 0);
    ck_assert_ptr_null(kw.keyword);
    ck_assert_int_eq(smtpreply_ehlo_next(&r, NULL, &kw), 0);
    ck_assert_int_eq(smtpreply_ehlo_next(&r, &pos, NULL), 0);
}
END_TEST

/* A cut last line ("SIZE 15" of "SIZE 157286400") must not be read as a limit. */
START_TEST(ehlo_truncated_last_line_ignored)
{
    static const char wire[] = "250-mx.example.com\r\n250-PIPELINING\r\n250 SIZE 157286400\r\n";
    char buf[64];
    size_t cap;

    /* Every capacity that stores "mx.example.com\nPIPELINING\nSIZE" and a few digits. */
    for (cap = 31; cap < 40; cap++) {
        struct smtpreply_reply r;
        struct smtpreply_ehlo e;

        parse_wire(wire, SIZE_MAX, buf, cap, &r);
        ck_assert_uint_ne(r.flags & SMTPREPLY_FLAG_TRUNCATED, 0);
        ck_assert_int_eq(smtpreply_ehlo_parse(&r, &e), SMTPREPLY_OK);
        ck_assert_msg(e.size_max == 0, "cap %zu: size %llu from a cut line", cap,
                      (unsigned long long)e.size_max);
        ck_assert_uint_eq(e.extensions & EXT(SIZE), 0);
        check_span("name", e.server_name, e.server_name_len, "mx.example.com");
    }
    /* With room for everything the same reply is read in full. */
    {
        struct smtpreply_reply r;
        struct smtpreply_ehlo e;

        parse_wire(wire, SIZE_MAX, buf, sizeof buf, &r);
        ck_assert_uint_eq(r.flags & SMTPREPLY_FLAG_TRUNCATED, 0);
        ck_assert_int_eq(smtpreply_ehlo_parse(&r, &e), SMTPREPLY_OK);
        ck_assert_uint_eq(e.size_max, 157286400u);
        ck_assert_uint_eq(e.extensions, EXT(PIPELINING) | EXT(SIZE));
    }
}
END_TEST

/* Hundreds of capability lines: every one counted, nothing overflows. */
START_TEST(ehlo_many_lines)
{
    static char wire[32768], buf[32768];
    struct smtpreply_reply r;
    struct smtpreply_ehlo e;
    size_t used = 0;
    int i;

    used += (size_t)snprintf(wire + used, sizeof wire - used, "250-big.example\r\n");
    for (i = 0; i < 500; i++)
        used += (size_t)snprintf(wire + used, sizeof wire - used, "250-X-KEYWORD-%d %d\r\n", i,
                                 i);
    snprintf(wire + used, sizeof wire - used, "250 starttls\r\n");
    parse_wire(wire, 4096, buf, sizeof buf, &r);
    ck_assert_int_eq(smtpreply_ehlo_parse(&r, &e), SMTPREPLY_OK);
    ck_assert_uint_eq(e.keyword_count, 501);
    ck_assert_uint_eq(e.extensions, EXT(STARTTLS));
}
END_TEST

/*
 * Property test over generated replies: keywords, numbers, junk bytes, odd
 * spacing, any case. Whatever the text, every pointer stays inside it, and the
 * summary agrees with what the iterator yields.
 */
START_TEST(ehlo_generated_replies)
{
    static const char *const words[] = {
        "SIZE", "size", "AUTH", "AUTH=", "auth=", "LIMITS", "RCPTMAX=", "MAILMAX=",
        "RCPTDOMAINMAX=", "DELIVERBY", "PIPELINING", "starttls", "8BITMIME", "PLAIN", "LOGIN",
        "XOAUTH2", "CRAM-MD5", "=", "==", " ", "  ", "\t", "99999999999999999999999", "0", "17",
        "4294967295", "4294967296", "18446744073709551616", "-1", "x", "\x01", "\xc3\xa9", "\x7f",
        "157286400", "\r", "ENHANCEDSTATUSCODES", "DSN", "XRDST", "GSSAPI", "ntlm", "CHUNKING",
        "SMTPUTF8", "DELIVERBY 240", "SIZE 35882577", "LIMITS RCPTMAX=5",
    };
    static char wire[4096], buf[4096];
    uint32_t seed = 12345;
    int round;

    for (round = 0; round < 3000; round++) {
        struct smtpreply_reply r;
        struct smtpreply_ehlo e;
        struct smtpreply_ehlo_keyword kw;
        size_t used = 0, pos = 0;
        uint32_t seen = 0, count = 0;
        int lines, l;

        seed = seed * 1103515245u + 12345u;
        lines = 1 + (int)((seed >> 16) % 8);
        for (l = 0; l < lines; l++) {
            int nwords, w;

            used += (size_t)snprintf(wire + used, sizeof wire - used, "250%c",
                                     l + 1 < lines ? '-' : ' ');
            seed = seed * 1103515245u + 12345u;
            nwords = (int)((seed >> 16) % 6);
            for (w = 0; w < nwords; w++) {
                seed = seed * 1103515245u + 12345u;
                used += (size_t)snprintf(wire + used, sizeof wire - used, "%s%s",
                                         w && (seed & 0x8000u) ? " " : "",
                                         words[(seed >> 17) % ARRAY_SIZE(words)]);
            }
            used += (size_t)snprintf(wire + used, sizeof wire - used, "\r\n");
        }
        parse_wire(wire, SIZE_MAX, buf, (seed & 1u) ? sizeof buf : 24, &r);
        ck_assert_int_eq(smtpreply_ehlo_parse(&r, &e), SMTPREPLY_OK);
        check_against_reference("generated", &r);
        ck_assert(inside(&r, e.server_name, e.server_name_len));
        ck_assert(inside(&r, e.greeting, e.greeting_len));
        while (smtpreply_ehlo_next(&r, &pos, &kw)) {
            ck_assert(inside(&r, kw.keyword, kw.keyword_len));
            ck_assert(inside(&r, kw.params, kw.params_len));
            ck_assert_uint_gt(kw.keyword_len, 0);
            seen |= kw.extension;
            if (kw.extension == EXT(AUTH_LEGACY))
                seen |= EXT(AUTH);
            count++;
        }
        ck_assert_msg(seen == e.extensions, "round %d: %#x vs %#x", round, (unsigned)seen,
                      (unsigned)e.extensions);
        ck_assert_uint_eq(count, e.keyword_count);
        if (!(e.extensions & EXT(AUTH)))
            ck_assert_uint_eq(e.auth, 0);
        if (!(e.extensions & EXT(SIZE)))
            ck_assert_uint_eq(e.size_max, 0);
        if (!(e.extensions & EXT(LIMITS)))
            ck_assert_uint_eq(e.limits_rcptmax | e.limits_mailmax | e.limits_rcptdomainmax, 0);
    }
}
END_TEST

struct bit_name {
    uint32_t bit;
    const char *name;
};

START_TEST(ehlo_extension_names)
{
    static const struct bit_name want[] = {
        { EXT(PIPELINING), "PIPELINING" }, { EXT(SIZE), "SIZE" }, { EXT(8BITMIME), "8BITMIME" },
        { EXT(BINARYMIME), "BINARYMIME" }, { EXT(CHUNKING), "CHUNKING" },
        { EXT(STARTTLS), "STARTTLS" }, { EXT(SMTPUTF8), "SMTPUTF8" }, { EXT(DSN), "DSN" },
        { EXT(ENHANCEDSTATUSCODES), "ENHANCEDSTATUSCODES" }, { EXT(ETRN), "ETRN" },
        { EXT(DELIVERBY), "DELIVERBY" }, { EXT(REQUIRETLS), "REQUIRETLS" },
        { EXT(MT_PRIORITY), "MT-PRIORITY" }, { EXT(FUTURERELEASE), "FUTURERELEASE" },
        { EXT(LIMITS), "LIMITS" }, { EXT(AUTH), "AUTH" }, { EXT(VRFY), "VRFY" },
        { EXT(HELP), "HELP" }, { EXT(AUTH_LEGACY), "AUTH=" },
        { 0, "unknown" }, { 1u << 19, "unknown" }, { 1u << 31, "unknown" },
        { EXT(SIZE) | EXT(DSN), "unknown" },
    };
    size_t i;

    for (i = 0; i < ARRAY_SIZE(want); i++)
        ck_assert_str_eq(smtpreply_extension_name(want[i].bit), want[i].name);
}
END_TEST

START_TEST(ehlo_mechanism_names)
{
    static const struct bit_name want[] = {
        { MECH(PLAIN), "PLAIN" }, { MECH(LOGIN), "LOGIN" }, { MECH(CRAM_MD5), "CRAM-MD5" },
        { MECH(DIGEST_MD5), "DIGEST-MD5" }, { MECH(XOAUTH2), "XOAUTH2" },
        { MECH(OAUTHBEARER), "OAUTHBEARER" }, { MECH(GSSAPI), "GSSAPI" }, { MECH(NTLM), "NTLM" },
        { MECH(SCRAM_SHA_1), "SCRAM-SHA-1" }, { MECH(SCRAM_SHA_256), "SCRAM-SHA-256" },
        { MECH(EXTERNAL), "EXTERNAL" }, { MECH(ANONYMOUS), "ANONYMOUS" },
        { MECH(OTHER), "OTHER" },
        { 0, "unknown" }, { 1u << 12, "unknown" }, { MECH(PLAIN) | MECH(LOGIN), "unknown" },
    };
    size_t i;

    for (i = 0; i < ARRAY_SIZE(want); i++)
        ck_assert_str_eq(smtpreply_auth_mech_name(want[i].bit), want[i].name);
}
END_TEST

static Suite *ehlo_suite(void)
{
    Suite *s = suite_create("ehlo");
    TCase *tc = tcase_create("ehlo");

    tcase_add_loop_test(tc, ehlo_table, 0, (int)ARRAY_SIZE(cases));
    tcase_add_loop_test(tc, ehlo_table_bytewise, 0, (int)ARRAY_SIZE(cases));
    tcase_add_test(tc, ehlo_null_arguments);
    tcase_add_test(tc, ehlo_truncated_last_line_ignored);
    tcase_add_test(tc, ehlo_many_lines);
    tcase_add_test(tc, ehlo_generated_replies);
    tcase_add_test(tc, ehlo_extension_names);
    tcase_add_test(tc, ehlo_mechanism_names);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(ehlo_suite());
    int failed;

    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
