// `mailprobe check`: options -> a prepared run -> the run -> human output or JSON; then the run
// kept in its profile's history (--profile) and written as a diagnostic bundle (--out).
import type { StoredRun } from '../../shared/api/contract';
import type { Report } from '../../shared/report/model';
import { EXIT } from './usage-error';
import { parseTargetArgs, prepareRun, type PreparedRun, type Values } from './target-options';
import { createProgress, renderReport } from './render';

async function storedRun(values: Values, prepared: PreparedRun, report: Report): Promise<StoredRun> {
  const { storedRunOf } = await import('./stored-run');
  return storedRunOf(prepared, report, values.ca ?? []);
}

/**
 * History and bundle. A history that cannot be written is a warning on stderr (the verdict
 * stands); a bundle asked for with --out and not written is an error (exit 3).
 */
async function keepRun(values: Values, prepared: PreparedRun, report: Report): Promise<boolean> {
  if (!prepared.profile && values.out === undefined) return true;
  const run = await storedRun(values, prepared, report);
  let ok = true;
  if (prepared.profile) {
    const [{ RunHistory }, { dataDir }] = await Promise.all([
      import('../engine/store/run-history'),
      import('../engine/app/data-dir'),
    ]);
    await RunHistory.at(dataDir())
      .save(run)
      .catch((error: unknown) => {
        process.stderr.write(`mailprobe: warning: could not keep the run in the history: ${String(error)}\n`);
      });
  }
  if (values.out !== undefined) {
    const [{ bundlePreview, zipBundle }, { writeFileAtomic }] = await Promise.all([
      import('../engine/export/bundle'),
      import('../engine/store/atomic-file'),
    ]);
    try {
      await writeFileAtomic(values.out, zipBundle(bundlePreview(run), new Date(report.startedAt)));
      process.stderr.write(`Diagnostic bundle written to ${values.out}\n`);
    } catch (error) {
      ok = false;
      process.stderr.write(`mailprobe: could not write ${values.out}: ${String(error)}\n`);
    }
  }
  return ok;
}

export async function checkCommand(args: string[]): Promise<number> {
  const values = parseTargetArgs('check', args);
  const prepared = await prepareRun(values);
  const controller = new AbortController();
  const onSignal = (): void => {
    controller.abort();
  };
  process.once('SIGINT', onSignal);
  try {
    const { runChecks } = await import('../engine/checks/run');
    const progress = values.json ? null : createProgress(process.stderr, prepared.input, prepared.label);
    const report = await runChecks(prepared.input, progress?.events ?? {}, controller.signal);
    if (values.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else process.stdout.write(renderReport(report, { color: process.stdout.isTTY }));
    const kept = await keepRun(values, prepared, report);
    if (!kept) return EXIT.internal;
    return report.verdict === 'pass' ? EXIT.pass : EXIT.fail;
  } finally {
    process.off('SIGINT', onSignal);
    await prepared.close();
  }
}
