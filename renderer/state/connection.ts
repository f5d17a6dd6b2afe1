// The state of the link to the main process (always "open" under Electron's preload).
export type ConnectionState = { kind: 'connecting' } | { kind: 'open' } | { kind: 'closed'; message: string };
