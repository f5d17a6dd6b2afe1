// A userspace relay that adds latency: every chunk waits `oneWayMs` before it is passed on, in each
// direction, in order (so a round trip costs 2 x oneWayMs). `tc netem` is not available on these
// machines. The TCP handshake to the relay itself is not delayed: a check's time through the relay
// therefore counts the round trips after connect.
import { connect, createServer, type Server, type Socket } from 'node:net';

export interface Relay {
  port: number;
  close(): Promise<void>;
}

function delayed(from: Socket, to: Socket, oneWayMs: number): void {
  from.on('data', (chunk: Buffer) => {
    // Equal delays keep the order: Node fires timers of the same duration in the order set.
    setTimeout(() => {
      if (!to.destroyed) to.write(chunk);
    }, oneWayMs);
  });
  from.on('end', () => setTimeout(() => to.end(), oneWayMs));
  from.on('error', () => to.destroy());
  from.on('close', () => setTimeout(() => to.destroy(), oneWayMs + 5));
}

export async function startRelay(target: { host: string; port: number }, oneWayMs: number): Promise<Relay> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(target);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.setNoDelay(true);
      s.once('close', () => sockets.delete(s));
    }
    delayed(client, upstream, oneWayMs);
    delayed(upstream, client, oneWayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
