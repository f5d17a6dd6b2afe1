// The readiness audit of a run: what works today and will break, when, and the fix (basic SMTP
// AUTH's retirement, old TLS, a secret or certificate near its end, a legacy access policy).
// Nothing is shown when the audit has nothing to say.
import type { ReadinessItem } from '../../../shared/report/model';
import { PROTOCOL_LABEL } from '../../state/run-state';
import './readiness.css';

const STATUS_LABEL: Record<ReadinessItem['status'], string> = {
  fail: 'Broken now',
  warn: 'Will break',
  ok: 'Fine for now',
};

export function ReadinessPanel({ items }: { items: readonly ReadinessItem[] }) {
  if (items.length === 0) return null;
  const toFix = items.filter((i) => i.status !== 'ok').length;
  return (
    <section className="readiness" data-testid="readiness" aria-label="Readiness">
      <h3 className="readiness-title">
        Readiness{' '}
        <span className="muted">
          {toFix === 0 ? 'nothing to act on' : `${toFix} thing${toFix === 1 ? '' : 's'} to act on`}
        </span>
      </h3>
      <ul className="readiness-list">
        {items.map((item) => (
          <li
            key={`${item.topic}-${item.protocol ?? 'all'}-${item.summary}`}
            className={`readiness-item readiness-${item.status}`}
            data-testid={`readiness-${item.topic}`}
            data-status={item.status}
          >
            <div className="readiness-head">
              <span className={`badge readiness-badge-${item.status}`}>{STATUS_LABEL[item.status]}</span>
              {item.protocol ? <span className="muted">{PROTOCOL_LABEL[item.protocol]}</span> : null}
              {item.when && item.status !== 'ok' ? (
                <span className="readiness-when">by {item.when}</span>
              ) : null}
            </div>
            <p className="readiness-summary">{item.summary}</p>
            {item.status !== 'ok' ? <p className="readiness-fix">{item.fix}</p> : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
