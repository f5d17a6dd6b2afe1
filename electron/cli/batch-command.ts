// `mailprobe batch FILE`: many targets in one run (SPEC 2.11). The file (CSV or JSON, `-` for
// standard input) -> rows -> check's flags per row -> the rows run, `--concurrency` at once, lab
// rows sharing one lab per scenario -> the summary table, one JSON document or JSON lines, and a
// bundle per failed row with --out DIR. Exit codes as for check; a bad row fails only itself.
import { setMaxListeners } from 'node:events';
import { mkdir, stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { FileProblem, readBoundedText } from '../engine/files/bounded-file';
import { MAX_BATCH_BYTES, parseBatchFile } from './batch/batch-file';
import { batchDocument, createProgressLine, renderSummary, rowJsonLine } from './batch/batch-output';
import { createRowKeeper } from './batch/keep-row';
import { createLabPool } from './batch/lab-pool';
import { planRow } from './batch/row-plan';
import { runBatch } from './batch/run-batch';
import { EXIT, UsageError, argumentsError, optionError } from './usage-error';

export const DEFAULT_CONCURRENCY = 8;
export const MAX_CONCURRENCY = 64;

interface BatchOptions {
  file: string;
  concurrency: number;
  output: 'table' | 'json' | 'jsonl';
  out?: string;
}

export function parseBatchArgs(args: string[]): BatchOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: {
        concurrency: { type: 'string' },
        json: { type: 'boolean' },
        jsonl: { type: 'boolean' },
        out: { type: 'string' },
      },
      strict: true,
      allowPositionals: true,
    });
  } catch (error) {
    throw argumentsError('batch', error);
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1)
    throw new UsageError('batch: give one FILE (CSV or JSON; - for standard input): mailprobe batch FILE');
  if (values.json && values.jsonl)
    throw new UsageError('batch: --json and --jsonl exclude each other: give one');
  const raw = values.concurrency ?? String(DEFAULT_CONCURRENCY);
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > MAX_CONCURRENCY)
    throw optionError(
      '--concurrency',
      /^\d+$/.test(raw) ? `${raw} is out of range` : `"${raw}" is not a whole number`,
    );
  return {
    file: positionals[0] ?? '-',
    concurrency: Number(raw),
    output: values.json ? 'json' : values.jsonl ? 'jsonl' : 'table',
    ...(values.out !== undefined ? { out: values.out } : {}),
  };
}

/** Standard input as it is (untrimmed: line numbers count from its first line), bounded. */
async function readStdin(): Promise<string> {
  if (process.stdin.isTTY)
    throw new UsageError('batch: expected the batch file on standard input, but it is a terminal');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BATCH_BYTES)
      throw new UsageError(
        `the batch file on standard input is larger than ${MAX_BATCH_BYTES / 1024 / 1024} MB`,
      );
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function readBatchText(file: string): Promise<string> {
  if (file === '-') return readStdin();
  try {
    return await readBoundedText(file, MAX_BATCH_BYTES);
  } catch (error) {
    if (error instanceof FileProblem) throw new UsageError(`batch file ${error.message}`);
    throw error;
  }
}

/** --out DIR: made if missing, and checked before anything runs. */
async function prepareOutDir(dir: string): Promise<void> {
  const existing = await stat(dir).catch(() => null);
  if (existing && !existing.isDirectory()) throw new UsageError(`--out: ${dir} is not a folder`);
  if (!existing)
    await mkdir(dir, { recursive: true }).catch((error: unknown) => {
      throw new UsageError(`--out: cannot make the folder ${dir}: ${String(error)}`);
    });
}

export async function batchCommand(args: string[]): Promise<number> {
  const options = parseBatchArgs(args);
  const rows = parseBatchFile(await readBatchText(options.file));
  if (options.out !== undefined) await prepareOutDir(options.out);
  const plans = rows.map(planRow);

  const [{ runChecks }, { startLab }] = await Promise.all([
    import('../engine/checks/run'),
    import('../lab/lab'),
  ]);
  const labs = createLabPool(startLab);
  const keeper = createRowKeeper(options.out, (text) =>
    process.stderr.write(`mailprobe: warning: ${text}\n`),
  );
  const progress = createProgressLine(process.stderr, plans.length);
  const controller = new AbortController();
  // One listener per running row (run-batch), up to --concurrency of them.
  setMaxListeners(MAX_CONCURRENCY + 8, controller.signal);
  const onSignal = (): void => {
    progress.clear();
    process.stderr.write(
      'mailprobe: stopping: the rows still running are cancelled (Ctrl-C again to quit at once)\n',
    );
    controller.abort();
  };
  process.once('SIGINT', onSignal);
  const startedAt = new Date();
  const origin = performance.now();
  try {
    const outcomes = await runBatch(plans, {
      concurrency: options.concurrency,
      labs,
      signal: controller.signal,
      keepReports: options.output !== 'table',
      runChecks,
      onStart: () => {
        progress.started();
      },
      afterRun: (prepared, report, plan) => keeper.keep(prepared, report, plan.line),
      onFinish: (outcome) => {
        progress.finished(outcome);
        if (options.output === 'jsonl') {
          process.stdout.write(rowJsonLine(outcome));
          // Printed, then let go: a long batch does not hold every report in memory.
          delete outcome.report;
        }
      },
    });
    progress.clear();
    if (options.output === 'json')
      process.stdout.write(
        batchDocument(outcomes, {
          startedAt,
          durationMs: performance.now() - origin,
          concurrency: options.concurrency,
          labs: labs.size,
        }),
      );
    else if (options.output === 'table')
      process.stdout.write(renderSummary(outcomes, { color: process.stdout.isTTY }));
    if (options.out !== undefined)
      process.stderr.write(
        `${keeper.written.length} diagnostic bundle${keeper.written.length === 1 ? '' : 's'} written to ${options.out}\n`,
      );
    for (const failure of keeper.failures) process.stderr.write(`mailprobe: ${failure}\n`);
    if (keeper.failures.length > 0 || outcomes.some((o) => o.status === 'internal')) {
      for (const o of outcomes.filter((x) => x.status === 'internal'))
        process.stderr.write(`mailprobe: line ${o.line}: ${o.problem ?? 'internal error'}\n`);
      return EXIT.internal;
    }
    return outcomes.every((o) => o.status === 'pass') ? EXIT.pass : EXIT.fail;
  } finally {
    process.off('SIGINT', onSignal);
    await labs.close();
  }
}
