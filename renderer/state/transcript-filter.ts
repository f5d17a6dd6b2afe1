// Filtering, searching and copying the transcript: pure functions over arrays of rows, written
// for 100,000 rows (one pass, no allocation per row beyond the result).
import { PROTOCOL_LABEL, type Direction, type Protocol, type StepId } from '../../shared/report/model';
import type { TranscriptRow } from './transcript-rows';

export interface TranscriptFilter {
  /** null: every protocol. */
  protocols: ReadonlySet<Protocol> | null;
  /** null: every direction. */
  dirs: ReadonlySet<Direction> | null;
  /** null: every step. */
  steps: ReadonlySet<StepId> | null;
}

export const NO_FILTER: TranscriptFilter = { protocols: null, dirs: null, steps: null };

export const DIRECTION_LABEL: Record<Direction, string> = {
  c: 'Client',
  s: 'Server',
  i: 'Info',
  e: 'Error',
};

export const DIRECTION_MARK: Record<Direction, string> = { c: 'C:', s: 'S:', i: '--', e: '!!' };

/** Step names as the check cards show them, so the filter names the step that was clicked. */
export const STEP_NAME: Record<StepId, string> = {
  acquire: 'Acquire token',
  inspect: 'Inspect claims',
  dns: 'DNS',
  proxy: 'Proxy',
  tcp: 'TCP connect',
  tls: 'TLS',
  'tls-versions': 'TLS versions',
  greeting: 'Greeting',
  capabilities: 'Capabilities',
  starttls: 'STARTTLS',
  auth: 'Sign-in',
  mailbox: 'Mailbox',
  send: 'Send',
  roundtrip: 'Round trip',
  logout: 'Logout',
};

function listed<T>(set: ReadonlySet<T>, name: (value: T) => string, none: string): string {
  return set.size === 0 ? none : [...set].map(name).join(', ');
}

/**
 * What the active filter shows, in words, for the banner above the lines ("Showing step Mailbox
 * of IMAP"), or null when every line is shown.
 */
export function describeFilter(filter: TranscriptFilter): string | null {
  if (!isFiltering(filter)) return null;
  const parts: string[] = [];
  if (filter.steps !== null)
    parts.push(
      `${filter.steps.size === 1 ? 'step' : 'steps'} ${listed(filter.steps, (s) => STEP_NAME[s], 'none')}`,
    );
  if (filter.protocols !== null) {
    const protocols = listed(filter.protocols, (p) => PROTOCOL_LABEL[p], 'no protocol');
    parts.push(filter.steps !== null ? `of ${protocols}` : `${protocols} lines`);
  }
  if (filter.dirs !== null)
    parts.push(
      `${parts.length > 0 ? 'from ' : ''}${listed(filter.dirs, (d) => DIRECTION_LABEL[d], 'no direction')} only`,
    );
  return `Showing ${parts.join(' ')}`;
}

export function isFiltering(filter: TranscriptFilter): boolean {
  return filter.protocols !== null || filter.dirs !== null || filter.steps !== null;
}

/** The rows the filter lets through, in order. Without a filter, the same array (no copy). */
export function filterTranscript(
  rows: readonly TranscriptRow[],
  filter: TranscriptFilter,
): readonly TranscriptRow[] {
  const { protocols, dirs, steps } = filter;
  if (protocols === null && dirs === null && steps === null) return rows;
  const out: TranscriptRow[] = [];
  for (const row of rows) {
    if (protocols !== null && !protocols.has(row.protocol)) continue;
    if (dirs !== null && !dirs.has(row.dir)) continue;
    if (steps !== null && !steps.has(row.step)) continue;
    out.push(row);
  }
  return out;
}

/** Whether a row passes the filter (to know whether a linked row is hidden by it). */
export function passesFilter(row: TranscriptRow, filter: TranscriptFilter): boolean {
  return (
    (filter.protocols === null || filter.protocols.has(row.protocol)) &&
    (filter.dirs === null || filter.dirs.has(row.dir)) &&
    (filter.steps === null || filter.steps.has(row.step))
  );
}

/** Positions (in `rows`) of the rows whose text contains the query, case-insensitively. */
export function searchTranscript(rows: readonly TranscriptRow[], query: string): number[] {
  const needle = query.trim().toLowerCase();
  if (needle === '') return [];
  const out: number[] = [];
  for (let i = 0; i < rows.length; i++) {
    const text = (rows[i] as TranscriptRow).text;
    if (text.toLowerCase().includes(needle)) out.push(i);
  }
  return out;
}

/**
 * The next (or previous) match from the current one, wrapping around. `current` is an index into
 * `matches`, or -1 when none is current yet.
 */
export function stepMatch(matchCount: number, current: number, direction: 1 | -1): number {
  if (matchCount === 0) return -1;
  if (current < 0) return direction === 1 ? 0 : matchCount - 1;
  return (current + direction + matchCount) % matchCount;
}

/** The match at or after a row position (so a new search starts where the reader is). */
export function firstMatchFrom(matches: readonly number[], position: number): number {
  if (matches.length === 0) return -1;
  let lo = 0;
  let hi = matches.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((matches[mid] as number) < position) lo = mid + 1;
    else hi = mid;
  }
  return lo === matches.length ? 0 : lo;
}

/** The steps that occur in the rows, in pipeline order (for the step filter's choices). */
export function stepsPresent(rows: readonly TranscriptRow[], order: readonly StepId[]): StepId[] {
  const seen = new Set<StepId>();
  for (const row of rows) seen.add(row.step);
  return order.filter((s) => seen.has(s));
}

export function formatOffset(t: number): string {
  return `+${(t / 1000).toFixed(3)}s`;
}

/** One row as text (what copying writes): time, protocol, direction, step, text. */
export function formatRow(row: TranscriptRow): string {
  return `${formatOffset(row.t).padStart(9)} ${row.protocol.padEnd(5)} ${DIRECTION_MARK[row.dir]} [${row.step}] ${row.text}`;
}

export function formatRows(rows: readonly TranscriptRow[]): string {
  return rows.map(formatRow).join('\n');
}

/** Toggles one value in a set filter; a full set means "no filter" (null), an empty one "none". */
export function toggleInFilter<T>(
  current: ReadonlySet<T> | null,
  value: T,
  all: readonly T[],
): ReadonlySet<T> | null {
  const next = new Set<T>(current ?? all);
  if (next.has(value)) next.delete(value);
  else next.add(value);
  return next.size === all.length ? null : next;
}
