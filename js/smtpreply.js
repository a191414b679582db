// SPDX-License-Identifier: MIT
/**
 * smtpreply for JavaScript: the C library compiled to WebAssembly (smtpreply.wasm,
 * shipped beside this file), for Node and browsers, with no dependency.
 *
 *     import { init, parse } from 'smtpreply';
 *     await init();
 *     for (const r of parse('550 5.1.1 <a@example.test>: User unknown\r\n'))
 *         console.log(r.code, r.enhanced, r.classify('RCPT').reason);
 *
 * init() loads the module once; everything else is synchronous. Memory inside the
 * module is taken for a Parser and given back by parser.free() (or, failing that,
 * when the Parser is garbage-collected); the one-shot functions give theirs back
 * before they return.
 * @module smtpreply
 */

const ABI_MAJOR = 0;
const ABI_MIN_MINOR = 2; // smtpreply_parser_feed_many() appeared in 0.2

const NEED_MORE = 0;
const REPLY = 1;
const OK = 0;
const E_INVALID_ARG = -1;
const E_UNKNOWN_CODE = -16;
const E_NOT_EHLO = -17;
const STRICT_ALL = 0x3f;
const ENCODINGS = ['ascii', 'utf8', 'other'];
const MATCHES = ['exact', 'class'];

let lib = null;
let loading = null;

/** Any error raised by this package; `code` is the library's status name. */
export class SmtpreplyError extends Error {
    /**
     * @param {string} code   the library's name of the status ("unknown-code")
     * @param {number} status the library's negative status value
     * @param {string} message
     */
    constructor(code, status, message) {
        super(message);
        this.name = 'SmtpreplyError';
        this.code = code;
        this.status = status;
    }
}

/** A parse error: the parser skipped the line in error and goes on after it. */
export class ParseError extends SmtpreplyError {
    constructor(status, code, message, offset, position, line) {
        super(code, status, `${code} at offset ${offset} (line ${line}): ${message}`);
        this.name = 'ParseError';
        this.kind = 'error';
        /** The library's sentence for the status. */
        this.description = message;
        /** Stream offset of the first byte of the line in error. */
        this.offset = offset;
        /** Stream offset where the error was detected. */
        this.position = position;
        /** 1-based stream line number of the line in error. */
        this.line = line;
    }

    toJSON() {
        return { offset: this.offset, error: this.code, line: this.line,
                 position: this.position, message: this.description };
    }
}

function need() {
    if (lib === null)
        throw new SmtpreplyError('not-initialised', 0,
            'smtpreply: the WebAssembly module is not loaded; await init() first');
    return lib;
}

const isNode = typeof process !== 'undefined' && process.versions != null &&
    process.versions.node != null;

async function fetchBytes(url) {
    if (isNode && url.protocol === 'file:') {
        const fs = await import('node:fs/promises');
        return fs.readFile(url);
    }
    const response = await fetch(url);
    if (!response.ok)
        throw new SmtpreplyError('load-failed', 0,
            `smtpreply: fetching ${url} failed: ${response.status} ${response.statusText}`);
    return response.arrayBuffer();
}

async function instantiate(source) {
    if (source === undefined || source === null)
        source = new URL('./smtpreply.wasm', import.meta.url);
    if (typeof source === 'string')
        source = new URL(source, typeof location !== 'undefined' ? location.href : import.meta.url);
    if (source instanceof WebAssembly.Module)
        return WebAssembly.instantiate(source, {});
    if (typeof Response !== 'undefined' && source instanceof Response)
        source = await source.arrayBuffer();
    if (source instanceof URL)
        source = await fetchBytes(source);
    const { instance } = await WebAssembly.instantiate(source, {});
    return instance;
}

/**
 * Load the WebAssembly module; resolves when the other functions can be used.
 * Calling it again returns the same promise.
 * @param {string|URL|Response|ArrayBuffer|Uint8Array|WebAssembly.Module} [source]
 *        where smtpreply.wasm is; by default the file beside this module.
 * @returns {Promise<void>}
 */
export function init(source) {
    if (loading === null) {
        loading = instantiate(source).then((instance) => {
            lib = new Lib(instance);
        }, (err) => {
            loading = null;
            throw err;
        });
    }
    return loading;
}

const utf8 = new TextDecoder('utf-8');
const encoder = new TextEncoder();

function toBytes(data) {
    if (typeof data === 'string')
        return encoder.encode(data);
    if (data instanceof Uint8Array)
        return data;
    if (data instanceof ArrayBuffer)
        return new Uint8Array(data);
    if (ArrayBuffer.isView(data))
        return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    throw new TypeError('smtpreply: expected a string, Uint8Array, ArrayBuffer or typed array');
}

/** text.split('\n'), without the general machinery split() goes through. */
function splitLines(text) {
    const out = [];
    let at = 0;
    let nl;
    while ((nl = text.indexOf('\n', at)) >= 0) {
        out.push(text.slice(at, nl));
        at = nl + 1;
    }
    out.push(at === 0 ? text : text.slice(at));
    return out;
}

class Lib {
    constructor(instance) {
        const x = instance.exports;
        this.x = x;
        this.memory = x.memory;
        if (typeof x._initialize === 'function')
            x._initialize();
        this.buffer = null;
        this.refresh();
        this.version = this.cstr(x.smtpreply_version());
        const [major, minor] = this.version.split('.').map(Number);
        if (major !== ABI_MAJOR || !(minor >= ABI_MIN_MINOR))
            throw new SmtpreplyError('bad-version', 0,
                `smtpreply: the module is libsmtpreply ${this.version}; this package needs ` +
                `${ABI_MAJOR}.${ABI_MIN_MINOR} or a later ${ABI_MAJOR}.x`);
        this.L = {};
        for (const line of this.cstr(x.smtpreply_wasm_layout()).split('\n')) {
            if (line) {
                const eq = line.indexOf('=');
                this.L[line.slice(0, eq)] = Number(line.slice(eq + 1));
            }
        }
        // The reply's offsets as a plain object: read for every reply parsed.
        this.R = {
            size: this.off('reply.size'), code: this.off('reply.code'),
            flags: this.off('reply.flags'),
            klass: this.off('reply.enhanced') + this.off('enhanced.klass'),
            subject: this.off('reply.enhanced') + this.off('enhanced.subject'),
            detail: this.off('reply.enhanced') + this.off('enhanced.detail'),
            enhancedText: this.off('reply.enhanced_text'), encoding: this.off('reply.encoding'),
            lineCount: this.off('reply.line_count'), linesStored: this.off('reply.lines_stored'),
            firstLine: this.off('reply.first_line'), text: this.off('reply.text'),
            textLen: this.off('reply.text_len'), offset: this.off('reply.offset'),
            length: this.off('reply.length'),
        };
        this.V = {
            size: this.off('verdict.size'), severity: this.off('verdict.severity'),
            category: this.off('verdict.category'), reason: this.off('verdict.reason'),
            bounce: this.off('verdict.bounce'), retry: this.off('verdict.retry'),
            evidence: this.off('verdict.evidence'), command: this.off('verdict.command'),
            flags: this.off('verdict.flags'), rule: this.off('verdict.rule'),
        };
        this.rules = new Map();
        this.commands = new Map();
        this.scratchPtr = 0;
        this.scratchSize = 0;
        this.flagNames = this.bitNames(x.smtpreply_flag_name);
        this.verdictFlagNames = this.bitNames(x.smtpreply_verdict_flag_name);
        this.extensionNames = this.bitNames(x.smtpreply_extension_name);
        this.authNames = this.bitNames(x.smtpreply_auth_mech_name);
        this.names = {};
        for (const kind of ['severity', 'category', 'reason', 'bounce', 'retry', 'evidence',
                            'command']) {
            const fn = x[`smtpreply_${kind}_name`];
            const table = [];
            for (let i = 0; i < 64; i++)
                table.push(this.cstr(fn(i)));
            this.names[kind] = table;
        }
        this.confidenceNames = [0, 1].map((c) => this.cstr(x.smtpreply_confidence_name(c)));
        this.statusNames = new Map();
        for (let s = 0; s >= -64; s--)
            this.statusNames.set(s, this.cstr(x.smtpreply_status_name(s)));
    }

    off(name) {
        const v = this.L[name];
        if (v === undefined)
            throw new SmtpreplyError('bad-module', 0, `smtpreply: the module's layout lacks ${name}`);
        return v;
    }

    /** Views of the memory; a call that grows it replaces its buffer. */
    refresh() {
        if (this.buffer !== this.memory.buffer) {
            this.buffer = this.memory.buffer;
            this.u8 = new Uint8Array(this.buffer);
            this.dv = new DataView(this.buffer);
        }
    }

    alloc(n) {
        const p = this.x.smtpreply_wasm_alloc(n);
        if (p === 0)
            throw new RangeError(`smtpreply: the WebAssembly memory cannot grow by ${n} bytes`);
        this.refresh();
        return p;
    }

    free(p) {
        this.x.smtpreply_wasm_free(p);
    }

    cstr(p) {
        if (p === 0)
            return null;
        this.refresh();
        const end = this.u8.indexOf(0, p);
        return utf8.decode(this.u8.subarray(p, end));
    }

    bitNames(fn) {
        const out = [];
        for (let i = 0; i < 32; i++) {
            const n = this.cstr(fn((1 << i) >>> 0));
            out.push(n === 'unknown' ? null : n);
        }
        return out;
    }

    bits(value, table) {
        const out = [];
        if (value === 0)
            return out;
        for (let i = 0; i < 32; i++) {
            if (value & (1 << i))
                out.push(table[i] ?? `0x${((1 << i) >>> 0).toString(16)}`);
        }
        return out;
    }

    u32(p) { return this.dv.getUint32(p, true); }
    i32(p) { return this.dv.getInt32(p, true); }
    u16(p) { return this.dv.getUint16(p, true); }
    u64(p) {
        return this.dv.getUint32(p, true) + this.dv.getUint32(p + 4, true) * 4294967296;
    }

    /** Copies bytes into a new block; the caller frees it. */
    copyIn(bytes) {
        const p = this.alloc(bytes.length);
        this.u8.set(bytes, p);
        return p;
    }

    /** A NUL-terminated copy of an ASCII string, or 0 for null. */
    cstrIn(s) {
        if (s === null || s === undefined)
            return 0;
        const b = encoder.encode(String(s));
        const p = this.alloc(b.length + 1);
        this.u8.set(b, p);
        this.u8[p + b.length] = 0;
        return p;
    }

    verdict(p) {
        const V = this.V;
        const n = this.names;
        // Rules are static strings of the library: each is decoded once.
        const rulePtr = this.u32(p + V.rule);
        let rule = this.rules.get(rulePtr);
        if (rule === undefined) {
            rule = this.cstr(rulePtr);
            this.rules.set(rulePtr, rule);
        }
        return new Verdict({
            severity: n.severity[this.i32(p + V.severity)] ?? 'unknown',
            category: n.category[this.i32(p + V.category)] ?? 'unknown',
            reason: n.reason[this.i32(p + V.reason)] ?? 'unknown',
            bounce: n.bounce[this.i32(p + V.bounce)] ?? 'unknown',
            retry: n.retry[this.i32(p + V.retry)] ?? 'unknown',
            confidence: this.confidenceNames[this.x.smtpreply_verdict_confidence(p)] ?? 'unknown',
            evidence: n.evidence[this.i32(p + V.evidence)] ?? 'unknown',
            command: n.command[this.i32(p + V.command)] ?? 'UNKNOWN',
            flags: this.bits(this.u32(p + V.flags), this.verdictFlagNames),
            rule,
        });
    }

    /** A block of at least n bytes, kept for the next call that needs one: for the
     *  structs of one call, which never calls another function that uses it. */
    scratch(n) {
        if (n > this.scratchSize) {
            if (this.scratchPtr)
                this.free(this.scratchPtr);
            this.scratchPtr = 0;
            this.scratchSize = 0;
            const size = Math.max(n, 4096);
            this.scratchPtr = this.alloc(size);
            this.scratchSize = size;
        }
        this.refresh();
        return this.scratchPtr;
    }

    command(command) {
        if (command === undefined || command === null)
            return 0;
        if (typeof command === 'number') {
            if (!Number.isInteger(command) || command < 0)
                throw new SmtpreplyError('invalid-argument', E_INVALID_ARG,
                    `smtpreply: a command number must be a non-negative integer, not ${command}`);
            return command;
        }
        const key = String(command);
        let cmd = this.commands.get(key);
        if (cmd === undefined) {
            const b = encoder.encode(key);
            const p = this.copyIn(b);
            try {
                cmd = this.x.smtpreply_command_parse(p, b.length);
            } finally {
                this.free(p);
            }
            if (this.commands.size < 256)
                this.commands.set(key, cmd);
        }
        return cmd;
    }

    /** Runs fn(pointer, extra) with the struct of a Reply rebuilt in scratch
     *  memory, its text copied right after it, then `extra` free bytes (8-aligned). */
    withReply(reply, extra, fn) {
        const R = this.R;
        // An ASCII reply's text is written from its string, one byte per character.
        const ascii = reply._raw === null ? reply._ascii : null;
        const textLen = ascii !== null ? ascii.length : reply._raw.length;
        const extraAt = (R.size + textLen + 1 + 7) & ~7;
        const p = this.scratch(extraAt + extra);
        {
            const dv = this.dv;
            this.u8.fill(0, p, p + R.size);
            dv.setUint16(p + R.code, reply.code, true);
            dv.setUint32(p + R.flags, reply._flags, true);
            const u8 = this.u8;
            if (reply.enhanced !== null) {
                dv.setUint16(p + R.klass, reply._enhanced >>> 20, true);
                dv.setUint16(p + R.subject, (reply._enhanced >>> 10) & 1023, true);
                dv.setUint16(p + R.detail, reply._enhanced & 1023, true);
                const e = reply.enhanced;
                for (let i = 0; i < e.length; i++)
                    u8[p + R.enhancedText + i] = e.charCodeAt(i);
            }
            dv.setUint32(p + R.encoding, reply._encoding, true);
            dv.setUint32(p + R.lineCount, reply.lineCount, true);
            dv.setUint32(p + R.linesStored, reply.linesStored, true);
            dv.setUint32(p + R.firstLine, reply.firstLine, true);
            dv.setUint32(p + R.text, p + R.size, true);
            dv.setUint32(p + R.textLen, textLen, true);
            this.setU64(p + R.offset, reply.offset);
            this.setU64(p + R.length, reply.length);
            const t = p + R.size;
            if (ascii !== null) {
                for (let i = 0; i < textLen; i++)
                    u8[t + i] = ascii.charCodeAt(i);
            } else {
                u8.set(reply._raw, t);
            }
            u8[t + textLen] = 0;
        }
        return fn(p, p + extraAt);
    }

    setU64(p, v) {
        this.dv.setUint32(p, v % 4294967296, true);
        this.dv.setUint32(p + 4, Math.floor(v / 4294967296), true);
    }
}

/** The classifier's verdict on one reply, with every field as the tools print it. */
export class Verdict {
    constructor(fields) {
        /** "positive-completion", ..., "permanent-negative". */
        this.severity = fields.severity;
        /** "syntax", "information", "connections", "unspecified", "mail-system". */
        this.category = fields.category;
        /** "none", "recipient-unknown", "mailbox-full", ... (docs/design.md section 5). */
        this.reason = fields.reason;
        /** "none", "soft", "hard", "block". */
        this.bounce = fields.bounce;
        /** "not-needed", "retry", "retry-after-fix", "never". */
        this.retry = fields.retry;
        /** "high", or "low" when only fallback evidence decided or the evidence
         *  disagrees: a program acting on the verdict treats a low one as "probably". */
        this.confidence = fields.confidence;
        /** What decided: "provider", "enhanced", "text", "command", "code", "class",
         *  "none". */
        this.evidence = fields.evidence;
        /** The command as given ("RCPT"), "UNKNOWN" when none. */
        this.command = fields.command;
        /** Verdict flags by name ("unexpected-for-command", ...). */
        this.flags = fields.flags;
        /** What decided, for people: the phrase matched, "x.1.1", ... */
        this.rule = fields.rule;
    }
}

/** One complete reply. It owns copies of its bytes, so it outlives the parser call. */
export class Reply {
    /**
     * @param {Lib} l
     * @param {number} p  the C struct in the module's memory
     * @param {string|null} span  when every reply of the batch is ASCII: their text
     *        region decoded at once, starting at address spanAt
     * @param {number} spanAt
     */
    constructor(l, p, span = null, spanAt = 0) {
        const R = l.R;
        const dv = l.dv;
        const textPtr = dv.getUint32(p + R.text, true);
        const textLen = dv.getUint32(p + R.textLen, true);
        const klass = dv.getUint16(p + R.klass, true);
        const subject = dv.getUint16(p + R.subject, true);
        const detail = dv.getUint16(p + R.detail, true);
        const stored = dv.getUint32(p + R.linesStored, true);
        const flags = dv.getUint32(p + R.flags, true);
        const encoding = dv.getUint32(p + R.encoding, true);
        this.kind = 'reply';
        /** The three-digit code. */
        this.code = dv.getUint16(p + R.code, true);
        /** The first line's enhanced code ("5.1.1"), or null. */
        this.enhanced = klass ? `${klass}.${subject}.${detail}` : null;
        let text;
        if (span !== null) {
            // ASCII: one character per byte, the bytes follow from the string.
            text = span.substring(textPtr - spanAt, textPtr - spanAt + textLen);
            this._raw = null;
            this._ascii = text;
        } else {
            this._raw = l.u8.slice(textPtr, textPtr + textLen);
            this._ascii = null;
            text = utf8.decode(this._raw);
        }
        /** Each line's text, decoded as UTF-8 (U+FFFD for bytes that are not). */
        this.lines = stored === 0 ? [] : splitLines(text);
        /** Reply flags by name ("bare-lf", "code-only", ...). */
        this.flags = l.bits(flags, l.flagNames);
        /** "ascii", "utf8" or "other". */
        this.encoding = ENCODINGS[encoding] ?? 'other';
        /** Stream offset of the reply's first byte. */
        this.offset = l.u64(p + R.offset);
        /** Bytes the reply took on the wire. */
        this.length = l.u64(p + R.length);
        /** Lines on the wire. */
        this.lineCount = dv.getUint32(p + R.lineCount, true);
        /** Lines present in the text (fewer when it was truncated). */
        this.linesStored = stored;
        /** 1-based stream line number of the first line. */
        this.firstLine = dv.getUint32(p + R.firstLine, true);
        // What rebuilding the C struct needs beyond the fields above.
        this._flags = flags;
        this._encoding = encoding;
        this._enhanced = klass << 20 | subject << 10 | detail;
    }

    /** The lines joined by LF. */
    get text() {
        return this.lines.join('\n');
    }

    /** The text's bytes: every line's text joined by LF. */
    get rawText() {
        if (this._raw === null) {
            const t = this._ascii;
            const raw = new Uint8Array(t.length);
            for (let i = 0; i < t.length; i++)
                raw[i] = t.charCodeAt(i);
            this._raw = raw;
        }
        return this._raw;
    }

    /**
     * Classify this reply.
     * @param {string|number} [command] what it answers: "RCPT", "MAIL FROM", "DATA_END",
     *        a command number, or nothing when not known.
     * @returns {Verdict}
     */
    classify(command) {
        const l = need();
        const cmd = l.command(command);
        return l.withReply(this, l.V.size, (rp, v) => {
            const rc = l.x.smtpreply_classify(rp, cmd, v);
            if (rc !== OK)
                throw statusError(rc);
            return l.verdict(v);
        });
    }

    /** The EHLO capabilities this reply announces; see ehlo(). */
    ehlo() {
        return ehlo(this);
    }

    toJSON() {
        return { offset: this.offset, code: this.code, enhanced: this.enhanced,
                 lines: this.lines, encoding: this.encoding, flags: this.flags };
    }
}

function statusError(rc) {
    const l = need();
    return new SmtpreplyError(l.statusNames.get(rc) ?? 'unknown', rc,
        `smtpreply: ${l.cstr(l.x.smtpreply_strerror(rc))}`);
}

const registry = typeof FinalizationRegistry !== 'undefined'
    ? new FinalizationRegistry((blocks) => {
        if (lib !== null)
            for (const b of blocks)
                if (b)
                    lib.free(b);
    })
    : null;

/**
 * A streaming reply parser: feed() it bytes as they arrive, in pieces of any
 * size; every complete reply (and every error) comes out once, in stream order.
 */
export class Parser {
    /**
     * @param {object} [options]
     * @param {boolean|number} [options.strict] true: every tolerated deviation is an
     *        error; a number: a mask of the library's strict bits.
     * @param {boolean} [options.smtputf8] SMTPUTF8 is in use (valid UTF-8 is no strict error).
     * @param {number} [options.maxLineLength] octets per line; 0 or absent: the default.
     * @param {number} [options.maxLines] lines per reply; 0 or absent: the default.
     * @param {number} [options.textCapacity] bytes of reply text kept per reply (65536).
     * @param {number} [options.batch] replies one call into the module may return (32).
     */
    constructor(options = {}) {
        const l = need();
        const cap = options.textCapacity ?? 65536;
        const batch = options.batch ?? 32;
        if (!Number.isInteger(cap) || cap < 1)
            throw new RangeError('smtpreply: textCapacity must be a positive integer');
        if (!Number.isInteger(batch) || batch < 1)
            throw new RangeError('smtpreply: batch must be a positive integer');
        const L = l.L;
        const replySize = l.off('reply.size');
        // One block: parser state, options, consumed and count, the reply array,
        // then the text buffer. Every part stays 8-aligned.
        const align = (n) => (n + 7) & ~7;
        this._state = 0;
        this._stateSize = align(l.off('parser.size'));
        const optAt = this._stateSize;
        const outAt = optAt + align(l.off('options.size'));
        const repliesAt = outAt + 8;
        const textAt = align(repliesAt + replySize * batch);
        const block = l.alloc(textAt + cap);
        this._block = block;
        this._blocks = [block, 0];
        this._out = block + outAt;
        this._replies = block + repliesAt;
        this._batch = batch;
        this._input = 0;
        this._inputCap = 0;
        const opt = block + optAt;
        l.x.smtpreply_options_default(opt);
        let strict = options.strict ?? false;
        strict = strict === true ? STRICT_ALL : strict === false ? 0 : strict;
        if (!Number.isInteger(strict) || strict < 0 || strict > STRICT_ALL)
            throw new RangeError('smtpreply: strict must be true, false or a mask of strict bits');
        l.dv.setUint32(opt + L['options.strict'], strict, true);
        l.dv.setUint32(opt + L['options.smtputf8'], options.smtputf8 ? 1 : 0, true);
        l.dv.setUint32(opt + L['options.max_line_length'], options.maxLineLength ?? 0, true);
        l.dv.setUint32(opt + L['options.max_lines'], options.maxLines ?? 0, true);
        const rc = l.x.smtpreply_parser_init_ex(block, block + textAt, cap, opt);
        if (rc !== OK) {
            l.free(block);
            throw statusError(rc);
        }
        if (registry)
            registry.register(this, this._blocks, this);
    }

    _error(rc) {
        const l = lib;
        const e = l.alloc(l.off('error.size'));
        try {
            l.x.smtpreply_parser_error(this._block, e);
            const L = l.L;
            return new ParseError(rc, l.cstr(l.u32(e + L['error.name'])),
                l.cstr(l.u32(e + L['error.message'])), l.u64(e + L['error.offset']),
                l.u64(e + L['error.position']), l.u32(e + L['error.line']));
        } finally {
            l.free(e);
        }
    }

    _live() {
        if (this._block === 0)
            throw new SmtpreplyError('invalid-argument', E_INVALID_ARG,
                'smtpreply: this Parser was freed');
        return need();
    }

    /**
     * Parse the next bytes of the stream.
     * @param {Uint8Array|ArrayBuffer|string} data received bytes (a string is
     *        encoded as UTF-8).
     * @returns {Array<Reply|ParseError>} the replies and errors they complete, in order.
     */
    feed(data) {
        const l = this._live();
        const bytes = toBytes(data);
        const out = [];
        if (bytes.length === 0)
            return out;
        if (bytes.length > this._inputCap) {
            if (this._input)
                l.free(this._input);
            this._input = 0;
            this._blocks[1] = 0;
            this._inputCap = Math.max(bytes.length, 4096);
            this._input = l.alloc(this._inputCap);
            this._blocks[1] = this._input;
        }
        l.refresh();
        l.u8.set(bytes, this._input);
        const replySize = l.R.size;
        const x = l.x;
        let at = 0;
        while (at < bytes.length) {
            const rc = x.smtpreply_parser_feed_many(this._block, this._input + at,
                bytes.length - at, this._out, this._replies, this._batch, this._out + 4);
            l.refresh();
            at += l.u32(this._out);
            const count = l.u32(this._out + 4);
            // The batch's texts lie one after the other in the text buffer: when
            // all are ASCII, one decoding serves them all (decoding is the
            // costly part of making a Reply, per call more than per byte).
            const R = l.R;
            const first = this._replies;
            const last = first + (count - 1) * replySize;
            let ascii = count > 0;
            for (let i = 0; i < count && ascii; i++)
                ascii = l.dv.getUint32(first + i * replySize + R.encoding, true) === 0;
            let span = null;
            let spanAt = 0;
            if (ascii) {
                spanAt = l.u32(first + R.text);
                const end = l.u32(last + R.text) + l.u32(last + R.textLen);
                span = utf8.decode(l.u8.subarray(spanAt, end));
            }
            for (let i = 0; i < count; i++)
                out.push(new Reply(l, first + i * replySize, span, spanAt));
            if (rc < 0)
                out.push(this._error(rc));
            else if (rc === NEED_MORE)
                break;
        }
        return out;
    }

    /**
     * The stream has ended.
     * @returns {ParseError[]} one error when it ended inside a reply, else none.
     * The parser is ready for a new stream.
     */
    finish() {
        const l = this._live();
        const rc = l.x.smtpreply_parser_finish(this._block, 0);
        return rc < 0 ? [this._error(rc)] : [];
    }

    /** Forget any partial reply and start a new stream. */
    reset() {
        this._live().x.smtpreply_parser_reset(this._block);
    }

    /** Give the parser's memory back now; the parser cannot be used afterwards. */
    free() {
        if (this._block === 0)
            return;
        const l = need();
        if (registry)
            registry.unregister(this);
        l.free(this._block);
        if (this._input)
            l.free(this._input);
        this._block = 0;
        this._input = 0;
        this._blocks[0] = this._blocks[1] = 0;
    }
}

if (typeof Symbol.dispose === 'symbol')
    Parser.prototype[Symbol.dispose] = Parser.prototype.free;

/**
 * Parse a whole stream at once: the replies and errors it holds, and an
 * "incomplete" error when it ends inside a reply.
 * @param {Uint8Array|ArrayBuffer|string} data
 * @param {object} [options] as for new Parser()
 * @returns {Array<Reply|ParseError>}
 */
export function parse(data, options) {
    const p = new Parser(options);
    try {
        return [...p.feed(data), ...p.finish()];
    } finally {
        p.free();
    }
}

function enhancedIn(l, enhanced, p) {
    const b = encoder.encode(String(enhanced));
    const s = l.copyIn(b);
    try {
        const n = l.x.smtpreply_enhanced_parse(s, b.length, p);
        if (n === 0 || n !== b.length)
            throw new SmtpreplyError('invalid-argument', E_INVALID_ARG,
                `smtpreply: ${JSON.stringify(String(enhanced))} is not an enhanced status code`);
    } finally {
        l.free(s);
    }
}

/**
 * Classify a reply, or a reply's parts as found in a log.
 * @param {Reply|{code: number, enhanced?: string|null, text?: string|Uint8Array}} reply
 * @param {string|number} [command] what the reply answers ("RCPT", "DATA_END", ...).
 * @returns {Verdict}
 */
export function classify(reply, command) {
    if (reply instanceof Reply)
        return reply.classify(command);
    const l = need();
    if (reply === null || typeof reply !== 'object' || !Number.isInteger(reply.code) ||
        reply.code < 0)
        throw new TypeError('smtpreply: classify() needs a Reply or {code, enhanced, text}');
    const cmd = l.command(command);
    const text = reply.text === undefined || reply.text === null ? new Uint8Array(0)
        : toBytes(reply.text);
    const encSize = l.off('enhanced.size');
    const vSize = l.off('verdict.size');
    const block = l.alloc(encSize + vSize + text.length + 1);
    try {
        let enh = 0;
        if (reply.enhanced !== undefined && reply.enhanced !== null) {
            enhancedIn(l, reply.enhanced, block);
            enh = block;
        }
        const t = block + encSize + vSize;
        l.u8.set(text, t);
        const rc = l.x.smtpreply_classify_parts(reply.code, enh, t, text.length, cmd,
                                                 block + encSize);
        if (rc !== OK)
            throw statusError(rc);
        return l.verdict(block + encSize);
    } finally {
        l.free(block);
    }
}

/**
 * Parse an RFC 3463 enhanced status code ("5.7.26").
 * @param {string} text
 * @returns {{class: number, subject: number, detail: number}|null} null when the
 *          whole text is not one valid enhanced code.
 */
export function parseEnhanced(text) {
    const l = need();
    const b = encoder.encode(String(text));
    const size = l.off('enhanced.size');
    const p = l.alloc(size + b.length);
    try {
        l.u8.set(b, p + size);
        const n = l.x.smtpreply_enhanced_parse(p + size, b.length, p);
        if (n === 0 || n !== b.length)
            return null;
        return { class: l.u16(p + l.L['enhanced.klass']),
                 subject: l.u16(p + l.L['enhanced.subject']),
                 detail: l.u16(p + l.L['enhanced.detail']) };
    } finally {
        l.free(p);
    }
}

function strings(l, p, prefix, fields) {
    const out = {};
    for (const [key, field] of fields)
        out[key] = l.cstr(l.u32(p + l.off(`${prefix}.${field}`)));
    return out;
}

/**
 * The documented strings of a reply code: a basic code (550, "550") or an
 * enhanced one ("5.1.1"), in English ("en") or Vietnamese ("vi"). A string not
 * translated yet is served in English, and `locale` says so.
 * @param {number|string} code
 * @param {string} [lang]
 * @returns {object} kind "basic" or "enhanced", code, match ("exact" or
 *          "class"), locale, and the strings.
 */
export function explain(code, lang = 'en') {
    const l = need();
    const basic = typeof code === 'number' || /^\s*\d+\s*$/.test(String(code));
    if (basic) {
        const n = Number(code);
        if (!Number.isInteger(n) || n < 0 || n > 0xffffffff)
            throw new SmtpreplyError('invalid-argument', E_INVALID_ARG,
                `smtpreply: ${code} is not a reply code`);
        const size = l.off('code_info.size');
        const p = l.alloc(size);
        const lp = l.cstrIn(lang);
        try {
            const rc = l.x.smtpreply_explain_code(n, lp, p);
            if (rc !== OK) {
                const e = statusError(rc);
                e.message = `smtpreply: ${code}: ${e.message.replace('smtpreply: ', '')}`;
                throw e;
            }
            const out = { kind: 'basic', code: l.u16(p + l.L['code_info.code']),
                          match: MATCHES[l.i32(p + l.L['code_info.match'])] ?? 'unknown',
                          severity: l.names.severity[l.i32(p + l.L['code_info.severity'])],
                          category: l.names.category[l.i32(p + l.L['code_info.category'])] };
            return Object.assign(out, strings(l, p, 'code_info', [
                ['locale', 'locale'], ['title', 'title'], ['description', 'description'],
                ['when', 'when'], ['fix', 'fix'], ['reference', 'reference'],
                ['severityTitle', 'severity_title']]));
        } finally {
            l.free(p);
            if (lp)
                l.free(lp);
        }
    }
    const encSize = l.off('enhanced.size');
    const size = l.off('enhanced_info.size');
    const p = l.alloc(encSize + size);
    const lp = l.cstrIn(lang);
    try {
        enhancedIn(l, String(code).trim(), p);
        const rc = l.x.smtpreply_explain_enhanced(p, lp, p + encSize);
        if (rc !== OK)
            throw statusError(rc);
        const q = p + encSize;
        const c = q + l.L['enhanced_info.code'];
        const out = { kind: 'enhanced',
                      code: `${l.u16(c + l.L['enhanced.klass'])}.${l.u16(c + l.L['enhanced.subject'])}.${l.u16(c + l.L['enhanced.detail'])}`,
                      match: MATCHES[l.i32(q + l.L['enhanced_info.match'])] ?? 'unknown' };
        return Object.assign(out, strings(l, q, 'enhanced_info', [
            ['locale', 'locale'], ['classTitle', 'class_title'],
            ['classDescription', 'class_description'], ['subjectTitle', 'subject_title'],
            ['subjectDescription', 'subject_description'], ['title', 'title'],
            ['description', 'description'], ['action', 'action'], ['reference', 'reference'],
            ['basicCodes', 'basic_codes']]));
    } finally {
        l.free(p);
        if (lp)
            l.free(lp);
    }
}

/**
 * A sentence that explains a reason ("mailbox-full"), localised.
 * @param {string} reason
 * @param {string} [lang]
 * @returns {string}
 */
export function describeReason(reason, lang = 'en') {
    const l = need();
    const i = l.names.reason.indexOf(reason);
    if (i < 0 || reason === 'unknown')
        throw new SmtpreplyError('invalid-argument', E_INVALID_ARG,
            `smtpreply: unknown reason ${JSON.stringify(reason)}`);
    const lp = l.cstrIn(lang);
    try {
        return l.cstr(l.x.smtpreply_reason_describe(i, lp));
    } finally {
        if (lp)
            l.free(lp);
    }
}

/**
 * What an EHLO reply says about the server: its name, extensions, AUTH
 * mechanisms, SIZE, LIMITS and every capability line.
 * @param {Reply|Uint8Array|string} reply a parsed reply, or the reply's bytes.
 * @returns {object}
 */
export function ehlo(reply) {
    const l = need();
    if (!(reply instanceof Reply)) {
        const items = parse(reply);
        const bad = items.find((i) => i instanceof ParseError);
        if (bad)
            throw bad;
        if (items.length !== 1)
            throw new SmtpreplyError('invalid-argument', E_INVALID_ARG,
                `smtpreply: ehlo() needs exactly one reply, the input holds ${items.length}`);
        reply = items[0];
    }
    const text = reply.rawText;
    const es = l.off('ehlo.size');
    const ks = l.off('ehlo_keyword.size');
    return l.withReply(reply, es + ks + 8, (rp, p) => {
        const L = l.L;
        const base = rp + L['reply.size'];
        const slice = (ptr, len) => ptr === 0 || len === 0 ? ''
            : utf8.decode(text.subarray(ptr - base, ptr - base + len));
        {
            const rc = l.x.smtpreply_ehlo_parse(rp, p);
            if (rc === E_NOT_EHLO)
                throw new SmtpreplyError('not-ehlo', rc,
                    `smtpreply: an EHLO reply is a 250, not a ${reply.code}`);
            if (rc !== OK)
                throw statusError(rc);
            const out = {
                serverName: slice(l.u32(p + L['ehlo.server_name']), l.u32(p + L['ehlo.server_name_len'])),
                greeting: slice(l.u32(p + L['ehlo.greeting']), l.u32(p + L['ehlo.greeting_len'])),
                extensions: l.bits(l.u32(p + L['ehlo.extensions']), l.extensionNames),
                auth: l.bits(l.u32(p + L['ehlo.auth']), l.authNames),
                sizeMax: l.u64(p + L['ehlo.size_max']),
                limits: { rcptMax: l.u32(p + L['ehlo.limits_rcptmax']),
                          mailMax: l.u32(p + L['ehlo.limits_mailmax']),
                          rcptDomainMax: l.u32(p + L['ehlo.limits_rcptdomainmax']) },
                deliverByMin: l.u64(p + L['ehlo.deliverby_min']),
                keywords: [],
            };
            const kw = p + es;
            const pos = kw + ks;
            l.dv.setUint32(pos, 0, true);
            while (l.x.smtpreply_ehlo_next(rp, pos, kw)) {
                const ext = l.u32(kw + L['ehlo_keyword.extension']);
                out.keywords.push({
                    keyword: slice(l.u32(kw + L['ehlo_keyword.keyword']), l.u32(kw + L['ehlo_keyword.keyword_len'])),
                    params: slice(l.u32(kw + L['ehlo_keyword.params']), l.u32(kw + L['ehlo_keyword.params_len'])),
                    extension: ext ? l.bits(ext, l.extensionNames)[0] : null,
                });
            }
            return out;
        }
    });
}

/** The version of the loaded library, e.g. "0.3.0". */
export function version() {
    return need().version;
}
