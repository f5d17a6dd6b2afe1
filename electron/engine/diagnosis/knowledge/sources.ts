// The knowledge files, one per source family. Imported (not read at run time), so the bundles
// carry them and a run never depends on a file beside the program.
import aadstsApps from './aadsts-apps.json';
import aadstsMore from './aadsts-more.json';
import aadstsUsers from './aadsts-users.json';
import clientLibraries from './client-libraries.json';
import clientLibrariesMore from './client-libraries-more.json';
import exchangeOnline from './exchange-online.json';
import exchangeOnlineMore from './exchange-online-more.json';
import google from './google.json';
import googleMore from './google-more.json';
import graph from './graph.json';
import mailServers from './mail-servers.json';
import mailServersMore from './mail-servers-more.json';
import proxies from './proxies.json';
import runtimeWords from './runtime-words.json';

export const KNOWLEDGE_SOURCES: readonly unknown[] = [
  aadstsApps,
  aadstsMore,
  aadstsUsers,
  clientLibraries,
  clientLibrariesMore,
  exchangeOnline,
  exchangeOnlineMore,
  google,
  googleMore,
  graph,
  mailServers,
  mailServersMore,
  proxies,
  runtimeWords,
];
