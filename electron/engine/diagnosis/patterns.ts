// What a server's or a library's own words say, wherever they come from (a run's step, a pasted
// log): specific texts point to one cause; a generic rejection is marked as such and left to the
// ranking rules, which weigh it against everything else that is known.
import type { CauseId } from '../../../shared/diagnosis/catalog';

export interface TextMatch {
  cause: CauseId;
  score: number;
}

/** Texts known to have several causes in the field: their matches are marked ambiguous. */
export const AMBIGUOUS_TEXT: Array<{ test: RegExp; group: string }> = [
  { test: /User is authenticated but not connected/i, group: 'not-connected' },
  { test: /did not meet the criteria to be authenticated/i, group: 'criteria' },
];

interface Pattern {
  test: RegExp;
  causes: TextMatch[];
}

/**
 * Most specific first; a line may match several. Gaps are bounded ({0,300}): an unbounded `.*`
 * is scanned again from every occurrence of what precedes it, quadratic on a long line.
 */
const PATTERNS: Pattern[] = [
  {
    test: /5\.7\.139.{0,300}SmtpClientAuthentication is disabled for the Tenant/i,
    causes: [{ cause: 'account.smtp_auth_disabled_tenant', score: 0.97 }],
  },
  {
    test: /5\.7\.139.{0,300}SmtpClientAuthentication is disabled for the Mailbox/i,
    causes: [{ cause: 'account.smtp_auth_disabled_mailbox', score: 0.97 }],
  },
  {
    test: /basic authentication is disabled|BasicAuthBlocked|LogonDenied-BasicAuthBlocked/i,
    causes: [{ cause: 'account.basic_auth_disabled', score: 0.95 }],
  },
  {
    test: /5\.7\.139.{0,300}user credentials were incorrect/i,
    causes: [{ cause: 'account.invalid_password', score: 0.8 }],
  },
  {
    test: /did not meet the criteria to be authenticated/i,
    causes: [
      { cause: 'account.security_defaults', score: 0.6 },
      { cause: 'account.conditional_access', score: 0.55 },
    ],
  },
  {
    test: /5\.2\.252|SendAsDenied|not allowed to send as/i,
    causes: [{ cause: 'grant.sendas_missing', score: 0.95 }],
  },
  {
    test: /\b5\.7\.57\b|Client not authenticated to send/i,
    causes: [{ cause: 'smtp.not_authenticated', score: 0.9 }],
  },
  {
    test: /\b504 5\.7\.4\b|Unrecognized authentication type/i,
    causes: [{ cause: 'smtp.unsupported_mechanism', score: 0.85 }],
  },
  { test: /Line too long/i, causes: [{ cause: 'xoauth2.token_too_long', score: 0.8 }] },
  {
    // Exchange could not open the mailbox for the signed-in identity. Public reports show it for a
    // missing FullAccess, for user= naming another mailbox, and transiently: several candidates.
    test: /User is authenticated but not connected/i,
    causes: [
      { cause: 'grant.mailbox_permission_missing', score: 0.7 },
      { cause: 'xoauth2.wrong_user', score: 0.6 },
      { cause: 'server.transient', score: 0.3 },
    ],
  },
  {
    test: /5\.7\.708|bad outbound sender|restricted from sending|RestrictedSender|5\.1\.90|5\.7\.705|banned sender/i,
    causes: [{ cause: 'account.sending_restricted', score: 0.85 }],
  },
  {
    // Google's words when it refuses a password sign-in it considers risky or "less secure": the
    // fix is either confirming the sign-in or moving off passwords (app password, OAuth2).
    test: /Please log ?in (via|with) your web browser|WebLoginRequired|Web login required|\[WEBALERT|\[ALERT\] .{0,300}web browser/i,
    causes: [
      // Two readings of the same words: neither is certain.
      { cause: 'account.signin_blocked', score: 0.75 },
      { cause: 'account.basic_auth_disabled', score: 0.65 },
    ],
  },
  // Token-endpoint messages quoted without their AADSTS number.
  { test: /Invalid client secret (is )?provided/i, causes: [{ cause: 'token.invalid_secret', score: 0.9 }] },
  {
    test: /client secret keys (for app '[^']*' )?are expired/i,
    causes: [{ cause: 'token.secret_expired', score: 0.9 }],
  },
  {
    test: /Application with identifier '[^']*' was not found in the directory/i,
    causes: [{ cause: 'token.app_not_found', score: 0.9 }],
  },
  { test: /Tenant '[^']*' not found/i, causes: [{ cause: 'token.tenant_not_found', score: 0.85 }] },
  { test: /blocked by conditional access/i, causes: [{ cause: 'token.conditional_access', score: 0.85 }] },
  {
    test: /can'?t (log|sign) in with a personal account|use a work or school account instead|personal Microsoft accounts are not supported/i,
    causes: [{ cause: 'token.account_type_mismatch', score: 0.8 }],
  },
  // A Graph scope where Exchange is needed, seen in pasted code or configuration.
  {
    test: /https:\/\/graph\.microsoft\.com\/\.default|scope=https%3A%2F%2Fgraph\.microsoft\.com/i,
    causes: [{ cause: 'token.wrong_audience', score: 0.75 }],
  },
  {
    test: /Cross Cloud request|cross-cloud/i,
    causes: [{ cause: 'network.sovereign_cloud_mismatch', score: 0.8 }],
  },
  {
    test: /Application-specific password required|5\.7\.9\b/i,
    causes: [
      { cause: 'account.basic_auth_disabled', score: 0.6 },
      { cause: 'account.signin_blocked', score: 0.4 },
    ],
  },
  {
    test: /Username and Password not accepted|BadCredentials|5\.7\.8\b/i,
    causes: [{ cause: 'account.invalid_password', score: 0.7 }],
  },
  {
    test: /AccessTokenExpired|Session invalidated|token (has )?expired|expired token|invalid_token.{0,300}expired/i,
    causes: [{ cause: 'token.expired', score: 0.85 }],
  },
  {
    test: /NO \[UNAVAILABLE\]|Server Unavailable|4\.7\.66|Too many (concurrent )?connections|throttl|4\.7\.500 Server busy|\bServer busy\b/i,
    causes: [
      { cause: 'server.throttled', score: 0.75 },
      { cause: 'server.transient', score: 0.4 },
    ],
  },
  {
    test: /\b421 4\.3\.2\b|Service not available|4\.4\.2|Temporary (server|system) (error|problem)|4\.7\.0 Temporary/i,
    causes: [{ cause: 'server.transient', score: 0.7 }],
  },
  // TLS and network words of common clients and runtimes.
  {
    test: /certificate verify failed|self[- ]signed certificate|unable to get local issuer|UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|PKIX path building failed|remote certificate is invalid|RemoteCertificateChainErrors|untrusted root|root certificate which is not trusted|certificate could not be verified/i,
    causes: [
      { cause: 'tls.untrusted_certificate', score: 0.85 },
      { cause: 'network.proxy_interference', score: 0.4 },
    ],
  },
  {
    test: /Hostname\/IP does not match|ERR_TLS_CERT_ALTNAME_INVALID|RemoteCertificateNameMismatch|hostname mismatch|doesn't match (either of|any of)|certificate is not valid for/i,
    causes: [{ cause: 'tls.hostname_mismatch', score: 0.85 }],
  },
  {
    test: /certificate has expired|CERT_HAS_EXPIRED|certificate expired/i,
    causes: [{ cause: 'tls.certificate_expired', score: 0.85 }],
  },
  {
    test: /wrong version number|WRONG_VERSION_NUMBER|packet length too long|ssl3_get_record|unknown protocol|SSL routines.{0,300}record|Connection closed by foreign host.{0,300}TLS/i,
    causes: [{ cause: 'tls.implicit_vs_starttls', score: 0.8 }],
  },
  {
    test: /STARTTLS (extension )?not supported|does not support STARTTLS|StartTLS is not supported|STARTTLS is required/i,
    causes: [{ cause: 'tls.starttls_unavailable', score: 0.8 }],
  },
  {
    test: /unsupported protocol|TLSV1_ALERT_PROTOCOL_VERSION|no protocols available|protocol version|SSLv3|TLS 1\.0|TLS1\.0|No appropriate protocol|protocol is disabled or cipher suites are inappropriate/i,
    causes: [{ cause: 'tls.old_version', score: 0.7 }],
  },
  {
    // SMTP servers offer AUTH only after STARTTLS: a client that skipped it sees no AUTH at all.
    test: /SMTP AUTH extension not supported|AUTH (command )?not (supported|available)|does not support (SMTP )?authentication/i,
    causes: [
      { cause: 'tls.implicit_vs_starttls', score: 0.55 },
      { cause: 'smtp.unsupported_mechanism', score: 0.5 },
    ],
  },
  {
    // Postfix's sender-login check (and servers that copy its words): the signed-in account may
    // not use this sender address. Send As is the same idea in Exchange's terms.
    test: /not owned by user|Sender address rejected: not owned/i,
    causes: [
      { cause: 'smtp.sender_rejected', score: 0.8 },
      { cause: 'grant.sendas_missing', score: 0.5 },
    ],
  },
  // A literal "^A" typed into code where the byte 0x01 belongs.
  { test: /["'`]\^Aauth=Bearer|\^A\^A["'`]/, causes: [{ cause: 'xoauth2.malformed', score: 0.8 }] },
  // Gmail's XOAUTH2 refusal with status 400: the token lacks the https://mail.google.com/ scope.
  {
    test: /XOAUTH2 authentication error \(400\)|"status"\s*:\s*"400".{0,300}"scope"/i,
    causes: [{ cause: 'google.scope_insufficient', score: 0.75 }],
  },
  {
    test: /ENOTFOUND|getaddrinfo|Name or service not known|nodename nor servname|No such host is known|UnknownHostException|NXDOMAIN/i,
    causes: [{ cause: 'network.dns_not_found', score: 0.85 }],
  },
  {
    test: /ECONNREFUSED|Connection refused|actively refused/i,
    causes: [{ cause: 'network.connect_refused', score: 0.85 }],
  },
  {
    test: /ETIMEDOUT|timed out|connection attempt failed because the connected party did not properly respond|Connection timeout/i,
    causes: [{ cause: 'network.port_blocked', score: 0.6 }],
  },
];

/** A bare "authentication failed": not a cause, a signal for the ranking rules. */
export const GENERIC_REJECTION =
  /AUTHENTICATE failed|535 5\.7\.3|Authentication unsuccessful|-ERR Authentication failure|unknown user name or bad password|\[AUTHENTICATIONFAILED\]|Invalid credentials|Authentication failed|LOGIN failed|AUTH(ENTICATE)? command failed/i;

export function matchText(text: string): TextMatch[] {
  const found: TextMatch[] = [];
  for (const pattern of PATTERNS) if (pattern.test.test(text)) found.push(...pattern.causes);
  return found;
}

export function isGenericRejection(text: string): boolean {
  return GENERIC_REJECTION.test(text) && matchText(text).length === 0;
}

/** AADSTS codes in any text: "AADSTS7000215", "error_codes":[7000215]. */
export function aadstsCodes(text: string): number[] {
  const codes = new Set<number>();
  for (const m of text.matchAll(/AADSTS(\d{4,7})/g)) codes.add(Number(m[1]));
  for (const m of text.matchAll(/"error_codes"\s{0,20}:\s{0,20}\[([\d,\s]{1,200})\]/g))
    for (const c of (m[1] ?? '').split(',')) if (c.trim()) codes.add(Number(c.trim()));
  return [...codes];
}

/**
 * AADSTS codes the knowledge files do not document yet (every other code is read from there, with
 * its entry's confidence, fix and source).
 */
export const AADSTS_CAUSES: Record<number, CauseId> = {
  53005: 'token.conditional_access',
  530003: 'token.conditional_access',
};
