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
  | { kind: 'opaque'; length: number };

function decodePart(part: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return value && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

export function decodeToken(token: string): DecodedToken {
  const parts = token.trim().split('.');
  if (parts.length === 3) {
    const header = decodePart(parts[0] ?? '');
    const claims = decodePart(parts[1] ?? '');
    if (header && claims) return { kind: 'jwt', header, claims };
  }
  return { kind: 'opaque', length: token.length };
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
  if (decoded.kind === 'opaque') {
    return {
      claims: {},
      checks: [
        {
          id: 'format',
          protocol: null,
          status: 'warn',
          summary: `Not a JWT (${decoded.length} characters): an opaque token cannot be inspected locally; the server will judge it`,
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
