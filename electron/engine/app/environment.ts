// What a run was made with, for history and the bundle's environment.json: the app's version and
// shell, the OS, the runtime versions and the network settings. Nothing secret is read here.
import { arch, platform, release } from 'node:os';
import type { RunEnvironment, Settings, Shell } from '../../../shared/api/contract';
import { proxyLabel } from '../../../shared/config/proxy';
import type { ProxyPlan, ProxyRoute } from '../wire/proxy';

export interface EnvironmentInput {
  version: string;
  shell: Shell;
  network: Pick<Settings, 'timeouts' | 'minTls' | 'extraCaFiles'>;
  /** The run's proxies, named without a password. */
  proxy?: ProxyPlan;
}

function routeLabel(route: ProxyRoute | null | undefined): string | null {
  return route ? `${proxyLabel(route.config)} (${route.source})` : null;
}

export function describeEnvironment(input: EnvironmentInput): RunEnvironment {
  // Electron adds its own entries at run time; Node's types declare them as always there.
  const versions: Partial<Record<string, string>> = process.versions;
  return {
    app: { name: 'MailProbe', version: input.version, shell: input.shell },
    os: { platform: platform(), release: release(), arch: arch() },
    versions: {
      node: process.versions.node,
      electron: versions.electron ?? null,
      chromium: versions.chrome ?? null,
    },
    network: {
      timeouts: { ...input.network.timeouts },
      minTls: input.network.minTls,
      extraCaFiles: [...input.network.extraCaFiles],
      proxy: { identity: routeLabel(input.proxy?.identity), mail: routeLabel(input.proxy?.mail) },
    },
  };
}
