// SPDX-License-Identifier: MIT
// The npm package in a browser: serves the package folder and a test page on
// 127.0.0.1, opens the page in headless Chromium (Debian's /usr/bin/chromium, or
// $CHROMIUM), and waits for the page to post its results back. The page imports
// smtpreply.js as a browser loads it, so init() fetches smtpreply.wasm over HTTP.
//   node browser.mjs PACKAGE_DIR
// Exit status: 0 when every check on the page passed, 1 when one failed or the
// page never answered, 77 (skipped) when there is no Chromium.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { argv, env, exit } from 'node:process';

const pkg = argv[2];
if (!pkg) {
    console.error('usage: node browser.mjs PACKAGE_DIR');
    exit(2);
}
const chromium = env.CHROMIUM || '/usr/bin/chromium';
if (!existsSync(chromium)) {
    console.log(`skipped: no Chromium at ${chromium} (Debian package chromium, or set CHROMIUM)`);
    exit(77);
}

const PAGE = `<!doctype html>
<meta charset="utf-8">
<title>smtpreply in a browser</title>
<pre id="out">running</pre>
<script type="module">
import { init, parse, Parser, classify, explain, ehlo, version, ParseError }
    from '/pkg/smtpreply.js';
const results = [];
const check = (name, ok, detail) => results.push({ name, ok: !!ok, detail: String(detail) });
let ver = null;
try {
    await init();
    ver = version();
    const gmail = '550-5.1.1 The email account that you tried to reach does not exist.\\r\\n' +
        '550 5.1.1  https://support.google.com/mail/?p=NoSuchUser x - gsmtp\\r\\n';
    const stream = '220 mx.example.test ESMTP\\r\\n250 2.1.0 Ok\\r\\nbad\\r\\n' + gmail +
        '421 4.7.0 Try again later\\r\\n';
    const items = parse(stream);
    check('parse: codes in order', items.map((i) => i.code).join() ===
          '220,250,bad-code,550,421', items.map((i) => i.code).join());
    check('parse: an error among the replies', items[2] instanceof ParseError &&
          items[2].line === 3, JSON.stringify(items[2]));
    const v = items[3].classify('RCPT');
    check('classify: Gmail unknown user', v.reason === 'recipient-unknown' &&
          v.bounce === 'hard' && v.retry === 'never', JSON.stringify(v));
    const t = classify(items[4]);
    check('classify: 421 is temporary', t.severity === 'transient-negative' &&
          t.retry === 'retry', JSON.stringify(t));
    const p = new Parser();
    const bytes = new TextEncoder().encode(stream);
    const split = [];
    for (const b of bytes)
        split.push(...p.feed(Uint8Array.of(b)));
    split.push(...p.finish());
    p.free();
    check('Parser: byte by byte equals whole',
          JSON.stringify(split) === JSON.stringify(items), split.length);
    const vi = explain(550, 'vi');
    check('explain: Vietnamese', vi.locale === 'vi' && vi.title !== explain(550).title,
          vi.title);
    check('explain: enhanced', explain('5.7.26').kind === 'enhanced', explain('5.7.26').title);
    const e = ehlo('250-mx.example.test\\r\\n250-SIZE 1000\\r\\n250 AUTH PLAIN LOGIN\\r\\n');
    check('ehlo', e.serverName === 'mx.example.test' && e.sizeMax === 1000 &&
          e.auth.join() === 'PLAIN,LOGIN', JSON.stringify(e));
} catch (err) {
    check('no exception', false, err && err.stack || err);
}
document.getElementById('out').textContent = JSON.stringify(results, null, 1);
await fetch('/result', { method: 'POST',
    body: JSON.stringify({ version: ver, userAgent: navigator.userAgent, results }) });
</script>
`;

const TYPES = { '.js': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json',
                '.ts': 'text/plain' };
let answer;
const answered = new Promise((resolve) => { answer = resolve; });
const served = [];

const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    if (req.method === 'POST' && url.pathname === '/result') {
        let body = '';
        for await (const chunk of req)
            body += chunk;
        res.end('ok');
        answer(JSON.parse(body));
        return;
    }
    if (url.pathname === '/' || url.pathname === '/test.html') {
        res.setHeader('Content-Type', 'text/html; charset=utf-8');
        res.end(PAGE);
        return;
    }
    if (url.pathname.startsWith('/pkg/')) {
        const rel = normalize(url.pathname.slice(5));
        if (!rel.startsWith('..')) {
            try {
                const data = await readFile(join(pkg, rel));
                served.push(url.pathname);
                res.setHeader('Content-Type', TYPES[extname(rel)] || 'application/octet-stream');
                res.end(data);
                return;
            } catch {
                // not found below
            }
        }
    }
    res.statusCode = 404;
    res.end('not found');
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const port = server.address().port;
const profile = await mkdtemp(join(tmpdir(), 'smtpreply-chromium-'));
const browser = spawn(chromium, [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--no-first-run', '--disable-sync',
    '--disable-dev-shm-usage', `--user-data-dir=${profile}`,
    `http://127.0.0.1:${port}/test.html`,
], { stdio: ['ignore', 'ignore', 'pipe'] });
let stderr = '';
browser.stderr.on('data', (d) => { stderr += d; });

const timeout = new Promise((resolve) => setTimeout(() => resolve(null), 90000));
const result = await Promise.race([answered, timeout]);
browser.kill('SIGTERM');
await new Promise((resolve) => browser.once('exit', resolve).once('error', resolve));
server.close();
await rm(profile, { recursive: true, force: true });

if (result === null) {
    console.error('the page did not answer within 90 s; Chromium said:\n' + stderr.slice(-4000));
    exit(1);
}
console.log(`browser: ${result.userAgent}`);
console.log(`library ${result.version}; files served: ${served.join(' ')}`);
let failed = 0;
for (const r of result.results) {
    console.log(`${r.ok ? 'ok  ' : 'FAIL'} ${r.name}${r.ok ? '' : ': ' + r.detail}`);
    failed += r.ok ? 0 : 1;
}
if (!served.includes('/pkg/smtpreply.wasm')) {
    console.log('FAIL the page never fetched smtpreply.wasm');
    failed++;
}
console.log(`${result.results.length - failed} passed, ${failed} failed`);
exit(failed || result.results.length === 0 ? 1 : 0);
