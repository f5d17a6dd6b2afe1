// The run view as a support engineer meets it, in a real browser at 1280x800 and 1024x700: after a
// failing Demo scenario the first finding (title and fix) is in view without scrolling and the
// main area is the only scroll area; the header names provider, tenant, client id, mailbox and each
// endpoint with its security mode in full; the scenario menu is grouped, each scenario with what
// it breaks; focus lands on the verdict after a run, with a skip link to the findings; a running
// step shows its time against its timeout; the checks are chosen per profile.
import { mkdir } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO } from '../../electron/lab/scenarios';
import { runDemo, startApp, verdict, type RunningApp } from './support/app';

const SCREENSHOTS = fileURLToPath(new URL('./screenshots/', import.meta.url));
const ctx = { emit: () => undefined };

let app: RunningApp;
let silent: Server;
const sockets = new Set<Socket>();
let savedId = '';
let silentId = '';

async function shoot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: false });
}

/** The visible elements inside the main area whose content scrolls vertically (run in the page). */
const SCROLL_AREAS = `(() => {
  const main = document.querySelector('main');
  if (!main) return ['no main'];
  return [main, ...main.querySelectorAll('*')]
    .filter((el) => {
      const style = getComputedStyle(el);
      return (
        (style.overflowY === 'auto' || style.overflowY === 'scroll') &&
        el.scrollHeight > el.clientHeight + 1 &&
        el.getClientRects().length > 0
      );
    })
    .map((el) => el.tagName.toLowerCase() + '.' + el.className);
})()`;

function scrollAreas(page: Page): Promise<string[]> {
  return page.evaluate<string[]>(SCROLL_AREAS);
}

/** What has the keyboard focus: its id, test id, tag, tabIndex and text. */
interface Focused {
  id: string;
  testId: string | null;
  tag: string;
  tabIndex: number;
  text: string;
}

function focused(page: Page): Promise<Focused> {
  return page.evaluate<Focused>(`(() => {
    const el = document.activeElement;
    return {
      id: el?.id ?? '',
      testId: el?.getAttribute('data-testid') ?? null,
      tag: el?.tagName ?? '',
      tabIndex: el?.tabIndex ?? 0,
      text: el?.textContent ?? '',
    };
  })()`);
}

function mainScrollTop(page: Page, to?: number): Promise<number> {
  return page.evaluate<number>(`(() => {
    const main = document.querySelector('main');
    ${to === undefined ? '' : `main.scrollTo(0, ${to});`}
    return main.scrollTop;
  })()`);
}

async function inViewport(page: Page, selector: string): Promise<boolean> {
  const box = await page.locator(selector).first().boundingBox();
  const size = page.viewportSize();
  if (!box || !size) return false;
  return box.y >= 0 && box.x >= 0 && box.y + box.height <= size.height && box.x + box.width <= size.width;
}

beforeAll(async () => {
  await mkdir(SCREENSHOTS, { recursive: true });
  // Accepts and never says a word: the greeting step runs until its timeout or a cancel.
  silent = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.resume();
  });
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  const silentPort = (silent.address() as { port: number }).port;
  app = await startApp();
  const saved = await app.service.dispatch(
    'profiles:save',
    {
      name: 'Contoso app',
      cloud: 'global',
      tenant: 'contoso.onmicrosoft.com',
      clientId: '11111111-2222-3333-4444-555555555555',
      mailbox: 'app@contoso.com',
      credential: 'client-secret',
      mechanism: 'auto',
      imap: { host: 'outlook.office365.com', port: 993, security: 'tls' },
      pop3: { host: 'outlook.office365.com', port: 995, security: 'tls' },
      smtp: { host: 'smtp.office365.com', port: 587, security: 'starttls' },
      testMessage: {},
    },
    ctx,
  );
  if (!saved.ok) throw new Error(saved.error.message);
  savedId = saved.value.id;
  const quiet = await app.service.dispatch(
    'profiles:save',
    {
      name: 'Silent server',
      cloud: 'global',
      tenant: 'contoso.onmicrosoft.com',
      clientId: '11111111-2222-3333-4444-555555555555',
      mailbox: 'app@contoso.com',
      credential: 'password',
      secret: 'not-a-real-password',
      mechanism: 'auto',
      imap: { host: '127.0.0.1', port: silentPort, security: 'none' },
      pop3: { host: '127.0.0.1', port: silentPort, security: 'none' },
      smtp: { host: '127.0.0.1', port: silentPort, security: 'none' },
      testMessage: {},
    },
    ctx,
  );
  if (!quiet.ok) throw new Error(quiet.error.message);
  silentId = quiet.value.id;
  await app.page.setViewportSize({ width: 1280, height: 800 });
  await app.page.reload();
});

afterAll(async () => {
  await app.close();
  for (const s of sockets) s.destroy();
  await new Promise<void>((r) => silent.close(() => r()));
});

describe('the run view', () => {
  it('the scenario menu is grouped, each scenario with what it breaks', async () => {
    const page = app.page;
    await page.getByTestId('profile-item-demo').click();
    const select = page.getByTestId('scenario-select');
    expect(await select.isVisible()).toBe(true);
    const groups = await page.evaluate<
      Array<{ label: string; options: Array<{ value: string; text: string }> }>
    >(
      `[...document.querySelectorAll('[data-testid="scenario-select"] optgroup')].map((g) => ({
        label: g.getAttribute('label'),
        options: [...g.querySelectorAll('option')].map((o) => ({ value: o.value, text: o.textContent })),
      }))`,
    );
    const labels = groups.map((g) => g.label);
    for (const label of [
      'Token and app registration',
      'Exchange grants',
      'Account and tenant policy',
      'Network and proxy',
    ])
      expect(labels).toContain(label);
    const group = (label: string) => groups.find((g) => g.label === label)?.options ?? [];
    expect(group('Token and app registration').map((o) => o.value)).toContain('secret-invalid');
    expect(group('Exchange grants').map((o) => o.value)).toContain('wrong-object-id');
    expect(group('Account and tenant policy').map((o) => o.value)).toContain('smtp-auth-disabled-tenant');
    expect(group('Network and proxy').map((o) => o.value)).toContain('proxy-blocks-port');
    expect(
      group('Microsoft Graph').find((o) => o.value === 'graph-rbac-scope-excludes-mailbox')?.text,
    ).toContain('Graph: the RBAC scope leaves the mailbox out');
    // Every option is a title and a line of what it breaks, never the bare id.
    for (const o of groups.flatMap((g) => g.options)) {
      expect(o.text).not.toBe(o.value);
      expect(o.text).toMatch(/ — \S/);
    }
    const wrong = group('Exchange grants').find((o) => o.value === 'wrong-object-id');
    expect(wrong?.text).toContain('object id');
  });

  it('the header names the Demo tenant: provider, tenant, client id, mailbox, hosts and the secret', async () => {
    const page = app.page;
    await page.getByTestId('profile-item-demo').click();
    await page.waitForSelector('[data-testid="target-tenant"]');
    const target = page.getByTestId('run-target');
    expect(await page.getByTestId('target-provider').textContent()).toContain('Microsoft 365');
    expect(await page.getByTestId('target-tenant').textContent()).toContain(DEMO.tenantId);
    expect(await page.getByTestId('target-client').textContent()).toContain(DEMO.clientId);
    expect(await page.getByTestId('target-mailbox').textContent()).toContain(DEMO.mailbox);
    expect(await page.getByTestId('target-endpoint-imap').textContent()).toContain(
      '127.0.0.1 · implicit TLS',
    );
    expect(await page.getByTestId('target-endpoint-smtp').textContent()).toContain('STARTTLS');
    expect(await target.isVisible()).toBe(true);
    // The selected profile is said: a visible label, and a live region.
    expect(await page.locator('#run-eyebrow').textContent()).toBe('Selected profile');
    expect(await page.getByTestId('profile-announcement').getAttribute('aria-live')).toBe('polite');
    expect(await page.getByTestId('profile-announcement').textContent()).toBe(
      'Selected profile: Demo tenant',
    );
  });

  it('a saved profile: its endpoints with the security mode in full, and its secret as text', async () => {
    const page = app.page;
    await page.getByTestId(`profile-item-${savedId}`).click();
    await page.waitForSelector('[data-testid="target-endpoint-imap"]');
    expect(await page.getByTestId('profile-announcement').textContent()).toBe(
      'Selected profile: Contoso app',
    );
    expect(await page.getByTestId(`profile-item-${savedId}`).getAttribute('aria-current')).toBe('true');
    expect(await page.getByTestId('target-provider').textContent()).toBe('ProviderMicrosoft 365');
    expect(await page.getByTestId('target-tenant').textContent()).toBe('Tenantcontoso.onmicrosoft.com');
    expect(await page.getByTestId('target-client').textContent()).toContain(
      '11111111-2222-3333-4444-555555555555',
    );
    expect(await page.getByTestId('target-endpoint-imap').textContent()).toBe(
      'IMAPoutlook.office365.com:993 · implicit TLS',
    );
    expect(await page.getByTestId('target-endpoint-pop3').textContent()).toBe(
      'POP3outlook.office365.com:995 · implicit TLS',
    );
    expect(await page.getByTestId('target-endpoint-smtp').textContent()).toBe(
      'SMTPsmtp.office365.com:587 · STARTTLS',
    );
    // No secret was given: said in words, on the screen.
    const secret = page.getByTestId('target-secret');
    expect(await secret.isVisible()).toBe(true);
    expect(await secret.textContent()).toContain('none stored');
  });

  it('the checks are chosen per profile: a saved profile does not inherit "Graph alone"', async () => {
    const page = app.page;
    await page.getByTestId('profile-item-demo').click();
    await page.getByTestId('scenario-select').selectOption('graph-healthy');
    expect(await page.getByTestId('protocol-graph').isChecked()).toBe(true);
    expect(await page.getByTestId('protocol-imap').isChecked()).toBe(false);
    await page.getByTestId(`profile-item-${savedId}`).click();
    await page.waitForSelector('[data-testid="target-endpoint-imap"]');
    for (const p of ['imap', 'pop3', 'smtp'])
      expect(await page.getByTestId(`protocol-${p}`).isChecked()).toBe(true);
    expect(await page.getByTestId('protocol-graph').isChecked()).toBe(false);
    // The saved profile's own choice is kept, and the Demo tenant gets its Graph alone back.
    await page.getByTestId('protocol-pop3').uncheck();
    await page.getByTestId('profile-item-demo').click();
    expect(await page.getByTestId('protocol-graph').isChecked()).toBe(true);
    expect(await page.getByTestId('protocol-imap').isChecked()).toBe(false);
    await page.getByTestId(`profile-item-${savedId}`).click();
    expect(await page.getByTestId('protocol-pop3').isChecked()).toBe(false);
    expect(await page.getByTestId('protocol-imap').isChecked()).toBe(true);
    await page.getByTestId('protocol-pop3').check();
    await page.getByTestId('profile-item-demo').click();
    await page.getByTestId('scenario-select').selectOption('healthy');
  });

  it('a running step shows its time against its timeout', async () => {
    const page = app.page;
    await page.getByTestId(`profile-item-${silentId}`).click();
    await page.waitForSelector('[data-testid="target-endpoint-imap"]');
    await page.getByTestId('protocol-pop3').uncheck();
    await page.getByTestId('protocol-smtp').uncheck();
    await page.getByTestId('run-button').click();
    // The silent server never greets: the greeting step runs against its 15 s limit.
    await page.waitForSelector('[data-testid="step-imap-greeting"][data-status="running"]');
    const time = page.getByTestId('step-time-imap-greeting');
    await page
      .locator('[data-testid="step-time-imap-greeting"]', { hasText: /^\d+(\.\d+)? (ms|s) of 15 s$/ })
      .waitFor();
    expect(await time.isVisible()).toBe(true);
    expect(await page.getByTestId('target-secret').textContent()).toBe('Secretstored in the OS keychain');
    await shoot(page, 'run-view-live-1280x800');
    await page.getByTestId('cancel-button').click();
    await page.waitForSelector('[data-testid="run-verdict"]:not([data-verdict="running"])', {
      timeout: 30_000,
    });
    await page.getByTestId('protocol-pop3').check();
    await page.getByTestId('protocol-smtp').check();
  });

  it('after a failing run: focus on the verdict, the first finding and its fix in view, one scroll area', async () => {
    const page = app.page;
    await runDemo(app, 'smtp-auth-disabled-tenant');
    await page.waitForSelector(verdict('run-verdict', 'fail'));
    await page.waitForSelector('[data-testid="findings"] .finding');
    // Focus is on the verdict's heading, not on the page's body.
    await page.waitForFunction(`document.activeElement?.id === 'run-verdict-heading'`);
    const active = await focused(page);
    expect(active.tag).toBe('H2');
    expect(active.tabIndex).toBe(-1);
    expect(active.text).toContain('failed');
    await shoot(page, 'run-view-failed-1280x800');
    // The first finding's title and fix without scrolling.
    expect(await mainScrollTop(page)).toBe(0);
    const first = '[data-testid="findings"] .finding >> nth=0';
    expect(await inViewport(page, `${first} >> .finding-head`)).toBe(true);
    const fix = page.locator(first).locator('h4', { hasText: /fix/i }).first();
    const fixBox = await fix.boundingBox();
    expect(fixBox).not.toBeNull();
    expect((fixBox?.y ?? 9999) + (fixBox?.height ?? 0)).toBeLessThanOrEqual(800);
    // The failing card is folded to its failing step; the passing ones to a line.
    expect(await page.getByTestId('step-smtp-auth').isVisible()).toBe(true);
    expect(await page.getByTestId('step-imap-auth').isVisible()).toBe(false);
    expect(await page.getByTestId('check-endpoint-smtp').textContent()).toMatch(/:\d+ · STARTTLS$/);
    expect(await page.getByTestId('check-endpoint-imap').textContent()).toMatch(/:\d+ · implicit TLS$/);
    expect(await scrollAreas(page)).toEqual(['main.main']);

    // The skip link takes the keyboard to the findings.
    await page.keyboard.press('Tab');
    expect((await focused(page)).testId).toBe('skip-to-findings');
    await page.keyboard.press('Enter');
    await page.waitForFunction(`document.activeElement?.id === 'panel-findings'`);
    expect(await page.getByTestId('tab-findings').getAttribute('aria-selected')).toBe('true');
  });

  it('the transcript tab keeps to one scroll area, and the step details are text on the step', async () => {
    const page = app.page;
    await page.getByTestId('tab-transcript').click();
    await shoot(page, 'run-view-transcript-1280x800');
    expect(await scrollAreas(page)).toHaveLength(1);
    await page.getByTestId('steps-toggle-imap').click();
    const tls = page.getByTestId('step-facts-imap-tls');
    expect(await tls.isVisible()).toBe(true);
    await shoot(page, 'run-view-steps-unfolded-1280x800');
    const text = (await tls.textContent()) ?? '';
    expect(text).toContain('TLS 1.3');
    expect(text).toMatch(/TLS_[A-Z0-9_]+/);
    expect(text).toContain('CN=localhost');
    const greeting = (await page.getByTestId('step-facts-imap-greeting').textContent()) ?? '';
    expect(greeting).toContain('The Microsoft Exchange IMAP4 service is ready');
    expect(greeting).toContain('Backend (decoded)');
    expect(greeting).toContain('LAB01PR01MB0001.lab.prod.outlook.com');
    // A short window with a card unfolded: still one scroll area, the main one, and its lines
    // come into view as it scrolls (the list reads its place inside the main area).
    await page.setViewportSize({ width: 1024, height: 700 });
    expect(await scrollAreas(page)).toEqual(['main.main']);
    const lines = page.getByTestId('transcript-line');
    const total = Number(await lines.first().getAttribute('aria-setsize'));
    expect(total).toBeGreaterThan(20);
    await mainScrollTop(page, 1_000_000);
    await page.locator(`[data-testid="transcript-line"][aria-posinset="${total}"]`).waitFor();
    expect(await inViewport(page, `[data-testid="transcript-line"][aria-posinset="${total}"]`)).toBe(true);
    // The filters stay at hand at the top while the lines scroll.
    expect(await inViewport(page, '.tr-toolbar')).toBe(true);
    await shoot(page, 'run-view-transcript-unfolded-1024x700');
    await mainScrollTop(page, 0);
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.getByTestId('steps-toggle-imap').click();
    await page.getByTestId('tab-findings').click();
  });

  it('other failures: their first finding and its fix in view at 1280x800 too, one scroll area', async () => {
    const page = app.page;
    for (const scenario of ['wrong-object-id', 'imap-disabled', 'secret-invalid', 'proxy-blocks-port']) {
      await runDemo(app, scenario);
      await page.waitForSelector('[data-testid="findings"] .finding');
      await page.waitForFunction(`document.activeElement?.id === 'run-verdict-heading'`);
      await shoot(page, `run-view-failed-${scenario}-1280x800`);
      expect(await mainScrollTop(page), scenario).toBe(0);
      expect(
        await inViewport(page, '[data-testid="findings"] .finding >> nth=0 >> .finding-head'),
        scenario,
      ).toBe(true);
      // Its fix too: the evidence follows the fix.
      const fixHead = page
        .locator('[data-testid="findings"] .finding')
        .first()
        .locator('h4', { hasText: /fix/i });
      const box = await fixHead.first().boundingBox();
      expect((box?.y ?? 9999) + (box?.height ?? 0), scenario).toBeLessThanOrEqual(800);
      expect(await scrollAreas(page), scenario).toEqual(['main.main']);
    }
  });

  it('at 1024x700 too: the first finding and its fix in view, the explanation cut with a way to read it', async () => {
    const page = app.page;
    await page.setViewportSize({ width: 1024, height: 700 });
    for (const scenario of [
      'smtp-auth-disabled-tenant',
      'wrong-object-id',
      'imap-disabled',
      'secret-invalid',
      'proxy-blocks-port',
    ]) {
      await runDemo(app, scenario);
      await page.waitForSelector('[data-testid="findings"] .finding');
      await page.waitForFunction(`document.activeElement?.id === 'run-verdict-heading'`);
      await shoot(page, `run-view-failed-${scenario}-1024x700`);
      expect(await mainScrollTop(page), scenario).toBe(0);
      const first = page.locator('[data-testid="findings"] .finding').first();
      const fixHead = await first.locator('h4', { hasText: /fix/i }).first().boundingBox();
      expect((fixHead?.y ?? 9999) + (fixHead?.height ?? 0), scenario).toBeLessThanOrEqual(700);
      expect(await scrollAreas(page), scenario).toEqual(['main.main']);
    }
    // The secret-invalid explanation is long: cut to two lines, read whole on request.
    const first = page.locator('[data-testid="findings"] .finding').first();
    const isCut = (): Promise<boolean> =>
      page.evaluate<boolean>(`(() => {
        const el = document.querySelector('[data-testid="findings"] .finding .finding-explanation');
        return el.scrollHeight > el.clientHeight + 1;
      })()`);
    expect(await isCut()).toBe(true);
    await first.getByTestId('explanation-more').click();
    expect(await isCut()).toBe(false);
    expect(await first.getByTestId('explanation-more').count()).toBe(0);
    // In a tall window nothing is cut and no button is offered.
    await page.setViewportSize({ width: 1280, height: 800 });
    await runDemo(app, 'secret-invalid');
    await page.waitForSelector('[data-testid="findings"] .finding');
    await page.waitForFunction(`document.activeElement?.id === 'run-verdict-heading'`);
    expect(await page.getByTestId('explanation-more').count()).toBe(0);
  });

  it('screenshots of a failed and a passed run at 1280x800 and 1024x700', async () => {
    const page = app.page;
    await page.setViewportSize({ width: 1024, height: 700 });
    await mainScrollTop(page, 0);
    await shoot(page, 'run-view-failed-1024x700');
    expect(await inViewport(page, '[data-testid="findings"] .finding >> nth=0 >> .finding-head')).toBe(true);
    expect((await scrollAreas(page)).length).toBeLessThanOrEqual(1);
    await page.setViewportSize({ width: 1280, height: 800 });
    await runDemo(app, 'healthy');
    await page.waitForSelector(verdict('run-verdict', 'pass'));
    await page.waitForFunction(`document.activeElement?.id === 'run-verdict-heading'`);
    await shoot(page, 'run-view-passed-1280x800');
    await page.setViewportSize({ width: 1024, height: 700 });
    await shoot(page, 'run-view-passed-1024x700');
    expect((await scrollAreas(page)).length).toBeLessThanOrEqual(1);
  });
});
