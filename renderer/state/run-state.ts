// The live state of one run, built from `checks:progress` and `checks:transcript` events and
// settled by the final Report. Pure functions, no DOM: unit-tested in tests/unit/renderer.
import { PROTOCOL_LABEL, PROTOCOL_ORDER } from '../../shared/report/model';
import type {
  BrowserSignInPrompt,
  DeviceCodePrompt,
  RunProgress,
  StoredRun,
  TranscriptBatch,
  Result,
} from '../../shared/api/contract';
import type { Settings } from '../../shared/api/contract';
import type {
  CheckVerdict,
  Detail,
  EndpointTarget,
  MailProtocol,
  Protocol,
  Report,
  SecurityMode,
  StepId,
  StepStatus,
} from '../../shared/report/model';
import { STEP_ORDER } from '../../shared/report/model';
import { mergeByTime, rowsFromReport, type TranscriptRow } from './transcript-rows';

/** pending: not reached yet; running: started, not finished; done: finished, verdict not known yet. */
export type LiveStepStatus = 'pending' | 'running' | 'done' | StepStatus;
export type LiveVerdict = 'pending' | 'running' | CheckVerdict;

export interface LiveStep {
  id: StepId;
  status: LiveStepStatus;
  /** Run clock (ms since the run started) when the step started, from the progress events. */
  startedAt: number | null;
  durationMs: number | null;
  summary: string | null;
  /** The step's detail from the report (TLS version and certificate, the greeting...); null live. */
  detail: Detail | null;
}

export interface LiveCheck {
  protocol: Protocol;
  verdict: LiveVerdict;
  endpoint: EndpointTarget | null;
  startedAt: number | null;
  durationMs: number | null;
  steps: LiveStep[];
}

export type RunPhase = 'running' | 'cancelling' | 'done' | 'failed';

export interface RunState {
  runId: string;
  profileId: string;
  scenario: string | null;
  protocols: MailProtocol[];
  /** Whether the run checks Microsoft Graph beside the mail protocols. */
  graph: boolean;
  phase: RunPhase;
  /** Wall clock (Date.now()) when the renderer started the run. */
  startedAtWall: number;
  /**
   * Wall clock at the run clock's zero (the engine's start, which the progress events' `at` and
   * the report's durationMs count from), estimated from the progress events as they arrive; null
   * before the first one.
   */
  clockOriginWall: number | null;
  checks: LiveCheck[];
  /** Seq of the last progress event applied; older or repeated ones are stale. */
  progressSeq: number;
  /** Seq of the next transcript batch expected. */
  transcriptSeq: number;
  /** Batches that arrived ahead of a missing one, kept until the gap closes. */
  pendingBatches: TranscriptBatch[];
  transcript: readonly TranscriptRow[];
  nextRowId: number;
  report: Report | null;
  error: { code: string; message: string } | null;
  /** Events ignored because they were stale, repeated or for another run. */
  dropped: number;
  /** Opened from the profile's history rather than run just now. */
  fromHistory: boolean;
  /** A person's sign-in the run waits for, with the wall clock it arrived at. */
  signIn: SignInPrompt | null;
}

/** The sign-in prompt while it is still awaited: the run goes on and the token is not there yet. */
export function awaitedSignIn(run: RunState): RunState['signIn'] {
  if (!run.signIn || run.phase !== 'running') return null;
  const acquire = run.checks.find((c) => c.protocol === 'token')?.steps.find((s) => s.id === 'acquire');
  return acquire && acquire.status !== 'pending' && acquire.status !== 'running' ? null : run.signIn;
}

/** A device code to enter on a page, or a sign-in page to open in a browser. */
export type SignInPrompt =
  | (DeviceCodePrompt & { kind: 'device-code'; receivedAtWall: number })
  | (BrowserSignInPrompt & { kind: 'browser'; receivedAtWall: number });

export function applySignIn(
  run: RunState,
  prompt: DeviceCodePrompt | BrowserSignInPrompt,
  now: number,
): RunState {
  return {
    ...run,
    signIn:
      'userCode' in prompt
        ? { ...prompt, kind: 'device-code', receivedAtWall: now }
        : { ...prompt, kind: 'browser', receivedAtWall: now },
  };
}

/** Canonical order of steps in a pipeline; unknown steps that show up are placed by it. */
export { STEP_ORDER };

export { PROTOCOL_LABEL, PROTOCOL_ORDER };

/** After this many batches waiting for a missing one, the gap is given up on. */
const MAX_PENDING_BATCHES = 32;

/** The steps a check is expected to go through, shown as pending before they start. */
export function expectedSteps(protocol: Protocol, security: SecurityMode = 'tls', sending = false): StepId[] {
  if (protocol === 'token') return ['acquire', 'inspect'];
  // Graph: its own token (acquire, inspect), the inbox read, and sendMail when sending.
  if (protocol === 'graph') return ['acquire', 'inspect', 'mailbox', ...(sending ? (['send'] as const) : [])];
  const head: StepId[] = ['dns', 'tcp'];
  const tail: StepId[] = ['auth', 'mailbox', 'logout'];
  switch (security) {
    case 'tls':
      return [...head, 'tls', 'greeting', 'capabilities', ...tail];
    case 'starttls':
      return [...head, 'greeting', 'capabilities', 'starttls', ...tail];
    case 'none':
      return [...head, 'greeting', 'capabilities', ...tail];
  }
}

function pendingStep(id: StepId): LiveStep {
  return { id, status: 'pending', startedAt: null, durationMs: null, summary: null, detail: null };
}

export interface StartRunOptions {
  runId: string;
  profileId: string;
  protocols: MailProtocol[];
  scenario?: string | null;
  /** Whether a token is acquired first (everything but a password credential). */
  withToken: boolean;
  endpoints?: Partial<Record<MailProtocol, EndpointTarget>>;
  /** The Graph check beside the mail checks; graphSends: it sends the test message (sendMail). */
  graph?: boolean;
  graphSends?: boolean;
  now: number;
}

export function startRun(options: StartRunOptions): RunState {
  const protocols = MAIL_ORDER.filter((p) => options.protocols.includes(p));
  const checks: LiveCheck[] = [];
  if (options.withToken) checks.push(newCheck('token', null));
  for (const p of protocols) checks.push(newCheck(p, options.endpoints?.[p] ?? null));
  const graph = options.graph === true;
  if (graph) checks.push(newCheck('graph', null, options.graphSends === true));
  return {
    runId: options.runId,
    profileId: options.profileId,
    scenario: options.scenario ?? null,
    protocols,
    graph,
    phase: 'running',
    startedAtWall: options.now,
    clockOriginWall: null,
    checks,
    progressSeq: -1,
    transcriptSeq: 0,
    pendingBatches: [],
    transcript: [],
    nextRowId: 0,
    report: null,
    error: null,
    dropped: 0,
    fromHistory: false,
    signIn: null,
  };
}

const MAIL_ORDER: readonly MailProtocol[] = ['imap', 'pop3', 'smtp'];

function newCheck(protocol: Protocol, endpoint: EndpointTarget | null, sending = false): LiveCheck {
  return {
    protocol,
    verdict: 'pending',
    endpoint,
    startedAt: null,
    durationMs: null,
    steps: expectedSteps(protocol, endpoint?.security, sending).map(pendingStep),
  };
}

function isLive(run: RunState): boolean {
  return run.phase === 'running' || run.phase === 'cancelling';
}

function dropped(run: RunState): RunState {
  return { ...run, dropped: run.dropped + 1 };
}

/** Closes the step that is running (it ended when the next one started or the check finished). */
function closeRunning(steps: LiveStep[], at: number, status: LiveStepStatus): LiveStep[] {
  return steps.map((s) =>
    s.status === 'running'
      ? { ...s, status, durationMs: s.startedAt === null ? null : Math.max(0, at - s.startedAt) }
      : s,
  );
}

function insertStep(steps: LiveStep[], step: LiveStep): LiveStep[] {
  const rank = STEP_ORDER.indexOf(step.id);
  const at = steps.findIndex((s) => STEP_ORDER.indexOf(s.id) > rank);
  return at === -1 ? [...steps, step] : [...steps.slice(0, at), step, ...steps.slice(at)];
}

/**
 * Applies one progress event; events of another run, or older than the last applied, are dropped.
 * `now`, the wall clock the event arrived at, places the run clock's zero on the wall clock: an
 * event arrives after it was said, so the earliest estimate is the closest.
 */
export function applyProgress(run: RunState, event: RunProgress, now?: number): RunState {
  if (event.runId !== run.runId || !isLive(run)) return dropped(run);
  if (event.seq <= run.progressSeq) return dropped(run);
  const origin = now === undefined ? null : now - event.at;
  const clockOriginWall =
    origin === null
      ? run.clockOriginWall
      : run.clockOriginWall === null
        ? origin
        : Math.min(run.clockOriginWall, origin);
  let checks = run.checks;
  if (!checks.some((c) => c.protocol === event.protocol)) {
    checks = [...checks, newCheck(event.protocol, null)].sort(
      (a, b) => PROTOCOL_ORDER.indexOf(a.protocol) - PROTOCOL_ORDER.indexOf(b.protocol),
    );
  }
  checks = checks.map((check) => {
    if (check.protocol !== event.protocol) return check;
    if (event.state === 'started') {
      let steps = closeRunning(check.steps, event.at, 'done');
      const existing = steps.find((s) => s.id === event.step);
      const started: LiveStep = {
        id: event.step,
        status: 'running',
        startedAt: event.at,
        durationMs: null,
        summary: existing?.summary ?? null,
        detail: null,
      };
      steps = existing ? steps.map((s) => (s.id === event.step ? started : s)) : insertStep(steps, started);
      return {
        ...check,
        verdict: 'running',
        startedAt: check.startedAt ?? event.at,
        steps,
      };
    }
    // 'finished' is said once per check, with its verdict.
    const verdict: CheckVerdict = event.status ?? 'pass';
    const steps = closeRunning(check.steps, event.at, verdict === 'fail' ? 'fail' : 'done').map((s) =>
      s.status === 'pending' ? { ...s, status: 'skipped' as const } : s,
    );
    return {
      ...check,
      verdict,
      durationMs: check.startedAt === null ? null : Math.max(0, event.at - check.startedAt),
      steps,
    };
  });
  return { ...run, checks, progressSeq: event.seq, clockOriginWall };
}

function appendBatch(run: RunState, batch: TranscriptBatch): RunState {
  const rows: TranscriptRow[] = batch.entries.map((e, i) => ({
    id: run.nextRowId + i,
    protocol: batch.protocol,
    t: e.t,
    dir: e.dir,
    step: e.step,
    text: e.text,
  }));
  return {
    ...run,
    transcript: mergeByTime(run.transcript, rows),
    nextRowId: run.nextRowId + rows.length,
    transcriptSeq: batch.seq + 1,
  };
}

/**
 * Applies one transcript batch in seq order: a repeated or older batch is dropped, one that
 * arrives early waits for the missing ones (up to a bound, then the gap is given up on).
 */
export function applyTranscript(run: RunState, batch: TranscriptBatch): RunState {
  if (batch.runId !== run.runId || !isLive(run)) return dropped(run);
  if (batch.seq < run.transcriptSeq || run.pendingBatches.some((b) => b.seq === batch.seq))
    return dropped(run);
  if (batch.seq > run.transcriptSeq) {
    const pendingBatches = [...run.pendingBatches, batch].sort((a, b) => a.seq - b.seq);
    if (pendingBatches.length <= MAX_PENDING_BATCHES) return { ...run, pendingBatches };
    let next: RunState = { ...run, pendingBatches: [] };
    for (const b of pendingBatches) next = appendBatch(next, b);
    return next;
  }
  let next = appendBatch(run, batch);
  let waiting = next.pendingBatches;
  for (let head = waiting[0]; head?.seq === next.transcriptSeq; head = waiting[0]) {
    waiting = waiting.slice(1);
    next = appendBatch(next, head);
  }
  return { ...next, pendingBatches: waiting };
}

export function markCancelling(run: RunState): RunState {
  return run.phase === 'running' ? { ...run, phase: 'cancelling' } : run;
}

/** Settles the run with the final report (authoritative: steps, times, whole transcript). */
export function finishRun(run: RunState, result: Result<Report>): RunState {
  if (!result.ok) {
    return {
      ...run,
      phase: 'failed',
      error: result.error,
      pendingBatches: [],
      checks: run.checks.map((c) => ({
        ...c,
        verdict: c.verdict === 'running' || c.verdict === 'pending' ? 'skipped' : c.verdict,
        steps: c.steps.map((s) =>
          s.status === 'running' || s.status === 'pending' ? { ...s, status: 'skipped' as const } : s,
        ),
      })),
    };
  }
  const report = result.value;
  const checks: LiveCheck[] = [...report.checks]
    .sort((a, b) => PROTOCOL_ORDER.indexOf(a.protocol) - PROTOCOL_ORDER.indexOf(b.protocol))
    .map((c) => ({
      protocol: c.protocol,
      verdict: c.verdict,
      endpoint:
        c.protocol === 'token'
          ? null
          : (report.target[c.protocol] ??
            run.checks.find((r) => r.protocol === c.protocol)?.endpoint ??
            null),
      startedAt: null,
      durationMs: c.durationMs,
      steps: c.steps.map((s) => ({
        id: s.id,
        status: s.status,
        startedAt: null,
        durationMs: s.durationMs,
        summary: s.summary,
        detail: s.detail,
      })),
    }));
  const transcript = rowsFromReport(report);
  return {
    ...run,
    phase: 'done',
    report,
    checks,
    transcript,
    nextRowId: transcript.length,
    pendingBatches: [],
  };
}

/** A run from the profile's history, shown like a finished one. */
export function runFromStored(stored: StoredRun): RunState {
  const report = stored.report;
  const protocols = MAIL_ORDER.filter((p) => report.checks.some((c) => c.protocol === p));
  const started = startRun({
    runId: stored.id,
    profileId: stored.profileId,
    protocols,
    scenario: stored.scenario,
    withToken: report.checks.some((c) => c.protocol === 'token'),
    graph: report.checks.some((c) => c.protocol === 'graph'),
    now: Date.parse(report.startedAt),
  });
  return { ...finishRun(started, { ok: true, value: report }), fromHistory: true };
}

export interface RunSummary {
  verdict: 'running' | 'pass' | 'warn' | 'fail' | 'error';
  headline: string;
  counts: Record<CheckVerdict, number>;
}

/** One line for the run: the verdict in words a support engineer reads at a glance. */
export function summarizeRun(run: RunState): RunSummary {
  const counts: Record<CheckVerdict, number> = { pass: 0, warn: 0, fail: 0, skipped: 0 };
  for (const c of run.checks) if (c.verdict !== 'pending' && c.verdict !== 'running') counts[c.verdict] += 1;
  if (run.phase === 'failed')
    return {
      verdict: 'error',
      // The reason is shown in full under the verdict.
      headline: 'The run could not complete',
      counts,
    };
  if (run.phase === 'running' || run.phase === 'cancelling') {
    const done =
      run.checks.length - run.checks.filter((c) => c.verdict === 'pending' || c.verdict === 'running').length;
    return {
      verdict: 'running',
      headline: `${run.phase === 'cancelling' ? 'Cancelling' : 'Running'}: ${done} of ${run.checks.length} checks done`,
      counts,
    };
  }
  const total = run.checks.length;
  if (counts.fail > 0) {
    const failed = run.checks.filter((c) => c.verdict === 'fail').map((c) => PROTOCOL_LABEL[c.protocol]);
    return {
      verdict: 'fail',
      headline: `${counts.fail} of ${total} checks failed: ${failed.join(', ')}`,
      counts,
    };
  }
  if (counts.warn > 0)
    return {
      verdict: 'warn',
      headline: `Passed with ${counts.warn} warning${counts.warn > 1 ? 's' : ''}`,
      counts,
    };
  return { verdict: 'pass', headline: `All ${total} checks passed`, counts };
}

/** The run clock's origin on the wall clock: from the progress events, else the renderer's start. */
function originOf(run: RunState): number {
  return run.clockOriginWall ?? run.startedAtWall;
}

/**
 * The run's elapsed time on one clock: the engine's. Live, the wall clock since the run clock's
 * zero; over, the report's durationMs, counted from the same zero.
 */
export function runElapsedMs(run: RunState, now: number): number | null {
  if (run.report) return run.report.durationMs;
  if (!isLive(run)) return null;
  return Math.max(0, now - originOf(run));
}

/** How long a step has taken: its duration once it ended, live the time since it started. */
export function stepElapsedMs(run: RunState, step: LiveStep, now: number): number | null {
  if (step.durationMs !== null) return step.durationMs;
  if (step.status !== 'running' || step.startedAt === null || !isLive(run)) return null;
  return Math.max(0, now - originOf(run) - step.startedAt);
}

/** The same for a check: its duration, or live the time since its first step started. */
export function checkElapsedMs(run: RunState, check: LiveCheck, now: number): number | null {
  if (check.durationMs !== null) return check.durationMs;
  if (check.startedAt === null || !isLive(run)) return null;
  return Math.max(0, now - originOf(run) - check.startedAt);
}

export type Timeouts = Settings['timeouts'];

/**
 * The limit a step runs against (as the engine arms it): connecting, the TLS handshake and STARTTLS
 * the connect timeout, the greeting its own, every command (and the token's request) the command
 * timeout. Claims are read locally (no limit); the round trip waits at least a minute.
 */
export function stepTimeoutMs(step: StepId, timeouts: Timeouts | null): number | null {
  if (timeouts === null) return null;
  switch (step) {
    case 'dns':
    case 'proxy':
    case 'tcp':
    case 'tls':
    case 'starttls':
      return timeouts.connectMs;
    case 'greeting':
      return timeouts.greetingMs;
    case 'inspect':
    case 'tls-versions':
      return null;
    case 'roundtrip':
      return Math.max(timeouts.commandMs, 60_000);
    case 'acquire':
    case 'capabilities':
    case 'auth':
    case 'mailbox':
    case 'send':
    case 'logout':
      return timeouts.commandMs;
  }
}

const TLS_VERSION_NAME: Record<string, string> = {
  TLSv1: 'TLS 1.0',
  'TLSv1.1': 'TLS 1.1',
  'TLSv1.2': 'TLS 1.2',
  'TLSv1.3': 'TLS 1.3',
};

/** "TLS 1.3" for Node's "TLSv1.3"; anything else as it came. */
export function tlsVersionName(version: string): string {
  return TLS_VERSION_NAME[version] ?? version;
}

const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : null);

/**
 * What a step's detail says that its summary line does not, as text to show under the step: the
 * TLS version, cipher and the certificate's subject; the greeting as the server said it, and the
 * backend it names (IMAP and POP3 hide it in base64).
 */
export function stepFacts(step: Pick<LiveStep, 'id' | 'detail'>): Array<{ label: string; value: string }> {
  const d = step.detail;
  if (!d) return [];
  const facts: Array<{ label: string; value: string }> = [];
  if (step.id === 'tls' || step.id === 'starttls') {
    const version = text(d.protocol);
    const cipher = text(d.cipher);
    if (version) facts.push({ label: 'Version', value: tlsVersionName(version) });
    if (cipher) facts.push({ label: 'Cipher', value: cipher });
    const chain = Array.isArray(d.chain) ? (d.chain as unknown[]) : [];
    const leaf = chain[0];
    const subject = leaf && typeof leaf === 'object' ? text((leaf as Record<string, unknown>).subject) : null;
    const issuer = leaf && typeof leaf === 'object' ? text((leaf as Record<string, unknown>).issuer) : null;
    if (subject) facts.push({ label: 'Certificate', value: subject });
    if (issuer) facts.push({ label: 'Issued by', value: issuer });
  } else if (step.id === 'greeting') {
    const greeting = text(d.greeting);
    const backend = text(d.backendServer) ?? text(d.server);
    if (greeting) facts.push({ label: 'Server said', value: greeting });
    if (backend)
      facts.push({
        label: text(d.backendServer) ? 'Backend (decoded)' : 'Server',
        value: backend,
      });
  }
  return facts;
}

export const SECURITY_NAME: Record<SecurityMode, string> = {
  tls: 'implicit TLS',
  starttls: 'STARTTLS',
  none: 'none',
};

/** "outlook.office365.com:993 · implicit TLS": an endpoint with its security mode in full. */
export function endpointText(endpoint: EndpointTarget): string {
  return `${endpoint.host}:${endpoint.port} · ${SECURITY_NAME[endpoint.security]}`;
}
