// The summary line of a kept run, as the history list shows it.
import type { HistoryEntry, StoredRun } from '../../../shared/api/contract';

export function historyEntry(run: StoredRun): HistoryEntry {
  const { report } = run;
  return {
    id: run.id,
    profileId: run.profileId,
    startedAt: report.startedAt,
    durationMs: report.durationMs,
    verdict: report.verdict,
    scenario: run.scenario,
    checks: report.checks.map((check) => ({ protocol: check.protocol, verdict: check.verdict })),
    topFinding: report.findings[0]?.title ?? null,
  };
}
