// Servers that misbehave on purpose, on 127.0.0.1: one that accepts and never speaks, one that
// never completes the TCP handshake, one that sends an endless line. Each stops by itself.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server, type Socket } from 'node:net';

export interface TestServer {
  port: number;
  stop(): Promise<void>;
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

function serve(onConnection: (socket: Socket) => void): Promise<TestServer> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
    onConnection(socket);
  });
  return listen(server).then((port) => ({
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => {
          resolve();
        });
      }),
  }));
}

/** Accepts TCP connections and never sends a byte. */
export function startSilentServer(): Promise<TestServer> {
  return serve(() => undefined);
}

/** Greets, then answers anything with one line that never ends (bounded at `bytes`). */
export function startEndlessLineServer(bytes = 2 * 1024 * 1024): Promise<TestServer> {
  return serve((socket) => {
    const chunk = Buffer.alloc(64 * 1024, 'A');
    let sent = 0;
    socket.write('* OK ');
    const pump = (): void => {
      while (sent < bytes && !socket.destroyed) {
        sent += chunk.length;
        if (!socket.write(chunk)) {
          socket.once('drain', pump);
          return;
        }
      }
    };
    pump();
  });
}

/**
 * A port whose TCP handshake never completes: a listener with a backlog of 0 that never accepts,
 * with its accept queue filled, so the kernel drops new SYNs and a client sees what a filtered
 * port looks like. Python, because Node raises any backlog to its default of 511. The child ends
 * after 60 s on its own.
 */
export async function startBlackhole(): Promise<TestServer> {
  const script = [
    'import socket, sys, time',
    's = socket.socket()',
    "s.bind(('127.0.0.1', 0))",
    's.listen(0)',
    'print(s.getsockname()[1], flush=True)',
    'time.sleep(60)',
  ].join('\n');
  const child: ChildProcess = spawn('python3', ['-c', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout?.once('data', (data: Buffer) => {
      resolve(Number(data.toString().trim()));
    });
    child.once('error', reject);
  });
  // Fill the accept queue: these connect (the kernel completes them) but are never accepted.
  const fillers: Socket[] = [];
  const { connect } = await import('node:net');
  for (let i = 0; i < 6; i += 1) {
    const s = connect({ host: '127.0.0.1', port });
    s.on('error', () => undefined);
    fillers.push(s);
  }
  await new Promise((r) => setTimeout(r, 200));
  return {
    port,
    stop: async () => {
      for (const s of fillers) s.destroy();
      child.kill('SIGKILL');
      await new Promise((r) => setTimeout(r, 10));
    },
  };
}

/**
 * A plain-text line server that answers each client line with `answer(line)` (undefined: no
 * answer). For protocol edge cases the real servers never produce.
 */
export function startScriptedServer(
  greeting: string | null,
  answer: (line: string, socket: Socket) => string | undefined,
): Promise<TestServer> {
  return serve((socket) => {
    if (greeting !== null) socket.write(greeting);
    let buffer = '';
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      let index = buffer.indexOf('\n');
      while (index >= 0) {
        const line = buffer.slice(0, index).replace(/\r$/, '');
        buffer = buffer.slice(index + 1);
        const reply = answer(line, socket);
        if (reply !== undefined && !socket.destroyed) socket.write(reply);
        index = buffer.indexOf('\n');
      }
    });
  });
}
