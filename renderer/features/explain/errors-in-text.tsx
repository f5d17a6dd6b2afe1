import { useMemo } from 'react';
import './explain.css';
import type { Finding } from '../../../shared/report/model';
import { errorLines } from './error-lines';

/** The pasted text's lines that the findings rest on, with their line numbers and causes. */
export function ErrorsInText({ text, findings }: { text: string; findings: readonly Finding[] }) {
  const lines = useMemo(() => errorLines(text, findings), [text, findings]);
  if (lines.length === 0) return null;
  return (
    <section className="errors-in-text" aria-labelledby="errors-in-text-heading" data-testid="errors-in-text">
      <h2 id="errors-in-text-heading">Errors found in the text</h2>
      <ol className="errors-in-text-lines">
        {lines.map((l) => (
          <li key={l.number} value={l.number} data-testid={`error-line-${l.number}`}>
            <span className="line-number" aria-label={`line ${l.number}`}>
              {l.number}
            </span>{' '}
            <mark>
              <code>{l.text.length > 400 ? `${l.text.slice(0, 400)}…` : l.text}</code>
            </mark>{' '}
            <span className="line-causes">{l.causes.join(', ')}</span>
          </li>
        ))}
      </ol>
    </section>
  );
}
