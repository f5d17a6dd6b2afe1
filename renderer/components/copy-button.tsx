import { useEffect, useState } from 'react';
import { copyText } from './clipboard';

interface Props {
  text: string | (() => string);
  /** The accessible name: what is copied ("Copy command 2"). */
  label: string;
  children?: string;
  className?: string;
  testId?: string;
  disabled?: boolean;
  /**
   * For a command that must not be pasted unseen: the first click only asks (this text is shown
   * and announced), the second within a few seconds copies.
   */
  confirm?: string;
}

type State = 'idle' | 'confirming' | 'copied' | 'failed';

export function CopyButton({ text, label, children = 'Copy', className, testId, disabled, confirm }: Props) {
  const [state, setState] = useState<State>('idle');
  useEffect(() => {
    if (state === 'idle') return;
    const timer = setTimeout(
      () => {
        setState('idle');
      },
      state === 'confirming' ? 6000 : 1500,
    );
    return () => {
      clearTimeout(timer);
    };
  }, [state]);
  const copy = (): void => {
    void copyText(typeof text === 'function' ? text() : text).then((ok) => {
      setState(ok ? 'copied' : 'failed');
    });
  };
  const shown =
    state === 'copied'
      ? 'Copied'
      : state === 'failed'
        ? 'Copy failed'
        : state === 'confirming'
          ? 'Click again to copy'
          : children;
  const button = (
    <button
      type="button"
      className={`btn btn-small btn-quiet${confirm ? ' btn-confirm' : ''}${state === 'confirming' ? ' is-confirming' : ''}${className ? ` ${className}` : ''}`}
      aria-label={state === 'confirming' ? `${label}: click again to copy` : label}
      data-testid={testId}
      data-state={state}
      disabled={disabled}
      onClick={() => {
        if (confirm && state !== 'confirming') setState('confirming');
        else copy();
      }}
    >
      <span aria-live="polite">{shown}</span>
    </button>
  );
  if (!confirm) return button;
  return (
    <span className="copy-button">
      {button}
      {state === 'confirming' ? (
        <span className="copy-confirm" role="status" data-testid={testId ? `${testId}-confirm` : undefined}>
          {confirm}
        </span>
      ) : null}
    </span>
  );
}
