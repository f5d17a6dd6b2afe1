// The lab's simulated Exchange Online mail servers: IMAP (implicit TLS, like
// outlook.office365.com:993), POP3 (implicit TLS, like :995) and SMTP submission (STARTTLS, like
// smtp.office365.com:587), on 127.0.0.1 ephemeral ports, answering from the live tenant state.
import type { TenantState } from '../state';
import type { MailWording } from './mail-wording';
import type { MailProtocol } from './decide';
import type { SignIn } from './sign-in';
import type { LoginOutcome } from './decide';
import type { ServerNames } from './mail-context';
import { DEFAULT_LIMITS } from './limits';
import { runMailServers, runSubmissionServer } from './run-mail-servers';
import type { MailboxStore } from './mailbox-store';

export type TokenVerdict =
  | { ok: true; claims: Record<string, unknown> } // signature, issuer, audience and expiry were checked by the caller
  | {
      ok: false;
      reason: 'malformed' | 'bad-signature' | 'expired' | 'wrong-audience' | 'wrong-issuer' | 'not-yet-valid';
    };

export interface LabMailOptions {
  state: TenantState;
  tls: { keyPem: string; certPem: string }; // server certificate for 127.0.0.1 / localhost issued by the lab CA
  verifyToken(token: string): Promise<TokenVerdict>;
  /** Display name of the backend server, e.g. 'MN2PR01CA0007.namprd01.prod.outlook.com' (used in greetings). */
  backendName?: string;
  /**
   * Another provider's servers (Gmail): their words, how they judge a sign-in, and the names in
   * their greetings. Absent: Exchange Online.
   */
  provider?: LabMailProvider;
  /** Where delivered messages go: shared with another server set, so that its mailboxes see them. */
  store?: MailboxStore;
}

export interface LabMailProvider {
  wording: MailWording;
  signIn(protocol: MailProtocol, base64: string): Promise<SignIn>;
  names: ServerNames;
  /** A submission service's own rules (HVE, ACS): password sign-in, recipients, senders. */
  submission?: SubmissionPolicy;
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

export function startLabMailServers(options: LabMailOptions): Promise<LabMailServers> {
  return runMailServers(options, DEFAULT_LIMITS);
}

/** An SMTP-only submission service (STARTTLS, like port 587) on its own port. */
export function startLabSubmissionServer(options: LabMailOptions): Promise<LabSubmissionServer> {
  return runSubmissionServer(options, DEFAULT_LIMITS);
}
