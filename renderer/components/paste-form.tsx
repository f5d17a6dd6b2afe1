// A text area to paste into, with submit (button or Ctrl/Cmd+Enter), clear, and the request's
// error: the form of the "Explain an error" and "Inspect a token" screens.
interface PasteFormProps {
  /** Used for the textarea id and the test ids (`<name>-input`, `<name>-submit`). */
  name: string;
  label: string;
  placeholder: string;
  value: string;
  onChange: (value: string) => void;
  onSubmit: () => void;
  pending: boolean;
  submitLabel: string;
  pendingLabel: string;
  error: string | null;
  short?: boolean;
  /** Tokens are not words: no autocomplete, no spell check. */
  secretLike?: boolean;
}

export function PasteForm(props: PasteFormProps) {
  const id = `${props.name}-input`;
  return (
    <>
      <form
        className="paste-form"
        onSubmit={(e) => {
          e.preventDefault();
          props.onSubmit();
        }}
      >
        <label htmlFor={id} className="offscreen">
          {props.label}
        </label>
        <textarea
          id={id}
          className={`mono paste-area${props.short ? ' paste-area-short' : ''}`}
          data-testid={id}
          placeholder={props.placeholder}
          value={props.value}
          spellCheck={false}
          {...(props.secretLike ? { autoComplete: 'off' } : {})}
          onChange={(e) => {
            props.onChange(e.target.value);
          }}
          onKeyDown={(e) => {
            if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') {
              e.preventDefault();
              e.stopPropagation();
              props.onSubmit();
            }
          }}
        />
        <div className="form-actions">
          <button
            type="submit"
            className="btn btn-primary"
            data-testid={`${props.name}-submit`}
            disabled={props.pending || props.value.trim() === ''}
          >
            {props.pending ? props.pendingLabel : props.submitLabel}
          </button>
          <button
            type="button"
            className="btn"
            disabled={props.value === ''}
            onClick={() => {
              props.onChange('');
            }}
          >
            Clear
          </button>
          <span className="muted">Ctrl+Enter</span>
        </div>
      </form>
      {props.error ? (
        <div className="form-error" role="alert">
          {props.error}
        </div>
      ) : null}
    </>
  );
}
