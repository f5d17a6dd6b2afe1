// `--provider oidc --issuer URL`: any OpenID Connect / OAuth 2 provider on the command line. The
// app's own token (client credentials, --client-secret-env / --client-secret-stdin) or a person's
// (--device-code, --browser); the scopes are the mail server's to define, so --scope is required.
import type { EndpointTarget, MailProtocol } from '../../shared/report/model';
import type { RunCredential } from '../engine/checks/run';
import type { BrowserCredential, DeviceCodeCredential } from '../engine/identity/acquire';
import { UsageError } from './usage-error';
import { GOOGLE_ISSUER } from '../engine/identity/oidc-token';
import { GMAIL_SCOPE } from '../engine/identity/google-token';
import { readSecretEnv, readSecretStdin } from './secret-input';

export interface OidcValues {
  issuer?: string | undefined;
  resource?: string | undefined;
  scope?: string | undefined;
  'client-id'?: string | undefined;
  'client-secret-env'?: string | undefined;
  'client-secret-stdin'?: boolean | undefined;
  'device-code'?: boolean | undefined;
  browser?: boolean | undefined;
}

/** The flags that only Microsoft 365 (or Google) has: refused with --provider oidc. */
export const NOT_FOR_OIDC = [
  'tenant',
  'cloud',
  'authority',
  'exchange-sp-object-id',
  'smtp-rbac',
  'cert',
  'key',
  'ropc',
  'google-service-account',
  'hve',
  'acs-resource',
  'acs-username',
  'access-token-file',
  'access-token-env',
  'password-env',
] as const;

/** Standard ports where a provider has no hosts of its own: the host must be given. */
export const STANDARD_ENDPOINTS: Record<MailProtocol, Omit<EndpointTarget, 'host'>> = {
  imap: { port: 993, security: 'tls' },
  pop3: { port: 995, security: 'tls' },
  smtp: { port: 587, security: 'starttls' },
};

/** The client secret from --client-secret-env or --client-secret-stdin, when one is given. */
async function clientSecretOf(values: OidcValues): Promise<string | undefined> {
  const env = values['client-secret-env'];
  if (env !== undefined) return readSecretEnv(env, 'client secret');
  return values['client-secret-stdin'] ? readSecretStdin('client secret') : undefined;
}

export function issuerOf(values: OidcValues): string {
  const issuer = values.issuer;
  if (issuer === undefined)
    throw new UsageError("--provider oidc needs --issuer URL (the provider's issuer, https)");
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    throw new UsageError(`--issuer "${issuer}" is not a URL`);
  }
  if (url.protocol !== 'https:') throw new UsageError('--issuer must be an https:// URL');
  if (url.search || url.hash)
    throw new UsageError('--issuer is the issuer itself, without ?query or #fragment');
  return issuer;
}

export async function oidcCredential(
  values: OidcValues,
  mailbox: string,
  user: { deviceCode: () => DeviceCodeCredential; browser: () => BrowserCredential },
): Promise<{ credential: RunCredential; source: string; kind: 'client-secret' | 'device-code' | 'browser' }> {
  const issuer = issuerOf(values);
  const clientId = values['client-id'];
  if (clientId === undefined || clientId.trim() === '')
    throw new UsageError('--provider oidc needs --client-id ID (the client registered at the provider)');
  const scope = values.scope;
  if (scope === undefined || !scope.trim())
    throw new UsageError(
      '--provider oidc needs --scope "SCOPES": the scopes the mail server\'s tokens need (space-separated, e.g. "openid email")',
    );
  if (values.resource !== undefined) {
    try {
      new URL(values.resource);
    } catch {
      throw new UsageError(`--resource "${values.resource}" is not an absolute URI (RFC 8707)`);
    }
  }
  if (values['device-code'] && values.browser)
    throw new UsageError('--device-code and --browser are two ways to sign a user in: give one');
  const secret = await clientSecretOf(values);
  const person = values['device-code'] ? 'device-code' : values.browser ? 'browser' : null;
  if (!person && secret === undefined)
    throw new UsageError(
      '--provider oidc: give --client-secret-env VAR (client credentials), --device-code or --browser (a person signs in)',
    );
  const flow =
    person === 'device-code'
      ? user.deviceCode()
      : person === 'browser'
        ? user.browser()
        : { kind: 'client-credentials' as const };
  return {
    credential: {
      kind: 'oidc',
      user: mailbox,
      spec: {
        issuer,
        clientId,
        ...(secret !== undefined ? { clientSecret: secret } : {}),
        flow,
        scope: scope.trim(),
        ...(values.resource !== undefined ? { resource: values.resource } : {}),
      },
    },
    source: person
      ? `a user's sign-in (${person}) at ${new URL(issuer).host}`
      : `client secret for ${clientId} at ${new URL(issuer).host}`,
    kind: person ?? 'client-secret',
  };
}

/**
 * `--provider google --browser --client-id ID --client-secret-env VAR`: a user's own Gmail
 * sign-in, as an installed app does it (PKCE on a loopback redirect; Google gives installed apps
 * a client secret too). `--issuer` names another issuer playing accounts.google.com (the lab's).
 */
export async function googleUserCredential(
  values: OidcValues,
  mailbox: string,
  browser: BrowserCredential,
): Promise<{ credential: RunCredential; source: string; kind: 'browser' }> {
  const clientId = values['client-id'];
  if (clientId === undefined || !/^\S+\.apps\.googleusercontent\.com$/.test(clientId))
    throw new UsageError(
      "--provider google --browser needs --client-id ID.apps.googleusercontent.com (the installed app's OAuth client)",
    );
  const secret = await clientSecretOf(values);
  if (secret === undefined)
    throw new UsageError(
      "--provider google --browser needs the OAuth client's secret (--client-secret-env VAR): Google gives installed apps one",
    );
  const issuer = values.issuer !== undefined ? issuerOf(values) : GOOGLE_ISSUER;
  return {
    credential: {
      kind: 'oidc',
      user: mailbox,
      spec: {
        issuer,
        clientId,
        clientSecret: secret,
        flow: browser,
        scope: values.scope ?? GMAIL_SCOPE,
        google: true,
      },
    },
    source: `a user's own Google sign-in (browser) for ${clientId}`,
    kind: 'browser',
  };
}
