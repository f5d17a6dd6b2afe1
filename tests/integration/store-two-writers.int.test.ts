// Two MailProbe processes writing the same profile store at once, as when the app (or `mailprobe
// serve`) is open while someone runs `mailprobe profiles add`: the app service saving in process,
// the real CLI adding from child processes. Every confirmed save is in the file at the end.
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
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
/** How long the two writers hammer the store: a minute, shorter when a developer sets it. */
const HAMMER_MS = Number(process.env.MAILPROBE_HAMMER_MS ?? 60_000);

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
  it(
    'loses no confirmed save while the app and the CLI hammer the store for a minute',
    async () => {
      const env = { MAILPROBE_DATA_DIR: dir, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus' };
      const confirmed: string[] = [];
      const deadline = Date.now() + HAMMER_MS;
      // The CLI: 3 processes at a time, each adding one profile after another until the deadline.
      const cli = async (worker: number): Promise<void> => {
        for (let i = 0; Date.now() < deadline; i++) {
          const name = `cli-${worker}-${i}`;
          const result = await runCli(addArgs(name), env);
          if (result.code === 0) confirmed.push(name);
          else throw new Error(`profiles add ${name}: ${result.stderr}`);
        }
      };
      // The app: a save every 100 ms (each waits for the one before), until the deadline.
      const appSaves = async (): Promise<void> => {
        for (let i = 0; Date.now() < deadline; i++) {
          const name = `app-${i}`;
          await app.call('profiles:save', { ...PROFILE, name });
          confirmed.push(name);
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      };
      const watched = app.call('store:watch', {
        revision: (await app.call('store:watch', { revision: null })).revision,
      });
      await Promise.all([cli(1), cli(2), cli(3), appSaves()]);
      const cliSaves = confirmed.filter((n) => n.startsWith('cli-')).length;
      expect(cliSaves).toBeGreaterThan(3);
      expect(confirmed.length - cliSaves).toBeGreaterThan(3);
      const file = JSON.parse(await readFile(join(dir, 'profiles.json'), 'utf8')) as {
        profiles: Array<{ name: string }>;
      };
      const names = new Set(file.profiles.map((p) => p.name));
      const lost = confirmed.filter((n) => !names.has(n));
      expect(lost, `lost saves: ${lost.join(', ')} of ${confirmed.length}`).toEqual([]);
      // The app sees what the CLI added without a restart, and its long poll woke up for it.
      const listed = await app.call('profiles:list', undefined);
      expect(listed.filter((p) => p.name.startsWith('cli-')).length).toBe(cliSaves);
      expect((await watched).revision).toBeGreaterThan(0);
      expect((await readdir(dir)).filter((f) => f.endsWith('.tmp') || f.endsWith('.lock'))).toEqual([]);
      console.info(
        `two writers for ${HAMMER_MS} ms: ${confirmed.length} confirmed saves (${cliSaves} by the CLI), none lost`,
      );
    },
    HAMMER_MS + 120_000,
  );

  it('the long poll answers when the CLI adds a profile, and names a bad entry another MailProbe wrote', async () => {
    const before = await app.call('store:watch', { revision: null });
    const waiting = app.call('store:watch', { revision: before.revision });
    const result = await runCli(addArgs('seen-by-the-app'), {
      MAILPROBE_DATA_DIR: dir,
      DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus',
    });
    expect(result.code).toBe(0);
    const after = await waiting;
    expect(after.revision).toBeGreaterThan(before.revision);
    expect((await app.call('profiles:list', undefined)).some((p) => p.name === 'seen-by-the-app')).toBe(true);
    // A bad entry written beside the others: set aside alone, named with its field and reason.
    const path = join(dir, 'profiles.json');
    const file = JSON.parse(await readFile(path, 'utf8')) as { profiles: Array<Record<string, unknown>> };
    const bad = {
      ...file.profiles[0],
      name: 'port out of range',
      imap: { host: 'h', port: 70000, security: 'tls' },
    };
    await writeFile(path, JSON.stringify({ ...file, profiles: [...file.profiles, bad] }));
    const state = await app.call('store:watch', { revision: after.revision });
    expect(state.quarantine.map((q) => q.name)).toEqual(['port out of range']);
    expect(state.quarantine[0]?.reason).toMatch(/IMAP port: 70000 is out of range/);
    expect(state.notices.join(' ')).toContain('port out of range');
    expect((await app.call('profiles:list', undefined)).length).toBe(file.profiles.length + 1);
  }, 60_000);

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
