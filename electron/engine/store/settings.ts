// App settings (SPEC 2.9): timeouts, minimum TLS version, extra CA files, the proxy (its password
// is in the vault). One JSON file, written atomically under the data folder's lock and read again
// at every use: `serve` and the desktop app may both save it. Settings are one form saved whole,
// so the last save wins as a whole; a save never mixes two forms.
import { join } from 'node:path';
import type { Settings } from '../../../shared/api/contract';
import { REQUEST_SCHEMAS } from '../../../shared/api/schemas';
import { DEFAULT_TIMEOUTS } from '../wire/limits';
import { readJsonFile, writeFileAtomic } from './atomic-file';
import { removeTempFilesOf, withFileLock } from './locked-file';

export const DEFAULT_SETTINGS: Settings = {
  timeouts: { ...DEFAULT_TIMEOUTS },
  minTls: '1.2',
  extraCaFiles: [],
  proxy: { mode: 'system', url: '', bypass: '', hasPassword: false },
};

export const SETTINGS_FILE = 'settings.json';

export class SettingsStore {
  private notices: string[] = [];

  private constructor(
    private readonly path: string,
    private current: Settings,
  ) {}

  static async open(dataDir: string): Promise<SettingsStore> {
    const path = join(dataDir, SETTINGS_FILE);
    await withFileLock(path, () => removeTempFilesOf(path));
    const store = new SettingsStore(path, DEFAULT_SETTINGS);
    await store.read();
    return store;
  }

  /** What went wrong reading the file (moved aside, defaults used), once each. */
  get notice(): string | null {
    return this.notices.length ? this.notices.join(' ') : null;
  }

  /** The settings as the file holds them now. */
  async read(): Promise<Settings> {
    const outcome = await readJsonFile(this.path, (v) => REQUEST_SCHEMAS['settings:set'].parse(v));
    if (outcome.kind === 'ok') this.current = outcome.value;
    else {
      this.current = DEFAULT_SETTINGS;
      if (outcome.kind === 'corrupt')
        this.notices.push(
          `The settings file ${this.path} could not be read (${outcome.reason.split('\n')[0] ?? ''}); it was kept as ${outcome.movedTo} and the default settings are used.`,
        );
    }
    return this.current;
  }

  /** The settings as last read or saved, for a caller that cannot wait (the run's first step). */
  get(): Settings {
    return this.current;
  }

  async set(settings: Settings): Promise<Settings> {
    // The proxy password lives in the keychain, never in this file.
    const kept: Settings = { ...settings };
    delete kept.proxyPassword;
    await withFileLock(this.path, () => writeFileAtomic(this.path, `${JSON.stringify(kept, null, 2)}\n`));
    this.current = kept;
    return kept;
  }
}
