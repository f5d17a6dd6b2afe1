// Bounds that keep a hostile or broken client from hanging, crashing or bloating the lab. Some
// double as Exchange behaviour: Exchange refuses an over-long command line, which is why a POP3
// AUTH XOAUTH2 with the token on the command line fails there.

export interface MailLimits {
  /** Longest line any protocol accepts where no tighter bound applies (SMTP, SASL responses). */
  lineBytes: number;
  /** Longest IMAP command line before Exchange answers "BAD Command Error. 10" and hangs up. */
  imapCommandBytes: number;
  /** Longest POP3 command line before "-ERR Protocol error. Connection is closed. 10". */
  pop3CommandBytes: number;
  /** Largest sum of the IMAP literals of one command (APPEND message, LOGIN strings...). */
  literalBytes: number;
  /** Largest message accepted by SMTP DATA / BDAT and IMAP APPEND. */
  messageBytes: number;
  /** A session with no bytes from the client for this long is closed. */
  idleMs: number;
  /** Open sessions per protocol; more are turned away at the greeting. */
  sessionsPerProtocol: number;
  /** Messages kept per folder; the oldest go first. */
  messagesPerFolder: number;
}

export const DEFAULT_LIMITS: MailLimits = {
  lineBytes: 64 * 1024,
  imapCommandBytes: 10_240,
  pop3CommandBytes: 512,
  literalBytes: 10 * 1024 * 1024,
  messageBytes: 10 * 1024 * 1024,
  idleMs: 5 * 60_000,
  sessionsPerProtocol: 32,
  messagesPerFolder: 500,
};
