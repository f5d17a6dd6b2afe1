// One writer at a time for a data file shared by the app, `mailprobe serve` and the CLI: a lock
// (proper-lockfile: a lock directory beside the file, with stale-lock recovery) held while the
// file is read again, changed and written back atomically. Without it, each process wrote back the
// copy it read at start, and the other's saves were lost.
import { mkdir, readdir, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { lock } from 'proper-lockfile';

/** A lock older than this without a heartbeat belongs to a process that died: it is taken over. */
const STALE_MS = 10_000;

export class FileLockTimeout extends Error {
  constructor(path: string) {
    super(`${path} is being written by another MailProbe for too long; try again`);
  }
}

/** Runs `change` with `path` locked against every other MailProbe process and store object. */
export async function withFileLock<T>(path: string, change: () => Promise<T>): Promise<T> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  let release: () => Promise<void>;
  try {
    release = await lock(path, {
      realpath: false,
      lockfilePath: `${path}.lock`,
      stale: STALE_MS,
      update: STALE_MS / 4,
      // Up to about 15 s of waiting: a save is milliseconds, a crashed holder goes stale at 10 s.
      retries: { retries: 300, minTimeout: 5, maxTimeout: 50, factor: 1.3 },
      // A lost heartbeat (a suspended laptop) must not throw from a timer and end the process.
      onCompromised: () => undefined,
    });
  } catch (error) {
    if (error && typeof error === 'object' && 'code' in error && error.code === 'ELOCKED')
      throw new FileLockTimeout(path);
    throw error;
  }
  try {
    return await change();
  } finally {
    await release().catch(() => undefined);
  }
}

/**
 * The temp files of `path` (`.<name>.<hex>.tmp`): called with the file's lock held, when no write
 * of it can be in flight, so every one of them is a leftover of a killed write.
 */
export async function removeTempFilesOf(path: string): Promise<void> {
  const prefix = `.${basename(path)}.`;
  const names = await readdir(dirname(path)).catch(() => [] as string[]);
  for (const name of names)
    if (name.startsWith(prefix) && /\.[0-9a-f]{12}\.tmp$/.test(name))
      await unlink(join(dirname(path), name)).catch(() => undefined);
}

/**
 * Every temp file in `dir`: called with the lock held under which every write into `dir` happens
 * (a profile's run history), so each one is a leftover of a killed write.
 */
export async function removeTempFilesIn(dir: string): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names)
    if (/^\..+\.[0-9a-f]{12}\.tmp$/.test(name)) await unlink(join(dir, name)).catch(() => undefined);
}

/**
 * Temporary files an interrupted atomic write left in `dir` (killed between write and rename),
 * older than `minAgeMs` so that another process's write in flight is left alone.
 */
export async function removeStaleTempFiles(dir: string, minAgeMs = 60_000): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const removed: string[] = [];
  for (const name of names) {
    if (!/^\.(?:[^/]+\.)?[0-9a-f]{12}\.tmp$/.test(name)) continue;
    const path = join(dir, name);
    const info = await stat(path).catch(() => null);
    if (!info?.isFile() || Date.now() - info.mtimeMs < minAgeMs) continue;
    await unlink(path).catch(() => undefined);
    removed.push(basename(path));
  }
  return removed;
}
