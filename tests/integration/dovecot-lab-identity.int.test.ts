// The whole chain for real: MSAL asks the lab's identity endpoint for a token (client
// credentials), and a real Dovecot validates that token on IMAP, POP3 and submission: issuer,
// audience, signature, expiry, and the service principal (Dovecot compares the token's oid with
// the sign-in name's local part, having no app-only model of its own).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../../electron/lab/lab';
import { DEMO } from '../../electron/lab/scenarios';
import { startDovecot, type DovecotHarness } from './support/dovecot';
import { runCheckJson } from './support/cli';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let lab: Lab;
let dovecot: DovecotHarness;
let work: string;
let labCa: string;

beforeAll(async () => {
  lab = await startLab('healthy');
  work = await mkdtemp(join(tmpdir(), 'mailprobe-chain-'));
  labCa = join(work, 'lab-ca.pem');
  await writeFile(labCa, lab.caPem);
  dovecot = await startDovecot({
    issuer: {
      ...lab.signing,
      audience: 'https://outlook.office365.com',
      servicePrincipalId: DEMO.servicePrincipalObjectId,
    },
  });
});

afterAll(async () => {
  await dovecot.stop();
  await lab.close();
  await rm(work, { recursive: true, force: true });
});

function args(mailbox: string): string[] {
  const d = dovecot;
  return [
    '--mailbox',
    mailbox,
    '--tenant',
    DEMO.tenantId,
    '--client-id',
    DEMO.clientId,
    '--client-secret-env',
    'MP_LAB_SECRET',
    '--authority',
    lab.authorityHost,
    '--ca',
    labCa,
    '--ca',
    d.caFile,
    '--imap',
    '--imap-host',
    d.host,
    '--imap-port',
    String(d.ports.imaps),
    '--imap-security',
    'tls',
    '--pop3',
    '--pop3-host',
    d.starttlsHost,
    '--pop3-port',
    String(d.ports.pop3),
    '--pop3-security',
    'starttls',
    '--smtp',
    '--smtp-host',
    d.starttlsHost,
    '--smtp-port',
    String(d.ports.submission),
    '--smtp-security',
    'starttls',
  ];
}

describe('MSAL -> lab token -> Dovecot', () => {
  it('signs in on every protocol with a token acquired through the real identity code', async () => {
    const result = await runCheckJson(args(`${DEMO.servicePrincipalObjectId}@example.test`), {
      MP_LAB_SECRET: lab.demo.clientSecret,
    });
    expect(
      result.code,
      JSON.stringify(result.report.checks.map((c) => c.steps.filter((s) => s.status !== 'pass'))),
    ).toBe(0);
    const token = result.report.checks.find((c) => c.protocol === 'token');
    expect(token?.steps.map((s) => `${s.id}:${s.status}`)).toEqual(['acquire:pass', 'inspect:pass']);
    expect(result.report.token?.claims.oid).toBe(DEMO.servicePrincipalObjectId);
    expect(result.stdout + result.stderr).not.toContain(lab.demo.clientSecret);
  });

  it('is refused by Dovecot when the token comes from another service principal', async () => {
    const other = await startDovecot({
      issuer: {
        ...lab.signing,
        audience: 'https://outlook.office365.com',
        servicePrincipalId: '00000000-0000-0000-0000-0000000000ff',
      },
    });
    try {
      const saved = dovecot;
      dovecot = other;
      const result = await runCheckJson(args(`${DEMO.servicePrincipalObjectId}@example.test`), {
        MP_LAB_SECRET: lab.demo.clientSecret,
      });
      dovecot = saved;
      expect(result.code).toBe(1);
      for (const protocol of ['imap', 'pop3', 'smtp'] as const) {
        const auth = result.report.checks
          .find((c) => c.protocol === protocol)
          ?.steps.find((s) => s.id === 'auth');
        expect(auth?.status, protocol).toBe('fail');
      }
    } finally {
      await other.stop();
    }
  });
});
