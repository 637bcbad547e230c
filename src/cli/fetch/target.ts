// Where one hop of `fe80 fetch` goes: the zone-free URL undici sends, the zone that picks the
// interface (from the URL, from --zone, or inherited over a redirect) and the words -v uses to say
// why that interface.
import { parseUrl, type ParsedUrl } from '../../addr/index.js';
import { redirectLink } from '../../http/redirect.js';
import { zonedUrl } from '../../http/target.js';
import { Fe80Error, quote } from '../../errors.js';
import { resolveZones, type ZoneOption } from '../../net/index.js';
import { writtenZone } from '../../zone/index.js';
import { hasScheme } from '../url-input.js';

export interface HopTarget {
  parsed: ParsedUrl;
  /** the zone policy for the dispatcher: the URL's zone, --zone, or one inherited on a redirect */
  zone: ZoneOption | undefined;
  /** the one interface the hop is pinned to (a written zone, or a zone option that names one), by name */
  interface: string | undefined;
  /** the URL as the user would write it, zone included (`http://[fe80::1%25eth0]/x`) */
  display: string;
  /** -v: which interface(s) and why */
  why: string | undefined;
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
    return { parsed, zone: fallback, interface: undefined, display: zonedUrl(parsed.url, undefined), why };
  }
  const own = parsed.zone;
  if (own === undefined && !address.requiresZone()) {
    return { parsed, zone: undefined, interface: undefined, display: zonedUrl(parsed.url, undefined), why: `${address.address} takes no zone: the routing table picks the interface` };
  }
  // a written zone, or the interface a race settled on, is one interface even if it is named "auto"
  const zone: ZoneOption | undefined = own === undefined ? fallback : writtenZone(own);
  // a zone in the URL and a different --zone: refused, as the library does, rather than one ignored
  if (own !== undefined && fallback !== undefined && source === '--zone') resolveZones(address, { zone: fallback });
  const candidates = resolveZones(address.withZone(undefined), zone === undefined ? {} : { zone });
  const names = candidates.map((c) => c.interface?.name ?? '?');
  let why: string;
  if (own !== undefined) why = `interface ${names[0]}: the zone written in the URL`;
  else if (candidates.length === 1 && !Array.isArray(fallback) && fallback !== 'auto') why = `interface ${names[0]}: ${source} ${zoneWords(fallback as ZoneOption)}`;
  else why = `racing ${names.join(', ')} (${source} ${zoneWords(fallback as ZoneOption)}${fallback === 'auto' ? ': every interface that is up with an IPv6 link-local address' : ', in that order'})`;
  const single = candidates.length === 1 ? candidates[0]?.interface?.name : undefined;
  return { parsed, zone: single === undefined ? zone : writtenZone(single), interface: single, display: zonedUrl(parsed.url, single), why };
}

export class UnsupportedScheme extends Error {
  override name = 'UnsupportedScheme';
}

/**
 * The next hop of a redirect: `location` resolved against the current URL, and the interface it
 * is on when the Location says no other (the rule of the library's fetch, `redirectLink`: the same
 * host, or a zone-free link-local literal, stays on the link the response came in on). Returns
 * the URL text (a literal written with that zone) and that interface as a zone option (for a name,
 * the link its answers are taken from).
 */
export function redirectTarget(location: string, from: HopTarget, arrival: string | undefined): { text: string; zone: ZoneOption | undefined } {
  let next: ParsedUrl;
  if (hasScheme(location)) next = parseUrl(location);
  else {
    let url: URL;
    try {
      url = new URL(location, from.parsed.url);
    } catch (error) {
      throw new Fe80Error('ERR_INVALID_URL', `the redirect to ${quote(location)} is not a valid URL`, { input: location, cause: error });
    }
    next = parseUrl(url.href);
  }
  // a hop that raced ('auto', a list) or resolved a name knows its link from `arrival` only
  const name = next.zone ?? redirectLink(next, from.parsed.url.hostname, from.interface, arrival);
  return { text: zonedUrl(next.url, name), zone: name === undefined ? undefined : writtenZone(name) };
}
