// Which interface a response came over, for redirects: a zone-free link-local Location is on the
// link of the response that sent it, and for a host name or a raced zone list only the socket
// knows that link. Node's fetch does not expose the socket, so fe80 reads it from undici's
// documented diagnostics channels: `undici:client:sendHeaders` gives each request's socket (made by
// fe80's connector, so it carries `socket.fe80.interface`), and `undici:request:headers` is
// published synchronously just before the request's handler gets the response headers.
import diagnostics from 'node:diagnostics_channel';
import type { Dispatcher } from 'undici';

/** Filled in when a tracked request's response headers arrive. */
export interface Arrival {
  /** the interface the response came over; undefined for a socket with no zone (global address) */
  interface: string | undefined;
}

type FetchDispatcher = Pick<Dispatcher, 'dispatch'>;

const socketInterface = new WeakMap<object, string | undefined>();
/** the request whose response headers are being delivered right now */
let answering: object | undefined;
let subscribed = false;

/** Subscribes on first use only: while nobody listens, undici publishes nothing (no per-request cost). */
function subscribe(): void {
  if (subscribed) return;
  subscribed = true;
  diagnostics.subscribe('undici:client:sendHeaders', (message) => {
    const { request, socket } = message as { request: object; socket: { fe80?: { interface?: string } } };
    socketInterface.set(request, socket.fe80?.interface);
  });
  diagnostics.subscribe('undici:request:headers', (message) => {
    answering = (message as { request: object }).request;
  });
}

/** The handler as it is, except that its response-start callback first records the arrival. */
function recording<H extends object>(handler: H, arrival: Arrival): H {
  const note = (): void => {
    arrival.interface = answering === undefined ? undefined : socketInterface.get(answering);
    answering = undefined;
  };
  return new Proxy(handler, {
    get(target, key, receiver) {
      const value: unknown = Reflect.get(target, key, receiver);
      // legacy handlers (Node 20's fetch) get onHeaders, undici 7 handlers onResponseStart
      if ((key !== 'onHeaders' && key !== 'onResponseStart') || typeof value !== 'function') return value;
      return function (this: unknown, ...args: unknown[]): unknown {
        note();
        return (value as (...a: unknown[]) => unknown).apply(this, args);
      };
    },
  });
}

/**
 * A dispatcher for Node's fetch that sends through `agent` and records in `arrival` the interface
 * the response came over.
 */
export function tracking(agent: FetchDispatcher, arrival: Arrival): FetchDispatcher {
  subscribe();
  return {
    dispatch: (options, handler) => agent.dispatch(options, recording(handler, arrival)),
  };
}
