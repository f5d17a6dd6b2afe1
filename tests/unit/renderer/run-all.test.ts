// "Run all profiles" and the Graph toggle: the controller and the store against a fake API whose
// runs end when the test says, and the table's pure sort, filter and count functions.
import { describe, expect, it } from 'vitest';
import type {
  Events,
  EventName,
  MailProbeApi,
  Profile,
  ProfileSummary,
  RequestName,
  Result,
  RunChecksInput,
} from '../../../shared/api/contract';
import type { Report } from '../../../shared/report/model';
import { createController } from '../../../renderer/app/controller';
import { initialState, isRunAllLive, reducer } from '../../../renderer/state/app-state';
import {
  countRows,
  filterRows,
  nextSort,
  runBounded,
  sortRows,
  RUN_ALL_CONCURRENCY,
  type RunAllRow,
} from '../../../renderer/state/run-all';
import { createStore } from '../../../renderer/state/store';

const demo: ProfileSummary = {
  id: 'demo',
  name: 'Demo tenant',
  demo: true,
  cloud: 'custom',
  mailbox: 'alice@lab.mailprobe.test',
  credential: 'client-secret',
  hasSecret: true,
};

function summary(i: number, credential: Profile['credential'] = 'client-secret'): ProfileSummary {
  return {
    id: `p${i}`,
    name: `Tenant ${i}`,
    demo: false,
    cloud: 'global',
    mailbox: `ops${i}@t${i}.example`,
    credential,
    hasSecret: true,
  };
}

function profileOf(s: ProfileSummary, extra: Partial<Profile> = {}): Profile {
  const e = { host: '127.0.0.1', port: 993, security: 'tls' as const };
  return {
    ...s,
    tenant: `t${s.id}.onmicrosoft.com`,
    clientId: '0b7d3c52-8e1f-4a6b-b9d4-6c2e1f0a9d87',
    mechanism: 'auto',
    imap: e,
    pop3: { ...e, port: 995 },
    smtp: { ...e, port: 587, security: 'starttls' },
    testMessage: {},
    updatedAt: '',
    ...extra,
  };
}

function reportOf(verdict: 'pass' | 'fail', cause?: string): Report {
  return {
    schema: 'mailprobe.report/1',
    verdict,
    startedAt: '2026-01-01T00:00:00.000Z',
    durationMs: 120,
    target: { mailbox: 'x@y.example', credential: 'client-secret', mechanism: 'auto' },
    token: null,
    checks: [
      { protocol: 'token', verdict: 'pass', durationMs: 10, steps: [], transcript: [] },
      { protocol: 'imap', verdict, durationMs: 40, steps: [], transcript: [] },
    ],
    findings: cause
      ? [
          {
            cause,
            confidence: 'high',
            protocol: 'imap',
            title: `Title of ${cause}`,
            explanation: '',
            evidence: [],
            fix: { steps: [], commands: [] },
            docs: [],
          },
        ]
      : [],
  };
}

type Handler = (input: unknown) => Promise<Result<unknown>>;

function setup(profiles: ProfileSummary[], full: Record<string, Partial<Profile>> = {}) {
  const pending = new Map<string, (r: Result<Report>) => void>();
  const runInputs: RunChecksInput[] = [];
  const cancels: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const listeners = new Map<EventName, Set<(p: unknown) => void>>();
  const ok = <T>(value: T): Promise<Result<T>> => Promise.resolve({ ok: true, value });
  const handlers: Partial<Record<RequestName, Handler>> = {
    'app:info': () =>
      ok({
        version: '0',
        vault: { kind: 'session', reason: null },
        dataDir: '/d',
        scenarios: ['healthy', 'graph-healthy', 'graph-scope'],
      }),
    'profiles:list': () => ok(profiles),
    'store:watch': () => new Promise<Result<unknown>>(() => undefined),
    'settings:get': () =>
      ok({ timeouts: { connectMs: 1, greetingMs: 1, commandMs: 1 }, minTls: '1.2', extraCaFiles: [] }),
    'profiles:get': (input) => {
      const id = (input as { id: string }).id;
      const s = profiles.find((p) => p.id === id);
      return s
        ? ok(profileOf(s, full[id]))
        : Promise.resolve({ ok: false, error: { code: 'X', message: 'gone' } });
    },
    'history:list': () => ok([]),
    'checks:run': (input) => {
      const run = input as RunChecksInput;
      runInputs.push(run);
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      return new Promise<Result<Report>>((resolve) => {
        pending.set(run.runId, (r) => {
          inFlight -= 1;
          pending.delete(run.runId);
          resolve(r);
        });
      });
    },
    'checks:cancel': (input) => {
      const { runId } = input as { runId: string };
      cancels.push(runId);
      // The engine ends a cancelled run with what it had.
      pending.get(runId)?.({ ok: true, value: reportOf('fail', 'run.cancelled') });
      return ok(null);
    },
  };
  const api = {
    on(event: EventName, listener: (p: unknown) => void) {
      const set = listeners.get(event) ?? new Set();
      set.add(listener);
      listeners.set(event, set);
      return () => set.delete(listener);
    },
  } as unknown as MailProbeApi;
  for (const [name, handler] of Object.entries(handlers))
    (api as unknown as Record<string, Handler>)[name] = handler;
  const store = createStore(reducer, initialState());
  let n = 0;
  const controller = createController({
    api,
    connection: { get: () => ({ kind: 'open' }) as const, subscribe: () => () => undefined },
    store,
    now: () => 1000,
    newRunId: () => `run-${++n}`,
    sleep: () => new Promise((r) => setTimeout(r, 1)),
  });
  return {
    store,
    controller,
    runInputs,
    cancels,
    pending,
    max: () => maxInFlight,
    emit<E extends EventName>(event: E, payload: Events[E]) {
      for (const l of listeners.get(event) ?? []) l(payload);
    },
  };
}

const flush = async (times = 5): Promise<void> => {
  for (let i = 0; i < times; i += 1) await new Promise((r) => setTimeout(r, 0));
};

async function started(profiles: ProfileSummary[], full: Record<string, Partial<Profile>> = {}) {
  const t = setup(profiles, full);
  const stop = t.controller.start();
  await flush();
  return { ...t, stop };
}

describe('Run all profiles', () => {
  it('runs every saved profile, at most four at once, and fills in each row', async () => {
    const profiles = [demo, ...Array.from({ length: 7 }, (_, i) => summary(i + 1))];
    const t = await started(profiles);
    const done = t.controller.runAll();
    await flush();
    const state = t.store.getState();
    expect(state.view).toBe('run-all');
    // A row for every saved profile from the start; the Demo tenant only when asked for.
    expect(state.runAll?.rows.map((r) => r.profileId)).toEqual(['p1', 'p2', 'p3', 'p4', 'p5', 'p6', 'p7']);
    expect(state.runAll?.rows.filter((r) => r.status === 'running')).toHaveLength(RUN_ALL_CONCURRENCY);
    expect(state.runAll?.rows.filter((r) => r.status === 'queued')).toHaveLength(3);
    expect(t.runInputs).toHaveLength(4);
    expect(new Set(t.runInputs.map((r) => r.runId)).size).toBe(4);
    expect(t.runInputs[0]).toMatchObject({ profileId: 'p1', protocols: ['imap', 'pop3', 'smtp'] });
    expect(t.runInputs[0]?.graph).toBeUndefined();
    // Live progress of a run-all run lands in its profile's run, as a normal run's does.
    t.emit('checks:progress', {
      runId: 'run-2',
      seq: 0,
      protocol: 'imap',
      step: 'tcp',
      state: 'started',
      at: 1,
    });
    expect(t.store.getState().runs.p2?.checks.find((c) => c.protocol === 'imap')?.verdict).toBe('running');
    // Finishing runs lets the queued ones start, never more than four at once.
    let i = 0;
    while (t.pending.size > 0) {
      const [runId, finish] = [...t.pending.entries()][0] ?? [];
      if (!runId || !finish) break;
      finish({
        ok: true,
        value: reportOf(i % 2 === 0 ? 'pass' : 'fail', i % 2 === 0 ? undefined : 'grant.x'),
      });
      i += 1;
      await flush();
    }
    await done;
    expect(t.max()).toBe(RUN_ALL_CONCURRENCY);
    expect(t.runInputs).toHaveLength(7);
    const end = t.store.getState();
    expect(end.runAll?.phase).toBe('done');
    expect(end.runAll?.rows.every((r) => r.status === 'done')).toBe(true);
    expect(countRows(end.runAll?.rows ?? [])).toMatchObject({ passed: 4, failed: 3, running: 0 });
    const failed = end.runAll?.rows.find((r) => r.verdict === 'fail');
    expect(failed).toMatchObject({ cause: 'grant.x', title: 'Title of grant.x', durationMs: 120 });
    expect(failed?.verdicts).toMatchObject({ token: 'pass', imap: 'fail' });
    // The profile list's verdict icons read the runs map: every profile has its report there.
    for (const p of profiles.slice(1)) expect(end.runs[p.id]?.report).not.toBeNull();
    expect(isRunAllLive(end)).toBe(false);
    t.stop();
  });

  it('cancel stops the runs in flight and leaves the queued ones not run', async () => {
    const t = await started(Array.from({ length: 6 }, (_, i) => summary(i + 1)));
    const done = t.controller.runAll();
    await flush();
    expect(t.runInputs).toHaveLength(4);
    t.controller.cancelRunAll();
    await done;
    await flush();
    expect([...t.cancels].sort()).toEqual(['run-1', 'run-2', 'run-3', 'run-4']);
    // No other run was started after the cancel.
    expect(t.runInputs).toHaveLength(4);
    const rows = t.store.getState().runAll?.rows ?? [];
    expect(rows.map((r) => r.status)).toEqual(Array(6).fill('cancelled'));
    expect(rows.slice(4).every((r) => r.runId === null && r.reason === 'Cancelled before it started')).toBe(
      true,
    );
    expect(t.store.getState().runAll?.phase).toBe('done');
    expect(Object.values(t.store.getState().runs).every((r) => r.phase === 'done')).toBe(true);
    t.stop();
  });

  it('skips a profile where a person signs in, unless its sign-in is kept', async () => {
    const t = await started([summary(1, 'device-code'), summary(2, 'browser'), summary(3)], {
      p2: { keptSignIn: true },
    });
    const done = t.controller.runAll();
    await flush();
    const rows = t.store.getState().runAll?.rows ?? [];
    expect(rows.find((r) => r.profileId === 'p1')).toMatchObject({ status: 'skipped', runId: null });
    expect(rows.find((r) => r.profileId === 'p1')?.reason).toMatch(/person signs in/);
    expect(t.runInputs.map((r) => r.profileId)).toEqual(['p2', 'p3']);
    // The kept sign-in was refused: the run asks for a person, so it is cancelled and skipped.
    t.emit('checks:device-code', {
      runId: 'run-1',
      userCode: 'ABC',
      verificationUri: 'https://example/device',
      expiresInSec: 900,
      message: '',
      demoUsers: [],
    } as unknown as Events['checks:device-code']);
    await flush();
    expect(t.cancels).toEqual(['run-1']);
    expect(t.store.getState().runs.p2?.signIn).toBeNull();
    for (const finish of [...t.pending.values()]) finish({ ok: true, value: reportOf('pass') });
    await done;
    const end = t.store.getState().runAll?.rows ?? [];
    expect(end.find((r) => r.profileId === 'p2')?.status).toBe('skipped');
    expect(end.find((r) => r.profileId === 'p3')?.status).toBe('done');
    t.stop();
  });

  it('runs the Demo tenant with its scenario, and a Graph scenario checks Graph alone', async () => {
    const t = await started([demo, summary(1)]);
    t.store.dispatch({
      type: 'run-all-options',
      patch: { includeDemo: true, demoScenario: 'graph-healthy' },
    });
    const done = t.controller.runAll();
    await flush();
    expect(t.runInputs.find((r) => r.profileId === 'demo')).toMatchObject({
      scenario: 'graph-healthy',
      graph: true,
      protocols: [],
    });
    expect(t.runInputs.find((r) => r.profileId === 'p1')?.scenario).toBeUndefined();
    expect(t.store.getState().runs.demo?.checks.map((c) => c.protocol)).toEqual(['graph']);
    for (const finish of [...t.pending.values()])
      finish({ ok: false, error: { code: 'TARGET', message: 'No secret' } });
    await done;
    const p1 = t.store.getState().runAll?.rows.find((r) => r.profileId === 'p1');
    expect(p1).toMatchObject({ status: 'failed', reason: 'No secret' });
    t.stop();
  });

  it('adds Graph beside the mail checks when asked, only where an app signs in to Microsoft 365', async () => {
    const t = await started([demo, summary(1), summary(2, 'password'), summary(3, 'certificate')]);
    t.store.dispatch({ type: 'run-all-options', patch: { includeDemo: true, graph: true } });
    const done = t.controller.runAll();
    await flush();
    const input = (id: string) => t.runInputs.find((r) => r.profileId === id);
    expect(input('demo')).toMatchObject({
      scenario: 'healthy',
      graph: true,
      protocols: ['imap', 'pop3', 'smtp'],
    });
    expect(input('p1')).toMatchObject({ graph: true, protocols: ['imap', 'pop3', 'smtp'] });
    expect(input('p3')).toMatchObject({ graph: true });
    expect(input('p2')?.graph).toBeUndefined();
    expect(input('p2')?.protocols).toEqual(['imap', 'pop3', 'smtp']);
    expect(t.store.getState().runs.p1?.checks.map((c) => c.protocol)).toContain('graph');
    for (const finish of [...t.pending.values()]) finish({ ok: true, value: reportOf('pass') });
    await flush();
    for (const finish of [...t.pending.values()]) finish({ ok: true, value: reportOf('pass') });
    await done;
    const rows = t.store.getState().runAll?.rows ?? [];
    expect(
      rows
        .filter((r) => r.graph)
        .map((r) => r.profileId)
        .sort(),
    ).toEqual(['demo', 'p1', 'p3']);
    t.stop();
  });

  it('does not start while a normal run goes, and a normal run waits for it', async () => {
    const t = await started([demo, summary(1)]);
    void t.controller.runAll();
    await flush();
    t.controller.select('p1');
    await flush();
    t.controller.run();
    expect(t.runInputs).toHaveLength(1);
    expect(t.store.getState().notices.at(-1)?.text).toMatch(/Run all profiles/);
    t.stop();
  });

  it('a row opens its run in the run view', async () => {
    const t = await started([demo, summary(1)]);
    const done = t.controller.runAll();
    await flush();
    for (const finish of [...t.pending.values()]) finish({ ok: true, value: reportOf('fail', 'grant.x') });
    await done;
    await t.controller.openRunAllRow('p1');
    await flush();
    const s = t.store.getState();
    expect(s.view).toBe('run');
    expect(s.selectedId).toBe('p1');
    expect(s.runs.p1?.report?.findings[0]?.cause).toBe('grant.x');
    t.stop();
  });
});

describe('the Graph toggle', () => {
  it('is on alone for the Graph scenarios, and sent as graph: true', async () => {
    const t = await started([demo]);
    t.controller.select('demo');
    t.store.dispatch({ type: 'scenario', scenario: 'graph-healthy' });
    expect(t.store.getState()).toMatchObject({ graph: true, protocols: [] });
    // graph-scope is an Exchange run: the mail checks come back.
    t.store.dispatch({ type: 'scenario', scenario: 'graph-scope' });
    expect(t.store.getState()).toMatchObject({ graph: false, protocols: ['imap', 'pop3', 'smtp'] });
    t.store.dispatch({ type: 'scenario', scenario: 'graph-healthy' });
    // The user can still add a mail check.
    t.store.dispatch({ type: 'toggle-protocol', protocol: 'imap' });
    t.controller.run();
    expect(t.runInputs.at(-1)).toMatchObject({ scenario: 'graph-healthy', graph: true, protocols: ['imap'] });
    const run = t.store.getState().runs.demo;
    expect(run?.checks.map((c) => c.protocol)).toEqual(['token', 'imap', 'graph']);
    expect(run?.checks.find((c) => c.protocol === 'graph')?.steps.map((s) => s.id)).toEqual([
      'acquire',
      'inspect',
      'mailbox',
    ]);
    t.stop();
  });

  it('refuses a run with nothing to check', async () => {
    const t = await started([demo]);
    t.controller.select('demo');
    for (const p of ['imap', 'pop3', 'smtp'] as const)
      t.store.dispatch({ type: 'toggle-protocol', protocol: p });
    t.controller.run();
    expect(t.runInputs).toHaveLength(0);
    t.store.dispatch({ type: 'toggle-graph' });
    t.controller.run();
    expect(t.runInputs.at(-1)).toMatchObject({ graph: true, protocols: [] });
    // Graph alone: no Exchange token check.
    expect(t.store.getState().runs.demo?.checks.map((c) => c.protocol)).toEqual(['graph']);
    t.stop();
  });
});

function row(patch: Partial<RunAllRow>): RunAllRow {
  return {
    profileId: patch.name ?? 'x',
    name: 'x',
    demo: false,
    target: 't',
    mailbox: 'm',
    scenario: null,
    protocols: ['imap', 'pop3', 'smtp'],
    graph: false,
    status: 'done',
    runId: 'r',
    reason: null,
    verdicts: {},
    verdict: 'pass',
    cause: null,
    title: null,
    durationMs: null,
    ...patch,
  };
}

describe('the table', () => {
  const rows = [
    row({
      name: 'Bravo',
      target: 'b.example',
      verdict: 'fail',
      cause: 'tcp.refused',
      durationMs: 30,
      verdicts: { imap: 'fail' },
    }),
    row({ name: 'alpha', target: 'a.example', verdict: 'pass', durationMs: 300, verdicts: { imap: 'pass' } }),
    row({ name: 'Charlie', target: 'c.example', status: 'running', verdict: null }),
    row({ name: 'Delta', target: 'd.example', status: 'failed', verdict: null, reason: 'No secret stored' }),
  ];

  it('sorts by any column, case-insensitively, with empty values last', () => {
    const names = (rs: RunAllRow[]) => rs.map((r) => r.name);
    expect(names(sortRows(rows, { key: 'profile', dir: 'asc' }))).toEqual([
      'alpha',
      'Bravo',
      'Charlie',
      'Delta',
    ]);
    expect(names(sortRows(rows, { key: 'profile', dir: 'desc' }))).toEqual([
      'Delta',
      'Charlie',
      'Bravo',
      'alpha',
    ]);
    expect(names(sortRows(rows, { key: 'duration', dir: 'desc' }))).toEqual([
      'alpha',
      'Bravo',
      'Charlie',
      'Delta',
    ]);
    expect(names(sortRows(rows, { key: 'duration', dir: 'asc' }))).toEqual([
      'Bravo',
      'alpha',
      'Charlie',
      'Delta',
    ]);
    expect(names(sortRows(rows, { key: 'imap', dir: 'asc' }))).toEqual([
      'Bravo',
      'alpha',
      'Charlie',
      'Delta',
    ]);
    // Status: failures first (a failed report, then a run that could not complete), then passes.
    expect(names(sortRows(rows, { key: 'status', dir: 'asc' }))).toEqual([
      'Bravo',
      'alpha',
      'Delta',
      'Charlie',
    ]);
    expect(names(sortRows(rows, { key: 'cause', dir: 'asc' }))[0]).toBe('Bravo');
  });

  it('flips the direction of the same column, starts another ascending', () => {
    expect(nextSort({ key: 'profile', dir: 'asc' }, 'profile')).toEqual({ key: 'profile', dir: 'desc' });
    expect(nextSort({ key: 'profile', dir: 'desc' }, 'duration')).toEqual({ key: 'duration', dir: 'asc' });
  });

  it('filters by verdict and by text', () => {
    expect(filterRows(rows, '', 'failed').map((r) => r.name)).toEqual(['Bravo', 'Delta']);
    expect(filterRows(rows, '', 'passed').map((r) => r.name)).toEqual(['alpha']);
    expect(filterRows(rows, 'REFUSED', 'all').map((r) => r.name)).toEqual(['Bravo']);
    expect(filterRows(rows, 'c.example', 'all').map((r) => r.name)).toEqual(['Charlie']);
    expect(filterRows(rows, 'secret', 'failed').map((r) => r.name)).toEqual(['Delta']);
    expect(filterRows(rows, 'secret', 'passed')).toEqual([]);
  });

  it('counts passed, failed and running rows', () => {
    expect(countRows(rows)).toMatchObject({ total: 4, passed: 1, failed: 2, running: 1 });
  });
});

describe('runBounded', () => {
  it('never runs more than the limit at once and starts nothing once stopped', async () => {
    let live = 0;
    let max = 0;
    let ran = 0;
    let stop = false;
    const jobs = Array.from({ length: 10 }, () => async () => {
      live += 1;
      ran += 1;
      max = Math.max(max, live);
      await new Promise((r) => setTimeout(r, 1));
      live -= 1;
      if (ran === 5) stop = true;
    });
    await runBounded(jobs, 3, () => stop);
    expect(max).toBe(3);
    // Five had ended or were running when it stopped: those already started end, no new one starts.
    expect(ran).toBeLessThanOrEqual(7);
    expect(ran).toBeGreaterThanOrEqual(5);
  });
});
