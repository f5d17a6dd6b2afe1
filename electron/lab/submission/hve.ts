// The lab's High Volume Email: SMTP submission for one HVE account, as smtp-hve.office365.com:587
// takes it. OAuth: a token of the tenant with the Mail.Send application permission, from an app
// on the account's Allowed Apps list (Add-HVEAppAccess), for user= the HVE account. Or the
// account's own password (basic authentication stays for HVE until September 2028). Recipients
// outside the tenant's domain are refused with 5.5.105 (internal recipients only, since June 2025).
import type { TenantState } from '../state';
import { parseXoauth2, type LoginOutcome, type MailProtocol } from '../mail/decide';
import type { SignIn } from '../mail/sign-in';
import type { SubmissionPolicy, TokenVerdict } from '../mail/servers';
import { HVE_ROLE } from '../../../shared/config/sending-paths';

/** The NDR text a third-party write-up quotes for HVE's external recipients (lab README: assumed). */
export const HVE_EXTERNAL_RECIPIENT =
  '550 5.5.105 External sending is not supported for High Volume Email accounts.';

function words(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return typeof value === 'string' ? value.split(/\s+/) : [];
}

/** An XOAUTH2 sign-in to HVE, judged in the order the checks are documented. */
export async function hveSignIn(
  state: TenantState,
  verify: (token: string) => Promise<TokenVerdict>,
  protocol: MailProtocol,
  base64: string,
): Promise<SignIn> {
  const payload = parseXoauth2(base64);
  if (!payload || protocol !== 'smtp')
    return { outcome: { kind: 'refused', why: 'malformed-sasl' }, user: null };
  const user = payload.user;
  const refused = (why: 'token-invalid' | 'role-missing' | 'not-allowed' | 'wrong-user'): SignIn => ({
    outcome: { kind: 'refused', why },
    user,
  });
  let verdict: TokenVerdict;
  try {
    verdict = await verify(payload.token);
  } catch {
    return refused('token-invalid');
  }
  if (!verdict.ok) return refused('token-invalid');
  const { claims } = verdict;
  if (!words(claims.roles).includes(HVE_ROLE)) return refused('role-missing');
  const appId = typeof claims.appid === 'string' ? claims.appid.toLowerCase() : '';
  if (!state.hve.allowedApps.some((a) => a.toLowerCase() === appId)) return refused('not-allowed');
  const account = state.hve.account.toLowerCase();
  if (user.trim().toLowerCase() !== account) return refused('wrong-user');
  const exp = typeof claims.exp === 'number' ? claims.exp * 1000 : null;
  return { outcome: { kind: 'signed-in', mailbox: account, expiresAtMs: exp }, user };
}

export function hvePolicy(state: TenantState): SubmissionPolicy {
  return {
    passwordSignIn: (user: string, password: string): LoginOutcome =>
      user.trim().toLowerCase() === state.hve.account.toLowerCase() && password === state.hve.password
        ? { kind: 'signed-in', mailbox: state.hve.account.toLowerCase(), expiresAtMs: null }
        : { kind: 'refused', why: 'bad-credentials' },
    refuseRecipient: (address: string) => {
      const domain = address.slice(address.lastIndexOf('@') + 1).toLowerCase();
      return domain === state.domain.toLowerCase() ? null : HVE_EXTERNAL_RECIPIENT;
    },
  };
}
