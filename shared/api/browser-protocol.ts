// Browser mode carries the same API over one WebSocket (ws://127.0.0.1:<port>/api?token=...).
// Messages are JSON, one per frame. The token is random per launch and printed by `mailprobe
// serve` in the page URL (?token=...); the server also checks the Origin of the upgrade.
import type { EventName, Events, RequestName, Requests, Result } from './contract';

export const API_PATH = '/api';

export interface RequestMessage<K extends RequestName = RequestName> {
  type: 'request';
  /** Chosen by the client, echoed in the response. */
  id: number;
  name: K;
  input: Requests[K]['input'];
}

export interface ResponseMessage<K extends RequestName = RequestName> {
  type: 'response';
  id: number;
  result: Result<Requests[K]['output']>;
}

export interface EventMessage<E extends EventName = EventName> {
  type: 'event';
  name: E;
  payload: Events[E];
}

export type ServerMessage = ResponseMessage | EventMessage;
