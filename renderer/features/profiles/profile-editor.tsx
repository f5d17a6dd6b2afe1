import { useState, type SubmitEvent } from 'react';
import type { Profile, VaultStatus } from '../../../shared/api/contract';
import { CLOUDS } from '../../../shared/config/clouds';
import type { MailProtocol } from '../../../shared/report/model';
import { useAppState, useController, useDispatch } from '../../app/app-context';
import { SelectField, TextField } from '../../components/field';
import { ProxyFields } from '../../components/proxy-fields';

const PROFILE_PROXY_CHOICES: ReadonlyArray<{ id: 'settings' | 'direct' | 'manual'; label: string }> = [
  { id: 'settings', label: 'The proxy in Settings' },
  { id: 'direct', label: 'No proxy (direct)' },
  { id: 'manual', label: 'A proxy of its own' },
];
import {
  applyCloud,
  CLOUD_CHOICES,
  CREDENTIAL_CHOICES,
  asksSecret,
  personSignsIn,
  OIDC_FLOW_CHOICES,
  draftFromProfile,
  draftToInput,
  draftWarnings,
  applyCredential,
  emptyDraft,
  pastedKeyFacts,
  hasErrors,
  isSendingPath,
  MECHANISM_CHOICES,
  SECURITY_CHOICES,
  validateDraft,
  type DraftField,
  type EndpointDraft,
  type ProfileDraft,
} from '../../state/profile-form';

type FileField = 'certificatePath' | 'keyPath';

const ENDPOINTS: ReadonlyArray<{ id: MailProtocol; label: string }> = [
  { id: 'imap', label: 'IMAP' },
  { id: 'pop3', label: 'POP3' },
  { id: 'smtp', label: 'SMTP' },
];

function VaultNotice({ vault, hasSecret }: { vault: VaultStatus | null; hasSecret: boolean }) {
  const where = vault?.kind === 'session' ? 'session' : 'keychain';
  return (
    <div className={`vault-notice vault-${where}`} data-testid="vault-notice" data-vault={where}>
      {where === 'keychain' ? (
        <>
          <strong>{hasSecret ? 'Stored in the keychain.' : 'Will be stored in the keychain.'}</strong>{' '}
          {hasSecret
            ? 'It is never shown. Leave the field empty to keep it, or type a new one to replace it.'
            : 'The operating system keychain keeps it; MailProbe never shows it again.'}
        </>
      ) : (
        <>
          <strong>Session only.</strong> The secret is kept in memory until MailProbe quits and must be
          entered again next time.{' '}
          {hasSecret ? 'One is set for this session; leave the field empty to keep it. ' : ''}
          <span className="vault-reason">{vault?.reason ?? 'No OS keychain is available.'}</span>
        </>
      )}
    </div>
  );
}

export function ProfileEditor({ profile }: { profile: Profile | null }) {
  const info = useAppState((s) => s.info);
  const controller = useController();
  const dispatch = useDispatch();
  const [draft, setDraft] = useState<ProfileDraft>(() =>
    profile ? draftFromProfile(profile) : emptyDraft(),
  );
  const [touched, setTouched] = useState<ReadonlySet<DraftField | 'all'>>(new Set());
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<string | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  // What the main process found wrong with a chosen file (it exists? a PEM certificate? a key?).
  const [fileProblems, setFileProblems] = useState<Partial<Record<FileField, string>>>({});
  const hasSecret = profile?.hasSecret ?? false;
  const errors = validateDraft(draft, { hasSecret });
  const warnings = draftWarnings(draft);
  const shown = (field: DraftField): string | undefined =>
    touched.has('all') || touched.has(field) ? errors[field] : undefined;
  const checkFile = (field: FileField, path: string): void => {
    if (path.trim() === '') return;
    void controller
      .checkFile(path.trim(), field === 'keyPath' ? 'private-key' : 'certificate')
      .then((problem) => {
        setFileProblems((p) => ({ ...p, [field]: problem ? `This file ${problem}` : undefined }));
      });
  };
  const changeFile = (field: FileField, value: string): void => {
    setFileProblems((p) => ({ ...p, [field]: undefined }));
    update(field, { [field]: value });
  };

  const update = (field: DraftField, patch: Partial<ProfileDraft>): void => {
    setDraft((d) => ({ ...d, ...patch }));
    setTouched((t) => new Set(t).add(field));
  };
  const updateEndpoint = (p: MailProtocol, patch: Partial<EndpointDraft>, field: DraftField): void => {
    setDraft((d) => ({ ...d, [p]: { ...d[p], ...patch } }));
    setTouched((t) => new Set(t).add(field));
  };

  const submit = async (e: SubmitEvent<HTMLFormElement>): Promise<void> => {
    e.preventDefault();
    const form = e.currentTarget;
    setTouched(new Set(['all']));
    if (hasErrors(errors)) {
      setSaveError('Some fields need attention: see the message under each one');
      // After the messages render: take the reader to the first field to fix.
      requestAnimationFrame(() => {
        form.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
      });
      return;
    }
    setSaving(true);
    setSaveError(null);
    const result = await controller.saveProfile(draftToInput(draft));
    setSaving(false);
    // On success the controller selects the saved profile, which closes this form.
    if (!result.ok) setSaveError(result.error.message);
  };

  const oidc = draft.credential === 'oidc';
  const secretLabel = CREDENTIAL_CHOICES.find((c) => c.id === draft.credential)?.secretLabel ?? 'Secret';
  const defaultScope = `https://${draft.cloud === 'custom' ? CLOUDS.global.endpoints.imap.host : CLOUDS[draft.cloud].endpoints.imap.host}/.default`;

  return (
    <section className="screen" aria-labelledby="editor-heading">
      <header className="screen-header">
        <h1 id="editor-heading">{profile ? `Edit "${profile.name}"` : 'New profile'}</h1>
        <p className="screen-sub">
          One profile per customer tenant and mailbox. Secrets go to the keychain, never into the profile file
          or an export.
        </p>
      </header>
      <form
        className="profile-form"
        data-testid="profile-form"
        aria-label="Profile"
        noValidate
        onSubmit={(e) => {
          void submit(e);
        }}
      >
        <fieldset className="form-section">
          <legend>Profile</legend>
          <div className="form-grid">
            <TextField
              label="Name"
              value={draft.name}
              error={shown('name')}
              placeholder="Contoso – shared mailbox"
              testId="field-name"
              onChange={(v) => {
                update('name', { name: v });
              }}
            />
          </div>
        </fieldset>

        <fieldset className="form-section">
          <legend>{oidc ? 'Identity (OpenID provider)' : 'Identity (Microsoft Entra ID)'}</legend>
          <div className="form-grid">
            {oidc ? (
              <>
                <TextField
                  label="Issuer URL"
                  value={draft.issuer}
                  error={shown('issuer')}
                  mono
                  type="url"
                  placeholder="https://sso.example.com/realms/mail"
                  testId="field-issuer"
                  hint="Its /.well-known/openid-configuration names the endpoints"
                  onChange={(v) => {
                    update('issuer', { issuer: v });
                  }}
                />
                <SelectField
                  label="How the token is got"
                  value={draft.oidcFlow}
                  options={OIDC_FLOW_CHOICES}
                  testId="field-oidc-flow"
                  onChange={(v) => {
                    setDraft((d) => ({ ...d, oidcFlow: v }));
                  }}
                />
              </>
            ) : null}
            {oidc ? null : (
              <>
                <SelectField
                  label="Cloud"
                  value={draft.cloud}
                  options={CLOUD_CHOICES}
                  testId="field-cloud"
                  hint={
                    draft.cloud === 'custom' ? 'Hosts are kept as entered' : 'Fills in the mail hosts below'
                  }
                  onChange={(v) => {
                    setDraft((d) => applyCloud(d, v));
                  }}
                />
                <TextField
                  label={draft.cloud === 'custom' ? 'Authority URL' : 'Authority URL (optional)'}
                  value={draft.authority}
                  error={shown('authority')}
                  mono
                  type="url"
                  placeholder={
                    draft.cloud === 'custom' ? 'https://login.example.com' : CLOUDS[draft.cloud].authority
                  }
                  testId="field-authority"
                  onChange={(v) => {
                    update('authority', { authority: v });
                  }}
                />
                <TextField
                  label="Tenant"
                  value={draft.tenant}
                  error={shown('tenant')}
                  mono
                  placeholder="contoso.onmicrosoft.com or tenant GUID"
                  testId="field-tenant"
                  onChange={(v) => {
                    update('tenant', { tenant: v });
                  }}
                />
              </>
            )}
            <TextField
              label={oidc ? 'Client id' : 'Application (client) id'}
              value={draft.clientId}
              error={shown('clientId')}
              mono
              placeholder="00000000-0000-0000-0000-000000000000"
              testId="field-client-id"
              onChange={(v) => {
                update('clientId', { clientId: v });
              }}
            />
            <SelectField
              label="Credential"
              value={draft.credential}
              options={CREDENTIAL_CHOICES}
              testId="field-credential"
              onChange={(v) => {
                setDraft((d) => applyCredential(d, v));
              }}
            />
            {asksSecret(draft) ? (
              <TextField
                label={secretLabel}
                type="password"
                value={draft.secret}
                error={shown('secret')}
                mono
                autoComplete="new-password"
                placeholder={
                  hasSecret
                    ? '\u2022\u2022\u2022\u2022\u2022\u2022\u2022\u2022  (stored; type to replace)'
                    : ''
                }
                testId="field-secret"
                hint={<VaultNotice vault={info?.vault ?? null} hasSecret={hasSecret} />}
                className="span-2"
                onChange={(v) => {
                  // A pasted service-account key fills in its client id when the field is empty.
                  const facts = draft.credential === 'google-service-account' ? pastedKeyFacts(v) : null;
                  update('secret', {
                    secret: v,
                    ...(facts && 'clientId' in facts && draft.clientId.trim() === ''
                      ? { clientId: facts.clientId }
                      : {}),
                  });
                }}
              />
            ) : (
              <p className="field-note span-2" data-testid="device-code-note">
                {oidc
                  ? `No secret is stored: when the check runs, the mailbox's user signs in at the provider (${draft.oidcFlow === 'browser' ? 'in a browser that comes back to http://127.0.0.1:<port>/callback, which the client must allow' : 'with a code shown by the app'}).`
                  : draft.credential === 'browser'
                    ? "No secret is stored: when the check runs, the mailbox's user signs in on Microsoft's page in a browser, which then comes back to the app. The app registration needs the redirect URI http://localhost (Mobile and desktop applications)."
                    : "No secret is stored: when the check runs, it shows a code, and the mailbox's user signs in with it on Microsoft's page. The app registration must allow public client flows."}
              </p>
            )}
            {personSignsIn(draft) ? (
              <label className="inline-check span-2" data-testid="keep-sign-in">
                <input
                  type="checkbox"
                  checked={draft.keepSignIn}
                  disabled={info?.vault.kind === 'session'}
                  data-testid="field-keep-sign-in"
                  onChange={(e) => {
                    const keepSignIn = e.target.checked;
                    setDraft((d) => ({ ...d, keepSignIn }));
                  }}
                />
                {info?.vault.kind === 'session'
                  ? 'Keep the sign-in: needs the OS keychain, which is not available here'
                  : 'Keep the sign-in for the next runs (its refresh token in the keychain; "Forget sign-in" deletes it)'}
              </label>
            ) : null}
            {draft.credential === 'acs' ? (
              <TextField
                label="Communication Services resource (or the whole SMTP user name)"
                value={draft.acsResource}
                error={shown('acsResource')}
                mono
                placeholder="contoso-acs"
                testId="field-acs-resource"
                hint={
                  draft.acsResource.trim() && !/[.|@]/.test(draft.acsResource)
                    ? `User name: ${draft.acsResource.trim()}.${draft.clientId.trim() || '<client id>'}.${draft.tenant.trim() || '<tenant id>'}`
                    : 'The user name is <resource name>.<client id>.<tenant id>; an SMTP Username resource is entered whole'
                }
                className="span-2"
                onChange={(v) => {
                  update('acsResource', { acsResource: v });
                }}
              />
            ) : null}
            {draft.credential === 'hve' ? (
              <p className="field-note span-2" data-testid="hve-note">
                High Volume Email takes a token of this app with the Mail.Send application permission (Office
                365 Exchange Online, admin consent) for an HVE account whose Allowed Apps list has the app
                (Add-HVEAppAccess). SMTP only, to recipients inside the organisation.
              </p>
            ) : null}
            {draft.credential === 'certificate' ? (
              <>
                <TextField
                  label="Certificate file (PEM)"
                  value={draft.certificatePath}
                  error={shown('certificatePath') ?? fileProblems.certificatePath}
                  mono
                  placeholder="/path/to/cert.pem"
                  testId="field-certificate-path"
                  onChange={(v) => {
                    changeFile('certificatePath', v);
                  }}
                  onCommit={(v) => {
                    checkFile('certificatePath', v);
                  }}
                />
                <TextField
                  label="Private key file (PEM)"
                  value={draft.keyPath}
                  error={shown('keyPath') ?? fileProblems.keyPath}
                  mono
                  placeholder="/path/to/key.pem"
                  testId="field-key-path"
                  onChange={(v) => {
                    changeFile('keyPath', v);
                  }}
                  onCommit={(v) => {
                    checkFile('keyPath', v);
                  }}
                />
              </>
            ) : null}
            {draft.credential === 'acs' ? null : (
              <TextField
                label={oidc ? 'Scopes' : 'Scope (optional)'}
                value={draft.scope}
                error={shown('scope')}
                mono
                placeholder={oidc ? 'openid email' : defaultScope}
                testId="field-scope"
                hint={
                  oidc
                    ? "Space-separated: the scopes the mail server's tokens need"
                    : 'Client credentials need <resource>/.default'
                }
                onChange={(v) => {
                  update('scope', { scope: v });
                }}
              />
            )}
            {oidc ? (
              <TextField
                label="Resource indicator (optional)"
                value={draft.resource}
                error={shown('resource')}
                mono
                placeholder="https://mail.example.com"
                testId="field-resource"
                hint="RFC 8707: the mail server's audience, when the provider wants one"
                onChange={(v) => {
                  update('resource', { resource: v });
                }}
              />
            ) : null}
            {draft.credential === 'client-secret' ? (
              <TextField
                label="Client secret expires (optional)"
                value={draft.secretExpires}
                error={shown('secretExpires')}
                mono
                placeholder="YYYY-MM-DD"
                testId="field-secret-expires"
                hint="Its end date in Certificates & secrets: the readiness audit warns 30 days before."
                onChange={(v) => {
                  update('secretExpires', { secretExpires: v });
                }}
              />
            ) : null}
            {isSendingPath(draft.credential) || oidc ? null : (
              <TextField
                label="Exchange service principal ObjectId (optional)"
                value={draft.exchangeSpId}
                error={shown('exchangeSpId')}
                mono
                placeholder="as Get-ServicePrincipal lists it"
                testId="field-exchange-sp-id"
                hint="The ObjectId given to New-ServicePrincipal, as Exchange has it now. With it, a bare sign-in refusal tells a missing or wrong registration from the mailbox's side."
                onChange={(v) => {
                  update('exchangeSpId', { exchangeSpId: v });
                }}
              />
            )}
          </div>
        </fieldset>

        <fieldset className="form-section">
          <legend>Mailbox</legend>
          <div className="form-grid">
            <TextField
              label={
                draft.credential === 'hve'
                  ? 'HVE account (user= of the sign-in)'
                  : draft.credential === 'acs'
                    ? 'Sender (MAIL FROM)'
                    : 'Mailbox (user= of the sign-in)'
              }
              value={draft.mailbox}
              error={shown('mailbox')}
              mono
              type="email"
              placeholder="shared@contoso.com"
              testId="field-mailbox"
              onChange={(v) => {
                update('mailbox', { mailbox: v });
              }}
            />
            <SelectField
              label="SASL mechanism"
              value={draft.mechanism}
              options={MECHANISM_CHOICES}
              testId="field-mechanism"
              onChange={(v) => {
                setDraft((d) => ({ ...d, mechanism: v }));
              }}
            />
          </div>
        </fieldset>

        <fieldset className="form-section">
          <legend>Servers</legend>
          <div className="endpoint-grid" role="group" aria-label="Mail servers">
            {ENDPOINTS.filter(({ id }) => id === 'smtp' || !isSendingPath(draft.credential)).map(
              ({ id, label }) => (
                <div className="endpoint-row" key={id} data-testid={`endpoint-${id}`}>
                  <div className="endpoint-label">{label}</div>
                  <TextField
                    label={`${label} host`}
                    value={draft[id].host}
                    error={shown(`${id}.host`)}
                    mono
                    testId={`field-${id}-host`}
                    onChange={(v) => {
                      updateEndpoint(id, { host: v }, `${id}.host`);
                    }}
                  />
                  <TextField
                    label={`${label} port`}
                    value={draft[id].port}
                    error={shown(`${id}.port`)}
                    mono
                    inputMode="numeric"
                    className="field-port"
                    testId={`field-${id}-port`}
                    onChange={(v) => {
                      updateEndpoint(id, { port: v }, `${id}.port`);
                    }}
                  />
                  <SelectField
                    label={`${label} security`}
                    value={draft[id].security}
                    options={SECURITY_CHOICES}
                    testId={`field-${id}-security`}
                    hint={warnings[id] ? <span className="warn-text">{warnings[id]}</span> : undefined}
                    onChange={(v) => {
                      updateEndpoint(id, { security: v }, `${id}.host`);
                    }}
                  />
                </div>
              ),
            )}
          </div>
        </fieldset>

        <fieldset className="form-section" data-testid="profile-proxy">
          <legend>Proxy</legend>
          <div className="form-grid">
            <SelectField
              label="Connect through"
              value={draft.proxyMode}
              options={PROFILE_PROXY_CHOICES}
              testId="field-proxy-mode"
              onChange={(v) => {
                update('proxyUrl', { proxyMode: v });
              }}
            />
            {draft.proxyMode === 'manual' ? (
              <ProxyFields
                values={{
                  url: draft.proxyUrl,
                  password: draft.proxyPassword,
                  bypass: draft.proxyBypass,
                  stored: draft.hasProxyPassword,
                }}
                urlError={shown('proxyUrl')}
                prefix="field-proxy"
                urlHint="The customer's proxy: http:// (CONNECT, Basic) or socks5://"
                onChange={(patch) => {
                  update('proxyUrl', {
                    ...(patch.url !== undefined ? { proxyUrl: patch.url } : {}),
                    ...(patch.bypass !== undefined ? { proxyBypass: patch.bypass } : {}),
                    ...(patch.password !== undefined ? { proxyPassword: patch.password } : {}),
                  });
                }}
              />
            ) : null}
          </div>
        </fieldset>

        <fieldset className="form-section">
          <legend>Test message</legend>
          <div className="form-grid">
            <TextField
              label="From (optional)"
              value={draft.testFrom}
              error={shown('testFrom')}
              mono
              type="email"
              placeholder={draft.mailbox || 'the mailbox'}
              testId="field-test-from"
              onChange={(v) => {
                update('testFrom', { testFrom: v });
              }}
            />
            <TextField
              label="To (optional)"
              value={draft.testTo}
              error={shown('testTo')}
              mono
              type="email"
              placeholder={draft.mailbox || 'the mailbox'}
              testId="field-test-to"
              onChange={(v) => {
                update('testTo', { testTo: v });
              }}
            />
          </div>
        </fieldset>

        {saveError ? (
          <div className="form-error" role="alert" data-testid="profile-save-error">
            {saveError}
          </div>
        ) : null}

        <div className="form-actions">
          <button type="submit" className="btn btn-primary" data-testid="profile-save" disabled={saving}>
            {saving ? 'Saving…' : 'Save profile'}
          </button>
          <button
            type="button"
            className="btn"
            data-testid="profile-cancel"
            onClick={() => {
              dispatch({ type: 'view', view: 'run' });
            }}
          >
            Cancel
          </button>
          <span className="spacer" />
          {profile ? (
            confirmDelete ? (
              <>
                <span className="muted">Delete "{profile.name}" and its stored secret?</span>
                <button
                  type="button"
                  className="btn btn-danger"
                  data-testid="profile-delete-confirm"
                  onClick={() => {
                    void controller.removeProfile(profile.id).then((r) => {
                      if (r.ok) dispatch({ type: 'view', view: 'run' });
                    });
                  }}
                >
                  Delete
                </button>
                <button
                  type="button"
                  className="btn"
                  onClick={() => {
                    setConfirmDelete(false);
                  }}
                >
                  Keep
                </button>
              </>
            ) : (
              <button
                type="button"
                className="btn btn-danger-quiet"
                data-testid="profile-delete"
                onClick={() => {
                  setConfirmDelete(true);
                }}
              >
                Delete profile…
              </button>
            )
          ) : null}
        </div>
      </form>
    </section>
  );
}
