import { useState } from 'react';
import { useAppState, useController } from '../../app/app-context';
import { FindingsPanel } from '../findings/findings-panel';

export function ExplainScreen() {
  const explain = useAppState((s) => s.explain);
  const controller = useController();
  const [text, setText] = useState(explain.text);
  const submit = (): void => {
    void controller.explain(text);
  };
  return (
    <section className="screen" aria-labelledby="explain-heading">
      <header className="screen-header">
        <h1 id="explain-heading">Explain an error</h1>
        <p className="screen-sub">
          Paste an error or a transcript from any client: an application log, <code>curl -v</code>, MailKit,
          Thunderbird, a Python traceback, an AADSTS message. MailProbe lists the causes that fit, the most
          likely first.
        </p>
      </header>
      <form
        className="paste-form"
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <label htmlFor="explain-input" className="offscreen">
          Error text or transcript
        </label>
        <textarea
          id="explain-input"
          className="mono paste-area"
          data-testid="explain-input"
          placeholder={
            'e.g.  A2 NO AUTHENTICATE failed.\n      535 5.7.3 Authentication unsuccessful\n      AADSTS7000215: Invalid client secret provided.'
          }
          value={text}
          spellCheck={false}
          onChange={(e) => {
            setText(e.target.value);
          }}
          onKeyDown={(e) => {
            if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') {
              e.preventDefault();
              e.stopPropagation();
              submit();
            }
          }}
        />
        <div className="form-actions">
          <button
            type="submit"
            className="btn btn-primary"
            data-testid="explain-submit"
            disabled={explain.pending || text.trim() === ''}
          >
            {explain.pending ? 'Explaining…' : 'Explain'}
          </button>
          <button
            type="button"
            className="btn"
            disabled={text === ''}
            onClick={() => {
              setText('');
            }}
          >
            Clear
          </button>
          <span className="muted">Ctrl+Enter</span>
        </div>
      </form>
      {explain.error ? (
        <div className="form-error" role="alert">
          {explain.error}
        </div>
      ) : null}
      {explain.findings ? (
        <FindingsPanel
          findings={explain.findings}
          empty="No known cause matches this text. Paste more of the log: the lines around the error, the server's reply, the token endpoint's answer (AADSTS code)."
        />
      ) : null}
    </section>
  );
}
