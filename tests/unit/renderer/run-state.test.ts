import { describe, expect, it } from 'vitest';
import type { RunProgress, TranscriptBatch } from '../../../shared/api/contract';
import type { Report } from '../../../shared/report/model';
import {
  applyProgress,
  applySignIn,
  awaitedSignIn,
  applyTranscript,
  expectedSteps,
  finishRun,
  markCancelling,
  startRun,
  summarizeRun,
  type RunState,
} from '../../../renderer/state/run-state';

const RUN = 'run-1';

function fresh(): RunState {
  return startRun({
    runId: RUN,
    profileId: 'demo',
    protocols: ['smtp', 'imap'],
    withToken: true,
    endpoints: {
      imap: { host: 'outlook.office365.com', port: 993, security: 'tls' },
      smtp: { host: 'smtp.office365.com', port: 587, security: 'starttls' },
    },
    now: 1000,
  });
}

function progress(
  seq: number,
  p: Partial<RunProgress> & Pick<RunProgress, 'protocol' | 'step'>,
): RunProgress {
  return { runId: RUN, seq, state: 'started', at: seq * 10, ...p };
}

function batch(
  seq: number,
  protocol: TranscriptBatch['protocol'],
  ts: number[],
  runId = RUN,
): TranscriptBatch {
  return {
    runId,
    seq,
    protocol,
    entries: ts.map((t) => ({ t, dir: 's', step: 'greeting', text: `${protocol} line at ${t}` })),
  };
}

describe('startRun', () => {
  it('lists the token check first, then the mail checks in protocol order, all pending', () => {
    const run = fresh();
    expect(run.checks.map((c) => c.protocol)).toEqual(['token', 'imap', 'smtp']);
    expect(run.checks.every((c) => c.verdict === 'pending')).toBe(true);
    expect(run.checks[1]?.steps.map((s) => s.id)).toEqual(expectedSteps('imap', 'tls'));
    // SMTP on 587 upgrades with STARTTLS after the EHLO: no implicit tls step.
    expect(run.checks[2]?.steps.map((s) => s.id)).toEqual([
      'dns',
      'tcp',
      'greeting',
      'capabilities',
      'starttls',
      'auth',
      'mailbox',
      'logout',
    ]);
  });

  it('has no token check for a password credential', () => {
    const run = startRun({ runId: 'r', profileId: 'p', protocols: ['pop3'], withToken: false, now: 0 });
    expect(run.checks.map((c) => c.protocol)).toEqual(['pop3']);
  });
});

describe('applyProgress', () => {
  it('marks the started step running and closes the previous one with its duration', () => {
    let run = fresh();
    run = applyProgress(run, progress(0, { protocol: 'imap', step: 'dns', at: 100 }));
    run = applyProgress(run, progress(1, { protocol: 'imap', step: 'tcp', at: 104 }));
    const imap = run.checks.find((c) => c.protocol === 'imap');
    expect(imap?.verdict).toBe('running');
    expect(imap?.steps[0]).toMatchObject({ id: 'dns', status: 'done', durationMs: 4 });
    expect(imap?.steps[1]).toMatchObject({ id: 'tcp', status: 'running', startedAt: 104 });
    expect(imap?.steps[2]?.status).toBe('pending');
  });

  it('settles the check on "finished": the running step takes the verdict, unreached steps are skipped', () => {
    let run = fresh();
    run = applyProgress(run, progress(0, { protocol: 'smtp', step: 'dns', at: 0 }));
    run = applyProgress(run, progress(1, { protocol: 'smtp', step: 'auth', at: 30 }));
    run = applyProgress(
      run,
      progress(2, { protocol: 'smtp', step: 'logout', state: 'finished', status: 'fail', at: 42 }),
    );
    const smtp = run.checks.find((c) => c.protocol === 'smtp');
    expect(smtp?.verdict).toBe('fail');
    expect(smtp?.durationMs).toBe(42);
    expect(smtp?.steps.find((s) => s.id === 'auth')).toMatchObject({ status: 'fail', durationMs: 12 });
    expect(smtp?.steps.find((s) => s.id === 'mailbox')?.status).toBe('skipped');
  });

  it('drops events of another run, and stale or repeated sequence numbers', () => {
    let run = fresh();
    run = applyProgress(run, progress(5, { protocol: 'imap', step: 'tcp', at: 50 }));
    const before = run;
    run = applyProgress(run, { ...progress(6, { protocol: 'imap', step: 'tls' }), runId: 'old-run' });
    run = applyProgress(run, progress(5, { protocol: 'imap', step: 'tls' }));
    run = applyProgress(run, progress(3, { protocol: 'imap', step: 'dns' }));
    expect(run.checks).toBe(before.checks);
    expect(run.dropped).toBe(3);
    expect(run.progressSeq).toBe(5);
  });

  it('inserts a step the plan did not expect in pipeline order', () => {
    let run = fresh();
    run = applyProgress(run, progress(0, { protocol: 'smtp', step: 'send', at: 5 }));
    const ids = run.checks.find((c) => c.protocol === 'smtp')?.steps.map((s) => s.id);
    expect(ids?.indexOf('send')).toBe((ids?.indexOf('mailbox') ?? -2) + 1);
  });

  it('ignores events once the run has ended', () => {
    const done = finishRun(fresh(), { ok: false, error: { code: 'X', message: 'boom' } });
    expect(applyProgress(done, progress(0, { protocol: 'imap', step: 'dns' })).checks).toBe(done.checks);
  });
});

describe('applyTranscript', () => {
  it('appends batches in seq order and keeps the rows ordered by time across protocols', () => {
    let run = fresh();
    run = applyTranscript(run, batch(0, 'token', [1, 2]));
    run = applyTranscript(run, batch(1, 'imap', [5, 9]));
    run = applyTranscript(run, batch(2, 'smtp', [6, 7]));
    expect(run.transcript.map((r) => r.t)).toEqual([1, 2, 5, 6, 7, 9]);
    expect(run.transcript.map((r) => r.protocol)).toEqual(['token', 'token', 'imap', 'smtp', 'smtp', 'imap']);
    expect(new Set(run.transcript.map((r) => r.id)).size).toBe(6);
  });

  it('holds a batch that arrives early until the missing one comes', () => {
    let run = fresh();
    run = applyTranscript(run, batch(1, 'imap', [10]));
    expect(run.transcript).toHaveLength(0);
    expect(run.pendingBatches).toHaveLength(1);
    run = applyTranscript(run, batch(0, 'imap', [5]));
    expect(run.transcript.map((r) => r.t)).toEqual([5, 10]);
    expect(run.pendingBatches).toHaveLength(0);
    expect(run.transcriptSeq).toBe(2);
  });

  it('drops repeated batches and batches of another run', () => {
    let run = fresh();
    run = applyTranscript(run, batch(0, 'imap', [5]));
    run = applyTranscript(run, batch(0, 'imap', [5]));
    run = applyTranscript(run, batch(1, 'imap', [6], 'stale-run'));
    expect(run.transcript).toHaveLength(1);
    expect(run.dropped).toBe(2);
  });

  it('gives up on a gap that never closes rather than holding lines forever', () => {
    let run = fresh();
    for (let seq = 1; seq <= 33; seq++) run = applyTranscript(run, batch(seq, 'imap', [seq]));
    expect(run.pendingBatches).toHaveLength(0);
    expect(run.transcript).toHaveLength(33);
    expect(run.transcriptSeq).toBe(34);
  });
});

describe('finishRun and summarizeRun', () => {
  const report: Report = {
    schema: 'mailprobe.report/1',
    verdict: 'fail',
    startedAt: '2026-01-01T00:00:00.000Z',
    durationMs: 140,
    target: {
      mailbox: 'alice@contoso.com',
      credential: 'client-secret',
      mechanism: 'auto',
      imap: { host: '127.0.0.1', port: 40993, security: 'tls' },
    },
    token: null,
    checks: [
      {
        protocol: 'imap',
        verdict: 'fail',
        durationMs: 40,
        steps: [
          { id: 'auth', status: 'fail', durationMs: 7, summary: 'NO AUTHENTICATE failed.', detail: {} },
        ],
        transcript: [
          { t: 20, dir: 'c', step: 'auth', text: 'a AUTHENTICATE XOAUTH2' },
          { t: 27, dir: 's', step: 'auth', text: 'a NO AUTHENTICATE failed.' },
        ],
      },
      {
        protocol: 'token',
        verdict: 'pass',
        durationMs: 12,
        steps: [{ id: 'acquire', status: 'pass', durationMs: 12, summary: 'ok', detail: {} }],
        transcript: [{ t: 1, dir: 'i', step: 'acquire', text: 'Asking for a token' }],
      },
    ],
    findings: [],
  };

  it('takes the report as the truth: steps, endpoints, the whole transcript in time order', () => {
    const run = finishRun(applyTranscript(fresh(), batch(0, 'imap', [3])), { ok: true, value: report });
    expect(run.phase).toBe('done');
    expect(run.checks.map((c) => c.protocol)).toEqual(['token', 'imap']);
    expect(run.checks[1]?.endpoint?.port).toBe(40993);
    expect(run.checks[1]?.steps[0]).toMatchObject({
      id: 'auth',
      status: 'fail',
      summary: 'NO AUTHENTICATE failed.',
    });
    expect(run.transcript.map((r) => r.text)).toEqual([
      'Asking for a token',
      'a AUTHENTICATE XOAUTH2',
      'a NO AUTHENTICATE failed.',
    ]);
    expect(summarizeRun(run)).toMatchObject({ verdict: 'fail', headline: '1 of 2 checks failed: IMAP' });
  });

  it('keeps the error of a run that could not complete', () => {
    let run = applyProgress(fresh(), progress(0, { protocol: 'imap', step: 'dns' }));
    run = finishRun(run, { ok: false, error: { code: 'TARGET', message: 'No secret is stored' } });
    expect(run.phase).toBe('failed');
    expect(run.checks.every((c) => c.verdict === 'skipped')).toBe(true);
    expect(summarizeRun(run).verdict).toBe('error');
  });

  it('says how far a live run is', () => {
    let run = applyProgress(
      fresh(),
      progress(0, { protocol: 'token', step: 'inspect', state: 'finished', status: 'pass' }),
    );
    run = markCancelling(run);
    expect(summarizeRun(run).headline).toBe('Cancelling: 1 of 3 checks done');
  });
});

describe('a sign-in the run waits for', () => {
  const prompt = {
    runId: RUN,
    message:
      'To sign in, use a web browser to open the page https://127.0.0.1:1/devicelogin and enter the code ABCDEFGH2 to authenticate.',
    verificationUri: 'https://127.0.0.1:1/devicelogin',
    userCode: 'ABCDEFGH2',
    expiresInSeconds: 900,
    demoUsers: [],
  };

  it('is shown while the token is awaited, and gone once acquire finishes or the run ends', () => {
    let run = applySignIn(
      applyProgress(fresh(), progress(0, { protocol: 'token', step: 'acquire' })),
      prompt,
      5000,
    );
    expect(awaitedSignIn(run)).toMatchObject({ userCode: 'ABCDEFGH2', receivedAtWall: 5000 });
    const finished = applyProgress(
      run,
      progress(1, { protocol: 'token', step: 'acquire', state: 'finished', status: 'pass' }),
    );
    expect(awaitedSignIn(finished)).toBeNull();
    run = markCancelling(run);
    expect(awaitedSignIn(run)).toBeNull();
  });

  it('is not there for a run that never asked', () => {
    expect(awaitedSignIn(fresh())).toBeNull();
  });
});
