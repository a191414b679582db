// SPDX-License-Identifier: MIT
// Nanoseconds per reply: the smtpreply package against two Node references that
// parse replies with strings and regular expressions, on the benchmark corpus
// (tests/bench/gen_corpus.py), in one run.
//
//   node bench.mjs --package DIR --refs DIR --corpus FILE [--runs N] [--chunk BYTES]
//
// DIR of --package holds smtpreply.js and smtpreply.wasm; DIR of --refs is a
// node_modules folder with smtp-channel and nodemailer (js/bench/run.sh installs
// them into a scratch folder; they are never part of the package). Every parser
// gets the corpus in the same chunks, as a socket would deliver it, and must find
// the corpus's reply count and code sum (FILE.meta.json) or the run fails.
//
// What each one does per reply:
// - smtpreply parse: validates every line, takes the enhanced code apart, checks
//   the text's encoding and makes a Reply with its lines as strings;
// - smtpreply parse+classify: the same, then Reply.classify();
// - smtp-channel: its LineBuffer splits lines, parseReplyCode() takes the first
//   three characters and isLastReply() looks at the fourth (no validation);
// - nodemailer: SMTPConnection's _onData() splits lines and queues them until a
//   line that does not start with digits and '-', _processResponse() decodes the
//   reply and hands it to the waiting action (here one that takes the code).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { argv, exit, hrtime } from 'node:process';
import { pathToFileURL } from 'node:url';

function option(name, fallback) {
    const i = argv.indexOf(name);
    if (i < 0 || i + 1 >= argv.length) {
        if (fallback === undefined) {
            console.error('usage: node bench.mjs --package DIR --refs DIR --corpus FILE ' +
                          '[--runs N] [--chunk BYTES]');
            exit(2);
        }
        return fallback;
    }
    return argv[i + 1];
}

const pkgDir = resolve(option('--package'));
const refsDir = resolve(option('--refs'));
const corpusPath = option('--corpus');
const runs = Number(option('--runs', '5'));
const chunkSize = Number(option('--chunk', '16384'));

const corpus = readFileSync(corpusPath);
const meta = JSON.parse(readFileSync(`${corpusPath}.meta.json`, 'utf8'));
const chunks = [];
for (let at = 0; at < corpus.length; at += chunkSize)
    chunks.push(corpus.subarray(at, at + chunkSize));

const smtpreply = await import(pathToFileURL(join(pkgDir, 'smtpreply.js')).href);
await smtpreply.init();
const require = createRequire(join(refsDir, 'bench.cjs'));
const { SMTPChannel } = require('smtp-channel');
const SMTPConnection = require('nodemailer/lib/smtp-connection');
const refVersion = (name) => require(`${name}/package.json`).version;

/** Each runner parses the whole corpus and returns [replies, sum of codes]. */
const runners = {
    'smtpreply parse': () => {
        const p = new smtpreply.Parser();
        let n = 0;
        let sum = 0;
        for (const c of chunks) {
            for (const r of p.feed(c)) {
                if (r.kind === 'reply' && r.lines !== null) {
                    n++;
                    sum += r.code;
                }
            }
        }
        p.finish();
        p.free();
        return [n, sum];
    },
    'smtpreply parse+classify': () => {
        const p = new smtpreply.Parser();
        let n = 0;
        let sum = 0;
        for (const c of chunks) {
            for (const r of p.feed(c)) {
                if (r.kind === 'reply' && r.classify().severity !== null) {
                    n++;
                    sum += r.code;
                }
            }
        }
        p.finish();
        p.free();
        return [n, sum];
    },
    'smtp-channel': () => {
        const channel = new SMTPChannel();
        const buffer = channel._receiveBuffer;
        let n = 0;
        let sum = 0;
        let lines = [];
        for (const c of chunks) {
            for (const line of buffer.feed(c)) {
                lines.push(line.slice(4));
                if (channel.isLastReply(line)) {
                    n++;
                    sum += Number(channel.parseReplyCode(line));
                    lines = [];
                }
            }
        }
        return [n, sum];
    },
    nodemailer: () => {
        const conn = new SMTPConnection({});
        let n = 0;
        let sum = 0;
        const take = (str) => {
            n++;
            sum += Number(str.substr(0, 3));
        };
        conn._responseActions = { shift: () => take, push() {}, length: 1 };
        // A 421 makes nodemailer close the connection; here it is one more reply.
        conn._onServerClosing = () => setImmediate(() => conn._processResponse());
        // _processResponse() hands each further reply over with setImmediate(); run
        // those callbacks at once, so the loop measures the parsing, not the event loop.
        const queued = [];
        const realSetImmediate = globalThis.setImmediate;
        globalThis.setImmediate = (fn) => queued.push(fn);
        try {
            for (const c of chunks) {
                conn._onData(c);
                while (queued.length)
                    queued.shift()();
            }
        } finally {
            globalThis.setImmediate = realSetImmediate;
        }
        return [n, sum];
    },
};

console.log(`corpus: ${corpusPath}: ${corpus.length} bytes, ${meta.replies} replies ` +
            `(${meta.bytes_per_reply} bytes, ${meta.lines_per_reply} lines per reply), ` +
            `fed in ${chunkSize}-byte chunks; best of ${runs} runs`);
console.log(`node ${process.versions.node}; smtpreply ${smtpreply.version()} (WebAssembly), ` +
            `smtp-channel ${refVersion('smtp-channel')}, nodemailer ${refVersion('nodemailer')}`);
let failed = 0;
const results = {};
for (const [name, run] of Object.entries(runners)) {
    // Warm-up: V8 compiles WebAssembly and JavaScript in tiers; the optimised code
    // arrives after a few passes.
    for (let i = 0; i < 3; i++)
        run();
    let best = Infinity;
    let got = null;
    for (let i = 0; i < runs; i++) {
        const t0 = hrtime.bigint();
        got = run();
        const ns = Number(hrtime.bigint() - t0);
        best = Math.min(best, ns);
    }
    const [n, sum] = got;
    const ok = n === meta.replies && sum === meta.codesum;
    failed += ok ? 0 : 1;
    results[name] = best / n;
    console.log(`${name.padEnd(26)} ${(best / n).toFixed(1).padStart(8)} ns/reply ` +
                `${(corpus.length / best * 1e3).toFixed(1).padStart(7)} MB/s  ` +
                `${n} replies${ok ? '' : ` MISMATCH: want ${meta.replies} replies, code sum ` +
                `${meta.codesum}, got ${sum}`}`);
}
const base = results['smtpreply parse'];
console.log(`smtp-channel / smtpreply parse: ${(results['smtp-channel'] / base).toFixed(2)}x; ` +
            `nodemailer / smtpreply parse: ${(results.nodemailer / base).toFixed(2)}x`);
exit(failed ? 1 : 0);
