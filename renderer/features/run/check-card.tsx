import { useState } from 'react';
import type { Result } from '../../../shared/api/contract';
import type { Protocol, StepId, StepResult } from '../../../shared/report/model';
import { StatusIcon, statusLabel } from '../../components/status-icon';
import { formatDuration } from '../../state/format';
import { PROTOCOL_LABEL, type LiveCheck } from '../../state/run-state';

const STEP_LABEL: Record<StepId, string> = {
  acquire: 'Acquire token',
  inspect: 'Inspect claims',
  dns: 'DNS',
  proxy: 'Proxy',
  tcp: 'TCP connect',
  tls: 'TLS',
  'tls-versions': 'TLS versions',
  greeting: 'Greeting',
  capabilities: 'Capabilities',
  starttls: 'STARTTLS',
  auth: 'Sign-in',
  mailbox: 'Mailbox',
  send: 'Send',
  roundtrip: 'Round trip',
  logout: 'Logout',
};

const SECURITY_LABEL = { tls: 'TLS', starttls: 'STARTTLS', none: 'plaintext' } as const;

interface Props {
  check: LiveCheck;
  /** Shown instead of the endpoint before the report gives the real one (the demo's lab ports). */
  endpointNote: string | null;
  /** How the token is obtained, for the token card (client credentials unless said). */
  tokenNote?: string | undefined;
  onStep: (protocol: Protocol, step: StepId) => void;
  /** The TLS floor probe of this check's endpoint, when the run is over and TLS was reached. */
  onProbeTls?: (() => Promise<Result<StepResult>>) | undefined;
}

const VERSION_NAME: Record<string, string> = {
  TLSv1: 'TLS 1.0',
  'TLSv1.1': 'TLS 1.1',
  'TLSv1.2': 'TLS 1.2',
  'TLSv1.3': 'TLS 1.3',
};

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
                {VERSION_NAME[v.version] ?? v.version}:{' '}
                {v.verdict === 'not-reached' ? 'not probed' : v.verdict}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </div>
  );
}

export function CheckCard({ check, endpointNote, tokenNote, onStep, onProbeTls }: Props) {
  const label = PROTOCOL_LABEL[check.protocol];
  const endpoint = check.endpoint;
  // The step that decided the verdict, said in full under the list (the rows are cut short).
  const problem =
    check.steps.find((s) => s.status === 'fail') ?? check.steps.find((s) => s.status === 'warn');
  return (
    <article
      className={`check-card verdict-${check.verdict}`}
      data-testid={`check-card-${check.protocol}`}
      data-verdict={check.verdict}
      aria-label={`${label} check: ${statusLabel(check.verdict)}`}
    >
      <header className="check-head">
        <StatusIcon status={check.verdict} />
        <h3>{label}</h3>
        <span className="check-time">{formatDuration(check.durationMs)}</span>
      </header>
      <div className="check-endpoint" title={endpoint ? `${endpoint.host}:${endpoint.port}` : undefined}>
        {check.protocol === 'token'
          ? (tokenNote ?? 'OAuth2 client credentials')
          : endpoint && endpointNote === null
            ? `${endpoint.host}:${endpoint.port} · ${SECURITY_LABEL[endpoint.security]}`
            : (endpointNote ?? '')}
      </div>
      <ol className="step-list">
        {check.steps.map((s) => (
          <li key={s.id}>
            <button
              type="button"
              className={`step step-${s.status}`}
              data-testid={`step-${check.protocol}-${s.id}`}
              data-status={s.status}
              title={s.summary ?? `${STEP_LABEL[s.id]}: ${statusLabel(s.status)} (show its transcript lines)`}
              aria-label={`${label} ${STEP_LABEL[s.id]}: ${statusLabel(s.status)}${s.durationMs !== null ? `, ${formatDuration(s.durationMs)}` : ''}${s.summary ? `. ${s.summary}` : ''}`}
              onClick={() => {
                onStep(check.protocol, s.id);
              }}
            >
              <StatusIcon status={s.status} />
              <span className="step-name">{STEP_LABEL[s.id]}</span>
              <span className="step-summary">{s.summary ?? ''}</span>
              <span className="step-time">{formatDuration(s.durationMs)}</span>
            </button>
          </li>
        ))}
      </ol>
      {onProbeTls &&
      check.steps.some(
        (s) => (s.id === 'tls' || s.id === 'starttls') && ['pass', 'warn', 'fail'].includes(s.status),
      ) ? (
        <TlsProbe protocol={check.protocol} probe={onProbeTls} />
      ) : null}
      {problem?.summary ? (
        <p
          className={`check-problem problem-${problem.status}`}
          data-testid={`check-problem-${check.protocol}`}
        >
          <strong>{STEP_LABEL[problem.id]}:</strong> {problem.summary}
        </p>
      ) : null}
    </article>
  );
}
