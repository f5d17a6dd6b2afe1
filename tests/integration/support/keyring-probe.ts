// Run inside (or outside) a D-Bus session with a Secret Service: opens the real vault, stores a
// profile's secret through the profile store and reads it back. Prints one JSON line.
import { ProfileStore } from '../../../electron/engine/store/profiles';
import { openVault } from '../../../electron/engine/store/vault';

const [dataDir = '', secret = ''] = process.argv.slice(2);
const vault = await openVault();
const result: Record<string, unknown> = { vault: vault.status };
const store = await ProfileStore.open(dataDir, vault);
const saved = await store.save({
  name: 'Keyring test',
  cloud: 'global',
  tenant: 'contoso.onmicrosoft.com',
  clientId: '0b7d3c52-8e1f-4a6b-b9d4-6c2e1f0a9d87',
  mailbox: 'shared@contoso.com',
  credential: 'client-secret',
  mechanism: 'auto',
  imap: { host: 'outlook.office365.com', port: 993, security: 'tls' },
  pop3: { host: 'outlook.office365.com', port: 995, security: 'tls' },
  smtp: { host: 'smtp.office365.com', port: 587, security: 'starttls' },
  testMessage: {},
  secret,
});
const reopened = await ProfileStore.open(dataDir, vault);
result.readBack = (await reopened.secretOf(saved.id)) === secret;
await reopened.remove(saved.id);
result.afterRemove = await vault.get(saved.id);
process.stdout.write(`${JSON.stringify(result)}\n`);
