/**
 * Incremental parser for SMTP server replies (RFC 5321 §4.2). Pure: the caller feeds bytes from the socket.
 */

export interface SmtpReply {
  code: number;
  /** Text after the code and separator, one entry per line; '' when a line has none. */
  lines: string[];
}

export type SmtpProtocolErrorCode = 'SMTP_LINE_TOO_LONG' | 'SMTP_MALFORMED_REPLY' | 'SMTP_REPLY_TOO_LONG';

/** Longest reply line accepted, without its terminator. RFC 5321 §4.5.3.1.5 allows 512; real servers exceed it. */
export const SMTP_MAX_LINE_LENGTH = 2048;
/** Most lines one reply may have; a long EHLO answer has about 20. */
export const SMTP_MAX_REPLY_LINES = 200;

export class SmtpProtocolError extends Error {
  override readonly name = 'SmtpProtocolError';
  readonly code: SmtpProtocolErrorCode;

  constructor(code: SmtpProtocolErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

// First digit 2-5, second 0-5 (RFC 5321 §4.2.1), then "-", " " or end of line.
const REPLY_LINE = /^[2-5][0-5][0-9](?:[ -]|$)/;
const ECHO_LIMIT = 40;

/** Quotes a bounded, escaped piece of a line so an error message stays one short line. */
function show(line: string): string {
  const head = line.slice(0, ECHO_LIMIT).replace(/[^\x20-\x7e]|["\\]/g, (c) => {
    return `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
  });
  return `"${head}${line.length > ECHO_LIMIT ? '...' : ''}"`;
}

/** Bytes to a string of one char per byte. Strings are taken as what would be written to a socket: UTF-8. */
function decode(chunk: Uint8Array | string): string {
  const bytes =
    typeof chunk === 'string'
      ? Buffer.from(chunk, 'utf8')
      : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  return bytes.toString('latin1');
}

/**
 * Incremental: feed raw bytes as they arrive, get back every reply completed so far. Throws SmtpProtocolError.
 * After a throw the stream cannot be resynchronised, so every later push throws the same error.
 */
export class SmtpReplyParser {
  /** The unterminated tail, one char per byte. */
  #buffer = '';
  #code: number | null = null;
  #lines: string[] = [];
  #failure: SmtpProtocolError | null = null;

  /** Bytes held that do not yet form a complete line. */
  get pendingBytes(): number {
    return this.#buffer.length;
  }

  push(chunk: Uint8Array | string): SmtpReply[] {
    if (this.#failure) throw this.#failure;
    try {
      return this.#consume(decode(chunk));
    } catch (error) {
      if (error instanceof SmtpProtocolError) this.#failure = error;
      throw error;
    }
  }

  #consume(data: string): SmtpReply[] {
    const text = this.#buffer + data;
    const replies: SmtpReply[] = [];
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      // CRLF or bare LF.
      const end = nl > start && text.charCodeAt(nl - 1) === 0x0d ? nl - 1 : nl;
      if (end - start > SMTP_MAX_LINE_LENGTH) throw tooLong();
      const reply = this.#line(text.slice(start, end));
      if (reply) replies.push(reply);
      start = nl + 1;
    }
    const rest = text.slice(start);
    // A trailing CR may be the first half of a CRLF split across chunks, so it does not count yet.
    const restLength = rest.endsWith('\r') ? rest.length - 1 : rest.length;
    if (restLength > SMTP_MAX_LINE_LENGTH) throw tooLong();
    this.#buffer = rest;
    return replies;
  }

  #line(line: string): SmtpReply | null {
    // A CR that is not part of the terminator makes the line boundary ambiguous (RFC 5321 §2.3.8).
    if (line.includes('\r')) throw malformed(`Reply line has a bare CR: ${show(line)}.`);
    if (!REPLY_LINE.test(line)) throw malformed(`Not an SMTP reply line: ${show(line)}.`);
    const code = Number(line.slice(0, 3));
    if (this.#code !== null && this.#code !== code)
      throw malformed(`Reply code changed from ${this.#code} to ${code} within one reply.`);
    if (this.#lines.length >= SMTP_MAX_REPLY_LINES)
      throw new SmtpProtocolError(
        'SMTP_REPLY_TOO_LONG',
        `Reply has more than ${SMTP_MAX_REPLY_LINES} lines.`,
      );
    this.#lines.push(line.slice(4));
    if (line.charAt(3) === '-') {
      this.#code = code;
      return null;
    }
    const reply = { code, lines: this.#lines };
    this.#code = null;
    this.#lines = [];
    return reply;
  }
}

function tooLong(): SmtpProtocolError {
  return new SmtpProtocolError(
    'SMTP_LINE_TOO_LONG',
    `Reply line is longer than ${SMTP_MAX_LINE_LENGTH} bytes.`,
  );
}

function malformed(message: string): SmtpProtocolError {
  return new SmtpProtocolError('SMTP_MALFORMED_REPLY', message);
}

/** Upper-cased extension keywords of an EHLO reply (every line after the first; first word of each line). */
export function ehloKeywords(reply: SmtpReply): Set<string> {
  const keywords = new Set<string>();
  for (const line of reply.lines.slice(1)) {
    const word = /^[ \t]*([^ \t]+)/.exec(line)?.[1];
    // ASCII-only upper-casing: keywords are ASCII, and toUpperCase would fold e.g. "ß" into "SS".
    if (word !== undefined)
      keywords.add(word.replace(/[a-z]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 32)));
  }
  return keywords;
}
