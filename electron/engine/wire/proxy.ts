// The way through a company proxy: dns and tcp to the proxy itself, then the `proxy` step, which
// asks it for a tunnel to the mail or identity host: HTTP CONNECT (Node's own HTTP client, Basic
// authentication) or SOCKS5 / SOCKS4a (the `socks` package, user/password, names resolved by the
// proxy). The proxy's answers are kept as data, so a refusal is the proxy's finding, never the
// server's. Proxy-Authorization and the password are redacted where the entry is made.
import { request as httpRequest, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { SocksClient } from 'socks';
import type { Detail, StepResult } from '../../../shared/report/model';
import { bypassesProxy, proxyLabel, type ProxyConfig } from '../../../shared/config/proxy';
import type { Transcript } from './transcript';
import { connectTcp, resolveHost, type FamilyPreference } from './connect';
import { stepResult, stopwatch } from './step';
import { bounded, WaitTimeoutError } from './wait';

export interface ProxyRoute {
  config: ProxyConfig;
  /** Held only in memory for the run; registered with the run's SecretSet. */
  password: string | null;
  /** Where the proxy came from, for the report: `--proxy`, `HTTPS_PROXY`, settings, a profile. */
  source: string;
}

/** The proxies of a run: one for the identity endpoint (HTTPS), one for the mail connections. */
export interface ProxyPlan {
  identity: ProxyRoute | null;
  mail: ProxyRoute | null;
}

export const DIRECT: ProxyPlan = { identity: null, mail: null };

/** The route to `host:port`, or null when it is reached directly (no proxy, or NO_PROXY names it). */
export function routeTo(route: ProxyRoute | null, host: string, port: number): ProxyRoute | null {
  if (!route) return null;
  if (bypassesProxy(host, port, route.config.bypass)) return null;
  return route;
}

/** The values a proxy's credentials take on the wire, for the run's secret scrub. */
export function proxySecrets(route: ProxyRoute | null): string[] {
  if (!route?.password) return [];
  return [route.password, basicCredential(route)];
}

function basicCredential(route: ProxyRoute): string {
  return Buffer.from(`${route.config.username ?? ''}:${route.password ?? ''}`, 'utf8').toString('base64');
}

export interface TunnelTarget {
  host: string;
  port: number;
}

export interface TunnelOptions {
  timeoutMs: number;
  family: FamilyPreference;
  signal?: AbortSignal;
}

export interface TunnelOutcome {
  /** dns and tcp to the proxy, then the proxy step; the last one failed when socket is null. */
  steps: StepResult[];
  socket: Socket | null;
}

/** Resolves and connects to the proxy, then asks it for a tunnel to `target`. */
export async function openTunnel(
  route: ProxyRoute,
  target: TunnelTarget,
  transcript: Transcript,
  options: TunnelOptions,
): Promise<TunnelOutcome> {
  const { config } = route;
  const label = proxyLabel(config);
  const unreachable = (step: StepResult): StepResult => ({
    ...step,
    summary: `The proxy ${label} (${route.source}): ${step.summary}`,
    detail: { ...step.detail, code: 'PROXY_UNREACHABLE', proxy: label },
  });
  const dns = await resolveHost(config.host, transcript, options.timeoutMs, options.family, options.signal);
  if (dns.step.status === 'fail') return { steps: [unreachable(dns.step)], socket: null };
  const dnsStep = {
    ...dns.step,
    summary: `Proxy ${dns.step.summary}`,
    detail: { ...dns.step.detail, proxy: label },
  };
  const tcp = await connectTcp(
    dns.addresses,
    config.port,
    transcript,
    options.timeoutMs,
    options.signal,
    options.family,
  );
  if (!tcp.socket) return { steps: [dnsStep, unreachable(tcp.step)], socket: null };
  const tcpStep = {
    ...tcp.step,
    summary: `Proxy: ${tcp.step.summary}`,
    detail: { ...tcp.step.detail, proxy: label },
  };
  transcript.step = 'proxy';
  const elapsed = stopwatch();
  const ask =
    config.scheme === 'http'
      ? httpTunnel(tcp.socket, route, target, transcript, options)
      : socksTunnel(tcp.socket, route, target, transcript, options);
  const answer = await ask.catch((error: unknown): TunnelAnswer => {
    tcp.socket?.destroy();
    return {
      socket: null,
      code: error instanceof WaitTimeoutError ? 'PROXY_TIMEOUT' : 'PROXY_ERROR',
      said:
        error instanceof WaitTimeoutError
          ? `No answer from the proxy within ${options.timeoutMs} ms`
          : messageOf(error),
      detail: {},
    };
  });
  const ms = elapsed();
  const base: Detail = {
    proxy: label,
    scheme: config.scheme,
    source: route.source,
    target: `${target.host}:${target.port}`,
    resolvedBy: 'proxy',
    ...answer.detail,
  };
  if (answer.socket) {
    transcript.info(`Tunnel to ${target.host}:${target.port} open through ${label} (${ms.toFixed(1)} ms)`);
    return {
      steps: [
        dnsStep,
        tcpStep,
        stepResult('proxy', 'pass', ms, `${label} opened a tunnel to ${target.host}:${target.port}`, base),
      ],
      socket: answer.socket,
    };
  }
  tcp.socket.destroy();
  transcript.error(answer.said);
  return {
    steps: [
      dnsStep,
      tcpStep,
      stepResult('proxy', 'fail', ms, answer.said, { ...base, code: answer.code, serverSaid: answer.said }),
    ],
    socket: null,
  };
}

interface TunnelAnswer {
  socket: Socket | null;
  /** PROXY_AUTH_REQUIRED, PROXY_DENIED, PROXY_TARGET_FAILED, PROXY_TIMEOUT, PROXY_ERROR. */
  code: string;
  said: string;
  detail: Detail;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function authority(target: TunnelTarget): string {
  return `${target.host.includes(':') ? `[${target.host}]` : target.host}:${target.port}`;
}

/** The schemes a 407's Proxy-Authenticate headers offer: Basic, NTLM, Negotiate, Digest. */
export function authSchemes(header: string | string[] | undefined): string[] {
  const values = Array.isArray(header) ? header : header ? [header] : [];
  const schemes = values.flatMap((v) =>
    v
      .split(/,(?=\s*[A-Za-z][\w-]*(?:\s|$))/)
      .map((part) => /^\s*([A-Za-z][\w-]*)/.exec(part)?.[1] ?? '')
      .filter(Boolean),
  );
  return [...new Set(schemes)];
}

/** HTTP CONNECT over the socket to the proxy, through Node's HTTP client. */
function httpTunnel(
  socket: Socket,
  route: ProxyRoute,
  target: TunnelTarget,
  transcript: Transcript,
  options: TunnelOptions,
): Promise<TunnelAnswer> {
  const path = authority(target);
  const headers: Record<string, string> = { Host: path };
  transcript.add('c', `CONNECT ${path} HTTP/1.1`);
  if (route.config.username !== null) {
    headers['Proxy-Authorization'] = `Basic ${basicCredential(route)}`;
    transcript.add(
      'c',
      `Proxy-Authorization: Basic <redacted: user ${route.config.username}, password ${route.password ? `${route.password.length} chars` : 'none'}>`,
    );
  }
  const req = httpRequest({
    method: 'CONNECT',
    path,
    headers,
    createConnection: () => socket,
  });
  const reply = new Promise<TunnelAnswer>((resolve, reject) => {
    const answer = (res: IncomingMessage, tunnel: Socket | null, head: Buffer | null): void => {
      const status = res.statusCode ?? 0;
      const statusLine = `HTTP/${res.httpVersion} ${status} ${res.statusMessage ?? ''}`.trim();
      transcript.add('s', statusLine);
      for (const name of ['proxy-authenticate', 'x-squid-error', 'via', 'server']) {
        const value = res.headers[name];
        if (value !== undefined)
          transcript.add('s', `${name}: ${Array.isArray(value) ? value.join(', ') : value}`);
      }
      const squidError =
        typeof res.headers['x-squid-error'] === 'string' ? res.headers['x-squid-error'] : null;
      const detail: Detail = {
        status,
        statusLine,
        ...(squidError ? { squidError } : {}),
        ...(res.headers.server ? { proxyServer: String(res.headers.server) } : {}),
      };
      if (status >= 200 && status < 300 && tunnel) {
        if (head && head.length > 0) tunnel.unshift(head);
        resolve({ socket: tunnel, code: 'OK', said: statusLine, detail });
        return;
      }
      res.resume();
      tunnel?.destroy();
      resolve(refusal(status, statusLine, res, squidError, target, route, detail));
    };
    req.once('connect', (res, tunnel, head) => answer(res, tunnel, head));
    req.once('response', (res) => answer(res, null, null));
    req.once('error', reject);
  });
  req.end();
  return bounded(reply, options.timeoutMs, 'proxy CONNECT', options.signal, () => req.destroy());
}

function refusal(
  status: number,
  statusLine: string,
  res: IncomingMessage,
  squidError: string | null,
  target: TunnelTarget,
  route: ProxyRoute,
  detail: Detail,
): TunnelAnswer {
  if (status === 407) {
    const schemes = authSchemes(res.headers['proxy-authenticate']);
    const sent = route.config.username !== null;
    return {
      socket: null,
      code: 'PROXY_AUTH_REQUIRED',
      said: `The proxy wants authentication (${statusLine}; it offers ${schemes.join(', ') || 'no scheme'})${sent ? `: it refused the credentials of user ${route.config.username ?? ''}` : ': none was sent'}`,
      detail: { ...detail, schemes, credentialsSent: sent },
    };
  }
  const squid = squidError ? `, ${squidError}` : '';
  // squid's ERR_CONNECT_FAIL / ERR_DNS_FAIL and the gateway statuses: the proxy tried and could not.
  if (
    (squidError && /CONNECT_FAIL|DNS_FAIL|READ_TIMEOUT|CONNECT_TIMEOUT/i.test(squidError)) ||
    [502, 503, 504].includes(status)
  )
    return {
      socket: null,
      code: 'PROXY_TARGET_FAILED',
      said: `The proxy could not reach ${target.host}:${target.port} (${statusLine}${squid})`,
      detail: { ...detail, outcome: targetOutcome(status, squidError) },
    };
  // 403 is a proxy's rule saying no (squid's ERR_ACCESS_DENIED for a port outside SSL_ports).
  if (status === 403)
    return {
      socket: null,
      code: 'PROXY_DENIED',
      said: `The proxy refused a tunnel to port ${target.port} of ${target.host} (${statusLine}${squid})`,
      detail: { ...detail, port: target.port },
    };
  return {
    socket: null,
    code: 'PROXY_ERROR',
    said: `The proxy answered CONNECT with ${statusLine}${squid}: not a tunnel (is this address a proxy, and does it allow CONNECT?)`,
    detail,
  };
}

/** What squid's error (its errno) or the status says happened between the proxy and the server. */
export function targetOutcome(status: number, squidError: string | null): string {
  if (squidError && /DNS_FAIL/i.test(squidError)) return 'dns';
  if (squidError && /TIMEOUT/i.test(squidError)) return 'timeout';
  const errno = squidError ? Number(/\b(\d{2,3})\s*$/.exec(squidError)?.[1]) : NaN;
  if (errno === 110) return 'timeout';
  if (errno === 113 || errno === 101) return 'unreachable';
  return status === 504 ? 'timeout' : 'refused';
}

/** SOCKS5 (user/password) or SOCKS4a over the socket to the proxy; the proxy resolves the name. */
async function socksTunnel(
  socket: Socket,
  route: ProxyRoute,
  target: TunnelTarget,
  transcript: Transcript,
  options: TunnelOptions,
): Promise<TunnelAnswer> {
  const { config } = route;
  const version = config.scheme === 'socks4a' ? 4 : 5;
  transcript.add(
    'c',
    `SOCKS${version} CONNECT ${authority(target)} (name resolved by the proxy)${config.username !== null ? `, user ${config.username}${version === 5 ? `, password ${route.password ? `${route.password.length} chars, redacted` : 'none'}` : ''}` : ''}`,
  );
  try {
    const { socket: tunnel } = await bounded(
      SocksClient.createConnection({
        proxy: {
          host: config.host,
          port: config.port,
          type: version,
          ...(config.username !== null ? { userId: config.username } : {}),
          ...(version === 5 && route.password ? { password: route.password } : {}),
        },
        command: 'connect',
        destination: { host: target.host, port: target.port },
        existing_socket: socket,
        // Past our own bound below, so that a silent proxy is our timeout, said as such.
        timeout: options.timeoutMs + 1000,
      }),
      options.timeoutMs,
      'SOCKS handshake',
      options.signal,
    );
    transcript.add('s', `SOCKS${version}: request granted`);
    return { socket: tunnel, code: 'OK', said: 'granted', detail: { socksVersion: version } };
  } catch (error) {
    if (error instanceof WaitTimeoutError) throw error;
    const said = messageOf(error);
    transcript.add('s', `SOCKS${version}: ${said}`);
    return socksRefusal(said, version, target);
  }
}

/** What the socks package's error texts say, as findings' codes. */
function socksRefusal(said: string, version: 4 | 5, target: TunnelTarget): TunnelAnswer {
  const detail: Detail = { socksVersion: version, reply: said };
  if (/Proxy connection timed out/i.test(said))
    return {
      socket: null,
      code: 'PROXY_TIMEOUT',
      said: `The SOCKS${version} proxy did not answer in time`,
      detail,
    };
  // SOCKS4 92/93: the proxy could not check, or did not accept, who we are (identd).
  if (
    /Authentication failed|no accepted authentication type|RejectedIdent|Socks4 Proxy rejected connection - \(?Rejected/i.test(
      said,
    )
  )
    return {
      socket: null,
      code: 'PROXY_AUTH_REQUIRED',
      said: `The SOCKS${version} proxy refused the sign-in (${said})`,
      detail: { ...detail, schemes: ['username/password'] },
    };
  if (/NotAllowed/i.test(said))
    return {
      socket: null,
      code: 'PROXY_DENIED',
      said: `The SOCKS${version} proxy's rules do not allow a connection to port ${target.port} of ${target.host} (${said})`,
      detail: { ...detail, port: target.port },
    };
  if (/ConnectionRefused|HostUnreachable|NetworkUnreachable|TTLExpired/i.test(said))
    return {
      socket: null,
      code: 'PROXY_TARGET_FAILED',
      said: `The SOCKS${version} proxy could not reach ${target.host}:${target.port} (${said})`,
      detail: {
        ...detail,
        outcome: /ConnectionRefused/i.test(said)
          ? 'refused'
          : /TTLExpired/i.test(said)
            ? 'timeout'
            : 'unreachable',
      },
    };
  return {
    socket: null,
    code: 'PROXY_ERROR',
    said: `The SOCKS${version} exchange failed: ${said}`,
    detail,
  };
}
