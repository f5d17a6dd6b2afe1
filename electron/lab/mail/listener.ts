// A listener on 127.0.0.1 (an ephemeral port) that tracks every socket it accepts, turns away
// sessions beyond the limit, and on close() stops listening and ends every open session.
import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';

export interface ListenerOptions {
  /** Implicit TLS (IMAP 993, POP3 995); without it the session may upgrade with STARTTLS. */
  tls: { key: string; cert: string } | null;
  maxSessions: number;
  /** Runs one session; the listener counts it until the socket closes. */
  onSession(socket: Socket): void;
  /** What to say to a connection over the limit before hanging up. */
  refuse(socket: Socket): void;
}

export interface Listener {
  port: number;
  close(): Promise<void>;
}

export async function startListener(options: ListenerOptions): Promise<Listener> {
  const sockets = new Set<Socket>();
  const accept = (socket: Socket): void => {
    socket.on('error', () => undefined);
    if (sockets.size >= options.maxSessions) {
      options.refuse(socket);
      return;
    }
    // Replies go out as several writes; without this Nagle holds the last one back ~40 ms.
    socket.setNoDelay(true);
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    try {
      options.onSession(socket);
    } catch {
      // A bug in a session must not take the listener down with it.
      socket.destroy();
    }
  };
  const server: Server = options.tls
    ? createTlsServer({ key: options.tls.key, cert: options.tls.cert }, accept)
    : createServer(accept);
  // A failed TLS handshake is the client's problem, not a reason to crash.
  server.on('tlsClientError', (_error: Error, socket: Socket) => socket.destroy());
  server.on('error', () => undefined);
  server.maxConnections = options.maxSessions * 2;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  let closing: Promise<void> | null = null;
  return {
    port,
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      return closing;
    },
  };
}
