// Before an import adds profiles that name files on this computer (a certificate, a key), the
// user sees every such file, and whether it is usable here, and decides. A profiles file from
// someone else must not make MailProbe read a file nobody looked at.
import { useEffect, useRef } from 'react';
import type { ImportPreview } from '../../../shared/api/contract';
import { plural } from '../../state/format';
import './import-dialog.css';

export function ImportDialog({
  preview,
  onImport,
  onCancel,
}: {
  preview: ImportPreview;
  onImport: () => void;
  onCancel: () => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
    return () => element?.close();
  }, []);
  const naming = preview.profiles.filter((p) => p.files.length > 0);
  const problems = naming.flatMap((p) => p.files).filter((f) => f.problem !== null).length;

  return (
    <dialog
      ref={dialog}
      className="import-dialog"
      aria-labelledby="import-heading"
      aria-describedby="import-why"
      data-testid="import-dialog"
      onCancel={(e) => {
        e.preventDefault();
        onCancel();
      }}
    >
      <h2 id="import-heading">Import {plural(preview.profiles.length, 'profile')}?</h2>
      <p id="import-why" className="screen-sub">
        {naming.length === 1 ? 'One profile names' : `${naming.length} profiles name`} files on this computer.
        MailProbe reads them when a run of that profile starts. Check that they are the files you expect.
      </p>
      <table className="import-files" data-testid="import-files">
        <thead>
          <tr>
            <th scope="col">Profile</th>
            <th scope="col">File</th>
            <th scope="col">Path</th>
            <th scope="col">On this computer</th>
          </tr>
        </thead>
        <tbody>
          {naming.flatMap((p, i) =>
            p.files.map((f) => (
              <tr key={`${i}-${f.label}`}>
                <td>{p.name}</td>
                <td>{f.label}</td>
                <td className="mono">{f.path || '(none)'}</td>
                <td className={f.problem ? 'import-problem' : 'import-ok'}>
                  {f.problem ? `This file ${f.problem}` : 'Usable'}
                </td>
              </tr>
            )),
          )}
        </tbody>
      </table>
      {problems > 0 ? (
        <p className="field-hint">
          {plural(problems, 'file')} cannot be used as named: the profiles are imported all the same, and
          their runs say so until the paths are corrected in the profile form.
        </p>
      ) : null}
      <div className="form-actions import-actions">
        <button type="button" className="btn" data-testid="import-cancel" onClick={onCancel}>
          Cancel
        </button>
        <button type="button" className="btn btn-primary" data-testid="import-confirm" onClick={onImport}>
          Import {plural(preview.profiles.length, 'profile')}
        </button>
      </div>
    </dialog>
  );
}
