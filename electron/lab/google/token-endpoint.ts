// The lab's Google token endpoint for service accounts (RFC 7523 JWT bearer grant, as
// oauth2.googleapis.com/token runs it): the assertion's signature against the service account's
// key, its audience and lifetime, the subject against the domain's users, then the domain-wide
// delegation list for the client id and every scope asked. Errors in Google's own words (the lab
// README lists their sources); success is an opaque token the lab's Gmail recognises.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createPublicKey } from 'node:crypto';
import { decodeJwt, jwtVerify } from 'jose';
import { readForm } from '../pages';
import { googleUserOf, type GoogleTokens, type GoogleWorkspaceState } from './workspace';
import type { GoogleUserSignIns } from './user-sign-in';

export const GOOGLE_TOKEN_PATH = '/google/token';
const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
/** Google accepts assertions of at most an hour; a little clock skew is forgiven. */
const MAX_LIFETIME_S = 3600;
const SKEW_S = 300;

export const GOOGLE_ERRORS = {
  unauthorizedClient: {
    status: 401,
    error: 'unauthorized_client',
    error_description:
      'Client is unauthorized to retrieve access tokens using this method, or client not authorized for any of the scopes requested.',
  },
  invalidSubject: { status: 400, error: 'invalid_grant', error_description: 'Invalid email or User ID' },
  badSignature: { status: 400, error: 'invalid_grant', error_description: 'Invalid JWT Signature.' },
  accountNotFound: {
    status: 400,
    error: 'invalid_grant',
    error_description: 'Invalid grant: account not found',
  },
  lifetime: {
    status: 400,
    error: 'invalid_grant',
    error_description:
      'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.',
  },
  audience: { status: 400, error: 'invalid_grant', error_description: 'Invalid JWT: Failed audience check.' },
} as const;

type GoogleError = { status: number; error: string; error_description: string };

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

function fail(res: ServerResponse, problem: GoogleError): void {
  send(res, problem.status, { error: problem.error, error_description: problem.error_description });
}

/** What is wrong with an assertion, or the grant it earns. Pure but for the signature check. */
export async function judgeAssertion(
  state: GoogleWorkspaceState,
  assertion: string,
  tokenUri: string,
  nowSeconds: number,
): Promise<{ ok: false; problem: GoogleError } | { ok: true; subject: string; scopes: string[] }> {
  let claims: Record<string, unknown>;
  try {
    claims = decodeJwt(assertion);
  } catch {
    return { ok: false, problem: GOOGLE_ERRORS.badSignature };
  }
  const account = state.serviceAccount;
  if (claims.iss !== account.clientEmail) return { ok: false, problem: GOOGLE_ERRORS.accountNotFound };
  try {
    await jwtVerify(assertion, createPublicKey(account.publicKeyPem), { algorithms: ['RS256'] });
  } catch (error) {
    // jose checks exp too: an expired assertion is a lifetime problem, not a bad signature.
    const code = error && typeof error === 'object' && 'code' in error ? String(error.code) : '';
    return {
      ok: false,
      problem: code === 'ERR_JWT_EXPIRED' ? GOOGLE_ERRORS.lifetime : GOOGLE_ERRORS.badSignature,
    };
  }
  if (claims.aud !== tokenUri) return { ok: false, problem: GOOGLE_ERRORS.audience };
  const iat = typeof claims.iat === 'number' ? claims.iat : null;
  const exp = typeof claims.exp === 'number' ? claims.exp : null;
  if (
    iat === null ||
    exp === null ||
    exp - iat > MAX_LIFETIME_S ||
    iat > nowSeconds + SKEW_S ||
    exp < nowSeconds - SKEW_S
  )
    return { ok: false, problem: GOOGLE_ERRORS.lifetime };
  const subject = typeof claims.sub === 'string' ? claims.sub : '';
  // Without a subject the service account asks for itself: no mailbox of the domain is its own.
  if (!subject || !googleUserOf(state, subject)) return { ok: false, problem: GOOGLE_ERRORS.invalidSubject };
  const scopes = typeof claims.scope === 'string' ? claims.scope.split(/\s+/).filter(Boolean) : [];
  const allowed = state.delegation[account.clientId] ?? [];
  if (scopes.length === 0 || !scopes.every((s) => allowed.includes(s)))
    return { ok: false, problem: GOOGLE_ERRORS.unauthorizedClient };
  return { ok: true, subject: subject.toLowerCase(), scopes };
}

/** A route for the lab's HTTPS server: true when it answered the request. */
export function googleTokenRoute(
  state: GoogleWorkspaceState,
  tokens: GoogleTokens,
  tokenUri: () => string,
  /** A user's own sign-in (installed app): its code and refresh grants are answered here too. */
  users?: GoogleUserSignIns,
): (req: IncomingMessage, res: ServerResponse, pathname: string) => Promise<boolean> {
  return async (req, res, pathname) => {
    if (pathname !== GOOGLE_TOKEN_PATH) return false;
    if (req.method !== 'POST') {
      send(res, 405, { error: 'invalid_request', error_description: 'Use POST' });
      return true;
    }
    const form = await readForm(req);
    if (!form) {
      send(res, 400, { error: 'invalid_request', error_description: 'Request body too large' });
      return true;
    }
    const grant = form.get('grant_type') ?? '';
    const user = users?.grant(form, req.headers.authorization);
    if (user) {
      send(res, user.status, user.body);
      return true;
    }
    if (grant !== JWT_BEARER) {
      send(res, 400, { error: 'unsupported_grant_type', error_description: `Invalid grant_type: ${grant}` });
      return true;
    }
    const now = Math.floor(Date.now() / 1000);
    const verdict = await judgeAssertion(state, form.get('assertion') ?? '', tokenUri(), now);
    if (!verdict.ok) {
      fail(res, verdict.problem);
      return true;
    }
    const lifetime = state.tokenLifetimeSeconds;
    const accessToken = tokens.issue({
      subject: verdict.subject,
      scopes: verdict.scopes,
      expiresAtMs: (now + lifetime) * 1000,
    });
    send(res, 200, { access_token: accessToken, expires_in: lifetime, token_type: 'Bearer' });
    return true;
  };
}
