// The SMTP dialogue we speak ourselves (RFC 5321, 3207 STARTTLS, 4954 AUTH), over the recording
// line channel. See the smtp check for why this is not nodemailer's SMTPConnection.
import type { LineChannel } from '../wire/channel';
import { WaitTimeoutError } from '../wire/wait';
import type { SaslFraming, SaslTurn } from './sasl-exchange';

export interface SmtpReply {
  code: number;
  /** RFC 3463 enhanced status code such as 5.7.3, when the server sends one. */
  enhanced: string | null;
  lines: string[];
  /** All lines' text joined, without codes. */
  text: string;
}

export function replyLine(reply: SmtpReply): string {
  return `${reply.code} ${reply.text}`;
}

/** EHLO answers have about 15 lines; more than this is a broken or hostile server. */
const MAX_REPLY_LINES = 200;

export class SmtpDialogue {
  constructor(
    private readonly channel: LineChannel,
    private readonly commandMs: number,
    private readonly signal?: AbortSignal,
  ) {}

  /** Reads one (possibly multi-line) reply, within one deadline for all its lines. */
  async reply(timeoutMs = this.commandMs, what = 'SMTP reply'): Promise<SmtpReply> {
    const lines: string[] = [];
    const deadline = Date.now() + timeoutMs;
    for (let i = 0; i < MAX_REPLY_LINES; i += 1) {
      const line = await this.channel
        .readLine(Math.max(1, deadline - Date.now()), what, this.signal)
        .catch((error: unknown) => {
          // Report the reply's whole budget, not the sliver left for its last line.
          throw error instanceof WaitTimeoutError ? new WaitTimeoutError(what, timeoutMs) : error;
        });
      const m = /^(\d{3})([ -]?)([\s\S]*)$/.exec(line);
      if (!m) throw new Error(`Not an SMTP reply: ${line.slice(0, 200)}`);
      lines.push(m[3] ?? '');
      if (m[2] !== '-') {
        const code = Number(m[1]);
        const enhanced = /^([245]\.\d{1,3}\.\d{1,3})\b/.exec(lines[0] ?? '')?.[1] ?? null;
        return { code, enhanced, lines, text: lines.join(' ') };
      }
    }
    throw new Error(`The server's reply is longer than ${MAX_REPLY_LINES} lines`);
  }

  async command(line: string, what?: string): Promise<SmtpReply> {
    this.channel.write(line);
    return this.reply(this.commandMs, what ?? line.split(' ')[0]);
  }

  write(line: string): void {
    this.channel.write(line);
  }

  /** SASL framing for AUTH: 334 carries a challenge, 235 is success, anything else a refusal. */
  saslFraming(): SaslFraming {
    const turn = (reply: SmtpReply): SaslTurn =>
      reply.code === 334
        ? { kind: 'challenge', data: reply.lines[0] ?? '' }
        : { kind: 'done', ok: reply.code === 235, line: replyLine(reply) };
    return {
      start: async (mech, initial) =>
        turn(await this.command(initial ? `AUTH ${mech} ${initial}` : `AUTH ${mech}`, 'AUTH')),
      respond: async (data) => turn(await this.command(data, 'AUTH response')),
    };
  }
}

export interface EhloInfo {
  domain: string;
  extensions: Record<string, string>;
  auth: string[];
  starttls: boolean;
  size: number | null;
}

export function parseEhlo(reply: SmtpReply): EhloInfo {
  const [first = '', ...rest] = reply.lines;
  const extensions: Record<string, string> = {};
  for (const line of rest) {
    const [first = '', ...params] = line.trim().split(/\s+/);
    // Old servers announce "AUTH=LOGIN PLAIN" besides (or instead of) "AUTH LOGIN PLAIN".
    const legacy = /^AUTH=(.+)$/i.exec(first);
    const keyword = legacy ? 'AUTH' : first;
    const value = legacy ? [legacy[1] ?? '', ...params].join(' ') : params.join(' ');
    if (keyword && !(keyword.toUpperCase() in extensions)) extensions[keyword.toUpperCase()] = value;
  }
  const auth = (extensions.AUTH ?? '').split(/\s+/).filter(Boolean);
  const size = extensions.SIZE ? Number(extensions.SIZE) || null : null;
  return { domain: first.split(' ')[0] ?? '', extensions, auth, starttls: 'STARTTLS' in extensions, size };
}

/** The queue id or message id a server gives in its 250 answer to the end of DATA. */
export function queueIdOf(reply: SmtpReply): string | null {
  const text = reply.text;
  return (
    /queued as ([A-Za-z0-9.@_-]+)/i.exec(text)?.[1] ??
    /OK\s+\d+\s+(\S+)\s+-\s+gsmtp/i.exec(text)?.[1] ??
    /InternalId=(\d+)/.exec(text)?.[1] ??
    /<([^>\s]+)>/.exec(text)?.[1] ??
    /^(?:\d\.\d+\.\d+\s+)+([A-Za-z0-9]{8,})\b/.exec(text)?.[1] ??
    null
  );
}

/** RFC 5321 4.5.2: a line that starts with a dot gets one more. */
export function dotStuff(message: string): string[] {
  return message
    .replace(/\r?\n$/, '')
    .split(/\r?\n/)
    .map((line) => (line.startsWith('.') ? `.${line}` : line));
}
