// What can be checked of another OpenID provider's token before the mail server sees it: the
// scopes the token endpoint granted against those asked, and, when the token is a JWT, its issuer,
// lifetime and user (decoded locally, never sent anywhere). Its meaning for the mail server is
// the server's to judge: nothing here is Exchange's model.
import type { TokenClaimCheck, TokenSection } from '../../../shared/report/model';
import { decodeToken } from './inspect';

export interface OidcGrant {
  /** The issuer the discovery document named. */
  issuer: string | null;
  asked: string[];
  granted: string[];
  expiresAt: number | null;
  /** The mailbox a person's token must be for (device code, browser); null for the app's own. */
  user: string | null;
  now?: number;
}

const USER_CLAIMS = ['email', 'preferred_username', 'upn', 'username', 'sub'] as const;

export function inspectOidcGrant(token: string, grant: OidcGrant): TokenSection {
  const checks: TokenClaimCheck[] = [];
  const add = (id: string, status: TokenClaimCheck['status'], summary: string): void => {
    checks.push({ id, protocol: null, status, summary });
  };
  const missing = grant.asked.filter((s) => !grant.granted.includes(s));
  if (missing.length === 0)
    add('scope', 'pass', `Granted what was asked: ${grant.granted.join(' ') || '(no scope)'}`);
  else
    add(
      'scope',
      'warn',
      `Not granted: ${missing.join(' ')} (granted: ${grant.granted.join(' ') || 'none'}): the provider left them out, and a mail server that needs them will refuse the token`,
    );
  const now = grant.now ?? Math.floor(Date.now() / 1000);
  const decoded = decodeToken(token);
  if (decoded.kind !== 'jwt') {
    if (decoded.kind === 'malformed')
      add(
        'format',
        'warn',
        `The provider's token is ${decoded.problem} (${decoded.length} characters): the mail server can only ask the provider about it (introspection)`,
      );
    else
      add(
        'format',
        'pass',
        `A reference (opaque) token (${decoded.length} characters, no JWT header): the mail server asks the provider about it (introspection)`,
      );
    return {
      claims: {
        scope: grant.granted.join(' '),
        ...(grant.issuer ? { iss: grant.issuer } : {}),
        ...(grant.expiresAt !== null ? { exp: grant.expiresAt } : {}),
      },
      checks,
    };
  }
  const { claims } = decoded;
  const iss = typeof claims.iss === 'string' ? claims.iss : null;
  if (grant.issuer && iss)
    add(
      'issuer',
      iss === grant.issuer ? 'pass' : 'fail',
      iss === grant.issuer
        ? `Issued by ${iss}`
        : `Issued by ${iss}, not by the issuer asked (${grant.issuer}): a mail server trusting that issuer refuses it`,
    );
  const exp = typeof claims.exp === 'number' ? claims.exp : grant.expiresAt;
  if (exp === null) add('expiry', 'warn', 'The token has no exp claim');
  else if (exp <= now) add('expiry', 'fail', `Expired ${now - exp} s ago`);
  else add('expiry', 'pass', `Valid for ${Math.floor((exp - now) / 60)} more minutes`);
  const aud = claims.aud;
  const audiences =
    typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud.filter((a) => typeof a === 'string') : [];
  add(
    'audience',
    audiences.length ? 'pass' : 'warn',
    audiences.length
      ? `Audience ${audiences.join(', ')}: the mail server must accept it`
      : 'No audience: a mail server that checks one refuses the token',
  );
  if (grant.user) {
    const wanted = grant.user.toLowerCase();
    const named = USER_CLAIMS.map((c) => claims[c]).filter((v): v is string => typeof v === 'string');
    if (named.some((v) => v.toLowerCase() === wanted))
      add('user', 'pass', `The token's user is ${grant.user}`);
    else
      add(
        'user',
        'warn',
        `No claim of the token names ${grant.user} (${named.join(', ') || 'no user claim'}): the mail server may take the token for another user`,
      );
  }
  return { claims, checks };
}
