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
}

export function CopyButton({ text, label, children = 'Copy', className, testId, disabled }: Props) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => {
    if (state === 'idle') return;
    const timer = setTimeout(() => {
      setState('idle');
    }, 1500);
    return () => {
      clearTimeout(timer);
    };
  }, [state]);
  return (
    <button
      type="button"
      className={`btn btn-small btn-quiet${className ? ` ${className}` : ''}`}
      aria-label={label}
      data-testid={testId}
      disabled={disabled}
      onClick={() => {
        void copyText(typeof text === 'function' ? text() : text).then((ok) => {
          setState(ok ? 'copied' : 'failed');
        });
      }}
    >
      <span aria-live="polite">
        {state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed' : children}
      </span>
    </button>
  );
}
