// The desktop save dialog for the diagnostic bundle, with a fake dialog: the file lands where the
// user chose (with .zip added when left out), and nothing is written when the dialog is cancelled.
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBundleSaver, type SaveDialog } from '../../../electron/main/save-bundle';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mailprobe-save-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function dialogAnswering(answer: { canceled: boolean; filePath?: string }) {
  const asked: Array<Parameters<SaveDialog['showSaveDialog']>[0]> = [];
  const dialog: SaveDialog = {
    showSaveDialog: (options) => {
      asked.push(options);
      return Promise.resolve(answer);
    },
  };
  return { dialog, asked };
}

describe('saving a bundle', () => {
  it('offers the file name in the default folder and writes the bytes where the user chose', async () => {
    const target = join(dir, 'customer-case.zip');
    const { dialog, asked } = dialogAnswering({ canceled: false, filePath: target });
    const save = createBundleSaver(dialog, () => '/home/someone/Downloads');
    const bytes = new Uint8Array([0x50, 0x4b, 3, 4, 1, 2, 3]);
    const savedTo = await save('mailprobe-demo-20261124-101500-fail.zip', bytes);
    expect(savedTo).toBe(target);
    expect(asked[0]?.defaultPath).toBe(
      join('/home/someone/Downloads', 'mailprobe-demo-20261124-101500-fail.zip'),
    );
    expect(asked[0]?.filters[0]?.extensions).toEqual(['zip']);
    expect([...(await readFile(target))]).toEqual([...bytes]);
    expect((await stat(target)).mode & 0o077).toBe(0);
  });

  it('replaces a file the user chose to replace, and makes it theirs alone', async () => {
    const target = join(dir, 'Case');
    await writeFile(target, 'old', { mode: 0o644 });
    const save = createBundleSaver(dialogAnswering({ canceled: false, filePath: target }).dialog, () => dir);
    expect(await save('x.zip', new Uint8Array([1]))).toBe(target);
    expect([...(await readFile(target))]).toEqual([1]);
    expect((await stat(target)).mode & 0o077).toBe(0);
  });

  it('writes nothing when the dialog is cancelled', async () => {
    const save = createBundleSaver(dialogAnswering({ canceled: true }).dialog, () => dir);
    expect(await save('x.zip', new Uint8Array([1]))).toBeNull();
    expect(await readdir(dir)).toEqual([]);
  });
});
