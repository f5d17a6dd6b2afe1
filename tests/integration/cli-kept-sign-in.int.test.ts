// `profiles add --keep-sign-in` and `profiles forget` from the command line, in a real keychain
// (gnome-keyring under a D-Bus session of the test's own): the first check --profile asks the
// person, the second renews the sign-in from the keychain and asks nobody, and after `forget`
// the person is asked again. The refresh token is in no byte the CLI prints or writes.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { everyByte } from '../support/every-byte';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../shared/report/model';
import { startLab, type Lab } from '../../electron/lab/lab';
import { DELEGATED_SCOPE } from '../../electron/lab/scenarios';
import { CLI, spawnCollected } from './support/cli';
import { devicePrompt, signInOnDevicePage } from '../support/device-sign-in';

let lab: Lab;
let dir: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  lab = await startLab('delegated-healthy');
  dir = await mkdtemp(join(tmpdir(), 'mailprobe-kept-'));
  await writeFile(join(dir, 'lab-ca.pem'), lab.caPem);
  const runtime = join(dir, 'runtime');
  await mkdir(runtime, { recursive: true, mode: 0o700 });
  env = {
    ...process.env,
    MAILPROBE_DATA_DIR: join(dir, 'data'),
    XDG_DATA_HOME: join(dir, 'keyrings'),
    XDG_RUNTIME_DIR: runtime,
  };
});

afterAll(async () => {
  await lab.close();
  await rm(dir, { recursive: true, force: true });
});

/** The CLI in a D-Bus session whose Secret Service is gnome-keyring, unlocked with a test password. */
function underKeyring(args: string[]) {
  const quoted = args.map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
  const script = `echo -n kept-sign-in-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; exec "${process.execPath}" "${CLI}" ${quoted}`;
  return spawnCollected('dbus-run-session', ['--', 'bash', '-c', script], env, 50_000);
}

const REFRESH = /0\.lab-rt\.[A-Za-z0-9_-]{10}/;

describe('a kept sign-in from the command line', () => {
  it('asks once, renews from the keychain, and asks again after profiles forget', async () => {
    const alice = lab.state.users.find((u) => u.address === lab.demo.mailbox);
    if (!alice) throw new Error('no demo user');
    // prettier-ignore
    const add = await underKeyring([
      'profiles', 'add', '--name', 'Alice', '--credential', 'device-code', '--keep-sign-in',
      '--tenant', lab.demo.tenantId, '--client-id', lab.demo.clientId, '--authority', lab.authorityHost,
      '--mailbox', lab.demo.mailbox, '--scope', DELEGATED_SCOPE,
      '--imap-host', '127.0.0.1', '--imap-port', String(lab.mail.ports.imap),
      '--smtp-host', '127.0.0.1', '--smtp-port', String(lab.mail.ports.smtp),
    ]).done;
    expect(add.code, add.stderr).toBe(0);
    const check = [
      'check',
      '--json',
      '--imap',
      '--smtp',
      '--profile',
      'Alice',
      '--ca',
      join(dir, 'lab-ca.pem'),
    ];

    const first = underKeyring(check);
    const prompt = await devicePrompt(first.child);
    expect(await signInOnDevicePage(prompt, alice, lab.caPem)).toContain('You have signed in');
    const one = await first.done;
    expect(one.code, one.stderr).toBe(0);

    // Nobody signs in this time: a prompt would wait until the test gives up.
    const two = await underKeyring(check).done;
    expect(two.code, two.stderr).toBe(0);
    const report = JSON.parse(two.stdout) as Report;
    const acquire = report.checks[0]?.steps.find((s) => s.id === 'acquire');
    expect(acquire?.detail.keptSignIn).toBe('used');
    expect(two.stderr).not.toMatch(/enter the code/);

    const forget = await underKeyring(['profiles', 'forget', 'Alice']).done;
    expect(forget.stdout).toMatch(/Forgot the kept sign-in of "Alice"/);
    const again = await underKeyring(['profiles', 'forget', 'Alice']).done;
    expect(again.stdout).toMatch(/kept no sign-in/);

    const third = underKeyring(check);
    await devicePrompt(third.child);
    third.child.kill('SIGTERM');
    await third.done;

    for (const out of [one, two, forget]) expect(out.stdout + out.stderr).not.toMatch(REFRESH);
    expect(await everyByte(join(dir, 'data'))).not.toMatch(REFRESH);
  });
});
