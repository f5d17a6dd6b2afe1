// The lab's Azure Communication Services SMTP (smtp.azurecomm.net:587): AUTH LOGIN with the user
// name <resource>.<application id>.<tenant id> (dot or pipe) and one of the app's client secrets
// as the password; the app must hold a sending role on the resource. Every refusal is the same
// 535 5.7.3, as ACS words it. Recipients anywhere are accepted (ACS sends to the internet); the
// lab's own mailboxes receive theirs.
import type { TenantState } from '../state';
import type { LoginOutcome } from '../mail/decide';
import type { SubmissionPolicy } from '../mail/servers';
import type { SignIn } from '../mail/sign-in';

/** The resource, app and tenant a user name names, or null when it is not the three-part form. */
function partsOf(name: string): { resource: string; appId: string; tenantId: string } | null {
  const parts = name.trim().split(name.includes('|') ? '|' : '.');
  if (parts.length !== 3) return null;
  const [resource = '', appId = '', tenantId = ''] = parts;
  return { resource, appId, tenantId };
}

export function acsPasswordSignIn(state: TenantState, user: string, password: string): LoginOutcome {
  const refused: LoginOutcome = { kind: 'refused', why: 'bad-credentials' };
  const named = partsOf(user);
  if (!named) return refused;
  const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();
  const { app } = state;
  if (!same(named.resource, state.acs.resource) || !same(named.tenantId, state.tenantId)) return refused;
  if (!app.exists || !app.enabled || !same(named.appId, app.clientId)) return refused;
  if (password !== app.secret.value || app.secret.expired) return refused;
  if (!state.acs.roleHolders.some((holder) => same(holder, app.clientId)))
    return { kind: 'refused', why: 'not-allowed' };
  return { kind: 'signed-in', mailbox: user.trim().toLowerCase(), expiresAtMs: null };
}

export function acsPolicy(state: TenantState): SubmissionPolicy {
  return {
    passwordSignIn: (user, password) => acsPasswordSignIn(state, user, password),
    refuseRecipient: () => null,
  };
}

/** ACS's OAuth sign-in wants a token for https://communication.azure.com, which the lab does not issue. */
export function acsTokenSignIn(): Promise<SignIn> {
  return Promise.resolve({ outcome: { kind: 'refused', why: 'token-invalid' }, user: null });
}
