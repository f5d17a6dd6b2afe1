import { useState } from 'react';
import { useAppState, useController } from '../../app/app-context';
import { TokenInspector } from './token-inspector';

export function InspectScreen() {
  const inspect = useAppState((s) => s.inspect);
  const controller = useController();
  const [token, setToken] = useState('');
  const submit = (): void => {
    void controller.inspect(token);
  };
  return (
    <section className="screen" aria-labelledby="inspect-heading">
      <header className="screen-header">
        <h1 id="inspect-heading">Inspect a token</h1>
        <p className="screen-sub">
          Paste an access token (with or without <code>Bearer</code>). It is decoded on this machine and
          checked against Exchange Online: audience, roles or scopes, tenant, expiry.
        </p>
      </header>
      <form
        className="paste-form"
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <label htmlFor="inspect-input" className="offscreen">
          Access token
        </label>
        <textarea
          id="inspect-input"
          className="mono paste-area paste-area-short"
          data-testid="inspect-input"
          placeholder="eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiIs…"
          value={token}
          spellCheck={false}
          autoComplete="off"
          onChange={(e) => {
            setToken(e.target.value);
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
            data-testid="inspect-submit"
            disabled={inspect.pending || token.trim() === ''}
          >
            {inspect.pending ? 'Inspecting…' : 'Inspect'}
          </button>
          <button
            type="button"
            className="btn"
            disabled={token === ''}
            onClick={() => {
              setToken('');
            }}
          >
            Clear
          </button>
          <span className="muted">Ctrl+Enter</span>
        </div>
      </form>
      {inspect.error ? (
        <div className="form-error" role="alert">
          {inspect.error}
        </div>
      ) : null}
      {inspect.section ? <TokenInspector section={inspect.section} /> : null}
    </section>
  );
}
