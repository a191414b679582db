// SPDX-License-Identifier: MIT
// Runs a WASI command module (a test program built for wasm32-wasi) under Node's
// WASI; the exit status is the program's.  Usage: node run-wasi.mjs PROGRAM.wasm [ARG...]
//
// The program writes its standard output and error into files, which are copied
// to this process's own afterwards: written straight to a pipe, a write that
// finds the pipe full fails inside Node's WASI and the bytes are lost.
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { argv, exit, stderr, stdout } from 'node:process';
import { WASI } from 'node:wasi';

const [path, ...args] = argv.slice(2);
if (!path) {
    console.error('usage: node run-wasi.mjs PROGRAM.wasm [ARG...]');
    exit(2);
}
const dir = mkdtempSync(join(tmpdir(), 'smtpreply-wasi-'));
const outFd = openSync(join(dir, 'stdout'), 'w+');
const errFd = openSync(join(dir, 'stderr'), 'w+');
let status;
try {
    const wasi = new WASI({ version: 'preview1', args: [basename(path), ...args], env: {},
                            stdout: outFd, stderr: errFd, returnOnExit: true });
    const module = await WebAssembly.compile(await readFile(path));
    const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
    status = wasi.start(instance);
} finally {
    closeSync(outFd);
    closeSync(errFd);
}
const out = readFileSync(join(dir, 'stdout'));
const err = readFileSync(join(dir, 'stderr'));
rmSync(dir, { recursive: true, force: true });
stderr.write(err);
stdout.write(out, () => exit(status));
