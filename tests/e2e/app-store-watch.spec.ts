// The app open while another MailProbe writes its data folder, in a real browser against browser
// mode: a profile added with the real `mailprobe profiles add` appears in the list without a
// reload, and an entry that does not pass the schema is shown set aside with its field.
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type RunningApp } from './support/app';

const CLI = fileURLToPath(new URL('../../bin/mailprobe.js', import.meta.url));

let app: RunningApp;

beforeAll(async () => {
  app = await startApp();
});

afterAll(async () => {
  await app.close();
});

function profilesAdd(name: string): Promise<number> {
  const args = ['profiles', 'add', '--name', name, '--tenant', 'contoso.onmicrosoft.com'];
  args.push('--client-id', '11111111-2222-3333-4444-555555555555', '--mailbox', 'shared@contoso.com');
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { env: { ...process.env, MAILPROBE_DATA_DIR: app.dataDir }, timeout: 30_000 },
      (error) => {
        resolve(error ? (typeof error.code === 'number' ? error.code : 99) : 0);
      },
    ).stdin?.end();
  });
}

describe('the app follows its data folder', () => {
  it('shows a profile the CLI adds while the app is open, without a reload', async () => {
    const page = app.page;
    await page.getByTestId('profile-item-demo').waitFor();
    expect(await profilesAdd('Added in a terminal')).toBe(0);
    await page.getByTestId('profile-list').getByText('Added in a terminal').waitFor({ timeout: 10_000 });
    await app.screenshot('40-store-added-by-cli');
  });

  it('shows an entry that cannot be read as set aside, with its field, and keeps the others', async () => {
    const page = app.page;
    const path = join(app.dataDir, 'profiles.json');
    const file = JSON.parse(await readFile(path, 'utf8')) as { profiles: Array<Record<string, unknown>> };
    const bad = {
      ...file.profiles[0],
      id: 'bad-1',
      name: 'Port out of range',
      imap: { host: 'outlook.office365.com', port: 70000, security: 'tls' },
    };
    await writeFile(path, JSON.stringify({ ...file, profiles: [...file.profiles, bad] }, null, 2));
    const box = page.getByTestId('profile-quarantine');
    await box.waitFor({ timeout: 10_000 });
    expect(await box.textContent()).toContain('1 saved profile could not be read');
    await box.locator('summary').click();
    expect(await box.textContent()).toMatch(/Port out of range.*IMAP port: 70000 is out of range/);
    await page.getByTestId('profile-list').getByText('Added in a terminal').waitFor();
    expect(await page.getByTestId('profile-list').getByText('Port out of range').count()).toBe(0);
    await app.screenshot('41-store-quarantine');
  });
});
