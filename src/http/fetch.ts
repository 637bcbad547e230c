// `fetch` for zoned URLs: `http://[fe80::1%25eth0]:8080/`, the typed `http://[fe80::1%eth0]/`,
// `http://printer.local/`. The URL goes to Node's fetch without its zone (so `Host` has none),
// through the Fe80Dispatcher pool of that zone; redirects are followed here, zones included.
import { Fe80Error, quote } from '../errors.js';
import { writtenZone } from '../zone/index.js';
import { tracking, type Arrival } from './arrival.js';
import { Fe80Dispatcher } from './dispatcher.js';
import type { HttpZoneOptions } from './options.js';
import {
  changesToGet,
  dropBodyHeaders,
  dropCredentialHeaders,
  inheritedZone,
  isRedirect,
  isReplayable,
  locationUrl,
  sameOrigin,
} from './redirect.js';
import { displayUrl, resolveTarget, type HttpTarget } from './target.js';

export interface Fe80FetchInit extends Omit<RequestInit, 'dispatcher'>, HttpZoneOptions {
  /** pools, TLS and connect options (default: a shared Fe80Dispatcher with default options) */
  dispatcher?: Fe80Dispatcher;
  /** ms for the whole exchange: ERR_TIMEOUT without response headers by then; a body still being
   *  read at the deadline is aborted (the read rejects with a TimeoutError) */
  timeout?: number;
  /** redirects followed before ERR_HTTP (default 20, as in the Fetch standard) */
  maxRedirects?: number;
}

let shared: Fe80Dispatcher | undefined;

/**
 * Fetches `input` like the global `fetch`, with zoned and `.local` URLs. A `Request` input has a
 * zone-free URL by construction; give its zone with `init.zone`. Failures are Fe80Errors
 * (ERR_INVALID_URL, zone policy errors, ERR_CONNECT, ERR_TIMEOUT, ERR_HTTP), except an abort
 * through the caller's own signal, which rejects with the signal's reason as fetch does.
 */
export async function fetch(input: string | URL | Request, init?: Fe80FetchInit | null): Promise<Response> {
  const { dispatcher, zone, allowedInterfaces, registry, timeout, maxRedirects = 20, redirect, signal, ...rest } = init ?? {};
  check(timeout, maxRedirects, dispatcher);
  const pools = dispatcher ?? (shared ??= new Fe80Dispatcher());
  const request = typeof input === 'string' || input instanceof URL ? undefined : input;
  // this call's zone policy, else the dispatcher's
  const options: HttpZoneOptions = dispatcher === undefined ? {} : { ...dispatcher.policy };
  if (zone !== undefined) options.zone = zone;
  if (allowedInterfaces !== undefined) options.allowedInterfaces = allowedInterfaces;
  if (registry !== undefined) options.registry = registry;
  const timer = timeout === undefined ? undefined : AbortSignal.timeout(timeout);
  const signals = [signal, request?.signal, timer].filter((s): s is AbortSignal => s !== undefined && s !== null);
  const combined = signals.length < 2 ? signals[0] : AbortSignal.any(signals);
  const mode = redirect ?? request?.redirect ?? 'follow';

  let arrival: Arrival | undefined;
  const send = (target: HttpTarget, hopInput: string | Request, hopInit: RequestInit): Promise<Response> => {
    const pool = pools.select(target.policy);
    // only when a redirect may need it, and the zone alone does not tell (a name, a raced list)
    arrival = mode === 'follow' && target.linkFromSocket ? { interface: undefined } : undefined;
    // undici 7's Dispatcher types differ from Node's bundled undici-types; the runtime accepts it.
    const dispatcher = arrival === undefined ? pool : tracking(pool, arrival);
    const options = { ...hopInit, redirect: 'manual', dispatcher } as unknown as RequestInit;
    if (combined !== undefined) options.signal = combined;
    return globalThis.fetch(hopInput, options);
  };

  let target: HttpTarget | undefined;
  try {
    target = resolveTarget(request === undefined ? (input as string | URL) : request.url, options);
    const first = await replayableRequest(request, rest, mode);
    // the URL as text: fetch parses a URL object again from its string, which costs more than the string itself
    let response = await send(target, first.input ?? target.url.href, rest);
    let method = rest.method ?? request?.method ?? 'GET';
    let body = rest.body !== undefined ? rest.body : first.body;
    let headers: Headers | undefined;
    for (let hops = 0; ; hops++) {
      const location = isRedirect(response.status) ? response.headers.get('location') : null;
      if (location === null || mode === 'manual') return finish(response, target, hops);
      await response.body?.cancel();
      const from = displayUrl(target);
      if (mode === 'error') throw new Fe80Error('ERR_HTTP', `${from} redirects to ${quote(location)} and redirect is 'error'`, { input: location });
      if (hops >= maxRedirects) throw new Fe80Error('ERR_HTTP', `${from}: more than ${maxRedirects} redirects`, { input: location });
      const nextUrl = locationUrl(location, target);
      const inherited = inheritedZone(target, nextUrl, arrival);
      // an interface name, carried as the zone option: writtenZone keeps an interface named "auto" one interface
      const next = resolveTarget(nextUrl, inherited === undefined ? options : { ...options, zone: writtenZone(inherited, options.registry) });
      headers ??= new Headers(rest.headers ?? request?.headers);
      if (changesToGet(response.status, method)) {
        method = 'GET';
        body = null;
        dropBodyHeaders(headers);
      } else if (!isReplayable(body)) {
        throw new Fe80Error('ERR_HTTP', `${from} redirects (${response.status}) but a streamed body cannot be sent again`, { input: location });
      }
      if (!sameOrigin(target, next)) dropCredentialHeaders(headers);
      target = next;
      response = await send(target, target.url.href, { ...rest, method, headers, body });
    }
  } catch (error) {
    if (signal?.aborted === true || request?.signal.aborted === true) throw error;
    throw failure(error, target, timer, timeout);
  }
}

/**
 * A Request's body is a ReadableStream, which cannot be sent twice. So that a 307/308 can resend
 * it, as Node's fetch does for a Request made from a string or bytes, it is read into memory once
 * when redirects are followed (docs/http.md). A body in `init` replaces the Request's and is used
 * as it is (a stream there stays a stream).
 */
async function replayableRequest(
  request: Request | undefined,
  init: RequestInit,
  mode: RequestInit['redirect'],
): Promise<{ input: Request | undefined; body: NonNullable<RequestInit['body']> | null }> {
  if (request === undefined) return { input: undefined, body: null };
  if (init.body !== undefined || request.body === null || mode !== 'follow') return { input: request, body: request.body };
  const body = await request.arrayBuffer();
  return { input: new Request(request, { body }), body };
}

function check(timeout: unknown, maxRedirects: unknown, dispatcher: unknown): void {
  const count = (value: unknown) => typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 0x7fffffff;
  if (timeout !== undefined && !count(timeout)) {
    throw new Fe80Error('ERR_INVALID_ARGUMENT', `timeout must be a whole number of milliseconds, got ${quote(String(timeout))}`);
  }
  if (!count(maxRedirects)) throw new Fe80Error('ERR_INVALID_ARGUMENT', `maxRedirects must be a whole number >= 0, got ${quote(String(maxRedirects))}`);
  if (dispatcher !== undefined && !(dispatcher instanceof Fe80Dispatcher)) {
    throw new Fe80Error('ERR_INVALID_ARGUMENT', 'dispatcher must be an Fe80Dispatcher (createDispatcher()): another dispatcher cannot dial zones');
  }
}

/**
 * After redirects: `url` is where the response came from, zone included (`%25eth0`), so it can
 * be fetched again, and `redirected` is true. Without a redirect the Response is left as Node's
 * fetch made it (its `url` is zone-free): an own property on every Response slows Node's fetch.
 */
function finish(response: Response, target: HttpTarget, hops: number): Response {
  if (hops > 0) Object.defineProperties(response, { url: { value: displayUrl(target) }, redirected: { value: true } });
  return response;
}

function failure(error: unknown, target: HttpTarget | undefined, timer: AbortSignal | undefined, timeout: number | undefined): unknown {
  if (error instanceof Fe80Error) return error;
  const where = target === undefined ? 'fetch' : displayUrl(target);
  if (timer?.aborted === true) return new Fe80Error('ERR_TIMEOUT', `${where}: no complete response within ${timeout} ms`, { cause: error });
  const cause = (error as { cause?: unknown } | null)?.cause;
  if (cause instanceof Fe80Error) return cause;
  const detail = cause instanceof Error ? cause.message : error instanceof Error ? error.message : String(error);
  return new Fe80Error('ERR_HTTP', `${where}: ${detail}`, { cause: error });
}
