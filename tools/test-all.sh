#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Run every check of smtpreply, in order, and stop at the first failure:
#
#   deps        install the build and test tools with apt (root, or password-less
#               sudo) when missing; a normal user is told what is missing
#   gcc         gcc build with -Werror and docs, every meson test
#   clang       clang build with -Werror and -Dsimd=false (the portable scalar scan
#               and fast path, so they are tested on every run), every meson test
#   asan        AddressSanitizer + UndefinedBehaviorSanitizer build, every meson test
#   abi         exported symbols vs lib/smtpreply.sym, SONAME, no allocator imports
#   docs        Doxygen over the public header and docs/, any warning is an error
#   install     meson install into a scratch prefix; an outside program built with
#               pkg-config (shared and --static) and with CMake find_package; man pages
#   python      the Python package: its demo from the source tree, the module with a
#               library installed in the prefix, then a wheel built by pip (Debian's
#               meson-python, no network) installed into a fresh virtual environment
#               and the pytest suite there, with no SMTPREPLY_LIB and no build folder
#   wasm        the WebAssembly cross build (wasm/wasm32-wasi.ini): the parser's
#               tables under Node's WASI, equal to the native build's; the npm
#               package packed, installed into an empty folder and tested with
#               node --test, and in headless Chromium
#   site        the reference site from the gcc build's smtp-site, with the wasm
#               step's npm package for its paste page: every page and link, tidy
#               on every page, headless Chromium at 1280 and 390 px
#   jsbench     what needs the npm registry (installed into a scratch folder, never
#               a dependency of the package): smtpreply.d.ts type-checked with tsc
#               --strict; ns/reply of the package and of smtp-channel and
#               nodemailer, in one run
#   variants    -Ddefault_library=static and =shared builds, unit and abi tests
#   dist        meson dist: the tarball of the committed tree, built and tested
#   subproject  a small project that uses smtpreply as a meson subproject
#   data-po     on a copy of the tree: a changed data row changes the library,
#               and a new po/xx.po with three strings is shown by smtp-explain
#   readme      README.md's commands in the order written, on a fresh git clone
#               of this checkout (tests/readme/readme_test.py): each must work,
#               and each sample output block must equal what its command prints
#               (after the gcc step, its test-suite line is not run a second time)
#   integration smtp-probe and smtp-parse against a real Exim (root: installs it)
#   fuzz        every libFuzzer target for a bounded time (clang)
#   valgrind    every unit test and fuzz replay under memcheck
#   static      cppcheck and clang-tidy on lib/
#   neon        aarch64 cross build whose tests run under qemu (root: installs it)
#
# A step that cannot run here (it needs root, or a package is missing and this
# user cannot install it) says why and is counted as skipped, not failed. When
# this user can install packages (root, or password-less sudo, as in CI), every
# step must run: a skipped step fails, and so does a meson test that was skipped
# (meson counts a test that exits 77 as skipped).
#
# The last line is "N passed, N failed, N skipped" over these steps.
# Usage: tools/test-all.sh [STEP...]   (no STEP: all of them, in the order above)
# Build folders: build-<step> under the source tree (SMTPREPLY_BUILD_ROOT puts them
# elsewhere).

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
          valgrind cppcheck clang-tidy python3 cmake libssl-dev binutils man-db git
          python3-venv python3-mesonpy python3-pytest
          lld wasi-libc libclang-rt-14-dev-wasm32 nodejs chromium tidy
          openssl)  # openssl: throwaway certificates for tests/probe/test_hostile.py

passed=0
failed=0
skipped=0
skipped_steps=()
passed_steps=()
t_all=$(date +%s)

say() { printf '%s\n' "$*"; }
banner() { printf '\n==== %s ====\n' "$*"; }

summary() {
    say ""
    say "test-all: $(( $(date +%s) - t_all ))s in all"
    if [ ${#skipped_steps[@]} -gt 0 ]; then
        say "skipped: ${skipped_steps[*]}"
    fi
    say "$passed passed, $failed failed, $skipped skipped"
}

# Can this user install what a step needs (root, or sudo without a password)?
can_install() {
    [ "$(id -u)" -eq 0 ] || { command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; }
}

as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    else
        sudo -n "$@"
    fi
}

installed() {
    # Without dpkg (not Debian or Ubuntu) nothing can be checked: assume present.
    command -v dpkg-query >/dev/null 2>&1 || return 0
    dpkg-query -W -f='${Status}\n' "$1" 2>/dev/null | grep -q '^install ok installed$'
}

missing_packages() {
    local p out=()
    for p in "$@"; do
        installed "$p" || out+=("$p")
    done
    printf '%s\n' "${out[*]:-}"
}

# need PACKAGE...: inside a step, exit 77 (skipped) when one is not installed.
need() {
    local m
    m=$(missing_packages "$@")
    if [ -n "$m" ]; then
        say "SKIP: needs the packages: $m (not installed; run as root to install them)"
        exit 77
    fi
}

# run_step NAME COMMAND [ARGS...]: announce, time, count; stop everything on failure.
# The command runs in a subshell with set -e, so its first failing line fails it.
# Exit status 77 means "cannot run here": skipped, unless this user could have
# installed what it needs.
run_step() {
    local name=$1 t0 rc
    shift
    banner "step $name"
    t0=$(date +%s)
    ( set -e; "$@" )
    rc=$?
    if [ "$rc" -eq 77 ] && ! can_install; then
        skipped=$((skipped + 1))
        skipped_steps+=("$name")
        say "---- step $name: skipped ($(( $(date +%s) - t0 ))s)"
        return 0
    fi
    if [ "$rc" -eq 77 ]; then
        say "step $name could not run although this user can install what it needs"
        rc=1
    fi
    if [ "$rc" -eq 0 ]; then
        passed=$((passed + 1))
        passed_steps+=("$name")
        say "---- step $name: ok ($(( $(date +%s) - t0 ))s)"
    else
        failed=$((failed + 1))
        say "---- step $name: FAILED (exit $rc after $(( $(date +%s) - t0 ))s)"
        say "test-all: stopping at the first failure; see the log of step '$name' above."
        summary
        exit 1
    fi
}

# step_passed NAME: the step NAME has passed earlier in this run.
step_passed() {
    local s
    for s in "${passed_steps[@]:+${passed_steps[@]}}"; do
        [ "$s" != "$1" ] || return 0
    done
    return 1
}

step_deps() {
    local missing
    missing=$(missing_packages "${PACKAGES[@]}")
    if [ -z "$missing" ]; then
        say "all ${#PACKAGES[@]} packages present: ${PACKAGES[*]}"
        return 0
    fi
    say "missing packages: $missing"
    if ! can_install; then
        say "SKIP: not root and no password-less sudo: not installing; steps that need them are skipped"
        exit 77
    fi
    export DEBIAN_FRONTEND=noninteractive
    as_root apt-get -o DPkg::Lock::Timeout=600 update -q
    # shellcheck disable=SC2086
    as_root apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends $missing
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

# meson_test DIR [ARGS...]: run meson test; a skipped test fails the step when
# every package this script installs is present (nothing had a reason to skip).
meson_test() {
    local dir=$1 log n
    shift
    log=$dir/meson-logs/test-all.log
    meson test -C "$dir" --print-errorlogs "$@" 2>&1 | tee "$log"
    [ "${PIPESTATUS[0]}" -eq 0 ] || return 1
    n=$(sed -n 's/^Skipped: *\([0-9]*\).*/\1/p' "$log" | tail -n 1)
    if [ "${n:-0}" -gt 0 ]; then
        grep -E '^ *[0-9]+/[0-9]+ .* SKIP' "$log" || true
        if [ -z "$(missing_packages "${PACKAGES[@]}")" ]; then
            say "$n test(s) skipped although every package test-all installs is present"
            return 1
        fi
        say "note: $n test(s) skipped; packages missing: $(missing_packages "${PACKAGES[@]}")"
    fi
}

build_and_test() {
    local dir=$1
    shift
    setup "$dir" "$@"
    meson compile -C "$dir"
    meson_test "$dir" -v
}

step_gcc() {
    need meson ninja-build gcc g++ check pkg-config python3 doxygen
    CC=gcc CXX=g++ build_and_test "$B_GCC" -Dwerror=true -Dtests=enabled -Ddocs=enabled \
        -Dsite=disabled --buildtype=debugoptimized --prefix="$PREFIX" --libdir=lib
}

step_clang() {
    need meson ninja-build clang check pkg-config python3
    # The site's tests run in the site step (and, without the browser, under ASan).
    CC=clang CXX=clang++ build_and_test "$B_CLANG" -Dwerror=true -Dtests=enabled \
        -Ddocs=disabled -Dsite=disabled --buildtype=debugoptimized -Dsimd=false
}

step_asan() {
    need meson ninja-build gcc g++ check pkg-config python3
    export ASAN_OPTIONS=abort_on_error=1:detect_leaks=1:strict_string_checks=1
    export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
    CC=gcc CXX=g++ build_and_test "$B_ASAN" -Dwerror=true -Dtests=enabled -Ddocs=disabled \
        -Db_sanitize=address,undefined -Db_lundef=false --buildtype=debugoptimized \
        -Dc_args=-fno-sanitize-recover=all -Dcpp_args=-fno-sanitize-recover=all
}

# The steps after gcc work on its build folder: skipped with it, failed without it.
need_gcc_build() {
    local s
    [ ! -f "$B_GCC/build.ninja" ] || return 0
    for s in "${skipped_steps[@]:+${skipped_steps[@]}}"; do
        if [ "$s" = gcc ]; then
            say "SKIP: the gcc step was skipped, and this step uses its build"
            exit 77
        fi
    done
    say "$B_GCC is not built: run the gcc step first"
    return 1
}

step_abi() {
    need binutils
    need_gcc_build
    meson_test "$B_GCC" --suite abi -v
    # The same checks on the clang-built library, when that step ran.
    if [ -f "$B_CLANG/build.ninja" ]; then
        meson_test "$B_CLANG" --suite abi
    fi
}

step_docs() {
    need doxygen
    need_gcc_build
    rm -rf "$B_GCC/docs/html"
    meson compile -C "$B_GCC" docs
    test -f "$B_GCC/docs/html/index.html"
    grep -q 'User guide' "$B_GCC/docs/html/pages.html"
    grep -q 'Translating smtpreply' "$B_GCC/docs/html/pages.html"
    grep -q 'Design and contracts' "$B_GCC/docs/html/pages.html"
    say "HTML reference: $B_GCC/docs/html/index.html"
}

step_install() {
    local pc libdir work cflags libs t man
    need cmake pkg-config man-db gcc binutils
    need_gcc_build
    rm -rf "$PREFIX"
    meson install -C "$B_GCC" --quiet
    pc=$(find "$PREFIX" -name smtpreply.pc | head -n 1)
    test -n "$pc"
    libdir=$(dirname "$(dirname "$pc")")
    work=$SCRATCH/consumer
    rm -rf "$work"
    mkdir -p "$work"
    for f in include/smtpreply.h include/smtpreply_version.h \
             "$(basename "$libdir")/libsmtpreply.a" "$(basename "$libdir")/libsmtpreply.so.0"; do
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
    need python3 python3-venv python3-mesonpy python3-pytest
    need_gcc_build
    SMTPREPLY_LIB=$B_GCC/lib/libsmtpreply.so.0 python3 examples/ffi/python/demo.py
    # The module alone, from outside the source tree, finding the library
    # installed in the prefix through the system search path.
    libdir=$(dirname "$(find "$PREFIX" -name libsmtpreply.so.0 | head -n 1)")
    test -n "$libdir" || { say "no installed library in $PREFIX: run the install step first"; return 1; }
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
        if ! can_install; then
            say "SKIP: needs npm (not installed; run as root to install it)"
            exit 77
        fi
        export DEBIAN_FRONTEND=noninteractive
        as_root apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends npm
    fi
}

step_wasm() {
    need meson ninja-build clang lld wasi-libc libclang-rt-14-dev-wasm32 nodejs chromium
    need_npm
    setup "$B_WASM" --cross-file "$ROOT/wasm/wasm32-wasi.ini" --buildtype=release -Dwerror=true
    meson compile -C "$B_WASM"
    meson_test "$B_WASM" -v
}

# The site's paste page needs the wasm step's npm package, so the site's tests
# run in a step of their own, on the gcc build, once the package is built.
step_site() {
    need meson ninja-build python3 tidy chromium
    need_gcc_build
    test -f "$B_WASM/js/smtpreply.wasm" || { say "run step wasm first"; return 1; }
    setup "$B_GCC" -Dsite=enabled -Dsite_js="$B_WASM/js"
    meson compile -C "$B_GCC" site
    meson_test "$B_GCC" --suite site -v
}

step_jsbench() {
    need nodejs
    need_npm
    test -f "$B_WASM/js/smtpreply.wasm" || { say "run step wasm first"; return 1; }
    bash js/test/types.sh "$B_WASM/js" "$SCRATCH/jsbench"
    bash js/bench/run.sh "$B_WASM/js" "$SCRATCH/jsbench" 4
}

# The other two kinds of library default_library offers ("both" is the gcc step):
# the library and its unit and ABI tests, without the tools and the reference
# (the install and subproject steps link programs against a static library).
step_variants() {
    local kind
    need meson ninja-build gcc g++ check pkg-config python3
    for kind in static shared; do
        say "-- default_library=$kind"
        CC=gcc CXX=g++ setup "$OUT/build-$kind" -Ddefault_library=$kind -Dwerror=true \
            -Dtests=enabled -Ddocs=disabled -Dexamples=false --buildtype=debugoptimized
        meson_test "$OUT/build-$kind" --suite unit --suite abi
    done
}

# meson dist packs the committed tree (git archive), then configures, builds and
# runs every test of the unpacked tarball in a folder of its own.
step_dist() {
    local dir=$OUT/build-dist
    need meson ninja-build gcc g++ check pkg-config python3 git
    if [ ! -d "$ROOT/.git" ] && [ ! -f "$ROOT/.git" ]; then
        say "SKIP: $ROOT is not a git checkout; meson dist packs what git has"
        exit 77
    fi
    if [ -n "$(git -C "$ROOT" status --porcelain --untracked-files=no)" ]; then
        say "note: uncommitted changes are not in the tarball (meson dist packs commits)"
    fi
    CC=gcc CXX=g++ setup "$dir" -Ddocs=disabled -Dsite=disabled --buildtype=debugoptimized
    rm -rf "$dir/meson-dist"
    meson dist -C "$dir" --formats xztar --allow-dirty
    ls -l "$dir"/meson-dist/*.tar.xz
}

step_subproject() {
    local dir=$OUT/build-subproject
    need meson ninja-build gcc
    rm -rf "$dir"
    mkdir -p "$dir/subprojects"
    cp tests/subproject/meson.build tests/install/consumer.c "$dir/"
    ln -s "$ROOT" "$dir/subprojects/smtpreply"
    (cd "$dir" && CC=gcc meson setup build --force-fallback-for=smtpreply &&
        meson compile -C build && meson test -C build --print-errorlogs)
}

# On a copy of the committed tree: a changed data row changes the library after
# meson compile, and adding po/xx.po (three strings, as tests/po/make_xx.py
# writes it) and its LINGUAS line is all a new language needs.
step_data_po() {
    local copy=$OUT/build-data-po/tree b out
    need meson ninja-build gcc python3 git
    rm -rf "$OUT/build-data-po"
    mkdir -p "$copy"
    git -C "$ROOT" ls-files -z | (cd "$ROOT" && xargs -0 cp --parents -t "$copy")
    b=$copy/build
    (cd "$copy" && CC=gcc meson setup build -Dtests=disabled -Ddocs=disabled >/dev/null)
    meson compile -C "$b" smtp-explain
    "$b/examples/smtp-explain" 250 | grep -F 'Reference: RFC 5321 s.4.2.2, s.4.2.3'

    sed -i 's/^250,\(.*\),"RFC 5321 s.4.2.2, s.4.2.3",/250,\1,"RFC 5321 s.4.2.9",/' \
        "$copy/data/basic-reply-codes.csv"
    meson compile -C "$b" smtp-explain
    out=$("$b/examples/smtp-explain" 250)
    printf '%s\n' "$out" | grep -F 'Reference: RFC 5321 s.4.2.9'
    say "a changed row of data/basic-reply-codes.csv changed the library"

    python3 "$copy/tests/po/make_xx.py" "$copy/po/smtpreply.pot" "$OUT/build-data-po"
    cp "$OUT/build-data-po/xx.po" "$copy/po/xx.po"
    echo xx >>"$copy/po/LINGUAS"
    meson compile -C "$b" smtp-explain
    out=$("$b/examples/smtp-explain" --lang xx 550)
    printf '%s\n' "$out"
    test "$(printf '%s\n' "$out" | grep -c '\[xx\]')" -eq 3
    printf '%s\n' "$out" | grep -F '  When you see it: '
    printf '%s\n' "$out" | tail -n 1 | grep -F 'Not everything here is translated into xx yet'
    say "po/xx.po with three strings: shown, English for the rest, and a note"
}

# The README as a new user follows it: its commands, in order, on a fresh clone
# (which builds the tree again, in a temporary folder of its own).
step_readme() {
    need meson ninja-build gcc g++ check pkg-config python3 git doxygen clang lld wasi-libc \
        libclang-rt-14-dev-wasm32 nodejs python3-venv python3-mesonpy
    need_npm
    if [ ! -d "$ROOT/.git" ] && [ ! -f "$ROOT/.git" ]; then
        say "SKIP: $ROOT is not a git checkout; the README's commands run on a git clone"
        exit 77
    fi
    # Its test-suite line is what the gcc step has just run on this tree, every test
    # of it; the clone would run them all a fourth time. Alone, the test runs it.
    if step_passed gcc; then
        python3 tests/readme/readme_test.py --done='meson setup build && meson test -C build' "$ROOT"
    else
        python3 tests/readme/readme_test.py "$ROOT"
    fi
}

# step_with_gcc_build COMMAND...: a script that works on the gcc step's build.
step_with_gcc_build() {
    need_gcc_build
    "$@"
}

ALL=(deps gcc clang asan abi docs install python wasm site jsbench variants dist subproject
     data-po readme integration fuzz valgrind static neon)
if [ $# -gt 0 ]; then
    STEPS=("$@")
else
    STEPS=("${ALL[@]}")
fi

say "smtpreply test-all: $(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo 'no git'), $(nproc) cores, user $(id -un)$(can_install && echo ' (can install packages)')"
say "steps: ${STEPS[*]}"
for s in "${STEPS[@]}"; do
    case $s in
    deps | gcc | clang | asan | abi | docs | install | python | wasm | site | jsbench | variants | \
    dist | subproject)
        run_step "$s" "step_$s" ;;
    data-po) run_step "$s" step_data_po ;;
    readme) run_step readme step_readme ;;
    integration) run_step integration step_with_gcc_build bash tests/integration/run-exim.sh "$B_GCC" ;;
    fuzz) FUZZ_BUILD_DIR=${FUZZ_BUILD_DIR:-$OUT/build-fuzz} run_step fuzz bash tests/fuzz/run.sh "$ROOT" 88 ;;
    valgrind) run_step valgrind step_with_gcc_build bash tests/valgrind/run.sh "$B_GCC" ;;
    static) STATIC_BUILD_DIR=${STATIC_BUILD_DIR:-$OUT/build-static} run_step static bash tests/static/run.sh "$ROOT" ;;
    neon) NEON_BUILD_DIR=${NEON_BUILD_DIR:-$OUT/build-neon} run_step neon bash tests/cross/neon.sh "$ROOT" ;;
    *)
        say "unknown step '$s'; steps are: ${ALL[*]}"
        exit 2
        ;;
    esac
done
summary
[ "$failed" -eq 0 ]
