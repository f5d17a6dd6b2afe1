// The app waits for a person's sign-in: a delegated scenario of the Demo tenant shows the page, the
// code (with a copy button), its countdown and the demo users; signing in there in another browser
// window lets the run go on and pass; cancelling gives up the wait.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type RunningApp } from './support/app';

let app: RunningApp;

beforeAll(async () => {
  app = await startApp();
});

afterAll(async () => {
  await app.close();
});

async function startDelegatedRun(): Promise<void> {
  const page = app.page;
  await page.getByTestId('profile-item-demo').click();
  await page.getByTestId('scenario-select').selectOption('delegated-healthy');
  await page.getByTestId('run-button').click();
  await page.getByTestId('sign-in-panel').waitFor({ timeout: 20_000 });
}

describe('a user sign-in in the app', () => {
  it('shows the code, the page and the demo users; signing in there lets the run pass', async () => {
    const page = app.page;
    await startDelegatedRun();
    const code = (await page.getByTestId('sign-in-code').textContent()) ?? '';
    expect(code).toMatch(/^[A-Z2-9]{9}$/);
    const link = (await page.getByTestId('sign-in-link').getAttribute('href')) ?? '';
    expect(link).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/devicelogin$/);
    expect(await page.getByTestId('sign-in-expiry').textContent()).toMatch(/valid for 1[45]:\d\d more/);
    const demo = (await page.getByTestId('sign-in-demo-users').locator('li').first().textContent()) ?? '';
    const m = /^(\S+) password (\S+)$/.exec(demo.trim());
    if (!m?.[1] || !m[2]) throw new Error(`no demo user shown: ${demo}`);
    await app.screenshot('21-app-sign-in-waiting');

    // The person, in another window: the lab's certificate comes from the app's own lab CA.
    const context = await app.browser.newContext({ ignoreHTTPSErrors: true });
    const signIn = await context.newPage();
    await signIn.goto(link);
    await signIn.getByLabel('Code').fill(code);
    await signIn.getByRole('button', { name: 'Next' }).click();
    await signIn.getByLabel('Email').fill(m[1]);
    await signIn.getByLabel('Password').fill(m[2]);
    await signIn.getByRole('button', { name: 'Sign in' }).click();
    await signIn.getByRole('heading', { name: 'You have signed in' }).waitFor();
    await context.close();

    await page.waitForSelector('[data-testid="run-verdict"][data-verdict="pass"]', { timeout: 30_000 });
    expect(await page.getByTestId('sign-in-panel').count()).toBe(0);
  });

  it('cancel gives up waiting for the sign-in', async () => {
    const page = app.page;
    await startDelegatedRun();
    await page.getByTestId('sign-in-cancel').click();
    await page.waitForSelector('[data-testid="run-verdict"]:not([data-verdict="running"])', {
      timeout: 20_000,
    });
    expect(await page.getByTestId('run-verdict').getAttribute('data-verdict')).not.toBe('pass');
    expect(await page.getByTestId('sign-in-panel').count()).toBe(0);
  });
});
