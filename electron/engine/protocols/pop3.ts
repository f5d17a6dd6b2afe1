// A small POP3 client (RFC 1939, RFC 2449 CAPA, RFC 2595 STLS, RFC 5034 SASL). No well-kept Node
// POP3 client exists; this one speaks only what a diagnosis needs, with every read bounded.
import type { LineChannel } from '../wire/channel';
import { WaitTimeoutError } from '../wire/wait';
import type { SaslFraming, SaslTurn } from './sasl-exchange';

export interface Pop3Reply {
  ok: boolean;
  /** The status line without "+OK" / "-ERR". */
  text: string;
  line: string;
}

/** CAPA has about 10 lines; the check reads no listing, so more is a broken or hostile server. */
const MAX_MULTILINE = 500;
const MAX_MULTILINE_BYTES = 256 * 1024;

export class Pop3Dialogue {
  constructor(
    private readonly channel: LineChannel,
    private readonly commandMs: number,
    private readonly signal?: AbortSignal,
  ) {}

  async status(timeoutMs = this.commandMs, what = 'POP3 reply'): Promise<Pop3Reply> {
    const line = await this.channel.readLine(timeoutMs, what, this.signal);
    const m = /^([+-]\S*)\s?([\s\S]*)$/.exec(line);
    const head = m?.[1] ?? '';
    if (head !== '+OK' && head !== '-ERR') throw new Error(`Not a POP3 reply: ${line.slice(0, 200)}`);
    return { ok: head === '+OK', text: m?.[2] ?? '', line };
  }

  async command(line: string, what?: string): Promise<Pop3Reply> {
    this.channel.write(line);
    return this.status(this.commandMs, what ?? line.split(' ')[0]);
  }

  /** The lines of a multi-line answer up to the lone ".", dot-unstuffed. */
  async multiline(maxLines = MAX_MULTILINE): Promise<string[]> {
    const lines: string[] = [];
    const deadline = Date.now() + this.commandMs;
    let bytes = 0;
    for (let i = 0; i < maxLines; i += 1) {
      const line = await this.channel
        .readLine(Math.max(1, deadline - Date.now()), 'POP3 multi-line answer', this.signal)
        .catch((error: unknown) => {
          throw error instanceof WaitTimeoutError
            ? new WaitTimeoutError('POP3 multi-line answer', this.commandMs)
            : error;
        });
      if (line === '.') return lines;
      bytes += line.length;
      if (bytes > MAX_MULTILINE_BYTES) break;
      lines.push(line.startsWith('..') ? line.slice(1) : line);
    }
    throw new Error(
      `The server's multi-line answer is longer than ${maxLines} lines or ${MAX_MULTILINE_BYTES} bytes`,
    );
  }

  /** CAPA: the capability lines, or null when the server does not know CAPA. */
  async capa(): Promise<string[] | null> {
    const reply = await this.command('CAPA');
    return reply.ok ? this.multiline() : null;
  }

  /**
   * RFC 5034 framing. "+ " (or a bare "+") carries a challenge; +OK is success, -ERR a refusal.
   * Exchange Online wants the two-step form (AUTH XOAUTH2, then the payload after "+").
   */
  saslFraming(): SaslFraming {
    const read = async (what: string): Promise<SaslTurn> => {
      const line = await this.channel.readLine(this.commandMs, what, this.signal);
      if (line === '+' || line.startsWith('+ ')) return { kind: 'challenge', data: line.slice(2) };
      return { kind: 'done', ok: line.startsWith('+OK'), line };
    };
    return {
      start: (mech, initial) => {
        this.channel.write(initial ? `AUTH ${mech} ${initial}` : `AUTH ${mech}`);
        return read('AUTH');
      },
      respond: (data) => {
        this.channel.write(data);
        return read('AUTH response');
      },
    };
  }
}

export function parseStat(text: string): { messages: number; octets: number } | null {
  const m = /^(\d+)\s+(\d+)/.exec(text);
  return m ? { messages: Number(m[1]), octets: Number(m[2]) } : null;
}

export function saslMechanismsOf(capa: string[] | null): string[] {
  const line = capa?.find((l) => /^SASL\b/i.test(l));
  return line ? line.split(/\s+/).slice(1) : [];
}
