#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Turn the phrase and provider tables (data/phrases.txt, data/providers.txt) into
the C tables of the classifier's phrase matcher. Meson runs it at build time; the
output is never committed.

Usage: gen_phrases.py --phrases FILE --providers FILE --out FILE

The data files (their own headers say more):
  source NAME URL                        who writes the texts below, and where it
                                         is documented
  precedence REASON...                   the order in which reasons win when phrases
                                         of one tier disagree (first wins)
  KIND SOURCE REASON GUARD ENHANCED "text"
     KIND      id (a provider's identifier), phrase (a specific phrase) or generic
     GUARD     any, after-data (not in replies to CONNECT, EHLO, HELO, MAIL, RCPT),
               transient (only in a 4xx reply, or one without a code)
     ENHANCED  - (any), an enhanced code the reply must carry (5.4.1, x.4.1), or a
               range of details (5.7.606-649); an id row with an empty text and a
               range is decided by the enhanced code alone

Tiers, strongest first: id, the phrases of named providers and MTAs, the phrases
of the source "common", generic. Within a tier, the precedence list orders the
reasons. Rows are emitted in that order, so the first row the matcher confirms is
the strongest; file order never decides between two reasons.

How the matcher works (lib/classify.c walks these tables):

Every phrase of the scan is at least MIN_LEN bytes long. The text is probed only at
positions 0, STRIDE, 2*STRIDE, ... with STRIDE = MIN_LEN - ANCHOR + 1: any
occurrence of a phrase then contains probe positions at every STRIDE-th offset of
one residue class modulo STRIDE, whichever class the alignment gives. So each
phrase registers one anchor per class: of the offsets o, o+STRIDE, ... of that class
(with the ANCHOR bytes inside the phrase), the one whose 4 bytes the fewest other
phrases share, so that common words ("mail", "user", "smtp") rarely send a probe
to the candidates. A probe whose text bytes are an anchor knows which phrase might
start at p - offset.

The probes go from the end of the text to its start: large providers put their
identifier last (Gmail's help link, Cox's AUP# code, Orange's OFR code), and once
an identifier is confirmed only a stronger identifier can still win, so the rest of
the pass uses a second filter that holds the identifiers' anchors alone. Any
spacing of STRIDE covers every phrase, whichever end it starts from.

A probe folds its 4 bytes with OR 0x20 (upper case to lower; digits, space and most
punctuation already have that bit), reads them little-endian whatever the host and
hashes them with phrase_hash(), which this script writes into the output: the one
definition of the hash, used by the tables below and by the C code alike. The hash
(the top HASH_BITS, 11, bits of a product) names a 32-bit word of the filter and
the low 5 bits of the folded anchor itself (its first byte's) one bit of that
word: a 64 Kbit filter (bit set = some anchor has that word and byte; about 4% of
the bits are set, so few probes pass by chance) tested with no further arithmetic.
Its size is a trade measured in wall-clock time on long refusals: at 16 KiB a
filter, half as many probes pass by chance, yet classification runs measurably
slower (a probe's load misses the first-level cache more often beside the text
and the parser's data); at 4 KiB it runs about as fast as at 8, with twice the
chance passes.
Only a probe that passes looks in the bucket that the same hash names: words[]
holds the distinct anchors of that bucket, each naming its run of candidates[]
{row, offset, length, folded first and last 4 bytes and their masks}, sorted by
row, so the scan stops at the first row no better than one already confirmed (and
the whole scan stops once row 0 is). A candidate must match the phrase's first
and last 4 bytes (folded, spaces masked: a space may be a line break) before a
comparison of the whole phrase confirms it, eight bytes at a time: the phrase's
row carries, beside its text, a string with 0x20 at its letters, so that one OR
lowers the text's letters there.

Reply lines are joined by LF, which folds to '*' (0x2A): an anchor holding spaces is
registered once more for every combination of its spaces turned into 0x2A, so a
phrase still matches across a line break.

Texts shorter than MIN_LEN ("spf", "spam", "ib607", "aup#cxbl") cannot be found by
the probes; they go to short_words[] and match as whole words (letters, digits, "_"
and "#"; not inside a longer word) in a second, plain pass that the classifier
makes only when the probes found no identifier and no specific phrase. Rows with
the guard at-end ("- gsmtp" with Gmail's own enhanced codes) compare the end of
the text only, before the scan.
"""

import argparse
import itertools
import re
import sys

ANCHOR = 4
MIN_LEN = 9
STRIDE = MIN_LEN - ANCHOR + 1
HASH_BITS = 11
FILTER_BITS = HASH_BITS + 5
MULTIPLIER = 0x9E3779B1
MAX_SHORT = 8

REASONS = """none recipient-unknown recipient-address-invalid domain-unknown domain-no-mail
mailbox-moved mailbox-disabled mailbox-full message-too-large too-many-recipients
sender-rejected relay-denied sender-auth-failed reverse-dns client-blocked reputation
rate-limited greylisted spam-content virus-or-attachment policy-rejected content-format
client-auth-failed tls-required protocol-error server-temporary server-misconfigured
network-error expired local-delivery-error unclassified recipient-filtered""".split()
KINDS = {"id": 0, "phrase": 1, "generic": 3}      # tier 2 is a phrase of "common"
TIER_NAMES = ["TIER_ID", "TIER_PROVIDER", "TIER_PHRASE", "TIER_GENERIC"]
GUARDS = {"any": "GUARD_ANY", "after-data": "GUARD_AFTER_DATA", "transient": "GUARD_TRANSIENT",
          "at-end": "GUARD_AT_END"}
ROW = re.compile(r'^(id|phrase|generic)\s+([a-z0-9-]+)\s+([a-z-]+)\s+([a-z-]+)\s+(\S+)\s+"([^"\\]*)"$')
ENH = re.compile(r'^([45x])\.(\d{1,3})\.(\d{1,3})(?:-(\d{1,3}))?$')


def phrase_hash(w):
    """The hash of a folded anchor (4 bytes, little-endian): its bucket and the
    word of the filter, the top HASH_BITS bits of a 32-bit product."""
    return ((w * MULTIPLIER) & 0xFFFFFFFF) >> (32 - HASH_BITS)


def filter_bit(w):
    """The anchor's bit in the filter: its hash's word, and in it the bit the low 5
    bits of the anchor name."""
    return phrase_hash(w) * 32 + (w & 31)


# The same function for C, from the same constants.
C_HASH = f"""/* The hash of a folded 4-byte anchor (OR 0x20, little-endian): the top
 * {HASH_BITS} bits of a 32-bit product, the anchor's bucket and word of the filter.
 * Generated with the tables, so the two can never disagree. */
static inline uint32_t phrase_hash(uint32_t folded)
{{
    return (uint32_t)(folded * 0x{MULTIPLIER:08X}u) >> {32 - HASH_BITS};
}}
"""


def fold(b):
    return b | 0x20


def word(bs):
    return sum(b << (8 * k) for k, b in enumerate(bs))


def c_string(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


class Table:
    def __init__(self):
        self.sources = {}
        self.precedence = []
        self.rows = []          # dict per row

    def fail(self, where, msg):
        sys.exit(f"{where}: {msg}")

    def read(self, path, is_providers):
        with open(path, encoding="utf-8") as f:
            for n, raw in enumerate(f, start=1):
                line = raw.strip()
                where = f"{path}:{n}"
                if not line or line.startswith("#"):
                    continue
                if any(ord(c) > 0x7E for c in line):
                    self.fail(where, "only ASCII in the tables")
                parts = line.split()
                if parts[0] == "source":
                    if len(parts) < 3 or not parts[2].startswith("http"):
                        self.fail(where, "source NAME URL")
                    if parts[1] in self.sources:
                        self.fail(where, f"source {parts[1]} declared twice")
                    self.sources[parts[1]] = (parts[2], is_providers)
                    continue
                if parts[0] == "precedence":
                    for r in parts[1:]:
                        if r not in REASONS or r in self.precedence:
                            self.fail(where, f"precedence: {r} unknown or repeated")
                        self.precedence.append(r)
                    continue
                m = ROW.match(line)
                if not m:
                    self.fail(where, 'row not in the form KIND SOURCE REASON GUARD ENHANCED "text"')
                kind, source, reason, guard, enh, text = m.groups()
                if source not in self.sources:
                    self.fail(where, f"source {source} not declared above")
                if kind == "id" and not self.sources[source][1]:
                    self.fail(where, "identifiers belong in the providers' file")
                if reason not in REASONS or reason in ("none", "unclassified"):
                    self.fail(where, f"reason {reason} cannot be given by a phrase")
                if guard not in GUARDS:
                    self.fail(where, f"unknown guard {guard}")
                cond = self.enhanced(where, enh)
                if text != text.lower():
                    self.fail(where, f'"{text}" must be lower case')
                if text == "" and (kind != "id" or cond is None or cond[0] == 0):
                    self.fail(where, "only an id row with an enhanced code may have no text")
                if text and len(text) < 3:
                    self.fail(where, f'"{text}" is shorter than 3 bytes')
                if guard == "at-end" and (cond is None or not text or kind != "id"):
                    self.fail(where, "at-end is for id rows with an enhanced code and a text")
                if (text and len(text) < MIN_LEN and guard != "at-end" and
                        (len(text) > MAX_SHORT or not re.fullmatch(r"[a-z0-9_#]+", text))):
                    self.fail(where, f'"{text}": a text under {MIN_LEN} bytes must be one word of letters, digits, "_" and "#"')
                if len(text) > 255:
                    self.fail(where, "text over 255 bytes")
                tier = KINDS[kind]
                if kind == "phrase" and source == "common":
                    tier = 2
                key = (text, guard, enh)
                if text and any((r["text"], r["guard"], r["enh"]) == key for r in self.rows):
                    self.fail(where, f'"{text}" listed twice')
                self.rows.append(dict(kind=kind, source=source, reason=reason, guard=guard,
                                      enh=enh, cond=cond, text=text, tier=tier, where=where))

    def enhanced(self, where, enh):
        """(klass, subject, first, last) or None; klass 0 means either class."""
        if enh == "-":
            return None
        m = ENH.match(enh)
        if not m:
            self.fail(where, f"enhanced code {enh} not in the form 5.4.1, x.4.1 or 5.7.606-649")
        k, s, d, last = m.groups()
        first = int(d)
        last = int(last) if last is not None else first
        if last < first:
            self.fail(where, f"empty range {enh}")
        return (0 if k == "x" else int(k), int(s), first, last)

    def ordered(self, where):
        missing = [r for r in REASONS if r not in self.precedence and r not in ("none", "unclassified")]
        if missing:
            self.fail(where, f"precedence lacks {', '.join(missing)}")
        rank = {r: i for i, r in enumerate(self.precedence)}
        return sorted(self.rows, key=lambda r: (r["tier"], rank[r["reason"]]))


def rule_of(r):
    if r["kind"] == "id":
        what = f'"{r["text"]}"' if r["text"] else ""
        enh = f'enhanced {r["enh"]}' if r["enh"] != "-" else ""
        return f'provider {r["source"]}: ' + " + ".join(x for x in (enh, what) if x)
    if r["tier"] == 1:
        return f'phrase ({r["source"]}): "{r["text"]}"'
    if r["tier"] == 2:
        return f'phrase: "{r["text"]}"'
    return f'generic phrase: "{r["text"]}"'


# Words nearly every reply holds (greetings, transaction tags, links, boilerplate):
# an anchor made of their bytes would send most probes to the candidates.
COMMON_WORDS = """smtp esmtp gsmtp mail email message messages user users recipient
address please http https www com net org the for from your with this that been
have more information server service support google delivery delivered rejected
account domain sender host your local accepted queued""".split()
COMMON_GRAMS = {w[o:o + ANCHOR].encode("ascii") for w in COMMON_WORDS
                for o in range(len(w) - ANCHOR + 1)}


def anchor_offsets(scan):
    """For each row, one anchor offset per residue class modulo STRIDE: the 4 bytes
    that the fewest rows share, avoiding spaces and the bytes of common words."""
    freq = {}
    for r in scan:
        raw = r["text"].encode("ascii")
        for g in {raw[o:o + ANCHOR] for o in range(len(raw) - ANCHOR + 1)}:
            freq[g] = freq.get(g, 0) + 1

    def cost(g):
        return (100 * (g in COMMON_GRAMS) + 4 * (b" " in g) + freq[g],)

    chosen = []
    for r in scan:
        raw = r["text"].encode("ascii")
        offs = []
        for cls in range(STRIDE):
            cands = range(cls, len(raw) - ANCHOR + 1, STRIDE)
            offs.append(min(cands, key=lambda o: cost(raw[o:o + ANCHOR]) + (o,)))
        chosen.append(offs)
    return chosen


def anchors_of(scan):
    out = []
    for i, (r, offs) in enumerate(zip(scan, anchor_offsets(scan))):
        raw = r["text"].encode("ascii")
        for off in offs:
            bs = [fold(b) for b in raw[off:off + ANCHOR]]
            spaces = [k for k, b in enumerate(bs) if b == 0x20]
            variants = set()
            for combo in itertools.product((0x20, 0x2A), repeat=len(spaces)):
                v = list(bs)
                for k, b in zip(spaces, combo):
                    v[k] = b
                variants.add(word(v))
            for w in sorted(variants):
                out.append((phrase_hash(w), w, i, off))
    out.sort()
    return out


def row_c(r):
    c = r["cond"] or (0, 0, 0, 0)
    letters = "".join("\\x20" if ch.isalpha() else "\\x00" for ch in r["text"])
    return (f'    {{ {c_string(r["text"])}, "{letters}", {c_string(rule_of(r))}, {len(r["text"])}, '
            f'SMTPREPLY_REASON_{r["reason"].upper().replace("-", "_")}, {TIER_NAMES[r["tier"]]}, '
            f'{GUARDS[r["guard"]]}, {1 if r["cond"] else 0}, {c[0]}, {c[1]}, {c[2]}, {c[3]} }},'
            f'  /* {r["where"]} */\n')


def render(rows):
    scan = [r for r in rows if len(r["text"]) >= MIN_LEN and r["guard"] != "at-end"]
    short = [r for r in rows if 0 < len(r["text"]) < MIN_LEN and r["guard"] != "at-end"]
    ranges = [r for r in rows if r["text"] == "" or r["guard"] == "at-end"]
    anchors = anchors_of(scan)
    nb = 1 << HASH_BITS
    nid = sum(1 for r in scan if r["tier"] == 0)
    bits = [[0] * (1 << FILTER_BITS), [0] * (1 << FILTER_BITS)]
    for _, w, i, _ in anchors:
        bits[0][filter_bit(w)] = 1
        if i < nid:
            bits[1][filter_bit(w)] = 1
    filt = [[sum(b[k * 32 + j] << j for j in range(32)) for k in range(1 << (FILTER_BITS - 5))]
            for b in bits]
    words, cands = [], []
    for (h, w), group in itertools.groupby(anchors, key=lambda a: (a[0], a[1])):
        group = sorted((i, off) for _, _, i, off in group)
        words.append((h, w, len(cands), len(group)))
        cands.extend(group)
    bucket = [0] * (nb + 1)
    for h, _, _, _ in words:
        bucket[h + 1] += 1
    for h in range(nb):
        bucket[h + 1] += bucket[h]
    out = ["/* Generated by tools/gen_phrases.py from data/phrases.txt and data/providers.txt;\n",
           " * do not edit. The generator describes the matcher. */\n",
           f"#define PHRASE_ANCHOR {ANCHOR}\n#define PHRASE_MIN_LEN {MIN_LEN}\n",
           f"#define PHRASE_STRIDE {STRIDE}\n#define PHRASE_HASH_BITS {HASH_BITS}\n",
           f"#define PHRASE_FILTER_BITS {FILTER_BITS}\n",
           f"#define PHRASE_ROWS {len(scan)}\n#define PHRASE_SHORT_ROWS {len(short)}\n",
           f"#define PHRASE_ID_ROWS {sum(1 for r in scan if r['tier'] == 0)}\n",
           f"#define PHRASE_RANGE_ROWS {len(ranges)}\n#define PHRASE_MAX_SHORT {MAX_SHORT}\n",
           f"#define PHRASE_RANGE_MIN_DETAIL {min(r['cond'][2] for r in ranges)}\n\n",
           C_HASH,
           "\n/* The rows the probes find, strongest first. */\n",
           "static const struct phrase phrases[] = {\n"]
    out += [row_c(r) for r in scan]
    out.append("};\n\n/* Texts too short for the probes: whole words, strongest first. */\n"
               "static const struct phrase short_words[] = {\n")
    out += [row_c(r) for r in short]
    out.append("};\n\n/* Providers' enhanced codes that say enough on their own, or with the\n"
               " * text the reply ends with (guard at-end): decided before the scan. */\n"
               "static const struct phrase provider_ranges[] = {\n")
    out += [row_c(r) for r in ranges]
    out.append("};\n\n/* [0]: the anchors of every row; [1]: of the identifiers only. */\n"
               f"static const uint32_t phrase_filter[2][{1 << (FILTER_BITS - 5)}] = {{ {{\n")
    for k in range(0, len(filt[0]), 6):
        out.append("    " + " ".join(f"0x{v:08X}u," for v in filt[0][k:k + 6]) + "\n")
    out.append("}, {\n")
    for k in range(0, len(filt[1]), 6):
        out.append("    " + " ".join(f"0x{v:08X}u," for v in filt[1][k:k + 6]) + "\n")
    out.append("} };\n\nstatic const uint16_t phrase_bucket[] = {\n")
    for k in range(0, nb + 1, 12):
        out.append("    " + " ".join(f"{v}," for v in bucket[k:k + 12]) + "\n")
    out.append("};\n\nstatic const struct phrase_word phrase_words[] = {\n")
    for _, w, first, count in words:
        out.append(f"    {{ 0x{w:08X}u, {first}, {count} }},\n")
    out.append("};\n\nstatic const struct phrase_candidate phrase_candidates[] = {\n")
    for i, off in cands:
        raw = scan[i]["text"].encode("ascii")
        ends = []
        for four in (raw[:4], raw[-4:]):
            folded = [fold(b) for b in four]
            mask = [0 if b == 0x20 else 0xFF for b in folded]
            ends.append(f"0x{word(folded) & word(mask):08X}u, 0x{word(mask):08X}u")
        out.append(f"    {{ {ends[0]}, {ends[1]}, {i}, {off}, {len(raw)} }},\n")
    out.append("};\n")
    return "".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--phrases", required=True)
    ap.add_argument("--providers", required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    t = Table()
    t.read(a.providers, True)
    t.read(a.phrases, False)
    text = render(t.ordered(a.phrases + ":1"))
    with open(a.out, "w", encoding="ascii", newline="\n") as f:
        f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
