import type { Protocol, StepId } from '../../../shared/report/model';
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
}

export function CheckCard({ check, endpointNote, tokenNote, onStep }: Props) {
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
