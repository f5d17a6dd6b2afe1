// The app's state and its reducer: profiles, the current screen, the runs (one kept per profile),
// and the results of the explain, inspect and settings screens. Pure: unit-tested.
import type {
  AppInfo,
  BundlePreview,
  HistoryEntry,
  Profile,
  ProfileSummary,
  QuarantinedProfileSummary,
  Result,
  RunComparison,
  BrowserSignInPrompt,
  DeviceCodePrompt,
  RunProgress,
  RunRef,
  Settings,
  StoreState,
  TranscriptBatch,
} from '../../shared/api/contract';
import type { Finding, MailProtocol, Report, TokenSection } from '../../shared/report/model';
import type { ConnectionState } from './connection';
import {
  applyProgress,
  applySignIn,
  applyTranscript,
  finishRun,
  markCancelling,
  type RunState,
} from './run-state';
import {
  DEFAULT_RUN_ALL_OPTIONS,
  settleRow,
  type RunAllOptions,
  type RunAllRow,
  type RunAllState,
} from './run-all';

export type View = 'run' | 'history' | 'compare' | 'edit' | 'explain' | 'inspect' | 'settings' | 'run-all';

/** The test message form: who sends it to whom, its subject and body, and the round trip. */
export interface SendTestForm {
  enabled: boolean;
  from: string;
  to: string;
  subject: string;
  body: string;
  roundtrip: boolean;
}

export const NO_SEND_TEST: SendTestForm = {
  enabled: false,
  from: '',
  to: '',
  subject: '',
  body: '',
  roundtrip: false,
};

export interface HistoryState {
  entries: HistoryEntry[] | null;
  loading: boolean;
  error: string | null;
}

export interface ExportState {
  ref: RunRef;
  preview: BundlePreview | null;
  error: string | null;
  saving: boolean;
}

export interface Notice {
  id: number;
  kind: 'error' | 'info';
  text: string;
}

export interface AppState {
  connection: ConnectionState;
  info: AppInfo | null;
  profiles: ProfileSummary[];
  profilesLoaded: boolean;
  /** Saved profiles that could not be read, set aside in the file with why. */
  quarantine: QuarantinedProfileSummary[];
  selectedId: string | null;
  /** The selected profile in full (endpoints, test message), once loaded. */
  profile: Profile | null;
  view: View;
  /** The profile form: a new profile (null) or the one being edited. */
  editing: { profile: Profile | null } | null;
  /** The selected profile's checks: its mail protocols, and Graph beside (or instead of) them. */
  protocols: MailProtocol[];
  graph: boolean;
  /** The checks chosen for the other profiles, kept while another one is selected. */
  selections: Record<string, ProtocolSelection>;
  scenario: string;
  /** Send a test message, and (roundtrip) find it again over IMAP. */
  sendTest: SendTestForm;
  /** The last run of each profile, by profile id. */
  runs: Record<string, RunState>;
  activeRunId: string | null;
  /** "Run all profiles": its rows while it runs and after, and the screen's options. */
  runAll: RunAllState | null;
  runAllOptions: RunAllOptions;
  /** Events that matched no live run (stale run ids). */
  strayEvents: number;
  explain: { text: string; pending: boolean; findings: Finding[] | null; error: string | null };
  inspect: { pending: boolean; section: TokenSection | null; error: string | null };
  settings: { value: Settings | null; error: string | null };
  /** Each profile's run history, by profile id, once asked for. */
  history: Record<string, HistoryState>;
  comparison: { ref: RunRef; pending: boolean; value: RunComparison | null; error: string | null } | null;
  /** The export dialog: the preview of the bundle, then saving it. */
  exporting: ExportState | null;
  notices: Notice[];
  nextNoticeId: number;
}

export type Action =
  | { type: 'connection'; state: ConnectionState }
  | { type: 'info'; info: AppInfo }
  | { type: 'profiles'; profiles: ProfileSummary[] }
  | { type: 'store-state'; state: StoreState }
  | { type: 'select'; id: string }
  | { type: 'profile-loaded'; profile: Profile }
  | { type: 'view'; view: View }
  | { type: 'edit'; profile: Profile | null }
  | { type: 'toggle-protocol'; protocol: MailProtocol }
  | { type: 'toggle-graph' }
  | { type: 'scenario'; scenario: string }
  | { type: 'send-test'; patch: Partial<SendTestForm> }
  | { type: 'run-started'; run: RunState }
  /** now: the wall clock the event arrived at (it places the run clock on the wall clock). */
  | { type: 'progress'; event: RunProgress; now?: number }
  | { type: 'device-code'; prompt: DeviceCodePrompt | BrowserSignInPrompt; now: number }
  | { type: 'transcript'; batch: TranscriptBatch }
  | { type: 'run-cancelling'; runId: string }
  | { type: 'run-finished'; runId: string; result: Result<Report> }
  | { type: 'explain-text'; text: string }
  | { type: 'explain-pending' }
  | { type: 'explain-result'; result: Result<Finding[]> }
  | { type: 'inspect-pending' }
  | { type: 'inspect-result'; result: Result<TokenSection> }
  | { type: 'settings'; result: Result<Settings> }
  | { type: 'history-loading'; profileId: string }
  | { type: 'history'; profileId: string; result: Result<HistoryEntry[]> }
  | { type: 'run-opened'; run: RunState }
  | { type: 'compare-pending'; ref: RunRef }
  | { type: 'compare-result'; ref: RunRef; result: Result<RunComparison> }
  | { type: 'export-open'; ref: RunRef }
  | { type: 'export-preview'; ref: RunRef; result: Result<BundlePreview> }
  | { type: 'export-saving'; saving: boolean }
  /** Closes the export dialog; with a ref, only if it still shows that run. */
  | { type: 'export-close'; ref?: RunRef }
  | { type: 'run-all-start'; rows: RunAllRow[]; now: number }
  /** A row's run has started: its live state goes into the runs map, as a normal run's does. */
  | { type: 'run-all-row-started'; run: RunState }
  /** A row's run asked for a person's sign-in: it is cancelled and the row says why. */
  | { type: 'run-all-row-needs-person'; runId: string }
  | { type: 'run-all-cancelling' }
  | { type: 'run-all-done' }
  | { type: 'run-all-options'; patch: Partial<RunAllOptions> }
  | { type: 'notice'; kind: Notice['kind']; text: string }
  | { type: 'dismiss'; id: number };

export const ALL_PROTOCOLS: readonly MailProtocol[] = ['imap', 'pop3', 'smtp'];

/** Which checks a profile runs: chosen per profile, so that one's choice does not follow to another. */
export interface ProtocolSelection {
  protocols: MailProtocol[];
  graph: boolean;
}

/**
 * What a profile starts from: its mail protocols without Graph; the Demo tenant on a Graph
 * scenario checks Graph alone, as the scenario menu sets it.
 */
export function defaultSelection(demo: boolean, scenario: string): ProtocolSelection {
  return demo && isGraphScenario(scenario)
    ? { protocols: [], graph: true }
    : { protocols: [...ALL_PROTOCOLS], graph: false };
}

/**
 * Makes `id` the selected profile: the profile left keeps its checks, the one selected gets back
 * its own (or its defaults the first time).
 */
function withSelected(state: AppState, id: string | null): AppState {
  if (id === state.selectedId) return state;
  const selections =
    state.selectedId === null
      ? state.selections
      : { ...state.selections, [state.selectedId]: { protocols: state.protocols, graph: state.graph } };
  const demo = state.profiles.find((p) => p.id === id)?.demo ?? false;
  const next = (id === null ? undefined : selections[id]) ?? defaultSelection(demo, state.scenario);
  return { ...state, selectedId: id, selections, protocols: [...next.protocols], graph: next.graph };
}

/**
 * The lab's Graph scenarios, which check Graph by default as the CLI does (graph-scope is not one:
 * it is an Exchange run whose token was asked for Graph's resource).
 */
export function isGraphScenario(scenario: string): boolean {
  return scenario.startsWith('graph-') && scenario !== 'graph-scope';
}

export function initialState(): AppState {
  return {
    connection: { kind: 'connecting' },
    info: null,
    profiles: [],
    profilesLoaded: false,
    quarantine: [],
    selectedId: null,
    profile: null,
    view: 'run',
    editing: null,
    protocols: [...ALL_PROTOCOLS],
    graph: false,
    selections: {},
    scenario: 'healthy',
    sendTest: NO_SEND_TEST,
    runs: {},
    activeRunId: null,
    runAll: null,
    runAllOptions: DEFAULT_RUN_ALL_OPTIONS,
    strayEvents: 0,
    explain: { text: '', pending: false, findings: null, error: null },
    inspect: { pending: false, section: null, error: null },
    settings: { value: null, error: null },
    history: {},
    comparison: null,
    exporting: null,
    notices: [],
    nextNoticeId: 1,
  };
}

/** The row of "Run all profiles" whose run has this id. */
function runAllRowOf(state: AppState, runId: string): RunAllRow | null {
  return state.runAll?.rows.find((r) => r.runId === runId) ?? null;
}

/** The profile whose run has this id, if it is a live one (the current run, or one of Run all's). */
function liveRunOwner(state: AppState, runId: string): string | null {
  if (state.activeRunId !== runId && runAllRowOf(state, runId) === null) return null;
  for (const [profileId, run] of Object.entries(state.runs)) if (run.runId === runId) return profileId;
  return null;
}

function updateRun(state: AppState, runId: string, update: (run: RunState) => RunState): AppState {
  const owner = liveRunOwner(state, runId);
  const run = owner === null ? undefined : state.runs[owner];
  if (owner === null || run === undefined) return { ...state, strayEvents: state.strayEvents + 1 };
  const next = update(run);
  return next === run ? state : { ...state, runs: { ...state.runs, [owner]: next } };
}

function notice(state: AppState, kind: Notice['kind'], text: string): AppState {
  const notices = [...state.notices, { id: state.nextNoticeId, kind, text }].slice(-4);
  return { ...state, notices, nextNoticeId: state.nextNoticeId + 1 };
}

export function reducer(state: AppState, action: Action): AppState {
  switch (action.type) {
    case 'connection':
      return { ...state, connection: action.state };
    case 'info':
      return {
        ...state,
        info: action.info,
        scenario: action.info.scenarios.includes(state.scenario)
          ? state.scenario
          : (action.info.scenarios[0] ?? state.scenario),
      };
    case 'store-state':
      return { ...state, quarantine: action.state.quarantine };
    case 'profiles': {
      // The demo tenant first, whatever order the list comes in.
      const profiles = [...action.profiles].sort((a, b) => Number(b.demo) - Number(a.demo));
      const stillThere = profiles.some((p) => p.id === state.selectedId);
      const selectedId = stillThere ? state.selectedId : (profiles[0]?.id ?? null);
      return {
        ...withSelected({ ...state, profiles }, selectedId),
        profilesLoaded: true,
        profile: selectedId === state.profile?.id ? state.profile : null,
      };
    }
    case 'select':
      if (state.selectedId === action.id && state.view === 'run') return state;
      // Back to the same profile (from its history): the test message form keeps what was typed.
      if (state.selectedId === action.id) return { ...state, view: 'run', editing: null };
      return {
        ...withSelected(state, action.id),
        profile: state.profile?.id === action.id ? state.profile : null,
        view: 'run',
        editing: null,
        sendTest: NO_SEND_TEST,
      };
    case 'profile-loaded':
      if (action.profile.id !== state.selectedId) return state;
      return {
        ...state,
        profile: action.profile,
        sendTest: {
          ...state.sendTest,
          from: state.sendTest.from || action.profile.testMessage.from || action.profile.mailbox,
          to: state.sendTest.to || action.profile.testMessage.to || action.profile.mailbox,
        },
      };
    case 'view':
      return { ...state, view: action.view, editing: action.view === 'edit' ? state.editing : null };
    case 'edit':
      return { ...state, view: 'edit', editing: { profile: action.profile } };
    case 'toggle-protocol': {
      const on = state.protocols.includes(action.protocol);
      const protocols = on
        ? state.protocols.filter((p) => p !== action.protocol)
        : ALL_PROTOCOLS.filter((p) => p === action.protocol || state.protocols.includes(p));
      return { ...state, protocols };
    }
    case 'toggle-graph':
      return { ...state, graph: !state.graph };
    case 'scenario': {
      if (action.scenario === state.scenario) return state;
      // A Graph scenario checks Graph alone (as the CLI does); leaving one brings the mail checks back.
      const toGraph = isGraphScenario(action.scenario);
      if (toGraph === isGraphScenario(state.scenario)) return { ...state, scenario: action.scenario };
      return toGraph
        ? { ...state, scenario: action.scenario, graph: true, protocols: [] }
        : { ...state, scenario: action.scenario, graph: false, protocols: [...ALL_PROTOCOLS] };
    }
    case 'send-test':
      return { ...state, sendTest: { ...state.sendTest, ...action.patch } };
    case 'run-started':
      return {
        ...state,
        runs: { ...state.runs, [action.run.profileId]: action.run },
        activeRunId: action.run.runId,
        view: state.selectedId === action.run.profileId ? 'run' : state.view,
      };
    case 'progress':
      return updateRun(state, action.event.runId, (run) => applyProgress(run, action.event, action.now));
    case 'transcript':
      return updateRun(state, action.batch.runId, (run) => applyTranscript(run, action.batch));
    case 'device-code':
      return updateRun(state, action.prompt.runId, (run) => applySignIn(run, action.prompt, action.now));
    case 'run-cancelling':
      return updateRun(state, action.runId, markCancelling);
    case 'run-finished': {
      const row = runAllRowOf(state, action.runId);
      const next = updateRun(state, action.runId, (run) => finishRun(run, action.result));
      if (row && next.runAll) {
        const run = next.runs[row.profileId];
        if (run?.runId !== action.runId) return next;
        const before = state.runs[row.profileId];
        const cancelled = state.runAll?.phase === 'cancelling' || before?.phase === 'cancelling';
        const settled = settleRow(row, run, cancelled);
        // A row skipped while it ran (it asked for a person's sign-in) keeps its reason.
        const final =
          row.status === 'skipped' ? { ...settled, status: row.status, reason: row.reason } : settled;
        const rows = next.runAll.rows.map((r) => (r.runId === action.runId ? final : r));
        return { ...next, runAll: { ...next.runAll, rows } };
      }
      return next.activeRunId === action.runId ? { ...next, activeRunId: null } : next;
    }
    case 'run-all-start':
      return {
        ...state,
        runAll: { phase: 'running', rows: action.rows, startedAtWall: action.now },
        view: 'run-all',
      };
    case 'run-all-row-started': {
      if (!state.runAll || state.runAll.phase !== 'running') return state;
      const { run } = action;
      return {
        ...state,
        runs: { ...state.runs, [run.profileId]: run },
        runAll: {
          ...state.runAll,
          rows: state.runAll.rows.map((r) =>
            r.profileId === run.profileId && r.status === 'queued'
              ? { ...r, status: 'running', runId: run.runId }
              : r,
          ),
        },
      };
    }
    case 'run-all-row-needs-person': {
      if (!state.runAll) return state;
      const row = runAllRowOf(state, action.runId);
      if (row?.status !== 'running') return state;
      const next = updateRun(state, action.runId, markCancelling);
      const skipped: RunAllRow = {
        ...row,
        status: 'skipped',
        reason: 'The run asked a person to sign in (the kept sign-in was not accepted): run it on its own',
      };
      return {
        ...next,
        runAll: {
          ...state.runAll,
          rows: state.runAll.rows.map((r) => (r.runId === action.runId ? skipped : r)),
        },
      };
    }
    case 'run-all-cancelling': {
      if (state.runAll?.phase !== 'running') return state;
      let next: AppState = state;
      for (const r of state.runAll.rows)
        if (r.status === 'running' && r.runId !== null) next = updateRun(next, r.runId, markCancelling);
      const rows = state.runAll.rows.map((r) =>
        r.status === 'queued'
          ? { ...r, status: 'cancelled' as const, reason: 'Cancelled before it started' }
          : r,
      );
      return { ...next, runAll: { ...state.runAll, phase: 'cancelling', rows } };
    }
    case 'run-all-done':
      return state.runAll ? { ...state, runAll: { ...state.runAll, phase: 'done' } } : state;
    case 'run-all-options':
      return { ...state, runAllOptions: { ...state.runAllOptions, ...action.patch } };
    case 'explain-text':
      return { ...state, explain: { ...state.explain, text: action.text } };
    case 'explain-pending':
      return { ...state, explain: { ...state.explain, pending: true, error: null } };
    case 'explain-result':
      return {
        ...state,
        explain: action.result.ok
          ? { ...state.explain, pending: false, findings: action.result.value, error: null }
          : { ...state.explain, pending: false, findings: null, error: action.result.error.message },
      };
    case 'inspect-pending':
      return { ...state, inspect: { ...state.inspect, pending: true, error: null } };
    case 'inspect-result':
      return {
        ...state,
        inspect: action.result.ok
          ? { pending: false, section: action.result.value, error: null }
          : { pending: false, section: null, error: action.result.error.message },
      };
    case 'settings':
      return {
        ...state,
        settings: action.result.ok
          ? { value: action.result.value, error: null }
          : { ...state.settings, error: action.result.error.message },
      };
    case 'history-loading': {
      const previous = state.history[action.profileId];
      return {
        ...state,
        history: {
          ...state.history,
          [action.profileId]: { entries: previous?.entries ?? null, loading: true, error: null },
        },
      };
    }
    case 'history': {
      const previous = state.history[action.profileId];
      const next: HistoryState = action.result.ok
        ? { entries: action.result.value, loading: false, error: null }
        : { entries: previous?.entries ?? null, loading: false, error: action.result.error.message };
      return { ...state, history: { ...state.history, [action.profileId]: next } };
    }
    case 'run-opened': {
      // A live run of this profile keeps its place until it ends.
      const shown = state.runs[action.run.profileId];
      if (shown && (shown.phase === 'running' || shown.phase === 'cancelling') && !shown.fromHistory)
        return notice(
          state,
          'error',
          'Wait for the current run to end, or cancel it, before opening another',
        );
      return {
        ...withSelected(state, action.run.profileId),
        runs: { ...state.runs, [action.run.profileId]: action.run },
        view: 'run',
      };
    }
    case 'compare-pending':
      return {
        ...state,
        view: 'compare',
        comparison: { ref: action.ref, pending: true, value: null, error: null },
      };
    case 'compare-result':
      if (!sameRef(state.comparison?.ref, action.ref)) return state;
      return {
        ...state,
        comparison: action.result.ok
          ? { ref: action.ref, pending: false, value: action.result.value, error: null }
          : { ref: action.ref, pending: false, value: null, error: action.result.error.message },
      };
    case 'export-open':
      return { ...state, exporting: { ref: action.ref, preview: null, error: null, saving: false } };
    case 'export-preview':
      if (!sameRef(state.exporting?.ref, action.ref)) return state;
      return {
        ...state,
        exporting: action.result.ok
          ? { ref: action.ref, preview: action.result.value, error: null, saving: false }
          : { ref: action.ref, preview: null, error: action.result.error.message, saving: false },
      };
    case 'export-saving':
      return state.exporting ? { ...state, exporting: { ...state.exporting, saving: action.saving } } : state;
    case 'export-close':
      if (!state.exporting || (action.ref && !sameRef(state.exporting.ref, action.ref))) return state;
      return { ...state, exporting: null };
    case 'notice':
      return notice(state, action.kind, action.text);
    case 'dismiss':
      return { ...state, notices: state.notices.filter((n) => n.id !== action.id) };
  }
}

function sameRef(a: RunRef | undefined, b: RunRef): boolean {
  return a !== undefined && a.profileId === b.profileId && a.runId === b.runId;
}

/** The run shown for the selected profile. */
export function selectedRun(state: AppState): RunState | null {
  return state.selectedId === null ? null : (state.runs[state.selectedId] ?? null);
}

export function isRunning(state: AppState): boolean {
  return state.activeRunId !== null || isRunAllLive(state);
}

/** Whether "Run all profiles" still has runs going (or queued). */
export function isRunAllLive(state: AppState): boolean {
  return state.runAll !== null && state.runAll.phase !== 'done';
}
