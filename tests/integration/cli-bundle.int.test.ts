// `mailprobe check --out FILE.zip` against the lab: the bundle holds the readable report, the
// same JSON report the CLI prints, the transcript and the environment; bad --out values are
// refused before anything runs.
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunEnvironment } from '../../shared/api/contract';
import { runCheckJson, runCli } from './support/cli';

function entry(files: Record<string, Uint8Array>, name: string): Uint8Array {
  const bytes = files[name];
  if (!bytes) throw new Error(`the bundle has no ${name}`);
  return bytes;
}

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mailprobe-bundle-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('mailprobe check --out', () => {
  it('writes the diagnostic bundle of a failing lab run', async () => {
    const out = join(dir, 'case-1234.zip');
    const result = await runCheckJson([
      '--lab',
      '--scenario',
      'no-mailbox-permission',
      '--imap',
      '--out',
      out,
    ]);
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toContain(`Diagnostic bundle written to ${out}`);
    expect((await stat(out)).mode & 0o077).toBe(0);
    const files = unzipSync(new Uint8Array(await readFile(out)));
    expect(Object.keys(files).sort()).toEqual([
      'environment.json',
      'report.html',
      'report.json',
      'transcript.txt',
    ]);
    // report.json is the very report the CLI printed.
    expect(strFromU8(entry(files, 'report.json'))).toBe(result.stdout);
    const html = strFromU8(entry(files, 'report.html'));
    expect(html).toMatch(/^<!DOCTYPE html>/i);
    expect(html).toContain(result.report.findings[0]?.title.replace(/&/g, '&amp;') ?? 'no finding');
    const transcript = strFromU8(entry(files, 'transcript.txt'));
    expect(transcript).toMatch(/AUTHENTICATE/);
    const environment = JSON.parse(strFromU8(entry(files, 'environment.json'))) as RunEnvironment;
    expect(environment.app).toMatchObject({ name: 'MailProbe', shell: 'cli' });
    expect(environment.versions.node).toBe(process.versions.node);
    expect(environment.network.timeouts.connectMs).toBeGreaterThan(0);
  });

  it('refuses an --out that is not a zip or whose folder does not exist, before running', async () => {
    const notZip = await runCli(['check', '--lab', '--out', join(dir, 'report.txt')]);
    expect(notZip.code).toBe(2);
    expect(notZip.stderr).toMatch(/--out must name a \.zip file/);
    const noFolder = await runCli(['check', '--lab', '--out', join(dir, 'missing', 'x.zip')]);
    expect(noFolder.code).toBe(2);
    expect(noFolder.stderr).toMatch(/--out: the folder .* does not exist/);
    expect(noFolder.stdout).toBe('');
  });
});
