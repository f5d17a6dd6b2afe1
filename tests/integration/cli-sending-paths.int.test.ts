// `mailprobe check --hve` and `--acs-resource` / `--acs-username` as a user runs them: against the
// lab's HVE and ACS submission servers over real sockets, with the lab's client secret from the
// environment. SMTP only; the secret never printed; bad flags refused with a reason.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../../electron/lab/lab';
import { DEMO } from '../../electron/lab/scenarios';
import { runCheckJson, runCli } from './support/cli';

let lab: Lab;
let dir: string;
let caFile: string;

beforeAll(async () => {
  // hve-healthy: the demo app holds Mail.Send and is on the HVE account's Allowed Apps list.
  lab = await startLab('hve-healthy');
  dir = await mkdtemp(join(tmpdir(), 'mailprobe-sending-'));
  caFile = join(dir, 'lab-ca.pem');
  await writeFile(caFile, lab.caPem);
});

afterAll(async () => {
  await lab.close();
  await rm(dir, { recursive: true, force: true });
});

const env = (): NodeJS.ProcessEnv => ({
  LAB_SECRET: lab.demo.clientSecret,
  HVE_PASSWORD: lab.state.hve.password,
});

function common(port: number): string[] {
  return [
    '--ca',
    caFile,
    '--smtp-host',
    '127.0.0.1',
    '--smtp-port',
    String(port),
    '--client-secret-env',
    'LAB_SECRET',
  ];
}

function expectNoSecret(text: string): void {
  expect(text).not.toContain(lab.demo.clientSecret);
  expect(text).not.toContain(lab.state.hve.password);
  expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]{20,}\.eyJ/);
}

describe('mailprobe check --hve', () => {
  const hve = (): string[] => [
    '--hve',
    '--tenant',
    DEMO.tenantId,
    '--client-id',
    DEMO.clientId,
    '--authority',
    lab.authorityHost,
    '--mailbox',
    DEMO.hveAccount,
    ...common(lab.sending.hve.port),
  ];

  it('gets a token with Mail.Send and sends to an internal recipient over SMTP only', async () => {
    const { code, report, stdout, stderr } = await runCheckJson([...hve(), '--send-to', DEMO.mailbox], env());
    expect(code, stderr).toBe(0);
    expect(report.target).toMatchObject({
      service: 'hve',
      mailbox: DEMO.hveAccount,
      credential: 'client-secret',
    });
    expect(report.checks.map((c) => c.protocol)).toEqual(['token', 'smtp']);
    const inspect = report.checks[0]?.steps.find((s) => s.id === 'inspect');
    expect(JSON.stringify(inspect?.detail)).toMatch(/carries the role Mail\.Send/);
    // Delivered into the lab's own mailbox, as a message to alice would be.
    expect(lab.mail.messages(DEMO.mailbox).some((m) => m.from === DEMO.hveAccount)).toBe(true);
    expectNoSecret(stdout + stderr);
  });

  it('names the external recipient HVE may not reach', async () => {
    const { code, report } = await runCheckJson([...hve(), '--send-to', DEMO.externalRecipient], env());
    expect(code).toBe(1);
    expect(report.findings[0]?.cause).toBe('smtp.hve_external_recipient');
    expect(report.findings[0]?.confidence).toBe('high');
  });

  it('signs the HVE account in with its own password (basic authentication)', async () => {
    const { code, report, stderr } = await runCheckJson(
      [
        '--hve',
        '--mailbox',
        DEMO.hveAccount,
        '--ca',
        caFile,
        '--smtp-host',
        '127.0.0.1',
        '--smtp-port',
        String(lab.sending.hve.port),
        '--password-env',
        'HVE_PASSWORD',
      ],
      env(),
    );
    expect(code, stderr).toBe(0);
    expect(report.target.credential).toBe('password');
  });

  it('refuses IMAP and POP3 with HVE', async () => {
    const { code, stderr } = await runCli(['check', '--imap', ...hve()], env());
    expect(code).toBe(2);
    expect(stderr).toMatch(/SMTP submission only/);
  });
});

describe('mailprobe check --acs-resource / --acs-username', () => {
  const acs = (...naming: string[]): string[] => [
    ...naming,
    '--mailbox',
    DEMO.acsSender,
    ...common(lab.sending.acs.port),
  ];

  it('builds <resource>.<app id>.<tenant id> and signs in with the client secret', async () => {
    const { code, report, stdout, stderr } = await runCheckJson(
      acs('--acs-resource', DEMO.acsResource, '--tenant', DEMO.tenantId, '--client-id', DEMO.clientId),
      env(),
    );
    expect(code, stderr).toBe(0);
    expect(report.target).toMatchObject({
      service: 'acs',
      smtpUser: `${DEMO.acsResource}.${DEMO.clientId}.${DEMO.tenantId}`,
    });
    expect(report.checks.map((c) => c.protocol)).toEqual(['smtp']);
    const auth = report.checks[0]?.steps.find((s) => s.id === 'auth');
    expect(auth?.summary).toMatch(/LOGIN/);
    expectNoSecret(stdout + stderr);
  });

  it('takes a whole user name in the pipe form', async () => {
    const { code } = await runCheckJson(
      acs('--acs-username', `${DEMO.acsResource}|${DEMO.clientId}|${DEMO.tenantId}`),
      env(),
    );
    expect(code).toBe(0);
  });

  it('says what is wrong with a user name that names a domain for the tenant', async () => {
    const { code, report } = await runCheckJson(
      acs(
        '--acs-username',
        `${DEMO.acsResource}.${DEMO.clientId}.${DEMO.domain}`,
        '--client-id',
        DEMO.clientId,
      ),
      env(),
    );
    expect(code).toBe(1);
    expect(report.findings[0]?.cause).toBe('acs.bad_username');
    expect(report.findings[0]?.evidence.join('\n')).toMatch(/parts, not 3|not the tenant id GUID/);
  });

  it('refuses what cannot go with ACS, with the reason', async () => {
    const cases: Array<[string[], RegExp]> = [
      [
        acs('--acs-resource', DEMO.acsResource, '--client-id', DEMO.clientId),
        /needs --tenant GUID and --client-id/,
      ],
      [
        acs('--acs-resource', DEMO.acsResource, '--tenant', DEMO.domain, '--client-id', DEMO.clientId),
        /tenant id, not a domain/,
      ],
      [
        acs('--acs-resource', 'bad name!', '--tenant', DEMO.tenantId, '--client-id', DEMO.clientId),
        /not a Communication Services resource name/,
      ],
      [acs('--acs-username', 'x.y.z', '--mech', 'xoauth2'), /user name and the client secret/],
      [['--hve', ...acs('--acs-username', 'x.y.z')], /two sending paths/],
    ];
    for (const [args, reason] of cases) {
      const { code, stderr } = await runCli(['check', ...args], env());
      expect(code, args.join(' ')).toBe(2);
      expect(stderr).toMatch(reason);
    }
  });
});
