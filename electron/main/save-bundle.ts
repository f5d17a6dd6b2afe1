// The desktop app's side of exporting a bundle: the system save dialog, then the file written
// where the user chose. Kept apart from main.ts so that unit tests drive it with a fake dialog.
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface SaveDialog {
  showSaveDialog(options: {
    title: string;
    defaultPath: string;
    filters: Array<{ name: string; extensions: string[] }>;
  }): Promise<{ canceled: boolean; filePath?: string | undefined }>;
}

export function createBundleSaver(
  dialog: SaveDialog,
  defaultFolder: () => string,
): (fileName: string, bytes: Uint8Array) => Promise<string | null> {
  return async (fileName, bytes) => {
    const choice = await dialog.showSaveDialog({
      title: 'Save the diagnostic bundle',
      defaultPath: join(defaultFolder(), fileName),
      filters: [{ name: 'Zip archive', extensions: ['zip'] }],
    });
    if (choice.canceled || !choice.filePath) return null;
    // The name as chosen: adding ".zip" here would replace a file the dialog never asked about.
    const path = choice.filePath;
    await writeFile(path, bytes, { mode: 0o600 });
    // An existing file keeps its old mode through writeFile: the bundle is the user's alone. A
    // file system without modes (a USB stick, a share) refuses chmod; the file is written all the same.
    await chmod(path, 0o600).catch((error: unknown) => {
      const code = (error as { code?: unknown } | null)?.code;
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EINVAL') throw error;
    });
    return path;
  };
}
