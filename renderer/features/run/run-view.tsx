// The selected profile: what to run (protocols, scenario, test message), the run's cards with
// each step's live status, the verdict, and the findings, transcript and token below.
import { useEffect, useMemo, useRef, useState } from 'react';
import type { Profile, ProfileSummary } from '../../../shared/api/contract';
import type { MailProtocol, Protocol, ReportTarget, StepId } from '../../../shared/report/model';
import { useAppState, useController, useDispatch } from '../../app/app-context';
import { Field, TextField } from '../../components/field';
import { StatusIcon } from '../../components/status-icon';
import { useNow } from '../../components/use-now';
import { ALL_PROTOCOLS, isRunAllLive, isRunning } from '../../state/app-state';
import { linkFindings } from '../../state/finding-links';
import { ReadinessPanel } from '../readiness/readiness-panel';
import { formatDuration, formatWhen, plural } from '../../state/format';
import { uniqueSubject } from '../../../shared/report/test-subject';
import { compareChoice } from '../../../shared/history/compare';
import { scenarioEntry, scenarioMenu } from '../../../shared/lab/scenario-catalog';
import {
  PROTOCOL_LABEL,
  checkElapsedMs,
  runElapsedMs,
  stepElapsedMs,
  summarizeRun,
  type RunState,
} from '../../state/run-state';
import { targetView } from '../../state/target-view';
import { FindingsPanel } from '../findings/findings-panel';
import { TokenInspector } from '../token/token-inspector';
import { TranscriptViewer, type TranscriptCommand } from '../transcript/transcript-viewer';
import { CheckCard } from './check-card';
import { SignInPanel } from './sign-in-panel';
import './run.css';

type Tab = 'findings' | 'transcript' | 'token';

function RunToolbar() {
  const profile = useAppState((s) => s.profiles.find((p) => p.id === s.selectedId) ?? null);
  const protocols = useAppState((s) => s.protocols);
  const graph = useAppState((s) => s.graph);
  const scenario = useAppState((s) => s.scenario);
  const scenarios = useAppState((s) => s.info?.scenarios ?? null);
  const sendTest = useAppState((s) => s.sendTest);
  const running = useAppState(isRunning);
  const connected = useAppState((s) => s.connection.kind !== 'closed');
  const cancelling = useAppState(
    (s) =>
      s.runAll?.phase === 'cancelling' ||
      (s.activeRunId !== null &&
        Object.values(s.runs).some((r) => r.runId === s.activeRunId && r.phase === 'cancelling')),
  );
  const runAllLive = useAppState(isRunAllLive);
  const controller = useController();
  const dispatch = useDispatch();
  if (!profile) return null;
  return (
    <div className="run-toolbar" role="group" aria-label="Run options">
      <fieldset className="protocol-toggles">
        <legend className="offscreen">Protocols to check</legend>
        {ALL_PROTOCOLS.map((p) => (
          <label key={p} className={`toggle${protocols.includes(p) ? ' on' : ''}`}>
            <input
              type="checkbox"
              checked={protocols.includes(p)}
              disabled={running}
              data-testid={`protocol-${p}`}
              onChange={() => {
                dispatch({ type: 'toggle-protocol', protocol: p });
              }}
            />
            {PROTOCOL_LABEL[p]}
          </label>
        ))}
        <label
          className={`toggle${graph ? ' on' : ''}`}
          title="Microsoft Graph with the same app registration: read the inbox (and send with sendMail)"
        >
          <input
            type="checkbox"
            checked={graph}
            disabled={running}
            data-testid="protocol-graph"
            onChange={() => {
              dispatch({ type: 'toggle-graph' });
            }}
          />
          {PROTOCOL_LABEL.graph}
        </label>
      </fieldset>
      {profile.demo && scenarios ? <ScenarioMenu scenarios={scenarios} value={scenario} /> : null}
      <label className="inline-check send-test">
        <input
          type="checkbox"
          checked={sendTest.enabled}
          disabled={running || (!protocols.includes('smtp') && !graph)}
          data-testid="send-test-toggle"
          onChange={(e) => {
            const enabled = e.target.checked;
            dispatch({
              type: 'send-test',
              patch: { enabled, ...(enabled && sendTest.subject === '' ? { subject: uniqueSubject() } : {}) },
            });
          }}
        />
        Send a test message
      </label>
      <span className="spacer" />
      <button
        type="button"
        className="btn"
        data-testid="cancel-button"
        disabled={!running || cancelling}
        title={runAllLive ? 'Cancel "Run all profiles" (Escape)' : 'Cancel the run (Escape)'}
        onClick={() => {
          controller.cancel();
        }}
      >
        {cancelling ? 'Cancelling…' : 'Cancel'}
      </button>
      <button
        type="button"
        className="btn btn-primary"
        data-testid="run-button"
        disabled={running || (protocols.length === 0 && !graph) || !connected}
        title="Run checks (Ctrl+Enter)"
        onClick={() => {
          controller.run();
        }}
      >
        {running ? 'Running…' : 'Run checks'}
      </button>
    </div>
  );
}

/**
 * The Demo tenant's scenarios, grouped by what they break (token, Exchange grants, account policy,
 * network...), each with its line; the one chosen is said in full beside the menu.
 */
function ScenarioMenu({ scenarios, value }: { scenarios: string[]; value: string }) {
  const running = useAppState(isRunning);
  const dispatch = useDispatch();
  const menu = useMemo(() => scenarioMenu(scenarios), [scenarios]);
  const entry = scenarioEntry(value);
  return (
    <div className="scenario-row">
      <label className="inline-field scenario-field">
        <span>Scenario</span>
        <select
          value={value}
          disabled={running}
          data-testid="scenario-select"
          aria-label="Lab scenario"
          aria-describedby="scenario-breaks"
          onChange={(e) => {
            dispatch({ type: 'scenario', scenario: e.target.value });
          }}
        >
          {menu.map((g) => (
            <optgroup key={g.id} label={g.label} data-group={g.id}>
              {g.scenarios.map((s) => (
                <option key={s.id} value={s.id} title={s.breaks}>
                  {s.title} — {s.breaks}
                </option>
              ))}
            </optgroup>
          ))}
        </select>
      </label>
      <p className="scenario-breaks" id="scenario-breaks" data-testid="scenario-description">
        <span className="mono">{value}</span>
        {entry ? <> · {entry.breaks}</> : null}
      </p>
    </div>
  );
}

/** The test message: sender, recipient, subject and body, and whether to find it again over IMAP. */
function SendTestPanel() {
  const profile = useAppState((s) => s.profiles.find((p) => p.id === s.selectedId) ?? null);
  const sendTest = useAppState((s) => s.sendTest);
  const protocols = useAppState((s) => s.protocols);
  const graph = useAppState((s) => s.graph);
  const running = useAppState((s) => s.activeRunId !== null);
  const dispatch = useDispatch();
  const sends = protocols.includes('smtp') || graph;
  if (!profile || !sendTest.enabled || !sends) return null;
  const set = (patch: Partial<typeof sendTest>): void => {
    dispatch({ type: 'send-test', patch });
  };
  return (
    <fieldset className="send-test-panel" data-testid="send-test-panel" disabled={running}>
      <legend>
        Test message (sent through the{' '}
        {protocols.includes('smtp') && graph
          ? "SMTP check and Graph's sendMail"
          : graph
            ? "Graph check's sendMail"
            : 'SMTP check'}
        )
      </legend>
      <TextField
        label="From"
        type="email"
        mono
        testId="send-test-from"
        value={sendTest.from}
        placeholder={profile.mailbox}
        onChange={(v) => {
          set({ from: v });
        }}
      />
      <TextField
        label="To"
        type="email"
        mono
        testId="send-test-to"
        value={sendTest.to}
        placeholder={profile.mailbox}
        onChange={(v) => {
          set({ to: v });
        }}
      />
      <TextField
        label="Subject"
        className="span-2"
        maxLength={200}
        testId="send-test-subject"
        value={sendTest.subject}
        placeholder="MailProbe test <unique token>"
        onChange={(v) => {
          set({ subject: v.replace(/[\r\n]/g, ' ') });
        }}
      />
      <Field label="Body" className="span-2">
        {(aria) => (
          <textarea
            {...aria}
            rows={2}
            data-testid="send-test-body"
            value={sendTest.body}
            placeholder="This is a test message sent by MailProbe to check that the sender can send mail."
            onChange={(e) => {
              set({ body: e.target.value });
            }}
          />
        )}
      </Field>
      <label
        className="inline-check span-2"
        title="After sending, look for the message in the recipient's mailbox by its Message-ID: over IMAP, or over POP3 when IMAP is not checked"
      >
        <input
          type="checkbox"
          checked={sendTest.roundtrip}
          disabled={!protocols.includes('imap') && !protocols.includes('pop3')}
          data-testid="send-test-roundtrip"
          onChange={(e) => {
            set({ roundtrip: e.target.checked });
          }}
        />
        Find it again {protocols.includes('imap') ? 'over IMAP' : 'over POP3'} and measure the delivery time
      </label>
    </fieldset>
  );
}

function Verdict({ run, onSkip }: { run: RunState; onSkip: () => void }) {
  const live = run.phase === 'running' || run.phase === 'cancelling';
  const now = useNow(200, live);
  const summary = summarizeRun(run);
  // One clock: live, the time since the engine's start; over, the report's own figure.
  const duration = runElapsedMs(run, now);
  const top = run.report?.findings[0];
  const icon = summary.verdict === 'error' ? 'fail' : summary.verdict;
  const findings = run.report?.findings.length ?? 0;
  // When a run of this view ends, focus goes to its verdict (not to the page's body).
  const heading = useRef<HTMLHeadingElement>(null);
  const seenLive = useRef<string | null>(null);
  useEffect(() => {
    if (live) seenLive.current = run.runId;
    else if (seenLive.current === run.runId) {
      seenLive.current = null;
      heading.current?.focus();
    }
  }, [live, run.runId]);
  return (
    <div
      className={`verdict verdict-${summary.verdict}`}
      data-testid="run-verdict"
      data-verdict={summary.verdict}
    >
      <StatusIcon status={icon} />
      {/* Only the words are live: the ticking time would make a screen reader chatter. */}
      <div className="verdict-text" role="status" aria-live="polite">
        <h2 ref={heading} tabIndex={-1} id="run-verdict-heading" data-testid="run-headline">
          {summary.headline}
        </h2>
        {top && summary.verdict !== 'pass' ? (
          <span className="verdict-cause">Most likely: {top.title}</span>
        ) : null}
      </div>
      <span className="verdict-meta">
        {run.report ? (
          <a
            href="#panel-findings"
            className="skip-link"
            data-testid="skip-to-findings"
            onClick={(e) => {
              e.preventDefault();
              onSkip();
            }}
          >
            {findings > 0 ? `Skip to the findings (${findings})` : 'Skip to the findings'}
          </a>
        ) : null}
        {run.fromHistory && run.report ? (
          <span className="badge badge-quiet" data-testid="run-from-history">
            from history · {formatWhen(run.report.startedAt)}
          </span>
        ) : null}
        {/* The menu says the scenario of a run made now; one from the history says its own. */}
        {run.scenario && run.fromHistory ? (
          <span className="badge badge-quiet">scenario {run.scenario}</span>
        ) : null}
        <span className="verdict-time" data-testid="run-time">
          {formatDuration(duration)}
        </span>
      </span>
      {run.report ? <RunActions run={run} /> : null}
    </div>
  );
}

/** The cards, ticking while the run goes (apart, so that the rest of the view does not). */
function CheckGrid({
  run,
  demo,
  onStep,
}: {
  run: RunState;
  demo: boolean;
  onStep: (protocol: Protocol, step: StepId) => void;
}) {
  const controller = useController();
  const live = run.phase === 'running' || run.phase === 'cancelling';
  const now = useNow(200, live);
  const timeouts = useAppState((s) => s.settings.value?.timeouts ?? null);
  return (
    <div className="check-grid" data-testid="check-cards">
      {run.checks.map((c) => (
        <CheckCard
          key={`${run.runId}-${c.protocol}`}
          check={c}
          live={live}
          timeouts={timeouts}
          elapsed={(step) => stepElapsedMs(run, step, now)}
          checkElapsed={checkElapsedMs(run, c, now)}
          endpointNote={demo && run.report === null ? 'simulated tenant (lab)' : null}
          tokenNote={tokenNoteOf(run.signIn ? run.signIn.kind : run.report?.target.credential)}
          onStep={onStep}
          onProbeTls={
            live || c.protocol === 'token' || c.protocol === 'graph'
              ? undefined
              : () =>
                  controller.probeTls({
                    profileId: run.profileId,
                    protocol: c.protocol as MailProtocol,
                    ...(run.scenario ? { scenario: run.scenario } : {}),
                  })
          }
        />
      ))}
    </div>
  );
}

/** A finished run is in the profile's history: compare it, or export it as a bundle. */
function RunActions({ run }: { run: RunState }) {
  const controller = useController();
  const ref = { profileId: run.profileId, runId: run.runId };
  // As in the history: the last pass where there is one, else the run before, else nothing.
  const entries = useAppState((s) => s.history[run.profileId]?.entries ?? null);
  const choice = run.report?.verdict === 'fail' && entries ? compareChoice(entries, run.runId) : null;
  return (
    <span className="verdict-actions">
      {choice ? (
        <button
          type="button"
          className="btn btn-small"
          data-testid="compare-button"
          data-compare={choice.kind}
          title={
            choice.kind === 'last-pass'
              ? 'What changed since the last passing run of this profile'
              : 'No run of this profile passed before: what changed since the run before this one'
          }
          onClick={() => {
            void controller.compare(ref, choice.baselineId);
          }}
        >
          {choice.kind === 'last-pass' ? 'Compare with last pass' : 'Compare with the previous run'}
        </button>
      ) : null}
      <button
        type="button"
        className="btn btn-small"
        data-testid="export-button"
        title="A zip with a readable report, the JSON report, the transcript and the environment"
        onClick={() => {
          void controller.previewExport(ref);
        }}
      >
        Export bundle…
      </button>
    </span>
  );
}

function RunResults({ run, searchRequest }: { run: RunState; searchRequest: number }) {
  const demo = useAppState((s) => s.profiles.find((p) => p.id === run.profileId)?.demo ?? false);
  const live = run.phase === 'running' || run.phase === 'cancelling';
  const findings = run.report?.findings ?? [];
  const token = run.report?.token ?? null;
  const [tab, setTab] = useState<Tab>('transcript');
  const [command, setCommand] = useState<TranscriptCommand | null>(null);
  const links = useMemo(() => linkFindings(run.transcript, findings), [run.transcript, findings]);

  // A new run shows its transcript as it comes; a finished one with findings shows them.
  useEffect(() => {
    setTab('transcript');
  }, [run.runId]);
  const endedWithFindings = run.phase === 'done' && findings.length > 0;
  useEffect(() => {
    if (endedWithFindings) setTab('findings');
  }, [endedWithFindings]);
  // Ctrl+F: each new request (not the one already handled before this run was shown).
  const handledSearch = useRef(searchRequest);
  useEffect(() => {
    if (searchRequest === handledSearch.current) return;
    handledSearch.current = searchRequest;
    setTab('transcript');
    setCommand((c) => ({ nonce: (c?.nonce ?? 0) + 1, kind: 'search' }));
  }, [searchRequest]);

  const onStep = (protocol: Protocol, step: StepId): void => {
    setTab('transcript');
    setCommand((c) => ({ nonce: (c?.nonce ?? 0) + 1, kind: 'step', protocol, step }));
  };
  // The skip link: the findings tab, and focus on its panel once it shows.
  const [skipRequest, setSkipRequest] = useState(0);
  useEffect(() => {
    if (skipRequest > 0) document.getElementById('panel-findings')?.focus();
  }, [skipRequest]);
  const onSkip = (): void => {
    setTab('findings');
    setSkipRequest((n) => n + 1);
  };
  const onReveal = (rowId: number): void => {
    setTab('transcript');
    setCommand((c) => ({ nonce: (c?.nonce ?? 0) + 1, kind: 'reveal', rowId }));
  };

  const tabs: Array<{ id: Tab; label: string; count: string }> = [
    { id: 'findings', label: 'Findings', count: run.report ? String(findings.length) : '' },
    { id: 'transcript', label: 'Transcript', count: run.transcript.length.toLocaleString('en-US') },
  ];
  if (token) tabs.push({ id: 'token', label: 'Token', count: '' });
  const current = tabs.some((t) => t.id === tab) ? tab : 'transcript';

  return (
    <>
      <Verdict run={run} onSkip={onSkip} />
      {run.error ? (
        <div className="form-error" role="alert" data-testid="run-error">
          {run.error.message}
        </div>
      ) : null}
      <SignInPanel run={run} />
      <CheckGrid run={run} demo={demo} onStep={onStep} />
      <div className="tabs" role="tablist" aria-label="Run details">
        {tabs.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            id={`tab-${t.id}`}
            aria-selected={current === t.id}
            aria-controls={`panel-${t.id}`}
            tabIndex={current === t.id ? 0 : -1}
            className="tab"
            data-testid={`tab-${t.id}`}
            onClick={() => {
              setTab(t.id);
            }}
            onKeyDown={(e) => {
              if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
              const i = tabs.findIndex((x) => x.id === current);
              const next = tabs[(i + (e.key === 'ArrowRight' ? 1 : tabs.length - 1)) % tabs.length];
              if (next) {
                setTab(next.id);
                document.getElementById(`tab-${next.id}`)?.focus();
              }
            }}
          >
            {t.label}
            {t.count !== '' ? <span className="tab-count">{t.count}</span> : null}
          </button>
        ))}
        <span className="spacer" />
        {live ? <span className="muted tab-note">{plural(run.transcript.length, 'line')} so far</span> : null}
      </div>
      <div className="tab-panels">
        <div
          role="tabpanel"
          id="panel-findings"
          aria-labelledby="tab-findings"
          hidden={current !== 'findings'}
          tabIndex={-1}
          className="tab-panel flow-panel"
        >
          {run.report ? (
            <FindingsPanel
              findings={findings}
              links={links}
              onReveal={onReveal}
              empty={
                run.report.verdict === 'pass'
                  ? 'Nothing to fix: every check passed.'
                  : 'No finding: the failure matched no known cause. Read the transcript, or paste it into "Explain an error".'
              }
            />
          ) : (
            <p className="muted panel-note">{live ? 'Findings appear when the run ends.' : 'No report.'}</p>
          )}
          {/* What will break and when: after what is broken now. */}
          {run.report ? <ReadinessPanel items={run.report.readiness ?? []} /> : null}
        </div>
        <div
          role="tabpanel"
          id="panel-transcript"
          aria-labelledby="tab-transcript"
          hidden={current !== 'transcript'}
          className="tab-panel"
        >
          <TranscriptViewer rows={run.transcript} live={live} command={command} />
        </div>
        {token ? (
          <div
            role="tabpanel"
            id="panel-token"
            aria-labelledby="tab-token"
            hidden={current !== 'token'}
            className="tab-panel flow-panel"
          >
            <TokenInspector section={token} />
          </div>
        ) : null}
      </div>
    </>
  );
}

export function RunView({ searchRequest }: { searchRequest: number }) {
  const summary = useAppState((s) => s.profiles.find((p) => p.id === s.selectedId) ?? null);
  const profile = useAppState((s) => (s.profile?.id === s.selectedId ? s.profile : null));
  const run = useAppState((s) => (s.selectedId === null ? null : (s.runs[s.selectedId] ?? null)));
  const loaded = useAppState((s) => s.profilesLoaded);
  const scenario = useAppState((s) => s.scenario);
  const dispatch = useDispatch();
  const controller = useController();
  if (!summary) {
    return (
      <section className="screen empty-screen">
        <p className="muted">{loaded ? 'Choose a profile, or create one with + New.' : 'Loading…'}</p>
      </section>
    );
  }
  return (
    <section className="run-view" aria-labelledby="run-heading" data-testid="run-view">
      <header className="run-header">
        <div className="run-title">
          <div className="run-title-row">
            <p className="run-eyebrow" id="run-eyebrow">
              Selected profile
            </p>
            <h1 id="run-heading" aria-describedby="run-eyebrow">
              {summary.name}
              {summary.demo ? <span className="badge badge-demo">Demo</span> : null}
            </h1>
          </div>
          {/* Said when another profile is chosen (the list marks it with aria-current too). */}
          <span className="offscreen" aria-live="polite" data-testid="profile-announcement">
            Selected profile: {summary.name}
          </span>
        </div>
        <div className="run-actions">
          <button
            type="button"
            className="btn"
            data-testid="history-button"
            title="Earlier runs of this profile"
            onClick={() => {
              controller.showHistory();
            }}
          >
            History
          </button>
          {profile?.keepSignIn ? (
            <button
              type="button"
              className="btn"
              data-testid="forget-sign-in"
              title="Delete the kept sign-in (refresh token) from the keychain: the next run asks the user to sign in"
              onClick={() => {
                void controller.forgetSignIn(profile.id);
              }}
            >
              Forget sign-in
            </button>
          ) : null}
          {!summary.demo ? (
            <button
              type="button"
              className="btn"
              data-testid="profile-edit"
              disabled={!profile}
              onClick={() => {
                dispatch({ type: 'edit', profile });
              }}
            >
              Edit profile
            </button>
          ) : null}
        </div>
        <RunTarget summary={summary} profile={profile} run={run} scenario={scenario} />
      </header>
      <RunToolbar />
      <SendTestPanel />
      {run ? (
        <RunResults run={run} searchRequest={searchRequest} />
      ) : (
        <div className="run-empty">
          <p>
            Run the checks to get a token, connect to each server, sign in with it and open the mailbox. Each
            step shows its status and time; the raw exchange is in the transcript, and the findings say what
            to fix.
          </p>
          <p className="muted">
            <kbd>Ctrl</kbd>+<kbd>Enter</kbd> run · <kbd>Esc</kbd> cancel · <kbd>Ctrl</kbd>+<kbd>F</kbd> search
            the transcript
          </p>
        </div>
      )}
    </section>
  );
}

/**
 * The target in view: provider, tenant, client id, mailbox and where the secret is, then each
 * endpoint with its security mode in full (what the run checked, once there is a report).
 */
function RunTarget({
  summary,
  profile,
  run,
  scenario,
}: {
  summary: ProfileSummary;
  profile: Profile | null;
  run: RunState | null;
  scenario: string;
}) {
  const vault = useAppState((s) => s.info?.vault ?? null);
  const view = targetView({
    summary,
    profile,
    reported: run?.report?.target ?? null,
    scenario: summary.demo ? (run?.scenario ?? scenario) : null,
    vault,
  });
  return (
    <div className="run-target" data-testid="run-target">
      <dl className="target-facts">
        {view.facts.map((f) => (
          <div key={f.id} className={f.warn ? 'warn-text' : undefined} data-testid={`target-${f.id}`}>
            <dt>{f.label}</dt>
            <dd className={f.id === 'provider' || f.id === 'secret' ? undefined : 'mono'}>{f.value}</dd>
          </div>
        ))}
      </dl>
      {view.endpoints.length > 0 ? (
        <dl className="target-endpoints">
          {view.endpoints.map((e) => (
            <div key={e.protocol} data-testid={`target-endpoint-${e.protocol}`}>
              <dt>{e.label}</dt>
              <dd className="mono">{e.text}</dd>
            </div>
          ))}
        </dl>
      ) : null}
      {view.endpointsNote ? <p className="muted target-note">{view.endpointsNote}</p> : null}
    </div>
  );
}

/** How the token card names the way the token was got, once the report says. */
function tokenNoteOf(credential: ReportTarget['credential'] | undefined): string | undefined {
  switch (credential) {
    case 'device-code':
      return 'OAuth2 device code: a user signs in';
    case 'browser':
      return 'OAuth2 authorization code with PKCE: a user signs in';
    case 'ropc':
      return "ROPC (legacy): the user's password for a token";
    case 'google-service-account':
      return 'Google service account (domain-wide delegation)';
    case 'access-token':
      return 'Access token supplied';
    default:
      return undefined;
  }
}
