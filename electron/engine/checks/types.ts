import type { EndpointTarget, MailProtocol, SaslMechanism } from '../../../shared/report/model';
import type { FamilyPreference } from '../wire/connect';
import type { Timeouts, WireLimits } from '../wire/limits';
import type { TlsSettings } from '../wire/tls';
import type { SaslCredentials } from '../protocols/sasl';
import type { SecretSet } from '../wire/secrets';
import type { ProxyPlan } from '../wire/proxy';

export interface TestMessage {
  from: string;
  to: string;
  subject: string;
  text: string;
}

export interface NetworkSettings {
  timeouts: Timeouts;
  tls: TlsSettings;
  limits: WireLimits;
  family: FamilyPreference;
  /** The proxies of the run (identity endpoint, mail connections); DIRECT when none. */
  proxy: ProxyPlan;
}

/** Everything one protocol check needs. Secrets live only in `credentials`. */
export interface CheckInput {
  protocol: MailProtocol;
  endpoint: EndpointTarget;
  credentials: SaslCredentials;
  mechanism: SaslMechanism;
  network: NetworkSettings;
  /** SMTP: the envelope of the MAIL FROM / RCPT TO probe, and a message to send instead. */
  smtp?: { from: string; probeRecipient: string; message?: TestMessage };
  secrets: SecretSet;
  /**
   * IMAP only: after the mailbox step, wait for the SMTP check's test message and find it by its
   * Message-ID (the round trip). `sent` resolves when the SMTP check is done (null: nothing sent).
   */
  roundtrip?: { sent: Promise<{ messageId: string; sentAt: number } | null>; budgetMs: number };
  /** The access token's exp (seconds since the epoch), when known: sessions that outlive it are checked. */
  tokenExpiresAt?: number;
  clock: () => number;
  signal?: AbortSignal;
}
