import { useState } from 'react';
import type { Result } from '../../../shared/api/contract';
import type { Protocol, StepId, StepResult } from '../../../shared/report/model';
import { StatusIcon, statusLabel } from '../../components/status-icon';
import { formatAgainst, formatDuration } from '../../state/format';
import {
  PROTOCOL_LABEL,
  SECURITY_NAME,
  stepFacts,
  stepTimeoutMs,
  tlsVersionName,
  type LiveCheck,
  type LiveStep,
  type Timeouts,
} from '../../state/run-state';
import { STEP_NAME } from '../../state/transcript-filter';

/** The cards and the transcript's filter name steps alike. */
const STEP_LABEL = STEP_NAME;

interface Props {
  check: LiveCheck;
  /** Shown instead of the endpoint before the report gives the real one (the demo's lab ports). */
  endpointNote: string | null;
  /** How the token is obtained, for the token card (client credentials unless said). */
  tokenNote?: string | undefined;
  onStep: (protocol: Protocol, step: StepId) => void;
  /** The TLS floor probe of this check's endpoint, when the run is over and TLS was reached. */
  onProbeTls?: (() => Promise<Result<StepResult>>) | undefined;
  /** Whether the run is still going (a running step shows its time against its limit). */
  live: boolean;
  /** Each step's elapsed time on the run's clock, and the check's. */
  elapsed: (step: LiveStep) => number | null;
  checkElapsed: number | null;
  /** The timeouts the steps run against (Settings), when known. */
  timeouts: Timeouts | null;
}

/** "Which TLS versions does this server accept?", asked from the TLS step and answered below it. */
function TlsProbe({ protocol, probe }: { protocol: Protocol; probe: () => Promise<Result<StepResult>> }) {
  const [state, setState] = useState<
    | { kind: 'idle' }
    | { kind: 'probing' }
    | { kind: 'done'; step: StepResult }
    | { kind: 'error'; message: string }
  >({ kind: 'idle' });
  const versions =
    state.kind === 'done' && Array.isArray(state.step.detail.versions)
      ? (state.step.detail.versions as Array<{ version: string; verdict: string; said: string }>)
      : [];
  return (
    <div className="tls-probe" data-testid={`tls-probe-${protocol}`}>
      <button
        type="button"
        className="btn btn-small"
        data-testid={`tls-probe-button-${protocol}`}
        disabled={state.kind === 'probing'}
        onClick={() => {
          setState({ kind: 'probing' });
          void probe().then((r) => {
            setState(r.ok ? { kind: 'done', step: r.value } : { kind: 'error', message: r.error.message });
          });
        }}
      >
        {state.kind === 'probing' ? 'Probing TLS versions…' : 'Probe TLS versions'}
      </button>
      {state.kind === 'error' ? <p className="field-error">{state.message}</p> : null}
      {state.kind === 'done' ? (
        <>
          <p className="tls-probe-summary">{state.step.summary}</p>
          <ul className="tls-probe-versions" data-testid={`tls-probe-versions-${protocol}`}>
            {versions.map((v) => (
              <li key={v.version} data-verdict={v.verdict} title={v.said}>
                {tlsVersionName(v.version)}: {v.verdict === 'not-reached' ? 'not probed' : v.verdict}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </div>
  );
}

export function CheckCard({
  check,
  endpointNote,
  tokenNote,
  onStep,
  onProbeTls,
  live,
  elapsed,
  checkElapsed,
  timeouts,
}: Props) {
  const label = PROTOCOL_LABEL[check.protocol];
  const endpoint = check.endpoint;
  const [expanded, setExpanded] = useState(false);
  const problems = check.steps.filter((s) => s.status === 'fail' || s.status === 'warn');
  const running = check.steps.filter((s) => s.status === 'running');
  // Folded, a card shows what matters now: the step running, else the failing and warning ones;
  // a card that passed is its head and one line.
  const shown = new Set((expanded ? check.steps : live ? running : problems).map((s) => s.id));
  const passed = check.steps.filter((s) => s.status === 'pass' || s.status === 'done').length;
  const listId = `steps-${check.protocol}`;
  // The endpoint breaks between host and security mode, never inside the mode.
  const subtitle =
    check.protocol === 'token' ? (
      (tokenNote ?? 'OAuth2 client credentials')
    ) : endpoint && endpointNote === null ? (
      <>
        {endpoint.host}:{endpoint.port} · <span className="nowrap">{SECURITY_NAME[endpoint.security]}</span>
      </>
    ) : (
      (endpointNote ?? '')
    );
  const stepTime = (s: LiveStep): string => {
    const ms = elapsed(s);
    if (ms === null) return '';
    // Against its limit while it runs, and where it failed on (or near) it: a timeout shows as such.
    const limit = stepTimeoutMs(s.id, timeouts);
    return s.status === 'running' || (s.status === 'fail' && limit !== null && ms >= limit * 0.9)
      ? formatAgainst(ms, limit)
      : formatDuration(ms);
  };
  const probe =
    onProbeTls &&
    check.steps.some(
      (s) => (s.id === 'tls' || s.id === 'starttls') && ['pass', 'warn', 'fail'].includes(s.status),
    );
  return (
    <article
      className={`check-card verdict-${check.verdict} ${expanded ? 'expanded' : 'folded'}`}
      data-testid={`check-card-${check.protocol}`}
      data-verdict={check.verdict}
      aria-label={`${label} check: ${statusLabel(check.verdict)}`}
    >
      <header className="check-head">
        <StatusIcon status={check.verdict} />
        <h3>{label}</h3>
        <span className="check-endpoint" data-testid={`check-endpoint-${check.protocol}`}>
          {subtitle}
        </span>
        <span className="check-time" data-testid={`check-time-${check.protocol}`}>
          {formatDuration(checkElapsed)}
        </span>
        <button
          type="button"
          className="step-toggle"
          data-testid={`steps-toggle-${check.protocol}`}
          aria-expanded={expanded}
          aria-controls={listId}
          aria-label={`${expanded ? 'Fold' : 'Show'} the ${check.steps.length} steps of ${label}${live ? '' : ` (${passed} passed)`}`}
          onClick={() => {
            setExpanded((e) => !e);
          }}
        >
          {live ? `${check.steps.length}` : `${passed}/${check.steps.length}`}
          <span aria-hidden="true" className="step-toggle-mark">
            {expanded ? '▾' : '▸'}
          </span>
        </button>
      </header>
      {/* Every step is in the list (folded away when not shown), so that it can be found by id. */}
      <ol className={`step-list${expanded ? '' : ' step-list-folded'}`} id={listId} hidden={shown.size === 0}>
        {check.steps.map((s) => {
          const facts = stepFacts(s);
          const time = stepTime(s);
          return (
            <li key={s.id} hidden={!shown.has(s.id)}>
              <button
                type="button"
                className={`step step-${s.status}`}
                data-testid={`step-${check.protocol}-${s.id}`}
                data-status={s.status}
                title={`${STEP_LABEL[s.id]}${s.summary ? `: ${s.summary}` : ''} (show its transcript lines)`}
                aria-label={`${label} ${STEP_LABEL[s.id]}: ${statusLabel(s.status)}${time !== '' ? `, ${time}` : ''}${s.summary ? `. ${s.summary}` : ''}`}
                onClick={() => {
                  onStep(check.protocol, s.id);
                }}
              >
                <StatusIcon status={s.status} />
                <span className="step-name">{STEP_LABEL[s.id]}</span>
                <span className="step-summary">{s.summary ?? ''}</span>
                <span className="step-time" data-testid={`step-time-${check.protocol}-${s.id}`}>
                  {time}
                </span>
              </button>
              {facts.length > 0 ? (
                <dl className="step-facts" data-testid={`step-facts-${check.protocol}-${s.id}`}>
                  {facts.map((f) => (
                    <div key={f.label}>
                      <dt>{f.label}</dt>
                      <dd>{f.value}</dd>
                    </div>
                  ))}
                </dl>
              ) : null}
            </li>
          );
        })}
      </ol>
      {expanded && probe ? (
        <div className="check-foot">
          <TlsProbe protocol={check.protocol} probe={onProbeTls} />
        </div>
      ) : null}
    </article>
  );
}
