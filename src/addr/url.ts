// URL hosts with zones. No current standard allows a zone in a URI: RFC 9844 (Aug 2025)
// obsoleted RFC 6874, and WHATWG URL (Node's `URL`) rejects `%` in IPv6 hosts. fe80 accepts two
// de-facto forms and hands WHATWG a zone-free URL (see docs/addr.md):
//   http://[fe80::1%25eth0]:8080/   RFC 6874: "%25" + at least one more character; the rest is
//                                   percent-decoded (`%25en%30` -> `en0`), like curl
//   http://[fe80::1%eth0]:8080/     bare '%' as people type it (RFC 9844 §5 UI form), verbatim;
//                                   so `[fe80::1%25]` is zone "25" and `[fe80::1%12]` zone "12"
// A zone is accepted only where a socket uses it to pick the link (requiresZone(): link-local
// unicast, interface-/link-local multicast; RFC 6874 §4, RFC 4007 §11.1);
// `http://[::1%25.example.com]/` (CVE-2025-22870) is refused.
import { Fe80Error, quote } from '../errors.js';
import { clip, parseError, reasonText } from './parse-error.js';
import { res } from './parse.js';
import { parseAddressRange, ScopedAddress } from './scoped-address.js';
import { describeZoneChar, invalidZoneIndex } from './zone.js';

export interface ParsedUrl {
  /** the URL with the zone removed from the host, accepted by WHATWG `new URL` */
  url: URL;
  /** the literal host as a ScopedAddress (zone included) when the host is an IP literal */
  address: ScopedAddress | undefined;
  zone: string | undefined;
  /** value for the Host header: never contains a zone; port omitted when default */
  host: string;
  /** explicit or the scheme default (http/ws 80, https/wss 443, ftp 21); 0 when unknown */
  port: number;
}

const DEFAULT_PORTS: Readonly<Record<string, number>> = { 'http:': 80, 'https:': 443, 'ws:': 80, 'wss:': 443, 'ftp:': 21 };
const WHERE = 'parseUrl';

function urlError(input: string, reason: string, pos: number, hint?: string): Fe80Error {
  return parseError('ERR_INVALID_URL', WHERE, input, reason, pos, hint);
}

function isSchemeChar(c: number, first: boolean): boolean {
  const l = c | 0x20;
  if (l >= 0x61 && l <= 0x7a) return true; // ALPHA
  return !first && ((c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2d || c === 0x2e); // DIGIT + - .
}

function finish(url: URL, address: ScopedAddress | undefined): ParsedUrl {
  let a = address;
  if (a === undefined && url.hostname !== '' && !url.hostname.startsWith('[')) {
    const v4 = ScopedAddress.tryParse(url.hostname); // WHATWG already normalised IPv4 hosts
    if (v4 !== undefined && v4.family === 4) a = v4;
  } else if (a === undefined && url.hostname.startsWith('[')) {
    a = ScopedAddress.tryParse(url.hostname.slice(1, -1));
  }
  const port = url.port !== '' ? Number(url.port) : (DEFAULT_PORTS[url.protocol] ?? 0);
  return { url, address: a, zone: a?.zone, host: url.host, port };
}

function whatwg(text: string, input: string): URL {
  try {
    return new URL(text);
  } catch (cause) {
    throw new Fe80Error('ERR_INVALID_URL', `${WHERE}(${clip(input)}): not a valid URL`, { input, cause });
  }
}

/** Schemes for which WHATWG URL treats `\` as `/` (URL Standard "special schemes"). */
const SPECIAL = new Set(['http', 'https', 'ws', 'wss', 'ftp', 'file']);

/**
 * WHATWG URL's preprocessing (basic URL parser, first steps): leading and trailing C0 controls
 * and spaces are stripped, ASCII tab and newline removed anywhere, so fe80 scans the same text
 * WHATWG will. `at(i)` maps an index of the result back to the input, for error positions.
 */
function preprocess(input: string): { s: string; at: (i: number) => number } {
  let lead = 0;
  let end = input.length;
  while (lead < end && input.charCodeAt(lead) <= 0x20) lead++;
  while (end > lead && input.charCodeAt(end - 1) <= 0x20) end--;
  const trimmed = lead === 0 && end === input.length ? input : input.slice(lead, end);
  if (!/[\t\n\r]/.test(trimmed)) return { s: trimmed, at: (i) => i + lead };
  const map: number[] = [];
  let s = '';
  for (let k = lead; k < end; k++) {
    const c = input.charCodeAt(k);
    if (c === 0x09 || c === 0x0a || c === 0x0d) continue;
    map.push(k);
    s += input[k];
  }
  return { s, at: (i) => map[i] ?? end };
}

/** Index in `enc` (percent-encoded) of what decodes to index `target` of the decoded text. */
function encodedIndex(enc: string, target: number): number {
  let decoded = 0;
  for (let k = 0; k < enc.length; ) {
    if (enc.charCodeAt(k) !== 0x25) {
      if (decoded === target) return k;
      decoded++;
      k++;
      continue;
    }
    let run = k;
    while (run < enc.length && enc.charCodeAt(run) === 0x25) run += 3;
    const d = decodeURIComponent(enc.slice(k, run)).length;
    if (target < decoded + d) return k;
    decoded += d;
    k = run;
  }
  return 0;
}

/** Index in `enc` of the first `%` that does not start a valid escape (bad hex or bad UTF-8). */
function badEscapeIndex(enc: string): number {
  for (let k = enc.indexOf('%'); k >= 0; k = enc.indexOf('%', k + 1)) {
    if (!/^%[0-9a-fA-F]{2}/.test(enc.slice(k, k + 3))) return k;
  }
  for (let k = enc.indexOf('%'); k >= 0; ) {
    let run = k;
    while (run < enc.length && enc.charCodeAt(run) === 0x25) run += 3;
    try {
      decodeURIComponent(enc.slice(k, run));
    } catch {
      return k;
    }
    k = enc.indexOf('%', run);
  }
  return 0;
}

const isDigits = (t: string): boolean => t.length > 0 && /^[0-9]+$/.test(t);

/** The user's unbracketed IPv6 host (`fe80::1%25eth0:8080`) written as a URL host should be. */
function bracketed(host: string): string | undefined {
  let address = host;
  let zone = '';
  let port = '';
  const pct = host.indexOf('%');
  if (pct >= 0) {
    address = host.slice(0, pct);
    zone = host.slice(pct + 1);
    const colon = zone.lastIndexOf(':');
    if (colon >= 0 && isDigits(zone.slice(colon + 1))) [zone, port] = [zone.slice(0, colon), zone.slice(colon + 1)];
  } else if (ScopedAddress.tryParse(host) === undefined) {
    const colon = host.lastIndexOf(':');
    if (colon > 0 && isDigits(host.slice(colon + 1))) [address, port] = [host.slice(0, colon), host.slice(colon + 1)];
  }
  if (ScopedAddress.tryParse(address)?.family !== 6) return undefined;
  // keep an RFC 6874 "%25" the user wrote; encode a bare '%'
  const z = zone === '' ? '' : zone.length > 2 && zone.startsWith('25') ? `%${zone}` : `%25${zone}`;
  return `[${address}${z}]${port === '' ? '' : `:${port}`}`;
}

/**
 * Parses a URL whose host may be a zoned IPv6 literal. Throws Fe80Error ERR_INVALID_URL.
 * See the module comment for the accepted forms and the `%25` rule.
 */
export function parseUrl(input: string | URL): ParsedUrl {
  if (input instanceof URL) return finish(new URL(input.href), undefined);
  if (typeof input !== 'string') throw new Fe80Error('ERR_INVALID_URL', `${WHERE}: expected a string or URL, got ${typeof input}`);
  const { s, at } = preprocess(input);
  const fail = (reason: string, pos: number, hint?: string): Fe80Error => urlError(input, reason, at(pos), hint);
  const n = s.length;
  // scheme "://" (RFC 3986 §3.1); anything else goes to WHATWG as is.
  let i = 0;
  while (i < n && isSchemeChar(s.charCodeAt(i), i === 0)) i++;
  if (i === 0 || i + 2 >= n || s.charCodeAt(i) !== 0x3a || s.charCodeAt(i + 1) !== 0x2f || s.charCodeAt(i + 2) !== 0x2f) {
    return finish(whatwg(s, input), undefined);
  }
  // The authority ends where WHATWG ends it: `\` counts as `/` only for special schemes (for
  // others, `foo://[fe80::1]\@evil.com/` has the host evil.com).
  const special = SPECIAL.has(s.slice(0, i).toLowerCase());
  const authStart = i + 3;
  let authEnd = authStart;
  for (; authEnd < n; authEnd++) {
    const c = s.charCodeAt(authEnd);
    if (c === 0x2f || c === 0x3f || c === 0x23 || (c === 0x5c && special)) break; // / ? # \
  }
  const atSign = s.lastIndexOf('@', authEnd - 1);
  const hostStart = atSign >= authStart ? atSign + 1 : authStart;
  if (s.charCodeAt(hostStart) !== 0x5b /* [ */) {
    const host = s.slice(hostStart, authEnd);
    // two or more ':' cannot be host:port: an IPv6 address (maybe zoned) without brackets
    if (host.indexOf(':') !== host.lastIndexOf(':')) {
      const fixed = bracketed(host);
      const hint = fixed === undefined ? `write the address in brackets, e.g. ${s.slice(0, authStart)}[fe80::1%25eth0]:8080/` : `write ${s.slice(0, hostStart)}${fixed}${s.slice(authEnd)}`;
      throw fail('an IPv6 address in a URL must be in square brackets (RFC 3986 §3.2.2)', hostStart, hint);
    }
    return finish(whatwg(s, input), undefined);
  }
  const close = s.indexOf(']', hostStart);
  if (close < 0 || close > authEnd) throw fail("IPv6 literal has no closing ']'", hostStart);
  const v = s.charCodeAt(hostStart + 1) | 0x20;
  if (v === 0x76 /* v */) throw fail('IPvFuture literals (RFC 3986 §3.2.2) are not supported', hostStart + 1);
  if (close + 1 < authEnd && s.charCodeAt(close + 1) !== 0x3a) throw fail("unexpected character after ']'", close + 1);
  const pct = s.indexOf('%', hostStart);
  const addrEnd = pct >= 0 && pct < close ? pct : close;
  let address = parseAddressRange(s, hostStart + 1, addrEnd);
  if (address === undefined) throw fail(`invalid IPv6 literal: ${reasonText(res.err, s, res.pos)}`, res.pos);
  if (address.family === 4) throw fail('an IP literal in brackets must be IPv6 (RFC 3986 §3.2.2)', hostStart + 1);
  if (addrEnd === close) return checked(whatwg(s, input), address, input, at(hostStart));

  // The zone: RFC 6874 "%25" + ZoneID (percent-decoded) when more follows "25", else verbatim.
  const raw = s.slice(addrEnd + 1, close);
  const encoded = raw.length > 2 && raw.charCodeAt(0) === 0x32 && raw.charCodeAt(1) === 0x35;
  let zone = raw;
  if (encoded) {
    try {
      zone = decodeURIComponent(raw.slice(2));
    } catch {
      throw fail('zone has an invalid percent-encoding', addrEnd + 3 + badEscapeIndex(raw.slice(2)));
    }
  }
  const bad = invalidZoneIndex(zone);
  if (bad === -2) throw fail('zone must be a non-empty string', addrEnd);
  if (bad >= 0) {
    const pos = encoded ? addrEnd + 3 + encodedIndex(raw.slice(2), bad) : addrEnd + 1 + bad;
    throw fail(`zone must not contain ${describeZoneChar(zone.charCodeAt(bad))}`, pos);
  }
  address = address.withZone(zone);
  // A URL names a destination: a zone is kept only where a socket uses it to pick the link
  // (link-local unicast, interface-/link-local multicast; requiresZone()). `::` is no destination,
  // and for site-local or wider multicast the kernel routes by its table whatever the zone.
  if (!address.requiresZone()) {
    throw fail(
      `a zone is only accepted on a link-local address or interface-/link-local multicast; ${address.address} has ${address.scope()} scope (RFC 6874 §4, RFC 4007 §11.1)`,
      addrEnd,
      'zones on loopback or global addresses are refused so that no host pattern can match text after "%" (CVE-2025-22870)',
    );
  }
  return checked(whatwg(s.slice(0, addrEnd) + s.slice(close), input), address, input, at(hostStart));
}

/**
 * The result, after checking that WHATWG found the same host in the zone-free URL: `address`
 * and `url` must never name two different machines (a parser differential is how
 * CVE-2025-22870-style bypasses work).
 */
function checked(url: URL, address: ScopedAddress, input: string, pos: number): ParsedUrl {
  const host = url.hostname.startsWith('[') ? ScopedAddress.tryParse(url.hostname.slice(1, -1)) : undefined;
  if (host === undefined || host.address !== address.address) {
    throw urlError(input, `the URL's host is ${quote(url.hostname)}, not the bracketed address ${address.address}`, pos);
  }
  return finish(url, address);
}
