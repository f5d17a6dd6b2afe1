// The server side of one connection: bounded line and byte reads that protocol code can await in
// a plain loop, CRLF writes, an idle timer, and a pause on the socket while unread input piles up,
// so a client that floods or trickles cannot grow memory or hold a session forever.
import type { Socket } from 'node:net';

export type LineRead =
  | { kind: 'line'; text: string }
  /** `head` is the start of the refused line, enough to read an IMAP tag from. */
  | { kind: 'too-long'; head: string }
  | { kind: 'closed' };

/** Unread input kept before the socket is paused until the protocol catches up. */
const HIGH_WATER = 256 * 1024;

function headOf(bytes: Buffer): string {
  return bytes.subarray(0, 64).toString('latin1');
}

export class SessionChannel {
  private buffer: Buffer = Buffer.alloc(0);
  private ended = false;
  private wake: (() => void) | null = null;
  private idleTimer: NodeJS.Timeout | null = null;
  private readonly onData = (chunk: Buffer): void => {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    if (this.buffer.length > HIGH_WATER) this.socket.pause();
    this.armIdleTimer();
    this.notify();
  };
  private readonly onEnd = (): void => {
    this.ended = true;
    this.clearIdleTimer();
    this.notify();
  };

  constructor(
    readonly socket: Socket,
    private readonly idleMs: number,
    private readonly onIdle: () => void,
  ) {
    socket.on('data', this.onData);
    socket.on('end', this.onEnd);
    socket.on('close', this.onEnd);
    // Errors end the session like a close does; the 'close' event follows.
    socket.on('error', () => undefined);
    this.armIdleTimer();
  }

  get closed(): boolean {
    return this.ended || this.socket.destroyed;
  }

  /** The next line without its CRLF (a bare LF is accepted too), or why there is none. */
  async readLine(maxBytes: number): Promise<LineRead> {
    for (;;) {
      const lf = this.buffer.indexOf(0x0a);
      if (lf >= 0) {
        const end = lf > 0 && this.buffer[lf - 1] === 0x0d ? lf - 1 : lf;
        const line = this.buffer.subarray(0, end);
        this.consume(lf + 1);
        if (line.length > maxBytes) return { kind: 'too-long', head: headOf(line) };
        return { kind: 'line', text: line.toString('utf8') };
      }
      if (this.buffer.length > maxBytes + 1) return { kind: 'too-long', head: headOf(this.buffer) };
      if (this.closed) return { kind: 'closed' };
      await this.waitForInput();
    }
  }

  /** Exactly `count` bytes (an IMAP literal, a BDAT chunk), or null when the client goes away. */
  async readBytes(count: number): Promise<Buffer | null> {
    const parts: Buffer[] = [];
    let missing = count;
    while (missing > 0) {
      if (this.buffer.length > 0) {
        const take = Math.min(missing, this.buffer.length);
        parts.push(Buffer.from(this.buffer.subarray(0, take)));
        this.consume(take);
        missing -= take;
        continue;
      }
      if (this.closed) return null;
      await this.waitForInput();
    }
    return Buffer.concat(parts);
  }

  write(line: string): void {
    if (!this.socket.destroyed && this.socket.writable) this.socket.write(`${line}\r\n`);
  }

  writeRaw(data: Buffer | string): void {
    if (!this.socket.destroyed && this.socket.writable) this.socket.write(data);
  }

  /** Sends the last words and closes once they are flushed (destroyed if the peer stalls). */
  end(lastLine?: string): void {
    this.clearIdleTimer();
    if (this.socket.destroyed) return;
    if (lastLine !== undefined && this.socket.writable) this.socket.end(`${lastLine}\r\n`);
    else this.socket.end();
    setTimeout(() => this.socket.destroy(), 2_000).unref();
  }

  destroy(): void {
    this.clearIdleTimer();
    this.socket.destroy();
  }

  /**
   * Hands the raw socket over for a TLS upgrade. Input that arrived after STARTTLS and before the
   * handshake is dropped on purpose: answering it would allow STARTTLS command injection.
   */
  detach(): Socket {
    this.clearIdleTimer();
    this.socket.off('data', this.onData);
    this.socket.off('end', this.onEnd);
    this.socket.off('close', this.onEnd);
    this.buffer = Buffer.alloc(0);
    this.ended = true;
    this.notify();
    this.socket.resume();
    return this.socket;
  }

  private consume(count: number): void {
    this.buffer = this.buffer.subarray(count);
    if (this.socket.isPaused() && this.buffer.length <= HIGH_WATER / 2) this.socket.resume();
  }

  private waitForInput(): Promise<void> {
    if (this.socket.isPaused()) this.socket.resume();
    return new Promise((resolve) => {
      this.wake = resolve;
    });
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  private armIdleTimer(): void {
    this.clearIdleTimer();
    if (this.ended) return;
    this.idleTimer = setTimeout(() => {
      this.idleTimer = null;
      this.onIdle();
    }, this.idleMs);
    this.idleTimer.unref();
  }

  private clearIdleTimer(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
  }
}
