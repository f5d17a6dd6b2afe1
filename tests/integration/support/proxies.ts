// Real proxies for the integration tests, from Debian's packages, each in its own temporary folder
// on a free 127.0.0.1 port and stopped by stop():
//   squid       HTTP proxy, Basic authentication through its basic_ncsa_auth helper; CONNECT to
//               the ports in `allowPorts` only (squid's default rule allows 443 alone)
//   microsocks  SOCKS5 with user/password; names are resolved by the proxy
//   mitmdump    mitmproxy as an HTTP proxy that re-signs every TLS connection with its own CA

import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect as netConnect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { run } from './run';

export interface RunningProxy {
  port: number;
  dir: string;
  /** What the proxy printed, for a failing test's message. */
  output(): string;
  stop(): Promise<void>;
}

export interface SquidProxy extends RunningProxy {
  user: string;
  password: string;
  /** squid's access log: one line per request it handled. */
  accessLog(): Promise<string>;
}

export interface MitmProxy extends RunningProxy {
  /** mitmproxy's CA certificate (PEM file): trusting it makes the re-signed chain valid. */
  caFile: string;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

async function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = netConnect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Starts `command` in the foreground as our child and waits until it accepts on `port`. */
async function daemon(
  name: string,
  command: string,
  args: string[],
  port: number,
  dir: string,
  ready: () => Promise<boolean> = () => accepts(port),
): Promise<RunningProxy> {
  const child: ChildProcess = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: dir });
  let output = '';
  const collect = (chunk: Buffer): void => {
    if (output.length < 64 * 1024) output += chunk.toString('utf8');
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const onExit = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  process.once('exit', onExit);
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const killed = await Promise.race([exited.then(() => true), sleep(3000).then(() => false)]);
        if (!killed) {
          child.kill('SIGKILL');
          await exited;
        }
      }
      process.off('exit', onExit);
      await rm(dir, { recursive: true, force: true });
    })();
    return stopping;
  };
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      await stop();
      throw new Error(`${name} exited during start-up:\n${output}`);
    }
    if (await ready()) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${name} did not accept on 127.0.0.1:${port} within 20 s:\n${output}`);
    }
    await sleep(100);
  }
  return { port, dir, output: () => output, stop };
}

export interface SquidOptions {
  /** Ports CONNECT may reach (added to 443), or every port. Without any, squid's default: 443 only. */
  allowPorts?: number[] | 'all';
  /** The proxy user and password (a fresh password when not given). */
  user?: string;
  password?: string;
}

/** squid with Basic authentication (user `proxyuser`) and squid's CONNECT port rule. */
export async function startSquid(options: SquidOptions = {}): Promise<SquidProxy> {
  const dir = await mkdtemp(join(tmpdir(), 'mailprobe-squid-'));
  // Run as root, squid drops to its own user: the folder, the log and the password file must
  // stay reachable for it.
  await chmod(dir, 0o777);
  const user = options.user ?? 'proxyuser';
  const password = options.password ?? `pr0xy-${Math.random().toString(36).slice(2, 10)}`;
  const hash = await run('openssl', ['passwd', '-apr1', password]);
  if (hash.code !== 0) throw new Error(`openssl passwd failed: ${hash.stderr}`);
  await writeFile(join(dir, 'passwd'), `${user}:${hash.stdout.trim()}\n`, { mode: 0o644 });
  const port = await freePort();
  const allowed = options.allowPorts ?? [];
  const ports = allowed === 'all' ? '1-65535' : ['443', ...allowed.map(String)].join(' ');
  const config = [
    `http_port 127.0.0.1:${port}`,
    `pid_filename ${join(dir, 'squid.pid')}`,
    `cache_log ${join(dir, 'cache.log')}`,
    `access_log stdio:${join(dir, 'access.log')}`,
    'cache deny all',
    'cache_mem 8 MB',
    `coredump_dir ${dir}`,
    'shutdown_lifetime 0 seconds',
    'dns_v4_first on',
    `auth_param basic program /usr/lib/squid/basic_ncsa_auth ${join(dir, 'passwd')}`,
    'auth_param basic realm MailProbe test proxy',
    'acl authed proxy_auth REQUIRED',
    `acl SSL_ports port ${ports}`,
    'acl CONNECT method CONNECT',
    'http_access deny CONNECT !SSL_ports',
    'http_access allow authed',
    'http_access deny all',
    '',
  ].join('\n');
  await writeFile(join(dir, 'squid.conf'), config, { mode: 0o644 });
  const proxy = await daemon('squid', '/usr/sbin/squid', ['-N', '-f', join(dir, 'squid.conf')], port, dir);
  return {
    ...proxy,
    user,
    password,
    accessLog: () => readFile(join(dir, 'access.log'), 'utf8').catch(() => ''),
  };
}

export interface SocksProxy extends RunningProxy {
  user: string;
  password: string;
}

/** microsocks: SOCKS5 with user/password authentication. */
export async function startSocks5(): Promise<SocksProxy> {
  const dir = await mkdtemp(join(tmpdir(), 'mailprobe-socks-'));
  const user = 'socksuser';
  const password = `s0cks-${Math.random().toString(36).slice(2, 10)}`;
  const port = await freePort();
  const proxy = await daemon(
    'microsocks',
    '/usr/bin/microsocks',
    ['-i', '127.0.0.1', '-p', String(port), '-u', user, '-P', password],
    port,
    dir,
  );
  return { ...proxy, user, password };
}

/** mitmdump as an HTTP proxy re-signing TLS; the upstream's own certificate is not checked. */
export async function startMitmproxy(): Promise<MitmProxy> {
  const dir = await mkdtemp(join(tmpdir(), 'mailprobe-mitm-'));
  const port = await freePort();
  const caFile = join(dir, 'mitmproxy-ca-cert.pem');
  const proxy = await daemon(
    'mitmdump',
    '/usr/bin/mitmdump',
    [
      '--listen-host',
      '127.0.0.1',
      '--listen-port',
      String(port),
      '--set',
      `confdir=${dir}`,
      '--set',
      'ssl_insecure=true',
      // TLS is intercepted, then the mail protocol inside is relayed as raw TCP.
      '--set',
      'tcp_hosts=.*',
      '--set',
      'termlog_verbosity=warn',
    ],
    port,
    dir,
    async () =>
      (await accepts(port)) &&
      (await readFile(caFile, 'utf8').then(
        () => true,
        () => false,
      )),
  );
  return { ...proxy, caFile };
}
