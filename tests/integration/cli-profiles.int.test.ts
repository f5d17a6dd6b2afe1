// `mailprobe profiles ...` and `check --profile NAME` on a data folder of their own, against the
// lab: the profile the desktop app would save, used from the command line.
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../shared/report/model';
import { startLab, type Lab } from '../../electron/lab/lab';
import { DEMO } from '../../electron/lab/scenarios';
import { RunHistory } from '../../electron/engine/store/run-history';
import { runCli } from './support/cli';

let lab: Lab;
let dir: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  lab = await startLab('healthy');
  dir = await mkdtemp(join(tmpdir(), 'mailprobe-profiles-'));
  await writeFile(join(dir, 'lab-ca.pem'), lab.caPem);
  // No Secret Service in this environment: the vault is session-only, as a headless box has it.
  env = {
    MAILPROBE_DATA_DIR: join(dir, 'data'),
    MP_SECRET: lab.demo.clientSecret,
    DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent',
  };
});

afterAll(async () => {
  await lab.close();
  await rm(dir, { recursive: true, force: true });
});

describe('mailprobe profiles', () => {
  it('adds, lists, shows, checks, exports, imports and removes a profile', async () => {
    const add = await runCli(
      [
        'profiles',
        'add',
        '--name',
        'Lab tenant',
        '--tenant',
        DEMO.tenantId,
        '--client-id',
        DEMO.clientId,
        '--mailbox',
        DEMO.mailbox,
        '--authority',
        lab.authorityHost,
        '--client-secret-env',
        'MP_SECRET',
        '--imap-host',
        '127.0.0.1',
        '--imap-port',
        String(lab.mail.ports.imap),
        '--imap-security',
        'tls',
        '--pop3-host',
        '127.0.0.1',
        '--pop3-port',
        String(lab.mail.ports.pop3),
        '--pop3-security',
        'tls',
        '--smtp-host',
        '127.0.0.1',
        '--smtp-port',
        String(lab.mail.ports.smtp),
        '--smtp-security',
        'starttls',
      ],
      env,
    );
    expect(add.code, add.stderr).toBe(0);
    expect(add.stdout).toMatch(/Saved profile "Lab tenant"/);
    expect(add.stderr).toMatch(/session only/);

    const list = await runCli(['profiles', 'list'], env);
    expect(list.stdout).toMatch(/Lab tenant +alice@lab\.mailprobe\.test/);

    const show = await runCli(['profiles', 'show', 'lab tenant', '--json'], env);
    expect(JSON.parse(show.stdout)).toMatchObject({
      name: 'Lab tenant',
      clientId: DEMO.clientId,
      credential: 'client-secret',
    });

    // Without a keychain the secret did not outlive the add: the check asks for it, then runs.
    const missing = await runCli(['check', '--profile', 'Lab tenant'], env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/has no stored secret/);
    const check = await runCli(
      [
        'check',
        '--profile',
        'Lab tenant',
        '--client-secret-env',
        'MP_SECRET',
        '--ca',
        join(dir, 'lab-ca.pem'),
        '--json',
      ],
      env,
    );
    expect(check.code, check.stderr).toBe(0);
    const report = JSON.parse(check.stdout) as Report;
    expect(report.verdict).toBe('pass');
    // The run is kept in the profile's history, as the desktop app keeps its runs.
    const profileId =
      (JSON.parse((await runCli(['profiles', 'list', '--json'], env)).stdout) as Array<{ id: string }>)[0]
        ?.id ?? '';
    const history = RunHistory.at(join(dir, 'data'));
    const kept = await history.list(profileId);
    expect(kept.map((e) => [e.verdict, e.startedAt])).toEqual([['pass', report.startedAt]]);
    const stored = await history.get(profileId, kept[0]?.id ?? '');
    expect(stored.report).toEqual(report);
    expect(stored.profileName).toBe('Lab tenant');
    expect(stored.environment.app.shell).toBe('cli');

    const exported = await runCli(['profiles', 'export', 'Lab tenant'], env);
    expect(exported.stdout).not.toContain(lab.demo.clientSecret);
    await writeFile(join(dir, 'export.json'), exported.stdout);
    const imported = await runCli(['profiles', 'import', join(dir, 'export.json')], env);
    expect(imported.stdout).toMatch(/Imported 1 profile/);

    const ambiguous = await runCli(['profiles', 'show', 'Lab tenant'], env);
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.stderr).toMatch(/names 2 profiles/);

    expect((await runCli(['profiles', 'remove', profileId], env)).code).toBe(0);
    expect(await RunHistory.at(join(dir, 'data')).list(profileId)).toEqual([]);

    // Every byte written to the data folder: no secret.
    for (const f of await readdir(join(dir, 'data'), { recursive: true })) {
      const bytes = await readFile(join(dir, 'data', f)).catch(() => Buffer.alloc(0));
      expect(bytes.toString('latin1')).not.toContain(lab.demo.clientSecret);
    }
  });

  it('refuses bad values with a one-line reason', async () => {
    const bad = await runCli(
      [
        'profiles',
        'add',
        '--name',
        'X',
        '--tenant',
        'contoso.onmicrosoft.com',
        '--client-id',
        'nope',
        '--mailbox',
        'a@b.test',
      ],
      env,
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--client-id: "nope" does not fit; expected a GUID/);
    const base = [
      'profiles',
      'add',
      '--name',
      'Behind a proxy',
      '--tenant',
      'contoso.onmicrosoft.com',
      '--client-id',
      DEMO.clientId,
      '--mailbox',
      'a@b.test',
    ];
    const inline = await runCli([...base, '--proxy', 'http://ops:Hunter2pw@proxy.example.test:3128'], env);
    expect(inline.code).toBe(2);
    expect(inline.stderr).toMatch(/--proxy-password-env/);
    expect(inline.stderr).not.toContain('Hunter2pw');
    const notProxy = await runCli([...base, '--proxy', 'ftp://proxy.example.test'], env);
    expect(notProxy.code).toBe(2);
    expect(notProxy.stderr).toMatch(/--proxy: unknown proxy scheme/);
    const added = await runCli([...base, '--proxy', 'http://ops@proxy.example.test:3128'], env);
    expect(added.code, added.stderr).toBe(0);
    const shown = await runCli(['profiles', 'show', 'Behind a proxy', '--json'], env);
    expect(JSON.parse(shown.stdout)).toMatchObject({
      proxy: { mode: 'manual', url: 'http://ops@proxy.example.test:3128', bypass: '' },
    });
    const unknown = await runCli(['check', '--profile', 'Nobody'], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/no profile "Nobody"/);
  });
});
