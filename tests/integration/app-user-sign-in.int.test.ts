// The app's own path for a user's sign-in: a saved device-code or browser profile, run through the
// app service as the renderer runs it. The service tells the renderer what to show (the code and
// page, or the page to open) with an event; a person signs in there and the run goes on.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventName, Events, RequestName, Requests, Result } from '../../shared/api/contract';
import type { Report } from '../../shared/report/model';
import { startLab, type Lab } from '../../electron/lab/lab';
import { createAppService, type AppService, type ClientContext } from '../../electron/engine/app/service';
import { SessionVault } from '../../electron/engine/store/vault';
import { browserSignIn, signInOnDevicePage } from '../support/device-sign-in';

let lab: Lab;
let dir: string;
let service: AppService;
const listeners: Array<(event: EventName, payload: unknown) => void> = [];
const ctx: ClientContext = {
  emit<E extends EventName>(event: E, payload: Events[E]) {
    for (const l of listeners) l(event, payload);
  },
};

async function call<K extends RequestName>(name: K, input: unknown): Promise<Requests[K]['output']> {
  const result: Result<Requests[K]['output']> = await service.dispatch(name, input, ctx);
  if (!result.ok) throw new Error(`${name}: ${result.error.code} ${result.error.message}`);
  return result.value;
}

beforeAll(async () => {
  lab = await startLab('delegated-healthy');
  dir = await mkdtemp(join(tmpdir(), 'mailprobe-app-sign-in-'));
  await writeFile(join(dir, 'lab-ca.pem'), lab.caPem);
  service = await createAppService({
    dataDir: join(dir, 'data'),
    version: 'test',
    vault: new SessionVault({ kind: 'session', reason: 'tests' }),
  });
  const settings = await call('settings:get', undefined);
  await call('settings:set', { ...settings, extraCaFiles: [join(dir, 'lab-ca.pem')] });
});

afterAll(async () => {
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
