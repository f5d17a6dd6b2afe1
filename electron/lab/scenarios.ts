// The demo tenant ("Demo tenant" in the app, `--lab` on the CLI) and the named scenarios of SPEC 6:
// each sets the tenant's switches, and some change what the client does (the customer's app asks
// the wrong scope, pastes the secret's ID, names a tenant that does not exist...).
import type { LabProxyPolicy } from './proxy/lab-proxies';
import { randomBytes, randomUUID } from 'node:crypto';
import type { ScenarioId, TenantState } from './state';
import { GOOGLE_DEMO, type GoogleWorkspaceState } from './google/workspace';
import { GMAIL_SCOPE } from '../engine/identity/google-token';
import { acsUsername } from '../../shared/config/sending-paths';

/** Fixed identifiers, so that saved profiles and screenshots stay stable across runs. */
export const DEMO = {
  tenantId: '5f1c2b9e-3a47-4c2d-9e61-2d8b7c4a1f30',
  domain: 'lab.mailprobe.test',
  clientId: '0b7d3c52-8e1f-4a6b-b9d4-6c2e1f0a9d87',
  applicationObjectId: '7a4e9f10-2c3b-4d5e-8f61-90a1b2c3d4e5',
  servicePrincipalObjectId: 'c3d2e1f0-9a8b-4c7d-8e6f-5a4b3c2d1e0f',
  mailbox: 'alice@lab.mailprobe.test',
  shared: 'shared@lab.mailprobe.test',
  /** A second person of the tenant, with a mailbox of her own. */
  other: 'bob@lab.mailprobe.test',
  aliceObjectId: 'a11ce000-5e7d-4c1b-9a2f-0d3e4b5c6a71',
  bobObjectId: 'b0b00000-6f8e-4d2c-8b3a-1e4f5c6d7b82',
  displayName: 'MailProbe Demo App',
  /** High Volume Email's account of the tenant (a mail user that sends only). */
  hveAccount: 'hve-notify@lab.mailprobe.test',
  /** The Communication Services resource and the sender of its linked email domain. */
  acsResource: 'mailprobe-lab-acs',
  acsSender: 'DoNotReply@notify.lab.mailprobe.test',
  /** A recipient outside the tenant, for the sending paths that may not reach one. */
  externalRecipient: 'customer@fabrikam.example',
} as const;

/** What the client side of a scenario does differently from a correct setup. */
export interface ClientSide {
  tenant: string;
  scope: string;
  /** The app signs a user in (device code) instead of signing in as itself. */
  delegated: boolean;
  /** Who signs in on the lab's page in this scenario (delegated only): the mailbox's owner or another. */
  signInAs: string | null;
  useSecretIdAsValue: boolean;
  /** A test message to send, for scenarios whose failure only shows when sending. */
  send: { from: string; to: string } | null;
  /** The Google Workspace tenant instead of Microsoft 365 (google-* scenarios). */
  google: { subject: string; scope: string } | null;
  /**
   * Microsoft's other sending paths (hve-*, acs-* scenarios): SMTP only, to the lab's HVE or ACS
   * submission server; ACS with the user name the customer's app uses.
   */
  service: { kind: 'hve' } | { kind: 'acs'; username: string } | null;
  /**
   * The company network (proxy-* scenarios): the run goes through the lab's HTTP proxy, with its
   * credentials or without them.
   */
  proxy: { credentials: boolean } | null;
  /** The Graph scenarios (graph-*): the run checks Microsoft Graph unless mail checks are named. */
  graph: boolean;
  /** The customer's app signs in to SMTP with the mailbox's password (basic SMTP AUTH). */
  basicAuth: boolean;
}

export function demoState(): TenantState {
  const mailbox = (address: string, displayName: string) => ({
    address,
    displayName,
    fullAccessForApp: true,
    sendAsForApp: true,
    imapEnabled: true,
    popEnabled: true,
    smtpClientAuthenticationDisabled: false,
    restEnabled: true,
  });
  return {
    tenantId: DEMO.tenantId,
    domain: DEMO.domain,
    app: {
      exists: true,
      enabled: true,
      clientId: DEMO.clientId,
      displayName: DEMO.displayName,
      applicationObjectId: DEMO.applicationObjectId,
      servicePrincipalObjectId: DEMO.servicePrincipalObjectId,
      // A fresh value per lab start: the demo secret is only ever known to this process.
      secret: { value: `lab~${randomBytes(18).toString('base64url')}`, id: randomUUID(), expired: false },
      certificatePem: null,
    },
    consentGranted: true,
    roles: ['IMAP.AccessAsApp', 'POP.AccessAsApp', 'SMTP.SendAsApp'],
    exchangeServicePrincipal: { objectId: DEMO.servicePrincipalObjectId },
    mailboxes: {
      [DEMO.mailbox]: mailbox(DEMO.mailbox, 'Alice (demo mailbox)'),
      [DEMO.shared]: mailbox(DEMO.shared, 'Shared demo mailbox'),
      [DEMO.other]: mailbox(DEMO.other, 'Bob (second demo user)'),
    },
    smtpAuthDisabledForTenant: false,
    smtpBasicAuth: 'disabled',
    conditionalAccessBlocks: false,
    throttled: false,
    tokenLifetimeSeconds: 3599,
    smtpRbac: null,
    // Fresh passwords per lab start, like the client secret: printed by `mailprobe lab`.
    users: [
      {
        address: DEMO.mailbox,
        displayName: 'Alice (demo user)',
        password: demoPassword(),
        objectId: DEMO.aliceObjectId,
      },
      {
        address: DEMO.other,
        displayName: 'Bob (second demo user)',
        password: demoPassword(),
        objectId: DEMO.bobObjectId,
      },
    ],
    delegatedScopes: ['IMAP.AccessAsUser.All', 'POP.AccessAsUser.All', 'SMTP.Send'],
    hve: { account: DEMO.hveAccount, allowedApps: [DEMO.clientId], password: demoPassword() },
    acs: { resource: DEMO.acsResource, sender: DEMO.acsSender, roleHolders: [DEMO.clientId] },
    graph: {
      roles: ['Mail.Read', 'Mail.Send'],
      accessPolicy: null,
      rbac: null,
      delegatedScopes: ['Mail.Read', 'Mail.Send'],
    },
  };
}

function demoPassword(): string {
  return `Lab-${randomBytes(9).toString('base64url')}`;
}

export function defaultClientSide(): ClientSide {
  return {
    tenant: DEMO.tenantId,
    scope: 'https://outlook.office365.com/.default',
    delegated: false,
    signInAs: null,
    useSecretIdAsValue: false,
    send: null,
    google: null,
    service: null,
    proxy: null,
    graph: false,
    basicAuth: false,
  };
}

/** The delegated scopes a mail client asks for: each protocol's own, of Exchange Online. */
export const DELEGATED_SCOPE =
  'https://outlook.office.com/IMAP.AccessAsUser.All https://outlook.office.com/POP.AccessAsUser.All https://outlook.office.com/SMTP.Send';

/** Sets the switches of `scenario` on a demo state and returns what the client does. */
export function applyScenario(state: TenantState, scenario: ScenarioId): ClientSide {
  const client = defaultClientSide();
  const alice = state.mailboxes[DEMO.mailbox];
  const shared = state.mailboxes[DEMO.shared];
  if (!alice || !shared) throw new Error('The demo tenant has lost its mailboxes');
  switch (scenario) {
    case 'healthy':
      break;
    case 'secret-invalid':
      client.useSecretIdAsValue = true;
      break;
    case 'graph-healthy':
      client.graph = true;
      break;
    case 'basic-auth-retired':
      state.smtpBasicAuth = 'retired';
      client.basicAuth = true;
      break;
    // An application access policy restricts the app to the shared mailbox: Alice is outside it.
    case 'graph-access-policy-denied':
      client.graph = true;
      state.graph.accessPolicy = { allowed: [DEMO.shared] };
      break;
    case 'graph-mailbox-not-enabled':
      client.graph = true;
      alice.restEnabled = false;
      break;
    // Exchange's permissions were consented, Microsoft Graph's were never added.
    case 'graph-missing-permission':
      client.graph = true;
      state.graph.roles = [];
      break;
    // Graph's roles come from RBAC for Applications (the token carries none), with a management
    // scope that includes the shared mailbox only: Alice is outside it.
    case 'graph-rbac-scope-excludes-mailbox':
      client.graph = true;
      state.graph.roles = [];
      state.graph.rbac = { roles: ['Mail.Read', 'Mail.Send'], scope: [DEMO.shared] };
      break;
    case 'secret-expired':
      state.app.secret.expired = true;
      break;
    case 'app-not-found':
      state.app.exists = false;
      break;
    case 'tenant-not-found':
      client.tenant = 'contoso-lab-typo.onmicrosoft.com';
      break;
    case 'no-admin-consent':
      state.consentGranted = false;
      break;
    case 'graph-scope':
      client.scope = 'https://graph.microsoft.com/.default';
      break;
    case 'no-service-principal':
      state.exchangeServicePrincipal = null;
      break;
    case 'wrong-object-id':
      state.exchangeServicePrincipal = { objectId: state.app.applicationObjectId };
      break;
    case 'no-mailbox-permission':
      alice.fullAccessForApp = false;
      break;
    case 'imap-disabled':
      alice.imapEnabled = false;
      break;
    case 'pop-disabled':
      alice.popEnabled = false;
      break;
    case 'smtp-auth-disabled-tenant':
      state.smtpAuthDisabledForTenant = true;
      break;
    case 'smtp-auth-disabled-mailbox':
      alice.smtpClientAuthenticationDisabled = true;
      break;
    case 'send-as-denied':
      shared.sendAsForApp = false;
      client.send = { from: DEMO.shared, to: DEMO.mailbox };
      break;
    case 'conditional-access':
      state.conditionalAccessBlocks = true;
      break;
    case 'throttled':
      state.throttled = true;
      break;
    case 'token-expires-mid-session':
      state.tokenLifetimeSeconds = 2;
      break;
    // SMTP granted through RBAC for Applications instead of the API permission: the token has no
    // SMTP.SendAsApp role (IMAP and POP keep theirs: RBAC has no role for them).
    case 'rbac-smtp':
      state.roles = ['IMAP.AccessAsApp', 'POP.AccessAsApp'];
      state.smtpRbac = { scope: 'organization' };
      break;
    case 'rbac-scope-excludes-mailbox':
      state.roles = ['IMAP.AccessAsApp', 'POP.AccessAsApp'];
      state.smtpRbac = { scope: [DEMO.shared] };
      break;
    // A user signs in (device code) and the app uses the user's own token.
    case 'delegated-healthy':
      Object.assign(client, { delegated: true, signInAs: DEMO.mailbox, scope: DELEGATED_SCOPE });
      break;
    // The app's delegated permissions lack SMTP.Send: the token carries no such scope.
    case 'delegated-missing-scope':
      state.delegatedScopes = ['IMAP.AccessAsUser.All', 'POP.AccessAsUser.All'];
      Object.assign(client, { delegated: true, signInAs: DEMO.mailbox, scope: DELEGATED_SCOPE });
      break;
    // Bob signs in on the page while the app opens Alice's mailbox with his token.
    case 'delegated-wrong-user':
      Object.assign(client, { delegated: true, signInAs: DEMO.other, scope: DELEGATED_SCOPE });
      break;
    // The Google Workspace tenant: its switches are set by applyGoogleScenario.
    case 'google-healthy':
    case 'google-dwd-not-authorized':
    case 'google-subject-not-in-domain':
    case 'google-imap-disabled':
    case 'google-scope-insufficient':
      client.google = { subject: GOOGLE_DEMO.mailbox, scope: GMAIL_SCOPE };
      break;
    // High Volume Email with OAuth: the app holds Mail.Send and is on the account's Allowed Apps.
    case 'hve-healthy':
      useHve(state, client, DEMO.mailbox);
      break;
    // HVE sends to the tenant's own recipients only.
    case 'hve-external-recipient':
      useHve(state, client, DEMO.externalRecipient);
      break;
    // Add-HVEAppAccess was never run for the app.
    case 'hve-app-not-allowed':
      useHve(state, client, DEMO.mailbox);
      state.hve.allowedApps = [];
      break;
    case 'acs-healthy':
      useAcs(client, acsUsername(DEMO.acsResource, DEMO.clientId, DEMO.tenantId));
      break;
    // The customer's app leaves the tenant id out of the user name.
    case 'acs-bad-username':
      useAcs(client, `${DEMO.acsResource}.${DEMO.clientId}`);
      break;
    // Nobody assigned the app a role on the Communication Services resource.
    case 'acs-role-missing':
      useAcs(client, acsUsername(DEMO.acsResource, DEMO.clientId, DEMO.tenantId));
      state.acs.roleHolders = [];
      break;
    // The company proxy in front of a healthy tenant: passes, each connection through a tunnel.
    case 'proxy-healthy':
    // The application does not know the proxy wants a password: 407 at the first tunnel.
    // falls through
    case 'proxy-auth-required':
    // The proxy tunnels to 443 only (squid's default): the token comes, the mail ports do not.
    // falls through
    case 'proxy-blocks-port':
    // The proxy re-signs the mail servers' TLS with its own CA (as mitmproxy does).
    // falls through
    case 'proxy-intercepts-tls':
      client.proxy = { credentials: scenario !== 'proxy-auth-required' };
      break;
  }
  return client;
}

/** What the lab's proxies do in a scenario; outside the proxy-* scenarios nobody uses them. */
export function proxyPolicyOf(scenario: ScenarioId): LabProxyPolicy {
  return {
    requireAuth: true,
    allowMailPorts: scenario !== 'proxy-blocks-port',
    interceptMailTls: scenario === 'proxy-intercepts-tls',
  };
}

function useHve(state: TenantState, client: ClientSide, to: string): void {
  state.roles = [...state.roles, 'Mail.Send'];
  client.service = { kind: 'hve' };
  client.send = { from: DEMO.hveAccount, to };
}

function useAcs(client: ClientSide, username: string): void {
  client.service = { kind: 'acs', username };
  client.send = { from: DEMO.acsSender, to: DEMO.mailbox };
}

/** A read-only Gmail scope, as apps that only meant to read mail ask for it. */
export const GMAIL_READONLY_SCOPE = 'https://www.googleapis.com/auth/gmail.readonly';

/** Sets the Google Workspace tenant's switches for a google-* scenario (and the client's). */
export function applyGoogleScenario(
  google: GoogleWorkspaceState,
  client: ClientSide,
  scenario: ScenarioId,
): void {
  const side = client.google;
  if (!side) return;
  const alice = google.users[GOOGLE_DEMO.mailbox];
  switch (scenario) {
    // The admin never added the client id under domain-wide delegation.
    case 'google-dwd-not-authorized':
      google.delegation = {};
      break;
    // The app names a user of another domain (or a typo) as the subject.
    case 'google-subject-not-in-domain':
      side.subject = GOOGLE_DEMO.outsider;
      break;
    // Gmail > End User Access: IMAP turned off for the user's organisational unit.
    case 'google-imap-disabled':
      if (alice) alice.imapEnabled = false;
      break;
    // The app asks for (and the admin authorised) Gmail's read-only API scope, which opens no
    // IMAP, POP or SMTP session.
    case 'google-scope-insufficient':
      google.delegation[google.serviceAccount.clientId] = [GMAIL_READONLY_SCOPE];
      side.scope = GMAIL_READONLY_SCOPE;
      break;
    default:
      break;
  }
}
