// The lab's company network: an HTTP proxy (CONNECT, Basic authentication) and a SOCKS5 proxy
// (user/password), both on 127.0.0.1, that tunnel only to the lab's own servers. A scenario's
// policy makes them ask for credentials, deny the mail ports (as squid's default rule does) or
// re-sign the mail servers' TLS with a CA of their own (named as mitmproxy names its CA).
// Refusals are worded as squid and RFC 1928 word them; electron/lab/README.md lists them.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage } from 'node:http';
import { connect as netConnect, createServer as createNetServer, type Server, type Socket } from 'node:net';
import { connect as tlsConnect, TLSSocket } from 'node:tls';
import { createLabPki } from '../pki';

export interface LabProxyPolicy {
  /** Ask for the lab proxy user's password (407 / SOCKS5 user/password). */
  requireAuth: boolean;
  /** The mail servers' ports may be tunnelled to; when false, only the identity endpoint's. */
  allowMailPorts: boolean;
  /** Re-sign TLS on the implicit-TLS mail ports (IMAP, POP3) with the inspection CA. */
  interceptMailTls: boolean;
}

export const OPEN_POLICY: LabProxyPolicy = {
  requireAuth: true,
  allowMailPorts: true,
  interceptMailTls: false,
};

export interface LabProxyTargets {
  /** The identity endpoint's port: the lab's stand-in for 443. */
  identityPort: number;
  /** Mail ports, and whether each speaks TLS from the first byte. */
  mailPorts: Array<{ port: number; implicitTls: boolean }>;
  /** The lab CA: the proxy checks the real servers' certificates when it re-signs. */
  caPem: string;
}

export interface LabProxies {
  http: { port: number };
  socks: { port: number };
  user: string;
  /** Fresh per lab start; only the lab's own client is told it. */
  password: string;
  /** The inspection CA's certificate, for a client that is to trust the re-signed chain. */
  inspectionCaPem: string;
  close(): Promise<void>;
}

const MAX_HEAD_BYTES = 1024;
const HANDSHAKE_MS = 10_000;

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : 0);
    });
  });
}

function closeServer(server: Server, sockets: Set<Socket>): Promise<void> {
  for (const socket of sockets) socket.destroy();
  return new Promise((resolve) => server.close(() => resolve()));
}

export async function startLabProxies(
  targets: () => LabProxyTargets,
  policy: LabProxyPolicy,
): Promise<LabProxies> {
  const user = 'labproxy';
  const password = randomBytes(12).toString('base64url');
  const inspection = await createLabPki(['localhost', '127.0.0.1'], {
    commonName: 'mitmproxy',
    organization: 'mitmproxy',
  });
  const sockets = new Set<Socket>();
  const track = (socket: Socket): void => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };

  /** Why a tunnel to `host:port` is refused, or null when it may open. */
  const refusal = (host: string, port: number): 'not-lab' | 'port' | null => {
    const t = targets();
    if (!['127.0.0.1', 'localhost'].includes(host.toLowerCase())) return 'not-lab';
    const mail = t.mailPorts.some((m) => m.port === port);
    if (port !== t.identityPort && !mail) return 'not-lab';
    if (mail && !policy.allowMailPorts) return 'port';
    return null;
  };

  /** Joins the client to the server, re-signing TLS when the policy says so. */
  const splice = (client: Socket, port: number, onOpen: () => void, onFail: () => void): void => {
    const t = targets();
    const mail = t.mailPorts.find((m) => m.port === port);
    const upstream = netConnect({ host: '127.0.0.1', port });
    track(upstream);
    upstream.once('error', () => {
      onFail();
      client.destroy();
    });
    upstream.once('connect', () => {
      onOpen();
      if (policy.interceptMailTls && mail?.implicitTls) {
        const facing = new TLSSocket(client, {
          isServer: true,
          key: inspection.serverKeyPem,
          cert: `${inspection.serverCertPem}${inspection.caPem}`,
        });
        const onward = tlsConnect({ socket: upstream, ca: [t.caPem], servername: 'localhost' });
        for (const s of [facing, onward]) s.on('error', () => undefined);
        facing.once('close', () => onward.destroy());
        onward.once('close', () => facing.destroy());
        facing.pipe(onward).pipe(facing);
        return;
      }
      client.pipe(upstream).pipe(client);
    });
    client.once('close', () => upstream.destroy());
    client.on('error', () => upstream.destroy());
  };

  const http = createHttpServer((_req, res) => {
    res.writeHead(400, { 'content-type': 'text/plain' }).end('The lab proxy only tunnels (CONNECT).\n');
  });
  http.on('connect', (req: IncomingMessage, client: Socket) => {
    track(client);
    client.on('error', () => undefined);
    const [host = '', portText = ''] = (req.url ?? '').split(/:(?=\d+$)/);
    const port = Number(portText);
    const answer = (status: string, headers: string[] = []): void => {
      client.end(
        `HTTP/1.1 ${status}\r\nServer: squid/5.7\r\n${headers.map((h) => `${h}\r\n`).join('')}Content-Length: 0\r\n\r\n`,
      );
    };
    if (policy.requireAuth) {
      const given = req.headers['proxy-authorization'] ?? '';
      if (!sameSecret(given, `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`)) {
        answer('407 Proxy Authentication Required', [
          'Proxy-Authenticate: Basic realm="MailProbe lab proxy"',
          'X-Squid-Error: ERR_CACHE_ACCESS_DENIED 0',
        ]);
        return;
      }
    }
    const refused = Number.isInteger(port) ? refusal(host, port) : 'not-lab';
    if (refused) {
      answer('403 Forbidden', ['X-Squid-Error: ERR_ACCESS_DENIED 0']);
      return;
    }
    splice(
      client,
      port,
      () => client.write('HTTP/1.1 200 Connection established\r\n\r\n'),
      () => answer('503 Service Unavailable', ['X-Squid-Error: ERR_CONNECT_FAIL 111']),
    );
  });
  http.on('clientError', (_error, socket) => socket.destroy());

  const socks = createNetServer((client) => {
    track(client);
    client.on('error', () => undefined);
    client.setTimeout(HANDSHAKE_MS, () => client.destroy());
    void socksHandshake(client, { requireAuth: policy.requireAuth, user, password }, refusal, (port) =>
      splice(
        client,
        port,
        () => {
          client.setTimeout(0);
          client.write(Buffer.from([5, 0, 0, 1, 0, 0, 0, 0, 0, 0]));
        },
        () => client.end(Buffer.from([5, 5, 0, 1, 0, 0, 0, 0, 0, 0])),
      ),
    );
  });

  const [httpPort, socksPort] = await Promise.all([listen(http), listen(socks)]);
  return {
    http: { port: httpPort },
    socks: { port: socksPort },
    user,
    password,
    inspectionCaPem: inspection.caPem,
    close: async () => {
      http.closeAllConnections();
      await Promise.all([closeServer(http, sockets), closeServer(socks, sockets)]);
    },
  };
}

/** Reads exactly `n` bytes (bounded: a SOCKS handshake is a few hundred bytes at most). */
class ByteReader {
  private buffer = Buffer.alloc(0);
  private waiting: { n: number; resolve: (b: Buffer) => void; reject: (e: Error) => void } | null = null;

  constructor(socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      if (this.buffer.length + chunk.length > MAX_HEAD_BYTES) {
        socket.destroy();
        return;
      }
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.pump();
    });
    socket.once('close', () => this.waiting?.reject(new Error('closed')));
  }

  read(n: number): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      this.waiting = { n, resolve, reject };
      this.pump();
    });
  }

  /** Stops reading: what follows belongs to the tunnel. */
  rest(): Buffer {
    const rest = this.buffer;
    this.buffer = Buffer.alloc(0);
    return rest;
  }

  private pump(): void {
    const w = this.waiting;
    if (!w || this.buffer.length < w.n) return;
    this.waiting = null;
    const out = this.buffer.subarray(0, w.n);
    this.buffer = this.buffer.subarray(w.n);
    w.resolve(out);
  }
}

/** RFC 1928 (SOCKS5) with RFC 1929 user/password: CONNECT only, to the lab's servers only. */
async function socksHandshake(
  client: Socket,
  auth: { requireAuth: boolean; user: string; password: string },
  refusal: (host: string, port: number) => 'not-lab' | 'port' | null,
  open: (port: number) => void,
): Promise<void> {
  const reader = new ByteReader(client);
  try {
    const [version = 0, count = 0] = await reader.read(2);
    if (version !== 5) {
      client.destroy();
      return;
    }
    const methods = [...(await reader.read(count))];
    const method = auth.requireAuth ? 2 : 0;
    if (!methods.includes(method)) {
      client.end(Buffer.from([5, 0xff]));
      return;
    }
    client.write(Buffer.from([5, method]));
    if (auth.requireAuth) {
      const [, userLength = 0] = await reader.read(2);
      const user = (await reader.read(userLength)).toString('utf8');
      const [passwordLength = 0] = await reader.read(1);
      const password = (await reader.read(passwordLength)).toString('utf8');
      const ok = sameSecret(user, auth.user) && sameSecret(password, auth.password);
      if (!ok) {
        client.end(Buffer.from([1, 1]));
        return;
      }
      client.write(Buffer.from([1, 0]));
    }
    const [, command = 0, , type = 0] = await reader.read(4);
    let host: string;
    if (type === 1) host = [...(await reader.read(4))].join('.');
    else if (type === 3) {
      const [length = 0] = await reader.read(1);
      host = (await reader.read(length)).toString('latin1');
    } else {
      await reader.read(type === 4 ? 16 : 0);
      client.end(Buffer.from([5, 8, 0, 1, 0, 0, 0, 0, 0, 0]));
      return;
    }
    const port = (await reader.read(2)).readUInt16BE(0);
    if (command !== 1) {
      client.end(Buffer.from([5, 7, 0, 1, 0, 0, 0, 0, 0, 0]));
      return;
    }
    if (refusal(host, port)) {
      // 0x02: connection not allowed by ruleset.
      client.end(Buffer.from([5, 2, 0, 1, 0, 0, 0, 0, 0, 0]));
      return;
    }
    const early = reader.rest();
    client.removeAllListeners('data');
    if (early.length > 0) client.unshift(early);
    open(port);
  } catch {
    client.destroy();
  }
}
