// Redirect rules for fetch (WHATWG Fetch §4.4 "HTTP-redirect fetch"), applied by fe80 itself
// because a Location such as `http://[fe80::2%25eth0]/` cannot go through undici's WHATWG URL.
import { parseUrl, type ParsedUrl } from '../addr/index.js';
import type { Arrival } from './arrival.js';
import type { HttpTarget } from './target.js';
import { zoneKey } from './target.js';

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const BODY_HEADERS = ['content-type', 'content-length', 'content-encoding', 'content-language', 'content-location'];
const CREDENTIAL_HEADERS = ['authorization', 'proxy-authorization', 'cookie'];

export function isRedirect(status: number): boolean {
  return REDIRECT_STATUSES.has(status);
}

/**
 * The next URL as text for `resolveTarget`: an absolute Location verbatim (it may carry a zone);
 * a scheme-relative one with the current scheme; a relative one against the current zone-free URL
 * (same host, so the caller keeps the current zone: see `inheritedZone`).
 */
export function locationUrl(location: string, current: HttpTarget): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(location)) return location;
  if (location.startsWith('//')) return `${current.url.protocol}${location}`;
  return new URL(location, current.url).href;
}

/**
 * The link a redirect's next hop is on, given the next URL as `locationUrl` made it: a Location on
 * the same host (relative ones included) or at a zone-free link-local literal is on the link the
 * redirect came from, because the server cannot know the client's zone names. That link is the
 * interface the response actually came over (`arrival`, known for a host name or a raced zone
 * list only from the socket), else the current hop's single zone. Any other Location (another
 * name, a zoned or routed literal) gets the caller's own zone options: undefined here.
 */
export function inheritedZone(current: HttpTarget, next: string, arrival?: Arrival): string | undefined {
  let parsed: ParsedUrl;
  try {
    parsed = parseUrl(next);
  } catch {
    return undefined; // resolveTarget reports it
  }
  return redirectLink(parsed, current.url.hostname, current.zone, arrival?.interface);
}

/**
 * The rule of `inheritedZone` on parsed parts, shared with the CLI's -L: `currentZone` is the
 * one interface the current hop was pinned to (never 'auto' or a list), `arrival` the interface
 * its response came in on.
 */
export function redirectLink(next: ParsedUrl, currentHostname: string, currentZone: string | undefined, arrival: string | undefined): string | undefined {
  if (next.zone !== undefined) return undefined;
  // a literal that takes no zone (global, IPv4) never gets one (RFC 4007 §6)
  if (next.address !== undefined) return next.address.requiresZone() ? (arrival ?? currentZone) : undefined;
  return next.url.hostname.toLowerCase() === currentHostname.toLowerCase() ? (arrival ?? currentZone) : undefined;
}

/** 301/302 POST and 303 non-GET/HEAD become GET without a body (Fetch §4.4 step 12). */
export function changesToGet(status: number, method: string): boolean {
  const m = method.toUpperCase();
  return ((status === 301 || status === 302) && m === 'POST') || (status === 303 && m !== 'GET' && m !== 'HEAD');
}

export function dropBodyHeaders(headers: Headers): void {
  for (const name of BODY_HEADERS) headers.delete(name);
}

/** Credentials do not follow a redirect to another origin; the zone is part of the origin. */
export function dropCredentialHeaders(headers: Headers): void {
  for (const name of CREDENTIAL_HEADERS) headers.delete(name);
}

export function sameOrigin(a: HttpTarget, b: HttpTarget): boolean {
  return a.url.origin === b.url.origin && zoneKey(a.policy.zone) === zoneKey(b.policy.zone);
}

/** A body fetch can send again (not a stream). */
export function isReplayable(body: unknown): boolean {
  return (
    body === null ||
    body === undefined ||
    typeof body === 'string' ||
    body instanceof URLSearchParams ||
    body instanceof ArrayBuffer ||
    ArrayBuffer.isView(body) ||
    body instanceof Blob ||
    body instanceof FormData
  );
}
