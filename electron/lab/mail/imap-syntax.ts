// IMAP command syntax for the lab's server (RFC 3501 / 9051): reading a command with its literals
// from the client, tokenizing arguments, sequence sets, and writing strings back safely.
import type { SessionChannel } from './session-channel';

export class ImapSyntaxError extends Error {}

export type Token =
  { kind: 'atom'; value: string } | { kind: 'string'; value: string } | { kind: 'list'; items: Token[] };

/** A command as read: text pieces with the literal payloads between them. */
export type CommandRead =
  | { kind: 'command'; pieces: Array<string | Buffer> }
  | { kind: 'too-long'; head: string }
  | { kind: 'too-big-literal'; head: string }
  | { kind: 'closed' };

const LITERAL_AT_END = /\{(\d{1,10})(\+?)\}$/;

/**
 * Reads one command line and the literals it announces. A synchronizing literal ({n}) gets the
 * continuation first; LITERAL+ ({n+}) does not. The text parts together stay within
 * `commandBytes`, and the literals together within `literalBytes`.
 */
export async function readCommand(
  channel: SessionChannel,
  commandBytes: number,
  literalBytes: number,
  literalContinuation: string,
): Promise<CommandRead> {
  const pieces: Array<string | Buffer> = [];
  let budget = commandBytes;
  let literalBudget = literalBytes;
  for (;;) {
    const line = await channel.readLine(budget);
    if (line.kind === 'closed') return { kind: 'closed' };
    if (line.kind === 'too-long') return { kind: 'too-long', head: firstPiece(pieces) ?? line.head };
    budget -= Buffer.byteLength(line.text) + 2;
    const literal = LITERAL_AT_END.exec(line.text);
    pieces.push(line.text);
    if (!literal) return { kind: 'command', pieces };
    const size = Number(literal[1]);
    if (size > literalBudget) return { kind: 'too-big-literal', head: firstPiece(pieces) ?? '' };
    literalBudget -= size;
    if (literal[2] !== '+') channel.write(literalContinuation);
    const data = await channel.readBytes(size);
    if (!data) return { kind: 'closed' };
    pieces.push(data);
  }
}

function firstPiece(pieces: ReadonlyArray<string | Buffer>): string | null {
  const first = pieces[0];
  return typeof first === 'string' ? first.slice(0, 64) : null;
}

/** The tag of a command line, when it has one worth echoing. */
export function tagOf(text: string): string | null {
  const m = /^([^\s(){%*"\\\]]+)/.exec(text);
  return m?.[1] ?? null;
}

/** Reads arguments from the pieces of a command; throws ImapSyntaxError on malformed input. */
export class ArgReader {
  private piece = 0;
  private pos = 0;

  constructor(private readonly pieces: ReadonlyArray<string | Buffer>) {}

  private get text(): string {
    const current = this.pieces[this.piece];
    return typeof current === 'string' ? current : '';
  }

  atEnd(): boolean {
    return this.pos >= this.text.length && this.piece >= this.pieces.length - 1;
  }

  peek(): string {
    return this.text.charAt(this.pos);
  }

  /** One space between arguments; tolerant of extra spaces. */
  space(): void {
    if (this.peek() !== ' ') throw new ImapSyntaxError('expected a space');
    while (this.peek() === ' ') this.pos += 1;
  }

  /** A space, unless the arguments are over. */
  maybeSpace(): boolean {
    if (this.peek() !== ' ') return false;
    this.space();
    return !this.atEnd();
  }

  /** An atom; brackets may hold spaces and parentheses (BODY[HEADER.FIELDS (TO)]). */
  atom(): string {
    const start = this.pos;
    let depth = 0;
    while (this.pos < this.text.length) {
      const ch = this.text.charAt(this.pos);
      if (ch === '[') depth += 1;
      else if (ch === ']') depth = Math.max(0, depth - 1);
      else if (depth === 0 && (ch === ' ' || ch === '(' || ch === ')')) break;
      this.pos += 1;
    }
    if (this.pos === start) throw new ImapSyntaxError('expected an atom');
    return this.text.slice(start, this.pos);
  }

  /** An astring: atom, quoted string or literal. */
  string(): string {
    const ch = this.peek();
    if (ch === '"') return this.quoted();
    if (ch === '{') return this.literal();
    return this.atom();
  }

  token(): Token {
    const ch = this.peek();
    if (ch === '(') return { kind: 'list', items: this.list() };
    if (ch === '"' || ch === '{') return { kind: 'string', value: this.string() };
    return { kind: 'atom', value: this.atom() };
  }

  /** A parenthesized list of tokens. */
  list(): Token[] {
    if (this.peek() !== '(') throw new ImapSyntaxError('expected (');
    this.pos += 1;
    const items: Token[] = [];
    for (let guard = 0; guard < 10_000; guard += 1) {
      while (this.peek() === ' ') this.pos += 1;
      if (this.peek() === ')') {
        this.pos += 1;
        return items;
      }
      if (this.pos >= this.text.length && this.piece >= this.pieces.length - 1)
        throw new ImapSyntaxError('unclosed list');
      items.push(this.token());
    }
    throw new ImapSyntaxError('list too long');
  }

  /** The rest of the current text piece, raw (SASL initial responses). */
  rest(): string {
    const value = this.text.slice(this.pos);
    this.pos = this.text.length;
    return value;
  }

  private quoted(): string {
    this.pos += 1;
    let value = '';
    while (this.pos < this.text.length) {
      const ch = this.text.charAt(this.pos);
      this.pos += 1;
      if (ch === '"') return value;
      if (ch === '\\') {
        value += this.text.charAt(this.pos);
        this.pos += 1;
      } else value += ch;
    }
    throw new ImapSyntaxError('unterminated quoted string');
  }

  private literal(): string {
    const m = /^\{(\d+)\+?\}$/.exec(this.text.slice(this.pos));
    const data = this.pieces[this.piece + 1];
    if (!m || !Buffer.isBuffer(data)) throw new ImapSyntaxError('bad literal');
    this.piece += 2;
    this.pos = 0;
    return data.toString('utf8');
  }
}

export function tokenText(token: Token | undefined): string | null {
  return token && token.kind !== 'list' ? token.value : null;
}

/** A sequence set ("1:4,7,9:*") as inclusive ranges, with * resolved to `star`. */
export function parseSequenceSet(text: string, star: number): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  for (const part of text.split(',')) {
    const m = /^(\d+|\*)(?::(\d+|\*))?$/.exec(part);
    if (!m) throw new ImapSyntaxError(`bad sequence set ${text}`);
    const a = m[1] === '*' ? star : Number(m[1]);
    const b = m[2] === undefined ? a : m[2] === '*' ? star : Number(m[2]);
    if (!Number.isSafeInteger(a) || !Number.isSafeInteger(b)) throw new ImapSyntaxError('bad number');
    ranges.push([Math.min(a, b), Math.max(a, b)]);
  }
  return ranges;
}

export function inRanges(value: number, ranges: ReadonlyArray<[number, number]>): boolean {
  return ranges.some(([a, b]) => value >= a && value <= b);
}

/** A string as an IMAP quoted string, or a literal when quoting cannot carry it. */
export function imapString(value: string | null): string {
  if (value === null) return 'NIL';
  if (/[\r\n\0]|[^\x20-\x7e]/.test(value)) return `{${Buffer.byteLength(value, 'utf8')}}\r\n${value}`;
  return `"${value.replace(/(["\\])/g, '\\$1')}"`;
}

/** A mailbox name as LIST shows it: an atom when it can be one. */
export function imapMailboxName(name: string): string {
  return /^[A-Za-z0-9._-]+$/.test(name) ? name : imapString(name);
}
