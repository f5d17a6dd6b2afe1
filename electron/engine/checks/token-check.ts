// The `token` check, run before any mail connection: acquire (or take the supplied token), then
// inspect its claims against the protocols about to be tested (SPEC 2.3).
import type {
  CheckResult,
  MailProtocol,
  StepResult,
  StepStatus,
  TokenSection,
} from '../../../shared/report/model';
import type { Transcript } from '../wire/transcript';
import type { NetworkSettings } from './types';
import type { SendingService } from '../../../shared/config/sending-paths';
import { stepResult, stopwatch } from '../wire/step';
import { inspectToken } from '../identity/inspect';
import { routeOfNetwork, type IdentityRoute } from '../identity/recording-http';
import { acquireToken, type AcquireSpec } from '../identity/acquire';
import { acquireGoogleToken, GMAIL_SCOPE, type GoogleTokenSpec } from '../identity/google-token';
import { acquireOidcToken, type OidcTokenSpec } from '../identity/oidc-token';
import { inspectOidcGrant, type OidcGrant } from '../identity/inspect-oidc';

export type TokenSource =
  | { kind: 'supplied'; token: string; source: string }
  | { kind: 'acquire'; spec: AcquireSpec }
  | { kind: 'google'; spec: GoogleTokenSpec }
  | { kind: 'oidc'; spec: OidcTokenSpec; user: string };

export interface TokenCheckInput {
  source: TokenSource;
  protocols: MailProtocol[];
  tenant?: string;
  clientId?: string;
  /** The mailbox the run opens (a delegated token must be its user's). */
  mailbox?: string;
  /** A sending path with permissions of its own (HVE: Mail.Send). */
  service?: SendingService;
  network: NetworkSettings;
  signal?: AbortSignal;
}

export interface TokenCheckOutcome {
  check: CheckResult;
  section: TokenSection | null;
  token: string | null;
  /** A person's sign-in (Microsoft): its refresh token, for Graph's token in the same run. */
  refreshToken: string | null;
}

function worst(statuses: StepStatus[]): StepStatus {
  if (statuses.includes('fail')) return 'fail';
  if (statuses.includes('warn')) return 'warn';
  return 'pass';
}

export async function runTokenCheck(
  input: TokenCheckInput,
  transcript: Transcript,
): Promise<TokenCheckOutcome> {
  const started = transcript.now();
  let acquire: StepResult;
  let token: string | null;
  let google: { scopes: string[]; expiresAt: number | null } | null = null;
  let oidcGrant: OidcGrant | null = null;
  let refreshToken: string | null = null;
  const { timeouts } = input.network;
  const route: IdentityRoute = routeOfNetwork(input.network);
  if (input.source.kind === 'supplied') {
    transcript.step = 'acquire';
    token = input.source.token;
    transcript.info(`Access token supplied (${input.source.source}); nothing to acquire`);
    acquire = stepResult(
      'acquire',
      'pass',
      0,
      `Access token supplied (${input.source.source}, ${token.length} characters)`,
      {
        source: input.source.source,
      },
    );
  } else if (input.source.kind === 'google') {
    const outcome = await acquireGoogleToken(
      input.source.spec,
      transcript,
      route,
      timeouts.commandMs,
      input.signal,
    );
    ({ step: acquire, token } = outcome);
    google = { scopes: outcome.scopes, expiresAt: outcome.expiresAt };
  } else if (input.source.kind === 'oidc') {
    const { spec, user } = input.source;
    const outcome = await acquireOidcToken(spec, transcript, route, timeouts.commandMs, input.signal);
    ({ step: acquire, token } = outcome);
    if (spec.google) google = { scopes: outcome.scopes, expiresAt: outcome.expiresAt };
    else
      oidcGrant = {
        issuer: outcome.issuer,
        asked: spec.scope.split(/\s+/).filter(Boolean),
        granted: outcome.scopes,
        expiresAt: outcome.expiresAt,
        user: spec.flow.kind === 'client-credentials' ? null : user,
      };
  } else {
    const outcome = await acquireToken(
      input.source.spec,
      transcript,
      route,
      timeouts.commandMs,
      input.signal,
    );
    ({ step: acquire, token } = outcome);
    refreshToken = outcome.refreshToken ?? null;
  }
  // The tunnels' steps are made outside any StepLog: scrubbed here like every other step.
  const steps: StepResult[] = [
    ...proxyStep(route.tunnels).map((s) => transcript.secrets.scrubDeep(s)),
    acquire,
  ];
  let section: TokenSection | null = null;
  if (token === null) {
    steps.push(stepResult('inspect', 'skipped', 0, 'Not run: no token'));
  } else {
    transcript.step = 'inspect';
    const elapsed = stopwatch();
    section = oidcGrant
      ? inspectOidcGrant(token, oidcGrant)
      : google
        ? inspectGoogleGrant(
            google,
            input.source.kind === 'google'
              ? input.source.spec.subject
              : input.source.kind === 'oidc'
                ? input.source.user
                : '',
          )
        : inspectToken(token, {
            protocols: input.protocols,
            ...(input.tenant ? { tenant: input.tenant } : {}),
            ...(input.clientId ? { clientId: input.clientId } : {}),
            ...(input.mailbox ? { mailbox: input.mailbox } : {}),
            ...(input.service ? { service: input.service } : {}),
          });
    const status = worst(section.checks.map((c) => c.status));
    const problems = section.checks.filter((c) => c.status !== 'pass').map((c) => c.summary);
    for (const c of section.checks)
      transcript.add(c.status === 'fail' ? 'e' : 'i', `${c.status}: ${c.summary}`);
    steps.push(
      stepResult(
        'inspect',
        status,
        elapsed(),
        problems.length ? problems.join('; ') : 'Every claim fits the protocols to test',
        {
          checks: section.checks,
        },
      ),
    );
  }
  return {
    check: {
      protocol: 'token',
      verdict: worst(steps.map((s) => s.status)),
      durationMs: Math.round((transcript.now() - started) * 10) / 10,
      steps,
      transcript: transcript.entries,
    },
    section,
    token,
    refreshToken,
  };
}

/**
 * A Google access token is opaque: what can be checked before Gmail sees it is what the token
 * endpoint said of it (the scopes granted, the lifetime) and whom it was asked for.
 */
export function inspectGoogleGrant(
  grant: { scopes: string[]; expiresAt: number | null },
  subject: string,
): TokenSection {
  const checks: TokenSection['checks'] = [
    {
      id: 'format',
      protocol: null,
      status: 'pass',
      summary: 'A Google access token: opaque by design, Gmail checks it at sign-in',
    },
    grant.scopes.includes(GMAIL_SCOPE)
      ? {
          id: 'scope',
          protocol: null,
          status: 'pass',
          summary: `Granted ${GMAIL_SCOPE} (IMAP, POP3 and SMTP)`,
        }
      : {
          id: 'scope',
          protocol: null,
          status: 'fail',
          summary: `Granted ${grant.scopes.join(' ') || 'no scope'}, not ${GMAIL_SCOPE}: Gmail refuses IMAP, POP3 and SMTP with it`,
        },
  ];
  return {
    claims: {
      sub: subject,
      scope: grant.scopes.join(' '),
      ...(grant.expiresAt !== null ? { exp: grant.expiresAt } : {}),
    },
    checks,
  };
}

/**
 * The identity endpoint's way through a proxy, as one `proxy` step: the first tunnel that failed
 * (the reason the token request failed), or the first that opened.
 */
export function proxyStep(tunnels: StepResult[]): StepResult[] {
  const shown = tunnels.find((t) => t.status === 'fail') ?? tunnels[0];
  if (!shown) return [];
  if (tunnels.length < 2 || shown.status === 'fail') return [shown];
  return [
    { ...shown, summary: `${shown.summary} (${tunnels.length} tunnels for ${tunnels.length} requests)` },
  ];
}
