// The app service in-process, as the renderer talks to it, for the tests that save and run
// profiles: a data folder of its own, a session vault, extra CA files trusted, and typed calls.
import type { Events, EventName, RequestName, Requests, Result } from '../../../shared/api/contract';
import { createAppService, type AppService, type ClientContext } from '../../../electron/compose/app-service';
import { SessionVault } from '../../../electron/engine/store/vault';

export interface TestService {
  service: AppService;
  /** The request's result, as the renderer gets it (ok or an error). */
  dispatch: <K extends RequestName>(name: K, input: unknown) => Promise<Result<Requests[K]['output']>>;
  /** The request's value; an error result throws. */
  call: <K extends RequestName>(name: K, input: unknown) => Promise<Requests[K]['output']>;
  close: () => Promise<void>;
}

export async function startTestService(options: {
  dataDir: string;
  caFiles: string[];
  /** Every event the service emits (device-code prompts, browser sign-in pages...). */
  onEvent?: (event: EventName, payload: unknown) => void;
}): Promise<TestService> {
  const service = await createAppService({
    dataDir: options.dataDir,
    version: 'test',
    vault: new SessionVault({ kind: 'session', reason: 'tests' }),
  });
  const ctx: ClientContext = {
    emit<E extends EventName>(event: E, payload: Events[E]) {
      options.onEvent?.(event, payload);
    },
  };
  const dispatch = <K extends RequestName>(name: K, input: unknown): Promise<Result<Requests[K]['output']>> =>
    service.dispatch(name, input, ctx);
  const call = async <K extends RequestName>(name: K, input: unknown): Promise<Requests[K]['output']> => {
    const result = await dispatch(name, input);
    if (!result.ok) throw new Error(`${name}: ${result.error.code} ${result.error.message}`);
    return result.value;
  };
  const settings = await call('settings:get', undefined);
  await call('settings:set', { ...settings, extraCaFiles: options.caFiles });
  return { service, dispatch, call, close: () => service.close() };
}
