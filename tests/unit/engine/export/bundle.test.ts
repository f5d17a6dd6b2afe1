// The diagnostic bundle: the preview is exactly what the zip holds (four files at the root, in
// order), report.json is the CLI's JSON, the same run gives the same bytes, the file name is safe.
import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import type { StoredRun } from '../../../../shared/api/contract';
import { bundleFileName, bundlePreview, zipBundle } from '../../../../electron/engine/export/bundle';
import { renderReportHtml } from '../../../../electron/engine/export/report-html';
import { renderTranscriptText } from '../../../../electron/engine/export/transcript-text';
import { emptyRun, sampleRun } from './sample-run';

const NAMES = ['report.html', 'report.json', 'transcript.txt', 'environment.json'];
const MODIFIED = new Date(2026, 10, 24, 11, 15, 42);

function textOf(preview: ReturnType<typeof bundlePreview>, name: string): string {
  const file = preview.files.find((f) => f.name === name);
  if (!file) throw new Error(`no ${name} in the preview`);
  return file.text;
}

/** Each local file header of a zip: its name and its DOS date and time. */
function localHeaders(zip: Uint8Array): Array<{ name: string; date: number; time: number }> {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const headers: Array<{ name: string; date: number; time: number }> = [];
  let at = 0;
  while (at + 30 <= zip.length && view.getUint32(at, true) === 0x04034b50) {
    const compressed = view.getUint32(at + 18, true);
    const nameLength = view.getUint16(at + 26, true);
    const extraLength = view.getUint16(at + 28, true);
    headers.push({
      name: strFromU8(zip.subarray(at + 30, at + 30 + nameLength)),
      time: view.getUint16(at + 10, true),
      date: view.getUint16(at + 12, true),
    });
    at += 30 + nameLength + extraLength + compressed;
  }
  return headers;
}

describe('bundle preview', () => {
  it('lists the four files in order, each with its UTF-8 size', () => {
    const run = sampleRun();
    const preview = bundlePreview(run);
    expect(preview.fileName).toBe(bundleFileName(run));
    expect(preview.files.map((f) => f.name)).toEqual(NAMES);
    for (const file of preview.files) {
      expect(file.bytes).toBe(Buffer.byteLength(file.text, 'utf8'));
      expect(file.text.endsWith('\n')).toBe(true);
    }
    // The profile name has a non-ASCII letter: bytes and characters differ.
    const html = preview.files[0];
    expect(html?.bytes).toBeGreaterThan(html?.text.length ?? Infinity);
  });

  it('holds the HTML report, the CLI JSON, the transcript and the environment', () => {
    const run = sampleRun();
    const preview = bundlePreview(run);
    expect(textOf(preview, 'report.html')).toBe(renderReportHtml(run));
    expect(textOf(preview, 'report.json')).toBe(`${JSON.stringify(run.report, null, 2)}\n`);
    expect(JSON.parse(textOf(preview, 'report.json'))).toEqual(run.report);
    expect(textOf(preview, 'transcript.txt')).toBe(renderTranscriptText(run.report));
    expect(textOf(preview, 'environment.json')).toBe(`${JSON.stringify(run.environment, null, 2)}\n`);
    expect(JSON.parse(textOf(preview, 'environment.json'))).toEqual(run.environment);
  });

  it('builds a preview for a run with no checks, no token and no findings', () => {
    const preview = bundlePreview(emptyRun());
    expect(preview.files.map((f) => f.name)).toEqual(NAMES);
    expect(preview.files.every((f) => f.bytes > 0)).toBe(true);
  });
});

describe('bundle zip', () => {
  it('unzips to exactly the four files of the preview, at the root, with the same texts', () => {
    const preview = bundlePreview(sampleRun());
    const files = unzipSync(zipBundle(preview, MODIFIED));
    expect(Object.keys(files)).toEqual(NAMES);
    for (const file of preview.files) {
      const bytes = files[file.name];
      expect(bytes?.length).toBe(file.bytes);
      expect(bytes && strFromU8(bytes)).toBe(file.text);
    }
  });

  it('compresses (deflate) and dates every entry with the given time', () => {
    const preview = bundlePreview(sampleRun());
    const zip = zipBundle(preview, MODIFIED);
    const total = preview.files.reduce((sum, f) => sum + f.bytes, 0);
    expect(zip.length).toBeLessThan(total);
    const headers = localHeaders(zip);
    expect(headers.map((h) => h.name)).toEqual(NAMES);
    const dosDate = ((2026 - 1980) << 9) | (11 << 5) | 24;
    const dosTime = (11 << 11) | (15 << 5) | (42 >> 1);
    for (const header of headers) {
      expect(header.date).toBe(dosDate);
      expect(header.time).toBe(dosTime);
    }
  });

  it('gives the same bytes for the same run, and different bytes for another date', () => {
    const first = zipBundle(bundlePreview(sampleRun()), MODIFIED);
    const second = zipBundle(bundlePreview(sampleRun()), new Date(MODIFIED.getTime()));
    expect(Buffer.from(second).equals(Buffer.from(first))).toBe(true);
    const later = zipBundle(bundlePreview(sampleRun()), new Date(2026, 10, 24, 12, 0, 0));
    expect(Buffer.from(later).equals(Buffer.from(first))).toBe(false);
  });

  it('clamps a date a zip cannot hold instead of failing', () => {
    const preview = bundlePreview(emptyRun());
    for (const date of [new Date('invalid'), new Date(0), new Date(Date.UTC(2200, 0, 1))]) {
      expect(Object.keys(unzipSync(zipBundle(preview, date)))).toEqual(NAMES);
    }
  });

  it('refuses a preview with two files of the same name', () => {
    const preview = bundlePreview(emptyRun());
    const twice = {
      ...preview,
      files: [...preview.files, { name: 'report.json', bytes: 2, text: '{}', truncated: false }],
    };
    expect(() => zipBundle(twice, MODIFIED)).toThrow(/two files named report\.json/);
  });
});

describe('bundle file name', () => {
  const named = (profileName: string, startedAt: string, verdict: 'pass' | 'fail' = 'fail'): string => {
    const run = sampleRun();
    const stored: StoredRun = { ...run, profileName, report: { ...run.report, startedAt, verdict } };
    return bundleFileName(stored);
  };

  it('names the profile, the UTC start time and the verdict', () => {
    expect(bundleFileName(sampleRun())).toBe('mailprobe-contoso-support-zurich-eu-20261124-101542-fail.zip');
    expect(named('Fabrikam', '2026-01-02T03:04:05.000+02:00', 'pass')).toBe(
      'mailprobe-fabrikam-20260102-010405-pass.zip',
    );
  });

  it('is safe on every file system, whatever the profile is called', () => {
    const hostile = [
      '../../etc/passwd',
      'CON',
      'a:b*c?d"e<f>g|h\\i/j',
      '   ',
      '日本語のプロファイル',
      'x'.repeat(500),
      '\u0000\u202eexe.txt',
      'Émile ÇA—va',
    ];
    for (const name of hostile) {
      const file = named(name, 'not a date');
      expect(file).toMatch(/^mailprobe-[a-z0-9]+(?:-[a-z0-9]+)*\.zip$/);
      expect(file.length).toBeLessThanOrEqual(100);
    }
    expect(named('日本語', 'not a date')).toBe('mailprobe-profile-00000000-000000-fail.zip');
    expect(named('Émile ÇA—va', '2026-11-24T10:15:42Z')).toBe(
      'mailprobe-emile-ca-va-20261124-101542-fail.zip',
    );
  });
});
