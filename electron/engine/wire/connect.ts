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
        `${host} resolves to ${addresses.map((x) => x.address).join(', ')}`,
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

export type ConnectOutcomeKind = 'connected' | 'refused' | 'timeout' | 'reset' | 'unreachable' | 'error';

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
};

function connectOnce(address: ResolvedAddress, port: number): { socket: Socket; done: Promise<Socket> } {
  const socket = netConnect({ host: address.address, port, family: address.family });
  const done = new Promise<Socket>((resolve, reject) => {
    socket.once('connect', () => {
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', reject);
  });
  return { socket, done };
}

/**
 * The `tcp` step: tries each address in turn within one budget of `timeoutMs`, and tells refused,
 * timed out, reset and unreachable apart.
 */
export async function connectTcp(
  addresses: ResolvedAddress[],
  port: number,
  transcript: Transcript,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<TcpOutcome> {
  transcript.step = 'tcp';
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
      transcript.info(
        `Connected to ${address.address}:${port} from ${socket.localAddress ?? '?'}:${socket.localPort ?? '?'} (${ms.toFixed(1)} ms)`,
      );
      return {
        step: stepResult('tcp', 'pass', elapsed(), `Connected to ${address.address}:${port}`, {
          address: address.address,
          port,
          attempts,
        }),
        socket,
      };
    } catch (error) {
      if (errorCode(error) === 'ABORTED') {
        transcript.error('Cancelled while connecting');
        return {
          step: stepResult('tcp', 'fail', elapsed(), 'The run was cancelled while connecting', {
            code: 'ABORTED',
            attempts,
          }),
          socket: null,
        };
      }
      const code = error instanceof WaitTimeoutError ? 'ETIMEDOUT' : errorCode(error);
      const outcome = classify(code);
      attempts.push({
        ...address,
        outcome,
        ms: Math.round(attemptTime() * 10) / 10,
        ...(code ? { code } : {}),
      });
      transcript.error(`${address.address}:${port}: ${OUTCOME_TEXT[outcome]}${code ? ` (${code})` : ''}`);
    }
  }
  const last = attempts.at(-1);
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
