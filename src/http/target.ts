// Turns a request URL (zoned `http://[fe80::1%25eth0]/`, typed `http://[fe80::1%eth0]/`, plain or
// `.local`) into what fetch sends: a zone-free WHATWG URL plus the interface(s) to dial.
import { Fe80Error, quote } from '../errors.js';
import { parseUrl, type ParsedUrl } from '../addr/index.js';
import { BoundedMap } from '../bounded-map.js';
import type { HttpZoneOptions } from './options.js';
import { pickZones, type ZoneChoice } from './zone-guard.js';

export interface HttpTarget {
  /** zone-free URL: what undici and the Host header see */
  url: URL;
  /** interface(s) for an IP-literal host; undefined for names and scope-free addresses */
  zone: ZoneChoice;
  /** the connection policy for the dispatcher's pool: the chosen zone for a literal (already
   *  checked against the allowed set), the caller's policy for a host name (applied to answers) */
  policy: HttpZoneOptions;
}

/**
 * Resolves `input` for one request. Throws ERR_INVALID_URL (malformed, not http(s), or a zone on
 * an address that takes none, e.g. the proxy-bypass shape `http://[::1%25.example.com]/`), and
 * the zone policy's errors (ERR_ZONE_REQUIRED, ERR_UNKNOWN_INTERFACE, ERR_ZONE_NOT_ALLOWED, ...).
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
  if (address === undefined) {
    const policy: HttpZoneOptions = withRegistry({}, options);
    if (options.zone !== undefined) policy.zone = options.zone;
    if (options.allowedInterfaces !== undefined) policy.allowedInterfaces = options.allowedInterfaces;
    return { url, zone: undefined, policy };
  }
  if (parsed.zone !== undefined && !address.requiresZone()) {
    // RFC 6874 §4: a zone in a URL only for link-local destinations. Never read the zone as part
    // of a host name either (CVE-2025-22870: `[::1%25.example.com]` matched `*.example.com`).
    throw new Fe80Error(
      'ERR_INVALID_URL',
      `${quote(String(input))}: a zone is accepted only on a link-local address, not on ${address.address}`,
      { input: String(input) },
    );
  }
  const zone = pickZones(address, options);
  return { url, zone, policy: withRegistry(zone === undefined ? {} : { zone }, options) };
}

/** The caller's registry goes with the policy: the zone checked here is the zone dialled. */
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
  const { url, zone } = target;
  const host = typeof zone === 'string' ? `[${url.hostname.slice(1, -1)}%25${encodeURIComponent(zone)}]` : url.hostname;
  return `${url.protocol}//${host}${url.port === '' ? '' : `:${url.port}`}${url.pathname}${url.search}`;
}
