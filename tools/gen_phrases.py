#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Generate lib/phrase_index.h, the phrase matcher's lookup tables, from lib/phrases.def.

Usage: gen_phrases.py [--out FILE | --stdout]

How the matcher works (lib/classify.c walks these tables):

Every phrase is at least MIN_LEN bytes long. The text is probed only at positions
0, STRIDE, 2*STRIDE, ... with STRIDE = MIN_LEN - ANCHOR + 1: any occurrence of a
phrase, whatever its start t, then contains a probe position p with
t <= p <= t + STRIDE - 1, and the ANCHOR (6) bytes at p lie inside the phrase.
So each phrase registers its STRIDE anchors (the 6 bytes at offsets
0 .. STRIDE-1), and a probe that finds its 6 text bytes among the anchors
knows which phrase might start at p - offset. Six bytes make an anchor rare in
ordinary text ("mailbo" rather than "mail"), so few probes go past the filter.

A probe folds the 6 bytes with OR 0x20 (upper to lower case, and harmless for the
other bytes a phrase may hold: digits, space and punctuation already have that
bit), packs them little-endian into a 48-bit word whatever the host, and
multiplies it by MULTIPLIER (mod 2^64). The top 16 bits of the product index a 64 Kbit
filter (bit set = some anchor has that hash; a second filter holds only the
provider rows' anchors, for when only those can still matter); only the rare
probe that passes
looks further, in the bucket named by the top HASH_BITS bits:
bucket[h] .. bucket[h + 1] indexes words[], the distinct folded anchors with
that hash, each naming its run of candidates[] {phrase row, offset, length,
folded last 4 bytes and their mask without the spaces}, sorted by row so that
the scan stops at the first row no better than one already found. A candidate
must match the phrase's last 4 bytes before a word-wise comparison confirms it.

Reply lines are joined by LF, which folds to '*' (0x2A): an anchor holding spaces
is registered once more for every combination of its spaces turned into 0x2A, so
a phrase still matches when a line break falls inside it (the byte-wise
comparison accepts LF for a space).

Rows are numbered as in phrases.def; the provider rows come first, and
PHRASE_PROVIDER_ROWS counts them.
"""

import itertools
import os
import re
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEF = os.path.join(REPO, "lib", "phrases.def")
OUT = os.path.join(REPO, "lib", "phrase_index.h")

ANCHOR = 6
MIN_LEN = 9
STRIDE = MIN_LEN - ANCHOR + 1
HASH_BITS = 12
MULTIPLIER = 0x9E3779B97F4A7C15
PROVIDERS = {"gmail", "microsoft", "yahoo", "icloud", "exchange", "postfix", "exim",
             "sendmail", "qmail", "opensmtpd"}
GENERIC = {"generic", "filter"}
GUARDS = {"ANY", "AFTER_DATA", "TRANSIENT"}
ROW = re.compile(r'^SMTPREPLY_PHRASE\("([^"\\]*)", ([A-Z_]+), ([a-z]+), ([A-Z_]+)\)$')


def fold(b):
    return b | 0x20


def word(bs):
    """Bytes packed little-endian, as the C code loads them."""
    return sum(b << (8 * k) for k, b in enumerate(bs))


def hash16(w):
    """The top 16 bits of the 64-bit product: the filter's index."""
    return ((w * MULTIPLIER) & 0xFFFFFFFFFFFFFFFF) >> 48


def hash_of(w):
    return hash16(w) >> (16 - HASH_BITS)


def read_rows(path):
    """[(text, is_provider)] in file order."""
    rows = []
    seen = set()
    generic_seen = False
    with open(path, encoding="ascii") as f:
        for n, line in enumerate(f, start=1):
            line = line.strip()
            if not line.startswith("SMTPREPLY_PHRASE("):
                continue
            m = ROW.match(line)
            if not m:
                sys.exit(f"{path}:{n}: row not in the form SMTPREPLY_PHRASE(\"text\", REASON, source, GUARD)")
            text, reason, source, guard = m.groups()
            if len(text) < MIN_LEN or len(text) > 255:
                sys.exit(f"{path}:{n}: \"{text}\" is not {MIN_LEN} to 255 bytes long")
            if text != text.lower() or any(ord(c) < 0x20 or ord(c) > 0x7E for c in text):
                sys.exit(f"{path}:{n}: \"{text}\" must be printable lower-case ASCII")
            if text in seen:
                sys.exit(f"{path}:{n}: \"{text}\" listed twice")
            if source not in PROVIDERS and source not in GENERIC:
                sys.exit(f"{path}:{n}: unknown source {source}")
            if source in GENERIC:
                generic_seen = True
            elif generic_seen:
                sys.exit(f"{path}:{n}: provider row after a generic one; providers come first")
            if guard not in GUARDS:
                sys.exit(f"{path}:{n}: unknown guard {guard}")
            seen.add(text)
            rows.append((text, source in PROVIDERS))
    return rows


def anchors_of(rows):
    out = []
    for i, (text, _) in enumerate(rows):
        raw = text.encode("ascii")
        for off in range(STRIDE):
            bs = [fold(b) for b in raw[off:off + ANCHOR]]
            spaces = [k for k, b in enumerate(bs) if b == 0x20]
            variants = set()
            for combo in itertools.product((0x20, 0x2A), repeat=len(spaces)):
                v = list(bs)
                for k, b in zip(spaces, combo):
                    v[k] = b
                variants.add(word(v))
            for w in sorted(variants):
                out.append((hash_of(w), w, i, off))
    out.sort()
    return out


def render(rows, anchors):
    nb = 1 << HASH_BITS
    nprov = sum(1 for _, prov in rows if prov)
    bits = [0] * (1 << 16)
    pbits = [0] * (1 << 16)
    for _, w, i, _ in anchors:
        bits[hash16(w)] = 1
        if i < nprov:
            pbits[hash16(w)] = 1
    filt = [sum(bits[k * 32 + j] << j for j in range(32)) for k in range(1 << 11)]
    pfilt = [sum(pbits[k * 32 + j] << j for j in range(32)) for k in range(1 << 11)]
    words = []       # (hash, word, first candidate, count)
    cands = []       # (row, offset)
    for (h, w), group in itertools.groupby(anchors, key=lambda a: (a[0], a[1])):
        group = sorted((i, off) for _, _, i, off in group)
        words.append((h, w, len(cands), len(group)))
        cands.extend(group)
    bucket = [0] * (nb + 1)
    for h, _, _, _ in words:
        bucket[h + 1] += 1
    for h in range(nb):
        bucket[h + 1] += bucket[h]
    lines = ["/* Generated by tools/gen_phrases.py from lib/phrases.def; do not edit. */\n",
             "/* The phrase matcher's tables; the algorithm is described in the generator. */\n",
             f"#define PHRASE_ANCHOR {ANCHOR}\n",
             f"#define PHRASE_MIN_LEN {MIN_LEN}\n",
             f"#define PHRASE_STRIDE {STRIDE}\n",
             f"#define PHRASE_HASH_BITS {HASH_BITS}\n",
             f"#define PHRASE_MULTIPLIER 0x{MULTIPLIER:016X}u\n",
             f"#define PHRASE_ROWS {len(rows)}\n",
             f"#define PHRASE_PROVIDER_ROWS {nprov}\n",
             "\n/* [0]: the anchors of every row; [1]: of the provider rows only */\n",
             "static const uint32_t phrase_filter[2][2048] = { {\n"]
    for k in range(0, len(filt), 6):
        lines.append("    " + " ".join(f"0x{v:08X}u," for v in filt[k:k + 6]) + "\n")
    lines.append("}, {\n")
    for k in range(0, len(pfilt), 6):
        lines.append("    " + " ".join(f"0x{v:08X}u," for v in pfilt[k:k + 6]) + "\n")
    lines.append("} };\n\nstatic const uint16_t phrase_bucket[] = {\n")
    for k in range(0, nb + 1, 12):
        lines.append("    " + " ".join(f"{v}," for v in bucket[k:k + 12]) + "\n")
    lines.append("};\n\nstatic const struct phrase_word phrase_words[] = {\n")
    for _, w, first, count in words:
        lines.append(f"    {{ 0x{w:012X}u, {first}, {count} }},\n")
    lines.append("};\n\nstatic const struct phrase_candidate phrase_candidates[] = {\n")
    for i, off in cands:
        text = rows[i][0]
        tail = [fold(b) for b in text.encode("ascii")[-4:]]
        mask = [0 if b == 0x20 else 0xFF for b in tail]
        lines.append(f"    {{ 0x{word(tail) & word(mask):08X}u, 0x{word(mask):08X}u, "
                     f"{i}, {off}, {len(text)} }},\n")
    lines.append("};\n")
    return "".join(lines)


def main(argv):
    out, to_stdout = OUT, False
    args = list(argv)
    while args:
        a = args.pop(0)
        if a == "--out" and args:
            out = args.pop(0)
        elif a == "--stdout":
            to_stdout = True
        else:
            sys.exit(__doc__)
    rows = read_rows(DEF)
    text = render(rows, anchors_of(rows))
    if to_stdout:
        sys.stdout.write(text)
    else:
        with open(out, "w", encoding="ascii", newline="\n") as f:
            f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
