// SPDX-License-Identifier: MIT
// Type declarations of the smtpreply package (smtpreply.js).

/** Bytes as the package accepts them; a string is encoded as UTF-8. */
export type Bytes = Uint8Array | ArrayBuffer | ArrayBufferView | string;

/** Where smtpreply.wasm comes from; by default the file beside smtpreply.js. */
export type WasmSource = string | URL | Response | ArrayBuffer | Uint8Array | WebAssembly.Module;

/** Load the WebAssembly module once; the other functions need it. */
export function init(source?: WasmSource): Promise<void>;

/** The version of the loaded library, e.g. "0.3.0". */
export function version(): string;

/** Any error raised by this package. */
export class SmtpreplyError extends Error {
    /** The library's name of the status ("unknown-code", "not-ehlo", "invalid-arg"). */
    readonly code: string;
    /** The library's negative status value (0 for errors of the package itself). */
    readonly status: number;
}

/** A parse error. The parser skipped the line in error and goes on after it. */
export class ParseError extends SmtpreplyError {
    readonly kind: 'error';
    /** The library's sentence for the status. */
    readonly description: string;
    /** Stream offset of the first byte of the line in error. */
    readonly offset: number;
    /** Stream offset where the error was detected. */
    readonly position: number;
    /** 1-based stream line number of the line in error. */
    readonly line: number;
    /** The object smtp-parse prints for an error. */
    toJSON(): { offset: number; error: string; line: number; position: number; message: string };
}

export type Severity = 'positive-completion' | 'positive-intermediate' | 'transient-negative' |
    'permanent-negative' | 'unknown';
export type Category = 'syntax' | 'information' | 'connections' | 'unspecified' | 'mail-system' |
    'unknown';
export type Bounce = 'none' | 'soft' | 'hard' | 'block';
export type Retry = 'not-needed' | 'retry' | 'retry-after-fix' | 'never';
export type Evidence = 'none' | 'enhanced' | 'command' | 'text' | 'code' | 'class' | 'provider';
export type Confidence = 'high' | 'low';

/** A command a reply answers: a name ("RCPT", "MAIL FROM", "DATA_END") or its number. */
export type Command = string | number;

/** The classifier's verdict, every field as the tools print it. */
export class Verdict {
    readonly severity: Severity;
    readonly category: Category;
    /** "none", "recipient-unknown", "mailbox-full", ... (one of the library's reasons). */
    readonly reason: string;
    readonly bounce: Bounce;
    readonly retry: Retry;
    /** "low" when only fallback evidence decided or the evidence disagrees: act on
     *  such a verdict as "probably". */
    readonly confidence: Confidence;
    readonly evidence: Evidence;
    /** The command as given, "UNKNOWN" when none. */
    readonly command: string;
    /** Verdict flags by name ("unexpected-for-command", "provider-text", ...). */
    readonly flags: string[];
    /** What decided, for people: the phrase matched, "x.1.1", ... */
    readonly rule: string;
}

/** One complete reply; it owns copies of its bytes. */
export class Reply {
    readonly kind: 'reply';
    /** The three-digit reply code. */
    readonly code: number;
    /** The first line's enhanced status code ("5.1.1"), or null. */
    readonly enhanced: string | null;
    /** Each line's text without code, enhanced code or line end, decoded as UTF-8. */
    readonly lines: string[];
    /** The text's bytes: the lines joined by LF. */
    readonly rawText: Uint8Array;
    /** The lines joined by LF. */
    readonly text: string;
    /** Reply flags by name ("bare-lf", "code-only", "truncated", ...). */
    readonly flags: string[];
    readonly encoding: 'ascii' | 'utf8' | 'other';
    /** Stream offset of the reply's first byte. */
    readonly offset: number;
    /** Bytes the reply took on the wire. */
    readonly length: number;
    /** Lines on the wire. */
    readonly lineCount: number;
    /** Lines present in the text (fewer when the text was truncated). */
    readonly linesStored: number;
    /** 1-based stream line number of the reply's first line. */
    readonly firstLine: number;
    /** Classify this reply; command is what it answers, when known. */
    classify(command?: Command): Verdict;
    /** The EHLO capabilities this reply announces. */
    ehlo(): Ehlo;
    toJSON(): { offset: number; code: number; enhanced: string | null; lines: string[];
                encoding: string; flags: string[] };
}

export interface ParserOptions {
    /** true: every tolerated deviation is an error; a number: a mask of strict bits. */
    strict?: boolean | number;
    /** SMTPUTF8 is in use: valid UTF-8 is not a strict-mode error. */
    smtputf8?: boolean;
    /** Octets per line, code and line end included; 0 or absent: the library's default. */
    maxLineLength?: number;
    /** Lines per reply; 0 or absent: the library's default. */
    maxLines?: number;
    /** Bytes of text kept per reply (65536); longer text is flagged "truncated". */
    textCapacity?: number;
    /** Replies one call into the module may return (32). */
    batch?: number;
}

/** A streaming parser: feed it bytes in pieces of any size. */
export class Parser {
    constructor(options?: ParserOptions);
    /** The replies and errors the bytes complete, in stream order. */
    feed(data: Bytes): Array<Reply | ParseError>;
    /** The stream has ended: an "incomplete" error when it ended inside a reply. */
    finish(): ParseError[];
    /** Forget any partial reply; start a new stream. */
    reset(): void;
    /** Give the parser's memory back now. */
    free(): void;
}

/** Parse a whole stream: its replies and errors, then finish(). */
export function parse(data: Bytes, options?: ParserOptions): Array<Reply | ParseError>;

/** A reply's parts, as found in a log. */
export interface ReplyParts {
    code: number;
    enhanced?: string | null;
    text?: Bytes | null;
}

/** Classify a reply, or a reply's parts. */
export function classify(reply: Reply | ReplyParts, command?: Command): Verdict;

/** An RFC 3463 enhanced status code, or null when text is not one. */
export function parseEnhanced(text: string): { class: number; subject: number; detail: number } | null;

export interface BasicExplanation {
    kind: 'basic';
    code: number;
    match: 'exact' | 'class';
    locale: string;
    severity: Severity;
    category: Category;
    title: string;
    description: string;
    when: string;
    fix: string;
    reference: string;
    severityTitle: string;
}

export interface EnhancedExplanation {
    kind: 'enhanced';
    code: string;
    match: 'exact' | 'class';
    locale: string;
    classTitle: string;
    classDescription: string;
    subjectTitle: string;
    subjectDescription: string;
    title: string;
    description: string;
    action: string;
    reference: string;
    basicCodes: string;
}

/** The documented strings of a basic (550) or enhanced ("5.1.1") code, "en" or "vi". */
export function explain(code: number | string, lang?: string): BasicExplanation | EnhancedExplanation;

/** A sentence that explains a reason ("mailbox-full"), localised. */
export function describeReason(reason: string, lang?: string): string;

export interface EhloKeyword {
    /** The keyword as sent, any case. */
    keyword: string;
    /** Its parameters, "" when none. */
    params: string;
    /** The extension it names ("SIZE"), or null when unknown. */
    extension: string | null;
}

export interface Ehlo {
    serverName: string;
    greeting: string;
    /** Extensions by name ("PIPELINING", "SIZE", "STARTTLS", ...). */
    extensions: string[];
    /** AUTH mechanisms by name ("PLAIN", "XOAUTH2", ...). */
    auth: string[];
    /** SIZE's value; 0 when absent or no limit given. */
    sizeMax: number;
    limits: { rcptMax: number; mailMax: number; rcptDomainMax: number };
    deliverByMin: number;
    /** Every capability line after the first, unknown ones included. */
    keywords: EhloKeyword[];
}

/** The capabilities of an EHLO reply, parsed or as bytes. */
export function ehlo(reply: Reply | Bytes): Ehlo;
