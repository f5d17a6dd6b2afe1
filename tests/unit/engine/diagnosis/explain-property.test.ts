// explain on anything a person or an attacker can paste: random text, random mixtures of the
// fragments real errors are made of, escapes, long runs. It never throws, always ends, and every
// finding it gives is a catalog cause with a confidence level and a fix.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isCauseId } from '../../../../shared/diagnosis/catalog';
import { explain, whatWasRead } from '../../../../electron/engine/diagnosis/explain';
import { readText } from '../../../../electron/engine/diagnosis/reader';

/** Pieces of real error texts and of the syntax the reader decodes. */
const FRAGMENTS = [
  'AADSTS',
  'AADSTS7000215',
  'AADSTS7000XXX',
  'Error Code: 53003',
  '"error_codes":[',
  '535 5.7.139 Authentication unsuccessful',
  '5.7.',
  'SendAsDenied',
  'NO AUTHENTICATE failed.',
  '-ERR ',
  '+ ',
  '334 ',
  'user=',
  'auth=Bearer ',
  'dXNlcj1',
  'eyJ',
  '.eyJ',
  'XOAUTH2 ',
  '@',
  'alice@contoso.com',
  'New-ServicePrincipal -ObjectId ',
  '\\u00e9',
  '\\n',
  '\\"',
  '%20',
  '%E2%80',
  '&amp;',
  '&#x41;',
  '<br>',
  '<div class="x">',
  '\u2019',
  '\u00e9',
  'e\u0301',
  '\n',
  '\r\n',
  '  ',
  '{"error":"invalid_grant"',
  'outlook.office365.com',
  'smtp.gmail.com',
  'Postfix',
];

const pasted = fc.oneof(
  fc.string({ maxLength: 400 }),
  fc.string({ unit: 'binary', maxLength: 400 }),
  fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 80 }).map((parts) => parts.join('')),
  fc
    .tuple(fc.constantFrom(...FRAGMENTS), fc.integer({ min: 1, max: 4000 }))
    .map(([fragment, times]) => fragment.repeat(times)),
  fc
    .array(fc.oneof(fc.constantFrom(...FRAGMENTS), fc.string({ maxLength: 20 })), { maxLength: 60 })
    .map((parts) => parts.join(' ')),
);

describe('explain on any input', () => {
  it('never throws and gives only well-formed findings', () => {
    fc.assert(
      fc.property(pasted, (text) => {
        const findings = explain(text);
        expect(Array.isArray(findings)).toBe(true);
        for (const f of findings) {
          expect(isCauseId(f.cause)).toBe(true);
          expect(['high', 'medium', 'low']).toContain(f.confidence);
          expect(f.title.length).toBeGreaterThan(0);
          expect(f.fix.steps.length + f.fix.commands.length).toBeGreaterThan(0);
        }
        // At most one certain cause per protocol.
        const certain = findings.filter((f) => f.confidence === 'high').map((f) => f.protocol ?? 'any');
        expect(new Set(certain).size).toBe(certain.length);
      }),
      { numRuns: 300 },
    );
  });

  it('reads any input into lines whose folded offsets stay in the folded text', () => {
    fc.assert(
      fc.property(pasted, (text) => {
        const read = readText(text);
        expect(read.lineStarts.length).toBe(read.lines.length);
        for (const start of read.lineStarts) expect(start).toBeLessThanOrEqual(read.folded.length);
        const summary = whatWasRead(text);
        expect(summary.failureLines.length).toBeLessThanOrEqual(5);
      }),
      { numRuns: 300 },
    );
  });

  // Forty megabytes in all: the bound only says that each one ends (a backtracking pattern would
  // take minutes); how fast is the benchmark's to measure, not this test's.
  it(
    'answers a megabyte of each adversarial run (the time is measured by the benchmark)',
    { timeout: 120_000 },
    () => {
      const MB = 1024 * 1024;
      for (const fragment of FRAGMENTS) {
        const text = fragment.repeat(Math.ceil(MB / fragment.length));
        expect(Array.isArray(explain(text))).toBe(true);
      }
    },
  );
});
