import { useEffect, useState } from 'react';
import { useAppState, useController } from '../../app/app-context';
import { TokenInspector } from './token-inspector';
import { PasteForm } from '../../components/paste-form';
import { maskToken } from '../../state/token-view';

export function InspectScreen() {
  const inspect = useAppState((s) => s.inspect);
  const controller = useController();
  const [token, setToken] = useState('');
  // Once inspected, the token is masked: shown again only on request, or to edit it.
  const [masked, setMasked] = useState(false);
  const [revealed, setRevealed] = useState(false);
  const [asked, setAsked] = useState(false);
  useEffect(() => {
    if (asked && !inspect.pending && inspect.section && token !== '') {
      setMasked(true);
      setRevealed(false);
      setAsked(false);
    }
  }, [asked, inspect.pending, inspect.section, token]);
  const submit = (): void => {
    setAsked(true);
    void controller.inspect(token);
  };
  const edit = (): void => {
    setMasked(false);
    setRevealed(false);
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
      {masked ? (
        <div className="token-masked" data-testid="inspect-masked">
          <span className="token-expiry-label" id="inspect-masked-label">
            Access token (inspected)
          </span>
          <code
            className="token-masked-value"
            data-testid="inspect-masked-value"
            aria-labelledby="inspect-masked-label"
          >
            {revealed ? token : maskToken(token)}
          </code>
          <div className="form-actions">
            <button
              type="button"
              className="btn"
              data-testid="inspect-show"
              aria-pressed={revealed}
              onClick={() => {
                setRevealed((r) => !r);
              }}
            >
              {revealed ? 'Hide' : 'Show'}
            </button>
            <button type="button" className="btn" data-testid="inspect-edit" onClick={edit}>
              Edit
            </button>
            <button
              type="button"
              className="btn"
              data-testid="inspect-another"
              onClick={() => {
                setToken('');
                edit();
              }}
            >
              Inspect another
            </button>
          </div>
        </div>
      ) : (
        <PasteForm
          name="inspect"
          label="Access token"
          placeholder="eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiIs…"
          value={token}
          onChange={setToken}
          onSubmit={submit}
          pending={inspect.pending}
          submitLabel="Inspect"
          pendingLabel="Inspecting…"
          error={inspect.error}
          short
          secretLike
        />
      )}
      {inspect.section ? <TokenInspector section={inspect.section} /> : null}
    </section>
  );
}
