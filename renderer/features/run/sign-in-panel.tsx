// A run that waits for a person to sign in. Device code: the page to open, the code to enter (with
// a copy button), how long the code stays valid, the demo tenant's test users. Browser: the sign-in
// page to open. Both with a way to give up; gone once the token arrives or the run ends.
import { useController } from '../../app/app-context';
import { CopyButton } from '../../components/copy-button';
import { useNow } from '../../components/use-now';
import { awaitedSignIn, type RunState } from '../../state/run-state';

function remaining(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

export function SignInPanel({ run }: { run: RunState }) {
  const prompt = awaitedSignIn(run);
  const now = useNow(1000, prompt !== null);
  const controller = useController();
  if (!prompt) return null;
  if (prompt.kind === 'browser')
    return (
      <section
        className="sign-in-panel"
        role="dialog"
        aria-labelledby="sign-in-heading"
        data-testid="sign-in-panel"
      >
        <h2 id="sign-in-heading">Waiting for a sign-in</h2>
        <p>
          <a href={prompt.url} target="_blank" rel="noopener noreferrer" data-testid="sign-in-link">
            Open the sign-in page
          </a>{' '}
          and sign in as the mailbox&apos;s user; the browser then comes back to MailProbe and the check goes
          on by itself.
        </p>
        <button
          type="button"
          className="btn"
          onClick={() => controller.cancel()}
          data-testid="sign-in-cancel"
        >
          Cancel the check
        </button>
      </section>
    );
  const left = prompt.expiresInSeconds - (now - prompt.receivedAtWall) / 1000;
  return (
    <section
      className="sign-in-panel"
      role="dialog"
      aria-labelledby="sign-in-heading"
      data-testid="sign-in-panel"
    >
      <h2 id="sign-in-heading">Waiting for a sign-in</h2>
      <p>
        Open{' '}
        <a href={prompt.verificationUri} target="_blank" rel="noopener noreferrer" data-testid="sign-in-link">
          {prompt.verificationUri}
        </a>{' '}
        in a browser, enter the code and sign in as the mailbox&apos;s user. The check goes on by itself once
        the sign-in is done.
      </p>
      <div className="sign-in-code">
        <code data-testid="sign-in-code" aria-label="Code to enter">
          {prompt.userCode}
        </code>
        <CopyButton text={prompt.userCode} label="Copy the code" testId="sign-in-copy" />
      </div>
      <p className="sign-in-expiry" data-testid="sign-in-expiry" aria-live="off">
        {left > 0
          ? `The code is valid for ${remaining(left)} more.`
          : 'The code has expired: run the check again.'}
      </p>
      {prompt.demoUsers.length > 0 ? (
        <div className="sign-in-demo">
          <p>The demo tenant&apos;s test users (new passwords at every start):</p>
          <ul data-testid="sign-in-demo-users">
            {prompt.demoUsers.map((u) => (
              <li key={u.address}>
                <code>{u.address}</code> password <code>{u.password}</code>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <button type="button" className="btn" onClick={() => controller.cancel()} data-testid="sign-in-cancel">
        Cancel the check
      </button>
    </section>
  );
}
