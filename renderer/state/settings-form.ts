// The settings form's model: timeouts as typed text, validated like the CLI's --timeout-ms, the
// extra CA files list, and the proxy (its URL read as the CLI's --proxy reads it).
import type { Settings } from '../../shared/api/contract';
import { positiveIntError } from '../../shared/config/validate';
import { proxyUrlProblem } from './profile-form';

export interface SettingsDraft {
  connectMs: string;
  greetingMs: string;
  commandMs: string;
  minTls: Settings['minTls'];
  extraCaFiles: string[];
  proxyMode: Settings['proxy']['mode'];
  proxyUrl: string;
  proxyBypass: string;
  /** A new password, typed; empty keeps the stored one. */
  proxyPassword: string;
  /** The stored password is to be removed. */
  forgetProxyPassword: boolean;
  hasProxyPassword: boolean;
}

export type SettingsField = 'connectMs' | 'greetingMs' | 'commandMs' | 'extraCaFiles' | 'proxyUrl';
export type SettingsErrors = Partial<Record<SettingsField, string>>;

export const DEFAULT_SETTINGS: Settings = {
  timeouts: { connectMs: 10_000, greetingMs: 15_000, commandMs: 30_000 },
  minTls: '1.2',
  extraCaFiles: [],
  proxy: { mode: 'system', url: '', bypass: '', hasPassword: false },
};

export function settingsDraft(s: Settings): SettingsDraft {
  return {
    connectMs: String(s.timeouts.connectMs),
    greetingMs: String(s.timeouts.greetingMs),
    commandMs: String(s.timeouts.commandMs),
    minTls: s.minTls,
    extraCaFiles: [...s.extraCaFiles],
    proxyMode: s.proxy.mode,
    proxyUrl: s.proxy.url,
    proxyBypass: s.proxy.bypass,
    proxyPassword: '',
    forgetProxyPassword: false,
    hasProxyPassword: s.proxy.hasPassword,
  };
}

function proxyUrlError(d: SettingsDraft): string | null {
  return d.proxyMode === 'manual' ? proxyUrlProblem(d.proxyUrl, d.proxyPassword) : null;
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
  if (d.extraCaFiles.length > 20) errors.extraCaFiles = `${d.extraCaFiles.length} CA files: at most 20`;
  else if (d.extraCaFiles.some((f) => f.trim() === ''))
    errors.extraCaFiles = 'A CA file path is empty: enter the path of a PEM certificate';
  else if (new Set(d.extraCaFiles.map((f) => f.trim())).size !== d.extraCaFiles.length)
    errors.extraCaFiles = 'A CA file is listed twice: each file must be listed once';
  const proxy = proxyUrlError(d);
  if (proxy !== null) errors.proxyUrl = proxy;
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
    proxy: {
      mode: d.proxyMode,
      url: d.proxyUrl.trim(),
      bypass: d.proxyBypass.trim(),
      hasPassword: d.hasProxyPassword,
    },
    ...(d.forgetProxyPassword
      ? { proxyPassword: '' }
      : d.proxyPassword !== ''
        ? { proxyPassword: d.proxyPassword }
        : {}),
  };
}
