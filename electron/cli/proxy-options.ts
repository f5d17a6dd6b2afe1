// --proxy, --no-proxy and --proxy-password-env, or the HTTPS_PROXY / ALL_PROXY / NO_PROXY
// environment: the run's proxy plan. A password is never read from the command line.
import {
  parseBypassList,
  parseProxyUrl,
  proxiesFromEnvironment,
  redactProxyUrl,
} from '../../shared/config/proxy';
import { DIRECT, type ProxyPlan, type ProxyRoute } from '../engine/wire/proxy';
import { readSecretEnv } from './secret-input';
import { UsageError } from './usage-error';

export interface ProxyValues {
  proxy?: string | undefined;
  'no-proxy'?: boolean | undefined;
  'proxy-password-env'?: string | undefined;
}

/**
 * The run's proxies. `local` runs (the lab, on this machine's loopback) take a proxy only from
 * --proxy: a company proxy from the environment could not reach them.
 */
export function proxyPlanOf(
  values: ProxyValues,
  env: Record<string, string | undefined>,
  local = false,
): ProxyPlan {
  const passwordVar = values['proxy-password-env'];
  if (values['no-proxy']) {
    if (values.proxy !== undefined) throw new UsageError('--proxy and --no-proxy exclude each other');
    if (passwordVar !== undefined) throw new UsageError('--proxy-password-env needs a proxy, not --no-proxy');
    return DIRECT;
  }
  const bypass = parseBypassList(env.NO_PROXY ?? env.no_proxy);
  const password = passwordVar !== undefined ? readSecretEnv(passwordVar, 'proxy password') : null;
  if (values.proxy !== undefined) {
    const parsed = parseProxyUrl(values.proxy, bypass);
    if (!parsed.ok) throw new UsageError(`--proxy: ${parsed.error}`);
    if (parsed.password !== null)
      throw new UsageError(
        '--proxy: a password is never taken from the command line (shell history, ps); give the user in the URL and the password with --proxy-password-env VAR',
      );
    if (password !== null && parsed.config.username === null)
      throw new UsageError(
        '--proxy-password-env needs a user in the proxy URL: --proxy http://USER@host:port',
      );
    const route: ProxyRoute = { config: parsed.config, password, source: '--proxy' };
    return { identity: route, mail: route };
  }
  if (local) {
    if (password !== null) throw new UsageError('--proxy-password-env needs --proxy URL');
    return DIRECT;
  }
  const found = proxiesFromEnvironment(env);
  const routeOf = (entry: typeof found.identity): ProxyRoute | null => {
    if (!entry) return null;
    const parsed = parseProxyUrl(entry.url, bypass);
    if (!parsed.ok) throw new UsageError(`${entry.variable} (${redactProxyUrl(entry.url)}): ${parsed.error}`);
    return {
      config: parsed.config,
      password: password ?? parsed.password,
      source: entry.variable,
    };
  };
  const plan: ProxyPlan = { identity: routeOf(found.identity), mail: routeOf(found.mail) };
  if (password !== null && !plan.identity && !plan.mail)
    throw new UsageError('--proxy-password-env needs a proxy: --proxy URL or HTTPS_PROXY / ALL_PROXY');
  return plan;
}
