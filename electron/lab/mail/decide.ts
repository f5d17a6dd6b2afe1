// How Exchange Online decides a sign-in and a submission, as pure functions of the tenant state,
// the SASL user and the caller's verdict on the token. The servers only turn these outcomes into
// words (exchange-wording.ts); the lab README has the table with the sources.
import type { MailboxState, TenantState } from '../state';
import type { LoginOutcome, MailProtocol, TokenVerdict } from './types';

export type { LoginOutcome, MailProtocol, RefusalReason } from './types';

export const ROLE_FOR: Record<MailProtocol, 'IMAP.AccessAsApp' | 'POP.AccessAsApp' | 'SMTP.SendAsApp'> = {
  imap: 'IMAP.AccessAsApp',
  pop3: 'POP.AccessAsApp',
  smtp: 'SMTP.SendAsApp',
};

export interface Xoauth2Payload {
  user: string;
  token: string;
}

/**
 * Decodes a SASL XOAUTH2 initial response: base64 of "user=<u>\x01auth=Bearer <t>\x01\x01".
 * Returns null for anything else, which Exchange answers with the generic failure.
 */
export function parseXoauth2(base64: string): Xoauth2Payload | null {
  const trimmed = base64.trim();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed)) return null;
  const text = Buffer.from(trimmed, 'base64').toString('utf8');
  let user: string | null = null;
  let token: string | null = null;
  for (const field of text.split('\x01')) {
    if (field.startsWith('user=')) user = field.slice(5);
    else if (/^auth=Bearer /i.test(field)) token = field.slice(12).trim();
  }
  if (!user || !token) return null;
  return { user, token };
}

/** The authcid and password of a SASL PLAIN response (authzid\0authcid\0password), or null. */
export function parsePlain(base64: string): { user: string; password: string } | null {
  const trimmed = base64.trim();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed)) return null;
  const parts = Buffer.from(trimmed, 'base64').toString('utf8').split('\0');
  if (parts.length !== 3) return null;
  return { user: parts[1] ?? '', password: parts[2] ?? '' };
}

export function mailboxOf(state: TenantState, address: string): MailboxState | null {
  const wanted = address.trim().toLowerCase();
  for (const [key, mailbox] of Object.entries(state.mailboxes)) {
    if (key.toLowerCase() === wanted || mailbox.address.toLowerCase() === wanted) return mailbox;
  }
  return null;
}

function rolesOf(claims: Record<string, unknown>): string[] {
  const roles = claims.roles;
  return Array.isArray(roles) ? roles.filter((r): r is string => typeof r === 'string') : [];
}

function expiryOf(claims: Record<string, unknown>): number | null {
  return typeof claims.exp === 'number' ? claims.exp * 1000 : null;
}

/**
 * What Test-ServicePrincipalAuthorization says of the app's "Application SMTP.SendAsApp" role for
 * a mailbox: held with a scope that includes it, with one that leaves it out, or not held.
 */
export function smtpRbacStatus(state: TenantState, address: string): 'in-scope' | 'out-of-scope' | 'none' {
  if (!state.smtpRbac) return 'none';
  const scope = state.smtpRbac.scope;
  const wanted = address.trim().toLowerCase();
  return scope === 'organization' || scope.some((a) => a.toLowerCase() === wanted)
    ? 'in-scope'
    : 'out-of-scope';
}

/**
 * The SMTP AUTH switches. A mailbox's own Set-CASMailbox setting wins over the tenant's
 * (Microsoft: the per-mailbox setting overrides the organization-wide one).
 */
function smtpAuthDisabled(state: TenantState, mailbox: MailboxState | null): 'Tenant' | 'Mailbox' | null {
  if (mailbox?.smtpClientAuthenticationDisabled) return 'Mailbox';
  if (state.smtpAuthDisabledForTenant) return 'Tenant';
  return null;
}

export const SCOPE_FOR: Record<MailProtocol, 'IMAP.AccessAsUser.All' | 'POP.AccessAsUser.All' | 'SMTP.Send'> =
  {
    imap: 'IMAP.AccessAsUser.All',
    pop3: 'POP.AccessAsUser.All',
    smtp: 'SMTP.Send',
  };

/**
 * An XOAUTH2 sign-in with a user's (delegated) token: the protocol's scope, then the person: the
 * token opens its own user's mailbox (the lab models no delegation between users).
 */
function decideDelegatedLogin(
  state: TenantState,
  protocol: MailProtocol,
  user: string,
  claims: Record<string, unknown>,
): LoginOutcome {
  const scopes = String(claims.scp).split(' ');
  if (!scopes.includes(SCOPE_FOR[protocol])) return { kind: 'refused', why: 'scope-missing' };
  const mailbox = mailboxOf(state, user);
  if (!mailbox) return { kind: 'refused', why: 'mailbox-unknown' };
  const owner = [claims.upn, claims.unique_name, claims.preferred_username].find(
    (v): v is string => typeof v === 'string',
  );
  if (owner?.toLowerCase() !== mailbox.address.toLowerCase()) return { kind: 'refused', why: 'wrong-user' };
  if (protocol === 'smtp') {
    const disabled = smtpAuthDisabled(state, mailbox);
    if (disabled) return { kind: 'smtp-auth-disabled', scope: disabled };
  }
  const enabled = protocol === 'imap' ? mailbox.imapEnabled : protocol === 'pop3' ? mailbox.popEnabled : true;
  if (!enabled)
    return protocol === 'imap'
      ? { kind: 'signed-in-not-connected', mailbox: mailbox.address.toLowerCase(), why: 'protocol-disabled' }
      : { kind: 'refused', why: 'protocol-disabled' };
  return { kind: 'signed-in', mailbox: mailbox.address.toLowerCase(), expiresAtMs: expiryOf(claims) };
}

/** An XOAUTH2 sign-in with an app-only token: what Exchange does, in the order it checks. */
export function decideTokenLogin(
  state: TenantState,
  protocol: MailProtocol,
  user: string,
  verdict: TokenVerdict,
): LoginOutcome {
  if (!verdict.ok) return { kind: 'refused', why: 'token-invalid' };
  if (typeof verdict.claims.scp === 'string')
    return decideDelegatedLogin(state, protocol, user, verdict.claims);
  const mailbox = mailboxOf(state, user);
  if (protocol === 'smtp') {
    const disabled = smtpAuthDisabled(state, mailbox);
    if (disabled) return { kind: 'smtp-auth-disabled', scope: disabled };
  }
  const claims = verdict.claims;
  const viaRbac = protocol === 'smtp' && !rolesOf(claims).includes(ROLE_FOR.smtp) && state.smtpRbac !== null;
  if (!viaRbac && !rolesOf(claims).includes(ROLE_FOR[protocol]))
    return { kind: 'refused', why: 'role-missing' };
  const principal = state.exchangeServicePrincipal;
  if (!principal) return { kind: 'refused', why: 'service-principal-missing' };
  if (typeof claims.oid !== 'string' || principal.objectId.toLowerCase() !== claims.oid.toLowerCase())
    return { kind: 'refused', why: 'service-principal-mismatch' };
  if (!mailbox) return { kind: 'refused', why: 'mailbox-unknown' };
  // RBAC for Applications: the role assignment's scope decides; no mailbox permission is needed
  // (Microsoft's SMTP onboarding to App RBAC).
  if (viaRbac)
    return smtpRbacStatus(state, mailbox.address) === 'in-scope'
      ? { kind: 'signed-in', mailbox: mailbox.address.toLowerCase(), expiresAtMs: expiryOf(claims) }
      : { kind: 'refused', why: 'rbac-scope-excludes-mailbox' };
  const address = mailbox.address.toLowerCase();
  const protocolEnabled =
    protocol === 'imap' ? mailbox.imapEnabled : protocol === 'pop3' ? mailbox.popEnabled : true;
  if (protocol === 'imap') {
    // Exchange accepts the token, then cannot open the mailbox for the app: every later command
    // is refused with "User is authenticated but not connected."
    if (!protocolEnabled)
      return { kind: 'signed-in-not-connected', mailbox: address, why: 'protocol-disabled' };
    if (!mailbox.fullAccessForApp)
      return { kind: 'signed-in-not-connected', mailbox: address, why: 'no-full-access' };
  } else {
    if (!protocolEnabled) return { kind: 'refused', why: 'protocol-disabled' };
    if (!mailbox.fullAccessForApp) return { kind: 'refused', why: 'no-full-access' };
  }
  if (protocol === 'pop3' && state.throttled) return { kind: 'throttled' };
  return { kind: 'signed-in', mailbox: address, expiresAtMs: expiryOf(claims) };
}

/**
 * A password sign-in (IMAP LOGIN / AUTHENTICATE PLAIN, POP3 USER+PASS / AUTH PLAIN, SMTP AUTH
 * LOGIN): basic authentication is off in Exchange Online, so it always fails; SMTP first says
 * when SMTP AUTH itself is off.
 */
/** Exchange Online's answer to a password on client submission once basic SMTP AUTH is retired. */
export const BASIC_AUTH_RETIRED = '550 5.7.30 Basic authentication is not supported for Client Submission.';

export function decidePasswordLogin(state: TenantState, protocol: MailProtocol, user: string): LoginOutcome {
  if (protocol === 'smtp') {
    const disabled = smtpAuthDisabled(state, mailboxOf(state, user));
    if (disabled) return { kind: 'smtp-auth-disabled', scope: disabled };
    if (state.smtpBasicAuth === 'retired')
      return { kind: 'refused', why: 'basic-auth-disabled', reply: BASIC_AUTH_RETIRED };
  }
  return { kind: 'refused', why: 'basic-auth-disabled' };
}

export type SubmissionOutcome =
  { kind: 'accepted' } | { kind: 'throttled' } | { kind: 'send-as-denied'; from: string };

/**
 * The checks Exchange makes when a submitted message is complete (after the final "." of DATA):
 * throttling, then Send As for every sender address that is not the signed-in mailbox.
 */
export function decideSubmission(
  state: TenantState,
  signedIn: string,
  senders: readonly string[],
): SubmissionOutcome {
  if (state.throttled) return { kind: 'throttled' };
  const self = signedIn.toLowerCase();
  for (const sender of senders) {
    const address = sender.toLowerCase();
    if (address === '' || address === self) continue;
    if (!mailboxOf(state, address)?.sendAsForApp) return { kind: 'send-as-denied', from: sender };
  }
  return { kind: 'accepted' };
}

/** Whether a signed-in session's token has run out (Exchange ends the session at the next command). */
export function tokenExpired(expiresAtMs: number | null, nowMs: number): boolean {
  return expiresAtMs !== null && nowMs >= expiresAtMs;
}
