// What each of the Demo tenant's scenarios breaks, in one line, and the group it is shown in. The
// ids are the lab's (electron/lab/state.ts, SCENARIOS): a unit test keeps the two lists equal.

export type ScenarioGroup =
  | 'healthy'
  | 'token'
  | 'exchange-grants'
  | 'account-policy'
  | 'delegated'
  | 'graph'
  | 'sending-paths'
  | 'network'
  | 'google';

/** The groups in the order the menu shows them, with their headings. */
export const SCENARIO_GROUPS: ReadonlyArray<{ id: ScenarioGroup; label: string }> = [
  { id: 'healthy', label: 'Nothing broken' },
  { id: 'token', label: 'Token and app registration' },
  { id: 'exchange-grants', label: 'Exchange grants' },
  { id: 'account-policy', label: 'Account and tenant policy' },
  { id: 'delegated', label: 'A person signs in' },
  { id: 'graph', label: 'Microsoft Graph' },
  { id: 'sending-paths', label: 'Sending paths (HVE, ACS)' },
  { id: 'network', label: 'Network and proxy' },
  { id: 'google', label: 'Google Workspace' },
];

export interface ScenarioEntry {
  group: ScenarioGroup;
  /** A short name for the menu. */
  title: string;
  /** One line: what the scenario breaks (or that it breaks nothing). */
  breaks: string;
}

export const SCENARIO_CATALOG = {
  healthy: {
    group: 'healthy',
    title: 'Healthy tenant',
    breaks: 'Nothing: the token, IMAP, POP3 and SMTP all pass',
  },
  'secret-invalid': {
    group: 'token',
    title: "Secret's ID sent as the secret",
    breaks: "The app sends the client secret's ID instead of its value: no token (AADSTS7000215)",
  },
  'secret-expired': {
    group: 'token',
    title: 'Client secret expired',
    breaks: "The app registration's secret is past its end date: no token (AADSTS7000222)",
  },
  'app-not-found': {
    group: 'token',
    title: 'App not in the tenant',
    breaks: 'The client id names no app in this tenant: no token (AADSTS700016)',
  },
  'tenant-not-found': {
    group: 'token',
    title: 'Tenant name mistyped',
    breaks: 'The app names a tenant that does not exist: no token (AADSTS90002)',
  },
  'no-admin-consent': {
    group: 'token',
    title: 'No admin consent',
    breaks: 'Nobody granted admin consent: the token carries no IMAP, POP or SMTP role',
  },
  'graph-scope': {
    group: 'token',
    title: "Token asked for Graph's resource",
    breaks: 'The app asks for graph.microsoft.com/.default: Exchange refuses the token at sign-in',
  },
  'token-expires-mid-session': {
    group: 'token',
    title: 'Token expires mid-session',
    breaks: 'Tokens live 2 seconds: a long session is cut off once the token has expired',
  },
  'no-service-principal': {
    group: 'exchange-grants',
    title: 'No Exchange service principal',
    breaks: 'New-ServicePrincipal was never run: Exchange knows no such app, sign-in fails',
  },
  'wrong-object-id': {
    group: 'exchange-grants',
    title: "Service principal with the app's object id",
    breaks: "Exchange registered the app's object id, not the enterprise app's: sign-in fails",
  },
  'no-mailbox-permission': {
    group: 'exchange-grants',
    title: 'No mailbox permission',
    breaks: 'The app was never given FullAccess on the mailbox: sign-in succeeds nowhere',
  },
  'send-as-denied': {
    group: 'exchange-grants',
    title: 'Send As denied',
    breaks: 'The app sends as the shared mailbox without SendAs on it: 554 5.2.252 SendAsDenied',
  },
  'rbac-smtp': {
    group: 'exchange-grants',
    title: 'SMTP through RBAC for Applications',
    breaks: 'SMTP is granted by an RBAC role, not SMTP.SendAsApp: the token has no SMTP role',
  },
  'rbac-scope-excludes-mailbox': {
    group: 'exchange-grants',
    title: 'RBAC scope leaves the mailbox out',
    breaks: "The RBAC management scope holds the shared mailbox only: SMTP refused for Alice's",
  },
  'imap-disabled': {
    group: 'account-policy',
    title: 'IMAP off for the mailbox',
    breaks: 'Set-CASMailbox -ImapEnabled $false: the IMAP sign-in is refused',
  },
  'pop-disabled': {
    group: 'account-policy',
    title: 'POP off for the mailbox',
    breaks: 'Set-CASMailbox -PopEnabled $false: the POP3 sign-in is refused',
  },
  'smtp-auth-disabled-tenant': {
    group: 'account-policy',
    title: 'SMTP AUTH off for the tenant',
    breaks: 'SmtpClientAuthenticationDisabled for the organisation: SMTP AUTH refused (5.7.139)',
  },
  'smtp-auth-disabled-mailbox': {
    group: 'account-policy',
    title: 'SMTP AUTH off for the mailbox',
    breaks: 'SMTP AUTH disabled on this one mailbox: SMTP AUTH refused (5.7.139)',
  },
  'basic-auth-retired': {
    group: 'account-policy',
    title: 'Basic SMTP AUTH retired',
    breaks: "The app signs in to SMTP with the mailbox's password: 550 5.7.30 basic auth not supported",
  },
  'conditional-access': {
    group: 'account-policy',
    title: 'Conditional Access blocks',
    breaks: "A Conditional Access policy blocks the app's sign-in: no token (AADSTS53003)",
  },
  throttled: {
    group: 'account-policy',
    title: 'Throttled',
    breaks: 'Exchange answers that the app is over its limits: the checks are refused for a while',
  },
  'delegated-healthy': {
    group: 'delegated',
    title: 'A person signs in (healthy)',
    breaks: 'Nothing: Alice signs in with a device code and the app uses her token',
  },
  'delegated-missing-scope': {
    group: 'delegated',
    title: 'Delegated token without SMTP.Send',
    breaks: "The app's delegated permissions lack SMTP.Send: SMTP refuses Alice's token",
  },
  'delegated-wrong-user': {
    group: 'delegated',
    title: 'The wrong person signs in',
    breaks: "Bob signs in while the app opens Alice's mailbox with his token: sign-in refused",
  },
  'graph-healthy': {
    group: 'graph',
    title: 'Graph healthy',
    breaks: 'Nothing: a Graph token reads the inbox (and sends with sendMail)',
  },
  'graph-access-policy-denied': {
    group: 'graph',
    title: 'Graph: application access policy',
    breaks: 'An application access policy keeps the app to the shared mailbox: Access is denied',
  },
  'graph-mailbox-not-enabled': {
    group: 'graph',
    title: 'Graph: mailbox not enabled for REST',
    breaks: "Alice's mailbox is not enabled for REST: Graph answers MailboxNotEnabledForRESTAPI",
  },
  'graph-missing-permission': {
    group: 'graph',
    title: 'Graph: no Mail permission',
    breaks: "Exchange's permissions were consented, Graph's Mail.Read never: Access is denied",
  },
  'graph-rbac-scope-excludes-mailbox': {
    group: 'graph',
    title: 'Graph: the RBAC scope leaves the mailbox out',
    breaks: "Graph's mail roles come from RBAC scoped to the shared mailbox: Alice's is denied",
  },
  'hve-healthy': {
    group: 'sending-paths',
    title: 'High Volume Email (healthy)',
    breaks: 'Nothing: the app sends through HVE with OAuth to a recipient of the tenant',
  },
  'hve-external-recipient': {
    group: 'sending-paths',
    title: 'HVE to an outside recipient',
    breaks: "HVE sends to the tenant's own recipients only: the outside address is refused",
  },
  'hve-app-not-allowed': {
    group: 'sending-paths',
    title: 'HVE: app not allowed',
    breaks: 'Add-HVEAppAccess was never run for the app: HVE refuses its sign-in',
  },
  'acs-healthy': {
    group: 'sending-paths',
    title: 'Azure Communication Services (healthy)',
    breaks: 'Nothing: the app sends through ACS SMTP with <resource>.<app id>.<tenant id>',
  },
  'acs-bad-username': {
    group: 'sending-paths',
    title: 'ACS: user name without the tenant',
    breaks: 'The app leaves the tenant id out of the ACS user name: SMTP AUTH refused',
  },
  'acs-role-missing': {
    group: 'sending-paths',
    title: 'ACS: no role on the resource',
    breaks: 'Nobody gave the app a role on the Communication Services resource: AUTH refused',
  },
  'proxy-healthy': {
    group: 'network',
    title: 'Through a proxy (healthy)',
    breaks: 'Nothing: every connection goes through the company proxy and passes',
  },
  'proxy-auth-required': {
    group: 'network',
    title: 'Proxy wants a password',
    breaks: 'The app does not give the proxy its credentials: 407 at the first tunnel',
  },
  'proxy-blocks-port': {
    group: 'network',
    title: 'Proxy blocks the mail ports',
    breaks: 'The proxy tunnels to 443 only: the token comes, IMAP, POP3 and SMTP never connect',
  },
  'proxy-intercepts-tls': {
    group: 'network',
    title: 'Proxy intercepts TLS',
    breaks: "The proxy re-signs the mail servers' TLS with its own CA: the certificate is not trusted",
  },
  'google-healthy': {
    group: 'google',
    title: 'Google Workspace (healthy)',
    breaks: 'Nothing: a service account with domain-wide delegation reads and sends Gmail',
  },
  'google-dwd-not-authorized': {
    group: 'google',
    title: 'Google: delegation not authorised',
    breaks: 'The admin never added the client id under domain-wide delegation: no token',
  },
  'google-subject-not-in-domain': {
    group: 'google',
    title: 'Google: user of another domain',
    breaks: 'The app names a user outside the Workspace domain as the subject: no token',
  },
  'google-imap-disabled': {
    group: 'google',
    title: 'Google: IMAP off for the user',
    breaks: "IMAP is turned off for the user's organisational unit: the IMAP sign-in is refused",
  },
  'google-scope-insufficient': {
    group: 'google',
    title: "Google: Gmail API's read-only scope",
    breaks: 'The app asks for gmail.readonly, which opens no IMAP, POP or SMTP session',
  },
} as const satisfies Record<string, ScenarioEntry>;

export type CatalogScenarioId = keyof typeof SCENARIO_CATALOG;

/** The catalog's entry of a scenario id, or null for an id it does not know. */
export function scenarioEntry(id: string): ScenarioEntry | null {
  return Object.hasOwn(SCENARIO_CATALOG, id) ? SCENARIO_CATALOG[id as CatalogScenarioId] : null;
}

export interface ScenarioMenuGroup {
  id: ScenarioGroup | 'other';
  label: string;
  scenarios: Array<{ id: string; title: string; breaks: string }>;
}

/**
 * The menu of the scenarios a lab offers, grouped in SCENARIO_GROUPS' order (each group's
 * scenarios in the lab's order); an id the catalog does not know goes under "Other" by its id.
 */
export function scenarioMenu(ids: readonly string[]): ScenarioMenuGroup[] {
  const groups: ScenarioMenuGroup[] = SCENARIO_GROUPS.map((g) => ({ ...g, scenarios: [] }));
  const other: ScenarioMenuGroup = { id: 'other', label: 'Other', scenarios: [] };
  for (const id of ids) {
    const entry = scenarioEntry(id);
    const group = entry ? groups.find((g) => g.id === entry.group) : other;
    (group ?? other).scenarios.push({
      id,
      title: entry?.title ?? id,
      breaks: entry?.breaks ?? 'No description',
    });
  }
  return [...groups, other].filter((g) => g.scenarios.length > 0);
}
