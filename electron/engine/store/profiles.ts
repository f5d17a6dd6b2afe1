// The profile store: one JSON file in the data folder, versioned, written atomically. Secrets are
// never in it: a profile only says whether the vault holds one (under the profile's id).
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { z } from 'zod';
import type { Profile, ProfileInput, ProfileSummary } from '../../../shared/api/contract';
import { PROFILE_FIELDS } from '../../../shared/api/schemas';
import { firstProblem, PROFILE_FIELD_WORDS } from '../../../shared/config/messages';
import { readJsonFile, writeFileAtomic } from './atomic-file';
import { removeStaleTempFiles, removeTempFilesOf, withFileLock } from './locked-file';
import type { Vault } from './vault';
import type { KeptSignIn } from '../identity/acquire';

export const STORE_VERSION = 1;

/** Where a profile's kept sign-in (a refresh token) lives in the keychain, beside its secret. */
export function signInRef(id: string): string {
  return `${id}#sign-in`;
}
/** Where the password of a profile's own proxy lives in the keychain. */
export function proxyRef(id: string): string {
  return `${id}#proxy`;
}
export const PROFILES_FILE = 'profiles.json';

const storedProfile = PROFILE_FIELDS.omit({ secret: true, id: true, proxyPassword: true }).extend({
  id: z.string().min(1).max(100),
  updatedAt: z.string(),
});
/** A profile that did not pass the schema: kept in the file as it was, with why, apart from the others. */
const quarantined = z.object({ entry: z.unknown(), reason: z.string().max(2000), since: z.string() });
export type QuarantinedProfile = z.infer<typeof quarantined>;
// Each entry is checked on its own (one bad field must not hide the others), so the file's
// envelope is all that is checked here.
const storeFile = z.object({
  version: z.number().int().min(1),
  profiles: z.array(z.unknown()).max(10_000),
  quarantine: z.array(quarantined).max(10_000).optional(),
});
type Stored = z.infer<typeof storedProfile>;

interface Loaded {
  profiles: Stored[];
  quarantine: QuarantinedProfile[];
  /** Why the file may not be written (a newer MailProbe's), or null. */
  readOnly: string | null;
  notice: string | null;
}

export function nameOfEntry(entry: unknown): string | null {
  return entry && typeof entry === 'object' && 'name' in entry && typeof entry.name === 'string'
    ? entry.name.slice(0, 100)
    : null;
}

async function loadStore(path: string): Promise<Loaded> {
  const outcome = await readJsonFile(path, (v) => storeFile.parse(v));
  if (outcome.kind === 'missing') return { profiles: [], quarantine: [], readOnly: null, notice: null };
  if (outcome.kind === 'corrupt')
    return {
      profiles: [],
      quarantine: [],
      readOnly: null,
      notice: `The profile file ${path} could not be read (${outcome.reason.split('\n')[0] ?? ''}). It was kept as ${outcome.movedTo}; MailProbe started with no saved profiles.`,
    };
  const file = outcome.value;
  if (file.version > STORE_VERSION) {
    const why = `${path} was written by a newer MailProbe (store version ${file.version}; this one reads version ${STORE_VERSION}). It is left as it is, never overwritten: profiles cannot be saved until MailProbe is updated.`;
    return { profiles: [], quarantine: [], readOnly: why, notice: why };
  }
  const profiles: Stored[] = [];
  const quarantine = [...(file.quarantine ?? [])];
  const fresh: string[] = [];
  file.profiles.forEach((entry, index) => {
    const parsed = storedProfile.safeParse(entry);
    if (parsed.success) {
      profiles.push(parsed.data);
      return;
    }
    const what = nameOfEntry(entry) ? `profile "${nameOfEntry(entry) ?? ''}"` : `profile ${index + 1}`;
    const reason = `${what}: ${firstProblem(parsed.error.issues, entry, PROFILE_FIELD_WORDS)}`;
    quarantine.push({ entry, reason, since: new Date().toISOString() });
    fresh.push(reason);
  });
  return {
    profiles,
    quarantine,
    readOnly: null,
    notice: fresh.length
      ? `${fresh.length} saved profile${fresh.length > 1 ? 's' : ''} in ${path} could not be read and ${fresh.length > 1 ? 'were' : 'was'} set aside (the others are loaded; the entry is kept in the file's quarantine list): ${fresh.join('; ')}`
      : null,
  };
}

/** What the store says about its file: shown once to the user (e.g. a corrupt file moved aside). */
export interface StoreNotice {
  level: 'warning';
  message: string;
}

export class ProfileError extends Error {
  constructor(
    readonly code: 'NOT_FOUND' | 'READ_ONLY' | 'INVALID',
    message: string,
  ) {
    super(message);
  }
}

export class ProfileStore {
  private profiles: Stored[] = [];
  private quarantine: QuarantinedProfile[] = [];
  private readOnly: string | null = null;
  readonly notices: StoreNotice[] = [];

  private constructor(
    private readonly path: string,
    private readonly vault: Vault,
  ) {}

  static async open(dataDir: string, vault: Vault): Promise<ProfileStore> {
    const store = new ProfileStore(join(dataDir, PROFILES_FILE), vault);
    // A write killed between its temp file and the rename left the temp file behind: the store's
    // own at once (under its lock no write of it is in flight), others' once they are old.
    await withFileLock(store.path, () => removeTempFilesOf(store.path));
    await removeStaleTempFiles(dataDir);
    await store.reload();
    return store;
  }

  /**
   * Reads the file again: another process (the CLI beside the app, `serve` beside the CLI) may
   * have saved since. Every read and every change starts here.
   */
  private async reload(): Promise<void> {
    const loaded = await loadStore(this.path);
    this.profiles = loaded.profiles;
    this.quarantine = loaded.quarantine;
    this.readOnly = loaded.readOnly;
    if (loaded.notice && !this.notices.some((n) => n.message === loaded.notice))
      this.notices.push({ level: 'warning', message: loaded.notice });
  }

  /** The entries set aside because they did not pass the schema, with the reason. */
  async quarantined(): Promise<QuarantinedProfile[]> {
    await this.reload();
    return [...this.quarantine];
  }

  /**
   * One change, under the file's lock: read the file again, change that, write it back. What
   * another writer saved in between is kept.
   */
  private async change<T>(apply: (profiles: Stored[]) => { next: Stored[]; result: T }): Promise<T> {
    return withFileLock(this.path, async () => {
      await this.reload();
      if (this.readOnly) throw new ProfileError('READ_ONLY', this.readOnly);
      const { next, result } = apply(this.profiles);
      await writeFileAtomic(
        this.path,
        `${JSON.stringify(
          {
            version: STORE_VERSION,
            profiles: next,
            ...(this.quarantine.length ? { quarantine: this.quarantine } : {}),
          },
          null,
          2,
        )}\n`,
      );
      this.profiles = next;
      return result;
    });
  }

  private async hasSecret(id: string): Promise<boolean> {
    return (await this.vault.get(id)) !== null;
  }

  private async toProfile(p: Stored): Promise<Profile> {
    const [hasSecret, kept, proxyPassword] = await Promise.all([
      this.hasSecret(p.id),
      this.vault.get(signInRef(p.id)),
      p.proxy?.mode === 'manual' ? this.vault.get(proxyRef(p.id)) : Promise.resolve(null),
    ]);
    return {
      ...p,
      demo: false,
      hasSecret,
      ...(kept !== null ? { keptSignIn: true } : {}),
      ...(p.proxy?.mode === 'manual' ? { hasProxyPassword: proxyPassword !== null } : {}),
    };
  }

  /**
   * A person's kept sign-in (its refresh token read), for the profile's run: only where the user
   * asked for it, and only in the OS keychain (a session vault keeps none).
   */
  async loadKeptSignIn(profile: Profile): Promise<KeptSignIn | undefined> {
    if (!profile.keepSignIn || this.vault.status.kind !== 'keychain') return undefined;
    const ref = signInRef(profile.id);
    return {
      refreshToken: await this.vault.get(ref),
      keep: (token) => this.vault.set(ref, token),
      forget: () => this.vault.delete(ref),
    };
  }

  async forgetSignIn(id: string): Promise<Profile> {
    const profile = await this.get(id);
    await this.vault.delete(signInRef(id));
    return { ...profile, keptSignIn: false };
  }

  async list(): Promise<ProfileSummary[]> {
    await this.reload();
    return Promise.all(
      this.profiles.map(async (p) => ({
        id: p.id,
        name: p.name,
        demo: false,
        cloud: p.cloud,
        mailbox: p.mailbox,
        credential: p.credential,
        hasSecret: await this.hasSecret(p.id),
      })),
    );
  }

  async get(id: string): Promise<Profile> {
    await this.reload();
    const p = this.profiles.find((x) => x.id === id);
    if (!p) throw new ProfileError('NOT_FOUND', `No profile ${id}`);
    return this.toProfile(p);
  }

  async secretOf(id: string): Promise<string | null> {
    return this.vault.get(id);
  }

  /** The password of the profile's own proxy, for its run. */
  async proxyPasswordOf(id: string): Promise<string | null> {
    return this.vault.get(proxyRef(id));
  }

  async save(input: ProfileInput): Promise<Profile> {
    const { secret, id: givenId, proxyPassword, ...fields } = input;
    const id = givenId ?? randomUUID();
    const stored: Stored = { ...fields, id, updatedAt: new Date().toISOString() };
    if (this.readOnly) throw new ProfileError('READ_ONLY', this.readOnly);
    // The secret first: a profile must never point at a secret that failed to store.
    if (secret !== undefined) await this.vault.set(id, secret);
    if (proxyPassword === '' || (proxyPassword === undefined && fields.proxy?.mode !== 'manual'))
      await this.vault.delete(proxyRef(id));
    else if (proxyPassword !== undefined) await this.vault.set(proxyRef(id), proxyPassword);
    await this.change((profiles) => {
      const index = profiles.findIndex((p) => p.id === id);
      const next = [...profiles];
      if (index >= 0) next[index] = stored;
      else next.push(stored);
      return { next, result: null };
    });
    return this.toProfile(stored);
  }

  async remove(id: string): Promise<void> {
    await this.change((profiles) => {
      if (!profiles.some((p) => p.id === id)) throw new ProfileError('NOT_FOUND', `No profile ${id}`);
      return { next: profiles.filter((p) => p.id !== id), result: null };
    });
    await this.vault.delete(id);
    await this.vault.delete(signInRef(id));
    await this.vault.delete(proxyRef(id));
  }

  /** Profiles as JSON for another machine: never a secret. */
  export(ids: string[]): string {
    const chosen = this.profiles.filter((p) => ids.length === 0 || ids.includes(p.id));
    return JSON.stringify(
      { version: STORE_VERSION, profiles: chosen.map(({ updatedAt: _u, ...rest }) => rest) },
      null,
      2,
    );
  }

  /** The profiles of an export, checked, without adding them: what an import would add. */
  parseImport(json: string): Array<Omit<Stored, 'id' | 'updatedAt'>> {
    let parsed: unknown;
    try {
      parsed = JSON.parse(json);
    } catch {
      throw new ProfileError('INVALID', 'That is not JSON: expected a MailProbe profile export');
    }
    const shape = z.object({
      version: z.literal(STORE_VERSION),
      profiles: z.array(storedProfile.omit({ id: true, updatedAt: true })).max(1000),
    });
    const result = shape.safeParse(parsed);
    if (!result.success) {
      const issue = result.error.issues[0];
      const [top, index, ...path] = issue?.path ?? [];
      const entry =
        top === 'profiles' && typeof index === 'number' && path.length > 0
          ? (parsed as { profiles: unknown[] }).profiles[index]
          : undefined;
      const problem =
        issue && entry !== undefined && typeof index === 'number'
          ? `profile ${index + 1}: ${firstProblem([{ ...issue, path }], entry, PROFILE_FIELD_WORDS)}`
          : firstProblem(result.error.issues, parsed, {
              version: { name: 'version', expected: `${STORE_VERSION}, as MailProbe writes its exports` },
              profiles: { name: 'profiles', expected: 'a list of at most 1000 profiles' },
            });
      throw new ProfileError('INVALID', `Not a MailProbe profile export: ${problem}`);
    }
    return result.data.profiles;
  }

  /** Adds the profiles of an export (new ids, so nothing is overwritten). */
  async import(json: string): Promise<ProfileSummary[]> {
    const added = this.parseImport(json).map((p) => ({
      ...p,
      id: randomUUID(),
      updatedAt: new Date().toISOString(),
    }));
    await this.change((profiles) => ({ next: [...profiles, ...added], result: null }));
    return (await this.list()).filter((s) => added.some((a) => a.id === s.id));
  }
}
