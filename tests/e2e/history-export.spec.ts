// History, comparison and the diagnostic bundle in a real browser against browser mode and the
// lab: a passing run, then a failing one, compared; the history list; an old run reopened; the
// bundle previewed, downloaded, unzipped and its report.html opened in Chromium.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { unzipSync, strFromU8 } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../shared/report/model';
import { ARTIFACTS, startApp, type RunningApp } from './support/app';

function entry(files: Record<string, Uint8Array>, name: string): Uint8Array {
  const bytes = files[name];
  if (!bytes) throw new Error(`the bundle has no ${name}`);
  return bytes;
}

let app: RunningApp;
let scratch: string;

beforeAll(async () => {
  app = await startApp();
  scratch = await mkdtemp(join(tmpdir(), 'mailprobe-e2e-bundle-'));
});

afterAll(async () => {
  await app.close();
  await rm(scratch, { recursive: true, force: true });
});

async function runDemo(scenario: string, verdict: 'pass' | 'fail'): Promise<void> {
  const page = app.page;
  await page.getByTestId('profile-item-demo').click();
  await page.getByTestId('scenario-select').selectOption(scenario);
  await page.getByTestId('run-button').click();
  await page.waitForSelector(`[data-testid="run-verdict"][data-verdict="${verdict}"]`, { timeout: 30_000 });
}

describe('history, comparison and the bundle', () => {
  it('compares a failing run with the last passing one', async () => {
    const page = app.page;
    await page.getByTestId('profile-list').waitFor();
    await runDemo('healthy', 'pass');
    await runDemo('no-mailbox-permission', 'fail');
    await page.getByTestId('compare-button').click();
    await page.getByTestId('compare-screen').waitFor();
    await page.getByTestId('compare-change').first().waitFor();
    const verdictChange = page.locator('[data-testid="compare-change"][data-area="verdict"]');
    expect(await verdictChange.textContent()).toMatch(/pass.*fail/);
    expect(await page.locator('[data-testid="compare-change"][data-area="step"]').count()).toBeGreaterThan(0);
    expect(await page.locator('[data-testid="compare-change"][data-area="finding"]').count()).toBeGreaterThan(
      0,
    );
    // The scenario's failure is a changed server reply too.
    expect(
      await page.locator('[data-testid="compare-change"][data-area="response"]').count(),
    ).toBeGreaterThan(0);
    expect(await page.getByTestId('compare-last-passing-run').textContent()).toMatch(/scenario healthy/);
    await app.screenshot('10-compare');
  });

  it('lists the runs and reopens an old one', async () => {
    const page = app.page;
    await page.getByTestId('compare-back').click();
    await page.getByTestId('history-screen').waitFor();
    const rows = page.getByTestId('history-row');
    await rows.nth(1).waitFor();
    expect(await rows.count()).toBe(2);
    expect(await rows.nth(0).getAttribute('data-verdict')).toBe('fail');
    expect(await rows.nth(1).getAttribute('data-verdict')).toBe('pass');
    expect(await rows.nth(0).textContent()).toMatch(/no-mailbox-permission/);
    await app.screenshot('09-history');
    await rows.nth(1).getByTestId('history-open').click();
    await page.waitForSelector('[data-testid="run-verdict"][data-verdict="pass"]');
    expect(await page.getByTestId('run-from-history').textContent()).toMatch(/from history/);
    await page.getByTestId('tab-transcript').click();
    expect(
      Number((/\d+/.exec((await page.getByTestId('transcript-count').textContent()) ?? '') ?? ['0'])[0]),
    ).toBeGreaterThan(10);
  });

  it('previews the bundle, downloads it, and its report opens as a readable page', async () => {
    const page = app.page;
    await page.getByTestId('history-button').click();
    await page.getByTestId('history-row').first().getByTestId('history-export').click();
    const dialog = page.getByTestId('export-dialog');
    await dialog.getByTestId('export-file-report.json').waitFor();
    for (const name of ['report.html', 'report.json', 'transcript.txt', 'environment.json'])
      expect(await dialog.getByTestId(`export-file-${name}`).count()).toBe(1);
    await dialog.getByTestId('export-file-transcript.txt').click();
    expect(await dialog.getByTestId('export-content').textContent()).toMatch(/AUTHENTICATE|AUTH/);
    await app.screenshot('11-export-preview');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      dialog.getByTestId('export-save').click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^mailprobe-demo-tenant-\d{8}-\d{6}-fail\.zip$/);
    const zipPath = join(scratch, download.suggestedFilename());
    await download.saveAs(zipPath);
    await page.getByTestId('export-dialog').waitFor({ state: 'hidden' });

    const files = unzipSync(new Uint8Array(await readFile(zipPath)));
    expect(Object.keys(files).sort()).toEqual([
      'environment.json',
      'report.html',
      'report.json',
      'transcript.txt',
    ]);
    const report = JSON.parse(strFromU8(entry(files, 'report.json'))) as Report;
    expect(report.schema).toBe('mailprobe.report/1');
    expect(report.verdict).toBe('fail');
    const title = report.findings[0]?.title ?? '';
    expect(title).not.toBe('');
    const environment = JSON.parse(strFromU8(entry(files, 'environment.json'))) as { app: { shell: string } };
    expect(environment.app.shell).toBe('browser');

    const htmlPath = join(scratch, 'report.html');
    await writeFile(htmlPath, entry(files, 'report.html'));
    const reader = await page.context().newPage();
    const requests: string[] = [];
    reader.on('request', (r) => requests.push(r.url()));
    await reader.goto(pathToFileURL(htmlPath).toString());
    await reader.getByText(title).first().waitFor();
    expect(await reader.locator('#findings').textContent()).toContain(title);
    expect(await reader.locator('#checks').textContent()).toMatch(/IMAP/);
    expect(await reader.locator('#transcript').textContent()).toMatch(/AUTHENTICATE/);
    expect(await reader.locator('script').count()).toBe(0);
    // The page needs nothing but itself.
    expect(requests.filter((u) => !u.startsWith('file:'))).toEqual([]);
    await reader.screenshot({ path: join(ARTIFACTS, '12-bundle-report.png'), fullPage: false });
    await reader.close();
  });

  it('deletes a run after asking once more, then clears the history', async () => {
    const page = app.page;
    // The export dialog closed over the history screen.
    await page.getByTestId('history-screen').waitFor();
    const rows = page.getByTestId('history-row');
    await rows.nth(1).waitFor();
    const deleteButton = rows.nth(1).getByTestId('history-delete');
    await deleteButton.click();
    expect(await deleteButton.textContent()).toBe('Delete for good');
    expect(await rows.count()).toBe(2);
    await deleteButton.click();
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.nth(0).getAttribute('data-verdict')).toBe('fail');
    await page.getByTestId('history-clear').click();
    await page.getByTestId('history-clear').click();
    await page.getByTestId('history-empty').waitFor();
    expect(
      await app.service.dispatch('history:list', { profileId: 'demo' }, { emit: () => undefined }),
    ).toEqual({
      ok: true,
      value: [],
    });
  });
});
