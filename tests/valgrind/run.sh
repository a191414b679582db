#!/bin/sh
# SPDX-License-Identifier: MIT
# Run every unit test executable and every fuzz replay of a normal (non-sanitizer)
# build (the 'unit' and 'fuzz' suites, but test_noalloc) under valgrind memcheck:
# any invalid read or write, use of uninitialised memory or definite leak fails.
#
#   tests/valgrind/run.sh BUILDDIR [MESON-TEST-ARGS...]
#
# meson runs the tests with their arguments and environment, valgrind as the
# wrapper. Check forks a child per test by default, which valgrind would not
# follow into: CK_FORK=no keeps each suite in one process.
set -eu

if [ $# -lt 1 ]; then
    echo "usage: $0 BUILDDIR [MESON-TEST-ARGS...]" >&2
    exit 2
fi
build=$1
shift
if ! command -v valgrind >/dev/null 2>&1; then
    echo "valgrind: SKIP: valgrind is not installed" >&2
    exit 77
fi
sanitize=$(meson introspect --buildoptions "$build" 2>/dev/null |
    python3 -c 'import json,sys; print([o["value"] for o in json.load(sys.stdin) if o["name"]=="b_sanitize"][0])' 2>/dev/null || echo none)
if [ "$sanitize" != "none" ]; then
    echo "valgrind: $build is built with -fsanitize=$sanitize; use a normal build" >&2
    exit 2
fi

export CK_FORK=no
# test_split cuts each input at every 7th offset here instead of every one (see
# cut_stride() there): memcheck runs it about 40 times slower, and the other
# builds cut at every offset.
export SMTPREPLY_TEST_CUT_STRIDE=7
# test_noalloc interposes malloc to prove the library never calls it; valgrind
# replaces malloc itself, so that one proof cannot run under it.
skip="noalloc"
tests=$(meson test -C "$build" --list --suite unit --suite fuzz 2>/dev/null |
    sed -n 's|^[^ ]* / ||p' | grep -vx "$skip")
[ -n "$tests" ] || { echo "valgrind: no tests found in $build" >&2; exit 1; }
wrapper="valgrind --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite --quiet"
# shellcheck disable=SC2086
if meson test -C "$build" --wrapper "$wrapper" --timeout-multiplier 20 --print-errorlogs \
        "$@" $tests; then
    echo "valgrind: clean ($(echo $tests | wc -w) test programs; skipped: $skip)"
else
    echo "valgrind: UNCLEAN (see $build/meson-logs/testlog-valgrind.txt)"
    exit 1
fi
