// Fixes as a person runs them, in a real browser against browser mode: each step's copy button
// puts exactly its command on the clipboard; "Copy all" one path only. SMTP AUTH off for the
// tenant: the per-mailbox Set-CASMailbox is the recommended option and Copy all leaves the
// organisation-wide Set-TransportConfig out; a wrong object id: Remove-ServicePrincipal marked
// destructive after its check, its button asking twice, never in Copy all; a token whose identity
// host does not resolve (login.invalid) gets a fix that names that host, not the mail hosts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator } from 'playwright-core';
import { runDemo, startApp, type RunningApp } from './support/app';
import { DEMO } from '../../electron/lab/scenarios';

let app: RunningApp;
const ctx = { emit: () => undefined };

beforeAll(async () => {
  app = await startApp();
  await app.page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: app.url });
});

afterAll(async () => {
  await app.close();
});

async function clipboard(): Promise<string> {
  return app.page.evaluate<string>('navigator.clipboard.readText()');
}

async function setClipboard(text: string): Promise<void> {
  await app.page.evaluate(`navigator.clipboard.writeText(${JSON.stringify(text)})`);
}

/** Each step's command and what its copy button put on the clipboard (destructive ones skipped). */
async function copyEach(finding: Locator): Promise<{ command: string; copied: string }[]> {
  const out: { command: string; copied: string }[] = [];
  const steps = finding.locator('[data-testid="fix-step"]:not([data-destructive])');
  for (let i = 0; i < (await steps.count()); i += 1) {
    const step = steps.nth(i);
    if ((await step.locator('.command').count()) === 0) continue;
    const command = (await step.locator('.command code').textContent()) ?? '';
    await setClipboard('nothing yet');
    await step.getByTestId('copy-command').click();
    await expect.poll(clipboard).not.toBe('nothing yet');
    out.push({ command, copied: await clipboard() });
  }
  return out;
}

async function copyAll(finding: Locator): Promise<string> {
  await setClipboard('nothing yet');
  await finding.getByTestId('copy-all-commands').click();
  await expect.poll(clipboard).not.toBe('nothing yet');
  return clipboard();
}

describe('fix steps in the app', () => {
  it('SMTP AUTH off for the tenant: the mailbox first, Copy all without Set-TransportConfig', async () => {
    await runDemo(app, 'smtp-auth-disabled-tenant');
    const finding = app.page.getByTestId('finding-account.smtp_auth_disabled_tenant');
    await finding.waitFor();
    // Every step's button copies its own command, one command each.
    const each = await copyEach(finding);
    expect(each.length).toBeGreaterThanOrEqual(4);
    for (const { command, copied } of each) {
      expect(copied).toBe(command);
      expect(copied.split('\n')).toHaveLength(1);
    }
    // The choice: option A recommended, per mailbox; option B the organisation, marked.
    const options = finding.getByTestId('fix-option');
    expect(await options.count()).toBe(2);
    expect(await options.nth(0).getAttribute('data-recommended')).toBe('true');
    expect(await options.nth(0).textContent()).toContain(
      `Set-CASMailbox -Identity ${DEMO.mailbox} -SmtpClientAuthenticationDisabled $false`,
    );
    expect(await options.nth(1).getAttribute('data-recommended')).toBe('false');
    const org = options.nth(1).locator('[data-testid="fix-step"][data-destructive="true"]');
    expect(await org.locator('code').textContent()).toBe(
      'Set-TransportConfig -SmtpClientAuthenticationDisabled $false',
    );
    expect(await org.getByTestId('destructive-badge').isVisible()).toBe(true);
    // Copy all: connect, the checks and the mailbox's switch; never the organisation's.
    const all = await copyAll(finding);
    expect(all).not.toContain('Set-TransportConfig');
    expect(all).toContain(
      `Set-CASMailbox -Identity ${DEMO.mailbox} -SmtpClientAuthenticationDisabled $false`,
    );
    expect(all.split('\n')[0]).toMatch(/^Connect-ExchangeOnline /);
    expect(all.indexOf('Get-TransportConfig')).toBeLessThan(all.indexOf('Set-CASMailbox -Identity'));
    // The organisation's switch copies only on a second click.
    await setClipboard('nothing yet');
    await org.getByTestId('copy-command').click();
    expect(await org.getByTestId('copy-command-confirm').textContent()).toContain('Destructive');
    expect(await clipboard()).toBe('nothing yet');
    await org.getByTestId('copy-command').click();
    await expect.poll(clipboard).toBe('Set-TransportConfig -SmtpClientAuthenticationDisabled $false');
    await finding.scrollIntoViewIfNeeded();
    await app.screenshot('60-fix-steps-smtp-auth-tenant');
  });

  it('a wrong object id: Remove-ServicePrincipal after its check, marked, never in Copy all', async () => {
    await runDemo(app, 'wrong-object-id');
    const finding = app.page.getByTestId('finding-grant.service_principal_wrong_id');
    await finding.waitFor();
    const steps = finding.getByTestId('fix-step');
    const commands: { kind: string | null; destructive: boolean; command: string; badge: string }[] = [];
    for (let i = 0; i < (await steps.count()); i += 1) {
      const step = steps.nth(i);
      const code = step.locator('.command code');
      const badge = step.getByTestId('destructive-badge');
      commands.push({
        kind: await step.getAttribute('data-kind'),
        destructive: (await step.getAttribute('data-destructive')) === 'true',
        command: (await code.count()) > 0 ? ((await code.textContent()) ?? '') : '',
        badge: (await badge.count()) > 0 ? ((await badge.textContent()) ?? '') : '',
      });
    }
    const check = commands.findIndex(
      (s) => s.kind === 'check' && s.command.startsWith('Get-ServicePrincipal'),
    );
    const remove = commands.findIndex((s) => s.command.startsWith('Remove-ServicePrincipal'));
    expect(check).toBeGreaterThan(-1);
    expect(remove).toBeGreaterThan(check);
    expect(commands[remove]?.destructive).toBe(true);
    expect(commands[remove]?.badge).toBe('Destructive');
    expect(await steps.nth(remove).locator('.fix-after-check').textContent()).toContain(`step ${check + 1}`);
    for (const { command, copied } of await copyEach(finding)) expect(copied).toBe(command);
    const all = await copyAll(finding);
    expect(all).not.toContain('Remove-ServicePrincipal');
    expect(all).toContain("Get-ServicePrincipal | Where-Object AppId -eq '");
    expect(await finding.getByTestId('copy-all-note').textContent()).toContain(`up to step ${remove + 1}`);
    // Its own button: a first click asks, only the second copies.
    await setClipboard('nothing yet');
    await steps.nth(remove).getByTestId('copy-command').click();
    expect(await clipboard()).toBe('nothing yet');
    await steps.nth(remove).getByTestId('copy-command').click();
    await expect.poll(clipboard).toMatch(/^Remove-ServicePrincipal -Identity '/);
    await finding.scrollIntoViewIfNeeded();
    await app.screenshot('61-fix-steps-wrong-object-id');
  });

  it('at 1024x700 every command and its copy button fit inside the finding', async () => {
    await app.page.setViewportSize({ width: 1024, height: 700 });
    try {
      await runDemo(app, 'smtp-auth-disabled-tenant');
      const finding = app.page.getByTestId('finding-account.smtp_auth_disabled_tenant');
      await finding.waitFor();
      const box = await finding.boundingBox();
      expect(box).not.toBeNull();
      if (!box) return;
      const commands = finding.locator('.command');
      expect(await commands.count()).toBeGreaterThanOrEqual(5);
      for (let i = 0; i < (await commands.count()); i += 1) {
        for (const part of [commands.nth(i).locator('pre'), commands.nth(i).getByTestId('copy-command')]) {
          const b = await part.boundingBox();
          expect(b).not.toBeNull();
          if (!b) continue;
          expect(b.x).toBeGreaterThanOrEqual(box.x);
          expect(b.x + b.width).toBeLessThanOrEqual(box.x + box.width + 0.5);
        }
      }
      await finding.getByTestId('fix-choice').scrollIntoViewIfNeeded();
      await app.screenshot('63-fix-steps-1024');
    } finally {
      await app.page.setViewportSize({ width: 1440, height: 900 });
    }
  });

  it('an identity host that does not resolve: the fix names it, not the mail hosts', async () => {
    const saved = await app.service.dispatch(
      'profiles:save',
      {
        name: 'Unresolvable identity',
        cloud: 'custom',
        authority: 'https://login.invalid',
        tenant: DEMO.tenantId,
        clientId: DEMO.clientId,
        mailbox: DEMO.mailbox,
        credential: 'client-secret',
        secret: 'not-a-real-secret-value',
        mechanism: 'auto',
        imap: { host: '127.0.0.1', port: 9, security: 'tls' },
        pop3: { host: '127.0.0.1', port: 9, security: 'tls' },
        smtp: { host: '127.0.0.1', port: 9, security: 'starttls' },
        testMessage: {},
      },
      ctx,
    );
    if (!saved.ok) throw new Error(saved.error.message);
    await app.page.reload();
    await app.page.getByTestId(`profile-item-${saved.value.id}`).click();
    await app.page.getByTestId('run-button').click();
    await app.page.waitForSelector('[data-testid="run-verdict"]:not([data-verdict="running"])', {
      timeout: 60_000,
    });
    const finding = app.page.getByTestId('finding-network.dns_not_found');
    await finding.waitFor();
    const text = (await finding.getByTestId('fix-plan').textContent()) ?? '';
    expect(text).toContain('login.invalid');
    const each = await copyEach(finding);
    expect(each.length).toBeGreaterThan(0);
    for (const { command, copied } of each) {
      expect(copied).toBe(command);
      expect(copied).toContain('login.invalid');
      expect(copied).not.toMatch(/outlook\.office365\.com|smtp\.office365\.com|<host name>/);
    }
    await app.screenshot('62-fix-steps-identity-dns');
  });
});
