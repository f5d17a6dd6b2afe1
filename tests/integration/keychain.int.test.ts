// Secrets in the real OS keychain: under a D-Bus session with gnome-keyring's Secret Service the
// vault is the keychain and nothing reaches the data folder; without one it says it is
// session-only.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { everyByte } from '../support/every-byte';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const PROBE = new URL('./support/keyring-probe.ts', import.meta.url).pathname;
const TSX = new URL('../../node_modules/.bin/tsx', import.meta.url).pathname;
const SECRET = 'canary~keychain~7f3a9c2e51';
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mailprobe-keychain-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the keychain vault', () => {
  it('stores and reads a secret in gnome-keyring, never in the data folder', async () => {
    const script = `echo -n keyring-test-password | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; exec "${TSX}" "${PROBE}" "${dir}/with" "${SECRET}"`;
    // A fresh keyring of its own: gnome-keyring keeps its files under XDG_DATA_HOME.
    const env = {
      ...process.env,
      XDG_DATA_HOME: join(dir, 'keyrings'),
      XDG_RUNTIME_DIR: join(dir, 'runtime'),
    };
    await import('node:fs/promises').then((fs) =>
      fs.mkdir(env.XDG_RUNTIME_DIR, { recursive: true, mode: 0o700 }),
    );
    const { stdout } = await run('dbus-run-session', ['--', 'bash', '-c', script], { timeout: 60_000, env });
    const result = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as {
      vault: { kind: string };
      readBack: boolean;
      afterRemove: unknown;
    };
    expect(result.vault.kind).toBe('keychain');
    expect(result.readBack).toBe(true);
    expect(result.afterRemove).toBeNull();
    expect(await everyByte(join(dir, 'with'))).not.toContain(SECRET);
  });

  it('falls back to session-only storage, and says so, without a Secret Service', async () => {
    const env = { ...process.env, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus', DISPLAY: '' };
    const { stdout } = await run(TSX, [PROBE, join(dir, 'without'), SECRET], { env, timeout: 60_000 });
    const result = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as {
      vault: { kind: string; reason: string };
      readBack: boolean;
    };
    expect(result.vault.kind).toBe('session');
    expect(result.vault.reason).toMatch(/session only/);
    expect(result.readBack).toBe(true);
    expect(await everyByte(join(dir, 'without'))).not.toContain(SECRET);
  });
});
