#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Run every check of smtpreply, in order, and stop at the first failure:
#
#   deps      install the build and test tools with apt (root, or sudo) if missing
#   gcc       gcc build with -Werror, every meson test (Check summaries shown)
#   clang     clang build with -Werror and -Dsimd=false (the portable scalar scan
#             and fast path, so they are tested on every run), every meson test
#   asan      AddressSanitizer + UndefinedBehaviorSanitizer build, every meson test
#   abi       exported symbols vs lib/smtpreply.sym, SONAME, no allocator imports,
#             every library unit present
#   docs      Doxygen over the public header, any warning is an error
#   install   meson install into a scratch prefix; an outside program built with
#             pkg-config (shared and --static) and with CMake find_package; man pages
#   python    the Python package: its demo from the source tree, the module with a
#             library installed in the prefix, then a wheel built by pip (Debian's
#             meson-python, no network) installed into a fresh virtual environment
#             and the pytest suite there, with no SMTPREPLY_LIB and no build folder
#   wasm      the WebAssembly cross build (wasm/wasm32-wasi.ini): the parser's
#             tables under Node's WASI, equal to the native build's; the npm
#             package packed, installed into an empty folder and tested with
#             node --test, and in headless Chromium
#   jsbench   what needs the npm registry (installed into a scratch folder, never
#             a dependency of the package): smtpreply.d.ts type-checked with tsc
#             --strict; ns/reply of the package and of smtp-channel and
#             nodemailer, in one run
#   then, each only if its script exists: integration (real Exim), fuzz,
#   valgrind, static (cppcheck, clang-tidy), neon (aarch64 cross build under qemu)
#
# The last line is "N passed, N failed, N skipped" over these steps.
# Usage: tools/test-all.sh [STEP...]   (no STEP: all of them, in the order above)
# Build folders: build-gcc, build-clang, build-asan, build-wasm, build-install under the
# source tree (SMTPREPLY_BUILD_ROOT puts them elsewhere).

set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
OUT=${SMTPREPLY_BUILD_ROOT:-$ROOT}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
B_GCC=$OUT/build-gcc
B_CLANG=$OUT/build-clang
B_ASAN=$OUT/build-asan
B_WASM=$OUT/build-wasm
SCRATCH=$OUT/build-install
PREFIX=$SCRATCH/prefix

PACKAGES=(meson ninja-build check doxygen pkg-config gcc g++ clang libclang-rt-14-dev llvm
          valgrind cppcheck clang-tidy python3 cmake libssl-dev binutils man-db
          python3-venv python3-mesonpy python3-pytest
          lld wasi-libc libclang-rt-14-dev-wasm32 nodejs chromium
          openssl)  # openssl: throwaway certificates for tests/probe/test_hostile.py

passed=0
failed=0
skipped=0
t_all=$(date +%s)

say() { printf '%s\n' "$*"; }
banner() { printf '\n==== %s ====\n' "$*"; }

summary() {
    say ""
    say "test-all: $(( $(date +%s) - t_all ))s in all"
    say "$passed passed, $failed failed, $skipped skipped"
}

# run_step NAME COMMAND [ARGS...]: announce, time, count; stop everything on failure.
# The command runs in a subshell with set -e, so its first failing line fails it.
run_step() {
    local name=$1 t0 rc
    shift
    banner "step $name"
    t0=$(date +%s)
    ( set -e; "$@" )
    rc=$?
    if [ "$rc" -eq 0 ]; then
        passed=$((passed + 1))
        say "---- step $name: ok ($(( $(date +%s) - t0 ))s)"
    else
        failed=$((failed + 1))
        say "---- step $name: FAILED (exit $rc after $(( $(date +%s) - t0 ))s)"
        say "test-all: stopping at the first failure; see the log of step '$name' above."
        summary
        exit 1
    fi
}

# run_optional NAME SCRIPT [ARGS...]: a step that runs once its script exists.
run_optional() {
    local name=$1 script=$2
    shift 2
    if [ -f "$script" ]; then
        run_step "$name" bash "$script" "$@"
    else
        banner "step $name"
        say "---- step $name: skipped ($script does not exist yet)"
        skipped=$((skipped + 1))
    fi
}

as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    else
        sudo -n "$@"
    fi
}

step_deps() {
    local missing=() p
    for p in "${PACKAGES[@]}"; do
        if ! dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$'; then
            missing+=("$p")
        fi
    done
    if [ ${#missing[@]} -eq 0 ]; then
        say "all ${#PACKAGES[@]} packages present: ${PACKAGES[*]}"
        return 0
    fi
    say "missing packages: ${missing[*]}"
    if [ "$(id -u)" -ne 0 ] && ! { command -v sudo >/dev/null && sudo -n true 2>/dev/null; }; then
        say "NOTE: not root and no password-less sudo: not installing; later steps may fail."
        return 0
    fi
    export DEBIAN_FRONTEND=noninteractive
    as_root apt-get -o DPkg::Lock::Timeout=600 update -q
    as_root apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends "${missing[@]}"
}

# setup DIR ARGS...: configure a build folder, or reconfigure one that exists.
setup() {
    local dir=$1
    shift
    if [ -f "$dir/meson-private/coredata.dat" ]; then
        meson setup --reconfigure "$@" "$dir" "$ROOT"
    else
        rm -rf "$dir"
        meson setup "$@" "$dir" "$ROOT"
    fi
}

build_and_test() {
    local dir=$1
    shift
    setup "$dir" "$@"
    meson compile -C "$dir"
    meson test -C "$dir" --print-errorlogs -v
}

step_gcc() {
    CC=gcc CXX=g++ build_and_test "$B_GCC" -Dwerror=true -Dtests=enabled -Ddocs=enabled \
        --buildtype=debugoptimized --prefix="$PREFIX" --libdir=lib
}

step_clang() {
    CC=clang CXX=clang++ build_and_test "$B_CLANG" -Dwerror=true -Dtests=enabled \
        -Ddocs=disabled --buildtype=debugoptimized -Dsimd=false
}

step_asan() {
    export ASAN_OPTIONS=abort_on_error=1:detect_leaks=1:strict_string_checks=1
    export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
    CC=gcc CXX=g++ build_and_test "$B_ASAN" -Dwerror=true -Dtests=enabled -Ddocs=disabled \
        -Db_sanitize=address,undefined -Db_lundef=false --buildtype=debugoptimized \
        -Dc_args=-fno-sanitize-recover=all -Dcpp_args=-fno-sanitize-recover=all
}

step_abi() {
    # lib/meson.build builds whichever units exist; a release needs every one.
    local units u missing=0
    units=$(sed -n '/^lib_candidates = \[/,/\]/p' lib/meson.build | grep -o "'[a-z0-9_]*\.c'" | tr -d "'")
    [ -n "$units" ] || { say "could not read lib_candidates from lib/meson.build"; return 1; }
    for u in $units; do
        if [ ! -f "lib/$u" ]; then
            say "MISSING library unit: lib/$u"
            missing=1
        fi
    done
    [ "$missing" -eq 0 ] || return 1
    say "all library units present: $(echo $units)"
    meson test -C "$B_GCC" --suite abi --print-errorlogs -v
    # The same checks on the clang-built library, when that step ran.
    if [ -d "$B_CLANG" ]; then
        meson test -C "$B_CLANG" --suite abi --print-errorlogs
    fi
}

step_docs() {
    rm -rf "$B_GCC/docs/html"
    meson compile -C "$B_GCC" docs
    test -f "$B_GCC/docs/html/index.html"
    grep -q 'User guide' "$B_GCC/docs/html/pages.html"
    say "HTML reference: $B_GCC/docs/html/index.html"
}

step_install() {
    local pc libdir work cflags libs t man
    rm -rf "$PREFIX"
    meson install -C "$B_GCC" --quiet
    pc=$(find "$PREFIX" -name smtpreply.pc | head -n 1)
    test -n "$pc"
    libdir=$(dirname "$(dirname "$pc")")
    work=$SCRATCH/consumer
    rm -rf "$work"
    mkdir -p "$work"
    for f in include/smtpreply.h "$(basename "$libdir")/libsmtpreply.a" \
             "$(basename "$libdir")/libsmtpreply.so.0"; do
        test -e "$PREFIX/$f" || { say "not installed: $f"; return 1; }
    done

    export PKG_CONFIG_PATH=$(dirname "$pc")
    cflags=$(pkg-config --cflags smtpreply)
    libs=$(pkg-config --libs smtpreply)
    say "pkg-config --cflags --libs smtpreply: $cflags $libs"
    # shellcheck disable=SC2086
    cc -std=c99 -Wall -Wextra -Werror tests/install/consumer.c $cflags $libs -o "$work/shared"
    LD_LIBRARY_PATH=$libdir ldd "$work/shared" | grep -F "$libdir/libsmtpreply.so.0"
    LD_LIBRARY_PATH=$libdir "$work/shared"

    libs=$(pkg-config --static --libs smtpreply)
    say "pkg-config --static --cflags --libs smtpreply: $cflags $libs"
    # shellcheck disable=SC2086
    cc -static -std=c99 -Wall -Wextra -Werror tests/install/consumer.c $cflags $libs -o "$work/static"
    if readelf -d "$work/static" | grep -q NEEDED; then
        say "the --static program still needs shared libraries"
        return 1
    fi
    "$work/static"

    cmake -S tests/install -B "$work/cmake" -DCMAKE_PREFIX_PATH="$PREFIX" -DCMAKE_BUILD_TYPE=Release
    cmake --build "$work/cmake"
    LD_LIBRARY_PATH=$libdir "$work/cmake/consumer_shared"
    "$work/cmake/consumer_static"

    # Every installed tool has a man page that man can find and render.
    test -d "$PREFIX/bin" || { say "no tools installed in $PREFIX/bin"; return 1; }
    for t in "$PREFIX"/bin/*; do
        t=$(basename "$t")
        man=$PREFIX/share/man/man1/$t.1
        test -f "$man" || { say "no man page for $t ($man)"; return 1; }
        MANWIDTH=80 man -l "$man" >"$work/$t.txt"
        grep -q "$t" "$work/$t.txt"
        say "man page for $t: $(wc -l <"$work/$t.txt") lines"
    done
    MANPATH=$PREFIX/share/man MANPAGER=cat MANWIDTH=80 man smtp-explain | head -n 12
    # The installed tools run against the installed library.
    printf '250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 End data\r\n' |
        LD_LIBRARY_PATH=$libdir "$PREFIX/bin/smtp-parse" >"$work/parse.out"
    cat "$work/parse.out"
    test "$(grep -c '"code"' "$work/parse.out")" -eq 3
}

step_python() {
    local libdir copy venv fresh dist whl
    SMTPREPLY_LIB=$B_GCC/lib/libsmtpreply.so.0 python3 examples/ffi/python/demo.py
    # The module alone, from outside the source tree, finding the library
    # installed in the prefix through the system search path.
    libdir=$(dirname "$(find "$PREFIX" -name libsmtpreply.so.0 | head -n 1)")
    copy=$SCRATCH/python
    rm -rf "$copy"
    mkdir -p "$copy"
    cp -r python/smtpreply "$copy/"
    (cd "$copy" && env -u SMTPREPLY_LIB LD_LIBRARY_PATH="$libdir" python3 -c '
import smtpreply, sys
smtpreply.load()
print("module loaded", smtpreply.LIBRARY_PATH, "version", smtpreply.version())
sys.exit(0 if smtpreply.LIBRARY_PATH else 1)')

    # The package as pip builds it. Debian's python3 has meson-python; PyPI is out
    # of reach, so: no build isolation, no index.
    venv=$SCRATCH/venv-build
    fresh=$SCRATCH/venv-test
    dist=$SCRATCH/dist
    rm -rf "$venv" "$fresh" "$dist"
    /usr/bin/python3 -m venv --system-site-packages "$venv"
    "$venv/bin/pip" wheel --quiet --no-build-isolation --no-deps --no-index -w "$dist" "$ROOT"
    whl=$(ls "$dist"/smtpreply-*.whl)
    say "wheel: $(basename "$whl")"
    /usr/bin/python3 -m zipfile -l "$whl"
    /usr/bin/python3 -m venv --system-site-packages "$fresh"
    "$fresh/bin/pip" install --quiet --no-index --no-deps "$whl"
    # From a folder outside the tree, nothing on the path but the venv.
    (cd "$SCRATCH" && env -u SMTPREPLY_LIB -u PYTHONPATH -u LD_LIBRARY_PATH \
        "$fresh/bin/python" -c "import smtpreply; print(smtpreply.version())")
    (cd "$SCRATCH" && env -u SMTPREPLY_LIB -u PYTHONPATH -u LD_LIBRARY_PATH "$fresh/bin/python" -c '
import os, sys, smtpreply
smtpreply.load()
here = os.path.dirname(smtpreply.__file__)
assert sys.prefix != sys.base_prefix and here.startswith(sys.prefix + os.sep), here
assert smtpreply.LIBRARY_PATH == os.path.join(here, "libsmtpreply.so.0"), smtpreply.LIBRARY_PATH
print("installed package", here, "loads", smtpreply.LIBRARY_PATH)')
    printf '250 2.1.0 Ok\r\n550 5.1.1 <a@example.test>: User unknown\r\n' |
        (cd "$SCRATCH" && env -u SMTPREPLY_LIB "$fresh/bin/python" -m smtpreply --command RCPT)
    # The test suite, against the installed package; layout.c's program and
    # smtp-parse come from the gcc build as comparison references only.
    (cd "$SCRATCH" && env -u SMTPREPLY_LIB -u PYTHONPATH -u LD_LIBRARY_PATH \
        SMTPREPLY_SRCDIR="$ROOT" SMTPREPLY_LAYOUT_EXE="$B_GCC/tests/ffi/ffi_layout" \
        SMTPREPLY_PARSE_TOOL="$B_GCC/examples/smtp-parse" \
        "$fresh/bin/python" -m pytest -p no:cacheprovider -rs "$ROOT/tests/ffi/test_python.py")
}

# Node's npm: Debian's nodejs package lacks it (NodeSource's has it).
need_npm() {
    if ! command -v npm >/dev/null; then
        export DEBIAN_FRONTEND=noninteractive
        as_root apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends npm
    fi
}

step_wasm() {
    need_npm
    setup "$B_WASM" --cross-file "$ROOT/wasm/wasm32-wasi.ini" --buildtype=release -Dwerror=true
    meson compile -C "$B_WASM"
    meson test -C "$B_WASM" --print-errorlogs -v
}

step_jsbench() {
    need_npm
    test -f "$B_WASM/js/smtpreply.wasm" || { say "run step wasm first"; return 1; }
    bash js/test/types.sh "$B_WASM/js" "$SCRATCH/jsbench"
    bash js/bench/run.sh "$B_WASM/js" "$SCRATCH/jsbench" 4
}

ALL=(deps gcc clang asan abi docs install python wasm jsbench integration fuzz valgrind static neon)
if [ $# -gt 0 ]; then
    STEPS=("$@")
else
    STEPS=("${ALL[@]}")
fi

say "smtpreply test-all: $(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo 'no git'), $(nproc) cores"
say "steps: ${STEPS[*]}"
for s in "${STEPS[@]}"; do
    case $s in
    deps | gcc | clang | asan | abi | docs | install | python | wasm | jsbench) run_step "$s" "step_$s" ;;
    integration) run_optional integration tests/integration/run-exim.sh "$B_GCC" ;;
    fuzz) FUZZ_BUILD_DIR=${FUZZ_BUILD_DIR:-$OUT/build-fuzz} run_optional fuzz tests/fuzz/run.sh "$ROOT" 60 ;;
    valgrind) run_optional valgrind tests/valgrind/run.sh "$B_GCC" ;;
    static) STATIC_BUILD_DIR=${STATIC_BUILD_DIR:-$OUT/build-static} run_optional static tests/static/run.sh "$ROOT" ;;
    neon) NEON_BUILD_DIR=${NEON_BUILD_DIR:-$OUT/build-neon} run_optional neon tests/cross/neon.sh "$ROOT" ;;
    *)
        say "unknown step '$s'; steps are: ${ALL[*]}"
        exit 2
        ;;
    esac
done
summary
[ "$failed" -eq 0 ]
