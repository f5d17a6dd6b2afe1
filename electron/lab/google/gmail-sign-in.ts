// How the lab's Gmail judges an XOAUTH2 sign-in: the token must be one the lab's Google issued,
// still valid, for the mail scope and for the user named in the payload; IMAP must be on for the
// user. A refused token first gets Gmail's error challenge, then "Invalid credentials".
import { parseXoauth2, type MailProtocol } from '../mail/decide';
import { GMAIL_TEXTS, gmailErrorChallenge } from '../mail/gmail-wording';
import type { SignIn } from '../mail/sign-in';
import { GMAIL_SCOPE } from '../../engine/identity/google-token';
import { googleUserOf, type GoogleTokens, type GoogleWorkspaceState } from './workspace';

export function gmailSignIn(
  state: GoogleWorkspaceState,
  tokens: GoogleTokens,
  protocol: MailProtocol,
  base64: string,
  nowMs: number,
): SignIn {
  const payload = parseXoauth2(base64);
  if (!payload) return { outcome: { kind: 'refused', why: 'malformed-sasl' }, user: null };
  const user = payload.user;
  const grant = tokens.lookup(payload.token);
  const refused = (why: 'token-invalid' | 'scope-missing' | 'wrong-user', status: '400' | '401'): SignIn => ({
    outcome: {
      kind: 'refused',
      why,
      challenge: gmailErrorChallenge(status),
      ...(protocol === 'pop3' ? { reply: GMAIL_TEXTS.popTokenRefused } : {}),
    },
    user,
  });
  if (!grant || grant.expiresAtMs <= nowMs) return refused('token-invalid', '401');
  if (!grant.scopes.includes(GMAIL_SCOPE)) return refused('scope-missing', '400');
  if (grant.subject !== user.trim().toLowerCase()) return refused('wrong-user', '400');
  const account = googleUserOf(state, user);
  if (!account) return refused('wrong-user', '400');
  if (protocol === 'imap' && !account.imapEnabled)
    return {
      outcome: { kind: 'refused', why: 'protocol-disabled', reply: GMAIL_TEXTS.imapDisabled },
      user,
    };
  return {
    outcome: { kind: 'signed-in', mailbox: account.address.toLowerCase(), expiresAtMs: grant.expiresAtMs },
    user,
  };
}
