// Two kept runs of a profile side by side, as a support engineer reads them: first what was asked
// differently (the run's options: scenario, checks, test message, endpoints, sign-in, proxy,
// timeouts), then what came out differently (verdicts, steps, causes, claims, TLS, and the
// server's own reply lines from the transcripts, each reply paired with the reply to the same
// command in the other run). Pure: the same two runs always give the same comparison.
import type { HistoryEntry, RunAsked, RunId, StoredRun } from '../api/contract';
import {
  MAIL_PROTOCOLS,
  PROTOCOL_LABEL,
  PROTOCOL_ORDER,
  STEP_ORDER,
  type CheckResult,
  type Detail,
  type EndpointTarget,
  type Protocol,
  type SecurityMode,
  type StepId,
  type TranscriptEntry,
} from '../report/model';

/** One option the two runs were made with differently. */
export interface OptionChange {
  what: string;
  before: string;
  after: string;
}

export type ResultKind = 'verdict' | 'check' | 'step' | 'cause' | 'token' | 'tls';

/** One outcome that differs, other than a server reply. */
export interface ResultChange {
  kind: ResultKind;
  protocol: Protocol | null;
  step: StepId | null;
  what: string;
  /** Null: absent from that run (no such step, cause or claim). */
  before: string | null;
  after: string | null;
}

/** A command the client sent and every line the server answered it with, as the transcript has them. */
export interface Exchange {
  protocol: Protocol;
  /** The step the command was sent in (the greeting: the step of the server's first line). */
  step: StepId;
  /** What pairs it with the other run: "AUTHENTICATE", "MAIL FROM", "POST /{tenant}/oauth2/v2.0/token". */
  command: string;
  /** The client's line (redacted as recorded); null for the server's greeting. */
  sent: string | null;
  /** The server's lines, in order; none when it never answered. */
  replies: string[];
}

/** The replies to one command in both runs; null where the run never sent it. */
export interface ReplyPair {
  protocol: Protocol;
  step: StepId;
  command: string;
  /** 1 for the first time the command was sent in this step, 2 for the second... */
  occurrence: number;
  before: Exchange | null;
  after: Exchange | null;
}

export interface RunDifferences {
  options: OptionChange[];
  /** Options one run or both do not tell (so no difference is listed for them), and which. */
  notKnown: Array<{ what: string; runs: 'before' | 'after' | 'both' }>;
  results: ResultChange[];
  /** Only the pairs whose replies differ (or whose command was sent in one run only). */
  replies: ReplyPair[];
  /** Commands answered alike in both runs. */
  sameReplies: number;
}

/** Longest reply shown in lines; the rest is counted. */
export const MAX_REPLY_LINES = 12;

// Which run to compare with

export interface CompareChoice {
  kind: 'last-pass' | 'previous';
  baselineId: RunId;
}

/**
 * What a run of the history can be compared with: the last passing run of the profile before it
 * when there is one, else the run just before it, else nothing. `entries` are the profile's runs,
 * in any order.
 */
export function compareChoice(entries: readonly HistoryEntry[], runId: RunId): CompareChoice | null {
  const run = entries.find((e) => e.id === runId);
  if (!run) return null;
  const earlier = entries
    .filter((e) => e.id !== runId && isBefore(e, run))
    .sort((a, b) => (isBefore(a, b) ? 1 : -1));
  const pass = earlier.find((e) => e.verdict === 'pass');
  if (pass) return { kind: 'last-pass', baselineId: pass.id };
  const previous = earlier[0];
  return previous ? { kind: 'previous', baselineId: previous.id } : null;
}

function isBefore(a: HistoryEntry, b: HistoryEntry): boolean {
  return a.startedAt < b.startedAt || (a.startedAt === b.startedAt && a.id < b.id);
}

// The comparison

/** Everything that differs between `baseline` (before) and `run` (after). */
export function compareStoredRuns(baseline: StoredRun, run: StoredRun): RunDifferences {
  const before = optionsOf(baseline);
  const after = optionsOf(run);
  const options: OptionChange[] = [];
  const notKnown: RunDifferences['notKnown'] = [];
  for (const [key, label] of before) {
    const other = after.get(key);
    // What a run does not tell is no difference: it may well have been the same.
    if (label === NOT_KNOWN || other === NOT_KNOWN) {
      notKnown.push({
        what: key,
        runs: label === other ? 'both' : label === NOT_KNOWN ? 'before' : 'after',
      });
      continue;
    }
    if (other !== undefined && other !== label) options.push({ what: key, before: label, after: other });
  }
  for (const [key, label] of after)
    if (!before.has(key)) options.push({ what: key, before: 'none', after: label });
  for (const [key, label] of before)
    if (!after.has(key)) options.push({ what: key, before: label, after: 'none' });

  // What only an option asked for is an option's change, not a result: a check run in one run
  // only, the test message's steps and commands when it was sent in one run only.
  const testMessageDiffers =
    before.get(TEST_MESSAGE) !== after.get(TEST_MESSAGE) &&
    before.get(TEST_MESSAGE) !== NOT_KNOWN &&
    after.get(TEST_MESSAGE) !== NOT_KNOWN;
  const optionDriven = (protocol: Protocol, step: StepId, command: string | null): boolean =>
    testMessageDiffers &&
    (step === 'send' ||
      step === 'roundtrip' ||
      (protocol === 'smtp' && (command === 'DATA' || command === 'RSET')));

  const results: ResultChange[] = [];
  const a = baseline.report;
  const b = run.report;
  if (a.verdict !== b.verdict)
    results.push(change('verdict', null, null, 'Run verdict', a.verdict, b.verdict));

  const replies: ReplyPair[] = [];
  let sameReplies = 0;
  for (const protocol of PROTOCOL_ORDER) {
    const x = a.checks.find((c) => c.protocol === protocol);
    const y = b.checks.find((c) => c.protocol === protocol);
    if (!x || !y) continue;
    const label = PROTOCOL_LABEL[protocol];
    if (x.verdict !== y.verdict)
      results.push(change('check', protocol, null, `${label} check`, x.verdict, y.verdict));
    // A check not run at all (the token failed first) is that one line: none of its steps or
    // commands are listed as missing one by one.
    if (x.verdict === 'skipped' || y.verdict === 'skipped') continue;
    // Steps not run because an earlier one failed follow from that failure: one line for them all.
    const failedAt = STEP_ORDER.findIndex((id) => y.steps.find((step) => step.id === id)?.status === 'fail');
    const notRun: StepId[] = [];
    for (const id of STEP_ORDER) {
      if (optionDriven(protocol, id, null)) continue;
      const s = x.steps.find((step) => step.id === id);
      const t = y.steps.find((step) => step.id === id);
      // The test message takes the place of SMTP's envelope check when it is sent.
      if (testMessageDiffers && (!s || !t) && (protocol === 'smtp' || protocol === 'graph')) continue;
      if (!s && !t) continue;
      if (s?.status === t?.status) {
        if (s && t && (id === 'tls' || id === 'starttls'))
          results.push(...tlsChanges(protocol, id, s.detail, t.detail));
        continue;
      }
      if (
        failedAt >= 0 &&
        STEP_ORDER.indexOf(id) > failedAt &&
        (!t || t.status === 'skipped') &&
        s?.status !== 'fail'
      ) {
        notRun.push(id);
        continue;
      }
      results.push(
        change('step', protocol, id, `${label} ${STEP_LABEL[id]}`, s?.status ?? null, t?.status ?? null),
      );
      if (s && t && (id === 'tls' || id === 'starttls'))
        results.push(...tlsChanges(protocol, id, s.detail, t.detail));
    }
    if (notRun.length > 0)
      results.push(
        change(
          'step',
          protocol,
          notRun[notRun.length - 1] ?? null,
          `${label} steps not run after the failure`,
          notRun
            .map((id) => `${STEP_LABEL[id]} ${x.steps.find((step) => step.id === id)?.status ?? 'not run'}`)
            .join(', '),
          notRun
            .map(
              (id) => `${STEP_LABEL[id]} ${y.steps.some((step) => step.id === id) ? 'skipped' : 'not run'}`,
            )
            .join(', '),
        ),
      );
    for (const pair of pairReplies(exchangesOf(x), exchangesOf(y))) {
      if (optionDriven(protocol, pair.step, pair.command)) continue;
      if (pair.before && pair.after && sameReply(pair.before, pair.after)) sameReplies++;
      else replies.push(pair);
    }
  }

  results.push(...causeChanges(baseline, run));
  results.push(...claimChanges(baseline, run));
  return { options, notKnown, results, replies, sameReplies };
}

function change(
  kind: ResultKind,
  protocol: Protocol | null,
  step: StepId | null,
  what: string,
  before: string | null,
  after: string | null,
): ResultChange {
  return { kind, protocol, step, what, before, after };
}

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

// The run's options, as far as the kept run tells them

const TEST_MESSAGE = 'Test message';
/** An option the kept run does not tell (the test message of a run that stopped before sending). */
const NOT_KNOWN = 'not known';

const SECURITY_LABEL: Record<SecurityMode, string> = {
  tls: 'TLS from the first byte (implicit TLS)',
  starttls: 'STARTTLS (plain text, then TLS)',
  none: 'none (plain text throughout)',
};

const CREDENTIAL_LABEL: Record<string, string> = {
  'access-token': 'an access token given',
  password: 'a password (basic auth)',
  'client-secret': 'client credentials with a secret',
  certificate: 'client credentials with a certificate',
  'device-code': 'a user signs in (device code)',
  browser: 'a user signs in (browser)',
  ropc: 'a user name and password (ROPC)',
  'google-service-account': 'a Google service account',
  none: 'none',
};

/** The options of a run by name, in the order they are listed. */
export function optionsOf(run: StoredRun): Map<string, string> {
  const { report } = run;
  const target = report.target;
  const options = new Map<string, string>();
  options.set('Lab scenario', run.scenario ?? 'none (a real server)');
  const checks = report.checks.filter((c) => c.protocol !== 'token').map((c) => PROTOCOL_LABEL[c.protocol]);
  options.set('Checks', checks.length > 0 ? checks.join(', ') : 'the token only');
  options.set(TEST_MESSAGE, run.asked ? testMessageAsked(run.asked) : testMessageOf(report.checks));
  options.set('Mailbox', target.mailbox);
  if (target.tenant !== undefined) options.set('Tenant', target.tenant);
  if (target.clientId !== undefined) options.set('Client id', target.clientId);
  if (target.cloud !== undefined) options.set('Cloud', target.cloud);
  if (target.provider !== undefined) options.set('Provider', target.provider);
  if (target.service !== undefined) options.set('Sending path', target.service);
  options.set('Sign-in', CREDENTIAL_LABEL[target.credential] ?? target.credential);
  options.set('SASL mechanism', target.mechanism);
  if (target.smtpUser !== undefined) options.set('SMTP user name', target.smtpUser);
  // The simulated tenant takes new ports each time it starts: not an option anyone chose.
  const lab = target.cloud === 'lab';
  for (const protocol of MAIL_PROTOCOLS) {
    const endpoint = target[protocol];
    if (endpoint) options.set(`${PROTOCOL_LABEL[protocol]} server`, endpointText(endpoint, lab));
  }
  const network = (run.environment as Partial<StoredRun['environment']> | undefined)?.network;
  if (network) {
    options.set('Proxy for sign-in', network.proxy.identity ?? 'none (direct)');
    options.set('Proxy for mail', network.proxy.mail ?? 'none (direct)');
    const t = network.timeouts;
    options.set(
      'Timeouts',
      `connect ${t.connectMs} ms, greeting ${t.greetingMs} ms, command ${t.commandMs} ms`,
    );
    options.set('Lowest TLS version', `TLS ${network.minTls}`);
    options.set(
      'Extra trusted CA files',
      network.extraCaFiles.length > 0 ? network.extraCaFiles.join(', ') : 'none',
    );
  }
  return options;
}

function endpointText(endpoint: EndpointTarget, lab: boolean): string {
  const where = lab ? `${endpoint.host} (the lab's port)` : `${endpoint.host}:${endpoint.port}`;
  return `${where}, security ${SECURITY_LABEL[endpoint.security]}`;
}

/** The test message as the run was asked for it (runs kept with what they were asked). */
function testMessageAsked(asked: RunAsked): string {
  const sender = asked.protocols.includes('smtp') ? 'smtp' : asked.graph ? 'graph' : null;
  if (!sender) return 'off (no SMTP or Graph check)';
  if (!asked.testMessage) return 'off';
  const roundtrip = asked.roundtrip ? ', then found again' : '';
  return `on to ${asked.testMessage.to}${roundtrip} (${PROTOCOL_LABEL[sender]})`;
}

/**
 * Whether the run sent a test message, from what its checks did: a send step, or an SMTP session
 * that reached DATA; off when SMTP (or Graph) reached the mailbox step without one. A run that
 * stopped earlier does not say: NOT_KNOWN.
 */
function testMessageOf(checks: readonly CheckResult[]): string {
  for (const check of checks) {
    const send = check.steps.find((s) => s.id === 'send');
    if (send) {
      const to = typeof send.detail.to === 'string' ? ` to ${send.detail.to}` : '';
      const roundtrip = check.steps.some((s) => s.id === 'roundtrip') ? ', then found again' : '';
      return `on${to}${roundtrip} (${PROTOCOL_LABEL[check.protocol]})`;
    }
  }
  const smtp = checks.find((c) => c.protocol === 'smtp');
  const graph = checks.find((c) => c.protocol === 'graph');
  const sent = (check: CheckResult | undefined, command: RegExp): boolean =>
    check?.transcript.some((e) => e.dir === 'c' && command.test(e.text)) ?? false;
  if (sent(smtp, /^DATA\b/i)) return 'on (SMTP)';
  const reached = (check: CheckResult | undefined): boolean =>
    check?.steps.some((s) => s.id === 'mailbox' && s.status !== 'skipped') ?? false;
  if (reached(smtp) || (!smtp && reached(graph))) return 'off';
  if (!smtp && !graph) return 'off (no SMTP or Graph check)';
  return NOT_KNOWN;
}

// Server replies: the transcript cut into commands and their replies

/** The transcript of a check as the commands the client sent and what the server answered to each. */
export function exchangesOf(check: CheckResult): Exchange[] {
  const lines = check.transcript.filter((e) => e.dir === 'c' || e.dir === 's');
  switch (check.protocol) {
    case 'imap':
      return imapExchanges(check.protocol, lines);
    case 'pop3':
      return pop3Exchanges(check.protocol, lines);
    case 'smtp':
      return smtpExchanges(check.protocol, lines);
    case 'token':
    case 'graph':
      return httpExchanges(check.protocol, lines);
  }
}

function exchange(protocol: Protocol, step: StepId, command: string, sent: string | null): Exchange {
  return { protocol, step, command, sent, replies: [] };
}

/** IMAP: a command is named by the word after its tag; its tagged reply (and the untagged lines before it) answer it. */
function imapExchanges(protocol: Protocol, lines: TranscriptEntry[]): Exchange[] {
  const all: Exchange[] = [];
  const open = new Map<string, Exchange>();
  /** The command the server asked to go on ("+"): the client's next lines are part of it. */
  let continued: Exchange | null = null;
  const newest = (): Exchange | null => [...open.values()].pop() ?? null;
  const answer = (entry: TranscriptEntry, to: Exchange | null): void => {
    let target = to ?? newest() ?? all[all.length - 1];
    if (!target) {
      target = exchange(protocol, entry.step, 'greeting', null);
      all.push(target);
    }
    target.replies.push(entry.text);
  };
  for (const entry of lines) {
    const text = entry.text;
    if (entry.dir === 'c') {
      if (continued) continue;
      const [tag = '', name = '', next = ''] = text.trim().split(/\s+/);
      const word = name.toUpperCase();
      const command = word === 'UID' && next ? `UID ${next.toUpperCase()}` : word || text.trim();
      const sent = exchange(protocol, entry.step, command, text);
      all.push(sent);
      open.set(tag, sent);
      continue;
    }
    if (text.startsWith('*')) {
      answer(entry, continued);
      continue;
    }
    if (text.startsWith('+')) {
      continued = newest();
      answer(entry, continued);
      continue;
    }
    const tag = text.split(/\s+/, 1)[0] ?? '';
    const to = open.get(tag) ?? null;
    answer(entry, to);
    if (to) {
      open.delete(tag);
      if (continued === to) continued = null;
    }
  }
  return all;
}

/** SMTP: commands by verb ("MAIL FROM", "RCPT TO"), answered in order (pipelining) by replies of one or more lines. */
function smtpExchanges(protocol: Protocol, lines: TranscriptEntry[]): Exchange[] {
  const all: Exchange[] = [];
  /** Sent and not yet answered in full, oldest first. */
  const waiting: Exchange[] = [];
  /** The oldest waiting command got a 3xx (AUTH's 334, DATA's 354): what the client sends next is part of it. */
  let intermediate = false;
  for (const entry of lines) {
    const text = entry.text;
    if (entry.dir === 'c') {
      if (intermediate) continue;
      const word = (text.trim().split(/[\s:]+/, 1)[0] ?? '').toUpperCase();
      const command = word === 'MAIL' ? 'MAIL FROM' : word === 'RCPT' ? 'RCPT TO' : word || text.trim();
      const sent = exchange(protocol, entry.step, command, text);
      all.push(sent);
      waiting.push(sent);
      continue;
    }
    if (all.length === 0) {
      const greeting = exchange(protocol, entry.step, 'greeting', null);
      all.push(greeting);
      waiting.push(greeting);
    }
    const head = waiting[0] ?? all[all.length - 1];
    if (!head) continue;
    head.replies.push(text);
    const reply = /^(\d)\d\d( |$)/.exec(text);
    // "250-..." goes on; a line without a code belongs to the reply too.
    if (!reply || waiting[0] !== head) continue;
    if (reply[1] === '3' && head.sent !== null) {
      intermediate = true;
      continue;
    }
    intermediate = false;
    waiting.shift();
  }
  return all;
}

/** Replies of POP3 commands that go on until a line with a lone "."; LIST and UIDL without a number too. */
const POP3_MULTILINE = new Set(['CAPA', 'RETR', 'TOP']);

/** POP3: one command at a time, named by its first word; "+OK"/"-ERR" answers it, some go on to ".". */
function pop3Exchanges(protocol: Protocol, lines: TranscriptEntry[]): Exchange[] {
  const all: Exchange[] = [];
  let current: Exchange | null = null;
  let state: 'waiting' | 'continued' | 'listing' | 'done' = 'done';
  let listing = false;
  for (const entry of lines) {
    const text = entry.text;
    if (entry.dir === 'c') {
      if (state === 'continued') continue;
      const words = text.trim().split(/\s+/);
      const command = (words[0] ?? '').toUpperCase() || text.trim();
      current = exchange(protocol, entry.step, command, text);
      all.push(current);
      state = 'waiting';
      listing =
        POP3_MULTILINE.has(command) || ((command === 'LIST' || command === 'UIDL') && words.length === 1);
      continue;
    }
    if (!current) {
      current = exchange(protocol, entry.step, 'greeting', null);
      all.push(current);
    }
    current.replies.push(text);
    if (state === 'listing') {
      if (text === '.') state = 'done';
    } else if (text.startsWith('+OK')) state = listing && state === 'waiting' ? 'listing' : 'done';
    else if (text.startsWith('+')) state = 'continued';
    else if (text.startsWith('-ERR')) state = 'done';
  }
  return all;
}

const HTTP_REQUEST = /^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\s+(\S+)/i;
const GUID = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi;

/** HTTPS (the token endpoint, Graph): a request named by its method and path, the response lines after it. */
function httpExchanges(protocol: Protocol, lines: TranscriptEntry[]): Exchange[] {
  const all: Exchange[] = [];
  let current: Exchange | null = null;
  for (const entry of lines) {
    const request = entry.dir === 'c' ? HTTP_REQUEST.exec(entry.text.trim()) : null;
    if (request) {
      current = exchange(
        protocol,
        entry.step,
        `${(request[1] ?? '').toUpperCase()} ${requestPath(request[2] ?? '')}`,
        entry.text,
      );
      all.push(current);
      continue;
    }
    // Headers and body of the request belong to it.
    if (entry.dir === 'c') continue;
    if (!current) {
      current = exchange(protocol, entry.step, 'unrequested', null);
      all.push(current);
    }
    current.replies.push(entry.text);
  }
  return all;
}

/** The path of a URL without its host (the lab's port changes), query and ids. */
function requestPath(url: string): string {
  let path = url;
  try {
    path = new URL(url).pathname;
  } catch {
    path = url.split('?', 1)[0] ?? url;
  }
  return path
    .replace(GUID, '{id}')
    .split('/')
    .map((part) => (part.length >= 24 && /^[A-Za-z0-9_=%-]+$/.test(part) ? '{id}' : part))
    .join('/');
}

/** Pairs each command of one run with the same command (protocol, step, name, nth time) in the other. */
export function pairReplies(a: readonly Exchange[], b: readonly Exchange[]): ReplyPair[] {
  const keyed = (
    list: readonly Exchange[],
  ): Array<{ key: string; occurrence: number; exchange: Exchange }> => {
    const counts = new Map<string, number>();
    return list.map((exchange) => {
      const base = `${exchange.protocol}|${exchange.step}|${exchange.command}`;
      const occurrence = (counts.get(base) ?? 0) + 1;
      counts.set(base, occurrence);
      return { key: `${base}|${occurrence}`, occurrence, exchange };
    });
  };
  const left = keyed(a);
  const right = keyed(b);
  const rightIndex = new Map(right.map((item, index) => [item.key, index]));
  const leftKeys = new Set(left.map((item) => item.key));
  const pairs: ReplyPair[] = [];
  const pair = (occurrence: number, before: Exchange | null, after: Exchange | null): void => {
    const either = (before ?? after) as Exchange;
    pairs.push({
      protocol: either.protocol,
      step: either.step,
      command: either.command,
      occurrence,
      before,
      after,
    });
  };
  let next = 0;
  const flushRight = (upTo: number): void => {
    for (; next < upTo; next++) {
      const item = right[next];
      if (item && !leftKeys.has(item.key)) pair(item.occurrence, null, item.exchange);
    }
  };
  for (const item of left) {
    const index = rightIndex.get(item.key);
    if (index === undefined) {
      pair(item.occurrence, item.exchange, null);
      continue;
    }
    flushRight(index);
    pair(item.occurrence, item.exchange, right[index]?.exchange ?? null);
  }
  flushRight(right.length);
  return pairs;
}

function sameReply(a: Exchange, b: Exchange): boolean {
  if (a.replies.length !== b.replies.length) return false;
  return a.replies.every(
    (line, i) => normaliseReply(a.protocol, line) === normaliseReply(b.protocol, b.replies[i] ?? ''),
  );
}

const MONTH = '(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)';
const RFC5322_DATE = new RegExp(
  `(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun),?\\s+)?\\d{1,2}\\s+${MONTH}\\s+\\d{4}` +
    `(?:\\s+\\d{1,2}:\\d{2}(?::\\d{2})?)?(?:\\s+(?:[+-]\\d{4}|GMT|UTC|Z)\\b)?`,
  'gi',
);
const ISO_DATE = /\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?/g;
const TIME = /\b\d{1,2}:\d{2}:\d{2}(?:\.\d+)?\b/g;
const HEX_ID = /\b[0-9a-f]{16,}\b/gi;
const DIGITS = /\b\d{5,}\b/g;
const REDACTED = /<([^<>]*?) redacted: \d+ chars(?:, sha256 [0-9a-f]+)?>/g;
const LIFETIME = /"((?:ext_)?expires_in|refresh_in)":\s*\d+/g;
const MILLISECONDS = /\b\d+(?:\.\d+)? ?ms\b/g;
const BRACKETED = /\[[^\]]*(?:[A-Za-z0-9+/]{16,}|\.[a-z0-9-]+\.)[^\]]*\]/g;
const ANGLE_ID = /<[^<>\s]+@[^<>\s]+>/g;
const IMAP_TAG = /^[a-z0-9.]+\s+(?=(?:OK|NO|BAD)\b)/i;
/** A Microsoft server name ("LAB01PR01MB0001.outlook.office365.com", "MN2PR01CA0007"). */
const MS_SERVER = /\b[a-z]{2,5}\d{1,2}[a-z]{2,3}\d{2,4}[a-z]{2}\d{3,5}(?:\.[a-z0-9-]+)*\b/gi;

/**
 * A reply line without what differs between two sessions where the server said the same thing
 * (command tags, dates, ids, server names, measured times), for deciding whether two replies are
 * alike; what is shown is always the line as the server sent it.
 */
export function normaliseReply(protocol: Protocol, line: string): string {
  let text = line.trim();
  if (protocol === 'imap') text = text.replace(IMAP_TAG, '');
  return text
    .replace(REDACTED, '<$1 redacted>')
    .replace(LIFETIME, '"$1":<n>')
    .replace(MILLISECONDS, '<n> ms')
    .replace(ANGLE_ID, '<id>')
    .replace(BRACKETED, '[<server>]')
    .replace(MS_SERVER, '<server>')
    .replace(GUID, '<guid>')
    .replace(RFC5322_DATE, '<date>')
    .replace(ISO_DATE, '<date>')
    .replace(TIME, '<time>')
    .replace(HEX_ID, '<hex>')
    .replace(DIGITS, '<n>')
    .replace(/\s+/g, ' ');
}

// Causes, token claims, TLS

function causeChanges(baseline: StoredRun, run: StoredRun): ResultChange[] {
  const a = baseline.report.findings;
  const b = run.report.findings;
  const out: ResultChange[] = [];
  const firstA = a[0]?.title ?? null;
  const firstB = b[0]?.title ?? null;
  if (firstA !== firstB) out.push(change('cause', null, null, 'Most likely cause', firstA, firstB));
  const causesA = new Set(a.map((f) => f.cause));
  const causesB = new Set(b.map((f) => f.cause));
  const seen = new Set<string>();
  for (const f of a)
    if (!causesB.has(f.cause) && !seen.has(f.cause)) {
      seen.add(f.cause);
      out.push(change('cause', f.protocol, null, f.title, `found (${f.confidence} confidence)`, null));
    }
  for (const f of b)
    if (!causesA.has(f.cause) && !seen.has(f.cause)) {
      seen.add(f.cause);
      out.push(change('cause', f.protocol, null, f.title, null, `found (${f.confidence} confidence)`));
    }
  return out;
}

/** Claims that differ on every token even when nothing changed. */
const VOLATILE_CLAIMS = new Set(['iat', 'nbf', 'exp', 'uti', 'aio', 'rh']);

function claimChanges(baseline: StoredRun, run: StoredRun): ResultChange[] {
  const a = baseline.report.token;
  const b = run.report.token;
  if (!a || !b) return [];
  const names = [...new Set([...Object.keys(a.claims), ...Object.keys(b.claims)])]
    .filter((name) => !VOLATILE_CLAIMS.has(name) && !name.startsWith('xms_'))
    .sort();
  const out: ResultChange[] = [];
  for (const name of names) {
    const x = claimText(a.claims[name]);
    const y = claimText(b.claims[name]);
    if (x !== y) out.push(change('token', 'token', 'inspect', `Token claim ${name}`, x, y));
  }
  return out;
}

function claimText(value: unknown): string | null {
  if (value === undefined) return null;
  if (Array.isArray(value))
    return value
      .map((v) => (typeof v === 'string' ? v : JSON.stringify(v)))
      .sort()
      .join(', ');
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function tlsChanges(protocol: Protocol, step: 'tls' | 'starttls', a: Detail, b: Detail): ResultChange[] {
  const facts = (d: Detail): Array<[string, string | null]> => {
    const leaf =
      Array.isArray(d.chain) && d.chain[0] && typeof d.chain[0] === 'object' ? (d.chain[0] as Detail) : {};
    const text = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
    return [
      ['TLS version', text(d.protocol)],
      ['cipher', text(d.cipher)],
      ['certificate subject', text(leaf.subject)],
      ['certificate issuer', text(leaf.issuer)],
      ['certificate trusted', typeof d.trusted === 'boolean' ? (d.trusted ? 'yes' : 'no') : null],
      ['host name matches', typeof d.hostnameMatch === 'boolean' ? (d.hostnameMatch ? 'yes' : 'no') : null],
    ];
  };
  const x = facts(a);
  const y = facts(b);
  const name = `${PROTOCOL_LABEL[protocol]} ${step === 'tls' ? 'TLS' : 'STARTTLS'}`;
  return x.flatMap(([label, before], i) => {
    const after = y[i]?.[1] ?? null;
    return before !== after ? [change('tls', protocol, step, `${name} ${label}`, before, after)] : [];
  });
}
