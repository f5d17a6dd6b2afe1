import { useState } from 'react';
import type { Settings } from '../../../shared/api/contract';
import { useAppState, useController } from '../../app/app-context';
import { SelectField, TextField } from '../../components/field';
import { ProxyFields } from '../../components/proxy-fields';
import {
  DEFAULT_SETTINGS,
  draftToSettings,
  settingsDraft,
  validateSettings,
  type SettingsDraft,
} from '../../state/settings-form';

const TLS_CHOICES: ReadonlyArray<{ id: Settings['minTls']; label: string }> = [
  { id: '1.2', label: 'TLS 1.2 (recommended)' },
  { id: '1.3', label: 'TLS 1.3 only' },
];

const PROXY_CHOICES: ReadonlyArray<{ id: Settings['proxy']['mode']; label: string }> = [
  { id: 'system', label: "The system's proxy (PAC included; HTTPS_PROXY / ALL_PROXY in browser mode)" },
  { id: 'manual', label: 'This proxy' },
  { id: 'direct', label: 'No proxy (direct)' },
];

function SettingsForm({ initial }: { initial: Settings }) {
  const controller = useController();
  const [draft, setDraft] = useState<SettingsDraft>(() => settingsDraft(initial));
  const [newCa, setNewCa] = useState('');
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<string | null>(null);
  const errors = validateSettings(draft);
  const invalid = Object.keys(errors).length > 0;
  const set = (patch: Partial<SettingsDraft>): void => {
    setDraft((d) => ({ ...d, ...patch }));
  };
  const [caProblem, setCaProblem] = useState<string | null>(null);
  // Checked when chosen: a file that is missing or holds no certificate is not added.
  const addCa = async (): Promise<void> => {
    const path = newCa.trim();
    if (path === '') return;
    const problem = await controller.checkFile(path, 'certificate');
    if (problem) {
      setCaProblem(`${path} ${problem}`);
      return;
    }
    setCaProblem(null);
    set({ extraCaFiles: [...draft.extraCaFiles, path] });
    setNewCa('');
  };

  return (
    <form
      className="settings-form"
      data-testid="settings-form"
      aria-label="Settings"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        if (invalid) return;
        setSaving(true);
        setSaveError(null);
        void controller.saveSettings(draftToSettings(draft)).then((r) => {
          setSaving(false);
          if (!r.ok) setSaveError(r.error.message);
        });
      }}
    >
      <fieldset className="form-section">
        <legend>Timeouts</legend>
        <div className="form-grid form-grid-3">
          <TextField
            label="Connect (ms)"
            value={draft.connectMs}
            error={errors.connectMs}
            inputMode="numeric"
            mono
            testId="settings-connect-ms"
            hint="TCP connection, per address"
            onChange={(v) => {
              set({ connectMs: v });
            }}
          />
          <TextField
            label="Greeting (ms)"
            value={draft.greetingMs}
            error={errors.greetingMs}
            inputMode="numeric"
            mono
            testId="settings-greeting-ms"
            hint="Until the server's first line"
            onChange={(v) => {
              set({ greetingMs: v });
            }}
          />
          <TextField
            label="Command (ms)"
            value={draft.commandMs}
            error={errors.commandMs}
            inputMode="numeric"
            mono
            testId="settings-command-ms"
            hint="Each command's reply"
            onChange={(v) => {
              set({ commandMs: v });
            }}
          />
        </div>
      </fieldset>
      <fieldset className="form-section">
        <legend>TLS</legend>
        <div className="form-grid">
          <SelectField
            label="Minimum TLS version"
            value={draft.minTls}
            options={TLS_CHOICES}
            testId="settings-min-tls"
            onChange={(v) => {
              set({ minTls: v });
            }}
          />
        </div>
        <div className="ca-files">
          <h3 className="field-label" id="ca-heading">
            Extra trusted CA certificates (PEM files)
          </h3>
          <p className="field-hint">
            For a TLS-inspecting proxy or a private server's CA. Public CAs are always trusted.
          </p>
          <ul className="ca-list" aria-labelledby="ca-heading" data-testid="settings-ca-list">
            {draft.extraCaFiles.length === 0 ? <li className="muted">None</li> : null}
            {draft.extraCaFiles.map((f, i) => (
              <li key={`${f}-${i}`}>
                <code>{f}</code>
                <button
                  type="button"
                  className="btn btn-small btn-quiet"
                  aria-label={`Remove ${f}`}
                  onClick={() => {
                    set({ extraCaFiles: draft.extraCaFiles.filter((_, j) => j !== i) });
                  }}
                >
                  Remove
                </button>
              </li>
            ))}
          </ul>
          {errors.extraCaFiles ? <div className="field-error">{errors.extraCaFiles}</div> : null}
          <div className="ca-add">
            <input
              type="text"
              className="mono"
              aria-label="Path of a CA certificate file to add"
              placeholder="/etc/ssl/corp-proxy-ca.pem"
              data-testid="settings-ca-input"
              aria-invalid={caProblem !== null}
              aria-describedby={caProblem ? 'ca-problem' : undefined}
              value={newCa}
              onChange={(e) => {
                setNewCa(e.target.value);
                setCaProblem(null);
              }}
              onKeyDown={(e) => {
                if (e.key === 'Enter') {
                  e.preventDefault();
                  void addCa();
                }
              }}
            />
            <button
              type="button"
              className="btn"
              data-testid="settings-ca-add"
              disabled={newCa.trim() === ''}
              onClick={() => {
                void addCa();
              }}
            >
              Add
            </button>
          </div>
          {caProblem ? (
            <div className="field-error" id="ca-problem" role="alert" data-testid="settings-ca-problem">
              {caProblem}
            </div>
          ) : null}
        </div>
      </fieldset>
      <fieldset className="form-section" data-testid="settings-proxy">
        <legend>Proxy</legend>
        <p className="field-hint">
          For the token request and every mail connection. A proxy's refusals (407, a denied port) are
          diagnosed as the proxy's, not the server's.
        </p>
        <div className="form-grid">
          <SelectField
            label="Connect through"
            value={draft.proxyMode}
            options={PROXY_CHOICES}
            testId="settings-proxy-mode"
            onChange={(v) => {
              set({ proxyMode: v });
            }}
          />
        </div>
        {draft.proxyMode === 'manual' ? (
          <div className="form-grid">
            <ProxyFields
              values={{
                url: draft.proxyUrl,
                password: draft.proxyPassword,
                bypass: draft.proxyBypass,
                stored: draft.hasProxyPassword && !draft.forgetProxyPassword,
              }}
              urlError={errors.proxyUrl}
              prefix="settings-proxy"
              urlHint="http:// (CONNECT, Basic) or socks5:// (user/password; names resolved by the proxy)"
              onChange={(patch) => {
                set({
                  ...(patch.url !== undefined ? { proxyUrl: patch.url } : {}),
                  ...(patch.bypass !== undefined ? { proxyBypass: patch.bypass } : {}),
                  ...(patch.password !== undefined
                    ? { proxyPassword: patch.password, forgetProxyPassword: false }
                    : {}),
                });
              }}
            />
            {draft.hasProxyPassword ? (
              <label className="inline-check">
                <input
                  type="checkbox"
                  data-testid="settings-proxy-forget"
                  checked={draft.forgetProxyPassword}
                  onChange={(e) => {
                    set({ forgetProxyPassword: e.target.checked, proxyPassword: '' });
                  }}
                />
                Remove the stored proxy password
              </label>
            ) : null}
          </div>
        ) : null}
      </fieldset>
      {saveError ? (
        <div className="form-error" role="alert">
          {saveError}
        </div>
      ) : null}
      <div className="form-actions">
        <button
          type="submit"
          className="btn btn-primary"
          data-testid="settings-save"
          disabled={invalid || saving}
        >
          {saving ? 'Saving…' : 'Save settings'}
        </button>
        <button
          type="button"
          className="btn"
          onClick={() => {
            setDraft(settingsDraft(DEFAULT_SETTINGS));
          }}
        >
          Restore defaults
        </button>
      </div>
    </form>
  );
}

export function SettingsScreen() {
  const settings = useAppState((s) => s.settings);
  const info = useAppState((s) => s.info);
  return (
    <section className="screen" aria-labelledby="settings-heading">
      <header className="screen-header">
        <h1 id="settings-heading">Settings</h1>
        <p className="screen-sub">Network settings for every check.</p>
      </header>
      {settings.error ? (
        <div className="form-error" role="alert">
          {settings.error}
        </div>
      ) : null}
      {settings.value ? (
        <SettingsForm key={JSON.stringify(settings.value)} initial={settings.value} />
      ) : (
        <p className="muted">Loading…</p>
      )}
      {info ? (
        <dl className="about">
          <dt>Version</dt>
          <dd>{info.version}</dd>
          <dt>Secrets</dt>
          <dd data-testid="settings-vault">
            {info.vault.kind === 'keychain'
              ? 'Stored in the OS keychain'
              : `Session only${info.vault.reason ? `: ${info.vault.reason}` : ''}`}
          </dd>
          <dt>Data folder</dt>
          <dd>
            <code>{info.dataDir}</code>
          </dd>
        </dl>
      ) : null}
    </section>
  );
}
