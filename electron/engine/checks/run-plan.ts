// Small decisions about a run that the CLI and the app make before loading the engine.
import type { MailProtocol } from '../../../shared/report/model';

/** Which check reads the test message back: IMAP, or POP3 when IMAP is not checked; none without SMTP. */
export function roundtripReader(protocols: readonly MailProtocol[]): 'imap' | 'pop3' | null {
  if (!protocols.includes('smtp')) return null;
  if (protocols.includes('imap')) return 'imap';
  return protocols.includes('pop3') ? 'pop3' : null;
}
