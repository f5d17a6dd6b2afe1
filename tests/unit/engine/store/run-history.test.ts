// A profile's run history on disk: saved runs come back whole and newest first, the last passing
// run before a failure is found, a damaged run file or index is handled without losing the rest,
// old runs go beyond the limit, ids cannot leave the history folder.
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StoredRun } from '../../../../shared/api/contract';
import type { Report } from '../../../../shared/report/model';
import {
  HistoryError,
  MAX_RUNS_PER_PROFILE,
  RunHistory,
} from '../../../../electron/engine/store/run-history';

let dir: string;
let history: RunHistory;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mailprobe-history-'));
  history = RunHistory.at(dir);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function run(id: string, minute: number, verdict: 'pass' | 'fail', profileId = 'contoso'): StoredRun {
  const report: Report = {
    schema: 'mailprobe.report/1',
    verdict,
    startedAt: new Date(Date.UTC(2026, 10, 24, 10, minute)).toISOString(),
    durationMs: 120,
    target: { mailbox: 'ops@contoso.com', credential: 'client-secret', mechanism: 'auto' },
    token: null,
    checks: [
      {
        protocol: 'imap',
        verdict,
        durationMs: 100,
        steps: [{ id: 'auth', status: verdict, durationMs: 20, summary: 'sign-in', detail: {} }],
        transcript: [
          { t: 1, dir: 's', step: 'auth', text: verdict === 'pass' ? 'a1 OK' : 'a1 NO AUTHENTICATE failed.' },
        ],
      },
    ],
    findings:
      verdict === 'fail'
        ? [
            {
              cause: 'grant.mailbox_permission_missing',
              confidence: 'medium',
              protocol: 'imap',
              title: 'The app has no access to this mailbox',
              explanation: '',
              evidence: [],
              fix: { steps: [], commands: [] },
              docs: [],
            },
          ]
        : [],
  };
  return {
    schema: 'mailprobe.run/1',
    id,
    profileId,
    profileName: 'Contoso',
    scenario: null,
    environment: {
      app: { name: 'MailProbe', version: '0.1.0', shell: 'cli' },
      os: { platform: 'linux', release: '6.1', arch: 'x64' },
      versions: { node: '20.0.0', electron: null, chromium: null },
      network: {
        timeouts: { connectMs: 10_000, greetingMs: 15_000, commandMs: 30_000 },
        minTls: '1.2',
        extraCaFiles: [],
        proxy: { identity: null, mail: null },
      },
    },
    report,
  };
}

describe('run history', () => {
  it('keeps runs per profile and lists them newest first with their summary', async () => {
    await history.save(run('r1', 1, 'pass'));
    await history.save(run('r3', 3, 'fail'));
    await history.save(run('r2', 2, 'pass'));
    await history.save(run('other', 4, 'pass', 'fabrikam'));
    const list = await history.list('contoso');
    expect(list.map((e) => e.id)).toEqual(['r3', 'r2', 'r1']);
    expect(list[0]).toMatchObject({
      verdict: 'fail',
      durationMs: 120,
      topFinding: 'The app has no access to this mailbox',
      checks: [{ protocol: 'imap', verdict: 'fail' }],
    });
    expect((await history.list('fabrikam')).map((e) => e.id)).toEqual(['other']);
    expect(await history.list('nobody')).toEqual([]);
    expect(await history.get('contoso', 'r2')).toEqual(run('r2', 2, 'pass'));
  });

  it('finds the last passing run before a given one', async () => {
    await history.save(run('r1', 1, 'pass'));
    await history.save(run('r2', 2, 'pass'));
    await history.save(run('r3', 3, 'fail'));
    await history.save(run('r4', 4, 'pass'));
    const list = await history.list('contoso');
    const [latest, failing, first] = [list[0], list[1], list[3]];
    if (!latest || !failing || !first) throw new Error('four runs expected');
    expect(failing.id).toBe('r3');
    expect((await history.lastPassingBefore('contoso', failing))?.id).toBe('r2');
    expect((await history.lastPassingBefore('contoso', latest))?.id).toBe('r2');
    expect(await history.lastPassingBefore('contoso', first)).toBeNull();
  });

  it('saves concurrent runs of one profile without losing any', async () => {
    await Promise.all(Array.from({ length: 12 }, (_, i) => history.save(run(`c${i}`, i, 'pass'))));
    expect((await history.list('contoso')).length).toBe(12);
  });

  it('rebuilds a damaged or stale index from the run files', async () => {
    await history.save(run('r1', 1, 'pass'));
    await history.save(run('r2', 2, 'fail'));
    const index = join(dir, 'history', 'contoso', 'index.json');
    await writeFile(index, '{ not json');
    expect((await history.list('contoso')).map((e) => e.id)).toEqual(['r2', 'r1']);
    const kept = await readdir(join(dir, 'history', 'contoso'));
    expect(kept.some((n) => n.startsWith('index.json.corrupt-'))).toBe(true);
    // A run written by another process (the CLI) that the index does not list yet.
    await new RunHistory(join(dir, 'history')).save(run('r0', 0, 'pass'));
    await writeFile(index, JSON.stringify({ schema: 'mailprobe.history/1', runs: [] }));
    expect((await history.list('contoso')).map((e) => e.id)).toEqual(['r2', 'r1', 'r0']);
  });

  it('does not reread the old runs on each save, and ignores files that are not runs of ours', async () => {
    await history.save(run('r1', 1, 'pass'));
    // A damaged old run would be moved aside by a rebuild: a save that trusts the index leaves it.
    const old = join(dir, 'history', 'contoso', 'runs', 'r1.json');
    await writeFile(old, 'not json');
    await writeFile(join(dir, 'history', 'contoso', 'runs', 'r1 (copy).json'), '{}');
    await history.save(run('r2', 2, 'fail'));
    expect(await readFile(old, 'utf8')).toBe('not json');
    expect((await history.list('contoso')).map((e) => e.id)).toEqual(['r2', 'r1']);
  });

  it('moves a damaged run file aside and says so', async () => {
    await history.save(run('r1', 1, 'pass'));
    const file = join(dir, 'history', 'contoso', 'runs', 'r1.json');
    await writeFile(file, '{"schema":"mailprobe.run/1"');
    const error = await history.get('contoso', 'r1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HistoryError);
    expect((error as HistoryError).code).toBe('CORRUPT');
    expect((error as HistoryError).message).toMatch(/moved to .*r1\.json\.corrupt-/);
    expect(((await history.get('contoso', 'r1').catch((e: unknown) => e)) as HistoryError).code).toBe(
      'NOT_FOUND',
    );
  });

  it('sets aside a run file that is a named pipe or a folder instead of waiting on it', async () => {
    await history.save(run('r1', 1, 'pass'));
    await history.save(run('r2', 2, 'pass'));
    const runs = join(dir, 'history', 'contoso', 'runs');
    await rm(join(runs, 'r1.json'));
    execFileSync('mkfifo', [join(runs, 'r1.json')]);
    await rm(join(runs, 'r2.json'));
    await mkdir(join(runs, 'r2.json'));
    for (const [id, what] of [
      ['r1', 'named pipe'],
      ['r2', 'folder'],
    ] as const) {
      const error = (await history.get('contoso', id).catch((e: unknown) => e)) as HistoryError;
      expect(error.code).toBe('CORRUPT');
      expect(error.message).toMatch(
        new RegExp(`damaged \\(is a ${what}, not a file\\); it was moved to .*${id}\\.json\\.corrupt-`),
      );
    }
    expect((await history.list('contoso')).map((e) => e.id)).toEqual([]);
  });

  it('drops the oldest runs beyond the limit', async () => {
    expect(MAX_RUNS_PER_PROFILE).toBeGreaterThanOrEqual(100);
    const limit = 5;
    history = RunHistory.at(dir, limit);
    for (let i = 0; i < limit + 3; i += 1) {
      const r = run(`r${String(i).padStart(3, '0')}`, 0, 'pass');
      r.report.startedAt = new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString();
      await history.save(r);
    }
    const list = await history.list('contoso');
    expect(list).toHaveLength(limit);
    expect(list.at(-1)?.id).toBe('r003');
    expect((await readdir(join(dir, 'history', 'contoso', 'runs'))).length).toBe(limit);
  });

  it('refuses ids that could leave the history folder', async () => {
    await expect(history.get('contoso', '../../etc/passwd')).rejects.toMatchObject({ code: 'INVALID' });
    await expect(history.list('..')).rejects.toMatchObject({ code: 'INVALID' });
  });

  it('deletes one run, and says when it is already gone', async () => {
    await history.save(run('r1', 1, 'pass'));
    await history.save(run('r2', 2, 'fail'));
    expect((await history.remove('contoso', 'r1')).map((e) => e.id)).toEqual(['r2']);
    expect((await history.list('contoso')).map((e) => e.id)).toEqual(['r2']);
    await expect(history.get('contoso', 'r1')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(history.remove('contoso', 'r1')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('forgets a removed profile', async () => {
    await history.save(run('r1', 1, 'pass'));
    await history.removeProfile('contoso');
    expect(await history.list('contoso')).toEqual([]);
  });

  it('removes the temp files a killed save left, at the next save', async () => {
    await history.save(run('r1', 1, 'pass'));
    const folder = join(dir, 'history', 'contoso');
    await writeFile(join(folder, '.index.json.0123456789ab.tmp'), '{');
    await writeFile(join(folder, 'runs', '.r2.json.ba9876543210.tmp'), '{');
    await history.save(run('r2', 2, 'pass'));
    expect((await readdir(folder)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    expect((await readdir(join(folder, 'runs'))).sort()).toEqual(['r1.json', 'r2.json']);
  });

  it('writes files only the user can read', async () => {
    await history.save(run('r1', 1, 'pass'));
    const text = await readFile(join(dir, 'history', 'contoso', 'runs', 'r1.json'), 'utf8');
    expect(JSON.parse(text)).toEqual(run('r1', 1, 'pass'));
    const { mode } = await import('node:fs/promises').then((fs) =>
      fs.stat(join(dir, 'history', 'contoso', 'runs', 'r1.json')),
    );
    expect(mode & 0o077).toBe(0);
  });
});

describe('run history, two writers', () => {
  it('keeps every run in the index when two history objects (two processes) save at once', async () => {
    const a = RunHistory.at(dir);
    const b = RunHistory.at(dir);
    await Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        (i % 2 ? a : b).save(run(`r${String(i).padStart(2, '0')}`, i, 'pass')),
      ),
    );
    // The index file itself holds them all: no save overwrote another's entry.
    const index = JSON.parse(await readFile(join(dir, 'history', 'contoso', 'index.json'), 'utf8')) as {
      runs: Array<{ id: string }>;
    };
    expect(index.runs.map((r) => r.id).sort()).toEqual(
      Array.from({ length: 24 }, (_, i) => `r${String(i).padStart(2, '0')}`),
    );
    expect((await RunHistory.at(dir).list('contoso')).length).toBe(24);
  });
});
