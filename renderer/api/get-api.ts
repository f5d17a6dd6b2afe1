// The one place that reaches the main process: Electron's preload (window.mailprobe) when it is
// there, else browser mode's WebSocket on the page's own host. Both implement MailProbeApi.
import type { MailProbeApi } from '../../shared/api/contract';
import { apiUrl, createClosedApi, createWsApi, type Connection, type WsApi } from './ws-client';

declare global {
  interface Window {
    mailprobe?: MailProbeApi;
  }
}

let bridge: WsApi | null = null;

function open(): WsApi {
  const preload = window.mailprobe;
  if (preload !== undefined) {
    const state = { kind: 'open' } as const;
    return { api: preload, connection: { get: () => state, subscribe: () => () => undefined } };
  }
  const url = apiUrl(window.location);
  if (url === null)
    return createClosedApi(
      'This page has no access token. Open MailProbe at the address `mailprobe serve` printed (it ends with ?token=...).',
    );
  return createWsApi(new WebSocket(url));
}

function current(): WsApi {
  bridge ??= open();
  return bridge;
}

export function getApi(): MailProbeApi {
  return current().api;
}

/** Whether the link to the main process is up (browser mode can lose it). */
export function getConnection(): Connection {
  return current().connection;
}
