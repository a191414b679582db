#!/bin/sh
# SPDX-License-Identifier: MIT
# Static analysis of lib/: cppcheck (warning, performance, portability) and
# clang-tidy with the checks in the repository's .clang-tidy, on the compile
# commands of a meson build dir of its own. Both must be clean; exits non-zero
# on any finding.
#
#   tests/static/run.sh SRCDIR        (a meson build dir is accepted too)
#
# Environment: STATIC_BUILD_DIR (default /tmp/smtpreply-static-build-$USER).
set -eu

if [ $# -ne 1 ]; then
    echo "usage: $0 SRCDIR" >&2
    exit 2
fi
# SRCDIR is the tree to check; given a meson build dir instead, check the tree
# this script belongs to (the build dir's compile commands are not used: a clang
# build dir of our own keeps them free of gcc-only options).
if [ -f "$1/meson.build" ] && [ -d "$1/lib" ]; then
    src=$(cd "$1" && pwd)
else
    src=$(cd "$(dirname "$0")/../.." && pwd)
fi
build=${STATIC_BUILD_DIR:-/tmp/smtpreply-static-build-$(id -un)}
status=0

for tool in cppcheck clang-tidy meson; do
    command -v "$tool" >/dev/null 2>&1 || { echo "static: SKIP: $tool is not installed" >&2; exit 77; }
done

cd "$src"

# clang-tidy reads the flags of each file from compile_commands.json; a clang
# build dir keeps them free of gcc-only options. The tables lib/ includes are
# made at build time, so they are built before clang-tidy reads lib/.
if [ -f "$build/build.ninja" ]; then
    setup="meson setup --reconfigure"
else
    setup="meson setup"
fi
CC=${CC:-clang} $setup "$build" "$src" -Dtests=disabled -Dexamples=true -Ddocs=disabled \
    >"$build.setup.log" 2>&1 || { cat "$build.setup.log" >&2; exit 1; }
meson compile -C "$build" >"$build.compile.log" 2>&1 || { cat "$build.compile.log" >&2; exit 1; }

# Both read the tables and the version header the build made.
if cppcheck --enable=warning,performance,portability --error-exitcode=1 --inline-suppr \
        --std=c99 -q -I include -I "$build/include" -I "$build/lib" lib/; then
    echo "cppcheck: clean"
else
    echo "cppcheck: FINDINGS"
    status=1
fi
if clang-tidy -p "$build" --quiet lib/*.c 2>"$build.tidy.err"; then
    echo "clang-tidy: clean"
else
    grep -v -e "warnings\? \(and [0-9]* errors\? \)\?generated" -e "^Error while processing" "$build.tidy.err" >&2 || true
    echo "clang-tidy: FINDINGS"
    status=1
fi
exit $status
