// Default bounds for every network wait and every buffer. A hostile or broken server must not
// be able to hang the app, or make it hold more than these.

export interface Timeouts {
  /** TCP connect (and the TLS handshake of implicit TLS), per run of a check. */
  connectMs: number;
  /** From connected to the server's first line. */
  greetingMs: number;
  /** Any later command's answer. */
  commandMs: number;
}

export const DEFAULT_TIMEOUTS: Timeouts = { connectMs: 10_000, greetingMs: 15_000, commandMs: 30_000 };

export interface WireLimits {
  /** Longest line accepted from a server before the connection is dropped. */
  maxLineBytes: number;
  /** Most transcript entries kept for one check; a marker says when more were dropped. */
  maxTranscriptEntries: number;
  /** Longest text of one transcript entry; longer ones are cut with a marker. */
  maxEntryChars: number;
}

export const DEFAULT_LIMITS: WireLimits = {
  maxLineBytes: 64 * 1024,
  maxTranscriptEntries: 20_000,
  maxEntryChars: 4_000,
};
