// Microsoft's other sending paths in a real browser: the Demo tenant's HVE and ACS scenarios run
// SMTP alone against the lab's submission servers and name their causes; the profile form shows an
// ACS profile the fields it needs (the resource, the sender) and no IMAP or POP3 servers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDemo as runDemoOf, startApp, verdict, type RunningApp } from './support/app';

let app: RunningApp;

beforeAll(async () => {
  app = await startApp();
});

afterAll(async () => {
  await app.close();
});

function runDemo(scenario: string): Promise<void> {
  return runDemoOf(app, scenario);
}

describe('HVE and ACS in the app', () => {
  it('sends through High Volume Email with a Mail.Send token, SMTP only', async () => {
    await app.page.getByTestId('profile-list').waitFor();
    await runDemo('hve-healthy');
    await app.page.waitForSelector(verdict('run-verdict', 'pass'));
    await app.page.waitForSelector(verdict('check-card-token', 'pass'));
    await app.page.waitForSelector(verdict('check-card-smtp', 'pass'));
    expect(await app.page.getByTestId('check-card-imap').count()).toBe(0);
    const body = (await app.page.locator('body').textContent()) ?? '';
    expect(body).toContain('hve-notify@lab.mailprobe.test');
    expect(body).not.toMatch(/lab~[A-Za-z0-9_-]{10}/);
  });

  it('names the external recipient that HVE refuses', async () => {
    await runDemo('hve-external-recipient');
    await app.page.waitForSelector(verdict('run-verdict', 'fail'));
    const finding = app.page.getByTestId('finding-smtp.hve_external_recipient');
    await finding.waitFor();
    expect((await finding.textContent()) ?? '').toMatch(/Azure Communication Services/);
    await app.screenshot('17-hve-external-recipient');
  });

  it('says what is wrong with an ACS user name', async () => {
    await runDemo('acs-bad-username');
    await app.page.waitForSelector(verdict('run-verdict', 'fail'));
    const finding = app.page.getByTestId('finding-acs.bad_username');
    await finding.waitFor();
    expect((await finding.textContent()) ?? '').toMatch(/2 parts, not 3/);
    await app.screenshot('18-acs-bad-username');
  });

  it('passes ACS with the right user name', async () => {
    await runDemo('acs-healthy');
    await app.page.waitForSelector(verdict('run-verdict', 'pass'));
    await app.page.waitForSelector(verdict('check-card-smtp', 'pass'));
  });

  it('gives an ACS profile the resource field and only the SMTP server', async () => {
    const page = app.page;
    await page.getByTestId('profile-new').click();
    await page.getByTestId('field-credential').selectOption('acs');
    await page.getByTestId('field-acs-resource').waitFor();
    expect(await page.getByTestId('endpoint-imap').count()).toBe(0);
    expect(await page.getByTestId('endpoint-pop3').count()).toBe(0);
    expect(await page.getByTestId('field-smtp-host').inputValue()).toBe('smtp.azurecomm.net');
    expect(await page.getByTestId('field-exchange-sp-id').count()).toBe(0);
    await page.getByTestId('field-tenant').fill('contoso.onmicrosoft.com');
    await page.getByTestId('field-client-id').fill('0b7d3c52-8e1f-4a6b-b9d4-6c2e1f0a9d87');
    await page.getByTestId('field-acs-resource').fill('contoso-acs');
    await page.getByTestId('profile-save').click();
    const body = (await page.getByTestId('profile-form').textContent()) ?? '';
    expect(body).toMatch(/tenant id: enter the GUID/);
    expect(body).toMatch(
      /User name: contoso-acs\.0b7d3c52-8e1f-4a6b-b9d4-6c2e1f0a9d87\.contoso\.onmicrosoft\.com/,
    );
    await app.screenshot('19-acs-profile-form');
    await page.getByTestId('profile-cancel').click();
  });
});
