// MailProbeApi over browser mode's WebSocket (shared/api/browser-protocol.ts): one request id and
// one promise per request, event listeners per event name, and a clear state when the link is
// lost (every pending and later request then resolves with a DISCONNECTED error; no reconnect).
// The socket is passed in (an interface, not the DOM type) so node tests can drive it.
import type {
  EventName,
  Events,
  MailProbeApi,
  RequestName,
  Requests,
  Result,
} from '../../shared/api/contract';
import { API_PATH, type RequestMessage, type ServerMessage } from '../../shared/api/browser-protocol';
import type { ConnectionState } from '../state/connection';

/** The part of a WebSocket this client uses. */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open' | 'close' | 'error', listener: () => void): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
}

const OPEN = 1;

export interface Connection {
  get(): ConnectionState;
  subscribe(listener: (state: ConnectionState) => void): () => void;
}

export interface WsApi {
  api: MailProbeApi;
  connection: Connection;
}

type Pending = (result: Result<unknown>) => void;
type AnyListener = (payload: Events[EventName]) => void;

function disconnected(message: string): Result<never> {
  return { ok: false, error: { code: 'DISCONNECTED', message } };
}

// A record, so that a request added to the contract and missing here does not compile.
const REQUESTS: Record<RequestName, true> = {
  'app:info': true,
  'profiles:list': true,
  'profiles:get': true,
  'profiles:save': true,
  'profiles:remove': true,
  'profiles:forgetSignIn': true,
  'store:watch': true,
  'profiles:export': true,
  'profiles:import': true,
  'profiles:importPreview': true,
  'files:check': true,
  'checks:run': true,
  'checks:cancel': true,
  'checks:tlsProbe': true,
  'explain:text': true,
  'token:inspect': true,
  'settings:get': true,
  'settings:set': true,
  'history:list': true,
  'history:get': true,
  'history:compare': true,
  'export:preview': true,
  'export:bundle': true,
  'history:remove': true,
  'history:clear': true,
};
const REQUEST_NAMES = Object.keys(REQUESTS) as RequestName[];

export function createWsApi(socket: SocketLike): WsApi {
  let state: ConnectionState = socket.readyState === OPEN ? { kind: 'open' } : { kind: 'connecting' };
  const stateListeners = new Set<(s: ConnectionState) => void>();
  const pending = new Map<number, Pending>();
  const queue: string[] = [];
  const listeners = new Map<EventName, Set<AnyListener>>();
  let nextId = 1;

  const setState = (next: ConnectionState): void => {
    state = next;
    for (const l of [...stateListeners]) l(next);
  };

  const fail = (message: string): void => {
    if (state.kind === 'closed') return;
    setState({ kind: 'closed', message });
    queue.length = 0;
    const waiting = [...pending.values()];
    pending.clear();
    for (const resolve of waiting) resolve(disconnected(message));
  };

  socket.addEventListener('open', () => {
    if (state.kind === 'closed') return;
    setState({ kind: 'open' });
    for (const frame of queue.splice(0)) socket.send(frame);
  });
  socket.addEventListener('close', () => {
    fail(
      state.kind === 'connecting'
        ? 'Could not connect to MailProbe. Is `mailprobe serve` still running, and is this the address it printed (with its ?token=)?'
        : 'The connection to MailProbe was lost. Restart `mailprobe serve` and open the new address it prints.',
    );
  });
  socket.addEventListener('error', () => {
    // A 'close' always follows; it says what happened.
  });
  socket.addEventListener('message', (event) => {
    if (typeof event.data !== 'string') return;
    let message: ServerMessage;
    try {
      message = JSON.parse(event.data) as ServerMessage;
    } catch {
      return;
    }
    if (message.type === 'response') {
      const resolve = pending.get(message.id);
      if (resolve) {
        pending.delete(message.id);
        resolve(message.result);
      }
      return;
    }
    const set = listeners.get(message.name);
    if (set) for (const l of [...set]) l(message.payload);
  });

  const request = <K extends RequestName>(
    name: K,
    input: Requests[K]['input'],
  ): Promise<Result<Requests[K]['output']>> => {
    if (state.kind === 'closed') return Promise.resolve(disconnected(state.message));
    const id = nextId++;
    const message: RequestMessage<K> = { type: 'request', id, name, input };
    const frame = JSON.stringify(message);
    return new Promise((resolve) => {
      pending.set(id, resolve as Pending);
      if (state.kind === 'open') socket.send(frame);
      else queue.push(frame);
    });
  };

  const api = {
    on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void {
      let set = listeners.get(event);
      if (!set) {
        set = new Set();
        listeners.set(event, set);
      }
      const l = listener as AnyListener;
      set.add(l);
      return () => {
        listeners.get(event)?.delete(l);
      };
    },
  } as MailProbeApi;
  const methods = api as unknown as Record<RequestName, (input: unknown) => Promise<Result<unknown>>>;
  for (const name of REQUEST_NAMES) methods[name] = (input: unknown) => request(name, input as never);

  return {
    api,
    connection: {
      get: () => state,
      subscribe(listener) {
        stateListeners.add(listener);
        return () => {
          stateListeners.delete(listener);
        };
      },
    },
  };
}

/** The WebSocket address of the page's host: ws://<host>/api?token=<token from the page URL>. */
export function apiUrl(location: { host: string; search: string; protocol: string }): string | null {
  const token = new URLSearchParams(location.search).get('token');
  if (token === null || token === '') return null;
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${location.host}${API_PATH}?token=${encodeURIComponent(token)}`;
}

/** An API whose every request fails with the reason (no preload, no token in the page URL). */
export function createClosedApi(message: string): WsApi {
  const state: ConnectionState = { kind: 'closed', message };
  const api = { on: () => () => undefined } as unknown as MailProbeApi;
  const methods = api as unknown as Record<RequestName, (input: unknown) => Promise<Result<unknown>>>;
  for (const name of REQUEST_NAMES) methods[name] = () => Promise.resolve(disconnected(message));
  return { api, connection: { get: () => state, subscribe: () => () => undefined } };
}
