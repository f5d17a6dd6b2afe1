// "Run all profiles" in a real browser: saved profiles against a lab of the test (one that passes,
// one whose mail servers are on a closed port) and the Demo tenant with a failing scenario, run
// at once; the table fills in, sorts, filters and opens a row's run; then profiles pointing at a
// server that accepts and never answers are run and cancelled.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, verdict, type RunningApp } from './support/app';
import { startLab, type Lab } from '../../electron/lab/lab';
import { DEMO } from '../../electron/lab/scenarios';

let app: RunningApp;
let lab: Lab;
let work: string;
let closedPort = 0;
let silent: Server;
const sockets = new Set<Socket>();
const ctx = { emit: () => undefined };

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

async function saveProfile(
  name: string,
  mail: { port: (p: 'imap' | 'pop3' | 'smtp') => number },
): Promise<string> {
  const saved = await app.service.dispatch(
    'profiles:save',
    {
      name,
      cloud: 'custom',
      authority: lab.authorityHost,
      tenant: DEMO.tenantId,
      clientId: DEMO.clientId,
      mailbox: DEMO.mailbox,
      credential: 'client-secret',
      secret: lab.demo.clientSecret,
      mechanism: 'auto',
      imap: { host: '127.0.0.1', port: mail.port('imap'), security: 'tls' },
      pop3: { host: '127.0.0.1', port: mail.port('pop3'), security: 'tls' },
      smtp: { host: '127.0.0.1', port: mail.port('smtp'), security: 'starttls' },
      testMessage: {},
    },
    ctx,
  );
  if (!saved.ok) throw new Error(saved.error.message);
  return saved.value.id;
}

beforeAll(async () => {
  lab = await startLab('healthy');
  work = await mkdtemp(join(tmpdir(), 'mailprobe-e2e-run-all-'));
  await writeFile(join(work, 'lab-ca.pem'), lab.caPem);
  closedPort = await freePort();
  // Accepts and never says a word: only a cancel (or the greeting timeout) ends a run against it.
  silent = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    // Reads what comes (nothing should), so that the client's close is seen.
    socket.resume();
  });
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  app = await startApp();
  const settings = await app.service.dispatch('settings:get', undefined, ctx);
  if (!settings.ok) throw new Error('no settings');
  await app.service.dispatch(
    'settings:set',
    {
      ...settings.value,
      extraCaFiles: [join(work, 'lab-ca.pem')],
      // Long enough that a run against the silent server is still going when it is cancelled.
      timeouts: { ...settings.value.timeouts, greetingMs: 120_000 },
    },
    ctx,
  );
  await saveProfile('Lab tenant', { port: (p) => lab.mail.ports[p] });
  await saveProfile('Closed port', { port: () => closedPort });
  await app.page.reload();
});

afterAll(async () => {
  await app.close();
  for (const s of sockets) s.destroy();
  await new Promise<void>((r) => silent.close(() => r()));
  await lab.close();
  await rm(work, { recursive: true, force: true });
});

const rowOf = (name: string) => app.page.locator('[data-testid="run-all-row"]', { hasText: name });

async function names(): Promise<string[]> {
  return app.page.locator('[data-testid="run-all-row"] [data-testid="run-all-name"]').allTextContents();
}

describe('Run all profiles in the app', () => {
  it('runs every saved profile and the Demo tenant; the table fills in', async () => {
    const page = app.page;
    await page.getByTestId('profile-list').waitFor();
    await page.getByTestId('nav-run-all').click();
    await page.getByTestId('run-all-screen').waitFor();
    await page.getByTestId('run-all-include-demo').check();
    await page.getByTestId('run-all-scenario').selectOption('smtp-auth-disabled-tenant');
    await page.getByTestId('run-all-button').click();
    // A row for each from the start.
    await expect.poll(() => page.getByTestId('run-all-row').count()).toBe(3);
    await page.waitForSelector('[data-testid="run-all-button"]:not([disabled])', { timeout: 60_000 });
    expect(await page.locator('[data-testid="run-all-row"][data-status="done"]').count()).toBe(3);
    expect(await rowOf('Lab tenant').getAttribute('data-verdict')).toBe('pass');
    expect(await rowOf('Closed port').getAttribute('data-verdict')).toBe('fail');
    expect(await rowOf('Demo tenant').getAttribute('data-verdict')).toBe('fail');
    // Each check's verdict, the first cause, the tenant.
    expect(await rowOf('Lab tenant').getByTestId('run-all-imap').getAttribute('data-verdict')).toBe('pass');
    expect(await rowOf('Closed port').getByTestId('run-all-token').getAttribute('data-verdict')).toBe('pass');
    expect(await rowOf('Closed port').getByTestId('run-all-imap').getAttribute('data-verdict')).toBe('fail');
    expect(await rowOf('Closed port').getByTestId('run-all-target').textContent()).toBe(DEMO.tenantId);
    expect(await rowOf('Closed port').getByTestId('run-all-cause').textContent()).toMatch(
      /tcp|refused|connect/i,
    );
    expect(await rowOf('Demo tenant').getByTestId('run-all-cause').textContent()).toContain(
      'account.smtp_auth_disabled_tenant',
    );
    expect(await page.getByTestId('run-all-counts').textContent()).toMatch(/1 passed · 2 failed · 0 running/);
    // The profile list shows each profile's verdict, as after a normal run.
    expect(await page.locator('[data-testid="profile-list"] .profile-verdict').count()).toBe(3);
    await app.screenshot('70-run-all');
  });

  it('sorts by a column', async () => {
    const page = app.page;
    const header = page.getByTestId('run-all-sort-profile');
    // Sorted by profile name at first; a click on the header flips it.
    expect(await names()).toEqual(['Closed port', 'Demo tenant', 'Lab tenant']);
    await header.click();
    expect(await names()).toEqual(['Lab tenant', 'Demo tenant', 'Closed port']);
    expect(await page.locator('th:has([data-testid="run-all-sort-profile"])').getAttribute('aria-sort')).toBe(
      'descending',
    );
    // Status: the failures first; then by the Took column (the keyboard works the headers).
    await page.getByTestId('run-all-sort-status').click();
    expect((await names()).at(-1)).toBe('Lab tenant');
    await page.getByTestId('run-all-sort-duration').focus();
    await page.keyboard.press('Enter');
    expect(
      await page.locator('th:has([data-testid="run-all-sort-duration"])').getAttribute('aria-sort'),
    ).toBe('ascending');
    const took = await page
      .locator('[data-testid="run-all-row"] [data-testid="run-all-duration"]')
      .allTextContents();
    const ms = took.map((t) =>
      t.endsWith(' ms') ? Number(t.replace(/[^\d.]/g, '')) : Number(t.replace(/[^\d.]/g, '')) * 1000,
    );
    expect([...ms].sort((a, b) => a - b)).toEqual(ms);
  });

  it('filters the failed ones and by text', async () => {
    const page = app.page;
    await page.getByTestId('run-all-sort-profile').click();
    await page.getByTestId('run-all-show-failed').check();
    expect(await names()).toEqual(['Closed port', 'Demo tenant']);
    await page.getByTestId('run-all-show-passed').check();
    expect(await names()).toEqual(['Lab tenant']);
    await page.getByTestId('run-all-show-all').check();
    await page.getByTestId('run-all-filter').fill('smtp_auth');
    expect(await names()).toEqual(['Demo tenant']);
    await page.getByTestId('run-all-filter').fill('');
    expect(await page.getByTestId('run-all-row').count()).toBe(3);
    await page.getByTestId('run-all-show-failed').check();
    await app.screenshot('71-run-all-failed');
  });

  it("a click on a row opens that profile's run", async () => {
    const page = app.page;
    await rowOf('Closed port').click();
    await page.getByTestId('run-view').waitFor();
    expect(await page.locator('#run-heading').textContent()).toContain('Closed port');
    await page.waitForSelector(verdict('run-verdict', 'fail'));
    expect(await page.getByTestId('step-imap-tcp').getAttribute('data-status')).toBe('fail');
    await app.screenshot('72-run-all-opened');
    // Back to the table, filters kept; the Demo tenant's row opens its run with its scenario.
    await page.getByTestId('nav-run-all').click();
    expect(await names()).toEqual(['Closed port', 'Demo tenant']);
    await rowOf('Demo tenant').getByTestId('run-all-open').click();
    await page.waitForSelector(verdict('check-card-smtp', 'fail'));
    await page.getByTestId('finding-account.smtp_auth_disabled_tenant').waitFor();
  });

  it('adds the Graph check beside the mail checks when asked', async () => {
    const page = app.page;
    await page.getByTestId('nav-run-all').click();
    await page.getByTestId('run-all-show-all').click();
    await page.getByTestId('run-all-filter').fill('');
    await page.getByTestId('run-all-scenario').selectOption('healthy');
    await page.getByTestId('run-all-add-graph').check();
    await page.getByTestId('run-all-button').click();
    // The new table has a Graph column from the start; then every row settles.
    await expect
      .poll(() => page.locator('[data-testid="run-all-row"] [data-testid="run-all-graph"]').count())
      .toBe(3);
    await expect
      .poll(() => page.locator('[data-testid="run-all-row"][data-status="done"]').count(), {
        timeout: 60_000,
      })
      .toBe(3);
    await page.waitForSelector('[data-testid="run-all-button"]:not([disabled])', { timeout: 60_000 });
    // The Demo tenant checks its mail protocols and Graph, and both pass.
    expect(await rowOf('Demo tenant').getByTestId('run-all-imap').getAttribute('data-verdict')).toBe('pass');
    expect(await rowOf('Demo tenant').getByTestId('run-all-graph').getAttribute('data-verdict')).toBe('pass');
    expect(await rowOf('Demo tenant').getAttribute('data-verdict')).toBe('pass');
    await rowOf('Demo tenant').getByTestId('run-all-open').click();
    await page.waitForSelector(verdict('check-card-graph', 'pass'));
    await page.getByTestId('nav-run-all').click();
    await page.getByTestId('run-all-add-graph').uncheck();
  });

  it('cancel stops the runs in flight and leaves the queued ones not run', async () => {
    const page = app.page;
    const port = (silent.address() as { port: number }).port;
    for (let i = 1; i <= 5; i += 1) await saveProfile(`Silent ${i}`, { port: () => port });
    await page.getByTestId('nav-run-all').click();
    await page.getByTestId('run-all-show-all').check();
    await page.getByTestId('run-all-include-demo').uncheck();
    // The store watch brings the new profiles into the list.
    await expect
      .poll(() => page.locator('[data-testid^="profile-item-"]').count(), { timeout: 40_000 })
      .toBe(8);
    await page.getByTestId('run-all-button').click();
    await expect.poll(() => page.getByTestId('run-all-row').count(), { timeout: 10_000 }).toBe(7);
    // Four run at once: wait until four are connected to the silent server and running.
    await expect
      .poll(() => page.locator('[data-testid="run-all-row"][data-status="running"]').count(), {
        timeout: 20_000,
      })
      .toBe(4);
    await expect.poll(() => sockets.size, { timeout: 20_000 }).toBeGreaterThanOrEqual(4);
    expect(await page.locator('[data-testid="run-all-row"][data-status="queued"]').count()).toBeGreaterThan(
      0,
    );
    await app.screenshot('73-run-all-running');
    const cancelledAt = Date.now();
    await page.getByTestId('run-all-cancel').click();
    await page.waitForSelector('[data-testid="run-all-button"]:not([disabled])', { timeout: 20_000 });
    expect(Date.now() - cancelledAt).toBeLessThan(15_000);
    const statuses: Array<[string, string | null]> = [];
    for (const r of await page.getByTestId('run-all-row').all())
      statuses.push([(await r.textContent()) ?? '', await r.getAttribute('data-status')]);
    const silentRows = statuses.filter(([text]) => text.includes('Silent'));
    expect(silentRows).toHaveLength(5);
    for (const [, status] of silentRows) expect(status).toBe('cancelled');
    // Nothing still going: no row running or queued, no connection left to the silent server.
    expect(statuses.filter(([, s]) => s === 'running' || s === 'queued')).toEqual([]);
    expect(await page.getByTestId('run-all-count-running').textContent()).toBe('0 running');
    await expect.poll(() => sockets.size, { timeout: 10_000 }).toBe(0);
    // The queued ones were never started: at most four silent connections were made.
    expect(
      await page.locator('[data-testid="run-all-row"]', { hasText: 'Cancelled before it started' }).count(),
    ).toBeGreaterThan(0);
    await app.screenshot('74-run-all-cancelled');
  });
});
