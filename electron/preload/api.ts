// window.mailprobe, built from invoke/subscribe functions: one named method per request of the
// contract plus on(event). No generic invoke is exposed. Kept apart from preload.ts so that unit
// tests build it without Electron.
import type { EventName, Events, MailProbeApi, RequestName } from '../../shared/api/contract';

export const REQUEST_CHANNEL = 'mailprobe:request';
export const EVENT_CHANNEL = 'mailprobe:event';

// Listed here rather than imported from the schemas: the sandboxed preload stays tiny.
export const REQUEST_NAMES: readonly RequestName[] = [
  'app:info',
  'profiles:list',
  'profiles:get',
  'profiles:save',
  'profiles:remove',
  'profiles:export',
  'profiles:import',
  'checks:run',
  'checks:cancel',
  'explain:text',
  'token:inspect',
  'settings:get',
  'settings:set',
  'history:list',
  'history:get',
  'history:compare',
  'export:preview',
  'export:bundle',
  'history:remove',
  'history:clear',
];

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
