// Human output: a step tree with status, times and the server's words; colour only on a TTY.
import type { CheckResult, Report, StepStatus } from '../../shared/report/model';
import type { RunEvents, RunInput } from '../engine/checks/run';

const MARK: Record<StepStatus, string> = { pass: '✔', warn: '!', fail: '✘', skipped: '–' };
const COLOR: Record<StepStatus, string> = { pass: '32', warn: '33', fail: '31', skipped: '90' };

function paint(enabled: boolean, code: string, text: string): string {
  return enabled ? `\x1b[${code}m${text}\x1b[0m` : text;
}

function ms(value: number): string {
  return value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${Math.round(value)} ms`;
}

function heading(check: CheckResult, report: Report): string {
  if (check.protocol === 'token') return 'token';
  const endpoint = report.target[check.protocol];
  return endpoint
    ? `${check.protocol}  ${endpoint.host}:${endpoint.port} (${endpoint.security})`
    : check.protocol;
}

export function renderReport(report: Report, options: { color: boolean }): string {
  const c = options.color;
  const lines: string[] = [];
  lines.push(`MailProbe check of ${report.target.mailbox}  (${report.startedAt})`);
  for (const check of report.checks) {
    lines.push('');
    lines.push(
      `${paint(c, COLOR[check.verdict], MARK[check.verdict])} ${paint(c, '1', heading(check, report))}  ${check.verdict.toUpperCase()}  ${ms(check.durationMs)}`,
    );
    for (const step of check.steps) {
      const time = step.status === 'skipped' ? '' : ms(step.durationMs);
      lines.push(
        `   ${paint(c, COLOR[step.status], MARK[step.status])} ${step.id.padEnd(13)}${time.padStart(9)}  ${step.summary}`,
      );
      const said = step.detail.serverSaid;
      if (step.status === 'fail' && typeof said === 'string' && !step.summary.includes(said))
        lines.push(`${' '.repeat(28)}server said: ${said}`);
      const hint = step.detail.hint;
      if (step.status === 'fail' && typeof hint === 'string') lines.push(`${' '.repeat(28)}hint: ${hint}`);
    }
  }
  if (report.token) {
    const oid = report.token.claims.oid;
    if (typeof oid === 'string') lines.push('', `Service principal object id (token oid): ${oid}`);
  }
  lines.push('');
  const failed = report.checks.filter((x) => x.verdict === 'fail').map((x) => x.protocol);
  lines.push(
    report.verdict === 'pass'
      ? paint(c, '32;1', `PASS: every check passed (${ms(report.durationMs)})`)
      : paint(c, '31;1', `FAIL: ${failed.join(', ')} failed (${ms(report.durationMs)})`),
  );
  return `${lines.join('\n')}\n`;
}

/** Progress on stderr while the run goes: one line per step reached, per protocol. */
export function createProgress(
  stream: NodeJS.WriteStream,
  input: RunInput,
): { events: RunEvents; done(): void } {
  const live = stream.isTTY;
  stream.write(
    `Checking ${input.protocols.join(', ')} for ${input.target.mailbox} (${input.credentialSource})...\n`,
  );
  return {
    events: {
      onProgress: (event) => {
        if (!live) return;
        if (event.state === 'started') stream.write(`  ${event.protocol.padEnd(5)} ${event.step}\n`);
        else stream.write(`  ${event.protocol.padEnd(5)} ${event.status ?? ''}\n`);
      },
    },
    done: () => undefined,
  };
}
