// Token-endpoint errors shaped like Microsoft Entra ID's: the JSON body of a failed request to
// /oauth2/v2.0/token. Texts and HTTP statuses: see the lab README (verbatim or assumed, with sources).
import { randomUUID } from 'node:crypto';

export interface AadstsError {
  status: number;
  error: string;
  code: number;
  message: string;
}

export function aadstsBody(e: AadstsError): Record<string, unknown> {
  const timestamp = new Date()
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z');
  const traceId = randomUUID();
  const correlationId = randomUUID();
  return {
    error: e.error,
    error_description: `AADSTS${e.code}: ${e.message}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${timestamp}`,
    error_codes: [e.code],
    timestamp,
    trace_id: traceId,
    correlation_id: correlationId,
    error_uri: `https://login.microsoftonline.com/error?code=${e.code}`,
  };
}

export const AADSTS = {
  tenantNotFound: (tenant: string): AadstsError => ({
    status: 400,
    error: 'invalid_tenant',
    code: 90002,
    message: `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
  }),
  invalidTenantIdentifier: (tenant: string): AadstsError => ({
    status: 400,
    error: 'invalid_request',
    code: 900023,
    message: `Specified tenant identifier '${tenant}' is neither a valid DNS name, nor a valid external domain.`,
  }),
  appNotFound: (clientId: string, tenantName: string): AadstsError => ({
    status: 400,
    error: 'unauthorized_client',
    code: 700016,
    message: `Application with identifier '${clientId}' was not found in the directory '${tenantName}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
  }),
  appDisabled: (clientId: string, name: string): AadstsError => ({
    status: 400,
    error: 'unauthorized_client',
    code: 7000112,
    message: `Application '${clientId}'(${name}) is disabled.`,
  }),
  noCredential: (): AadstsError => ({
    status: 401,
    error: 'invalid_client',
    code: 7000218,
    message: "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
  }),
  invalidSecret: (clientId: string): AadstsError => ({
    status: 401,
    error: 'invalid_client',
    code: 7000215,
    message: `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`,
  }),
  secretExpired: (clientId: string): AadstsError => ({
    status: 401,
    error: 'invalid_client',
    code: 7000222,
    message: `The provided client secret keys for app '${clientId}' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.`,
  }),
  invalidCertificate: (thumbprint: string): AadstsError => ({
    status: 401,
    error: 'invalid_client',
    code: 700027,
    message: `The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '${thumbprint}']`,
  }),
  invalidAssertion: (reason: string): AadstsError => ({
    status: 401,
    error: 'invalid_client',
    code: 700027,
    message: `Client assertion failed signature validation. [Reason - ${reason}]`,
  }),
  missingScope: (): AadstsError => ({
    status: 400,
    error: 'invalid_scope',
    code: 70011,
    message: "The provided request must include a 'scope' input parameter.",
  }),
  scopeNotDefault: (scope: string): AadstsError => ({
    status: 400,
    error: 'invalid_scope',
    code: 1002012,
    message: `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
  }),
  resourceNotFound: (resource: string, tenantName: string): AadstsError => ({
    status: 400,
    error: 'invalid_resource',
    code: 500011,
    message: `The resource principal named ${resource} was not found in the tenant named ${tenantName}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
  }),
  conditionalAccess: (): AadstsError => ({
    status: 400,
    error: 'invalid_grant',
    code: 53003,
    message:
      'Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.',
  }),
  // The device code flow (RFC 8628 as Entra words it).
  authorizationPending: (): AadstsError => ({
    status: 400,
    error: 'authorization_pending',
    code: 70016,
    message: 'OAuth 2.0 device flow error. Authorization is pending. Continue polling.',
  }),
  deviceCodeExpired: (): AadstsError => ({
    status: 400,
    error: 'expired_token',
    code: 70020,
    message:
      "The provided value for the input parameter 'device_code' is not valid. This device code has expired.",
  }),
  badDeviceCode: (): AadstsError => ({
    status: 400,
    error: 'invalid_grant',
    code: 70019,
    message: 'Verification code expired.',
  }),
  /** Scopes of two resources (Exchange Online and Graph) in one request. */
  scopesOfTwoResources: (): AadstsError => ({
    status: 400,
    error: 'invalid_scope',
    code: 28000,
    message:
      'Provided value for the input parameter scope is not valid because it contains more than one resource.',
  }),
  delegatedScopeNotAllowed: (scope: string): AadstsError => ({
    status: 400,
    error: 'invalid_scope',
    code: 70011,
    message: `The provided request must include a 'scope' input parameter. The provided value for the input parameter 'scope' is not valid. The scope ${scope} is not valid.`,
  }),
  invalidUserCredentials: (): AadstsError => ({
    status: 400,
    error: 'invalid_grant',
    code: 50126,
    message: 'Error validating credentials due to invalid username or password.',
  }),
  // The authorization code flow with PKCE.
  badAuthorizationCode: (): AadstsError => ({
    status: 400,
    error: 'invalid_grant',
    code: 70000,
    message:
      'The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.',
  }),
  /** A refresh token the lab never issued, or one already used once (rotated). */
  refreshTokenExpired: (): AadstsError => ({
    status: 400,
    error: 'invalid_grant',
    code: 700082,
    message: `The refresh token has expired due to inactivity. The token was issued on ${new Date(Date.now() - 91 * 86_400_000).toISOString()} and was inactive for 90.00:00:00.`,
  }),
  pkceMismatch: (): AadstsError => ({
    status: 400,
    error: 'invalid_grant',
    code: 501481,
    message: 'The Code_Verifier does not match the code_challenge supplied in the authorization request.',
  }),
  pkceRequired: (): AadstsError => ({
    status: 400,
    error: 'invalid_request',
    code: 9002325,
    message: 'Proof Key for Code Exchange is required for cross-origin authorization code redemption.',
  }),
  redirectNotRegistered: (redirectUri: string, clientId: string): AadstsError => ({
    status: 400,
    error: 'invalid_request',
    code: 50011,
    message: `The redirect URI '${redirectUri}' specified in the request does not match the redirect URIs configured for the application '${clientId}'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal.`,
  }),
  redirectMismatchOnRedeem: (): AadstsError => ({
    status: 400,
    error: 'invalid_grant',
    code: 500117,
    message:
      'The reply uri specified in the request does not match the reply uri used in the authorization request.',
  }),
  unsupportedGrant: (grant: string): AadstsError => ({
    status: 400,
    error: 'unsupported_grant_type',
    code: 70003,
    message: `The app requested an unsupported grant type '${grant}'.`,
  }),
} as const;
