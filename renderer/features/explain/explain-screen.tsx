import { useState } from 'react';
import { useAppState, useController } from '../../app/app-context';
import { FindingsPanel } from '../findings/findings-panel';
import { PasteForm } from '../../components/paste-form';
import { ErrorsInText } from './errors-in-text';

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
      <PasteForm
        name="explain"
        label="Error text or transcript"
        placeholder={
          'e.g.  A2 NO AUTHENTICATE failed.\n      535 5.7.3 Authentication unsuccessful\n      AADSTS7000215: Invalid client secret provided.'
        }
        value={text}
        onChange={setText}
        onSubmit={submit}
        pending={explain.pending}
        submitLabel="Explain"
        pendingLabel="Explaining…"
        error={explain.error}
      />
      {explain.findings ? <ErrorsInText text={explain.text} findings={explain.findings} /> : null}
      {explain.findings ? (
        <FindingsPanel
          findings={explain.findings}
          empty="No known cause matches this text. Paste more of the log: the lines around the error, the server's reply, the token endpoint's answer (AADSTS code)."
        />
      ) : null}
    </section>
  );
}
