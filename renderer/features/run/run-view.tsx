// The selected profile: what to run (protocols, scenario, test message), the run's cards with
// each step's live status, the verdict, and the findings, transcript and token below.
import { useEffect, useMemo, useRef, useState } from 'react';
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
import { PROTOCOL_LABEL, summarizeRun, type RunState } from '../../state/run-state';
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
      {profile.demo && scenarios ? (
        <label className="inline-field">
          <span>Scenario</span>
          <select
            value={scenario}
            disabled={running}
            data-testid="scenario-select"
            aria-label="Lab scenario"
            onChange={(e) => {
              dispatch({ type: 'scenario', scenario: e.target.value });
            }}
          >
            {scenarios.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
      ) : null}
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

function Verdict({ run }: { run: RunState }) {
  const live = run.phase === 'running' || run.phase === 'cancelling';
  const now = useNow(200, live);
  const summary = summarizeRun(run);
  const duration = run.report ? run.report.durationMs : live ? now - run.startedAtWall : null;
  const top = run.report?.findings[0];
  const icon = summary.verdict === 'error' ? 'fail' : summary.verdict;
  return (
    <div
      className={`verdict verdict-${summary.verdict}`}
      data-testid="run-verdict"
      data-verdict={summary.verdict}
    >
      <StatusIcon status={icon} />
      {/* Only the words are live: the ticking time would make a screen reader chatter. */}
      <div className="verdict-text" role="status" aria-live="polite">
        <strong data-testid="run-headline">{summary.headline}</strong>
        {top && summary.verdict !== 'pass' ? (
          <span className="verdict-cause">Most likely: {top.title}</span>
        ) : null}
      </div>
      <span className="verdict-meta">
        {run.fromHistory && run.report ? (
          <span className="badge badge-quiet" data-testid="run-from-history">
            from history · {formatWhen(run.report.startedAt)}
          </span>
        ) : null}
        {run.scenario ? <span className="badge badge-quiet">scenario {run.scenario}</span> : null}
        <span className="verdict-time">{formatDuration(duration)}</span>
      </span>
      {run.report ? <RunActions run={run} /> : null}
    </div>
  );
}

/** A finished run is in the profile's history: compare it, or export it as a bundle. */
function RunActions({ run }: { run: RunState }) {
  const controller = useController();
  const ref = { profileId: run.profileId, runId: run.runId };
  return (
    <span className="verdict-actions">
      {run.report?.verdict === 'fail' ? (
        <button
          type="button"
          className="btn btn-small"
          data-testid="compare-button"
          title="What changed since the last passing run of this profile"
          onClick={() => {
            void controller.compare(ref);
          }}
        >
          Compare with last pass
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
  const controller = useController();
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
      <Verdict run={run} />
      {run.error ? (
        <div className="form-error" role="alert" data-testid="run-error">
          {run.error.message}
        </div>
      ) : null}
      <SignInPanel run={run} />
      <div className="check-grid" data-testid="check-cards">
        {run.checks.map((c) => (
          <CheckCard
            key={c.protocol}
            check={c}
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
          className="tab-panel scroll-panel"
        >
          {run.report ? <ReadinessPanel items={run.report.readiness ?? []} /> : null}
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
            className="tab-panel scroll-panel"
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
          <h1 id="run-heading">
            {summary.name}
            {summary.demo ? <span className="badge badge-demo">Demo</span> : null}
          </h1>
          <div className="run-target">
            <span className="mono">{summary.mailbox}</span>
            {profile && !summary.demo ? (
              <>
                <span className="dot" aria-hidden="true">
                  ·
                </span>
                <span>
                  {profile.credential === 'oidc'
                    ? 'issuer'
                    : profile.credential === 'google-service-account' || profile.credential === 'google-user'
                      ? 'domain'
                      : 'tenant'}{' '}
                  <span className="mono">
                    {profile.credential === 'oidc' ? (profile.issuer ?? profile.tenant) : profile.tenant}
                  </span>
                </span>
                <span className="dot" aria-hidden="true">
                  ·
                </span>
                <span>
                  client <span className="mono">{profile.clientId}</span>
                </span>
              </>
            ) : null}
            {summary.demo ? (
              <span className="muted">
                A simulated Microsoft 365 tenant (and a Google Workspace one, the google-* scenarios) on this
                machine: pick a scenario to see a failure diagnosed.
              </span>
            ) : null}
            {!summary.demo && !summary.hasSecret && summary.credential !== 'certificate' ? (
              <span className="warn-text">No secret stored: edit the profile to enter it.</span>
            ) : null}
          </div>
        </div>
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
