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
# by the corpus's reply count; then once more with collection on only inside the
# library's entry points the figure calls ("library/reply": the benchmark's own
# loop left out). Needs valgrind and python3.
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

# figure name in bench.c, the function that runs it, and the library's entry points
# it calls (the library's share of the count leaves out the benchmark's own loop)
figures="read-bytes:run_read: memchr-lines:run_memchr: parse:run_parse:smtpreply_parser_feed
parse+classify:run_classify:smtpreply_parser_feed,smtpreply_classify
parse+ehlo:run_ehlo:smtpreply_parser_feed,smtpreply_ehlo_parse
parse-many:run_parse_many:smtpreply_parser_feed_many
parse-many+classify:run_classify_many:smtpreply_parser_feed_many,smtpreply_classify"

# Instructions counted in a callgrind output file.
count() {
    ir=$(sed -n 's/^summary: *\([0-9]*\).*/\1/p' "$1" | head -n 1)
    [ -n "$ir" ] || ir=$(sed -n 's/^totals: *\([0-9]*\).*/\1/p' "$1" | head -n 1)
    echo "$ir"
}

printf '%-12s %-20s %14s %12s %10s %12s\n' variant figure instructions replies "Ir/reply" \
    "library/reply"
for variant in mixed ehlo-heavy; do
    corpus=$tmp/$variant.txt
    python3 "$here/gen_corpus.py" "$corpus" --variant "$variant" \
        --size $((mib * 1048576)) --quiet
    replies=$(sed -n 's/^ *"replies": *\([0-9]*\),*$/\1/p' "$corpus.meta.json" | head -n 1)
    for triple in $figures; do
        fig=${triple%%:*}
        rest=${triple#*:}
        fn=${rest%%:*}
        entries=${rest#*:}
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
        ir=$(count "$out")
        lib=0
        if [ -n "$entries" ]; then
            toggles=""
            for e in $(echo "$entries" | tr ',' ' '); do
                toggles="$toggles --toggle-collect=$e"
            done
            # shellcheck disable=SC2086
            valgrind --tool=callgrind --callgrind-out-file="$out.lib" $toggles \
                "$bench" --only "$fig" "$corpus" >"$tmp/log" 2>&1 || { cat "$tmp/log" >&2; exit 1; }
            lib=$(count "$out.lib")
        fi
        awk -v v="$variant" -v f="$fig" -v ir="$ir" -v r="$replies" -v lib="$lib" \
            'BEGIN { printf "%-12s %-20s %14d %12d %10.1f %12.1f\n", v, f, ir, r, ir / r, lib / r }'
    done
done
