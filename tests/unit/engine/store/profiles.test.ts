// The profile store: atomic, versioned, secrets only in the vault, a corrupt file kept aside.
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sampleProfileInput } from '../../../support/profile-input';
import { ProfileStore } from '../../../../electron/engine/store/profiles';
import { SessionVault, openVault } from '../../../../electron/engine/store/vault';

let dir: string;
const SECRET = 'canary~SECRET~0123456789abcdef';

const input = sampleProfileInput;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mailprobe-store-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('profile store', () => {
  it('saves, lists and reloads profiles; the secret goes to the vault, never to the file', async () => {
    const vault = new SessionVault({ kind: 'session', reason: 'test' });
    const store = await ProfileStore.open(dir, vault);
    const saved = await store.save(input({ secret: SECRET }));
    expect(saved.hasSecret).toBe(true);
    expect(saved).not.toHaveProperty('secret');
    const file = await readFile(join(dir, 'profiles.json'), 'utf8');
    expect(file).not.toContain(SECRET);
    expect(JSON.parse(file)).toMatchObject({ version: 1, profiles: [{ name: 'Contoso support' }] });
    const again = await ProfileStore.open(dir, vault);
    expect((await again.list()).map((p) => p.name)).toEqual(['Contoso support']);
    expect(await again.secretOf(saved.id)).toBe(SECRET);
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('updates in place and removes with the secret', async () => {
    const vault = new SessionVault({ kind: 'session', reason: 'test' });
    const store = await ProfileStore.open(dir, vault);
    const saved = await store.save(input({ secret: SECRET }));
    await store.save({ ...input({ name: 'Renamed' }), id: saved.id });
    expect((await store.list()).map((p) => p.name)).toEqual(['Renamed']);
    expect(await store.secretOf(saved.id)).toBe(SECRET);
    await store.remove(saved.id);
    expect(await store.list()).toEqual([]);
    expect(await vault.get(saved.id)).toBeNull();
  });

  it('moves a corrupt file aside with a clear notice and starts empty', async () => {
    await writeFile(join(dir, 'profiles.json'), '{"version": 1, "profiles": [ {broken');
    const store = await ProfileStore.open(dir, new SessionVault({ kind: 'session', reason: 'test' }));
    expect(await store.list()).toEqual([]);
    expect(store.notices[0]?.message).toMatch(/could not be read .* kept as .*profiles\.json\.corrupt-/);
    const kept = (await readdir(dir)).find((f) => f.startsWith('profiles.json.corrupt-'));
    expect(kept && (await readFile(join(dir, kept), 'utf8'))).toContain('{broken');
  });

  it('exports without secrets and imports as new profiles', async () => {
    const store = await ProfileStore.open(dir, new SessionVault({ kind: 'session', reason: 'test' }));
    const saved = await store.save(input({ secret: SECRET }));
    const json = store.export([saved.id]);
    expect(json).not.toContain(SECRET);
    const added = await store.import(json);
    expect(added).toHaveLength(1);
    expect(added[0]?.id).not.toBe(saved.id);
    expect(added[0]?.hasSecret).toBe(false);
    await expect(store.import('{"version":1,"profiles":[{"name":1}]}')).rejects.toThrow(
      /Not a MailProbe profile export: profiles\.0\./,
    );
    await expect(store.import('not json')).rejects.toThrow(/not JSON/);
  });
});

describe('vault', () => {
  it('falls back to the session, saying why, when the keychain library cannot load', async () => {
    const vault = await openVault(() => Promise.reject(new Error('Cannot find module keytar')));
    expect(vault.status).toEqual({
      kind: 'session',
      reason: expect.stringMatching(/not available \(Cannot find module keytar\)/) as string,
    });
    await vault.set('a', 'b');
    expect(await vault.get('a')).toBe('b');
  });

  it('falls back to the session when no keychain answers', async () => {
    const vault = await openVault(() =>
      Promise.resolve({
        getPassword: () => Promise.reject(new Error('Cannot autolaunch D-Bus without X11 $DISPLAY')),
        setPassword: () => Promise.resolve(),
        deletePassword: () => Promise.resolve(true),
      }),
    );
    expect(vault.status.kind).toBe('session');
    expect(vault.status.reason).toMatch(/No keychain could be reached \(Cannot autolaunch D-Bus/);
  });
});
