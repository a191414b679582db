#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The npm package as a user gets it: `npm pack` in the staged package folder,
# the tarball installed into an empty folder, then `node --test` there over the
# test files of this folder, which import "smtpreply" like any program would.
#   packed.sh STAGED_PACKAGE_DIR TEST_DIR
set -euo pipefail
staged=$1
tests=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export npm_config_cache=$work/npm-cache npm_config_update_notifier=false

tarball=$(cd "$staged" && npm pack --silent --pack-destination "$work")
echo "packed: $tarball ($(stat -c %s "$work/$tarball") bytes)"
tar -tzf "$work/$tarball" | sort
mkdir "$work/app"
cd "$work/app"
printf '{ "name": "smtpreply-test-app", "private": true, "type": "module" }\n' >package.json
npm install --silent --no-audit --no-fund --offline "$work/$tarball"
mkdir test
cp "$tests"/*.test.mjs test/
node --test test/
