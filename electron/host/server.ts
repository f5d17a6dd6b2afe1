// Browser mode: serves the built renderer on 127.0.0.1 and carries the app's API over one
// WebSocket, for machines without a display and for the end-to-end tests. Same service as the
// desktop app. Guarded by a random per-launch token (in the page URL) and Host/Origin checks, so
// another page or another local user's browser cannot drive it.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { API_PATH, type ServerMessage } from '../../shared/api/browser-protocol';
import type { AppService, ClientContext } from '../compose/app-service';
import { readRequestFrame } from './request-frame';

/** The largest frame a client may send; a larger one closes that connection (1009), nothing else. */
export const MAX_MESSAGE = 8 * 1024 * 1024;
/** Requests one connection may have waiting at once; more are answered BUSY at once. */
export const MAX_IN_FLIGHT = 64;
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

/** Compares as bytes: characters can be equal in number and not in bytes (multi-byte ones). */
export function sameToken(given: string | null, token: string): boolean {
  if (given === null) return false;
  const a = Buffer.from(given, 'utf8');
  const b = Buffer.from(token, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The request's path as a file name, or null when its escapes do not decode ("/%ZZ"). */
function decodedPath(pathname: string): string | null {
  try {
    return decodeURIComponent(pathname);
  } catch {
    return null;
  }
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
    const url = new URL(req.url ?? '/', 'http://localhost');
    const relative = url.pathname === '/' ? 'index.html' : decodedPath(url.pathname.slice(1));
    if (relative === null || relative.includes('\0')) {
      res.writeHead(400, { 'content-type': 'text/plain' }).end('Bad request');
      return;
    }
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
    serveFile(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  // A client that sends garbage, resets or times out costs its own connection only.
  http.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
    socket.destroy();
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE });
  wss.on('error', () => undefined);

  const admitted = (req: IncomingMessage): boolean => {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      return false;
    }
    const origin = req.headers.origin ?? '';
    return (
      url.pathname === API_PATH &&
      allowedHosts().includes(req.headers.host ?? '') &&
      allowedHosts().some((h) => origin === `http://${h}`) &&
      sameToken(url.searchParams.get('token'), token)
    );
  };

  http.on('upgrade', (req, socket, head) => {
    socket.on('error', () => {
      socket.destroy();
    });
    if (!admitted(req)) {
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
  http.on('error', (error) => {
    console.error(`Browser host: ${error.message}`);
  });
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
  // Without a listener an error event (a frame over the limit, invalid UTF-8, a reset) would end
  // the process; ws closes the connection itself with the matching code.
  ws.on('error', () => undefined);
  let inFlight = 0;
  const send = (message: ServerMessage): void => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
  };
  const ctx: ClientContext = {
    emit: (name, payload) => {
      send({ type: 'event', name, payload });
    },
  };
  ws.on('message', (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => {
    const frame = readRequestFrame(data, isBinary);
    if (!frame.ok) {
      send({ type: 'response', id: frame.id, result: { ok: false, error: frame.error } });
      return;
    }
    const { id, name, input } = frame.request;
    if (inFlight >= MAX_IN_FLIGHT) {
      send({
        type: 'response',
        id,
        result: {
          ok: false,
          error: { code: 'BUSY', message: `More than ${MAX_IN_FLIGHT} requests at once: wait for answers` },
        },
      });
      return;
    }
    inFlight++;
    service
      .dispatch(name, input, ctx)
      .catch((error: unknown) => ({
        ok: false as const,
        error: { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) },
      }))
      .then((result) => {
        inFlight--;
        send({ type: 'response', id, result });
      })
      .catch(() => undefined);
  });
}
