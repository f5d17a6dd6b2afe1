// Optional fields are `?: T | undefined` so that the zod schemas' output fits them exactly.
// The one contract between the renderer and the main process (Electron's preload, or the browser
// host's WebSocket): every request and event, typed once. Types only; schemas.ts validates them.
import type {
  CheckResult,
  EndpointTarget,
  Finding,
  MailProtocol,
  Protocol,
  Report,
  SaslMechanism,
  StepId,
  TokenSection,
  TranscriptEntry,
} from '../report/model';
import type { CloudId } from '../config/clouds';

export type RunId = string;

/** Where a profile's secret lives: only ever a reference, never the secret itself. */
export type CredentialKind = 'client-secret' | 'certificate' | 'password' | 'access-token';

export interface Profile {
  id: string;
  name: string;
  /** The built-in demo tenant (the lab): read-only, always first. */
  demo: boolean;
  cloud: CloudId | 'custom';
  tenant: string;
  clientId: string;
  mailbox: string;
  credential: CredentialKind;
  /** Certificate credential: path of the PEM certificate; its key's path. */
  certificatePath?: string | undefined;
  keyPath?: string | undefined;
  /** Whether a secret for this profile is stored (keychain or session). */
  hasSecret: boolean;
  authority?: string | undefined;
  scope?: string | undefined;
  mechanism: SaslMechanism;
  imap: EndpointTarget;
  pop3: EndpointTarget;
  smtp: EndpointTarget;
  testMessage: { from?: string | undefined; to?: string | undefined };
  updatedAt: string;
}

export type ProfileSummary = Pick<
  Profile,
  'id' | 'name' | 'demo' | 'cloud' | 'mailbox' | 'credential' | 'hasSecret'
>;

/** What the profile form sends: a profile without its bookkeeping, and the secret write-only. */
export interface ProfileInput extends Omit<Profile, 'id' | 'demo' | 'hasSecret' | 'updatedAt'> {
  id?: string | undefined;
  /** Only when it changes; never sent back by the main process. */
  secret?: string | undefined;
}

export interface Settings {
  timeouts: { connectMs: number; greetingMs: number; commandMs: number };
  minTls: '1.2' | '1.3';
  /** PEM files of extra trusted CAs. */
  extraCaFiles: string[];
}

export interface VaultStatus {
  /** keychain: the OS keychain (keytar); session: memory only, lost when the app quits. */
  kind: 'keychain' | 'session';
  reason: string | null;
}

export interface AppInfo {
  version: string;
  vault: VaultStatus;
  dataDir: string;
  scenarios: string[];
}

export interface RunChecksInput {
  runId: RunId;
  profileId: string;
  protocols: MailProtocol[];
  /** Demo tenant only: the lab scenario to run. */
  scenario?: string | undefined;
  sendTest?: { from: string; to: string } | undefined;
  /** After sending, find the message again over IMAP in the recipient's mailbox. */
  roundtrip?: boolean | undefined;
}

export interface CancelInput {
  runId: RunId;
}

export interface RunProgress {
  runId: RunId;
  seq: number;
  protocol: Protocol;
  step: StepId;
  state: 'started' | 'finished';
  status?: CheckResult['verdict'];
  at: number;
}

export interface TranscriptBatch {
  runId: RunId;
  seq: number;
  protocol: Protocol;
  entries: TranscriptEntry[];
}

export interface Requests {
  'app:info': { input: undefined; output: AppInfo };
  'profiles:list': { input: undefined; output: ProfileSummary[] };
  'profiles:get': { input: { id: string }; output: Profile };
  'profiles:save': { input: ProfileInput; output: Profile };
  'profiles:remove': { input: { id: string }; output: null };
  'profiles:export': { input: { ids: string[] }; output: { json: string } };
  'profiles:import': { input: { json: string }; output: ProfileSummary[] };
  'checks:run': { input: RunChecksInput; output: Report };
  'checks:cancel': { input: CancelInput; output: null };
  'explain:text': { input: { text: string }; output: Finding[] };
  'token:inspect': { input: { token: string }; output: TokenSection };
  'settings:get': { input: undefined; output: Settings };
  'settings:set': { input: Settings; output: Settings };
}

export interface Events {
  'checks:progress': RunProgress;
  'checks:transcript': TranscriptBatch;
}

export type RequestName = keyof Requests;
export type EventName = keyof Events;

export type Result<T> = { ok: true; value: T } | { ok: false; error: { code: string; message: string } };

/** What the renderer sees as window.mailprobe, implemented by the preload and the browser host. */
export type MailProbeApi = {
  [K in RequestName]: (input: Requests[K]['input']) => Promise<Result<Requests[K]['output']>>;
} & {
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void;
};
