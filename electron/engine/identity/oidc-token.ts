// Any OpenID Connect / OAuth 2 provider by its issuer URL (Keycloak, Authentik, Okta, Zitadel,
// Google's accounts.google.com...): the discovery document, then a token by client credentials,
// device code (RFC 8628) or authorization code with PKCE on a loopback redirect (RFC 8252).
// openid-client does the protocol; every HTTP exchange goes through our recording client, so it
// is in the transcript (redacted where the entry is made), under our TLS settings and timeouts.
import * as oidc from 'openid-client';
import type { StepResult } from '../../../shared/report/model';
import type { Transcript } from '../wire/transcript';
import { stepResult, stopwatch } from '../wire/step';
import { RecordingHttpClient, type IdentityRoute } from './recording-http';
import { startLoopbackRedirect } from './loopback-redirect';
import type { BrowserCredential, DeviceCodeCredential } from './acquire';

export interface OidcTokenSpec {
  /** The issuer URL (https); its /.well-known/openid-configuration is read first. */
  issuer: string;
  clientId: string;
  /** Client credentials need one; a native app may have one too (Google's installed apps). */
  clientSecret?: string;
  /** The app signs in as itself, or a person signs in on another device or in a browser. */
  flow: { kind: 'client-credentials' } | DeviceCodeCredential | BrowserCredential;
  /** Space-separated scopes to ask for. */
  scope: string;
  /** RFC 8707 resource indicator: the mail server's audience, when the provider wants one. */
  resource?: string;
  /** Google's accounts (a user's own Gmail sign-in): the token is opaque, its scope is what counts. */
  google?: boolean;
}

/** Google's issuer for a user's own sign-in (installed apps, accounts.google.com). */
export const GOOGLE_ISSUER = 'https://accounts.google.com';

export interface OidcTokenOutcome {
  step: StepResult;
  token: string | null;
  /** The scopes granted (the token response's scope, or those asked when it names none). */
  scopes: string[];
  /** Seconds since the epoch, when the response says. */
  expiresAt: number | null;
  /** The issuer the discovery document names. */
  issuer: string | null;
  /** A refresh token, when a person signed in and the provider gave one: memory only. */
  refreshToken: string | null;
}

const FLOW_NAME: Record<OidcTokenSpec['flow']['kind'], string> = {
  'client-credentials': 'client credentials',
  'device-code': 'device code',
  browser: 'authorization code with PKCE',
};

function clientAuthFor(
  server: oidc.ServerMetadata,
  secret: string | undefined,
): { auth: oidc.ClientAuth; method: string } {
  if (secret === undefined) return { auth: oidc.None(), method: 'none' };
  const supported = server.token_endpoint_auth_methods_supported ?? ['client_secret_basic'];
  return supported.includes('client_secret_basic')
    ? { auth: oidc.ClientSecretBasic(secret), method: 'client_secret_basic' }
    : { auth: oidc.ClientSecretPost(secret), method: 'client_secret_post' };
}

/** One signal for the run's cancel and this flow's own time limit. */
function bounded(ms: number, signal?: AbortSignal): AbortSignal {
  const timeout = AbortSignal.timeout(ms);
  return signal ? AbortSignal.any([signal, timeout]) : timeout;
}

export async function acquireOidcToken(
  spec: OidcTokenSpec,
  transcript: Transcript,
  route: IdentityRoute,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<OidcTokenOutcome> {
  transcript.step = 'acquire';
  const elapsed = stopwatch();
  const http = new RecordingHttpClient({ transcript, route, timeoutMs, ...(signal ? { signal } : {}) });
  const flow = spec.flow;
  const detail: Record<string, unknown> = {
    provider: 'oidc',
    issuer: spec.issuer,
    clientId: spec.clientId,
    flow: flow.kind,
    scope: spec.scope,
    ...(spec.resource ? { resource: spec.resource } : {}),
  };
  const exchanges = (): unknown[] =>
    http.exchanges.map(({ method, url, status, ms }) => ({ method, url, status, ms }));
  const failed = (summary: string, extra: Record<string, unknown> = {}): OidcTokenOutcome => {
    transcript.error(summary);
    return {
      step: stepResult('acquire', 'fail', elapsed(), summary, {
        ...detail,
        ...extra,
        exchanges: exchanges(),
      }),
      token: null,
      scopes: [],
      expiresAt: null,
      issuer: null,
      refreshToken: null,
    };
  };
  const parameters = { scope: spec.scope, ...(spec.resource ? { resource: spec.resource } : {}) };

  transcript.info(`Reading the discovery document of ${spec.issuer}`);
  let config: oidc.Configuration;
  try {
    const found = await oidc.discovery(new URL(spec.issuer), spec.clientId, undefined, oidc.None(), {
      [oidc.customFetch]: http.fetch,
      timeout: Math.ceil(timeoutMs / 1000),
    });
    const server = found.serverMetadata();
    const { auth, method } = clientAuthFor(server, spec.clientSecret);
    config = new oidc.Configuration(server, spec.clientId, undefined, auth);
    config[oidc.customFetch] = http.fetch;
    detail.discoveredIssuer = server.issuer;
    detail.tokenEndpoint = server.token_endpoint;
    detail.clientAuthentication = method;
    transcript.info(
      `Issuer ${server.issuer}: token endpoint ${server.token_endpoint ?? '(none)'}, client authentication ${method}`,
    );
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return failed(
      http.last?.error
        ? `The issuer could not be reached: ${http.last.error}`
        : `No usable discovery document at ${spec.issuer}: ${reason}`,
      { discoveryError: reason, ...(http.last?.error ? { networkError: http.last.error } : {}) },
    );
  }

  let response: oidc.TokenEndpointResponse;
  try {
    transcript.info(`Asking for a token (${FLOW_NAME[flow.kind]}, scope ${spec.scope})`);
    response = await grant(config, spec, parameters, transcript, signal);
  } catch (error) {
    // The provider's own words: the OAuth error body (RFC 6749 5.2), whichever way the library
    // raised it (a body error, a WWW-Authenticate challenge on a 401).
    const body = http.last?.body;
    const named =
      error instanceof oidc.ResponseBodyError
        ? { error: error.error, description: error.error_description ?? '', status: error.status }
        : typeof body?.error === 'string'
          ? {
              error: body.error,
              description: typeof body.error_description === 'string' ? body.error_description : '',
              status: http.last?.status ?? 0,
            }
          : null;
    if (named)
      return failed(
        named.description ? `${named.error}: ${named.description}` : `The provider answered ${named.error}`,
        {
          endpointError: {
            status: named.status,
            error: named.error,
            error_description: named.description,
            error_codes: [],
          },
        },
      );
    const reason = error instanceof Error ? error.message : String(error);
    return failed(
      http.last?.error ? `The provider could not be reached: ${http.last.error}` : `No token: ${reason}`,
      http.last?.error ? { networkError: http.last.error } : {},
    );
  }
  const token = response.access_token;
  const lifetime = typeof response.expires_in === 'number' ? response.expires_in : null;
  const asked = spec.scope.split(/\s+/).filter(Boolean);
  const granted = typeof response.scope === 'string' ? response.scope.split(/\s+/).filter(Boolean) : asked;
  transcript.info(
    `Token received (${token.length} characters${lifetime !== null ? `, expires in ${Math.round(lifetime / 60)} min` : ''})`,
  );
  const issuer = typeof detail.discoveredIssuer === 'string' ? detail.discoveredIssuer : null;
  return {
    step: stepResult(
      'acquire',
      'pass',
      elapsed(),
      `Token issued by ${issuer ?? spec.issuer} (${FLOW_NAME[flow.kind]}, ${granted.join(' ') || 'no scope named'})${
        lifetime !== null ? `, valid ${Math.round(lifetime / 60)} min` : ''
      }`,
      { ...detail, grantedScope: granted.join(' '), exchanges: exchanges() },
    ),
    token,
    scopes: granted,
    expiresAt: lifetime !== null ? Math.floor(Date.now() / 1000) + lifetime : null,
    issuer,
    refreshToken: typeof response.refresh_token === 'string' ? response.refresh_token : null,
  };
}

async function grant(
  config: oidc.Configuration,
  spec: OidcTokenSpec,
  parameters: Record<string, string>,
  transcript: Transcript,
  signal?: AbortSignal,
): Promise<oidc.TokenEndpointResponse> {
  const flow = spec.flow;
  if (flow.kind === 'client-credentials') return oidc.clientCredentialsGrant(config, parameters);
  const kept = flow.kept;
  if (kept?.refreshToken) {
    transcript.info('Renewing the kept sign-in (refresh token from the keychain)');
    try {
      const renewed = await oidc.refreshTokenGrant(config, kept.refreshToken, parameters);
      transcript.info('Signed in with the kept sign-in: nobody had to sign in');
      if (renewed.refresh_token) await kept.keep(renewed.refresh_token);
      return renewed;
    } catch (error) {
      transcript.info(
        `The kept sign-in was refused (${error instanceof Error ? error.message : String(error)}): it is forgotten, and the user signs in again`,
      );
      await kept.forget();
    }
  }
  const response = await personGrant(config, spec, flow, parameters, transcript, signal);
  if (kept && response.refresh_token) {
    await kept.keep(response.refresh_token);
    transcript.info('The sign-in is kept in the keychain for the next run (forget it in the profile)');
  }
  return response;
}

async function personGrant(
  config: oidc.Configuration,
  spec: OidcTokenSpec,
  flow: DeviceCodeCredential | BrowserCredential,
  parameters: Record<string, string>,
  transcript: Transcript,
  signal?: AbortSignal,
): Promise<oidc.TokenEndpointResponse> {
  if (flow.kind === 'device-code') {
    const started = await oidc.initiateDeviceAuthorization(config, parameters);
    const page = started.verification_uri;
    const message = `To sign in, open the page ${page} and enter the code ${started.user_code} to authenticate.`;
    transcript.info(message);
    flow.onCode({
      message,
      verificationUri: page,
      userCode: started.user_code,
      expiresInSeconds: started.expires_in,
    });
    const limit = Math.min((flow.timeoutSeconds ?? 900) * 1000, started.expires_in * 1000);
    return oidc.pollDeviceAuthorizationGrant(
      config,
      started,
      spec.resource ? { resource: spec.resource } : {},
      {
        signal: bounded(limit, signal),
      },
    );
  }
  const limit = (flow.timeoutSeconds ?? 300) * 1000;
  const loopback = await startLoopbackRedirect(limit, signal);
  try {
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const url = oidc.buildAuthorizationUrl(config, {
      ...parameters,
      redirect_uri: loopback.redirectUri,
      response_type: 'code',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
    });
    transcript.info(`Sign-in page: ${url.origin}${url.pathname} (redirect back to ${loopback.redirectUri})`);
    await flow.openBrowser(url.href);
    const back = await loopback.response;
    return await oidc.authorizationCodeGrant(
      config,
      back,
      { pkceCodeVerifier: verifier, expectedState: state },
      { redirect_uri: loopback.redirectUri, ...(spec.resource ? { resource: spec.resource } : {}) },
    );
  } finally {
    loopback.close();
  }
}
