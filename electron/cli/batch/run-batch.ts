// Runs the rows of a batch, at most `concurrency` at once, each as `check` would run it; a row's
// problem or bug is its own outcome and the other rows go on. The signal stops it all: rows not
// started are not run, rows running are cut short, and both are reported as cancelled.
import type { Report, ReadinessItem } from '../../../shared/report/model';
import type { RunEvents } from '../../engine/checks/run';
import type { PreparedRun } from '../target-options';
import type { LabPool } from './lab-pool';
import { prepareRow, RowProblem } from './prepare-row';
import type { RowPlanOutcome } from './row-plan';

export type RowStatus = 'pass' | 'fail' | 'invalid' | 'cancelled' | 'internal';

export interface RowOutcome {
  line: number;
  label: string;
  status: RowStatus;
  /** Each check's verdict, the token first (the table's columns). */
  verdicts: Partial<Record<Report['checks'][number]['protocol'], Report['checks'][number]['verdict']>>;
  /** The first finding's cause (most likely first), or why the row did not run. */
  cause: string | null;
  /** An invalid or internal row: what went wrong, naming no secret. */
  problem?: string;
  /** The readiness audit's items to act on (warn and fail), soonest first. */
  readiness?: ReadinessItem[];
  /** The whole report, when the batch keeps them (--json, --jsonl). */
  report?: Report;
}

export interface BatchRunOptions {
  concurrency: number;
  labs: LabPool;
  signal: AbortSignal;
  /** Keep each row's full report in its outcome (memory: only when it is printed). */
  keepReports: boolean;
  runChecks(input: PreparedRun['input'], events: RunEvents, signal: AbortSignal): Promise<Report>;
  onStart?(plan: RowPlanOutcome): void;
  /** After a row's run and before it counts as finished: history, bundle. A throw is internal. */
  afterRun?(prepared: PreparedRun, report: Report, plan: RowPlanOutcome): Promise<void>;
  onFinish?(outcome: RowOutcome): void;
}

function outcomeOf(report: Report, line: number, label: string, keep: boolean): RowOutcome {
  const verdicts: RowOutcome['verdicts'] = {};
  for (const check of report.checks) verdicts[check.protocol] = check.verdict;
  return {
    line,
    label,
    status: report.verdict,
    verdicts,
    cause: report.findings[0]?.cause ?? null,
    readiness: (report.readiness ?? []).filter((r) => r.status !== 'ok'),
    ...(keep ? { report } : {}),
  };
}

async function runRow(plan: RowPlanOutcome, options: BatchRunOptions): Promise<RowOutcome> {
  const base = { line: plan.line, label: plan.label, verdicts: {} };
  const cancelled = (): RowOutcome => ({ ...base, status: 'cancelled', cause: 'cancelled (Ctrl-C)' });
  // Read each time: the signal may fire while the row waits.
  const stopped = (): boolean => options.signal.aborted;
  if (!plan.ok) return { ...base, status: 'invalid', cause: 'invalid row', problem: plan.problem };
  if (stopped()) return cancelled();
  let prepared: PreparedRun;
  try {
    prepared = await prepareRow(plan.plan, options.labs);
  } catch (error) {
    if (error instanceof RowProblem)
      return { ...base, status: 'invalid', cause: 'invalid row', problem: error.message };
    return internal(base, error);
  }
  // The row's own signal, tied to the batch's only while it runs: the batch's signal then never
  // holds more than one listener per running row, however many listeners a run adds.
  const row = new AbortController();
  const stop = (): void => {
    row.abort();
  };
  options.signal.addEventListener('abort', stop, { once: true });
  try {
    if (stopped()) return cancelled();
    const report = await options.runChecks(prepared.input, {}, row.signal);
    if (stopped()) return cancelled();
    await options.afterRun?.(prepared, report, plan);
    return outcomeOf(report, base.line, base.label, options.keepReports);
  } catch (error) {
    return internal(base, error);
  } finally {
    options.signal.removeEventListener('abort', stop);
    await prepared.close();
  }
}

function internal(base: Pick<RowOutcome, 'line' | 'label' | 'verdicts'>, error: unknown): RowOutcome {
  return {
    ...base,
    status: 'internal',
    cause: 'internal error',
    problem: `internal error: ${error instanceof Error ? error.message : String(error)}`,
  };
}

/** Every row's outcome, in the file's order. */
export async function runBatch(plans: RowPlanOutcome[], options: BatchRunOptions): Promise<RowOutcome[]> {
  const outcomes: RowOutcome[] = new Array<RowOutcome>(plans.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (;;) {
      const index = next;
      next += 1;
      const plan = plans[index];
      if (plan === undefined) return;
      options.onStart?.(plan);
      const outcome = await runRow(plan, options);
      outcomes[index] = outcome;
      options.onFinish?.(outcome);
    }
  };
  const workers = Math.max(1, Math.min(options.concurrency, plans.length));
  await Promise.all(Array.from({ length: workers }, worker));
  return outcomes;
}
