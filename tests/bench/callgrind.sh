#!/bin/sh
# SPDX-License-Identifier: MIT
# Instructions per reply for each figure of tests/bench/bench.c, counted by
# callgrind: unlike time, the count does not move with the machine's load.
#
#   tests/bench/callgrind.sh BUILDDIR [MIB]
#
# Makes a small corpus of each variant (MIB, default 1) with gen_corpus.py, runs
# `bench --only FIGURE` once per figure under valgrind with collection switched on
# only inside that figure's function (--toggle-collect), and divides the count
# by the corpus's reply count. Needs valgrind and python3.
set -eu

if [ $# -lt 1 ]; then
    echo "usage: $0 BUILDDIR [MIB]" >&2
    exit 2
fi
build=$1
mib=${2:-1}
here=$(cd "$(dirname "$0")" && pwd)
bench=$build/tests/bench/bench
if [ ! -x "$bench" ]; then
    echo "$0: no $bench; run meson compile -C $build first" >&2
    exit 2
fi
command -v valgrind >/dev/null || { echo "$0: valgrind not found" >&2; exit 2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

# figure name in bench.c, and the function that runs it
figures="read-bytes:run_read memchr-lines:run_memchr parse:run_parse parse+classify:run_classify parse+ehlo:run_ehlo parse-many:run_parse_many parse-many+classify:run_classify_many"

printf '%-12s %-20s %14s %12s %10s\n' variant figure instructions replies "Ir/reply"
for variant in mixed ehlo-heavy; do
    corpus=$tmp/$variant.txt
    python3 "$here/gen_corpus.py" "$corpus" --variant "$variant" \
        --size $((mib * 1048576)) --quiet
    replies=$(sed -n 's/^ *"replies": *\([0-9]*\),*$/\1/p' "$corpus.meta.json" | head -n 1)
    for pair in $figures; do
        fig=${pair%%:*}
        fn=${pair#*:}
        out=$tmp/cg.$variant.$fn
        if ! valgrind --tool=callgrind --callgrind-out-file="$out" \
                --toggle-collect="$fn" "$bench" --only "$fig" "$corpus" \
                >"$tmp/log" 2>&1; then
            if grep -q "no figure" "$tmp/log"; then
                printf '%-12s %-20s %14s\n' "$variant" "$fig" "(not built)"
                continue
            fi
            cat "$tmp/log" >&2
            exit 1
        fi
        ir=$(sed -n 's/^summary: *\([0-9]*\).*/\1/p' "$out" | head -n 1)
        [ -n "$ir" ] || ir=$(sed -n 's/^totals: *\([0-9]*\).*/\1/p' "$out" | head -n 1)
        awk -v v="$variant" -v f="$fig" -v ir="$ir" -v r="$replies" \
            'BEGIN { printf "%-12s %-20s %14d %12d %10.1f\n", v, f, ir, r, ir / r }'
    done
done
