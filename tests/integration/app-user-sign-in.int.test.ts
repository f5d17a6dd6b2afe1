// The app's own path for a user's sign-in: a saved device-code or browser profile, run through the
// app service as the renderer runs it. The service tells the renderer what to show (the code and
// page, or the page to open) with an event; a person signs in there and the run goes on.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventName, Events } from '../../shared/api/contract';
import type { Report } from '../../shared/report/model';
import { startLab, type Lab } from '../../electron/lab/lab';
import { startTestService, type TestService } from './support/app-service';
import { browserSignIn, signInOnDevicePage } from '../support/device-sign-in';

let lab: Lab;
let dir: string;
const listeners: Array<(event: EventName, payload: unknown) => void> = [];
let app: TestService;
const call: TestService['call'] = (name, input) => app.call(name, input);

beforeAll(async () => {
  lab = await startLab('delegated-healthy');
  dir = await mkdtemp(join(tmpdir(), 'mailprobe-app-sign-in-'));
  await writeFile(join(dir, 'lab-ca.pem'), lab.caPem);
  app = await startTestService({
    dataDir: join(dir, 'data'),
    caFiles: [join(dir, 'lab-ca.pem')],
    onEvent: (event, payload) => {
      for (const l of listeners) l(event, payload);
    },
  });
});

afterAll(async () => {
  await app.close();
  await lab.close();
  await rm(dir, { recursive: true, force: true });
});

async function runProfile(
  credential: 'device-code' | 'browser',
  person: (payload: unknown) => Promise<void>,
): Promise<Report> {
  const endpoint = (port: number, security: 'tls' | 'starttls') => ({ host: '127.0.0.1', port, security });
  const saved = await call('profiles:save', {
    name: `Alice (${credential})`,
    cloud: 'custom',
    authority: lab.authorityHost,
    tenant: lab.demo.tenantId,
    clientId: lab.demo.clientId,
    mailbox: lab.demo.mailbox,
    credential,
    mechanism: 'auto',
    imap: endpoint(lab.mail.ports.imap, 'tls'),
    pop3: endpoint(lab.mail.ports.pop3, 'tls'),
    smtp: endpoint(lab.mail.ports.smtp, 'starttls'),
    testMessage: {},
  });
  expect(saved.hasSecret).toBe(false);
  const wanted: EventName = credential === 'browser' ? 'checks:browser-sign-in' : 'checks:device-code';
  const signedIn = new Promise<void>((resolve, reject) => {
    listeners.push((event, payload) => {
      if (event === wanted) person(payload).then(resolve, reject);
    });
  });
  const report = await call('checks:run', {
    runId: `run-${credential}`,
    profileId: saved.id,
    protocols: ['imap', 'smtp'],
  });
  await signedIn;
  return report;
}

describe('a user sign-in from the app', () => {
  it('device code: the service sends the code and page; the run passes once the user signs in', async () => {
    const alice = lab.state.users.find((u) => u.address === lab.demo.mailbox);
    if (!alice) throw new Error('no demo user');
    const report = await runProfile('device-code', async (payload) => {
      const p = payload as Events['checks:device-code'];
      expect(p.runId).toBe('run-device-code');
      expect(p.userCode).toMatch(/^[A-Z2-9]{9}$/);
      expect(p.demoUsers).toEqual([]);
      await signInOnDevicePage({ url: p.verificationUri, code: p.userCode }, alice, lab.caPem);
    });
    expect(report.target.credential).toBe('device-code');
    expect(report.checks.map((c) => c.verdict)).toEqual(['pass', 'pass', 'pass']);
  });

  it('browser: the service sends the sign-in page; the run passes once the browser comes back', async () => {
    const alice = lab.state.users.find((u) => u.address === lab.demo.mailbox);
    if (!alice) throw new Error('no demo user');
    const report = await runProfile('browser', async (payload) => {
      const p = payload as Events['checks:browser-sign-in'];
      expect(new URL(p.url).pathname).toBe(`/${lab.demo.tenantId}/oauth2/v2.0/authorize`);
      expect(await browserSignIn(p.url, alice, lab.caPem)).toContain('Signed in.');
    });
    expect(report.target.credential).toBe('browser');
    expect(report.checks.map((c) => c.verdict)).toEqual(['pass', 'pass', 'pass']);
  });
});
