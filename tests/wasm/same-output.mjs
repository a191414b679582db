// SPDX-License-Identifier: MIT
// The native table driver and its WebAssembly build must print the same bytes.
//   node same-output.mjs NATIVE_EXE RUN_WASI_MJS DRIVER.wasm
// Prints the first line where they differ, or the size of the agreed output.
import { spawnSync } from 'node:child_process';
import { argv, execPath, exit } from 'node:process';

const [native, runner, wasm] = argv.slice(2);
const opts = { maxBuffer: 1 << 28 };
const a = spawnSync(native, [], opts);
const b = spawnSync(execPath, ['--no-warnings', runner, wasm], opts);
for (const [what, r] of [['native', a], ['wasm', b]]) {
    if (r.error || r.status !== 0) {
        console.error(`${what} run failed: status ${r.status} ${r.error ?? ''}`);
        console.error(r.stderr.toString());
        exit(1);
    }
}
if (Buffer.compare(a.stdout, b.stdout) === 0) {
    const text = a.stdout.toString();
    const lines = text.split('\n');
    console.log(`native and wasm outputs are identical: ${a.stdout.length} bytes, ` +
                `${lines.length - 1} lines, ${(text.match(/^== case /mg) || []).length} cases`);
    console.log(lines[lines.length - 2]);
    exit(0);
}
const la = a.stdout.toString().split('\n');
const lb = b.stdout.toString().split('\n');
for (let i = 0; i < Math.max(la.length, lb.length); i++) {
    if (la[i] !== lb[i]) {
        console.error(`outputs differ at line ${i + 1}:\nnative: ${la[i]}\n  wasm: ${lb[i]}`);
        break;
    }
}
exit(1);
