// HVE and ACS profiles through the app service, as the renderer saves and runs them, and through
// `mailprobe profiles add`: SMTP only, on the lab's HVE and ACS submission servers, the client
// secret from the vault, never in a report.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../../electron/lab/lab';
import { DEMO } from '../../electron/lab/scenarios';
import { startTestService, type TestService } from './support/app-service';
import type { Report } from '../../shared/report/model';
import { runCli } from './support/cli';

let lab: Lab;
let dir: string;
let app: TestService;
const call: TestService['call'] = (name, input) => app.call(name, input);
const dispatch: TestService['dispatch'] = (name, input) => app.dispatch(name, input);

beforeAll(async () => {
  // hve-healthy: the demo app holds Mail.Send and is on the HVE account's Allowed Apps list.
  lab = await startLab('hve-healthy');
  dir = await mkdtemp(join(tmpdir(), 'mailprobe-app-sending-'));
  await writeFile(join(dir, 'lab-ca.pem'), lab.caPem);
  app = await startTestService({ dataDir: join(dir, 'data'), caFiles: [join(dir, 'lab-ca.pem')] });
});

afterAll(async () => {
  await app.close();
  await lab.close();
  await rm(dir, { recursive: true, force: true });
});

function profile(kind: 'hve' | 'acs', extra: Record<string, unknown> = {}) {
  const port = kind === 'hve' ? lab.sending.hve.port : lab.sending.acs.port;
  const unused = { host: '127.0.0.1', port: 1, security: 'tls' };
  return {
    name: kind === 'hve' ? 'Alerts (HVE)' : 'Notifications (ACS)',
    cloud: 'custom',
    authority: lab.authorityHost,
    tenant: DEMO.tenantId,
    clientId: DEMO.clientId,
    mailbox: kind === 'hve' ? DEMO.hveAccount : DEMO.acsSender,
    credential: kind,
    mechanism: 'auto',
    imap: unused,
    pop3: unused,
    smtp: { host: '127.0.0.1', port, security: 'starttls' },
    testMessage: {},
    secret: lab.demo.clientSecret,
    ...extra,
  };
}

function run(profileId: string, runId: string): Promise<Report> {
  // The renderer asks for every protocol: a sending path runs SMTP alone.
  return call('checks:run', { runId, profileId, protocols: ['imap', 'pop3', 'smtp'] });
}

describe('sending-path profiles in the app', () => {
  it('runs an HVE profile: a token with Mail.Send, then SMTP only', async () => {
    const saved = await call('profiles:save', profile('hve'));
    const report = await run(saved.id, 'run-hve');
    expect(report.verdict).toBe('pass');
    expect(report.checks.map((c) => c.protocol)).toEqual(['token', 'smtp']);
    expect(report.target).toMatchObject({ service: 'hve', credential: 'client-secret' });
    expect(JSON.stringify(report)).not.toContain(lab.demo.clientSecret);
  });

  it('runs an ACS profile with the user name built from the resource', async () => {
    const saved = await call('profiles:save', profile('acs', { acsResource: DEMO.acsResource }));
    expect(saved.acsResource).toBe(DEMO.acsResource);
    const report = await run(saved.id, 'run-acs');
    expect(report.verdict).toBe('pass');
    expect(report.checks.map((c) => c.protocol)).toEqual(['smtp']);
    expect(report.target.smtpUser).toBe(`${DEMO.acsResource}.${DEMO.clientId}.${DEMO.tenantId}`);
    expect(JSON.stringify(report)).not.toContain(lab.demo.clientSecret);
  });

  it('diagnoses an ACS profile whose whole user name leaves out the tenant', async () => {
    const saved = await call(
      'profiles:save',
      profile('acs', { name: 'ACS typo', acsResource: `${DEMO.acsResource}|${DEMO.clientId}` }),
    );
    const report = await run(saved.id, 'run-acs-typo');
    expect(report.verdict).toBe('fail');
    expect(report.findings[0]?.cause).toBe('acs.bad_username');
  });

  it('refuses an ACS profile without its resource', async () => {
    const result = await dispatch('profiles:save', profile('acs'));
    expect(result.ok).toBe(false);
  });
});

describe('mailprobe profiles add --acs-resource / --hve', () => {
  it('saves an ACS profile and checks it with check --profile', async () => {
    const env = {
      MAILPROBE_DATA_DIR: join(dir, 'cli-data'),
      MP_SECRET: lab.demo.clientSecret,
      DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent',
    };
    const add = await runCli(
      [
        'profiles',
        'add',
        '--name',
        'ACS',
        '--tenant',
        DEMO.tenantId,
        '--client-id',
        DEMO.clientId,
        '--mailbox',
        DEMO.acsSender,
        '--acs-resource',
        DEMO.acsResource,
        '--client-secret-env',
        'MP_SECRET',
        '--smtp-host',
        '127.0.0.1',
        '--smtp-port',
        String(lab.sending.acs.port),
      ],
      env,
    );
    expect(add.code, add.stderr).toBe(0);
    const check = await runCli(
      [
        'check',
        '--json',
        '--profile',
        'ACS',
        '--ca',
        join(dir, 'lab-ca.pem'),
        '--client-secret-env',
        'MP_SECRET',
      ],
      env,
    );
    expect(check.code, check.stderr).toBe(0);
    const report = JSON.parse(check.stdout) as Report;
    expect(report.target).toMatchObject({ service: 'acs', mailbox: DEMO.acsSender });
    expect(check.stdout + check.stderr).not.toContain(lab.demo.clientSecret);
    const wrong = await runCli(
      [
        'profiles',
        'add',
        '--name',
        'HVE pw',
        '--tenant',
        DEMO.tenantId,
        '--client-id',
        DEMO.clientId,
        '--mailbox',
        DEMO.hveAccount,
        '--hve',
        '--password-env',
        'MP_SECRET',
      ],
      env,
    );
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/takes the app's client secret/);
  });
});
