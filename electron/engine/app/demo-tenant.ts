// The Demo tenant as the service sees it: a simulated tenant with scenarios, supplied from above
// (electron/compose wires in the lab). The engine defines this shape and knows nothing else of
// where the tenant comes from, so it imports neither the lab nor any of its hosts.
import type { MailProtocol, SaslMechanism } from '../../../shared/report/model';
import type { RunInput } from '../checks/run';
import type { NetworkSettings } from '../checks/types';
import type { DeviceCodePrompt } from '../identity/acquire';
import type { TestMessageContent } from './targets';

/** A person of the simulated tenant who can sign in on its page (a delegated scenario). */
export interface DemoUser {
  address: string;
  password: string;
}

/** What the Demo profile shows: the tenant's ids and its mailbox. */
export interface DemoIdentity {
  tenantId: string;
  clientId: string;
  mailbox: string;
}

export interface DemoRunRequest {
  /** One of the tenant's scenarios (checked by the service against `scenarios`). */
  scenario: string;
  protocols: MailProtocol[];
  graph?: boolean | undefined;
  mechanism: SaslMechanism;
  network: NetworkSettings;
  sendTo?: string | undefined;
  from?: string | undefined;
  content?: TestMessageContent | undefined;
  /** A scenario where a person signs in: the code to show, and the demo users who may use it. */
  onDeviceCode: (prompt: DeviceCodePrompt, demoUsers: DemoUser[]) => void;
}

export interface DemoTenant {
  identity: DemoIdentity;
  /** The scenarios a run can pick, in the order the app lists them. */
  scenarios: readonly string[];
  /** The run of one scenario: its tenant started (once, then shared) and pointed at. */
  runInput(request: DemoRunRequest): Promise<RunInput>;
  /** Stops whatever the tenant started; the service calls it when it closes. */
  close(): Promise<void>;
}
