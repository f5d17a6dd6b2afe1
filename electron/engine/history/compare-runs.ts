// What changed between a run and an earlier one of the same profile (usually the last passing
// run): verdict, what was checked, token claims, steps, server replies, TLS details, timings and
// findings, each with its value before and after. Pure: the same two runs always give the same
// changes in the same order.
import { PROTOCOL_LABEL, PROTOCOL_ORDER } from '../../../shared/report/model';
import type { ChangeArea, HistoryEntry, RunChange, StoredRun } from '../../../shared/api/contract';
import {
  MAIL_PROTOCOLS,
  STEP_ORDER,
  type CheckResult,
  type Detail,
  type EndpointTarget,
  type Finding,
  type Protocol,
  type ReportTarget,
  type StepId,
  type StepResult,
  type TokenClaimCheck,
  type TokenSection,
} from '../../../shared/report/model';

/** The order of areas in a comparison: the headline first, the details after. */
export const AREA_ORDER: readonly ChangeArea[] = [
  'verdict',
  'target',
  'token',
  'step',
  'response',
  'tls',
  'timing',
  'finding',
];

export { PROTOCOL_LABEL, PROTOCOL_ORDER };

/** Step names as a support engineer would say them. */
export const STEP_LABEL: Record<StepId, string> = {
  acquire: 'token request',
  inspect: 'token claims check',
  dns: 'DNS lookup',
  proxy: 'proxy tunnel',
  tcp: 'TCP connection',
  tls: 'TLS handshake',
  'tls-versions': 'TLS versions probe',
  greeting: 'greeting',
  capabilities: 'capabilities',
  starttls: 'STARTTLS',
  auth: 'sign-in',
  mailbox: 'mailbox access',
  send: 'test message',
  roundtrip: 'round trip',
  logout: 'logout',
};

/**
 * Claims that differ on every token even when nothing changed: issue and expiry times, the
 * token's unique id and Entra ID's internal bookkeeping. Every claim starting with
 * VOLATILE_CLAIM_PREFIX (Entra ID's "xms_" claims) is ignored as well.
 */
export const VOLATILE_CLAIMS: ReadonlySet<string> = new Set([
  'iat',
  'nbf',
  'exp',
  'uti',
  'aio',
  'rh',
  'xms_tcdt',
]);
export const VOLATILE_CLAIM_PREFIX = 'xms_';

/** A duration change is notable when one is at least this many times the other... */
export const TIMING_FACTOR = 3;
/** ...and they are at least this many milliseconds apart. */
export const TIMING_MIN_DIFFERENCE_MS = 250;

/** Longest before/after value kept in a change. */
export const MAX_VALUE_CHARS = 300;

/** The summary line of a stored run, as the history list shows it. */
export function historyEntry(run: StoredRun): HistoryEntry {
  const { report } = run;
  return {
    id: run.id,
    profileId: run.profileId,
    startedAt: report.startedAt,
    durationMs: report.durationMs,
    verdict: report.verdict,
    scenario: run.scenario,
    checks: report.checks.map((check) => ({ protocol: check.protocol, verdict: check.verdict })),
    topFinding: report.findings[0]?.title ?? null,
  };
}

/** Every difference between `run` and `baseline` that a support engineer would care about. */
export function compareRuns(run: StoredRun, baseline: StoredRun): RunChange[] {
  const changes: RunChange[] = [];
  const add = (
    area: ChangeArea,
    protocol: Protocol | null,
    step: StepId | null,
    what: string,
    before: string | null,
    after: string | null,
  ): void => {
    changes.push({ area, protocol, step, what, before: clip(before), after: clip(after) });
  };
  const before = baseline.report;
  const after = run.report;

  if (before.verdict !== after.verdict)
    add('verdict', null, null, 'Run verdict', before.verdict, after.verdict);
  if (baseline.scenario !== run.scenario)
    add('target', null, null, 'Lab scenario', baseline.scenario, run.scenario);
  compareTargets(before.target, after.target, add);
  compareTokens(before.token, after.token, add);
  for (const protocol of PROTOCOL_ORDER) {
    const a = checkOf(before.checks, protocol);
    const b = checkOf(after.checks, protocol);
    if (!a && !b) continue;
    if (!a || !b) {
      // A check run only once is one change; its steps are not listed one by one.
      add(
        'step',
        protocol,
        null,
        `${PROTOCOL_LABEL[protocol]} check`,
        a ? a.verdict : 'not run',
        b ? b.verdict : 'not run',
      );
      continue;
    }
    compareChecks(protocol, a, b, add);
  }
  compareFindings(before.findings, after.findings, add);

  return changes
    .map((change, index) => ({ change, index }))
    .sort((x, y) => orderOf(x.change) - orderOf(y.change) || x.index - y.index)
    .map(({ change }) => change);
}

type Add = (
  area: ChangeArea,
  protocol: Protocol | null,
  step: StepId | null,
  what: string,
  before: string | null,
  after: string | null,
) => void;

/** Sort key: area, then protocol (none first), then step (none first). */
function orderOf(change: RunChange): number {
  const protocol = change.protocol === null ? 0 : PROTOCOL_ORDER.indexOf(change.protocol) + 1;
  const step = change.step === null ? 0 : STEP_ORDER.indexOf(change.step) + 1;
  return (AREA_ORDER.indexOf(change.area) * 100 + protocol) * 100 + step;
}

function clip(value: string | null): string | null {
  if (value === null || value.length <= MAX_VALUE_CHARS) return value;
  return `${value.slice(0, MAX_VALUE_CHARS - 1)}…`;
}

function checkOf(checks: CheckResult[], protocol: Protocol): CheckResult | undefined {
  return checks.find((check) => check.protocol === protocol);
}

function stepOf(check: CheckResult, id: StepId): StepResult | undefined {
  return check.steps.find((step) => step.id === id);
}

/** "IMAP sign-in", or "Token request" for the token's own steps. */
function stepName(protocol: Protocol, id: StepId): string {
  const label = STEP_LABEL[id];
  if (protocol === 'token' && label.startsWith('token '))
    return `${label.charAt(0).toUpperCase()}${label.slice(1)}`;
  return `${PROTOCOL_LABEL[protocol]} ${label}`;
}

// What was checked

const TARGET_FIELDS: ReadonlyArray<[keyof ReportTarget, string]> = [
  ['mailbox', 'Mailbox'],
  ['tenant', 'Tenant'],
  ['clientId', 'Client id'],
  ['cloud', 'Cloud'],
  ['credential', 'Credential kind'],
  ['mechanism', 'Sign-in mechanism'],
];

function endpointText(endpoint: EndpointTarget): string {
  return `${endpoint.host}:${endpoint.port} ${endpoint.security}`;
}

function compareTargets(a: ReportTarget, b: ReportTarget, add: Add): void {
  for (const [field, label] of TARGET_FIELDS) {
    const x = a[field];
    const y = b[field];
    const before = typeof x === 'string' ? x : null;
    const after = typeof y === 'string' ? y : null;
    if (before !== after) add('target', null, null, label, before, after);
  }
  const registered = (t: ReportTarget): string | null =>
    t.exchangeServicePrincipal?.objectId !== undefined
      ? (t.exchangeServicePrincipal.objectId ?? 'none registered')
      : null;
  if (registered(a) !== registered(b))
    add('target', null, null, "Exchange's registered service principal", registered(a), registered(b));
  // The simulated tenant takes new ports each time it starts: not a change anyone made.
  const bothLab = a.cloud === 'lab' && b.cloud === 'lab';
  for (const protocol of MAIL_PROTOCOLS) {
    const x = a[protocol];
    const y = b[protocol];
    // An endpoint in only one run belongs to a check run only once, which the steps report.
    if (!x || !y || bothLab) continue;
    const before = endpointText(x);
    const after = endpointText(y);
    if (before !== after) add('target', protocol, null, `${PROTOCOL_LABEL[protocol]} server`, before, after);
  }
}

// Token claims and claim checks

function isVolatileClaim(name: string): boolean {
  return VOLATILE_CLAIMS.has(name) || name.startsWith(VOLATILE_CLAIM_PREFIX);
}

/** A claim as a set of words, when it is one: roles (an array) and scp (space-separated). */
function claimSet(name: string, value: unknown): string[] | null {
  if (Array.isArray(value)) return [...new Set(value.map(scalarText))].sort();
  if (name === 'scp' && typeof value === 'string')
    return [...new Set(value.split(/\s+/).filter(Boolean))].sort();
  return null;
}

function scalarText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  return stableJson(value);
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([x], [y]) => x.localeCompare(y));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  // JSON.stringify gives undefined for undefined, which its type does not say.
  const json = JSON.stringify(value) as string | undefined;
  return json ?? String(value);
}

function claimText(name: string, value: unknown): string | null {
  if (value === undefined) return null;
  const set = claimSet(name, value);
  return set ? set.join(', ') : scalarText(value);
}

function setDelta(name: string, x: unknown, y: unknown): string {
  const a = claimSet(name, x);
  const b = claimSet(name, y);
  if (!a || !b) return '';
  const removed = a.filter((v) => !b.includes(v));
  const added = b.filter((v) => !a.includes(v));
  const parts = [
    ...(removed.length > 0 ? [`removed ${removed.join(', ')}`] : []),
    ...(added.length > 0 ? [`added ${added.join(', ')}`] : []),
  ];
  return parts.length > 0 ? ` (${parts.join('; ')})` : '';
}

function tokenCheckKey(check: TokenClaimCheck): string {
  return check.protocol ? `${check.id}:${check.protocol}` : check.id;
}

function tokenCheckName(check: TokenClaimCheck): string {
  return `Token check ${check.id}${check.protocol ? ` for ${PROTOCOL_LABEL[check.protocol]}` : ''}`;
}

function compareTokens(a: TokenSection | null, b: TokenSection | null, add: Add): void {
  if (!a && !b) return;
  const describe = (token: TokenSection): string => `present (${Object.keys(token.claims).length} claims)`;
  if (!a || !b) {
    add('token', 'token', 'inspect', 'Access token', a ? describe(a) : null, b ? describe(b) : null);
    return;
  }
  const names = [...new Set([...Object.keys(a.claims), ...Object.keys(b.claims)])]
    .filter((name) => !isVolatileClaim(name))
    .sort();
  for (const name of names) {
    const x = a.claims[name];
    const y = b.claims[name];
    const before = claimText(name, x);
    const after = claimText(name, y);
    if (before === after) continue;
    add('token', 'token', 'inspect', `Token claim ${name}${setDelta(name, x, y)}`, before, after);
  }
  const checksBefore = new Map(a.checks.map((check) => [tokenCheckKey(check), check]));
  const checksAfter = new Map(b.checks.map((check) => [tokenCheckKey(check), check]));
  const keys = [...new Set([...checksBefore.keys(), ...checksAfter.keys()])].sort();
  for (const key of keys) {
    const x = checksBefore.get(key);
    const y = checksAfter.get(key);
    const either = x ?? y;
    if (!either || x?.status === y?.status) continue;
    add('token', 'token', 'inspect', tokenCheckName(either), x?.status ?? null, y?.status ?? null);
  }
}

// One protocol's check in both runs: steps, replies, TLS, timings

function compareChecks(protocol: Protocol, a: CheckResult, b: CheckResult, add: Add): void {
  const label = PROTOCOL_LABEL[protocol];
  if (completed(a.verdict) && completed(b.verdict) && notable(a.durationMs, b.durationMs))
    add('timing', protocol, null, `${label} check duration`, duration(a.durationMs), duration(b.durationMs));

  // Steps skipped because an earlier one failed follow from that failure: one line for them all.
  const failedAt = STEP_ORDER.findIndex((id) => stepOf(b, id)?.status === 'fail');
  const notRun: StepId[] = [];
  for (const id of STEP_ORDER) {
    const x = stepOf(a, id);
    const y = stepOf(b, id);
    const name = stepName(protocol, id);
    const followsFailure =
      failedAt >= 0 && STEP_ORDER.indexOf(id) > failedAt && y?.status === 'skipped' && x?.status !== 'fail';
    if (followsFailure) {
      // Skipped in both runs is no change.
      if (x?.status !== 'skipped') notRun.push(id);
    } else if (x?.status !== y?.status)
      add('step', protocol, id, `${name} (${id}) status`, x?.status ?? null, y?.status ?? null);

    // Replies are compared where both runs reached the step; one reaching it is a step change.
    const reachedA = x !== undefined || a.transcript.some((entry) => entry.step === id);
    const reachedB = y !== undefined || b.transcript.some((entry) => entry.step === id);
    if (reachedA && reachedB) {
      const lineA = lastServerLine(a, id);
      const lineB = lastServerLine(b, id);
      if (
        (lineA !== null || lineB !== null) &&
        (lineA === null ||
          lineB === null ||
          normaliseServerLine(protocol, id, lineA) !== normaliseServerLine(protocol, id, lineB))
      )
        add('response', protocol, id, `${name} reply`, lineA, lineB);
    }

    if (!x || !y) continue;
    if (id === 'tls' || id === 'starttls') compareTls(protocol, id, x.detail, y.detail, add);
    if (completed(x.status) && completed(y.status) && notable(x.durationMs, y.durationMs))
      add('timing', protocol, id, `${name} duration`, duration(x.durationMs), duration(y.durationMs));
  }
  if (notRun.length > 0) {
    const last = notRun[notRun.length - 1] ?? null;
    add(
      'step',
      protocol,
      last,
      `${label} steps not run after the failure`,
      notRun.map((id) => `${id} ${stepOf(a, id)?.status ?? 'not run'}`).join(', '),
      notRun.map((id) => `${id} skipped`).join(', '),
    );
  }
}

/** Passed, or passed with a warning: the step (or check) ran to its end. */
function completed(status: StepResult['status']): boolean {
  return status === 'pass' || status === 'warn';
}

function notable(a: number, b: number): boolean {
  const low = Math.min(a, b);
  const high = Math.max(a, b);
  return high - low >= TIMING_MIN_DIFFERENCE_MS && high >= TIMING_FACTOR * low;
}

function duration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

// Server replies

function lastServerLine(check: CheckResult, id: StepId): string | null {
  for (let i = check.transcript.length - 1; i >= 0; i--) {
    const entry = check.transcript[i];
    if (entry?.step === id && (entry.dir === 's' || entry.dir === 'e')) return entry.text;
  }
  return null;
}

const MONTH = '(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)';
const RFC5322_DATE = new RegExp(
  `(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun),?\\s+)?\\d{1,2}\\s+${MONTH}\\s+\\d{4}` +
    `(?:\\s+\\d{1,2}:\\d{2}(?::\\d{2})?)?(?:\\s+(?:[+-]\\d{4}|GMT|UTC|Z)\\b)?`,
  'gi',
);
const ISO_DATE = /\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?/g;
const TIME = /\b\d{1,2}:\d{2}:\d{2}(?:\.\d+)?\b/g;
const GUID = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi;
const HEX_ID = /\b[0-9a-f]{16,}\b/gi;
/** A standalone run of digits; "AADSTS7000215" keeps its code. */
const DIGITS = /\b\d{5,}\b/g;
/** A secret's placeholder, whose length and digest differ with every token. */
const REDACTED = /<([^<>]*?) redacted: \d+ chars(?:, sha256 [0-9a-f]+)?>/g;
/** Token lifetimes in the token endpoint's answer ("expires_in":3599). */
const LIFETIME = /"((?:ext_)?expires_in|refresh_in)":\s*\d+/g;
/** A measured time ("HTTP 200 OK (183 ms)"). */
const MILLISECONDS = /\b\d+(?:\.\d+)? ?ms\b/g;
/** Exchange's mailbox server ("[Hostname=DB9PR01MB1234.eurprd01.prod.exchangelabs.com]"). */
const HOSTNAME_PART = /\[Hostname=[^\]]*\]/gi;
/** A bracket opening with a host name or address: "[AM0PR01CA1234.eurprd01... 2025-... 08DD...]". */
const SERVER_PART = /\[[a-z0-9-]+(?:\.[a-z0-9-]+)+(?:\s[^\]]*)?\]/gi;
/**
 * Exchange's IMAP/POP3 greeting tag: its backend name in base64 ("[TQBOADIAUABS...]"). Mixed case
 * or digits are required, so that IMAP response codes like "[AUTHENTICATIONFAILED]" stay.
 */
const BASE64_PART = /\[(?=[^\]]*[a-z0-9+/])(?=[^\]]*[A-Z])[A-Za-z0-9+/]{16,}={0,2}\]/g;
/** A Microsoft front-end or back-end server name ("MN2PR01CA0007.namprd01.prod.outlook.com"). */
const MS_SERVER = /\b[a-z]{2,5}\d{1,2}[a-z]{2,3}\d{2,4}[a-z]{2}\d{3,5}(?:\.[a-z0-9-]+)*\b/gi;
const QUEUE_ID = /\bqueued as \S+/gi;
/** A session id or message id in angle brackets ("<1234.5678@host>"). */
const ANGLE_ID = /<[^<>\s]+>/g;
/** An IMAP command tag before a tagged reply ("a1 NO", "A0001 OK", imapflow's "1F OK"). */
const IMAP_TAG = /^[a-z0-9.]+\s+(?=(?:OK|NO|BAD)\b)/i;

/**
 * A server line without what differs between two identical sessions (tags, dates, ids, server
 * names), so that two lines compare equal when the server said the same thing.
 */
export function normaliseServerLine(protocol: Protocol, step: StepId, line: string): string {
  let text = line.trim();
  if (protocol === 'imap') text = text.replace(IMAP_TAG, '');
  // Before the server names below, which also occur inside message ids.
  if (step === 'greeting' || step === 'send' || step === 'roundtrip') text = text.replace(ANGLE_ID, '<id>');
  text = text
    .replace(REDACTED, '<$1 redacted>')
    .replace(LIFETIME, '"$1":<n>')
    .replace(MILLISECONDS, '<n> ms')
    .replace(HOSTNAME_PART, '[Hostname=<server>]')
    .replace(SERVER_PART, '[<server>]')
    .replace(BASE64_PART, '[<id>]')
    .replace(MS_SERVER, '<server>')
    .replace(QUEUE_ID, 'queued as <id>');
  return text
    .replace(GUID, '<guid>')
    .replace(RFC5322_DATE, '<date>')
    .replace(ISO_DATE, '<date>')
    .replace(TIME, '<time>')
    .replace(HEX_ID, '<hex>')
    .replace(DIGITS, '<n>')
    .replace(/\s+/g, ' ');
}

// TLS details, as the TLS handshake records them in the tls and starttls steps

function str(detail: Record<string, unknown>, key: string): string | null {
  const value = detail[key];
  return typeof value === 'string' && value !== '' ? value : null;
}

function day(iso: string | null): string {
  if (iso === null) return '?';
  return /^\d{4}-\d{2}-\d{2}/.exec(iso)?.[0] ?? iso;
}

const ISSUER_KIND: Record<string, string> = {
  'public-ca': 'a public CA',
  'extra-ca': 'an extra trusted CA',
};

/** The TLS facts of a handshake that completed (trusted or not); null when there was none. */
function tlsFacts(detail: Detail): Array<[string, string | null]> | null {
  const chain = Array.isArray(detail.chain) ? (detail.chain as unknown[]) : null;
  if (str(detail, 'protocol') === null && chain === null && typeof detail.trusted !== 'boolean') return null;
  const first = chain?.[0];
  const leaf = first && typeof first === 'object' ? (first as Record<string, unknown>) : {};
  const san = Array.isArray(leaf.san) ? leaf.san.filter((s): s is string => typeof s === 'string') : null;
  const validFrom = str(leaf, 'validFrom');
  const validTo = str(leaf, 'validTo');
  const issuerKind = str(detail, 'issuerKind');
  const trustError = str(detail, 'trustError');
  const hostnameError = str(detail, 'hostnameError');
  return [
    ['TLS version', str(detail, 'protocol')],
    ['cipher', str(detail, 'cipher')],
    ['certificate subject', str(leaf, 'subject')],
    ['certificate issuer', str(leaf, 'issuer')],
    ['certificate names', san ? san.join(', ') : null],
    [
      'certificate validity',
      validFrom === null && validTo === null ? null : `${day(validFrom)} to ${day(validTo)}`,
    ],
    ['certificate fingerprint', str(leaf, 'fingerprint256')],
    [
      'certificate trust',
      typeof detail.trusted !== 'boolean'
        ? null
        : detail.trusted
          ? `trusted${issuerKind && ISSUER_KIND[issuerKind] ? ` (by ${ISSUER_KIND[issuerKind]})` : ''}`
          : `not trusted${trustError ? ` (${trustError})` : ''}`,
    ],
    [
      'host name match',
      typeof detail.hostnameMatch !== 'boolean'
        ? null
        : detail.hostnameMatch
          ? 'matches'
          : `does not match${hostnameError ? ` (${hostnameError})` : ''}`,
    ],
    ['SNI name', str(detail, 'servername')],
  ];
}

function compareTls(protocol: Protocol, id: 'tls' | 'starttls', a: Detail, b: Detail, add: Add): void {
  const x = tlsFacts(a);
  const y = tlsFacts(b);
  // A handshake that did not happen in one run is a step (and reply) change, not a TLS one.
  if (!x || !y) return;
  const name = `${PROTOCOL_LABEL[protocol]} ${id === 'tls' ? 'TLS' : 'STARTTLS'}`;
  x.forEach(([label, before], i) => {
    const after = y[i]?.[1] ?? null;
    if (before !== after) add('tls', protocol, id, `${name} ${label}`, before, after);
  });
}

// Findings

/** Causes found in one run and not in the other, each once (by its first finding). */
function compareFindings(a: Finding[], b: Finding[], add: Add): void {
  const describe = (finding: Finding): string => `${finding.cause} (${finding.confidence} confidence)`;
  const causesA = new Set(a.map((finding) => finding.cause));
  const causesB = new Set(b.map((finding) => finding.cause));
  const seen = new Set<string>();
  for (const finding of a) {
    if (causesB.has(finding.cause) || seen.has(finding.cause)) continue;
    seen.add(finding.cause);
    add('finding', finding.protocol, null, finding.title, describe(finding), null);
  }
  for (const finding of b) {
    if (causesA.has(finding.cause) || seen.has(finding.cause)) continue;
    seen.add(finding.cause);
    add('finding', finding.protocol, null, finding.title, null, describe(finding));
  }
}
