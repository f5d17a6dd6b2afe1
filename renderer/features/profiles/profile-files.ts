// Profiles to and from JSON files: a download of the exported JSON, a file picked by the user.
import { downloadBlob } from '../../api/download';

export function downloadJson(filename: string, json: string): void {
  downloadBlob(filename, new Blob([json], { type: 'application/json' }));
}

export function exportFilename(now = new Date()): string {
  return `mailprobe-profiles-${now.toISOString().slice(0, 10)}.json`;
}
