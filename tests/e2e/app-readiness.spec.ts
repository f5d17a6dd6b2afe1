// The readiness audit in the app, in a real browser against browser mode: the Demo tenant's
// basic-auth-retired scenario (a password on SMTP, answered 550 5.7.30) shows basic SMTP AUTH as
// broken now, with the fix, above the findings; a healthy run shows no readiness panel.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDemo, startApp, type RunningApp } from './support/app';

let app: RunningApp;

beforeAll(async () => {
  app = await startApp();
});

afterAll(async () => {
  await app.close();
});

describe('readiness in the app', () => {
  it('basic-auth-retired: basic SMTP AUTH is broken now, with the move to OAuth as the fix', async () => {
    const page = app.page;
    await runDemo(app, 'basic-auth-retired');
    const item = page.getByTestId('readiness-smtp-basic-auth');
    await item.waitFor({ timeout: 10_000 });
    expect(await item.getAttribute('data-status')).toBe('fail');
    const text = (await item.textContent()) ?? '';
    expect(text).toContain('Broken now');
    expect(text).toContain('550 5.7.30');
    expect(text).toContain('OAuth 2.0');
    expect(((await page.getByTestId('findings').textContent()) ?? '').length).toBeGreaterThan(0);
    await app.screenshot('50-readiness-basic-auth');
  });

  it('healthy: no readiness panel', async () => {
    const page = app.page;
    await runDemo(app, 'healthy');
    expect(await page.getByTestId('readiness').count()).toBe(0);
  });
});
