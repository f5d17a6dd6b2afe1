// The checks with 30 ms of round-trip time between client and server (SPEC 7): each check's round
// trips against its protocol's floor, and its time against curl's for the same login on the same
// relay; then the same IMAP check through squid behind the relay, where the CONNECT should add one
// round trip and nothing more. Round trips are counted as (time over the relay - time without it)
// / RTT: the relay delays every chunk, so each wait for the other side costs one RTT.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import type { MailProtocol } from '../../shared/report/model';
import { parseTargetArgs, prepareRun } from '../../electron/cli/target-options';
import { runChecks } from '../../electron/engine/checks/run';
import type { DovecotHarness } from '../integration/support/dovecot';
import { startSquid } from '../integration/support/proxies';
import { startRelay } from './latency-relay';
import { curlLoginArgs } from './curl-login';

const run = promisify(execFile);
const ONE_WAY_MS = 15;
const RTT = 2 * ONE_WAY_MS;

/**
 * Round trips after the TCP connect that no client can avoid for the same work as the bench's
 * curl command, on this Dovecot: TLS 1.3 (1), the greeting (1), the sign-in, the mailbox work and
 * the logout (1). The sign-in takes 1 round trip in IMAP (SASL-IR) but 2 in POP3 and SMTP here:
 * a bearer token makes the AUTH line longer than POP3's 255 and SMTP's 512 octets, so RFC 5034
 * and RFC 4954 have the client send it after the server's prompt (Exchange Online and Gmail take
 * the long SMTP line; Dovecot answers "500 5.5.2 Line too long"). The mailbox work: IMAP EXAMINE
 * (1), POP3 STAT (1), SMTP EHLO (1), MAIL/RCPT/DATA pipelined (1) and the message (1).
 */
const FLOOR: Record<MailProtocol, number> = { imap: 5, pop3: 6, smtp: 8 };

const PORT = { imap: 'imaps', pop3: 'pop3s', smtp: 'submissions' } as const;

interface Sampler {
  (fn: () => Promise<unknown>): Promise<number>;
}

export async function latencyLines(
  d: DovecotHarness,
  token: string,
  message: string,
  sample: Sampler,
): Promise<string[]> {
  const lines = [
    '',
    `With ${RTT} ms of round-trip time (a userspace relay delaying each chunk ${ONE_WAY_MS} ms each way; the TCP connect itself is not delayed)`,
    'protocol  curl direct  curl relay  curl RTs  mailprobe direct  mailprobe relay  mailprobe RTs  floor  budget (floor+1, <= curl)',
  ];
  const base = ['--mailbox', d.users.oauth, '--access-token-env', 'MP_BENCH_TOKEN', '--ca', d.caFile];
  const engineAt = async (protocol: MailProtocol, port: number, extra: string[] = []): Promise<number> => {
    const input = (
      await prepareRun(
        parseTargetArgs('check', [
          ...base,
          `--${protocol}`,
          `--${protocol}-host`,
          '127.0.0.1',
          `--${protocol}-port`,
          String(port),
          `--${protocol}-security`,
          'tls',
          ...(protocol === 'smtp' ? ['--send-to', d.users.other] : []),
          ...extra,
        ]),
      )
    ).input;
    return sample(async () => {
      const report = await runChecks(input);
      if (report.verdict !== 'pass') throw new Error(`${protocol} check failed during the latency benchmark`);
    });
  };
  const curlAt = (protocol: MailProtocol, port: number): Promise<number> =>
    sample(() => run('curl', curlLoginArgs(d, protocol, token, message, port, '127.0.0.1')));
  const rts = (relay: number, direct: number): string => ((relay - direct) / RTT).toFixed(1);
  for (const protocol of ['imap', 'pop3', 'smtp'] as const) {
    const port = d.ports[PORT[protocol]];
    const relay = await startRelay({ host: '127.0.0.1', port }, ONE_WAY_MS);
    try {
      const curlDirect = await curlAt(protocol, port);
      const curlRelay = await curlAt(protocol, relay.port);
      const direct = await engineAt(protocol, port);
      const relayed = await engineAt(protocol, relay.port);
      const ours = (relayed - direct) / RTT;
      const verdict = ours <= FLOOR[protocol] + 1 + 0.3 && relayed <= curlRelay * 1.05 ? 'within' : 'OVER';
      lines.push(
        `${protocol.padEnd(8)}  ${curlDirect.toFixed(1).padStart(8)} ms  ${curlRelay.toFixed(1).padStart(7)} ms  ${rts(curlRelay, curlDirect).padStart(8)}  ${direct.toFixed(1).padStart(13)} ms  ${relayed.toFixed(1).padStart(12)} ms  ${ours.toFixed(1).padStart(13)}  ${String(FLOOR[protocol]).padStart(5)}  ${verdict}`,
      );
    } finally {
      await relay.close();
    }
  }
  if (!existsSync('/usr/sbin/squid')) {
    lines.push('proxy path: squid is not installed here (apt-get install squid); not measured');
    return lines;
  }
  // The proxy path: client -> relay -> squid -> Dovecot. The CONNECT is one more round trip.
  const squid = await startSquid({ allowPorts: 'all' });
  const relay = await startRelay({ host: '127.0.0.1', port: squid.port }, ONE_WAY_MS);
  const imapDirectRelay = await startRelay({ host: '127.0.0.1', port: d.ports.imaps }, ONE_WAY_MS);
  try {
    process.env.MP_BENCH_PROXY_PW = squid.password;
    const proxyArgs = [
      '--proxy',
      `http://${squid.user}@127.0.0.1:${relay.port}`,
      '--proxy-password-env',
      'MP_BENCH_PROXY_PW',
    ];
    const direct = await engineAt('imap', d.ports.imaps);
    const relayed = await engineAt('imap', imapDirectRelay.port);
    const proxied = await engineAt('imap', d.ports.imaps, proxyArgs);
    lines.push(
      `imap through squid behind the relay: ${proxied.toFixed(1)} ms, ${((proxied - direct) / RTT).toFixed(1)} round trips (${((relayed - direct) / RTT).toFixed(1)} without the proxy: the CONNECT adds ${((proxied - relayed) / RTT).toFixed(1)}, budget 1)`,
    );
  } finally {
    await Promise.all([relay.close(), imapDirectRelay.close()]);
    await squid.stop();
  }
  return lines;
}
