// What changed between a run and the last passing run of the same profile: steps, server replies,
// token claims, TLS details, timings, findings, each with its value before and after.
import type { ChangeArea, HistoryEntry, RunChange } from '../../../shared/api/contract';
import { useAppState, useController } from '../../app/app-context';
import { StatusIcon } from '../../components/status-icon';
import { formatDuration, formatWhen, plural } from '../../state/format';
import { PROTOCOL_LABEL } from '../../state/run-state';
import './history.css';

const AREA_LABEL: Record<ChangeArea, string> = {
  verdict: 'Verdict',
  target: 'What was checked',
  token: 'Token claims',
  step: 'Steps',
  response: 'Server replies',
  tls: 'TLS',
  timing: 'Timings',
  finding: 'Findings',
};
const AREA_ORDER = Object.keys(AREA_LABEL) as ChangeArea[];

function RunCard({ label, entry }: { label: string; entry: HistoryEntry }) {
  const controller = useController();
  return (
    <div
      className={`compare-run compare-run-${entry.verdict}`}
      data-testid={`compare-${label.toLowerCase().replace(/\W+/g, '-')}`}
    >
      <div className="compare-run-label">{label}</div>
      <div className="compare-run-main">
        <StatusIcon status={entry.verdict} />
        <time dateTime={entry.startedAt}>{formatWhen(entry.startedAt)}</time>
        <span className="muted">{formatDuration(entry.durationMs)}</span>
        {entry.scenario ? <span className="badge badge-quiet">scenario {entry.scenario}</span> : null}
      </div>
      {entry.topFinding ? <div className="compare-run-cause">Most likely: {entry.topFinding}</div> : null}
      <button
        type="button"
        className="btn btn-small"
        onClick={() => {
          void controller.openRun({ profileId: entry.profileId, runId: entry.id });
        }}
      >
        Open this run
      </button>
    </div>
  );
}

function Value({ value }: { value: string | null }) {
  return value === null ? <span className="muted">(none)</span> : <span className="mono">{value}</span>;
}

function ChangeRow({ change }: { change: RunChange }) {
  return (
    <tr
      data-testid="compare-change"
      data-area={change.area}
      data-protocol={change.protocol ?? ''}
      data-step={change.step ?? ''}
    >
      <th scope="row">
        {change.protocol ? (
          <span className="badge badge-quiet">{PROTOCOL_LABEL[change.protocol]}</span>
        ) : null}{' '}
        {change.what}
      </th>
      <td className="compare-before">
        <Value value={change.before} />
      </td>
      <td className="compare-arrow" aria-hidden="true">
        →
      </td>
      <td className="compare-after">
        <Value value={change.after} />
      </td>
    </tr>
  );
}

export function CompareScreen() {
  const comparison = useAppState((s) => s.comparison);
  const controller = useController();
  if (!comparison) return null;
  const value = comparison.value;
  const groups = value
    ? AREA_ORDER.map((area) => ({ area, changes: value.changes.filter((c) => c.area === area) })).filter(
        (g) => g.changes.length > 0,
      )
    : [];
  return (
    <section className="screen compare-screen" aria-labelledby="compare-heading" data-testid="compare-screen">
      <header className="screen-header history-header">
        <div>
          <h1 id="compare-heading">What changed</h1>
          <p className="screen-sub">
            This run beside the last passing run of the same profile. What varies between any two sessions
            (command tags, queue ids, timestamps, token serials) is left out.
          </p>
        </div>
        <button
          type="button"
          className="btn"
          data-testid="compare-back"
          onClick={() => {
            controller.showHistory();
          }}
        >
          History
        </button>
      </header>
      {comparison.pending ? <p className="muted">Comparing…</p> : null}
      {comparison.error ? (
        <div className="form-error" role="alert">
          Could not compare: {comparison.error}
        </div>
      ) : null}
      {value ? (
        <>
          <div className="compare-runs">
            <RunCard label="This run" entry={value.run} />
            {value.baseline ? (
              <RunCard
                label={value.baseline.verdict === 'pass' ? 'Last passing run' : 'Earlier run'}
                entry={value.baseline}
              />
            ) : (
              <div className="compare-run compare-run-none" data-testid="compare-no-baseline">
                <div className="compare-run-label">Last passing run</div>
                <p className="muted">
                  This profile has no passing run before this one, so there is nothing to compare with yet.
                </p>
              </div>
            )}
          </div>
          {value.baseline && groups.length === 0 ? (
            <p data-testid="compare-same">
              Nothing that matters changed: same steps, replies, claims and TLS, similar timings.
            </p>
          ) : null}
          {groups.length > 0 ? <p className="muted">{plural(value.changes.length, 'change')}</p> : null}
          {groups.map((g) => (
            <section key={g.area} className="compare-group" aria-label={AREA_LABEL[g.area]}>
              <h2>{AREA_LABEL[g.area]}</h2>
              <div className="table-wrap">
                <table className="compare-table">
                  <thead>
                    <tr>
                      <th scope="col">What</th>
                      <th scope="col">Last passing run</th>
                      <th scope="col">
                        <span className="offscreen">became</span>
                      </th>
                      <th scope="col">This run</th>
                    </tr>
                  </thead>
                  <tbody>
                    {g.changes.map((c, i) => (
                      <ChangeRow key={i} change={c} />
                    ))}
                  </tbody>
                </table>
              </div>
            </section>
          ))}
        </>
      ) : null}
    </section>
  );
}
