// Optional fields are `?: T | undefined` so that the zod schemas' output fits them exactly.
// The one contract between the renderer and the main process (Electron's preload, or the browser
// host's WebSocket): every request and event, typed once. Types only; schemas.ts validates them.
import type { RunDifferences } from '../history/compare';
import type {
  CheckResult,
  EndpointTarget,
  Finding,
  MailProtocol,
  Protocol,
  Report,
  SaslMechanism,
  StepId,
  StepResult,
  TokenSection,
  TranscriptEntry,
} from '../report/model';
import type { CloudId } from '../config/clouds';

export type RunId = string;

/** Where a profile's secret lives: only ever a reference, never the secret itself. */
/** device-code, browser: a user signs in when the check runs (delegated); nothing is stored. */
/** google-service-account: the secret is the service account's JSON key (Gmail, Workspace). */
export type CredentialKind =
  | 'client-secret'
  | 'certificate'
  | 'password'
  | 'access-token'
  | 'device-code'
  | 'browser'
  | 'google-service-account'
  /** High Volume Email: the app's client secret for a token with Mail.Send (SMTP only). */
  | 'hve'
  /** Azure Communication Services SMTP: the app's client secret is the SMTP password. */
  | 'acs'
  /** Any OpenID provider by its issuer: client credentials (secret) or a person's sign-in. */
  | 'oidc'
  /** A user's own Gmail sign-in (installed app, browser): the secret is the OAuth client's. */
  | 'google-user';

export type OidcFlow = 'client-credentials' | 'device-code' | 'browser';

export interface ProfileProxy {
  mode: 'direct' | 'manual';
  /** manual: http://[user@]host:port or socks5://[user@]host:port (no password in it). */
  url: string;
  /** manual: hosts reached directly, NO_PROXY style. */
  bypass: string;
}

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
  /**
   * A person's sign-in (device code, browser): keep its refresh token in the keychain, so the next
   * run needs nobody; and whether one is kept now.
   */
  keepSignIn?: boolean | undefined;
  keptSignIn?: boolean | undefined;
  /**
   * This profile's own way out (the customer's network, say): no proxy, or a proxy of its own,
   * its password in the keychain. Absent: the proxy in Settings.
   */
  proxy?: ProfileProxy | undefined;
  /** Whether the keychain holds the password of the profile's own proxy. */
  hasProxyPassword?: boolean | undefined;
  authority?: string | undefined;
  scope?: string | undefined;
  /**
   * The ObjectId Exchange Online has the app's service principal registered with
   * (New-ServicePrincipal -ObjectId, as Get-ServicePrincipal lists it), when known: it tells a
   * wrong object id from a missing mailbox permission when Exchange only says "failed".
   */
  exchangeServicePrincipalId?: string | undefined;
  /** The client secret's end date (YYYY-MM-DD, Entra ID's endDateTime), for the readiness audit. */
  secretExpiresAt?: string | undefined;
  /**
   * ACS: the Communication Services resource's name (the user name is then
   * <resource>.<client id>.<tenant id>), or a whole SMTP user name.
   */
  acsResource?: string | undefined;
  /** OpenID provider: its issuer URL, how the token is got, and the resource indicator if any. */
  issuer?: string | undefined;
  oidcFlow?: OidcFlow | undefined;
  resource?: string | undefined;
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
export interface ProfileInput extends Omit<
  Profile,
  'id' | 'demo' | 'hasSecret' | 'keptSignIn' | 'hasProxyPassword' | 'updatedAt'
> {
  id?: string | undefined;
  /** Only when it changes; never sent back by the main process. */
  secret?: string | undefined;
  /** The profile's own proxy's password, only when it changes (empty: remove it). */
  proxyPassword?: string | undefined;
}

export interface Settings {
  timeouts: { connectMs: number; greetingMs: number; commandMs: number };
  minTls: '1.2' | '1.3';
  /** PEM files of extra trusted CAs. */
  extraCaFiles: string[];
  proxy: ProxySettings;
  /**
   * Only when it changes (an empty string removes it): the manual proxy's password, kept in the
   * keychain; never sent back by the main process.
   */
  proxyPassword?: string | undefined;
}

/** How runs reach the identity endpoint and the mail servers (SPEC 2.9). */
export interface ProxySettings {
  /**
   * system: the operating system's proxy (the desktop app asks Electron's session.resolveProxy,
   * PAC files included; browser mode reads HTTPS_PROXY / ALL_PROXY / NO_PROXY); manual: `url`;
   * direct: no proxy.
   */
  mode: 'system' | 'manual' | 'direct';
  /** manual: http://[user@]host:port or socks5://[user@]host:port (no password in it). */
  url: string;
  /** manual: hosts reached directly, NO_PROXY style (comma separated). */
  bypass: string;
  /** Whether a password for the manual proxy is in the keychain. */
  hasPassword: boolean;
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

/** A saved profile that did not pass the schema: set aside in the file, apart from the others. */
export interface QuarantinedProfileSummary {
  /** The entry's name when it has one. */
  name: string | null;
  /** Which field is wrong and how ("imap.port: Number must be less than or equal to 65535"). */
  reason: string;
  since: string;
}

/**
 * The data folder as the app shows it: its revision counts the changes of the profile and
 * settings files, made by this app or another MailProbe (the CLI, `serve`).
 */
export interface StoreState {
  revision: number;
  quarantine: QuarantinedProfileSummary[];
  /** What the stores said about their files: a file moved aside, a newer store left read-only. */
  notices: string[];
}

/** The test message the app's form asks for; subject and body are the engine's when absent. */
export interface TestMessageInput {
  from: string;
  to: string;
  subject?: string | undefined;
  body?: string | undefined;
}

export interface RunChecksInput {
  runId: RunId;
  profileId: string;
  protocols: MailProtocol[];
  /** The Graph check beside the mail checks (Microsoft 365 targets only). */
  graph?: boolean | undefined;
  /** Demo tenant only: the lab scenario to run. */
  scenario?: string | undefined;
  sendTest?: TestMessageInput | undefined;
  /** After sending, find the message again over IMAP in the recipient's mailbox. */
  roundtrip?: boolean | undefined;
}

export interface CancelInput {
  runId: RunId;
}

/** The TLS floor probe of one endpoint of a profile (the Demo tenant: of a scenario's lab). */
export interface TlsProbeInput {
  profileId: string;
  protocol: MailProtocol;
  scenario?: string | undefined;
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

/** Where the app runs: the desktop shell, browser mode, or the CLI. */
export type Shell = 'electron' | 'browser' | 'cli';

/** What a run was made with: written into history and the bundle's environment.json. No secret. */
export interface RunEnvironment {
  app: { name: 'MailProbe'; version: string; shell: Shell };
  os: { platform: string; release: string; arch: string };
  versions: { node: string; electron: string | null; chromium: string | null };
  network: {
    timeouts: Settings['timeouts'];
    minTls: Settings['minTls'];
    extraCaFiles: string[];
    /** Proxies for the identity endpoint and the mail connections; null: direct connections. */
    proxy: { identity: string | null; mail: string | null };
  };
}

/** One run as kept in a profile's history: the report (redacted at the source), never a token. */
export interface StoredRun {
  schema: 'mailprobe.run/1';
  id: RunId;
  profileId: string;
  profileName: string;
  scenario: string | null;
  environment: RunEnvironment;
  report: Report;
  /** What the run was asked to do; absent in runs kept before it was recorded. */
  asked?: RunAsked;
}

/** A run's own choices, kept with it so that a comparison need not guess them from the results. */
export interface RunAsked {
  protocols: MailProtocol[];
  graph: boolean;
  /** The test message's recipient, or null when none was sent. */
  testMessage: { to: string } | null;
  /** The test message was to be found again in the recipient's mailbox. */
  roundtrip: boolean;
}

/** A line of a profile's history list. */
export interface HistoryEntry {
  id: RunId;
  profileId: string;
  startedAt: string;
  durationMs: number;
  verdict: Report['verdict'];
  scenario: string | null;
  checks: Array<{ protocol: Protocol; verdict: CheckResult['verdict'] }>;
  /** The title of the most likely finding, if any. */
  topFinding: string | null;
}

export interface RunRef {
  profileId: string;
  runId: RunId;
}

export interface CompareInput extends RunRef {
  /** The run to compare with; by default the last passing run of the profile before this one. */
  baselineId?: RunId | undefined;
}

export interface RunComparison {
  run: HistoryEntry;
  /** Null when the profile has no earlier passing run to compare with. */
  baseline: HistoryEntry | null;
  /** What the runs were asked differently and what came out differently; null without a baseline. */
  differences: RunDifferences | null;
}

/** One file of the diagnostic bundle, exactly as it will be written. */
export interface BundleFile {
  name: string;
  /** Its size in the bundle (UTF-8), whether or not `text` is shown whole. */
  bytes: number;
  text: string;
  /** The preview shows the start of a very long file only; the bundle holds it whole. */
  truncated: boolean;
}

export interface BundlePreview {
  fileName: string;
  files: BundleFile[];
}

export interface ExportOutcome {
  /** Where the desktop app saved the bundle; null when the save dialog was cancelled. */
  savedTo: string | null;
  /** Browser mode has no save dialog: the bundle comes back for the browser to download. */
  download?: { fileName: string; base64: string } | undefined;
}

/** A file an imported profile names, shown to the user before the import adds it. */
export interface ImportedFile {
  label: string;
  path: string;
  /** What is wrong with it on this machine, or null when it is usable. */
  problem: string | null;
}

/** What `profiles:import` would add, for the user to confirm. */
export interface ImportPreview {
  profiles: Array<{ name: string; files: ImportedFile[] }>;
}

export type ChosenFileKind = 'certificate' | 'private-key';

export interface Requests {
  'app:info': { input: undefined; output: AppInfo };
  'profiles:list': { input: undefined; output: ProfileSummary[] };
  /**
   * The store's state once its revision differs from the one given (another MailProbe saved), or
   * after about 25 seconds without a change; at once for null. The renderer's long poll.
   */
  'store:watch': { input: { revision: number | null }; output: StoreState };
  'profiles:get': { input: { id: string }; output: Profile };
  'profiles:save': { input: ProfileInput; output: Profile };
  'profiles:remove': { input: { id: string }; output: null };
  /** Deletes the kept sign-in (refresh token) of a profile from the keychain. */
  'profiles:forgetSignIn': { input: { id: string }; output: Profile };
  'profiles:export': { input: { ids: string[] }; output: { json: string } };
  'profiles:import': { input: { json: string }; output: ProfileSummary[] };
  /** The profiles an import would add and the files they name; adds nothing. */
  'profiles:importPreview': { input: { json: string }; output: ImportPreview };
  /** Whether a chosen file is a usable PEM certificate (or CA bundle) or private key. */
  'files:check': { input: { path: string; kind: ChosenFileKind }; output: { problem: string | null } };
  'checks:run': { input: RunChecksInput; output: Report };
  'checks:cancel': { input: CancelInput; output: null };
  /** Which TLS versions (1.0 to 1.3) the endpoint accepts: a `tls-versions` step, nothing signed in. */
  'checks:tlsProbe': { input: TlsProbeInput; output: StepResult };
  'explain:text': { input: { text: string }; output: Finding[] };
  'token:inspect': { input: { token: string }; output: TokenSection };
  'settings:get': { input: undefined; output: Settings };
  'settings:set': { input: Settings; output: Settings };
  'history:list': { input: { profileId: string }; output: HistoryEntry[] };
  'history:get': { input: RunRef; output: StoredRun };
  'history:compare': { input: CompareInput; output: RunComparison };
  'export:preview': { input: RunRef; output: BundlePreview };
  'export:bundle': { input: RunRef; output: ExportOutcome };
  /** Deletes one run; the list that is left. */
  'history:remove': { input: RunRef; output: HistoryEntry[] };
  /** Deletes every run of the profile. */
  'history:clear': { input: { profileId: string }; output: HistoryEntry[] };
}

/** A run waits for a person to sign in (device code): what to show them, and for how long. */
export interface DeviceCodePrompt {
  runId: RunId;
  /** The identity platform's own words: the page to open and the code to enter. */
  message: string;
  verificationUri: string;
  userCode: string;
  expiresInSeconds: number;
  /** The demo tenant's test users and their passwords (new at every lab start); empty elsewhere. */
  demoUsers: Array<{ address: string; password: string }>;
}

/** A run waits for a person to sign in in a browser (authorization code with PKCE). */
export interface BrowserSignInPrompt {
  runId: RunId;
  /** The sign-in page to open; the browser comes back to the app's loopback listener. */
  url: string;
}

export interface Events {
  'checks:progress': RunProgress;
  'checks:transcript': TranscriptBatch;
  'checks:device-code': DeviceCodePrompt;
  'checks:browser-sign-in': BrowserSignInPrompt;
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
