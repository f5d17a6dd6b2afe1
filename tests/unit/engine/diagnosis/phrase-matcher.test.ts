// The phrase matcher finds exactly what a naive search for every phrase at every offset finds,
// for short and long phrases (past the trie's anchor), overlapping ones and non-ASCII ones.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PhraseMatcher } from '../../../../electron/engine/diagnosis/knowledge/phrase-matcher';

function naive(text: string, phrases: string[]): string[] {
  const out: string[] = [];
  phrases.forEach((p, i) => {
    if (!p) return;
    for (let at = text.indexOf(p); at !== -1; at = text.indexOf(p, at + 1)) out.push(`${i}@${at}`);
  });
  return out.sort();
}

describe('PhraseMatcher', () => {
  it('finds every occurrence of every phrase, as a naive search does', () => {
    const alphabet = fc.constantFrom('a', 'b', 'c', ' ', 'é', '5', '.');
    const word = fc.array(alphabet, { minLength: 1, maxLength: 40 }).map((a) => a.join(''));
    fc.assert(
      fc.property(
        fc.array(word, { minLength: 1, maxLength: 12 }),
        fc.array(alphabet, { maxLength: 300 }),
        (phrases, chars) => {
          const text = chars.join('') + phrases.join('');
          const m = new PhraseMatcher<number>();
          phrases.forEach((p, i) => m.add(p, i));
          m.build();
          const found = m.find(text).map((h) => `${h.value}@${h.start}`);
          expect(found.sort()).toEqual(naive(text, phrases));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('stops at its hit limit', () => {
    const m = new PhraseMatcher<string>();
    m.add('ab', 'x');
    expect(m.find('ab'.repeat(100), 7)).toHaveLength(7);
  });
});
