// Servers that refuse, never answer, stay silent or flood: each is a failed step, within the
// timeout it was given, and never a hang.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report, StepResult } from '../../shared/report/model';
import { runCheckJson } from './support/cli';
import { startBlackhole, startEndlessLineServer, startSilentServer } from './support/hostile-servers';

let work: string;
let tokenFile: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'mailprobe-hostile-'));
  tokenFile = join(work, 'token');
  await writeFile(tokenFile, 'opaque-test-token-0123456789');
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

function imapStep(report: Report, id: StepResult['id']): StepResult {
  const step = report.checks.find((c) => c.protocol === 'imap')?.steps.find((s) => s.id === id);
  if (!step) throw new Error(`no imap ${id} step`);
  return step;
}

function imapAt(port: number, ...extra: string[]): string[] {
  return [
    '--mailbox',
    'alice@example.test',
    '--access-token-file',
    tokenFile,
    '--imap',
    '--imap-host',
    '127.0.0.1',
    '--imap-port',
    String(port),
    ...extra,
  ];
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((resolve) =>
    server.close(() => {
      resolve();
    }),
  );
  return port;
}

describe('hostile and absent servers', () => {
  it('a closed port is a refused connection', async () => {
    const { code, report } = await runCheckJson(imapAt(await freePort()));
    expect(code).toBe(1);
    const tcp = imapStep(report, 'tcp');
    expect(tcp.status).toBe('fail');
    expect(tcp.detail.outcome).toBe('refused');
    expect(imapStep(report, 'greeting').status).toBe('skipped');
  });

  it('an address that never answers fails at the connect timeout', async () => {
    const blackhole = await startBlackhole();
    try {
      const { code, report } = await runCheckJson(imapAt(blackhole.port, '--connect-timeout-ms', '1000'));
      expect(code).toBe(1);
      const tcp = imapStep(report, 'tcp');
      expect(tcp.detail.outcome).toBe('timeout');
      expect(tcp.summary).toContain('1000 ms');
      // Fired by our timer, not the operating system's (which takes minutes).
      expect(tcp.durationMs).toBeGreaterThanOrEqual(990);
      expect(tcp.durationMs).toBeLessThan(5000);
    } finally {
      await blackhole.stop();
    }
  });

  it('a server that accepts and never greets fails at the greeting timeout', async () => {
    const silent = await startSilentServer();
    try {
      const { code, report } = await runCheckJson(
        imapAt(silent.port, '--imap-security', 'starttls', '--greeting-timeout-ms', '800'),
      );
      expect(code).toBe(1);
      const greeting = imapStep(report, 'greeting');
      expect(greeting.status).toBe('fail');
      expect(imapStep(report, 'tcp').status).toBe('pass');
      expect(greeting.durationMs).toBeGreaterThanOrEqual(790);
    } finally {
      await silent.stop();
    }
  });

  it('a silent server behind implicit TLS fails the TLS handshake in time', async () => {
    const silent = await startSilentServer();
    try {
      const { code, report } = await runCheckJson(imapAt(silent.port, '--connect-timeout-ms', '700'));
      expect(code).toBe(1);
      expect(imapStep(report, 'tls').detail.code).toBe('ETIMEDOUT');
    } finally {
      await silent.stop();
    }
  });

  it('a line without end is cut at the bound and the connection dropped', async () => {
    const flood = await startEndlessLineServer();
    try {
      const { code, report } = await runCheckJson(
        imapAt(flood.port, '--imap-security', 'starttls', '--timeout-ms', '5000'),
      );
      expect(code).toBe(1);
      const greeting = imapStep(report, 'greeting');
      expect(greeting.status).toBe('fail');
      const transcript = report.checks.find((c) => c.protocol === 'imap')?.transcript ?? [];
      expect(transcript.some((e) => e.dir === 'e' && /longer than \d+ bytes/.test(e.text))).toBe(true);
      // Bounded: no entry holds more than the entry limit plus its marker.
      for (const entry of transcript) expect(entry.text.length).toBeLessThan(5000);
    } finally {
      await flood.stop();
    }
  });
});
