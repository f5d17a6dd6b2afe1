// A proxy's URL, password and NO_PROXY list, as Settings and a profile both ask for them. The
// password is write-only: empty keeps what the keychain holds.
import { TextField } from './field';

export interface ProxyFieldValues {
  url: string;
  password: string;
  bypass: string;
  /** The keychain holds a password (and it is not being removed). */
  stored: boolean;
}

interface Props {
  values: ProxyFieldValues;
  urlError: string | undefined;
  /** Test ids: `${prefix}-url`, `${prefix}-password`, `${prefix}-bypass`. */
  prefix: string;
  urlHint: string;
  onChange: (patch: Partial<Omit<ProxyFieldValues, 'stored'>>) => void;
}

export function ProxyFields({ values, urlError, prefix, urlHint, onChange }: Props) {
  return (
    <>
      <TextField
        label="Proxy URL"
        value={values.url}
        error={urlError}
        mono
        placeholder="http://user@proxy.example.com:3128"
        testId={`${prefix}-url`}
        hint={urlHint}
        onChange={(url) => {
          onChange({ url });
        }}
      />
      <TextField
        label="Proxy password"
        type="password"
        value={values.password}
        placeholder={values.stored ? 'stored in the keychain: unchanged' : ''}
        testId={`${prefix}-password`}
        autoComplete="new-password"
        hint="Kept in the OS keychain, never in a file"
        onChange={(password) => {
          onChange({ password });
        }}
      />
      <TextField
        label="No proxy for"
        value={values.bypass}
        mono
        placeholder=".internal.example.com, mail.example.com:993"
        testId={`${prefix}-bypass`}
        hint="NO_PROXY style: domains (with their subdomains), host:port, IP addresses"
        onChange={(bypass) => {
          onChange({ bypass });
        }}
      />
    </>
  );
}
