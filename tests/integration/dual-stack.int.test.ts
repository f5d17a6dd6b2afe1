// Both IP families on real loopback sockets (127.0.0.1 and ::1): happy eyeballs connects over the
// family that answers and warns when the other failed; --family orders the attempts instead.
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { connectTcp, type ResolvedAddress } from '../../electron/engine/wire/connect';
import { Transcript, clockFrom } from '../../electron/engine/wire/transcript';

const servers: Server[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
});

async function listenOn(host: string, port = 0): Promise<number> {
  const server = createServer((socket) => socket.destroy());
  servers.push(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const address = server.address();
  return typeof address === 'object' && address ? address.port : 0;
}

const BOTH: ResolvedAddress[] = [
  { address: '::1', family: 6 },
  { address: '127.0.0.1', family: 4 },
];

function transcript(): Transcript {
  return new Transcript(clockFrom(performance.now()));
}

describe('connecting over both families', () => {
  it('connects over IPv4 when ::1 refuses, and warns that IPv6 failed', async () => {
    const port = await listenOn('127.0.0.1');
    const outcome = await connectTcp(BOTH, port, transcript(), 2000);
    outcome.socket?.destroy();
    expect(outcome.step.status).toBe('warn');
    expect(outcome.step.detail).toMatchObject({ family: 4, code: 'ONE_FAMILY_FAILED' });
    expect(outcome.step.summary).toMatch(/over IPv4; IPv6 \(::1\) failed: connection refused/);
    const attempts = outcome.step.detail.attempts as Array<{ address: string; outcome: string }>;
    expect(attempts.map((a) => [a.address, a.outcome])).toEqual([
      ['::1', 'refused'],
      ['127.0.0.1', 'connected'],
    ]);
  });

  it('passes over the first family when it answers, the other not needed', async () => {
    const port = await listenOn('127.0.0.1');
    await listenOn('::1', port);
    const outcome = await connectTcp(BOTH, port, transcript(), 2000);
    outcome.socket?.destroy();
    expect(outcome.step.status).toBe('pass');
    expect(outcome.step.detail).toMatchObject({ family: 6, mode: 'both families raced (happy eyeballs)' });
    expect(outcome.step.summary).toMatch(/IPv6 answered first; 127\.0\.0\.1 not tried/);
  });

  it('with --family ipv4 tries IPv4 first and does not race', async () => {
    const port = await listenOn('127.0.0.1');
    await listenOn('::1', port);
    const ordered: ResolvedAddress[] = [BOTH[1] as ResolvedAddress, BOTH[0] as ResolvedAddress];
    const outcome = await connectTcp(ordered, port, transcript(), 2000, undefined, 'ipv4');
    outcome.socket?.destroy();
    expect(outcome.step.status).toBe('pass');
    expect(outcome.step.detail).toMatchObject({ family: 4, mode: 'IPv4 first (--family)' });
  });

  it('fails with both refusing, naming the last refusal', async () => {
    const port = await listenOn('127.0.0.1');
    await new Promise<void>((resolve) => servers.pop()?.close(() => resolve()));
    const outcome = await connectTcp(BOTH, port, transcript(), 2000);
    expect(outcome.step.status).toBe('fail');
    expect(outcome.step.detail.outcome).toBe('refused');
  });
});
