// Everything the renderer can ask, behind one dispatch: the Electron gateway and the browser host
// both call it, so the app behaves the same in both. Inputs are validated here against the
// contract's schemas; failures come back as a Result, never as a thrown error. The Demo tenant
// comes in as a DemoTenant (demo-tenant.ts): the service does not know that it is the lab, and
// electron/compose is where the lab is wired in for the app, the CLI and the tests.
import type {
  AppInfo,
  ExportOutcome,
  EventName,
  Events,
  Profile,
  ProfileInput,
  ProfileSummary,
  RequestName,
  RunChecksInput,
  Requests,
  Result,
  Settings,
  Shell,
  StoreState,
  RunAsked,
  StoredRun,
} from '../../../shared/api/contract';
import type { UnreadableCaFile } from '../../../shared/report/model';
import { parseRequest } from '../../../shared/api/schemas';
import type { Protocol, Report, TranscriptEntry } from '../../../shared/report/model';
import { PROFILES_FILE, ProfileError, ProfileStore, nameOfEntry } from '../store/profiles';
import { boundReport } from '../store/bound-report';
import { HistoryError, RunHistory } from '../store/run-history';
import { SETTINGS_FILE, SettingsStore } from '../store/settings';
import { FileRevisions } from '../store/file-watch';
import { openVault, type Vault } from '../store/vault';
import { DEFAULT_LIMITS } from '../wire/limits';
import { SecretSet } from '../wire/secrets';
import { describeEnvironment } from './environment';
import type { NetworkSettings } from '../checks/types';
import { askedOf } from '../history/asked';
import { historyEntry } from '../history/history-entry';
import { roundtripReader } from '../checks/run-plan';
import { profileRunInput, TargetError } from './targets';
import type { DemoTenant } from './demo-tenant';
import type { DeviceCodePrompt as DeviceCodePromptOfRun } from '../identity/acquire';
import { inlineOffload, OffloadFailure, OffloadTimeout, type Offload } from '../offload/worker-pool';
import { FileProblem } from '../files/bounded-file';
import { readServiceAccountKey } from '../identity/google-key';
import { readCertificateFile } from '../files/pem-files';
import { DIRECT, proxySecrets, type ProxyPlan } from '../wire/proxy';
import type { RunInput } from '../checks/run';
import { parseProxyUrl } from '../../../shared/config/proxy';
import { planFromSettings, type SystemProxyResolver } from './proxy-plan';
import {
  ChosenFileError,
  checkChosenFiles,
  importedFiles,
  profileFiles,
  settingsFiles,
} from '../files/chosen-files';

export interface ClientContext {
  emit<E extends EventName>(event: E, payload: Events[E]): void;
}

type Handlers = {
  [K in RequestName]: (input: Requests[K]['input'], ctx: ClientContext) => Promise<Requests[K]['output']>;
};

export interface AppService {
  dispatch<K extends RequestName>(
    name: K,
    input: unknown,
    ctx: ClientContext,
  ): Promise<Result<Requests[K]['output']>>;
  close(): Promise<void>;
}

export interface AppServiceOptions {
  dataDir: string;
  version: string;
  /** The Demo profile's tenant and its scenarios; closed with the service. */
  demo: DemoTenant;
  vault?: Vault;
  /** Which shell runs the service; written into each run's environment. Browser mode by default. */
  shell?: Shell;
  /**
   * The desktop app's save dialog: writes the bundle where the user chooses and returns the path,
   * or null when cancelled. Without it (browser mode) the bundle goes back for the browser to save.
   */
  saveBundle?: (fileName: string, bytes: Uint8Array) => Promise<string | null>;
  /**
   * Where heavy work (explain, bundle, compare) runs: worker threads with a time limit in the
   * desktop app and browser mode, so one large request cannot hold up the others. In this thread
   * when absent.
   */
  offload?: Offload;
  /**
   * The desktop app's system proxy: Electron's session.resolveProxy (PAC included). Without it
   * (browser mode) "the system's proxy" is HTTPS_PROXY / ALL_PROXY / NO_PROXY.
   */
  resolveSystemProxy?: SystemProxyResolver;
}

export const DEMO_PROFILE_ID = 'demo';
export { PREVIEW_CHARS } from '../offload/heavy-jobs';
/** A bundle of a large run takes longer than reading a paste (which has the pool's limit). */
const BUNDLE_LIMIT_MS = 60_000;
/** A long poll of the store answers within this without a change, well inside any proxy's idle limit. */
const STORE_WATCH_MS = 25_000;

function demoProfile(demo: DemoTenant): Profile {
  const endpoint = (port: number, security: 'tls' | 'starttls') => ({ host: '127.0.0.1', port, security });
  const { tenantId, clientId, mailbox } = demo.identity;
  return {
    id: DEMO_PROFILE_ID,
    name: 'Demo tenant',
    demo: true,
    cloud: 'custom',
    tenant: tenantId,
    clientId,
    mailbox,
    credential: 'client-secret',
    hasSecret: true,
    mechanism: 'auto',
    // The lab picks its ports when it starts; these are shown as the simulated endpoints.
    imap: endpoint(993, 'tls'),
    pop3: endpoint(995, 'tls'),
    smtp: endpoint(587, 'starttls'),
    testMessage: { from: mailbox, to: mailbox },
    updatedAt: new Date(0).toISOString(),
  };
}

function summary(p: Profile): ProfileSummary {
  return {
    id: p.id,
    name: p.name,
    demo: p.demo,
    cloud: p.cloud,
    mailbox: p.mailbox,
    credential: p.credential,
    hasSecret: p.hasSecret,
  };
}

/** Whose run it is, for the history: the profile's name, and its secret to scrub once more. */
interface RunOwner {
  profileId: string;
  profileName: string;
  secret: string | null;
  scenario: string | null;
}

/** The vault entry of the manual proxy's password (Settings). */
const PROXY_PASSWORD_REF = 'settings#proxy';

/** A manual proxy must be a URL we can use, and carry no password in it. */
function checkedProxySettings(proxy: Settings['proxy']): Settings['proxy'] {
  if (proxy.mode !== 'manual') return proxy;
  const parsed = parseProxyUrl(proxy.url);
  if (!parsed.ok) throw new TargetError(`Proxy (Settings): ${parsed.error}`);
  if (parsed.password !== null)
    throw new TargetError('Proxy (Settings): put the password in its own field, not in the URL');
  return proxy;
}

/**
 * The network settings of a run. A CA file that cannot be read (moved, deleted, a pipe) does not
 * stop the run: it goes on with the system's CAs, and the file is named in the report, where the
 * diagnosis makes it a finding with its path.
 */
async function network(
  settings: Settings,
): Promise<{ net: NetworkSettings; unreadable: UnreadableCaFile[] }> {
  const unreadable: UnreadableCaFile[] = [];
  const read = await Promise.all(
    settings.extraCaFiles.map((path) =>
      readCertificateFile(path).catch((error: unknown) => {
        if (!(error instanceof FileProblem)) throw error;
        unreadable.push({ source: 'Settings, extra CA files', path, problem: error.problem });
        return null;
      }),
    ),
  );
  const extraCaPem = read.filter((pem): pem is string => pem !== null);
  return {
    unreadable,
    net: {
      timeouts: settings.timeouts,
      tls: { extraCaPem, minVersion: settings.minTls === '1.3' ? 'TLSv1.3' : 'TLSv1.2' },
      limits: DEFAULT_LIMITS,
      family: 'auto',
      proxy: DIRECT,
    },
  };
}

/** Batches transcript entries per run and protocol into events, a few per frame. */
function transcriptEmitter(
  runId: string,
  ctx: ClientContext,
): (protocol: Protocol, entry: TranscriptEntry) => void {
  let seq = 0;
  const pending = new Map<Protocol, TranscriptEntry[]>();
  let scheduled = false;
  const flush = (): void => {
    scheduled = false;
    for (const [protocol, entries] of pending)
      ctx.emit('checks:transcript', { runId, seq: seq++, protocol, entries });
    pending.clear();
  };
  return (protocol, entry) => {
    const list = pending.get(protocol) ?? [];
    list.push(entry);
    pending.set(protocol, list);
    if (!scheduled) {
      scheduled = true;
      setTimeout(flush, 30);
    }
  };
}

function tooLongMessage(name: RequestName, error: OffloadTimeout): string {
  if (name === 'explain:text')
    return `Reading this text was ${error.message} so that the app stays responsive. Paste the part around the error: the server's reply lines, the token endpoint's answer, the client's exception.`;
  return `This took too long and was ${error.message}; the rest of the app was not affected.`;
}

export async function createAppService(options: AppServiceOptions): Promise<AppService> {
  const vault = options.vault ?? (await openVault());
  const [profiles, settings] = await Promise.all([
    ProfileStore.open(options.dataDir, vault),
    SettingsStore.open(options.dataDir),
  ]);
  const history = RunHistory.at(options.dataDir);
  const revisions = new FileRevisions(options.dataDir, [PROFILES_FILE, SETTINGS_FILE]);
  const offload = options.offload ?? inlineOffload();
  const demo = options.demo;
  const runs = new Map<string, AbortController>();

  /** Keeps a finished run in its profile's history, scrubbed once more of the profile's secret. */
  const keep = async (
    runId: string,
    owner: RunOwner,
    report: Report,
    proxy: ProxyPlan,
    asked: RunAsked,
  ): Promise<void> => {
    const secrets = new SecretSet();
    secrets.add(owner.secret);
    const { profileId, profileName, scenario } = owner;
    const current = settings.get();
    const run: StoredRun = {
      schema: 'mailprobe.run/1',
      id: runId,
      profileId,
      profileName,
      scenario,
      environment: describeEnvironment({
        version: options.version,
        shell: options.shell ?? 'browser',
        network: current,
        proxy,
      }),
      report: boundReport(secrets.scrubDeep(report)),
      asked,
    };
    await history.save(run);
  };

  /** A run's input from the renderer's request: the Demo tenant's lab, or a saved profile with its proxy. */
  const prepareRun = async (
    input: RunChecksInput,
    ctx: ClientContext,
  ): Promise<{ run: RunInput; owner: RunOwner; net: NetworkSettings }> => {
    const { net, unreadable } = await network(await settings.read());
    let run;
    // Whose run it is, for the history: the profile's name, and its secret to scrub once more.
    const owner = {
      profileId: input.profileId,
      profileName: 'Demo tenant',
      secret: null as string | null,
      scenario: null as string | null,
    };
    if (input.profileId === DEMO_PROFILE_ID) {
      const scenario = input.scenario ?? 'healthy';
      owner.scenario = scenario;
      if (!demo.scenarios.includes(scenario)) throw new TargetError(`Unknown scenario "${scenario}"`);
      const runId = input.runId;
      run = await demo.runInput({
        scenario,
        protocols: input.protocols,
        graph: input.graph,
        // A delegated scenario: a person signs in on the tenant's page as one of its demo users.
        onDeviceCode: (prompt, demoUsers) => {
          ctx.emit('checks:device-code', { runId, ...prompt, demoUsers });
        },
        mechanism: 'auto',
        network: net,
        sendTo: input.sendTest?.to,
        from: input.sendTest?.from,
        content: input.sendTest,
      });
    } else {
      const profile = await profiles.get(input.profileId);
      owner.profileName = profile.name;
      owner.secret = await profiles.secretOf(profile.id);
      const runId = input.runId;
      const kept = await profiles.loadKeptSignIn(profile);
      run = await profileRunInput(profile, owner.secret, {
        deviceCode: {
          kind: 'device-code',
          onCode: (prompt: DeviceCodePromptOfRun) => {
            ctx.emit('checks:device-code', { runId, ...prompt, demoUsers: [] });
          },
          ...(kept ? { kept } : {}),
        },
        // The renderer shows the page; opening it goes through the shell's guard (system browser).
        browser: {
          kind: 'browser',
          openBrowser: (url: string) => {
            ctx.emit('checks:browser-sign-in', { runId, url });
            return Promise.resolve();
          },
          ...(kept ? { kept } : {}),
        },
        protocols: input.protocols,
        network: net,
        sendTest: input.sendTest,
        graph: input.graph,
      });
      // The profile's own proxy (the customer's network), else the one in Settings.
      const own = profile.proxy;
      const current = own ? { ...own, hasPassword: profile.hasProxyPassword ?? false } : settings.get().proxy;
      const password =
        current.mode !== 'manual'
          ? null
          : own
            ? await profiles.proxyPasswordOf(profile.id)
            : await vault.get(PROXY_PASSWORD_REF);
      const planned = await planFromSettings(current, password, run, {
        ...(options.resolveSystemProxy ? { resolveSystem: options.resolveSystemProxy } : {}),
        ...(own ? { source: `the proxy of profile "${profile.name}"` } : {}),
      });
      if (!planned.ok) throw new TargetError(planned.error);
      run = { ...run, network: { ...run.network, proxy: planned.plan } };
    }
    if (unreadable.length) run = { ...run, target: { ...run.target, unreadableCaFiles: unreadable } };
    return { run, owner, net };
  };

  const handlers: Handlers = {
    'app:info': (): Promise<AppInfo> =>
      Promise.resolve({
        version: options.version,
        vault: vault.status,
        dataDir: options.dataDir,
        scenarios: [...demo.scenarios],
      }),
    'profiles:list': async () => [summary(demoProfile(demo)), ...(await profiles.list())],
    'store:watch': async ({ revision }): Promise<StoreState> => {
      const next = await revisions.next(revision, STORE_WATCH_MS);
      const quarantine = await profiles.quarantined();
      return {
        revision: next,
        quarantine: quarantine.map((q) => ({ name: nameOfEntry(q.entry), reason: q.reason, since: q.since })),
        notices: [...profiles.notices.map((n) => n.message), ...(settings.notice ? [settings.notice] : [])],
      };
    },
    'profiles:get': async ({ id }) => (id === DEMO_PROFILE_ID ? demoProfile(demo) : profiles.get(id)),
    'profiles:save': async (input) => {
      if (input.id === DEMO_PROFILE_ID)
        throw new ProfileError(
          'READ_ONLY',
          'The demo tenant cannot be changed; save a copy under another name',
        );
      await checkChosenFiles(profileFiles(input));
      return profiles.save(withCheckedKey(input));
    },
    'profiles:forgetSignIn': async ({ id }) => {
      if (id === DEMO_PROFILE_ID) throw new ProfileError('READ_ONLY', 'The demo tenant keeps no sign-in');
      return profiles.forgetSignIn(id);
    },
    'profiles:remove': async ({ id }) => {
      if (id === DEMO_PROFILE_ID) throw new ProfileError('READ_ONLY', 'The demo tenant cannot be removed');
      await profiles.remove(id);
      await history.removeProfile(id);
      return null;
    },
    'profiles:export': ({ ids }) =>
      Promise.resolve({ json: profiles.export(ids.filter((i) => i !== DEMO_PROFILE_ID)) }),
    'profiles:import': ({ json }) => profiles.import(json),
    'profiles:importPreview': async ({ json }) => importedFiles(profiles.parseImport(json)),
    'files:check': async ({ path, kind }) => {
      try {
        await checkChosenFiles([{ field: 'file', label: 'The file', path, kind }]);
        return { problem: null };
      } catch (error) {
        if (error instanceof ChosenFileError) return { problem: error.problem };
        throw error;
      }
    },
    'checks:run': async (input, ctx) => {
      const { runChecks } = await import('../checks/run');
      const { run, owner, net } = await prepareRun(input, ctx);
      if (input.roundtrip && run.smtp?.message && roundtripReader(run.protocols))
        run.roundtrip = { budgetMs: Math.max(net.timeouts.commandMs, 60_000) };
      const controller = new AbortController();
      runs.set(input.runId, controller);
      let seq = 0;
      const transcript = transcriptEmitter(input.runId, ctx);
      try {
        const report = await runChecks(
          run,
          {
            onProgress: (event) => {
              ctx.emit('checks:progress', { runId: input.runId, seq: seq++, ...event });
            },
            onTranscript: transcript,
          },
          controller.signal,
        );
        // A history that cannot be written (a full disk) must not cost the user the run itself.
        await keep(input.runId, owner, report, run.network.proxy, askedOf(run)).catch((error: unknown) => {
          console.error(`Could not keep the run in the history: ${String(error)}`);
        });
        return report;
      } finally {
        runs.delete(input.runId);
      }
    },
    'checks:tlsProbe': async (input, ctx) => {
      const { run, owner } = await prepareRun(
        {
          runId: `tls-probe-${Date.now()}`,
          profileId: input.profileId,
          protocols: [input.protocol],
          ...(input.scenario ? { scenario: input.scenario } : {}),
        },
        ctx,
      );
      const endpoint = run.endpoints[input.protocol];
      if (!endpoint) throw new TargetError(`The profile has no ${input.protocol} endpoint`);
      const { probeTlsVersions } = await import('../checks/tls-probe');
      const secrets = new SecretSet();
      secrets.add(owner.secret);
      for (const value of [
        ...proxySecrets(run.network.proxy.identity),
        ...proxySecrets(run.network.proxy.mail),
      ])
        secrets.add(value);
      return probeTlsVersions(input.protocol, endpoint, run.network, secrets);
    },
    'checks:cancel': ({ runId }) => {
      runs.get(runId)?.abort();
      return Promise.resolve(null);
    },
    'explain:text': ({ text }) => offload.run('explain', { text }),
    'token:inspect': async ({ token }) => {
      const { inspectToken } = await import('../identity/inspect');
      return inspectToken(token.replace(/^Bearer\s+/i, ''), { protocols: ['imap', 'pop3', 'smtp'] });
    },
    'settings:get': () => settings.read(),
    'settings:set': async (input) => {
      await checkChosenFiles(settingsFiles(input));
      const proxy = checkedProxySettings(input.proxy);
      if (input.proxyPassword !== undefined) {
        if (input.proxyPassword === '') await vault.delete(PROXY_PASSWORD_REF);
        else await vault.set(PROXY_PASSWORD_REF, input.proxyPassword);
      }
      const hasPassword = (await vault.get(PROXY_PASSWORD_REF)) !== null;
      return settings.set({ ...input, proxy: { ...proxy, hasPassword }, proxyPassword: undefined });
    },
    'history:list': ({ profileId }) => history.list(profileId),
    'history:remove': ({ profileId, runId }) => history.remove(profileId, runId),
    'history:clear': async ({ profileId }) => {
      await history.removeProfile(profileId);
      return [];
    },
    'history:get': ({ profileId, runId }) => history.get(profileId, runId),
    'history:compare': async ({ profileId, runId, baselineId }) => {
      const run = await history.get(profileId, runId);
      const entry = historyEntry(run);
      const baseline =
        baselineId === undefined
          ? await history.lastPassingBefore(profileId, entry)
          : await history.get(profileId, baselineId);
      return {
        run: entry,
        baseline: baseline ? historyEntry(baseline) : null,
        differences: baseline ? await offload.run('compare', { run, baseline }) : null,
      };
    },
    'export:preview': async ({ profileId, runId }) =>
      offload.run(
        'bundle:preview',
        { run: await history.get(profileId, runId) },
        { timeLimitMs: BUNDLE_LIMIT_MS },
      ),
    'export:bundle': async ({ profileId, runId }): Promise<ExportOutcome> => {
      const run = await history.get(profileId, runId);
      const { fileName, bytes } = await offload.run('bundle:zip', { run }, { timeLimitMs: BUNDLE_LIMIT_MS });
      if (options.saveBundle) return { savedTo: await options.saveBundle(fileName, bytes) };
      return { savedTo: null, download: { fileName, base64: Buffer.from(bytes).toString('base64') } };
    },
  };

  return {
    async dispatch(name, raw, ctx) {
      // A name from the object's prototype ("constructor", "__proto__") is not a request.
      if (!Object.hasOwn(handlers, name))
        return { ok: false, error: { code: 'UNKNOWN_REQUEST', message: 'Unknown request' } };
      const parsed = parseRequest(name, raw);
      if (!parsed.ok) return { ok: false, error: { code: 'INVALID_INPUT', message: parsed.message } };
      try {
        const handler = handlers[name] as (
          input: unknown,
          ctx: ClientContext,
        ) => Promise<Requests[typeof name]['output']>;
        return { ok: true, value: await handler(parsed.value, ctx) };
      } catch (error) {
        if (error instanceof ProfileError)
          return { ok: false, error: { code: error.code, message: error.message } };
        if (error instanceof TargetError)
          return { ok: false, error: { code: 'TARGET', message: error.message } };
        if (error instanceof ChosenFileError)
          return { ok: false, error: { code: 'INVALID_FILE', message: error.message } };
        if (error instanceof OffloadTimeout)
          return { ok: false, error: { code: 'TOO_LONG', message: tooLongMessage(name, error) } };
        if (error instanceof OffloadFailure)
          return { ok: false, error: { code: 'INTERNAL', message: error.message } };
        if (error instanceof HistoryError)
          return { ok: false, error: { code: `HISTORY_${error.code}`, message: error.message } };
        const message = error instanceof Error ? error.message : String(error);
        return { ok: false, error: { code: 'INTERNAL', message: message.split('\n')[0] ?? message } };
      }
    },
    async close() {
      revisions.close();
      for (const controller of runs.values()) controller.abort();
      await offload.close();
      await demo.close();
    },
  };
}

/**
 * A Google profile's secret is its service-account key: checked before it is stored (a wrong file
 * is named now, not at the first run), and kept as one line of JSON.
 */
function withCheckedKey(input: ProfileInput): ProfileInput {
  if (input.credential !== 'google-service-account' || !input.secret) return input;
  const reading = readServiceAccountKey(input.secret);
  if (!reading.ok) throw new ProfileError('INVALID', `The service-account key ${reading.problem}`);
  if (reading.key.clientId !== input.clientId)
    throw new ProfileError(
      'INVALID',
      `The key is for client id ${reading.key.clientId} (${reading.key.clientEmail}), not ${input.clientId}`,
    );
  return { ...input, secret: JSON.stringify(JSON.parse(input.secret)) };
}
