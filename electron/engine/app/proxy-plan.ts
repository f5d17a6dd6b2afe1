// A run's proxies from where a person set them: the environment (HTTPS_PROXY / ALL_PROXY /
// NO_PROXY), the app's settings (manual, direct, or the system's, which the desktop app resolves
// through Electron's session.resolveProxy, PAC included). Problems come back as data: the CLI
// words them as usage errors, the app as the settings' errors.
import type { Settings } from '../../../shared/api/contract';
import {
  parseBypassList,
  parseProxyUrl,
  proxiesFromEnvironment,
  proxyUrlFromPac,
  redactProxyUrl,
  type EnvironmentProxy,
} from '../../../shared/config/proxy';
import type { RunInput } from '../checks/run';
import { DIRECT, type ProxyPlan, type ProxyRoute } from '../wire/proxy';

export type PlanOutcome = { ok: true; plan: ProxyPlan } | { ok: false; error: string };

/** HTTPS_PROXY / ALL_PROXY minus NO_PROXY; `password` replaces one given in the URL. */
export function planFromEnvironment(
  env: Record<string, string | undefined>,
  password: string | null,
): PlanOutcome {
  const found = proxiesFromEnvironment(env);
  const routeOf = (entry: EnvironmentProxy | null): ProxyRoute | string | null => {
    if (!entry) return null;
    const parsed = parseProxyUrl(entry.url, found.bypass);
    if (!parsed.ok) return `${entry.variable} (${redactProxyUrl(entry.url)}): ${parsed.error}`;
    return { config: parsed.config, password: password ?? parsed.password, source: entry.variable };
  };
  const identity = routeOf(found.identity);
  const mail = routeOf(found.mail);
  if (typeof identity === 'string') return { ok: false, error: identity };
  if (typeof mail === 'string') return { ok: false, error: mail };
  return { ok: true, plan: { identity, mail } };
}

/** Asks the operating system which proxy serves a URL ("PROXY host:port; DIRECT", as PAC says it). */
export type SystemProxyResolver = (url: string) => Promise<string>;

/** Where a run's token request goes, for a PAC file that decides by URL. */
function identityUrlOf(run: RunInput): string | null {
  const creds = run.credentials;
  switch (creds.kind) {
    case 'client-credentials':
      return `${creds.spec.authorityHost}/`;
    case 'google-service-account':
      return creds.spec.key.tokenUri;
    case 'oidc':
      return creds.spec.issuer;
    default:
      return null;
  }
}

async function systemRoute(
  resolve: SystemProxyResolver,
  url: string | null,
): Promise<ProxyRoute | string | null> {
  if (!url) return null;
  const answer = await resolve(url);
  const proxyUrl = proxyUrlFromPac(answer);
  if (!proxyUrl) return null;
  const parsed = parseProxyUrl(proxyUrl);
  if (!parsed.ok) return `the system proxy for ${url} ("${answer}"): ${parsed.error}`;
  return {
    config: parsed.config,
    password: null,
    source: `the system proxy (${answer.split(';')[0]?.trim() ?? ''})`,
  };
}

/** The app's settings as a run's proxies; `password` is the manual proxy's, from the keychain. */
export async function planFromSettings(
  proxy: Settings['proxy'],
  password: string | null,
  run: RunInput,
  options: {
    resolveSystem?: SystemProxyResolver;
    env?: Record<string, string | undefined>;
    /** How the manual proxy is named in the report (the one in Settings, a profile's). */
    source?: string;
  } = {},
): Promise<PlanOutcome> {
  switch (proxy.mode) {
    case 'direct':
      return { ok: true, plan: DIRECT };
    case 'manual': {
      const parsed = parseProxyUrl(proxy.url, parseBypassList(proxy.bypass));
      if (!parsed.ok) return { ok: false, error: `Proxy (Settings): ${parsed.error}` };
      const route: ProxyRoute = {
        config: parsed.config,
        password,
        source: options.source ?? 'the proxy in Settings',
      };
      return { ok: true, plan: { identity: route, mail: route } };
    }
    case 'system': {
      if (!options.resolveSystem) return planFromEnvironment(options.env ?? process.env, null);
      const first = Object.values(run.endpoints)[0];
      const host = first?.host.includes(':') ? `[${first.host}]` : first?.host;
      const mailUrl = first ? `https://${host ?? ''}:${first.port}/` : null;
      const [identity, mail] = await Promise.all([
        systemRoute(options.resolveSystem, identityUrlOf(run)),
        systemRoute(options.resolveSystem, mailUrl),
      ]);
      if (typeof identity === 'string') return { ok: false, error: identity };
      if (typeof mail === 'string') return { ok: false, error: mail };
      return { ok: true, plan: { identity, mail } };
    }
  }
}
