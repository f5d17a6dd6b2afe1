// The simulated tenant's state: every switch an admin's setup can get wrong. Scenarios (SPEC 6)
// are named presets of these switches. The lab's identity endpoint and its mail servers read the
// same object, so a switch changes what both say.

export interface ServicePrincipalState {
  /** The object id Exchange knows the service principal by (New-ServicePrincipal -ObjectId). */
  objectId: string;
}

/** A person of the tenant who can sign in on the lab's pages (delegated flows). */
export interface UserState {
  address: string;
  displayName: string;
  /** The demo password, printed by `mailprobe lab`: a test user's, never anyone's real one. */
  password: string;
  /** The user's object id: a delegated token's oid. */
  objectId: string;
}

export interface TenantState {
  tenantId: string;
  /** Verified domain of the tenant, e.g. contoso.onmicrosoft.com. */
  domain: string;
  app: {
    exists: boolean;
    enabled: boolean;
    clientId: string;
    displayName: string;
    /** Object id of the app registration (what admins wrongly paste into New-ServicePrincipal). */
    applicationObjectId: string;
    /** Object id of the enterprise application (service principal): the token's oid. */
    servicePrincipalObjectId: string;
    secret: { value: string; id: string; expired: boolean };
    /** PEM certificate registered as a credential, if any. */
    certificatePem: string | null;
  };
  /** Application permissions on Office 365 Exchange Online granted with admin consent. */
  consentGranted: boolean;
  roles: Array<'IMAP.AccessAsApp' | 'POP.AccessAsApp' | 'SMTP.SendAsApp' | 'Mail.Send'>;
  /** Exchange's service principal registration; null when New-ServicePrincipal was never run. */
  exchangeServicePrincipal: ServicePrincipalState | null;
  mailboxes: Record<string, MailboxState>;
  smtpAuthDisabledForTenant: boolean;
  /**
   * Basic SMTP AUTH (a password on client submission): 'disabled' answers 535 5.7.139 (basic
   * authentication disabled, today's default), 'retired' 550 5.7.30 (the retirement's answer).
   */
  smtpBasicAuth: 'disabled' | 'retired';
  /** A Conditional Access policy blocks this app's sign-in (AADSTS53003). */
  conditionalAccessBlocks: boolean;
  /** The identity endpoint and mail servers answer as if throttled. */
  throttled: boolean;
  /** Lifetime of issued tokens, seconds (Entra ID issues 60 to 90 minutes). */
  tokenLifetimeSeconds: number;
  /**
   * RBAC for Applications: New-ManagementRoleAssignment -App <sp> -Role "Application
   * SMTP.SendAsApp" [-CustomResourceScope]. `organization` for no scope, else the mailboxes the
   * scope's recipient filter includes; null when the app has no such assignment.
   */
  smtpRbac: { scope: 'organization' | string[] } | null;
  users: UserState[];
  /**
   * Delegated permissions of Office 365 Exchange Online consented for the app (the scopes a
   * signed-in user's token may carry).
   */
  delegatedScopes: Array<'IMAP.AccessAsUser.All' | 'POP.AccessAsUser.All' | 'SMTP.Send'>;
  /**
   * High Volume Email: one HVE account (a mail user, not a mailbox), the Entra apps on its Allowed
   * Apps list (Add-HVEAppAccess) and its own password (basic authentication, until September 2028).
   */
  hve: { account: string; allowedApps: string[]; password: string };
  /**
   * Azure Communication Services: the Communication Services resource, the sender address of its
   * linked email domain, and the Entra apps holding a sending role on the resource.
   */
  acs: { resource: string; sender: string; roleHolders: string[] };
  /**
   * Microsoft Graph: the application permissions of Microsoft Graph consented for the app, and an
   * Exchange application access policy (New-ApplicationAccessPolicy -AccessRight RestrictAccess)
   * limiting it to these mailboxes; null when there is none. `rbac`: RBAC for Applications
   * (New-ManagementRoleAssignment -App <sp> -Role "Application Mail.Read" [-CustomResourceScope]),
   * which grants Graph's roles in Exchange instead of in the token: `organization` for no scope,
   * else the mailboxes the scope includes; null when the app has no such assignment.
   */
  graph: {
    roles: GraphRole[];
    accessPolicy: { allowed: string[] } | null;
    rbac: { roles: GraphRole[]; scope: 'organization' | string[] } | null;
    /** Delegated permissions of Microsoft Graph consented for the app (a signed-in user's token). */
    delegatedScopes: Array<'Mail.Read' | 'Mail.Send'>;
  };
}

export type GraphRole = 'Mail.Read' | 'Mail.ReadBasic.All' | 'Mail.Send';

export interface MailboxState {
  address: string;
  displayName: string;
  /** Add-MailboxPermission -User <service principal> -AccessRights FullAccess. */
  fullAccessForApp: boolean;
  /** Add-RecipientPermission -Trustee <service principal> -AccessRights SendAs. */
  sendAsForApp: boolean;
  imapEnabled: boolean;
  popEnabled: boolean;
  /** Set-CASMailbox -SmtpClientAuthenticationDisabled. */
  smtpClientAuthenticationDisabled: boolean;
  /** Graph can serve it: false for an inactive, soft-deleted or on-premises mailbox. */
  restEnabled: boolean;
}

export const SCENARIOS = [
  'healthy',
  'secret-invalid',
  'secret-expired',
  'app-not-found',
  'tenant-not-found',
  'no-admin-consent',
  'graph-scope',
  'no-service-principal',
  'wrong-object-id',
  'no-mailbox-permission',
  'imap-disabled',
  'pop-disabled',
  'smtp-auth-disabled-tenant',
  'smtp-auth-disabled-mailbox',
  'send-as-denied',
  'conditional-access',
  'throttled',
  'token-expires-mid-session',
  'rbac-smtp',
  'rbac-scope-excludes-mailbox',
  'delegated-healthy',
  'delegated-missing-scope',
  'delegated-wrong-user',
  'google-healthy',
  'google-dwd-not-authorized',
  'google-subject-not-in-domain',
  'google-imap-disabled',
  'google-scope-insufficient',
  'hve-healthy',
  'hve-external-recipient',
  'hve-app-not-allowed',
  'acs-healthy',
  'acs-bad-username',
  'acs-role-missing',
  'proxy-healthy',
  'proxy-auth-required',
  'proxy-blocks-port',
  'proxy-intercepts-tls',
  'graph-healthy',
  'graph-access-policy-denied',
  'graph-mailbox-not-enabled',
  'graph-missing-permission',
  'graph-rbac-scope-excludes-mailbox',
  'basic-auth-retired',
] as const;

export type ScenarioId = (typeof SCENARIOS)[number];

export function isScenarioId(value: string): value is ScenarioId {
  return (SCENARIOS as readonly string[]).includes(value);
}
