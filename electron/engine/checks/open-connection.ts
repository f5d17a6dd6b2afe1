// dns -> tcp -> (implicit) tls: the start every protocol check shares.
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { StepLog } from './step-log';
import type { LineChannel } from '../wire/channel';
import type { CheckInput } from './types';
import type { Transcript } from '../wire/transcript';
import type { LineObserver } from '../protocols/line-observer';
import { connectTcp, resolveHost } from '../wire/connect';
import { RecordingSocket } from '../wire/recording-socket';
import { awaitHandshake, beginHandshake, type TlsOutcome } from '../wire/tls';
import { stepResult } from '../wire/step';
import { openTunnel, routeTo } from '../wire/proxy';

/** Opens the connection up to the point where the protocol speaks; null when a step failed. */
export async function openConnection(
  input: CheckInput,
  transcript: Transcript,
  log: StepLog,
  observer: LineObserver,
): Promise<RecordingSocket | null> {
  const { endpoint } = input;
  const opened = await reach(input, transcript, log);
  if (!opened) return null;
  let socket: Socket | TLSSocket = opened;
  if (endpoint.security === 'tls') {
    const outcome = await upgrade(opened, input, transcript, 'tls');
    log.add(outcome.step);
    if (!outcome.socket) return null;
    socket = outcome.socket;
  } else if (endpoint.security === 'none') {
    log.add(
      stepResult(
        'tls',
        'warn',
        0,
        'No TLS: plain text was chosen explicitly; credentials and mail travel unencrypted',
        {
          security: 'none',
        },
      ),
    );
    transcript.info('Plain text chosen explicitly: no TLS on this connection');
  }
  transcript.step = 'greeting';
  return record(socket, input, transcript, observer);
}

/** dns and tcp to the mail host, or through the proxy that applies to it: the socket, or null. */
export async function reach(
  input: Pick<CheckInput, 'endpoint' | 'network' | 'signal'>,
  transcript: Transcript,
  log: StepLog,
): Promise<Socket | null> {
  const { endpoint, network, signal } = input;
  const { timeouts } = network;
  const route = routeTo(network.proxy.mail, endpoint.host, endpoint.port);
  if (route) {
    const tunnel = await openTunnel(route, endpoint, transcript, {
      timeoutMs: timeouts.connectMs,
      family: network.family,
      ...(signal ? { signal } : {}),
    });
    for (const step of tunnel.steps) log.add(step);
    return tunnel.socket;
  }
  const dns = await resolveHost(endpoint.host, transcript, timeouts.connectMs, network.family, signal);
  log.add(dns.step);
  if (dns.step.status === 'fail') return null;
  const tcp = await connectTcp(
    dns.addresses,
    endpoint.port,
    transcript,
    timeouts.connectMs,
    signal,
    network.family,
  );
  log.add(tcp.step);
  return tcp.socket;
}

export function record(
  socket: Socket | TLSSocket,
  input: CheckInput,
  transcript: Transcript,
  observer: LineObserver,
): RecordingSocket {
  return new RecordingSocket(socket, {
    transcript,
    observer,
    maxLineBytes: input.network.limits.maxLineBytes,
  });
}

/** A TLS handshake on `socket`; on failure the socket is destroyed and the outcome says why. */
export async function upgrade(
  socket: Socket,
  input: CheckInput,
  transcript: Transcript,
  stepId: 'tls' | 'starttls',
): Promise<TlsOutcome> {
  const secure = beginHandshake(socket, input.endpoint.host, input.network.tls);
  const outcome = await awaitHandshake(
    secure,
    input.endpoint.host,
    input.network.tls,
    transcript,
    input.network.timeouts.connectMs,
    stepId,
    input.signal,
  ).catch((error: unknown) => {
    secure.destroy();
    throw error;
  });
  if (!outcome.socket) secure.destroy();
  return outcome;
}

/**
 * After the server said yes to STARTTLS / STLS: checks that nothing was slipped in after that
 * answer (RFC 3207 section 6), runs the handshake as the `starttls` step and returns the recording
 * socket over TLS, or null when a step failed (recorded in `log`).
 */
export async function secureChannel(
  channel: LineChannel,
  input: CheckInput,
  transcript: Transcript,
  log: StepLog,
  observer: LineObserver,
  command: string,
): Promise<RecordingSocket | null> {
  const unread = channel.release();
  if (unread > 0) {
    transcript.step = 'starttls';
    log.record(
      'starttls',
      'fail',
      `The server (or something in between) sent ${unread} characters of plain text right after the ${command} answer: a plain-text injection; no credentials were sent`,
      { code: 'STARTTLS_INJECTION' },
    );
    return null;
  }
  const outcome = await upgrade(channel.socket.detach(), input, transcript, 'starttls');
  log.add(outcome.step);
  return outcome.socket ? record(outcome.socket, input, transcript, observer) : null;
}
