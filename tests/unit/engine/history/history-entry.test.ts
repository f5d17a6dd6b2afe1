// A kept run's line in the history list: its ids, times, verdict, scenario, each check's verdict
// and the title of its first finding (none when nothing was found).
import { describe, expect, it } from 'vitest';
import { historyEntry } from '../../../../electron/engine/history/history-entry';
import { emptyRun, sampleRun } from '../export/sample-run';

describe('historyEntry', () => {
  it('summarises a stored run for the history list', () => {
    const run = sampleRun();
    const entry = historyEntry(run);
    expect(entry).toEqual({
      id: run.id,
      profileId: run.profileId,
      startedAt: run.report.startedAt,
      durationMs: run.report.durationMs,
      verdict: run.report.verdict,
      scenario: run.scenario,
      checks: run.report.checks.map((c) => ({ protocol: c.protocol, verdict: c.verdict })),
      topFinding: run.report.findings[0]?.title ?? null,
    });
    expect(entry.checks.length).toBeGreaterThan(0);
    expect(entry.topFinding).not.toBeNull();
  });

  it('has no top finding when the run found nothing', () => {
    const entry = historyEntry(emptyRun());
    expect(entry.topFinding).toBeNull();
    expect(entry.checks).toEqual([]);
  });
});
