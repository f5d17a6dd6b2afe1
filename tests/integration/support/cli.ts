// Runs the built `mailprobe` command the way a user does, asynchronously (the test process may
// host servers that must keep answering meanwhile).
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import type { Report } from '../../../shared/report/model';
import { devicePrompt } from '../../support/device-sign-in';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export const CLI = new URL('../../../bin/mailprobe.js', import.meta.url).pathname;

export function runCli(args: string[], env: NodeJS.ProcessEnv = {}, input?: string): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [CLI, ...args],
      { env: { ...process.env, ...env }, timeout: 60_000, maxBuffer: 32 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 99) : 0;
        resolve({ code, stdout, stderr });
      },
    );
    if (input !== undefined) child.stdin?.end(input);
    else child.stdin?.end();
  });
}

export async function runCheckJson(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<CliResult & { report: Report }> {
  const result = await runCli(['check', '--json', ...args], env);
  let report: Report;
  try {
    report = JSON.parse(result.stdout) as Report;
  } catch {
    throw new Error(`mailprobe printed no JSON report (exit ${result.code}): ${result.stderr}`);
  }
  return { ...result, report };
}

export interface SignedInRun {
  code: number | null;
  report: Report;
  stderr: string;
}

/**
 * `check --json` with a person's sign-in (--device-code unless a profile says how): `person`
 * signs in when the device code prompt appears.
 */
export async function checkWithSignIn(
  args: string[],
  person: (url: string, code: string, stderr: string) => Promise<void>,
  env: NodeJS.ProcessEnv = {},
): Promise<SignedInRun> {
  const flags = args.includes('--profile') ? args : ['--device-code', ...args];
  const child = spawn(process.execPath, [CLI, 'check', '--json', ...flags], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const prompt = await devicePrompt(child);
  await person(prompt.url, prompt.code, stderr);
  const code = await exited;
  return { code, report: JSON.parse(stdout) as Report, stderr };
}

/** `mailprobe lab --json ...` in the foreground: its printed endpoints, and a stop by SIGINT. */
export async function startLabCommand(
  args: string[] = [],
): Promise<{ output: string; stop(): Promise<number | null> }> {
  const { spawn } = await import('node:child_process');
  const child = spawn(process.execPath, [CLI, 'lab', '--json', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = await new Promise<string>((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no endpoints printed: ${text}`));
    }, 15_000);
    child.stdout.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (text.trimEnd().endsWith('}')) {
        clearTimeout(timer);
        resolve(text);
      }
    });
  });
  return {
    output,
    stop: () => {
      const exit = new Promise<number | null>((resolve) => child.once('exit', resolve));
      child.kill('SIGINT');
      return exit;
    },
  };
}

/** A child that runs until it exits (killed after `ms`), with what it printed collected. */
export function spawnCollected(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  ms = 60_000,
): { child: ChildProcess; done: Promise<CliResult> } {
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), ms);
  const done = new Promise<CliResult>((resolve) =>
    child.on('exit', (code) => {
      clearTimeout(timer);
      // Killed by a signal: no exit code of its own.
      resolve({ code: code ?? -1, stdout, stderr });
    }),
  );
  return { child, done };
}
