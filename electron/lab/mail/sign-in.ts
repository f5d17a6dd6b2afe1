// The one step every protocol shares: turn a SASL XOAUTH2 payload into Exchange's decision, with
// the caller's verifier judging the token. A verifier that throws counts as a malformed token.
import type { MailContext } from './mail-context';
import { decideTokenLogin, parseXoauth2 } from './decide';
import type { MailProtocol, SignIn, TokenVerdict } from './types';

export type { SignIn } from './types';

export async function signInWithXoauth2(
  context: MailContext,
  protocol: MailProtocol,
  base64: string,
): Promise<SignIn> {
  const payload = parseXoauth2(base64);
  if (!payload) return { outcome: { kind: 'refused', why: 'malformed-sasl' }, user: null };
  let verdict: TokenVerdict;
  try {
    verdict = await context.verifyToken(payload.token);
  } catch {
    verdict = { ok: false, reason: 'malformed' };
  }
  return { outcome: decideTokenLogin(context.state, protocol, payload.user, verdict), user: payload.user };
}
