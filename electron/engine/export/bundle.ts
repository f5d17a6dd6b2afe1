// The diagnostic bundle of one run: its file name, the preview of every file exactly as it will be
// written (report.html, report.json, transcript.txt, environment.json), and the zip made from that
// preview. Pure: the same run and date always give the same bytes.
import { strToU8, zipSync, type Zippable } from 'fflate';
import type { BundleFile, BundlePreview, StoredRun } from '../../../shared/api/contract';
import { renderReportHtml } from './report-html';
import { renderTranscriptText } from './transcript-text';

/** The longest profile part of a file name, so that the whole name stays well under any limit. */
const MAX_SLUG = 40;

/** "Contoso Support (EU)" -> "contoso-support-eu": only a-z, 0-9 and single dashes. */
function slug(text: string): string {
  const ascii = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  const cut = ascii.slice(0, MAX_SLUG).replace(/-+$/, '');
  return cut === '' ? 'profile' : cut;
}

/** "2026-11-24T10:15:42.123Z" -> "20261124-101542" (UTC). */
function stamp(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '00000000-000000';
  const [day = '', time = ''] = date.toISOString().replace(/[-:]/g, '').split('T');
  return `${day}-${time.slice(0, 6)}`.replace(/[^0-9-]/g, '0');
}

/** `mailprobe-<profile>-<YYYYMMDD-HHMMSS UTC>-<verdict>.zip`, safe on every file system. */
export function bundleFileName(run: StoredRun): string {
  const verdict = run.report.verdict === 'pass' ? 'pass' : 'fail';
  return `mailprobe-${slug(run.profileName)}-${stamp(run.report.startedAt)}-${verdict}.zip`;
}

function file(name: string, text: string): BundleFile {
  return { name, bytes: strToU8(text).length, text, truncated: false };
}

export function bundlePreview(run: StoredRun): BundlePreview {
  return {
    fileName: bundleFileName(run),
    files: [
      file('report.html', renderReportHtml(run)),
      file('report.json', `${JSON.stringify(run.report, null, 2)}\n`),
      file('transcript.txt', renderTranscriptText(run.report)),
      file('environment.json', `${JSON.stringify(run.environment, null, 2)}\n`),
    ],
  };
}

/** A zip holds a local date and time from 1980 to 2099: a date outside (or invalid) is clamped. */
function zipTime(modified: Date): Date {
  const time = modified.getTime();
  const earliest = new Date(1980, 0, 1, 0, 0, 0);
  const latest = new Date(2099, 11, 31, 23, 59, 58);
  if (Number.isNaN(time) || time < earliest.getTime()) return earliest;
  if (time > latest.getTime()) return latest;
  return modified;
}

/** The zip of a preview: its files at the root, in order, each dated `modified`. */
export function zipBundle(preview: BundlePreview, modified: Date): Uint8Array {
  const mtime = zipTime(modified);
  const entries: Zippable = {};
  for (const { name, text } of preview.files) {
    if (Object.hasOwn(entries, name)) throw new Error(`The bundle has two files named ${name}`);
    entries[name] = [strToU8(text), { mtime }];
  }
  return zipSync(entries, { level: 6, mtime });
}
