// The data folder's files change under the app: `mailprobe profiles add` in a terminal, `serve`
// beside the desktop app. One fs.watch of the folder counts the changes of the files that matter
// (a revision), and a caller waits for the next one with a bound: the renderer's long poll.
import { watch, type FSWatcher } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';

/** Several events come from one save (temp file written, then renamed): counted once. */
const SETTLE_MS = 40;

interface Waiter {
  resolve: () => void;
  timer: NodeJS.Timeout;
}

export class FileRevisions {
  private revision = 0;
  private watcher: FSWatcher | null = null;
  private settle: NodeJS.Timeout | null = null;
  private readonly waiters = new Set<Waiter>();
  private closed = false;
  /** Last seen size and mtime of each file: the fallback when the folder cannot be watched. */
  private readonly seen = new Map<string, string>();

  constructor(
    private readonly dir: string,
    private readonly names: readonly string[],
  ) {
    try {
      this.watcher = watch(dir, { persistent: false }, (_event, name) => {
        // Some platforms give no name: then any change counts.
        if (name === null || this.names.includes(name)) this.changed();
      });
      this.watcher.on('error', () => {
        this.watcher?.close();
        this.watcher = null;
      });
    } catch {
      this.watcher = null;
    }
  }

  get current(): number {
    return this.revision;
  }

  private changed(): void {
    if (this.settle || this.closed) return;
    this.settle = setTimeout(() => {
      this.settle = null;
      this.revision += 1;
      this.wakeAll();
    }, SETTLE_MS);
  }

  private wakeAll(): void {
    for (const waiter of this.waiters) {
      clearTimeout(waiter.timer);
      waiter.resolve();
    }
    this.waiters.clear();
  }

  /** Without a watcher (the folder was not there, or the platform refused), size and mtime say it. */
  private async poll(): Promise<void> {
    if (this.watcher) return;
    let moved = false;
    for (const name of this.names) {
      const info = await stat(join(this.dir, name)).catch(() => null);
      const mark = info ? `${info.size}:${info.mtimeMs}` : 'none';
      if (this.seen.has(name) && this.seen.get(name) !== mark) moved = true;
      this.seen.set(name, mark);
    }
    if (moved) this.revision += 1;
  }

  /**
   * The revision once it differs from `known`, or after `waitMs` (whichever is first): at once
   * when `known` is null or already old. Ends at once when the watcher is closed.
   */
  async next(known: number | null, waitMs: number): Promise<number> {
    await this.poll();
    if (known === null || known !== this.revision || this.closed) return this.revision;
    await new Promise<void>((resolve) => {
      const waiter: Waiter = {
        resolve,
        timer: setTimeout(
          () => {
            this.waiters.delete(waiter);
            resolve();
          },
          this.watcher ? waitMs : Math.min(waitMs, 1000),
        ),
      };
      this.waiters.add(waiter);
    });
    await this.poll();
    return this.revision;
  }

  close(): void {
    this.closed = true;
    if (this.settle) clearTimeout(this.settle);
    this.settle = null;
    this.watcher?.close();
    this.watcher = null;
    this.wakeAll();
  }
}
