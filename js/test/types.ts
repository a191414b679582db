// SPDX-License-Identifier: MIT
// A program that uses every declaration of smtpreply.d.ts the way a TypeScript
// user would; js/test/types.sh type-checks it with tsc --strict against the
// packed package. Nothing here runs.
import { init, parse, Parser, classify, explain, ehlo, parseEnhanced, describeReason, version,
         Reply, ParseError, SmtpreplyError, Verdict } from 'smtpreply';
import type { Ehlo, EhloKeyword, ParserOptions, ReplyParts, Severity } from 'smtpreply';

await init();
await init(new URL('./smtpreply.wasm', import.meta.url));
const items: Array<Reply | ParseError> = parse('250 ok\r\n');
for (const item of items) {
    if (item instanceof ParseError) {
        const where: [string, number, number, number] = [item.code, item.offset, item.line, item.position];
        console.log(where, item.description, item.toJSON().error);
    } else {
        const v: Verdict = item.classify('RCPT');
        const sev: Severity = v.severity;
        const enh: string | null = item.enhanced;
        const raw: Uint8Array = item.rawText;
        console.log(item.code, enh, sev, v.reason, v.bounce, v.retry, v.evidence, v.rule, v.flags,
                    item.lines.join('|'), item.text, item.flags, item.encoding, raw.length,
                    item.offset, item.length, item.lineCount, item.linesStored, item.firstLine,
                    item.toJSON().lines);
    }
}
const options: ParserOptions = { strict: true, smtputf8: false, maxLineLength: 2048, maxLines: 10,
                                 textCapacity: 4096, batch: 8 };
const p = new Parser(options);
const more: Array<Reply | ParseError> = p.feed(new Uint8Array([50, 53, 48]));
const end: ParseError[] = p.finish();
p.reset();
p.free();
console.log(more.length, end.length);
const e = explain(550, 'vi');
if (e.kind === 'basic')
    console.log(e.severityTitle, e.fix, e.when, e.category);
else
    console.log(e.classTitle, e.basicCodes, e.action);
const caps: Ehlo = ehlo('250-x\r\n250 SIZE 10\r\n');
const kw: EhloKeyword | undefined = caps.keywords[0];
console.log(caps.auth, caps.sizeMax, caps.limits.rcptMax, kw?.extension, parse('250 x\r\n')[0]);
const enhanced = parseEnhanced('5.1.1');
console.log(enhanced?.class, enhanced?.subject, enhanced?.detail, describeReason('mailbox-full', 'vi'),
            version());
const parts: ReplyParts = { code: 550, enhanced: '5.1.1', text: new Uint8Array(0) };
console.log(classify(parts, 5).command);
try {
    explain(999);
} catch (err) {
    if (err instanceof SmtpreplyError)
        console.log(err.code, err.status, err.message);
}
