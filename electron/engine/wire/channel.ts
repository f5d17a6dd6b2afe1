import type { RecordingSocket } from './recording-socket';
import { bounded } from './wait';

export class ConnectionClosedError extends Error {
  readonly code = 'ECLOSED';
  constructor(detail?: string) {
    super(`The server closed the connection${detail ? ` (${detail})` : ''}`);
  }
}

/**
 * Line-at-a-time conversation over a recording socket, for the protocols we speak ourselves
 * (POP3, SMTP, and the plain-text part before STARTTLS). Every read has a timeout.
 */
export class LineChannel {
  private readonly queue: string[] = [];
  private tail = '';
  private waiter: { resolve: (line: string) => void; reject: (error: Error) => void } | null = null;
  private failure: Error | null = null;

  private readonly onData = (chunk: Buffer): void => {
    const parts = (this.tail + chunk.toString('utf8')).split('\n');
    this.tail = parts.pop() ?? '';
    for (const part of parts) this.queue.push(part.endsWith('\r') ? part.slice(0, -1) : part);
    this.drain();
  };
  private readonly onEnd = (): void => {
    this.fail(new ConnectionClosedError());
  };
  private readonly onError = (error: Error): void => {
    this.fail(error);
  };

  constructor(readonly socket: RecordingSocket) {
    socket.on('data', this.onData);
    socket.on('end', this.onEnd);
    socket.on('close', this.onEnd);
    socket.on('error', this.onError);
  }

  private fail(error: Error): void {
    this.failure ??= error;
    const waiter = this.waiter;
    this.waiter = null;
    waiter?.reject(this.failure);
  }

  private drain(): void {
    if (!this.waiter) return;
    const line = this.queue.shift();
    if (line === undefined) return;
    const waiter = this.waiter;
    this.waiter = null;
    waiter.resolve(line);
  }

  /** The next line from the server (without CRLF), within `timeoutMs`. */
  readLine(timeoutMs: number, what: string, signal?: AbortSignal): Promise<string> {
    const ready = this.queue.shift();
    if (ready !== undefined) return Promise.resolve(ready);
    if (this.failure) return Promise.reject(this.failure);
    const next = new Promise<string>((resolve, reject) => {
      this.waiter = { resolve, reject };
    });
    return bounded(next, timeoutMs, what, signal, () => {
      this.waiter = null;
    });
  }

  write(line: string): void {
    this.socket.write(`${line}\r\n`);
  }

  /**
   * Stops reading (before a TLS upgrade). Returns how many characters the server sent that nobody
   * read: after a STARTTLS answer there must be none (RFC 3207 section 6), or it is an injection.
   */
  release(): number {
    this.socket.off('data', this.onData);
    this.socket.off('end', this.onEnd);
    this.socket.off('close', this.onEnd);
    this.socket.off('error', this.onError);
    return this.queue.reduce((n, line) => n + line.length + 2, 0) + this.tail.length;
  }
}
