// The lab mail servers' shared types: what a sign-in decides, what a token verifier answers, what
// the servers hold and hand out. Declarations only, and no import of this folder, so that every
// other module can import from here without a cycle (a unit test keeps it so). The types that name
// the mailbox store or the wording (MailContext, LabMailOptions) are in mail-context.ts.

export type MailProtocol = 'imap' | 'pop3' | 'smtp';

/** Why a sign-in was refused. Exchange never says which: the wire only shows a generic failure. */
export type RefusalReason =
  | 'malformed-sasl'
  | 'token-invalid'
  | 'role-missing'
  | 'service-principal-missing'
  | 'service-principal-mismatch'
  | 'mailbox-unknown'
  | 'no-full-access'
  | 'protocol-disabled'
  | 'basic-auth-disabled'
  /** RBAC for Applications grants SMTP, but its management scope leaves this mailbox out. */
  | 'rbac-scope-excludes-mailbox'
  /** A user's token without the protocol's delegated scope. */
  | 'scope-missing'
  /** A user's token presented for another person's mailbox. */
  | 'wrong-user'
  /** A submission service (HVE, ACS) does not let this app or this user name in. */
  | 'not-allowed'
  /** A user name and password the service does not accept. */
  | 'bad-credentials';

export type LoginOutcome =
  | { kind: 'signed-in'; mailbox: string; expiresAtMs: number | null }
  /** IMAP only: AUTHENTICATE succeeds, then the mailbox cannot be opened. */
  | { kind: 'signed-in-not-connected'; mailbox: string; why: 'no-full-access' | 'protocol-disabled' }
  /**
   * Refused. Gmail first sends an error challenge (base64 JSON) and waits for the client's empty
   * response; `reply` replaces the server's generic failure text when the provider says more.
   */
  | { kind: 'refused'; why: RefusalReason; challenge?: string; reply?: string }
  | { kind: 'smtp-auth-disabled'; scope: 'Tenant' | 'Mailbox' }
  /** POP3 only: the token is fine but the backend will not serve the mailbox now. */
  | { kind: 'throttled' };

export type TokenVerdict =
  | { ok: true; claims: Record<string, unknown> } // signature, issuer, audience and expiry were checked by the caller
  | {
      ok: false;
      reason: 'malformed' | 'bad-signature' | 'expired' | 'wrong-audience' | 'wrong-issuer' | 'not-yet-valid';
    };

export interface SignIn {
  outcome: LoginOutcome;
  /** The `user=` of the payload, when it could be read. */
  user: string | null;
}

export interface ServerNames {
  /** The backend named in IMAP/POP3 greeting tags and SMTP error trailers. */
  backend: string;
  /** The front end that greets on SMTP: "<label>.outlook.office365.com". */
  frontend: string;
  /** The mailbox server of "[Hostname=...]", upper-cased as Exchange Online shows it. */
  mailboxHost: string;
}

/**
 * How a submission-only service (HVE, ACS) judges what Exchange Online's rules would otherwise.
 * A message it accepts is not held to Exchange's Send As rules: the lab knows no wording of
 * either service for a refused sender.
 */
export interface SubmissionPolicy {
  /** AUTH LOGIN: the service's decision on this user name and password. */
  passwordSignIn(user: string, password: string): LoginOutcome;
  /** The reply that refuses RCPT TO this address, or null to accept it. */
  refuseRecipient(address: string): string | null;
}

/** One SMTP submission listener (HVE, ACS), delivering into a store it may share with others. */
export interface LabSubmissionServer {
  port: number;
  close(): Promise<void>;
}

export interface LabMessage {
  messageId: string;
  raw: string;
  receivedAt: number;
  from: string;
  to: string[];
}

export interface LabMailServers {
  ports: { imap: number; pop3: number; smtp: number };
  /** Messages delivered into each mailbox (lower-case address), bounded (e.g. 500 per mailbox). */
  messages(mailbox: string): LabMessage[];
  close(): Promise<void>; // closes listeners AND open sessions; idempotent
}
