// The compare screen as a support engineer uses it, in Chromium against browser mode and the lab:
// the Demo tenant run with different scenarios and the test message on in one run only; the
// compare table shows the server's own lines from the transcripts, paired by command, the test
// message among the options and not among the results, and "Compare with last pass" only once a
// run has passed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDemo, startApp, type RunningApp } from './support/app';

let app: RunningApp;

beforeAll(async () => {
  app = await startApp();
});

afterAll(async () => {
  await app.close();
});

async function run(scenario: string, testMessage: boolean, verdict: 'pass' | 'fail'): Promise<void> {
  const page = app.page;
  await page.getByTestId('profile-item-demo').click();
  const toggle = page.getByTestId('send-test-toggle');
  if (testMessage) await toggle.check();
  else await toggle.uncheck();
  await runDemo(app, scenario);
  expect(await page.getByTestId('run-verdict').getAttribute('data-verdict')).toBe(verdict);
}

async function openHistory(): Promise<void> {
  await app.page.getByTestId('history-button').click();
  await app.page.getByTestId('history-row').first().waitFor();
}

/** The text of each cell of a reply row: what was sent and the reply lines, per side. */
async function replyRow(command: string, protocol: string) {
  const row = app.page.locator(
    `[data-testid="compare-replies"] [data-area="response"][data-command="${command}"][data-protocol="${protocol}"]`,
  );
  await row.first().waitFor();
  expect(await row.count()).toBe(1);
  const side = (name: 'before' | 'after') => row.locator(`td[data-side="${name}"]`);
  return {
    row,
    before: {
      sent: (await side('before').locator('.compare-sent').textContent()) ?? '',
      lines: (await side('before').getByTestId('compare-reply-lines').textContent()) ?? '',
    },
    after: {
      sent: (await side('after').locator('.compare-sent').textContent()) ?? '',
      lines: (await side('after').getByTestId('compare-reply-lines').textContent()) ?? '',
    },
  };
}

describe('compare tells the truth', () => {
  it('offers the previous run where none passed, and lists the test message as an option, not a result', async () => {
    const page = app.page;
    await page.getByTestId('profile-list').waitFor();
    await run('throttled', false, 'fail');
    // The run view offers nothing to compare with either (its history is read once the run ends).
    await page.getByTestId('history-button').waitFor();
    expect(await page.getByTestId('compare-button').count()).toBe(0);
    await openHistory();
    // One run: nothing to compare with.
    expect(await page.getByTestId('history-row').count()).toBe(1);
    expect(await page.getByTestId('history-compare').count()).toBe(0);

    await run('pop-disabled', true, 'fail');
    expect(await page.getByTestId('step-smtp-send').getAttribute('data-status')).toBe('pass');
    // No run passed before: the run view offers the previous run, in the same words.
    await expect
      .poll(() => page.getByTestId('compare-button').textContent())
      .toBe('Compare with the previous run');
    await openHistory();
    const rows = page.getByTestId('history-row');
    await rows.nth(1).waitFor();
    expect(await page.getByText('Compare with last pass').count()).toBe(0);
    const compare = rows.nth(0).getByTestId('history-compare');
    expect(await compare.textContent()).toBe('Compare with the previous run');
    expect(await compare.getAttribute('data-kind')).toBe('previous');
    // The first run has no run before it.
    expect(await rows.nth(1).getByTestId('history-compare').count()).toBe(0);
    await compare.click();

    await page.getByTestId('compare-options').waitFor();
    await page.getByTestId('compare-results').waitFor();
    expect(await page.getByTestId('compare-previous-run').textContent()).toMatch(/scenario throttled/);
    expect(await page.getByTestId('compare-this-run').textContent()).toMatch(/scenario pop-disabled/);

    const options = page.getByTestId('compare-option');
    const testMessage = page.locator('[data-testid="compare-option"][data-what="Test message"]');
    expect(await testMessage.locator('.compare-before').textContent()).toBe('off');
    expect(await testMessage.locator('.compare-after').textContent()).toMatch(
      /^on to alice@lab\.mailprobe\.test/,
    );
    const scenario = page.locator('[data-testid="compare-option"][data-what="Lab scenario"]');
    expect(await scenario.textContent()).toMatch(/throttled.*pop-disabled/);
    expect(await options.count()).toBe(2);

    // Nothing of the test message among the results or the replies.
    const results = (await page.getByTestId('compare-results').textContent()) ?? '';
    expect(results).not.toMatch(/test message/i);
    expect(results).not.toMatch(/scenario/i);
    expect(await page.locator('[data-testid="compare-results"] [data-step="send"]').count()).toBe(0);
    for (const command of ['DATA', 'RSET'])
      expect(await page.locator(`[data-testid="compare-replies"] [data-command="${command}"]`).count()).toBe(
        0,
      );

    // IMAP's EXAMINE: the throttled BAD beside the OK to the same command.
    const examine = await replyRow('EXAMINE', 'imap');
    expect(examine.before.sent).toMatch(/EXAMINE INBOX/);
    expect(examine.after.sent).toMatch(/EXAMINE INBOX/);
    expect(examine.before.lines).toMatch(
      /^5 BAD Request is throttled\. Suggested Backoff Time: \d+ milliseconds$/,
    );
    expect(examine.after.lines).toMatch(/5 OK \[READ-ONLY\] EXAMINE completed\.$/);
    // POP3's AUTH: each run's own -ERR.
    const pop = await replyRow('AUTH', 'pop3');
    expect(pop.before.lines).toMatch(/-ERR Server Unavailable\. 21$/);
    expect(pop.after.lines).toMatch(/-ERR Authentication failure: unknown user name or bad password\.$/);

    // Every reply sits beside the reply to the same command: both sides sent what the row names.
    const replyRows = page.locator('[data-testid="compare-replies"] [data-area="response"]');
    const count = await replyRows.count();
    expect(count).toBeGreaterThan(1);
    for (let i = 0; i < count; i++) {
      const row = replyRows.nth(i);
      const command = (await row.getAttribute('data-command')) ?? '';
      for (const name of ['before', 'after']) {
        const cell = row.locator(`td[data-side="${name}"]`);
        if ((await cell.getAttribute('data-sent')) === 'false') continue;
        const sent = (await cell.locator('.compare-sent').textContent()) ?? '';
        expect(sent.toUpperCase()).toContain(command.split(' ')[0]);
      }
    }
    await page.getByTestId('compare-replies').scrollIntoViewIfNeeded();
    await app.screenshot('22-compare-previous-run');
  });

  it("offers the last pass once a run passed, and shows the server's NO line, not the library's words", async () => {
    const page = app.page;
    await run('healthy', false, 'pass');
    await run('no-service-principal', false, 'fail');
    await expect.poll(() => page.getByTestId('compare-button').textContent()).toBe('Compare with last pass');
    await openHistory();
    const rows = page.getByTestId('history-row');
    await rows.nth(3).waitFor();
    const compare = rows.nth(0).getByTestId('history-compare');
    expect(await compare.textContent()).toBe('Compare with last pass');
    expect(await compare.getAttribute('data-kind')).toBe('last-pass');
    // The passing run had no pass before it: the run before it.
    expect(await rows.nth(1).getByTestId('history-compare').textContent()).toBe(
      'Compare with the previous run',
    );
    await compare.click();

    await page.getByTestId('compare-replies').waitFor();
    expect(await page.getByTestId('compare-last-passing-run').textContent()).toMatch(/scenario healthy/);
    const auth = await replyRow('AUTHENTICATE', 'imap');
    expect(auth.before.sent).toMatch(/^(Sent: )?2 AUTHENTICATE XOAUTH2/);
    expect(auth.after.sent).toMatch(/^(Sent: )?2 AUTHENTICATE XOAUTH2/);
    expect(auth.before.lines).toBe('2 OK AUTHENTICATE completed.');
    expect(auth.after.lines).toBe('2 NO AUTHENTICATE failed.');
    const smtp = await replyRow('AUTH', 'smtp');
    expect(smtp.before.lines).toBe('235 2.7.0 Authentication successful');
    expect(smtp.after.lines).toMatch(/^535 5\.7\.3 Authentication unsuccessful/);
    // A command sent in the passing run only is shown as such.
    const examine = page.locator('[data-testid="compare-replies"] [data-command="EXAMINE"]');
    expect(await examine.getAttribute('data-only')).toBe('before');
    expect(await examine.locator('td[data-side="after"]').textContent()).toBe('not sent');
    // The transcript's error entry ("Command failed") is the client library's, never shown.
    expect(await page.getByTestId('compare-screen').textContent()).not.toContain('Command failed');

    // Same options but the scenario; the verdict among the results.
    expect(await page.getByTestId('compare-option').count()).toBe(1);
    expect(await page.locator('[data-testid="compare-option"][data-what="Lab scenario"]').count()).toBe(1);
    // SMTP stopped at sign-in, but the run kept what it was asked (no test message): nothing to guess.
    expect(await page.locator('[data-testid="compare-option-not-known"]').count()).toBe(0);
    const verdict = page.locator('[data-testid="compare-results"] [data-area="verdict"]');
    expect(await verdict.textContent()).toMatch(/pass.*fail/);
    await page.getByTestId('compare-replies').scrollIntoViewIfNeeded();
    await app.screenshot('23-compare-last-pass');

    // At 1024x700 the reply lines wrap inside their cells: nothing needs a sideways scroll.
    await page.setViewportSize({ width: 1024, height: 700 });
    await page.getByTestId('compare-replies').scrollIntoViewIfNeeded();
    const wraps = page.locator('[data-testid="compare-screen"] .table-wrap');
    expect(await wraps.count()).toBeGreaterThan(1);
    for (const wrap of await wraps.all()) {
      const outer = await wrap.boundingBox();
      const table = await wrap.locator('table').boundingBox();
      if (!outer || !table) throw new Error('a compare table is not laid out');
      expect(table.width).toBeLessThanOrEqual(outer.width + 1);
      expect(outer.x + outer.width).toBeLessThanOrEqual(1024);
    }
    await app.screenshot('24-compare-1024x700');
    await page.setViewportSize({ width: 1440, height: 900 });
  });
});
