import { createHash } from 'node:crypto';

/**
 * How a secret is shown in place of its value: its kind, its length and the start of its SHA-256,
 * so two runs can be compared ("same token?") without revealing anything usable.
 */
export function describeSecret(kind: string, value: string): string {
  const digest = createHash('sha256').update(value, 'utf8').digest('hex').slice(0, 8);
  return `<${kind} redacted: ${value.length} chars, sha256 ${digest}>`;
}

const MIN_SCRUB_LENGTH = 4;

/**
 * The secrets a run knows (tokens, passwords, client secrets). Every transcript entry passes
 * through `scrub` where it is created, as a net under the protocol-aware redaction.
 */
export class SecretSet {
  private readonly values = new Set<string>();

  add(value: string | undefined | null): void {
    if (value && value.length >= MIN_SCRUB_LENGTH) {
      this.values.add(value);
      // A secret can also travel base64-encoded on its own (SASL LOGIN, PLAIN pieces).
      this.values.add(Buffer.from(value, 'utf8').toString('base64').replace(/=+$/, ''));
    }
  }

  scrub(text: string): string {
    let out = text;
    for (const value of this.values) {
      if (out.includes(value)) out = out.split(value).join('<secret redacted>');
    }
    return out;
  }

  get size(): number {
    return this.values.size;
  }
}
