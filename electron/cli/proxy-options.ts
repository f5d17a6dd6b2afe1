// --proxy, --no-proxy and --proxy-password-env, or the HTTPS_PROXY / ALL_PROXY / NO_PROXY
// environment: the run's proxy plan. A password is never read from the command line.
import type { Profile } from '../../shared/api/contract';
import { parseBypassList, parseProxyUrl } from '../../shared/config/proxy';
import { planFromEnvironment } from '../engine/app/proxy-plan';
import { DIRECT, type ProxyPlan, type ProxyRoute } from '../engine/wire/proxy';
import { readSecretEnv } from './secret-input';
import { optionError, UsageError } from './usage-error';

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
    if (!parsed.ok) throw optionError('--proxy', parsed.error);
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
  const outcome = planFromEnvironment(env, password);
  if (!outcome.ok) throw new UsageError(outcome.error);
  if (password !== null && !outcome.plan.identity && !outcome.plan.mail)
    throw new UsageError('--proxy-password-env needs a proxy: --proxy URL or HTTPS_PROXY / ALL_PROXY');
  return outcome.plan;
}

/** A saved profile's own proxy (none, or its URL with the keychain's password). */
export function profileProxyPlan(profile: Profile, password: string | null): ProxyPlan {
  const own = profile.proxy;
  if (!own || own.mode === 'direct') return DIRECT;
  const parsed = parseProxyUrl(own.url, parseBypassList(own.bypass));
  if (!parsed.ok) throw new UsageError(`profile "${profile.name}": its proxy: ${parsed.error}`);
  const route: ProxyRoute = {
    config: parsed.config,
    password,
    source: `the proxy of profile "${profile.name}"`,
  };
  return { identity: route, mail: route };
}
