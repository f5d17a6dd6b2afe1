// The app service's history and export against the lab, as the window uses them: a run is kept,
// listed, compared with the last passing one, previewed and exported; a huge transcript is
// previewed in part and bundled whole; bad ids are refused at the boundary.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Events, RequestName, Requests, StoredRun } from '../../shared/api/contract';
import { createAppService, PREVIEW_CHARS, type AppService } from '../../electron/compose/app-service';
import { RunHistory } from '../../electron/engine/store/run-history';
import { SessionVault } from '../../electron/engine/store/vault';

let dir: string;
let service: AppService;
const ctx = { emit: <E extends keyof Events>(_e: E, _p: Events[E]) => undefined };

async function call<K extends RequestName>(
  name: K,
  input: Requests[K]['input'],
): Promise<Requests[K]['output']> {
  const result = await service.dispatch(name, input, ctx);
  if (!result.ok) throw new Error(`${name}: ${result.error.code} ${result.error.message}`);
  return result.value;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mailprobe-app-history-'));
  service = await createAppService({
    dataDir: dir,
    version: 'test',
    vault: new SessionVault({ kind: 'session', reason: 'test' }),
  });
});

afterAll(async () => {
  await service.close();
  await rm(dir, { recursive: true, force: true });
});

describe('history and export through the app service', () => {
  it('keeps each run, compares a failure with the last pass, and exports it', async () => {
    await call('checks:run', {
      runId: 'pass-1',
      profileId: 'demo',
      protocols: ['imap'],
      scenario: 'healthy',
    });
    await call('checks:run', {
      runId: 'fail-1',
      profileId: 'demo',
      protocols: ['imap'],
      scenario: 'no-mailbox-permission',
    });
    const list = await call('history:list', { profileId: 'demo' });
    expect(list.map((e) => [e.id, e.verdict, e.scenario])).toEqual([
      ['fail-1', 'fail', 'no-mailbox-permission'],
      ['pass-1', 'pass', 'healthy'],
    ]);
    const comparison = await call('history:compare', { profileId: 'demo', runId: 'fail-1' });
    expect(comparison.baseline?.id).toBe('pass-1');
    // Worked out by the engine, in its worker: results, options and the server's own replies.
    const differences = comparison.differences;
    expect(differences?.results.find((c) => c.kind === 'verdict')).toMatchObject({
      before: 'pass',
      after: 'fail',
    });
    expect(differences?.options.some((c) => /scenario/i.test(c.what))).toBe(true);
    expect(differences?.replies.some((r) => r.command === 'AUTHENTICATE' || r.command === 'EXAMINE')).toBe(
      true,
    );
    // No earlier passing run for the first one.
    expect(await call('history:compare', { profileId: 'demo', runId: 'pass-1' })).toMatchObject({
      baseline: null,
      differences: null,
    });
    const stored = await call('history:get', { profileId: 'demo', runId: 'fail-1' });
    expect(stored.environment.app).toEqual({ name: 'MailProbe', version: 'test', shell: 'browser' });
    // What the run was asked, kept with it: IMAP alone, no test message.
    expect(stored.asked).toEqual({ protocols: ['imap'], graph: false, testMessage: null, roundtrip: false });
    const exported = await call('export:bundle', { profileId: 'demo', runId: 'fail-1' });
    expect(exported.savedTo).toBeNull();
    const files = unzipSync(new Uint8Array(Buffer.from(exported.download?.base64 ?? '', 'base64')));
    expect(JSON.parse(strFromU8(files['report.json'] ?? new Uint8Array())) as unknown).toEqual(stored.report);
  });

  it('previews the start of a huge file and bundles it whole', async () => {
    const base = await call('history:get', { profileId: 'demo', runId: 'fail-1' });
    const huge: StoredRun = structuredClone(base);
    huge.id = 'huge-1';
    const imap = huge.report.checks.find((c) => c.protocol === 'imap');
    if (!imap) throw new Error('an IMAP check was run');
    imap.transcript = Array.from({ length: 3000 }, (_, i) => ({
      t: i,
      dir: 's' as const,
      step: 'mailbox' as const,
      text: `* ${i} FETCH ${'x'.repeat(200)}`,
    }));
    await RunHistory.at(dir).save(huge);
    const preview = await call('export:preview', { profileId: 'demo', runId: 'huge-1' });
    const transcript = preview.files.find((f) => f.name === 'transcript.txt');
    expect(transcript?.truncated).toBe(true);
    expect(transcript?.text.length).toBe(PREVIEW_CHARS);
    expect(transcript?.bytes).toBeGreaterThan(600_000);
    const bundle = await call('export:bundle', { profileId: 'demo', runId: 'huge-1' });
    const files = unzipSync(new Uint8Array(Buffer.from(bundle.download?.base64 ?? '', 'base64')));
    expect(files['transcript.txt']?.length).toBe(transcript?.bytes);
  });

  it('refuses ids that are not ids, and says when a run is gone', async () => {
    const bad = await service.dispatch('history:get', { profileId: '../x', runId: 'r' }, ctx);
    expect(bad).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    const slash = await service.dispatch('export:bundle', { profileId: 'demo', runId: 'a/b' }, ctx);
    expect(slash).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    const gone = await service.dispatch('history:get', { profileId: 'demo', runId: 'nope' }, ctx);
    expect(gone).toMatchObject({ ok: false, error: { code: 'HISTORY_NOT_FOUND' } });
  });
});
