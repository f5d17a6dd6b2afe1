// The Demo tenant's Google Workspace side in a real browser: a service account with domain-wide
// delegation signs the lab's Gmail mailbox in, and a missing delegation is diagnosed with the
// admin console's steps and the service account's own client id.
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

describe('Google Workspace in the app', () => {
  it('signs the Gmail mailbox in with the service account and passes every protocol', async () => {
    await app.page.getByTestId('profile-list').waitFor();
    await runDemo('google-healthy');
    await app.page.waitForSelector(verdict('run-verdict', 'pass'));
    for (const p of ['token', 'imap', 'pop3', 'smtp'])
      await app.page.waitForSelector(verdict(`check-card-${p}`, 'pass'));
    const body = (await app.page.locator('body').textContent()) ?? '';
    expect(body).toContain('alice@gws.mailprobe.test');
    expect(body).not.toMatch(/PRIVATE KEY|ya29\.c\.lab[A-Za-z0-9_-]{8}/);
    await app.screenshot('15-google-service-account');
  });

  it('diagnoses a client id missing from domain-wide delegation, naming that client id', async () => {
    await runDemo('google-dwd-not-authorized');
    await app.page.waitForSelector(verdict('run-verdict', 'fail'));
    const finding = app.page.getByTestId('finding-google.dwd_not_authorized');
    await finding.waitFor();
    const text = (await finding.textContent()) ?? '';
    expect(text).toContain('Manage domain-wide delegation');
    expect(text).toContain('104729516380042176531');
    await app.screenshot('16-google-dwd-finding');
  });
});
