// The CLI's access to the profiles the desktop app saves (same data folder, same keychain).
import type { Profile } from '../../shared/api/contract';
import { dataDir } from '../engine/app/data-dir';
import { ProfileError, ProfileStore } from '../engine/store/profiles';
import { openVault, type Vault } from '../engine/store/vault';
import { UsageError } from './usage-error';

export async function openProfileStore(): Promise<{ store: ProfileStore; vault: Vault; dir: string }> {
  const dir = dataDir();
  const vault = await openVault();
  const store = await ProfileStore.open(dir, vault);
  for (const notice of store.notices) process.stderr.write(`mailprobe: ${notice.message}\n`);
  return { store, vault, dir };
}

/** A profile by its name (case-insensitive) or its id. */
export async function findProfile(store: ProfileStore, name: string, flag?: string): Promise<Profile> {
  try {
    return await findNamed(store, name);
  } catch (error) {
    if (flag !== undefined && error instanceof UsageError)
      throw new UsageError(`${flag}: ${error.message}; expected the name or id of a saved profile`);
    throw error;
  }
}

async function findNamed(store: ProfileStore, name: string): Promise<Profile> {
  const all = await store.list();
  const matches = all.filter((p) => p.id === name || p.name.toLowerCase() === name.toLowerCase());
  if (matches.length === 0)
    throw new UsageError(
      `no profile "${name}"${all.length ? `; saved profiles: ${all.map((p) => p.name).join(', ')}` : ' (none saved yet: mailprobe profiles add)'}`,
    );
  if (matches.length > 1)
    throw new UsageError(`"${name}" names ${matches.length} profiles; use its id (mailprobe profiles list)`);
  try {
    return await store.get(matches[0]?.id ?? '');
  } catch (error) {
    if (error instanceof ProfileError) throw new UsageError(error.message);
    throw error;
  }
}
