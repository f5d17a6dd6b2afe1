// The IMAP check through imapflow: greeting, CAPABILITY, STARTTLS, AUTHENTICATE / LOGIN, then
// LIST and EXAMINE INBOX, then LOGOUT. imapflow gets our recording socket through its
// `transport` option, and its STARTTLS runs our handshake, so every line is in the transcript.
import { ImapFlow, type ImapFlowOptions, type ImapTransport } from 'imapflow';
import type { CheckResult, StepId } from '../../../shared/report/model';
import type { CheckInput } from './types';
import { StepLog, type StepLog as Log } from './step-log';
import { openConnection, record } from './open-connection';
import { failCurrentStep, lastServerLine } from './failure';
import { Transcript } from '../wire/transcript';
import { RecordingSocket } from '../wire/recording-socket';
import { awaitHandshake, beginHandshake } from '../wire/tls';
import { bounded, WaitTimeoutError } from '../wire/wait';
import { ConnectionClosedError } from '../wire/channel';
import { createImapObserver, type LineObserver } from '../protocols/line-observer';
import { chooseMechanism } from '../protocols/mechanism';
import { decodeServerTag, greetingText } from '../protocols/greeting';

const EXPECTED: StepId[] = ['dns', 'tcp', 'greeting', 'capabilities', 'auth', 'mailbox', 'logout'];

/** imapflow's run(), which it calls for AUTHENTICATE, is not part of its typed surface. */
interface Runner {
  run(command: string, ...args: unknown[]): Promise<unknown>;
  capabilities: Map<string, boolean | number>;
}

/**
 * Wraps imapflow's run(): skips ID, and for the login commands hands over the capabilities as they were before
 * login (imapflow replaces them with the post-login set), and, since imapflow picks OAUTHBEARER
 * over XOAUTH2 when a server offers both, hides the competing mechanism for the duration of
 * AUTHENTICATE to honour an explicit (or Microsoft-style automatic) choice.
 */
function wrapLogin(
  client: ImapFlow,
  hide: string | null,
  beforeLogin: (capabilities: string[]) => void,
): void {
  const runner = client as unknown as Runner;
  const original = runner.run.bind(client);
  runner.run = async (command: string, ...args: unknown[]) => {
    // imapflow sends ID before and after login wherever it is offered: two round trips that tell
    // nothing about sign-in (Exchange Online does not offer ID), so the check leaves them out.
    if (command === 'ID') return {};
    if (command !== 'AUTHENTICATE' && command !== 'LOGIN') return original(command, ...args);
    beforeLogin([...runner.capabilities.keys()]);
    if (!hide || command !== 'AUTHENTICATE' || !runner.capabilities.has(hide))
      return original(command, ...args);
    const value = runner.capabilities.get(hide);
    runner.capabilities.delete(hide);
    try {
      return await original(command, ...args);
    } finally {
      if (value !== undefined) runner.capabilities.set(hide, value);
    }
  };
}

function transportFor(
  first: RecordingSocket,
  input: CheckInput,
  transcript: Transcript,
  log: Log,
  observer: LineObserver,
): ImapTransport {
  return {
    connect: (_options, onConnect) => {
      setImmediate(onConnect);
      return first;
    },
    upgrade: (plain, _options, onSecure) => {
      const raw = (plain as unknown as RecordingSocket).detach();
      const secure = beginHandshake(raw, input.endpoint.host, input.network.tls);
      const wrapped = record(secure, input, transcript, observer);
      awaitHandshake(
        secure,
        input.endpoint.host,
        input.network.tls,
        transcript,
        input.network.timeouts.connectMs,
        'starttls',
        input.signal,
      ).then(
        (outcome) => {
          log.add(outcome.step);
          if (outcome.socket) onSecure();
          else wrapped.destroy(new Error(outcome.step.summary));
        },
        (error: unknown) => wrapped.destroy(error instanceof Error ? error : new Error(String(error))),
      );
      return wrapped;
    },
  };
}

function mechanismUsed(transcript: Transcript): string | null {
  for (const entry of transcript.entries) {
    if (entry.dir !== 'c') continue;
    const m = /^\S+ (AUTHENTICATE (\S+)|LOGIN)\b/i.exec(entry.text);
    if (m) return m[2]?.toUpperCase() ?? 'LOGIN';
  }
  return null;
}

export async function runImapCheck(
  input: CheckInput,
  transcript = new Transcript(input.clock, input.secrets),
): Promise<CheckResult> {
  const log = new StepLog(transcript);
  const observer = createImapObserver();
  const { timeouts } = input.network;
  const socket = await openConnection(input, transcript, log, observer);
  if (!socket) return log.build('imap', EXPECTED);
  const creds = input.credentials;
  const security = input.endpoint.security;
  const options: ImapFlowOptions = {
    host: input.endpoint.host,
    port: input.endpoint.port,
    secure: security === 'tls',
    doSTARTTLS: security === 'starttls',
    auth:
      creds.kind === 'token'
        ? { user: creds.user, accessToken: creds.token }
        : {
            user: creds.user,
            pass: creds.password,
            ...(input.mechanism === 'plain' ? { loginMethod: 'AUTH=PLAIN' } : {}),
            ...(input.mechanism === 'login' ? { loginMethod: 'AUTH=LOGIN' } : {}),
          },
    transport: transportFor(socket, input, transcript, log, observer),
    logger: false,
    greetingTimeout: timeouts.greetingMs,
    socketTimeout: timeouts.commandMs,
    connectionTimeout: timeouts.connectMs,
    // Compression would put deflated bytes on the wire and keep them out of the transcript.
    disableCompression: true,
    disableAutoEnable: true,
    disableAutoIdle: true,
  };
  const client = new ImapFlow(options);
  // imapflow waits out Exchange's "Request is throttled. Suggested Backoff Time" (up to half the
  // command timeout) before failing; a diagnosis wants the server's words at once.
  transcript.onEntry((entry) => {
    if (entry.dir === 's' && /Request is throttled/i.test(entry.text)) client.close();
  });
  let preAuth: string[] = [];
  client.on('error', () => {
    // Reported through the promise that failed; the event only must not crash the process.
  });
  const wantsXoauth2 =
    creds.kind === 'token' && (input.mechanism === 'xoauth2' || input.mechanism === 'auto');
  wrapLogin(
    client,
    wantsXoauth2 ? 'AUTH=OAUTHBEARER' : input.mechanism === 'oauthbearer' ? 'AUTH=XOAUTH2' : null,
    (capabilities) => {
      preAuth = capabilities;
    },
  );
  // Bounds the whole login even if the server trickles bytes that keep each wait alive.
  const sessionBudget = timeouts.greetingMs + 4 * timeouts.commandMs;
  try {
    transcript.step = 'greeting';
    const watch = stepWatchdog(transcript, timeouts, () => {
      client.close();
    });
    try {
      await Promise.race([
        bounded(client.connect(), sessionBudget, 'IMAP login', input.signal, () => {
          client.close();
        }),
        watch.expired,
      ]);
    } finally {
      watch.stop();
    }
    recordSessionStart(client, preAuth, transcript, log);
    recordAuth(log, transcript, input, preAuth);

    transcript.step = 'mailbox';
    // One budget for the step, so a server that trickles untagged lines cannot keep it open.
    const close = (): void => {
      client.close();
    };
    // EXAMINE alone: the session's first command after AUTHENTICATE (imapflow's NAMESPACE) has
    // already shown that the mailbox may be used; a LIST would cost a round trip and tell nothing
    // more about sign-in or access. imapflow LISTs (and LSUBs) a mailbox it has not seen before
    // opening it; INBOX exists in every IMAP mailbox (RFC 9051 5.1), so it is made known first.
    knowInbox(client);
    const inbox = await bounded(
      client.mailboxOpen('INBOX', { readOnly: true }),
      timeouts.commandMs,
      'EXAMINE INBOX',
      input.signal,
      close,
    );
    await outliveToken(client, input, transcript);
    log.record('mailbox', 'pass', `INBOX opened read-only; it holds ${inbox.exists} message(s)`, {
      inboxMessages: inbox.exists,
      uidValidity: String(inbox.uidValidity),
    });
    if (input.roundtrip) await findSentMessage(client, input, input.roundtrip, transcript, log);

    transcript.step = 'logout';
    await bounded(client.logout(), timeouts.commandMs, 'LOGOUT', input.signal);
    log.record('logout', 'pass', lastServerLine(transcript) ?? 'Logged out');
  } catch (error) {
    client.close();
    recordFailure(error, client, preAuth, transcript, log, input);
  } finally {
    socket.destroy();
  }
  return log.build('imap', EXPECTED);
}

/**
 * Each step of imapflow's login (greeting, capabilities, STARTTLS, AUTHENTICATE) within its own
 * timeout, however many lines the server keeps sending: a flood of untagged lines resets
 * imapflow's idle timer, not this one, which restarts only when the step changes.
 */
function stepWatchdog(
  transcript: Transcript,
  timeouts: CheckInput['network']['timeouts'],
  close: () => void,
): { expired: Promise<never>; stop: () => void } {
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  let fail: (error: Error) => void = () => undefined;
  const expired = new Promise<never>((_, reject) => {
    fail = reject;
  });
  // Unhandled only if nobody raced it: the race below always does.
  expired.catch(() => undefined);
  const arm = (step: string): void => {
    if (timer) clearTimeout(timer);
    if (stopped) return;
    const ms =
      step === 'greeting'
        ? timeouts.greetingMs
        : step === 'starttls'
          ? timeouts.connectMs
          : timeouts.commandMs;
    timer = setTimeout(() => {
      if (stopped) return;
      close();
      fail(new WaitTimeoutError(step === 'greeting' ? 'greeting' : `the ${step} step`, ms));
    }, ms);
  };
  transcript.onStep((step) => {
    arm(step);
  });
  arm(transcript.step);
  return {
    expired,
    stop: () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}

/** imapflow's folder cache, which mailboxOpen() consults before it LISTs; not in its typed surface. */
interface FolderCache {
  folders: Map<string, { path: string; delimiter: string; listed: boolean; subscribed: boolean }>;
  namespace?: { delimiter?: string } | null;
}

function knowInbox(client: ImapFlow): void {
  const cache = client as unknown as FolderCache;
  if (!(cache.folders instanceof Map) || cache.folders.has('INBOX')) return;
  cache.folders.set('INBOX', {
    path: 'INBOX',
    delimiter: cache.namespace?.delimiter ?? '/',
    listed: true,
    subscribed: true,
  });
}

/** The greeting and capabilities steps, which imapflow runs inside connect(). */
function recordSessionStart(client: ImapFlow, preAuth: string[], transcript: Transcript, log: Log): void {
  if (!log.has('greeting')) {
    const greeting = transcript.entries.find((e) => e.dir === 's')?.text ?? '';
    const backend = decodeServerTag(greeting);
    log.record('greeting', 'pass', greetingText(greeting), {
      greeting,
      backendServer: backend,
    });
  }
  if (!log.has('capabilities') && (preAuth.length > 0 || client.capabilities.size > 0)) {
    const caps = preAuth.length > 0 ? preAuth : [...client.capabilities.keys()];
    const mechs = caps.filter((c) => c.startsWith('AUTH=')).map((c) => c.slice(5));
    const flags = ['SASL-IR', 'STARTTLS', 'LOGINDISABLED', 'IMAP4rev2'].filter((c) => caps.includes(c));
    log.record(
      'capabilities',
      'pass',
      `SASL ${mechs.join(' ') || '(none offered)'}${flags.length ? `; ${flags.join(', ')}` : ''}`,
      { capabilities: caps, afterLogin: [...client.capabilities.keys()], saslMechanisms: mechs },
    );
  }
}

/** Whether the server answered the login command with a tagged OK. */
function signedIn(transcript: Transcript): boolean {
  let tag: string | null = null;
  for (const entry of transcript.entries) {
    if (entry.dir === 'c') {
      const m = /^(\S+) (AUTHENTICATE|LOGIN)\b/i.exec(entry.text);
      if (m) tag = m[1] ?? null;
    } else if (entry.dir === 's' && tag !== null && entry.text.startsWith(`${tag} `)) {
      return /^\S+ OK\b/i.test(entry.text);
    }
  }
  return false;
}

function recordAuth(log: Log, transcript: Transcript, input: CheckInput, preAuth: string[]): void {
  if (log.has('auth')) return;
  const used = mechanismUsed(transcript) ?? '?';
  const mechs = preAuth.filter((c) => c.startsWith('AUTH=')).map((c) => c.slice(5));
  const choice = chooseMechanism(input.mechanism, mechs, input.credentials);
  const reply = transcript.entries.find(
    (e) => e.dir === 's' && e.step === 'auth' && /^\S+ OK\b/.test(e.text),
  );
  log.record('auth', 'pass', `Signed in as ${input.credentials.user} with ${used}`, {
    mechanism: used,
    wanted: input.mechanism,
    reason: choice.reason,
    user: input.credentials.user,
    serverSaid: reply?.text ?? null,
  });
}

/** How soon a token must expire for the check to keep the session open past it. */
const OUTLIVE_WINDOW_MS = 5_000;

/**
 * A token that expires within seconds: keep the session open until just after that and send a
 * NOOP, to show what the server does to sessions that outlive their token (Exchange Online ends
 * them with "* BYE Session invalidated - AccessTokenExpired").
 */
async function outliveToken(client: ImapFlow, input: CheckInput, transcript: Transcript): Promise<void> {
  if (input.tokenExpiresAt === undefined) return;
  const left = input.tokenExpiresAt * 1000 - Date.now();
  if (left <= 0 || left > OUTLIVE_WINDOW_MS) return;
  transcript.info(
    `The token expires in ${(left / 1000).toFixed(1)} s: keeping the session open past that to see what the server does`,
  );
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, left + 500);
    input.signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
  await bounded(
    client.noop(),
    input.network.timeouts.commandMs,
    'NOOP after the token expired',
    input.signal,
  );
  const last = lastServerLine(transcript) ?? '';
  if (/^\* BYE/i.test(last) || !client.usable)
    throw new Error(`The server ended the session once the token had expired: ${last}`);
  transcript.info("The session survived the token's expiry");
}

interface ImapflowError {
  code?: string;
  responseStatus?: string;
  tlsFailed?: boolean;
  message?: string;
}

/**
 * Records where and why the IMAP session failed. imapflow runs greeting, capabilities, STARTTLS
 * and login inside connect(), so the steps that passed before the failure are recorded here too.
 */
function recordFailure(
  error: unknown,
  client: ImapFlow,
  preAuth: string[],
  transcript: Transcript,
  log: Log,
  input: CheckInput,
): void {
  let step = transcript.step;
  if (step !== 'greeting' || transcript.entries.some((e) => e.dir === 's'))
    recordSessionStart(client, preAuth, transcript, log);
  const loggedIn = signedIn(transcript);
  if (loggedIn) recordAuth(log, transcript, input, preAuth);
  if (log.failed) return; // the STARTTLS handshake recorded its own failure
  const e = (error && typeof error === 'object' ? error : {}) as ImapflowError;
  const message = e.message ?? String(error);
  if (step === 'logout') {
    log.record('logout', 'warn', `LOGOUT was not answered cleanly: ${lastServerLine(transcript) ?? message}`);
    return;
  }
  // Exchange accepts AUTHENTICATE and then refuses the session's first command (imapflow's
  // CAPABILITY or NAMESPACE) when it cannot open the mailbox: the sign-in passed, the mailbox not.
  if (loggedIn && (step === 'greeting' || step === 'capabilities' || step === 'auth')) step = 'mailbox';
  transcript.step = step;
  const server = lastServerLine(transcript);
  if (e.tlsFailed && /does not support STARTTLS/i.test(message)) {
    transcript.step = 'starttls';
    log.record(
      'starttls',
      'fail',
      'The server does not offer STARTTLS on this port; no credentials were sent',
      {
        code: 'STARTTLS_UNAVAILABLE',
        serverSaid: server,
      },
    );
    return;
  }
  if (e.tlsFailed && e.code === 'STARTTLS_INJECTION') {
    transcript.step = 'starttls';
    log.record(
      'starttls',
      'fail',
      'The server (or something in between) sent data right after the STARTTLS answer: a plain-text injection',
      {
        code: 'STARTTLS_INJECTION',
      },
    );
    return;
  }
  if (/Unsupported authentication mechanism/i.test(message)) {
    transcript.step = 'auth';
    const offered = preAuth.filter((c) => c.startsWith('AUTH=')).map((c) => c.slice(5));
    log.record(
      'auth',
      'fail',
      `The server offers no mechanism for this credential (offered: ${offered.join(' ') || 'none'})`,
      {
        code: 'NO_MECHANISM',
        offered,
        wanted: input.mechanism,
      },
    );
    return;
  }
  const { timeouts } = input.network;
  const translated =
    e.code === 'GREETING_TIMEOUT'
      ? new WaitTimeoutError('greeting', timeouts.greetingMs)
      : e.code === 'ETIMEOUT'
        ? new WaitTimeoutError(`the ${step} step`, timeouts.commandMs)
        : e.code === 'NoConnection'
          ? new ConnectionClosedError()
          : error;
  const failed = failCurrentStep(log, transcript, input, translated);
  // A tagged NO or BAD is the server's own answer: it is the summary.
  if ((e.responseStatus === 'NO' || e.responseStatus === 'BAD') && server) {
    if (step === 'auth') failed.summary = `${mechanismUsed(transcript) ?? 'Login'} refused: ${server}`;
    else if (step === 'mailbox') failed.summary = `Signed in, but the mailbox cannot be opened: ${server}`;
    else failed.summary = server;
  } else if (step === 'mailbox' && server && /^\S+ (NO|BAD)\b|^\* BYE/i.test(server)) {
    failed.summary = `Signed in, but the session ended: ${server}`;
  }
}

const POLL_MS = 500;

/**
 * The round trip: once the SMTP check has sent its test message, look for it in INBOX by its
 * Message-ID, polling within the budget, and report how long delivery took.
 */
async function findSentMessage(
  client: ImapFlow,
  input: CheckInput,
  roundtrip: NonNullable<CheckInput['roundtrip']>,
  transcript: Transcript,
  log: Log,
): Promise<void> {
  transcript.step = 'roundtrip';
  const sent = await bounded(roundtrip.sent, roundtrip.budgetMs, 'the test message to be sent', input.signal);
  if (!sent) {
    log.record('roundtrip', 'skipped', 'Not run: no test message was sent');
    return;
  }
  const deadline = sent.sentAt + roundtrip.budgetMs;
  let polls = 0;
  for (;;) {
    polls += 1;
    // NOOP first: servers announce newly delivered messages (EXISTS) in answer to it.
    await bounded(client.noop(), input.network.timeouts.commandMs, 'NOOP', input.signal);
    const found = await bounded(
      client.search({ header: { 'message-id': sent.messageId } }, { uid: true }),
      input.network.timeouts.commandMs,
      'SEARCH',
      input.signal,
    );
    if (found && found.length > 0) {
      const latencyMs = Math.max(0, Date.now() - sent.sentAt);
      log.record(
        'roundtrip',
        'pass',
        `The test message arrived in ${input.credentials.user} after ${latencyMs < 1000 ? `${latencyMs} ms` : `${(latencyMs / 1000).toFixed(1)} s`}`,
        {
          messageId: sent.messageId,
          mailbox: input.credentials.user,
          latencyMs,
          polls,
          uid: found[0],
        },
      );
      return;
    }
    if (Date.now() + POLL_MS > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  log.record(
    'roundtrip',
    'fail',
    `The test message did not arrive in ${input.credentials.user} within ${Math.round(roundtrip.budgetMs / 1000)} s`,
    {
      code: 'NOT_DELIVERED',
      messageId: sent.messageId,
      mailbox: input.credentials.user,
      polls,
    },
  );
}
