#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The JavaScript benchmark in one go: installs the two references (smtp-channel
# and nodemailer) from the npm registry into a scratch folder, makes a corpus with
# tests/bench/gen_corpus.py, and runs bench.mjs over the staged package.
#   js/bench/run.sh PACKAGE_DIR SCRATCH_DIR [CORPUS_MIB]
# Nothing it installs is committed or shipped: the package has no dependency.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
pkg=$(cd "$1" && pwd)
scratch=$2
mib=${3:-4}
mkdir -p "$scratch"
scratch=$(cd "$scratch" && pwd)
export npm_config_update_notifier=false
if [ ! -d "$scratch/node_modules/smtp-channel" ] || [ ! -d "$scratch/node_modules/nodemailer" ]; then
    printf '{ "name": "smtpreply-bench-references", "private": true }\n' >"$scratch/package.json"
    (cd "$scratch" && npm install --silent --no-audit --no-fund smtp-channel nodemailer)
fi
corpus=$scratch/corpus-mixed-${mib}mib.txt
if [ ! -f "$corpus.meta.json" ]; then
    python3 "$root/tests/bench/gen_corpus.py" "$corpus" --variant mixed \
        --size $((mib * 1048576)) --quiet
fi
node "$here/bench.mjs" --package "$pkg" --refs "$scratch/node_modules" --corpus "$corpus"
