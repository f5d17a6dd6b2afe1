// curl doing the same work as a MailProbe check, for the benchmarks' side-by-side figures: an
// XOAUTH2 login over implicit TLS, then EXAMINE INBOX (IMAP), STAT (POP3) or a message (SMTP).
import type { MailProtocol } from '../../shared/report/model';
import type { DovecotHarness } from '../integration/support/dovecot';

export function curlLoginArgs(
  d: DovecotHarness,
  protocol: MailProtocol,
  token: string,
  message: string,
  port: number,
  host: string = d.host,
): string[] {
  const common = [
    '-s',
    '--cacert',
    d.caFile,
    '--user',
    `${d.users.oauth}:`,
    '--oauth2-bearer',
    token,
    '--login-options',
    'AUTH=XOAUTH2',
  ];
  switch (protocol) {
    case 'imap':
      return [...common, `imaps://${host}:${port}/`, '-X', 'EXAMINE INBOX'];
    case 'pop3':
      return [...common, `pop3s://${host}:${port}/`, '-X', 'STAT', '-I'];
    case 'smtp':
      return [
        ...common,
        `smtps://${host}:${port}`,
        '--mail-from',
        d.users.oauth,
        '--mail-rcpt',
        d.users.other,
        '-T',
        message,
      ];
  }
}
