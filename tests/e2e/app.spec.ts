// The app in a real browser (Debian's Chromium through playwright-core) against browser mode and
// the lab: what a support engineer does, screen by screen, with a screenshot of each main screen.
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDemo as runDemoOf, startApp, verdict, type RunningApp } from './support/app';

let app: RunningApp;
const CANARY_SECRET = 'canary~e2e~client~secret~5d1f0b';

beforeAll(async () => {
  app = await startApp();
});

afterAll(async () => {
  await app.close();
});

function runDemo(scenario: string): Promise<void> {
  return runDemoOf(app, scenario);
}

describe('MailProbe in a real browser', () => {
  it('runs the Demo tenant green', async () => {
    await app.page.getByTestId('profile-list').waitFor();
    await runDemo('healthy');
    await app.page.waitForSelector(verdict('run-verdict', 'pass'));
    for (const p of ['token', 'imap', 'pop3', 'smtp'])
      await app.page.waitForSelector(verdict(`check-card-${p}`, 'pass'));
    await app.screenshot('01-run-demo-pass');
  });

  it('shows the token inspector with the service principal id', async () => {
    await app.page.getByTestId('tab-token').click();
    await app.page.getByTestId('token-claims').waitFor();
    expect(await app.page.getByTestId('service-principal-id').textContent()).toContain(
      'c3d2e1f0-9a8b-4c7d-8e6f-5a4b3c2d1e0f',
    );
    await app.screenshot('02-token-inspector');
  });

  it('diagnoses a lab scenario and shows the fix commands', async () => {
    await runDemo('smtp-auth-disabled-tenant');
    await app.page.waitForSelector(verdict('run-verdict', 'fail'));
    const finding = app.page.getByTestId('finding-account.smtp_auth_disabled_tenant');
    await finding.waitFor();
    const text = (await finding.textContent()) ?? '';
    expect(text).toMatch(/SMTP AUTH is disabled for the whole tenant/);
    expect(text).toContain('Set-TransportConfig -SmtpClientAuthenticationDisabled $false');
    await app.screenshot('03-findings');
  });

  it('filters and searches the transcript', async () => {
    const page = app.page;
    await page.getByTestId('tab-transcript').click();
    await page.getByTestId('transcript').waitFor();
    const count = async (): Promise<number> =>
      Number(
        (
          /\d[\d,]*/.exec((await page.getByTestId('transcript-count').textContent()) ?? '')?.[0] ?? '0'
        ).replace(/,/g, ''),
      );
    const all = await count();
    expect(all).toBeGreaterThan(20);
    // Every protocol is shown at first; a click hides SMTP's lines.
    await page.getByTestId('transcript-filter-smtp').click();
    expect(await page.getByTestId('transcript-filter-smtp').getAttribute('aria-pressed')).toBe('false');
    const withoutSmtp = await count();
    expect(withoutSmtp).toBeLessThan(all);
    await page.getByTestId('transcript-clear-filters').click();
    await page.getByTestId('transcript-search').fill('5.7.139');
    await page.getByTestId('transcript-match-count').filter({ hasText: /[1-9]/ }).waitFor();
    await app.screenshot('04-transcript');
  });

  it('explains a pasted error', async () => {
    const page = app.page;
    await page.getByTestId('nav-explain').click();
    await page
      .getByTestId('explain-input')
      .fill('C: A3 SELECT INBOX\nA3 BAD User is authenticated but not connected.');
    await page.getByTestId('explain-submit').click();
    await page.getByTestId('finding-grant.mailbox_permission_missing').waitFor();
    // The line the diagnosis rests on is shown, highlighted, with its number.
    expect(await page.getByTestId('error-line-2').textContent()).toContain(
      'A3 BAD User is authenticated but not connected.',
    );
    expect(await page.getByTestId('errors-in-text').locator('mark').count()).toBe(1);
    await app.screenshot('05-explain');
  });

  it('explains a pasted dialogue without repeating its password anywhere on the screen', async () => {
    const page = app.page;
    const canary = 'Canary5Pass!e2e';
    const b64 = (t: string): string => Buffer.from(t, 'utf8').toString('base64');
    await page.getByTestId('nav-explain').click();
    await page
      .getByTestId('explain-input')
      .fill(
        `C: AUTH PLAIN ${b64(`\0ann@contoso.com\0${canary}`)}\nS: 535 5.7.139 Authentication unsuccessful, basic authentication is disabled.\n` +
          `C: AUTH LOGIN\nS: 334 VXNlcm5hbWU6\nC: ${b64('ann@contoso.com')}\nS: 334 UGFzc3dvcmQ6\nC: ${b64(canary)}\n` +
          `Authorization: Basic ${b64(`ann:${canary}`)}`,
      );
    await page.getByTestId('explain-submit').click();
    await page.getByTestId('finding-account.basic_auth_disabled').waitFor();
    // Everything the screen shows besides the text box itself.
    const shown = await page.locator('body').innerText();
    expect(shown).not.toContain(canary);
    for (const offset of [0, 1, 2])
      expect(shown).not.toContain(b64(`${'\0'.repeat(offset)}${canary}`).slice(4, -4));
  });

  it('inspects a pasted token locally', async () => {
    const part = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');
    const claims = {
      aud: 'https://outlook.office365.com',
      tid: '5f1c2b9e-3a47-4c2d-9e61-2d8b7c4a1f30',
      oid: 'aaaaaaaa-1111-2222-3333-bbbbbbbbbbbb',
      roles: ['IMAP.AccessAsApp'],
      idtyp: 'app',
      exp: Math.floor(Date.now() / 1000) + 3600,
    };
    const page = app.page;
    await page.getByTestId('nav-inspect').click();
    await page
      .getByTestId('inspect-input')
      .fill(`Bearer ${part({ typ: 'JWT', alg: 'RS256' })}.${part(claims)}.c2ln`);
    await page.getByTestId('inspect-submit').click();
    await page.getByTestId('token-claims').waitFor();
    expect(await page.getByTestId('service-principal-id').textContent()).toContain(
      'aaaaaaaa-1111-2222-3333-bbbbbbbbbbbb',
    );
    await app.screenshot('05b-inspect');
  });

  it('creates a profile through the form: messages for bad values, the secret in the keychain only', async () => {
    const page = app.page;
    await page.getByTestId('profile-new').click();
    await page.getByTestId('profile-form').waitFor();
    await page.getByTestId('field-name').fill('Contoso shared mailbox');
    await page.getByTestId('field-tenant').fill('contoso');
    await page.getByTestId('field-client-id').fill('not-a-guid');
    await page.getByTestId('field-mailbox').fill('shared');
    await page.getByTestId('profile-save').click();
    const errors = await page.locator('.field-error').allTextContents();
    expect(errors.join(' | ')).toMatch(/GUID/);
    expect(errors.join(' | ')).toMatch(/email address/);
    expect(errors.join(' | ')).toMatch(/tenant GUID nor a domain/);
    await app.screenshot('06-profile-form-errors');
    await page.getByTestId('field-tenant').fill('contoso.onmicrosoft.com');
    await page.getByTestId('field-client-id').fill('0b7d3c52-8e1f-4a6b-b9d4-6c2e1f0a9d87');
    await page.getByTestId('field-mailbox').fill('shared@contoso.com');
    await page.getByTestId('field-secret').fill(CANARY_SECRET);
    await page.getByTestId('profile-save').click();
    await page.getByText('Contoso shared mailbox').first().waitFor();
    // Under run.sh a real Secret Service (gnome-keyring) is there: the secret went to the keychain.
    const info = await app.service.dispatch('app:info', undefined, { emit: () => undefined });
    expect(info.ok && info.value.vault.kind).toBe(
      process.env.DBUS_SESSION_BUS_ADDRESS ? 'keychain' : 'session',
    );
    const list = await app.service.dispatch('profiles:list', undefined, { emit: () => undefined });
    expect(list.ok && list.value.find((p) => p.name === 'Contoso shared mailbox')?.hasSecret).toBe(true);
    await app.screenshot('07-profile-saved');
    // Nowhere on disk: every byte of the data folder.
    const files = await readdir(app.dataDir, { recursive: true });
    for (const f of files) {
      const bytes = await readFile(join(app.dataDir, f)).catch(() => Buffer.alloc(0));
      expect(bytes.toString('latin1')).not.toContain(CANARY_SECRET);
    }
  });

  it('makes no network request of its own', () => {
    const origin = `127.0.0.1:${app.host.port}`;
    const foreign = app.requests.filter(
      (u) => !u.startsWith(`http://${origin}/`) && !u.startsWith(`ws://${origin}/`) && !u.startsWith('data:'),
    );
    expect(foreign).toEqual([]);
    expect(app.requests.length).toBeGreaterThan(2);
  });

  it('sends a test message with the subject written in the form and finds it again over IMAP', async () => {
    const page = app.page;
    await page.getByTestId('profile-item-demo').click();
    await page.getByTestId('scenario-select').selectOption('healthy');
    await page.getByTestId('send-test-toggle').check();
    const subject = page.getByTestId('send-test-subject');
    expect(await subject.inputValue()).toMatch(/^MailProbe test \d{8}T\d{6}-[0-9A-F]{8}$/);
    expect(await page.getByTestId('send-test-to').inputValue()).toBe('alice@lab.mailprobe.test');
    await subject.fill('Case 4711: delivery check');
    await page.getByTestId('send-test-body').fill('Sent from the e2e test.');
    await page.getByTestId('send-test-roundtrip').check();
    await app.screenshot('13-send-test-form');
    await page.getByTestId('run-button').click();
    await page.waitForSelector('[data-testid="run-verdict"]:not([data-verdict="running"])', {
      timeout: 60_000,
    });
    expect(await page.getByTestId('step-smtp-send').getAttribute('data-status')).toBe('pass');
    const roundtrip = page.getByTestId('step-imap-roundtrip');
    expect(await roundtrip.getAttribute('data-status')).toBe('pass');
    expect(await roundtrip.textContent()).toMatch(/\d/);
    // The message sent carried the form's subject.
    await page.getByTestId('export-button').click();
    await page.getByTestId('export-file-report.json').click();
    expect(await page.getByTestId('export-content').textContent()).toContain(
      '"subject": "Case 4711: delivery check"',
    );
    await page.getByTestId('export-cancel').click();
    await page.getByTestId('send-test-toggle').uncheck();
  });

  it('looks right in dark mode too', async () => {
    await app.page.emulateMedia({ colorScheme: 'dark' });
    await app.page.getByTestId('profile-item-demo').click();
    await app.screenshot('08-dark');
    await app.page.emulateMedia({ colorScheme: 'light' });
  });
});
