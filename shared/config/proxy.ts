// Proxies as a support engineer writes them: a URL (http://, socks5://, socks5h://, socks4a://),
// a NO_PROXY list, and the HTTPS_PROXY / ALL_PROXY environment. Pure: the CLI, the settings form
// and the engine read them the same way. The password never lives here: it is a secret, kept apart.

export type ProxyScheme = 'http' | 'socks5' | 'socks4a';

export interface ProxyConfig {
  scheme: ProxyScheme;
  host: string;
  port: number;
  /** The user name for Basic (HTTP) or user/password (SOCKS5) authentication. */
  username: string | null;
  /** Hosts reached directly (NO_PROXY syntax: `example.com`, `.example.com`, `*`, `host:port`). */
  bypass: string[];
}

export type ProxyParse =
  { ok: true; config: ProxyConfig; password: string | null } | { ok: false; error: string };

const DEFAULT_PORT: Record<ProxyScheme, number> = { http: 8080, socks5: 1080, socks4a: 1080 };

const SCHEMES: Record<string, ProxyScheme> = {
  'http:': 'http',
  'socks5:': 'socks5',
  // curl's socks5h: names resolved by the proxy, which is what socks5 does here anyway.
  'socks5h:': 'socks5',
  'socks:': 'socks5',
  'socks4a:': 'socks4a',
};

/** Reads `scheme://[user[:password]@]host[:port]`; a bare `host:port` is an HTTP proxy, as curl has it. */
export function parseProxyUrl(text: string, bypass: string[] = []): ProxyParse {
  const trimmed = text.trim();
  if (!trimmed) return { ok: false, error: 'the proxy URL is empty' };
  if (trimmed.length > 2048) return { ok: false, error: 'the proxy URL is longer than 2048 characters' };
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `http://${trimmed}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return { ok: false, error: `"${redactProxyUrl(trimmed)}" is not a URL` };
  }
  if (url.protocol === 'https:')
    return {
      ok: false,
      error: 'a TLS connection to the proxy itself (https://) is not supported: use http:// (CONNECT)',
    };
  const scheme = SCHEMES[url.protocol];
  if (!scheme)
    return {
      ok: false,
      error: `unknown proxy scheme "${url.protocol.replace(/:$/, '')}": use http://, socks5://, socks5h:// or socks4a://`,
    };
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!host) return { ok: false, error: 'the proxy URL has no host' };
  if ((url.pathname && url.pathname !== '/') || url.search || url.hash)
    return { ok: false, error: 'a proxy URL has no path, query or fragment' };
  const port = url.port ? Number(url.port) : DEFAULT_PORT[scheme];
  const username = url.username ? decoded(url.username) : null;
  const password = url.password ? decoded(url.password) : null;
  if (username === undefined || password === undefined)
    return { ok: false, error: 'the user or password in the proxy URL has a broken %-escape' };
  return { ok: true, config: { scheme, host, port, username, bypass }, password };
}

function decoded(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

/**
 * The URL with everything before its last `@` (user and password, whatever characters they
 * hold) replaced by `***`: what may be printed. A URL without `@` is shown as it is.
 */
export function redactProxyUrl(text: string): string {
  const at = text.lastIndexOf('@');
  if (at < 0) return text;
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(text)?.[0] ?? '';
  return `${scheme}***${text.slice(at)}`;
}

/** How a proxy is named in reports and settings: scheme, user and address, never a password. */
export function proxyLabel(config: ProxyConfig): string {
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const user = config.username ? `${encodeURIComponent(config.username)}@` : '';
  return `${config.scheme}://${user}${host}:${config.port}`;
}

/** NO_PROXY's entries: comma or space separated, lower case, without empty ones. */
export function parseBypassList(text: string | undefined): string[] {
  if (!text) return [];
  return text
    .split(/[\s,]+/)
    .map((entry) => entry.trim().toLowerCase())
    .filter(Boolean)
    .slice(0, 500);
}

/**
 * Whether `host:port` is reached directly. Entries: `*` (everything), `example.com` and
 * `.example.com` (the domain and its subdomains), an IP literal, any of them with `:port`.
 */
export function bypassesProxy(host: string, port: number, bypass: string[]): boolean {
  const name = host
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '');
  for (const raw of bypass) {
    if (raw === '*') return true;
    const entry = splitEntry(raw);
    if (entry.port !== null && entry.port !== port) continue;
    const domain = entry.name.replace(/^\*?\./, '').replace(/\.$/, '');
    if (domain && (name === domain || name.endsWith(`.${domain}`))) return true;
  }
  return false;
}

function splitEntry(raw: string): { name: string; port: number | null } {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(raw);
  if (bracketed) return { name: bracketed[1] ?? '', port: bracketed[2] ? Number(bracketed[2]) : null };
  const hostPort = /^([^:]+):(\d+)$/.exec(raw);
  if (hostPort) return { name: hostPort[1] ?? '', port: Number(hostPort[2]) };
  return { name: raw, port: null };
}

export interface EnvironmentProxy {
  /** The variable it came from, for the report ("HTTPS_PROXY"). */
  variable: string;
  url: string;
}

function firstSet(env: Record<string, string | undefined>, names: string[]): EnvironmentProxy | null {
  for (const name of names) {
    const value = env[name]?.trim();
    if (value) return { variable: name, url: value };
  }
  return null;
}

/**
 * The proxies the environment names. The identity endpoint is HTTPS: HTTPS_PROXY, then ALL_PROXY.
 * Mail connections are not HTTP: ALL_PROXY, then HTTPS_PROXY (the company's one proxy, as the
 * customer's application most likely meets it).
 */
export function proxiesFromEnvironment(env: Record<string, string | undefined>): {
  identity: EnvironmentProxy | null;
  mail: EnvironmentProxy | null;
  bypass: string[];
} {
  return {
    identity: firstSet(env, ['HTTPS_PROXY', 'https_proxy', 'ALL_PROXY', 'all_proxy']),
    mail: firstSet(env, ['ALL_PROXY', 'all_proxy', 'HTTPS_PROXY', 'https_proxy']),
    bypass: parseBypassList(env.NO_PROXY ?? env.no_proxy),
  };
}

/**
 * The first usable entry of a PAC-style answer, as Electron's session.resolveProxy gives it
 * ("PROXY host:port; SOCKS5 host:port; DIRECT"): a proxy URL, or null for DIRECT. HTTPS (TLS to
 * the proxy itself) is not supported and is passed over.
 */
export function proxyUrlFromPac(answer: string): string | null {
  for (const entry of answer.split(';').slice(0, 20)) {
    const [kind = '', where = ''] = entry.trim().split(/\s+/);
    switch (kind.toUpperCase()) {
      case 'DIRECT':
        return null;
      case 'PROXY':
        if (where) return `http://${where}`;
        break;
      case 'SOCKS':
      case 'SOCKS5':
        if (where) return `socks5://${where}`;
        break;
      case 'SOCKS4':
        if (where) return `socks4a://${where}`;
        break;
      default:
        break;
    }
  }
  return null;
}
