// Turns a request URL (zoned `http://[fe80::1%25eth0]/`, typed `http://[fe80::1%eth0]/`, plain or
// `.local`) into what fetch sends: a zone-free WHATWG URL plus the interface(s) to dial.
import { Fe80Error, quote } from '../errors.js';
import { parseUrl, type ParsedUrl } from '../addr/index.js';
import { BoundedMap } from '../bounded-map.js';
import type { HttpZoneOptions } from './options.js';
import { writtenZone } from '../zone/index.js';

export interface HttpTarget {
  /** zone-free URL: what undici and the Host header see */
  url: URL;
  /** the one interface the request is pinned to, as written (the URL's zone or a single `zone` option), else undefined */
  zone: string | undefined;
  /** the link is known only from the socket (a name, or a raced link-local literal): redirects need the arrival interface */
  linkFromSocket: boolean;
  /** the connection policy for the dispatcher's pool; the zone floor applies it once per dial */
  policy: HttpZoneOptions;
}

/**
 * Resolves `input` for one request, without touching the interface table (the dial does that,
 * once; only a zone written as "auto" is looked up here, see `writtenZone`). Throws ERR_INVALID_URL (malformed, not http(s), or a zone on an address that takes
 * none, e.g. the proxy-bypass shape `http://[::1%25.example.com]/`).
 */
export function resolveTarget(input: string | URL, options: HttpZoneOptions): HttpTarget {
  const parsed = parseCached(input);
  const url = parsed.url;
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Fe80Error('ERR_INVALID_URL', `${quote(String(input))}: only http: and https: URLs can be fetched`, {
      input: String(input),
    });
  }
  const address = parsed.address;
  if (address !== undefined && parsed.zone !== undefined && !address.requiresZone()) {
    // RFC 6874 §4: a zone in a URL only for link-local destinations. Never read the zone as part
    // of a host name either (CVE-2025-22870: `[::1%25.example.com]` matched `*.example.com`).
    throw new Fe80Error(
      'ERR_INVALID_URL',
      `${quote(String(input))}: a zone is accepted only on a link-local address, not on ${address.address}`,
      { input: String(input) },
    );
  }
  // The zone option applies to a name's zone-less link-local answers and to a zone-less
  // link-local literal; a zone written in the URL wins; an address that takes no zone gets none.
  const written = parsed.zone;
  const zone =
    written !== undefined ? writtenZone(written, options.registry) : address === undefined || address.requiresZone() ? options.zone : undefined;
  const policy: HttpZoneOptions = withRegistry({}, options);
  if (zone !== undefined) policy.zone = zone;
  if (options.allowedInterfaces !== undefined) policy.allowedInterfaces = options.allowedInterfaces;
  const pinned = written ?? (typeof zone === 'number' ? String(zone) : typeof zone === 'string' && zone !== 'auto' ? zone : undefined);
  const linkFromSocket = pinned === undefined && (address === undefined || address.requiresZone());
  return { url, zone: pinned, linkFromSocket, policy };
}

/** The pool key for a zone option: '' for none, else the option as JSON (index 3 and the name "3" apart: an interface may be named "3"). */
export function zoneKey(zone: HttpZoneOptions['zone'] | undefined): string {
  return zone === undefined ? '' : JSON.stringify(zone);
}

/** The caller's registry goes with the policy: the registry the pool's connector dials with. */
function withRegistry(policy: HttpZoneOptions, options: HttpZoneOptions): HttpZoneOptions {
  if (options.registry !== undefined) policy.registry = options.registry;
  return policy;
}

// parseUrl is pure; programs fetch the same few URLs again and again, and parsing is the largest
// per-request cost fe80 adds (a few µs). The cached URL objects are never mutated.
const parsedCache = new BoundedMap<string, ParsedUrl>(256);

function parseCached(input: string | URL): ParsedUrl {
  return typeof input === 'string' ? parsedCache.getOrSet(input, () => parseUrl(input)) : parseUrl(input);
}

/**
 * The URL as the user would write it, zone included (`http://[fe80::1%25eth0]/x`), for
 * `Response.url` and messages: no credentials, no fragment (as a Response URL).
 */
export function displayUrl(target: HttpTarget): string {
  return zonedUrl(target.url, target.zone);
}

/** `url` (zone-free) with `zone` written into an IPv6 literal host, RFC 6874 style; a name stays as it is. */
export function zonedUrl(url: URL, zone: string | undefined): string {
  const literal = url.hostname.startsWith('[');
  const host = zone !== undefined && literal ? `[${url.hostname.slice(1, -1)}%25${encodeURIComponent(zone)}]` : url.hostname;
  return `${url.protocol}//${host}${url.port === '' ? '' : `:${url.port}`}${url.pathname}${url.search}`;
}
