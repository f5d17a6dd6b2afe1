// Files that must never be half-written: write a temporary file, fsync it, rename it over the
// old one (atomic on one file system), fsync the folder. A file that does not parse is moved aside,
// never silently dropped.
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, unlink } from 'node:fs/promises';
import { FileProblem, readBoundedFile } from '../files/bounded-file';
import { dirname, join, basename } from 'node:path';

export async function writeFileAtomic(path: string, content: string | Uint8Array): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // Named after its file, so that the file's lock holder knows every temp of it is a leftover.
  const temp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temp, 'w', 0o600);
  try {
    try {
      await handle.writeFile(content);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    // A full disk or a refused rename leaves no half-written copy behind.
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  const folder = await open(dir, 'r');
  try {
    await folder.sync();
  } finally {
    await folder.close();
  }
}

export type ReadOutcome<T> =
  | { kind: 'missing' }
  | { kind: 'ok'; value: T }
  /** The file did not parse: it was moved to `movedTo`, and the caller starts afresh. */
  | { kind: 'corrupt'; movedTo: string; reason: string };

/**
 * The data folder's files are written by MailProbe, and bounded (a stored run keeps at most a few
 * million characters of transcript); anything far larger, or not a regular file, is not ours.
 */
export const MAX_DATA_FILE_BYTES = 64 * 1024 * 1024;

async function moveAside(path: string, reason: string): Promise<ReadOutcome<never>> {
  const movedTo = `${path}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  await rename(path, movedTo);
  return { kind: 'corrupt', movedTo, reason };
}

export async function readJsonFile<T>(
  path: string,
  validate: (value: unknown) => T,
): Promise<ReadOutcome<T>> {
  let text: string;
  try {
    text = (await readBoundedFile(path, MAX_DATA_FILE_BYTES)).toString('utf8');
  } catch (error) {
    if (!(error instanceof FileProblem)) throw error;
    if (error.kind === 'missing') return { kind: 'missing' };
    // A folder, a pipe or a file of gigabytes where our JSON belongs: set aside, never waited on.
    if (error.kind === 'not-a-file' || error.kind === 'too-large') return moveAside(path, error.problem);
    throw error;
  }
  try {
    return { kind: 'ok', value: validate(JSON.parse(text)) };
  } catch (error) {
    return moveAside(path, error instanceof Error ? error.message : String(error));
  }
}
