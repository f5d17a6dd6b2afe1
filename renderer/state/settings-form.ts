// The settings form's model: timeouts as typed text, validated like the CLI's --timeout-ms, and
// the extra CA files list.
import type { Settings } from '../../shared/api/contract';
import { positiveIntError } from '../../shared/config/validate';

export interface SettingsDraft {
  connectMs: string;
  greetingMs: string;
  commandMs: string;
  minTls: Settings['minTls'];
  extraCaFiles: string[];
}

export type SettingsField = 'connectMs' | 'greetingMs' | 'commandMs' | 'extraCaFiles';
export type SettingsErrors = Partial<Record<SettingsField, string>>;

export const DEFAULT_SETTINGS: Settings = {
  timeouts: { connectMs: 10_000, greetingMs: 15_000, commandMs: 30_000 },
  minTls: '1.2',
  extraCaFiles: [],
};

export function settingsDraft(s: Settings): SettingsDraft {
  return {
    connectMs: String(s.timeouts.connectMs),
    greetingMs: String(s.timeouts.greetingMs),
    commandMs: String(s.timeouts.commandMs),
    minTls: s.minTls,
    extraCaFiles: [...s.extraCaFiles],
  };
}

function timeoutError(value: string, what: string): string | null {
  const v = value.trim();
  const e = positiveIntError(v, what);
  if (e !== null) return e;
  return Number(v) < 100 ? `${what} must be at least 100 ms` : null;
}

export function validateSettings(d: SettingsDraft): SettingsErrors {
  const errors: SettingsErrors = {};
  const connect = timeoutError(d.connectMs, 'The connect timeout');
  const greeting = timeoutError(d.greetingMs, 'The greeting timeout');
  const command = timeoutError(d.commandMs, 'The command timeout');
  if (connect !== null) errors.connectMs = connect;
  if (greeting !== null) errors.greetingMs = greeting;
  if (command !== null) errors.commandMs = command;
  if (d.extraCaFiles.length > 20) errors.extraCaFiles = 'At most 20 CA files';
  else if (d.extraCaFiles.some((f) => f.trim() === '')) errors.extraCaFiles = 'A CA file path is empty';
  else if (new Set(d.extraCaFiles.map((f) => f.trim())).size !== d.extraCaFiles.length)
    errors.extraCaFiles = 'A CA file is listed twice';
  return errors;
}

export function draftToSettings(d: SettingsDraft): Settings {
  return {
    timeouts: {
      connectMs: Number(d.connectMs.trim()),
      greetingMs: Number(d.greetingMs.trim()),
      commandMs: Number(d.commandMs.trim()),
    },
    minTls: d.minTls,
    extraCaFiles: d.extraCaFiles.map((f) => f.trim()),
  };
}
