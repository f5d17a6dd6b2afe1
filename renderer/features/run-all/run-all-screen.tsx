// "Run all profiles": every saved profile (and the Demo tenant with a scenario, when ticked) run
// through the same engine a few at a time, in a table that fills in as the results arrive: each
// check's verdict, the most likely cause, the time. Sort by any column, filter by text and verdict;
// a row opens its run in the run view; Cancel stops the runs in flight and leaves the rest unrun.
import { useMemo } from 'react';
import type { Protocol } from '../../../shared/report/model';
import { useAppState, useController, useDispatch } from '../../app/app-context';
import { StatusIcon } from '../../components/status-icon';
import { useNow } from '../../components/use-now';
import { isRunAllLive } from '../../state/app-state';
import { formatDuration } from '../../state/format';
import {
  checkColumns,
  countRows,
  filterRows,
  nextSort,
  RUN_ALL_CONCURRENCY,
  sortRows,
  viewRow,
  type RunAllRow,
  type RunAllSortKey,
  type RunAllStatus,
  type RunAllVerdictFilter,
} from '../../state/run-all';
import { PROTOCOL_LABEL } from '../../state/run-state';
import './run-all.css';

const STATUS_LABEL: Record<RunAllStatus, string> = {
  queued: 'Queued',
  running: 'Running',
  done: 'Done',
  failed: 'Could not run',
  skipped: 'Skipped',
  cancelled: 'Cancelled',
};

function SortHeader(props: { label: string; sortKey: RunAllSortKey; className?: string }) {
  const sort = useAppState((s) => s.runAllOptions.sort);
  const dispatch = useDispatch();
  const active = sort.key === props.sortKey;
  return (
    <th
      scope="col"
      className={props.className}
      aria-sort={active ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'}
    >
      <button
        type="button"
        className={`sort-button${active ? ' active' : ''}`}
        data-testid={`run-all-sort-${props.sortKey}`}
        title={`Sort by ${props.label}`}
        onClick={() => {
          dispatch({ type: 'run-all-options', patch: { sort: nextSort(sort, props.sortKey) } });
        }}
      >
        {props.label}
        <span className="sort-mark" aria-hidden="true">
          {active ? (sort.dir === 'asc' ? '\u25b2' : '\u25bc') : ''}
        </span>
      </button>
    </th>
  );
}

function StatusCell({ row }: { row: RunAllRow }) {
  const icon =
    row.status === 'done'
      ? row.verdict === 'fail'
        ? 'fail'
        : 'pass'
      : row.status === 'failed'
        ? 'fail'
        : row.status === 'running'
          ? 'running'
          : row.status === 'queued'
            ? 'pending'
            : 'skipped';
  const label =
    row.status === 'done' ? (row.verdict === 'fail' ? 'Failed' : 'Passed') : STATUS_LABEL[row.status];
  return (
    <span className="run-all-status" data-testid="run-all-status">
      <StatusIcon status={icon} />
      {label}
    </span>
  );
}

function Row({ row, columns, live }: { row: RunAllRow; columns: Protocol[]; live: boolean }) {
  const controller = useController();
  const now = useNow(500, live && row.status === 'running');
  const startedAt = useAppState((s) =>
    row.status === 'running' ? (s.runs[row.profileId]?.startedAtWall ?? null) : null,
  );
  const canOpen = row.runId !== null && row.status !== 'queued';
  const open = (): void => {
    if (canOpen) void controller.openRunAllRow(row.profileId);
  };
  const duration = row.durationMs ?? (startedAt !== null ? Math.max(0, now - startedAt) : null);
  return (
    <tr
      data-testid="run-all-row"
      data-profile-id={row.profileId}
      data-status={row.status}
      data-verdict={row.verdict ?? ''}
      className={canOpen ? 'openable' : undefined}
      onClick={open}
    >
      <td>
        <div className="run-all-profile">
          {canOpen ? (
            <button
              type="button"
              className="link-button"
              data-testid="run-all-open"
              title="Open this run in the run view"
              onClick={(e) => {
                e.stopPropagation();
                open();
              }}
            >
              <span data-testid="run-all-name">{row.name}</span>
            </button>
          ) : (
            <span data-testid="run-all-name">{row.name}</span>
          )}
          {row.demo ? <span className="badge badge-demo">Demo</span> : null}
          {row.scenario ? <span className="badge badge-quiet">{row.scenario}</span> : null}
        </div>
      </td>
      <td className="mono run-all-target" data-testid="run-all-target">
        {row.target}
      </td>
      <td>
        <StatusCell row={row} />
      </td>
      {columns.map((p) => {
        const v = row.verdicts[p];
        return (
          <td key={p} className="run-all-check" data-testid={`run-all-${p}`} data-verdict={v ?? ''}>
            {v === undefined ? (
              <span className="muted" aria-label="Not checked">
                –
              </span>
            ) : (
              <StatusIcon status={v} />
            )}
          </td>
        );
      })}
      <td className="run-all-cause" data-testid="run-all-cause">
        {row.cause ? (
          <>
            <span className="mono cause-id">{row.cause}</span>
            <span className="cause-title">{row.title}</span>
          </>
        ) : row.reason ? (
          <span className="muted">{row.reason}</span>
        ) : (
          <span className="muted">–</span>
        )}
      </td>
      <td className="run-all-duration" data-testid="run-all-duration">
        {formatDuration(duration)}
      </td>
    </tr>
  );
}

export function RunAllScreen() {
  const runAll = useAppState((s) => s.runAll);
  const runs = useAppState((s) => s.runs);
  const options = useAppState((s) => s.runAllOptions);
  const scenarios = useAppState((s) => s.info?.scenarios ?? null);
  const saved = useAppState((s) => s.profiles.filter((p) => !p.demo).length);
  const busy = useAppState((s) => s.activeRunId !== null);
  const live = useAppState(isRunAllLive);
  const connected = useAppState((s) => s.connection.kind !== 'closed');
  const controller = useController();
  const dispatch = useDispatch();

  const rows = useMemo(() => (runAll?.rows ?? []).map((r) => viewRow(r, runs)), [runAll, runs]);
  const columns = useMemo(() => checkColumns(rows), [rows]);
  const shown = useMemo(
    () => sortRows(filterRows(rows, options.text, options.verdict), options.sort),
    [rows, options.text, options.verdict, options.sort],
  );
  const counts = countRows(rows);
  const cancelling = runAll?.phase === 'cancelling';
  const nothing = saved === 0 && !options.includeDemo;

  return (
    <section className="screen run-all-screen" aria-labelledby="run-all-heading" data-testid="run-all-screen">
      <header className="screen-header">
        <h1 id="run-all-heading">Run all profiles</h1>
        <p className="screen-sub">
          Runs the default checks (token, IMAP, POP3, SMTP) of every saved profile, {RUN_ALL_CONCURRENCY} at a
          time, and Microsoft Graph beside them when asked (for the profiles where an app signs in to
          Microsoft 365). A profile where a person signs in is skipped unless its sign-in is kept. Each run is
          kept in its profile's history; click a row to open it.
        </p>
      </header>
      <div className="run-toolbar run-all-toolbar" role="group" aria-label="Run all options">
        <label className="inline-check">
          <input
            type="checkbox"
            checked={options.includeDemo}
            disabled={live}
            data-testid="run-all-include-demo"
            onChange={(e) => {
              dispatch({ type: 'run-all-options', patch: { includeDemo: e.target.checked } });
            }}
          />
          Include the Demo tenant
        </label>
        <label className="inline-check">
          <input
            type="checkbox"
            checked={options.graph}
            disabled={live}
            data-testid="run-all-add-graph"
            onChange={(e) => {
              dispatch({ type: 'run-all-options', patch: { graph: e.target.checked } });
            }}
          />
          Add the Microsoft Graph check
        </label>
        {options.includeDemo && scenarios ? (
          <label className="inline-field">
            <span>Scenario</span>
            <select
              value={options.demoScenario}
              disabled={live}
              data-testid="run-all-scenario"
              aria-label="Demo tenant's lab scenario"
              onChange={(e) => {
                dispatch({ type: 'run-all-options', patch: { demoScenario: e.target.value } });
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
        <span className="spacer" />
        <button
          type="button"
          className="btn"
          data-testid="run-all-cancel"
          disabled={!live || cancelling}
          title="Cancel the runs in flight; the queued ones are not started (Escape)"
          onClick={() => {
            controller.cancelRunAll();
          }}
        >
          {cancelling ? 'Cancelling…' : 'Cancel'}
        </button>
        <button
          type="button"
          className="btn btn-primary"
          data-testid="run-all-button"
          disabled={live || busy || nothing || !connected}
          title={
            busy
              ? 'A run is going: wait for it to end'
              : nothing
                ? 'No saved profile: save one, or include the Demo tenant'
                : 'Run every profile'
          }
          onClick={() => {
            void controller.runAll();
          }}
        >
          {live ? 'Running…' : 'Run all profiles'}
        </button>
      </div>
      {runAll ? (
        <>
          <div className="run-all-filters" role="group" aria-label="Filter the table">
            <input
              type="search"
              className="run-all-search"
              placeholder="Filter by profile, tenant or cause"
              aria-label="Filter by text"
              data-testid="run-all-filter"
              value={options.text}
              onChange={(e) => {
                dispatch({ type: 'run-all-options', patch: { text: e.target.value } });
              }}
            />
            <fieldset className="segmented">
              <legend className="offscreen">Show</legend>
              {(['all', 'failed', 'passed'] as const satisfies readonly RunAllVerdictFilter[]).map((v) => (
                <label key={v} className={`toggle${options.verdict === v ? ' on' : ''}`}>
                  <input
                    type="radio"
                    name="run-all-verdict"
                    value={v}
                    checked={options.verdict === v}
                    data-testid={`run-all-show-${v}`}
                    onChange={() => {
                      dispatch({ type: 'run-all-options', patch: { verdict: v } });
                    }}
                  />
                  {v === 'all' ? 'All' : v === 'failed' ? 'Failed' : 'Passed'}
                </label>
              ))}
            </fieldset>
            <span className="spacer" />
            <p className="run-all-counts" data-testid="run-all-counts" role="status" aria-live="polite">
              <span data-testid="run-all-count-passed">{counts.passed} passed</span>
              {' · '}
              <span data-testid="run-all-count-failed">{counts.failed} failed</span>
              {' · '}
              <span data-testid="run-all-count-running">{counts.running} running</span>
              {counts.queued > 0 ? ` · ${counts.queued} queued` : ''}
              {counts.skipped > 0 ? ` · ${counts.skipped} skipped` : ''}
              {counts.cancelled > 0 ? ` · ${counts.cancelled} cancelled` : ''}
            </p>
          </div>
          <div className="table-wrap">
            <table className="run-all-table" data-testid="run-all-table" aria-busy={live}>
              <thead>
                <tr>
                  <SortHeader label="Profile" sortKey="profile" />
                  <SortHeader label="Tenant or mailbox" sortKey="target" />
                  <SortHeader label="Status" sortKey="status" />
                  {columns.map((p) => (
                    <SortHeader key={p} label={PROTOCOL_LABEL[p]} sortKey={p} className="run-all-check" />
                  ))}
                  <SortHeader label="Most likely cause" sortKey="cause" />
                  <SortHeader label="Took" sortKey="duration" />
                </tr>
              </thead>
              <tbody>
                {shown.map((r) => (
                  <Row key={r.profileId} row={r} columns={columns} live={live} />
                ))}
              </tbody>
            </table>
            {shown.length === 0 ? (
              <p className="muted panel-note" data-testid="run-all-none">
                No row matches the filter.
              </p>
            ) : null}
          </div>
        </>
      ) : (
        <p className="muted" data-testid="run-all-empty">
          {nothing
            ? 'No saved profile yet: save one with + New, or include the Demo tenant.'
            : `${saved} saved profile${saved === 1 ? '' : 's'} to run.`}
        </p>
      )}
    </section>
  );
}
