import { describe, expect, it } from 'vitest';
import type { Finding } from '../../../shared/report/model';
import { findEvidenceRow, linkFindings, parseEvidence } from '../../../renderer/state/finding-links';
import type { TranscriptRow } from '../../../renderer/state/transcript-rows';

// Lines as the lab's no-mailbox-permission scenario writes them.
const rows: TranscriptRow[] = [
  {
    id: 0,
    protocol: 'token',
    t: 54,
    dir: 'c',
    step: 'acquire',
    text: 'POST https://127.0.0.1:44815/tenant/oauth2/v2.0/token',
  },
  { id: 1, protocol: 'token', t: 57, dir: 's', step: 'acquire', text: 'HTTP 401 Unauthorized (4 ms)' },
  {
    id: 2,
    protocol: 'token',
    t: 58,
    dir: 's',
    step: 'acquire',
    text: '{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided."}',
  },
  {
    id: 3,
    protocol: 'imap',
    t: 140,
    dir: 's',
    step: 'capabilities',
    text: '4 BAD User is authenticated but not connected.',
  },
  { id: 4, protocol: 'imap', t: 143, dir: 'e', step: 'mailbox', text: 'Authentication failed' },
  {
    id: 5,
    protocol: 'pop3',
    t: 140,
    dir: 's',
    step: 'auth',
    text: '-ERR Authentication failure: unknown user name or bad password.',
  },
  {
    id: 6,
    protocol: 'smtp',
    t: 141,
    dir: 'i',
    step: 'auth',
    text: 'Server said: 535 5.7.3 Authentication unsuccessful [LAB01 2026]',
  },
  {
    id: 7,
    protocol: 'smtp',
    t: 141,
    dir: 's',
    step: 'auth',
    text: '535 5.7.3 Authentication unsuccessful [LAB01 2026]',
  },
];

function finding(cause: string, evidence: string[]): Finding {
  return {
    cause,
    confidence: 'medium',
    protocol: null,
    title: cause,
    explanation: '',
    evidence,
    fix: { steps: [], commands: [] },
    docs: [],
  };
}

describe('parseEvidence', () => {
  it('reads the protocol and step prefix the diagnosis writes', () => {
    expect(parseEvidence('smtp auth: 535 5.7.3 Authentication unsuccessful')).toEqual({
      protocol: 'smtp',
      step: 'auth',
      needle: '535 5.7.3 Authentication unsuccessful',
    });
    expect(parseEvidence('token endpoint: AADSTS7000215: Invalid client secret provided.')).toEqual({
      protocol: 'token',
      step: 'acquire',
      needle: 'AADSTS7000215: Invalid client secret provided.',
    });
    expect(parseEvidence('mail: connection reset')).toEqual({
      protocol: null,
      step: null,
      needle: 'connection reset',
    });
  });

  it('keeps free text whole', () => {
    expect(parseEvidence('token: no roles claim at all')).toMatchObject({
      protocol: 'token',
      needle: 'no roles claim at all',
    });
    expect(parseEvidence('XOAUTH2 user=app is not a mailbox')).toEqual({
      protocol: null,
      step: null,
      needle: 'XOAUTH2 user=app is not a mailbox',
    });
  });
});

describe('linking evidence to the transcript', () => {
  it('finds the quoted line even when the step differs (the BAD came during NAMESPACE)', () => {
    expect(findEvidenceRow(rows, 'imap mailbox: 4 BAD User is authenticated but not connected.')).toBe(3);
  });

  it("prefers the server's own line over an info line repeating it", () => {
    expect(findEvidenceRow(rows, 'smtp auth: 535 5.7.3 Authentication unsuccessful [LAB01 2026]')).toBe(7);
  });

  it('links token endpoint errors to the response body', () => {
    expect(findEvidenceRow(rows, 'token endpoint: AADSTS7000215: Invalid client secret provided.')).toBe(2);
  });

  it('prefers the named protocol when several protocols say the same', () => {
    const twice: TranscriptRow[] = [
      { id: 10, protocol: 'imap', t: 1, dir: 's', step: 'auth', text: 'NO AUTHENTICATE failed.' },
      { id: 11, protocol: 'pop3', t: 2, dir: 's', step: 'auth', text: 'NO AUTHENTICATE failed.' },
    ];
    expect(findEvidenceRow(twice, 'pop3 auth: NO AUTHENTICATE failed.')).toBe(11);
  });

  it('leaves unlinked what the transcript does not contain, or what is too short to be a quote', () => {
    expect(
      findEvidenceRow(rows, 'token: no roles claim at all (app-only token without consented permissions)'),
    ).toBeNull();
    expect(findEvidenceRow(rows, 'imap auth: NO')).toBeNull();
  });

  it('links every finding, in order', () => {
    const links = linkFindings(rows, [
      finding('grant.mailbox_permission_missing', [
        'imap mailbox: 4 BAD User is authenticated but not connected.',
        'pop3 auth: -ERR Authentication failure: unknown user name or bad password.',
      ]),
      finding('token.invalid_secret', [
        'token endpoint: AADSTS7000215: Invalid client secret provided.',
        'no such line anywhere',
      ]),
    ]);
    expect(links.map((l) => l.map((e) => e.rowId))).toEqual([
      [3, 5],
      [2, null],
    ]);
  });

  it('matches a long quote on its start over 100,000 rows', () => {
    const many: TranscriptRow[] = Array.from({ length: 100_000 }, (_, i) => ({
      id: i,
      protocol: 'imap',
      t: i,
      dir: 's',
      step: 'mailbox',
      text: `* ${i} FETCH (FLAGS (\\Seen))`,
    }));
    many.push({
      id: 100_000,
      protocol: 'smtp',
      t: 100_000,
      dir: 's',
      step: 'send',
      text: `554 5.2.252 SendAsDenied; ${'x'.repeat(300)}`,
    });
    const t0 = performance.now();
    const id = findEvidenceRow(many, `smtp send: 554 5.2.252 SendAsDenied; ${'x'.repeat(300)}`);
    console.info(`evidence link over 100,001 rows: ${(performance.now() - t0).toFixed(1)} ms`);
    expect(id).toBe(100_000);
  });
});
