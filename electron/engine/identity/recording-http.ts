// MSAL's network client, replaced: every HTTP exchange with the identity endpoint goes through our
// TLS settings (extra CA files, minimum version), has a timeout and an AbortSignal, and is written
// to the transcript with credentials and tokens redacted where each entry is created.
import { request, type RequestOptions } from 'node:https';
import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node';
import type { Transcript } from '../wire/transcript';
import { secureContextFor, type TlsSettings } from '../wire/tls';
import { describeSecret } from '../wire/secrets';
import { stepResult, stopwatch } from '../wire/step';
import { isIP } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { StepResult } from '../../../shared/report/model';
import type { FamilyPreference } from '../wire/connect';
import { openTunnel, routeTo, type ProxyRoute } from '../wire/proxy';

const MAX_RESPONSE = 1024 * 1024;
/** Form fields that carry a credential or a token (SPEC 5). */
const SECRET_FIELDS = [
  'client_secret',
  'client_assertion',
  'password',
  'refresh_token',
  'code',
  'code_verifier',
  'device_code',
  'assertion',
  'access_token',
  'id_token',
];
const SECRET_JSON = ['access_token', 'id_token', 'refresh_token', 'client_info', 'device_code'];

export interface HttpExchange {
  method: string;
  url: string;
  status: number | null;
  ms: number;
  /** Parsed JSON body of the response, with tokens replaced by their description. */
  body: Record<string, unknown> | null;
  error: string | null;
}

export function redactForm(body: string): string {
  const form = new URLSearchParams(body);
  const parts: string[] = [];
  for (const [key, value] of form) {
    parts.push(
      `${key}=${SECRET_FIELDS.includes(key) ? describeSecret(key.replace(/_/g, ' '), value) : value}`,
    );
  }
  return parts.join('&');
}

export function redactJson(value: unknown): Record<string, unknown> | null {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return null;
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value as Record<string, unknown>)) {
    out[key] =
      SECRET_JSON.includes(key) && typeof field === 'string'
        ? describeSecret(key.replace(/_/g, ' '), field)
        : field;
  }
  return out;
}

/** A request body as the transcript shows it: a JSON body (Graph's) as JSON, a form redacted. */
function describeBody(body: string, headers: Record<string, string> | undefined): string {
  const json = Object.entries(headers ?? {}).some(
    ([k, v]) => /^content-type$/i.test(k) && /application\/json/i.test(v),
  );
  if (!json) return redactForm(body);
  try {
    return JSON.stringify(redactJson(JSON.parse(body)) ?? {});
  } catch {
    return describeSecret('body', body);
  }
}

function redactHeaders(headers: Record<string, string> | undefined): string {
  return Object.entries(headers ?? {})
    .map(([k, v]) => `${k}: ${/^authorization$/i.test(k) ? describeSecret('authorization', v) : v}`)
    .join('; ');
}

/** How the identity endpoint is reached: TLS settings, and the proxy (with the steps it took). */
export interface IdentityRoute {
  tls: TlsSettings;
  proxy: ProxyRoute | null;
  family: FamilyPreference;
  connectMs: number;
  /** One `proxy` step per tunnel opened (or refused) for a request: the token check shows them. */
  tunnels: StepResult[];
}

export interface RecordingHttpOptions {
  transcript: Transcript;
  route: IdentityRoute;
  timeoutMs: number;
  signal?: AbortSignal;
}

/** How a run's HTTPS requests go out: its TLS settings, the identity proxy, its connect timeout. */
export function routeOfNetwork(network: {
  tls: TlsSettings;
  proxy: { identity: ProxyRoute | null };
  family: FamilyPreference;
  timeouts: { connectMs: number };
}): IdentityRoute {
  return {
    tls: network.tls,
    proxy: network.proxy.identity,
    family: network.family,
    connectMs: network.timeouts.connectMs,
    tunnels: [],
  };
}

/** The identity endpoint reached directly, with these TLS settings. */
export function directRoute(tls: TlsSettings, connectMs = 10_000): IdentityRoute {
  return { tls, proxy: null, family: 'auto', connectMs, tunnels: [] };
}

/** A tunnel's dns, tcp and proxy steps as the single `proxy` step of the token check. */
function foldTunnel(steps: StepResult[]): StepResult {
  const failed = steps.find((s) => s.status === 'fail');
  const last = failed ?? steps.at(-1);
  const durationMs = steps.reduce((sum, s) => sum + s.durationMs, 0);
  return stepResult(
    'proxy',
    failed ? 'fail' : 'pass',
    durationMs,
    last?.summary ?? 'proxy',
    last?.detail ?? {},
  );
}

class TunnelFailed extends Error {}

export class RecordingHttpClient implements INetworkModule {
  readonly exchanges: HttpExchange[] = [];

  constructor(private readonly options: RecordingHttpOptions) {}

  sendGetRequestAsync<T>(
    url: string,
    options?: NetworkRequestOptions,
    timeout?: number,
  ): Promise<NetworkResponse<T>> {
    return this.send<T>('GET', url, options, timeout);
  }

  sendPostRequestAsync<T>(url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
    return this.send<T>('POST', url, options);
  }

  get last(): HttpExchange | undefined {
    return this.exchanges.at(-1);
  }

  private async send<T>(
    method: string,
    url: string,
    options?: NetworkRequestOptions,
    timeout?: number,
  ): Promise<NetworkResponse<T>> {
    const reply = await this.exchange(method, url, options, timeout);
    return { headers: reply.headers, body: reply.parsed as T, status: reply.status };
  }

  /**
   * The same exchange as a WHATWG fetch, for libraries that take one (openid-client's
   * customFetch): recorded, redacted, bounded and under our TLS settings like MSAL's.
   */
  fetch = async (
    url: string,
    init: { method?: string; headers?: Record<string, string> | Headers; body?: unknown },
  ): Promise<Response> => {
    const headers: Record<string, string> = {};
    if (init.headers instanceof Headers) init.headers.forEach((v, k) => (headers[k] = v));
    else Object.assign(headers, init.headers ?? {});
    const body: string | undefined | null =
      init.body === undefined || init.body === null
        ? undefined
        : init.body instanceof URLSearchParams
          ? init.body.toString()
          : typeof init.body === 'string'
            ? init.body
            : null;
    if (body === null) throw new Error('Only form and text bodies are sent to an identity endpoint');
    const reply = await this.exchange(init.method ?? 'GET', url, {
      headers,
      ...(body !== undefined ? { body } : {}),
    });
    return new Response(reply.status === 204 || reply.status === 304 ? null : reply.text, {
      status: reply.status,
      headers: reply.headers,
    });
  };

  /**
   * Through the proxy that applies to the host: a tunnel (its steps recorded), then TLS over it
   * with our settings. Nothing when the endpoint is reached directly.
   */
  private tunnelFor(target: URL, tls: TlsSettings): Pick<RequestOptions, 'createConnection'> {
    const { transcript, route, signal } = this.options;
    const host = target.hostname.replace(/^\[(.*)\]$/, '$1');
    const port = Number(target.port || 443);
    const proxy = routeTo(route.proxy, host, port);
    if (!proxy) return {};
    return {
      createConnection: (_options, done) => {
        const resume = transcript.step;
        transcript.pin('proxy');
        openTunnel(proxy, { host, port }, transcript, {
          timeoutMs: route.connectMs,
          family: route.family,
          ...(signal ? { signal } : {}),
        })
          .then((tunnel) => {
            transcript.unpin();
            transcript.step = resume;
            const step = foldTunnel(tunnel.steps);
            route.tunnels.push(step);
            if (!tunnel.socket) throw new TunnelFailed(step.summary);
            done(
              null,
              tlsConnect({
                socket: tunnel.socket,
                host,
                servername: isIP(host) ? undefined : host,
                secureContext: secureContextFor(tls),
                minVersion: tls.minVersion,
                ALPNProtocols: ['http/1.1'],
              }),
            );
          })
          .catch((error: unknown) => {
            transcript.unpin();
            transcript.step = resume;
            done(error instanceof Error ? error : new Error(String(error)), undefined as never);
          });
        return undefined;
      },
    };
  }

  private exchange(
    method: string,
    url: string,
    options?: NetworkRequestOptions,
    timeout?: number,
  ): Promise<{ status: number; headers: Record<string, string>; text: string; parsed: unknown }> {
    const { transcript, route, signal } = this.options;
    const { tls } = route;
    const timeoutMs = Math.min(timeout ?? this.options.timeoutMs, this.options.timeoutMs);
    const elapsed = stopwatch();
    transcript.add('c', `${method} ${url}`);
    if (options?.headers && Object.keys(options.headers).length)
      transcript.add('c', `headers: ${redactHeaders(options.headers)}`);
    if (options?.body) transcript.add('c', describeBody(options.body, options.headers));
    const exchange: HttpExchange = { method, url, status: null, ms: 0, body: null, error: null };
    this.exchanges.push(exchange);
    return new Promise((resolve, reject) => {
      const target = new URL(url);
      // https.request hands secureContext on to tls.connect; its RequestOptions type omits it.
      const tlsOptions = {
        secureContext: secureContextFor(tls),
        minVersion: tls.minVersion,
      } as RequestOptions;
      const req = request(
        target,
        {
          ...tlsOptions,
          method,
          headers: {
            ...(options?.headers ?? {}),
            ...(options?.body !== undefined
              ? { 'content-length': Buffer.byteLength(options.body).toString() }
              : {}),
          },
          timeout: timeoutMs,
          ...(signal ? { signal } : {}),
          ...this.tunnelFor(target, tls),
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_RESPONSE) {
              req.destroy(new Error(`The identity endpoint sent more than ${MAX_RESPONSE} bytes`));
              return;
            }
            chunks.push(chunk);
          });
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown = null;
            try {
              parsed = JSON.parse(text);
            } catch {
              parsed = null;
            }
            exchange.status = res.statusCode ?? 0;
            exchange.ms = elapsed();
            exchange.body = redactJson(parsed);
            transcript.add(
              's',
              `HTTP ${exchange.status} ${res.statusMessage ?? ''} (${exchange.ms.toFixed(0)} ms)`,
            );
            transcript.add(
              's',
              exchange.body ? JSON.stringify(exchange.body) : describeSecret('non-JSON body', text),
            );
            const headers: Record<string, string> = {};
            for (const [k, v] of Object.entries(res.headers))
              if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
            resolve({ headers, text, parsed, status: exchange.status });
          });
          res.on('error', reject);
        },
      );
      req.on('timeout', () => {
        req.destroy(new Error(`No answer from ${target.host} within ${timeoutMs} ms`));
      });
      req.on('error', (error) => {
        exchange.ms = elapsed();
        exchange.error = error.message;
        transcript.error(`${method} ${target.host}: ${error.message}`);
        reject(error);
      });
      if (options?.body !== undefined) req.write(options.body);
      req.end();
    });
  }
}
