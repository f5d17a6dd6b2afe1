// The built `mailprobe` with files and peers that are not what they should be: a named pipe, a
// device, a folder, a key where a certificate belongs; and `mailprobe serve` (its bundled worker
// thread) answering other requests while a 2 MB paste is read.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createLabPki, type LabPki } from '../../electron/lab/pki';
import { DEMO } from '../../electron/lab/scenarios';
import { ApiClient } from './support/api-socket';
import { CLI, runCli } from './support/cli';
import { SLOW_PASTE } from '../support/slow-paste';

let dir: string;
let pki: LabPki;
let fifo: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mailprobe-untrusted-'));
  pki = await createLabPki();
  fifo = join(dir, 'pipe');
  execFileSync('mkfifo', [fifo]);
  await writeFile(join(dir, 'cert.pem'), pki.serverCertPem);
  await writeFile(join(dir, 'key.pem'), pki.serverKeyPem);
  env = {
    MAILPROBE_DATA_DIR: join(dir, 'data'),
    MP_SECRET: 'not-used-secret-value',
    DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent',
  };
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const target = ['--tenant', DEMO.tenantId, '--client-id', DEMO.clientId, '--mailbox', DEMO.mailbox];

describe('files named on the command line', () => {
  it.each([
    ['--ca', () => fifo, /--ca: file .*pipe is a named pipe, not a file/],
    ['--ca', () => '/dev/zero', /--ca: file \/dev\/zero is a device, not a file/],
    ['--ca', () => join(dir, 'key.pem'), /holds a private key, not a certificate/],
    ['--ca', () => dir, /is a folder, not a file/],
  ])('check %s refuses %s at once with exit 2', async (flag, file, message) => {
    const result = await runCli(['check', ...target, '--client-secret-env', 'MP_SECRET', flag, file()], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  it('check --cert/--key refuses a key where the certificate belongs, and a pipe as the key', async () => {
    const swapped = await runCli(
      ['check', ...target, '--cert', join(dir, 'key.pem'), '--key', join(dir, 'key.pem')],
      env,
    );
    expect(swapped.code).toBe(2);
    expect(swapped.stderr).toMatch(/--cert: file .*key\.pem holds a private key, not a certificate/);
    const pipeKey = await runCli(['check', ...target, '--cert', join(dir, 'cert.pem'), '--key', fifo], env);
    expect(pipeKey.code).toBe(2);
    expect(pipeKey.stderr).toMatch(/--key: file .*pipe is a named pipe/);
  });

  it('an access token file that is a pipe is refused, not waited for', async () => {
    const result = await runCli(['inspect', '--access-token-file', fifo], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--access-token-file: file .*pipe is a named pipe, not a file/);
  });

  it('profiles add refuses certificate files that do not exist or are the wrong kind', async () => {
    const add = (cert: string, key: string) =>
      runCli(['profiles', 'add', '--name', 'Cert app', ...target, '--cert', cert, '--key', key], env);
    const missing = await add(join(dir, 'missing.pem'), join(dir, 'key.pem'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--cert file .*missing\.pem does not exist/);
    const wrongKey = await add(join(dir, 'cert.pem'), join(dir, 'cert.pem'));
    expect(wrongKey.code).toBe(2);
    expect(wrongKey.stderr).toMatch(/--key file .*cert\.pem holds a certificate, not a private key/);
    const good = await add(join(dir, 'cert.pem'), join(dir, 'key.pem'));
    expect(good.stderr).toBe('');
    expect(good.code).toBe(0);
  });

  it('profiles import lists the files the imported profiles name, with their state here', async () => {
    const exported = await runCli(['profiles', 'export', 'Cert app'], env);
    expect(exported.code).toBe(0);
    const json = JSON.parse(exported.stdout) as { profiles: Array<Record<string, unknown>> };
    for (const p of json.profiles) p.keyPath = join(dir, 'gone-key.pem');
    const source = join(dir, 'export.json');
    await writeFile(source, JSON.stringify(json));
    const result = await runCli(['profiles', 'import', source], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Cert app: Certificate file ${join(dir, 'cert.pem')}\n`);
    expect(result.stdout).toContain(
      `Cert app: Private key file ${join(dir, 'gone-key.pem')} (does not exist)`,
    );
  });

  it('profiles import refuses a pipe and a device', async () => {
    for (const source of [fifo, '/dev/zero']) {
      const result = await runCli(['profiles', 'import', source], env);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/profiles import: .* is a (named pipe|device), not a file/);
    }
  });
});

describe('mailprobe serve', () => {
  it('answers profiles:list while its worker reads a 2 MB paste, and stops at once when asked', async () => {
    const child = spawn(process.execPath, [CLI, 'serve'], { env: { ...process.env, ...env } });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const found = /MailProbe is at (\S+)/.exec(out);
          if (found?.[1]) resolve(found[1]);
        });
        child.once('exit', (code) => reject(new Error(`serve exited with ${code ?? 'a signal'}`)));
      });
      const page = new URL(url);
      const ws = new WebSocket(`ws://${page.host}/api?token=${page.searchParams.get('token') ?? ''}`, {
        origin: `http://${page.host}`,
      });
      await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
      const client = new ApiClient(ws);
      let explained = false;
      void client.call('explain:text', { text: SLOW_PASTE }).then(() => {
        explained = true;
      });
      const list = await client.call('profiles:list', undefined);
      expect(list.ok).toBe(true);
      expect(explained).toBe(false);
      // A stop signal while the worker is busy: the host closes and the worker goes with it.
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(explained).toBe(false);
      client.close();
    } finally {
      child.kill('SIGKILL');
    }
  });
});
