// "Run all profiles": every saved profile (and the Demo tenant, if asked) through the same engine,
// a few at a time, in one table that fills in as the results arrive. The row state, the table's
// columns, sort, filter and counts are pure functions here; the controller drives the runs.
import type { Profile, ProfileSummary } from '../../shared/api/contract';
import type { MailProtocol, Protocol, Report } from '../../shared/report/model';
import type { LiveVerdict, RunState } from './run-state';

/** How many profiles run at once. */
export const RUN_ALL_CONCURRENCY = 4;

/**
 * queued: not started yet; running: its run is live; done: it has a report; failed: the run could
 * not start or complete (no secret, a file that cannot be read); skipped: not run unattended (a
 * person has to sign in); cancelled: cancelled before it started or while it ran.
 */
export type RunAllStatus = 'queued' | 'running' | 'done' | 'failed' | 'skipped' | 'cancelled';

export interface RunAllRow {
  profileId: string;
  name: string;
  demo: boolean;
  /** The tenant (issuer, domain) when the profile names one, else the mailbox. */
  target: string;
  mailbox: string;
  scenario: string | null;
  protocols: MailProtocol[];
  graph: boolean;
  status: RunAllStatus;
  runId: string | null;
  /** Why the row was skipped, failed or cancelled. */
  reason: string | null;
  /** Settled when the run ends, so a later run of the profile does not change the table. */
  verdicts: Partial<Record<Protocol, LiveVerdict>>;
  verdict: 'pass' | 'fail' | null;
  cause: string | null;
  title: string | null;
  durationMs: number | null;
}

export interface RunAllState {
  phase: 'running' | 'cancelling' | 'done';
  rows: RunAllRow[];
  startedAtWall: number;
}

export type RunAllSortKey =
  'profile' | 'target' | 'status' | 'token' | 'imap' | 'pop3' | 'smtp' | 'graph' | 'cause' | 'duration';

export interface RunAllSort {
  key: RunAllSortKey;
  dir: 'asc' | 'desc';
}

export type RunAllVerdictFilter = 'all' | 'failed' | 'passed';

/** What the Run-all screen keeps between visits: its options, sort and filter. */
export interface RunAllOptions {
  includeDemo: boolean;
  demoScenario: string;
  /** Add the Microsoft Graph check to every profile where an app signs in to Microsoft 365. */
  graph: boolean;
  sort: RunAllSort;
  text: string;
  verdict: RunAllVerdictFilter;
}

export const DEFAULT_RUN_ALL_OPTIONS: RunAllOptions = {
  includeDemo: false,
  demoScenario: 'healthy',
  graph: false,
  sort: { key: 'profile', dir: 'asc' },
  text: '',
  verdict: 'all',
};

/** The default checks of a profile in a run of all of them. */
export const RUN_ALL_PROTOCOLS: readonly MailProtocol[] = ['imap', 'pop3', 'smtp'];

/**
 * Why a profile cannot run unattended, or null when it can: a person signs in (device code,
 * browser) and no sign-in is kept for the run to renew.
 */
export function unattendedProblem(profile: Profile): string | null {
  const interactive =
    profile.credential === 'device-code' ||
    profile.credential === 'browser' ||
    profile.credential === 'google-user' ||
    (profile.credential === 'oidc' && (profile.oidcFlow === 'device-code' || profile.oidcFlow === 'browser'));
  if (!interactive || profile.keptSignIn === true) return null;
  return 'A person signs in to this profile: run it on its own (no sign-in is kept)';
}

/** The credentials with which the app itself signs in to Microsoft 365: Graph can be checked. */
const GRAPH_CREDENTIALS: ReadonlySet<string> = new Set(['client-secret', 'certificate']);

/** Whether a profile's app signs in to Microsoft 365 on its own, so its Graph access can be checked. */
export function graphApplies(summary: Pick<ProfileSummary, 'credential'>): boolean {
  return GRAPH_CREDENTIALS.has(summary.credential);
}

/**
 * A row's checks: the Demo tenant's Graph scenarios check Graph alone (as the CLI does); other
 * rows run the mail checks, with Graph beside them when asked and the profile's app signs in.
 */
export function rowChecks(
  summary: Pick<ProfileSummary, 'credential' | 'demo'>,
  options: Pick<RunAllOptions, 'graph'>,
  graphScenario: boolean,
): { protocols: MailProtocol[]; graph: boolean } {
  if (summary.demo && graphScenario) return { protocols: [], graph: true };
  return { protocols: [...RUN_ALL_PROTOCOLS], graph: options.graph && graphApplies(summary) };
}

function targetOf(summary: ProfileSummary, profile: Profile | null): string {
  if (summary.demo) return 'simulated tenant (lab)';
  if (!profile) return summary.mailbox;
  if (profile.credential === 'oidc') return profile.issuer ?? (profile.tenant || summary.mailbox);
  return profile.tenant || summary.mailbox;
}

/** A row of the table before its run: queued, or skipped with why. */
export function newRow(
  summary: ProfileSummary,
  profile: Profile | null,
  options: { scenario: string | null; graph: boolean; protocols?: MailProtocol[]; problem: string | null },
): RunAllRow {
  return {
    profileId: summary.id,
    name: summary.name,
    demo: summary.demo,
    target: targetOf(summary, profile),
    mailbox: summary.mailbox,
    scenario: options.scenario,
    protocols: options.protocols ?? (options.graph ? [] : [...RUN_ALL_PROTOCOLS]),
    graph: options.graph,
    status: options.problem === null ? 'queued' : 'skipped',
    runId: null,
    reason: options.problem,
    verdicts: {},
    verdict: null,
    cause: null,
    title: null,
    durationMs: null,
  };
}

export function verdictsOf(run: RunState): Partial<Record<Protocol, LiveVerdict>> {
  const out: Partial<Record<Protocol, LiveVerdict>> = {};
  for (const c of run.checks) out[c.protocol] = c.verdict;
  return out;
}

/** The row once its run has settled (a report, or an error). */
export function settleRow(row: RunAllRow, run: RunState, cancelled: boolean): RunAllRow {
  const report: Report | null = run.report;
  const first = report?.findings[0];
  const base: RunAllRow = {
    ...row,
    verdicts: verdictsOf(run),
    verdict: report?.verdict ?? null,
    cause: first?.cause ?? null,
    title: first?.title ?? null,
    durationMs: report?.durationMs ?? null,
  };
  if (cancelled) return { ...base, status: 'cancelled', reason: 'Cancelled while it ran' };
  if (report) return { ...base, status: 'done', reason: null };
  return { ...base, status: 'failed', reason: run.error?.message ?? 'The run could not complete' };
}

export function isLiveRow(row: RunAllRow): boolean {
  return row.status === 'queued' || row.status === 'running';
}

/** A row as the table shows it: a running row's verdicts from its live run. */
export function viewRow(row: RunAllRow, runs: Record<string, RunState>): RunAllRow {
  if (row.status !== 'running') return row;
  const run = runs[row.profileId];
  return run?.runId === row.runId ? { ...row, verdicts: verdictsOf(run) } : row;
}

/** Which check columns the table has: the mail checks, and Graph when a row checks it. */
export function checkColumns(rows: readonly RunAllRow[]): Protocol[] {
  const columns: Protocol[] = ['token', 'imap', 'pop3', 'smtp'];
  if (rows.some((r) => r.graph || r.verdicts.graph !== undefined)) columns.push('graph');
  return columns;
}

/** passed: a report that passed; failed: a report that failed, or a run that could not complete. */
export function outcomeOf(row: RunAllRow): 'passed' | 'failed' | 'other' {
  if (row.status === 'done') return row.verdict === 'fail' ? 'failed' : 'passed';
  if (row.status === 'failed') return 'failed';
  return 'other';
}

export function filterRows(
  rows: readonly RunAllRow[],
  text: string,
  verdict: RunAllVerdictFilter,
): RunAllRow[] {
  const needle = text.trim().toLowerCase();
  return rows.filter((r) => {
    if (verdict === 'failed' && outcomeOf(r) !== 'failed') return false;
    if (verdict === 'passed' && outcomeOf(r) !== 'passed') return false;
    if (needle === '') return true;
    return [r.name, r.target, r.mailbox, r.cause ?? '', r.title ?? '', r.reason ?? '', r.scenario ?? '']
      .join('\n')
      .toLowerCase()
      .includes(needle);
  });
}

const VERDICT_RANK: Record<LiveVerdict, number> = {
  fail: 0,
  warn: 1,
  pass: 2,
  skipped: 3,
  running: 4,
  pending: 5,
};

const STATUS_RANK: Record<RunAllStatus, number> = {
  failed: 0,
  done: 1,
  running: 2,
  queued: 3,
  skipped: 4,
  cancelled: 5,
};

/** A done row sorts by its verdict (failed first), the others by their status. */
function statusRank(row: RunAllRow): number {
  if (row.status === 'done') return row.verdict === 'fail' ? 0 : 1;
  return STATUS_RANK[row.status] + 1;
}

type SortValue = string | number | null;

function sortValue(row: RunAllRow, key: RunAllSortKey): SortValue {
  switch (key) {
    case 'profile':
      return row.name.toLowerCase();
    case 'target':
      return row.target.toLowerCase();
    case 'status':
      return statusRank(row);
    case 'token':
    case 'imap':
    case 'pop3':
    case 'smtp':
    case 'graph': {
      const v = row.verdicts[key];
      return v === undefined ? null : VERDICT_RANK[v];
    }
    case 'cause':
      return row.cause;
    case 'duration':
      return row.durationMs;
  }
}

/** Sorted by the column, stable; rows without a value (no check, no cause yet) last either way. */
export function sortRows(rows: readonly RunAllRow[], sort: RunAllSort): RunAllRow[] {
  const sign = sort.dir === 'asc' ? 1 : -1;
  return rows
    .map((row, index) => ({ row, index, value: sortValue(row, sort.key) }))
    .sort((a, b) => {
      if (a.value === null || b.value === null) {
        if (a.value === b.value) return a.index - b.index;
        return a.value === null ? 1 : -1;
      }
      const c =
        typeof a.value === 'number' && typeof b.value === 'number'
          ? a.value - b.value
          : String(a.value).localeCompare(String(b.value));
      return c !== 0 ? sign * c : a.index - b.index;
    })
    .map((x) => x.row);
}

/** The next sort when a header is clicked: the same column flips, another starts ascending. */
export function nextSort(sort: RunAllSort, key: RunAllSortKey): RunAllSort {
  return sort.key === key ? { key, dir: sort.dir === 'asc' ? 'desc' : 'asc' } : { key, dir: 'asc' };
}

export interface RunAllCounts {
  total: number;
  passed: number;
  failed: number;
  running: number;
  queued: number;
  skipped: number;
  cancelled: number;
}

export function countRows(rows: readonly RunAllRow[]): RunAllCounts {
  const counts: RunAllCounts = {
    total: rows.length,
    passed: 0,
    failed: 0,
    running: 0,
    queued: 0,
    skipped: 0,
    cancelled: 0,
  };
  for (const r of rows) {
    const outcome = outcomeOf(r);
    if (outcome === 'passed') counts.passed += 1;
    else if (outcome === 'failed') counts.failed += 1;
    else if (r.status === 'running') counts.running += 1;
    else if (r.status === 'queued') counts.queued += 1;
    else if (r.status === 'skipped') counts.skipped += 1;
    else counts.cancelled += 1;
  }
  return counts;
}

/**
 * Runs `jobs` with at most `limit` at once, in order; `stopped()` is asked before each start, so
 * the jobs not started when it turns true are never started. Resolves when every started job ended.
 */
export async function runBounded(
  jobs: ReadonlyArray<() => Promise<void>>,
  limit: number,
  stopped: () => boolean,
): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < jobs.length && !stopped()) {
      const job = jobs[next];
      next += 1;
      if (job) await job();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, jobs.length)) }, lane));
}
