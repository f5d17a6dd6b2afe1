// A kept run stays within its size bound: small runs are kept as they are; a huge transcript
// keeps its start and its end, with a marker saying how many lines were left out.
import { describe, expect, it } from 'vitest';
import type { CheckResult, Report } from '../../../../shared/report/model';
import { boundReport } from '../../../../electron/engine/store/bound-report';

function check(protocol: CheckResult['protocol'], lines: number, chars: number): CheckResult {
  return {
    protocol,
    verdict: 'fail',
    durationMs: 1,
    steps: [],
    transcript: Array.from({ length: lines }, (_, i) => ({
      t: i,
      dir: 's' as const,
      step: 'mailbox' as const,
      text: `${String(i).padStart(6, '0')}${'x'.repeat(chars - 6)}`,
    })),
  };
}

function report(checks: CheckResult[]): Report {
  return {
    schema: 'mailprobe.report/1',
    verdict: 'fail',
    startedAt: '2026-11-24T10:00:00.000Z',
    durationMs: 1,
    target: { mailbox: 'a@b.test', credential: 'none', mechanism: 'auto' },
    token: null,
    checks,
    findings: [],
  };
}

describe('boundReport', () => {
  it('keeps a run within the bound as it is', () => {
    const small = report([check('imap', 10, 100)]);
    expect(boundReport(small, 10_000)).toBe(small);
  });

  it('keeps the start and the end of a huge transcript, and says what was left out', () => {
    const big = report([check('imap', 1000, 100), check('smtp', 5, 100)]);
    const kept = boundReport(big, 20_000);
    const imap = kept.checks[0]?.transcript ?? [];
    const chars = kept.checks.reduce(
      (sum, c) => sum + c.transcript.reduce((s, e) => s + e.text.length, 0),
      0,
    );
    expect(chars).toBeLessThanOrEqual(20_000 + 200);
    expect(imap[0]?.text.startsWith('000000')).toBe(true);
    expect(imap.at(-1)?.text.startsWith('000999')).toBe(true);
    const marker = imap.find((e) => e.dir === 'e');
    expect(marker?.text).toMatch(/^\[\d+ lines not kept: this run's transcript is larger than/);
    const left = Number(/^\[(\d+)/.exec(marker?.text ?? '')?.[1]);
    expect(left + imap.length - 1).toBe(1000);
    // The small check is untouched.
    expect(kept.checks[1]).toBe(big.checks[1]);
  });
});
