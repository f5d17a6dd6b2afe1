// The Graph check (SPEC 2.10): the same app registration as the mail checks, a token for
// Microsoft Graph, one message of the inbox read (ids and times only: no subject, no sender, none
// of the customer's mail), and when sending, POST /users/{from}/sendMail (202). Every HTTP
// exchange goes to the transcript through the recording client, redacted where it is written.
import type { CheckResult, EndpointTarget, StepResult, StepStatus } from '../../../shared/report/model';
import { acquireToken, type AcquireSpec } from '../identity/acquire';
import { decodeToken } from '../identity/inspect';
import { RecordingHttpClient, routeOfNetwork, type IdentityRoute } from '../identity/recording-http';
import { proxyStep } from './token-check';
import type { Transcript } from '../wire/transcript';
import { stepResult, stopwatch } from '../wire/step';
import type { NetworkSettings, TestMessage } from './types';

/** Graph's own application id: a token for Graph may carry it as its audience. */
export const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';
/** The application permissions that let an app read a mailbox's messages. */
const READ_ROLES = ['Mail.Read', 'Mail.ReadWrite', 'Mail.ReadBasic', 'Mail.ReadBasic.All'];

export type GraphToken =
  /** `scope`: a person's (delegated) scopes for Graph; else the app's `<resource>/.default`. */
  | { kind: 'acquire'; spec: AcquireSpec; scope?: string }
  | { kind: 'supplied'; token: string; source: string }
  /** No token can be had for Graph with this credential: why, for the skipped check. */
  | { kind: 'none'; why: string };

export interface GraphCheckInput {
  token: GraphToken;
  /** Graph's host (graph.microsoft.com, a national cloud's, the lab's) and port. */
  endpoint: EndpointTarget;
  /** The resource a token for Graph names (its audience): https://graph.microsoft.com globally. */
  resource: string;
  mailbox: string;
  /** A test message to send with sendMail, from its `from` mailbox. */
  message?: TestMessage;
  network: NetworkSettings;
  signal?: AbortSignal;
}

export interface GraphCheckOutcome {
  check: CheckResult;
  /** The token for Graph, to add to the run's secrets; null when none was had. */
  token: string | null;
}

interface GraphError {
  status: number;
  code: string | null;
  message: string | null;
  retryAfter: string | null;
}

function worst(statuses: StepStatus[]): CheckResult['verdict'] {
  if (statuses.includes('fail')) return 'fail';
  if (statuses.includes('warn')) return 'warn';
  if (statuses.every((s) => s === 'skipped')) return 'skipped';
  return 'pass';
}

function graphError(status: number, body: unknown, retryAfter: string | null): GraphError {
  const error =
    body && typeof body === 'object' && 'error' in body && body.error && typeof body.error === 'object'
      ? (body.error as Record<string, unknown>)
      : null;
  const text = (v: unknown): string | null => (typeof v === 'string' ? v.slice(0, 2000) : null);
  return { status, code: text(error?.code), message: text(error?.message), retryAfter };
}

/** A Graph refusal as a failed step: its code and words are what the diagnosis reads. */
function failedStep(id: 'mailbox' | 'send', ms: number, what: string, e: GraphError): StepResult {
  const words = [e.code, e.message].filter(Boolean).join(': ') || `HTTP ${e.status}`;
  const wait = e.retryAfter !== null ? ` (Retry-After: ${e.retryAfter} s)` : '';
  return stepResult(id, 'fail', ms, `Graph refused to ${what}: HTTP ${e.status} ${words}${wait}`, {
    status: e.status,
    code: e.status === 429 ? 'THROTTLED' : (e.code ?? `HTTP_${e.status}`),
    serverSaid: `HTTP ${e.status} ${words}${wait}`,
    ...(e.retryAfter !== null ? { retryAfter: e.retryAfter } : {}),
  });
}

/** What the token for Graph says before Graph sees it: its audience and its permissions. */
export function inspectGraphToken(token: string, resource: string, sending: boolean): StepResult {
  const decoded = decodeToken(token);
  if (decoded.kind !== 'jwt')
    return stepResult('inspect', 'skipped', 0, 'The token is not a JWT: Graph alone can say what it allows');
  const { claims } = decoded;
  const aud = typeof claims.aud === 'string' ? claims.aud : '';
  const roles = Array.isArray(claims.roles)
    ? claims.roles.filter((r): r is string => typeof r === 'string')
    : [];
  const scp = typeof claims.scp === 'string' ? claims.scp.split(' ') : [];
  const granted = [...roles, ...scp];
  const detail = { aud, roles, ...(scp.length ? { scp } : {}) };
  if (aud !== resource && aud !== GRAPH_APP_ID)
    return stepResult(
      'inspect',
      'fail',
      0,
      `The token is for ${aud || 'no audience'}, not for Graph (${resource})`,
      {
        ...detail,
        code: 'WRONG_AUDIENCE',
      },
    );
  const missing = [
    ...(granted.some((g) => READ_ROLES.includes(g)) ? [] : ['Mail.Read']),
    ...(sending && !granted.includes('Mail.Send') ? ['Mail.Send'] : []),
  ];
  // A user's token (delegated) carries scopes, never roles.
  const delegated = scp.length > 0 || claims.idtyp === 'user';
  if (missing.length)
    return stepResult(
      'inspect',
      'warn',
      0,
      delegated
        ? `The user's token has no ${missing.join(' and ')} scope (delegated; its scopes: ${scp.length ? scp.join(' ') : 'none'})`
        : `The token has no ${missing.join(' and ')} permission (it has ${granted.length ? granted.join(', ') : 'none'})`,
      { ...detail, missing, delegated, code: 'MISSING_PERMISSION' },
    );
  return stepResult('inspect', 'pass', 0, `A token for Graph with ${granted.join(', ')}`, detail);
}

export async function runGraphCheck(
  input: GraphCheckInput,
  transcript: Transcript,
): Promise<GraphCheckOutcome> {
  const started = transcript.now();
  const { timeouts } = input.network;
  const route: IdentityRoute = routeOfNetwork(input.network);
  const steps: StepResult[] = [];
  const finish = (token: string | null): GraphCheckOutcome => {
    const all = [...proxyStep(route.tunnels).map((s) => transcript.secrets.scrubDeep(s)), ...steps];
    return {
      check: {
        protocol: 'graph',
        verdict: worst(all.map((s) => s.status)),
        durationMs: Math.round((transcript.now() - started) * 10) / 10,
        steps: all.map((s) => transcript.secrets.scrubDeep(s)),
        transcript: transcript.entries,
      },
      token,
    };
  };

  let token: string | null;
  if (input.token.kind === 'none') {
    steps.push(stepResult('acquire', 'skipped', 0, input.token.why));
    return finish(null);
  }
  if (input.token.kind === 'supplied') {
    transcript.step = 'acquire';
    token = input.token.token;
    transcript.info(`Access token supplied (${input.token.source}); nothing to acquire`);
    steps.push(stepResult('acquire', 'pass', 0, `Access token supplied (${input.token.source})`));
  } else {
    const spec = { ...input.token.spec, scope: input.token.scope ?? `${input.resource}/.default` };
    const acquired = await acquireToken(spec, transcript, route, timeouts.commandMs, input.signal);
    steps.push(acquired.step);
    token = acquired.token;
  }
  if (token === null) {
    steps.push(stepResult('inspect', 'skipped', 0, 'Not run: no token for Graph'));
    return finish(null);
  }
  transcript.secrets.add(token);
  transcript.step = 'inspect';
  const inspected = inspectGraphToken(token, input.resource, input.message !== undefined);
  transcript.add(inspected.status === 'fail' ? 'e' : 'i', `${inspected.status}: ${inspected.summary}`);
  steps.push(inspected);

  const http = new RecordingHttpClient({
    transcript,
    route,
    timeoutMs: timeouts.commandMs,
    ...(input.signal ? { signal: input.signal } : {}),
  });
  const { host, port } = input.endpoint;
  const base = `https://${host.includes(':') ? `[${host}]` : host}${port === 443 ? '' : `:${port}`}/v1.0`;
  const auth = { authorization: `Bearer ${token}` };
  const user = (address: string): string => `${base}/users/${encodeURIComponent(address)}`;

  // Read: ids and times only, so that nobody's mail lands in the transcript.
  transcript.step = 'mailbox';
  let elapsed = stopwatch();
  try {
    const res = await http.fetch(
      `${user(input.mailbox)}/mailFolders/inbox/messages?$top=1&$select=id,receivedDateTime`,
      {
        method: 'GET',
        headers: { ...auth, accept: 'application/json' },
      },
    );
    const body: unknown = await res.json().catch(() => null);
    if (res.status === 200) {
      const value =
        body && typeof body === 'object' && 'value' in body && Array.isArray(body.value) ? body.value : [];
      const newest = value[0] as { receivedDateTime?: unknown } | undefined;
      steps.push(
        stepResult(
          'mailbox',
          'pass',
          elapsed(),
          newest
            ? `Read the newest message of ${input.mailbox}'s inbox (received ${typeof newest.receivedDateTime === 'string' ? newest.receivedDateTime : '?'})`
            : `Read ${input.mailbox}'s inbox: it is empty`,
          { status: 200, messages: value.length },
        ),
      );
    } else
      steps.push(
        failedStep(
          'mailbox',
          elapsed(),
          `read ${input.mailbox}'s inbox`,
          graphError(res.status, body, res.headers.get('retry-after')),
        ),
      );
  } catch (error) {
    steps.push(
      stepResult(
        'mailbox',
        'fail',
        elapsed(),
        `Graph did not answer: ${error instanceof Error ? error.message : String(error)}`,
        {
          code: 'UNREACHABLE',
        },
      ),
    );
    return finish(token);
  }

  const message = input.message;
  if (message) {
    transcript.step = 'send';
    elapsed = stopwatch();
    const payload = {
      message: {
        subject: message.subject,
        body: { contentType: 'Text', content: message.text },
        toRecipients: [{ emailAddress: { address: message.to } }],
      },
      saveToSentItems: false,
    };
    try {
      const res = await http.fetch(`${user(message.from)}/sendMail`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify(payload),
      });
      const body: unknown = res.status === 202 ? null : await res.json().catch(() => null);
      steps.push(
        res.status === 202
          ? stepResult(
              'send',
              'pass',
              elapsed(),
              `Graph accepted the test message from ${message.from} to ${message.to} (202)`,
              {
                status: 202,
                from: message.from,
                to: message.to,
              },
            )
          : {
              ...failedStep(
                'send',
                elapsed(),
                `send as ${message.from}`,
                graphError(res.status, body, res.headers.get('retry-after')),
              ),
            },
      );
      const last = steps.at(-1);
      if (last && last.status === 'fail') last.detail.from = message.from;
    } catch (error) {
      steps.push(
        stepResult(
          'send',
          'fail',
          elapsed(),
          `Graph did not answer: ${error instanceof Error ? error.message : String(error)}`,
          {
            code: 'UNREACHABLE',
            from: message.from,
          },
        ),
      );
    }
  }
  return finish(token);
}
