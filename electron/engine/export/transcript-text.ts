// The bundle's transcript.txt: every line of every check of a run as plain text, one line per
// entry with its time, step and direction, the checks in a fixed order. The entries were redacted
// when they were recorded; this only lays them out. Also the small helpers the HTML report shares.
import { PROTOCOL_LABEL, PROTOCOL_ORDER } from '../../../shared/report/model';
import type { CheckResult, Direction, Report, TranscriptEntry } from '../../../shared/report/model';

export { PROTOCOL_LABEL, PROTOCOL_ORDER };

/** How each direction is marked, so that a line reads without colour (printed, or in a text file). */
export const DIRECTION_PREFIX: Record<Direction, string> = { c: 'C:', s: 'S:', i: '--', e: '!!' };

/** The longest step id ('capabilities'): steps are padded to it so the texts line up. */
const STEP_WIDTH = 12;

/** The checks of a report in PROTOCOL_ORDER (stable for any protocol not in the list). */
export function orderedChecks(report: Report): CheckResult[] {
  const rank = (check: CheckResult): number => {
    const index = PROTOCOL_ORDER.indexOf(check.protocol);
    return index === -1 ? PROTOCOL_ORDER.length : index;
  };
  return [...report.checks].sort((a, b) => rank(a) - rank(b));
}

/**
 * Server words are shown, never obeyed: control characters (terminal escapes, bare CRs that would
 * overwrite a line) and the Unicode controls that reorder text are shown as escapes. Tabs and
 * line breaks stay.
 */
export function printable(text: string): string {
  return text.replace(
    // eslint-disable-next-line no-control-regex -- control characters are what this replaces
    /[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g,
    (c) => {
      const code = c.charCodeAt(0);
      return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16)}`;
    },
  );
}

/** A text's lines: CRLF and LF both end a line; a bare CR stays and is shown as an escape. */
export function textLines(text: string): string[] {
  return text.split(/\r?\n/).map(printable);
}

/** A duration: "123 ms", "1.23 s". */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '';
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`;
}

/** An ISO time as "2026-11-24 10:15:42 UTC", or the text as it is when it is not a time. */
export function formatUtc(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** The start of an entry's line: "+   123 ms  auth          C:". Always the same width. */
export function entryPrefix(entry: TranscriptEntry): string {
  const t = Number.isFinite(entry.t) ? Math.max(0, Math.round(entry.t)) : 0;
  return `+${String(t).padStart(6)} ms  ${entry.step.padEnd(STEP_WIDTH)}  ${DIRECTION_PREFIX[entry.dir]}`;
}

/** The width of entryPrefix plus the space after it, for indenting continuation lines. */
export const ENTRY_INDENT = '+'.length + 6 + ' ms  '.length + STEP_WIDTH + 2 + 2 + 1;

function renderEntry(entry: TranscriptEntry): string {
  const [first = '', ...rest] = textLines(entry.text);
  const indent = ' '.repeat(ENTRY_INDENT);
  return [
    `${entryPrefix(entry)} ${first}`.trimEnd(),
    ...rest.map((line) => `${indent}${line}`.trimEnd()),
  ].join('\n');
}

function checkHeading(check: CheckResult, report: Report): string {
  const endpoint = check.protocol === 'token' ? undefined : report.target[check.protocol];
  const where = endpoint ? `  ${endpoint.host}:${endpoint.port} (${endpoint.security})` : '';
  const count = check.transcript.length;
  return `== ${PROTOCOL_LABEL[check.protocol]}${printable(where)}  ${check.verdict.toUpperCase()}  ${formatMs(check.durationMs)}  (${count} ${count === 1 ? 'line' : 'lines'}) ==`;
}

export function renderTranscriptText(report: Report): string {
  const lines: string[] = [
    'MailProbe transcript',
    `Started:  ${printable(formatUtc(report.startedAt))}`,
    `Verdict:  ${report.verdict.toUpperCase()}`,
    `Mailbox:  ${printable(report.target.mailbox)}`,
    'Directions: C: client  S: server  --: info  !!: error. Secrets were redacted when recorded.',
  ];
  const checks = orderedChecks(report);
  if (checks.length === 0) lines.push('', 'No check was run.');
  for (const check of checks) {
    lines.push('', checkHeading(check, report));
    if (check.transcript.length === 0) lines.push('(no lines recorded)');
    for (const entry of check.transcript) lines.push(renderEntry(entry));
  }
  return `${lines.join('\n')}\n`;
}
