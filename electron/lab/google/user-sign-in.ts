// A user's own Google sign-in, as an installed (desktop) app does it with accounts.google.com:
// the discovery document, the consent page (here a plain sign-in form), a redirect back to the
// app's loopback address with a one-time code, and the token endpoint redeeming that code with
// the PKCE verifier and the client's secret, then renewing with a refresh token. Errors in
// Google's words where they are known (the lab README lists their sources).
import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CREDENTIAL_FIELDS, escapeHtml, formError, htmlPage, readForm } from '../pages';
import { isLoopbackRedirect } from '../authorize-flow';
import {
  googleUserOf,
  type GoogleTokens,
  type GoogleUserState,
  type GoogleWorkspaceState,
} from './workspace';

/** Where the lab's Google plays accounts.google.com: its issuer is `${base}${GOOGLE_ISSUER_PATH}`. */
export const GOOGLE_ISSUER_PATH = '/google';
const AUTH_PATH = '/google/o/oauth2/v2/auth';
const SIGN_IN_PATH = '/google/o/oauth2/v2/auth/signin';
const CODE_LIFETIME_MS = 5 * 60_000;
const MAX_PENDING = 200;
const MAX_REFRESH = 1000;

export const GOOGLE_USER_ERRORS = {
  clientNotFound: {
    status: 401,
    error: 'invalid_client',
    error_description: 'The OAuth client was not found.',
  },
  badSecret: { status: 401, error: 'invalid_client', error_description: 'Unauthorized' },
  badCode: { status: 400, error: 'invalid_grant', error_description: 'Malformed auth code.' },
  badVerifier: { status: 400, error: 'invalid_grant', error_description: 'Invalid code verifier.' },
  expiredRefresh: {
    status: 400,
    error: 'invalid_grant',
    error_description: 'Token has been expired or revoked.',
  },
} as const;

type GoogleError = { status: number; error: string; error_description: string };

interface SignInRequest {
  clientId: string;
  redirectUri: string;
  state: string | null;
  challenge: string;
  scopes: string[];
}

interface PendingCode extends SignInRequest {
  user: GoogleUserState;
  expiresAtMs: number;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

function bounded<V>(map: Map<string, V>, max: number, key: string, value: V): void {
  if (map.size >= max) {
    const oldest = map.keys().next();
    if (!oldest.done) map.delete(oldest.value);
  }
  map.set(key, value);
}

/** The discovery document of the lab's accounts.google.com. */
export function googleDiscovery(base: string): Record<string, unknown> {
  return {
    issuer: `${base}${GOOGLE_ISSUER_PATH}`,
    authorization_endpoint: `${base}${AUTH_PATH}`,
    token_endpoint: `${base}/google/token`,
    response_types_supported: ['code'],
    grant_types_supported: [
      'authorization_code',
      'refresh_token',
      'urn:ietf:params:oauth:grant-type:jwt-bearer',
    ],
    code_challenge_methods_supported: ['plain', 'S256'],
    token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
    scopes_supported: ['openid', 'email', 'profile', 'https://mail.google.com/'],
  };
}

export class GoogleUserSignIns {
  private readonly requests = new Map<string, SignInRequest>();
  private readonly codes = new Map<string, PendingCode>();
  private readonly refresh = new Map<string, { user: GoogleUserState; scopes: string[]; clientId: string }>();

  constructor(
    private readonly state: GoogleWorkspaceState,
    private readonly tokens: GoogleTokens,
    private readonly base: () => string,
  ) {}

  /** GET and POST routes of the sign-in; true when the request was one of them. */
  async route(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    if (req.method === 'GET' && url.pathname === `${GOOGLE_ISSUER_PATH}/.well-known/openid-configuration`) {
      json(res, 200, googleDiscovery(this.base()));
      return true;
    }
    if (req.method === 'GET' && url.pathname === AUTH_PATH) {
      this.authorize(res, url.searchParams);
      return true;
    }
    if (req.method === 'POST' && url.pathname === SIGN_IN_PATH) {
      await this.signIn(req, res);
      return true;
    }
    return false;
  }

  private authorize(res: ServerResponse, q: URLSearchParams): void {
    const clientId = q.get('client_id') ?? '';
    const redirectUri = q.get('redirect_uri') ?? '';
    // Google shows its own error page for these: "Error 401: invalid_client", "Error 400: redirect_uri_mismatch".
    if (clientId !== this.state.installedApp.clientId) {
      htmlPage(
        res,
        401,
        'Access blocked: authorization error',
        '<p>Error 401: invalid_client. The OAuth client was not found.</p>',
      );
      return;
    }
    if (!isLoopbackRedirect(redirectUri)) {
      htmlPage(
        res,
        400,
        'Access blocked: authorization error',
        `<p>Error 400: redirect_uri_mismatch. ${escapeHtml(redirectUri)} is not a loopback address of this desktop client.</p>`,
      );
      return;
    }
    const challenge = q.get('code_challenge') ?? '';
    if (q.get('response_type') !== 'code' || !challenge || q.get('code_challenge_method') !== 'S256') {
      htmlPage(
        res,
        400,
        'Access blocked: authorization error',
        '<p>Error 400: invalid_request. Use response_type=code with an S256 code_challenge.</p>',
      );
      return;
    }
    const id = randomBytes(16).toString('base64url');
    bounded(this.requests, MAX_PENDING, id, {
      clientId,
      redirectUri,
      state: q.get('state'),
      challenge,
      scopes: (q.get('scope') ?? '').split(/\s+/).filter(Boolean),
    });
    this.page(res, id, '');
  }

  private page(res: ServerResponse, id: string, error: string): void {
    htmlPage(
      res,
      error ? 401 : 200,
      'Sign in with Google (MailProbe lab)',
      `${formError(error)}<form method="post" action="${SIGN_IN_PATH}"><input type="hidden" name="request" value="${escapeHtml(id)}">${CREDENTIAL_FIELDS}</form>`,
    );
  }

  private async signIn(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const form = await readForm(req);
    const id = form?.get('request') ?? '';
    const request = this.requests.get(id);
    if (!form || !request) {
      htmlPage(
        res,
        400,
        'Sign in with Google (MailProbe lab)',
        '<p class="error">This sign-in has expired: start again from the app.</p>',
      );
      return;
    }
    const user = googleUserOf(this.state, form.get('username') ?? '');
    if (!user || user.password !== (form.get('password') ?? '')) {
      this.page(res, id, 'Wrong password. Try again or click Forgot password to reset it.');
      return;
    }
    this.requests.delete(id);
    const code = `4/0lab${randomBytes(24).toString('base64url')}`;
    bounded(this.codes, MAX_PENDING, code, { ...request, user, expiresAtMs: Date.now() + CODE_LIFETIME_MS });
    const back = new URL(request.redirectUri);
    back.searchParams.set('code', code);
    if (request.state !== null) back.searchParams.set('state', request.state);
    back.searchParams.set('scope', request.scopes.join(' '));
    res.writeHead(302, { location: back.href, 'cache-control': 'no-store' });
    res.end();
  }

  /** The client of a code or refresh grant: Google wants the installed app's secret too. */
  private client(form: URLSearchParams, authorization: string | undefined): GoogleError | null {
    let id = form.get('client_id') ?? '';
    let secret = form.get('client_secret');
    const basic = /^Basic\s+(\S+)$/i.exec(authorization ?? '');
    if (basic?.[1]) {
      const [user = '', pass = ''] = Buffer.from(basic[1], 'base64').toString('utf8').split(':');
      id = decodeURIComponent(user);
      secret = decodeURIComponent(pass);
    }
    if (id !== this.state.installedApp.clientId) return GOOGLE_USER_ERRORS.clientNotFound;
    if (secret !== this.state.installedApp.clientSecret) return GOOGLE_USER_ERRORS.badSecret;
    return null;
  }

  /** The authorization_code and refresh_token grants; null when the grant is another one. */
  grant(form: URLSearchParams, authorization: string | undefined): { status: number; body: unknown } | null {
    const grant = form.get('grant_type');
    if (grant !== 'authorization_code' && grant !== 'refresh_token') return null;
    const problem = this.client(form, authorization);
    if (problem) return { status: problem.status, body: errorBody(problem) };
    if (grant === 'refresh_token') {
      const given = form.get('refresh_token') ?? '';
      const kept = this.refresh.get(given);
      if (!kept) return { status: 400, body: errorBody(GOOGLE_USER_ERRORS.expiredRefresh) };
      // Google's refresh tokens stay valid across use: no new one is sent.
      return { status: 200, body: this.tokensFor(kept.user, kept.scopes, null) };
    }
    const code = form.get('code') ?? '';
    const pending = this.codes.get(code);
    this.codes.delete(code);
    if (
      !pending ||
      pending.expiresAtMs < Date.now() ||
      pending.redirectUri !== (form.get('redirect_uri') ?? '')
    )
      return { status: 400, body: errorBody(GOOGLE_USER_ERRORS.badCode) };
    const verifier = form.get('code_verifier') ?? '';
    if (createHash('sha256').update(verifier).digest('base64url') !== pending.challenge)
      return { status: 400, body: errorBody(GOOGLE_USER_ERRORS.badVerifier) };
    const refreshToken = `1//0lab${randomBytes(32).toString('base64url')}`;
    bounded(this.refresh, MAX_REFRESH, refreshToken, {
      user: pending.user,
      scopes: pending.scopes,
      clientId: pending.clientId,
    });
    return { status: 200, body: this.tokensFor(pending.user, pending.scopes, refreshToken) };
  }

  private tokensFor(
    user: GoogleUserState,
    scopes: string[],
    refreshToken: string | null,
  ): Record<string, unknown> {
    const lifetime = this.state.tokenLifetimeSeconds;
    const accessToken = this.tokens.issue({
      subject: user.address.toLowerCase(),
      scopes,
      expiresAtMs: Date.now() + lifetime * 1000,
    });
    return {
      access_token: accessToken,
      expires_in: lifetime,
      scope: scopes.join(' '),
      token_type: 'Bearer',
      ...(refreshToken ? { refresh_token: refreshToken } : {}),
    };
  }
}

function errorBody(problem: GoogleError): Record<string, string> {
  return { error: problem.error, error_description: problem.error_description };
}
