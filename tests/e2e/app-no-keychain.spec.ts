// Without a Secret Service the app keeps secrets for the session only, and says so as text on the
// screen (not only in a hover title): in the sidebar, with the reason, and in the run header.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type RunningApp } from './support/app';

let app: RunningApp;
const saved = process.env.DBUS_SESSION_BUS_ADDRESS;

beforeAll(async () => {
  // No session bus: keytar finds no keychain service, as on a server without a desktop.
  delete process.env.DBUS_SESSION_BUS_ADDRESS;
  app = await startApp();
});

afterAll(async () => {
  await app.close();
  if (saved !== undefined) process.env.DBUS_SESSION_BUS_ADDRESS = saved;
});

describe('no keychain on this machine', () => {
  it('the sidebar says secrets are kept for the session only, and why, as visible text', async () => {
    const page = app.page;
    const info = await app.service.dispatch('app:info', undefined, { emit: () => undefined });
    expect(info.ok && info.value.vault.kind).toBe('session');
    const reason = page.getByTestId('sidebar-vault-reason');
    await reason.waitFor();
    expect(await reason.isVisible()).toBe(true);
    const text = (await reason.textContent()) ?? '';
    expect(text.length).toBeGreaterThan(10);
    if (info.ok && info.value.vault.reason) expect(text).toBe(info.value.vault.reason);
    expect(await page.locator('.vault-chip').textContent()).toBe('Secrets: this session only');
    await page.getByTestId('profile-item-demo').click();
    await app.screenshot('no-keychain-sidebar');
  });
});
