// An OpenID profile in a real browser: filled in through the form (issuer, client id, secret,
// scopes, the customer's own mail hosts), saved, run; a real OpenID provider (oidc-provider)
// issues the token and a real Dovecot lets it in only after asking that provider about it.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, verdict, type RunningApp } from './support/app';
import { startDovecot, type DovecotHarness } from '../integration/support/dovecot';
import {
  DAEMON_CLIENT,
  OIDC_MAILBOX,
  startOpenIdProvider,
  type TestOpenIdProvider,
} from '../integration/support/openid-provider';

let app: RunningApp;
let provider: TestOpenIdProvider;
let dovecot: DovecotHarness;
let work: string;

beforeAll(async () => {
  provider = await startOpenIdProvider();
  dovecot = await startDovecot({
    introspection: { url: provider.introspectionUrl, caPem: provider.caPem, usernameAttribute: 'username' },
  });
  work = await mkdtemp(join(tmpdir(), 'mailprobe-e2e-oidc-'));
  await writeFile(join(work, 'provider-ca.pem'), provider.caPem);
  app = await startApp();
  const ctx = { emit: () => undefined };
  const settings = await app.service.dispatch('settings:get', undefined, ctx);
  if (!settings.ok) throw new Error('no settings');
  await app.service.dispatch(
    'settings:set',
    { ...settings.value, extraCaFiles: [join(work, 'provider-ca.pem'), dovecot.caFile] },
    ctx,
  );
});

afterAll(async () => {
  await app.close();
  await dovecot.stop();
  await provider.close();
  await rm(work, { recursive: true, force: true });
});

describe('an OpenID provider profile in the app', () => {
  it('is filled in, saved and run: IMAP, POP3 and SMTP pass with the provider-issued token', async () => {
    const page = app.page;
    await page.getByTestId('profile-list').waitFor();
    await page.getByTestId('profile-new').click();
    await page.getByTestId('field-credential').selectOption('oidc');
    // Microsoft's fields are gone; the provider's are there.
    expect(await page.getByTestId('field-tenant').count()).toBe(0);
    expect(await page.getByTestId('field-cloud').count()).toBe(0);
    await page.getByTestId('field-name').fill('Self-hosted mail (OIDC)');
    await page.getByTestId('field-issuer').fill(provider.issuer);
    await page.getByTestId('field-client-id').fill(DAEMON_CLIENT);
    await page.getByTestId('field-secret').fill(provider.daemonSecret);
    await page.getByTestId('field-scope').fill('mail');
    await page.getByTestId('field-mailbox').fill(OIDC_MAILBOX);
    const d = dovecot;
    const servers: Array<[string, string, number, string]> = [
      ['imap', d.host, d.ports.imaps, 'tls'],
      ['pop3', d.starttlsHost, d.ports.pop3, 'starttls'],
      ['smtp', d.starttlsHost, d.ports.submission, 'starttls'],
    ];
    for (const [p, host, port, security] of servers) {
      await page.getByTestId(`field-${p}-host`).fill(host);
      await page.getByTestId(`field-${p}-port`).fill(String(port));
      await page.getByTestId(`field-${p}-security`).selectOption(security);
    }
    await app.screenshot('20-oidc-profile-form');
    await page.getByTestId('profile-save').click();
    await page.getByText('Self-hosted mail (OIDC)').first().waitFor();
    await page.getByTestId('run-button').click();
    await page.waitForSelector('[data-testid="run-verdict"]:not([data-verdict="running"])', {
      timeout: 30_000,
    });
    for (const p of ['token', 'imap', 'pop3', 'smtp'])
      await page.waitForSelector(verdict(`check-card-${p}`, 'pass'));
    await page.waitForSelector(verdict('run-verdict', 'pass'));
    const body = (await page.locator('body').textContent()) ?? '';
    expect(body).not.toContain(provider.daemonSecret);
    await app.screenshot('21-oidc-profile-run');
  });
});
