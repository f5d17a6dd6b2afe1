// Files chosen in the app (an extra CA, a certificate and its key, the files of an imported
// profile) are checked when chosen and shown before use, in a real browser against browser mode.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLabPki } from '../../electron/lab/pki';
import { startApp, type RunningApp } from './support/app';

let app: RunningApp;
let dir: string;
let certFile: string;
let keyFile: string;

beforeAll(async () => {
  app = await startApp();
  dir = await mkdtemp(join(tmpdir(), 'mailprobe-e2e-files-'));
  const pki = await createLabPki();
  certFile = join(dir, 'app-cert.pem');
  keyFile = join(dir, 'app-key.pem');
  await writeFile(certFile, pki.serverCertPem);
  await writeFile(keyFile, pki.serverKeyPem);
});

afterAll(async () => {
  await app.close();
  await rm(dir, { recursive: true, force: true });
});

const ctx = { emit: () => undefined };

describe('files chosen in the app', () => {
  it('settings: a file that is not a CA certificate is refused with its reason and not added', async () => {
    const page = app.page;
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('settings-ca-input').fill(keyFile);
    await page.getByTestId('settings-ca-add').click();
    await expect
      .poll(() => page.getByTestId('settings-ca-problem').textContent())
      .toContain('holds a private key, not a certificate');
    expect(await page.getByTestId('settings-ca-list').textContent()).not.toContain(keyFile);
    await app.screenshot('20-settings-ca-refused');
    await page.getByTestId('settings-ca-input').fill(certFile);
    await page.getByTestId('settings-ca-add').click();
    await expect.poll(() => page.getByTestId('settings-ca-list').textContent()).toContain(certFile);
    expect(await page.getByTestId('settings-ca-problem').count()).toBe(0);
  });

  it('profile form: the certificate and key files are checked as soon as they are entered', async () => {
    const page = app.page;
    await page.getByTestId('profile-new').click();
    await page.getByTestId('field-credential').selectOption('certificate');
    const missing = join(dir, 'nowhere.pem');
    await page.getByTestId('field-certificate-path').fill(missing);
    await page.getByTestId('field-key-path').fill(certFile);
    await page.getByTestId('field-name').focus();
    const errors = () => page.locator('.field-error').allTextContents();
    await expect.poll(async () => (await errors()).join(' | ')).toContain('This file does not exist');
    await expect
      .poll(async () => (await errors()).join(' | '))
      .toContain('This file holds a certificate, not a private key');
    await app.screenshot('21-profile-files-checked');
    await page.getByTestId('field-certificate-path').fill(certFile);
    await page.getByTestId('field-key-path').fill(keyFile);
    await page.getByTestId('field-name').focus();
    await expect.poll(async () => (await errors()).join(' | ')).not.toMatch(/This file/);
  });

  it('import: the files a profile names are shown first; cancel adds nothing, import adds it', async () => {
    const page = app.page;
    const exported = {
      version: 1,
      profiles: [
        {
          name: 'Imported cert app',
          cloud: 'global',
          tenant: 'contoso.onmicrosoft.com',
          clientId: '0b7d3c52-8e1f-4a6b-b9d4-6c2e1f0a9d87',
          mailbox: 'shared@contoso.com',
          credential: 'certificate',
          certificatePath: certFile,
          keyPath: '/srv/secrets/elsewhere-key.pem',
          mechanism: 'auto',
          imap: { host: 'outlook.office365.com', port: 993, security: 'tls' },
          pop3: { host: 'outlook.office365.com', port: 995, security: 'tls' },
          smtp: { host: 'smtp.office365.com', port: 587, security: 'starttls' },
          testMessage: {},
        },
      ],
    };
    const file = join(dir, 'profiles.json');
    await writeFile(file, JSON.stringify(exported));
    const count = async () => {
      const list = await app.service.dispatch('profiles:list', undefined, ctx);
      return list.ok ? list.value.filter((p) => p.name === 'Imported cert app').length : -1;
    };

    await page.getByTestId('profile-import-file').setInputFiles(file);
    const dialog = page.getByTestId('import-dialog');
    await dialog.waitFor();
    const table = (await page.getByTestId('import-files').textContent()) ?? '';
    expect(table).toContain(certFile);
    expect(table).toContain('/srv/secrets/elsewhere-key.pem');
    expect(table).toContain('Usable');
    expect(table).toContain('This file does not exist');
    await app.screenshot('22-import-files-shown');
    await page.getByTestId('import-cancel').click();
    await dialog.waitFor({ state: 'detached' });
    expect(await count()).toBe(0);

    await page.getByTestId('profile-import-file').setInputFiles(file);
    await page.getByTestId('import-confirm').click();
    await expect.poll(count).toBe(1);
  });
});
