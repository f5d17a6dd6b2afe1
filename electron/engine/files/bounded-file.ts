// Files named by the user (a CA, a certificate, a key, a secret, a profiles file) are read with a
// bound and only when they are regular files: a named pipe would hang the read for ever, a device
// such as /dev/zero would fill memory. Opening with O_NONBLOCK means a FIFO without a writer
// opens at once, so the check below can refuse it instead of waiting.
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';

/** What kind of problem: a missing file is often expected, a folder or a pipe never. */
export type FileProblemKind = 'missing' | 'not-a-file' | 'too-large' | 'unreadable' | 'content';

export class FileProblem extends Error {
  constructor(
    /** The file as the user named it. */
    readonly path: string,
    /** What is wrong, in words that finish "the file ... ": "does not exist", "is a folder". */
    readonly problem: string,
    readonly kind: FileProblemKind = 'content',
  ) {
    super(`${path} ${problem}`);
    this.name = 'FileProblem';
  }
}

function codeOf(error: unknown): string {
  return error && typeof error === 'object' && 'code' in error ? String(error.code) : '';
}

function kindOfError(error: unknown): FileProblemKind {
  const code = codeOf(error);
  if (code === 'ENOENT' || code === 'ENOTDIR') return 'missing';
  if (code === 'EISDIR') return 'not-a-file';
  return 'unreadable';
}

function describeOpenError(error: unknown): string {
  switch (codeOf(error)) {
    case 'ENOENT':
      return 'does not exist';
    case 'EACCES':
    case 'EPERM':
      return 'cannot be read (permission denied)';
    case 'EISDIR':
      return 'is a folder, not a file';
    case 'ENOTDIR':
      return 'does not exist (a part of its path is not a folder)';
    case 'ELOOP':
      return 'is a loop of symbolic links';
    case 'ENAMETOOLONG':
      return 'has a name too long for this system';
    default:
      return `cannot be read (${codeOf(error) || String(error)})`;
  }
}

function kindOf(stats: { isDirectory(): boolean; isFIFO(): boolean; isSocket(): boolean }): string {
  if (stats.isDirectory()) return 'is a folder, not a file';
  if (stats.isFIFO()) return 'is a named pipe, not a file';
  if (stats.isSocket()) return 'is a socket, not a file';
  return 'is a device, not a file';
}

function sizeWords(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round(bytes / (1024 * 1024))} MB` : `${Math.round(bytes / 1024)} KB`;
}

/** Reads a regular file of at most `maxBytes`, or throws a FileProblem that says what is wrong. */
export async function readBoundedFile(path: string, maxBytes: number): Promise<Buffer> {
  if (path.trim() === '') throw new FileProblem('(no file)', 'is not named: give a path', 'missing');
  if (path.includes('\0')) throw new FileProblem(JSON.stringify(path), 'is not a valid path', 'missing');
  let handle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    throw new FileProblem(path, describeOpenError(error), kindOfError(error));
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw new FileProblem(path, kindOf(stats), 'not-a-file');
    if (stats.size > maxBytes)
      throw new FileProblem(
        path,
        `is too large (${sizeWords(stats.size)}; at most ${sizeWords(maxBytes)})`,
        'too-large',
      );
    // The size can change between stat and read: never read more than the bound, plus one byte
    // to notice that it grew.
    const buffer = Buffer.alloc(Math.min(stats.size, maxBytes) + 1);
    let filled = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
      if (filled === buffer.length) break;
    }
    if (filled > maxBytes)
      throw new FileProblem(path, `is too large (at most ${sizeWords(maxBytes)})`, 'too-large');
    return buffer.subarray(0, filled);
  } catch (error) {
    if (error instanceof FileProblem) throw error;
    throw new FileProblem(path, describeOpenError(error), kindOfError(error));
  } finally {
    await handle.close();
  }
}

export async function readBoundedText(path: string, maxBytes: number): Promise<string> {
  return (await readBoundedFile(path, maxBytes)).toString('utf8');
}
