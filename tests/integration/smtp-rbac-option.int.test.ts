// RBAC for Applications on a real tenant: the token says nothing about it, so `check` can only
// rank both models when SMTP refuses a roleless token. What Test-ServicePrincipalAuthorization
// reported, given as --smtp-rbac, decides: out of scope names the scope, in scope takes the RBAC
// model off the list. Run against the lab's tenant as if it were a real one (no --lab).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../../electron/lab/lab';
import { DEMO } from '../../electron/lab/scenarios';
import { runCheckJson, runCli } from './support/cli';

let lab: Lab;
let dir: string;

beforeAll(async () => {
  lab = await startLab('rbac-scope-excludes-mailbox');
  dir = await mkdtemp(join(tmpdir(), 'mailprobe-rbac-'));
  await writeFile(join(dir, 'lab-ca.pem'), lab.caPem);
});

afterAll(async () => {
  await lab.close();
  await rm(dir, { recursive: true, force: true });
});

function args(extra: string[]): string[] {
  return [
    '--smtp',
    '--mailbox',
    DEMO.mailbox,
    '--tenant',
    DEMO.tenantId,
    '--client-id',
    DEMO.clientId,
    '--authority',
    lab.authorityHost,
    '--client-secret-env',
    'MP_SECRET',
    '--ca',
    join(dir, 'lab-ca.pem'),
    '--smtp-host',
    '127.0.0.1',
    '--smtp-port',
    String(lab.mail.ports.smtp),
    '--smtp-security',
    'starttls',
    ...extra,
  ];
}

const check = (extra: string[]) => runCheckJson(args(extra), { MP_SECRET: lab.demo.clientSecret });

describe('--smtp-rbac', () => {
  it('without it, a refused roleless token names both models and is not certain', async () => {
    const { code, report } = await check([]);
    expect(code).toBe(1);
    const first = report.findings[0];
    expect(first?.confidence).not.toBe('high');
    const said = `${first?.explanation ?? ''}\n${first?.fix.steps.join('\n') ?? ''}\n${first?.fix.commands.join('\n') ?? ''}`;
    expect(said).toMatch(/SMTP\.SendAsApp/);
    expect(said).toContain('Test-ServicePrincipalAuthorization');
  });

  it('out-of-scope: the app scoped away from the mailbox comes first', async () => {
    const { report } = await check(['--smtp-rbac', 'out-of-scope']);
    expect(report.target.exchangeServicePrincipal).toEqual({ source: 'cli', smtpRbac: 'out-of-scope' });
    expect(report.findings[0]?.cause).toBe('grant.app_scope_restricted');
    expect(report.findings[0]?.evidence.join('\n')).toMatch(/scope does not include the mailbox/);
  });

  it('in-scope: the RBAC model is off the list, the refusal is read on its own', async () => {
    const { report } = await check(['--smtp-rbac', 'in-scope']);
    const causes = report.findings.map((f) => f.cause);
    expect(causes).not.toContain('grant.app_scope_restricted');
    expect(causes).not.toContain('token.missing_role');
  });

  it('refuses a value Exchange does not report', async () => {
    const { code, stderr } = await runCli(['check', ...args(['--smtp-rbac', 'maybe'])], {
      MP_SECRET: lab.demo.clientSecret,
    });
    expect(code).toBe(2);
    expect(stderr).toMatch(/--smtp-rbac: one of in-scope, out-of-scope, none/);
  });
});
