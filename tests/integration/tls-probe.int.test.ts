// The TLS floor probe on real servers: Node's TLS server set to accept TLS 1.0 (so a "refused"
// is never our client's own limit), one that speaks TLS 1.3 only, and the real Dovecot through
// the CLI's --tls-probe, implicit TLS and STARTTLS alike.
import { createServer, type Server } from 'node:tls';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SecureVersion } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLabPki } from '../../electron/lab/pki';
import { probeTlsVersions, type VersionResult } from '../../electron/engine/checks/tls-probe';
import { DEFAULT_LIMITS } from '../../electron/engine/wire/limits';
import { DIRECT } from '../../electron/engine/wire/proxy';
import { SecretSet } from '../../electron/engine/wire/secrets';
import type { NetworkSettings } from '../../electron/engine/checks/types';
import { startDovecot, type DovecotHarness } from './support/dovecot';
import { runCheckJson } from './support/cli';

const NETWORK: NetworkSettings = {
  timeouts: { connectMs: 3000, greetingMs: 3000, commandMs: 3000 },
  tls: { extraCaPem: [], minVersion: 'TLSv1.2' },
  limits: DEFAULT_LIMITS,
  family: 'auto',
  proxy: DIRECT,
};

let dovecot: DovecotHarness;
let work: string;
const servers: Server[] = [];

async function tlsServer(minVersion: SecureVersion, maxVersion: SecureVersion): Promise<number> {
  const pki = await createLabPki();
  const server = createServer({
    key: pki.serverKeyPem,
    cert: pki.serverCertPem,
    minVersion,
    maxVersion,
    ciphers: 'DEFAULT:@SECLEVEL=0',
  });
  // An IMAP greeting after the handshake, as a mail server would send.
  server.on('secureConnection', (socket) => socket.end('* OK probe target\r\n'));
  server.on('tlsClientError', () => undefined);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return typeof address === 'object' && address ? address.port : 0;
}

/** The probe of an implicit-TLS endpoint on 127.0.0.1. */
function probeLocal(port: number) {
  return probeTlsVersions('imap', { host: '127.0.0.1', port, security: 'tls' }, NETWORK, new SecretSet());
}

function verdicts(detail: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries((detail.versions as VersionResult[]).map((v) => [v.version, v.verdict]));
}

beforeAll(async () => {
  dovecot = await startDovecot();
  work = await mkdtemp(join(tmpdir(), 'mailprobe-probe-'));
});

afterAll(async () => {
  for (const s of servers) s.close();
  await dovecot.stop();
  await rm(work, { recursive: true, force: true });
});

describe('the TLS floor probe', () => {
  it('sees a server that still accepts TLS 1.0 and 1.1', async () => {
    const port = await tlsServer('TLSv1', 'TLSv1.3');
    const step = await probeLocal(port);
    expect(verdicts(step.detail)).toEqual({
      TLSv1: 'accepted',
      'TLSv1.1': 'accepted',
      'TLSv1.2': 'accepted',
      'TLSv1.3': 'accepted',
    });
    expect(step.detail.oldestAccepted).toBe('TLSv1');
    expect(step.summary).toMatch(/accepts TLS 1\.0, TLS 1\.1, TLS 1\.2, TLS 1\.3/);
  });

  it('sees a TLS 1.3-only server refuse the rest', async () => {
    const port = await tlsServer('TLSv1.3', 'TLSv1.3');
    const step = await probeLocal(port);
    expect(verdicts(step.detail)).toEqual({
      TLSv1: 'refused',
      'TLSv1.1': 'refused',
      'TLSv1.2': 'refused',
      'TLSv1.3': 'accepted',
    });
    expect(step.summary).toMatch(/a client limited to TLS 1\.0 or 1\.1 cannot connect/);
  });

  it('says so when nothing listens, rather than calling every version refused', async () => {
    const port = await tlsServer('TLSv1.2', 'TLSv1.3');
    servers.pop()?.close();
    await new Promise((r) => setTimeout(r, 50));
    const step = await probeLocal(port);
    expect(step.status).toBe('warn');
    expect(Object.values(verdicts(step.detail))).toEqual([
      'not-reached',
      'not-reached',
      'not-reached',
      'not-reached',
    ]);
  });

  it('check --tls-probe on Dovecot: implicit TLS and STARTTLS, 1.2 and 1.3 accepted, 1.0 and 1.1 refused', async () => {
    const tokenFile = join(work, 'token');
    await writeFile(tokenFile, await dovecot.mintToken({ user: dovecot.users.oauth }));
    const result = await runCheckJson([
      '--mailbox',
      dovecot.users.oauth,
      '--access-token-file',
      tokenFile,
      '--ca',
      dovecot.caFile,
      '--tls-probe',
      '--imap-host',
      dovecot.host,
      '--imap-port',
      String(dovecot.ports.imaps),
      '--imap-security',
      'tls',
      '--pop3-host',
      dovecot.starttlsHost,
      '--pop3-port',
      String(dovecot.ports.pop3),
      '--pop3-security',
      'starttls',
      '--smtp-host',
      dovecot.starttlsHost,
      '--smtp-port',
      String(dovecot.ports.submission),
      '--smtp-security',
      'starttls',
    ]);
    expect(result.code).toBe(0);
    for (const protocol of ['imap', 'pop3', 'smtp']) {
      const step = result.report.checks
        .find((c) => c.protocol === protocol)
        ?.steps.find((s) => s.id === 'tls-versions');
      expect(step, protocol).toBeDefined();
      expect(verdicts(step?.detail ?? {}), protocol).toEqual({
        TLSv1: 'refused',
        'TLSv1.1': 'refused',
        'TLSv1.2': 'accepted',
        'TLSv1.3': 'accepted',
      });
    }
  });
});
