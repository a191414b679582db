#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Write a large, deterministic mail log (Postfix and Exim lines mixed) to
standard output, for measuring smtp-bounces' speed and memory.

    gen_biglog.py [--size BYTES|NNNk|NNNm|NNNg] [--seed N]

The same size and seed always give the same bytes. Recipients come from a few
hundred thousand addresses over some thousands of domains, so the per-reason
domain tables see far more distinct domains than they have slots.
"""
import random
import sys

POSTFIX_REPLIES = [
    ("bounced", "5.1.1", "host {mx}[192.0.2.{ip}] said: 550 5.1.1 <{rcpt}>: Recipient address "
     "rejected: User unknown in virtual mailbox table (in reply to RCPT TO command)"),
    ("bounced", "5.1.1", "host {mx}[192.0.2.{ip}] said: 550-5.1.1 The email account you are trying "
     "to reach does not exist. Check the 550-5.1.1 recipient's address for typos or extra "
     "spaces. Learn more at 550 5.1.1  https://support.google.com/mail/?p=NoSuchUser "
     "{tag} - gsmtp (in reply to RCPT TO command)"),
    ("deferred", "4.2.2", "host {mx}[192.0.2.{ip}] said: 452 4.2.2 <{rcpt}>: mailbox is over quota "
     "(in reply to RCPT TO command)"),
    ("deferred", "4.2.0", "host {mx}[192.0.2.{ip}] said: 450 4.2.0 <{rcpt}>: Recipient address "
     "rejected: Greylisted, see https://postgrey.example.net/help/{dom}.html (in reply to "
     "RCPT TO command)"),
    ("bounced", "5.7.1", "host {mx}[192.0.2.{ip}] said: 554 5.7.1 <{rcpt}>: Relay access denied "
     "(in reply to RCPT TO command)"),
    ("bounced", "5.7.1", "host {mx}[192.0.2.{ip}] said: 554 5.7.1 Service unavailable; Client host "
     "[203.0.113.{ip}] blocked using zen.spamhaus.org (in reply to RCPT TO command)"),
    ("bounced", "5.7.26", "host {mx}[192.0.2.{ip}] said: 550 5.7.26 Unauthenticated mail from "
     "example.org is refused because of the domain's DMARC policy (in reply to end of DATA "
     "command)"),
    ("deferred", "4.4.1", "connect to {mx}[192.0.2.{ip}]:25: Connection refused"),
    ("deferred", "4.4.1", "connect to {mx}[192.0.2.{ip}]:25: Connection timed out"),
    ("bounced", "5.4.4", "Host or domain name not found. Name service error for name={dom} "
     "type=MX: Host not found"),
    ("bounced", "5.3.4", "host {mx}[192.0.2.{ip}] said: 552 5.3.4 Message size exceeds fixed "
     "limit (in reply to end of DATA command)"),
    ("sent", "2.0.0", "250 2.0.0 Ok: queued as {qid}"),
    ("sent", "2.0.0", "250 2.0.0 OK  1764234002 {tag} - gsmtp"),
]

EXIM_REPLIES = [
    ("**", "SMTP error from remote mail server after RCPT TO:<{rcpt}>: 550 5.1.1 <{rcpt}>: "
     "Recipient address rejected: User unknown in local recipient table"),
    ("**", "SMTP error from remote mail server after end of data: 550-Rejected: this message "
     "scored 15.1 spam points\\n550 (the limit here is 5.0)"),
    ("==", "SMTP error from remote mail server after pipelined RCPT TO:<{rcpt}>: 451 4.7.1 "
     "Greylisted, please try again later"),
    ("==", "SMTP error from remote mail server after MAIL FROM:<news@example.org> SIZE=5230: "
     "421 4.7.0 [TSS04] Messages from 203.0.113.{ip} are temporarily deferred"),
    ("**", "Unrouteable address"),
    ("**", "retry timeout exceeded"),
    ("=>", 'C="250 2.0.0 OK {tag} - gsmtp"'),
]

NOISE = [
    "{month} {day:2d} {hh:02d}:{mm:02d}:{ss:02d} mail postfix/smtpd[{pid}]: connect from "
    "unknown[203.0.113.{ip}]",
    "{month} {day:2d} {hh:02d}:{mm:02d}:{ss:02d} mail postfix/cleanup[{pid}]: {qid}: "
    "message-id=<{qid}@mail.example.org>",
    "{month} {day:2d} {hh:02d}:{mm:02d}:{ss:02d} mail postfix/qmgr[{pid}]: {qid}: removed",
]


def parse_size(s):
    mult = {"k": 1 << 10, "m": 1 << 20, "g": 1 << 30}
    s = s.strip().lower()
    if s and s[-1] in mult:
        return int(float(s[:-1]) * mult[s[-1]])
    return int(s)


def main(argv):
    size, seed = 10 << 20, 1
    i = 0
    while i < len(argv):
        if argv[i] == "--size" and i + 1 < len(argv):
            size = parse_size(argv[i + 1])
            i += 2
        elif argv[i] == "--seed" and i + 1 < len(argv):
            seed = int(argv[i + 1])
            i += 2
        else:
            sys.stderr.write(__doc__)
            return 2
    rng = random.Random(seed)
    out = sys.stdout.buffer
    written = 0
    n = 0
    chunk = []
    chunk_bytes = 0
    while written < size:
        n += 1
        secs = n // 50
        fields = {
            "month": "Nov", "day": 1 + (secs // 86400) % 28, "hh": (secs // 3600) % 24,
            "mm": (secs // 60) % 60, "ss": secs % 60, "pid": 1000 + n % 30000,
            "ip": 1 + n % 254, "qid": "4Yb%07X" % (n % 0xFFFFFFF),
            "tag": "41be03b00d2f7-%012xsi%07d" % (rng.getrandbits(48), n % 10000000),
        }
        user = "u%d" % rng.randrange(300000)
        dom = "d%d.example" % int(rng.paretovariate(1.2) * 10 % 5000)
        fields["dom"] = dom
        fields["rcpt"] = "%s@%s" % (user, dom)
        fields["mx"] = "mx.%s" % dom
        r = rng.random()
        if r < 0.15:
            line = rng.choice(NOISE).format(**fields)
        elif r < 0.70:
            status, dsn, text = rng.choice(POSTFIX_REPLIES)
            line = ("{month} {day:2d} {hh:02d}:{mm:02d}:{ss:02d} mail postfix/smtp[{pid}]: {qid}: "
                    "to=<{rcpt}>, relay={mx}[192.0.2.{ip}]:25, delay=1.2, delays=0.1/0/0.5/0.6, "
                    "dsn=" + dsn + ", status=" + status + " (" + text + ")").format(**fields)
        else:
            flag, text = rng.choice(EXIM_REPLIES)
            fields["id"] = "1wQ%03X-%06X-%02X" % (n % 4096, n % 0xFFFFFF, n % 256)
            if text.startswith("C="):
                tail = " R=dnslookup T=remote_smtp H={mx} [192.0.2.{ip}] " + text
            elif text.startswith("SMTP"):
                tail = " R=dnslookup T=remote_smtp H={mx} [192.0.2.{ip}]: " + text
            else:
                tail = " R=dnslookup T=remote_smtp: " + text
            line = ("2026-11-{day:02d} {hh:02d}:{mm:02d}:{ss:02d} {id} " + flag + " {rcpt}" + tail
                    ).format(**fields)
        b = (line + "\n").encode()
        chunk.append(b)
        chunk_bytes += len(b)
        written += len(b)
        if chunk_bytes >= 1 << 20:
            out.write(b"".join(chunk))
            chunk, chunk_bytes = [], 0
    out.write(b"".join(chunk))
    out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
