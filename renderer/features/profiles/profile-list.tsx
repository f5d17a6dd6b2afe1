import { useRef, useState } from 'react';
import type { ImportPreview } from '../../../shared/api/contract';
import { useAppState, useController, useDispatch } from '../../app/app-context';
import { StatusIcon } from '../../components/status-icon';
import type { View } from '../../state/app-state';
import { downloadJson, exportFilename } from './profile-files';
import { ImportDialog } from './import-dialog';

const TOOLS: ReadonlyArray<{ view: View; label: string; testId: string }> = [
  { view: 'run-all', label: 'Run all profiles', testId: 'nav-run-all' },
  { view: 'explain', label: 'Explain an error', testId: 'nav-explain' },
  { view: 'inspect', label: 'Inspect a token', testId: 'nav-inspect' },
  { view: 'settings', label: 'Settings', testId: 'nav-settings' },
];

export function Sidebar() {
  const profiles = useAppState((s) => s.profiles);
  const loaded = useAppState((s) => s.profilesLoaded);
  const quarantine = useAppState((s) => s.quarantine);
  const selectedId = useAppState((s) => s.selectedId);
  const view = useAppState((s) => s.view);
  const runs = useAppState((s) => s.runs);
  const info = useAppState((s) => s.info);
  const editingId = useAppState((s) => (s.editing === null ? null : (s.editing.profile?.id ?? 'new')));
  const controller = useController();
  const dispatch = useDispatch();
  const fileInput = useRef<HTMLInputElement>(null);
  const ownProfiles = profiles.filter((p) => !p.demo);
  const [pendingImport, setPendingImport] = useState<{ json: string; preview: ImportPreview } | null>(null);

  // Profiles that name files are shown with those files first; the others are added at once.
  const startImport = async (json: string): Promise<void> => {
    const preview = await controller.previewImport(json);
    if (!preview.ok) {
      dispatch({ type: 'notice', kind: 'error', text: `Could not import: ${preview.error.message}` });
      return;
    }
    if (preview.value.profiles.some((p) => p.files.length > 0))
      setPendingImport({ json, preview: preview.value });
    else await controller.importProfiles(json);
  };

  const exportAll = async (): Promise<void> => {
    const result = await controller.exportProfiles(ownProfiles.map((p) => p.id));
    if (!result.ok) {
      dispatch({ type: 'notice', kind: 'error', text: `Could not export: ${result.error.message}` });
      return;
    }
    downloadJson(exportFilename(), result.value.json);
    dispatch({
      type: 'notice',
      kind: 'info',
      text: `Exported ${ownProfiles.length} profile${ownProfiles.length === 1 ? '' : 's'} (without secrets)`,
    });
  };

  return (
    <aside className="sidebar" aria-label="Profiles and tools">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true">
          MP
        </span>
        <span className="brand-name">MailProbe</span>
        {info ? <span className="brand-version">{info.version}</span> : null}
      </div>
      <nav className="sidebar-section" aria-labelledby="profiles-heading">
        <div className="sidebar-heading">
          <h2 id="profiles-heading">Profiles</h2>
          <button
            type="button"
            className="btn btn-small btn-quiet"
            data-testid="profile-new"
            aria-label="New profile"
            title="New profile"
            onClick={() => {
              dispatch({ type: 'edit', profile: null });
            }}
          >
            + New
          </button>
        </div>
        <ul className="profile-list" data-testid="profile-list" aria-busy={!loaded}>
          {profiles.map((p) => {
            const run = runs[p.id];
            const selected =
              p.id === selectedId && (view === 'run' || (view === 'edit' && editingId === p.id));
            const verdict = run
              ? (run.report?.verdict ?? (run.phase === 'failed' ? 'fail' : 'running'))
              : null;
            return (
              <li key={p.id}>
                <button
                  type="button"
                  className={`profile-item${selected ? ' selected' : ''}`}
                  aria-current={selected ? 'true' : undefined}
                  data-testid={`profile-item-${p.id}`}
                  onClick={() => {
                    controller.select(p.id);
                  }}
                >
                  <span className="profile-item-main">
                    <span className="profile-name">{p.name}</span>
                    {p.demo ? (
                      <span className="badge badge-demo" title="A simulated Microsoft 365 tenant, built in">
                        Demo
                      </span>
                    ) : null}
                  </span>
                  <span className="profile-mailbox">{p.mailbox}</span>
                  {verdict ? (
                    <span className="profile-verdict">
                      <StatusIcon status={verdict} />
                    </span>
                  ) : null}
                </button>
              </li>
            );
          })}
          {loaded && profiles.length === 0 ? <li className="empty">No profiles yet</li> : null}
        </ul>
        {quarantine.length > 0 ? (
          <details className="quarantine" data-testid="profile-quarantine">
            <summary>
              {quarantine.length} saved profile{quarantine.length === 1 ? '' : 's'} could not be read
            </summary>
            <p className="quarantine-hint">
              Kept unchanged in the profile file's quarantine list: correct the field there, or add the
              profile again.
            </p>
            <ul>
              {quarantine.map((q) => (
                <li key={`${q.since}-${q.reason}`} title={`Set aside ${q.since}`}>
                  {q.reason}
                </li>
              ))}
            </ul>
          </details>
        ) : null}
        <div className="sidebar-actions">
          <button
            type="button"
            className="btn btn-small"
            data-testid="profile-import"
            onClick={() => fileInput.current?.click()}
          >
            Import…
          </button>
          <button
            type="button"
            className="btn btn-small"
            data-testid="profile-export"
            disabled={ownProfiles.length === 0}
            title={
              ownProfiles.length === 0
                ? 'No profiles of your own to export'
                : 'Export profiles as JSON, without secrets'
            }
            onClick={() => {
              void exportAll();
            }}
          >
            Export…
          </button>
          <input
            ref={fileInput}
            type="file"
            accept="application/json,.json"
            className="offscreen"
            aria-label="Profiles file to import"
            data-testid="profile-import-file"
            tabIndex={-1}
            onChange={(e) => {
              const file = e.target.files?.[0];
              e.target.value = '';
              if (file) void file.text().then(startImport);
            }}
          />
          {pendingImport ? (
            <ImportDialog
              preview={pendingImport.preview}
              onCancel={() => {
                setPendingImport(null);
              }}
              onImport={() => {
                const { json } = pendingImport;
                setPendingImport(null);
                void controller.importProfiles(json);
              }}
            />
          ) : null}
        </div>
      </nav>
      <nav className="sidebar-section" aria-label="Tools">
        <ul className="tool-list">
          {TOOLS.map((t) => (
            <li key={t.view}>
              <button
                type="button"
                className={`tool-item${view === t.view ? ' selected' : ''}`}
                aria-current={view === t.view ? 'page' : undefined}
                data-testid={t.testId}
                onClick={() => {
                  dispatch({ type: 'view', view: t.view });
                }}
              >
                {t.label}
              </button>
            </li>
          ))}
        </ul>
      </nav>
      <div className="sidebar-footer">
        {info ? (
          <span
            className={`vault-chip vault-${info.vault.kind}`}
            title={info.vault.reason ?? 'Secrets are kept in the operating system keychain'}
          >
            {info.vault.kind === 'keychain' ? 'Secrets: OS keychain' : 'Secrets: this session only'}
          </span>
        ) : null}
        {info && info.vault.kind !== 'keychain' ? (
          <p className="sidebar-vault-reason" data-testid="sidebar-vault-reason">
            {info.vault.reason ?? 'No OS keychain is available: secrets are lost when the app quits.'}
          </p>
        ) : null}
      </div>
    </aside>
  );
}
