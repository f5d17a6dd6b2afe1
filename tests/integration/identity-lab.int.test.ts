// Token acquisition through MSAL against the lab's identity endpoint, over real HTTPS: each
// misconfiguration is a failed acquire step with the endpoint's own fields, and no credential or
// token ever reaches the transcript.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLabPki, type LabPki } from '../../electron/lab/pki';
import { createTokenIssuer, type LabTokenIssuer } from '../../electron/lab/tokens';
import { startIdentityServer, type IdentityServer } from '../../electron/lab/identity-server';
import { DEMO, demoState } from '../../electron/lab/scenarios';
import type { TenantState } from '../../electron/lab/state';
import { acquireToken, type AcquireSpec } from '../../electron/engine/identity/acquire';
import { decodeToken } from '../../electron/engine/identity/inspect';
import { Transcript, clockFrom } from '../../electron/engine/wire/transcript';
import { SecretSet } from '../../electron/engine/wire/secrets';
import { startSilentServer } from './support/hostile-servers';
import { directRoute } from '../../electron/engine/identity/recording-http';

let pki: LabPki;
let appCert: LabPki;
let state: TenantState;
let issuer: LabTokenIssuer;
let identity: IdentityServer;

beforeAll(async () => {
  [pki, appCert] = await Promise.all([createLabPki(), createLabPki(['mailprobe-demo-app'])]);
  state = demoState();
  issuer = await createTokenIssuer(state.tenantId);
  identity = await startIdentityServer({
    state,
    issuer,
    tls: { keyPem: pki.serverKeyPem, certPem: pki.serverCertPem },
  });
});

afterAll(async () => {
  await identity.close();
});

function reset(): void {
  const fresh = demoState();
  fresh.app.secret = state.app.secret;
  Object.assign(state, fresh);
}

async function acquire(overrides: Partial<AcquireSpec> = {}, timeoutMs = 5000) {
  const transcript = new Transcript(clockFrom(performance.now()), new SecretSet());
  const outcome = await acquireToken(
    {
      authorityHost: identity.base,
      tenant: DEMO.tenantId,
      clientId: DEMO.clientId,
      credential: { kind: 'secret', value: state.app.secret.value },
      scope: 'https://outlook.office365.com/.default',
      ...overrides,
    },
    transcript,
    directRoute({ extraCaPem: [pki.caPem], minVersion: 'TLSv1.2' }),
    timeoutMs,
  );
  const text = transcript.entries.map((e) => e.text).join('\n');
  expect(text).not.toContain(state.app.secret.value);
  if (outcome.token) expect(text).not.toContain(outcome.token.split('.')[2]);
  return { outcome, text };
}

function endpointError(outcome: Awaited<ReturnType<typeof acquire>>['outcome']): Record<string, unknown> {
  expect(outcome.step.status).toBe('fail');
  expect(outcome.token).toBeNull();
  return outcome.step.detail.endpointError as Record<string, unknown>;
}

describe('client credentials against the lab', () => {
  it('issues an Exchange app-only token for the right secret', async () => {
    reset();
    const { outcome, text } = await acquire();
    expect(outcome.step.status).toBe('pass');
    const decoded = decodeToken(outcome.token ?? '');
    expect(decoded.kind).toBe('jwt');
    if (decoded.kind !== 'jwt') return;
    expect(decoded.claims).toMatchObject({
      aud: 'https://outlook.office365.com',
      iss: `https://sts.windows.net/${DEMO.tenantId}/`,
      tid: DEMO.tenantId,
      appid: DEMO.clientId,
      oid: DEMO.servicePrincipalObjectId,
      roles: ['IMAP.AccessAsApp', 'POP.AccessAsApp', 'SMTP.SendAsApp'],
      idtyp: 'app',
    });
    expect(decoded.header).toMatchObject({ typ: 'JWT', alg: 'RS256' });
    expect(text).toMatch(/client_secret=<client secret redacted: \d+ chars>/);
    expect(text).toMatch(/"access_token":"<access token redacted: \d+ chars/);
    expect(await issuer.verify(outcome.token ?? '')).toMatchObject({ ok: true });
  });

  it('accepts a tenant domain as well as its id', async () => {
    reset();
    expect((await acquire({ tenant: DEMO.domain })).outcome.step.status).toBe('pass');
  });

  it.each([
    [
      'the secret ID pasted as the secret',
      () => ({ credential: { kind: 'secret', value: state.app.secret.id } }),
      7000215,
      'invalid_client',
      401,
    ],
    [
      'an unknown app',
      () => ({ clientId: '11111111-2222-3333-4444-555555555555' }),
      700016,
      'unauthorized_client',
      400,
    ],
    ['an unknown tenant', () => ({ tenant: 'nowhere-typo.onmicrosoft.com' }), 90002, 'invalid_tenant', 400],
    ['a tenant that is not a name', () => ({ tenant: 'not a tenant' }), 900023, 'invalid_request', 400],
    [
      'a scope without /.default',
      () => ({ scope: 'https://outlook.office365.com/IMAP.AccessAsApp' }),
      1002012,
      'invalid_scope',
      400,
    ],
  ] as const)('refuses %s', async (_name, overrides, code, error, status) => {
    reset();
    const fields = endpointError((await acquire(overrides() as Partial<AcquireSpec>)).outcome);
    expect(fields.error_codes).toEqual([code]);
    expect(fields.error).toBe(error);
    expect(fields.status).toBe(status);
    expect(String(fields.error_description)).toMatch(new RegExp(`^AADSTS${code}: `));
    for (const key of ['trace_id', 'correlation_id', 'timestamp']) expect(typeof fields[key]).toBe('string');
    expect(fields.lookup).toBe(`https://login.microsoftonline.com/error?code=${code}`);
  });

  it('says when the secret has expired', async () => {
    reset();
    state.app.secret.expired = true;
    expect(endpointError((await acquire()).outcome).error_codes).toEqual([7000222]);
    state.app.secret.expired = false;
  });

  it('says when Conditional Access blocks the app', async () => {
    reset();
    state.conditionalAccessBlocks = true;
    expect(endpointError((await acquire()).outcome).error_codes).toEqual([53003]);
  });

  it('issues a token without roles when admin consent is missing', async () => {
    reset();
    state.consentGranted = false;
    const { outcome } = await acquire();
    const decoded = decodeToken(outcome.token ?? '');
    expect(decoded.kind === 'jwt' && decoded.claims.roles).toBeUndefined();
  });

  it('issues a Graph token for a Graph scope', async () => {
    reset();
    const { outcome } = await acquire({ scope: 'https://graph.microsoft.com/.default' });
    const decoded = decodeToken(outcome.token ?? '');
    expect(decoded.kind === 'jwt' && decoded.claims.aud).toBe('https://graph.microsoft.com');
  });
});

describe('certificate credentials', () => {
  it('signs in with the registered certificate and reports its thumbprint', async () => {
    reset();
    state.app.certificatePem = appCert.serverCertPem;
    const { outcome, text } = await acquire({
      credential: {
        kind: 'certificate',
        certificatePem: appCert.serverCertPem,
        privateKeyPem: appCert.serverKeyPem,
      },
    });
    expect(outcome.step.status, outcome.step.summary).toBe('pass');
    const certificate = outcome.step.detail.certificate as { thumbprintSha256: string };
    expect(certificate.thumbprintSha256).toMatch(/^[0-9A-F]{64}$/);
    expect(text).toMatch(/client_assertion=<client assertion redacted/);
    expect(text).not.toContain('PRIVATE KEY');
  });

  it('refuses a certificate that is not registered', async () => {
    reset();
    state.app.certificatePem = pki.caPem;
    const fields = endpointError(
      (
        await acquire({
          credential: {
            kind: 'certificate',
            certificatePem: appCert.serverCertPem,
            privateKeyPem: appCert.serverKeyPem,
          },
        })
      ).outcome,
    );
    expect(fields.error_codes).toEqual([700027]);
  });
});

describe('an identity endpoint out of reach', () => {
  it('fails at once on a closed port', async () => {
    const { outcome } = await acquire({ authorityHost: 'https://127.0.0.1:1' });
    expect(outcome.step.status).toBe('fail');
    expect(outcome.step.summary).toMatch(/could not be reached: .*ECONNREFUSED/);
  });

  it('fails at the timeout on a silent one', async () => {
    const silent = await startSilentServer();
    try {
      const { outcome } = await acquire({ authorityHost: `https://127.0.0.1:${silent.port}` }, 800);
      expect(outcome.step.status).toBe('fail');
      expect(outcome.step.summary).toMatch(/could not be reached/);
    } finally {
      await silent.stop();
    }
  });
});
