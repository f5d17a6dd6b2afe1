import { useState } from 'react';
import { useAppState, useController } from '../../app/app-context';
import { TokenInspector } from './token-inspector';
import { PasteForm } from '../../components/paste-form';

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
      {inspect.section ? <TokenInspector section={inspect.section} /> : null}
    </section>
  );
}
