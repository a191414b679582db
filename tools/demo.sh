#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# The README's demo: install what the build needs (Debian/Ubuntu, with apt, when
# root or with sudo), build into build/, and run smtp-parse over the bundled
# session transcript, one JSON object per reply.
#
# Usage: tools/demo.sh [FILE]   (default: examples/session.txt)

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
INPUT=${1:-examples/session.txt}
BUILD=$ROOT/build

need_cmd() { command -v "$1" >/dev/null 2>&1; }

missing=()
need_cmd meson || missing+=(meson)
need_cmd ninja || missing+=(ninja-build)
need_cmd cc || missing+=(gcc)
need_cmd pkg-config || missing+=(pkg-config)
need_cmd python3 || missing+=(python3)      # the build turns data/ and po/ into C tables
if [ ! -e /usr/include/stdio.h ]; then
    missing+=(libc6-dev)
fi

if [ ${#missing[@]} -gt 0 ]; then
    echo "demo: installing ${missing[*]}"
    if [ "$(id -u)" -eq 0 ]; then
        sudo_cmd=()
    elif need_cmd sudo; then
        sudo_cmd=(sudo)
    else
        echo "demo: please install ${missing[*]} (not root and no sudo)" >&2
        exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    "${sudo_cmd[@]}" apt-get -o DPkg::Lock::Timeout=600 update -q
    "${sudo_cmd[@]}" apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends "${missing[@]}"
fi

if [ ! -f "$BUILD/meson-private/coredata.dat" ]; then
    # Only the library and the tools: the test suite has its own command.
    meson setup "$BUILD" "$ROOT" -Dtests=disabled -Ddocs=disabled --buildtype=release >/dev/null
fi
meson compile -C "$BUILD" smtp-parse >/dev/null

echo "\$ build/examples/smtp-parse $INPUT"
"$BUILD/examples/smtp-parse" "$INPUT"
