// The lab: a simulated Microsoft 365 tenant on 127.0.0.1 (SPEC 6). One call starts the identity
// endpoint and the IMAP, POP3 and SMTP servers with a fresh CA, tokens signing key and demo
// tenant, set to a scenario. It is the CLI's `--lab`, the app's Demo tenant and a test bed.
import { applyScenario, DEMO, demoState, type ClientSide } from './scenarios';
import type { ScenarioId, TenantState } from './state';
import { createLabPki } from './pki';
import { createTokenIssuer } from './tokens';
import { startIdentityServer } from './identity-server';
import { startLabMailServers, type LabMailServers } from './mail/servers';

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
  close(): Promise<void>;
}

export async function startLab(scenario: ScenarioId = 'healthy'): Promise<Lab> {
  const state = demoState();
  const client = applyScenario(state, scenario);
  const [pki, issuer] = await Promise.all([createLabPki(), createTokenIssuer(state.tenantId)]);
  const tls = { keyPem: pki.serverKeyPem, certPem: pki.serverCertPem };
  const identity = await startIdentityServer({ state, issuer, tls });
  let mail: LabMailServers;
  try {
    mail = await startLabMailServers({
      state,
      tls,
      verifyToken: (token) => issuer.verify(token),
      backendName: 'LAB01PR01MB0001.lab.prod.outlook.com',
    });
  } catch (error) {
    await identity.close();
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
    close: async () => {
      if (closed) return;
      closed = true;
      await Promise.all([identity.close(), mail.close()]);
    },
  };
}
