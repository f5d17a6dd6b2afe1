import { createHash } from 'node:crypto';

/** Secrets a person chooses (guessable from a digest): shown by length only. */
const NO_DIGEST = /password|secret|passphrase|digest|literal|value|data/i;

/**
 * How a secret is shown in place of its value. Tokens keep the start of their SHA-256, so two runs
 * can be compared ("same token?") without revealing anything usable; passwords and client secrets
 * get their length only, since a short digest of a guessable value can be checked against a list.
 */
export function describeSecret(kind: string, value: string): string {
  if (NO_DIGEST.test(kind)) return `<${kind} redacted: ${value.length} chars>`;
  const digest = createHash('sha256').update(value, 'utf8').digest('hex').slice(0, 8);
  return `<${kind} redacted: ${value.length} chars, sha256 ${digest}>`;
}

const MIN_SCRUB_LENGTH = 4;
/** Base64 runs shorter than this are too likely to occur by chance to be scrubbed. */
const MIN_BASE64_RUN = 8;

/**
 * The forms a secret takes inside base64 text, wherever it sits in the encoded payload: at each of
 * the three byte alignments, without the edge characters that depend on its neighbours.
 */
function base64Forms(value: string): string[] {
  const forms: string[] = [];
  for (let offset = 0; offset < 3; offset += 1) {
    const encoded = Buffer.concat([Buffer.alloc(offset), Buffer.from(value, 'utf8')]).toString('base64');
    // Drop the characters that also encode the padding bytes, and the unstable last group.
    const start = offset === 0 ? 0 : offset === 1 ? 2 : 3;
    const inner = encoded.replace(/=+$/, '').slice(start, -2);
    if (inner.length >= MIN_BASE64_RUN) forms.push(inner);
  }
  return forms;
}

/**
 * The secrets a run knows (tokens, passwords, client secrets). Every transcript entry, step and
 * finding passes through `scrub` where it is created, as a net under the protocol-aware redaction.
 */
export class SecretSet {
  private readonly values = new Set<string>();

  add(value: string | undefined | null): void {
    if (!value || value.length < MIN_SCRUB_LENGTH) return;
    this.values.add(value);
    // A secret can also travel base64-encoded, alone or inside a SASL payload a server echoes.
    for (const form of base64Forms(value)) this.values.add(form);
  }

  scrub(text: string): string {
    let out = text;
    for (const value of this.values) {
      if (out.includes(value)) out = out.split(value).join('<secret redacted>');
    }
    return out;
  }

  /** Scrubs every string inside a JSON-like value (step details). */
  scrubDeep<T>(value: T): T {
    if (typeof value === 'string') return this.scrub(value) as T;
    if (Array.isArray(value)) return value.map((v: unknown) => this.scrubDeep(v)) as T;
    if (value && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = this.scrubDeep(v);
      return out as T;
    }
    return value;
  }
}
