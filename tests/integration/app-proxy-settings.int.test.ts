// The app's proxy settings, through the app service as the renderer calls it: a manual proxy
// (squid, Basic) with its password in the vault, never in settings.json; a profile run against
// the real Dovecot goes through it; a wrong password is the proxy's finding; "direct" bypasses it.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Settings } from '../../shared/api/contract';
import { startDovecot, type DovecotHarness } from './support/dovecot';
import { startSquid, type SquidProxy } from './support/proxies';
import { startTestService, type TestService } from './support/app-service';

let dovecot: DovecotHarness;
let squid: SquidProxy;
let app: TestService;
let dataDir: string;
let profileId: string;

beforeAll(async () => {
  [dovecot, squid] = await Promise.all([startDovecot(), startSquid({ allowPorts: 'all' })]);
  dataDir = await mkdtemp(join(tmpdir(), 'mailprobe-proxy-settings-'));
  app = await startTestService({ dataDir, caFiles: [dovecot.caFile] });
  const saved = await app.call('profiles:save', profileFields());
  profileId = saved.id;
}, 60_000);

afterAll(async () => {
  await app.close();
  await Promise.all([squid.stop(), dovecot.stop()]);
  await rm(dataDir, { recursive: true, force: true });
});

function profileFields() {
  return {
    name: 'Dovecot behind squid',
    cloud: 'custom' as const,
    tenant: 'example.test',
    clientId: '00000000-0000-0000-0000-000000000001',
    mechanism: 'auto' as const,
    mailbox: dovecot.users.password,
    credential: 'password' as const,
    secret: dovecot.password,
    imap: { host: 'localhost', port: dovecot.ports.imaps, security: 'tls' as const },
    pop3: { host: 'localhost', port: dovecot.ports.pop3s, security: 'tls' as const },
    smtp: { host: 'localhost', port: dovecot.ports.submissions, security: 'tls' as const },
    testMessage: { to: dovecot.users.password },
  };
}

async function setProxy(proxy: Partial<Settings['proxy']>, proxyPassword?: string): Promise<Settings> {
  const current = await app.call('settings:get', undefined);
  return app.call('settings:set', {
    ...current,
    proxy: { ...current.proxy, ...proxy },
    ...(proxyPassword !== undefined ? { proxyPassword } : {}),
  });
}

function run(runId: string) {
  return app.call('checks:run', { runId, profileId, protocols: ['imap', 'pop3', 'smtp'] });
}

describe('the proxy in Settings', () => {
  it('keeps the password in the vault, never in settings.json or what the renderer gets', async () => {
    const saved = await setProxy(
      { mode: 'manual', url: `http://${squid.user}@127.0.0.1:${squid.port}` },
      squid.password,
    );
    expect(saved.proxy).toEqual({
      mode: 'manual',
      url: `http://${squid.user}@127.0.0.1:${squid.port}`,
      bypass: '',
      hasPassword: true,
    });
    expect(JSON.stringify(saved)).not.toContain(squid.password);
    const file = await readFile(join(dataDir, 'settings.json'), 'utf8');
    expect(file).not.toContain(squid.password);
    expect(JSON.parse(file)).toMatchObject({ proxy: { mode: 'manual', hasPassword: true } });
  });

  it('runs a profile through the manual proxy', async () => {
    const report = await run('through-squid');
    expect(report.verdict, JSON.stringify(report.findings.map((f) => f.cause))).toBe('pass');
    for (const check of report.checks) expect(check.steps.map((s) => s.id)).toContain('proxy');
    expect(JSON.stringify(report)).not.toContain(squid.password);
  });

  it('a wrong password is network.proxy_auth_required', async () => {
    await setProxy({}, 'not-the-password');
    const report = await run('wrong-proxy-password');
    expect(report.verdict).toBe('fail');
    expect(report.findings[0]?.cause).toBe('network.proxy_auth_required');
  });

  it('refuses a password inside the URL, and a URL that is not a proxy', async () => {
    const current = await app.call('settings:get', undefined);
    const inUrl = await app.dispatch('settings:set', {
      ...current,
      proxy: { ...current.proxy, url: `http://u:secret@127.0.0.1:${squid.port}` },
    });
    expect(inUrl.ok).toBe(false);
    const notProxy = await app.dispatch('settings:set', {
      ...current,
      proxy: { ...current.proxy, url: 'ftp://x' },
    });
    expect(notProxy.ok).toBe(false);
    if (!notProxy.ok) expect(notProxy.error.message).toMatch(/unknown proxy scheme/);
  });

  it("a profile's own proxy wins over Settings, its password in the vault under the profile", async () => {
    await setProxy({ mode: 'direct' });
    const fields = { ...profileFields(), id: profileId };
    const saved = await app.call('profiles:save', {
      ...fields,
      id: profileId,
      proxy: { mode: 'manual', url: `http://${squid.user}@127.0.0.1:${squid.port}`, bypass: '' },
      proxyPassword: squid.password,
    });
    expect(saved.hasProxyPassword).toBe(true);
    expect(JSON.stringify(saved)).not.toContain(squid.password);
    expect(await readFile(join(dataDir, 'profiles.json'), 'utf8')).not.toContain(squid.password);
    const through = await run('profile-proxy');
    expect(through.verdict).toBe('pass');
    for (const check of through.checks) expect(check.steps.map((s) => s.id)).toContain('proxy');
    expect(JSON.stringify(through)).toContain(`the proxy of profile`);
    // And "no proxy" in the profile wins over a manual proxy in Settings.
    await setProxy({ mode: 'manual', url: 'http://127.0.0.1:9' });
    await app.call('profiles:save', {
      ...fields,
      id: profileId,
      proxy: { mode: 'direct', url: '', bypass: '' },
    });
    const direct = await run('profile-direct');
    expect(direct.verdict).toBe('pass');
    for (const check of direct.checks) expect(check.steps.map((s) => s.id)).not.toContain('proxy');
    await app.call('profiles:save', { ...fields, id: profileId });
  });

  it('direct goes without the proxy; forgetting the password removes it', async () => {
    const saved = await setProxy({ mode: 'direct' }, '');
    expect(saved.proxy.hasPassword).toBe(false);
    const report = await run('direct');
    expect(report.verdict).toBe('pass');
    for (const check of report.checks) expect(check.steps.map((s) => s.id)).not.toContain('proxy');
  });

  it('check --profile trusts the extra CA files of Settings, as the app does', async () => {
    const { runCheckJson } = await import('./support/cli');
    const env = {
      MAILPROBE_DATA_DIR: dataDir,
      DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus',
      MP_PW: dovecot.password,
    };
    const result = await runCheckJson(
      ['--profile', 'Dovecot behind squid', '--password-env', 'MP_PW', '--no-proxy'],
      env,
    );
    expect(result.code, result.stdout.slice(0, 1500)).toBe(0);
    const tls = result.report.checks.find((c) => c.protocol === 'imap')?.steps.find((s) => s.id === 'tls');
    expect(tls?.detail.issuerKind).toBe('extra-ca');
  });
});
