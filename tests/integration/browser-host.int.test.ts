// Browser mode over real HTTP and WebSocket on 127.0.0.1: the guards (token, Host, Origin, paths)
// and the API behind them, the same service as the desktop app, against the lab.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppService, type AppService } from '../../electron/compose/app-service';
import { SessionVault } from '../../electron/engine/store/vault';
import { startHost, type Host } from '../../electron/host/server';
import { ApiClient, connectApi, httpGet } from './support/api-socket';
import { sampleProfileInput } from '../support/profile-input';

let dir: string;
let service: AppService;
let host: Host;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mailprobe-host-'));
  const rendererDir = join(dir, 'renderer');
  await import('node:fs/promises').then((fs) => fs.mkdir(rendererDir));
  await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>MailProbe</title>');
  service = await createAppService({
    dataDir: join(dir, 'data'),
    version: 'test',
    vault: new SessionVault({ kind: 'session', reason: 'tests' }),
  });
  host = await startHost({ service, rendererDir });
});

afterAll(async () => {
  await host.close();
  await service.close();
  await rm(dir, { recursive: true, force: true });
});

const get = (path: string, hostHeader?: string) => httpGet(host, path, hostHeader);
const connect = (token?: string, origin?: string) => connectApi(host, token, origin);
const Client = ApiClient;

describe('browser mode guards', () => {
  it('serves the renderer with a strict CSP to the right Host only', async () => {
    const page = await get('/');
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toMatch(/default-src 'self'.*script-src 'self'/);
    expect((await get('/', `evil.example:${host.port}`)).status).toBe(421);
    expect((await get('/../../etc/passwd')).status).not.toBe(200);
    expect((await get('/%2e%2e/%2e%2e/etc/passwd')).status).not.toBe(200);
  });

  it('refuses the API without the token or from another origin', async () => {
    await expect(connect('wrong-token')).rejects.toThrow(/403/);
    await expect(connect(host.token, 'http://evil.example')).rejects.toThrow(/403/);
    const ws = await connect();
    ws.close();
  });
});

describe('the API over the WebSocket', () => {
  it('lists the demo tenant first, saves a profile without returning its secret, validates input', async () => {
    const client = new Client(await connect());
    const info = await client.call('app:info', undefined);
    expect(info.ok && info.value.vault.kind).toBe('session');
    const list = await client.call('profiles:list', undefined);
    expect(list.ok && list.value[0]).toMatchObject({ id: 'demo', name: 'Demo tenant', demo: true });
    const bad = await client.call('profiles:save', { name: 'x', clientId: 'not-a-guid' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    const saved = await client.call(
      'profiles:save',
      sampleProfileInput({ name: 'Contoso', secret: 'canary~never~returned~42' }),
    );
    expect(saved.ok).toBe(true);
    expect(JSON.stringify(saved)).not.toContain('canary~never~returned~42');
    expect(saved.ok && saved.value.hasSecret).toBe(true);
    const demoEdit = await client.call('profiles:remove', { id: 'demo' });
    expect(demoEdit).toMatchObject({ ok: false, error: { code: 'READ_ONLY' } });
  });

  it('runs the demo tenant with progress and transcript events for that run', async () => {
    const client = new Client(await connect());
    const report = await client.call('checks:run', {
      runId: 'run-1',
      profileId: 'demo',
      protocols: ['imap', 'smtp'],
    });
    expect(report.ok && report.value.verdict).toBe('pass');
    const progress = client.events.filter((e) => e.name === 'checks:progress');
    expect(progress.length).toBeGreaterThan(5);
    const seqs = progress.map((e) => (e.payload as { seq: number; runId: string }).seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(progress.every((e) => (e.payload as { runId: string }).runId === 'run-1')).toBe(true);
    await new Promise((r) => setTimeout(r, 100));
    const transcript = client.events.filter((e) => e.name === 'checks:transcript');
    expect(transcript.some((e) => JSON.stringify(e.payload).includes('AUTHENTICATE XOAUTH2'))).toBe(true);
    expect(JSON.stringify(client.events)).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\.eyJ/);
  });

  it('diagnoses a lab scenario and explains pasted text', async () => {
    const client = new Client(await connect());
    const report = await client.call('checks:run', {
      runId: 'run-2',
      profileId: 'demo',
      protocols: ['smtp'],
      scenario: 'smtp-auth-disabled-tenant',
    });
    expect(report.ok && report.value.findings[0]?.cause).toBe('account.smtp_auth_disabled_tenant');
    const explained = await client.call('explain:text', {
      text: 'A2 BAD User is authenticated but not connected.',
    });
    expect(explained.ok && explained.value[0]?.cause).toBe('grant.mailbox_permission_missing');
  });
});
