// The Graph toggle in a real browser: the Demo tenant's Graph scenarios check Graph alone by
// default, the Graph card shows its steps live and at the end, its transcript lines can be
// filtered, and a Graph refusal is diagnosed first.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDemo, startApp, verdict, type RunningApp } from './support/app';

let app: RunningApp;

beforeAll(async () => {
  app = await startApp();
});

afterAll(async () => {
  await app.close();
});

describe('the Graph check in the app', () => {
  it('a Graph scenario selects Graph alone; the mail toggles can still be changed', async () => {
    const page = app.page;
    await page.getByTestId('profile-item-demo').click();
    expect(await page.getByTestId('protocol-graph').isChecked()).toBe(false);
    await page.getByTestId('scenario-select').selectOption('graph-healthy');
    expect(await page.getByTestId('protocol-graph').isChecked()).toBe(true);
    for (const p of ['imap', 'pop3', 'smtp'])
      expect(await page.getByTestId(`protocol-${p}`).isChecked()).toBe(false);
    // Nothing selected: the run button is disabled.
    await page.getByTestId('protocol-graph').uncheck();
    expect(await page.getByTestId('run-button').isDisabled()).toBe(true);
    await page.getByTestId('protocol-graph').check();
    expect(await page.getByTestId('run-button').isDisabled()).toBe(false);
    // Back to an Exchange scenario: the mail checks, without Graph.
    await page.getByTestId('scenario-select').selectOption('healthy');
    expect(await page.getByTestId('protocol-graph').isChecked()).toBe(false);
    expect(await page.getByTestId('protocol-imap').isChecked()).toBe(true);
  });

  it('graph-healthy: the Graph check passes, mailbox step included', async () => {
    const page = app.page;
    await runDemo(app, 'graph-healthy');
    await page.waitForSelector(verdict('run-verdict', 'pass'));
    await page.waitForSelector(verdict('check-card-graph', 'pass'));
    for (const step of ['acquire', 'inspect', 'mailbox'])
      expect(await page.getByTestId(`step-graph-${step}`).getAttribute('data-status')).toBe('pass');
    // Graph alone: no Exchange token card, no mail card.
    for (const p of ['token', 'imap', 'pop3', 'smtp'])
      expect(await page.getByTestId(`check-card-${p}`).count()).toBe(0);
    // The transcript has Graph's lines, and its protocol filter.
    await page.getByTestId('tab-transcript').click();
    await page.getByTestId('transcript-filter-graph').waitFor();
    expect(await page.getByTestId('transcript').textContent()).toContain('Graph');
    await app.screenshot('60-graph-healthy');
  });

  it('graph-access-policy-denied: the access policy is the first finding', async () => {
    const page = app.page;
    await runDemo(app, 'graph-access-policy-denied');
    await page.waitForSelector(verdict('run-verdict', 'fail'));
    await page.waitForSelector(verdict('check-card-graph', 'fail'));
    expect(await page.getByTestId('step-graph-mailbox').getAttribute('data-status')).toBe('fail');
    await page.getByTestId('tab-findings').click();
    const first = page.locator('[data-testid="findings"] article.finding').first();
    await first.waitFor();
    expect(await first.getAttribute('data-testid')).toBe('finding-graph.access_policy_denied');
    await app.screenshot('61-graph-access-policy-denied');
  });

  it('Graph beside IMAP in one run', async () => {
    const page = app.page;
    await page.getByTestId('scenario-select').selectOption('graph-healthy');
    await page.getByTestId('protocol-imap').check();
    await page.getByTestId('run-button').click();
    await page.waitForSelector('[data-testid="run-verdict"]:not([data-verdict="running"])', {
      timeout: 30_000,
    });
    await page.waitForSelector(verdict('check-card-graph', 'pass'));
    await page.waitForSelector(verdict('check-card-imap', 'pass'));
    // The run is in the history with its Graph check.
    await page.getByTestId('history-button').click();
    await page.getByTestId('history-row').first().waitFor();
    expect(await page.getByTestId('history-row').first().textContent()).toContain('Graph');
  });
});
