// What went over the wire for the request in flight, as undici's documented diagnostics channels
// report it: the socket a request was sent on (made by fe80's connector, so it carries
// `socket.fe80` with the endpoint and interface), the request head exactly as written, and when the
// connection was made. `fe80 fetch` sends one request at a time, so "the latest" is "this one".
import diagnostics from 'node:diagnostics_channel';
import { performance } from 'node:perf_hooks';
import type { Socket } from 'node:net';

export interface SocketInfo {
  endpoint?: { toString(): string; address: { address: string }; port: number };
  interface?: string | undefined;
  attempts?: number;
}

export interface WireRecord {
  /** the socket the request was written to */
  socket: (Socket & { fe80?: SocketInfo }) | undefined;
  /** the request line and headers as undici wrote them, CRLF-separated */
  head: string | undefined;
  /** performance.now() when a new connection was made for it (undefined: a reused one) */
  connectedAt: number | undefined;
  /** a connection was made for this request (not reused) */
  fresh: boolean;
}

let current: WireRecord | undefined;
let subscribed = false;

function subscribe(): void {
  if (subscribed) return;
  subscribed = true;
  diagnostics.subscribe('undici:client:connected', () => {
    if (current !== undefined) {
      current.connectedAt = performance.now();
      current.fresh = true;
    }
  });
  diagnostics.subscribe('undici:client:sendHeaders', (message) => {
    const { headers, socket } = message as { headers: string; socket: Socket & { fe80?: SocketInfo } };
    if (current !== undefined) {
      current.socket = socket;
      current.head = headers;
    }
  });
}

/** Starts recording for the next request; the record fills in as undici reports. */
export function record(): WireRecord {
  subscribe();
  current = { socket: undefined, head: undefined, connectedAt: undefined, fresh: false };
  return current;
}
