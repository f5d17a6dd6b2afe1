// Two runs of a profile side by side: what was asked differently (the run's options) apart from
// what came out differently (verdicts, steps, causes, claims, TLS), and the server's own reply
// lines from both transcripts, each beside the reply to the same command in the other run.
import { useEffect } from 'react';
import type { HistoryEntry } from '../../../shared/api/contract';
import {
  compareChoice,
  MAX_REPLY_LINES,
  STEP_LABEL,
  type Exchange,
  type ReplyPair,
  type ResultChange,
  type ResultKind,
  type RunDifferences,
} from '../../../shared/history/compare';
import { useAppState, useController } from '../../app/app-context';
import { StatusIcon } from '../../components/status-icon';
import { formatDuration, formatWhen, plural } from '../../state/format';
import { PROTOCOL_LABEL } from '../../state/run-state';
import './history.css';

/** The area each result belongs to, as the rows carry it (data-area). */
const RESULT_AREA: Record<ResultKind, string> = {
  verdict: 'verdict',
  check: 'step',
  step: 'step',
  cause: 'finding',
  token: 'token',
  tls: 'tls',
};

/** The longest client line shown above a reply: the command, not the SASL blob after it. */
const MAX_SENT_CHARS = 64;

function baselineLabel(baseline: HistoryEntry): string {
  return baseline.verdict === 'pass' ? 'Last passing run' : 'Previous run';
}

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

function TableHead({ before }: { before: string }) {
  return (
    <thead>
      <tr>
        <th scope="col">What</th>
        <th scope="col">{before}</th>
        <th scope="col">
          <span className="offscreen">became</span>
        </th>
        <th scope="col">This run</th>
      </tr>
    </thead>
  );
}

function ResultRow({ change }: { change: ResultChange }) {
  return (
    <tr
      data-testid="compare-change"
      data-area={RESULT_AREA[change.kind]}
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

function clipSent(line: string): string {
  return line.length <= MAX_SENT_CHARS ? line : `${line.slice(0, MAX_SENT_CHARS - 1)}…`;
}

/** One run's side of a reply pair: the command as sent, then the server's lines exactly as it sent them. */
function ReplyCell({ exchange, side }: { exchange: Exchange | null; side: 'before' | 'after' }) {
  if (!exchange)
    return (
      <td className={`compare-${side}`} data-side={side} data-sent="false">
        <span className="muted">not sent</span>
      </td>
    );
  const shown = exchange.replies.slice(-MAX_REPLY_LINES);
  const hidden = exchange.replies.length - shown.length;
  return (
    <td className={`compare-${side}`} data-side={side} data-sent="true">
      {exchange.sent !== null ? (
        <div className="compare-sent mono" title={exchange.sent}>
          <span className="offscreen">Sent: </span>
          {clipSent(exchange.sent)}
        </div>
      ) : null}
      {exchange.replies.length === 0 ? (
        <span className="muted">no reply</span>
      ) : (
        <pre className="compare-reply-lines mono" data-testid="compare-reply-lines">
          {hidden > 0 ? `(${plural(hidden, 'earlier line')})\n` : ''}
          {shown.join('\n')}
        </pre>
      )}
    </td>
  );
}

function ReplyRow({ pair }: { pair: ReplyPair }) {
  const only = pair.before === null ? 'after' : pair.after === null ? 'before' : 'both';
  return (
    <tr
      data-testid="compare-change"
      data-area="response"
      data-protocol={pair.protocol}
      data-step={pair.step}
      data-command={pair.command}
      data-only={only}
    >
      <th scope="row">
        <span className="badge badge-quiet">{PROTOCOL_LABEL[pair.protocol]}</span>{' '}
        <span className="mono">{pair.command}</span>
        {pair.occurrence > 1 ? ` (${pair.occurrence}${ordinal(pair.occurrence)} time)` : ''}
        <div className="muted compare-step">{STEP_LABEL[pair.step]}</div>
      </th>
      <ReplyCell exchange={pair.before} side="before" />
      <td className="compare-arrow" aria-hidden="true">
        →
      </td>
      <ReplyCell exchange={pair.after} side="after" />
    </tr>
  );
}

function ordinal(n: number): string {
  if (n % 100 >= 11 && n % 100 <= 13) return 'th';
  return n % 10 === 2 ? 'nd' : n % 10 === 3 ? 'rd' : 'th';
}

function ResultTable(props: {
  title: string;
  testId: string;
  before: string;
  changes: ResultChange[];
  same: string;
}) {
  const id = `${props.testId}-heading`;
  return (
    <section className="compare-subgroup" aria-labelledby={id} data-testid={props.testId}>
      <h3 id={id}>{props.title}</h3>
      {props.changes.length === 0 ? (
        <p className="muted">{props.same}</p>
      ) : (
        <div className="table-wrap">
          <table className="compare-table">
            <TableHead before={props.before} />
            <tbody>
              {props.changes.map((c, i) => (
                <ResultRow key={i} change={c} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function Differences({ differences, before }: { differences: RunDifferences; before: string }) {
  const { options, notKnown, results, replies, sameReplies } = differences;
  const unknown = notKnown.map((n) => (
    <p key={n.what} className="muted" data-testid="compare-option-not-known" data-what={n.what}>
      {n.what}: not known for{' '}
      {n.runs === 'both' ? 'either run' : n.runs === 'before' ? `the ${before.toLowerCase()}` : 'this run'},
      which stopped before it would have mattered; not listed as a difference.
    </p>
  ));
  if (options.length === 0 && results.length === 0 && replies.length === 0)
    return (
      <p data-testid="compare-same">
        Nothing that matters changed: same options, verdicts, steps, replies, causes, claims and TLS.
      </p>
    );
  return (
    <>
      <section
        className="compare-group"
        aria-labelledby="compare-options-heading"
        data-testid="compare-options"
      >
        <h2 id="compare-options-heading">Options</h2>
        <p className="muted compare-explain">What the two runs were asked to do differently.</p>
        {options.length === 0 ? (
          <p data-testid="compare-options-same">Both runs were made with the same options.</p>
        ) : (
          <div className="table-wrap">
            <table className="compare-table">
              <TableHead before={before} />
              <tbody>
                {options.map((o) => (
                  <tr key={o.what} data-testid="compare-option" data-what={o.what}>
                    <th scope="row">{o.what}</th>
                    <td className="compare-before">
                      <Value value={o.before} />
                    </td>
                    <td className="compare-arrow" aria-hidden="true">
                      →
                    </td>
                    <td className="compare-after">
                      <Value value={o.after} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {unknown}
      </section>
      <section
        className="compare-group"
        aria-labelledby="compare-results-heading"
        data-testid="compare-results"
      >
        <h2 id="compare-results-heading">Results</h2>
        <p className="muted compare-explain">What came out differently.</p>
        <ResultTable
          title="Verdicts and steps"
          testId="compare-steps"
          before={before}
          changes={results.filter((c) => c.kind === 'verdict' || c.kind === 'check' || c.kind === 'step')}
          same="Same verdicts and steps in both runs."
        />
        <section
          className="compare-subgroup"
          aria-labelledby="compare-replies-heading"
          data-testid="compare-replies"
        >
          <h3 id="compare-replies-heading">Server replies</h3>
          <p className="muted compare-explain">
            The server&apos;s own lines from each run&apos;s transcript, beside the reply to the same command
            in the other run. {plural(sameReplies, 'command')} answered alike (tags, dates, ids and server
            names aside) {sameReplies === 1 ? 'is' : 'are'} not shown.
          </p>
          {replies.length === 0 ? (
            <p data-testid="compare-replies-same">Every command was answered alike in both runs.</p>
          ) : (
            <div className="table-wrap">
              <table className="compare-table compare-replies-table">
                <TableHead before={before} />
                <tbody>
                  {replies.map((p, i) => (
                    <ReplyRow key={i} pair={p} />
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
        <ResultTable
          title="Causes"
          testId="compare-causes"
          before={before}
          changes={results.filter((c) => c.kind === 'cause')}
          same="The same causes were found in both runs."
        />
        <ResultTable
          title="Token claims and TLS"
          testId="compare-token-tls"
          before={before}
          changes={results.filter((c) => c.kind === 'token' || c.kind === 'tls')}
          same="Same token claims and TLS in both runs."
        />
      </section>
    </>
  );
}

/** No baseline: the last pass was asked for and there is none; the run before, when there is one. */
function NoBaseline({ run }: { run: HistoryEntry }) {
  const controller = useController();
  const entries = useAppState((s) => s.history[run.profileId]?.entries ?? null);
  useEffect(() => {
    void controller.loadHistory(run.profileId);
  }, [controller, run.profileId]);
  const choice = entries ? compareChoice(entries, run.id) : null;
  return (
    <div className="compare-run compare-run-none" data-testid="compare-no-baseline">
      <div className="compare-run-label">Nothing to compare with</div>
      <p className="muted">
        {choice
          ? 'This profile has no passing run before this one.'
          : 'This profile has no run before this one, so there is nothing to compare with yet.'}
      </p>
      {choice ? (
        <button
          type="button"
          className="btn btn-small"
          data-testid="compare-with-previous"
          onClick={() => {
            void controller.compare({ profileId: run.profileId, runId: run.id }, choice.baselineId);
          }}
        >
          {choice.kind === 'last-pass' ? 'Compare with last pass' : 'Compare with the previous run'}
        </button>
      ) : null}
    </div>
  );
}

export function CompareScreen() {
  const comparison = useAppState((s) => s.comparison);
  const controller = useController();
  const value = comparison?.value ?? null;
  // Worked out by the engine, off the app's main thread, from both kept runs.
  const differences = value?.differences ?? null;
  if (!comparison) return null;
  const before = value?.baseline ? baselineLabel(value.baseline) : 'Earlier run';
  return (
    <section className="screen compare-screen" aria-labelledby="compare-heading" data-testid="compare-screen">
      <header className="screen-header history-header">
        <div>
          <h1 id="compare-heading">What changed</h1>
          <p className="screen-sub">
            This run beside {before === 'Last passing run' ? 'the last passing run' : 'the run before it'} of
            the same profile: first what the runs were asked to do differently, then what came out
            differently.
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
        <div className="compare-runs">
          {value.baseline ? (
            <RunCard label={baselineLabel(value.baseline)} entry={value.baseline} />
          ) : (
            <NoBaseline run={value.run} />
          )}
          <RunCard label="This run" entry={value.run} />
        </div>
      ) : null}
      {differences ? <Differences differences={differences} before={before} /> : null}
    </section>
  );
}
