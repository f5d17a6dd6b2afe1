import type { LiveStepStatus, LiveVerdict } from '../state/run-state';

const LABEL: Record<LiveStepStatus | LiveVerdict, string> = {
  pending: 'Pending',
  running: 'Running',
  done: 'Done',
  pass: 'Passed',
  warn: 'Warning',
  fail: 'Failed',
  skipped: 'Skipped',
};

const GLYPH: Record<LiveStepStatus | LiveVerdict, string> = {
  pending: '',
  running: '',
  done: '\u2713',
  pass: '\u2713',
  warn: '!',
  fail: '\u2715',
  skipped: '\u2013',
};

export function statusLabel(status: LiveStepStatus | LiveVerdict): string {
  return LABEL[status];
}

export function StatusIcon({ status }: { status: LiveStepStatus | LiveVerdict }) {
  return (
    <span className={`status-icon status-${status}`} role="img" aria-label={LABEL[status]}>
      {GLYPH[status]}
    </span>
  );
}

export function StatusBadge({
  status,
  children,
}: {
  status: LiveStepStatus | LiveVerdict;
  children?: string;
}) {
  return <span className={`badge badge-${status}`}>{children ?? LABEL[status]}</span>;
}
