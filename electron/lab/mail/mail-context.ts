// What every protocol session of the lab shares: the live tenant state, the token verifier, the
// mail store, the limits and the server names that appear in greetings and replies.
import type { TenantState } from '../state';
import type { MailLimits } from './limits';
import type { MailboxStore } from './mailbox-store';
import type { SubmissionPolicy, TokenVerdict } from './servers';
import { exchangeSessionId } from './exchange-wording';
import type { MailWording } from './mail-wording';
import type { MailProtocol } from './decide';
import type { SignIn } from './sign-in';

export interface ServerNames {
  /** The backend named in IMAP/POP3 greeting tags and SMTP error trailers. */
  backend: string;
  /** The front end that greets on SMTP: "<label>.outlook.office365.com". */
  frontend: string;
  /** The mailbox server of "[Hostname=...]", upper-cased as Exchange Online shows it. */
  mailboxHost: string;
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
