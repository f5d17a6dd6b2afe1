// The browser host's API over a real WebSocket, as the renderer uses it, plus raw access for
// tests that send what no renderer would.
import { request } from 'node:http';
import { WebSocket } from 'ws';
import type { EventMessage, ResponseMessage } from '../../../shared/api/browser-protocol';
import type { RequestName, Requests, Result } from '../../../shared/api/contract';
import type { Host } from '../../../electron/host/server';

export function httpGet(
  host: Host,
  path: string,
  hostHeader = `127.0.0.1:${host.port}`,
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: host.port, path, headers: { host: hostHeader } },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** Opens the API socket; `token` is put in the URL as given (already escaped). */
export function connectApi(
  host: Host,
  token = host.token,
  origin = `http://127.0.0.1:${host.port}`,
): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/api?token=${token}`, { origin });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode ?? 0}`)));
  });
}

export class ApiClient {
  /**
   * Far above the ids random frames carry (fast-check's integers stay within 32 bits), so that a
   * hostile frame's answer is never taken for the answer to one of our calls.
   */
  private next = 2 ** 40 + 1;
  readonly events: EventMessage[] = [];
  /** Responses no call of ours was waiting for (id -1: a message the host could not attribute). */
  readonly stray: ResponseMessage[] = [];
  private readonly waiting = new Map<number, (r: Result<unknown>) => void>();
  constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      const message = JSON.parse(data.toString()) as ResponseMessage | EventMessage;
      if (message.type === 'event') this.events.push(message);
      else {
        const waiter = this.waiting.get(message.id);
        this.waiting.delete(message.id);
        if (waiter) waiter(message.result);
        else this.stray.push(message);
      }
    });
  }

  static async open(host: Host): Promise<ApiClient> {
    return new ApiClient(await connectApi(host));
  }

  call<K extends RequestName>(name: K, input: unknown): Promise<Result<Requests[K]['output']>> {
    return this.callRaw(name, input) as Promise<Result<Requests[K]['output']>>;
  }

  /** Any name and any input, as a hostile page would send them. */
  callRaw(name: unknown, input: unknown): Promise<Result<unknown>> {
    const id = this.next++;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.ws.send(JSON.stringify({ type: 'request', id, name, input }));
    });
  }

  /** The next response that answers no call of ours, after sending `data` as one frame. */
  sendRaw(data: string | Buffer, binary = false): Promise<ResponseMessage> {
    const before = this.stray.length;
    return new Promise((resolve, reject) => {
      const timer = setInterval(() => {
        const found = this.stray[before];
        if (found) {
          clearInterval(timer);
          resolve(found);
        } else if (this.ws.readyState !== this.ws.OPEN) {
          clearInterval(timer);
          reject(new Error('closed'));
        }
      }, 5);
      this.ws.send(data, { binary });
    });
  }

  close(): void {
    this.ws.close();
  }
}
