// Token acquisition with @azure/msal-node through our recording HTTP client: the app's own token
// (client credentials, secret or certificate) or a user's (device code: the person opens the page
// MSAL names and enters the code). A failure is a failed `acquire` step with the endpoint's own
// fields.
import { X509Certificate, createPrivateKey } from 'node:crypto';
import type { StepResult } from '../../../shared/report/model';
import type { Transcript } from '../wire/transcript';
import { stepResult, stopwatch } from '../wire/step';
import { RecordingHttpClient, type HttpExchange, type IdentityRoute } from './recording-http';

/** What a person needs to sign in on another device: MSAL's words, the page, the code, how long. */
export interface DeviceCodePrompt {
  message: string;
  verificationUri: string;
  userCode: string;
  expiresInSeconds: number;
}

/**
 * A person's sign-in kept between runs because the user asked for it: the refresh token, in the
 * keychain only. Tried before asking the person; a refused one is forgotten.
 */
export interface KeptSignIn {
  refreshToken: string | null;
  keep(refreshToken: string): Promise<void>;
  forget(): Promise<void>;
}

/** A user signs in on another device: `onCode` is told what to show the person. */
export interface DeviceCodeCredential {
  kind: 'device-code';
  onCode: (prompt: DeviceCodePrompt) => void;
  timeoutSeconds?: number;
  kept?: KeptSignIn;
}

/**
 * A user signs in in a browser (authorization code with PKCE, redirected back to a loopback
 * address MSAL listens on): `openBrowser` shows the person the sign-in page.
 */
export interface BrowserCredential {
  kind: 'browser';
  openBrowser: (url: string) => Promise<void>;
  /** How long to wait for the sign-in, seconds (default 5 minutes). */
  timeoutSeconds?: number;
  kept?: KeptSignIn;
}

/** ROPC: the user's password sent to the token endpoint (legacy: no MFA, blocked by security defaults). */
export interface PasswordGrantCredential {
  kind: 'password-grant';
  password: string;
}

/**
 * The refresh token of this run's own sign-in, for a token for another resource (Graph after
 * Exchange) without asking the person again; `kept` when the sign-in is kept, to keep the
 * rotated refresh token.
 */
export interface RefreshTokenCredential {
  kind: 'refresh-token';
  refreshToken: string;
  kept?: KeptSignIn;
}

export type ClientCredential =
  | { kind: 'secret'; value: string }
  | { kind: 'certificate'; certificatePem: string; privateKeyPem: string; passphrase?: string }
  | DeviceCodeCredential
  | BrowserCredential
  | PasswordGrantCredential
  | RefreshTokenCredential;

export interface AcquireSpec {
  /** Authority host, e.g. https://login.microsoftonline.com, or the lab's. */
  authorityHost: string;
  tenant: string;
  clientId: string;
  credential: ClientCredential;
  /** e.g. https://outlook.office365.com/.default; delegated: the scopes, space-separated. */
  scope: string;
  /** ROPC: the user whose password is sent. */
  user?: string;
}

export interface AcquireOutcome {
  step: StepResult;
  token: string | null;
  /**
   * A person's sign-in: its refresh token, in memory for this run only (a token for another
   * resource), never written anywhere but the keychain of a kept sign-in.
   */
  refreshToken?: string;
}

const MICROSOFT_HOSTS = [
  'login.microsoftonline.com',
  'login.microsoftonline.us',
  'login.partner.microsoftonline.cn',
];

export interface CertificateFacts {
  thumbprintSha256: string;
  thumbprintSha1: string;
  subject: string;
  notAfter: string;
}

export function certificateFacts(pem: string): CertificateFacts {
  const cert = new X509Certificate(pem);
  return {
    thumbprintSha256: cert.fingerprint256.replace(/:/g, ''),
    thumbprintSha1: cert.fingerprint.replace(/:/g, ''),
    subject: cert.subject.replace(/\n/g, ', '),
    notAfter: new Date(cert.validTo).toISOString(),
  };
}

/** The endpoint's error fields (SPEC 2.2), from the last exchange. */
function endpointError(
  exchange: HttpExchange | undefined,
  authorityHost: string,
): Record<string, unknown> | null {
  const body = exchange?.body;
  if (!body || typeof body.error !== 'string') return null;
  const codes = Array.isArray(body.error_codes)
    ? body.error_codes.filter((c): c is number => typeof c === 'number')
    : [];
  const host = new URL(authorityHost).host;
  const first = codes[0];
  const lookup =
    first === undefined
      ? null
      : MICROSOFT_HOSTS.includes(host)
        ? `https://${host}/error?code=${first}`
        : typeof body.error_uri === 'string'
          ? body.error_uri
          : `https://login.microsoftonline.com/error?code=${first}`;
  return {
    status: exchange.status,
    error: body.error,
    error_description: body.error_description,
    error_codes: codes,
    trace_id: body.trace_id,
    correlation_id: body.correlation_id,
    timestamp: body.timestamp,
    lookup,
  };
}

/** MSAL's form of an app's own credential; the certificate's facts go into the step's detail. */
function clientCredentialOf(
  credential: Exclude<
    ClientCredential,
    DeviceCodeCredential | BrowserCredential | PasswordGrantCredential | RefreshTokenCredential
  >,
  detail: Record<string, unknown>,
):
  | { clientSecret: string }
  | { clientCertificate: { thumbprintSha256: string; privateKey: string; x5c: string } } {
  if (credential.kind === 'secret') return { clientSecret: credential.value };
  const facts = certificateFacts(credential.certificatePem);
  detail.certificate = facts;
  const privateKey = createPrivateKey({
    key: credential.privateKeyPem,
    ...(credential.passphrase ? { passphrase: credential.passphrase } : {}),
  })
    .export({ type: 'pkcs8', format: 'pem' })
    .toString();
  const x5c = new X509Certificate(credential.certificatePem).raw.toString('base64');
  return { clientCertificate: { thumbprintSha256: facts.thumbprintSha256, privateKey, x5c } };
}

function firstLine(text: unknown): string {
  return typeof text === 'string' ? (text.split(/\r?\n/)[0] ?? text) : '';
}

/** The refresh token MSAL's serialized cache holds, if any (there is one per signed-in account). */
export function refreshTokenIn(serializedCache: string): string | null {
  try {
    const cache = JSON.parse(serializedCache) as { RefreshToken?: Record<string, { secret?: unknown }> };
    const first = Object.values(cache.RefreshToken ?? {})[0];
    return typeof first?.secret === 'string' ? first.secret : null;
  } catch {
    return null;
  }
}

/** A kept sign-in renewed without the person; a refused one is forgotten and the person asked. */
async function renewKeptSignIn(
  app: import('@azure/msal-node').PublicClientApplication,
  kept: KeptSignIn,
  scopes: string[],
  transcript: Transcript,
): Promise<import('@azure/msal-node').AuthenticationResult | null> {
  transcript.info('Renewing the kept sign-in (refresh token from the keychain)');
  try {
    const result = await app.acquireTokenByRefreshToken({ refreshToken: kept.refreshToken ?? '', scopes });
    if (result?.accessToken) {
      transcript.info('Signed in with the kept sign-in: nobody had to sign in');
      return result;
    }
  } catch (error) {
    transcript.info(
      `The kept sign-in was refused (${firstLine(error instanceof Error ? error.message : String(error))}): it is forgotten, and the user signs in again`,
    );
  }
  await kept.forget();
  return null;
}

export async function acquireToken(
  spec: AcquireSpec,
  transcript: Transcript,
  route: IdentityRoute,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<AcquireOutcome> {
  transcript.step = 'acquire';
  const elapsed = stopwatch();
  const http = new RecordingHttpClient({ transcript, route, timeoutMs, ...(signal ? { signal } : {}) });
  const authority = `${spec.authorityHost.replace(/\/$/, '')}/${spec.tenant}`;
  const host = new URL(spec.authorityHost).host;
  const detail: Record<string, unknown> = {
    authority,
    clientId: spec.clientId,
    scope: spec.scope,
    credential: spec.credential.kind,
  };
  const msal = await import('@azure/msal-node');
  const system = {
    networkClient: http,
    loggerOptions: {
      piiLoggingEnabled: false,
      logLevel: msal.LogLevel.Error,
      loggerCallback: () => undefined,
    },
  };
  const known = MICROSOFT_HOSTS.includes(host) ? {} : { knownAuthorities: [host] };
  const scopes = spec.scope.split(/\s+/).filter(Boolean);
  try {
    let result: import('@azure/msal-node').AuthenticationResult | null = null;
    const person =
      spec.credential.kind === 'device-code' || spec.credential.kind === 'browser' ? spec.credential : null;
    const publicApp =
      person || spec.credential.kind === 'refresh-token' || spec.credential.kind === 'password-grant'
        ? new msal.PublicClientApplication({ auth: { clientId: spec.clientId, authority, ...known }, system })
        : null;
    if (person?.kept?.refreshToken && publicApp) {
      result = await renewKeptSignIn(publicApp, person.kept, scopes, transcript);
      if (result) detail.keptSignIn = 'used';
    }
    if (result) {
      // The kept sign-in did it: nobody had to sign in.
    } else if (spec.credential.kind === 'refresh-token') {
      transcript.info(
        `Asking ${authority} for a token for ${spec.scope} with this run's sign-in (refresh token: nobody signs in again)`,
      );
      const app =
        publicApp ??
        new msal.PublicClientApplication({ auth: { clientId: spec.clientId, authority, ...known }, system });
      result = await app.acquireTokenByRefreshToken({
        refreshToken: spec.credential.refreshToken,
        scopes,
      });
    } else if (spec.credential.kind === 'device-code') {
      const device = spec.credential;
      transcript.info(`Asking ${authority} for a device code (delegated, scopes ${spec.scope})`);
      const app =
        publicApp ??
        new msal.PublicClientApplication({ auth: { clientId: spec.clientId, authority, ...known }, system });
      const request: import('@azure/msal-node').DeviceCodeRequest = {
        scopes,
        timeout: device.timeoutSeconds ?? 900,
        deviceCodeCallback: (response) => {
          transcript.info(`Waiting for a sign-in at ${response.verificationUri} (code shown to the user)`);
          device.onCode({
            message: response.message,
            verificationUri: response.verificationUri,
            userCode: response.userCode,
            expiresInSeconds: response.expiresIn,
          });
        },
      };
      // MSAL stops polling when the request is marked cancelled.
      signal?.addEventListener('abort', () => {
        request.cancel = true;
      });
      result = await app.acquireTokenByDeviceCode(request);
    } else if (spec.credential.kind === 'password-grant') {
      transcript.info(
        `Asking ${authority} for a user's token with the user's password (ROPC, scopes ${spec.scope})`,
      );
      const app =
        publicApp ??
        new msal.PublicClientApplication({ auth: { clientId: spec.clientId, authority, ...known }, system });
      // Deprecated by MSAL for good reasons (no MFA): offered only behind --ropc, with its warning,
      // because support staff meet applications that still use it.
      // eslint-disable-next-line @typescript-eslint/no-deprecated
      result = await app.acquireTokenByUsernamePassword({
        scopes,
        username: spec.user ?? '',
        password: spec.credential.password,
      });
    } else if (spec.credential.kind === 'browser') {
      const browser = spec.credential;
      transcript.info(
        `Asking ${authority} to sign a user in in a browser (authorization code with PKCE, scopes ${spec.scope})`,
      );
      const app =
        publicApp ??
        new msal.PublicClientApplication({ auth: { clientId: spec.clientId, authority, ...known }, system });
      const limit = (browser.timeoutSeconds ?? 300) * 1000;
      let timer: NodeJS.Timeout | undefined;
      // MSAL's loopback listener waits for the browser as long as it takes: the run's own
      // time limit and its cancel end the wait.
      const stop = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`No sign-in within ${Math.round(limit / 1000)} s`)), limit);
        signal?.addEventListener('abort', () => reject(new Error('Cancelled while waiting for the sign-in')));
      });
      try {
        result = await Promise.race([
          app.acquireTokenInteractive({
            scopes,
            openBrowser: async (url) => {
              transcript.info('Waiting for the sign-in in the browser');
              await browser.openBrowser(url);
            },
            successTemplate: 'Signed in. You can close this window and go back to MailProbe.',
            errorTemplate: 'The sign-in failed: {{error}}. Go back to MailProbe for the details.',
          }),
          stop,
        ]);
      } finally {
        clearTimeout(timer);
      }
    } else {
      const credential = clientCredentialOf(spec.credential, detail);
      transcript.info(
        `Asking ${authority} for a token (client credentials, ${spec.credential.kind}, scope ${spec.scope})`,
      );
      const app = new msal.ConfidentialClientApplication({
        auth: { clientId: spec.clientId, authority, ...credential, ...known },
        system,
      });
      result = await app.acquireTokenByClientCredential({ scopes, skipCache: true });
    }
    if (!result?.accessToken) throw new Error('The identity endpoint answered without an access token');
    const refreshToken = publicApp ? refreshTokenIn(publicApp.getTokenCache().serialize()) : null;
    if (refreshToken) transcript.secrets.add(refreshToken);
    const kept =
      person?.kept ?? (spec.credential.kind === 'refresh-token' ? spec.credential.kept : undefined);
    if (kept && refreshToken) {
      // The user asked to keep the sign-in: its refresh token goes to the keychain, nowhere else.
      await kept.keep(refreshToken);
      if (person) {
        detail.keptSignIn = detail.keptSignIn ?? 'kept';
        transcript.info('The sign-in is kept in the keychain for the next run (forget it in the profile)');
      }
    }
    const minutes = result.expiresOn ? Math.round((result.expiresOn.getTime() - Date.now()) / 60_000) : null;
    transcript.info(
      `Token received (${result.accessToken.length} characters${minutes !== null ? `, expires in ${minutes} min` : ''})`,
    );
    const who = result.account?.username ? ` for ${result.account.username}` : '';
    return {
      step: stepResult(
        'acquire',
        'pass',
        elapsed(),
        `Token issued by ${host}${who} for ${spec.scope.replace(/\/\.default$/, '')}${minutes !== null ? `, valid ${minutes} min` : ''}`,
        {
          ...detail,
          ...(result.account?.username ? { user: result.account.username } : {}),
          expiresOn: result.expiresOn?.toISOString() ?? null,
          exchanges: http.exchanges.map(({ method, url, status, ms }) => ({ method, url, status, ms })),
        },
      ),
      token: result.accessToken,
      ...(refreshToken ? { refreshToken } : {}),
    };
  } catch (error) {
    const fields = endpointError(http.last, spec.authorityHost);
    const message = error instanceof Error ? error.message : String(error);
    const summary = fields
      ? firstLine(fields.error_description) || String(fields.error)
      : http.last?.error
        ? `The identity endpoint could not be reached: ${http.last.error}`
        : `Token request failed: ${firstLine(message)}`;
    transcript.error(summary);
    return {
      step: stepResult('acquire', 'fail', elapsed(), summary, {
        ...detail,
        ...(fields ? { endpointError: fields } : {}),
        ...(http.last?.error ? { networkError: http.last.error } : {}),
        msal: firstLine(message),
        exchanges: http.exchanges.map(({ method, url, status, ms }) => ({ method, url, status, ms })),
      }),
      token: null,
    };
  }
}
