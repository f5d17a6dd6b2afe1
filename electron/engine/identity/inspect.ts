// The token preflight (SPEC 2.3): decode the JWT locally, never sending it anywhere, and check
// it against each protocol about to be tested.
import type { MailProtocol, TokenClaimCheck, TokenSection } from '../../../shared/report/model';
import { HVE_ROLE, type SendingService } from '../../../shared/config/sending-paths';

export const EXCHANGE_AUDIENCES = [
  'https://outlook.office365.com',
  'https://outlook.office.com',
  'https://ps.outlook.com',
  '00000002-0000-0ff1-ce00-000000000000',
  'https://outlook.office365.us',
  'https://outlook-dod.office365.us',
  'https://partner.outlook.cn',
];

const APP_ROLES: Record<MailProtocol, string> = {
  imap: 'IMAP.AccessAsApp',
  pop3: 'POP.AccessAsApp',
  smtp: 'SMTP.SendAsApp',
};
const USER_SCOPES: Record<MailProtocol, string> = {
  imap: 'IMAP.AccessAsUser.All',
  pop3: 'POP.AccessAsUser.All',
  smtp: 'SMTP.Send',
};

export type DecodedToken =
  | { kind: 'jwt'; header: Record<string, unknown>; claims: Record<string, unknown> }
  /** No dots at all: a reference token, which only its issuer can read. */
  | { kind: 'opaque'; length: number }
  /** Dots, so meant as a JWT, but not one: what is wrong, in words ("not a JWT: ..."). */
  | { kind: 'malformed'; length: number; problem: string };

const BASE64URL = /^[A-Za-z0-9_-]*={0,2}$/;
const ORDINAL = ['', '1 (the header)', '2 (the claims)', '3 (the signature)'];

function partName(index: number): string {
  return `part ${ORDINAL[index + 1] ?? String(index + 1)}`;
}

/** A part's JSON object, or what is wrong with it. */
function readPart(part: string, index: number): Record<string, unknown> | string {
  if (part === '') return `${partName(index)} is empty`;
  if (!BASE64URL.test(part)) return `${partName(index)} is not base64url`;
  const text = Buffer.from(part, 'base64url').toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return `${partName(index)} is base64url but not JSON`;
  }
  return value && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : `${partName(index)} is JSON but not an object`;
}

export function decodeToken(token: string): DecodedToken {
  const text = token.trim();
  const parts = text.split('.');
  const length = token.length;
  // A JWT's header is a JSON object, so its text starts with the base64url of '{"': a token
  // without that start and not in three parts was never meant as one (Google's ya29. tokens).
  if (parts.length === 1 || (parts.length !== 3 && !text.startsWith('eyJ')))
    return { kind: 'opaque', length };
  const count = `${parts.length} parts`;
  if (parts.length === 5)
    return {
      kind: 'malformed',
      length,
      problem: `not a JWT: ${count} where 3 are expected (5 parts is an encrypted token, JWE, which only its audience can read)`,
    };
  if (parts.length !== 3)
    return { kind: 'malformed', length, problem: `not a JWT: ${count} where 3 are expected` };
  const header = readPart(parts[0] ?? '', 0);
  if (typeof header === 'string')
    return { kind: 'malformed', length, problem: `not a JWT: ${count}, ${header}` };
  const claims = readPart(parts[1] ?? '', 1);
  if (typeof claims === 'string')
    return { kind: 'malformed', length, problem: `not a JWT: ${count}, ${claims}` };
  if (!BASE64URL.test(parts[2] ?? ''))
    return { kind: 'malformed', length, problem: `not a JWT: ${count}, ${partName(2)} is not base64url` };
  return { kind: 'jwt', header, claims };
}

export interface InspectContext {
  protocols: MailProtocol[];
  tenant?: string;
  clientId?: string;
  /** The mailbox the run opens: a delegated token must be its owner's. */
  mailbox?: string;
  /** High Volume Email: SMTP needs the Mail.Send application permission, not SMTP.SendAsApp. */
  service?: SendingService;
  /** Seconds since the epoch; injectable for tests. */
  now?: number;
}

function audiences(claims: Record<string, unknown>): string[] {
  const aud = claims.aud;
  if (typeof aud === 'string') return [aud];
  return Array.isArray(aud) ? aud.filter((a): a is string => typeof a === 'string') : [];
}

function words(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return typeof value === 'string' ? value.split(/\s+/).filter(Boolean) : [];
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Checks a token's claims against the protocols to test. Never includes the token itself. */
export function inspectToken(token: string, ctx: InspectContext): TokenSection {
  const decoded = decodeToken(token);
  if (decoded.kind === 'malformed') {
    const problem = decoded.problem.charAt(0).toUpperCase() + decoded.problem.slice(1);
    return {
      claims: {},
      checks: [
        {
          id: 'format',
          protocol: null,
          status: 'fail',
          summary: `${problem} (${decoded.length} characters): damaged or cut short when copied? Copy the whole token again`,
        },
      ],
    };
  }
  if (decoded.kind === 'opaque') {
    return {
      claims: {},
      checks: [
        {
          id: 'format',
          protocol: null,
          status: 'warn',
          summary: `Not a JWT but a reference (opaque) token of ${decoded.length} characters, with no JWT header: only its issuer can read it, the server will judge it`,
        },
      ],
    };
  }
  const { claims } = decoded;
  const checks: TokenClaimCheck[] = [];
  const add = (
    id: string,
    protocol: MailProtocol | null,
    status: TokenClaimCheck['status'],
    summary: string,
  ): void => {
    checks.push({ id, protocol, status, summary });
  };
  const now = ctx.now ?? Math.floor(Date.now() / 1000);

  // Outside Microsoft Entra ID (another provider, a test server) the Exchange-specific rules
  // only inform: a mismatch there is a warning, not a failure.
  const iss = typeof claims.iss === 'string' ? claims.iss : '';
  const entra =
    typeof claims.tid === 'string' ||
    /sts\.windows\.net|login\.microsoftonline|login\.partner\.microsoftonline/.test(iss);
  const severe: TokenClaimCheck['status'] = entra ? 'fail' : 'warn';
  const aud = audiences(claims);
  const forExchange = aud.some((a) => EXCHANGE_AUDIENCES.includes(a.replace(/\/$/, '')));
  if (forExchange) add('audience', null, 'pass', `Audience ${aud.join(', ')} is Exchange Online`);
  else
    add(
      'audience',
      null,
      severe,
      `Audience ${aud.join(', ') || '(none)'} is not Exchange Online: the token was asked for another resource (scope must be https://outlook.office365.com/.default)`,
    );

  const exp = typeof claims.exp === 'number' ? claims.exp : null;
  const nbf = typeof claims.nbf === 'number' ? claims.nbf : null;
  if (exp === null) add('expiry', null, 'warn', 'The token has no exp claim');
  else if (exp <= now)
    add('expiry', null, 'fail', `Expired ${now - exp} s ago (${new Date(exp * 1000).toISOString()})`);
  else if (exp - now < 300) add('expiry', null, 'warn', `Expires in ${exp - now} s`);
  else
    add(
      'expiry',
      null,
      'pass',
      `Valid for ${Math.floor((exp - now) / 60)} more minutes (until ${new Date(exp * 1000).toISOString()})`,
    );
  if (nbf !== null && nbf > now + 300)
    add('not-before', null, 'fail', `Not valid before ${new Date(nbf * 1000).toISOString()} (clock skew?)`);

  const roles = words(claims.roles);
  const scopes = words(claims.scp);
  // App-only tokens carry no scp; roles may be missing (no consent), but appidacr/azpacr and
  // idtyp still say whose token it is.
  const appOnly =
    scopes.length === 0 &&
    (roles.length > 0 || claims.idtyp === 'app' || 'appidacr' in claims || 'azpacr' in claims);
  // The roles or scopes of a token for another resource say nothing about Exchange permissions.
  for (const protocol of forExchange || !entra ? ctx.protocols : []) {
    if (appOnly) {
      const hve = ctx.service === 'hve' && protocol === 'smtp';
      const role = hve ? HVE_ROLE : APP_ROLES[protocol];
      if (roles.includes(role))
        add('permission', protocol, 'pass', `App-only token carries the role ${role}`);
      else if (hve)
        add(
          'permission',
          protocol,
          severe,
          `App-only token lacks the role ${role} that High Volume Email needs (roles: ${roles.join(', ') || 'none'}): grant Office 365 Exchange Online > Application permissions > Mail.Send with admin consent`,
        );
      else if (protocol === 'smtp' && entra)
        // Since November 2025 Exchange Online can grant SMTP through RBAC for Applications, which
        // puts no role in the token: the check goes on, and only a refusal tells the models apart.
        add(
          'permission',
          protocol,
          'warn',
          `App-only token lacks the role ${role} (roles: ${roles.join(', ') || 'none'}): fine if SMTP is granted through RBAC for Applications (New-ManagementRoleAssignment -Role "Application SMTP.SendAsApp"); otherwise grant the application permission and admin consent`,
        );
      else
        add(
          'permission',
          protocol,
          severe,
          `App-only token lacks the role ${role} (roles: ${roles.join(', ') || 'none'}): grant the application permission and admin consent`,
        );
    } else if (scopes.length > 0) {
      const scope = USER_SCOPES[protocol];
      if (scopes.includes(scope))
        add('permission', protocol, 'pass', `Delegated token carries the scope ${scope}`);
      else
        add(
          'permission',
          protocol,
          severe,
          `Delegated token lacks the scope ${scope} (scp: ${scopes.join(' ')})`,
        );
    } else {
      add(
        'permission',
        protocol,
        'warn',
        'The token carries neither roles nor scp: not an Entra ID access token, or not for Exchange',
      );
    }
  }

  const tid = typeof claims.tid === 'string' ? claims.tid : null;
  if (ctx.tenant && GUID.test(ctx.tenant) && tid) {
    add(
      'tenant',
      null,
      tid.toLowerCase() === ctx.tenant.toLowerCase() ? 'pass' : 'fail',
      `Token tenant ${tid}${tid.toLowerCase() === ctx.tenant.toLowerCase() ? ' matches' : ` is not the profile's tenant ${ctx.tenant}`}`,
    );
  }
  const appid =
    typeof claims.appid === 'string' ? claims.appid : typeof claims.azp === 'string' ? claims.azp : null;
  if (ctx.clientId && appid) {
    const same = appid.toLowerCase() === ctx.clientId.toLowerCase();
    add(
      'client',
      null,
      same ? 'pass' : 'fail',
      `Token issued to app ${appid}${same ? '' : `, not to the client id ${ctx.clientId}`}`,
    );
  }
  // A user's token opens that user's mailbox: signing in as someone else is the usual mistake.
  const owner = [claims.upn, claims.unique_name, claims.preferred_username].find(
    (v): v is string => typeof v === 'string' && v.includes('@'),
  );
  if (scopes.length > 0 && owner && ctx.mailbox) {
    const same = owner.toLowerCase() === ctx.mailbox.toLowerCase();
    add(
      'user',
      null,
      same ? 'pass' : 'fail',
      same
        ? `Delegated token of ${owner}, the mailbox's own user`
        : `Delegated token of ${owner}, not of ${ctx.mailbox}: the mailbox opens only for its own user (or one given access to it)`,
    );
  }
  if (appOnly && typeof claims.oid === 'string')
    add(
      'service-principal',
      null,
      'pass',
      `Service principal object id ${claims.oid} (use it for New-ServicePrincipal -ObjectId and Add-MailboxPermission -User)`,
    );

  return { claims, checks };
}
