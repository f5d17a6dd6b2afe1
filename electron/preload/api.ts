// window.mailprobe, built from invoke/subscribe functions: one named method per request of the
// contract plus on(event). No generic invoke is exposed. Kept apart from preload.ts so that unit
// tests build it without Electron.
import type { EventName, Events, MailProbeApi, RequestName } from '../../shared/api/contract';

export const REQUEST_CHANNEL = 'mailprobe:request';
export const EVENT_CHANNEL = 'mailprobe:event';

// Listed here rather than imported from the schemas: the sandboxed preload stays tiny. A record,
// so that a request added to the contract and missing here does not compile.
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
  'files:check': true,
};
export const REQUEST_NAMES = Object.keys(REQUESTS) as readonly RequestName[];

type Listener = (event: unknown, name: unknown, payload: unknown) => void;

export interface IpcLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: Listener): unknown;
  removeListener(channel: string, listener: Listener): unknown;
}

export function buildApi(ipc: IpcLike): MailProbeApi {
  const api: Record<string, unknown> = {};
  for (const name of REQUEST_NAMES) api[name] = (input: unknown) => ipc.invoke(REQUEST_CHANNEL, name, input);
  api.on = <E extends EventName>(event: E, listener: (payload: Events[E]) => void) => {
    const handler: Listener = (_e, name, payload) => {
      if (name === event) listener(payload as Events[E]);
    };
    ipc.on(EVENT_CHANNEL, handler);
    return () => {
      ipc.removeListener(EVENT_CHANNEL, handler);
    };
  };
  return Object.freeze(api) as MailProbeApi;
}
