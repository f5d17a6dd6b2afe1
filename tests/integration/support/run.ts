// Runs a short-lived helper program (openssl, dovecot-lda, dovecot stop) and collects its output.
// Every run is bounded by a timeout so that a wedged helper fails the test instead of hanging it.

import { spawn } from 'node:child_process';

export interface RunResult {
  /** Exit code, or null when the process was ended by a signal. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Written to stdin, which is then closed. Without it stdin is empty. */
  input?: string | Buffer;
  timeoutMs?: number;
  cwd?: string;
}

/** Output beyond this is dropped: helpers are chatty only when something is badly wrong. */
const MAX_CAPTURE_BYTES = 256 * 1024;

export function run(command: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      stdio: ['pipe', 'pipe', 'pipe'],
      ...(opts.cwd === undefined ? {} : { cwd: opts.cwd }),
    });
    const stdout = new BoundedText();
    const stderr = new BoundedText();
    child.stdout.on('data', (chunk: Buffer) => {
      stdout.add(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr.add(chunk);
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
    }, timeoutMs);
    // A helper that exits before reading stdin makes the write fail with EPIPE; the exit code
    // already tells the story, so the write error itself is not interesting.
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.input ?? '');
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`cannot run ${command}: ${err.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: stdout.text(), stderr: stderr.text() });
    });
  });
}

/** Like run(), but a non-zero exit becomes an error that carries the helper's stderr. */
export async function runChecked(
  command: string,
  args: readonly string[],
  opts: RunOptions = {},
): Promise<RunResult> {
  const result = await run(command, args, opts);
  if (result.code !== 0) {
    const how = result.code === null ? `signal ${String(result.signal)}` : `exit code ${result.code}`;
    throw new Error(`${command} ${args.join(' ')} failed (${how}): ${result.stderr.trim()}`);
  }
  return result;
}

class BoundedText {
  private readonly chunks: Buffer[] = [];
  private size = 0;

  add(chunk: Buffer): void {
    if (this.size >= MAX_CAPTURE_BYTES) return;
    const room = MAX_CAPTURE_BYTES - this.size;
    const kept = chunk.length > room ? chunk.subarray(0, room) : chunk;
    this.chunks.push(kept);
    this.size += kept.length;
  }

  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}
