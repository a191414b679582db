#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# smtpreply.d.ts as a TypeScript user meets it: the packed package and the
# TypeScript compiler (from the npm registry, into a scratch folder; never a
# dependency of the package) installed side by side, then tsc --strict over
# js/test/types.ts, which uses every declaration.
#   js/test/types.sh STAGED_PACKAGE_DIR SCRATCH_DIR
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
staged=$(cd "$1" && pwd)
mkdir -p "$2"
work=$(cd "$2" && pwd)/types
rm -rf "$work"
mkdir -p "$work"
export npm_config_update_notifier=false
tarball=$(cd "$staged" && npm pack --silent --pack-destination "$work")
cd "$work"
printf '{ "name": "smtpreply-types-check", "private": true, "type": "module" }\n' >package.json
npm install --silent --no-audit --no-fund typescript@5 "./$tarball"
cp "$here/types.ts" .
npx --no-install tsc --version
npx --no-install tsc --strict --noEmit --target es2022 --module nodenext \
    --moduleResolution nodenext types.ts
echo "smtpreply.d.ts: types.ts type-checks with tsc --strict"
