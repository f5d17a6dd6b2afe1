// The run view's clock, limits and step details: one clock for live and final times, each step
// against the timeout the engine arms for it, and the TLS and greeting details as text.
import { describe, expect, it } from 'vitest';
import type { RunProgress } from '../../../shared/api/contract';
import type { Report } from '../../../shared/report/model';
import {
  applyProgress,
  checkElapsedMs,
  endpointText,
  finishRun,
  runElapsedMs,
  startRun,
  stepElapsedMs,
  stepFacts,
  stepTimeoutMs,
} from '../../../renderer/state/run-state';
import { formatAgainst, formatDuration, formatLimit } from '../../../renderer/state/format';

const RUN = 'run-1';
const TIMEOUTS = { connectMs: 10_000, greetingMs: 15_000, commandMs: 30_000 };

function progress(seq: number, p: Partial<RunProgress> & Pick<RunProgress, 'step' | 'at'>): RunProgress {
  return { runId: RUN, seq, protocol: 'imap', state: 'started', ...p };
}

function started(now: number) {
  return startRun({ runId: RUN, profileId: 'p', protocols: ['imap'], withToken: false, now });
}

describe('one clock for live and final times', () => {
  it('counts from the engine’s zero, placed by the earliest arrival of a progress event', () => {
    // The renderer asked at 1000; the engine's clock started at 1040 (the request took 40 ms).
    let run = started(1000);
    expect(runElapsedMs(run, 1100)).toBe(100);
    // dns said at 2 ms arrived at 1050 (8 ms on the way), tcp said at 10 ms arrived at 1051.
    run = applyProgress(run, progress(0, { step: 'dns', at: 2 }), 1050);
    expect(run.clockOriginWall).toBe(1048);
    run = applyProgress(run, progress(1, { step: 'tcp', at: 10 }), 1051);
    expect(run.clockOriginWall).toBe(1041);
    // A late arrival does not move the zero later.
    run = applyProgress(run, progress(2, { step: 'greeting', at: 20 }), 1500);
    expect(run.clockOriginWall).toBe(1041);
    expect(runElapsedMs(run, 4241)).toBe(3200);
    const imap = run.checks.find((c) => c.protocol === 'imap');
    const greeting = imap?.steps.find((s) => s.id === 'greeting');
    if (!imap || !greeting) throw new Error('no greeting step');
    expect(stepElapsedMs(run, greeting, 4241)).toBe(3180);
    expect(checkElapsedMs(run, imap, 4241)).toBe(3198);
  });

  it('ends on the report’s own figure, which the live time was counting towards', () => {
    let run = started(1000);
    run = applyProgress(run, progress(0, { step: 'dns', at: 0 }), 1040);
    const live = runElapsedMs(run, 1040 + 4230);
    const report = {
      durationMs: 4230,
      checks: [{ protocol: 'imap', verdict: 'pass', durationMs: 4230, steps: [], transcript: [] }],
      target: { mailbox: 'a@b', credential: 'password', mechanism: 'auto' },
      findings: [],
    } as unknown as Report;
    run = finishRun(run, { ok: true, value: report });
    expect(runElapsedMs(run, 999_999)).toBe(4230);
    expect(formatDuration(live)).toBe(formatDuration(runElapsedMs(run, 0)));
    expect(formatDuration(live)).toBe('4.23 s');
  });
});

describe('a step against its timeout', () => {
  it('gives each step the limit the engine arms for it', () => {
    expect(stepTimeoutMs('tcp', TIMEOUTS)).toBe(10_000);
    expect(stepTimeoutMs('tls', TIMEOUTS)).toBe(10_000);
    expect(stepTimeoutMs('starttls', TIMEOUTS)).toBe(10_000);
    expect(stepTimeoutMs('greeting', TIMEOUTS)).toBe(15_000);
    expect(stepTimeoutMs('auth', TIMEOUTS)).toBe(30_000);
    expect(stepTimeoutMs('acquire', TIMEOUTS)).toBe(30_000);
    expect(stepTimeoutMs('roundtrip', TIMEOUTS)).toBe(60_000);
    expect(stepTimeoutMs('inspect', TIMEOUTS)).toBeNull();
    expect(stepTimeoutMs('auth', null)).toBeNull();
  });

  it('says it as "4.20 s of 30 s", the elapsed part in the words of the final time', () => {
    expect(formatAgainst(4200, 30_000)).toBe('4.20 s of 30 s');
    expect(formatAgainst(4200, 30_000).split(' of ')[0]).toBe(formatDuration(4200));
    expect(formatAgainst(49, 15_000)).toBe('49 ms of 15 s');
    expect(formatAgainst(10_000, 10_000)).toBe('10.0 s of 10 s');
    expect(formatAgainst(1234, null)).toBe('1.23 s');
    expect(formatLimit(1500)).toBe('1.5 s');
    expect(formatLimit(60_000)).toBe('1 min');
    expect(formatLimit(90_000)).toBe('1 min 30 s');
    expect(formatLimit(250)).toBe('250 ms');
  });
});

describe('the step details as text', () => {
  it('TLS: version, cipher, the certificate’s subject and issuer', () => {
    const facts = stepFacts({
      id: 'tls',
      detail: {
        protocol: 'TLSv1.3',
        cipher: 'TLS_AES_256_GCM_SHA384',
        chain: [
          { subject: 'CN=outlook.com, O=Microsoft Corporation', issuer: 'CN=DigiCert Cloud Services CA-1' },
        ],
      },
    });
    expect(facts).toEqual([
      { label: 'Version', value: 'TLS 1.3' },
      { label: 'Cipher', value: 'TLS_AES_256_GCM_SHA384' },
      { label: 'Certificate', value: 'CN=outlook.com, O=Microsoft Corporation' },
      { label: 'Issued by', value: 'CN=DigiCert Cloud Services CA-1' },
    ]);
  });

  it('greeting: as the server said it, and the backend it hides in base64', () => {
    const imap = stepFacts({
      id: 'greeting',
      detail: {
        greeting: '* OK The Microsoft Exchange IMAP4 service is ready. [TABB...]',
        backendServer: 'AM0PR01MB1234.eurprd01.prod.exchangelabs.com',
      },
    });
    expect(imap).toEqual([
      { label: 'Server said', value: '* OK The Microsoft Exchange IMAP4 service is ready. [TABB...]' },
      { label: 'Backend (decoded)', value: 'AM0PR01MB1234.eurprd01.prod.exchangelabs.com' },
    ]);
    const smtp = stepFacts({ id: 'greeting', detail: { greeting: '220 host ESMTP ready', server: 'host' } });
    expect(smtp.map((f) => f.label)).toEqual(['Server said', 'Server']);
    expect(stepFacts({ id: 'auth', detail: { mechanism: 'XOAUTH2' } })).toEqual([]);
    expect(stepFacts({ id: 'tls', detail: null })).toEqual([]);
  });

  it('an endpoint with its security mode in full', () => {
    expect(endpointText({ host: 'outlook.office365.com', port: 993, security: 'tls' })).toBe(
      'outlook.office365.com:993 · implicit TLS',
    );
    expect(endpointText({ host: 'smtp.office365.com', port: 587, security: 'starttls' })).toBe(
      'smtp.office365.com:587 · STARTTLS',
    );
    expect(endpointText({ host: 'mail.local', port: 143, security: 'none' })).toBe('mail.local:143 · none');
  });
});
