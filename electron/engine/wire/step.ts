import type { Detail, StepId, StepResult, StepStatus } from '../../../shared/report/model';

export function stepResult(
  id: StepId,
  status: StepStatus,
  durationMs: number,
  summary: string,
  detail: Detail = {},
): StepResult {
  return { id, status, durationMs: Math.round(durationMs * 10) / 10, summary, detail };
}

/** A stopwatch on performance.now(). */
export function stopwatch(): () => number {
  const start = performance.now();
  return () => performance.now() - start;
}
