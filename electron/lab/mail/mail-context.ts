// What every protocol session of the lab shares: the live tenant state, the token verifier, the
// mail store, the limits and the server names that appear in greetings and replies; and what the
// servers are started with (LabMailOptions). The types that name neither the store nor the
// wording are in types.ts.
import type { TenantState } from '../state';
import type { MailLimits } from './limits';
import type { MailboxStore } from './mailbox-store';
import { exchangeSessionId } from './exchange-wording';
import type { MailWording } from './mail-wording';
import type { MailProtocol, ServerNames, SignIn, SubmissionPolicy, TokenVerdict } from './types';

export type { ServerNames } from './types';

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

export interface MailContext {
  /** Read per connection and per command: the lab may flip switches while sessions are open. */
  state: TenantState;
  verifyToken(token: string): Promise<TokenVerdict>;
  store: MailboxStore;
  limits: MailLimits;
  names: ServerNames;
  now(): number;
  /** A new Exchange-style session id for a connection starting now. */
  newSessionId(): string;
  /** The words of the provider played. */
  wording: MailWording;
  /** A SASL XOAUTH2 (or OAUTHBEARER) payload judged as the provider played would judge it. */
  signIn(protocol: MailProtocol, base64: string): Promise<SignIn>;
  /** A submission service's own rules (HVE, ACS); absent: Exchange Online's. */
  submission?: SubmissionPolicy;
}

export function serverNames(backendName: string): ServerNames {
  const label = backendName.split('.')[0] ?? backendName;
  return {
    backend: backendName,
    frontend: `${label}.outlook.office365.com`,
    mailboxHost: backendName.toUpperCase(),
  };
}

export function sessionIdSource(now: () => number): () => string {
  let sequence = 0;
  return () => {
    sequence += 1;
    return exchangeSessionId(now(), sequence);
  };
}
