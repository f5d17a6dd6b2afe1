// The data folder shared by the desktop app and the CLI (profiles, settings, history), where the
// platform keeps application data; MAILPROBE_DATA_DIR overrides it.
import { homedir } from 'node:os';
import { join } from 'node:path';

export function dataDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): string {
  if (env.MAILPROBE_DATA_DIR) return env.MAILPROBE_DATA_DIR;
  const home = homedir();
  if (platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'MailProbe');
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'MailProbe');
  return join(env.XDG_CONFIG_HOME ?? join(home, '.config'), 'MailProbe');
}
