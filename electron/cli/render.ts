// Human output: a step tree with status, times and the server's words; colour only on a TTY.
import type {
  CheckResult,
  Finding,
  FixPlan,
  FixStep,
  ReadinessItem,
  Report,
  StepStatus,
} from '../../shared/report/model';
import type { RunEvents, RunInput } from '../engine/checks/run';

const MARK: Record<StepStatus, string> = { pass: '✔', warn: '!', fail: '✘', skipped: '–' };
const COLOR: Record<StepStatus, string> = { pass: '32', warn: '33', fail: '31', skipped: '90' };

/**
 * Server words reach the terminal: their control characters (ESC sequences that would clear the
 * screen or fake a PASS line, bare CRs that overwrite one) are shown as escapes instead.
 */
export function printable(text: string): string {
  return text.replace(
    // eslint-disable-next-line no-control-regex -- control characters are what this removes
    /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g,
    (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
}

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
        `   ${paint(c, COLOR[step.status], MARK[step.status])} ${step.id.padEnd(13)}${time.padStart(9)}  ${printable(step.summary)}`,
      );
      const said = step.detail.serverSaid;
      if (step.status === 'fail' && typeof said === 'string' && !step.summary.includes(said))
        lines.push(`${' '.repeat(28)}server said: ${printable(said)}`);
      const hint = step.detail.hint;
      if (step.status === 'fail' && typeof hint === 'string')
        lines.push(`${' '.repeat(28)}hint: ${printable(hint)}`);
    }
  }
  if (report.findings.length > 0) lines.push('', renderFindings(report.findings, options).trimEnd());
  const readiness = renderReadiness(report.readiness ?? [], options);
  if (readiness) lines.push('', readiness);
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
  label: string,
): { events: RunEvents } {
  const live = stream.isTTY;
  stream.write(
    `Checking ${[...input.protocols, ...(input.graph ? ['graph'] : [])].join(', ')} for ${input.target.mailbox} on ${label} (${input.credentialSource})...\n`,
  );
  return {
    events: {
      onProgress: (event) => {
        if (!live) return;
        if (event.state === 'started') stream.write(`  ${event.protocol.padEnd(5)} ${event.step}\n`);
        else stream.write(`  ${event.protocol.padEnd(5)} ${event.status ?? ''}\n`);
      },
    },
  };
}

/** `mailprobe token`: the acquire step, the claims and each check. */
export function renderTokenSection(report: Report, options: { color: boolean }): string {
  const c = options.color;
  const lines: string[] = [];
  const check = report.checks.find((x) => x.protocol === 'token');
  for (const step of check?.steps ?? []) {
    lines.push(
      `${paint(c, COLOR[step.status], MARK[step.status])} ${step.id.padEnd(8)} ${printable(step.summary)}`,
    );
    const endpointError = step.detail.endpointError as Record<string, unknown> | undefined;
    if (endpointError) {
      for (const key of ['error', 'error_codes', 'trace_id', 'correlation_id', 'timestamp', 'lookup'])
        if (endpointError[key] !== undefined)
          lines.push(`           ${key}: ${printable(JSON.stringify(endpointError[key]))}`);
    }
  }
  if (report.token) {
    lines.push('', 'Claims:');
    for (const [key, value] of Object.entries(report.token.claims))
      lines.push(`  ${printable(key).padEnd(16)} ${printable(JSON.stringify(value))}`);
    const exp = report.token.claims.exp;
    if (typeof exp === 'number') {
      const left = Math.round(exp - Date.now() / 1000);
      lines.push(
        `  ${''.padEnd(16)} expires ${new Date(exp * 1000).toISOString()} (${left >= 0 ? `in ${Math.floor(left / 60)} min ${left % 60} s` : `${-left} s ago`})`,
      );
    }
    lines.push('', 'Checks:');
    for (const x of report.token.checks)
      lines.push(
        `  ${paint(c, COLOR[x.status], MARK[x.status])} ${(x.protocol ?? 'all').padEnd(5)} ${x.id.padEnd(18)} ${printable(x.summary)}`,
      );
  }
  lines.push('', report.verdict === 'pass' ? paint(c, '32;1', 'PASS') : paint(c, '31;1', 'FAIL'));
  return `${lines.join('\n')}\n`;
}

const CONFIDENCE_COLOR: Record<Finding['confidence'], string> = { high: '31;1', medium: '33;1', low: '90' };

/** Findings, most likely first: title, why (evidence), what to do (steps, commands to paste). */
const READY_MARK = { ok: '✔', warn: '!', fail: '✘' } as const;
const READY_COLOR = { ok: '32', warn: '33', fail: '31' } as const;

/** The readiness audit: what will break and when, with the fix; nothing when all is fine. */
export function renderReadiness(items: ReadinessItem[], options: { color: boolean }): string {
  if (items.length === 0) return '';
  const lines = ['Readiness (what will break, and when):'];
  for (const item of items) {
    const where = item.protocol ? `${item.protocol}: ` : '';
    lines.push(
      `  ${paint(options.color, READY_COLOR[item.status], READY_MARK[item.status])} ${where}${printable(item.summary)}${item.when && item.status !== 'ok' ? ` (${item.when})` : ''}`,
    );
    if (item.status !== 'ok') lines.push(`      fix: ${printable(item.fix)}`);
  }
  return lines.join('\n');
}

const KIND_TAG: Record<FixStep['kind'], string> = { setup: 'connect', check: 'check', action: 'change' };

/** One step: its kind, a destructive mark, its words, then its command on a line of its own. */
function renderStep(step: FixStep, head: string, indent: string, color: boolean): string[] {
  const tags = `[${KIND_TAG[step.kind]}]${step.destructive ? ` ${paint(color, '31;1', '[DESTRUCTIVE: only after the check]')}` : ''}`;
  const out = [`${head}${tags}${step.text ? ` ${printable(step.text)}` : ''}`];
  if (step.command) out.push(`${indent}  ${printable(step.command)}`);
  return out;
}

/** A fix as its plan: numbered steps, each command under its step, alternatives lettered. */
function renderPlan(plan: FixPlan, color: boolean): string[] {
  const lines = ['   What to do:'];
  plan.steps.forEach((s, i) => {
    const n = `     ${i + 1}) `;
    if (s.kind !== 'choice') {
      lines.push(...renderStep(s, n, ' '.repeat(n.length), color));
      return;
    }
    lines.push(`${n}${printable(s.text)}`);
    s.options.forEach((o, j) => {
      const letter = String.fromCharCode(65 + j);
      const pad = ' '.repeat(n.length);
      lines.push(`${pad}${letter}. ${o.recommended ? '(recommended) ' : ''}${printable(o.label)}`);
      for (const x of o.steps) lines.push(...renderStep(x, `${pad}   `, `${pad}   `, color));
    });
  });
  return lines;
}

export function renderFindings(findings: Finding[], options: { color: boolean }): string {
  const c = options.color;
  const lines: string[] = [
    findings.length === 1
      ? 'Diagnosis:'
      : `Diagnosis (${findings.length} possible causes, most likely first):`,
  ];
  findings.forEach((f, i) => {
    lines.push('');
    lines.push(
      `${i + 1}. ${paint(c, '1', printable(f.title))}  [${paint(c, CONFIDENCE_COLOR[f.confidence], f.confidence)} confidence, ${f.cause}${f.protocol ? `, ${f.protocol}` : ''}]`,
    );
    lines.push(`   ${printable(f.explanation)}`);
    if (f.evidence.length) {
      lines.push('   Why we think so:');
      for (const e of f.evidence) lines.push(`     - ${printable(e)}`);
    }
    if (f.fix.plan) lines.push(...renderPlan(f.fix.plan, c));
    else {
      if (f.fix.steps.length) {
        lines.push('   What to do:');
        f.fix.steps.forEach((s, n) => lines.push(`     ${n + 1}) ${printable(s)}`));
      }
      if (f.fix.commands.length) {
        lines.push('   Commands:');
        for (const cmd of f.fix.commands) lines.push(`     ${printable(cmd)}`);
      }
    }
    if (f.docs.length) lines.push(`   Docs: ${f.docs.join('  ')}`);
  });
  return `${lines.join('\n')}\n`;
}
