// The controller and the store together, against a fake MailProbeApi: what the app does when the
// user runs checks and the main process streams progress and transcript events.
import { describe, expect, it } from 'vitest';
import type {
  Events,
  EventName,
  HistoryEntry,
  MailProbeApi,
  Profile,
  ProfileSummary,
  RequestName,
  Result,
  StoredRun,
} from '../../../shared/api/contract';
import type { Report } from '../../../shared/report/model';
import { createController } from '../../../renderer/app/controller';
import { initialState, NO_SEND_TEST, reducer, selectedRun } from '../../../renderer/state/app-state';
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
const own: ProfileSummary = {
  ...demo,
  id: 'p1',
  name: 'Contoso',
  demo: false,
  cloud: 'global',
  mailbox: 'ops@contoso.com',
};

function profileOf(s: ProfileSummary): Profile {
  const e = { host: '127.0.0.1', port: 993, security: 'tls' as const };
  return {
    ...s,
    tenant: 'contoso.onmicrosoft.com',
    clientId: '0b7d3c52-8e1f-4a6b-b9d4-6c2e1f0a9d87',
    mechanism: 'auto',
    imap: e,
    pop3: { ...e, port: 995 },
    smtp: { ...e, port: 587, security: 'starttls' },
    testMessage: {},
    updatedAt: '',
  };
}

const report: Report = {
  schema: 'mailprobe.report/1',
  verdict: 'pass',
  startedAt: '2026-01-01T00:00:00.000Z',
  durationMs: 50,
  target: { mailbox: demo.mailbox, credential: 'client-secret', mechanism: 'auto' },
  token: null,
  checks: [
    {
      protocol: 'imap',
      verdict: 'pass',
      durationMs: 40,
      steps: [{ id: 'auth', status: 'pass', durationMs: 5, summary: 'Signed in', detail: {} }],
      transcript: [{ t: 3, dir: 's', step: 'greeting', text: '* OK ready' }],
    },
  ],
  findings: [],
};

const historyLine: HistoryEntry = {
  id: 'old-run',
  profileId: 'demo',
  startedAt: '2026-11-20T09:00:00.000Z',
  durationMs: 40,
  verdict: 'pass',
  scenario: 'healthy',
  checks: [{ protocol: 'imap', verdict: 'pass' }],
  topFinding: null,
};

const stored: StoredRun = {
  schema: 'mailprobe.run/1',
  id: 'old-run',
  profileId: 'demo',
  profileName: 'Demo tenant',
  scenario: 'healthy',
  environment: {
    app: { name: 'MailProbe', version: '0.1.0', shell: 'browser' },
    os: { platform: 'linux', release: '6', arch: 'x64' },
    versions: { node: '20', electron: null, chromium: null },
    network: {
      timeouts: { connectMs: 1, greetingMs: 1, commandMs: 1 },
      minTls: '1.2',
      extraCaFiles: [],
      proxy: { identity: null, mail: null },
    },
  },
  report,
};

type Handler = (input: unknown) => Promise<Result<unknown>>;

function fakeApi(overrides: Partial<Record<RequestName, Handler>> = {}) {
  const calls: Array<{ name: RequestName; input: unknown }> = [];
  const listeners = new Map<EventName, Set<(p: unknown) => void>>();
  let finishRun: ((r: Result<Report>) => void) | null = null;
  const ok = <T>(value: T): Promise<Result<T>> => Promise.resolve({ ok: true, value });
  const handlers: Record<RequestName, Handler> = {
    'app:info': () =>
      ok({
        version: '0.1.0',
        vault: { kind: 'session', reason: 'no Secret Service' },
        dataDir: '/d',
        scenarios: ['healthy', 'secret-invalid'],
      }),
    'profiles:list': () => ok([own, demo]),
    'store:watch': () => new Promise<Result<unknown>>(() => undefined),
    'profiles:get': (input) => ok(profileOf((input as { id: string }).id === 'demo' ? demo : own)),
    'profiles:save': (input) => ok(profileOf({ ...own, name: (input as { name: string }).name })),
    'profiles:remove': () => ok(null),
    'profiles:forgetSignIn': () => ok(profileOf(own)),
    'profiles:export': () => ok({ json: '[]' }),
    'profiles:import': () => ok([own]),
    'profiles:importPreview': () => ok({ profiles: [{ name: own.name, files: [] }] }),
    'files:check': () => ok({ problem: null }),
    'checks:run': () =>
      new Promise<Result<Report>>((resolve) => {
        finishRun = resolve;
      }),
    'checks:cancel': () => ok(null),
    'checks:tlsProbe': () =>
      ok({ id: 'tls-versions', status: 'pass', durationMs: 1, summary: 'probe', detail: {} }),
    'explain:text': () => ok([]),
    'token:inspect': () => ok({ claims: {}, checks: [] }),
    'settings:get': () =>
      ok({
        timeouts: { connectMs: 10_000, greetingMs: 15_000, commandMs: 30_000 },
        minTls: '1.2',
        extraCaFiles: [],
      }),
    'settings:set': (input) => ok(input),
    'history:list': () => ok([historyLine]),
    'history:get': (input) => ok({ ...stored, id: (input as { runId: string }).runId }),
    'history:compare': () => ok({ run: historyLine, baseline: null, differences: null }),
    'export:preview': () =>
      ok({
        fileName: 'mailprobe-demo.zip',
        files: [{ name: 'report.json', bytes: 2, text: '{}', truncated: false }],
      }),
    'export:bundle': () =>
      ok({ savedTo: null, download: { fileName: 'mailprobe-demo.zip', base64: 'UEs=' } }),
    'history:remove': () => ok([]),
    'history:clear': () => ok([]),
    ...overrides,
  };
  const api = {
    on(event: EventName, listener: (p: unknown) => void) {
      const set = listeners.get(event) ?? new Set();
      set.add(listener);
      listeners.set(event, set);
      return () => set.delete(listener);
    },
  } as unknown as MailProbeApi;
  for (const name of Object.keys(handlers) as RequestName[])
    (api as unknown as Record<RequestName, Handler>)[name] = (input) => {
      calls.push({ name, input });
      return handlers[name](input);
    };
  return {
    api,
    calls,
    emit<E extends EventName>(event: E, payload: Events[E]) {
      for (const l of listeners.get(event) ?? []) l(payload);
    },
    finish(result: Result<Report>) {
      finishRun?.(result);
    },
  };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

function setup(overrides: Partial<Record<RequestName, Handler>> = {}) {
  const fake = fakeApi(overrides);
  const store = createStore(reducer, initialState());
  const connection = { get: () => ({ kind: 'open' }) as const, subscribe: () => () => undefined };
  let n = 0;
  const downloads: Array<{ fileName: string; base64: string }> = [];
  const controller = createController({
    api: fake.api,
    connection,
    store,
    now: () => 1000,
    newRunId: () => `run-${++n}`,
    download: (fileName, base64) => downloads.push({ fileName, base64 }),
  });
  return { fake, store, controller, downloads };
}

describe('controller', () => {
  it('loads the app info, settings and profiles, the demo tenant first and selected', async () => {
    const { store, controller } = setup();
    controller.start();
    await flush();
    const s = store.getState();
    expect(s.profiles.map((p) => p.id)).toEqual(['demo', 'p1']);
    expect(s.selectedId).toBe('demo');
    expect(s.profile?.id).toBe('demo');
    expect(s.info?.vault.kind).toBe('session');
    expect(s.settings.value?.minTls).toBe('1.2');
  });

  it('follows the store: a new revision reloads the list, a set-aside profile is shown, a notice said once', async () => {
    const quarantine = [{ name: 'bad', reason: 'profile "bad": imap.port: too big', since: 't' }];
    const answers = [
      { revision: 3, quarantine: [], notices: ['newer store'] },
      { revision: 4, quarantine, notices: ['newer store'] },
    ];
    const { fake, store, controller } = setup({
      'store:watch': () => {
        const next = answers.shift();
        return next
          ? Promise.resolve({ ok: true, value: next })
          : new Promise<Result<unknown>>(() => undefined);
      },
    });
    controller.start();
    for (let i = 0; i < 5; i++) await flush();
    expect(fake.calls.filter((c) => c.name === 'store:watch').map((c) => c.input)).toEqual([
      { revision: null },
      { revision: 3 },
      { revision: 4 },
    ]);
    // Once at the start, once for the change to revision 4.
    expect(fake.calls.filter((c) => c.name === 'profiles:list').length).toBe(2);
    const s = store.getState();
    expect(s.quarantine).toEqual(quarantine);
    expect(s.notices.filter((n) => n.text === 'newer store').length).toBe(1);
  });

  it('runs the checks with a renderer-made run id, applies its events and drops stale ones', async () => {
    const { fake, store, controller } = setup();
    controller.start();
    await flush();
    store.dispatch({ type: 'scenario', scenario: 'secret-invalid' });
    store.dispatch({ type: 'toggle-protocol', protocol: 'pop3' });
    controller.run();
    const call = fake.calls.find((c) => c.name === 'checks:run');
    expect(call?.input).toEqual({
      runId: 'run-1',
      profileId: 'demo',
      protocols: ['imap', 'smtp'],
      scenario: 'secret-invalid',
    });
    expect(store.getState().activeRunId).toBe('run-1');

    // A second run cannot start while one is going.
    controller.run();
    expect(fake.calls.filter((c) => c.name === 'checks:run')).toHaveLength(1);

    fake.emit('checks:progress', {
      runId: 'run-1',
      seq: 0,
      protocol: 'imap',
      step: 'dns',
      state: 'started',
      at: 1,
    });
    fake.emit('checks:progress', {
      runId: 'run-0',
      seq: 1,
      protocol: 'imap',
      step: 'tcp',
      state: 'started',
      at: 2,
    });
    fake.emit('checks:transcript', {
      runId: 'run-1',
      seq: 0,
      protocol: 'imap',
      entries: [{ t: 1, dir: 'i', step: 'dns', text: 'lookup' }],
    });
    fake.emit('checks:transcript', {
      runId: 'run-1',
      seq: 0,
      protocol: 'imap',
      entries: [{ t: 1, dir: 'i', step: 'dns', text: 'lookup' }],
    });
    let run = selectedRun(store.getState());
    expect(run?.checks.find((c) => c.protocol === 'imap')?.steps[0]?.status).toBe('running');
    expect(run?.transcript).toHaveLength(1);
    expect(store.getState().strayEvents).toBe(1);
    expect(run?.dropped).toBe(1);

    fake.finish({ ok: true, value: report });
    await flush();
    run = selectedRun(store.getState());
    expect(store.getState().activeRunId).toBeNull();
    expect(run?.phase).toBe('done');
    expect(run?.report).toBe(report);

    // Events of the finished run are stale now.
    fake.emit('checks:progress', {
      runId: 'run-1',
      seq: 9,
      protocol: 'imap',
      step: 'logout',
      state: 'started',
      at: 9,
    });
    expect(store.getState().strayEvents).toBe(2);
  });

  it('cancels the active run by its id', async () => {
    const { fake, store, controller } = setup();
    controller.start();
    await flush();
    controller.run();
    controller.cancel();
    expect(fake.calls.find((c) => c.name === 'checks:cancel')?.input).toEqual({ runId: 'run-1' });
    expect(selectedRun(store.getState())?.phase).toBe('cancelling');
  });

  it('sends a test message only when asked and SMTP is checked; no scenario for own profiles', async () => {
    const { fake, store, controller } = setup();
    controller.start();
    await flush();
    controller.select('p1');
    await flush();
    expect(store.getState().sendTest.to).toBe('ops@contoso.com');
    store.dispatch({ type: 'send-test', patch: { enabled: true } });
    controller.run();
    expect(fake.calls.find((c) => c.name === 'checks:run')?.input).toEqual({
      runId: 'run-1',
      profileId: 'p1',
      protocols: ['imap', 'pop3', 'smtp'],
      sendTest: { from: 'ops@contoso.com', to: 'ops@contoso.com' },
    });
  });

  it('sends the subject, body and sender written in the form', async () => {
    const { fake, store, controller } = setup();
    controller.start();
    await flush();
    controller.select('p1');
    await flush();
    expect(store.getState().sendTest.from).toBe('ops@contoso.com');
    store.dispatch({
      type: 'send-test',
      patch: {
        enabled: true,
        from: 'noreply@contoso.com',
        subject: '  Case 4711 test  ',
        body: 'Hello\nfrom support',
      },
    });
    controller.run();
    expect(fake.calls.find((c) => c.name === 'checks:run')?.input).toMatchObject({
      sendTest: {
        from: 'noreply@contoso.com',
        to: 'ops@contoso.com',
        subject: 'Case 4711 test',
        body: 'Hello\nfrom support',
      },
    });
  });

  it('asks for the round trip only with a test message and a check that reads it back', async () => {
    const { fake, store, controller } = setup();
    controller.start();
    await flush();
    controller.select('p1');
    await flush();
    store.dispatch({ type: 'send-test', patch: { enabled: true, roundtrip: true } });
    expect(store.getState().sendTest.roundtrip).toBe(true);
    store.dispatch({ type: 'send-test', patch: { to: 'other@contoso.com' } });
    expect(store.getState().sendTest.roundtrip).toBe(true);
    controller.run();
    expect(fake.calls.find((c) => c.name === 'checks:run')?.input).toMatchObject({
      sendTest: { to: 'other@contoso.com' },
      roundtrip: true,
    });
    controller.select('demo');
    expect(store.getState().sendTest).toEqual(NO_SEND_TEST);
  });

  it('keeps each profile its own last run', async () => {
    const { fake, store, controller } = setup();
    controller.start();
    await flush();
    controller.run();
    fake.finish({ ok: true, value: report });
    await flush();
    controller.select('p1');
    expect(selectedRun(store.getState())).toBeNull();
    controller.select('demo');
    expect(selectedRun(store.getState())?.runId).toBe('run-1');
  });

  it('shows a failed run request as the run error', async () => {
    const { fake, store, controller } = setup();
    controller.start();
    await flush();
    controller.run();
    fake.finish({ ok: false, error: { code: 'TARGET', message: 'No secret is stored for this profile' } });
    await flush();
    expect(selectedRun(store.getState())?.error?.message).toBe('No secret is stored for this profile');
  });

  it('explains text and inspects tokens through the API', async () => {
    const { fake, store, controller } = setup({
      'explain:text': () =>
        Promise.resolve({
          ok: true,
          value: [
            {
              cause: 'smtp.not_authenticated',
              confidence: 'high',
              protocol: 'smtp',
              title: 't',
              explanation: '',
              evidence: [],
              fix: { steps: [], commands: [] },
              docs: [],
            },
          ],
        }),
    });
    await controller.explain('530 5.7.57 Client not authenticated');
    expect(store.getState().explain.findings?.[0]?.cause).toBe('smtp.not_authenticated');
    await controller.inspect('  Bearer abc  ');
    expect(fake.calls.at(-1)).toEqual({ name: 'token:inspect', input: { token: 'Bearer abc' } });
    expect(store.getState().inspect.section).toEqual({ claims: {}, checks: [] });
  });

  it('saves a profile, then lists and selects it', async () => {
    const { fake, store, controller } = setup();
    controller.start();
    await flush();
    store.dispatch({ type: 'edit', profile: null });
    const result = await controller.saveProfile({
      name: 'Contoso',
      cloud: 'global',
      tenant: 'contoso.onmicrosoft.com',
      clientId: '0b7d3c52-8e1f-4a6b-b9d4-6c2e1f0a9d87',
      mailbox: 'ops@contoso.com',
      credential: 'client-secret',
      mechanism: 'auto',
      imap: { host: 'outlook.office365.com', port: 993, security: 'tls' },
      pop3: { host: 'outlook.office365.com', port: 995, security: 'tls' },
      smtp: { host: 'smtp.office365.com', port: 587, security: 'starttls' },
      testMessage: {},
      secret: 's3cret-value',
    });
    expect(result.ok).toBe(true);
    const s = store.getState();
    expect(s.selectedId).toBe('p1');
    expect(s.view).toBe('run');
    expect(s.notices.at(-1)?.text).toBe('Saved "Contoso"');
    expect(fake.calls.filter((c) => c.name === 'profiles:list').length).toBeGreaterThanOrEqual(2);
  });

  it('refreshes the history after a run, and opens an old run like a finished one', async () => {
    const { fake, store, controller } = setup();
    controller.start();
    await flush();
    controller.run();
    fake.finish({ ok: true, value: report });
    await flush();
    expect(fake.calls.filter((c) => c.name === 'history:list').map((c) => c.input)).toEqual([
      { profileId: 'demo' },
    ]);
    expect(store.getState().history.demo?.entries?.map((e) => e.id)).toEqual(['old-run']);
    await controller.openRun({ profileId: 'demo', runId: 'old-run' });
    const run = selectedRun(store.getState());
    expect(run?.runId).toBe('old-run');
    expect(run?.fromHistory).toBe(true);
    expect(run?.phase).toBe('done');
    expect(run?.checks.map((c) => c.protocol)).toEqual(['imap']);
    expect(run?.transcript).toHaveLength(1);
    expect(store.getState().view).toBe('run');
  });

  it('says why a run cannot be opened', async () => {
    const { store, controller } = setup({
      'history:get': () =>
        Promise.resolve({ ok: false, error: { code: 'HISTORY_NOT_FOUND', message: 'That run is gone' } }),
    });
    controller.start();
    await flush();
    await controller.openRun({ profileId: 'demo', runId: 'gone' });
    expect(store.getState().notices.at(-1)?.text).toBe('Could not open the run: That run is gone');
    expect(selectedRun(store.getState())).toBeNull();
  });

  it('compares a run and shows the comparison screen', async () => {
    const { fake, store, controller } = setup();
    controller.start();
    await flush();
    await controller.compare({ profileId: 'demo', runId: 'r2' }, 'old-run');
    expect(fake.calls.find((c) => c.name === 'history:compare')?.input).toEqual({
      profileId: 'demo',
      runId: 'r2',
      baselineId: 'old-run',
    });
    const s = store.getState();
    expect(s.view).toBe('compare');
    expect(s.comparison?.pending).toBe(false);
    expect(s.comparison?.value?.run.id).toBe('old-run');
  });

  it('previews the bundle, then hands it to the browser and closes the preview', async () => {
    const { fake, store, controller, downloads } = setup();
    controller.start();
    await flush();
    await controller.previewExport({ profileId: 'demo', runId: 'r1' });
    expect(store.getState().exporting?.preview?.files.map((f) => f.name)).toEqual(['report.json']);
    await controller.saveExport();
    expect(fake.calls.find((c) => c.name === 'export:bundle')?.input).toEqual({
      profileId: 'demo',
      runId: 'r1',
    });
    expect(downloads).toEqual([{ fileName: 'mailprobe-demo.zip', base64: 'UEs=' }]);
    expect(store.getState().exporting).toBeNull();
  });

  it('keeps the preview open when the desktop save dialog is cancelled', async () => {
    const { store, controller, downloads } = setup({
      'export:bundle': () => Promise.resolve({ ok: true, value: { savedTo: null } }),
    });
    controller.start();
    await flush();
    await controller.previewExport({ profileId: 'demo', runId: 'r1' });
    await controller.saveExport();
    expect(downloads).toEqual([]);
    expect(store.getState().exporting?.saving).toBe(false);
    expect(store.getState().exporting?.preview).not.toBeNull();
  });

  it('keeps the test message form when coming back from the history, and makes a new subject per message', async () => {
    const { fake, store, controller } = setup({
      'history:list': () => Promise.resolve({ ok: true, value: [] }),
    });
    controller.start();
    await flush();
    controller.select('p1');
    await flush();
    store.dispatch({
      type: 'send-test',
      patch: { enabled: true, subject: 'MailProbe test 20261124T101542-3FA9C2D1', body: 'typed' },
    });
    controller.showHistory();
    expect(store.getState().view).toBe('history');
    controller.select('p1');
    expect(store.getState().view).toBe('run');
    expect(store.getState().sendTest).toMatchObject({ enabled: true, to: 'ops@contoso.com', body: 'typed' });
    controller.run();
    expect(fake.calls.find((c) => c.name === 'checks:run')?.input).toMatchObject({
      sendTest: { subject: 'MailProbe test 20261124T101542-3FA9C2D1', body: 'typed' },
    });
    const next = store.getState().sendTest.subject;
    expect(next).toMatch(/^MailProbe test \d{8}T\d{6}-[0-9A-F]{8}$/);
    expect(next).not.toBe('MailProbe test 20261124T101542-3FA9C2D1');
    // A subject the user wrote stays.
    fake.finish({ ok: true, value: report });
    await flush();
    store.dispatch({ type: 'send-test', patch: { subject: 'Case 4711' } });
    controller.run();
    expect(store.getState().sendTest.subject).toBe('Case 4711');
  });

  it('refuses to run a ticked test message without a recipient', async () => {
    const { fake, store, controller } = setup();
    controller.start();
    await flush();
    controller.select('p1');
    await flush();
    store.dispatch({ type: 'send-test', patch: { enabled: true, to: '  ' } });
    controller.run();
    expect(fake.calls.some((c) => c.name === 'checks:run')).toBe(false);
    expect(store.getState().notices.at(-1)?.text).toMatch(/Enter the recipient of the test message/);
  });

  it('says so when a finished run is not in the history', async () => {
    const { fake, store, controller } = setup({
      'history:list': () => Promise.resolve({ ok: true, value: [] }),
    });
    controller.start();
    await flush();
    controller.run();
    fake.finish({ ok: true, value: report });
    await flush();
    await flush();
    expect(store.getState().notices.at(-1)?.text).toMatch(/could not be kept in the history/);
  });

  it('does not let an earlier save close a newer export preview', async () => {
    let finishSave: (r: Result<unknown>) => void = () => undefined;
    const { store, controller } = setup({
      'export:bundle': () =>
        new Promise((resolve) => {
          finishSave = resolve;
        }),
    });
    controller.start();
    await flush();
    await controller.previewExport({ profileId: 'demo', runId: 'r1' });
    const saving = controller.saveExport();
    store.dispatch({ type: 'export-close' });
    await controller.previewExport({ profileId: 'demo', runId: 'r2' });
    finishSave({ ok: true, value: { savedTo: '/tmp/a.zip' } });
    await saving;
    expect(store.getState().exporting?.ref.runId).toBe('r2');
  });

  it('deletes a run or clears the history, and shows what is left', async () => {
    const { fake, store, controller } = setup();
    controller.start();
    await flush();
    await controller.loadHistory('demo');
    expect(store.getState().history.demo?.entries).toHaveLength(1);
    await controller.removeRuns('demo', 'old-run');
    expect(fake.calls.find((c) => c.name === 'history:remove')?.input).toEqual({
      profileId: 'demo',
      runId: 'old-run',
    });
    expect(store.getState().history.demo?.entries).toEqual([]);
    await controller.removeRuns('demo');
    expect(fake.calls.filter((c) => c.name === 'history:clear').at(-1)?.input).toEqual({
      profileId: 'demo',
    });
    expect(store.getState().notices.at(-1)?.text).toBe('History cleared');
  });
});
