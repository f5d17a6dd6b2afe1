// What a batch prints: the live progress line (a TTY's stderr), the summary table, the one JSON
// document (schema mailprobe.batch/1) and the JSON line of each row. Each row is named by its
// line in the file and its target; its report is check's mailprobe.report/1, unchanged.
import type { Protocol } from '../../../shared/report/model';
import { printable } from '../render';
import type { RowOutcome, RowStatus } from './run-batch';

export const BATCH_SCHEMA = 'mailprobe.batch/1';
export const BATCH_ROW_SCHEMA = 'mailprobe.batch-row/1';

export interface BatchSummary {
  rows: number;
  passed: number;
  failed: number;
  invalid: number;
  cancelled: number;
  internal: number;
}

export function summarize(outcomes: RowOutcome[]): BatchSummary {
  const count = (status: RowStatus) => outcomes.filter((o) => o.status === status).length;
  return {
    rows: outcomes.length,
    passed: count('pass'),
    failed: count('fail'),
    invalid: count('invalid'),
    cancelled: count('cancelled'),
    internal: count('internal'),
  };
}

/** One row as JSON: where it is in the file, its verdict, and its report or its problem. */
export function rowJson(outcome: RowOutcome): Record<string, unknown> {
  return {
    row: { line: outcome.line, target: outcome.label },
    status: outcome.status,
    verdict: outcome.status === 'pass' ? 'pass' : 'fail',
    cause: outcome.cause,
    ...(outcome.readiness?.length ? { readiness: outcome.readiness } : {}),
    ...(outcome.problem !== undefined
      ? { error: { code: outcome.status === 'internal' ? 'INTERNAL' : 'BAD_ROW', message: outcome.problem } }
      : {}),
    ...(outcome.report ? { report: outcome.report } : {}),
  };
}

export function rowJsonLine(outcome: RowOutcome): string {
  return `${JSON.stringify({ schema: BATCH_ROW_SCHEMA, ...rowJson(outcome) })}\n`;
}

export function batchDocument(
  outcomes: RowOutcome[],
  meta: { startedAt: Date; durationMs: number; concurrency: number; labs: number },
): string {
  const summary = summarize(outcomes);
  return `${JSON.stringify(
    {
      schema: BATCH_SCHEMA,
      verdict: summary.passed === summary.rows ? 'pass' : 'fail',
      startedAt: meta.startedAt.toISOString(),
      durationMs: Math.round(meta.durationMs),
      concurrency: meta.concurrency,
      labs: meta.labs,
      summary,
      rows: outcomes.map(rowJson),
    },
    null,
    2,
  )}\n`;
}

const COLUMNS: readonly Protocol[] = ['token', 'imap', 'pop3', 'smtp', 'graph'];
const COLOR: Record<string, string> = { pass: '32', warn: '33', fail: '31', skipped: '90', invalid: '31' };
const MAX_TARGET = 40;
const READY_WIDTH = 16;

/** What the readiness audit found for a row: "-" when nothing, else how much and the soonest date. */
function readinessWord(o: RowOutcome): string {
  const items = o.readiness ?? [];
  if (items.length === 0) return '-';
  const broken = items.filter((i) => i.status === 'fail').length;
  const soonest = items
    .map((i) => i.when)
    .filter((w): w is string => w !== null)
    .sort()[0];
  return broken
    ? `${broken} broken`
    : soonest
      ? `${items.length} by ${soonest}`
      : `${items.length} to act on`;
}

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** The summary: a row per target, each check's verdict, the most likely cause; then the counts. */
export function renderSummary(outcomes: RowOutcome[], options: { color: boolean }): string {
  const paint = (word: string, width: number): string => {
    const padded = word.padEnd(width);
    const code = COLOR[word];
    return options.color && code ? `\x1b[${code}m${padded}\x1b[0m` : padded;
  };
  const targets = outcomes.map((o) => cut(printable(o.label), MAX_TARGET));
  const width = Math.max('TARGET'.length, ...targets.map((t) => t.length));
  const lineWidth = Math.max('LINE'.length, ...outcomes.map((o) => String(o.line).length));
  const lines = [
    `${'LINE'.padEnd(lineWidth)}  ${'TARGET'.padEnd(width)}  ${COLUMNS.map((c) => c.toUpperCase().padEnd(7)).join(' ')}  ${'READINESS'.padEnd(READY_WIDTH)}  CAUSE`,
  ];
  outcomes.forEach((o, i) => {
    const verdicts = COLUMNS.map((c) =>
      o.status === 'invalid' && c === 'token' ? paint('invalid', 7) : paint(o.verdicts[c] ?? '-', 7),
    ).join(' ');
    const cause =
      o.problem !== undefined ? printable(o.problem) : (o.cause ?? (o.status === 'pass' ? '' : '-'));
    lines.push(
      `${String(o.line).padEnd(lineWidth)}  ${(targets[i] ?? '').padEnd(width)}  ${verdicts}  ${readinessWord(o).padEnd(READY_WIDTH)}  ${cause}`.trimEnd(),
    );
  });
  const s = summarize(outcomes);
  const parts = [
    `${s.passed} passed`,
    `${s.failed} failed`,
    ...(s.invalid ? [`${s.invalid} invalid`] : []),
    ...(s.cancelled ? [`${s.cancelled} cancelled`] : []),
    ...(s.internal ? [`${s.internal} internal errors`] : []),
  ];
  lines.push('', `${s.rows} rows: ${parts.join(', ')}`);
  return `${lines.join('\n')}\n`;
}

/** A single line on a TTY, rewritten as rows start and finish; nothing when not a TTY. */
export function createProgressLine(stream: NodeJS.WriteStream, total: number) {
  const live = stream.isTTY;
  let running = 0;
  let done = 0;
  let failed = 0;
  const draw = (): void => {
    if (live)
      stream.write(
        `\r\x1b[2Kmailprobe batch: ${done}/${total} done, ${running} running${failed ? `, ${failed} not passed` : ''}`,
      );
  };
  return {
    started(): void {
      running += 1;
      draw();
    },
    finished(outcome: RowOutcome): void {
      running -= 1;
      done += 1;
      if (outcome.status !== 'pass') failed += 1;
      draw();
    },
    clear(): void {
      if (live) stream.write('\r\x1b[2K');
    },
  };
}
