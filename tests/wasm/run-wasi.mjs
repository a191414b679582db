// SPDX-License-Identifier: MIT
// Runs a WASI command module (a test program built for wasm32-wasi) under Node's
// WASI: standard output and error are the process's own; the exit status is the
// program's.  Usage: node run-wasi.mjs PROGRAM.wasm [ARG...]
import { readFile } from 'node:fs/promises';
import { WASI } from 'node:wasi';
import { argv, env, exit } from 'node:process';
import { basename } from 'node:path';

const [path, ...args] = argv.slice(2);
if (!path) {
    console.error('usage: node run-wasi.mjs PROGRAM.wasm [ARG...]');
    exit(2);
}
const wasi = new WASI({ version: 'preview1', args: [basename(path), ...args], env: {},
                        returnOnExit: true });
const module = await WebAssembly.compile(await readFile(path));
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
exit(wasi.start(instance));
