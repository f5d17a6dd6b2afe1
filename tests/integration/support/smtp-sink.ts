// A minimal SMTP server that stands in for the relay behind Dovecot's submission service
// (submission_relay_host). It accepts what Dovecot relays and hands each message to a callback,
// which the harness uses to deliver into the recipients' mailboxes with dovecot-lda.
//
// It only needs to understand Dovecot's own relay client, so it is deliberately small: no
// PIPELINING, no CHUNKING, no AUTH, no TLS. It is bounded in every direction (line length,
// message size, recipients, connections, idle time) because a test that goes wrong must fail
// quickly rather than fill memory or hang.

import { createServer, type Server, type Socket } from 'node:net';

export interface SinkMessage {
  /** Envelope sender (MAIL FROM), without angle brackets; '' for the null sender. */
  from: string;
  /** Envelope recipients (RCPT TO), without angle brackets. */
  recipients: string[];
  /** The message as received, dot-unstuffed, with CRLF line endings. */
  data: Buffer;
}

export interface SmtpSinkOptions {
  /** Called for every RCPT TO; false answers 550 so the sender learns at once. */
  acceptRecipient(address: string): boolean;
  /** Called after DATA; a rejection answers 451 and is recorded in `errors`. */
  onMessage(message: SinkMessage): Promise<void>;
  hostname?: string;
  maxMessageBytes?: number;
  idleTimeoutMs?: number;
}

export interface SmtpSink {
  host: '127.0.0.1';
  port: number;
  /** Failures of onMessage, most recent last, so a test can explain a missing delivery. */
  readonly errors: readonly string[];
  close(): Promise<void>;
}

const MAX_COMMAND_LINE = 4096;
// RFC 5321 allows 1000 octets per text line; be generous because the message is the client's.
const MAX_DATA_LINE = 64 * 1024;
const MAX_RECIPIENTS = 100;
const MAX_CONNECTIONS = 20;
const MAX_KEPT_ERRORS = 50;

export async function startSmtpSink(opts: SmtpSinkOptions): Promise<SmtpSink> {
  const hostname = opts.hostname ?? 'sink.mailprobe.test';
  const maxMessageBytes = opts.maxMessageBytes ?? 10 * 1024 * 1024;
  const idleTimeoutMs = opts.idleTimeoutMs ?? 30_000;
  const errors: string[] = [];
  const sockets = new Set<Socket>();
  const recordError = (text: string): void => {
    errors.push(text);
    if (errors.length > MAX_KEPT_ERRORS) errors.shift();
  };

  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    new SinkSession(socket, { ...opts, hostname, maxMessageBytes, idleTimeoutMs, recordError }).start();
  });
  server.maxConnections = MAX_CONNECTIONS;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0 }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('SMTP sink: no TCP address');

  let closing: Promise<void> | undefined;
  return {
    host: '127.0.0.1',
    port: address.port,
    errors,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        for (const socket of sockets) socket.destroy();
      });
      return closing;
    },
  };
}

interface SessionSettings extends SmtpSinkOptions {
  hostname: string;
  maxMessageBytes: number;
  idleTimeoutMs: number;
  recordError(text: string): void;
}

type Mode = 'command' | 'data';

class SinkSession {
  private buffer = Buffer.alloc(0);
  private mode: Mode = 'command';
  private busy = false;
  private from: string | undefined;
  private recipients: string[] = [];
  private dataChunks: Buffer[] = [];
  private dataSize = 0;
  private dataTooBig = false;
  private closed = false;

  constructor(
    private readonly socket: Socket,
    private readonly set: SessionSettings,
  ) {}

  start(): void {
    const { socket, set } = this;
    socket.setTimeout(set.idleTimeoutMs);
    socket.on('timeout', () => {
      this.fail('421 4.4.2 Idle timeout');
    });
    // Dovecot resets relay connections when the client goes away; nothing to report.
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      if (this.closed) return;
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.pump();
    });
    this.reply(`220 ${set.hostname} MailProbe test sink ready`);
  }

  /** Handles every complete line in the buffer, pausing while a delivery is in progress. */
  private pump(): void {
    if (this.stalled()) return;
    for (;;) {
      const eol = this.buffer.indexOf('\n');
      const limit = this.mode === 'data' ? MAX_DATA_LINE : MAX_COMMAND_LINE;
      if (eol < 0) {
        if (this.buffer.length > limit) this.fail('500 5.5.2 Line too long');
        return;
      }
      if (eol > limit) {
        this.fail('500 5.5.2 Line too long');
        return;
      }
      const raw = this.buffer.subarray(0, eol + 1);
      this.buffer = this.buffer.subarray(eol + 1);
      // Strip CRLF (or a bare LF, which some clients send).
      const line = raw.subarray(0, raw.length - (raw.length >= 2 && raw[raw.length - 2] === 0x0d ? 2 : 1));
      if (this.mode === 'data') this.dataLine(line);
      else this.command(line.toString('latin1'));
      // command() and dataLine() may have started a delivery or closed the session.
      if (this.stalled()) return;
    }
  }

  private stalled(): boolean {
    return this.busy || this.closed;
  }

  private command(line: string): void {
    const verb = (/^\S*/.exec(line)?.[0] ?? '').toUpperCase();
    if (verb === 'QUIT') {
      this.fail('221 2.0.0 Bye');
      return;
    }
    this.reply(...this.answer(verb, line.slice(verb.length).trim()));
  }

  /** Applies one command (other than QUIT) to the session and returns the reply lines. */
  private answer(verb: string, arg: string): string[] {
    switch (verb) {
      case 'EHLO':
        this.resetTransaction();
        return [`250-${this.set.hostname}`, '250-8BITMIME', `250 SIZE ${this.set.maxMessageBytes}`];
      case 'HELO':
        this.resetTransaction();
        return [`250 ${this.set.hostname}`];
      case 'MAIL': {
        const from = /^FROM:\s*<([^>]*)>/i.exec(arg);
        if (from === null) return ['501 5.5.4 Syntax: MAIL FROM:<address>'];
        if (this.from !== undefined) return ['503 5.5.1 Nested MAIL command'];
        this.from = from[1] ?? '';
        return ['250 2.1.0 Ok'];
      }
      case 'RCPT': {
        const to = /^TO:\s*<([^>]+)>/i.exec(arg)?.[1];
        if (to === undefined) return ['501 5.5.4 Syntax: RCPT TO:<address>'];
        if (this.from === undefined) return ['503 5.5.1 Need MAIL first'];
        if (this.recipients.length >= MAX_RECIPIENTS) return ['452 4.5.3 Too many recipients'];
        if (!this.set.acceptRecipient(to)) return ['550 5.1.1 No such mailbox here'];
        this.recipients.push(to);
        return ['250 2.1.5 Ok'];
      }
      case 'DATA':
        if (this.recipients.length === 0) return ['503 5.5.1 Need RCPT first'];
        this.mode = 'data';
        return ['354 End data with <CR><LF>.<CR><LF>'];
      case 'RSET':
        this.resetTransaction();
        return ['250 2.0.0 Ok'];
      case 'NOOP':
        return ['250 2.0.0 Ok'];
      default:
        return ['502 5.5.2 Command not implemented'];
    }
  }

  private dataLine(line: Buffer): void {
    if (line.length === 1 && line[0] === 0x2e) {
      this.mode = 'command';
      this.finishMessage();
      return;
    }
    const unstuffed = line[0] === 0x2e ? line.subarray(1) : line;
    this.dataSize += unstuffed.length + 2;
    if (this.dataSize > this.set.maxMessageBytes) {
      // Keep reading to the final dot so the connection stays in sync, but drop the content.
      this.dataTooBig = true;
      this.dataChunks = [];
      return;
    }
    this.dataChunks.push(Buffer.from(unstuffed), Buffer.from('\r\n'));
  }

  private finishMessage(): void {
    if (this.dataTooBig) {
      this.resetTransaction();
      this.reply('552 5.3.4 Message too big');
      return;
    }
    const message: SinkMessage = {
      from: this.from ?? '',
      recipients: this.recipients,
      data: Buffer.concat(this.dataChunks),
    };
    this.resetTransaction();
    this.busy = true;
    this.socket.pause();
    void this.set
      .onMessage(message)
      .then(
        () => {
          this.reply('250 2.0.0 Ok: delivered');
        },
        (err: unknown) => {
          const text = err instanceof Error ? err.message : String(err);
          this.set.recordError(`delivery to ${message.recipients.join(', ')} failed: ${text}`);
          this.reply('451 4.3.0 Local delivery failed');
        },
      )
      .finally(() => {
        this.busy = false;
        this.socket.resume();
        this.pump();
      });
  }

  private resetTransaction(): void {
    this.from = undefined;
    this.recipients = [];
    this.dataChunks = [];
    this.dataSize = 0;
    this.dataTooBig = false;
  }

  /** Sends a last reply and closes; whatever the peer still sends is ignored. */
  private fail(reply: string): void {
    this.reply(reply);
    this.closed = true;
    this.buffer = Buffer.alloc(0);
    this.socket.end();
    // A peer that never closes its side must not keep the socket (and close()) waiting.
    setTimeout(() => this.socket.destroy(), 1000).unref();
  }

  private reply(...lines: string[]): void {
    if (!this.socket.writable) return;
    this.socket.write(lines.map((l) => `${l}\r\n`).join(''));
  }
}
