// The readiness audit through the built CLI: the secret's end date given with --secret-expires is
// read against today (a warning within 30 days, with the fix), and a date in another form is a
// usage error that names the expected form.
import { describe, expect, it } from 'vitest';
import { runCheckJson, runCli } from './support/cli';

function inDays(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

describe('readiness in check', () => {
  it('a client secret that ends in 10 days is a warning with its date; one in a year is fine', async () => {
    const soon = await runCheckJson(['--lab', '--imap', '--secret-expires', inDays(10)]);
    expect(soon.code, soon.stderr).toBe(0);
    expect(soon.report.readiness).toEqual([
      expect.objectContaining({ topic: 'client-secret-expiry', status: 'warn', when: inDays(10) }),
    ]);
    const later = await runCheckJson(['--lab', '--imap', '--secret-expires', inDays(365)]);
    expect(later.report.readiness?.map((r) => `${r.topic}:${r.status}`)).toEqual(['client-secret-expiry:ok']);
    const text = await runCli(['check', '--lab', '--imap', '--secret-expires', inDays(10)]);
    expect(text.stdout).toMatch(
      /Readiness \(what will break, and when\):\n\s+! The client secret expires on \d{4}-\d{2}-\d{2}, in (9|10) days/,
    );
    expect(text.stdout).toMatch(/fix: Add a new client secret/);
  });

  it('a date in another form is refused before anything runs (exit 2)', async () => {
    const result = await runCli(['check', '--lab', '--secret-expires', '31/12/2026']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /--secret-expires: "31\/12\/2026" is not a date as YYYY-MM-DD; expected the client secret's end date/,
    );
  });
});
