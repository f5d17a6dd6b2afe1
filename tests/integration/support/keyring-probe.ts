// Run inside (or outside) a D-Bus session with a Secret Service: opens the real vault, stores a
// profile's secret through the profile store and reads it back. Prints one JSON line.
import { ProfileStore } from '../../../electron/engine/store/profiles';
import { openVault } from '../../../electron/engine/store/vault';
import { sampleProfileInput } from '../../support/profile-input';

const [dataDir = '', secret = ''] = process.argv.slice(2);
const vault = await openVault();
const result: Record<string, unknown> = { vault: vault.status };
const store = await ProfileStore.open(dataDir, vault);
const saved = await store.save(sampleProfileInput({ name: 'Keyring test', secret }));
const reopened = await ProfileStore.open(dataDir, vault);
result.readBack = (await reopened.secretOf(saved.id)) === secret;
await reopened.remove(saved.id);
result.afterRemove = await vault.get(saved.id);
process.stdout.write(`${JSON.stringify(result)}\n`);
