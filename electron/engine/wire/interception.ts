// TLS interception, named: a certificate for a provider's host that its own CAs did not issue, or
// a chain that names a known inspecting product (a corporate proxy, an antivirus mail shield,
// mitmproxy). The providers' CAs and the products' names are data (tls-issuers.json, with sources).
import { z } from 'zod';
import issuersFile from './tls-issuers.json';

const ISSUERS = z
  .strictObject({
    providers: z.array(
      z.strictObject({
        provider: z.string().min(1),
        hosts: z.array(z.string().min(1)).min(1),
        issuers: z.array(z.string().min(1)).min(1),
        sources: z.array(z.url()).min(1),
      }),
    ),
    products: z.array(
      z.strictObject({
        product: z.string().min(1),
        names: z.array(z.string().min(1)).min(1),
        sources: z.array(z.url()),
      }),
    ),
  })
  .parse(issuersFile);

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const PRODUCTS = ISSUERS.products.map((p) => ({
  ...p,
  pattern: new RegExp(`(^|[^A-Za-z0-9])(${p.names.map(escape).join('|')})($|[^A-Za-z0-9])`, 'i'),
}));

export interface ChainNames {
  subject: string;
  issuer: string;
}

export interface Interception {
  /** The inspecting product, when the chain names one. */
  product: string | null;
  /** The issuer of the server's certificate as it arrived. */
  issuer: string;
  /** The provider whose host this is, and the CAs it uses (when the host is a provider's). */
  provider: string | null;
  expected: string[];
  sources: string[];
}

function providerOf(host: string): (typeof ISSUERS.providers)[number] | null {
  const name = host.toLowerCase().replace(/\.$/, '');
  return ISSUERS.providers.find((p) => p.hosts.some((h) => name === h || name.endsWith(`.${h}`))) ?? null;
}

/**
 * Whether the chain (leaf first) was made by something between the client and `host`. The leaf's
 * own subject copies the real server's and is not read; its issuer and the rest of the chain are.
 */
export function interceptionOf(host: string, chain: ChainNames[]): Interception | null {
  const leaf = chain[0];
  if (!leaf) return null;
  const names = [leaf.issuer, ...chain.slice(1).flatMap((c) => [c.subject, c.issuer])];
  const provider = providerOf(host);
  const product = PRODUCTS.find((p) => names.some((n) => p.pattern.test(n)));
  if (product)
    return {
      product: product.product,
      issuer: leaf.issuer,
      provider: provider?.provider ?? null,
      expected: provider?.issuers ?? [],
      sources: product.sources,
    };
  if (!provider) return null;
  const theirs = names.some((n) => provider.issuers.some((i) => n.toLowerCase().includes(i.toLowerCase())));
  if (theirs) return null;
  return {
    product: null,
    issuer: leaf.issuer,
    provider: provider.provider,
    expected: provider.issuers,
    sources: provider.sources,
  };
}

/** One line for a step or a finding: who re-signed the connection. */
export function describeInterception(found: Interception): string {
  const who = found.product ?? 'an unknown inspecting proxy or antivirus';
  const expected = found.provider
    ? `, not by the CAs ${found.provider} uses (${found.expected.slice(0, 3).join(', ')}...)`
    : '';
  return `The certificate was issued by ${found.issuer || '(no issuer)'}: re-signed by ${who}${expected}. The connection is intercepted between this machine and the server`;
}
