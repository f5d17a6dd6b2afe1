// The lab's identity endpoint, shaped like Microsoft Entra ID's v2 endpoints for one tenant:
// OpenID metadata, JWKS and the token endpoint of the client credentials grant (client secret or
// certificate assertion), with AADSTS-shaped errors. HTTPS on 127.0.0.1 with the lab's certificate.
import { X509Certificate, createHash, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { decodeProtectedHeader, importX509, jwtVerify } from 'jose';
import type { TenantState, UserState } from './state';
import type { LabTokenIssuer } from './tokens';
import { AADSTS, aadstsBody, type AadstsError } from './aadsts';
import { DeviceFlows } from './device-flow';
import { AuthorizeFlows, isLoopbackRedirect } from './authorize-flow';
import { GRAPH_RESOURCE } from './graph/graph-api';

// RFC 8628's grant type; MSAL sends the short form, which Entra also takes.
const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
/** Delegated permissions of Exchange Online, by either of the resource names Entra accepts. */
const DELEGATED =
  /^https:\/\/outlook\.office(?:365)?\.com\/(IMAP\.AccessAsUser\.All|POP\.AccessAsUser\.All|SMTP\.Send)$/i;
/** Microsoft Graph's delegated mail permissions: a user's token for Graph. */
const GRAPH_DELEGATED = /^https:\/\/graph\.microsoft\.com\/(Mail\.Read|Mail\.Send)$/i;
const GRAPH_SCOPES = new Set(['Mail.Read', 'Mail.Send']);
const OIDC_SCOPES = new Set(['openid', 'profile', 'offline_access', 'email']);

const MAX_BODY = 64 * 1024;
const RESOURCES = [
  'https://outlook.office365.com',
  'https://outlook.office.com',
  'https://graph.microsoft.com',
];

export interface IdentityServer {
  port: number;
  /** https://127.0.0.1:<port>: the authority host; the authority is `${base}/${tenant}`. */
  base: string;
  close(): Promise<void>;
}

export interface IdentityOptions {
  state: TenantState;
  issuer: LabTokenIssuer;
  tls: { keyPem: string; certPem: string };
  /** Other endpoints on the same server (the Google tenant's token endpoint): true when answered. */
  routes?: ReadonlyArray<(req: IncomingMessage, res: ServerResponse, pathname: string) => Promise<boolean>>;
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store, no-cache',
    'x-ms-request-id': randomUUID(),
    ...headers,
  });
  res.end(text);
}

function fail(res: ServerResponse, error: AadstsError): void {
  send(res, error.status, aadstsBody(error));
}

function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        resolve(null);
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', () => {
      resolve(null);
    });
  });
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DOMAIN = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$/i;

/** Resolves the tenant segment of a path, or the error Entra would give for it. */
function tenantOf(segment: string, state: TenantState): AadstsError | null {
  const lower = segment.toLowerCase();
  if (lower === state.tenantId.toLowerCase() || lower === state.domain.toLowerCase()) return null;
  if (!GUID.test(segment) && !DOMAIN.test(segment)) return AADSTS.invalidTenantIdentifier(segment);
  return AADSTS.tenantNotFound(segment);
}

function metadata(base: string, state: TenantState): Record<string, unknown> {
  const t = state.tenantId;
  return {
    token_endpoint: `${base}/${t}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `${base}/${t}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer: `${base}/${t}/v2.0`,
    request_uri_parameter_supported: false,
    userinfo_endpoint: `${base}/oidc/userinfo`,
    authorization_endpoint: `${base}/${t}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${base}/${t}/oauth2/v2.0/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${base}/${t}/oauth2/v2.0/logout`,
    claims_supported: [
      'sub',
      'iss',
      'aud',
      'exp',
      'iat',
      'auth_time',
      'acr',
      'nonce',
      'tid',
      'ver',
      'oid',
      'roles',
    ],
    kerberos_endpoint: `${base}/${t}/kerberos`,
    tenant_region_scope: 'EU',
    cloud_instance_name: 'microsoftonline.com',
    cloud_graph_host_name: 'graph.windows.net',
    msgraph_host: 'graph.microsoft.com',
    rbac_url: 'https://pas.windows.net',
  };
}

/** SHA-256 thumbprint of a PEM certificate, base64url: what `x5t#S256` carries. */
function thumbprintS256(pem: string): string {
  return createHash('sha256').update(new X509Certificate(pem).raw).digest('base64url');
}

async function checkAssertion(
  assertion: string,
  state: TenantState,
  tokenEndpoint: string,
): Promise<AadstsError | null> {
  let header: Record<string, unknown>;
  try {
    header = decodeProtectedHeader(assertion);
  } catch {
    return AADSTS.invalidAssertion('The assertion is not a JWT.');
  }
  const presented =
    typeof header['x5t#S256'] === 'string'
      ? header['x5t#S256']
      : typeof header.x5t === 'string'
        ? header.x5t
        : '';
  const registered = state.app.certificatePem;
  if (!registered || presented !== thumbprintS256(registered)) {
    const hex = presented ? Buffer.from(presented, 'base64url').toString('hex').toUpperCase() : '(none)';
    return AADSTS.invalidCertificate(hex);
  }
  try {
    const alg = typeof header.alg === 'string' ? header.alg : 'RS256';
    const key = await importX509(registered, alg);
    // Entra allows five minutes of clock skew on client assertions.
    await jwtVerify(assertion, key, {
      audience: tokenEndpoint,
      issuer: state.app.clientId,
      subject: state.app.clientId,
      clockTolerance: 300,
    });
    return null;
  } catch (error) {
    return AADSTS.invalidAssertion(error instanceof Error ? error.message : 'Invalid signature.');
  }
}

export async function startIdentityServer(options: IdentityOptions): Promise<IdentityServer> {
  const { state, issuer } = options;
  let base = '';
  const devices = new DeviceFlows(state);
  /** What Entra says of a client id that is not this tenant's app, or of a disabled app. */
  const appProblem = (clientId: string): AadstsError | null => {
    if (!state.app.exists || clientId.toLowerCase() !== state.app.clientId.toLowerCase())
      return AADSTS.appNotFound(clientId, state.domain);
    return state.app.enabled ? null : AADSTS.appDisabled(clientId, state.app.displayName);
  };
  const authorize = new AuthorizeFlows(state);

  /**
   * The Exchange (or Graph) scopes a delegated request names, or the error Entra gives for the
   * first other one, or for scopes of both resources in one request.
   */
  const delegatedScopes = (scope: string): { scopes: string[] } | { error: AadstsError } => {
    const scopes: string[] = [];
    for (const s of scope.split(/\s+/).filter(Boolean)) {
      if (OIDC_SCOPES.has(s.toLowerCase())) continue;
      const m = DELEGATED.exec(s) ?? GRAPH_DELEGATED.exec(s);
      if (!m?.[1]) return { error: AADSTS.delegatedScopeNotAllowed(s) };
      scopes.push(m[1]);
    }
    const graph = scopes.filter((s) => GRAPH_SCOPES.has(s)).length;
    if (graph > 0 && graph < scopes.length) return { error: AADSTS.scopesOfTwoResources() };
    return scopes.length ? { scopes } : { error: AADSTS.missingScope() };
  };

  const deviceCode = async (req: IncomingMessage, res: ServerResponse, tenant: string): Promise<void> => {
    const raw = await readBody(req);
    if (raw === null) {
      send(res, 413, { error: 'invalid_request', error_description: 'Request body too large' });
      return;
    }
    const form = new URLSearchParams(raw);
    const clientId = form.get('client_id') ?? '';
    const tenantError = tenantOf(tenant, state);
    if (tenantError) {
      fail(res, tenantError);
      return;
    }
    const appError = appProblem(clientId);
    if (appError) {
      fail(res, appError);
      return;
    }
    const wanted = delegatedScopes(form.get('scope') ?? '');
    if ('error' in wanted) {
      fail(res, wanted.error);
      return;
    }
    send(res, 200, devices.start(base, clientId, wanted.scopes));
  };

  /** The device code grant: pending until someone signs in on the page, then the user's token. */
  const deviceToken = async (res: ServerResponse, form: URLSearchParams): Promise<void> => {
    const clientId = form.get('client_id') ?? '';
    const poll = devices.poll(form.get('device_code') ?? '', clientId);
    if (poll.status === 'unknown') {
      fail(res, AADSTS.badDeviceCode());
      return;
    }
    if (poll.status === 'expired') {
      fail(res, AADSTS.deviceCodeExpired());
      return;
    }
    if (poll.status === 'pending') {
      fail(res, AADSTS.authorizationPending());
      return;
    }
    if (state.conditionalAccessBlocks) {
      fail(res, AADSTS.conditionalAccess());
      return;
    }
    await sendUserTokens(res, poll.user, poll.scopes);
  };

  /** The code of an authorization code + PKCE sign-in, redeemed once with its verifier. */
  const codeToken = async (res: ServerResponse, form: URLSearchParams): Promise<void> => {
    const redeemed = authorize.redeem(
      form.get('code') ?? '',
      form.get('client_id') ?? '',
      form.get('redirect_uri') ?? '',
      form.get('code_verifier') ?? '',
    );
    if (!redeemed.ok) {
      fail(
        res,
        redeemed.why === 'verifier-mismatch'
          ? AADSTS.pkceMismatch()
          : redeemed.why === 'redirect-mismatch'
            ? AADSTS.redirectMismatchOnRedeem()
            : AADSTS.badAuthorizationCode(),
      );
      return;
    }
    if (state.conditionalAccessBlocks) {
      fail(res, AADSTS.conditionalAccess());
      return;
    }
    await sendUserTokens(res, redeemed.user, redeemed.scopes);
  };

  /** ROPC: the user's password sent to the token endpoint (a legacy flow, still answered). */
  const passwordToken = async (res: ServerResponse, form: URLSearchParams): Promise<void> => {
    const appError = appProblem(form.get('client_id') ?? '');
    if (appError) {
      fail(res, appError);
      return;
    }
    const wanted = delegatedScopes(form.get('scope') ?? '');
    if ('error' in wanted) {
      fail(res, wanted.error);
      return;
    }
    const username = (form.get('username') ?? '').trim().toLowerCase();
    const user = state.users.find((u) => u.address.toLowerCase() === username);
    if (!user || user.password !== (form.get('password') ?? '')) {
      fail(res, AADSTS.invalidUserCredentials());
      return;
    }
    if (state.conditionalAccessBlocks) {
      fail(res, AADSTS.conditionalAccess());
      return;
    }
    await sendUserTokens(res, user, wanted.scopes);
  };

  /** A user's tokens: what the user asked for and the app was granted (consented) for. */
  /**
   * Refresh tokens of the lab's user sign-ins: opaque, one use each (a redeemed one is replaced,
   * as Entra rotates them), at most 1,000 kept.
   */
  const refreshTokens = new Map<string, { user: UserState; scopes: string[] }>();
  const newRefreshToken = (user: UserState, scopes: string[]): string => {
    const value = `0.lab-rt.${randomBytes(32).toString('base64url')}`;
    if (refreshTokens.size >= 1000) refreshTokens.delete(refreshTokens.keys().next().value ?? '');
    refreshTokens.set(value, { user, scopes });
    return value;
  };

  /**
   * The refresh token grant: a kept sign-in renewed without the person, or the same sign-in's
   * token for another resource (Entra's refresh tokens serve every resource the app is consented
   * for: a token for Graph after a sign-in for Exchange).
   */
  const refreshToken = async (res: ServerResponse, form: URLSearchParams): Promise<void> => {
    const given = form.get('refresh_token') ?? '';
    const kept = refreshTokens.get(given);
    refreshTokens.delete(given);
    if (!kept) {
      fail(res, AADSTS.refreshTokenExpired());
      return;
    }
    const asked = form.get('scope');
    const wanted = asked ? delegatedScopes(asked) : { scopes: kept.scopes };
    if ('error' in wanted) {
      fail(res, wanted.error);
      return;
    }
    if (state.conditionalAccessBlocks) {
      fail(res, AADSTS.conditionalAccess());
      return;
    }
    await sendUserTokens(res, kept.user, wanted.scopes);
  };

  const sendUserTokens = async (res: ServerResponse, user: UserState, scopes: string[]): Promise<void> => {
    const forGraph = scopes.length > 0 && scopes.every((s) => GRAPH_SCOPES.has(s));
    const consented: string[] = forGraph ? state.graph.delegatedScopes : state.delegatedScopes;
    const granted = scopes.filter((s) => consented.includes(s));
    const resource = forGraph ? GRAPH_RESOURCE : 'https://outlook.office.com';
    const lifetime = state.tokenLifetimeSeconds;
    const accessToken = await issuer.issue(
      {
        aud: resource,
        tid: state.tenantId,
        appid: state.app.clientId,
        app_displayname: state.app.displayName,
        appidacr: '0',
        amr: ['pwd'],
        idtyp: 'user',
        oid: user.objectId,
        sub: user.objectId,
        upn: user.address,
        unique_name: user.address,
        name: user.displayName,
        scp: granted.join(' '),
      },
      lifetime,
    );
    const idToken = await issuer.issue(
      {
        aud: state.app.clientId,
        tid: state.tenantId,
        oid: user.objectId,
        sub: user.objectId,
        preferred_username: user.address,
        name: user.displayName,
      },
      lifetime,
    );
    send(res, 200, {
      token_type: 'Bearer',
      scope: granted.map((s) => `${resource}/${s}`).join(' '),
      expires_in: lifetime,
      ext_expires_in: lifetime,
      access_token: accessToken,
      id_token: idToken,
      refresh_token: newRefreshToken(user, scopes),
      client_info: Buffer.from(JSON.stringify({ uid: user.objectId, utid: state.tenantId })).toString(
        'base64url',
      ),
    });
  };

  /** GET /authorize: the checked request gets the sign-in page; a bad one Entra's error page. */
  const authorizeRequest = (res: ServerResponse, tenant: string, url: URL): void => {
    const q = url.searchParams;
    const problem = (text: string): void => {
      res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
      res.end(text);
    };
    const tenantError = tenantOf(tenant, state);
    if (tenantError) return problem(`AADSTS${tenantError.code}: ${tenantError.message}`);
    const clientId = q.get('client_id') ?? '';
    if (!state.app.exists || clientId.toLowerCase() !== state.app.clientId.toLowerCase()) {
      const e = AADSTS.appNotFound(clientId, state.domain);
      return problem(`AADSTS${e.code}: ${e.message}`);
    }
    const redirectUri = q.get('redirect_uri') ?? '';
    if (!isLoopbackRedirect(redirectUri)) {
      const e = AADSTS.redirectNotRegistered(redirectUri, clientId);
      return problem(`AADSTS${e.code}: ${e.message}`);
    }
    if (q.get('response_type') !== 'code') return problem("AADSTS700054: response_type is not 'code'.");
    const challenge = q.get('code_challenge') ?? '';
    if (!challenge || q.get('code_challenge_method') !== 'S256') {
      const e = AADSTS.pkceRequired();
      return problem(`AADSTS${e.code}: ${e.message}`);
    }
    const wanted = delegatedScopes(q.get('scope') ?? '');
    if ('error' in wanted) return problem(`AADSTS${wanted.error.code}: ${wanted.error.message}`);
    authorize.signInPage(res, {
      clientId,
      redirectUri,
      responseMode: q.get('response_mode') === 'form_post' ? 'form_post' : 'query',
      state: q.get('state'),
      challenge,
      scopes: wanted.scopes,
    });
  };

  const token = async (req: IncomingMessage, res: ServerResponse, tenant: string): Promise<void> => {
    const raw = await readBody(req);
    if (raw === null) {
      send(res, 413, { error: 'invalid_request', error_description: 'Request body too large' });
      return;
    }
    const form = new URLSearchParams(raw);
    const grant = form.get('grant_type') ?? '';
    const clientId = form.get('client_id') ?? '';
    const tenantError = tenantOf(tenant, state);
    if (tenantError) {
      fail(res, tenantError);
      return;
    }
    if (grant === DEVICE_CODE_GRANT || grant === 'device_code') return deviceToken(res, form);
    if (grant === 'authorization_code') return codeToken(res, form);
    if (grant === 'refresh_token') return refreshToken(res, form);
    if (grant === 'password') return passwordToken(res, form);
    if (grant !== 'client_credentials') {
      fail(res, AADSTS.unsupportedGrant(grant));
      return;
    }
    const appError = appProblem(clientId);
    if (appError) {
      fail(res, appError);
      return;
    }
    const secret = form.get('client_secret');
    const assertion = form.get('client_assertion');
    if (secret !== null) {
      if (secret !== state.app.secret.value) {
        fail(res, AADSTS.invalidSecret(clientId));
        return;
      }
      if (state.app.secret.expired) {
        fail(res, AADSTS.secretExpired(clientId));
        return;
      }
    } else if (assertion !== null) {
      const problem = await checkAssertion(assertion, state, `${base}/${state.tenantId}/oauth2/v2.0/token`);
      if (problem) {
        fail(res, problem);
        return;
      }
    } else {
      fail(res, AADSTS.noCredential());
      return;
    }
    const scope = (form.get('scope') ?? '').trim();
    if (!scope) {
      fail(res, AADSTS.missingScope());
      return;
    }
    const resources = scope
      .split(/\s+/)
      .filter((s) => s !== 'offline_access' && s !== 'openid' && s !== 'profile');
    const first = resources[0] ?? '';
    if (resources.length !== 1 || !first.endsWith('/.default')) {
      fail(res, AADSTS.scopeNotDefault(scope));
      return;
    }
    const resource = first.slice(0, -'/.default'.length);
    if (!RESOURCES.includes(resource)) {
      fail(res, AADSTS.resourceNotFound(resource, state.domain));
      return;
    }
    if (state.conditionalAccessBlocks) {
      fail(res, AADSTS.conditionalAccess());
      return;
    }
    const exchange = resource !== 'https://graph.microsoft.com';
    const roles = !state.consentGranted ? [] : exchange ? state.roles : state.graph.roles;
    const lifetime = state.tokenLifetimeSeconds;
    const accessToken = await issuer.issue(
      {
        aud: exchange ? 'https://outlook.office365.com' : resource,
        tid: state.tenantId,
        appid: state.app.clientId,
        app_displayname: state.app.displayName,
        appidacr: assertion !== null ? '2' : '1',
        idp: issuer.issuer(state.tenantId),
        idtyp: 'app',
        oid: state.app.servicePrincipalObjectId,
        sub: state.app.servicePrincipalObjectId,
        rh: '0.AAAA-lab.',
        ...(roles.length ? { roles } : {}),
      },
      lifetime,
    );
    send(res, 200, {
      token_type: 'Bearer',
      expires_in: lifetime,
      ext_expires_in: lifetime,
      access_token: accessToken,
    });
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', base);
    for (const route of options.routes ?? []) if (await route(req, res, url.pathname)) return;
    const parts = url.pathname.split('/').filter(Boolean);
    const tenant = parts[0] ?? '';
    const rest = parts.slice(1).join('/');
    if (
      req.method === 'GET' &&
      (rest === 'v2.0/.well-known/openid-configuration' || rest === '.well-known/openid-configuration')
    ) {
      const problem = tenantOf(tenant, state);
      if (problem) {
        fail(res, problem);
        return;
      }
      send(res, 200, metadata(base, state));
      return;
    }
    if (req.method === 'GET' && (rest === 'discovery/v2.0/keys' || rest === 'discovery/keys')) {
      send(res, 200, issuer.jwks());
      return;
    }
    if (req.method === 'POST' && rest === 'oauth2/v2.0/token') return token(req, res, tenant);
    if (req.method === 'POST' && rest === 'oauth2/v2.0/devicecode') return deviceCode(req, res, tenant);
    if (req.method === 'GET' && rest === 'oauth2/v2.0/authorize') {
      authorizeRequest(res, tenant, url);
      return;
    }
    if (await devices.handle(req, res, url.pathname)) return;
    if (await authorize.handle(req, res, url.pathname)) return;
    send(res, 404, {
      error: 'not_found',
      error_description: `No such endpoint in the lab: ${req.method ?? ''} ${url.pathname}`,
    });
  };

  const server: Server = createServer({ key: options.tls.keyPem, cert: options.tls.certPem }, (req, res) => {
    req.setTimeout(15_000, () => req.destroy());
    handle(req, res).catch((error: unknown) => {
      send(res, 500, {
        error: 'server_error',
        error_description: error instanceof Error ? error.message : String(error),
      });
    });
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 15_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  base = `https://127.0.0.1:${port}`;
  return {
    port,
    base,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}
