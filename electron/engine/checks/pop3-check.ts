// The POP3 check: greeting, CAPA, STLS, AUTH (two-step SASL, as Exchange Online needs) or
// USER/PASS, STAT, QUIT; and the round trip over POP3 when IMAP is not checked.
import type { CheckResult, StepId } from '../../../shared/report/model';
import type { CheckInput } from './types';
import { StepLog } from './step-log';
import { openConnection, secureChannel } from './open-connection';
import { failCurrentStep } from './failure';
import { Transcript } from '../wire/transcript';
import { LineChannel } from '../wire/channel';
import { createPop3Observer } from '../protocols/line-observer';
import { Pop3Dialogue, parseStat, saslMechanismsOf } from '../protocols/pop3';
import { chooseMechanism } from '../protocols/mechanism';
import { runSasl } from '../protocols/sasl-exchange';
import { decodeServerTag, greetingText } from '../protocols/greeting';
import { setTimeout as sleep } from 'node:timers/promises';
import { AbortedError, bounded } from '../wire/wait';

const EXPECTED: StepId[] = ['dns', 'tcp', 'greeting', 'capabilities', 'auth', 'mailbox', 'logout'];

interface Pop3Session {
  pop: Pop3Dialogue;
  release(): void;
}

/**
 * Connects, reads the greeting and CAPA, upgrades with STLS when asked, and signs in, recording
 * each step in `log`. Null when a step failed (the log says which and why).
 */
async function signIn(input: CheckInput, transcript: Transcript, log: StepLog): Promise<Pop3Session | null> {
  const observer = createPop3Observer();
  const { timeouts } = input.network;
  let socket = await openConnection(input, transcript, log, observer);
  if (!socket) return null;
  let channel = new LineChannel(socket);
  const session: Pop3Session = {
    pop: new Pop3Dialogue(channel, timeouts.commandMs, input.signal),
    release: () => {
      channel.release();
      socket?.destroy();
    },
  };
  try {
    transcript.step = 'greeting';
    const greeting = await session.pop.status(timeouts.greetingMs, 'greeting');
    const backend = decodeServerTag(greeting.line);
    if (!greeting.ok) {
      log.record('greeting', 'fail', `The server refused the session: ${greeting.line}`, {
        greeting: greeting.line,
      });
      session.release();
      return null;
    }
    log.record('greeting', 'pass', greetingText(greeting.line), {
      greeting: greeting.line,
      backendServer: backend,
    });

    transcript.step = 'capabilities';
    let capa = await session.pop.capa();
    if (input.endpoint.security === 'starttls') {
      const offersStls = capa?.some((l) => /^STLS\b/i.test(l)) ?? false;
      if (capa && !offersStls) {
        log.record('capabilities', 'pass', describeCapa(capa), { capabilities: capa });
        transcript.step = 'starttls';
        log.record(
          'starttls',
          'fail',
          'The server does not offer STLS on this port; no credentials were sent',
          {
            code: 'STARTTLS_UNAVAILABLE',
            capabilities: capa,
          },
        );
        session.release();
        return null;
      }
      const answer = await session.pop.command('STLS');
      if (!answer.ok) {
        log.record('starttls', 'fail', `STLS refused: ${answer.line}`, { serverSaid: answer.line });
        session.release();
        return null;
      }
      const secured = await secureChannel(channel, input, transcript, log, observer, 'STLS');
      if (!secured) {
        session.release();
        return null;
      }
      socket = secured;
      channel = new LineChannel(socket);
      session.pop = new Pop3Dialogue(channel, timeouts.commandMs, input.signal);
      transcript.step = 'capabilities';
      capa = await session.pop.capa();
    }
    log.record(
      'capabilities',
      capa ? 'pass' : 'warn',
      capa ? describeCapa(capa) : 'The server does not answer CAPA',
      {
        capabilities: capa,
      },
    );

    transcript.step = 'auth';
    const pop = session.pop;
    const offered = saslMechanismsOf(capa);
    const creds = input.credentials;
    const userPass =
      creds.kind === 'password' &&
      input.mechanism === 'auto' &&
      !offered.some((m) => /^(PLAIN|LOGIN)$/i.test(m));
    if (userPass) {
      const user = await pop.command(`USER ${creds.user}`);
      const pass = user.ok ? await pop.command(`PASS ${creds.password}`) : user;
      const detail = { mechanism: 'USER/PASS', offered, user: creds.user, serverSaid: pass.line };
      if (!pass.ok) {
        log.record('auth', 'fail', `USER/PASS refused: ${pass.line}`, detail);
        session.release();
        return null;
      }
      log.record('auth', 'pass', `Signed in as ${creds.user} with USER/PASS`, detail);
    } else {
      const choice = chooseMechanism(input.mechanism, offered, creds);
      // Two-step AUTH (no initial response): Exchange Online refuses XOAUTH2 with an initial
      // response on POP3, and RFC 5034 lets every server take this form.
      const sasl = await runSasl(
        pop.saslFraming(),
        choice.mechanism,
        creds,
        { host: input.endpoint.host, port: input.endpoint.port },
        false,
      );
      const detail = {
        mechanism: choice.mechanism,
        reason: choice.reason,
        offered,
        user: creds.user,
        serverSaid: sasl.line,
        errorChallenges: sasl.errorChallenges,
      };
      if (!sasl.ok) {
        log.record('auth', 'fail', `${choice.mechanism} refused: ${sasl.line}`, detail);
        session.release();
        return null;
      }
      log.record(
        'auth',
        choice.unadvertised ? 'warn' : 'pass',
        `Signed in as ${creds.user} with ${choice.mechanism}`,
        detail,
      );
    }
    return session;
  } catch (error) {
    session.release();
    throw error;
  }
}

export async function runPop3Check(
  input: CheckInput,
  transcript = new Transcript(input.clock, input.secrets),
): Promise<CheckResult> {
  const log = new StepLog(transcript);
  let session: Pop3Session | null = null;
  try {
    session = await signIn(input, transcript, log);
    if (!session) return log.build('pop3', EXPECTED);
    const pop = session.pop;

    transcript.step = 'mailbox';
    const stat = await pop.command('STAT');
    const counts = stat.ok ? parseStat(stat.text) : null;
    if (!stat.ok || !counts) {
      log.record('mailbox', 'fail', `STAT failed: ${stat.line}`, { serverSaid: stat.line });
      return log.build('pop3', EXPECTED);
    }
    log.record(
      'mailbox',
      'pass',
      `${counts.messages} message(s), ${counts.octets} bytes in the maildrop`,
      counts,
    );

    transcript.step = 'logout';
    const quit = await pop.command('QUIT').catch(() => null);
    log.record(
      'logout',
      quit?.ok ? 'pass' : 'warn',
      quit ? quit.line : 'The server closed without answering QUIT',
    );
    session.release();
    session = null;
    if (input.roundtrip) await findSentMessage(input, input.roundtrip, transcript, log);
  } catch (error) {
    failCurrentStep(log, transcript, input, error);
  } finally {
    session?.release();
    transcript.unpin();
  }
  return log.build('pop3', EXPECTED);
}

/** Pauses between looks, each a new sign-in: short at first, then no more than one in 10 s. */
const POLL_MS = [1000, 2000, 4000, 8000, 10_000];
/** A new message is appended to the maildrop: only the newest few are looked at. */
const NEWEST_LOOKED_AT = 20;
/** Header lines read for one message; antispam headers can run to hundreds. */
const MAX_HEADER_LINES = 5000;

/** A pause that a cancel ends at once. */
async function pauseFor(ms: number, signal: AbortSignal | undefined): Promise<void> {
  try {
    await sleep(ms, undefined, signal ? { signal } : {});
  } catch (error) {
    if (signal?.aborted) throw new AbortedError();
    throw error;
  }
}

/** The Message-ID header of a message's header lines (TOP n 0), unfolded. */
export function messageIdOf(headerLines: string[]): string | null {
  for (let i = 0; i < headerLines.length; i += 1) {
    const line = headerLines[i] ?? '';
    if (line === '') break;
    const m = /^message-id:\s*(.*)$/i.exec(line);
    if (!m) continue;
    let value = m[1] ?? '';
    for (let j = i + 1; j < headerLines.length && /^[ \t]/.test(headerLines[j] ?? ''); j += 1)
      value += (headerLines[j] ?? '').trim();
    return value.trim() || null;
  }
  return null;
}

function sameMessageId(a: string, b: string): boolean {
  const bare = (v: string): string => v.trim().replace(/^<|>$/g, '').toLowerCase();
  return bare(a) === bare(b);
}

export type Look =
  | { kind: 'found'; message: number }
  | { kind: 'not-yet'; looked: number }
  | { kind: 'refused'; command: string; line: string };

/**
 * One look in a signed-in session: the newest messages not looked at before (by UIDL), their
 * headers (TOP n 0, kept out of the transcript) checked for the Message-ID.
 */
export async function lookOnce(
  pop: Pick<Pop3Dialogue, 'command' | 'multiline'>,
  messageId: string,
  seen: Set<string>,
): Promise<Look> {
  const stat = await pop.command('STAT');
  const count = stat.ok ? (parseStat(stat.text)?.messages ?? 0) : 0;
  let looked = 0;
  for (let n = count; n >= 1 && n > count - NEWEST_LOOKED_AT; n -= 1) {
    const uidl = await pop.command(`UIDL ${n}`);
    const uid = uidl.ok ? (uidl.text.split(/\s+/)[1] ?? null) : null;
    if (uid !== null && seen.has(uid)) continue;
    const top = await pop.command(`TOP ${n} 0`);
    if (!top.ok) return { kind: 'refused', command: 'TOP', line: top.line };
    const id = messageIdOf(await pop.multiline(MAX_HEADER_LINES));
    looked += 1;
    if (id !== null && sameMessageId(id, messageId)) return { kind: 'found', message: n };
    if (uid !== null) seen.add(uid);
  }
  return { kind: 'not-yet', looked };
}

/**
 * The round trip over POP3: a POP3 session sees the maildrop as it was when it signed in, so each
 * look is a new session: sign in, STAT, the newest messages' headers, QUIT, then a pause that
 * grows, so that a mailbox is not signed in to every second for a minute.
 */
async function findSentMessage(
  input: CheckInput,
  roundtrip: NonNullable<CheckInput['roundtrip']>,
  transcript: Transcript,
  log: StepLog,
): Promise<void> {
  transcript.pin('roundtrip');
  const sent = await bounded(roundtrip.sent, roundtrip.budgetMs, 'the test message to be sent', input.signal);
  if (!sent) {
    log.record('roundtrip', 'skipped', 'Not run: no test message was sent');
    return;
  }
  const deadline = sent.sentAt + roundtrip.budgetMs;
  const seen = new Set<string>();
  const base = { messageId: sent.messageId, mailbox: input.credentials.user, via: 'pop3' };
  let polls = 0;
  for (;;) {
    polls += 1;
    // The new session's own steps are not the check's: they go to a log of their own.
    const scratch = new StepLog(transcript);
    const session = await signIn(input, transcript, scratch);
    if (!session) {
      const failed = scratch.build('pop3', EXPECTED).steps.find((s) => s.status === 'fail');
      log.record(
        'roundtrip',
        'fail',
        `Could not sign in again to look for the message: ${failed?.summary ?? 'unknown'}`,
        { ...base, code: 'SIGN_IN_AGAIN_FAILED', polls },
      );
      return;
    }
    let look: Look;
    try {
      look = await lookOnce(session.pop, sent.messageId, seen);
      await session.pop.command('QUIT').catch(() => null);
    } finally {
      session.release();
    }
    if (look.kind === 'found') {
      const latencyMs = Math.max(0, Date.now() - sent.sentAt);
      log.record(
        'roundtrip',
        'pass',
        `The test message arrived in ${input.credentials.user} after ${latencyMs < 1000 ? `${latencyMs} ms` : `${(latencyMs / 1000).toFixed(1)} s`} (found over POP3)`,
        { ...base, latencyMs, polls, message: look.message },
      );
      return;
    }
    if (look.kind === 'refused') {
      log.record(
        'roundtrip',
        'fail',
        `The server refused ${look.command}, which the round trip over POP3 needs to read headers: ${look.line}. Check IMAP as well to find the message over IMAP.`,
        { ...base, code: 'TOP_REFUSED', polls, serverSaid: look.line },
      );
      return;
    }
    transcript.info(
      `Look ${polls}: ${look.looked} new message${look.looked === 1 ? '' : 's'} looked at, not the test message`,
    );
    // The last look is at the deadline itself, not a whole pause before it.
    const remaining = deadline - Date.now();
    if (remaining <= 0) break;
    const pause = POLL_MS[Math.min(polls - 1, POLL_MS.length - 1)] ?? 10_000;
    await pauseFor(Math.min(pause, remaining), input.signal);
  }
  log.record(
    'roundtrip',
    'fail',
    `The test message did not arrive in ${input.credentials.user} within ${Math.round(roundtrip.budgetMs / 1000)} s`,
    { ...base, code: 'NOT_DELIVERED', polls },
  );
}

function describeCapa(capa: string[]): string {
  const sasl = saslMechanismsOf(capa);
  const stls = capa.some((l) => /^STLS\b/i.test(l));
  return `SASL ${sasl.join(' ') || '(none)'}${stls ? ', STLS' : ''}${capa.some((l) => /^USER\b/i.test(l)) ? ', USER' : ''}`;
}
