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
      /^Not a MailProbe profile export: profile 1: Name: 1 is not text; expected the name to save the profile under/,
    );
    await expect(store.import('not json')).rejects.toThrow(/not JSON/);
  });
});

describe('profile store, more than one writer and bad entries', () => {
  const vault = () => new SessionVault({ kind: 'session', reason: 'test' });

  it('keeps every save of two stores writing the same file at once', async () => {
    const [a, b] = await Promise.all([ProfileStore.open(dir, vault()), ProfileStore.open(dir, vault())]);
    const saves = Array.from({ length: 30 }, (_, i) =>
      (i % 2 ? a : b).save(input({ name: `Writer ${i % 2 ? 'A' : 'B'} ${i}` })),
    );
    const saved = await Promise.all(saves);
    const names = (await (await ProfileStore.open(dir, vault())).list()).map((p) => p.name);
    expect(names.length).toBe(30);
    for (const p of saved) expect(names).toContain(p.name);
    // And each store sees the other's saves.
    expect((await a.list()).length).toBe(30);
  });

  it('sets one bad entry aside, loads the others, names it, and keeps it in the file', async () => {
    const good = { ...input({ name: 'Good one' }), id: 'good-1', updatedAt: new Date().toISOString() };
    const bad = { ...good, id: 'bad-1', name: 'Bad port', imap: { ...good.imap, port: 70000 } };
    delete (good as { secret?: string }).secret;
    delete (bad as { secret?: string }).secret;
    await writeFile(join(dir, 'profiles.json'), JSON.stringify({ version: 1, profiles: [good, bad] }));
    const store = await ProfileStore.open(dir, vault());
    expect((await store.list()).map((p) => p.name)).toEqual(['Good one']);
    expect(store.notices[0]?.message).toMatch(
      /1 saved profile .* set aside .*profile "Bad port": IMAP port: .*; expected a port number from 1 to 65535/,
    );
    const [quarantined] = await store.quarantined();
    expect(quarantined?.reason).toMatch(/IMAP port: .*out of range/);
    await store.save(input({ name: 'New one' }));
    const file = JSON.parse(await readFile(join(dir, 'profiles.json'), 'utf8')) as {
      profiles: Array<{ name: string }>;
      quarantine: Array<{ entry: { name: string } }>;
    };
    expect(file.profiles.map((p) => p.name)).toEqual(['Good one', 'New one']);
    expect(file.quarantine.map((q) => q.entry.name)).toEqual(['Bad port']);
  });

  it('never overwrites a store written by a newer MailProbe', async () => {
    const newer = JSON.stringify({ version: 2, profiles: [{ name: 'From the future', extra: true }] });
    await writeFile(join(dir, 'profiles.json'), newer);
    const store = await ProfileStore.open(dir, vault());
    expect(store.notices[0]?.message).toMatch(/written by a newer MailProbe \(store version 2/);
    await expect(store.save(input())).rejects.toMatchObject({ code: 'READ_ONLY' });
    expect(await readFile(join(dir, 'profiles.json'), 'utf8')).toBe(newer);
    expect((await readdir(dir)).filter((f) => f.startsWith('profiles.json.'))).toEqual([]);
  });

  it('removes the temp file a killed write left behind, not one being written', async () => {
    const { utimes } = await import('node:fs/promises');
    const old = join(dir, '.0123456789ab.tmp');
    const fresh = join(dir, '.ba9876543210.tmp');
    await writeFile(old, '{"half":');
    await writeFile(fresh, '{"in flight":');
    const past = new Date(Date.now() - 10 * 60_000);
    await utimes(old, past, past);
    await ProfileStore.open(dir, vault());
    const left = await readdir(dir);
    expect(left).not.toContain('.0123456789ab.tmp');
    expect(left).toContain('.ba9876543210.tmp');
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
