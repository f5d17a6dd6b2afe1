// The lab: a simulated Microsoft 365 tenant on 127.0.0.1 (SPEC 6). One call starts the identity
// endpoint and the IMAP, POP3 and SMTP servers with a fresh CA, tokens signing key and demo
// tenant, set to a scenario. It is the CLI's `--lab`, the app's Demo tenant and a test bed.
import {
  applyGoogleScenario,
  applyScenario,
  DEMO,
  demoState,
  proxyPolicyOf,
  type ClientSide,
} from './scenarios';
import { startLabProxies, type LabProxies } from './proxy/lab-proxies';
import {
  createServiceAccountKeys,
  GoogleTokens,
  googleWorkspaceState,
  serviceAccountKeyJson,
  type GoogleWorkspaceState,
  type ServiceAccountKeys,
} from './google/workspace';
import { GOOGLE_TOKEN_PATH, googleTokenRoute } from './google/token-endpoint';
import { startGmailServers } from './google/google-lab';
import { GOOGLE_ISSUER_PATH, GoogleUserSignIns } from './google/user-sign-in';
import type { ScenarioId, TenantState } from './state';
import { createLabPki, type LabPki } from './pki';
import { GRAPH_RESOURCE, graphRoute } from './graph/graph-api';
import type { EndpointTarget } from '../../shared/report/model';
import { createSigningKeys, createTokenIssuer, type SigningKeys } from './tokens';
import { startIdentityServer } from './identity-server';
import { startLabMailServers, type LabMailServers } from './mail/servers';
import { sharedStore, startSendingPathServers, type SendingPathServers } from './submission/submission-lab';

export interface Lab {
  scenario: ScenarioId;
  state: TenantState;
  client: ClientSide;
  caPem: string;
  /** https://127.0.0.1:<port>, the authority host to use instead of login.microsoftonline.com. */
  authorityHost: string;
  mail: LabMailServers;
  /** How its tokens are signed, for a real mail server that should accept them (tests). */
  signing: { issuer: string; kid: string; publicKeyPem: string };
  demo: typeof DEMO & { clientSecret: string; secretId: string };
  /** The Google Workspace tenant: its state, its Gmail servers and its service account's key file. */
  google: {
    state: GoogleWorkspaceState;
    mail: LabMailServers;
    tokenUri: string;
    /** The issuer playing accounts.google.com, for a user's own sign-in (installed app). */
    issuer: string;
    /** The key file's JSON text (with the private key): for the lab's own client only. */
    keyJson: string;
  };
  /** High Volume Email and Azure Communication Services SMTP (submission only). */
  sending: SendingPathServers;
  /** The company network: an HTTP and a SOCKS5 proxy to the lab's servers (proxy-* scenarios). */
  proxies: LabProxies;
  /** Microsoft Graph's mail calls, on the identity server's port; tokens name Graph's resource. */
  graph: { endpoint: EndpointTarget; resource: string };
  close(): Promise<void>;
}

/**
 * The key material of a lab: its CA and server certificate, its tokens signing key and its Google
 * service account's key. Generating them is most of a lab's start-up, so the labs of one batch
 * (one per scenario: a scenario is a tenant state) share one kit, as one lab with several tenants.
 */
export interface LabKit {
  pki: LabPki;
  signing: SigningKeys;
  google: ServiceAccountKeys;
}

export async function createLabKit(): Promise<LabKit> {
  const [pki, signing, google] = await Promise.all([
    createLabPki(),
    createSigningKeys(),
    createServiceAccountKeys(),
  ]);
  return { pki, signing, google };
}

export async function startLab(scenario: ScenarioId = 'healthy', kit?: LabKit): Promise<Lab> {
  const state = demoState();
  const client = applyScenario(state, scenario);
  const [pki, issuer, google] = await Promise.all([
    kit ? kit.pki : createLabPki(),
    createTokenIssuer(state.tenantId, kit?.signing),
    googleWorkspaceState(kit?.google),
  ]);
  applyGoogleScenario(google, client, scenario);
  const tls = { keyPem: pki.serverKeyPem, certPem: pki.serverCertPem };
  const googleTokens = new GoogleTokens();
  let tokenUri = '';
  let base = '';
  const googleUsers = new GoogleUserSignIns(google, googleTokens, () => base);
  // One store of mail for the tenant: SMTP and Graph's sendMail deliver into it, IMAP, POP3 and
  // Graph read from it.
  const store = sharedStore();
  const identity = await startIdentityServer({
    state,
    issuer,
    tls,
    routes: [
      graphRoute({ state, issuer, store }),
      googleTokenRoute(google, googleTokens, () => tokenUri, googleUsers),
      (req, res) => googleUsers.route(req, res, new URL(req.url ?? '/', base || 'https://127.0.0.1')),
    ],
  });
  base = identity.base;
  tokenUri = `${identity.base}${GOOGLE_TOKEN_PATH}`;
  const started: Array<{ close(): Promise<void> }> = [identity];
  let mail: LabMailServers;
  let gmail: LabMailServers;
  let sending: SendingPathServers;
  let proxies: LabProxies;
  try {
    const verifyToken = (token: string) => issuer.verify(token);
    mail = await startLabMailServers({
      state,
      tls,
      store,
      verifyToken,
      backendName: 'LAB01PR01MB0001.lab.prod.outlook.com',
    });
    started.push(mail);
    gmail = await startGmailServers(google, googleTokens, tls);
    started.push(gmail);
    sending = await startSendingPathServers({ state, tls, verifyToken, store });
    started.push(sending);
    const identityPort = Number(new URL(identity.base).port);
    const mailPorts = mail.ports;
    proxies = await startLabProxies(
      () => ({
        identityPort,
        mailPorts: [
          { port: mailPorts.imap, implicitTls: true },
          { port: mailPorts.pop3, implicitTls: true },
          { port: mailPorts.smtp, implicitTls: false },
        ],
        caPem: pki.caPem,
      }),
      proxyPolicyOf(scenario),
    );
  } catch (error) {
    await Promise.all(started.map((s) => s.close()));
    throw error;
  }
  let closed = false;
  return {
    scenario,
    state,
    client,
    caPem: pki.caPem,
    authorityHost: identity.base,
    mail,
    signing: {
      issuer: issuer.issuer(state.tenantId),
      kid: issuer.kid,
      publicKeyPem: await issuer.publicKeyPem(),
    },
    demo: { ...DEMO, clientSecret: state.app.secret.value, secretId: state.app.secret.id },
    google: {
      state: google,
      mail: gmail,
      tokenUri,
      issuer: `${identity.base}${GOOGLE_ISSUER_PATH}`,
      keyJson: serviceAccountKeyJson(google, tokenUri),
    },
    sending,
    proxies,
    graph: {
      endpoint: { host: '127.0.0.1', port: Number(new URL(identity.base).port), security: 'tls' },
      resource: GRAPH_RESOURCE,
    },
    close: async () => {
      if (closed) return;
      closed = true;
      await Promise.all([identity.close(), mail.close(), gmail.close(), sending.close(), proxies.close()]);
    },
  };
}
