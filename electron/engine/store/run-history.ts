// Each profile's runs, kept in the data folder: one JSON file per run (the report, redacted at
// the source, and the environment; never a token or a secret) and an index for the list. Files
// are written atomically; a damaged file is moved aside and reported, and a lost or stale index is
// rebuilt from the run files. The oldest runs go once a profile has more than the limit.
import { mkdir, readdir, rm, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { HistoryEntry, RunId, StoredRun } from '../../../shared/api/contract';
import { historyEntry } from '../history/history-entry';
import { readJsonFile, writeFileAtomic } from './atomic-file';
import { removeTempFilesIn, withFileLock } from './locked-file';

export const MAX_RUNS_PER_PROFILE = 200;
const RUN_SCHEMA = 'mailprobe.run/1';
const INDEX_SCHEMA = 'mailprobe.history/1';
const SAFE_ID = /^[A-Za-z0-9_-]{1,100}$/;

export class HistoryError extends Error {
  constructor(
    readonly code: 'NOT_FOUND' | 'CORRUPT' | 'INVALID',
    message: string,
  ) {
    super(message);
    this.name = 'HistoryError';
  }
}

interface IndexFile {
  schema: typeof INDEX_SCHEMA;
  runs: HistoryEntry[];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Enough of a stored run's shape to show it; anything else is a damaged file. */
export function parseStoredRun(value: unknown): StoredRun {
  if (!isObject(value) || value.schema !== RUN_SCHEMA) throw new Error(`not a ${RUN_SCHEMA} file`);
  const report = value.report;
  if (
    typeof value.id !== 'string' ||
    typeof value.profileId !== 'string' ||
    !isObject(report) ||
    report.schema !== 'mailprobe.report/1' ||
    typeof report.startedAt !== 'string' ||
    !Array.isArray(report.checks) ||
    !Array.isArray(report.findings) ||
    !isObject(value.environment)
  )
    throw new Error('a stored run without its report or environment');
  return value as unknown as StoredRun;
}

function parseIndex(value: unknown): IndexFile {
  if (!isObject(value) || value.schema !== INDEX_SCHEMA || !Array.isArray(value.runs))
    throw new Error(`not a ${INDEX_SCHEMA} file`);
  for (const entry of value.runs)
    if (!isObject(entry) || typeof entry.id !== 'string' || typeof entry.startedAt !== 'string')
      throw new Error('an index entry without its id or time');
  return value as unknown as IndexFile;
}

function newestFirst(a: HistoryEntry, b: HistoryEntry): number {
  return b.startedAt.localeCompare(a.startedAt) || b.id.localeCompare(a.id);
}

function checkId(kind: string, id: string): void {
  if (!SAFE_ID.test(id)) throw new HistoryError('INVALID', `Not a valid ${kind} id: "${id.slice(0, 40)}"`);
}

export class RunHistory {
  /** Saves of one profile run one after another, so the index is never written by two at once. */
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(
    private readonly root: string,
    private readonly maxRuns = MAX_RUNS_PER_PROFILE,
  ) {}

  static at(dataDir: string, maxRuns = MAX_RUNS_PER_PROFILE): RunHistory {
    return new RunHistory(join(dataDir, 'history'), maxRuns);
  }

  private folder(profileId: string): string {
    checkId('profile', profileId);
    return join(this.root, profileId);
  }

  private runPath(profileId: string, runId: RunId): string {
    checkId('run', runId);
    return join(this.folder(profileId), 'runs', `${runId}.json`);
  }

  private serial<T>(profileId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(profileId) ?? Promise.resolve();
    const next = previous.then(work, work);
    const settled = next.catch(() => undefined);
    this.queues.set(profileId, settled);
    void settled.then(() => {
      if (this.queues.get(profileId) === settled) this.queues.delete(profileId);
    });
    return next;
  }

  private async runIds(profileId: string): Promise<string[]> {
    try {
      const names = await readdir(join(this.folder(profileId), 'runs'));
      // Anything else in the folder (a copy a sync tool made, "r1 (1).json") is not a run of ours.
      return names
        .filter((n) => n.endsWith('.json'))
        .map((n) => n.slice(0, -5))
        .filter((id) => SAFE_ID.test(id));
    } catch (error) {
      if (isObject(error) && error.code === 'ENOENT') return [];
      throw error;
    }
  }

  /** The index, rebuilt from the run files when it is missing, damaged or out of step with them. */
  private async index(profileId: string): Promise<HistoryEntry[]> {
    const path = join(this.folder(profileId), 'index.json');
    const [outcome, ids] = await Promise.all([readJsonFile(path, parseIndex), this.runIds(profileId)]);
    if (outcome.kind === 'ok') {
      const listed = new Set(outcome.value.runs.map((r) => r.id));
      if (listed.size === ids.length && ids.every((id) => listed.has(id))) return outcome.value.runs;
    }
    const entries: HistoryEntry[] = [];
    for (const id of ids) {
      const run = await readJsonFile(this.runPath(profileId, id), parseStoredRun);
      if (run.kind === 'ok') entries.push(historyEntry(run.value));
    }
    entries.sort(newestFirst);
    await this.writeIndex(profileId, entries);
    return entries;
  }

  private writeIndex(profileId: string, runs: HistoryEntry[]): Promise<void> {
    const file: IndexFile = { schema: INDEX_SCHEMA, runs };
    return writeFileAtomic(join(this.folder(profileId), 'index.json'), `${JSON.stringify(file)}\n`);
  }

  /** Keeps a run; returns its line in the list. The oldest runs beyond the limit are removed. */
  save(run: StoredRun): Promise<HistoryEntry> {
    return this.serial(run.profileId, async () => {
      await mkdir(join(this.folder(run.profileId), 'runs'), { recursive: true, mode: 0o700 });
      // Other processes (the CLI's `check --profile` beside the app) save into the same history.
      return withFileLock(join(this.folder(run.profileId), 'index.json'), () => this.saveLocked(run));
    });
  }

  private async saveLocked(run: StoredRun): Promise<HistoryEntry> {
    // Every write into this history runs under this lock: a temp file here is a killed save's.
    await removeTempFilesIn(this.folder(run.profileId));
    await removeTempFilesIn(join(this.folder(run.profileId), 'runs'));
    // The index first, while it still matches the run files: no rebuild on every save.
    const entries = (await this.index(run.profileId)).filter((e) => e.id !== run.id);
    await writeFileAtomic(this.runPath(run.profileId, run.id), `${JSON.stringify(run)}\n`);
    const entry = historyEntry(run);
    entries.push(entry);
    entries.sort(newestFirst);
    const kept = entries.slice(0, this.maxRuns);
    for (const old of entries.slice(this.maxRuns))
      await unlink(this.runPath(run.profileId, old.id)).catch(() => undefined);
    await this.writeIndex(run.profileId, kept);
    return entry;
  }

  /** The profile's runs, newest first. */
  list(profileId: string): Promise<HistoryEntry[]> {
    return this.serial(profileId, () => this.index(profileId));
  }

  async get(profileId: string, runId: RunId): Promise<StoredRun> {
    const outcome = await readJsonFile(this.runPath(profileId, runId), parseStoredRun);
    switch (outcome.kind) {
      case 'missing':
        throw new HistoryError('NOT_FOUND', 'That run is no longer in the history');
      case 'corrupt':
        throw new HistoryError(
          'CORRUPT',
          `That run's file was damaged (${outcome.reason}); it was moved to ${outcome.movedTo}`,
        );
      case 'ok':
        return outcome.value;
    }
  }

  /** The last passing run of the profile that started before this one, if any. */
  async lastPassingBefore(profileId: string, run: HistoryEntry): Promise<StoredRun | null> {
    const entries = await this.list(profileId);
    for (const entry of entries) {
      if (entry.id === run.id || entry.verdict !== 'pass') continue;
      if (newestFirst(entry, run) <= 0) continue;
      try {
        return await this.get(profileId, entry.id);
      } catch (error) {
        if (!(error instanceof HistoryError)) throw error;
      }
    }
    return null;
  }

  /** Deletes one run; the list that is left. */
  remove(profileId: string, runId: RunId): Promise<HistoryEntry[]> {
    return this.serial(profileId, async () => {
      const entries = await this.index(profileId);
      if (!entries.some((e) => e.id === runId))
        throw new HistoryError('NOT_FOUND', 'That run is no longer in the history');
      await unlink(this.runPath(profileId, runId)).catch((error: unknown) => {
        if (!(isObject(error) && error.code === 'ENOENT')) throw error;
      });
      const left = entries.filter((e) => e.id !== runId);
      await this.writeIndex(profileId, left);
      return left;
    });
  }

  /** Forgets every run of a profile (when the profile itself is removed). */
  removeProfile(profileId: string): Promise<void> {
    return this.serial(profileId, () => rm(this.folder(profileId), { recursive: true, force: true }));
  }
}
