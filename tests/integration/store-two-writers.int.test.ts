// Two MailProbe processes writing the same profile store at once, as when the app (or `mailprobe
// serve`) is open while someone runs `mailprobe profiles add`: the app service saving in process,
// the real CLI adding from child processes. Every confirmed save is in the file at the end.
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './support/cli';
import { startTestService, type TestService } from './support/app-service';
import { sampleProfileInput } from '../support/profile-input';

let dir: string;
let app: TestService;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mailprobe-two-writers-'));
  app = await startTestService({ dataDir: dir, caFiles: [] });
});

afterAll(async () => {
  await app.close();
  await rm(dir, { recursive: true, force: true });
});

const PROFILE = sampleProfileInput();

/** `mailprobe profiles add` of a profile named `name`, as its arguments. */
function addArgs(name: string): string[] {
  const { tenant, clientId, mailbox } = PROFILE;
  return [
    'profiles',
    'add',
    '--name',
    name,
    '--tenant',
    tenant,
    '--client-id',
    clientId,
    '--mailbox',
    mailbox,
  ];
}

describe('the profile store with two writers', () => {
  it('loses no confirmed save while the app and the CLI write at once', async () => {
    const env = { MAILPROBE_DATA_DIR: dir, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus' };
    const confirmed: string[] = [];
    // The CLI: 3 processes at a time, 12 adds in all.
    const cli = async (worker: number): Promise<void> => {
      for (let i = 0; i < 4; i++) {
        const name = `cli-${worker}-${i}`;
        const result = await runCli(addArgs(name), env);
        if (result.code === 0) confirmed.push(name);
        else throw new Error(`profiles add ${name}: ${result.stderr}`);
      }
    };
    // The app: 60 saves, as fast as they are confirmed.
    const appSaves = async (): Promise<void> => {
      for (let i = 0; i < 60; i++) {
        const name = `app-${i}`;
        await app.call('profiles:save', { ...PROFILE, name });
        confirmed.push(name);
      }
    };
    await Promise.all([cli(1), cli(2), cli(3), appSaves()]);
    expect(confirmed.length).toBe(72);
    const file = JSON.parse(await readFile(join(dir, 'profiles.json'), 'utf8')) as {
      profiles: Array<{ name: string }>;
    };
    const names = new Set(file.profiles.map((p) => p.name));
    const lost = confirmed.filter((n) => !names.has(n));
    expect(lost, `lost saves: ${lost.join(', ')}`).toEqual([]);
    // The app sees what the CLI added without a restart.
    const listed = await app.call('profiles:list', undefined);
    expect(listed.filter((p) => p.name.startsWith('cli-')).length).toBe(12);
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp') || f.endsWith('.lock'))).toEqual([]);
  }, 120_000);

  it('a writer killed with SIGKILL mid-save loses no confirmed save, and the next start leaves no temp file', async () => {
    const { spawn } = await import('node:child_process');
    const { CLI } = await import('./support/cli');
    const env = {
      ...process.env,
      MAILPROBE_DATA_DIR: dir,
      DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus',
    };
    const confirmed: string[] = [];
    let killed = 0;
    // Twelve CLI writers, nine killed at different moments of their run (20 to 340 ms in).
    for (let i = 0; i < 12; i++) {
      const name = `killed-${i}`;
      const child = spawn(process.execPath, [CLI, ...addArgs(name)], { env, stdio: 'ignore' });
      const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      const saving = app
        .call('profiles:save', { ...PROFILE, name: `beside-${i}` })
        .then(() => confirmed.push(`beside-${i}`));
      // The last three run to the end, so that confirmed CLI saves are among those counted.
      const timer =
        i < 9
          ? setTimeout(
              () => {
                if (child.exitCode === null && child.kill('SIGKILL')) killed += 1;
              },
              20 + i * 40,
            )
          : null;
      const code = await exit;
      if (timer) clearTimeout(timer);
      await saving;
      if (code === 0) confirmed.push(name);
    }
    // Some were killed before they confirmed, some were not: both cases are covered.
    expect(killed).toBeGreaterThan(0);
    expect(confirmed.filter((n) => n.startsWith('killed-')).length).toBeGreaterThan(0);
    const { ProfileStore } = await import('../../electron/engine/store/profiles');
    const { SessionVault } = await import('../../electron/engine/store/vault');
    const reopened = await ProfileStore.open(dir, new SessionVault({ kind: 'session', reason: 'test' }));
    const names = new Set((await reopened.list()).map((p) => p.name));
    expect(confirmed.filter((n) => !names.has(n))).toEqual([]);
    expect((await readdir(dir)).filter((f) => f.startsWith('.profiles.json.') && f.endsWith('.tmp'))).toEqual(
      [],
    );
  }, 120_000);
});
