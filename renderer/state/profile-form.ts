// The profile form's model: a draft of strings (what the inputs hold), its validation with the
// same rules as the CLI (shared/config/validate.ts), cloud presets, and the ProfileInput it sends.
import type { CredentialKind, OidcFlow, Profile, ProfileInput } from '../../shared/api/contract';
import { CLOUDS, GMAIL_ENDPOINTS, type CloudId } from '../../shared/config/clouds';
import { ACS_ENDPOINT, HVE_ENDPOINT } from '../../shared/config/sending-paths';
import {
  addressError,
  guidError,
  hostError,
  NOT_THE_CLIENT_ID,
  portError,
  tenantError,
} from '../../shared/config/validate';
import type { MailProtocol, SaslMechanism, SecurityMode } from '../../shared/report/model';
import { parseProxyUrl } from '../../shared/config/proxy';

export interface EndpointDraft {
  host: string;
  port: string;
  security: SecurityMode;
}

export interface ProfileDraft {
  id: string | null;
  name: string;
  cloud: CloudId | 'custom';
  authority: string;
  tenant: string;
  clientId: string;
  mailbox: string;
  credential: CredentialKind;
  certificatePath: string;
  keyPath: string;
  scope: string;
  exchangeSpId: string;
  /** The client secret's end date (YYYY-MM-DD), for the readiness audit. */
  secretExpires: string;
  /** ACS: the Communication Services resource name, or a whole SMTP user name. */
  acsResource: string;
  /** OpenID provider: its issuer, how the token is got, the resource indicator (optional). */
  issuer: string;
  oidcFlow: OidcFlow;
  resource: string;
  /** A person's sign-in: keep its refresh token in the keychain for the next runs. */
  keepSignIn: boolean;
  mechanism: SaslMechanism;
  imap: EndpointDraft;
  pop3: EndpointDraft;
  smtp: EndpointDraft;
  testFrom: string;
  testTo: string;
  /** Write-only: empty means "keep the stored secret". Never filled from the main process. */
  secret: string;
  /** The profile's own way out: the proxy in Settings, none, or its own. */
  proxyMode: 'settings' | 'direct' | 'manual';
  proxyUrl: string;
  proxyBypass: string;
  /** Write-only, like the secret: empty keeps the stored proxy password. */
  proxyPassword: string;
  hasProxyPassword: boolean;
}

export type DraftField =
  | 'name'
  | 'authority'
  | 'tenant'
  | 'clientId'
  | 'mailbox'
  | 'certificatePath'
  | 'keyPath'
  | 'scope'
  | 'exchangeSpId'
  | 'secretExpires'
  | 'acsResource'
  | 'issuer'
  | 'resource'
  | 'secret'
  | 'testFrom'
  | 'testTo'
  | 'proxyUrl'
  | `${MailProtocol}.host`
  | `${MailProtocol}.port`;

export type DraftErrors = Partial<Record<DraftField, string>>;

export const CLOUD_CHOICES: ReadonlyArray<{ id: CloudId | 'custom'; label: string }> = [
  ...Object.values(CLOUDS).map((c) => ({ id: c.id, label: c.label })),
  { id: 'custom', label: 'Custom authority' },
];

export const CREDENTIAL_CHOICES: ReadonlyArray<{ id: CredentialKind; label: string; secretLabel: string }> = [
  { id: 'client-secret', label: 'Client secret', secretLabel: 'Client secret (its Value)' },
  { id: 'certificate', label: 'Certificate', secretLabel: 'Private key passphrase' },
  { id: 'password', label: 'Password (PLAIN / LOGIN)', secretLabel: 'Password' },
  { id: 'access-token', label: 'Access token (bring your own)', secretLabel: 'Access token' },
  { id: 'device-code', label: 'A user signs in (device code)', secretLabel: '' },
  { id: 'browser', label: 'A user signs in (browser)', secretLabel: '' },
  {
    id: 'google-service-account',
    label: 'Google service account (JSON key, domain-wide delegation)',
    secretLabel: "Service account key (paste the JSON file's text)",
  },
  {
    id: 'hve',
    label: 'High Volume Email (SMTP only; client secret, Mail.Send)',
    secretLabel: 'Client secret (its Value)',
  },
  {
    id: 'acs',
    label: 'Azure Communication Services SMTP (client secret as the password)',
    secretLabel: "Client secret (its Value): ACS SMTP's password",
  },
  { id: 'oidc', label: 'Another OpenID provider (by its issuer)', secretLabel: 'Client secret' },
  {
    id: 'google-user',
    label: 'Google: a user signs in (installed app, browser)',
    secretLabel: "OAuth client secret (the installed app's)",
  },
];

export const OIDC_FLOW_CHOICES: ReadonlyArray<{ id: OidcFlow; label: string }> = [
  { id: 'client-credentials', label: 'The app signs in as itself (client credentials)' },
  { id: 'device-code', label: 'A user signs in (device code)' },
  { id: 'browser', label: 'A user signs in (browser, PKCE)' },
];

/** Whether a person signs in when the profile runs (device code, browser), whose sign-in can be kept. */
export function personSignsIn(draft: Pick<ProfileDraft, 'credential' | 'oidcFlow'>): boolean {
  return (
    draft.credential === 'device-code' ||
    draft.credential === 'browser' ||
    draft.credential === 'google-user' ||
    (draft.credential === 'oidc' && draft.oidcFlow !== 'client-credentials')
  );
}

/** Where the form has a client secret to ask for: an OpenID profile only for client credentials. */
export function asksSecret(draft: Pick<ProfileDraft, 'credential' | 'oidcFlow'>): boolean {
  return draft.credential === 'oidc'
    ? draft.oidcFlow === 'client-credentials'
    : storesSecret(draft.credential);
}

/** Microsoft's other sending paths: SMTP submission only, on hosts of their own. */
export function isSendingPath(kind: CredentialKind): kind is 'hve' | 'acs' {
  return kind === 'hve' || kind === 'acs';
}

/** Which hosts a kind of credential talks to: Gmail, HVE, ACS, or the cloud's own. */
function endpointFamily(kind: CredentialKind): 'google' | 'hve' | 'acs' | 'oidc' | 'cloud' {
  return kind === 'google-service-account' || kind === 'google-user'
    ? 'google'
    : isSendingPath(kind) || kind === 'oidc'
      ? kind
      : 'cloud';
}

/** An OpenID provider's mail servers are the customer's own: standard ports, hosts to fill in. */
const NO_HOSTS = {
  imap: { host: '', port: 993, security: 'tls' as const },
  pop3: { host: '', port: 995, security: 'tls' as const },
  smtp: { host: '', port: 587, security: 'starttls' as const },
};

/**
 * Switching to a Google service account points the endpoints at Gmail, to HVE or ACS their SMTP
 * at the service's host; switching back, at the cloud's hosts.
 */
export function applyCredential(draft: ProfileDraft, credential: CredentialKind): ProfileDraft {
  const family = endpointFamily(credential);
  if (family === endpointFamily(draft.credential)) return { ...draft, credential };
  const cloud = CLOUDS[draft.cloud === 'custom' ? 'global' : draft.cloud].endpoints;
  const preset =
    family === 'google'
      ? GMAIL_ENDPOINTS
      : family === 'hve'
        ? { ...cloud, smtp: HVE_ENDPOINT }
        : family === 'acs'
          ? { ...cloud, smtp: ACS_ENDPOINT }
          : family === 'oidc'
            ? NO_HOSTS
            : cloud;
  return {
    ...draft,
    credential,
    imap: endpointDraft(preset.imap),
    pop3: endpointDraft(preset.pop3),
    smtp: endpointDraft(preset.smtp),
  };
}

/**
 * What a pasted service-account key says of itself, read here only to fill in and check the form
 * (the main process checks it again, fully, before storing it).
 */
export function pastedKeyFacts(
  text: string,
): { clientId: string; clientEmail: string } | { problem: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { problem: 'Not JSON: paste the whole text of the key file (it starts with {)' };
  }
  const key = value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  if (key.type !== 'service_account')
    return {
      problem:
        typeof key.type === 'string'
          ? `A Google credential of type "${key.type}", not a service-account key`
          : 'Not a service-account key (no "type": "service_account")',
    };
  if (
    typeof key.client_id !== 'string' ||
    typeof key.client_email !== 'string' ||
    typeof key.private_key !== 'string'
  )
    return { problem: 'The key lacks client_id, client_email or private_key: download a new JSON key' };
  return { clientId: key.client_id, clientEmail: key.client_email };
}

/** Kinds with a secret to store; a user's sign-in (device code, browser) keeps none. */
export function storesSecret(kind: CredentialKind): boolean {
  return kind !== 'device-code' && kind !== 'browser';
}

export const MECHANISM_CHOICES: ReadonlyArray<{ id: SaslMechanism; label: string }> = [
  { id: 'auto', label: 'Automatic' },
  { id: 'xoauth2', label: 'XOAUTH2' },
  { id: 'oauthbearer', label: 'OAUTHBEARER' },
  { id: 'plain', label: 'PLAIN' },
  { id: 'login', label: 'LOGIN' },
];

export const SECURITY_CHOICES: ReadonlyArray<{ id: SecurityMode; label: string }> = [
  { id: 'tls', label: 'Implicit TLS' },
  { id: 'starttls', label: 'STARTTLS' },
  { id: 'none', label: 'None (plaintext)' },
];

function endpointDraft(e: { host: string; port: number; security: SecurityMode }): EndpointDraft {
  return { host: e.host, port: String(e.port), security: e.security };
}

export function emptyDraft(): ProfileDraft {
  const cloud = CLOUDS.global;
  return {
    id: null,
    name: '',
    cloud: 'global',
    authority: '',
    tenant: '',
    clientId: '',
    mailbox: '',
    credential: 'client-secret',
    certificatePath: '',
    keyPath: '',
    scope: '',
    exchangeSpId: '',
    secretExpires: '',
    acsResource: '',
    issuer: '',
    oidcFlow: 'client-credentials',
    resource: '',
    keepSignIn: false,
    mechanism: 'auto',
    imap: endpointDraft(cloud.endpoints.imap),
    pop3: endpointDraft(cloud.endpoints.pop3),
    smtp: endpointDraft(cloud.endpoints.smtp),
    testFrom: '',
    testTo: '',
    secret: '',
    proxyMode: 'settings',
    proxyUrl: '',
    proxyBypass: '',
    proxyPassword: '',
    hasProxyPassword: false,
  };
}

export function draftFromProfile(p: Profile): ProfileDraft {
  return {
    id: p.id,
    name: p.name,
    cloud: p.cloud,
    authority: p.authority ?? '',
    tenant: p.tenant,
    clientId: p.clientId,
    mailbox: p.mailbox,
    credential: p.credential,
    certificatePath: p.certificatePath ?? '',
    keyPath: p.keyPath ?? '',
    scope: p.scope ?? '',
    exchangeSpId: p.exchangeServicePrincipalId ?? '',
    secretExpires: p.secretExpiresAt ?? '',
    acsResource: p.acsResource ?? '',
    issuer: p.issuer ?? '',
    oidcFlow: p.oidcFlow ?? 'client-credentials',
    resource: p.resource ?? '',
    keepSignIn: p.keepSignIn ?? false,
    mechanism: p.mechanism,
    imap: endpointDraft(p.imap),
    pop3: endpointDraft(p.pop3),
    smtp: endpointDraft(p.smtp),
    testFrom: p.testMessage.from ?? '',
    testTo: p.testMessage.to ?? '',
    secret: '',
    proxyMode: p.proxy?.mode ?? 'settings',
    proxyUrl: p.proxy?.url ?? '',
    proxyBypass: p.proxy?.bypass ?? '',
    proxyPassword: '',
    hasProxyPassword: p.hasProxyPassword ?? false,
  };
}

/** Choosing a cloud fills in its mail hosts, ports and security; "custom" keeps what is there. */
export function applyCloud(draft: ProfileDraft, cloud: CloudId | 'custom'): ProfileDraft {
  if (cloud === 'custom') return { ...draft, cloud };
  const preset = CLOUDS[cloud];
  return {
    ...draft,
    cloud,
    imap: endpointDraft(preset.endpoints.imap),
    pop3: endpointDraft(preset.endpoints.pop3),
    // HVE and ACS keep their own submission host whatever the cloud.
    smtp: isSendingPath(draft.credential) ? draft.smtp : endpointDraft(preset.endpoints.smtp),
  };
}

function required(value: string, missing: string, check: (v: string) => string | null): string | null {
  const v = value.trim();
  return v === '' ? missing : check(v);
}

function optional(value: string, check: (v: string) => string | null): string | null {
  const v = value.trim();
  return v === '' ? null : check(v);
}

function authorityError(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `"${value}" is not a URL (https://login.example.com)`;
  }
  return url.protocol === 'https:' ? null : 'The authority must be an https:// URL';
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Every problem of the draft, one message per field, in words the user can act on. */
export function validateDraft(draft: ProfileDraft, ctx: { hasSecret: boolean }): DraftErrors {
  const errors: DraftErrors = {};
  const put = (field: DraftField, message: string | null): void => {
    if (message !== null) errors[field] = message;
  };
  put('proxyUrl', draft.proxyMode === 'manual' ? proxyUrlProblem(draft.proxyUrl, draft.proxyPassword) : null);
  put(
    'name',
    required(draft.name, 'Enter a name for the profile', (v) =>
      v.length > 100 ? `The name is too long (${v.length} characters): at most 100` : null,
    ),
  );
  put(
    'authority',
    draft.cloud === 'custom'
      ? required(draft.authority, 'A custom cloud needs its authority URL', authorityError)
      : optional(draft.authority, authorityError),
  );
  const oidc = draft.credential === 'oidc';
  if (oidc) {
    put(
      'issuer',
      required(draft.issuer, "Enter the issuer's URL (https://sso.example.com/realms/mail)", (v) => {
        const problem = authorityError(v);
        if (problem) return problem.replace('authority', 'issuer');
        return /[?#]/.test(v) ? 'The issuer itself, without ?query or #fragment' : null;
      }),
    );
    put(
      'resource',
      optional(draft.resource, (v) =>
        /^[a-z][a-z0-9+.-]*:\S+$/i.test(v)
          ? null
          : 'The resource must be an absolute URI (RFC 8707), such as https://mail.example.com',
      ),
    );
  }
  put(
    'tenant',
    oidc
      ? null
      : required(
          draft.tenant,
          draft.credential === 'google-service-account' || draft.credential === 'google-user'
            ? 'Enter the Workspace domain (example.com, or gmail.com)'
            : 'Enter the tenant: its GUID or a domain such as contoso.onmicrosoft.com',
          tenantError,
        ),
  );
  if (oidc)
    put(
      'scope',
      required(draft.scope, "Enter the scopes the mail server's tokens need (space-separated)", () => null),
    );
  const google = draft.credential === 'google-service-account';
  put(
    'clientId',
    oidc
      ? required(draft.clientId, 'Enter the client id registered at the provider', (v) =>
          /^[\x21-\x7e]{1,255}$/.test(v) ? null : 'A client id has no spaces',
        )
      : draft.credential === 'google-user'
        ? required(draft.clientId, "Enter the installed app's OAuth client id", (v) =>
            /^\S+\.apps\.googleusercontent\.com$/.test(v)
              ? null
              : 'An OAuth client id ends in .apps.googleusercontent.com (Google Cloud console > Credentials)',
          )
        : google
          ? required(draft.clientId, "Enter the service account's client id (client_id in the key)", (v) =>
              /^\d{10,30}$/.test(v)
                ? null
                : "A service account's client id is a long number (client_id in the key)",
            )
          : required(draft.clientId, 'Enter the application (client) id, a GUID', (v) => {
              const problem = guidError(v);
              return problem === null ? null : `Application (client) id: ${problem}`;
            }),
  );
  put(
    'mailbox',
    required(
      draft.mailbox,
      draft.credential === 'hve'
        ? 'Enter the HVE account address'
        : draft.credential === 'acs'
          ? 'Enter the sender address (MAIL FROM, of a domain linked to the resource)'
          : 'Enter the mailbox address (the user= of the sign-in)',
      addressError,
    ),
  );
  if (draft.credential === 'acs') {
    const named = draft.acsResource.trim();
    put(
      'acsResource',
      named === ''
        ? 'Enter the Communication Services resource name (or the whole SMTP user name)'
        : /\s/.test(named)
          ? 'A resource name or user name has no spaces'
          : null,
    );
    // The user name is composed from the resource name with the tenant id, never a domain.
    if (named !== '' && !/[.|@]/.test(named) && !GUID.test(draft.tenant.trim()) && !errors.tenant)
      put('tenant', 'ACS builds its user name with the tenant id: enter the GUID, not a domain');
  }
  if (draft.credential === 'certificate') {
    put(
      'certificatePath',
      required(draft.certificatePath, 'Enter the path of the PEM certificate', () => null),
    );
    put(
      'keyPath',
      required(draft.keyPath, 'Enter the path of the PEM private key', () => null),
    );
  }
  if (!oidc)
    put(
      'scope',
      optional(draft.scope, (v) =>
        /^\S+$/.test(v) ? null : 'A scope has no spaces (https://outlook.office365.com/.default)',
      ),
    );
  put(
    'secretExpires',
    optional(draft.secretExpires, (v) =>
      /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(v))
        ? null
        : "The secret's end date as YYYY-MM-DD (Certificates & secrets > Expires)",
    ),
  );
  put(
    'exchangeSpId',
    optional(draft.exchangeSpId, (v) =>
      guidError(v) !== null
        ? 'An ObjectId is a GUID, as Get-ServicePrincipal lists it'
        : v.toLowerCase() === draft.clientId.trim().toLowerCase()
          ? `This is ${NOT_THE_CLIENT_ID}`
          : null,
    ),
  );
  const secret = asksSecret(draft) ? draft.secret : '';
  const facts = google && secret !== '' ? pastedKeyFacts(secret) : null;
  if (facts && 'problem' in facts) put('secret', facts.problem);
  else if (facts && facts.clientId !== draft.clientId.trim())
    put('secret', `This key is for client id ${facts.clientId} (${facts.clientEmail}), not the one above`);
  else if (secret === '') {
    if (!ctx.hasSecret && draft.credential !== 'certificate' && asksSecret(draft))
      put(
        'secret',
        google
          ? "Paste the service account's JSON key"
          : draft.credential === 'client-secret' ||
              isSendingPath(draft.credential) ||
              oidc ||
              draft.credential === 'google-user'
            ? 'Enter the client secret (its Value, shown once when it was created)'
            : draft.credential === 'password'
              ? 'Enter the password'
              : 'Paste the access token',
      );
  } else if (/[\r\n\0]/.test(secret)) put('secret', 'The secret must be a single line');
  else if (secret.length > 64 * 1024) put('secret', 'The secret is too long');
  else if (
    (draft.credential === 'client-secret' || isSendingPath(draft.credential)) &&
    GUID.test(secret.trim())
  )
    put(
      'secret',
      'This is a GUID: probably the secret\'s "Secret ID", not its Value. Paste the Value (about 40 characters)',
    );
  for (const p of isSendingPath(draft.credential)
    ? (['smtp'] as const)
    : (['imap', 'pop3', 'smtp'] as const)) {
    put(`${p}.host`, required(draft[p].host, 'Enter the host', hostError));
    put(`${p}.port`, required(draft[p].port, 'Enter the port', portError));
  }
  put('testFrom', optional(draft.testFrom, addressError));
  put('testTo', optional(draft.testTo, addressError));
  return errors;
}

export function hasErrors(errors: DraftErrors): boolean {
  return Object.keys(errors).length > 0;
}

/** Warnings do not block saving: a plaintext endpoint sends credentials in the clear. */
export function draftWarnings(draft: ProfileDraft): Partial<Record<MailProtocol, string>> {
  const out: Partial<Record<MailProtocol, string>> = {};
  for (const p of ['imap', 'pop3', 'smtp'] as const)
    if (draft[p].security === 'none')
      out[p] = 'Plaintext: the sign-in (and the token) travel unencrypted to this host';
  return out;
}

function hostOf(url: string): string {
  try {
    return new URL(url.trim()).host;
  } catch {
    return url.trim();
  }
}

/** What is wrong with a proxy URL typed in a form, or null: read as the CLI's --proxy reads it. */
export function proxyUrlProblem(url: string, password: string): string | null {
  if (url.trim() === '') return 'The proxy URL is required for a proxy of its own';
  const parsed = parseProxyUrl(url);
  if (!parsed.ok) return `The proxy URL: ${parsed.error}`;
  if (parsed.password !== null) return 'Put the password in its own field, not in the URL';
  if (password !== '' && parsed.config.username === null)
    return 'A password needs a user in the URL: http://USER@host:port';
  return null;
}

/** What profiles:save receives. The secret is included only when the user typed one. */
export function draftToInput(draft: ProfileDraft): ProfileInput {
  const text = (v: string): string | undefined => (v.trim() === '' ? undefined : v.trim());
  const endpoint = (e: EndpointDraft): { host: string; port: number; security: SecurityMode } => ({
    host: e.host.trim(),
    port: Number(e.port.trim()),
    security: e.security,
  });
  const oidcHost = draft.credential === 'oidc' ? hostOf(draft.issuer) : null;
  const input: ProfileInput = {
    name: draft.name.trim(),
    cloud: draft.cloud,
    // An OpenID profile has no tenant: its issuer's host stands in, for lists and reports.
    tenant: oidcHost ?? draft.tenant.trim(),
    clientId: draft.clientId.trim(),
    mailbox: draft.mailbox.trim(),
    credential: draft.credential,
    mechanism: draft.mechanism,
    imap: endpoint(draft.imap),
    pop3: endpoint(draft.pop3),
    smtp: endpoint(draft.smtp),
    testMessage: {},
  };
  if (draft.id !== null) input.id = draft.id;
  const authority = text(draft.authority);
  if (authority !== undefined) input.authority = authority;
  const scope = text(draft.scope);
  if (scope !== undefined) input.scope = scope;
  const exchangeSpId = text(draft.exchangeSpId);
  if (exchangeSpId !== undefined && !isSendingPath(draft.credential))
    input.exchangeServicePrincipalId = exchangeSpId.toLowerCase();
  const secretExpires = text(draft.secretExpires);
  if (secretExpires !== undefined && draft.credential === 'client-secret')
    input.secretExpiresAt = secretExpires;
  const acsResource = text(draft.acsResource);
  if (acsResource !== undefined && draft.credential === 'acs') input.acsResource = acsResource;
  if (draft.credential === 'oidc') {
    input.issuer = draft.issuer.trim();
    input.oidcFlow = draft.oidcFlow;
    const resource = text(draft.resource);
    if (resource !== undefined) input.resource = resource;
  }
  if (draft.credential === 'certificate') {
    const cert = text(draft.certificatePath);
    const key = text(draft.keyPath);
    if (cert !== undefined) input.certificatePath = cert;
    if (key !== undefined) input.keyPath = key;
  }
  const from = text(draft.testFrom);
  const to = text(draft.testTo);
  if (from !== undefined) input.testMessage.from = from;
  if (to !== undefined) input.testMessage.to = to;
  if (draft.secret !== '' && asksSecret(draft)) input.secret = draft.secret.trim();
  if (draft.keepSignIn && personSignsIn(draft)) input.keepSignIn = true;
  if (draft.proxyMode !== 'settings')
    input.proxy = {
      mode: draft.proxyMode,
      url: draft.proxyMode === 'manual' ? draft.proxyUrl.trim() : '',
      bypass: draft.proxyMode === 'manual' ? draft.proxyBypass.trim() : '',
    };
  if (draft.proxyMode === 'manual' && draft.proxyPassword !== '') input.proxyPassword = draft.proxyPassword;
  return input;
}
