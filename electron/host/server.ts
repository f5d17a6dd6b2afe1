// Browser mode: serves the built renderer on 127.0.0.1 and carries the app's API over one
// WebSocket, for machines without a display and for the end-to-end tests. Same service as the
// desktop app. Guarded by a random per-launch token (in the page URL) and Host/Origin checks, so
// another page or another local user's browser cannot drive it.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { API_PATH, type RequestMessage, type ServerMessage } from '../../shared/api/browser-protocol';
import { isRequestName } from '../../shared/api/schemas';
import type { AppService, ClientContext } from '../engine/app/service';

const MAX_MESSAGE = 8 * 1024 * 1024;
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

export interface HostOptions {
  service: AppService;
  rendererDir: string;
  port?: number;
}

export interface Host {
  port: number;
  token: string;
  url: string;
  close(): Promise<void>;
}

function sameToken(given: string | null, token: string): boolean {
  if (given === null || given.length !== token.length) return false;
  return timingSafeEqual(Buffer.from(given), Buffer.from(token));
}

export function contentSecurityPolicy(port: number): string {
  return [
    "default-src 'self'",
    `connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}`,
    "img-src 'self' data:",
    "style-src 'self'",
    "script-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'none'",
  ].join('; ');
}

export async function startHost(options: HostOptions): Promise<Host> {
  const token = randomBytes(24).toString('base64url');
  let port = 0;
  const allowedHosts = (): string[] => [`127.0.0.1:${port}`, `localhost:${port}`];

  const serveFile = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    // DNS rebinding: a page from another name resolved to 127.0.0.1 must not be served.
    if (!allowedHosts().includes(req.headers.host ?? '')) {
      res.writeHead(421, { 'content-type': 'text/plain' }).end('Misdirected request');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? ''}`);
    const relative = url.pathname === '/' ? 'index.html' : decodeURIComponent(url.pathname.slice(1));
    const root = resolve(options.rendererDir);
    const path = normalize(join(root, relative));
    if (!path.startsWith(root + sep)) {
      res.writeHead(403).end();
      return;
    }
    try {
      const info = await stat(path);
      if (!info.isFile()) throw new Error('not a file');
      const body = await readFile(path);
      res.writeHead(200, {
        'content-type': TYPES[extname(path)] ?? 'application/octet-stream',
        'content-security-policy': contentSecurityPolicy(port),
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
        'cache-control': 'no-store',
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
    }
  };

  const http = createServer((req, res) => {
    serveFile(req, res).catch(() => res.writeHead(500).end());
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE });

  http.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const origin = req.headers.origin ?? '';
    const okOrigin = allowedHosts().some((h) => origin === `http://${h}`);
    if (
      url.pathname !== API_PATH ||
      !allowedHosts().includes(req.headers.host ?? '') ||
      !okOrigin ||
      !sameToken(url.searchParams.get('token'), token)
    ) {
      socket.end('HTTP/1.1 403 Forbidden\r\nconnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      serveClient(ws, options.service);
    });
  });

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 0, '127.0.0.1', resolve);
  });
  const address = http.address();
  port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    token,
    url: `http://127.0.0.1:${port}/?token=${token}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close();
        http.closeAllConnections();
        http.close(() => {
          resolve();
        });
      }),
  };
}

function serveClient(ws: WebSocket, service: AppService): void {
  const send = (message: ServerMessage): void => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
  };
  const ctx: ClientContext = {
    emit: (name, payload) => {
      send({ type: 'event', name, payload });
    },
  };
  ws.on('message', (data: Buffer) => {
    let message: Partial<RequestMessage>;
    try {
      message = JSON.parse(data.toString('utf8')) as Partial<RequestMessage>;
    } catch {
      ws.close(1003, 'not JSON');
      return;
    }
    const id = typeof message.id === 'number' ? message.id : -1;
    if (message.type !== 'request' || !isRequestName(message.name)) {
      send({
        type: 'response',
        id,
        result: { ok: false, error: { code: 'UNKNOWN_REQUEST', message: 'Unknown request' } },
      });
      return;
    }
    void service.dispatch(message.name, message.input, ctx).then((result) => {
      send({ type: 'response', id, result });
    });
  });
}
