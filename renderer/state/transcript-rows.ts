// The transcript as the viewer holds it: every entry of every check in one list, ordered by time,
// each with its protocol and a stable id (for selection and for links from findings).
import type { Direction, Protocol, Report, StepId } from '../../shared/report/model';

export interface TranscriptRow {
  /** Stable within one run's transcript; not the position. */
  id: number;
  protocol: Protocol;
  t: number;
  dir: Direction;
  step: StepId;
  text: string;
}

/**
 * Merges rows that are each ordered by time (a batch comes from one protocol) into one ordered
 * list. Rows of equal time keep their arrival order. Appending in order, the common case, is a
 * plain concatenation.
 */
export function mergeByTime(
  rows: readonly TranscriptRow[],
  incoming: readonly TranscriptRow[],
): readonly TranscriptRow[] {
  if (incoming.length === 0) return rows;
  const last = rows[rows.length - 1];
  const first = incoming[0];
  if (last === undefined || (first !== undefined && first.t >= last.t && isOrdered(incoming)))
    return rows.concat(incoming);
  const sortedIncoming = isOrdered(incoming) ? incoming : [...incoming].sort((a, b) => a.t - b.t);
  const out: TranscriptRow[] = new Array<TranscriptRow>(rows.length + sortedIncoming.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < rows.length && j < sortedIncoming.length) {
    const a = rows[i] as TranscriptRow;
    const b = sortedIncoming[j] as TranscriptRow;
    if (b.t < a.t) {
      out[k++] = b;
      j++;
    } else {
      out[k++] = a;
      i++;
    }
  }
  while (i < rows.length) out[k++] = rows[i++] as TranscriptRow;
  while (j < sortedIncoming.length) out[k++] = sortedIncoming[j++] as TranscriptRow;
  return out;
}

function isOrdered(rows: readonly TranscriptRow[]): boolean {
  for (let i = 1; i < rows.length; i++)
    if ((rows[i] as TranscriptRow).t < (rows[i - 1] as TranscriptRow).t) return false;
  return true;
}

/** The report's transcripts (one per check) as one list ordered by time. */
export function rowsFromReport(report: Report): TranscriptRow[] {
  const rows: TranscriptRow[] = [];
  for (const check of report.checks)
    for (const e of check.transcript)
      rows.push({ id: 0, protocol: check.protocol, t: e.t, dir: e.dir, step: e.step, text: e.text });
  // Stable: entries of one check with equal times keep their order.
  rows.sort((a, b) => a.t - b.t);
  for (let i = 0; i < rows.length; i++) (rows[i] as TranscriptRow).id = i;
  return rows;
}
