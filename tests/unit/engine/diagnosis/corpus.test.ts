// `explain` against real failures as people reported them in public (tests/fixtures/explain-corpus):
// each case's confirmed cause should rank first, or at least in the top three; texts that are not
// mail-sign-in errors must give no finding. The accuracy is printed and held to a floor.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isCauseId } from '../../../../shared/diagnosis/catalog';
import { explain } from '../../../../electron/engine/diagnosis/explain';

interface CorpusCase {
  id: string;
  source: string;
  client: string;
  protocol: string | null;
  text: string;
  confirmedCause: string | null;
  candidates: string[];
  evidence: string;
}

const DIR = new URL('../../../fixtures/explain-corpus/', import.meta.url).pathname;
const cases: CorpusCase[] = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => JSON.parse(readFileSync(join(DIR, f), 'utf8')) as CorpusCase);

const confirmed = cases.filter((c) => c.confirmedCause !== null);
const open = cases.filter((c) => c.confirmedCause === null && c.candidates.length > 0);
const unrelated = cases.filter((c) => c.confirmedCause === null && c.candidates.length === 0);
const tally = { top1: 0, top3: 0, misses: [] as string[] };

afterAll(() => {
  const n = confirmed.length;
  console.log(
    `explain corpus: ${cases.length} cases (${n} confirmed, ${open.length} open, ${unrelated.length} unrelated); ` +
      `top-1 ${tally.top1}/${n} (${((100 * tally.top1) / n).toFixed(0)}%), top-3 ${tally.top3}/${n} (${((100 * tally.top3) / n).toFixed(0)}%)`,
  );
  if (tally.misses.length) console.log(`not in the top three:\n  ${tally.misses.join('\n  ')}`);
});

describe('the corpus', () => {
  it('is large enough and uses catalog ids only', () => {
    expect(cases.length).toBeGreaterThanOrEqual(60);
    for (const c of cases) {
      if (c.confirmedCause !== null)
        expect(isCauseId(c.confirmedCause), `${c.id}: ${c.confirmedCause}`).toBe(true);
      for (const cand of c.candidates) expect(isCauseId(cand), `${c.id}: ${cand}`).toBe(true);
      expect(c.source).toMatch(/^https:\/\//);
    }
  });
});

describe('confirmed causes', () => {
  it('rank the confirmed cause first for most cases, and in the top three for nearly all', () => {
    for (const c of confirmed) {
      const causes = explain(c.text).map((f) => f.cause);
      if (causes[0] === c.confirmedCause) tally.top1 += 1;
      if (causes.slice(0, 3).includes(c.confirmedCause ?? '')) tally.top3 += 1;
      else
        tally.misses.push(
          `${c.id}: expected ${c.confirmedCause ?? ''}, got [${causes.slice(0, 3).join(', ')}]`,
        );
    }
    expect(tally.top3 / confirmed.length).toBeGreaterThanOrEqual(0.8);
    expect(tally.top1 / confirmed.length).toBeGreaterThanOrEqual(0.65);
  });
});

describe('cases the public thread left open', () => {
  it.each(open.map((c) => [c.id, c] as const))('%s: no confident answer outside the candidates', (_id, c) => {
    for (const f of explain(c.text))
      if (f.confidence === 'high')
        expect(c.candidates, `${c.id}: high confidence in ${f.cause}`).toContain(f.cause);
  });
});

describe('texts that are not mail sign-in errors', () => {
  it.each(unrelated.map((c) => [c.id, c] as const))('%s gives no finding', (_id, c) => {
    expect(explain(c.text)).toEqual([]);
  });
});
