// The data folder's revision: a change of a watched file wakes a waiter, other files do not, a
// waiter without news returns at its bound, and closing ends every wait at once.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileRevisions } from '../../../../electron/engine/store/file-watch';
import { writeFileAtomic } from '../../../../electron/engine/store/atomic-file';

let dir: string;
let revisions: FileRevisions;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mailprobe-watch-'));
  revisions = new FileRevisions(dir, ['profiles.json']);
});

afterEach(async () => {
  revisions.close();
  await rm(dir, { recursive: true, force: true });
});

describe('FileRevisions', () => {
  it('answers at once for null or an old revision', async () => {
    expect(await revisions.next(null, 10_000)).toBe(0);
    expect(await revisions.next(7, 10_000)).toBe(0);
  });

  it('wakes a waiter when the watched file is replaced atomically, once per save', async () => {
    const waiting = revisions.next(0, 10_000);
    await writeFileAtomic(join(dir, 'profiles.json'), '{}');
    expect(await waiting).toBe(1);
    expect(await revisions.next(0, 10_000)).toBe(1);
  });

  it('ignores other files and returns the same revision at its bound', async () => {
    const started = Date.now();
    const waiting = revisions.next(0, 300);
    await writeFile(join(dir, 'other.json'), '{}');
    expect(await waiting).toBe(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  });

  it('close() ends the waits at once', async () => {
    const started = Date.now();
    const waiting = revisions.next(0, 60_000);
    revisions.close();
    expect(await waiting).toBe(0);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('without a folder to watch, a change is still seen by size and time', async () => {
    const missing = join(dir, 'later');
    const polled = new FileRevisions(missing, ['profiles.json']);
    try {
      expect(await polled.next(null, 100)).toBe(0);
      await writeFileAtomic(join(missing, 'profiles.json'), '{"a":1}');
      expect(await polled.next(0, 5000)).toBe(1);
    } finally {
      polled.close();
    }
  });
});
