// After a row's run, what `check` does after its own: a saved profile's run kept in its history
// (as the app keeps it), and with --out DIR a diagnostic bundle for a row that failed, made by the
// same export code as `check --out` (report.html, report.json, transcript.txt, environment.json).
import { join } from 'node:path';
import type { StoredRun } from '../../../shared/api/contract';
import type { Report } from '../../../shared/report/model';
import { dataDir } from '../../engine/app/data-dir';
import { bundleFileName, bundlePreview, zipBundle } from '../../engine/export/bundle';
import { writeFileAtomic } from '../../engine/store/atomic-file';
import { RunHistory } from '../../engine/store/run-history';
import type { PreparedRun } from '../target-options';
import { storedRunOf } from '../stored-run';

/** `line-00007-mailprobe-<target>-<time>-fail.zip`: two rows of one target never share a name. */
export function rowBundleName(line: number, run: StoredRun): string {
  return `line-${String(line).padStart(5, '0')}-${bundleFileName(run)}`;
}

export interface RowKeeper {
  keep(prepared: PreparedRun, report: Report, line: number): Promise<void>;
  /** Bundles written, and the ones that could not be (each with its reason). */
  readonly written: string[];
  readonly failures: string[];
}

export function createRowKeeper(outDir: string | undefined, warn: (text: string) => void): RowKeeper {
  // One history for the whole batch: saves of one profile queue behind each other.
  let history: RunHistory | null = null;
  const written: string[] = [];
  const failures: string[] = [];
  return {
    written,
    failures,
    async keep(prepared, report, line) {
      if (!prepared.profile && (outDir === undefined || report.verdict === 'pass')) return;
      const run = storedRunOf(prepared, report);
      if (prepared.profile) {
        history ??= RunHistory.at(dataDir());
        await history.save(run).catch((error: unknown) => {
          warn(`line ${line}: could not keep the run in the history: ${String(error)}`);
        });
      }
      if (outDir === undefined || report.verdict === 'pass') return;
      const path = join(outDir, rowBundleName(line, run));
      try {
        await writeFileAtomic(path, zipBundle(bundlePreview(run), new Date(report.startedAt)));
        written.push(path);
      } catch (error) {
        failures.push(`line ${line}: could not write ${path}: ${String(error)}`);
      }
    },
  };
}
