// The rules: evidence -> scored candidate causes. One small function per family. Scores are
// likelihoods in [0, 1]; a generic rejection never yields a single confident cause unless the
// rest of the evidence singles one out.
import type { ExchangeRegistration, MailboxProtocol, MailProtocol } from '../../../shared/report/model';
import type { CauseId } from '../../../shared/diagnosis/catalog';
import type { Evidence, MailFailure } from './evidence';
import { AADSTS_CAUSES, GENERIC_REJECTION } from './patterns';
import type { KnowledgeHit } from './knowledge';
import type { KnowledgeEntry } from './knowledge/schema';
import { HVE_HOSTS, readAcsUsername } from '../../../shared/config/sending-paths';

export interface Candidate {
  cause: CauseId;
  protocol: MailboxProtocol | null;
  score: number;
  evidence: string[];
  /** Set when the candidate is one of several that fit a generic rejection. */
  ambiguous?: string;
  /** The documented error it rests on, when it comes from the knowledge: its text, fix, source. */
  knowledge?: KnowledgeEntry;
}

type Rule = (ev: Evidence) => Candidate[];

const MICROSOFT_HOSTS = /(^|\.)(office365\.com|outlook\.com|office365\.us|outlook\.cn|office\.com)$/i;

function where(f: MailFailure): string {
  const who = f.protocol ?? (f.step === 'proxy' ? 'identity endpoint' : 'mail');
  return `${who}${f.step ? ` ${f.step}` : ''}`;
}

const tokenEndpoint: Rule = (ev) => {
  if (!ev.tokenEndpoint) return [];
  const first = ev.tokenEndpoint.text.split(/\r?\n/)[0] ?? '';
  const otherCloud =
    /onmschina|partner\.microsoftonline\.cn|chinacloudapi|microsoftonline\.us|\.us\/|usgov|GCC High/i.test(
      ev.tokenEndpoint.text,
    );
  // A code the knowledge documents is read from there, with the confidence its entry earns.
  const documented = new Set(ev.knowledge.flatMap((h) => h.entry.codes));
  return ev.tokenEndpoint.codes.flatMap((code): Candidate[] => {
    const cause = documented.has(`AADSTS${code}`) ? undefined : AADSTS_CAUSES[code];
    const found: Candidate[] = cause
      ? [{ cause, protocol: null, score: 0.95, evidence: [`token endpoint: ${first}`] }]
      : [];
    // A tenant "not found" that names another Microsoft cloud was asked at the wrong cloud: the
    // tenant exists, in the cloud the text names.
    if (code === 90002 && otherCloud)
      found.push(
        {
          cause: 'network.sovereign_cloud_mismatch',
          protocol: null,
          score: 0.85,
          evidence: [`token endpoint: ${first}`, 'the text names a national cloud'],
        },
        {
          cause: 'token.tenant_not_found',
          protocol: null,
          score: 0.6,
          evidence: [`token endpoint: ${first}`],
          ambiguous: 'national-cloud',
        },
      );
    return found;
  });
};

const claims: Rule = (ev) => {
  const out: Candidate[] = [];
  const roles = Array.isArray(ev.claims?.roles) ? (ev.claims.roles as unknown[]) : [];
  for (const check of ev.claimChecks) {
    if (check.status !== 'fail') continue;
    const said = `token: ${check.summary}`;
    switch (check.id) {
      case 'expiry':
        out.push({ cause: 'token.expired', protocol: null, score: 0.9, evidence: [said] });
        break;
      case 'audience':
        out.push({ cause: 'token.wrong_audience', protocol: null, score: 0.95, evidence: [said] });
        break;
      case 'permission':
        if (/Delegated/.test(check.summary))
          out.push({ cause: 'token.missing_scope', protocol: check.protocol, score: 0.9, evidence: [said] });
        else if (roles.length === 0)
          out.push({
            cause: 'token.consent_missing',
            protocol: null,
            score: 0.9,
            evidence: [`token: no roles claim at all (app-only token without consented permissions)`],
          });
        else
          out.push({ cause: 'token.missing_role', protocol: check.protocol, score: 0.9, evidence: [said] });
        break;
      case 'user':
        out.push({ cause: 'xoauth2.wrong_user', protocol: null, score: 0.9, evidence: [said] });
        break;
      // A Google token granted without https://mail.google.com/ (what the token endpoint said).
      case 'scope':
        out.push({ cause: 'google.scope_insufficient', protocol: null, score: 0.9, evidence: [said] });
        break;
      case 'tenant':
      case 'client':
        out.push({ cause: 'token.delegated_vs_app_confusion', protocol: null, score: 0.3, evidence: [said] });
        break;
      default:
        break;
    }
  }
  return out;
};

/**
 * A proxy's own answers: it could not be reached, wants credentials, denied the port, or could
 * not reach the server itself. Never read as the mail server's or the token's failure.
 */
function proxyFailure(f: MailFailure, evidence: string[]): Candidate[] | null {
  const one = (cause: CauseId, score: number, extra: string[] = []): Candidate[] => [
    { cause, protocol: f.protocol, score, evidence: [...evidence, ...extra] },
  ];
  switch (f.code) {
    case 'PROXY_UNREACHABLE':
    case 'PROXY_TIMEOUT':
      return one('network.proxy_refused', 0.93);
    case 'PROXY_ERROR':
      return one('network.proxy_refused', 0.6);
    case 'PROXY_AUTH_REQUIRED':
      return one('network.proxy_auth_required', 0.95);
    case 'PROXY_DENIED':
      return one('network.proxy_blocks_port', f.step === 'proxy' ? 0.93 : 0.85, [
        `the proxy would not open a connection to port ${f.port ?? '?'}`,
      ]);
    case 'PROXY_TARGET_FAILED':
      return f.outcome === 'dns'
        ? one('network.dns_not_found', 0.8, ['the proxy could not resolve the name'])
        : f.outcome === 'timeout'
          ? one('network.port_blocked', 0.8, ['the proxy got no answer from the server'])
          : one('network.connect_refused', 0.8, ['the proxy could not connect to the server']);
    default:
      return null;
  }
}

/** Failures whose step and code say it all: network and TLS. */
const connection: Rule = (ev) =>
  ev.failures.flatMap((f): Candidate[] => {
    const evidence = [`${where(f)}: ${f.said}`];
    const one = (cause: CauseId, score: number): Candidate[] => [
      { cause, protocol: f.protocol, score, evidence },
    ];
    const proxied = proxyFailure(f, evidence);
    if (proxied) return proxied;
    if (f.step === 'dns') return one('network.dns_not_found', 0.95);
    if (f.step === 'tcp')
      return f.outcome === 'refused'
        ? one('network.connect_refused', 0.9)
        : f.outcome === 'timeout'
          ? one('network.port_blocked', 0.9)
          : [];
    switch (f.code) {
      case 'NOT_TLS':
        return one('tls.implicit_vs_starttls', 0.92);
      case 'OLD_TLS':
        return one('tls.old_version', 0.9);
      case 'CERT_HAS_EXPIRED':
        return one('tls.certificate_expired', 0.9);
      case 'HOSTNAME_MISMATCH':
        return one('tls.hostname_mismatch', 0.9);
      case 'UNTRUSTED': {
        const microsoft = f.host !== null && MICROSOFT_HOSTS.test(f.host);
        return [
          { cause: 'tls.untrusted_certificate', protocol: f.protocol, score: 0.9, evidence },
          ...(microsoft
            ? [
                {
                  cause: 'network.proxy_interference' as const,
                  protocol: f.protocol,
                  score: 0.7,
                  evidence: [
                    ...evidence,
                    `${f.host ?? ''} is a Microsoft host: its real certificate is publicly trusted`,
                  ],
                },
              ]
            : []),
        ];
      }
      case 'INTERCEPTED':
        return [
          { cause: 'network.proxy_interference', protocol: f.protocol, score: 0.95, evidence },
          { cause: 'tls.untrusted_certificate', protocol: f.protocol, score: 0.5, evidence },
        ];
      case 'STARTTLS_UNAVAILABLE':
        return one('tls.starttls_unavailable', 0.9);
      case 'STARTTLS_INJECTION':
        return one('network.proxy_interference', 0.85);
      case 'NO_MECHANISM':
      case 'NO_AUTH_OFFERED':
        return [
          { cause: 'smtp.unsupported_mechanism', protocol: f.protocol, score: 0.6, evidence },
          ...(f.security === 'none'
            ? [{ cause: 'tls.starttls_unavailable' as const, protocol: f.protocol, score: 0.4, evidence }]
            : []),
        ];
      case 'ETIMEDOUT':
        if (f.step === 'tls') return one('network.proxy_interference', 0.5);
        break;
      default:
        break;
    }
    if (
      f.step === 'greeting' &&
      /No greeting/.test(f.said) &&
      f.security === 'starttls' &&
      [993, 995, 465].includes(f.port ?? 0)
    )
      return one('tls.implicit_vs_starttls', 0.85);
    if (f.step === 'greeting' && /No greeting/.test(f.said))
      return [
        {
          cause: 'tls.implicit_vs_starttls',
          protocol: f.protocol,
          score: 0.5,
          evidence,
          ambiguous: 'silent-server',
        },
        {
          cause: 'network.proxy_interference',
          protocol: f.protocol,
          score: 0.35,
          evidence,
          ambiguous: 'silent-server',
        },
      ];
    return [];
  });

const NOT_CONNECTED = /User is authenticated but not connected/i;

/**
 * Exchange's "not connected" on one protocol while another opened the same mailbox with the same
 * token: the service principal has access, so this protocol is switched off for the mailbox.
 */
const serverWords: Rule = (ev) =>
  [...ev.failures, ...ev.warnings].flatMap((f): Candidate[] =>
    NOT_CONNECTED.test(f.said) &&
    f.protocol !== null &&
    f.protocol !== 'smtp' &&
    ev.mailboxOpened.some((p) => p !== f.protocol)
      ? [
          {
            cause: 'account.protocol_disabled',
            protocol: f.protocol,
            score: 0.8,
            evidence: [
              `${where(f)}: ${f.said}`,
              `${ev.mailboxOpened.join(', ')} opened the same mailbox with the same token`,
            ],
          },
          {
            cause: 'grant.mailbox_permission_missing',
            protocol: f.protocol,
            score: 0.3,
            evidence: [`${where(f)}: ${f.said}`],
            ambiguous: 'not-connected',
          },
        ]
      : [],
  );

/** Whether a knowledge hit was found in what a failure said (the same line, or part of it). */
function sameLine(hit: KnowledgeHit, f: MailFailure): boolean {
  return hit.line.includes(f.said) || f.said.includes(hit.line);
}

/** A bare refusal: words of rejection that no specific knowledge entry explains. */
function bareRejection(ev: Evidence, f: MailFailure): boolean {
  return (
    GENERIC_REJECTION.test(f.said) &&
    !ev.knowledge.some((h) => !h.entry.generic && h.by !== 'code' && h.by !== 'code-prefix' && sameLine(h, f))
  );
}

/**
 * An app-only Entra token without SMTP.SendAsApp: since November 2025 Exchange Online may grant
 * SMTP through RBAC for Applications, which puts no role in the token. Not a failure by itself.
 */
function smtpRoleless(ev: Evidence): boolean {
  const claims = ev.claims;
  if (!claims || typeof claims.tid !== 'string' || claims.scp !== undefined) return false;
  const roles = Array.isArray(claims.roles) ? (claims.roles as unknown[]) : [];
  return !roles.includes('SMTP.SendAsApp');
}

/**
 * SMTP refused for a token without SMTP.SendAsApp: the API permission is missing, or RBAC for
 * Applications grants SMTP with a scope that leaves the mailbox out. Exchange's own answer
 * (Test-ServicePrincipalAuthorization, known to the lab or given for the run) tells them apart;
 * without it both are named.
 */
const rbacForApplications: Rule = (ev) => {
  if (!smtpRoleless(ev)) return [];
  const rbac = ev.exchangeRegistration?.smtpRbac;
  if (rbac === 'in-scope') return [];
  const roles = Array.isArray(ev.claims?.roles) ? (ev.claims.roles as unknown[]) : [];
  const permission: CauseId = roles.length === 0 ? 'token.consent_missing' : 'token.missing_role';
  const current = ev.exchangeRegistration ? CURRENT[ev.exchangeRegistration.source] : false;
  return ev.failures
    .filter((f) => f.protocol === 'smtp' && (f.step === 'auth' || f.step === null) && bareRejection(ev, f))
    .flatMap((f): Candidate[] => {
      const evidence = [`${where(f)}: ${f.said}`, 'the token carries no SMTP.SendAsApp role'];
      if (rbac === 'out-of-scope')
        return [
          {
            cause: 'grant.app_scope_restricted',
            protocol: 'smtp',
            score: current ? 0.9 : 0.75,
            evidence: [
              ...evidence,
              'RBAC for Applications grants the app "Application SMTP.SendAsApp", but its scope does not include the mailbox',
            ],
            ...(current ? {} : { ambiguous: 'registration-recorded' }),
          },
        ];
      if (rbac === 'none')
        return [
          {
            cause: permission,
            protocol: 'smtp',
            score: current ? 0.9 : 0.75,
            evidence: [...evidence, 'and no RBAC for Applications role assignment grants SMTP either'],
          },
        ];
      return [
        { cause: permission, protocol: 'smtp', score: 0.6, evidence, ambiguous: 'rbac-or-permission' },
        {
          cause: 'grant.app_scope_restricted',
          protocol: 'smtp',
          score: 0.5,
          evidence,
          ambiguous: 'rbac-or-permission',
        },
      ];
    });
};

/** Exchange Online's own words for a refused sign-in (any other server words it otherwise). */
const EXCHANGE_REJECTION =
  /5\.7\.3 Authentication unsuccessful|5\.7\.139|AUTHENTICATE failed|LOGIN failed|Logon failure|not connected|Authentication failure: unknown user|Protocol error|outlook|office365/i;

/**
 * "NO AUTHENTICATE failed.", "535 5.7.3", "-ERR Authentication failure": not a cause. Ranks the
 * causes that fit the rest of the evidence: the token's claims, the credential, which protocols
 * passed, the host.
 */
const genericRejection: Rule = (ev) => {
  const out: Candidate[] = [];
  const rejected = ev.failures.filter(
    // HVE and ACS have rules of their own (sendingPathSignIn): Exchange's grants do not apply.
    (f) =>
      (f.step === 'auth' || f.step === null) &&
      bareRejection(ev, f) &&
      !(ev.service && f.protocol === 'smtp'),
  );
  if (rejected.length === 0) return out;
  const tokenProblem = ev.claimChecks.some((c) => c.status === 'fail');
  const delegated = ev.claims !== null && (typeof ev.claims.scp === 'string' || Array.isArray(ev.claims.scp));
  const allRejected = rejected.length >= 2 && ev.authPassed.length === 0;
  const notConnected = ev.failures.some((f) => /User is authenticated but not connected/i.test(f.said));
  const rbacDecides = smtpRoleless(ev) && ev.exchangeRegistration?.smtpRbac !== 'in-scope';
  for (const f of rejected) {
    if (f.protocol === 'smtp' && rbacDecides && ev.credential !== 'password') continue; // rbacForApplications
    const evidence = [`${where(f)}: ${f.said}`];
    const add = (cause: CauseId, score: number, note: string): void => {
      out.push({ cause, protocol: f.protocol, score, evidence, ambiguous: note });
    };
    const microsoft =
      ev.provider === 'microsoft' ||
      (f.host !== null && MICROSOFT_HOSTS.test(f.host)) ||
      (f.host === null && ev.provider === 'unknown');
    // A bare "authentication failed" that names no Exchange reply, from a server that names no
    // provider: most often a password refused; Exchange's grants are not guessed there.
    const exchangeWords = EXCHANGE_REJECTION.test(f.said);
    if (ev.credential === 'unknown' && ev.provider === 'unknown' && f.host === null && !exchangeWords) {
      add('account.invalid_password', 0.5, 'password');
      add('account.basic_auth_disabled', 0.35, 'password');
      if (f.protocol === 'smtp') add('account.protocol_disabled', 0.3, 'password');
      continue;
    }
    if (ev.credential === 'password') {
      // Exchange Online words the policies that stop an SMTP password sign-in as 5.7.139 with the
      // reason (SMTP AUTH off, security defaults, basic authentication off, the criteria); a bare
      // 535 5.7.3 is its answer for a user name or password it does not accept (MS-SMTPNTLM 2.2.1.4).
      const bareSmtp =
        microsoft && f.protocol === 'smtp' && /\b5\.7\.3\b/.test(f.said) && !/5\.7\.139/.test(f.said);
      add('account.basic_auth_disabled', bareSmtp ? 0.5 : microsoft ? 0.75 : 0.3, 'password');
      add('account.invalid_password', bareSmtp ? 0.6 : microsoft ? 0.45 : 0.7, 'password');
      if (f.protocol !== 'smtp') add('account.protocol_disabled', 0.35, 'password');
      continue;
    }
    if (tokenProblem) continue; // the token's own failures explain the rejection (claims rule)
    if (ev.provider === 'google') {
      // Gmail's error challenge says which: 400 the scope (or the user), 401 the token itself.
      const statuses = new Set(ev.challenges.map((c) => c.status));
      const said = statuses.has('401') ? 'expired' : statuses.has('400') ? 'scope' : null;
      add('google.scope_insufficient', said === 'scope' ? 0.7 : said === 'expired' ? 0.3 : 0.55, 'google');
      add('token.expired', said === 'expired' ? 0.7 : 0.45, 'google');
      add('xoauth2.wrong_user', 0.4, 'google');
      continue;
    }
    // A person's token (its claims, or only the text's words when no claims are seen): the
    // service-principal and mailbox-grant causes belong to the app's own sign-in only.
    const claimsUnseen = !delegated && ev.claims === null && ev.signIn === 'delegated';
    if (delegated || claimsUnseen) {
      // Claims unseen: the scope asked for decides most often (a Graph scope gives a token for
      // Graph; a missing *.AccessAsUser.All), then the user in the payload. A scope list in the
      // text is read by its own rule, which knows whether it is right.
      if (claimsUnseen && ev.scopeLists.length === 0) {
        add('token.wrong_audience', 0.5, 'delegated');
        add('token.missing_scope', 0.48, 'delegated');
      }
      add('xoauth2.wrong_user', claimsUnseen ? 0.45 : 0.5, 'delegated');
      if (f.protocol !== 'smtp') add('account.protocol_disabled', 0.4, 'delegated');
      add('account.conditional_access', 0.3, 'delegated');
      continue;
    }
    const knownGood = ev.claims !== null; // app-only token whose claims passed every check
    if (notConnected) {
      // Another protocol signed in but could not open the mailbox: the same missing mailbox
      // access explains this protocol's refusal.
      add('grant.mailbox_permission_missing', 0.75, 'not-connected');
      add('xoauth2.wrong_user', 0.45, 'not-connected');
      continue;
    }
    if (ev.authPassed.length > 0) {
      // Another protocol signed in with the same token: the service principal and its mailbox
      // permission are fine; what differs is this protocol on this mailbox.
      if (f.protocol !== 'smtp') add('account.protocol_disabled', 0.7, 'one-protocol');
      add('grant.mailbox_permission_missing', 0.3, 'one-protocol');
      continue;
    }
    const registration = ev.exchangeRegistration;
    const oid = ev.context.servicePrincipalId;
    if (knownGood && registration?.objectId !== undefined && oid) {
      out.push(...byRegistration(f, evidence, { ...registration, objectId: registration.objectId }, oid));
      continue;
    }
    const base = knownGood ? 0 : -0.1;
    const group = knownGood ? 'app-only' : 'unknown-token';
    add('grant.service_principal_missing', (allRejected ? 0.6 : 0.55) + base, group);
    add('grant.service_principal_wrong_id', (allRejected ? 0.55 : 0.5) + base, group);
    add('grant.mailbox_permission_missing', (f.protocol === 'imap' ? 0.4 : 0.5) + base, group);
    add('xoauth2.wrong_user', 0.35 + base, group);
    if (f.protocol !== 'smtp') add('account.protocol_disabled', (allRejected ? 0.25 : 0.4) + base, group);
    if (!knownGood) {
      add('token.wrong_audience', 0.45, group);
      add('token.missing_role', 0.4, group);
    }
  }
  return out;
};

const REGISTRATION_SOURCE: Record<ExchangeRegistration['source'], string> = {
  profile: "as the profile records Exchange's registration",
  cli: 'as given with --exchange-sp-object-id',
  lab: 'as the simulated tenant has it',
  text: 'as the pasted New-ServicePrincipal command gave it',
};

/**
 * How far a source says what Exchange holds now: a value given for this run, or the simulated
 * tenant's own state, is current; one recorded in a profile may predate a fix, and a pasted
 * command may have failed or been undone later.
 */
const CURRENT: Record<ExchangeRegistration['source'], boolean> = {
  cli: true,
  lab: true,
  profile: false,
  text: false,
};

/**
 * A generic rejection of a valid app-only token when Exchange's own registration of the service
 * principal is known: it tells the missing registration and the wrong object id from the
 * mailbox's side, which the rejection alone cannot.
 */
function byRegistration(
  f: MailFailure,
  evidence: string[],
  registration: ExchangeRegistration & { objectId: string | null },
  oid: string,
): Candidate[] {
  const source = REGISTRATION_SOURCE[registration.source];
  const current = CURRENT[registration.source];
  const candidate = (cause: CauseId, score: number, why: string[], ambiguous?: string): Candidate => ({
    cause,
    protocol: f.protocol,
    score,
    evidence: [...evidence, ...why],
    ...(ambiguous ? { ambiguous } : {}),
  });
  // Not current: likely, never certain, and the finding says to check the value first.
  const grant = (cause: CauseId, why: string[]): Candidate[] => [
    current ? candidate(cause, 0.9, why) : candidate(cause, 0.75, why, 'registration-recorded'),
    candidate('grant.mailbox_permission_missing', 0.3, [], 'app-only'),
  ];
  if (registration.objectId === null)
    return grant('grant.service_principal_missing', [
      `Exchange Online has no service principal for the app (${source})`,
    ]);
  if (registration.objectId.toLowerCase() !== oid.toLowerCase())
    return grant('grant.service_principal_wrong_id', [
      `Exchange Online has the service principal registered with ObjectId ${registration.objectId} (${source})`,
      `The token's oid, the Enterprise Application's object id, is ${oid}`,
    ]);
  // The registration matches the token: the refusal comes from the mailbox's side. On IMAP a
  // missing FullAccess or a disabled protocol shows as "authenticated but not connected", so a
  // bare refusal there points first at user= naming no mailbox the app may use.
  const why = [`Exchange Online's registration matches the token's oid ${oid} (${source})`];
  const group = 'registered-ok';
  switch (f.protocol) {
    case 'imap':
      return [
        candidate('xoauth2.wrong_user', 0.55, why, group),
        candidate('grant.mailbox_permission_missing', 0.45, why, group),
        candidate('account.protocol_disabled', 0.45, why, group),
      ];
    case 'pop3':
      return [
        candidate('account.protocol_disabled', 0.5, why, group),
        candidate('grant.mailbox_permission_missing', 0.5, why, group),
        candidate('xoauth2.wrong_user', 0.45, why, group),
      ];
    case 'smtp':
    case 'graph':
    case null:
      return [
        candidate('grant.mailbox_permission_missing', 0.5, why, group),
        candidate('xoauth2.wrong_user', 0.5, why, group),
      ];
  }
}

/** A decoded XOAUTH2 payload in pasted text shows framing and user= mistakes directly. */
const saslPayload: Rule = (ev) =>
  ev.saslPayloads.flatMap((p): Candidate[] => {
    const out: Candidate[] = [];
    if (!p.wellFormed)
      out.push({
        cause: 'xoauth2.malformed',
        protocol: null,
        score: 0.8,
        evidence: [`XOAUTH2 payload for user=${p.user} is not framed with ^A separators`],
      });
    if (!p.user.includes('@'))
      out.push({
        cause: 'xoauth2.wrong_user',
        protocol: null,
        score: 0.7,
        evidence: [`XOAUTH2 user=${p.user} is not a mailbox address`],
      });
    return out;
  });

const pop3InitialResponse: Rule = (ev) =>
  ev.pop3InitialResponseRefused
    ? [
        {
          cause: 'xoauth2.pop3_initial_response',
          protocol: 'pop3',
          score: 0.75,
          evidence: ['POP3 answered -ERR to AUTH XOAUTH2 sent with its payload on the same line'],
        },
      ]
    : [];

/** Which Microsoft cloud a host or audience belongs to. */
function cloudOf(host: string): 'global' | 'us' | 'cn' | null {
  if (/\.us(\/|$)/i.test(host)) return 'us';
  if (/\.cn(\/|$)/i.test(host)) return 'cn';
  if (/office365\.com|outlook\.com|office\.com|microsoftonline\.com/i.test(host)) return 'global';
  return null;
}

/** A token from one Microsoft cloud presented to another cloud's mail servers. */
const sovereignCloud: Rule = (ev) => {
  const aud = typeof ev.claims?.aud === 'string' ? ev.claims.aud : null;
  const tokenCloud = aud ? cloudOf(aud) : null;
  if (!tokenCloud) return [];
  return ev.failures.flatMap((f): Candidate[] => {
    const hostCloud = f.host ? cloudOf(f.host) : null;
    return hostCloud && hostCloud !== tokenCloud
      ? [
          {
            cause: 'network.sovereign_cloud_mismatch',
            protocol: null,
            score: 0.85,
            evidence: [`token audience ${aud ?? ''} is for another cloud than ${f.host ?? ''}`],
          },
        ]
      : [];
  });
};

/**
 * Microsoft's other sending paths. High Volume Email refuses recipients it may not reach with
 * 5.5.105 (SPEC 4); on HVE's own host that code can mean nothing else.
 */
const hveRecipient: Rule = (ev) =>
  ev.failures.flatMap((f): Candidate[] =>
    f.protocol !== 'pop3' && f.protocol !== 'imap' && /\b5\.5\.105\b/.test(f.said)
      ? [
          {
            cause: 'smtp.hve_external_recipient',
            protocol: 'smtp',
            score: ev.service === 'hve' || (f.host !== null && HVE_HOSTS.test(f.host)) ? 0.92 : 0.8,
            evidence: [`${where(f)}: ${f.said}`],
          },
        ]
      : [],
  );

/**
 * HVE and ACS answer every refused sign-in with the same 535 5.7.3. What tells the causes apart
 * is what the run knows: the ACS user name's shape, the token's Mail.Send role, the credential.
 */
const sendingPathSignIn: Rule = (ev) => {
  if (!ev.service) return [];
  const refused = ev.failures.filter(
    (f) => f.protocol === 'smtp' && f.step === 'auth' && /^5\d\d\b/.test(f.said),
  );
  return refused.flatMap((f): Candidate[] => {
    const evidence = [`${where(f)}: ${f.said}`];
    const one = (cause: CauseId, score: number, note: string, more: string[] = []): Candidate => ({
      cause,
      protocol: 'smtp',
      score,
      evidence: [...evidence, ...more],
      ambiguous: note,
    });
    if (ev.service === 'acs') {
      const reading = ev.smtpUser
        ? readAcsUsername(ev.smtpUser, { appId: ev.context.clientId, tenantId: ev.context.tenant })
        : null;
      if (reading && reading.problems.length > 0)
        return [
          {
            cause: 'acs.bad_username',
            protocol: 'smtp',
            score: 0.93,
            evidence: [...evidence, ...reading.problems.map((p) => `user name ${ev.smtpUser ?? ''}: ${p}`)],
          },
        ];
      return [
        one('acs.role_missing', 0.6, 'acs'),
        one('token.invalid_secret', 0.45, 'acs'),
        one('acs.bad_username', reading?.form === 'smtp-username' ? 0.45 : 0.35, 'acs'),
      ];
    }
    if (ev.credential === 'password')
      return [one('account.invalid_password', 0.65, 'hve'), one('account.basic_auth_retired', 0.3, 'hve')];
    if (ev.claimChecks.some((c) => c.status === 'fail')) return []; // the claims rule has it
    return [one('grant.hve_app_access_missing', 0.72, 'hve'), one('xoauth2.wrong_user', 0.4, 'hve')];
  });
};

const SELF_HOSTED = new Set(['postfix', 'exim', 'dovecot', 'courier', 'zimbra', 'hmailserver']);

/**
 * How well an entry's provider fits whose servers these are: an Exchange reply from a server that
 * is not Microsoft's (or a Gmail reply from Exchange) is a coincidence of words, not a diagnosis.
 */
function providerFit(ev: Evidence, hit: KnowledgeHit): number {
  const provider = hit.entry.provider;
  if (provider === 'microsoft' && (ev.provider === 'google' || ev.provider === 'other')) return 0.3;
  if (provider === 'google' && (ev.provider === 'microsoft' || ev.provider === 'other')) return 0.3;
  if (SELF_HOSTED.has(provider) && (ev.provider === 'microsoft' || ev.provider === 'google')) return 0.5;
  return 1;
}

function describeHit(hit: KnowledgeHit): string {
  const how = {
    'text+code': 'documented text and code',
    text: 'documented text',
    code: 'code only: the text differs from the documented one',
    'code-prefix': 'a masked or cut code',
  }[hit.by];
  return `${hit.entry.id}, ${how}`;
}

const EXCHANGE_RESOURCE =
  /^https?:\/\/(outlook\.office365\.com|outlook\.office\.com|ps\.outlook\.com|outlook\.office365\.us|partner\.outlook\.cn)\//i;
const OTHER_MICROSOFT_RESOURCE =
  /^https?:\/\/(graph\.microsoft\.(com|us)|microsoftgraph\.chinacloudapi\.cn|management\.azure\.com|vault\.azure\.net|database\.windows\.net)\//i;
const PROTOCOL_SCOPE: Record<MailProtocol, RegExp> = {
  imap: /\/(IMAP\.AccessAsUser\.All|\.default)$/i,
  pop3: /\/(POP\.AccessAsUser\.All|\.default)$/i,
  smtp: /\/(SMTP\.Send|\.default)$/i,
};

/**
 * What a pasted scope list says about the token: requested for another API than Exchange Online
 * (Graph), without the scope of the protocol that failed, or a Google token without the mail scope.
 */
const scopeList: Rule = (ev) => {
  const protocols = [...new Set(ev.failures.map((f) => f.protocol))].filter(
    (p): p is MailProtocol => p !== null,
  );
  if (protocols.length === 0) return [];
  const out: Candidate[] = [];
  for (const list of ev.scopeLists) {
    const shown = `scope list: ${list.join(' ').slice(0, 300)}`;
    const exchange = list.filter((x) => EXCHANGE_RESOURCE.test(x));
    const otherMicrosoft = list.filter((x) => OTHER_MICROSOFT_RESOURCE.test(x));
    const google = list.filter((x) => /^https:\/\/(mail\.google\.com|www\.googleapis\.com)\//.test(x));
    if (exchange.length === 0 && otherMicrosoft.length > 0 && ev.provider !== 'google')
      out.push({
        cause: 'token.wrong_audience',
        protocol: null,
        score: 0.8,
        evidence: [
          shown,
          `every resource scope is for another API (${otherMicrosoft[0] ?? ''}), none for Exchange Online`,
        ],
      });
    else if (exchange.length > 0)
      for (const p of protocols)
        if (!exchange.some((x) => PROTOCOL_SCOPE[p].test(x)))
          out.push({
            cause: 'token.missing_scope',
            protocol: p,
            score: 0.75,
            evidence: [shown, `no Exchange Online scope for ${p.toUpperCase()} among them`],
          });
    if (
      google.length > 0 &&
      !google.some((x) => x === 'https://mail.google.com/' || x === 'https://mail.google.com')
    )
      out.push({
        cause: 'google.scope_insufficient',
        protocol: null,
        score: 0.75,
        evidence: [
          shown,
          'https://mail.google.com/ (the only scope Gmail takes for IMAP, POP and SMTP) is not among them',
        ],
      });
  }
  return out;
};

/** Public mail services whose certificates any client trusts: an untrusted one was replaced. */
const PUBLIC_MAIL_HOST =
  /(^|\.)(gmail\.com|googlemail\.com|google\.com|office365\.com|outlook\.com|hotmail\.com|live\.com|office365\.us|outlook\.cn|yahoo\.com|icloud\.com|me\.com|aol\.com|zoho\.com|zoho\.eu|gmx\.(com|net|de)|web\.de|yandex\.(com|ru)|mail\.ru|fastmail\.com)$/i;

function publicHost(ev: Evidence): string | null {
  return ev.hosts.find((h) => PUBLIC_MAIL_HOST.test(h)) ?? null;
}

/**
 * An untrusted certificate from a public mail service: its real certificate chains to a public
 * root, so something between the client and the service re-signed the connection (an antivirus
 * mail shield, a TLS-inspecting proxy). The certificate error is the symptom; that is the cause.
 */
const interceptedPublicTls: Rule = (ev) => {
  const host = publicHost(ev);
  if (!host) return [];
  const untrusted = ev.knowledge.find((h) => h.entry.cause === 'tls.untrusted_certificate');
  if (!untrusted) return [];
  return [
    {
      cause: 'network.proxy_interference',
      protocol: untrusted.protocol,
      score: Math.min(0.85, untrusted.score),
      evidence: [
        `${untrusted.line.slice(0, 300)} (${describeHit(untrusted)})`,
        `${host} is a public mail service: its own certificate is publicly trusted`,
      ],
    },
  ];
};

/**
 * What a documented error means here: Send As is Exchange's permission, so another server refusing
 * a sender refuses the address; behind a proxy that denied the port, "connection refused" is the
 * proxy's refusal.
 */
function causeHere(ev: Evidence, hit: KnowledgeHit, failure: MailFailure | undefined): CauseId {
  const cause = hit.entry.cause;
  const notMicrosoft =
    ev.provider === 'other' ||
    (ev.provider !== 'microsoft' && failure?.host != null && !MICROSOFT_HOSTS.test(failure.host));
  if (cause === 'grant.sendas_missing' && notMicrosoft) return 'smtp.sender_rejected';
  if (cause === 'network.connect_refused' && ev.failures.some((x) => x.code === 'PROXY_DENIED'))
    return 'network.proxy_blocks_port';
  return cause;
}

/** The tenant of personal Microsoft accounts: it always exists. */
const CONSUMER_TENANT = '9188040d-6c67-4c5b-b112-36a304b66dad';

/** A "tenant not found" that names the consumer tenant, which always exists. */
function consumerTenantNamed(ev: Evidence): boolean {
  return (
    ev.tokenEndpoint !== null &&
    ev.tokenEndpoint.codes.includes(90002) &&
    ev.tokenEndpoint.text.toLowerCase().includes(CONSUMER_TENANT)
  );
}

/**
 * AADSTS90002 for the consumer tenant: Entra ID failed to find a tenant that always exists, which
 * happens during service incidents, so the failure is transient rather than a wrong tenant.
 */
const consumerTenantOutage: Rule = (ev) =>
  consumerTenantNamed(ev)
    ? [
        {
          cause: 'server.transient',
          protocol: null,
          score: 0.6,
          evidence: [
            `token endpoint: ${ev.tokenEndpoint?.text.split(/\r?\n/)[0] ?? ''}`,
            `${CONSUMER_TENANT} is the tenant of personal Microsoft accounts, which always exists`,
          ],
          ambiguous: 'consumer-tenant',
        },
      ]
    : [];

/** The documented errors the servers' or the paste's words match, from the knowledge files. */
const knowledgeRule: Rule = (ev) =>
  ev.knowledge.flatMap((hit): Candidate[] => {
    const failure = [...ev.failures, ...ev.warnings].find((f) => sameLine(hit, f));
    // On HVE and ACS a generic SMTP refusal is read by what the run knows (sendingPathSignIn),
    // not by what it most often means on Exchange Online's own submission host.
    if (ev.service && failure?.protocol === 'smtp' && failure.step === 'auth' && hit.entry.confidence < 0.5)
      return [];
    const cause = causeHere(ev, hit, failure);
    const fit = cause === hit.entry.cause ? providerFit(ev, hit) : 1;
    if (cause === 'token.tenant_not_found' && consumerTenantNamed(ev))
      return [
        {
          cause,
          protocol: null,
          score: hit.score * 0.6,
          evidence: [`${hit.line.slice(0, 300)} (${describeHit(hit)})`],
          knowledge: hit.entry,
          ambiguous: 'consumer-tenant',
        },
      ];
    // A token sent inline that a server calls too long: the line limit, not necessarily the token.
    const inline = failure?.code === 'INLINE_AUTH_LINE_TOO_LONG' && cause === 'xoauth2.token_too_long';
    const score = hit.score * fit * (cause === 'tls.untrusted_certificate' && publicHost(ev) ? 0.75 : 1);
    return [
      {
        cause,
        protocol: hit.protocol ?? failure?.protocol ?? null,
        score: inline ? Math.min(score, 0.5) : score,
        evidence: [`${hit.line.slice(0, 300)} (${describeHit(hit)})`],
        knowledge: hit.entry,
        ...(hit.ambiguous ? { ambiguous: hit.ambiguous } : {}),
      },
    ];
  });

/**
 * A CA file the settings name could not be read, so the run trusted the system's CAs only: the
 * cause of an untrusted certificate when there is one, a warning to fix the settings otherwise.
 */
const unreadableCaFile: Rule = (ev) => {
  if (ev.unreadableCaFiles.length === 0) return [];
  const named = ev.unreadableCaFiles.map((f) => `${f.source}: ${f.path}: ${f.problem}`);
  const untrusted = ev.failures.filter((f) => f.step === 'tls' && f.code === 'UNTRUSTED');
  if (untrusted.length === 0)
    return [{ cause: 'tls.ca_file_unreadable', protocol: null, score: 0.6, evidence: named }];
  return untrusted.map((f) => ({
    cause: 'tls.ca_file_unreadable' as const,
    protocol: f.protocol,
    // Above the untrusted certificate itself: the CA meant to make it trusted was not there.
    score: 0.95,
    evidence: [...named, `${where(f)}: ${f.said}`],
  }));
};

/**
 * The token for Graph read before Graph's answer: one for another resource, or one without the
 * Mail permission the call needs, is the cause of a refusal that follows (Graph's own words for
 * a missing permission, "Access is denied", are the same as for other refusals).
 */
const graphToken: Rule = (ev) => {
  const refused = ev.failures.some(
    (f) => f.protocol === 'graph' && (f.step === 'mailbox' || f.step === 'send'),
  );
  return [...ev.failures, ...ev.warnings].flatMap((f): Candidate[] => {
    if (f.protocol !== 'graph' || f.step !== 'inspect') return [];
    if (f.code === 'WRONG_AUDIENCE')
      return [
        {
          cause: 'token.wrong_audience',
          protocol: 'graph',
          score: 0.95,
          evidence: [`Graph token: ${f.said}`],
        },
      ];
    if (f.code !== 'MISSING_PERMISSION') return [];
    const evidence = [`Graph token: ${f.said}`];
    // A user's token lacks a delegated permission: RBAC for Applications is for apps only.
    if (/\(delegated;/.test(f.said))
      return [{ cause: 'token.missing_scope', protocol: 'graph', score: refused ? 0.95 : 0.6, evidence }];
    const roleless = /\(it has none\)/.test(f.said);
    const rbac = ev.exchangeRegistration?.graphRbac;
    // A token with some of Graph's roles but not this one: the API permission is missing.
    // A token with none may be right: RBAC for Applications grants Graph's roles in Exchange,
    // and then Graph refuses a mailbox outside the role's scope with the same words.
    if (!roleless || !refused || rbac === 'none')
      return [
        {
          cause: 'token.missing_role',
          protocol: 'graph',
          score: refused ? 0.96 : 0.6,
          evidence:
            rbac === 'none'
              ? [...evidence, 'and no RBAC for Applications role grants Graph either']
              : evidence,
        },
      ];
    if (rbac === 'in-scope') return [];
    if (rbac === 'out-of-scope')
      return [
        {
          cause: 'grant.app_scope_restricted',
          protocol: 'graph',
          score: 0.9,
          evidence: [
            ...evidence,
            'RBAC for Applications grants the app Graph mail roles, but their scope does not include the mailbox',
          ],
        },
      ];
    return [
      {
        cause: 'token.missing_role',
        protocol: 'graph',
        score: 0.6,
        evidence,
        ambiguous: 'graph-rbac-or-permission',
      },
      {
        cause: 'grant.app_scope_restricted',
        protocol: 'graph',
        score: 0.5,
        evidence,
        ambiguous: 'graph-rbac-or-permission',
      },
    ];
  });
};

export const RULES: Rule[] = [
  knowledgeRule,
  graphToken,
  unreadableCaFile,
  interceptedPublicTls,
  scopeList,
  tokenEndpoint,
  claims,
  connection,
  serverWords,
  genericRejection,
  saslPayload,
  pop3InitialResponse,
  sovereignCloud,
  hveRecipient,
  sendingPathSignIn,
  rbacForApplications,
  consumerTenantOutage,
];

/** What tells the candidates of an ambiguous group apart, for the finding's explanation. */
export const TELL_APART: Record<string, string> = {
  'web-login':
    'Google says this both when it wants a risky password sign-in confirmed in a browser and when password access by apps is off: if confirming the sign-in in a browser does not help, only an app password or OAuth2 will.',
  'auth-not-offered':
    "The server's EHLO reply after STARTTLS tells them apart: with AUTH listed there, the client skipped STARTTLS; without it, the server does not authenticate on this port.",
  'registration-recorded':
    "The registration this rests on was recorded earlier (in the profile, or a pasted command) and may have changed since: confirm it with Get-ServicePrincipal | Where-Object AppId -eq <client id> before removing anything, and update the profile's field when it differs.",
  'national-cloud':
    'The text names a national cloud (21Vianet, US Government): a tenant there is unknown to the global endpoint, so check which cloud the tenant lives in before doubting its id.',
  'rbac-or-permission':
    'The token has no SMTP.SendAsApp role, which is right for an app granted SMTP through RBAC for Applications and wrong for one granted it as an API permission. Ask Exchange which model applies: Test-ServicePrincipalAuthorization -Identity <service principal object id> -Resource <mailbox> lists the app\'s RBAC roles and whether the mailbox is in scope. RBAC: New-ManagementRoleAssignment -App <service principal> -Role "Application SMTP.SendAsApp" -CustomResourceScope <a scope that includes the mailbox> (no mailbox permission needed). API permission: grant SMTP.SendAsApp on Office 365 Exchange Online with admin consent, then Add-MailboxPermission -Identity <mailbox> -User <service principal> -AccessRights FullAccess.',
  'graph-rbac-or-permission':
    'The token has none of Microsoft Graph\'s roles, which is right for an app granted Graph through RBAC for Applications and wrong for one granted Mail.Read / Mail.Send as API permissions; Graph refuses both with "Access is denied". Ask Exchange which model applies: Test-ServicePrincipalAuthorization -Identity <service principal object id> -Resource <mailbox> lists the app\'s RBAC roles and whether the mailbox is in scope. RBAC: New-ManagementRoleAssignment -App <service principal> -Role "Application Mail.Read" -CustomResourceScope <a scope that includes the mailbox>. API permission: add Mail.Read (and Mail.Send to send) under Microsoft APIs > Microsoft Graph > Application permissions and grant admin consent.',
  'registered-ok':
    "Exchange's registration matches the token, so the refusal comes from the mailbox's side. To tell the candidates apart: Get-Mailbox -Identity <mailbox> (user= must be its primary address), Get-MailboxPermission -Identity <mailbox> (FullAccess for the service principal), Get-CASMailbox -Identity <mailbox> (ImapEnabled / PopEnabled).",
  'app-only':
    'The token is valid, so the refusal comes from the Exchange side. To tell the candidates apart: Get-ServicePrincipal | Where-Object AppId -eq <client id> (missing: run New-ServicePrincipal; present with another ObjectId than the token oid: wrong id), then Get-MailboxPermission -Identity <mailbox> (no FullAccess for the service principal: add it), then Get-CASMailbox -Identity <mailbox> (ImapEnabled / PopEnabled false).',
  'unknown-token':
    "Nothing here shows the token itself, and a token for the wrong resource or without the protocol's role is refused with the same words as a missing Exchange grant. Decode it with `mailprobe inspect` (locally, nothing is sent) or run `mailprobe check` against the tenant: that tells the candidates apart.",
  'one-protocol':
    'The same token signs in over another protocol, so the service principal and its grants exist: check this protocol on this mailbox with Get-CASMailbox -Identity <mailbox>.',
  password:
    'Exchange Online refuses passwords over IMAP, POP3 and (unless SMTP AUTH basic is allowed) SMTP; elsewhere a refusal usually means a wrong password.',
  delegated:
    'A delegated token signs in as its user: user= must be that user, the protocol must be enabled for the mailbox, and Conditional Access may apply.',
  'not-connected':
    'Exchange signed the identity in but could not open the mailbox for it. Check, in this order: that user= is the primary address of the mailbox meant, Get-MailboxPermission -Identity <mailbox> (FullAccess for the service principal), and whether it goes away on a retry (a transient backend move).',
  criteria:
    'Exchange refused a password sign-in by policy: security defaults block legacy authentication for everyone; otherwise a Conditional Access policy did, which the Entra sign-in logs name.',
  acs: "Azure Communication Services answers 535 5.7.3 to every sign-in it refuses: a user name that names no resource, app or tenant it knows, a secret that is not one of the app's current ones, and an app without a role on the resource. Check the user name first (<resource name>.<application id>.<tenant id>), then the role assignment under the resource's Access control (IAM), then the secret's value and expiry.",
  hve: "High Volume Email answers 535 5.7.3 to every sign-in it refuses. With OAuth: the app must be on the HVE account's Allowed Apps list (Get-HVEAccountSettings), its token must carry Mail.Send, and user= must be the HVE account. With a password: the HVE account's own password (basic authentication stays available for HVE until September 2028).",
  google:
    'Gmail answers "Invalid credentials" to any token it will not take: one without the https://mail.google.com/ scope, an expired or revoked one, or one for another account than user=. Its error challenge says which: status 400 is the scope, 401 the token.',
  'self-signed-chain':
    "A chain ending in a self-signed root the client does not know comes from an antivirus mail shield or a TLS-inspecting proxy that re-signs the connection, or from a private server's own CA: the root's issuer tells them apart (a security product's name means interception; your organisation's CA means the client needs that CA).",
  'consumer-tenant':
    'The tenant named is 9188040d-6c67-4c5b-b112-36a304b66dad, the tenant of every personal Microsoft account, which always exists: a "not found" for it is a passing fault of the service (retry later, check the Microsoft 365 and Azure status pages) rather than a tenant to create or correct.',
  'silent-server':
    'A server that never greets is usually one that expects TLS first (implicit TLS port) or a middlebox swallowing the connection.',
};
