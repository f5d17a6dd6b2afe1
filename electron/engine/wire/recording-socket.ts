import { Duplex } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { Transcript } from './transcript';
import type { LineObserver } from '../protocols/line-observer';

export class LineTooLongError extends Error {
  readonly code = 'ELINETOOLONG';
  constructor(readonly limit: number) {
    super(`The server sent a line longer than ${limit} bytes; the connection was dropped`);
  }
}

/** Splits a byte stream into lines (CRLF or LF), keeping the unfinished tail. */
class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private tail = '';

  push(chunk: Buffer): string[] {
    this.tail += this.decoder.write(chunk);
    const parts = this.tail.split('\n');
    this.tail = parts.pop() ?? '';
    return parts.map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
  }

  get pending(): number {
    return this.tail.length;
  }

  flush(): string | null {
    const rest = this.tail + this.decoder.end();
    this.tail = '';
    return rest === '' ? null : rest;
  }
}

export interface RecordingSocketOptions {
  transcript: Transcript;
  observer: LineObserver;
  maxLineBytes: number;
}

/**
 * The socket every protocol library gets: a Duplex over a connected (TLS) socket that records
 * each line in both directions into the transcript, redacted by the protocol's observer before it
 * is stored, and drops the connection when the server sends an over-long line.
 * It also offers the parts of net.Socket that imapflow and nodemailer use.
 */
export class RecordingSocket extends Duplex {
  private readonly fromServer = new LineSplitter();
  private readonly fromClient = new LineSplitter();
  private detached = false;

  private readonly onData = (chunk: Buffer): void => {
    for (const line of this.fromServer.push(chunk)) this.recordServer(line);
    if (this.fromServer.pending > this.options.maxLineBytes) {
      const error = new LineTooLongError(this.options.maxLineBytes);
      this.options.transcript.error(error.message);
      this.destroy(error);
      return;
    }
    if (!this.push(chunk)) this.inner.pause();
  };
  private readonly onEnd = (): void => {
    this.flushPartial();
    this.push(null);
  };
  private readonly onError = (error: Error): void => {
    this.destroy(error);
  };
  private readonly onClose = (): void => {
    if (!this.detached) this.destroy();
  };
  private readonly onTimeout = (): void => {
    this.emit('timeout');
  };

  constructor(
    readonly inner: Socket | TLSSocket,
    private readonly options: RecordingSocketOptions,
  ) {
    super();
    inner.on('data', this.onData);
    inner.on('end', this.onEnd);
    inner.on('error', this.onError);
    inner.on('close', this.onClose);
    inner.on('timeout', this.onTimeout);
  }

  get transcript(): Transcript {
    return this.options.transcript;
  }

  get observer(): LineObserver {
    return this.options.observer;
  }

  private recordServer(line: string): void {
    const { transcript, observer } = this.options;
    const shown = observer.shown ? observer.shown(line) : line;
    if (shown !== null) transcript.add('s', shown);
    for (const note of observer.server(line)) transcript.info(note);
  }

  private recordClient(line: string): void {
    const { transcript, observer } = this.options;
    const step = observer.stepOf(line);
    if (step) transcript.step = step;
    transcript.add('c', observer.client(line));
  }

  private flushPartial(): void {
    const rest = this.fromServer.flush();
    if (rest !== null) this.recordServer(`${rest} [no line ending before the connection closed]`);
  }

  override _read(): void {
    if (!this.detached) this.inner.resume();
  }

  override _write(
    chunk: Buffer | string,
    encoding: BufferEncoding,
    callback: (error?: Error | null) => void,
  ): void {
    const data = typeof chunk === 'string' ? Buffer.from(chunk, encoding) : chunk;
    for (const line of this.fromClient.push(data)) this.recordClient(line);
    this.inner.write(data, callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.inner.end(() => {
      callback();
    });
  }

  override _destroy(error: Error | null, callback: (error: Error | null) => void): void {
    if (!this.detached) {
      this.flushPartial();
      this.inner.destroy();
    }
    callback(error);
  }

  /**
   * Hands the inner socket back (for a TLS upgrade) without closing it. This wrapper goes quiet
   * (it emits nothing more, so a library holding it sees no close); the caller wraps the
   * upgraded socket in a new one.
   */
  detach(): Socket | TLSSocket {
    this.detached = true;
    const { inner } = this;
    inner.off('data', this.onData);
    inner.off('end', this.onEnd);
    inner.off('error', this.onError);
    inner.off('close', this.onClose);
    inner.off('timeout', this.onTimeout);
    inner.pause();
    return inner;
  }

  setTimeout(ms: number, callback?: () => void): this {
    this.inner.setTimeout(ms);
    if (callback) this.once('timeout', callback);
    return this;
  }

  setKeepAlive(enable?: boolean, initialDelay?: number): this {
    this.inner.setKeepAlive(enable, initialDelay);
    return this;
  }

  setNoDelay(noDelay?: boolean): this {
    this.inner.setNoDelay(noDelay);
    return this;
  }

  get remoteAddress(): string | undefined {
    return this.inner.remoteAddress;
  }
  get remotePort(): number | undefined {
    return this.inner.remotePort;
  }
  get localAddress(): string | undefined {
    return this.inner.localAddress;
  }
  get localPort(): number | undefined {
    return this.inner.localPort;
  }
  get encrypted(): boolean {
    return 'encrypted' in this.inner;
  }
  get authorized(): boolean | undefined {
    return 'authorized' in this.inner ? this.inner.authorized : undefined;
  }
  getCipher(): ReturnType<TLSSocket['getCipher']> | null {
    return 'getCipher' in this.inner ? this.inner.getCipher() : null;
  }
}
