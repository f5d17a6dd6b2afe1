// Browser mode attacked from the same machine: hostile upgrades, frames, names, shapes, sizes and
// encodings, over real sockets on 127.0.0.1. After each, the host still answers a normal
// request: nothing a client sends ends the process or freezes the other screens.
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppService } from '../../electron/compose/app-service';
import { createAppService } from '../../electron/compose/app-service';
import { SessionVault } from '../../electron/engine/store/vault';
import { MAX_IN_FLIGHT, MAX_MESSAGE, startHost, type Host } from '../../electron/host/server';
import { REQUEST_SCHEMAS } from '../../shared/api/schemas';
import { sourceOffload } from '../support/source-offload';
import { ApiClient, connectApi, httpGet } from './support/api-socket';
import { SLOW_PASTE } from '../support/slow-paste';

/** The pool's limit for a paste in these tests: long enough to see it run beside other requests. */
// Well below what the slow paste costs, so that it is stopped (and the message says so).
const EXPLAIN_LIMIT_MS = 100;
/** Two megabytes that the first wave's reader needed minutes for. */
const SLOW_TEXT = SLOW_PASTE;
const PROTOTYPE_NAMES = [
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  'valueOf',
  '__defineGetter__',
  'isPrototypeOf',
];
const REAL_NAMES = Object.keys(REQUEST_SCHEMAS);

let dir: string;
let rendererDir: string;
let service: AppService;
let host: Host;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mailprobe-hostile-host-'));
  rendererDir = join(dir, 'renderer');
  await mkdir(rendererDir);
  await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>MailProbe</title>');
  service = await createAppService({
    dataDir: join(dir, 'data'),
    version: 'test',
    vault: new SessionVault({ kind: 'session', reason: 'tests' }),
    offload: sourceOffload({ timeLimitMs: EXPLAIN_LIMIT_MS }),
  });
  host = await startHost({ service, rendererDir });
});

afterAll(async () => {
  await host.close();
  await service.close();
  await rm(dir, { recursive: true, force: true });
});

function closed(client: ApiClient): Promise<number> {
  return new Promise((resolve) => {
    if (client.ws.readyState === client.ws.CLOSED) resolve(-1);
    else client.ws.once('close', (code) => resolve(code));
  });
}

/** The host answers a normal request: on this connection if it is still open, else on a new one. */
async function stillAnswers(client: ApiClient | null): Promise<void> {
  if (client && client.ws.readyState === client.ws.OPEN) {
    const answer = await Promise.race([client.call('app:info', undefined), closed(client)]);
    if (typeof answer === 'object') {
      expect(answer.ok).toBe(true);
      return;
    }
  }
  const fresh = await ApiClient.open(host);
  try {
    expect((await fresh.call('app:info', undefined)).ok).toBe(true);
  } finally {
    fresh.close();
  }
}

describe('hostile upgrades', () => {
  it('refuses a token of multi-byte characters of the token length, and stays up', async () => {
    const multiByte = '%C3%A9'.repeat(host.token.length);
    await expect(connectApi(host, multiByte)).rejects.toThrow(/403/);
    await expect(connectApi(host, `${host.token.slice(0, -1)}%C3%A9`)).rejects.toThrow(/403/);
    await stillAnswers(null);
  });

  it('answers a request line that is not HTTP with 400, and a path that does not decode with 400', async () => {
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = tcpConnect(host.port, '127.0.0.1', () => socket.write('\x00\x01 nonsense\r\n\r\n'));
      let text = '';
      socket.on('data', (d: Buffer) => (text += d.toString('latin1')));
      socket.on('close', () => resolve(text));
      socket.on('error', reject);
    });
    expect(reply).toMatch(/^HTTP\/1\.1 400/);
    expect((await httpGet(host, '/%ZZ')).status).toBe(400);
    expect((await httpGet(host, '/')).status).toBe(200);
  });

  it('survives random tokens, origins and paths on the upgrade', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: 'binary', maxLength: 80 }),
        fc.constantFrom(`http://127.0.0.1:${host.port}`, 'http://evil.example', 'null', ''),
        async (token, origin) => {
          await expect(connectApi(host, encodeURIComponent(token), origin)).rejects.toThrow(/403/);
        },
      ),
      { numRuns: 60 },
    );
    await stillAnswers(null);
  });

  it('survives random bytes sent as HTTP', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 400 }), async (bytes) => {
        await new Promise<void>((resolve) => {
          const socket = tcpConnect(host.port, '127.0.0.1', () => socket.end(Buffer.from(bytes)));
          socket.on('error', () => resolve());
          socket.on('close', () => resolve());
          socket.resume();
        });
      }),
      { numRuns: 40 },
    );
    expect((await httpGet(host, '/')).status).toBe(200);
    await stillAnswers(null);
  });
});

describe('hostile frames', () => {
  it('answers names from the prototype as unknown requests', async () => {
    const client = await ApiClient.open(host);
    for (const name of PROTOTYPE_NAMES) {
      const result = await client.callRaw(name, undefined);
      expect(result).toEqual({ ok: false, error: { code: 'UNKNOWN_REQUEST', message: 'Unknown request' } });
    }
    await stillAnswers(client);
    client.close();
  });

  it.each(['null', '42', '"text"', '[]', '{}', 'true', 'not json {', '{"type":"request","id":"7"}'])(
    'answers the frame %s with a typed error and keeps the connection',
    async (frame) => {
      const client = await ApiClient.open(host);
      const response = await client.sendRaw(frame);
      expect(response.result).toMatchObject({ ok: false, error: { code: 'BAD_MESSAGE' } });
      await stillAnswers(client);
      expect(client.ws.readyState).toBe(client.ws.OPEN);
      client.close();
    },
  );

  it('answers a binary frame with a typed error', async () => {
    const client = await ApiClient.open(host);
    const response = await client.sendRaw(Buffer.from([1, 2, 3]), true);
    expect(response.result).toMatchObject({ ok: false, error: { code: 'BAD_MESSAGE' } });
    await stillAnswers(client);
    client.close();
  });

  it('closes only the connection that sends a frame over the limit (1009)', async () => {
    const client = await ApiClient.open(host);
    const code = closed(client);
    client.ws.send('x'.repeat(MAX_MESSAGE + 1));
    expect(await code).toBe(1009);
    await stillAnswers(null);
  });

  it('closes only the connection that sends text that is not UTF-8 (1007)', async () => {
    const client = await ApiClient.open(host);
    const code = closed(client);
    client.ws.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false });
    expect(await code).toBe(1007);
    await stillAnswers(null);
  });

  it('keeps answering other requests while a 2 MB paste is being read', async () => {
    const client = await ApiClient.open(host);
    let explained = false;
    const explain = client.call('explain:text', { text: SLOW_TEXT }).then((result) => {
      explained = true;
      return result;
    });
    const started = performance.now();
    const list = await client.call('profiles:list', undefined);
    const listMs = performance.now() - started;
    expect(list.ok).toBe(true);
    // Answered while the paste was still being read: the paste did not hold the host up.
    expect(explained).toBe(false);
    const result = await explain;
    expect(result).toMatchObject({ ok: false, error: { code: 'TOO_LONG' } });
    expect(!result.ok && result.error.message).toMatch(/Paste the part around the error/);
    console.log(`profiles:list beside a 2 MB explain: ${listMs.toFixed(0)} ms`);
    await stillAnswers(client);
    client.close();
  });

  it('survives random frames: any text, JSON, request-like shapes and binary', async () => {
    const name = fc.oneof(fc.constantFrom(...PROTOTYPE_NAMES, ...REAL_NAMES), fc.string({ maxLength: 30 }));
    const requestLike = fc
      .record(
        {
          type: fc.oneof(fc.constant('request'), fc.string({ maxLength: 10 }), fc.integer()),
          id: fc.oneof(fc.nat(), fc.integer(), fc.double(), fc.string({ maxLength: 5 }), fc.constant(null)),
          name,
          input: fc.jsonValue({ maxDepth: 3 }),
        },
        { requiredKeys: [] },
      )
      .map((message) => JSON.stringify(message));
    const frame = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 300 }).map((text) => ({ data: text, binary: false })),
      fc.jsonValue({ maxDepth: 4 }).map((value) => ({ data: JSON.stringify(value), binary: false })),
      requestLike.map((text) => ({ data: text, binary: false })),
      fc.uint8Array({ maxLength: 300 }).map((bytes) => ({ data: Buffer.from(bytes), binary: true })),
      fc.uint8Array({ maxLength: 300 }).map((bytes) => ({ data: Buffer.from(bytes), binary: false })),
    );
    let client = await ApiClient.open(host);
    await fc.assert(
      fc.asyncProperty(frame, async ({ data, binary }) => {
        if (client.ws.readyState !== client.ws.OPEN) client = await ApiClient.open(host);
        client.ws.send(data, { binary });
        await stillAnswers(client);
      }),
      { numRuns: 300 },
    );
    client.close();
  });
});

describe('bounds per connection', () => {
  it(`answers BUSY beyond ${MAX_IN_FLIGHT} requests waiting at once, then serves again`, async () => {
    // A service that holds every request until released: what a flood of slow requests is.
    const release: Array<() => void> = [];
    const slow: AppService = {
      dispatch: () =>
        new Promise((resolve) => {
          release.push(() => resolve({ ok: true, value: null } as never));
        }),
      close: () => Promise.resolve(),
    };
    const busyHost = await startHost({ service: slow, rendererDir });
    try {
      const client = new ApiClient(await connectApi(busyHost));
      const calls = Array.from({ length: MAX_IN_FLIGHT + 1 }, () => client.call('app:info', undefined));
      const last = await calls[MAX_IN_FLIGHT];
      expect(last).toMatchObject({ ok: false, error: { code: 'BUSY' } });
      expect(release).toHaveLength(MAX_IN_FLIGHT);
      for (const done of release.splice(0)) done();
      expect((await Promise.all(calls.slice(0, MAX_IN_FLIGHT))).every((r) => r.ok)).toBe(true);
      const again = client.call('app:info', undefined);
      await new Promise((r) => setTimeout(r, 20));
      for (const done of release.splice(0)) done();
      expect((await again).ok).toBe(true);
      client.close();
    } finally {
      await busyHost.close();
    }
  });
});
