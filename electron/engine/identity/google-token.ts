// A Google Workspace service account signs a mailbox in with domain-wide delegation: a JWT signed
// with the key (RFC 7523: iss = the service account, sub = the mailbox, scope, aud = the key's
// token_uri, one hour at most) exchanged at the key's token_uri for an access token. jose signs;
// the exchange goes through the same recording HTTP client as MSAL's, so it is in the transcript,
// redacted where each entry is made (the assertion and the token never appear).
import { createPrivateKey } from 'node:crypto';
import { SignJWT } from 'jose';
import type { StepResult } from '../../../shared/report/model';
import type { Transcript } from '../wire/transcript';
import { stepResult, stopwatch } from '../wire/step';
import { RecordingHttpClient, type IdentityRoute } from './recording-http';
import { keyFacts, type ServiceAccountKey } from './google-key';

/** The one scope that opens IMAP, POP3 and SMTP on Gmail. */
export const GMAIL_SCOPE = 'https://mail.google.com/';
export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
/** Google's page of the token endpoint's errors for service accounts. */
const ERRORS_PAGE = 'https://developers.google.com/identity/protocols/oauth2/service-account#error-codes';

export interface GoogleTokenSpec {
  key: ServiceAccountKey;
  /** The Workspace user whose mailbox is opened (the JWT's sub). */
  subject: string;
  scope: string;
}

export interface GoogleTokenOutcome {
  step: StepResult;
  token: string | null;
  /** The scopes the endpoint granted (its `scope` field), or the ones asked for when it names none. */
  scopes: string[];
  expiresAt: number | null;
}

interface TokenReply {
  access_token?: unknown;
  expires_in?: unknown;
  scope?: unknown;
  error?: unknown;
  error_description?: unknown;
}

/** The assertion: signed here, sent once, never kept. */
export async function serviceAccountAssertion(spec: GoogleTokenSpec, nowSeconds: number): Promise<string> {
  return new SignJWT({ scope: spec.scope })
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: spec.key.privateKeyId })
    .setIssuer(spec.key.clientEmail)
    .setSubject(spec.subject)
    .setAudience(spec.key.tokenUri)
    .setIssuedAt(nowSeconds)
    .setExpirationTime(nowSeconds + 3600)
    .sign(createPrivateKey(spec.key.privateKey));
}

export async function acquireGoogleToken(
  spec: GoogleTokenSpec,
  transcript: Transcript,
  route: IdentityRoute,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<GoogleTokenOutcome> {
  transcript.step = 'acquire';
  const elapsed = stopwatch();
  const http = new RecordingHttpClient({ transcript, route, timeoutMs, ...(signal ? { signal } : {}) });
  const asked = spec.scope.split(/\s+/).filter(Boolean);
  const detail: Record<string, unknown> = {
    provider: 'google',
    credential: 'google-service-account',
    ...keyFacts(spec.key),
    subject: spec.subject,
    scope: spec.scope,
  };
  const exchanges = (): unknown[] =>
    http.exchanges.map(({ method, url, status, ms }) => ({ method, url, status, ms }));
  transcript.info(
    `Signing a JWT as ${spec.key.clientEmail} (key ${spec.key.privateKeyId}) for ${spec.subject}, scope ${spec.scope} (domain-wide delegation)`,
  );
  const now = Math.floor(Date.now() / 1000);
  let reply: TokenReply | null = null;
  try {
    const assertion = await serviceAccountAssertion(spec, now);
    const body = new URLSearchParams({ grant_type: JWT_BEARER_GRANT, assertion }).toString();
    const response = await http.sendPostRequestAsync<TokenReply>(spec.key.tokenUri, {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });
    const value: unknown = response.body;
    reply = value && typeof value === 'object' ? value : null;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const summary = http.last?.error
      ? `The token endpoint could not be reached: ${http.last.error}`
      : `Token request failed: ${message}`;
    transcript.error(summary);
    return {
      step: stepResult('acquire', 'fail', elapsed(), summary, {
        ...detail,
        ...(http.last?.error ? { networkError: http.last.error } : {}),
        exchanges: exchanges(),
      }),
      token: null,
      scopes: [],
      expiresAt: null,
    };
  }
  const status = http.last?.status ?? 0;
  if (status !== 200 || typeof reply?.access_token !== 'string' || !reply.access_token) {
    const error = typeof reply?.error === 'string' ? reply.error : `HTTP ${status}`;
    const description = typeof reply?.error_description === 'string' ? reply.error_description : '';
    const summary = description
      ? `${error}: ${description}`
      : `The token endpoint answered ${error} without a token`;
    transcript.error(summary);
    return {
      step: stepResult('acquire', 'fail', elapsed(), summary, {
        ...detail,
        endpointError: {
          status,
          error,
          error_description: description,
          error_codes: [],
          lookup: ERRORS_PAGE,
        },
        exchanges: exchanges(),
      }),
      token: null,
      scopes: [],
      expiresAt: null,
    };
  }
  const token = reply.access_token;
  const lifetime = typeof reply.expires_in === 'number' ? reply.expires_in : null;
  const granted = typeof reply.scope === 'string' ? reply.scope.split(/\s+/).filter(Boolean) : asked;
  transcript.info(
    `Token received (${token.length} characters${lifetime !== null ? `, expires in ${Math.round(lifetime / 60)} min` : ''})`,
  );
  return {
    step: stepResult(
      'acquire',
      'pass',
      elapsed(),
      `Token issued by ${new URL(spec.key.tokenUri).host} for ${spec.subject} (${granted.join(' ')})${
        lifetime !== null ? `, valid ${Math.round(lifetime / 60)} min` : ''
      }`,
      { ...detail, grantedScope: granted.join(' '), exchanges: exchanges() },
    ),
    token,
    scopes: granted,
    expiresAt: lifetime !== null ? now + lifetime : null,
  };
}
