// A zod schema for every request's input: the main process validates what it receives, so a
// compromised or buggy renderer cannot send it anything the contract does not allow. A missing
// schema does not compile (the `satisfies` below).
import { z, type ZodType } from 'zod';
import type { RequestName, Requests } from './contract';
import { MAIL_PROTOCOLS } from '../report/model';
import { NOT_THE_CLIENT_ID } from '../config/validate';
import { parseProxyUrl } from '../config/proxy';
import {
  firstProblem,
  PROFILE_FIELD_WORDS,
  REQUEST_FIELD_WORDS,
  SETTINGS_FIELD_WORDS,
  type FieldWords,
} from '../config/messages';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const short = z.string().max(500);
const id = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9_-]+$/);
const address = z
  .string()
  .max(320)
  .regex(/^[^\s@<>()",;:\\[\]]+@[^\s@<>()",;:\\[\]]+\.[^\s@<>()",;:\\[\]]+$/, 'an email address');
const host = z
  .string()
  .min(1)
  .max(253)
  .regex(/^[A-Za-z0-9.:[\]-]+$/, 'a host name or IP address');
const endpoint = z.object({
  host,
  port: z.number().int().min(1).max(65535),
  security: z.enum(['tls', 'starttls', 'none']),
});
const protocol = z.enum(MAIL_PROTOCOLS as unknown as ['imap', 'pop3', 'smtp']);

/** A profile's fields, for the store to build its own schemas on. */
export const PROFILE_FIELDS = z.object({
  id: id.optional(),
  name: z.string().min(1).max(100),
  cloud: z.enum(['global', 'usgov', 'usgov-dod', 'china', 'custom']),
  tenant: z.string().min(1).max(253),
  // A Google service account's client id is a long number.
  // An OpenID provider's client id is whatever it registered (checked by the refinement below).
  clientId: z
    .string()
    .min(1)
    .max(255)
    .regex(/^[\x21-\x7e]+$/, 'printable characters, no spaces'),
  mailbox: address,
  credential: z.enum([
    'client-secret',
    'certificate',
    'password',
    'access-token',
    'device-code',
    'browser',
    'google-service-account',
    'hve',
    'acs',
    'oidc',
    'google-user',
  ]),
  certificatePath: short.optional(),
  keyPath: short.optional(),
  authority: z.url().max(500).optional(),
  scope: short.optional(),
  exchangeServicePrincipalId: z.string().regex(GUID, 'a GUID').optional(),
  /** The client secret's end date (Entra ID's endDateTime), for the readiness audit. */
  secretExpiresAt: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date (YYYY-MM-DD)')
    .refine((d) => !Number.isNaN(Date.parse(d)), 'a real date')
    .optional(),
  acsResource: z.string().min(1).max(512).regex(/^\S+$/, 'no spaces').optional(),
  issuer: z
    .url({ protocol: /^https$/ })
    .max(500)
    .optional(),
  oidcFlow: z.enum(['client-credentials', 'device-code', 'browser']).optional(),
  keepSignIn: z.boolean().optional(),
  proxy: z
    .object({
      mode: z.enum(['direct', 'manual']),
      url: z.string().max(2048),
      bypass: z.string().max(4096),
    })
    .superRefine((proxy, ctx) => {
      if (proxy.mode !== 'manual') return;
      const parsed = parseProxyUrl(proxy.url);
      if (!parsed.ok) ctx.addIssue({ code: 'custom', path: ['url'], message: parsed.error });
      else if (parsed.password !== null)
        ctx.addIssue({
          code: 'custom',
          path: ['url'],
          message: 'the password goes in its own field, not in the URL',
        });
    })
    .optional(),
  /** Only when it changes (an empty string removes it); kept in the keychain, never in the file. */
  proxyPassword: z
    .string()
    .max(1024)
    .regex(/^[^\r\n\0]*$/, 'no line breaks')
    .optional(),
  resource: z.string().min(1).max(500).regex(/^\S+$/, 'no spaces').optional(),
  mechanism: z.enum(['auto', 'xoauth2', 'oauthbearer', 'plain', 'login']),
  imap: endpoint,
  pop3: endpoint,
  smtp: endpoint,
  testMessage: z.object({ from: address.optional(), to: address.optional() }),
  secret: z
    .string()
    .min(1)
    .max(64 * 1024)
    .regex(/^[^\r\n\0]*$/, 'no line breaks')
    .optional(),
});

const profileInput = PROFILE_FIELDS.refine(
  (p) => p.exchangeServicePrincipalId?.toLowerCase() !== p.clientId.toLowerCase(),
  { path: ['exchangeServicePrincipalId'], message: NOT_THE_CLIENT_ID },
)
  .refine(
    (p) =>
      p.credential === 'oidc' ||
      (p.credential === 'google-service-account'
        ? /^\d{10,30}$/
        : p.credential === 'google-user'
          ? /^\S+\.apps\.googleusercontent\.com$/
          : GUID
      ).test(p.clientId),
    {
      path: ['clientId'],
      message: "a GUID (Microsoft), or the service account's numeric client id (Google)",
    },
  )
  .refine(
    (p) =>
      p.credential !== 'oidc' ||
      (p.issuer !== undefined && p.oidcFlow !== undefined && p.scope !== undefined),
    {
      path: ['issuer'],
      message: "an OpenID profile needs the issuer's https URL, the flow and the scopes",
    },
  )
  .refine((p) => p.credential !== 'acs' || p.acsResource !== undefined, {
    path: ['acsResource'],
    message: 'the Communication Services resource name (or the whole SMTP user name)',
  });

const settings = z.object({
  timeouts: z.object({
    connectMs: z.number().int().min(100).max(600_000),
    greetingMs: z.number().int().min(100).max(600_000),
    commandMs: z.number().int().min(100).max(600_000),
  }),
  minTls: z.enum(['1.2', '1.3']),
  extraCaFiles: z.array(short).max(20),
  // Settings written before proxies existed have none: the system's proxy, as the app then used.
  proxy: z
    .object({
      mode: z.enum(['system', 'manual', 'direct']),
      url: z.string().max(2048),
      bypass: z.string().max(4096),
      hasPassword: z.boolean(),
    })
    .default({ mode: 'system', url: '', bypass: '', hasPassword: false }),
  proxyPassword: z.string().max(1024).optional(),
});

const runRef = z.object({ profileId: id, runId: id });

export const REQUEST_SCHEMAS = {
  'app:info': z.undefined(),
  'profiles:list': z.undefined(),
  'profiles:get': z.object({ id }),
  'profiles:save': profileInput,
  'profiles:remove': z.object({ id }),
  'profiles:forgetSignIn': z.object({ id }),
  'store:watch': z.object({ revision: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).nullable() }),
  'profiles:export': z.object({ ids: z.array(id).max(1000) }),
  'profiles:import': z.object({ json: z.string().max(5 * 1024 * 1024) }),
  'profiles:importPreview': z.object({ json: z.string().max(5 * 1024 * 1024) }),
  'files:check': z.object({ path: short.min(1), kind: z.enum(['certificate', 'private-key']) }),
  'checks:run': z
    .object({
      runId: id,
      profileId: id,
      protocols: z.array(protocol).max(3),
      /** The Graph check beside the mail checks (Microsoft 365 targets). */
      graph: z.boolean().optional(),
      scenario: z.string().max(100).optional(),
      sendTest: z
        .object({
          from: address,
          to: address,
          // One header line: a line break would let the subject add headers of its own.
          subject: z
            .string()
            .max(200)
            .regex(/^[^\r\n\0]*$/, 'one line')
            .optional(),
          body: z
            .string()
            .max(64 * 1024)
            .optional(),
        })
        .optional(),
      roundtrip: z.boolean().optional(),
    })
    .refine((run) => run.protocols.length > 0 || run.graph === true, {
      message: 'choose at least one check: IMAP, POP3, SMTP or Graph',
      path: ['protocols'],
    }),
  'checks:cancel': z.object({ runId: id }),
  'checks:tlsProbe': z.object({ profileId: id, protocol, scenario: z.string().max(100).optional() }),
  'explain:text': z.object({
    text: z
      .string()
      .min(1)
      .max(2 * 1024 * 1024),
  }),
  'token:inspect': z.object({
    token: z
      .string()
      .min(1)
      .max(64 * 1024),
  }),
  'settings:get': z.undefined(),
  'settings:set': settings,
  'history:list': z.object({ profileId: id }),
  'history:get': runRef,
  'history:compare': runRef.extend({ baselineId: id.optional() }),
  'export:preview': runRef,
  'export:bundle': runRef,
  'history:remove': runRef,
  'history:clear': z.object({ profileId: id }),
} satisfies { [K in RequestName]: ZodType<Requests[K]['input']> };

/** Parses a request's input, or returns the first problem in words a person can act on. */
export function parseRequest<K extends RequestName>(
  name: K,
  input: unknown,
): { ok: true; value: Requests[K]['input'] } | { ok: false; message: string } {
  const result = REQUEST_SCHEMAS[name].safeParse(input);
  if (result.success) return { ok: true, value: result.data as Requests[K]['input'] };
  const words: Readonly<Record<string, FieldWords>> =
    name === 'profiles:save'
      ? PROFILE_FIELD_WORDS
      : name === 'settings:set'
        ? SETTINGS_FIELD_WORDS
        : REQUEST_FIELD_WORDS;
  return { ok: false, message: firstProblem(result.error.issues, input, words) };
}

export function isRequestName(name: unknown): name is RequestName {
  // Own keys only: "constructor" or "__proto__" are found by `in` on any object.
  return typeof name === 'string' && Object.hasOwn(REQUEST_SCHEMAS, name);
}
