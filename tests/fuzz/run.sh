#!/bin/sh
# SPDX-License-Identifier: MIT
# Build the libFuzzer targets with clang (ASan + UBSan) in their own build dir and
# run each for a bounded time, starting from its seed corpus. Exits non-zero when a
# target crashes or breaks a property; the input that did it is left in the
# artifact dir (copy it to tests/fuzz/corpus/<target>/repro-<what> and it becomes
# a regression test).
#
#   tests/fuzz/run.sh SRCDIR [SECONDS]      SECONDS in total, default 60
#
# Environment: FUZZ_BUILD_DIR (default /tmp/smtpreply-fuzz-build-$USER),
# FUZZ_WORK_DIR (new corpus units and artifacts; default a temp dir, removed
# when every target passed),
# CC (default clang).
set -eu

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
    echo "usage: $0 SRCDIR [SECONDS]" >&2
    exit 2
fi
src=$(cd "$1" && pwd)
total=${2:-60}
build=${FUZZ_BUILD_DIR:-/tmp/smtpreply-fuzz-build-$(id -un)}
if [ -n "${FUZZ_WORK_DIR:-}" ]; then
    work=$FUZZ_WORK_DIR
    keep=1
else
    work=$(mktemp -d "${TMPDIR:-/tmp}/smtpreply-fuzz.XXXXXX")
    keep=0
fi
mkdir -p "$work"
CC=${CC:-clang}
export CC

if ! command -v "$CC" >/dev/null 2>&1; then
    echo "fuzz: SKIP: $CC not found; libFuzzer needs clang" >&2
    exit 77
fi

# Reconfigure every time, so that option changes in the tree take effect.
if [ -f "$build/build.ninja" ]; then
    setup="meson setup --reconfigure"
else
    setup="meson setup"
fi
$setup "$build" "$src" -Dfuzz=enabled -Dtests=disabled -Dexamples=true \
    -Ddocs=disabled -Dbuildtype=debugoptimized >"$work/setup.log" 2>&1 ||
    { cat "$work/setup.log" >&2; exit 1; }

# Every fuzz_<target>.c that tests/fuzz/meson.build turned into a target.
all=$(ninja -C "$build" -t targets all 2>/dev/null | sed -n 's|^tests/fuzz/fuzz_\([a-z0-9_]*\): .*|\1|p')
targets=""
for f in "$src"/tests/fuzz/fuzz_*.c; do
    t=$(basename "$f" .c)
    t=${t#fuzz_}
    if echo "$all" | grep -qx "$t"; then
        targets="$targets $t"
    fi
done
# shellcheck disable=SC2086
set -- $targets
[ $# -gt 0 ] || { echo "fuzz: no target to build" >&2; exit 1; }
per=$((total / $#))
[ "$per" -ge 5 ] || per=5

exes=""
for t in $targets; do exes="$exes tests/fuzz/fuzz_$t"; done
# shellcheck disable=SC2086
ninja -C "$build" $exes >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }

export ASAN_OPTIONS="abort_on_error=1:detect_leaks=1:allocator_may_return_null=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
status=0
for t in $targets; do
    mkdir -p "$work/$t/corpus" "$work/$t/artifacts"
    start=$(date +%s)
    seeds="$src/tests/fuzz/corpus/$t"
    [ -d "$seeds" ] || seeds=""
    # shellcheck disable=SC2086
    if "$build/tests/fuzz/fuzz_$t" "$work/$t/corpus" $seeds \
            -dict="$src/tests/fuzz/smtp.dict" -max_total_time="$per" -timeout=5 \
            -rss_limit_mb=2048 -max_len=8192 -print_final_stats=1 \
            -artifact_prefix="$work/$t/artifacts/" >"$work/$t/log" 2>&1; then
        runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$t/log")
        echo "fuzz $t: ok, ${runs:-?} runs in $(( $(date +%s) - start ))s"
    else
        echo "fuzz $t: FAILED (log $work/$t/log, artifacts $work/$t/artifacts/)"
        grep -E 'ERROR|SUMMARY|check failed|log differs|runtime error' "$work/$t/log" | head -20
        status=1
    fi
done
# A temporary work dir goes away when all went well; on failure it holds the
# crashing inputs.
[ "$status" -ne 0 ] || [ "$keep" -eq 1 ] || rm -rf "$work"
exit $status
