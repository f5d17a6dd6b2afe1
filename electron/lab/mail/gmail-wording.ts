// What the lab's Gmail says: greetings, capabilities and refusals in Gmail's own words where they
// are known (the lab README lists each text with its source). Gmail features the lab does not
// implement (COMPRESS, CONDSTORE, X-GM-EXT-1 after sign-in) are not advertised after sign-in, so a
// client never asks for them; texts of situations that Gmail's sessions in the lab never reach
// keep the generic wording of the shared table.
import { IMAP, POP3, SMTP } from './exchange-wording';
import type { MailWording } from './mail-wording';

/** The error challenge Gmail sends before refusing a token (base64 of a small JSON object). */
export function gmailErrorChallenge(status: '400' | '401', scope = 'https://mail.google.com/'): string {
  return Buffer.from(JSON.stringify({ status, schemes: 'Bearer', scope }), 'utf8').toString('base64');
}

export const GMAIL_TEXTS = {
  imapInvalidCredentials: '[AUTHENTICATIONFAILED] Invalid credentials (Failure)',
  /** The Workspace admin turned IMAP off (Gmail > End User Access) for the user's unit. */
  imapDisabled: '[ALERT] IMAP access is disabled for your domain.',
  imapAppPassword:
    '[ALERT] Application-specific password required: https://support.google.com/accounts/answer/185833 (Failure)',
  popAuthFailed: '-ERR [AUTH] Username and password not accepted.',
  /** After the error challenge of a refused XOAUTH2 sign-in (one public source: assumed). */
  popTokenRefused: '-ERR [AUTH] Invalid credentials.',
  smtpBadCredentials: (id: string) =>
    `535-5.7.8 Username and Password not accepted. For more information, go to\r\n535 5.7.8  https://support.google.com/mail/?p=BadCredentials ${id} - gsmtp`,
  smtpAppPassword: (id: string) =>
    `534-5.7.9 Application-specific password required. For more information, go to\r\n534 5.7.9  https://support.google.com/mail/?p=InvalidSecondFactor ${id} - gsmtp`,
} as const;

export const GMAIL_WORDING: MailWording = {
  imap: {
    ...IMAP,
    greeting: (peer: string) => `* OK Gimap ready for requests from ${peer}`,
    capabilitiesBeforeLogin:
      'IMAP4rev1 UNSELECT IDLE NAMESPACE QUOTA ID XLIST CHILDREN X-GM-EXT-1 XYZZY SASL-IR AUTH=XOAUTH2 AUTH=PLAIN AUTH=PLAIN-CLIENTTOKEN AUTH=OAUTHBEARER AUTH=XOAUTH',
    capabilitiesAfterLogin: 'IMAP4rev1 UNSELECT IDLE NAMESPACE ID CHILDREN UIDPLUS MOVE',
    completed: () => 'Success',
    authenticateFailed: GMAIL_TEXTS.imapInvalidCredentials,
    loginFailed: GMAIL_TEXTS.imapAppPassword,
    logoutBye: '* BYE LOGOUT Requested',
    failed: () => 'Failure',
  },
  pop3: {
    ...POP3,
    greeting: (peer: string) => `+OK Gpop ready for requests from ${peer}`,
    capabilities: [
      'USER',
      'RESP-CODES',
      'EXPIRE 0',
      'LOGIN-DELAY 300',
      'TOP',
      'UIDL',
      'X-GOOGLE-RICO',
      'SASL PLAIN XOAUTH2 OAUTHBEARER',
    ],
    authenticated: '+OK Welcome.',
    authFailed: GMAIL_TEXTS.popAuthFailed,
    logonFailed: GMAIL_TEXTS.popAuthFailed,
    signingOff: '+OK Farewell.',
  },
  smtp: {
    ...SMTP,
    /** Gmail ends its replies with a session id and "- gsmtp". */
    trailer: (_host: string, _at: Date, id: string) => id,
    greeting: (host: string, _at: Date, id: string) => `220 ${host} ESMTP ${id} - gsmtp`,
    hello: (host: string, clientIp: string) => `${host} at your service, [${clientIp}]`,
    extensionsBeforeTls: [
      'SIZE 35882577',
      '8BITMIME',
      'STARTTLS',
      'ENHANCEDSTATUSCODES',
      'PIPELINING',
      'CHUNKING',
      'SMTPUTF8',
    ],
    // Gmail offers more mechanisms (PLAIN, PLAIN-CLIENTTOKEN, OAUTHBEARER, XOAUTH); the lab's
    // submission server speaks LOGIN and XOAUTH2, and offers just those.
    extensionsAfterTls: [
      'SIZE 35882577',
      '8BITMIME',
      'AUTH LOGIN XOAUTH2',
      'ENHANCEDSTATUSCODES',
      'PIPELINING',
      'CHUNKING',
      'SMTPUTF8',
    ],
    startTls: '220 2.0.0 Ready to start TLS',
    authenticated: '235 2.7.0 Accepted',
    authFailed: (trailer: string) => GMAIL_TEXTS.smtpBadCredentials(trailer),
    basicAuthDisabled: (trailer: string) => GMAIL_TEXTS.smtpAppPassword(trailer),
    notAuthenticated: (id: string) =>
      `530-5.7.0 Authentication Required. For more information, go to\r\n530 5.7.0  https://support.google.com/mail/?p=WantAuthError ${id} - gsmtp`,
    senderOk: '250 2.1.0 OK',
    recipientOk: '250 2.1.5 OK',
    startData: '354 Go ahead',
    queued: (messageId: string, host: string) => `250 2.0.0 OK  ${messageId} - gsmtp (${host})`,
    closing: '221 2.0.0 closing connection',
  },
};
