// URL hosts with zones. No current standard allows a zone in a URI: RFC 9844 (Aug 2025)
// obsoleted RFC 6874, and WHATWG URL (Node's `URL`) rejects `%` in IPv6 hosts. fe80 accepts two
// de-facto forms and hands WHATWG a zone-free URL (see docs/addr.md):
//   http://[fe80::1%25eth0]:8080/   RFC 6874: "%25" + at least one more character; the rest is
//                                   percent-decoded (`%25en%30` -> `en0`), like curl
//   http://[fe80::1%eth0]:8080/     bare '%' as people type it (RFC 9844 §5 UI form), verbatim;
//                                   so `[fe80::1%25]` is zone "25" and `[fe80::1%12]` zone "12"
// A zone is accepted only where it means something (allowsZone(): link-local, scoped multicast;
// RFC 6874 §4, RFC 4007 §11.1); `http://[::1%25.example.com]/` (CVE-2025-22870) is refused.
import { Fe80Error } from '../errors.js';
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

/**
 * Parses a URL whose host may be a zoned IPv6 literal. Throws Fe80Error ERR_INVALID_URL.
 * See the module comment for the accepted forms and the `%25` rule.
 */
export function parseUrl(input: string | URL): ParsedUrl {
  if (input instanceof URL) return finish(new URL(input.href), undefined);
  if (typeof input !== 'string') throw new Fe80Error('ERR_INVALID_URL', `${WHERE}: expected a string or URL, got ${typeof input}`);
  const s = input;
  const n = s.length;
  // scheme "://" (RFC 3986 §3.1); anything else goes to WHATWG as is.
  let i = 0;
  while (i < n && isSchemeChar(s.charCodeAt(i), i === 0)) i++;
  if (i === 0 || i + 2 >= n || s.charCodeAt(i) !== 0x3a || s.charCodeAt(i + 1) !== 0x2f || s.charCodeAt(i + 2) !== 0x2f) {
    return finish(whatwg(s, s), undefined);
  }
  const authStart = i + 3;
  let authEnd = authStart;
  for (; authEnd < n; authEnd++) {
    const c = s.charCodeAt(authEnd);
    if (c === 0x2f || c === 0x3f || c === 0x23 || c === 0x5c) break; // / ? # \
  }
  const at = s.lastIndexOf('@', authEnd - 1);
  const hostStart = at >= authStart ? at + 1 : authStart;
  if (s.charCodeAt(hostStart) !== 0x5b /* [ */) {
    const host = s.slice(hostStart, authEnd);
    if (host.includes('%') || host.indexOf(':') !== host.lastIndexOf(':')) {
      throw urlError(s, 'an IPv6 address in a URL must be in square brackets (RFC 3986 §3.2.2)', hostStart, `write ${s.slice(0, authStart)}[fe80::1%25eth0]:8080/`);
    }
    return finish(whatwg(s, s), undefined);
  }
  const close = s.indexOf(']', hostStart);
  if (close < 0 || close > authEnd) throw urlError(s, "IPv6 literal has no closing ']'", hostStart);
  const v = s.charCodeAt(hostStart + 1) | 0x20;
  if (v === 0x76 /* v */) throw urlError(s, 'IPvFuture literals (RFC 3986 §3.2.2) are not supported', hostStart + 1);
  if (close + 1 < authEnd && s.charCodeAt(close + 1) !== 0x3a) throw urlError(s, "unexpected character after ']'", close + 1);
  const pct = s.indexOf('%', hostStart);
  const addrEnd = pct >= 0 && pct < close ? pct : close;
  let address = parseAddressRange(s, hostStart + 1, addrEnd);
  if (address === undefined) {
    throw urlError(s, `invalid IPv6 literal: ${reasonText(res.err, s, res.pos)}`, res.pos);
  }
  if (address.family === 4) throw urlError(s, 'an IP literal in brackets must be IPv6 (RFC 3986 §3.2.2)', hostStart + 1);
  if (addrEnd === close) return finish(whatwg(s, s), address);

  // The zone: RFC 6874 "%25" + ZoneID (percent-decoded) when more follows "25", else verbatim.
  const raw = s.slice(addrEnd + 1, close);
  let zone = raw;
  if (raw.length > 2 && raw.charCodeAt(0) === 0x32 && raw.charCodeAt(1) === 0x35) {
    try {
      zone = decodeURIComponent(raw.slice(2));
    } catch {
      throw urlError(s, 'zone has an invalid percent-encoding', addrEnd + 3);
    }
  }
  const bad = invalidZoneIndex(zone);
  if (bad === -2) throw urlError(s, 'zone must be a non-empty string', addrEnd);
  if (bad >= 0) throw urlError(s, `zone must not contain ${describeZoneChar(zone.charCodeAt(bad))}`, addrEnd + 1);
  address = address.withZone(zone);
  if (!address.allowsZone()) {
    throw urlError(
      s,
      `a zone is only accepted on a link-local or scoped multicast address; ${address.address} has ${address.scope()} scope (RFC 6874 §4, RFC 4007 §11.1)`,
      addrEnd,
      'zones on loopback or global addresses are refused so that no host pattern can match text after "%" (CVE-2025-22870)',
    );
  }
  return finish(whatwg(s.slice(0, addrEnd) + s.slice(close), s), address);
}
