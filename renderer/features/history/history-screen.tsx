// A profile's earlier runs, newest first: verdict, time, checks and most likely cause; each can be
// opened like a finished run, compared with the last passing one (or, when none passed before it,
// with the run before it), or exported as a bundle.
import { useEffect, useState } from 'react';
import type { HistoryEntry } from '../../../shared/api/contract';
import { compareChoice } from '../../../shared/history/compare';
import { useAppState, useController } from '../../app/app-context';
import { StatusIcon } from '../../components/status-icon';
import { formatDuration, formatWhen, plural } from '../../state/format';
import { PROTOCOL_LABEL } from '../../state/run-state';
import './history.css';

function HistoryRow({ entry, entries }: { entry: HistoryEntry; entries: readonly HistoryEntry[] }) {
  const controller = useController();
  const ref = { profileId: entry.profileId, runId: entry.id };
  // The last pass only where there is one; else the run before; nothing for the first run.
  const choice = compareChoice(entries, entry.id);
  return (
    <tr data-testid="history-row" data-run-id={entry.id} data-verdict={entry.verdict}>
      <td>
        <span className="history-verdict">
          <StatusIcon status={entry.verdict} />
          {entry.verdict === 'pass' ? 'Passed' : 'Failed'}
        </span>
      </td>
      <td>
        <time dateTime={entry.startedAt}>{formatWhen(entry.startedAt)}</time>
      </td>
      <td>
        <div className="history-checks">
          {entry.checks.map((c) => (
            <span key={c.protocol} className={`badge badge-${c.verdict === 'skipped' ? 'quiet' : c.verdict}`}>
              {PROTOCOL_LABEL[c.protocol]}
            </span>
          ))}
          {entry.scenario ? <span className="badge badge-quiet">scenario {entry.scenario}</span> : null}
        </div>
      </td>
      <td className="history-duration">{formatDuration(entry.durationMs)}</td>
      <td className="history-cause">{entry.topFinding ?? <span className="muted">–</span>}</td>
      <td>
        <div className="history-actions">
          <button
            type="button"
            className="btn btn-small"
            data-testid="history-open"
            onClick={() => {
              void controller.openRun(ref);
            }}
          >
            Open
          </button>
          {choice ? (
            <button
              type="button"
              className="btn btn-small"
              data-testid="history-compare"
              data-kind={choice.kind}
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
            data-testid="history-export"
            onClick={() => {
              void controller.previewExport(ref);
            }}
          >
            Export…
          </button>
          <ConfirmButton
            label="Delete"
            confirm="Delete for good"
            testId="history-delete"
            onConfirm={() => {
              void controller.removeRuns(entry.profileId, entry.id);
            }}
          />
        </div>
      </td>
    </tr>
  );
}

/** A button that asks once more before something that cannot be undone. */
function ConfirmButton(props: { label: string; confirm: string; testId: string; onConfirm: () => void }) {
  const [armed, setArmed] = useState(false);
  return (
    <button
      type="button"
      className={`btn btn-small ${armed ? 'btn-danger' : 'btn-danger-quiet'}`}
      data-testid={props.testId}
      data-armed={armed}
      onBlur={() => {
        setArmed(false);
      }}
      onClick={() => {
        if (!armed) {
          setArmed(true);
          return;
        }
        setArmed(false);
        props.onConfirm();
      }}
    >
      {armed ? props.confirm : props.label}
    </button>
  );
}

export function HistoryScreen() {
  const profile = useAppState((s) => s.profiles.find((p) => p.id === s.selectedId) ?? null);
  const history = useAppState((s) => (s.selectedId === null ? undefined : s.history[s.selectedId]));
  const controller = useController();
  const profileId = profile?.id ?? null;
  useEffect(() => {
    if (profileId !== null) void controller.loadHistory(profileId);
  }, [controller, profileId]);
  if (!profile) return null;
  const entries = history?.entries ?? null;
  return (
    <section className="screen history-screen" aria-labelledby="history-heading" data-testid="history-screen">
      <header className="screen-header history-header">
        <div>
          <h1 id="history-heading">History of {profile.name}</h1>
          <p className="screen-sub">
            Every run of this profile is kept here with its steps, findings, redacted transcript and token
            claims (never the token). Compare a failing run with the last passing one, or with the run before
            it when none passed, to see what changed.
          </p>
        </div>
        {entries && entries.length > 0 ? (
          <ConfirmButton
            label="Clear history"
            confirm={`Delete all ${entries.length} runs`}
            testId="history-clear"
            onConfirm={() => {
              void controller.removeRuns(profile.id);
            }}
          />
        ) : null}
        <button
          type="button"
          className="btn"
          data-testid="history-back"
          onClick={() => {
            controller.select(profile.id);
          }}
        >
          Back to the run
        </button>
      </header>
      {history?.error ? (
        <div className="form-error" role="alert">
          Could not read the history: {history.error}
        </div>
      ) : null}
      {entries === null ? (
        history?.error ? null : (
          <p className="muted">Loading…</p>
        )
      ) : entries.length === 0 ? (
        <p className="muted" data-testid="history-empty">
          No run yet: runs appear here once they end.
        </p>
      ) : (
        <>
          <p className="muted history-count">{plural(entries.length, 'run')}, newest first</p>
          <div className="table-wrap">
            <table className="history-table" data-testid="history-table">
              <thead>
                <tr>
                  <th scope="col">Verdict</th>
                  <th scope="col">Started</th>
                  <th scope="col">Checks</th>
                  <th scope="col">Took</th>
                  <th scope="col">Most likely cause</th>
                  <th scope="col">
                    <span className="offscreen">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {entries.map((e) => (
                  <HistoryRow key={e.id} entry={e} entries={entries} />
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
