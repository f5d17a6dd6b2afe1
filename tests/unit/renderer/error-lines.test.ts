import { describe, expect, it } from 'vitest';
import { errorLines } from '../../../renderer/features/explain/error-lines';
import { explain } from '../../../electron/engine/diagnosis/explain';

describe('the errors found in a pasted text', () => {
  it('are the lines the findings quote, with their line numbers and causes', () => {
    const text = [
      '2026-11-30 09:12:00 C: EHLO app01',
      '2026-11-30 09:12:01 S: 250-smtp.office365.com Hello',
      '535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant. Visit https://aka.ms/smtp_auth_disabled for more information.',
      'done',
    ].join('\n');
    const findings = explain(text);
    const lines = errorLines(text, findings);
    expect(lines.map((l) => l.number)).toEqual([3]);
    expect(lines[0]?.causes[0]).toBe('account.smtp_auth_disabled_tenant');
  });

  it('are none for a text without findings, and bounded for a long one', () => {
    expect(errorLines('nothing here\nat all', [])).toEqual([]);
    const long = 'x\n'.repeat(100_000);
    expect(errorLines(long, explain(long))).toEqual([]);
  });
});
