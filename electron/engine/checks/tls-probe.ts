// The TLS floor probe (SPEC 2.9): which TLS versions a mail endpoint still accepts, one handshake
// per version (1.0, 1.1, 1.2, 1.3), each on a connection of its own, through the run's proxy,
// after the protocol's STARTTLS where the endpoint uses it. For clients stuck on old runtimes,
// now that Exchange Online stops TLS 1.0 and 1.1 for POP and IMAP. Nothing is sent after the
// handshake: no credentials, no command.
import type { Socket } from 'node:net';
import { connect as tlsConnect, type SecureVersion } from 'node:tls';
import { isIP } from 'node:net';
import type { EndpointTarget, MailProtocol, StepResult } from '../../../shared/report/model';
import type { NetworkSettings } from './types';
import { reach } from './open-connection';
import { StepLog } from './step-log';
import { Transcript, clockFrom } from '../wire/transcript';
import type { SecretSet } from '../wire/secrets';
import { stepResult, stopwatch } from '../wire/step';
import { bounded } from '../wire/wait';

export const PROBED_VERSIONS: readonly SecureVersion[] = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];

export type VersionVerdict = 'accepted' | 'refused' | 'not-reached';

export interface VersionResult {
  version: SecureVersion;
  verdict: VersionVerdict;
  /** The cipher agreed, or why the handshake did not happen. */
  said: string;
}

const NAME: Record<SecureVersion, string> = {
  TLSv1: 'TLS 1.0',
  'TLSv1.1': 'TLS 1.1',
  'TLSv1.2': 'TLS 1.2',
  'TLSv1.3': 'TLS 1.3',
};

const MAX_LINE = 4096;

/** Reads lines from a plain socket until `done` says the answer is complete (bounded, timed). */
function readAnswer(
  socket: Socket,
  done: (line: string) => boolean,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<string[]> {
  const reading = new Promise<string[]>((resolve, reject) => {
    let buffer = '';
    const lines: string[] = [];
    const onData = (chunk: Buffer): void => {
      buffer += chunk.toString('latin1');
      if (buffer.length > MAX_LINE * 8) {
        cleanup();
        reject(new Error('the server sent too much before STARTTLS'));
        return;
      }
      let at = buffer.indexOf('\n');
      while (at >= 0) {
        const line = buffer.slice(0, at).replace(/\r$/, '');
        buffer = buffer.slice(at + 1);
        lines.push(line);
        if (done(line)) {
          cleanup();
          resolve(lines);
          return;
        }
        at = buffer.indexOf('\n');
      }
    };
    const onEnd = (): void => {
      cleanup();
      reject(new Error('the server closed the connection before STARTTLS'));
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(error);
    };
    const cleanup = (): void => {
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.off('close', onEnd);
      socket.off('error', onError);
    };
    socket.on('data', onData);
    socket.once('end', onEnd);
    socket.once('close', onEnd);
    socket.once('error', onError);
  });
  return bounded(reading, timeoutMs, 'the server', signal);
}

/** The plain-text exchange up to the server's yes to STARTTLS / STLS. */
async function startTls(
  socket: Socket,
  protocol: MailProtocol,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<void> {
  const expect = async (done: (l: string) => boolean, ok: RegExp, what: string): Promise<void> => {
    const lines = await readAnswer(socket, done, timeoutMs, signal);
    const last = lines.at(-1) ?? '';
    if (!ok.test(last)) throw new Error(`${what}: ${last.slice(0, 200)}`);
  };
  switch (protocol) {
    case 'imap':
      await expect(() => true, /^\* (OK|PREAUTH)/i, 'greeting');
      socket.write('p1 STARTTLS\r\n');
      await expect((l) => /^p1 /i.test(l), /^p1 OK/i, 'STARTTLS refused');
      return;
    case 'pop3':
      await expect(() => true, /^\+OK/, 'greeting');
      socket.write('STLS\r\n');
      await expect(() => true, /^\+OK/, 'STLS refused');
      return;
    case 'smtp':
      await expect((l) => /^\d{3} /.test(l), /^220 /, 'greeting');
      socket.write('EHLO mailprobe.tls-probe\r\n');
      await expect((l) => /^\d{3} /.test(l), /^250 /, 'EHLO refused');
      socket.write('STARTTLS\r\n');
      await expect((l) => /^\d{3} /.test(l), /^220 /, 'STARTTLS refused');
      return;
  }
}

/** Whether an error says the server would not speak this version (rather than anything else). */
function versionRefusal(message: string): boolean {
  return /protocol version|unsupported protocol|wrong version|no protocols available|handshake failure|alert number 70|alert number 40|socket disconnected before secure|ECONNRESET|no ciphers available|inappropriate fallback/i.test(
    message,
  );
}

async function probeOne(
  protocol: MailProtocol,
  endpoint: EndpointTarget,
  network: NetworkSettings,
  version: SecureVersion,
  secrets: SecretSet,
  signal?: AbortSignal,
): Promise<VersionResult> {
  const transcript = new Transcript(clockFrom(performance.now()), secrets);
  const log = new StepLog(transcript);
  const socket = await reach({ endpoint, network, ...(signal ? { signal } : {}) }, transcript, log);
  if (!socket) {
    return { version, verdict: 'not-reached', said: log.failed?.summary ?? 'could not connect' };
  }
  const timeoutMs = network.timeouts.connectMs;
  // Every wait below has its own listener; this one keeps a late reset from going unheard.
  socket.on('error', () => undefined);
  try {
    if (endpoint.security === 'starttls')
      await startTls(socket, protocol, network.timeouts.greetingMs, signal);
    else if (endpoint.security === 'none')
      return { version, verdict: 'not-reached', said: 'the endpoint is set to plain text: no TLS to probe' };
    const old = version === 'TLSv1' || version === 'TLSv1.1';
    const secure = tlsConnect({
      socket,
      ...(isIP(endpoint.host) ? {} : { servername: endpoint.host }),
      minVersion: version,
      maxVersion: version,
      // OpenSSL 3 refuses TLS 1.0 and 1.1 at its default security level: the probe asks anyway,
      // and judges only whether the server agrees (no trust decision, nothing is sent after).
      ...(old ? { ciphers: 'DEFAULT:@SECLEVEL=0' } : {}),
      rejectUnauthorized: false,
    });
    const established = new Promise<string>((resolve, reject) => {
      secure.once('secureConnect', () => resolve(secure.getCipher().standardName || secure.getCipher().name));
      secure.once('error', reject);
    });
    try {
      const cipher = await bounded(established, timeoutMs, 'TLS handshake', signal);
      return { version, verdict: 'accepted', said: `${secure.getProtocol() ?? version}, ${cipher}` };
    } finally {
      secure.destroy();
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return {
      version,
      verdict: versionRefusal(message) ? 'refused' : 'not-reached',
      said: message.slice(0, 300),
    };
  } finally {
    socket.destroy();
  }
}

/** The `tls-versions` step of a mail check: each version's verdict, oldest first. */
export async function probeTlsVersions(
  protocol: MailProtocol,
  endpoint: EndpointTarget,
  network: NetworkSettings,
  /** The run's secrets (a proxy's password, the profile's): every word of the step is scrubbed. */
  secrets: SecretSet,
  signal?: AbortSignal,
): Promise<StepResult> {
  const elapsed = stopwatch();
  const versions: VersionResult[] = [];
  // One at a time: four handshakes at once look like a scan to some servers' rate limits.
  for (const version of PROBED_VERSIONS)
    versions.push(await probeOne(protocol, endpoint, network, version, secrets, signal));
  const names = (verdict: VersionVerdict): string[] =>
    versions.filter((v) => v.verdict === verdict).map((v) => NAME[v.version]);
  const accepted = names('accepted');
  const refused = names('refused');
  const unreached = names('not-reached');
  const parts = [
    accepted.length ? `accepts ${accepted.join(', ')}` : 'accepts none of TLS 1.0 to 1.3',
    refused.length ? `refuses ${refused.join(', ')}` : null,
    unreached.length
      ? `not probed: ${unreached.join(', ')} (${versions.find((v) => v.verdict === 'not-reached')?.said ?? ''})`
      : null,
  ].filter(Boolean);
  const oldest = versions.find((v) => v.verdict === 'accepted')?.version ?? null;
  return secrets.scrubDeep(
    stepResult(
      'tls-versions',
      unreached.length === versions.length ? 'warn' : 'pass',
      elapsed(),
      `${endpoint.host}:${endpoint.port} ${parts.join('; ')}${oldest === 'TLSv1.2' || oldest === 'TLSv1.3' ? ': a client limited to TLS 1.0 or 1.1 cannot connect' : ''}`,
      { versions, oldestAccepted: oldest },
    ),
  );
}
