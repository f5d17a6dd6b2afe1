// The work that can take long on a large input (reading a pasted megabyte, building a bundle
// of a huge transcript, comparing two big runs): pure functions of plain data, so that they can
// run in a worker thread and never hold up the requests of the app's other screens.
import type { BundlePreview, StoredRun } from '../../../shared/api/contract';
import { compareStoredRuns, type RunDifferences } from '../../../shared/history/compare';
import type { Finding } from '../../../shared/report/model';
import { explain } from '../diagnosis/explain';
import { bundleFileName, bundlePreview, zipBundle } from '../export/bundle';

/** Characters of each bundle file the export preview shows. */
export const PREVIEW_CHARS = 200_000;

export interface HeavyJobs {
  explain: { input: { text: string }; output: Finding[] };
  'bundle:preview': { input: { run: StoredRun }; output: BundlePreview };
  'bundle:zip': { input: { run: StoredRun }; output: { fileName: string; bytes: Uint8Array } };
  compare: { input: { run: StoredRun; baseline: StoredRun }; output: RunDifferences };
}

export type HeavyJobName = keyof HeavyJobs;

export const HEAVY_JOBS: { [J in HeavyJobName]: (input: HeavyJobs[J]['input']) => HeavyJobs[J]['output'] } = {
  explain: ({ text }) => explain(text),
  'bundle:preview': ({ run }) => {
    const preview = bundlePreview(run);
    // What the dialog shows: the start of each file; a hostile server's huge transcript would
    // otherwise travel whole to the window.
    return {
      ...preview,
      files: preview.files.map((f) =>
        f.text.length > PREVIEW_CHARS ? { ...f, text: f.text.slice(0, PREVIEW_CHARS), truncated: true } : f,
      ),
    };
  },
  'bundle:zip': ({ run }) => ({
    fileName: bundleFileName(run),
    bytes: zipBundle(bundlePreview(run), new Date(run.report.startedAt)),
  }),
  compare: ({ run, baseline }) => compareStoredRuns(baseline, run),
};

export function isHeavyJobName(name: unknown): name is HeavyJobName {
  return typeof name === 'string' && Object.hasOwn(HEAVY_JOBS, name);
}
