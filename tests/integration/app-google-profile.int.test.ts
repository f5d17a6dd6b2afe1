// A Google Workspace profile through the app service, as the renderer saves and runs it: its
// secret is the service account's JSON key, checked before it is stored, and the run signs the
// mailbox in on the lab's Google tenant. A file that is not such a key is refused in words.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../../electron/lab/lab';
import { GOOGLE_DEMO } from '../../electron/lab/google/workspace';
import { startTestService, type TestService } from './support/app-service';

let lab: Lab;
let dir: string;
let app: TestService;
const call: TestService['call'] = (name, input) => app.call(name, input);
const dispatch: TestService['dispatch'] = (name, input) => app.dispatch(name, input);

beforeAll(async () => {
  lab = await startLab('healthy');
  dir = await mkdtemp(join(tmpdir(), 'mailprobe-app-google-'));
  await writeFile(join(dir, 'lab-ca.pem'), lab.caPem);
  app = await startTestService({ dataDir: join(dir, 'data'), caFiles: [join(dir, 'lab-ca.pem')] });
});

afterAll(async () => {
  await app.close();
  await lab.close();
  await rm(dir, { recursive: true, force: true });
});

function googleProfile(secret: string, clientId: string = GOOGLE_DEMO.clientId) {
  const endpoint = (port: number, security: 'tls' | 'starttls') => ({ host: '127.0.0.1', port, security });
  const ports = lab.google.mail.ports;
  return {
    name: 'Workspace mailbox',
    cloud: 'global',
    tenant: GOOGLE_DEMO.domain,
    clientId,
    mailbox: GOOGLE_DEMO.mailbox,
    credential: 'google-service-account',
    mechanism: 'auto',
    imap: endpoint(ports.imap, 'tls'),
    pop3: endpoint(ports.pop3, 'tls'),
    smtp: endpoint(ports.smtp, 'starttls'),
    testMessage: {},
    // As the form sends a pasted key: one line.
    secret: secret.replace(/\n/g, ''),
  };
}

describe('a Google service-account profile in the app', () => {
  it('stores the checked key and runs every protocol on the Workspace tenant', async () => {
    const saved = await call('profiles:save', googleProfile(lab.google.keyJson));
    expect(saved.hasSecret).toBe(true);
    expect(JSON.stringify(saved)).not.toMatch(/PRIVATE KEY/);
    const report = await call('checks:run', {
      runId: 'run-google',
      profileId: saved.id,
      protocols: ['imap', 'pop3', 'smtp'],
    });
    expect(report.verdict).toBe('pass');
    expect(report.target).toMatchObject({ credential: 'google-service-account', provider: 'google' });
    expect(JSON.stringify(report)).not.toMatch(/PRIVATE KEY|ya29\.c\.lab[A-Za-z0-9_-]{8}/);
  });

  it('refuses a file that is not a service-account key, or a key of another client id, before storing it', async () => {
    const notAKey = await dispatch(
      'profiles:save',
      googleProfile(JSON.stringify({ type: 'authorized_user', client_id: 'x', refresh_token: 'y' })),
    );
    expect(notAKey.ok).toBe(false);
    if (!notAKey.ok) expect(notAKey.error.message).toMatch(/person's own Google credentials/);
    const otherClient = await dispatch(
      'profiles:save',
      googleProfile(lab.google.keyJson, '100000000000000000001'),
    );
    expect(otherClient.ok).toBe(false);
    if (!otherClient.ok) expect(otherClient.error.message).toMatch(/is for client id 104729516380042176531/);
    const guid = await dispatch(
      'profiles:save',
      googleProfile(lab.google.keyJson, '0b7d3c52-8e1f-4a6b-b9d4-6c2e1f0a9d87'),
    );
    expect(guid.ok).toBe(false);
  });
});
