// A real OpenID provider for the tests: the `oidc-provider` package (the certified Node
// implementation), served over HTTPS on 127.0.0.1 with a certificate of a CA made for the run. It
// knows three clients: a daemon (client credentials), a desktop app (public, device code and
// authorization code with PKCE on a loopback redirect) and Dovecot (introspection). Its access
// tokens are opaque and meant for the mail resource; introspection names the mailbox they open.
import { createServer, type Server } from 'node:https';
import { randomBytes } from 'node:crypto';
import Provider from 'oidc-provider';
import { createLabPki } from '../../../electron/lab/pki';

export const MAIL_RESOURCE = 'urn:mailprobe:test:mail';
/** The mailbox every token of this provider opens (a Dovecot harness user). */
export const OIDC_MAILBOX = 'alice@example.test';
export const DAEMON_CLIENT = 'mail-daemon';
export const DESKTOP_CLIENT = 'mail-desktop';
export const DOVECOT_CLIENT = 'dovecot';

export interface TestOpenIdProvider {
  issuer: string;
  caPem: string;
  daemonSecret: string;
  /** Dovecot's introspection URL, its client id and secret in it (basic authentication). */
  introspectionUrl: string;
  close(): Promise<void>;
}

export async function startOpenIdProvider(): Promise<TestOpenIdProvider> {
  const pki = await createLabPki();
  const daemonSecret = `daemon-${randomBytes(16).toString('hex')}`;
  const dovecotSecret = `dovecot-${randomBytes(16).toString('hex')}`;
  const server: Server = createServer({ key: pki.serverKeyPem, cert: pki.serverCertPem });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const issuer = `https://127.0.0.1:${port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: DAEMON_CLIENT,
        client_secret: daemonSecret,
        grant_types: ['client_credentials'],
        redirect_uris: [],
        response_types: [],
      },
      {
        client_id: DESKTOP_CLIENT,
        application_type: 'native',
        token_endpoint_auth_method: 'none',
        grant_types: ['urn:ietf:params:oauth:grant-type:device_code', 'authorization_code', 'refresh_token'],
        response_types: ['code'],
        // RFC 8252 7.3: any port of the loopback address matches.
        redirect_uris: ['http://127.0.0.1/callback'],
      },
      {
        client_id: DOVECOT_CLIENT,
        client_secret: dovecotSecret,
        grant_types: [],
        redirect_uris: [],
        response_types: [],
      },
    ],
    scopes: ['openid', 'email', 'offline_access', 'mail'],
    claims: { email: ['email'] },
    features: {
      clientCredentials: { enabled: true },
      deviceFlow: { enabled: true },
      introspection: { enabled: true },
      devInteractions: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => MAIL_RESOURCE,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, indicator) => {
          if (indicator !== MAIL_RESOURCE) throw new Error('unknown resource');
          return { scope: 'mail', audience: MAIL_RESOURCE, accessTokenFormat: 'opaque' };
        },
      },
    },
    // Test accounts: whoever signs in on the dev pages is the mailbox's user.
    findAccount: (_ctx, id) => ({
      accountId: id,
      claims: () => ({ sub: id, email: OIDC_MAILBOX }),
    }),
    extraTokenClaims: () => ({ username: OIDC_MAILBOX }),
    pkce: { required: () => true },
  });
  // Quiet: the provider's own error log would print request details.
  provider.on('server_error', () => undefined);
  const handle = provider.callback();
  server.on('request', (req, res) => {
    void handle(req, res);
  });
  return {
    issuer,
    caPem: pki.caPem,
    daemonSecret,
    introspectionUrl: `https://${DOVECOT_CLIENT}:${dovecotSecret}@127.0.0.1:${port}/token/introspection`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
