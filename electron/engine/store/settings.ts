// App settings (SPEC 2.9): timeouts, minimum TLS version, extra CA files, the proxy (its password
// is in the vault). One JSON file, atomic.
import { join } from 'node:path';
import type { Settings } from '../../../shared/api/contract';
import { REQUEST_SCHEMAS } from '../../../shared/api/schemas';
import { DEFAULT_TIMEOUTS } from '../wire/limits';
import { readJsonFile, writeFileAtomic } from './atomic-file';

export const DEFAULT_SETTINGS: Settings = {
  timeouts: { ...DEFAULT_TIMEOUTS },
  minTls: '1.2',
  extraCaFiles: [],
  proxy: { mode: 'system', url: '', bypass: '', hasPassword: false },
};

export class SettingsStore {
  private constructor(
    private readonly path: string,
    private current: Settings,
    readonly notice: string | null,
  ) {}

  static async open(dataDir: string): Promise<SettingsStore> {
    const path = join(dataDir, 'settings.json');
    const outcome = await readJsonFile(path, (v) => REQUEST_SCHEMAS['settings:set'].parse(v));
    if (outcome.kind === 'ok') return new SettingsStore(path, outcome.value, null);
    const notice =
      outcome.kind === 'corrupt'
        ? `The settings file could not be read; it was kept as ${outcome.movedTo} and defaults are used`
        : null;
    return new SettingsStore(path, DEFAULT_SETTINGS, notice);
  }

  get(): Settings {
    return this.current;
  }

  async set(settings: Settings): Promise<Settings> {
    // The proxy password lives in the keychain, never in this file.
    const kept: Settings = { ...settings };
    delete kept.proxyPassword;
    await writeFileAtomic(this.path, `${JSON.stringify(kept, null, 2)}\n`);
    this.current = kept;
    return kept;
  }
}
