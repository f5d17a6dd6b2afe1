// The bundle's transcript.txt: a header, then each check in protocol order with one line per
// entry (time, step, direction, text), continuation lines indented, server text shown as it was.
import { describe, expect, it } from 'vitest';
import { renderTranscriptText } from '../../../../electron/engine/export/transcript-text';
import { HOSTILE, TOKEN_PREVIEW, emptyRun, sampleReport } from './sample-run';

describe('transcript.txt', () => {
  const report = sampleReport();
  const text = renderTranscriptText(report);
  const lines = text.split('\n');

  it('starts with the run: start time, verdict, mailbox', () => {
    expect(lines.slice(0, 4)).toEqual([
      'MailProbe transcript',
      'Started:  2026-11-24 10:15:42 UTC',
      'Verdict:  FAIL',
      'Mailbox:  ops@contoso.com',
    ]);
    expect(text.endsWith('\n')).toBe(true);
  });

  it('has a heading per check, in protocol order', () => {
    const headings = lines.filter((l) => l.startsWith('== '));
    expect(headings).toEqual([
      '== Token  PASS  410 ms  (2 lines) ==',
      '== IMAP  outlook.office365.com:993 (tls)  FAIL  1.20 s  (8 lines) ==',
      '== SMTP  smtp.office365.com:587 (starttls)  PASS  612 ms  (4 lines) ==',
    ]);
  });

  it('writes one line per entry, with time, step and direction', () => {
    const entries = report.checks.flatMap((c) => c.transcript);
    const entryLines = lines.filter((l) => l.startsWith('+'));
    expect(entryLines.length).toBe(entries.length);
    expect(entryLines).toContain(
      `+   152 ms  auth          C: a1 AUTHENTICATE XOAUTH2 user=ops@contoso.com auth=Bearer ${TOKEN_PREVIEW}`,
    );
    expect(entryLines).toContain(`+  1130 ms  auth          S: ${HOSTILE}`);
    expect(entryLines).toContain('+     0 ms  dns           -- outlook.office365.com resolved to 52.97.1.1');
    expect(entryLines).toContain('+  1131 ms  auth          !! authentication refused by the server');
    expect(entryLines).toContain('+   120 ms  capabilities  C: a0 CAPABILITY');
    // The IMAP lines come in their recorded order, under the IMAP heading.
    const imap = lines.indexOf('== IMAP  outlook.office365.com:993 (tls)  FAIL  1.20 s  (8 lines) ==');
    expect(lines[imap + 1]).toBe('+     0 ms  dns           -- outlook.office365.com resolved to 52.97.1.1');
  });

  it('indents the continuation lines of a multi-line entry under its text', () => {
    const at = lines.findIndex((l) => l.includes('POST https://login.microsoftonline.com'));
    expect(lines[at]).toBe(
      '+    12 ms  acquire       C: POST https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token',
    );
    expect(lines[at + 1]).toBe(`${' '.repeat(29)}client_secret=<redacted>&grant_type=client_credentials`);
  });

  it('keeps the text as recorded, control characters shown as escapes', () => {
    const hostile = sampleReport();
    hostile.checks[0]?.transcript.push({ t: 7, dir: 's', step: 'auth', text: '535 no\u001b[2J\rPASS' });
    const out = renderTranscriptText(hostile);
    expect(out).toContain('S: 535 no\\x1b[2J\\x0dPASS');
    // eslint-disable-next-line no-control-regex -- checking that none are left
    expect(out).not.toMatch(/[\u0000-\u0008\u000b-\u001f]/);
  });

  it('renders a run with no checks', () => {
    const out = renderTranscriptText(emptyRun().report);
    expect(out).toContain('No check was run.');
    expect(out.split('\n').filter((l) => l.startsWith('+'))).toEqual([]);
  });
});
