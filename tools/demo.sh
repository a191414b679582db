#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# The README's demo: install what the build needs (Debian/Ubuntu, with apt, when
# root or with sudo), configure build/ with the default options, compile the
# five tools and run smtp-parse over the bundled session transcript. Standard output is
# only the command and what smtp-parse prints (tests/readme/ compares it with the
# README's sample); progress and errors go to standard error.
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
    echo "demo: installing ${missing[*]}" >&2
    if [ "$(id -u)" -eq 0 ]; then
        sudo_cmd=()
    elif need_cmd sudo; then
        sudo_cmd=(sudo)
    else
        echo "demo: please install ${missing[*]} (not root and no sudo)" >&2
        exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    # apt's progress goes to standard error: standard output is the demo's.
    "${sudo_cmd[@]}" apt-get -o DPkg::Lock::Timeout=600 update -q >&2
    "${sudo_cmd[@]}" apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends \
        "${missing[@]}" >&2
fi

if [ ! -f "$BUILD/meson-private/coredata.dat" ]; then
    # The default options, as the README's later `meson setup build` would
    # choose them, so that its next commands (tests, docs, install) find the
    # same folder ready; only the tools are compiled now.
    if ! log=$(meson setup "$BUILD" "$ROOT" 2>&1); then
        printf '%s\n' "$log" >&2
        exit 1
    fi
fi
# The README's next section calls every tool from build/examples/.
meson compile -C "$BUILD" smtp-parse smtp-explain smtp-probe smtp-bounces smtp-site >/dev/null

echo "\$ build/examples/smtp-parse $INPUT"
"$BUILD/examples/smtp-parse" "$INPUT"
