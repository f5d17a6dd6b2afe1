// The token inspector's model: claims as table rows with what each means, the expiry countdown,
// and the service principal's object id (the id Exchange's PowerShell needs).
import type { TokenClaimCheck, TokenSection } from '../../shared/report/model';
import { formatSpan } from './format';

export interface ClaimRow {
  name: string;
  value: string;
  meaning: string;
  /** The service principal's object id: shown highlighted with a copy button. */
  highlight: boolean;
}

const MEANINGS: Record<string, string> = {
  aud: 'Audience: the resource the token is for (Exchange Online for IMAP, POP, SMTP)',
  iss: 'Issuer: the tenant and cloud that signed the token',
  tid: 'Tenant id',
  appid: 'Application (client) id that asked for the token',
  azp: 'Application (client) id that asked for the token',
  app_displayname: 'Display name of the application',
  oid: 'Object id of the caller (app-only: the service principal, the Enterprise Application)',
  sub: 'Subject',
  roles: 'Application permissions granted with admin consent (app-only tokens)',
  scp: 'Delegated permissions (tokens for a signed-in user)',
  idtyp: 'Identity type: app (app-only) or user',
  appidacr: 'How the app authenticated: 0 public client, 1 secret, 2 certificate',
  azpacr: 'How the app authenticated: 0 public client, 1 secret, 2 certificate',
  upn: 'User principal name (delegated tokens)',
  unique_name: 'User name (delegated tokens)',
  exp: 'Expires at',
  nbf: 'Not valid before',
  iat: 'Issued at',
  ver: 'Token format version',
  idp: 'Identity provider',
  uti: 'Token id (for Microsoft support)',
  rh: 'Internal refresh handle',
};

/** The claims a support engineer reads first, in this order; the rest follow alphabetically. */
const ORDER = [
  'aud',
  'iss',
  'tid',
  'appid',
  'azp',
  'app_displayname',
  'oid',
  'idtyp',
  'roles',
  'scp',
  'upn',
  'exp',
  'nbf',
  'iat',
];
const TIME_CLAIMS = new Set(['exp', 'nbf', 'iat', 'auth_time']);

export function isAppOnly(claims: Record<string, unknown>): boolean {
  const scp = claims.scp;
  if (typeof scp === 'string' && scp.trim() !== '') return false;
  return (
    claims.idtyp === 'app' ||
    (Array.isArray(claims.roles) && claims.roles.length > 0) ||
    'appidacr' in claims ||
    'azpacr' in claims
  );
}

/** The service principal's object id: the oid of an app-only token. */
export function servicePrincipalId(claims: Record<string, unknown>): string | null {
  return isAppOnly(claims) && typeof claims.oid === 'string' ? claims.oid : null;
}

export function formatClaimValue(name: string, value: unknown, nowSec?: number): string {
  if (TIME_CLAIMS.has(name) && typeof value === 'number') {
    const iso = new Date(value * 1000).toISOString().replace('.000Z', 'Z');
    if (nowSec === undefined) return `${value} (${iso})`;
    const delta = value - nowSec;
    return `${value} (${iso}, ${delta >= 0 ? `in ${formatSpan(delta)}` : `${formatSpan(-delta)} ago`})`;
  }
  if (Array.isArray(value))
    return value.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(', ');
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

export function claimRows(claims: Record<string, unknown>, nowSec?: number): ClaimRow[] {
  const sp = servicePrincipalId(claims);
  const names = Object.keys(claims);
  const known = ORDER.filter((n) => names.includes(n));
  const rest = names.filter((n) => !ORDER.includes(n)).sort();
  return [...known, ...rest].map((name) => ({
    name,
    value: formatClaimValue(name, claims[name], nowSec),
    meaning: MEANINGS[name] ?? '',
    highlight: name === 'oid' && sp !== null,
  }));
}

export interface Expiry {
  state: 'valid' | 'expiring' | 'expired' | 'not-yet-valid' | 'unknown';
  text: string;
}

/** The countdown: how long the token stays valid, or since when it is not. */
export function tokenExpiry(claims: Record<string, unknown>, nowSec: number): Expiry {
  const exp = typeof claims.exp === 'number' ? claims.exp : null;
  const nbf = typeof claims.nbf === 'number' ? claims.nbf : null;
  if (nbf !== null && nbf > nowSec + 300)
    return {
      state: 'not-yet-valid',
      text: `Not valid for another ${formatSpan(nbf - nowSec)} (clock skew?)`,
    };
  if (exp === null) return { state: 'unknown', text: 'No expiry (exp) claim' };
  if (exp <= nowSec) return { state: 'expired', text: `Expired ${formatSpan(nowSec - exp)} ago` };
  const left = exp - nowSec;
  return { state: left < 300 ? 'expiring' : 'valid', text: `Expires in ${formatSpan(left)}` };
}

export interface CheckRow extends TokenClaimCheck {
  key: string;
  label: string;
}

const CHECK_LABEL: Record<string, string> = {
  audience: 'Audience',
  expiry: 'Expiry',
  'not-before': 'Not before',
  permission: 'Permission',
  tenant: 'Tenant',
  client: 'Client id',
  'service-principal': 'Service principal',
  format: 'Format',
  issuer: 'Issuer',
};

export function checkRows(section: TokenSection): CheckRow[] {
  return section.checks.map((c) => ({
    ...c,
    key: c.protocol === null ? c.id : `${c.id}-${c.protocol}`,
    label: `${CHECK_LABEL[c.id] ?? c.id}${c.protocol === null ? '' : ` (${c.protocol.toUpperCase()})`}`,
  }));
}

/**
 * A pasted token as the screen shows it once inspected: its first characters (enough to tell
 * tokens apart, "eyJ0eXAi" for a JWT) and dots, never the rest, with its length.
 */
export function maskToken(token: string, shown = 8): string {
  const text = token.trim().replace(/^Bearer\s+/i, '');
  const head = text.length > shown * 2 ? text.slice(0, shown) : '';
  return `${head}${'•'.repeat(12)} (${text.length.toLocaleString('en-US')} characters)`;
}
