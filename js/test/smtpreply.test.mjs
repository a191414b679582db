// SPDX-License-Identifier: MIT
// Tests of the npm package, run with `node --test` in a folder where the packed
// tarball is installed (js/test/packed.sh): "smtpreply" resolves to that copy.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { before, describe, it } from 'node:test';

import * as smtpreply from 'smtpreply';
import { ParseError, Parser, Reply, SmtpreplyError, classify, describeReason, ehlo, explain,
         init, parse, parseEnhanced, version } from 'smtpreply';

const require = createRequire(import.meta.url);

const PIPELINED = '250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 End data with <CR><LF>.<CR><LF>\r\n';
const GMAIL_550 =
    '550-5.1.1 The email account that you tried to reach does not exist. Please try\r\n' +
    "550-5.1.1 double-checking the recipient's email address for typos or\r\n" +
    '550-5.1.1 unnecessary spaces. For more information, go to\r\n' +
    '550 5.1.1  https://support.google.com/mail/?p=NoSuchUser a1-20020a170902 - gsmtp\r\n';
const POSTFIX_EHLO =
    '250-mx.example.com Hello client\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n' +
    '250-AUTH PLAIN LOGIN XOAUTH2\r\n250-STARTTLS\r\n250-ENHANCEDSTATUSCODES\r\n' +
    '250-X-UNKNOWN-THING a b\r\n250 SMTPUTF8\r\n';

/** A comparable record of what a parse produced. */
function log(items) {
    return items.map((i) => i instanceof ParseError
        ? ['error', i.code, i.offset, i.line, i.position]
        : ['reply', i.code, i.enhanced, i.lines.join('|'), i.flags.join(','), i.offset, i.length,
           i.lineCount, i.firstLine]);
}

const bytes = (s) => new TextEncoder().encode(s);

// First in the file: nothing has called init() yet.
it('refuses calls before init()', () => {
    assert.throws(() => parse('250 ok\r\n'), (e) => e instanceof SmtpreplyError &&
        e.code === 'not-initialised' && /await init\(\)/.test(e.message));
});

describe('loading', () => {
    before(async () => {
        await init();
    });

    it('init() is idempotent', async () => {
        await Promise.all([init(), init()]);
        assert.match(version(), /^0\.\d+\.\d+$/);
    });

    it('the library version is the package version', async () => {
        const pkg = JSON.parse(await readFile(require.resolve('smtpreply/package.json'), 'utf8'));
        assert.equal(version(), pkg.version);
    });

    it('the module imports nothing and exports the C API', async () => {
        const wasm = await readFile(require.resolve('smtpreply/smtpreply.wasm'));
        const m = new WebAssembly.Module(wasm);
        assert.deepEqual(WebAssembly.Module.imports(m), []);
        const names = WebAssembly.Module.exports(m).map((e) => e.name);
        for (const fn of ['smtpreply_parser_feed_many', 'smtpreply_classify', 'smtpreply_ehlo_parse',
                          'smtpreply_explain_enhanced', 'smtpreply_wasm_alloc'])
            assert.ok(names.includes(fn), fn);
    });

    it('exports exactly the documented names', () => {
        assert.deepEqual(Object.keys(smtpreply).sort(), [
            'ParseError', 'Parser', 'Reply', 'SmtpreplyError', 'Verdict', 'classify',
            'describeReason', 'ehlo', 'explain', 'init', 'parse', 'parseEnhanced', 'version']);
    });
});

describe('parse', () => {
    before(() => init());

    it('pipelined replies come out one by one', () => {
        const items = parse(PIPELINED);
        assert.ok(items.every((i) => i instanceof Reply));
        assert.deepEqual(items.map((r) => r.code), [250, 250, 354]);
        assert.deepEqual(items.map((r) => r.enhanced), ['2.1.0', '2.1.5', null]);
        assert.deepEqual(items.map((r) => r.lines),
                         [['Ok'], ['Ok'], ['End data with <CR><LF>.<CR><LF>']]);
        assert.deepEqual(items.map((r) => r.offset), [0, 14, 28]);
        assert.equal(items.reduce((n, r) => n + r.length, 0), PIPELINED.length);
    });

    it('a multiline Gmail reply', () => {
        const [r] = parse(GMAIL_550);
        assert.equal(r.code, 550);
        assert.equal(r.enhanced, '5.1.1');
        assert.equal(r.lineCount, 4);
        assert.equal(r.lines.length, 4);
        assert.match(r.lines[0], /^The email account/);
        assert.match(r.lines[3], /gsmtp$/);
        assert.equal(r.text, r.lines.join('\n'));
        assert.deepEqual(r.flags, []);
        assert.equal(r.encoding, 'ascii');
        assert.deepEqual(JSON.parse(JSON.stringify(r)),
            { offset: 0, code: 550, enhanced: '5.1.1', lines: r.lines, encoding: 'ascii', flags: [] });
    });

    it('accepts Uint8Array, ArrayBuffer and other views', () => {
        const want = log(parse(PIPELINED));
        const b = bytes(PIPELINED);
        assert.deepEqual(log(parse(b)), want);
        assert.deepEqual(log(parse(b.buffer)), want);
        assert.deepEqual(log(parse(new DataView(b.buffer))), want);
        assert.throws(() => parse(42), TypeError);
    });

    it('any split gives the same replies and errors', () => {
        const stream = bytes(PIPELINED + GMAIL_550 + 'garbage\r\n221 2.0.0 Bye\r\n');
        const whole = log(parse(stream));
        assert.equal(whole.length, 6);
        for (let cut = 0; cut <= stream.length; cut++) {
            const p = new Parser();
            const got = [...p.feed(stream.subarray(0, cut)), ...p.feed(stream.subarray(cut)),
                         ...p.finish()];
            p.free();
            assert.deepEqual(log(got), whole, `cut at ${cut}`);
        }
        for (const step of [1, 2, 3, 7, 16]) {
            const p = new Parser();
            const got = [];
            for (let at = 0; at < stream.length; at += step)
                got.push(...p.feed(stream.subarray(at, at + step)));
            got.push(...p.finish());
            p.free();
            assert.deepEqual(log(got), whole, `step ${step}`);
        }
    });

    it('batches of any size give the same replies, bytes included', () => {
        const latin1 = new Uint8Array([...bytes('550 caf'), 0xe9, ...bytes('\r\n')]);
        const stream = new Uint8Array([
            ...bytes('250 2.1.5 Ok\r\n'.repeat(100) + GMAIL_550 + '250 Hộp thư\r\n'),
            ...latin1, ...bytes('250 tab\there\r\n354 Go ahead\r\n'.repeat(50))]);
        const full = (items) => log(items).map((entry, i) =>
            [...entry, items[i] instanceof Reply ? [...items[i].rawText].join() : null]);
        const want = full(parse(stream, { batch: 1 }));
        assert.equal(want.length, 203);
        for (const batch of [2, 5, 32, 200])
            assert.deepEqual(full(parse(stream, { batch })), want, `batch ${batch}`);
    });

    it('an error, then recovery', () => {
        const [err, rep] = parse('garbage\r\n250 2.0.0 Ok\r\n');
        assert.ok(err instanceof ParseError);
        assert.ok(err instanceof Error);
        assert.deepEqual([err.code, err.status, err.offset, err.line], ['bad-code', -2, 0, 1]);
        assert.ok(err.description.length > 0);
        assert.deepEqual(Object.keys(err.toJSON()), ['offset', 'error', 'line', 'position', 'message']);
        assert.ok(rep instanceof Reply);
        assert.deepEqual([rep.code, rep.enhanced, rep.lines, rep.offset], [250, '2.0.0', ['Ok'], 9]);
    });

    it('a code mismatch starts the next reply', () => {
        const items = parse('220-mx.example.test\r\n521 5.3.2 No mail\r\n');
        assert.deepEqual(log(items)[0].slice(0, 4), ['error', 'code-mismatch', 21, 2]);
        assert.deepEqual([items[1].code, items[1].enhanced, items[1].lines], [521, '5.3.2', ['No mail']]);
    });

    it('tolerated deviations are flagged; strict mode makes them errors', () => {
        assert.deepEqual(parse('250 Ok\n')[0].flags, ['bare-lf']);
        const strict = parse('250 Ok\n250 Ok\r\n', { strict: true });
        assert.ok(strict[0] instanceof ParseError);
        assert.equal(strict[0].code, 'bare-lf');
        assert.ok(parse('250\r\n')[0].flags.includes('code-only'));
        const [nul] = parse(new Uint8Array([...bytes('500 5.5.2 bad '), 0, ...bytes(' command\r\n')]));
        assert.ok(nul.flags.includes('nul'));
        assert.deepEqual([...nul.rawText], [...bytes('bad '), 0, ...bytes(' command')]);
    });

    it('text that is not UTF-8 is kept as bytes and decoded with U+FFFD', () => {
        const [r] = parse(new Uint8Array([...bytes('550 caf'), 0xe9, ...bytes(' ferm\r\n')]));
        assert.equal(r.encoding, 'other');
        assert.ok(r.flags.includes('8bit'));
        assert.equal(r.lines[0], 'caf\ufffd ferm');
        assert.equal(r.rawText[3], 0xe9);
        const [u] = parse('550 Hộp thư đầy\r\n');
        assert.equal(u.encoding, 'utf8');
        assert.equal(u.lines[0], 'Hộp thư đầy');
    });

    it('the stream ending inside a reply is an error', () => {
        const p = new Parser();
        assert.deepEqual(p.feed('250-mx.example.test\r\n250-SIZE'), []);
        const [err] = p.finish();
        assert.deepEqual([err.code, err.offset, err.line], ['incomplete', 0, 1]);
        assert.deepEqual(p.finish(), []);
        p.free();
    });

    it('text beyond the capacity is flagged, the rest stays exact', () => {
        const [r] = parse(GMAIL_550, { textCapacity: 8 });
        assert.ok(r.flags.includes('truncated'));
        assert.deepEqual([r.code, r.enhanced, r.length], [550, '5.1.1', GMAIL_550.length]);
    });

    it('limits', () => {
        const [err, ok] = parse(`250 ${'x'.repeat(100)}\r\n250 ok\r\n`, { maxLineLength: 64 });
        assert.equal(err.code, 'line-too-long');
        assert.equal(ok.code, 250);
        const items = parse('250-a\r\n250-b\r\n250 c\r\n', { maxLines: 2 });
        assert.ok(items.some((i) => i instanceof ParseError && i.code === 'too-many-lines'));
    });

    it('bad options and a freed parser are named errors', () => {
        assert.throws(() => new Parser({ textCapacity: 0 }), RangeError);
        assert.throws(() => new Parser({ batch: 0 }), RangeError);
        assert.throws(() => new Parser({ strict: 1 << 8 }), RangeError);
        assert.throws(() => new Parser({ maxLineLength: 2 }),
                      (e) => e instanceof SmtpreplyError && e.code === 'invalid-argument');
        const p = new Parser();
        p.free();
        p.free();
        assert.throws(() => p.feed('250 ok\r\n'), (e) => e.code === 'invalid-argument');
    });

    it('many parsers do not exhaust the memory', () => {
        for (let i = 0; i < 2000; i++) {
            const p = new Parser();
            assert.equal(p.feed('250 ok\r\n').length, 1);
            p.free();
        }
    });
});

describe('classify', () => {
    before(() => init());

    it('verdicts of a transaction', () => {
        const items = parse(PIPELINED + GMAIL_550);
        const got = items.slice(0, 3).map((r, i) => {
            const v = r.classify(['MAIL', 'RCPT', 'DATA'][i]);
            return [v.severity, v.reason, v.retry];
        });
        assert.deepEqual(got, [['positive-completion', 'none', 'not-needed'],
                               ['positive-completion', 'none', 'not-needed'],
                               ['positive-intermediate', 'none', 'not-needed']]);
        const v = items[3].classify('RCPT');
        assert.deepEqual([v.severity, v.category, v.reason, v.bounce, v.retry, v.command],
                         ['permanent-negative', 'mail-system', 'recipient-unknown', 'hard', 'never',
                          'RCPT']);
        assert.ok(v.rule.length > 0);
        assert.deepEqual([v.confidence, v.evidence], ['high', 'provider']);   // Gmail's wording
        assert.deepEqual(classify(items[3], 'rcpt to'), v);
        assert.equal(items[3].classify(5).command, 'RCPT');
        assert.equal(items[3].classify().command, 'UNKNOWN');
    });

    it('confidence is low when only the command decided', () => {
        const [bare] = parse('550 Rejected\r\n');
        const v = bare.classify('DATA_END');
        assert.deepEqual([v.confidence, v.evidence], ['low', 'command']);
        assert.ok(v.flags.includes('low-confidence'));
    });

    it('a full mailbox and a greylisting', () => {
        const [full, grey] = parse('552 5.2.2 <a@example.test>: Mailbox full\r\n' +
                                   '450 4.2.0 <a@example.test>: Recipient address rejected: Greylisted\r\n');
        assert.deepEqual([full.classify('RCPT').reason, full.classify('RCPT').bounce],
                         ['mailbox-full', 'soft']);
        assert.deepEqual([grey.classify('RCPT').reason, grey.classify('RCPT').retry],
                         ['greylisted', 'retry']);
    });

    it('parts as found in a log', () => {
        const v = classify({ code: 550, enhanced: '5.1.1', text: 'User unknown' }, 'RCPT');
        assert.deepEqual([v.reason, v.bounce], ['recipient-unknown', 'hard']);
        const full = classify({ code: 452, text: 'Mailbox full' });
        assert.equal(full.severity, 'transient-negative');
        const same = classify(parse('550 5.1.1 User unknown\r\n')[0], 'RCPT');
        assert.deepEqual(v, same);
        assert.throws(() => classify({ code: 550, enhanced: 'x.y' }), (e) => e.code === 'invalid-argument');
        assert.throws(() => classify({}), TypeError);
        assert.throws(() => classify(parse('250 ok\r\n')[0], -1), (e) => e.code === 'invalid-argument');
    });
});

describe('explain', () => {
    before(() => init());

    it('a basic code in English and Vietnamese', () => {
        const en = explain(550);
        assert.deepEqual([en.kind, en.code, en.match, en.locale, en.severity, en.category],
                         ['basic', 550, 'exact', 'en', 'permanent-negative', 'mail-system']);
        for (const k of ['title', 'description', 'when', 'fix', 'reference', 'severityTitle'])
            assert.ok(en[k].length > 0, k);
        assert.deepEqual(explain('550'), en);
        const vi = explain(550, 'vi');
        assert.equal(vi.locale, 'vi');
        assert.notEqual(vi.title, en.title);
    });

    it('an unknown code falls back to its class; no class is an error', () => {
        assert.equal(explain(599).match, 'class');
        assert.throws(() => explain(999), (e) => e instanceof SmtpreplyError &&
            e.code === 'unknown-code' && e.status === -16);
    });

    it('an enhanced code', () => {
        const e = explain('5.1.1');
        assert.deepEqual([e.kind, e.code, e.match], ['enhanced', '5.1.1', 'exact']);
        for (const k of ['classTitle', 'subjectTitle', 'title', 'description', 'reference'])
            assert.ok(e[k].length > 0, k);
        const vi = explain('5.1.1', 'vi');
        assert.ok(['vi', 'en'].includes(vi.locale));
        if (vi.locale === 'vi')
            assert.notEqual(vi.title, e.title);
    });

    it('what is no code is an error', () => {
        for (const bad of ['hello', '5.1', '5.1.1x', ''])
            assert.throws(() => explain(bad), (e) => e.code === 'invalid-argument', bad);
    });

    it('reasons', () => {
        assert.ok(describeReason('mailbox-full').length > 0);
        assert.notEqual(describeReason('mailbox-full', 'vi'), describeReason('mailbox-full'));
        assert.throws(() => describeReason('no-such-reason'), (e) => e.code === 'invalid-argument');
    });

    it('enhanced codes alone', () => {
        assert.deepEqual(parseEnhanced('5.7.26'), { class: 5, subject: 7, detail: 26 });
        assert.equal(parseEnhanced('5.7'), null);
        assert.equal(parseEnhanced('3.1.1'), null);
        assert.equal(parseEnhanced('5.1.1 trailing'), null);
    });
});

describe('ehlo', () => {
    before(() => init());

    it('capabilities of a Postfix EHLO reply', () => {
        const e = ehlo(POSTFIX_EHLO);
        assert.equal(e.serverName, 'mx.example.com');
        assert.equal(e.greeting, 'Hello client');
        for (const x of ['PIPELINING', 'SIZE', 'AUTH', 'STARTTLS', 'ENHANCEDSTATUSCODES', 'SMTPUTF8'])
            assert.ok(e.extensions.includes(x), x);
        assert.deepEqual(e.auth, ['PLAIN', 'LOGIN', 'XOAUTH2']);
        assert.equal(e.sizeMax, 10240000);
        assert.equal(e.keywords.length, 7);
        assert.deepEqual(e.keywords[5], { keyword: 'X-UNKNOWN-THING', params: 'a b', extension: null });
        assert.deepEqual(e.keywords[1], { keyword: 'SIZE', params: '10240000', extension: 'SIZE' });
        assert.deepEqual(parse(POSTFIX_EHLO)[0].ehlo(), e);
    });

    it('what is no EHLO reply is a named error', () => {
        assert.throws(() => ehlo('550 no\r\n'), (e) => e.code === 'not-ehlo' && e.status === -17);
        assert.throws(() => ehlo('250 a\r\n250 b\r\n'), (e) => e.code === 'invalid-argument');
        assert.throws(() => ehlo('25x\r\n'), (e) => e instanceof ParseError);
    });
});
