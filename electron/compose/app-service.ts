// electron/compose: the floor above the engine and the lab, where a run's parts are chosen.
//
//   main/, host/, cli/, tests     construct the service (and lab runs) from here
//        |
//   compose/   app-service.ts  the engine's AppService with the lab as its Demo tenant
//              lab-demo.ts     the lab behind the engine's DemoTenant interface
//              lab-targets.ts  a started lab as a RunInput (endpoints, CA, credentials, proxy)
//        |
//   engine/  (plain Node; defines the interfaces it needs: DemoTenant)      lab/  (the simulated tenants)
//
// The engine imports nothing of compose, the lab, the hosts or the shell (a lint rule in
// eslint.config.js); what it needs from them comes in through interfaces it defines.
import {
  createAppService as createEngineAppService,
  type AppService,
  type AppServiceOptions,
} from '../engine/app/service';
import { labDemoTenant } from './lab-demo';

export type { AppService, ClientContext } from '../engine/app/service';
export { DEMO_PROFILE_ID, PREVIEW_CHARS } from '../engine/app/service';

/** The service's options as a host gives them: the Demo tenant is the lab's. */
export type HostServiceOptions = Omit<AppServiceOptions, 'demo'>;

export function createAppService(options: HostServiceOptions): Promise<AppService> {
  return createEngineAppService({ ...options, demo: labDemoTenant() });
}
