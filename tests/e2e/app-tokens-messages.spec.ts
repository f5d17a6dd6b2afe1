// Tokens and messages as a support engineer meets them in the app: a damaged JWT said to be
// damaged (not "opaque"), the pasted token masked once inspected and shown on request, the
// failing IMAP line under the step its card names with the filter in view and one click to clear
// it, and the profile editor's messages in words, never the schema library's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDemo, startApp, verdict, type RunningApp } from './support/app';

let app: RunningApp;

/** The step of each transcript line on the screen. */
async function stepsShown(
  lines: ReturnType<RunningApp['page']['getByTestId']>,
): Promise<Array<string | null>> {
  const out: Array<string | null> = [];
  for (const line of await lines.all()) out.push(await line.getAttribute('data-step'));
  return out;
}

beforeAll(async () => {
  app = await startApp();
});

afterAll(async () => {
  await app.close();
});

const SCHEMA_PHRASES = [
  'Invalid input',
  'expected string',
  'received',
  'Too small',
  'Too big',
  'Invalid enum',
  'Required',
];

describe('tokens and messages', () => {
  it('calls a damaged JWT damaged, masks the pasted token and shows it on request', async () => {
    const page = app.page;
    const part = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');
    const claims = part({ aud: 'https://outlook.office365.com', roles: ['IMAP.AccessAsApp'], idtyp: 'app' });
    // Cut and pasted with a stray character inside the claims: part 2 is no longer base64url.
    const token = `${part({ typ: 'JWT', alg: 'RS256' })}.${claims.slice(0, 20)}%${claims.slice(20)}.c2lnbmF0dXJl`;
    await page.getByTestId('nav-inspect').click();
    await page.getByTestId('inspect-input').fill(token);
    await page.getByTestId('inspect-submit').click();
    const format = page.getByTestId('token-check-format');
    await format.waitFor();
    const said = (await format.textContent()) ?? '';
    expect(said).toContain('Not a JWT: 3 parts, part 2 (the claims) is not base64url');
    expect(said).not.toMatch(/opaque/i);
    expect(await format.getAttribute('data-status')).toBe('fail');

    // The token is masked once inspected: its first characters and its length, not the rest.
    const masked = page.getByTestId('inspect-masked-value');
    await masked.waitFor();
    const shown = (await masked.textContent()) ?? '';
    expect(shown.startsWith(token.slice(0, 8))).toBe(true);
    expect(shown).toContain('•');
    expect(shown).toContain(`${token.length} characters`);
    expect(shown).not.toContain(claims.slice(0, 20));
    expect(await page.getByTestId('inspect-input').count()).toBe(0);
    await app.screenshot('tokens-01-masked');
    // Show reveals it, Hide masks it again; Edit brings the text back into the box.
    await page.getByTestId('inspect-show').click();
    expect(await masked.textContent()).toBe(token);
    expect(await page.getByTestId('inspect-show').getAttribute('aria-pressed')).toBe('true');
    await page.getByTestId('inspect-show').click();
    expect(await masked.textContent()).toBe(shown);
    await page.getByTestId('inspect-edit').click();
    expect(await page.getByTestId('inspect-input').inputValue()).toBe(token);
  });

  it('calls a token without a JWT header a reference token', async () => {
    const page = app.page;
    await page.getByTestId('inspect-input').fill('EwBwA8l6BAAUO9chh8cJscQLmUfQmOpaqueRefToken');
    await page.getByTestId('inspect-submit').click();
    await page.getByTestId('inspect-masked').waitFor();
    expect(await page.getByTestId('token-check-format').textContent()).toMatch(
      /Not a JWT but a reference \(opaque\) token of 43 characters, with no JWT header/,
    );
  });

  it('shows the failing IMAP line under the step its card names, the filter in view, one click to clear', async () => {
    const page = app.page;
    await runDemo(app, 'imap-disabled');
    await page.waitForSelector(verdict('run-verdict', 'fail'));
    const step = page.getByTestId('step-imap-mailbox');
    expect(await step.getAttribute('data-status')).toBe('fail');
    await step.click();
    const banner = page.getByTestId('transcript-filter-banner');
    await banner.waitFor();
    expect(await banner.textContent()).toContain('Showing step Mailbox of IMAP');
    const lines = page.getByTestId('transcript-line');
    const refusal = lines.filter({ hasText: 'BAD User is authenticated but not connected' });
    await refusal.first().waitFor();
    expect(await refusal.first().getAttribute('data-step')).toBe('mailbox');
    // Every line shown belongs to that step.
    const steps = await stepsShown(lines);
    expect(steps.length).toBeGreaterThan(0);
    expect(new Set(steps)).toEqual(new Set(['mailbox']));
    await app.screenshot('tokens-02-filter-chip');
    await page.getByTestId('transcript-clear-filters').click();
    expect(await banner.count()).toBe(0);
    const all = await stepsShown(lines);
    expect(new Set(all).size).toBeGreaterThan(1);
  });

  it('says in the profile editor what is wrong with a field and what is expected', async () => {
    const page = app.page;
    await page.getByTestId('profile-new').click();
    await page.getByTestId('profile-form').waitFor();
    await page.getByTestId('field-name').fill('');
    await page.getByTestId('field-tenant').fill('contoso.onmicrosoft.com');
    await page.getByTestId('field-client-id').fill('not-a-guid');
    await page.getByTestId('field-mailbox').fill('shared@contoso.com');
    await page.getByTestId('profile-save').click();
    const errors = (await page.locator('.field-error').allTextContents()).join(' | ');
    expect(errors).toContain('Enter a name for the profile');
    expect(errors).toContain('Application (client) id: "not-a-guid" is not a GUID');
    for (const phrase of SCHEMA_PHRASES) expect(errors).not.toContain(phrase);
    await app.screenshot('tokens-03-profile-messages');
  });
});
