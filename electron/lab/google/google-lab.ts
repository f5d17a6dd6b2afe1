// The lab's Google Workspace tenant at run time: Gmail-like IMAP, POP3 and SMTP servers judging
// the tokens of the lab's Google token endpoint (served by the lab's HTTPS server).
import { demoState } from '../scenarios';
import type { TenantState } from '../state';
import { startLabMailServers, type LabMailServers } from '../mail/servers';
import { GMAIL_WORDING } from '../mail/gmail-wording';
import { gmailSignIn } from './gmail-sign-in';
import type { GoogleTokens, GoogleWorkspaceState } from './workspace';

/** The mail side of the Google tenant: the same mailbox model as the Microsoft one, its users. */
function gmailMailState(google: GoogleWorkspaceState): TenantState {
  const state = demoState();
  state.domain = google.domain;
  state.mailboxes = {};
  for (const user of Object.values(google.users))
    state.mailboxes[user.address] = {
      address: user.address,
      displayName: user.address,
      fullAccessForApp: true,
      sendAsForApp: true,
      imapEnabled: user.imapEnabled,
      popEnabled: true,
      smtpClientAuthenticationDisabled: false,
      restEnabled: true,
    };
  return state;
}

export function startGmailServers(
  google: GoogleWorkspaceState,
  tokens: GoogleTokens,
  tls: { keyPem: string; certPem: string },
): Promise<LabMailServers> {
  return startLabMailServers({
    state: gmailMailState(google),
    tls,
    // Gmail's tokens are opaque: the sign-in looks them up, no JWT is verified.
    verifyToken: () => Promise.resolve({ ok: false, reason: 'malformed' }),
    provider: {
      wording: GMAIL_WORDING,
      signIn: (protocol, base64) =>
        Promise.resolve(gmailSignIn(google, tokens, protocol, base64, Date.now())),
      names: { backend: '127.0.0.1 lab01mb0001', frontend: 'smtp.gmail.com', mailboxHost: 'gsmtp' },
    },
  });
}
