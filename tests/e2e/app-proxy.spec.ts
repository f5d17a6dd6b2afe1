// The company network in the app, in a real browser against browser mode: the Demo tenant's
// proxy scenarios show the proxy step and the proxy's own finding; the Settings form keeps a
// manual proxy, its password in the vault and never on the page again; the TLS step offers the
// TLS floor probe.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDemo, startApp, type RunningApp } from './support/app';

let app: RunningApp;

beforeAll(async () => {
  app = await startApp();
});

afterAll(async () => {
  await app.close();
});

describe('proxies in the app', () => {
  it("the Demo tenant's proxy-blocks-port: each mail check fails at its proxy step, the proxy's finding first", async () => {
    const page = app.page;
    await runDemo(app, 'proxy-blocks-port');
    for (const protocol of ['imap', 'pop3', 'smtp'])
      expect(await page.getByTestId(`step-${protocol}-proxy`).getAttribute('data-status')).toBe('fail');
    expect(await page.getByTestId('step-token-proxy').getAttribute('data-status')).toBe('pass');
    const findings = (await page.getByTestId('findings').textContent()) ?? '';
    expect(findings).toContain('The proxy does not allow this port');
    expect(findings).toContain('acl SSL_ports port 443 993 995 587');
    await app.screenshot('30-proxy-blocks-port');
  });

  it('the TLS step offers the TLS floor probe: the lab accepts TLS 1.2 and 1.3, refuses 1.0 and 1.1', async () => {
    const page = app.page;
    await runDemo(app, 'healthy');
    // The probe is offered on the card's unfolded steps.
    await page.getByTestId('steps-toggle-imap').click();
    await page.getByTestId('tls-probe-button-imap').click();
    const versions = page.getByTestId('tls-probe-versions-imap');
    await versions.waitFor({ timeout: 20_000 });
    const items = versions.locator('li');
    const verdicts: string[] = [];
    for (let i = 0; i < (await items.count()); i++) {
      const item = items.nth(i);
      verdicts.push(`${(await item.textContent()) ?? ''}=${(await item.getAttribute('data-verdict')) ?? ''}`);
    }
    expect(verdicts).toEqual([
      'TLS 1.0: refused=refused',
      'TLS 1.1: refused=refused',
      'TLS 1.2: accepted=accepted',
      'TLS 1.3: accepted=accepted',
    ]);
    await app.screenshot('32-tls-probe');
  });

  it('Settings: a manual proxy is kept, its password in the vault only', async () => {
    const page = app.page;
    const password = 'e2e-proxy-Pa55word';
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('settings-proxy-mode').selectOption('manual');
    await page.getByTestId('settings-proxy-url').fill('http://u:inline@proxy.example.test:3128');
    await expect
      .poll(() => page.getByTestId('settings-proxy').textContent())
      .toContain('Put the password in its own field');
    expect(await page.getByTestId('settings-save').isDisabled()).toBe(true);
    await page.getByTestId('settings-proxy-url').fill('http://ops@proxy.example.test:3128');
    await page.getByTestId('settings-proxy-password').fill(password);
    await page.getByTestId('settings-proxy-bypass').fill('.internal.example.test');
    await page.getByTestId('settings-save').click();
    await expect
      .poll(() => page.getByTestId('settings-proxy-password').getAttribute('placeholder'))
      .toContain('stored in the keychain');
    expect(await page.getByTestId('settings-proxy-password').inputValue()).toBe('');
    await app.screenshot('31-settings-proxy');
    await page.reload();
    await page.getByTestId('nav-settings').click();
    expect(await page.getByTestId('settings-proxy-url').inputValue()).toBe(
      'http://ops@proxy.example.test:3128',
    );
    expect(await page.content()).not.toContain(password);
    const file = await readFile(join(app.dataDir, 'settings.json'), 'utf8');
    expect(file).not.toContain(password);
    expect(JSON.parse(file)).toMatchObject({ proxy: { mode: 'manual', hasPassword: true } });
  });
});
