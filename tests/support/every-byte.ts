// Every byte of every file under a folder, as one text: what a test greps for a secret that must
// never reach the disk.
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';

export async function everyByte(folder: string): Promise<string> {
  const names = await readdir(folder, { recursive: true });
  const parts = await Promise.all(
    names.map((n) =>
      readFile(join(folder, n))
        .then((b) => b.toString('latin1'))
        .catch(() => ''),
    ),
  );
  return parts.join('\n');
}
