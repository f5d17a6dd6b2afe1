// A user's sign-in kept between runs, in a real browser and the real keychain: a device-code
// profile with "Keep the sign-in" asks the person once; the next run renews the sign-in with the
// refresh token from the keychain and asks nobody; "Forget sign-in" deletes it, and the run after
// asks again. The refresh token is in no file of the data folder and on no page.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { everyByte } from '../support/every-byte';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, verdict, type RunningApp } from './support/app';
import { startLab, type Lab } from '../../electron/lab/lab';
import { DEMO, DELEGATED_SCOPE } from '../../electron/lab/scenarios';

let app: RunningApp;
let lab: Lab;
let work: string;
let profileId = '';
const ctx = { emit: () => undefined };

beforeAll(async () => {
  lab = await startLab('delegated-healthy');
  work = await mkdtemp(join(tmpdir(), 'mailprobe-e2e-kept-'));
  await writeFile(join(work, 'lab-ca.pem'), lab.caPem);
  app = await startApp();
  const settings = await app.service.dispatch('settings:get', undefined, ctx);
  if (!settings.ok) throw new Error('no settings');
  await app.service.dispatch(
    'settings:set',
    { ...settings.value, extraCaFiles: [join(work, 'lab-ca.pem')] },
    ctx,
  );
  const endpoint = (port: number, security: 'tls' | 'starttls') => ({ host: '127.0.0.1', port, security });
  const saved = await app.service.dispatch(
    'profiles:save',
    {
      name: 'Alice signs in',
      cloud: 'custom',
      authority: lab.authorityHost,
      tenant: DEMO.tenantId,
      clientId: DEMO.clientId,
      mailbox: DEMO.mailbox,
      credential: 'device-code',
      keepSignIn: true,
      scope: DELEGATED_SCOPE,
      mechanism: 'auto',
      imap: endpoint(lab.mail.ports.imap, 'tls'),
      pop3: endpoint(lab.mail.ports.pop3, 'tls'),
      smtp: endpoint(lab.mail.ports.smtp, 'starttls'),
      testMessage: {},
    },
    ctx,
  );
  if (!saved.ok) throw new Error(saved.error.message);
  profileId = saved.value.id;
  await app.page.reload();
});

afterAll(async () => {
  await app.close();
  await lab.close();
  await rm(work, { recursive: true, force: true });
});

async function run(): Promise<void> {
  await app.page.getByTestId(`profile-item-${profileId}`).click();
  await app.page.getByTestId('run-button').click();
}

async function signInThere(): Promise<void> {
  const page = app.page;
  await page.getByTestId('sign-in-panel').waitFor({ timeout: 20_000 });
  const code = (await page.getByTestId('sign-in-code').textContent()) ?? '';
  const link = (await page.getByTestId('sign-in-link').getAttribute('href')) ?? '';
  const alice = lab.state.users.find((u) => u.address === DEMO.mailbox);
  if (!alice) throw new Error('no demo user');
  const context = await app.browser.newContext({ ignoreHTTPSErrors: true });
  const signIn = await context.newPage();
  await signIn.goto(link);
  await signIn.getByLabel('Code').fill(code);
  await signIn.getByRole('button', { name: 'Next' }).click();
  await signIn.getByLabel('Email').fill(alice.address);
  await signIn.getByLabel('Password').fill(alice.password);
  await signIn.getByRole('button', { name: 'Sign in' }).click();
  await signIn.getByRole('heading', { name: 'You have signed in' }).waitFor();
  await context.close();
}

async function finished(): Promise<string> {
  await app.page.waitForSelector('[data-testid="run-verdict"]:not([data-verdict="running"])', {
    timeout: 30_000,
  });
  return (await app.page.getByTestId('run-verdict').getAttribute('data-verdict')) ?? '';
}

describe('a kept sign-in', () => {
  it('is asked for once, then renewed from the keychain, and forgotten on request', async () => {
    // tests/e2e/run.sh gives every run a real Secret Service (gnome-keyring): a sign-in is kept
    // only there.
    const keychain = process.env.DBUS_SESSION_BUS_ADDRESS !== undefined;
    expect(keychain, 'the e2e tests run under tests/e2e/run.sh, with a keychain').toBe(true);
    // The first run: the person signs in.
    await run();
    await signInThere();
    expect(await finished()).toBe('pass');
    const first = await app.service.dispatch('profiles:get', { id: profileId }, ctx);
    expect(first.ok && first.value.keptSignIn === true).toBe(keychain);

    // The second run: nobody is asked.
    await run();
    expect(await finished()).toBe('pass');
    await app.page.waitForSelector(verdict('check-card-token', 'pass'));
    expect(await app.page.getByTestId('sign-in-panel').count()).toBe(0);
    await app.page.getByTestId('tab-transcript').click();
    await app.page.getByTestId('transcript-search').fill('nobody had to sign in');
    await app.page.getByText('Signed in with the kept sign-in: nobody had to sign in').first().waitFor();

    // Nowhere on disk, nowhere on the page: the lab's refresh tokens start 0.lab-rt.
    expect(await everyByte(app.dataDir)).not.toMatch(/0\.lab-rt\.[A-Za-z0-9_-]{10}/);
    expect((await app.page.locator('body').textContent()) ?? '').not.toMatch(/0\.lab-rt\.[A-Za-z0-9_-]{10}/);
    await app.screenshot('22-kept-sign-in');

    // Forget it: the next run asks again.
    await app.page.getByTestId('forget-sign-in').click();
    await app.page.getByText(/Forgot the kept sign-in/).waitFor();
    const forgotten = await app.service.dispatch('profiles:get', { id: profileId }, ctx);
    expect(forgotten.ok && forgotten.value.keptSignIn).toBeFalsy();
    await run();
    await signInThere();
    expect(await finished()).toBe('pass');
  });
});
