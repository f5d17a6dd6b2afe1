// DNS and TCP: the first two steps of every protocol check, with failures kept as data.
import { lookup } from 'node:dns/promises';
import { isIP, Socket, connect as netConnect } from 'node:net';
import type { StepResult } from '../../../shared/report/model';
import type { Transcript } from './transcript';
import { stepResult, stopwatch } from './step';
import { bounded, WaitTimeoutError } from './wait';

export type FamilyPreference = 'auto' | 'ipv4' | 'ipv6';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

export interface DnsOutcome {
  step: StepResult;
  addresses: ResolvedAddress[];
}

/** The `dns` step: A and AAAA answers through the system resolver, timed. */
export async function resolveHost(
  host: string,
  transcript: Transcript,
  timeoutMs: number,
  preference: FamilyPreference = 'auto',
  signal?: AbortSignal,
): Promise<DnsOutcome> {
  transcript.step = 'dns';
  const elapsed = stopwatch();
  const literal = isIP(host);
  if (literal) {
    const addresses: ResolvedAddress[] = [{ address: host, family: literal === 6 ? 6 : 4 }];
    transcript.info(`${host} is an IP address; no DNS lookup`);
    return {
      step: stepResult('dns', 'pass', elapsed(), `${host} is an IP address`, { host, addresses }),
      addresses,
    };
  }
  try {
    const answers = await bounded(
      lookup(host, { all: true, order: 'verbatim' }),
      timeoutMs,
      'DNS lookup',
      signal,
    );
    const addresses = order(
      answers.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 })),
      preference,
    );
    const a = addresses.filter((x) => x.family === 4).map((x) => x.address);
    const aaaa = addresses.filter((x) => x.family === 6).map((x) => x.address);
    const ms = elapsed();
    transcript.info(
      `DNS ${host}: A ${a.join(', ') || '(none)'}; AAAA ${aaaa.join(', ') || '(none)'} (${ms.toFixed(1)} ms)`,
    );
    return {
      step: stepResult(
        'dns',
        'pass',
        ms,
        `${host}: A ${a.join(', ') || '(none)'}; AAAA ${aaaa.join(', ') || '(none)'}`,
        {
          host,
          a,
          aaaa,
          addresses,
        },
      ),
      addresses,
    };
  } catch (error) {
    const code = errorCode(error);
    const ms = elapsed();
    const reason =
      code === 'ENOTFOUND'
        ? `${host} does not exist in DNS (NXDOMAIN)`
        : error instanceof WaitTimeoutError
          ? `No DNS answer for ${host} within ${timeoutMs} ms`
          : `DNS lookup for ${host} failed: ${code ?? String(error)}`;
    transcript.error(reason);
    return { step: stepResult('dns', 'fail', ms, reason, { host, code: code ?? 'ERROR' }), addresses: [] };
  }
}

function order(addresses: ResolvedAddress[], preference: FamilyPreference): ResolvedAddress[] {
  if (preference === 'auto') return addresses;
  const first = preference === 'ipv6' ? 6 : 4;
  return [...addresses.filter((a) => a.family === first), ...addresses.filter((a) => a.family !== first)];
}

export type ConnectOutcomeKind =
  | 'connected'
  | 'refused'
  | 'timeout'
  | 'reset'
  | 'unreachable'
  | 'error'
  /** Happy eyeballs: still connecting when another address won. */
  | 'cancelled'
  /** Happy eyeballs: another address won before this one's turn. */
  | 'not-tried'
  | 'connecting';

export interface ConnectAttempt {
  address: string;
  family: 4 | 6;
  outcome: ConnectOutcomeKind;
  ms: number;
  code?: string;
}

export interface TcpOutcome {
  step: StepResult;
  socket: Socket | null;
}

export function errorCode(error: unknown): string | undefined {
  if (error && typeof error === 'object' && 'code' in error && typeof error.code === 'string')
    return error.code;
  return undefined;
}

function classify(code: string | undefined): ConnectOutcomeKind {
  switch (code) {
    case 'ECONNREFUSED':
      return 'refused';
    case 'ETIMEDOUT':
      return 'timeout';
    case 'ECONNRESET':
      return 'reset';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EADDRNOTAVAIL':
      return 'unreachable';
    case undefined:
    default:
      return 'error';
  }
}

const OUTCOME_TEXT: Record<ConnectOutcomeKind, string> = {
  connected: 'connected',
  refused: 'connection refused (nothing listens on that port, or a firewall rejects it)',
  timeout: 'no answer (the port is filtered or the address is unreachable)',
  reset: 'connection reset by the peer',
  unreachable: 'network or host unreachable',
  error: 'connect failed',
  cancelled: 'still connecting when another address answered',
  'not-tried': 'not tried: another address answered first',
  connecting: 'connecting',
};

function connectOnce(address: ResolvedAddress, port: number): { socket: Socket; done: Promise<Socket> } {
  // No Nagle: a pipelined SMTP envelope or a message written line by line would otherwise wait
  // for the peer's (delayed) ACK between writes, tens of milliseconds each on a real network.
  const socket = netConnect({ host: address.address, port, family: address.family, noDelay: true });
  const done = new Promise<Socket>((resolve, reject) => {
    socket.once('connect', () => {
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', reject);
  });
  return { socket, done };
}

/** RFC 8305's Connection Attempt Delay: the next address is tried after this, or at once on a failure. */
export const ATTEMPT_DELAY_MS = 250;

const FAMILY_NAME = { 4: 'IPv4', 6: 'IPv6' } as const;

/**
 * Both families, alternating, the first answer's family first (RFC 8305 section 4), when the
 * preference is auto; otherwise the list as resolved (already in the preferred order).
 */
function attemptOrder(addresses: ResolvedAddress[], preference: FamilyPreference): ResolvedAddress[] {
  const first = addresses[0]?.family;
  if (preference !== 'auto' || first === undefined) return addresses;
  const same = addresses.filter((a) => a.family === first);
  const other = addresses.filter((a) => a.family !== first);
  const out: ResolvedAddress[] = [];
  for (let i = 0; i < Math.max(same.length, other.length); i++) {
    const a = same[i];
    const b = other[i];
    if (a) out.push(a);
    if (b) out.push(b);
  }
  return out;
}

/**
 * The `tcp` step. With both families and no preference, happy eyeballs (RFC 8305): the next
 * address starts 250 ms after the last or as soon as it fails, the first to connect wins. With
 * --ipv4 / --ipv6 (or one family), each address in turn, with its share of the budget. Refused,
 * timed out, reset and unreachable are told apart; a connection over one family while the other
 * failed is a warning, since clients that try that family alone (or first, without racing) fail.
 */
export async function connectTcp(
  addresses: ResolvedAddress[],
  port: number,
  transcript: Transcript,
  timeoutMs: number,
  signal?: AbortSignal,
  preference: FamilyPreference = 'auto',
): Promise<TcpOutcome> {
  transcript.step = 'tcp';
  const elapsed = stopwatch();
  const racing = preference === 'auto' && new Set(addresses.map((a) => a.family)).size > 1;
  const ordered = attemptOrder(addresses, preference);
  const { attempts, socket, aborted } = racing
    ? await race(ordered, port, transcript, timeoutMs, signal)
    : await inTurn(ordered, port, transcript, timeoutMs, signal);
  if (aborted) {
    transcript.error('Cancelled while connecting');
    return {
      step: stepResult('tcp', 'fail', elapsed(), 'The run was cancelled while connecting', {
        code: 'ABORTED',
        attempts,
      }),
      socket: null,
    };
  }
  const winner = attempts.find((a) => a.outcome === 'connected');
  if (socket && winner) {
    const failedOther = attempts.filter(
      (a) => a.family !== winner.family && !['connected', 'cancelled', 'not-tried'].includes(a.outcome),
    );
    const mode = racing
      ? 'both families raced (happy eyeballs)'
      : preference === 'auto'
        ? 'one family'
        : `${FAMILY_NAME[preference === 'ipv6' ? 6 : 4]} first (--family)`;
    const detail = { address: winner.address, port, family: winner.family, mode, attempts };
    if (failedOther.length > 0) {
      const other = failedOther[0] as ConnectAttempt;
      const summary = `Connected to ${winner.address}:${port} over ${FAMILY_NAME[winner.family]}; ${FAMILY_NAME[other.family]} (${other.address}) failed: ${OUTCOME_TEXT[other.outcome]}. The name has ${FAMILY_NAME[other.family]} addresses that do not answer from here: a client that tries ${FAMILY_NAME[other.family]} only, or first without racing, fails or waits`;
      transcript.error(summary);
      return {
        step: stepResult('tcp', 'warn', elapsed(), summary, { ...detail, code: 'ONE_FAMILY_FAILED' }),
        socket,
      };
    }
    const others = attempts.filter((a) => a.outcome === 'cancelled' || a.outcome === 'not-tried');
    const note =
      others.length > 0
        ? ` (${FAMILY_NAME[winner.family]} answered first; ${others.map((o) => `${o.address} ${o.outcome === 'cancelled' ? 'was still connecting' : 'not tried'}`).join(', ')})`
        : '';
    return {
      step: stepResult('tcp', 'pass', elapsed(), `Connected to ${winner.address}:${port}${note}`, detail),
      socket,
    };
  }
  const failed = attempts.filter((a) => a.outcome !== 'not-tried' && a.outcome !== 'cancelled');
  const last = failed.at(-1);
  const outcome = last?.outcome ?? 'timeout';
  const summary =
    outcome === 'timeout'
      ? `No answer from port ${port} within the connect timeout of ${timeoutMs} ms`
      : `Could not connect to port ${port}: ${OUTCOME_TEXT[outcome]}`;
  return {
    step: stepResult('tcp', 'fail', elapsed(), summary, { port, outcome, attempts, timeoutMs }),
    socket: null,
  };
}

interface AttemptsOutcome {
  attempts: ConnectAttempt[];
  socket: Socket | null;
  aborted: boolean;
}

function failure(error: unknown): { outcome: ConnectOutcomeKind; code: string | undefined } {
  const code = error instanceof WaitTimeoutError ? 'ETIMEDOUT' : errorCode(error);
  return { outcome: classify(code), code };
}

/** Each address in turn, each with its share of what is left of the budget. */
async function inTurn(
  addresses: ResolvedAddress[],
  port: number,
  transcript: Transcript,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<AttemptsOutcome> {
  const elapsed = stopwatch();
  const attempts: ConnectAttempt[] = [];
  for (const [index, address] of addresses.entries()) {
    const remaining = timeoutMs - elapsed();
    if (remaining <= 0) break;
    // Each address gets its share of what is left, so a black-holed first address (an IPv6 one
    // on a network without IPv6, say) cannot keep the others from being tried.
    const share = remaining / (addresses.length - index);
    const attemptTime = stopwatch();
    transcript.info(`Connecting to ${address.address} port ${port}`);
    const { socket, done } = connectOnce(address, port);
    try {
      await bounded(done, share, 'TCP connect', signal, () => socket.destroy());
      const ms = attemptTime();
      attempts.push({ ...address, outcome: 'connected', ms: Math.round(ms * 10) / 10 });
      transcript.info(connectedLine(socket, address, port, ms));
      return { attempts, socket, aborted: false };
    } catch (error) {
      if (errorCode(error) === 'ABORTED') return { attempts, socket: null, aborted: true };
      const { outcome, code } = failure(error);
      attempts.push({
        ...address,
        outcome,
        ms: Math.round(attemptTime() * 10) / 10,
        ...(code ? { code } : {}),
      });
      transcript.error(`${address.address}:${port}: ${OUTCOME_TEXT[outcome]}${code ? ` (${code})` : ''}`);
    }
  }
  return { attempts, socket: null, aborted: false };
}

function connectedLine(socket: Socket, address: ResolvedAddress, port: number, ms: number): string {
  return `Connected to ${address.address}:${port} from ${socket.localAddress ?? '?'}:${socket.localPort ?? '?'} (${ms.toFixed(1)} ms)`;
}

/** Happy eyeballs: staggered attempts, the first to connect wins, the rest are closed. */
function race(
  addresses: ResolvedAddress[],
  port: number,
  transcript: Transcript,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<AttemptsOutcome> {
  return new Promise((resolve) => {
    const attempts: ConnectAttempt[] = addresses.map((a) => ({ ...a, outcome: 'not-tried', ms: 0 }));
    const sockets: Array<Socket | null> = addresses.map(() => null);
    let next = 0;
    let pending = 0;
    let finished = false;
    let stagger: NodeJS.Timeout | null = null;
    const finish = (socket: Socket | null, aborted = false): void => {
      if (finished) return;
      finished = true;
      clearTimeout(overall);
      if (stagger) clearTimeout(stagger);
      signal?.removeEventListener('abort', onAbort);
      sockets.forEach((s, i) => {
        if (s && s !== socket) {
          s.destroy();
          const attempt = attempts[i];
          // Still connecting: lost to the winner, or out of time when nobody won.
          if (attempt?.outcome === 'connecting') attempt.outcome = socket ? 'cancelled' : 'timeout';
        }
      });
      resolve({ attempts, socket, aborted });
    };
    const start = (): void => {
      if (finished || next >= addresses.length) return;
      const index = next++;
      const address = addresses[index] as ResolvedAddress;
      const attempt = attempts[index] as ConnectAttempt;
      attempt.outcome = 'connecting';
      const attemptTime = stopwatch();
      transcript.info(
        `Connecting to ${address.address} port ${port}${index > 0 ? ' (happy eyeballs: next address)' : ''}`,
      );
      const { socket, done } = connectOnce(address, port);
      sockets[index] = socket;
      pending++;
      if (stagger) clearTimeout(stagger);
      stagger = setTimeout(start, ATTEMPT_DELAY_MS);
      done.then(
        () => {
          pending--;
          attempt.ms = Math.round(attemptTime() * 10) / 10;
          if (finished) {
            socket.destroy();
            return;
          }
          attempt.outcome = 'connected';
          transcript.info(connectedLine(socket, address, port, attemptTime()));
          finish(socket);
        },
        (error: unknown) => {
          pending--;
          const { outcome, code } = failure(error);
          attempt.outcome = outcome;
          attempt.ms = Math.round(attemptTime() * 10) / 10;
          if (code) attempt.code = code;
          if (finished) return;
          transcript.error(`${address.address}:${port}: ${OUTCOME_TEXT[outcome]}${code ? ` (${code})` : ''}`);
          // A failure starts the next address at once; the last failure ends the race.
          if (next < addresses.length) start();
          else if (pending === 0) finish(null);
        },
      );
    };
    const overall = setTimeout(() => finish(null), timeoutMs);
    const onAbort = (): void => finish(null, true);
    if (signal?.aborted) {
      finish(null, true);
      return;
    }
    signal?.addEventListener('abort', onAbort, { once: true });
    start();
  });
}
