// Which lines of a pasted text the diagnosis rests on: each finding quotes the lines it read in
// its evidence, so a line that a finding quotes is one of the errors found. Bounded: the first
// 5,000 lines are looked at, and only lines long enough to be told apart.
import type { Finding } from '../../../shared/report/model';

export interface ErrorLine {
  /** 1-based line number in the pasted text. */
  number: number;
  text: string;
  /** The causes whose evidence quotes this line, in the findings' order. */
  causes: string[];
}

const MAX_LINES = 5_000;
const MIN_LENGTH = 6;

export function errorLines(text: string, findings: readonly Finding[]): ErrorLine[] {
  const out: ErrorLine[] = [];
  const lines = text.split('\n', MAX_LINES);
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (line.length < MIN_LENGTH) return;
    const probe = line.slice(0, 300);
    const causes = findings.filter((f) => f.evidence.some((e) => e.includes(probe))).map((f) => f.cause);
    if (causes.length > 0) out.push({ number: index + 1, text: line, causes });
  });
  return out;
}
