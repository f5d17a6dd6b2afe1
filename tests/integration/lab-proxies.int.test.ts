// The lab's own company network, in process: its SOCKS5 proxy (RFC 1928/1929) tunnels a whole lab
// run with the right user/password, refuses a wrong one, and tunnels only to the lab's servers.
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../../electron/lab/lab';
import { labRunInput } from '../../electron/compose/lab-targets';
import { runChecks } from '../../electron/engine/checks/run';
import { DEFAULT_LIMITS } from '../../electron/engine/wire/limits';
import type { ProxyRoute } from '../../electron/engine/wire/proxy';

let lab: Lab;

beforeAll(async () => {
  lab = await startLab('healthy');
});

afterAll(async () => {
  await lab.close();
});

function socksRoute(password: string): ProxyRoute {
  return {
    config: {
      scheme: 'socks5',
      host: '127.0.0.1',
      port: lab.proxies.socks.port,
      username: lab.proxies.user,
      bypass: [],
    },
    password,
    source: 'test',
  };
}

function run(route: ProxyRoute) {
  return runChecks(
    labRunInput(lab, {
      protocols: ['imap', 'pop3', 'smtp'],
      mechanism: 'auto',
      network: {
        timeouts: { connectMs: 5000, greetingMs: 5000, commandMs: 10000 },
        tls: { extraCaPem: [], minVersion: 'TLSv1.2' },
        limits: DEFAULT_LIMITS,
        family: 'auto',
        proxy: { identity: route, mail: route },
      },
      sendTo: undefined,
      from: undefined,
    }),
  );
}

describe("the lab's SOCKS5 proxy", () => {
  it('tunnels the token request and every mail check with the right password', async () => {
    const report = await run(socksRoute(lab.proxies.password));
    expect(report.verdict, JSON.stringify(report.findings)).toBe('pass');
    for (const check of report.checks) expect(check.steps.map((s) => s.id)).toContain('proxy');
  });

  it('refuses a wrong password: network.proxy_auth_required', async () => {
    const report = await run(socksRoute('not-it'));
    expect(report.verdict).toBe('fail');
    const { diagnoseReport } = await import('../../electron/engine/diagnosis/diagnose');
    expect(diagnoseReport(report)[0]?.cause).toBe('network.proxy_auth_required');
  });

  it('opens no tunnel to anything but the lab (an open relay it is not)', async () => {
    const reply = await new Promise<Buffer>((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port: lab.proxies.socks.port });
      const user = Buffer.from(lab.proxies.user);
      const pass = Buffer.from(lab.proxies.password);
      const chunks: Buffer[] = [];
      socket.on('data', (c: Buffer) => chunks.push(c));
      socket.on('close', () => resolve(Buffer.concat(chunks)));
      socket.on('error', reject);
      socket.write(Buffer.from([5, 1, 2]));
      socket.write(Buffer.concat([Buffer.from([1, user.length]), user, Buffer.from([pass.length]), pass]));
      // CONNECT example.org:25 by name.
      const host = Buffer.from('example.org');
      socket.write(Buffer.concat([Buffer.from([5, 1, 0, 3, host.length]), host, Buffer.from([0, 25])]));
    });
    // Method reply, auth reply, then 0x02: not allowed by ruleset.
    expect([...reply]).toEqual([5, 2, 1, 0, 5, 2, 0, 1, 0, 0, 0, 0, 0, 0]);
  });
});
