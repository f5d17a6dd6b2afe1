// A bare "AUTHENTICATE failed" after a valid app-only token fits a missing Exchange service
// principal, one registered with the wrong object id and a missing mailbox permission alike.
// Given what Exchange has registered (--exchange-sp-object-id, or a profile's field), the check
// tells them apart; without it, it ranks them and claims no certainty.
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
  lab = await startLab('wrong-object-id');
  dir = await mkdtemp(join(tmpdir(), 'mailprobe-registration-'));
  await writeFile(join(dir, 'lab-ca.pem'), lab.caPem);
});

afterAll(async () => {
  await lab.close();
  await rm(dir, { recursive: true, force: true });
});

function check(extra: string[]) {
  return runCheckJson(
    [
      '--imap',
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
      '--imap-host',
      '127.0.0.1',
      '--imap-port',
      String(lab.mail.ports.imap),
      ...extra,
    ],
    { MP_SECRET: lab.demo.clientSecret },
  );
}

describe('Exchange registration of the service principal', () => {
  it('without it, ranks the candidates and claims no certainty', async () => {
    const { code, report } = await check([]);
    expect(code).toBe(1);
    const causes = report.findings.map((f) => f.cause);
    expect(causes.slice(0, 3)).toEqual(
      expect.arrayContaining(['grant.service_principal_missing', 'grant.service_principal_wrong_id']),
    );
    expect(report.findings.every((f) => f.confidence !== 'high')).toBe(true);
    expect(report.target.exchangeServicePrincipal).toBeUndefined();
  });

  it('with the registered ObjectId, names the wrong object id and the command that fixes it', async () => {
    const registered = lab.state.exchangeServicePrincipal?.objectId ?? '';
    expect(registered).not.toBe(DEMO.servicePrincipalObjectId);
    const { report } = await check(['--exchange-sp-object-id', registered.toUpperCase()]);
    expect(report.target.exchangeServicePrincipal).toEqual({ objectId: registered, source: 'cli' });
    const first = report.findings[0];
    expect(first).toMatchObject({ cause: 'grant.service_principal_wrong_id', confidence: 'high' });
    expect(first?.evidence.join('\n')).toContain(`registered with ObjectId ${registered}`);
    expect(first?.fix.commands).toContain(`Remove-ServicePrincipal -Identity '${registered}'`);
    expect(first?.fix.commands.join('\n')).toContain(`-ObjectId ${DEMO.servicePrincipalObjectId}`);
  });

  it('with "none", names the missing registration; a matching one points at the mailbox side', async () => {
    const none = await check(['--exchange-sp-object-id', 'none']);
    expect(none.report.findings[0]).toMatchObject({
      cause: 'grant.service_principal_missing',
      confidence: 'high',
    });
    // The lab's Exchange has the wrong id; saying it has the right one leaves the mailbox side,
    // with nothing certain: on IMAP a bare refusal then points first at user=.
    const matching = await check(['--exchange-sp-object-id', DEMO.servicePrincipalObjectId]);
    const causes = matching.report.findings.map((f) => f.cause);
    expect(causes[0]).toBe('xoauth2.wrong_user');
    expect(causes).toContain('grant.mailbox_permission_missing');
    expect(causes.some((c) => c.startsWith('grant.service_principal'))).toBe(false);
    expect(matching.report.findings.every((f) => f.confidence !== 'high')).toBe(true);
  });

  it('refuses a value that is not a GUID, or is the client id, before anything runs', async () => {
    // The lab knows its own registration: the flag does not go with it.
    const lab = await runCli(['check', '--lab', '--exchange-sp-object-id', 'none']);
    expect(lab.code).toBe(2);
    expect(lab.stderr).toMatch(/--lab sets the target itself; --exchange-sp-object-id does not go with it/);
    const refused = (value: string) =>
      runCli([
        'check',
        '--mailbox',
        DEMO.mailbox,
        '--tenant',
        DEMO.tenantId,
        '--client-id',
        DEMO.clientId,
        '--access-token-env',
        'MP_UNSET_TOKEN',
        '--exchange-sp-object-id',
        value,
      ]);
    const notGuid = await refused('not-a-guid');
    expect(notGuid.code).toBe(2);
    expect(notGuid.stderr).toMatch(/--exchange-sp-object-id: .*GUID/);
    // The app's client id typed for the ObjectId: the mix-up this would otherwise diagnose.
    const clientId = await refused(DEMO.clientId.toUpperCase());
    expect(clientId.code).toBe(2);
    expect(clientId.stderr).toMatch(/that is the application \(client\) id/);
  });
});
