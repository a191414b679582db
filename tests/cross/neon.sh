#!/bin/sh
# SPDX-License-Identifier: MIT
# The arm64 build, run: cross-compile for aarch64 and run the unit, fuzz-replay
# and abi suites under qemu user-mode emulation, so the NEON kernels and the line
# path built with them (lib/isa_neon.c) are tested on every CI run although CI
# machines are x86-64. test_scan prints "scan block: neon" and the parser suites
# "parser fast path: neon".
#
#   tests/cross/neon.sh SRCDIR
#
# Installs what it needs when missing (root, Debian/Ubuntu): the arm64 foreign
# architecture, gcc-aarch64-linux-gnu, qemu-user and the Check library for arm64.
# The ffi and differential suites are left out: they run host Python against
# the aarch64 build.
# Environment: NEON_BUILD_DIR (default /tmp/smtpreply-neon-build-$USER).
set -eu

if [ $# -ne 1 ] || [ ! -f "$1/meson.build" ]; then
    echo "usage: $0 SRCDIR" >&2
    exit 2
fi
src=$(cd "$1" && pwd)
build=${NEON_BUILD_DIR:-/tmp/smtpreply-neon-build-$(id -un)}
packages="gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user check:arm64"

installed() {
    dpkg-query -W -f='${Status}\n' "$1" 2>/dev/null | grep -q '^install ok installed$'
}

missing=""
for p in $packages; do
    installed "$p" || missing="$missing $p"
done
if [ -n "$missing" ]; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "neon: SKIP: missing$missing and not root; install them to run this step" >&2
        exit 77
    fi
    echo "neon: installing$missing"
    export DEBIAN_FRONTEND=noninteractive
    dpkg --print-foreign-architectures | grep -qx arm64 || dpkg --add-architecture arm64
    apt-get -o DPkg::Lock::Timeout=600 update -q
    # shellcheck disable=SC2086
    apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends $missing
fi

mkdir -p "$build"
cross=$build/aarch64.ini
cat > "$cross" <<'EOF'
[binaries]
c = 'aarch64-linux-gnu-gcc'
cpp = 'aarch64-linux-gnu-g++'
ar = 'aarch64-linux-gnu-ar'
strip = 'aarch64-linux-gnu-strip'
pkgconfig = 'pkg-config'
exe_wrapper = ['qemu-aarch64', '-L', '/usr/aarch64-linux-gnu']

[properties]
pkg_config_libdir = ['/usr/lib/aarch64-linux-gnu/pkgconfig', '/usr/share/pkgconfig']

[host_machine]
system = 'linux'
cpu_family = 'aarch64'
cpu = 'aarch64'
endian = 'little'
EOF

if [ -f "$build/meson-private/coredata.dat" ]; then
    meson setup --reconfigure "$build" "$src" --cross-file "$cross" >/dev/null
else
    meson setup "$build" "$src" --cross-file "$cross" -Dtests=enabled -Ddocs=disabled \
        -Dexamples=false -Dwerror=true --buildtype=debugoptimized >/dev/null
fi
meson compile -C "$build"
meson test -C "$build" --suite unit --suite fuzz --suite abi --print-errorlogs -v \
    > "$build/test.log" 2>&1 || { cat "$build/test.log"; exit 1; }
grep -E '^[0-9]+%: Checks|parser fast path|scan block|^Ok:|^Fail:' "$build/test.log"
grep -q 'parser fast path: neon' "$build/test.log" || { echo "neon: the NEON fast path did not run" >&2; exit 1; }
grep -q 'scan block: neon' "$build/test.log" || { echo "neon: the NEON block did not run" >&2; exit 1; }
echo "neon: unit, fuzz-replay and abi suites pass on aarch64 (qemu)"
