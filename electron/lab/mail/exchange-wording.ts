// Every line the lab's mail servers say that a client or a diagnosis may read, in one place, in
// Exchange Online's own words where they are known. The lab README lists each text with its
// source and whether it is verbatim or assumed; keep the two in step when a text changes here.

/** The backend name in greetings: base64 of its UTF-16LE text, as Exchange shows it. */
export function serverTag(backendName: string): string {
  return Buffer.from(backendName, 'utf16le').toString('base64');
}

/**
 * The 16-digit hex id Exchange Online appends to SMTP replies ("08DBB276B7E699C4"). The observed
 * values grow with the date like .NET ticks do, so the lab derives them from the session's start.
 */
export function exchangeSessionId(startedAtMs: number, sequence: number): string {
  const ticks = BigInt(Math.floor(startedAtMs)) * 10_000n + 621_355_968_000_000_000n + BigInt(sequence);
  return ticks.toString(16).toUpperCase().padStart(16, '0');
}

/** RFC 5322 date as Exchange writes it in the SMTP banner: "Wed, 9 Nov 2022 10:09:41 +0000". */
export function bannerDate(at: Date): string {
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const pad = (n: number): string => String(n).padStart(2, '0');
  return (
    `${days[at.getUTCDay()] ?? 'Mon'}, ${at.getUTCDate()} ${months[at.getUTCMonth()] ?? 'Jan'} ` +
    `${at.getUTCFullYear()} ${pad(at.getUTCHours())}:${pad(at.getUTCMinutes())}:${pad(at.getUTCSeconds())} +0000`
  );
}

/** "Request is throttled" backoff: the observed values are just under five minutes. */
export function throttleBackoffMs(random: () => number = Math.random): number {
  return 150_000 + Math.floor(random() * 150_000);
}

export const IMAP = {
  greeting: (backendName: string) =>
    `* OK The Microsoft Exchange IMAP4 service is ready. [${serverTag(backendName)}]`,
  capabilitiesBeforeLogin:
    'IMAP4 IMAP4rev1 AUTH=PLAIN AUTH=XOAUTH2 SASL-IR UIDPLUS ID UNSELECT CHILDREN IDLE NAMESPACE LITERAL+',
  capabilitiesAfterLogin:
    'IMAP4 IMAP4rev1 AUTH=PLAIN AUTH=XOAUTH2 SASL-IR UIDPLUS MOVE ID UNSELECT CLIENTACCESSRULES ' +
    'CLIENTNETWORKPRESENCELOCATION BACKENDAUTHENTICATE CHILDREN IDLE NAMESPACE LITERAL+',
  completed: (command: string) => `${command} completed.`,
  authenticateFailed: 'AUTHENTICATE failed.',
  loginFailed: 'LOGIN failed.',
  /** The continuation that asks for the SASL payload (and for a literal's bytes). */
  continuation: '+ ',
  literalContinuation: '+ Ready for additional command text.',
  notConnected: 'User is authenticated but not connected.',
  /** Sent after the second "not connected" answer, and the connection closes. */
  notConnectedBye: '* BYE Connection closed. 14',
  invalidState: 'Command received in Invalid state.',
  /** A command line over the length Exchange accepts. */
  commandError: 'Command Error. 10',
  /** A line that is no command Exchange knows. */
  invalidCommand: 'Command Error. 12',
  argumentError: 'Command Argument Error. 11',
  tooLongBye: '* BYE Connection closed.',
  idleTimeoutBye: '* BYE Connection is closed. 13',
  tokenExpiredBye: '* BYE Session invalidated - AccessTokenExpired',
  throttled: (backoffMs: number) => `Request is throttled. Suggested Backoff Time: ${backoffMs} milliseconds`,
  logoutBye: '* BYE Microsoft Exchange Server IMAP4 server signing off.',
  idleContinuation: '+ IDLE accepted, awaiting DONE command.',
  namespace: '* NAMESPACE (("" "/")) NIL NIL',
  noSuchFolder: 'The requested item could not be found.',
  tooManySessions: '* BYE Connection refused. Too many connections.',
  /** After repeated failed sign-ins on one connection. */
  tooManyFailuresBye: '* BYE Connection is closed. 14',
  failed: (command: string) => `${command} failed.`,
  idResponse: '* ID NIL',
} as const;

export const POP3 = {
  greeting: (backendName: string) =>
    `+OK The Microsoft Exchange POP3 service is ready. [${serverTag(backendName)}]`,
  capabilities: ['TOP', 'UIDL', 'SASL PLAIN XOAUTH2', 'USER'] as readonly string[],
  continuation: '+ ',
  authenticated: '+OK User successfully authenticated.',
  authFailed: '-ERR Authentication failure: unknown user name or bad password.',
  logonFailed: '-ERR Logon failure: unknown user name or bad password.',
  /** A command line longer than the server accepts, e.g. AUTH XOAUTH2 with the token inline. */
  tooLong: '-ERR Protocol error. Connection is closed. 10',
  protocolError: '-ERR Protocol error. 14',
  invalidState: '-ERR Command is not valid in this state.',
  serverUnavailable: '-ERR Server Unavailable. 21',
  noSuchMessage: '-ERR The specified message is out of range.',
  signingOff: '+OK Microsoft Exchange Server POP3 server signing off.',
  idleTimeout: '-ERR Connection timed out.',
  tooManySessions: '-ERR Connection refused. Too many connections.',
} as const;

/** The bracketed trailer Exchange Online puts on SMTP errors: "[host 2023-09-12T20:59:57.214Z id]". */
export function smtpTrailer(host: string, at: Date, sessionId: string): string {
  return `[${host} ${at.toISOString()} ${sessionId}]`;
}

export const SMTP = {
  trailer: smtpTrailer,
  greeting: (frontendName: string, at: Date, sessionId: string) =>
    `220 ${frontendName} Microsoft ESMTP MAIL Service ready at ${bannerDate(at)} [${sessionId}]`,
  hello: (frontendName: string, clientIp: string) => `${frontendName} Hello [${clientIp}]`,
  extensionsBeforeTls: [
    'SIZE 157286400',
    'PIPELINING',
    'DSN',
    'ENHANCEDSTATUSCODES',
    'STARTTLS',
    '8BITMIME',
    'BINARYMIME',
    'CHUNKING',
    'SMTPUTF8',
  ] as readonly string[],
  extensionsAfterTls: [
    'SIZE 157286400',
    'PIPELINING',
    'DSN',
    'ENHANCEDSTATUSCODES',
    'AUTH LOGIN XOAUTH2',
    '8BITMIME',
    'BINARYMIME',
    'CHUNKING',
    'SMTPUTF8',
  ] as readonly string[],
  startTls: '220 2.0.0 SMTP server ready',
  authContinuation: '334 ',
  askUsername: '334 VXNlcm5hbWU6',
  askPassword: '334 UGFzc3dvcmQ6',
  authenticated: '235 2.7.0 Authentication successful',
  authFailed: (trailer: string) => `535 5.7.3 Authentication unsuccessful ${trailer}`,
  smtpAuthDisabled: (scope: 'Tenant' | 'Mailbox', trailer: string) =>
    `535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the ${scope}. ` +
    `Visit https://aka.ms/smtp_auth_disabled for more information. ${trailer}`,
  basicAuthDisabled: (trailer: string) =>
    `535 5.7.139 Authentication unsuccessful, basic authentication is disabled. ${trailer}`,
  unknownMechanism: (host: string) => `504 5.7.4 Unrecognized authentication type [${host}]`,
  notAuthenticated: (trailer: string) => `530 5.7.57 Client not authenticated to send mail. ${trailer}`,
  senderOk: '250 2.1.0 Sender OK',
  recipientOk: '250 2.1.5 Recipient OK',
  startData: '354 Start mail input; end with <CRLF>.<CRLF>',
  queued: (messageId: string, mailboxHost: string) => `250 2.0.0 OK ${messageId} [Hostname=${mailboxHost}]`,
  sendAsDenied: (authUser: string, from: string, mailboxHost: string) =>
    `554 5.2.252 SendAsDenied; ${authUser} not allowed to send as ${from}; ` +
    'STOREDRV.Submission.Exception:SendAsDeniedException.MapiExceptionSendAsDenied; ' +
    'Failed to process message due to a permanent exception with message [BeginDiagnosticData]' +
    `Cannot submit message.[EndDiagnosticData] [Hostname=${mailboxHost}]`,
  senderThreadLimit: (mailboxHost: string) =>
    `432 4.3.2 STOREDRV.ClientSubmit; sender thread limit exceeded [Hostname=${mailboxHost}]`,
  unrecognized: (trailer: string) => `500 5.3.3 Unrecognized command 'unknown' ${trailer}`,
  lineTooLong: '500 5.5.2 Line too long',
  syntaxError: '501 5.5.4 Invalid arguments',
  badSequence: '503 5.5.2 Send hello first',
  needMail: '503 5.5.1 Sender not yet given',
  needRecipient: '503 5.5.1 Need rcpt command',
  tooManyRecipients: '452 4.5.3 Too many recipients',
  alreadyAuthenticated: '503 5.5.1 Already authenticated',
  alreadyTls: '503 5.5.1 TLS already active',
  authCancelled: '501 5.0.0 Authentication canceled',
  tooBig: '552 5.3.4 Message size exceeds fixed maximum message size',
  chunkReceived: (octets: number) => `250 2.0.0 ${octets} octets received`,
  reset: '250 2.0.0 Resetting',
  ok: '250 2.0.0 OK',
  cannotVerify: '252 2.1.5 Cannot VRFY user',
  closing: '221 2.0.0 Service closing transmission channel',
  idleTimeout: '421 4.4.1 Connection timed out',
  tooManySessions:
    '421 4.3.2 The maximum number of concurrent server connections has exceeded a limit, closing transmission channel',
} as const;
