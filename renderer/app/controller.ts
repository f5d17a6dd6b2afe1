// What the views ask for, turned into API calls and store actions. It takes the API as a
// parameter (renderer/api/ is the only code that finds it), so node tests drive it with a fake.
import type {
  ChosenFileKind,
  ImportPreview,
  MailProbeApi,
  Profile,
  ProfileInput,
  Result,
  RunRef,
  Settings,
  TlsProbeInput,
} from '../../shared/api/contract';
import type { MailProtocol, StepResult } from '../../shared/report/model';
import type { Connection } from '../api/ws-client';
import { isGraphScenario, isRunAllLive, type Action, type AppState } from '../state/app-state';
import {
  newRow,
  rowChecks,
  runBounded,
  unattendedProblem,
  RUN_ALL_CONCURRENCY,
  type RunAllRow,
} from '../state/run-all';
import { runFromStored, startRun } from '../state/run-state';
import { isUniqueSubject, uniqueSubject } from '../../shared/report/test-subject';
import type { Store } from '../state/store';

export interface Controller {
  /** Listens to the API's events and the connection, loads the first data; returns a stop. */
  start(): () => void;
  select(id: string): void;
  reloadProfiles(selectId?: string): Promise<void>;
  run(): void;
  /** Cancels the current run, or else the runs of "Run all profiles". */
  cancel(): void;
  /**
   * Runs every saved profile (and the Demo tenant when the Run-all screen says so), at most
   * RUN_ALL_CONCURRENCY at once, each with a run id of its own; resolves when all have ended.
   */
  runAll(): Promise<void>;
  /** Cancels the runs of "Run all profiles" in flight; the queued ones are not started. */
  cancelRunAll(): void;
  /** Opens the run of a row of "Run all profiles" in the run view. */
  openRunAllRow(profileId: string): Promise<void>;
  saveProfile(input: ProfileInput): Promise<Result<Profile>>;
  removeProfile(id: string): Promise<Result<null>>;
  /** Deletes a profile's kept sign-in (its refresh token) from the keychain. */
  forgetSignIn(id: string): Promise<void>;
  exportProfiles(ids: string[]): Promise<Result<{ json: string }>>;
  importProfiles(json: string): Promise<Result<number>>;
  /** The profiles an import would add and the files they name, before anything is added. */
  previewImport(json: string): Promise<Result<ImportPreview>>;
  /** What is wrong with a chosen certificate, CA or key file, or null when it is usable. */
  checkFile(path: string, kind: ChosenFileKind): Promise<string | null>;
  /** Which TLS versions the endpoint of a profile's check accepts (the TLS floor probe). */
  probeTls(input: TlsProbeInput): Promise<Result<StepResult>>;
  explain(text: string): Promise<void>;
  inspect(token: string): Promise<void>;
  saveSettings(settings: Settings): Promise<Result<Settings>>;
  /** Loads the profile's run history (again). */
  loadHistory(profileId: string): Promise<void>;
  showHistory(): void;
  /** Shows an earlier run of the profile like a finished one. */
  openRun(ref: RunRef): Promise<void>;
  /** What changed since the last passing run (or since `baselineId`). */
  compare(ref: RunRef, baselineId?: string): Promise<void>;
  /** Opens the export dialog with a preview of exactly what the bundle will hold. */
  previewExport(ref: RunRef): Promise<void>;
  /** Saves the previewed bundle: the save dialog (desktop) or a download (browser mode). */
  saveExport(): Promise<void>;
  /** Deletes one run of the profile's history, or all of them without a run id. */
  removeRuns(profileId: string, runId?: string): Promise<void>;
}

export interface ControllerDeps {
  api: MailProbeApi;
  connection: Connection;
  store: Store<AppState, Action>;
  now?: () => number;
  newRunId?: () => string;
  /** Browser mode: hands a file to the browser to download. */
  download?: (fileName: string, base64: string) => void;
  /** Waits between two store polls that came back at once (a lost connection); a timer by default. */
  sleep?: (ms: number) => Promise<void>;
}

/** A poll that failed or came back at once without news waits this long before the next one. */
const STORE_RETRY_MS = 2000;
/**
 * A cancel that reaches the service before it has started the run is lost: Run all says it again
 * this often, this many times, until each of its runs has ended.
 */
const CANCEL_REPEAT_MS = 500;
const CANCEL_REPEATS = 20;

function randomRunId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function createController(deps: ControllerDeps): Controller {
  const { api, connection, store } = deps;
  const now = deps.now ?? Date.now;
  const newRunId = deps.newRunId ?? randomRunId;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const dispatch = (action: Action): void => {
    store.dispatch(action);
  };
  const error = (text: string): void => {
    dispatch({ type: 'notice', kind: 'error', text });
  };

  const loadProfile = async (id: string): Promise<void> => {
    const result = await api['profiles:get']({ id });
    if (result.ok) dispatch({ type: 'profile-loaded', profile: result.value });
    else error(`Could not load the profile: ${result.error.message}`);
  };

  /**
   * Follows the data folder while the app is open: a profile added with `mailprobe profiles add`
   * appears in the list, a profile set aside or a store left read-only is said once. Each poll is
   * one request that the service answers at a change or after about 25 s.
   */
  const followStore = async (stopped: () => boolean): Promise<void> => {
    let revision: number | null = null;
    const said = new Set<string>();
    while (!stopped()) {
      const asked = now();
      const result = await api['store:watch']({ revision });
      if (stopped()) return;
      if (!result.ok) {
        await sleep(STORE_RETRY_MS);
        continue;
      }
      const state = result.value;
      dispatch({ type: 'store-state', state });
      for (const text of state.notices)
        if (!said.has(text)) {
          said.add(text);
          error(text);
        }
      const changed = revision !== null && state.revision !== revision;
      if (changed) await controller.reloadProfiles();
      else if (revision !== null && now() - asked < 200) await sleep(STORE_RETRY_MS);
      revision = state.revision;
    }
  };

  /**
   * A run of Run all that asks for a person's sign-in (its kept sign-in was refused) is not left
   * waiting for nobody: it is cancelled, and its row says why.
   */
  const unattendedSignIn = (runId: string): boolean => {
    const row = store.getState().runAll?.rows.find((r) => r.runId === runId);
    if (row?.status !== 'running') return false;
    dispatch({ type: 'run-all-row-needs-person', runId });
    void api['checks:cancel']({ runId });
    return true;
  };

  const runAllRow = async (row: RunAllRow, profile: Profile | null, withToken: boolean): Promise<void> => {
    const runId = newRunId();
    const endpoints: Partial<Record<MailProtocol, Profile['imap']>> = {};
    if (profile) for (const p of row.protocols) endpoints[p] = profile[p];
    dispatch({
      type: 'run-all-row-started',
      run: startRun({
        runId,
        profileId: row.profileId,
        protocols: row.protocols,
        scenario: row.scenario,
        withToken: withToken && row.protocols.length > 0,
        endpoints,
        graph: row.graph,
        now: now(),
      }),
    });
    const result = await api['checks:run']({
      runId,
      profileId: row.profileId,
      protocols: row.protocols,
      ...(row.graph ? { graph: true } : {}),
      ...(row.scenario !== null ? { scenario: row.scenario } : {}),
    });
    dispatch({ type: 'run-finished', runId, result });
  };

  const controller: Controller = {
    start() {
      let stopped = false;
      const stops = [
        connection.subscribe((state) => {
          dispatch({ type: 'connection', state });
        }),
        api.on('checks:progress', (event) => {
          dispatch({ type: 'progress', event, now: now() });
        }),
        api.on('checks:transcript', (batch) => {
          dispatch({ type: 'transcript', batch });
        }),
        api.on('checks:device-code', (prompt) => {
          if (!unattendedSignIn(prompt.runId)) dispatch({ type: 'device-code', prompt, now: now() });
        }),
        api.on('checks:browser-sign-in', (prompt) => {
          if (!unattendedSignIn(prompt.runId)) dispatch({ type: 'device-code', prompt, now: now() });
        }),
      ];
      dispatch({ type: 'connection', state: connection.get() });
      void (async () => {
        const [info, , settings] = await Promise.all([
          api['app:info'](undefined),
          controller.reloadProfiles(),
          api['settings:get'](undefined),
        ]);
        if (info.ok) dispatch({ type: 'info', info: info.value });
        else if (info.error.code !== 'DISCONNECTED')
          error(`Could not read the app's status: ${info.error.message}`);
        dispatch({ type: 'settings', result: settings });
      })();
      void followStore(() => stopped);
      return () => {
        stopped = true;
        for (const stop of stops) stop();
      };
    },

    select(id) {
      dispatch({ type: 'select', id });
      if (store.getState().profile?.id !== id) void loadProfile(id);
    },

    async reloadProfiles(selectId) {
      const result = await api['profiles:list'](undefined);
      if (!result.ok) {
        if (result.error.code !== 'DISCONNECTED')
          error(`Could not list the profiles: ${result.error.message}`);
        return;
      }
      dispatch({ type: 'profiles', profiles: result.value });
      const state = store.getState();
      const target = selectId ?? state.selectedId;
      if (target !== null && result.value.some((p) => p.id === target)) {
        if (selectId !== undefined) dispatch({ type: 'select', id: selectId });
        await loadProfile(target);
      }
    },

    run() {
      const state = store.getState();
      if (state.activeRunId !== null || state.selectedId === null) return;
      if (isRunAllLive(state)) {
        error('Wait for "Run all profiles" to end, or cancel it, before running one profile');
        return;
      }
      const summary = state.profiles.find((p) => p.id === state.selectedId);
      if (summary === undefined) return;
      const graph = state.graph;
      if (state.protocols.length === 0 && !graph) {
        error('Choose at least one check: IMAP, POP3, SMTP or Graph');
        return;
      }
      const protocols: MailProtocol[] = [...state.protocols];
      const profile = state.profile?.id === summary.id ? state.profile : null;
      const runId = newRunId();
      const sendTo = state.sendTest.to.trim();
      const form = state.sendTest;
      // The test message goes through SMTP, or through Graph's sendMail.
      const sends = protocols.includes('smtp') || graph;
      if (form.enabled && sends && sendTo === '') {
        error('Enter the recipient of the test message, or untick "Send a test message"');
        return;
      }
      const subject = form.subject.trim();
      const body = form.body.trim();
      const sendTest =
        form.enabled && sends && sendTo !== ''
          ? {
              from: form.from.trim() || profile?.testMessage.from || summary.mailbox,
              to: sendTo,
              ...(subject !== '' ? { subject } : {}),
              ...(body !== '' ? { body: form.body } : {}),
            }
          : undefined;
      const endpoints: Partial<Record<MailProtocol, Profile['imap']>> = {};
      if (profile) for (const p of protocols) endpoints[p] = profile[p];
      dispatch({
        type: 'run-started',
        run: startRun({
          runId,
          profileId: summary.id,
          protocols,
          scenario: summary.demo ? state.scenario : null,
          withToken: summary.credential !== 'password' && protocols.length > 0,
          endpoints,
          graph,
          graphSends: graph && sendTest !== undefined,
          now: now(),
        }),
      });
      void api['checks:run']({
        runId,
        profileId: summary.id,
        protocols,
        ...(graph ? { graph: true } : {}),
        ...(summary.demo ? { scenario: state.scenario } : {}),
        ...(sendTest ? { sendTest } : {}),
        ...(sendTest && state.sendTest.roundtrip && (protocols.includes('imap') || protocols.includes('pop3'))
          ? { roundtrip: true }
          : {}),
      }).then(async (result) => {
        dispatch({ type: 'run-finished', runId, result });
        if (!result.ok) return;
        // The run is now in the profile's history; say so if it could not be kept there.
        await controller.loadHistory(summary.id);
        const history = store.getState().history[summary.id];
        // Only a list read just now says the run is missing (a failed read keeps the old one).
        if (history?.error === null && history.entries && !history.entries.some((e) => e.id === runId))
          error('This run could not be kept in the history: it cannot be compared or exported later');
      });
      // The next test message gets a subject of its own, unless the user wrote one.
      if (sendTest && isUniqueSubject(form.subject))
        dispatch({ type: 'send-test', patch: { subject: uniqueSubject() } });
    },

    probeTls(input) {
      return api['checks:tlsProbe'](input);
    },

    cancel() {
      const runId = store.getState().activeRunId;
      if (runId === null) {
        if (isRunAllLive(store.getState())) controller.cancelRunAll();
        return;
      }
      dispatch({ type: 'run-cancelling', runId });
      void api['checks:cancel']({ runId }).then((result) => {
        if (!result.ok) error(`Could not cancel the run: ${result.error.message}`);
      });
    },

    async runAll() {
      const state = store.getState();
      if (state.activeRunId !== null) {
        error('Wait for the current run to end, or cancel it, before running all profiles');
        return;
      }
      if (isRunAllLive(state)) return;
      const options = state.runAllOptions;
      const summaries = state.profiles.filter((p) => !p.demo || options.includeDemo);
      if (summaries.length === 0) {
        error('No profile to run: save a profile, or include the Demo tenant');
        return;
      }
      // Each profile in full: its tenant, and whether a person has to sign in.
      const loaded = await Promise.all(
        summaries.map(async (summary) => {
          if (summary.demo) return { summary, profile: null, problem: null };
          const result = await api['profiles:get']({ id: summary.id });
          if (!result.ok)
            return { summary, profile: null, problem: `Could not load the profile: ${result.error.message}` };
          return { summary, profile: result.value, problem: null };
        }),
      );
      if (store.getState().activeRunId !== null || isRunAllLive(store.getState())) return;
      const scenario = options.demoScenario;
      const plans = loaded.map(({ summary, profile, problem }) => {
        const demo = summary.demo;
        const row = newRow(summary, profile, {
          scenario: demo ? scenario : null,
          ...rowChecks(summary, options, demo && isGraphScenario(scenario)),
          problem: problem ?? (profile ? unattendedProblem(profile) : null),
        });
        return {
          row: problem !== null ? { ...row, status: 'failed' as const } : row,
          profile,
          withToken: summary.credential !== 'password',
        };
      });
      dispatch({ type: 'run-all-start', rows: plans.map((p) => p.row), now: now() });
      const jobs = plans
        .filter((p) => p.row.status === 'queued')
        .map((p) => () => runAllRow(p.row, p.profile, p.withToken));
      await runBounded(jobs, RUN_ALL_CONCURRENCY, () => store.getState().runAll?.phase !== 'running');
      dispatch({ type: 'run-all-done' });
    },

    cancelRunAll() {
      const state = store.getState();
      if (state.runAll?.phase !== 'running') return;
      dispatch({ type: 'run-all-cancelling' });
      const inFlight = (): string[] => {
        const current = store.getState();
        return (current.runAll?.rows ?? []).flatMap((r) => {
          const run = current.runs[r.profileId];
          return r.runId !== null && run?.runId === r.runId && run.phase === 'cancelling' ? [r.runId] : [];
        });
      };
      void (async () => {
        for (let i = 0; i < CANCEL_REPEATS; i += 1) {
          const runIds = inFlight();
          if (runIds.length === 0) return;
          const results = await Promise.all(runIds.map((runId) => api['checks:cancel']({ runId })));
          for (const r of results)
            if (!r.ok) {
              error(`Could not cancel a run: ${r.error.message}`);
              return;
            }
          await sleep(CANCEL_REPEAT_MS);
        }
      })();
    },

    async openRunAllRow(profileId) {
      const state = store.getState();
      const row = state.runAll?.rows.find((r) => r.profileId === profileId);
      if (!row?.runId) return;
      // The run is still the profile's latest: show it; else it is found in the history.
      if (state.runs[profileId]?.runId === row.runId) {
        controller.select(profileId);
        return;
      }
      await controller.openRun({ profileId, runId: row.runId });
      if (store.getState().selectedId === profileId && store.getState().profile?.id !== profileId)
        await loadProfile(profileId);
    },

    async saveProfile(input) {
      const result = await api['profiles:save'](input);
      if (result.ok) {
        await controller.reloadProfiles(result.value.id);
        dispatch({ type: 'notice', kind: 'info', text: `Saved "${result.value.name}"` });
      }
      return result;
    },

    async removeProfile(id) {
      const result = await api['profiles:remove']({ id });
      if (!result.ok) {
        error(`Could not remove the profile: ${result.error.message}`);
        return result;
      }
      await controller.reloadProfiles();
      return result;
    },

    async forgetSignIn(id) {
      const result = await api['profiles:forgetSignIn']({ id });
      if (!result.ok) {
        error(`Could not forget the sign-in: ${result.error.message}`);
        return;
      }
      await controller.reloadProfiles(id);
      dispatch({
        type: 'notice',
        kind: 'info',
        text: `Forgot the kept sign-in of "${result.value.name}": the next run asks the user to sign in`,
      });
    },

    exportProfiles(ids) {
      return api['profiles:export']({ ids });
    },

    previewImport(json) {
      return api['profiles:importPreview']({ json });
    },

    async checkFile(path, kind) {
      const result = await api['files:check']({ path, kind });
      return result.ok ? result.value.problem : `could not be checked (${result.error.message})`;
    },

    async importProfiles(json) {
      const result = await api['profiles:import']({ json });
      if (!result.ok) {
        error(`Could not import: ${result.error.message}`);
        return result;
      }
      await controller.reloadProfiles(result.value[0]?.id);
      dispatch({
        type: 'notice',
        kind: 'info',
        text: `Imported ${result.value.length} profile${result.value.length === 1 ? '' : 's'}; enter their secrets before running them`,
      });
      return { ok: true, value: result.value.length };
    },

    async explain(text) {
      dispatch({ type: 'explain-text', text });
      if (text.trim() === '') return;
      dispatch({ type: 'explain-pending' });
      dispatch({ type: 'explain-result', result: await api['explain:text']({ text }) });
    },

    async inspect(token) {
      if (token.trim() === '') return;
      dispatch({ type: 'inspect-pending' });
      dispatch({ type: 'inspect-result', result: await api['token:inspect']({ token: token.trim() }) });
    },

    async loadHistory(profileId) {
      dispatch({ type: 'history-loading', profileId });
      dispatch({ type: 'history', profileId, result: await api['history:list']({ profileId }) });
    },

    showHistory() {
      // The history screen loads the list itself when it opens.
      if (store.getState().selectedId !== null) dispatch({ type: 'view', view: 'history' });
    },

    async openRun(ref) {
      const result = await api['history:get'](ref);
      if (!result.ok) {
        error(`Could not open the run: ${result.error.message}`);
        return;
      }
      dispatch({ type: 'run-opened', run: runFromStored(result.value) });
    },

    async compare(ref, baselineId) {
      dispatch({ type: 'compare-pending', ref });
      const result = await api['history:compare']({
        ...ref,
        ...(baselineId !== undefined ? { baselineId } : {}),
      });
      dispatch({ type: 'compare-result', ref, result });
    },

    async previewExport(ref) {
      dispatch({ type: 'export-open', ref });
      dispatch({ type: 'export-preview', ref, result: await api['export:preview'](ref) });
    },

    async saveExport() {
      const exporting = store.getState().exporting;
      if (exporting?.preview == null || exporting.saving) return;
      dispatch({ type: 'export-saving', saving: true });
      const result = await api['export:bundle'](exporting.ref);
      if (!result.ok) {
        dispatch({ type: 'export-saving', saving: false });
        error(`Could not export the bundle: ${result.error.message}`);
        return;
      }
      const { savedTo, download } = result.value;
      if (download && deps.download) {
        deps.download(download.fileName, download.base64);
        dispatch({ type: 'notice', kind: 'info', text: `Bundle ${download.fileName} handed to the browser` });
      } else if (savedTo !== null) {
        dispatch({ type: 'notice', kind: 'info', text: `Bundle saved to ${savedTo}` });
      } else {
        // The save dialog was cancelled: the preview stays open.
        dispatch({ type: 'export-saving', saving: false });
        return;
      }
      dispatch({ type: 'export-close', ref: exporting.ref });
    },

    async removeRuns(profileId, runId) {
      const result =
        runId !== undefined
          ? await api['history:remove']({ profileId, runId })
          : await api['history:clear']({ profileId });
      if (!result.ok) {
        error(`Could not delete: ${result.error.message}`);
        return;
      }
      dispatch({ type: 'history', profileId, result });
      dispatch({
        type: 'notice',
        kind: 'info',
        text: runId !== undefined ? 'Run deleted from the history' : 'History cleared',
      });
    },

    async saveSettings(settings) {
      const result = await api['settings:set'](settings);
      if (result.ok) {
        dispatch({ type: 'settings', result });
        dispatch({ type: 'notice', kind: 'info', text: 'Settings saved' });
      }
      return result;
    },
  };
  return controller;
}
