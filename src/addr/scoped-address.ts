// ScopedAddress: an IPv4 or IPv6 address plus, for IPv6, an optional zone (RFC 4007 §11).
// Immutable value (as Go's netip.Addr): private fields behind getters, a private constructor,
// static factories; not Object.freeze()d: freezing costs ~20 ns per value on Node 20 (a C++
// builtin call), a third of a parse and the difference between beating `net.isIPv6` or not, and
// would only forbid adding unrelated properties (bench/parse.bench.ts, docs/addr.md).
// Bits are eight 16-bit fields in private small-integer fields (no typed array per value);
// IPv4 is stored IPv4-mapped with family 4.
import { Fe80Error, quote } from '../errors.js';
import { formatIPv4, formatIPv6 } from './format.js';
import { codeOf, parseError, reasonText } from './parse-error.js';
import { hx, parseIP, res } from './parse.js';
import { ipv4Scope, multicastScope, multicastScopeAllowsZone } from './scope.js';
import type { Family, Scope } from './types.js';
import { describeZoneChar, invalidZoneIndex, mayHint, zoneHint } from './zone.js';

/** Internal constructor access for the other files of src/addr (not exported from index.ts). */
export let makeAddress: (
  family: Family,
  h0: number,
  h1: number,
  h2: number,
  h3: number,
  h4: number,
  h5: number,
  h6: number,
  h7: number,
  zone: string | undefined,
  hint: string | undefined,
  input?: string,
) => ScopedAddress;

/**
 * Parses `s[start, end)` into a ScopedAddress, or returns undefined with the reason in the
 * parser's `res` (positions are indexes into `s`). Used by ScopedAddress, Endpoint and parseUrl.
 */
export function parseAddressRange(s: string, start: number, end: number): ScopedAddress | undefined {
  if (!parseIP(s, start, end)) return undefined;
  const h = hx;
  const h0 = h[0] as number;
  const h1 = h[1] as number;
  const h2 = h[2] as number;
  const h3 = h[3] as number;
  const h4 = h[4] as number;
  const h5 = h[5] as number;
  const h6 = h[6] as number;
  const h7 = h[7] as number;
  // A whole input already in RFC 5952 form is toString()'s text (the zone is verbatim): keep it
  // rather than format it again (a slice, e.g. of an endpoint, would cost a copy).
  const input = res.canonical && start === 0 && end === s.length ? s : undefined;
  let zone: string | undefined;
  let hint: string | undefined;
  if (res.zone >= 0) {
    zone = s.slice(res.zone + 1, end);
    if (mayHint(zone, res.zoneColon)) {
      hint = zoneHint(zone, formatIPv6(h0, h1, h2, h3, h4, h5, h6, h7));
    }
  }
  return makeAddress(res.family, h0, h1, h2, h3, h4, h5, h6, h7, zone, hint, input);
}

function parseHint(text: string, err: number): string | undefined {
  if (text.includes('://')) return 'this looks like a URL; use parseUrl()';
  if (text.charCodeAt(0) === 0x5b /* [ */) return 'brackets belong to endpoints and URLs; use Endpoint.parse() or parseUrl()';
  if (err !== 0 && text.indexOf(':') > 0 && text.indexOf('.') > 0 && text.indexOf(':') > text.indexOf('.')) {
    return 'this looks like an IPv4 endpoint; use Endpoint.parse()';
  }
  return undefined;
}

function zoneError(where: string, zone: string, at: number): Fe80Error {
  const reason = at === -2 ? 'zone must be a non-empty string' : `zone must not contain ${describeZoneChar(zone.charCodeAt(at))}`;
  return new Fe80Error('ERR_INVALID_ZONE', `${where}(${quote(zone)}): ${reason}`, {
    input: zone,
    position: at < 0 ? 0 : at,
  });
}

/** Internal method: format without the cache (not exported from index.ts). */
export const FORMAT: unique symbol = Symbol('fe80.addr.format');

/** Proof of a call from inside src/addr (the constructors are private at run time too). */
export const KEY: unique symbol = Symbol('fe80.addr');

export class ScopedAddress {
  readonly #family: Family;
  readonly #zone: string | undefined;
  readonly #hint: string | undefined;
  readonly #h0: number;
  readonly #h1: number;
  readonly #h2: number;
  readonly #h3: number;
  readonly #h4: number;
  readonly #h5: number;
  readonly #h6: number;
  readonly #h7: number;
  readonly #input: string | undefined; // the parsed text when it is toString()'s (not a cache)
  #text: string | undefined; // `address` of a zoned value, computed on first use
  #full: string | undefined; // toString(), computed on first use

  static {
    makeAddress = (family, h0, h1, h2, h3, h4, h5, h6, h7, zone, hint, input) =>
      new ScopedAddress(KEY, family, h0, h1, h2, h3, h4, h5, h6, h7, zone, hint, input);
  }

  private constructor(
    key: symbol,
    family: Family,
    h0: number,
    h1: number,
    h2: number,
    h3: number,
    h4: number,
    h5: number,
    h6: number,
    h7: number,
    zone: string | undefined,
    hint: string | undefined,
    input: string | undefined,
  ) {
    if (key !== KEY) throw new TypeError('ScopedAddress has no public constructor; use ScopedAddress.parse() or a from*() factory');
    this.#family = family;
    this.#zone = zone;
    this.#h0 = h0;
    this.#h1 = h1;
    this.#h2 = h2;
    this.#h3 = h3;
    this.#h4 = h4;
    this.#h5 = h5;
    this.#h6 = h6;
    this.#h7 = h7;
    this.#input = input;
    this.#text = undefined;
    this.#full = undefined;
    this.#hint = hint;
  }

  /**
   * Parses an IPv4 dotted quad (strict decimal) or any RFC 4291 §2.2 IPv6 text form with an
   * optional `%zone` (RFC 4007 §11). Throws Fe80Error ERR_INVALID_ADDRESS or ERR_INVALID_ZONE
   * with `input` and `position`.
   */
  static parse(text: string): ScopedAddress {
    if (typeof text === 'string') {
      const a = parseAddressRange(text, 0, text.length);
      if (a !== undefined) return a;
      const { err, pos } = res;
      throw parseError(codeOf(err), 'ScopedAddress.parse', text, reasonText(err, text, pos), pos, parseHint(text, err));
    }
    throw new Fe80Error('ERR_INVALID_ADDRESS', `ScopedAddress.parse: expected a string, got ${typeof text}`);
  }

  /** Like parse, but returns undefined instead of throwing (no error object is built). */
  static tryParse(text: string): ScopedAddress | undefined {
    return typeof text === 'string' ? parseAddressRange(text, 0, text.length) : undefined;
  }

  /** An address from 4 (IPv4) or 16 (IPv6) bytes in network order. */
  static fromBytes(bytes: Uint8Array, zone?: string): ScopedAddress {
    if (!(bytes instanceof Uint8Array) || (bytes.length !== 4 && bytes.length !== 16)) {
      throw new Fe80Error('ERR_INVALID_ARGUMENT', 'ScopedAddress.fromBytes: `bytes` must be a Uint8Array of 4 or 16 bytes');
    }
    if (bytes.length === 4) {
      const a = makeAddress(4, 0, 0, 0, 0, 0, 0xffff, ((bytes[0] as number) << 8) | (bytes[1] as number), ((bytes[2] as number) << 8) | (bytes[3] as number), undefined, undefined);
      return zone === undefined ? a : a.withZone(zone);
    }
    const w = (i: number) => ((bytes[i] as number) << 8) | (bytes[i + 1] as number);
    return ScopedAddress.#checked(6, w(0), w(2), w(4), w(6), w(8), w(10), w(12), w(14), zone, 'ScopedAddress.fromBytes');
  }

  /** An IPv6 address from 8 16-bit fields (always family 6, even for ::ffff:a.b.c.d). */
  static fromHextets(hextets: ArrayLike<number>, zone?: string): ScopedAddress {
    const ok =
      hextets != null &&
      hextets.length === 8 &&
      Array.prototype.every.call(hextets, (v: unknown) => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 0xffff);
    if (!ok) {
      throw new Fe80Error('ERR_INVALID_ARGUMENT', 'ScopedAddress.fromHextets: `hextets` must be 8 integers in 0-65535');
    }
    const h = Array.from(hextets) as [number, number, number, number, number, number, number, number];
    return ScopedAddress.#checked(6, h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7], zone, 'ScopedAddress.fromHextets');
  }

  static #checked(
    family: Family,
    h0: number,
    h1: number,
    h2: number,
    h3: number,
    h4: number,
    h5: number,
    h6: number,
    h7: number,
    zone: string | undefined,
    where: string,
  ): ScopedAddress {
    if (zone !== undefined) {
      const bad = typeof zone === 'string' ? invalidZoneIndex(zone) : -2;
      if (bad !== -1) throw zoneError(where, String(zone), bad);
    }
    const hint = zone !== undefined && mayHint(zone, zone.includes(':')) ? zoneHint(zone, formatIPv6(h0, h1, h2, h3, h4, h5, h6, h7)) : undefined;
    return makeAddress(family, h0, h1, h2, h3, h4, h5, h6, h7, zone, hint);
  }

  /** 4 or 6; an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`) is family 6. */
  get family(): Family {
    return this.#family;
  }

  /** The zone exactly as written (`eth0`, `3`, `01`, `25eth0`), or undefined. Never on IPv4. */
  get zone(): string | undefined {
    return this.#zone;
  }

  /** A suggestion when the zone looks like a mistake (URL-encoded `%25`, a `:port` inside). */
  get hint(): string | undefined {
    return this.#hint;
  }

  /** RFC 5952 canonical text without the zone: `fe80::1`, `::ffff:192.0.2.1`, `192.0.2.1`. */
  get address(): string {
    if (this.#zone === undefined) return this.toString();
    return (this.#text ??= formatIPv6(this.#h0, this.#h1, this.#h2, this.#h3, this.#h4, this.#h5, this.#h6, this.#h7));
  }

  /** `address` plus `%zone` when there is a zone (RFC 4007 §11). */
  toString(): string {
    return (this.#full ??= this[FORMAT]());
  }

  /**
   * The work of a first toString(), without caching (internal; the benchmark measures this):
   * the parser's kept canonical input if any, else the formatter.
   */
  [FORMAT](): string {
    return (
      this.#input ??
      (this.#family === 4
        ? formatIPv4(this.#h6, this.#h7)
        : formatIPv6(this.#h0, this.#h1, this.#h2, this.#h3, this.#h4, this.#h5, this.#h6, this.#h7, this.#zone))
    );
  }

  /** Same as toString(). */
  toJSON(): string {
    return this.toString();
  }

  /** console.log / util.inspect show the text (the fields are private). */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `ScopedAddress(${this.toString()})`;
  }

  /** A copy of the bits: 4 bytes for IPv4, 16 for IPv6. */
  toBytes(): Uint8Array {
    if (this.family === 4) return Uint8Array.of(this.#h6 >>> 8, this.#h6 & 255, this.#h7 >>> 8, this.#h7 & 255);
    const out = new Uint8Array(16);
    const h = this.toHextets();
    for (let i = 0; i < 8; i++) {
      out[2 * i] = (h[i] as number) >>> 8;
      out[2 * i + 1] = (h[i] as number) & 255;
    }
    return out;
  }

  /** The 8 16-bit fields; an IPv4 address gives its IPv4-mapped form (::ffff:a.b.c.d). */
  toHextets(): number[] {
    return [this.#h0, this.#h1, this.#h2, this.#h3, this.#h4, this.#h5, this.#h6, this.#h7];
  }

  /** The same address with another zone (syntax checked); undefined removes the zone. */
  withZone(zone: string | undefined): ScopedAddress {
    if (zone === this.zone) return this;
    if (zone !== undefined && this.family === 4) {
      throw new Fe80Error('ERR_INVALID_ZONE', `ScopedAddress.withZone(${quote(String(zone))}): IPv4 addresses cannot have a zone (${this.address})`, {
        input: String(zone),
      });
    }
    return ScopedAddress.#checked(this.family, this.#h0, this.#h1, this.#h2, this.#h3, this.#h4, this.#h5, this.#h6, this.#h7, zone, 'ScopedAddress.withZone');
  }

  /** Reports whether both have the same family, bits and zone (zones compared as exact strings). */
  equals(other: ScopedAddress): boolean {
    return (
      this === other ||
      (other instanceof ScopedAddress &&
        this.family === other.family &&
        this.#h7 === other.#h7 &&
        this.#h6 === other.#h6 &&
        this.#h5 === other.#h5 &&
        this.#h4 === other.#h4 &&
        this.#h3 === other.#h3 &&
        this.#h2 === other.#h2 &&
        this.#h1 === other.#h1 &&
        this.#h0 === other.#h0 &&
        this.zone === other.zone)
    );
  }

  /** Orders by family (4 first), then bits, then zone: no zone sorts before any zone (as netip). */
  compare(other: ScopedAddress): -1 | 0 | 1 {
    if (this.family !== other.family) return this.family < other.family ? -1 : 1;
    const a = this.toHextets();
    const b = other.toHextets();
    for (let i = 0; i < 8; i++) if (a[i] !== b[i]) return (a[i] as number) < (b[i] as number) ? -1 : 1;
    const x = this.zone;
    const y = other.zone;
    if (x === y) return 0;
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    return x < y ? -1 : 1;
  }

  /** Reports whether this is ::ffff:0:0/96 (RFC 4291 §2.5.5.2). */
  isIPv4Mapped(): boolean {
    return this.family === 6 && (this.#h0 | this.#h1 | this.#h2 | this.#h3 | this.#h4) === 0 && this.#h5 === 0xffff;
  }

  /** Family-4 view of an IPv4 or IPv4-mapped address (zone dropped), else undefined. */
  #v4(): boolean {
    return this.family === 4 || this.isIPv4Mapped();
  }

  /** RFC 4007 scope; IPv4 and IPv4-mapped addresses are classified as IPv4 (as netip does). */
  scope(): Scope {
    if (this.#v4()) return ipv4Scope(this.#h6, this.#h7);
    const h0 = this.#h0;
    if (h0 >>> 8 === 0xff) return multicastScope(h0 & 15);
    if ((h0 & 0xffc0) === 0xfe80) return 'link-local';
    if ((h0 & 0xffc0) === 0xfec0) return 'site-local';
    if ((h0 | this.#h1 | this.#h2 | this.#h3 | this.#h4 | this.#h5 | this.#h6) === 0) {
      if (this.#h7 === 0) return 'unspecified';
      if (this.#h7 === 1) return 'loopback';
    }
    return 'global';
  }

  /** Reports whether this is link-local unicast: fe80::/10 (RFC 4291 §2.5.6), 169.254/16 (RFC 3927). */
  isLinkLocalUnicast(): boolean {
    if (this.#v4()) return this.#h6 === 0xa9fe;
    return (this.#h0 & 0xffc0) === 0xfe80;
  }

  /** Reports whether this is link-local multicast: ffx2::/16 (RFC 4291 §2.7), 224.0.0/24 (RFC 5771). */
  isLinkLocalMulticast(): boolean {
    if (this.#v4()) return this.#h6 === 0xe000 && this.#h7 >>> 8 === 0;
    return (this.#h0 & 0xff0f) === 0xff02;
  }

  /** Reports whether this is interface-local multicast: ffx1::/16 (RFC 4291 §2.7). */
  isInterfaceLocalMulticast(): boolean {
    return this.family === 6 && (this.#h0 & 0xff0f) === 0xff01;
  }

  /** Reports whether this is multicast: ff00::/8, 224.0.0.0/4. */
  isMulticast(): boolean {
    if (this.#v4()) return this.#h6 >>> 12 === 0xe;
    return this.#h0 >>> 8 === 0xff;
  }

  /** Reports whether this is loopback: ::1, 127.0.0.0/8. */
  isLoopback(): boolean {
    return this.scope() === 'loopback';
  }

  /** Reports whether this is `::` or `0.0.0.0` (not ::ffff:0.0.0.0). */
  isUnspecified(): boolean {
    if (this.family === 4) return (this.#h6 | this.#h7) === 0;
    return (this.#h0 | this.#h1 | this.#h2 | this.#h3 | this.#h4 | this.#h5 | this.#h6 | this.#h7) === 0;
  }

  /**
   * Reports whether the kernel needs a zone (scope id) to use this address: IPv6 link-local
   * unicast, link-local or interface-local multicast (RFC 4007 §6-7). Never for IPv4(-mapped).
   */
  requiresZone(): boolean {
    if (this.#v4()) return false;
    const h0 = this.#h0;
    return (h0 & 0xffc0) === 0xfe80 || (h0 & 0xff0f) === 0xff02 || (h0 & 0xff0f) === 0xff01;
  }

  /**
   * Reports whether a zone is meaningful (RFC 4007 §11.1: non-global scope): everything
   * requiresZone() covers, other non-global multicast (scop 3-D), site-local fec0::/10, and `::`
   * (an interface selector). Not for global, ULA, loopback, IPv4 or IPv4-mapped addresses.
   */
  allowsZone(): boolean {
    if (this.#v4()) return false;
    const h0 = this.#h0;
    if (h0 >>> 8 === 0xff) return multicastScopeAllowsZone(h0 & 15);
    if ((h0 & 0xffc0) === 0xfe80 || (h0 & 0xffc0) === 0xfec0) return true;
    return this.isUnspecified();
  }

  /** ::ffff:a.b.c.d -> a.b.c.d (family 4, zone dropped); any other address unchanged. */
  unmap(): ScopedAddress {
    if (!this.isIPv4Mapped()) return this;
    return makeAddress(4, 0, 0, 0, 0, 0, 0xffff, this.#h6, this.#h7, undefined, undefined);
  }
}
