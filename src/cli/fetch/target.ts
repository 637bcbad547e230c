// Where one hop of `fe80 fetch` goes: the zone-free URL undici sends, the zone that picks the
// interface (from the URL, from --zone, or inherited over a redirect) and the words -v uses to say
// why that interface.
import { parseUrl, ScopedAddress, type ParsedUrl } from '../../addr/index.js';
import { Fe80Error, quote } from '../../errors.js';
import { resolveZones, type ZoneOption } from '../../net/index.js';
import { hasScheme } from '../url-input.js';

export interface HopTarget {
  parsed: ParsedUrl;
  /** the zone policy for the dispatcher: the URL's zone, --zone, or one inherited on a redirect */
  zone: ZoneOption | undefined;
  /** the URL as the user would write it, zone included (`http://[fe80::1%25eth0]/x`) */
  display: string;
  /** -v: which interface(s) and why */
  why: string | undefined;
}

/** `http://[fe80::1%25eth0]:8080/x`: the URL with its zone, RFC 6874 style, no credentials or fragment. */
export function displayUrl(url: URL, zone: string | undefined): string {
  const host = zone === undefined ? url.hostname : `[${url.hostname.slice(1, -1)}%25${encodeURIComponent(zone)}]`;
  return `${url.protocol}//${host}${url.port === '' ? '' : `:${url.port}`}${url.pathname}${url.search}`;
}

function zoneWords(zone: ZoneOption): string {
  return Array.isArray(zone) ? zone.join(',') : String(zone);
}

/**
 * Parses `text` (already with a scheme) and settles its zone: the URL's own, else `fallback`
 * (--zone, or the interface a redirect came over). Checks the interface(s) now, so a missing or
 * unknown zone is reported before any connection is tried. `source` says where `fallback` came from.
 */
export function hopTarget(text: string, fallback: ZoneOption | undefined, source: string): HopTarget {
  const parsed = parseUrl(text);
  const scheme = parsed.url.protocol;
  if (scheme !== 'http:' && scheme !== 'https:') {
    throw new UnsupportedScheme(`Protocol ${JSON.stringify(scheme.slice(0, -1).slice(0, 20))} not supported (fe80 fetch speaks http and https)`);
  }
  const address = parsed.address;
  if (address === undefined) {
    const name = parsed.url.hostname;
    const mdns = name.toLowerCase().endsWith('.local') || name.toLowerCase().endsWith('.local.');
    const where = fallback === undefined ? '' : ` (${source} ${zoneWords(fallback)})`;
    const why = mdns
      ? `${name}: a .local name, resolved with mDNS${where}; the interface an answer came in on is its zone`
      : `${name}: resolved by the system resolver${where}`;
    return { parsed, zone: fallback, display: displayUrl(parsed.url, undefined), why };
  }
  const own = parsed.zone;
  if (own === undefined && !address.requiresZone()) {
    return { parsed, zone: undefined, display: displayUrl(parsed.url, undefined), why: `${address.address} takes no zone: the routing table picks the interface` };
  }
  const zone: ZoneOption | undefined = own ?? fallback;
  // a zone in the URL and a different --zone: refused, as the library does, rather than one ignored
  if (own !== undefined && fallback !== undefined && source === '--zone') resolveZones(address, { zone: fallback });
  const candidates = resolveZones(address.withZone(undefined), zone === undefined ? {} : { zone });
  const names = candidates.map((c) => c.interface?.name ?? '?');
  let why: string;
  if (own !== undefined) why = `interface ${names[0]}: the zone written in the URL`;
  else if (candidates.length === 1 && !Array.isArray(fallback) && fallback !== 'auto') why = `interface ${names[0]}: ${source} ${zoneWords(fallback as ZoneOption)}`;
  else why = `racing ${names.join(', ')} (${source} ${zoneWords(fallback as ZoneOption)}${fallback === 'auto' ? ': every interface that is up with an IPv6 link-local address' : ', in that order'})`;
  const single = candidates.length === 1 ? candidates[0]?.interface?.name : undefined;
  return { parsed, zone: single ?? zone, display: displayUrl(parsed.url, single), why };
}

export class UnsupportedScheme extends Error {
  override name = 'UnsupportedScheme';
}

/**
 * The next hop of a redirect: `location` resolved against the current URL. A zone-free link-local
 * literal takes the zone of the link the redirect came over (the only link it can mean); the same
 * host keeps its zone. Returns the URL text (zoned) and that zone.
 */
export function redirectTarget(location: string, from: HopTarget, arrival: string | undefined): { text: string; zone: string | undefined } {
  let url: URL;
  let zone: string | undefined;
  if (hasScheme(location)) {
    const parsed = parseUrl(location);
    url = parsed.url;
    zone = parsed.zone;
  } else {
    try {
      url = new URL(location, from.parsed.url);
    } catch (error) {
      throw new Fe80Error('ERR_INVALID_URL', `the redirect to ${quote(location)} is not a valid URL`, { input: location, cause: error });
    }
  }
  if (zone === undefined && url.hostname.startsWith('[')) {
    const address = ScopedAddress.tryParse(url.hostname.slice(1, -1));
    if (address?.requiresZone() === true) {
      const same = url.hostname === from.parsed.url.hostname;
      const current = typeof from.zone === 'string' ? from.zone : arrival;
      zone = same ? current : arrival;
    }
  }
  return { text: displayUrl(url, zone), zone };
}
