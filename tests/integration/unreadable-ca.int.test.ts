// A CA file named in Settings that has gone (deleted, replaced by a pipe) is a finding of the run
// with its path, never an internal error: the app's run and `check --profile` go on with the
// system's CAs, the real Dovecot's private certificate is then untrusted, and the first finding
// says which file to restore. The Demo tenant still runs.
import { execFileSync } from 'node:child_process';
import { copyFile, mkdtemp, rm, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDovecot, type DovecotHarness } from './support/dovecot';
import { startTestService, type TestService } from './support/app-service';
import { runCheckJson } from './support/cli';

let dovecot: DovecotHarness;
let app: TestService;
let dir: string;
let caCopy: string;
let profileId: string;

beforeAll(async () => {
  dovecot = await startDovecot();
  dir = await mkdtemp(join(tmpdir(), 'mailprobe-unreadable-ca-'));
  caCopy = join(dir, 'company-ca.pem');
  await copyFile(dovecot.caFile, caCopy);
  app = await startTestService({ dataDir: join(dir, 'data'), caFiles: [caCopy] });
  const saved = await app.call('profiles:save', {
    name: 'Dovecot with a private CA',
    cloud: 'custom',
    tenant: 'example.test',
    clientId: '00000000-0000-0000-0000-000000000001',
    mechanism: 'auto',
    mailbox: dovecot.users.password,
    credential: 'password',
    secret: dovecot.password,
    imap: { host: 'localhost', port: dovecot.ports.imaps, security: 'tls' },
    pop3: { host: 'localhost', port: dovecot.ports.pop3s, security: 'tls' },
    smtp: { host: 'localhost', port: dovecot.ports.submissions, security: 'tls' },
    testMessage: { to: dovecot.users.password },
  });
  profileId = saved.id;
}, 60_000);

afterAll(async () => {
  await app.close();
  await dovecot.stop();
  await rm(dir, { recursive: true, force: true });
});

const run = (runId: string) => app.call('checks:run', { runId, profileId, protocols: ['imap'] });

describe('a CA file of Settings that cannot be read', () => {
  it('passes while the file is there', async () => {
    const report = await run('with-ca');
    expect(report.verdict).toBe('pass');
    expect(report.target.unreadableCaFiles).toBeUndefined();
  });

  it('deleted: the run goes on, TLS is untrusted, and the first finding names the file', async () => {
    await unlink(caCopy);
    const report = await run('ca-deleted');
    expect(report.verdict).toBe('fail');
    expect(report.target.unreadableCaFiles).toEqual([
      {
        source: 'Settings, extra CA files',
        path: caCopy,
        problem: expect.stringMatching(/does not exist/) as string,
      },
    ]);
    const tls = report.checks[0]?.steps.find((s) => s.id === 'tls');
    expect(tls?.status).toBe('fail');
    expect(report.findings[0]?.cause).toBe('tls.ca_file_unreadable');
    expect(report.findings[0]?.confidence).toBe('high');
    expect(report.findings[0]?.evidence.join('\n')).toContain(caCopy);
  });

  it('deleted: the Demo tenant still runs, with the file as a warning finding', async () => {
    const report = await app.call('checks:run', {
      runId: 'demo-ca-deleted',
      profileId: 'demo',
      protocols: ['imap'],
      scenario: 'healthy',
    });
    expect(report.verdict).toBe('pass');
    expect(report.findings.map((f) => [f.cause, f.confidence])).toEqual([
      ['tls.ca_file_unreadable', 'medium'],
    ]);
  });

  it('a named pipe in its place: check --profile answers at once with the same finding', async () => {
    execFileSync('mkfifo', [caCopy]);
    const started = Date.now();
    const result = await runCheckJson(
      ['--profile', 'Dovecot with a private CA', '--imap', '--password-env', 'MP_PW'],
      {
        MAILPROBE_DATA_DIR: join(dir, 'data'),
        DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus',
        MP_PW: dovecot.password,
      },
    );
    expect(result.code, result.stderr).toBe(1);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(result.report.findings[0]?.cause).toBe('tls.ca_file_unreadable');
    expect(result.report.target.unreadableCaFiles?.[0]?.problem).toMatch(/named pipe/);
  });
});
