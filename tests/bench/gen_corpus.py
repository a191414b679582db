#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Write a deterministic stream of SMTP server replies for tests/bench/bench.c.

The stream is what a client reads over many sessions (greeting, EHLO, STARTTLS,
AUTH, MAIL, RCPT, DATA, RSET, QUIT) with servers that answer like Postfix, Gmail
(MX and submission), Exchange Online, on-premises Exchange and Exim. Lines end in
CRLF; a multiline reply has "ddd-" on every line but the last, which has "ddd "
(RFC 5321 section 4.2.1). Most servers put an RFC 3463 enhanced code first.

  mixed       whole sessions: mostly one-line replies, one EHLO list or two
              each; about 67 bytes and 2.3 lines per reply
  ehlo-heavy  only long multiline replies: EHLO lists and Gmail's several-line
              refusals; about 240 bytes and 7.6 lines per reply

Writes OUT (the largest run of whole replies that fits in --size bytes) and
OUT.meta.json: bytes, replies, lines, codesum (the sum of every reply's code),
and per kind of reply its count, bytes and lines. Only random.Random(seed) is
used, seeded with a string, so the same arguments give the same bytes on every
Python 3.
"""

import argparse
import json
import random
import sys

# ---------------------------------------------------------------------------
# randomness


class Dice:
    """The only source of chance; every draw goes through random()."""

    def __init__(self, seed):
        self.random = random.Random(seed).random

    def below(self, n):
        return int(self.random() * n)

    def between(self, lo, hi):
        return lo + self.below(hi - lo + 1)

    def coin(self, p):
        return self.random() < p

    def choose(self, items):
        return items[self.below(len(items))]

    def weighted(self, table):
        """table: [(weight, value), ...]"""
        x = self.random() * sum(w for w, _ in table)
        for w, v in table:
            if x < w:
                return v
            x -= w
        return table[-1][1]

    def token(self, n, alphabet):
        return "".join(self.choose(alphabet) for _ in range(n))

    def count_up(self, p, cap):
        """1, then one more with probability p each time, up to cap."""
        n = 1
        while n < cap and self.coin(p):
            n += 1
        return n


HEX_UP = "0123456789ABCDEF"
HEX_LO = "0123456789abcdef"
LOWER = "abcdefghijklmnopqrstuvwxyz"
DIGITS_LOWER = "0123456789abcdefghijklmnopqrstuvwxyz"
POSTFIX_LONG_ID = "0123456789BCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz"
LOCALPARTS = ("john.smith a.nguyen billing no-reply support maria.garcia j info "
              "ops-alerts newsletter k.tanaka postmaster sales firstname.lastname hr dev+ci").split()
MAILDOMAINS = ("example.com example.net example.org mail.example.co.uk customer-domain.de "
               "corp.example shop.example.fr gmail.com outlook.com yahoo.com uni.example.edu").split()
WEEKDAYS = "Mon Tue Wed Thu Fri Sat Sun".split()
MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
EOP_SITES = ["BN8", "DM6", "CO1", "SN1", "MW2"]


class Session:
    """Values a client sees repeated during one session, and fresh ones on demand.

    Templates name fields in braces; format_map() asks this mapping for each one,
    so per-session fields stay fixed and generated ones are new at every use."""

    def __init__(self, dice):
        self.dice = dice
        d = dice
        self.fixed = {
            "ip": "%d.%d.%d.%d" % (d.choose([203, 198, 192]), d.choose([0, 51, 113]),
                                   d.choose([2, 100, 113]), d.between(1, 254)),
            "client": "client%d.%s" % (d.between(1, 99), d.choose(MAILDOMAINS)),
        }

    def __getitem__(self, key):
        if key in self.fixed:
            return self.fixed[key]
        return getattr(self, "make_" + key)()

    def fill(self, template):
        return template.format_map(self)

    # generated fields -------------------------------------------------------
    def make_addr(self):
        return self.dice.choose(LOCALPARTS) + "@" + self.dice.choose(MAILDOMAINS)

    def make_domain(self):
        return self.dice.choose(MAILDOMAINS)

    def make_date(self):
        d = self.dice
        return "%s, %d %s 2024 %02d:%02d:%02d +0000" % (
            d.choose(WEEKDAYS), d.between(1, 28), d.choose(MONTHS),
            d.between(0, 23), d.between(0, 59), d.between(0, 59))

    def make_gsmtp(self):
        """Gmail's trailing transaction tag, in either of its two shapes."""
        d = self.dice
        if d.coin(0.5):
            tag = "%s%dsi%d%s.%d" % (d.choose("abcdefghijkmnpqrstuvwxyz"), d.between(1, 9),
                                     d.between(1000000, 9999999), d.token(3, LOWER), d.between(1, 999))
        else:
            tag = "%s-%s.%d" % (d.token(13, HEX_LO), d.token(13, HEX_LO), d.between(1, 999))
        return tag + " - gsmtp"

    def make_eop(self):
        """Exchange Online's bracketed front-end host and timestamp."""
        d = self.dice
        return "[%s%dNAM%02dFT%03d.eop-nam%02d.prod.protection.outlook.com 2024-%02d-%02dT%02d:%02d:%02d.%03dZ %s]" % (
            d.choose(EOP_SITES), d.between(1, 9), d.between(1, 12), d.between(1, 999),
            d.between(1, 12), d.between(1, 12), d.between(1, 28), d.between(0, 23),
            d.between(0, 59), d.between(0, 59), d.between(0, 999), d.token(16, HEX_UP))


# ---------------------------------------------------------------------------
# what the servers say: a reply is (kind, code, [line texts without "ddd-"])

# Gmail's multi-line refusals, shared by the MX, submission and ehlo-heavy mixes.
GMAIL_LONG = {
    "nosuchuser": (550, [
        "5.1.1 The email account that you tried to reach does not exist. Please try",
        "5.1.1 double-checking the recipient's email address for typos or",
        "5.1.1 unnecessary spaces. For more information, go to",
        "5.1.1  https://support.google.com/mail/?p=NoSuchUser {gsmtp}"]),
    "overquota": (452, [
        "4.2.2 The recipient's inbox is out of storage space. Please direct the",
        "4.2.2 recipient to",
        "4.2.2  https://support.google.com/mail/?p=OverQuotaTemp {gsmtp}"]),
    "disabled": (550, [
        "5.2.1 The email account that you tried to reach is inactive.",
        "5.2.1 For more information, go to",
        "5.2.1  https://support.google.com/mail/?p=DisabledUser {gsmtp}"]),
    "unauthenticated": (550, [
        "5.7.26 This mail has been blocked because the sender is unauthenticated.",
        "5.7.26 Gmail requires all senders to authenticate with either SPF or DKIM.",
        "5.7.26",
        "5.7.26  Authentication results:",
        "5.7.26  DKIM = did not pass",
        "5.7.26  SPF [{domain}] with ip: [{ip}] = did not pass",
        "5.7.26",
        "5.7.26  For instructions on setting up authentication, go to",
        "5.7.26  https://support.google.com/mail/answer/81126#authentication {gsmtp}"]),
    "spam": (550, [
        "5.7.1 [{ip}      12] Our system has detected that this message is",
        "5.7.1 likely unsolicited mail. To reduce the amount of spam sent to Gmail,",
        "5.7.1 this message has been blocked. For more information, go to",
        "5.7.1  https://support.google.com/mail/?p=UnsolicitedMessageError",
        "5.7.1  {gsmtp}"]),
    "ratelimit": (421, [
        "4.7.0 [{ip}      15] Our system has detected an unusual rate of",
        "4.7.0 unsolicited mail originating from your IP address. To protect our",
        "4.7.0 users from spam, mail sent from your IP address has been temporarily",
        "4.7.0 rate limited. For more information, go to",
        "4.7.0  https://support.google.com/mail/?p=UnsolicitedRateLimitError to",
        "4.7.0 review our Bulk Email Senders Guidelines. {gsmtp}"]),
    "badcredentials": (535, [
        "5.7.8 Username and Password not accepted. For more information, go to",
        "5.7.8  https://support.google.com/mail/?p=BadCredentials {gsmtp}"]),
    "multidomain": (451, [
        "4.3.0 Multiple destination domains per transaction is unsupported. Please",
        "4.3.0 try again. {gsmtp}"]),
}

# A server is a table. Each entry of "say" maps a moment of the session to a list
# of (weight, code, lines); weights pick one when there are several. Lines are
# templates (see Session). "ehlo" lists (line, condition) pairs: a condition is
# None (always), "plain" / "tls" (before / after STARTTLS), "auth" (after
# STARTTLS on a submission port), or a probability.
SERVERS = {
    "postfix": {
        "weight": 32, "submission": 0.25,
        "setup": lambda d: {"host": d.choose(["mx.example.com", "mail.example.net", "mx1.example.org",
                                             "smtp.corp.example", "mx2.customer-domain.de",
                                             "mail.shop.example.fr"]),
                            "size": str(d.choose([10240000, 35882577, 52428800, 104857600])),
                            "qid_long": d.coin(0.4)},
        "ehlo": [("{host}", None), ("PIPELINING", None), ("SIZE {size}", None), ("VRFY", 0.6),
                 ("ETRN", 0.5), ("STARTTLS", "plain"), ("AUTH PLAIN LOGIN", "auth"),
                 ("AUTH=PLAIN LOGIN", ("auth", 0.5)), ("ENHANCEDSTATUSCODES", None),
                 ("8BITMIME", None), ("DSN", None), ("SMTPUTF8", 0.8), ("CHUNKING", None)],
        "ehlo_pad": ["VRFY", "ETRN"],
        "say": {
            "greeting": [(3, 220, ["{host} ESMTP Postfix"]), (1, 220, ["{host} ESMTP Postfix (Debian/GNU)"]),
                         (1, 220, ["{host} ESMTP Postfix (Ubuntu)"])],
            "reject": [(2, 554, ["5.7.1 Service unavailable; Client host [{ip}] blocked using zen.spamhaus.org; https://www.spamhaus.org/query/ip/{ip}"]),
                       (1, 421, ["4.7.0 {host} Error: too many connections from {ip}"])],
            "starttls": [(1, 220, ["2.0.0 Ready to start TLS"])],
            "auth_ok": [(1, 235, ["2.7.0 Authentication successful"])],
            "auth_fail": [(1, 535, ["5.7.8 Error: authentication failed: authentication failure"])],
            "mail": [(1, 250, ["2.1.0 Ok"])],
            "rcpt": [(1, 250, ["2.1.5 Ok"])],
            "rcpt_fail": [
                (5, 550, ["5.1.1 <{rcpt}>: Recipient address rejected: User unknown in virtual mailbox table"]),
                (2, 554, ["5.7.1 <{rcpt}>: Relay access denied"]),
                (3, 450, ["4.2.0 <{rcpt}>: Recipient address rejected: Greylisted, see https://postgrey.schweikert.ch/help/{rcpt_domain}.html"]),
                (1, 452, ["4.5.3 Error: too many recipients"]),
                (1, 451, ["4.3.0 <{rcpt}>: Temporary lookup failure"]),
                (1, 550, ["5.7.1 <{rcpt}>: Recipient address rejected: Access denied"])],
            "data": [(1, 354, ["End data with <CR><LF>.<CR><LF>"])],
            "queued": [(1, 250, ["2.0.0 Ok: queued as {qid}"])],
            "data_fail": [(2, 554, ["5.7.1 Rejected by content filter: message looks like spam"]),
                          (1, 552, ["5.3.4 Message size exceeds fixed limit"]),
                          (2, 451, ["4.3.0 Error: queue file write error"])],
            "rset": [(1, 250, ["2.0.0 Ok"])],
            "timeout": [(1, 421, ["4.4.2 {host} Error: timeout exceeded"])],
            "quit": [(1, 221, ["2.0.0 Bye"])],
        },
    },
    "gmail-mx": {
        "weight": 25, "submission": 0.0,
        "setup": lambda d: {},
        "ehlo": [("mx.google.com at your service, [{ip}]", None), ("SIZE 157286400", None),
                 ("8BITMIME", None), ("DSN", "tls"), ("STARTTLS", "plain"), ("ENHANCEDSTATUSCODES", None),
                 ("PIPELINING", None), ("CHUNKING", None), ("SMTPUTF8", None)],
        "say": {
            "greeting": [(1, 220, ["mx.google.com ESMTP {gsmtp}"])],
            "reject": [(1, "ratelimit")],
            "starttls": [(1, 220, ["2.0.0 Ready to start TLS"])],
            "mail": [(1, 250, ["2.1.0 OK {gsmtp}"])],
            "rcpt": [(1, 250, ["2.1.5 OK {gsmtp}"])],
            "rcpt_fail": [(6, "nosuchuser"), (2, "overquota"), (1, "disabled"), (1, "multidomain")],
            "data": [(1, 354, [" Go ahead {gsmtp}"])],
            "queued": [(1, 250, ["2.0.0 OK  {stamp} {gsmtp}"])],
            "data_fail": [(3, "unauthenticated"), (2, "spam"), (2, "ratelimit")],
            "rset": [(1, 250, ["2.1.5 Flushed {gsmtp}"])],
            "timeout": [(1, 421, ["4.4.2 Connection dropped due to timeout {gsmtp}"])],
            "quit": [(1, 221, ["2.0.0 closing connection {gsmtp}"])],
        },
    },
    "exchange-online": {
        "weight": 15, "submission": 0.0,
        "setup": lambda d: {"host": "%s%dNAM%02dFT%03d.mail.protection.outlook.com" % (
            d.choose(EOP_SITES), d.between(1, 9), d.between(1, 12), d.between(1, 999))},
        "ehlo": [("{host} Hello [{ip}]", None), ("SIZE 157286400", None), ("PIPELINING", None),
                 ("DSN", None), ("ENHANCEDSTATUSCODES", None), ("STARTTLS", "plain"), ("8BITMIME", None),
                 ("BINARYMIME", None), ("CHUNKING", None), ("XRDST", ("tls", 0.5)), ("SMTPUTF8", None)],
        "say": {
            "greeting": [(1, 220, ["{host} Microsoft ESMTP MAIL Service ready at {date}"])],
            "reject": [(1, 550, ["5.7.606 Access denied, banned sending IP [{ip}]. To request removal from this list please visit https://sender.office.com/ and follow the directions. For more information please go to  http://go.microsoft.com/fwlink/?LinkID=526655 AS(1430) {eop}"])],
            "starttls": [(1, 220, ["2.0.0 Ready to start TLS"])],
            "mail": [(1, 250, ["2.1.0 Sender OK"])],
            "rcpt": [(1, 250, ["2.1.5 Recipient OK"])],
            "rcpt_fail": [
                (5, 550, ["5.4.1 Recipient address rejected: Access denied. For more information see https://aka.ms/EXOSmtpErrors {eop}"]),
                (1, 452, ["4.3.1 Insufficient system resources {eop}"]),
                (2, 451, ["4.7.500 Server busy. Please try again later from [{ip}]. (S77719) {eop}"])],
            "data": [(1, 354, ["Start mail input; end with <CRLF>.<CRLF>"])],
            "queued": [(1, 250, ["2.6.0 <{msgid24}@{domain}> [InternalId={internal}, Hostname={prodhost}] {nbytes} bytes in {secs}, {rate} KB/sec Queued mail for delivery"])],
            "data_fail": [(1, 550, ["5.7.520 Message blocked because it contains content identified as spam. AS(4810) {eop}"])],
            "rset": [(1, 250, ["2.0.0 Resetting"])],
            "timeout": [(1, 421, ["4.4.1 Connection timed out. Total session duration: 00:10:00.1234567"])],
            "quit": [(1, 221, ["2.0.0 Service closing transmission channel"])],
        },
    },
    "exim": {
        "weight": 10, "submission": 0.25,
        "setup": lambda d: {"host": d.choose(["mx.example.org", "mail.uni.example.edu",
                                             "smtp.example.co.uk", "mx0.hosting.example"])},
        "ehlo": [("{host} Hello {client} [{ip}]", None), ("SIZE 52428800", None), ("8BITMIME", None),
                 ("PIPELINING", None), ("PIPE_CONNECT", 0.5), ("AUTH PLAIN LOGIN", "auth"),
                 ("CHUNKING", None), ("STARTTLS", "plain"), ("PRDR", None), ("SMTPUTF8", None),
                 ("HELP", None)],
        "say": {
            "greeting": [(1, 220, ["{host} ESMTP Exim 4.96 {date}"])],
            "reject": [(1, 554, ["{host} [{ip}] is blocked: listed at zen.spamhaus.org"])],
            "starttls": [(1, 220, ["TLS go ahead"])],
            "auth_ok": [(1, 235, ["Authentication succeeded"])],
            "auth_fail": [(1, 535, ["Incorrect authentication data"])],
            "mail": [(1, 250, ["OK"])],
            "rcpt": [(1, 250, ["Accepted"])],
            "rcpt_fail": [(3, 550, ["Unrouteable address"]),
                          (2, 550, ["Verification failed for <{rcpt}>", "Unrouteable address",
                                    "Sender verify failed"]),
                          (2, 451, ["Temporary local problem - please try later"])],
            "data": [(1, 354, ["Enter message, ending with \".\" on a line by itself"])],
            "queued": [(1, 250, ["OK id=1{eximid}"])],
            "data_fail": [(1, 550, ["Administrative prohibition"])],
            "rset": [(1, 250, ["Reset OK"])],
            "timeout": [(1, 421, ["{host}: SMTP command timeout - closing connection"])],
            "quit": [(1, 221, ["{host} closing connection"])],
        },
    },
}

# Gmail's submission port: the MX table with its own greeting, EHLO and AUTH.
SERVERS["gmail-submission"] = dict(SERVERS["gmail-mx"], weight=10, submission=1.0)
SERVERS["gmail-submission"]["say"] = dict(
    SERVERS["gmail-mx"]["say"],
    greeting=[(1, 220, ["smtp.gmail.com ESMTP {gsmtp}"])],
    auth_ok=[(1, 235, ["2.7.0 Accepted"])],
    auth_fail=[(1, "badcredentials")])
SERVERS["gmail-submission"]["ehlo"] = [
    ("smtp.gmail.com at your service, [{ip}]", None), ("SIZE 35882577", None), ("8BITMIME", None),
    ("AUTH LOGIN PLAIN XOAUTH2 PLAIN-CLIENTTOKEN OAUTHBEARER XOAUTH", "tls"), ("STARTTLS", "plain"),
    ("ENHANCEDSTATUSCODES", None), ("PIPELINING", None), ("CHUNKING", None), ("SMTPUTF8", None)]

# On-premises Exchange: the Online table with the longest EHLO lists (13-15 lines).
SERVERS["exchange-onprem"] = dict(SERVERS["exchange-online"], weight=8)
SERVERS["exchange-onprem"]["setup"] = lambda d: {"host": d.choose(
    ["mail.contoso.com", "exch01.fabrikam.example", "smtp.northwind.example"])}
SERVERS["exchange-onprem"]["ehlo"] = [
    ("{host} Hello [{ip}]", None), ("SIZE 37748736", None), ("PIPELINING", None), ("DSN", None),
    ("ENHANCEDSTATUSCODES", None), ("STARTTLS", "plain"), ("X-ANONYMOUSTLS", "plain"),
    ("AUTH NTLM", "plain"), ("AUTH GSSAPI NTLM LOGIN", "tls"), ("X-EXPS GSSAPI NTLM", None),
    ("8BITMIME", None), ("BINARYMIME", None), ("CHUNKING", None), ("XEXCH50", 0.5), ("XRDST", None),
    ("XSHADOWREQUEST", 0.7)]
SERVERS["exchange-onprem"]["say"] = dict(
    SERVERS["exchange-online"]["say"],
    queued=[(1, 250, ["2.6.0 <{msgid32}@{host}> [InternalId={internal}, Hostname={host}] Queued mail for delivery"])],
    rcpt_fail=[(5, 550, ["5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient {addr} not found by SMTP address lookup"]),
               (2, 452, ["4.3.1 Insufficient system resources (UsedDiskSpace[C:\\Program Files\\Microsoft\\Exchange Server\\V15\\TransportRoles\\data\\Queue])"])],
    reject=[(1, 554, ["5.7.1 Service unavailable; Client host [{ip}] blocked using Spamhaus"])])

SERVER_ORDER = ["postfix", "gmail-mx", "gmail-submission", "exchange-online", "exchange-onprem", "exim"]
SERVER_PICK = [(SERVERS[n]["weight"], n) for n in SERVER_ORDER]


class Server:
    """One server personality during one session."""

    def __init__(self, name, sess):
        self.name = name
        self.table = SERVERS[name]
        self.sess = sess
        d = sess.dice
        extra = self.table["setup"](d)
        self.qid_long = extra.pop("qid_long", False)
        sess.fixed.update(extra)

    def say(self, moment):
        d = self.sess.dice
        choices = self.table["say"][moment]
        pick = d.weighted([(c[0], c[1:]) for c in choices])
        if isinstance(pick[0], str):            # a named Gmail refusal
            code, lines = GMAIL_LONG[pick[0]]
        else:
            code, lines = pick
        self.prepare(moment)
        texts = [self.sess.fill(t) for t in lines]
        return (kind_of(moment, code, texts), code, texts)

    def prepare(self, moment):
        """Per-reply fields that several lines of one reply share."""
        d, f = self.sess.dice, self.sess.fixed
        if moment == "rcpt_fail":
            f["rcpt"] = self.sess.make_addr()
            f["rcpt_domain"] = f["rcpt"].split("@")[1]
        if moment == "queued":
            f["qid"] = d.token(15, POSTFIX_LONG_ID) if self.qid_long else d.token(d.between(7, 11), HEX_UP)
            f["stamp"] = str(d.between(1700000000, 1730000000))
            f["msgid24"] = d.token(24, DIGITS_LOWER)
            f["msgid32"] = d.token(32, HEX_LO)
            f["internal"] = str(d.between(10 ** 12, 10 ** 13))
            f["prodhost"] = f.get("host", "").replace(".mail.protection.", ".prod.")
            f["nbytes"] = str(d.between(900, 90000))
            f["secs"] = "%.3f" % (d.random() * 0.5)
            f["rate"] = "%.3f" % (d.random() * 9000)
            f["eximid"] = "%s-%s-%s" % (d.token(5, DIGITS_LOWER + DIGITS_LOWER.upper()),
                                        d.token(6, DIGITS_LOWER.upper()), d.token(2, DIGITS_LOWER.upper()))

    def ehlo(self, tls, submission):
        d = self.sess.dice
        out = []
        for line, cond in self.table["ehlo"]:
            if holds(cond, tls, submission, d):
                out.append(self.sess.fill(line))
        for pad in self.table.get("ehlo_pad", []):   # real lists have 8..15 lines
            if len(out) >= 8:
                break
            if pad not in out:
                out.insert(3, pad)
        return ("ehlo-multiline", 250, out)


def holds(cond, tls, submission, d):
    if cond is None:
        return True
    if isinstance(cond, tuple):
        return all(holds(c, tls, submission, d) for c in cond)
    if cond == "plain":
        return not tls
    if cond == "tls":
        return tls
    if cond == "auth":
        return tls and submission
    return d.coin(cond)


def kind_of(moment, code, texts):
    if moment in ("rcpt_fail", "data_fail", "reject", "timeout") or (moment == "auth_fail" and len(texts) > 1):
        return "%dxx-%s" % (code // 100, "multiline" if len(texts) > 1 else "single")
    names = {"greeting": "greeting-220", "starttls": "starttls-220", "auth_ok": "auth-235",
             "auth_fail": "auth-535", "mail": "mail-250", "rcpt": "rcpt-250", "data": "data-354",
             "queued": "queued-250", "rset": "rset-250", "quit": "quit-221"}
    return names[moment]


# ---------------------------------------------------------------------------
# sessions


def session_mixed(d):
    sess = Session(d)
    name = d.weighted(SERVER_PICK)
    srv = Server(name, sess)
    sub_p = SERVERS[name]["submission"]
    submission = sub_p >= 1.0 or (sub_p > 0 and d.coin(sub_p))
    out = []
    if d.coin(0.04):                     # refused at connect time
        rep = srv.say("reject")
        out.append(rep)
        if rep[1] != 421:                # 421 closes the connection; otherwise QUIT
            out.append(srv.say("quit"))
        return out
    out.append(srv.say("greeting"))
    out.append(srv.ehlo(False, submission))
    if d.coin(0.85) or submission:
        out.append(srv.say("starttls"))
        out.append(srv.ehlo(True, submission))
    if submission:
        if name == "gmail-submission" or d.coin(0.5):
            # AUTH LOGIN: base64 "Username:" and "Password:" challenges
            out.append(("auth-334", 334, ["VXNlcm5hbWU6"]))
            out.append(("auth-334", 334, ["UGFzc3dvcmQ6"]))
        if d.coin(0.06):
            out.append(srv.say("auth_fail"))
            out.append(srv.say("quit"))
            return out
        out.append(srv.say("auth_ok"))
    for m in range(d.count_up(0.3, 6)):
        if m:
            out.append(srv.say("rset"))
        out.append(srv.say("mail"))
        accepted = 0
        for _ in range(d.count_up(0.35, 20)):
            if d.coin(0.10):
                out.append(srv.say("rcpt_fail"))
            else:
                out.append(srv.say("rcpt"))
                accepted += 1
        if accepted:
            out.append(srv.say("data"))
            if d.coin(0.05):
                rep = srv.say("data_fail")
                out.append(rep)
                if rep[1] == 421:
                    return out
            else:
                out.append(srv.say("queued"))
        if d.coin(0.004):
            out.append(srv.say("timeout"))
            return out
    out.append(srv.say("quit"))
    return out


HEAVY_ERRORS = [(5, "nosuchuser"), (2, "overquota"), (1, "disabled"), (3, "unauthenticated"),
                (2, "spam"), (2, "ratelimit"), (1, "badcredentials")]


def session_ehlo_heavy(d):
    sess = Session(d)
    out = []
    for _ in range(d.between(4, 12)):
        if d.coin(0.6):
            srv = Server(d.weighted(SERVER_PICK), sess)
            out.append(srv.ehlo(d.coin(0.5), d.coin(0.3)))
        else:
            code, lines = GMAIL_LONG[d.weighted(HEAVY_ERRORS)]
            texts = [sess.fill(t) for t in lines]
            out.append(("%dxx-multiline" % (code // 100), code, texts))
    return out


def wire(code, texts):
    last = len(texts) - 1
    return "".join("%d%s%s\r\n" % (code, " " if i == last else "-", t)
                   for i, t in enumerate(texts)).encode("ascii")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out")
    ap.add_argument("--variant", choices=["mixed", "ehlo-heavy"], default="mixed")
    ap.add_argument("--size", type=int, default=8 << 20, help="bytes at most (default 8 MiB)")
    ap.add_argument("--seed", type=int, default=5321)
    ap.add_argument("--quiet", action="store_true")
    a = ap.parse_args()

    d = Dice("smtpreply-bench/%s/%d" % (a.variant, a.seed))
    make = session_mixed if a.variant == "mixed" else session_ehlo_heavy
    parts, total = [], 0
    replies = lines = codesum = 0
    kinds = {}
    full = False
    while not full:
        for kind, code, texts in make(d):
            assert kind != "ehlo-multiline" or 8 <= len(texts) <= 15, texts
            b = wire(code, texts)
            if total + len(b) > a.size:
                full = True
                break
            parts.append(b)
            total += len(b)
            replies += 1
            lines += len(texts)
            codesum += code
            k = kinds.setdefault(kind, [0, 0, 0])
            k[0] += 1
            k[1] += len(b)
            k[2] += len(texts)
    with open(a.out, "wb") as f:
        f.write(b"".join(parts))

    meta = {
        "variant": a.variant, "seed": a.seed, "bytes": total, "replies": replies,
        "lines": lines, "codesum": codesum,
        "bytes_per_reply": round(total / max(replies, 1), 2),
        "lines_per_reply": round(lines / max(replies, 1), 3),
        "kinds": {name: {"replies": v[0], "bytes": v[1], "lines": v[2]}
                  for name, v in sorted(kinds.items(), key=lambda kv: (-kv[1][0], kv[0]))},
    }
    with open(a.out + ".meta.json", "w") as f:
        json.dump(meta, f, indent=1)
        f.write("\n")
    if not a.quiet:
        sys.stderr.write("%s: %s %d bytes, %d replies, %d lines, %.1f B/reply, %.2f lines/reply\n" % (
            a.out, a.variant, total, replies, lines, total / max(replies, 1), lines / max(replies, 1)))
        for name, v in meta["kinds"].items():
            sys.stderr.write("  %-16s %7d %6.2f%% of replies %6.2f%% of bytes %6.2f lines\n" % (
                name, v["replies"], 100.0 * v["replies"] / replies, 100.0 * v["bytes"] / total,
                v["lines"] / v["replies"]))


if __name__ == "__main__":
    main()
