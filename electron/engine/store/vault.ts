// Secrets live only in the OS keychain (keytar: Keychain, Credential Manager, Secret Service).
// Where no keychain can be reached (a Linux box without a Secret Service), they are kept in
// memory for this session only, and the app says so.
import type { VaultStatus } from '../../../shared/api/contract';

const SERVICE = 'MailProbe';

export interface Vault {
  readonly status: VaultStatus;
  get(ref: string): Promise<string | null>;
  set(ref: string, secret: string): Promise<void>;
  delete(ref: string): Promise<void>;
}

interface Keytar {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
}

export class SessionVault implements Vault {
  private readonly secrets = new Map<string, string>();
  constructor(readonly status: VaultStatus) {}
  get(ref: string): Promise<string | null> {
    return Promise.resolve(this.secrets.get(ref) ?? null);
  }
  set(ref: string, secret: string): Promise<void> {
    this.secrets.set(ref, secret);
    return Promise.resolve();
  }
  delete(ref: string): Promise<void> {
    this.secrets.delete(ref);
    return Promise.resolve();
  }
}

class KeychainVault implements Vault {
  readonly status: VaultStatus = { kind: 'keychain', reason: null };
  constructor(private readonly keytar: Keytar) {}
  get(ref: string): Promise<string | null> {
    return this.keytar.getPassword(SERVICE, ref);
  }
  set(ref: string, secret: string): Promise<void> {
    return this.keytar.setPassword(SERVICE, ref, secret);
  }
  async delete(ref: string): Promise<void> {
    await this.keytar.deletePassword(SERVICE, ref);
  }
}

/**
 * The OS keychain when keytar loads and answers, else a session vault that says why. The probe
 * reads a key that does not exist: it touches no stored secret.
 */
export async function openVault(load: () => Promise<Keytar> = loadKeytar): Promise<Vault> {
  let keytar: Keytar;
  try {
    keytar = await load();
  } catch (error) {
    return new SessionVault({
      kind: 'session',
      reason: `The keychain library is not available (${firstLine(error)}); secrets are kept for this session only`,
    });
  }
  try {
    await keytar.getPassword(SERVICE, 'mailprobe-probe');
    return new KeychainVault(keytar);
  } catch (error) {
    return new SessionVault({
      kind: 'session',
      reason: `No keychain could be reached (${firstLine(error)}); secrets are kept for this session only`,
    });
  }
}

async function loadKeytar(): Promise<Keytar> {
  const mod = (await import('keytar')) as Keytar & { default?: Keytar };
  return mod.default ?? mod;
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0] ?? text;
}
