import { describe, expect, it } from 'vitest';
import type { Direction, Protocol, StepId } from '../../../shared/report/model';
import {
  NO_FILTER,
  STEP_NAME,
  describeFilter,
  filterTranscript,
  firstMatchFrom,
  formatRow,
  passesFilter,
  searchTranscript,
  stepMatch,
  stepsPresent,
  toggleInFilter,
} from '../../../renderer/state/transcript-filter';
import { mergeByTime, type TranscriptRow } from '../../../renderer/state/transcript-rows';
import { STEP_ORDER } from '../../../renderer/state/run-state';

const PROTOCOLS: Protocol[] = ['token', 'imap', 'pop3', 'smtp'];
const DIRS: Direction[] = ['c', 's', 'i', 'e'];
const STEPS: StepId[] = ['dns', 'tcp', 'tls', 'greeting', 'capabilities', 'auth', 'mailbox', 'logout'];

/** A run-like transcript: protocols, directions and steps cycling, a rare error line. */
function bigTranscript(n: number): TranscriptRow[] {
  const rows: TranscriptRow[] = new Array<TranscriptRow>(n);
  for (let i = 0; i < n; i++) {
    const rare = i % 997 === 0;
    rows[i] = {
      id: i,
      protocol: PROTOCOLS[i % 4] as Protocol,
      t: i / 10,
      dir: rare ? 'e' : (DIRS[i % 3] as Direction),
      step: STEPS[i % 8] as StepId,
      text: rare
        ? `A${i} NO AUTHENTICATE failed.`
        : `* ${i} FETCH (UID ${i * 7} FLAGS (\\Seen) BODY[HEADER.FIELDS (SUBJECT)] {42}`,
    };
  }
  return rows;
}

describe('filterTranscript', () => {
  const rows = bigTranscript(1000);

  it('returns the same array when nothing is filtered', () => {
    expect(filterTranscript(rows, NO_FILTER)).toBe(rows);
  });

  it('keeps only the rows of the chosen protocols, directions and steps, in order', () => {
    const out = filterTranscript(rows, {
      protocols: new Set<Protocol>(['imap']),
      dirs: new Set<Direction>(['s']),
      steps: null,
    });
    expect(out.length).toBeGreaterThan(0);
    expect(out.every((r) => r.protocol === 'imap' && r.dir === 's')).toBe(true);
    expect(out.map((r) => r.id)).toEqual([...out.map((r) => r.id)].sort((a, b) => a - b));
    expect(
      out.every((r) => passesFilter(r, { protocols: new Set(['imap']), dirs: new Set(['s']), steps: null })),
    ).toBe(true);
  });

  it('an empty set shows nothing', () => {
    expect(filterTranscript(rows, { protocols: new Set(), dirs: null, steps: null })).toHaveLength(0);
  });

  it('filters and searches 100,000 lines (time reported, not asserted)', () => {
    const big = bigTranscript(100_000);
    const t0 = performance.now();
    const errors = filterTranscript(big, { protocols: null, dirs: new Set<Direction>(['e']), steps: null });
    const t1 = performance.now();
    const imapAuth = filterTranscript(big, {
      protocols: new Set<Protocol>(['imap']),
      dirs: null,
      steps: new Set<StepId>(['auth']),
    });
    const t2 = performance.now();
    const hits = searchTranscript(big, 'authenticate FAILED');
    const t3 = performance.now();
    console.info(
      `transcript of 100,000 lines: direction filter ${(t1 - t0).toFixed(1)} ms, protocol+step filter ${(t2 - t1).toFixed(1)} ms, search ${(t3 - t2).toFixed(1)} ms`,
    );
    expect(errors).toHaveLength(Math.ceil(100_000 / 997));
    expect(errors.every((r) => r.text.endsWith('NO AUTHENTICATE failed.'))).toBe(true);
    // imap is every 4th row (i % 4 === 1), auth every 8th (i % 8 === 5): i % 8 === 5 only.
    expect(imapAuth).toHaveLength(100_000 / 8);
    expect(imapAuth.every((r) => r.protocol === 'imap' && r.step === 'auth')).toBe(true);
    expect(hits).toHaveLength(errors.length);
  });
});

describe('search', () => {
  const rows = bigTranscript(3000);

  it('finds case-insensitively and ignores surrounding spaces; an empty query finds nothing', () => {
    expect(searchTranscript(rows, '  no authenticate ')).toHaveLength(Math.ceil(3000 / 997));
    expect(searchTranscript(rows, '   ')).toEqual([]);
  });

  it('steps through matches with wrap-around both ways', () => {
    expect(stepMatch(3, -1, 1)).toBe(0);
    expect(stepMatch(3, -1, -1)).toBe(2);
    expect(stepMatch(3, 2, 1)).toBe(0);
    expect(stepMatch(3, 0, -1)).toBe(2);
    expect(stepMatch(0, 0, 1)).toBe(-1);
  });

  it('starts from the first match at or after a position', () => {
    expect(firstMatchFrom([3, 10, 40], 0)).toBe(0);
    expect(firstMatchFrom([3, 10, 40], 11)).toBe(2);
    expect(firstMatchFrom([3, 10, 40], 41)).toBe(0);
    expect(firstMatchFrom([], 5)).toBe(-1);
  });
});

describe('helpers', () => {
  it('toggles a value in a set filter; all values selected means no filter', () => {
    const all = ['a', 'b', 'c'] as const;
    const one = toggleInFilter<string>(null, 'a', all);
    expect([...(one ?? [])].sort()).toEqual(['b', 'c']);
    expect(toggleInFilter(one, 'a', all)).toBeNull();
  });

  it('lists the steps present in pipeline order', () => {
    expect(stepsPresent(bigTranscript(16), STEP_ORDER)).toEqual(STEPS);
  });

  it('formats a row for copying with time, protocol, direction and step', () => {
    expect(
      formatRow({
        id: 0,
        protocol: 'smtp',
        t: 141.4,
        dir: 's',
        step: 'auth',
        text: '535 5.7.3 Authentication unsuccessful',
      }),
    ).toBe('  +0.141s smtp  S: [auth] 535 5.7.3 Authentication unsuccessful');
  });

  it('merges a late batch into the time order without losing or reordering equal times', () => {
    const row = (id: number, t: number): TranscriptRow => ({
      id,
      protocol: 'imap',
      t,
      dir: 'i',
      step: 'dns',
      text: '',
    });
    const merged = mergeByTime([row(0, 1), row(1, 5), row(2, 5), row(3, 9)], [row(4, 5), row(5, 7)]);
    expect(merged.map((r) => r.id)).toEqual([0, 1, 2, 4, 5, 3]);
    const appended = [row(0, 1)];
    expect(mergeByTime(appended, [])).toBe(appended);
  });
});

describe('the active filter in words', () => {
  it('says nothing when every line is shown', () => {
    expect(describeFilter(NO_FILTER)).toBeNull();
  });

  it('names the step clicked on a card, with its protocol', () => {
    expect(describeFilter({ protocols: new Set(['imap']), dirs: null, steps: new Set(['mailbox']) })).toBe(
      'Showing step Mailbox of IMAP',
    );
    expect(describeFilter({ protocols: null, dirs: null, steps: new Set(['auth']) })).toBe(
      'Showing step Sign-in',
    );
  });

  it('names protocols and directions when those are filtered', () => {
    expect(describeFilter({ protocols: new Set(['smtp', 'pop3']), dirs: null, steps: null })).toBe(
      'Showing SMTP, POP3 lines',
    );
    expect(describeFilter({ protocols: null, dirs: new Set(['s', 'e']), steps: null })).toBe(
      'Showing Server, Error only',
    );
    expect(
      describeFilter({ protocols: new Set(['imap']), dirs: new Set(['e']), steps: new Set(['tls']) }),
    ).toBe('Showing step TLS of IMAP from Error only');
  });

  it('has a name for every step the pipeline knows', () => {
    for (const step of STEP_ORDER) expect(STEP_NAME[step]).toMatch(/\S/);
  });
});
