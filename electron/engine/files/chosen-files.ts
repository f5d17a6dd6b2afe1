// The files a profile or the settings name (certificate, key, extra CAs), checked when they are
// chosen: a save that names a file which is missing or is not what its field asks for is refused
// with the field and the reason. An imported profile's files are listed for the user to see
// before the profiles are added.
import type { ImportPreview, ProfileInput, Settings } from '../../../shared/api/contract';
import { pemFileProblem, type PemKind } from './pem-files';

export interface ChosenFile {
  field: string;
  /** The field as the form names it. */
  label: string;
  path: string;
  kind: PemKind;
}

export class ChosenFileError extends Error {
  constructor(
    readonly file: ChosenFile,
    readonly problem: string,
  ) {
    super(`${file.label}: ${file.path} ${problem}`);
    this.name = 'ChosenFileError';
  }
}

type ProfileFileFields = Pick<ProfileInput, 'credential' | 'certificatePath' | 'keyPath'>;

export function profileFiles(profile: ProfileFileFields): ChosenFile[] {
  if (profile.credential !== 'certificate') return [];
  return [
    {
      field: 'certificatePath',
      label: 'Certificate file',
      path: profile.certificatePath ?? '',
      kind: 'certificate',
    },
    { field: 'keyPath', label: 'Private key file', path: profile.keyPath ?? '', kind: 'private-key' },
  ];
}

export function settingsFiles(settings: Pick<Settings, 'extraCaFiles'>): ChosenFile[] {
  return settings.extraCaFiles.map((path, index) => ({
    field: `extraCaFiles.${index}`,
    label: 'Extra CA file',
    path,
    kind: 'certificate' as const,
  }));
}

async function problemOf(file: ChosenFile): Promise<string | null> {
  if (file.path.trim() === '') return 'is not given: a certificate profile needs it';
  return pemFileProblem(file.path, file.kind);
}

/** Throws a ChosenFileError for the first file that is not usable. */
export async function checkChosenFiles(files: ChosenFile[]): Promise<void> {
  for (const file of files) {
    const problem = await problemOf(file);
    if (problem) throw new ChosenFileError(file, problem);
  }
}

/** What an import would add, with every file each profile names and whether it is usable here. */
export async function importedFiles(
  profiles: Array<ProfileFileFields & { name: string }>,
): Promise<ImportPreview> {
  return {
    profiles: await Promise.all(
      profiles.map(async (p) => ({
        name: p.name,
        files: await Promise.all(
          profileFiles(p).map(async (f) => ({
            label: f.label,
            path: f.path,
            problem: await problemOf(f),
          })),
        ),
      })),
    ),
  };
}
