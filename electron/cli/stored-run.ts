// A CLI run as the history and the bundle keep it (schema mailprobe.run/1): `check` and `batch`
// both write it, the same way the app does.
import { randomUUID } from 'node:crypto';
import type { StoredRun } from '../../shared/api/contract';
import type { Report } from '../../shared/report/model';
import { describeEnvironment } from '../engine/app/environment';
import { boundReport } from '../engine/store/bound-report';
import { askedOf } from '../engine/history/asked';
import { VERSION } from './help';
import type { PreparedRun } from './target-options';

export function storedRunOf(prepared: PreparedRun, report: Report, extraCaFiles: string[] = []): StoredRun {
  const { timeouts, tls, proxy } = prepared.input.network;
  return {
    schema: 'mailprobe.run/1',
    id: randomUUID(),
    profileId: prepared.profile?.id ?? 'cli',
    profileName: prepared.profile?.name ?? prepared.label,
    scenario: prepared.scenario ?? null,
    environment: describeEnvironment({
      version: VERSION,
      shell: 'cli',
      network: { timeouts, minTls: tls.minVersion === 'TLSv1.3' ? '1.3' : '1.2', extraCaFiles },
      proxy,
    }),
    // Bounded like the app's: report.json is the printed report unless that is hundreds of MB.
    report: boundReport(report),
    asked: askedOf(prepared.input),
  };
}
