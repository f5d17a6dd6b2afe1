// Form fields with their label, their hint and their validation message wired for assistive
// technology (aria-invalid, aria-describedby).
import { useId, type ReactNode } from 'react';

interface FieldProps {
  label: string;
  error?: string | undefined;
  hint?: ReactNode;
  className?: string;
  children: (props: {
    id: string;
    'aria-invalid': boolean;
    'aria-describedby': string | undefined;
  }) => ReactNode;
}

export function Field({ label, error, hint, className, children }: FieldProps) {
  const id = useId();
  const errorId = `${id}-error`;
  const hintId = `${id}-hint`;
  const describedBy = [error ? errorId : null, hint ? hintId : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field${error ? ' field-invalid' : ''}${className ? ` ${className}` : ''}`}>
      <label htmlFor={id}>{label}</label>
      {children({ id, 'aria-invalid': Boolean(error), 'aria-describedby': describedBy })}
      {error ? (
        <div className="field-error" id={errorId}>
          {error}
        </div>
      ) : null}
      {hint ? (
        <div className="field-hint" id={hintId}>
          {hint}
        </div>
      ) : null}
    </div>
  );
}

interface TextFieldProps {
  label: string;
  value: string;
  onChange: (value: string) => void;
  error?: string | undefined;
  hint?: ReactNode;
  type?: 'text' | 'password' | 'email' | 'url';
  placeholder?: string;
  disabled?: boolean;
  mono?: boolean;
  className?: string;
  testId?: string;
  autoComplete?: string;
  inputMode?: 'numeric' | 'text' | 'email' | 'url';
  maxLength?: number;
  /** When the field loses focus with this value: where a check needs the whole value. */
  onCommit?: (value: string) => void;
}

export function TextField(props: TextFieldProps) {
  return (
    <Field label={props.label} error={props.error} hint={props.hint} className={props.className ?? ''}>
      {(aria) => (
        <input
          {...aria}
          type={props.type ?? 'text'}
          className={props.mono ? 'mono' : undefined}
          value={props.value}
          placeholder={props.placeholder}
          disabled={props.disabled}
          data-testid={props.testId}
          autoComplete={props.autoComplete ?? 'off'}
          spellCheck={false}
          inputMode={props.inputMode}
          maxLength={props.maxLength}
          onChange={(e) => {
            props.onChange(e.target.value);
          }}
          onBlur={
            props.onCommit
              ? (e) => {
                  props.onCommit?.(e.target.value);
                }
              : undefined
          }
        />
      )}
    </Field>
  );
}

interface SelectFieldProps<T extends string> {
  label: string;
  value: T;
  options: ReadonlyArray<{ id: T; label: string }>;
  onChange: (value: T) => void;
  error?: string | undefined;
  hint?: ReactNode;
  disabled?: boolean;
  className?: string;
  testId?: string;
}

export function SelectField<T extends string>(props: SelectFieldProps<T>) {
  return (
    <Field label={props.label} error={props.error} hint={props.hint} className={props.className ?? ''}>
      {(aria) => (
        <select
          {...aria}
          value={props.value}
          disabled={props.disabled}
          data-testid={props.testId}
          onChange={(e) => {
            const next = props.options.find((o) => o.id === e.target.value);
            if (next) props.onChange(next.id);
          }}
        >
          {props.options.map((o) => (
            <option key={o.id} value={o.id}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}
