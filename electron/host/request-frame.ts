// One WebSocket frame from the browser, read as the contract's request message or answered with
// a typed error: binary frames, text that is not JSON, JSON that is not an object of the right
// shape. Nothing a client sends can throw out of here.
import { z } from 'zod';
import type { RequestName } from '../../shared/api/contract';
import { isRequestName } from '../../shared/api/schemas';

const MESSAGE = z.object({
  type: z.literal('request'),
  id: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  name: z.string().max(100),
  input: z.unknown().optional(),
});

export interface ParsedRequest {
  id: number;
  name: RequestName;
  input: unknown;
}

export type FrameOutcome =
  | { ok: true; request: ParsedRequest }
  | { ok: false; id: number; error: { code: 'BAD_MESSAGE' | 'UNKNOWN_REQUEST'; message: string } };

function bad(id: number, message: string): FrameOutcome {
  return { ok: false, id, error: { code: 'BAD_MESSAGE', message } };
}

/** The id a client gave, when it gave a usable one: so that its error reaches the right caller. */
function idOf(value: unknown): number {
  if (typeof value !== 'object' || value === null || !Object.hasOwn(value, 'id')) return -1;
  const id = (value as { id: unknown }).id;
  return typeof id === 'number' && Number.isSafeInteger(id) && id >= 0 ? id : -1;
}

export function readRequestFrame(data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean): FrameOutcome {
  if (isBinary) return bad(-1, 'Binary frames are not part of the API: send JSON text');
  const text = Buffer.isBuffer(data)
    ? data.toString('utf8')
    : Array.isArray(data)
      ? Buffer.concat(data).toString('utf8')
      : Buffer.from(data).toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return bad(-1, 'Not JSON: each frame is one JSON request message');
  }
  const id = idOf(value);
  const parsed = MESSAGE.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return bad(
      id,
      `Not a request message (${issue ? `${issue.path.join('.') || 'message'}: ${issue.message}` : 'wrong shape'})`,
    );
  }
  const { name, input } = parsed.data;
  if (!isRequestName(name))
    return { ok: false, id, error: { code: 'UNKNOWN_REQUEST', message: 'Unknown request' } };
  return { ok: true, request: { id: parsed.data.id, name, input } };
}
