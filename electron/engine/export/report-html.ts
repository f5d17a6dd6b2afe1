// The bundle's report.html: one run as a single self-contained page that anyone can open in a
// browser without MailProbe: summary, target, findings, the step tree of each check, token claims,
// the transcript and the environment. No script and nothing loaded from anywhere (the page's own
// Content-Security-Policy forbids it); every text from the run is escaped, because a server's
// reply can hold markup.
import type { RunEnvironment, StoredRun } from '../../../shared/api/contract';
import type {
  CheckResult,
  Confidence,
  EndpointTarget,
  Finding,
  FixPlan,
  FixStep,
  MailProtocol,
  Report,
  StepResult,
  StepStatus,
  TokenSection,
  TranscriptEntry,
} from '../../../shared/report/model';
import {
  DIRECTION_PREFIX,
  PROTOCOL_LABEL,
  entryPrefix,
  formatMs,
  formatUtc,
  orderedChecks,
  printable,
  textLines,
} from './transcript-text';

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text for an element or a quoted attribute: markup characters escaped, controls made visible. */
export function escapeHtml(text: string): string {
  return printable(text).replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/** Multi-line text: each line escaped, kept as lines (the element's CSS keeps the breaks). */
function escapeLines(text: string): string {
  return textLines(text).map(escapeHtml).join('\n');
}

const STATUS_MARK: Record<StepStatus, string> = { pass: '✔', warn: '!', fail: '✘', skipped: '–' };
const STATUS_WORD: Record<StepStatus, string> = {
  pass: 'PASS',
  warn: 'WARN',
  fail: 'FAIL',
  skipped: 'SKIPPED',
};
const CONFIDENCE_WORD: Record<Confidence, string> = {
  high: 'High confidence',
  medium: 'Medium confidence',
  low: 'Low confidence',
};
const CREDENTIAL_WORD: Record<Report['target']['credential'], string> = {
  'access-token': 'Access token (pasted)',
  password: 'Password',
  'client-secret': 'Client secret',
  certificate: 'Certificate',
  'device-code': 'A user signed in (device code)',
  browser: 'A user signed in (browser)',
  ropc: "A user's password sent for a token (ROPC, legacy)",
  'google-service-account': 'Google service account (domain-wide delegation)',
  none: 'None',
};
const MAIL_PROTOCOLS: readonly MailProtocol[] = ['imap', 'pop3', 'smtp'];
/** The legend of the transcript's prefixes. */
const DIRECTION_WORD: Record<keyof typeof DIRECTION_PREFIX, string> = {
  c: 'client',
  s: 'server',
  i: 'info',
  e: 'error',
};

/** Claims that hold a time in seconds since 1970, shown as a date as well. */
const TIME_CLAIMS = new Set(['exp', 'iat', 'nbf', 'auth_time']);

/** A value used in a class name: only what a class name can hold, whatever a stored run says. */
function cls(value: unknown): string {
  return String(value).replace(/[^a-z0-9-]/gi, '');
}

/** A status as a badge that reads both in colour and in black and white. */
function statusBadge(status: StepStatus): string {
  return `<span class="badge s-${cls(status)}">${STATUS_MARK[status]} ${STATUS_WORD[status]}</span>`;
}

/** A list of label/value rows; the values are already HTML. */
function facts(rows: Array<[string, string]>): string {
  const items = rows.map(([label, value]) => `<dt>${escapeHtml(label)}</dt><dd>${value}</dd>`).join('\n');
  return `<dl class="facts">\n${items}\n</dl>`;
}

function none(text = 'not set'): string {
  return `<span class="muted">${escapeHtml(text)}</span>`;
}

function optional(value: string | undefined | null): string {
  return value === undefined || value === null || value === '' ? none() : escapeHtml(value);
}

function endpoint(target: EndpointTarget): string {
  return `<code>${escapeHtml(`${target.host}:${target.port}`)}</code> ${escapeHtml(target.security.toUpperCase())}`;
}

/** Only https links become links; anything else is shown as text. */
function docLink(url: string): string {
  if (/^https:\/\/[^\s"'<>\\]+$/.test(url)) {
    return `<a href="${escapeHtml(url)}" rel="noopener noreferrer">${escapeHtml(url)}</a>`;
  }
  return `<span>${escapeHtml(url)}</span>`;
}

function renderSummary(run: StoredRun): string {
  const report = run.report;
  const rows: Array<[string, string]> = [
    ['Started at', escapeHtml(formatUtc(report.startedAt))],
    ['Duration', escapeHtml(formatMs(report.durationMs))],
  ];
  if (run.scenario !== null) rows.push(['Lab scenario', `<code>${escapeHtml(run.scenario)}</code>`]);
  rows.push(['Run id', `<code>${escapeHtml(run.id)}</code>`]);
  const failed = report.checks.filter((c) => c.verdict === 'fail').map((c) => PROTOCOL_LABEL[c.protocol]);
  const headline =
    report.verdict === 'pass'
      ? 'Every check passed'
      : failed.length > 0
        ? `Failed: ${failed.join(', ')}`
        : 'The run failed';
  return `<header id="summary">
<h1>MailProbe diagnostic report</h1>
<p class="profile"><span class="muted">Profile</span> <strong>${escapeHtml(run.profileName)}</strong></p>
<p class="verdict v-${cls(report.verdict)}"><span class="verdict-word">${report.verdict === 'pass' ? '✔ PASS' : '✘ FAIL'}</span> ${escapeHtml(headline)}</p>
${facts(rows)}
</header>`;
}

function renderTarget(report: Report): string {
  const target = report.target;
  const rows: Array<[string, string]> = [
    ['Mailbox', escapeHtml(target.mailbox)],
    ['Tenant', optional(target.tenant)],
    ['Client (app) id', optional(target.clientId)],
    ['Cloud', optional(target.cloud)],
    ['Credential', escapeHtml(CREDENTIAL_WORD[target.credential])],
    ['SASL mechanism', escapeHtml(target.mechanism.toUpperCase())],
  ];
  for (const protocol of MAIL_PROTOCOLS) {
    const where = target[protocol];
    if (where) rows.push([PROTOCOL_LABEL[protocol], endpoint(where)]);
  }
  return `<section id="target">
<h2>What was checked</h2>
${facts(rows)}
</section>`;
}

const KIND_WORD: Record<FixStep['kind'], string> = { setup: 'Connect', check: 'Check', action: 'Change' };

/** One step of a plan: its kind, a destructive mark, its words, then its command. */
function renderPlanStep(step: FixStep): string {
  const mark = step.destructive
    ? ' <span class="destructive">Destructive: only after the check before it</span>'
    : '';
  const text = step.text ? ` <span class="step-text">${escapeLines(step.text)}</span>` : '';
  const command = step.command ? `<pre class="command"><code>${escapeLines(step.command)}</code></pre>` : '';
  return `<li class="step k-${cls(step.kind)}${step.destructive ? ' is-destructive' : ''}"><span class="kind">${KIND_WORD[step.kind]}</span>${mark}${text}${command}</li>`;
}

/** A fix as a person runs it: numbered steps, alternatives as a choice (recommended first). */
function renderPlanHtml(plan: FixPlan): string {
  const items = plan.steps.map((s) => {
    if (s.kind !== 'choice') return renderPlanStep(s);
    const options = s.options
      .map(
        (o) =>
          `<li class="option"><p><strong>${escapeHtml(o.label)}</strong>${o.recommended ? ' <span class="recommended">recommended</span>' : ''}</p>\n<ol class="fix">\n${o.steps.map(renderPlanStep).join('\n')}\n</ol></li>`,
      )
      .join('\n');
    return `<li class="step choice"><span class="kind">Choose one</span> <span class="step-text">${escapeLines(s.text)}</span>\n<ol class="options" type="A">\n${options}\n</ol></li>`;
  });
  return `<ol class="fix plan">\n${items.join('\n')}\n</ol>`;
}

/** The flat form of a fix, for a report stored before plans existed. */
function renderFlatFix(finding: Finding): string[] {
  const parts: string[] = [];
  if (finding.fix.steps.length > 0) {
    parts.push(
      '<h4>What to do</h4>',
      `<ol class="fix">\n${finding.fix.steps.map((s) => `<li>${escapeLines(s)}</li>`).join('\n')}\n</ol>`,
    );
  }
  if (finding.fix.commands.length > 0) {
    parts.push(
      '<h4>Commands</h4>',
      ...finding.fix.commands.map((c) => `<pre class="command"><code>${escapeLines(c)}</code></pre>`),
    );
  }
  return parts;
}

function renderFinding(finding: Finding, index: number): string {
  const parts: string[] = [
    `<article class="finding c-${cls(finding.confidence)}" id="finding-${index + 1}">`,
    `<h3><span class="num">${index + 1}.</span> ${escapeHtml(finding.title)}</h3>`,
    `<p class="meta"><span class="badge c-${cls(finding.confidence)}">${CONFIDENCE_WORD[finding.confidence]}</span> <code>${escapeHtml(finding.cause)}</code>${finding.protocol ? ` · ${PROTOCOL_LABEL[finding.protocol]}` : ''}</p>`,
  ];
  if (finding.explanation) parts.push(`<p class="explanation">${escapeLines(finding.explanation)}</p>`);
  // The fix before its evidence, as in the app: what to do first.
  if (finding.fix.plan && finding.fix.plan.steps.length > 0)
    parts.push('<h4>What to do</h4>', renderPlanHtml(finding.fix.plan));
  else parts.push(...renderFlatFix(finding));
  if (finding.evidence.length > 0) {
    parts.push(
      '<h4>Why we think so</h4>',
      `<ul class="evidence">\n${finding.evidence.map((e) => `<li><code>${escapeLines(e)}</code></li>`).join('\n')}\n</ul>`,
    );
  }
  if (finding.docs.length > 0) {
    parts.push(
      '<h4>Documentation</h4>',
      `<ul class="docs">\n${finding.docs.map((d) => `<li>${docLink(d)}</li>`).join('\n')}\n</ul>`,
    );
  }
  parts.push('</article>');
  return parts.join('\n');
}

function renderFindings(report: Report): string {
  let body: string;
  if (report.findings.length === 0) {
    body = `<p class="empty">${report.verdict === 'pass' ? 'No problem found.' : 'No known cause matched this failure: see the checks and the transcript below.'}</p>`;
  } else {
    const intro =
      report.findings.length === 1
        ? ''
        : `<p class="muted">${report.findings.length} possible causes, most likely first.</p>\n`;
    body = intro + report.findings.map(renderFinding).join('\n');
  }
  return `<section id="findings">
<h2>Diagnosis</h2>
${body}
</section>`;
}

/** The step details a support engineer reads first, when a step did not pass. */
function stepNotes(step: StepResult): string {
  if (step.status === 'pass' || step.status === 'skipped') return '';
  const notes: string[] = [];
  const said = step.detail.serverSaid;
  if (typeof said === 'string' && said !== '' && !step.summary.includes(said))
    notes.push(
      `<div class="note"><span class="label">Server said:</span> <code>${escapeLines(said)}</code></div>`,
    );
  const hint = step.detail.hint;
  if (typeof hint === 'string' && hint !== '')
    notes.push(`<div class="note"><span class="label">Hint:</span> ${escapeLines(hint)}</div>`);
  return notes.join('\n');
}

function renderStep(step: StepResult): string {
  const time = step.status === 'skipped' ? '' : formatMs(step.durationMs);
  const notes = stepNotes(step);
  return `<li class="step s-${cls(step.status)}">
<div class="step-line">${statusBadge(step.status)} <code class="step-id">${escapeHtml(step.id)}</code> <span class="time">${escapeHtml(time)}</span> <span class="summary">${escapeLines(step.summary)}</span></div>${notes ? `\n${notes}` : ''}
</li>`;
}

function checkWhere(check: CheckResult, report: Report): string {
  if (check.protocol === 'token') return '';
  const where = report.target[check.protocol];
  return where ? ` <span class="where">${endpoint(where)}</span>` : '';
}

function renderCheck(check: CheckResult, report: Report): string {
  const steps =
    check.steps.length === 0
      ? '<p class="empty">No step was recorded.</p>'
      : `<ol class="steps">\n${check.steps.map(renderStep).join('\n')}\n</ol>`;
  return `<article class="check" id="check-${escapeHtml(check.protocol)}">
<h3>${PROTOCOL_LABEL[check.protocol]}${checkWhere(check, report)} ${statusBadge(check.verdict)} <span class="time">${escapeHtml(formatMs(check.durationMs))}</span></h3>
${steps}
</article>`;
}

function renderChecks(report: Report): string {
  const checks = orderedChecks(report);
  const body =
    checks.length === 0
      ? '<p class="empty">No check was run.</p>'
      : checks.map((c) => renderCheck(c, report)).join('\n');
  return `<section id="checks">
<h2>Checks</h2>
${body}
</section>`;
}

function claimValue(key: string, value: unknown): string {
  // JSON.stringify gives undefined for undefined (its type says otherwise).
  const json = JSON.stringify(value) as string | undefined;
  const text = typeof value === 'string' ? value : (json ?? String(value));
  if (TIME_CLAIMS.has(key) && typeof value === 'number' && Number.isFinite(value)) {
    const when = new Date(value * 1000);
    if (!Number.isNaN(when.getTime()))
      return `<code>${escapeHtml(text)}</code> <span class="muted">(${escapeHtml(formatUtc(when.toISOString()))})</span>`;
  }
  return `<code>${escapeLines(text)}</code>`;
}

function renderToken(token: TokenSection | null): string {
  if (token === null) {
    return `<section id="token">
<h2>Access token</h2>
<p class="empty">No token was inspected in this run.</p>
</section>`;
  }
  const claims = Object.entries(token.claims);
  const rows = claims
    .map(
      ([key, value]) =>
        `<tr><th scope="row"><code>${escapeHtml(key)}</code></th><td>${claimValue(key, value)}</td></tr>`,
    )
    .join('\n');
  const table =
    claims.length === 0
      ? '<p class="empty">The token had no readable claims.</p>'
      : `<table class="claims">\n<thead><tr><th scope="col">Claim</th><th scope="col">Value</th></tr></thead>\n<tbody>\n${rows}\n</tbody>\n</table>`;
  const checks =
    token.checks.length === 0
      ? '<p class="empty">No claim check was made.</p>'
      : `<ul class="token-checks">\n${token.checks
          .map(
            (c) =>
              `<li class="s-${cls(c.status)}">${statusBadge(c.status)} <span class="muted">${c.protocol ? PROTOCOL_LABEL[c.protocol] : 'All protocols'}</span> <code>${escapeHtml(c.id)}</code> ${escapeLines(c.summary)}</li>`,
          )
          .join('\n')}\n</ul>`;
  return `<section id="token">
<h2>Access token</h2>
<p class="muted">The claims of the token used in this run. The token itself is never kept.</p>
${table}
<h3>Claim checks</h3>
${checks}
</section>`;
}

function renderEntry(entry: TranscriptEntry): string {
  return `<div class="l d-${cls(entry.dir)}"><span class="p">${escapeHtml(entryPrefix(entry))}</span> ${escapeLines(entry.text)}</div>`;
}

function renderTranscript(report: Report): string {
  const checks = orderedChecks(report);
  const blocks = checks.map((check) => {
    const count = check.transcript.length;
    const body =
      count === 0
        ? '<p class="empty">No line was recorded.</p>'
        : `<div class="transcript" role="log">\n${check.transcript.map(renderEntry).join('\n')}\n</div>`;
    return `<h3 id="transcript-${escapeHtml(check.protocol)}">${PROTOCOL_LABEL[check.protocol]} <span class="muted">${count} ${count === 1 ? 'line' : 'lines'}</span></h3>\n${body}`;
  });
  const legend = (Object.keys(DIRECTION_PREFIX) as Array<keyof typeof DIRECTION_PREFIX>)
    .map(
      (dir) =>
        `<span class="d-${cls(dir)}"><span class="p">${DIRECTION_PREFIX[dir]}</span> ${DIRECTION_WORD[dir]}</span>`,
    )
    .join(' ');
  return `<section id="transcript">
<h2>Transcript</h2>
<p class="legend">${legend}. Times are from the start of the run. Secrets were redacted when each line was recorded.</p>
${blocks.length === 0 ? '<p class="empty">No check was run.</p>' : blocks.join('\n')}
</section>`;
}

function renderEnvironment(env: RunEnvironment): string {
  const { timeouts } = env.network;
  const rows: Array<[string, string]> = [
    ['MailProbe', escapeHtml(`${env.app.version} (${env.app.shell})`)],
    ['Operating system', escapeHtml(`${env.os.platform} ${env.os.release} (${env.os.arch})`)],
    ['Node.js', escapeHtml(env.versions.node)],
    ['Electron', optional(env.versions.electron)],
    ['Chromium', optional(env.versions.chromium)],
    [
      'Timeouts',
      escapeHtml(
        `connect ${formatMs(timeouts.connectMs)}, greeting ${formatMs(timeouts.greetingMs)}, command ${formatMs(timeouts.commandMs)}`,
      ),
    ],
    ['Minimum TLS version', escapeHtml(env.network.minTls)],
    [
      'Extra trusted CAs',
      env.network.extraCaFiles.length === 0
        ? none('none')
        : env.network.extraCaFiles.map((f) => `<code>${escapeHtml(f)}</code>`).join('<br>'),
    ],
    [
      'Identity proxy',
      env.network.proxy.identity === null ? none('direct') : escapeHtml(env.network.proxy.identity),
    ],
    ['Mail proxy', env.network.proxy.mail === null ? none('direct') : escapeHtml(env.network.proxy.mail)],
  ];
  return `<section id="environment">
<h2>Environment</h2>
${facts(rows)}
</section>`;
}

const STYLE = `
:root { color-scheme: light; --ink: #1f2328; --muted: #59636e; --line: #d1d9e0; --soft: #f6f8fa;
  --pass: #1a7f37; --warn: #9a6700; --fail: #cf222e; --skip: #6e7781; --client: #0550ae; --server: #116329;
  --info: #59636e; --error: #cf222e; }
* { box-sizing: border-box; }
body { margin: 0; background: #fff; color: var(--ink);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
.page { max-width: 72rem; margin: 0 auto; padding: 2rem 1.5rem 3rem; }
code, pre, .transcript { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace;
  font-size: 0.86em; }
h1 { font-size: 1.9rem; margin: 0 0 0.3rem; line-height: 1.2; }
h2 { font-size: 1.3rem; margin: 2.2rem 0 0.8rem; padding-bottom: 0.3rem; border-bottom: 1px solid var(--line); }
h3 { font-size: 1.08rem; margin: 1.4rem 0 0.5rem; }
h4 { font-size: 0.95rem; margin: 1rem 0 0.3rem; }
.profile { margin: 0 0 0.8rem; font-size: 1.15rem; }
.muted, .empty { color: var(--muted); }
.verdict { display: inline-block; margin: 0 0 1rem; padding: 0.35rem 0.8rem; border-radius: 6px; font-weight: 600;
  border: 2px solid currentColor; }
.verdict-word { margin-right: 0.4rem; }
.v-pass { color: var(--pass); background: #dafbe1; }
.v-fail { color: var(--fail); background: #ffebe9; }
.facts { display: grid; grid-template-columns: minmax(9rem, max-content) 1fr; gap: 0.25rem 1.2rem; margin: 0; }
.facts dt { color: var(--muted); }
.facts dd { margin: 0; overflow-wrap: anywhere; }
.badge { display: inline-block; padding: 0 0.45rem; border-radius: 999px; border: 1px solid currentColor;
  font-size: 0.78rem; font-weight: 600; line-height: 1.6; white-space: nowrap; vertical-align: 0.1em; }
.s-pass .badge, .badge.s-pass { color: var(--pass); }
.s-warn .badge, .badge.s-warn { color: var(--warn); }
.s-fail .badge, .badge.s-fail { color: var(--fail); }
.s-skipped .badge, .badge.s-skipped { color: var(--skip); }
.badge.c-high { color: var(--fail); }
.badge.c-medium { color: var(--warn); }
.badge.c-low { color: var(--skip); }
.finding { border: 1px solid var(--line); border-left: 4px solid var(--skip); border-radius: 6px;
  padding: 0.2rem 1.1rem 0.9rem; margin: 0 0 1rem; }
.finding.c-high { border-left-color: var(--fail); }
.finding.c-medium { border-left-color: var(--warn); }
.finding h3 { margin-top: 0.8rem; }
.finding .num { color: var(--muted); }
.meta { margin: 0 0 0.5rem; color: var(--muted); }
.explanation, .fix li, .summary, .note { white-space: pre-wrap; overflow-wrap: anywhere; }
.plan .kind { font-weight: 600; margin-right: 4px; }
.plan .destructive { color: #b3261e; font-weight: 700; }
.plan .recommended { color: #1b6e3a; font-weight: 600; }
.evidence code { white-space: pre-wrap; overflow-wrap: anywhere; }
pre code { font-size: inherit; }
pre.command { background: var(--soft); border: 1px solid var(--line); border-radius: 6px; padding: 0.6rem 0.8rem;
  margin: 0.4rem 0; white-space: pre-wrap; overflow-wrap: anywhere; }
a { color: var(--client); overflow-wrap: anywhere; }
.check { margin: 0 0 1.2rem; }
.check h3 .where { font-weight: normal; color: var(--muted); }
.time { color: var(--muted); font-variant-numeric: tabular-nums; }
.steps { list-style: none; margin: 0; padding: 0 0 0 0.9rem; border-left: 2px solid var(--line); }
.step { margin: 0.3rem 0; }
.step-line .badge { min-width: 5.6rem; text-align: center; }
.step-id { font-weight: 600; margin: 0 0.3rem; }
.note { margin: 0.15rem 0 0 6.3rem; }
.note .label { color: var(--muted); }
.claims { border-collapse: collapse; width: 100%; margin: 0.4rem 0 0.8rem; }
.claims th, .claims td { text-align: left; vertical-align: top; padding: 0.25rem 0.6rem;
  border-bottom: 1px solid var(--line); }
.claims thead th { background: var(--soft); }
.claims tbody th { width: 12rem; font-weight: normal; }
.claims td code { white-space: pre-wrap; overflow-wrap: anywhere; }
.token-checks { list-style: none; padding: 0; margin: 0; }
.token-checks li { margin: 0.25rem 0; }
.legend .p { font-family: ui-monospace, Menlo, Consolas, monospace; font-weight: 600; }
.transcript { background: var(--soft); border: 1px solid var(--line); border-radius: 6px; padding: 0.5rem 0.7rem;
  line-height: 1.45; }
.transcript .l { white-space: pre-wrap; overflow-wrap: anywhere; padding-left: 29ch; text-indent: -29ch; }
.transcript .p { color: var(--muted); }
.d-c, .d-c .p { color: var(--client); }
.d-s, .d-s .p { color: var(--server); }
.d-i, .d-i .p { color: var(--info); }
.d-e, .d-e .p { color: var(--error); font-weight: 600; }
.legend > span { margin-right: 0.8rem; }
footer { margin-top: 3rem; padding-top: 0.8rem; border-top: 1px solid var(--line); color: var(--muted);
  font-size: 0.85rem; }
@media print {
  body { font-size: 10pt; }
  .page { max-width: none; padding: 0; }
  h2, h3, h4 { break-after: avoid; }
  .finding, .step, .claims tr, .transcript .l { break-inside: avoid; }
  .transcript, pre.command { background: none; }
  .v-pass, .v-fail { background: none; }
  a[href]::after { content: " (" attr(href) ")"; color: var(--muted); }
}
`;

export function renderReportHtml(run: StoredRun): string {
  const report = run.report;
  const title = `MailProbe diagnostic report: ${run.profileName} (${report.verdict.toUpperCase()})`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<div class="page">
${renderSummary(run)}
<main>
${renderTarget(report)}
${renderFindings(report)}
${renderChecks(report)}
${renderToken(report.token)}
${renderTranscript(report)}
${renderEnvironment(run.environment)}
</main>
<footer>Made by MailProbe ${escapeHtml(run.environment.app.version)}. Secrets were redacted when each line was recorded; the access token itself is never kept, only its claims.</footer>
</div>
</body>
</html>
`;
}
