// A person signs in with a real browser: the CLI runs a device code check against the lab, prints
// the page and the code, Chromium opens the lab's page, enters the code, signs in as the demo user,
// and the CLI's IMAP and SMTP checks then pass with that user's token.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../shared/report/model';
import { startLab, type Lab } from '../../electron/lab/lab';
import { browserPrompt, devicePrompt, labTargetArgs } from '../support/device-sign-in';
import { ARTIFACTS } from './support/app';

const CLI = fileURLToPath(new URL('../../bin/mailprobe.js', import.meta.url));
const CHROMIUM = process.env.MAILPROBE_CHROMIUM ?? '/usr/bin/chromium';

let lab: Lab;
let dir: string;

beforeAll(async () => {
  lab = await startLab('delegated-healthy');
  dir = await mkdtemp(join(tmpdir(), 'mailprobe-e2e-device-'));
  await writeFile(join(dir, 'lab-ca.pem'), lab.caPem);
});

afterAll(async () => {
  await lab.close();
  await rm(dir, { recursive: true, force: true });
});

/** The CLI checking the lab's tenant as a real one, with a user sign-in of the given kind. */
function startCheck(flag: '--device-code' | '--browser') {
  const child = spawn(
    process.execPath,
    [CLI, 'check', '--json', flag, ...labTargetArgs(lab, join(dir, 'lab-ca.pem'))],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      // No desktop: the page is only printed, the test's browser opens it.
      env: { ...process.env, DISPLAY: '', WAYLAND_DISPLAY: '' },
    },
  );
  let stdout = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  return { child, exited, report: () => JSON.parse(stdout) as Report };
}

/** A browser whose pages take the lab's certificate (its CA is trusted by the check only). */
async function withBrowser(use: (page: Page) => Promise<void>): Promise<void> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu'],
  });
  try {
    const context = await browser.newContext({ ignoreHTTPSErrors: true });
    await use(await context.newPage());
  } finally {
    await browser.close();
  }
}

describe('device code in a real browser', () => {
  it('the person signs in on the lab page; IMAP and SMTP pass with the user token', async () => {
    const { child, exited, report } = startCheck('--device-code');
    const prompt = await devicePrompt(child);
    const alice = lab.state.users.find((u) => u.address === lab.demo.mailbox);
    if (!alice) throw new Error('no demo user');

    await withBrowser(async (page) => {
      await page.goto(prompt.url);
      await page.getByLabel('Code').fill(prompt.code);
      await page.getByRole('button', { name: 'Next' }).click();
      await page.getByLabel('Email').fill(alice.address);
      await page.getByLabel('Password').fill(alice.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: 'You have signed in' }).waitFor();
      await page.screenshot({ path: join(ARTIFACTS, '20-device-code-signed-in.png') });
    });
    expect(await exited).toBe(0);
    expect(report().checks.map((c) => `${c.protocol}:${c.verdict}`)).toEqual([
      'token:pass',
      'imap:pass',
      'smtp:pass',
    ]);
  });

  it('authorization code with PKCE: the browser signs in and is sent back to the CLI', async () => {
    const { child, exited, report } = startCheck('--browser');
    const url = await browserPrompt(child);
    const alice = lab.state.users.find((u) => u.address === lab.demo.mailbox);
    if (!alice) throw new Error('no demo user');
    await withBrowser(async (page) => {
      await page.goto(url);
      await page.getByLabel('Email').fill(alice.address);
      await page.getByLabel('Password').fill(alice.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      // The lab posts the code back to the CLI's loopback listener, which answers with its page.
      await page.getByText('Signed in. You can close this window').waitFor();
      await page.screenshot({ path: join(ARTIFACTS, '22-browser-sign-in-done.png') });
    });
    expect(await exited).toBe(0);
    expect(report().target.credential).toBe('browser');
    expect(report().checks.map((c) => `${c.protocol}:${c.verdict}`)).toEqual([
      'token:pass',
      'imap:pass',
      'smtp:pass',
    ]);
  });
});
