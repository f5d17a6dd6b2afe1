// The diagnostic bundle's preview: every file exactly as it will be written, with its size, then
// Save (the system save dialog on the desktop, a download in browser mode).
import { useEffect, useRef, useState } from 'react';
import { useAppState, useController, useDispatch } from '../../app/app-context';
import { plural } from '../../state/format';
import './export.css';

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

export function ExportDialog() {
  const exporting = useAppState((s) => s.exporting);
  const controller = useController();
  const dispatch = useDispatch();
  const dialog = useRef<HTMLDialogElement>(null);
  const [chosen, setChosen] = useState(0);
  const open = exporting !== null;

  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (open && !element.open) {
      setChosen(0);
      element.showModal();
    } else if (!open && element.open) element.close();
  }, [open]);

  const preview = exporting?.preview ?? null;
  const file = preview?.files[chosen] ?? preview?.files[0] ?? null;
  const total = preview?.files.reduce((sum, f) => sum + f.bytes, 0) ?? 0;
  const close = (): void => {
    dispatch({ type: 'export-close' });
  };

  return (
    <dialog
      ref={dialog}
      className="export-dialog"
      aria-labelledby="export-heading"
      data-testid="export-dialog"
      onCancel={(e) => {
        e.preventDefault();
        close();
      }}
    >
      <header className="export-header">
        <h2 id="export-heading">Export a diagnostic bundle</h2>
        {preview ? (
          <p className="screen-sub">
            <span className="mono">{preview.fileName}</span>: {plural(preview.files.length, 'file')},{' '}
            {formatBytes(total)} before compression. This is exactly what will be written; it holds no secret
            and no token.
          </p>
        ) : null}
      </header>
      {exporting?.error ? (
        <div className="form-error" role="alert">
          {exporting.error}
        </div>
      ) : null}
      {open && !preview && !exporting.error ? <p className="muted">Preparing the preview…</p> : null}
      {preview && file ? (
        <div className="export-body">
          <div className="export-files" role="tablist" aria-label="Files in the bundle">
            {preview.files.map((f, i) => (
              <button
                key={f.name}
                type="button"
                role="tab"
                aria-selected={f === file}
                className="export-file"
                data-testid={`export-file-${f.name}`}
                onClick={() => {
                  setChosen(i);
                }}
              >
                <span className="mono">{f.name}</span>
                <span className="muted">{formatBytes(f.bytes)}</span>
              </button>
            ))}
          </div>
          <pre className="export-content" role="tabpanel" tabIndex={0} data-testid="export-content">
            {file.truncated
              ? `${file.text}\n… (the start only: the bundle holds all ${formatBytes(file.bytes)})`
              : file.text}
          </pre>
        </div>
      ) : null}
      <div className="form-actions export-actions">
        <button type="button" className="btn" data-testid="export-cancel" onClick={close}>
          Cancel
        </button>
        <button
          type="button"
          className="btn btn-primary"
          data-testid="export-save"
          disabled={!preview || exporting?.saving === true}
          onClick={() => {
            void controller.saveExport();
          }}
        >
          {exporting?.saving ? 'Saving…' : 'Save bundle…'}
        </button>
      </div>
    </dialog>
  );
}
