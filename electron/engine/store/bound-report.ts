// A kept run (history, bundle) is bounded in size: each check's transcript is already bounded
// where it is recorded, but three checks at their bound would make a file of hundreds of MB that
// the app then reads, zips and previews whole. Past the bound, a transcript keeps its start and
// its end (where a failure usually is) with a visible marker between them.
import type { Report, TranscriptEntry } from '../../../shared/report/model';

/** Characters of transcript text a kept run holds at most, across its checks. */
export const MAX_KEPT_TRANSCRIPT_CHARS = 8_000_000;

function size(entries: readonly TranscriptEntry[]): number {
  return entries.reduce((sum, e) => sum + e.text.length, 0);
}

/** Entries from the start (or the end) of `entries` within `budget` characters. */
function take(entries: readonly TranscriptEntry[], budget: number, fromEnd: boolean): TranscriptEntry[] {
  const out: TranscriptEntry[] = [];
  let used = 0;
  for (let i = 0; i < entries.length; i += 1) {
    const entry = entries[fromEnd ? entries.length - 1 - i : i];
    if (!entry || used + entry.text.length > budget) break;
    out.push(entry);
    used += entry.text.length;
  }
  return fromEnd ? out.reverse() : out;
}

export function boundReport(report: Report, maxChars = MAX_KEPT_TRANSCRIPT_CHARS): Report {
  const total = report.checks.reduce((sum, c) => sum + size(c.transcript), 0);
  if (total <= maxChars) return report;
  const share = Math.floor(maxChars / Math.max(1, report.checks.length));
  return {
    ...report,
    checks: report.checks.map((check) => {
      if (size(check.transcript) <= share) return check;
      const head = take(check.transcript, Math.floor((share * 2) / 3), false);
      const tail = take(check.transcript.slice(head.length), Math.floor(share / 3), true);
      const left = check.transcript.length - head.length - tail.length;
      const at = head.at(-1) ?? check.transcript[0];
      const marker: TranscriptEntry = {
        t: at?.t ?? 0,
        dir: 'e',
        step: at?.step ?? 'dns',
        text: `[${left} lines not kept: this run's transcript is larger than ${Math.round(maxChars / 1_000_000)} million characters; its start and end are kept]`,
      };
      return { ...check, transcript: [...head, marker, ...tail] };
    }),
  };
}
