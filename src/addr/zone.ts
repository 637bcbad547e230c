// Zone (`%zone_id`) syntax, RFC 4007 §11.2: a non-null string that must not contain the `%`
// delimiter. fe80 also refuses what cannot be an interface name anywhere and what would break
// the surrounding syntax: NUL (RFC 9844 §6), whitespace, `/` (paths), `[` `]` (URL/endpoint
// brackets). Everything else is kept verbatim; the interface registry decides what it means.

import { escaped, quote } from '../errors.js';

/** Reports whether `c` is a UTF-16 low (trailing) surrogate. */
export function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/**
 * Reports whether UTF-16 code unit `c` may appear in a zone on its own. Surrogates may not: a
 * zone must be text (a pair is checked by the callers), or it could not be written back into a
 * URL (`encodeURIComponent` throws on an unpaired surrogate) or into an interface name.
 */
export function isZoneChar(c: number): boolean {
  if (c >= 0xd800 && c <= 0xdfff) return false;
  if (c > 0x20 && c < 0x7f) return c !== 0x25 /* % */ && c !== 0x2f /* / */ && c !== 0x5b /* [ */ && c !== 0x5d; /* ] */
  if (c <= 0x20) return c !== 0 && c !== 0x20 && (c < 0x09 || c > 0x0d); // NUL, space, \t \n \v \f \r
  // Unicode White_Space (plus U+FEFF, which JavaScript's \s also matches).
  return !(
    c === 0x85 ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

/** Reports whether `zone` is acceptable syntax (RFC 4007 §11.2): non-empty, no NUL/whitespace/%/'/'/[/]. */
export function isValidZoneSyntax(zone: string): boolean {
  return typeof zone === 'string' && invalidZoneIndex(zone) === -1;
}

/** Index of the first character of `zone` that is not allowed, or -1 (-2 when empty). */
export function invalidZoneIndex(zone: string): number {
  if (zone.length === 0) return -2;
  for (let i = 0; i < zone.length; i++) {
    const c = zone.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && isLowSurrogate(zone.charCodeAt(i + 1))) i++;
    else if (!isZoneChar(c)) return i;
  }
  return -1;
}

/** Describes a forbidden zone character for an error message. */
export function describeZoneChar(c: number): string {
  if (c === 0) return 'NUL';
  if (c === 0x25) return "'%' (the zone delimiter; RFC 4007 §11.2)";
  if (c === 0x2f || c === 0x5b || c === 0x5d) return `'${String.fromCharCode(c)}'`;
  if (c >= 0xd800 && c <= 0xdfff) return `an unpaired surrogate (U+${c.toString(16).toUpperCase()}: not Unicode text)`;
  return `whitespace (U+${c.toString(16).toUpperCase().padStart(4, '0')})`;
}

/** Reports whether zoneHint() may have something to say (cheap pre-check on the hot path). */
export function mayHint(zone: string, hasColon: boolean): boolean {
  return hasColon || (zone.length > 2 && zone.charCodeAt(0) === 0x32 && zone.charCodeAt(1) === 0x35);
}

/**
 * A hint for a syntactically valid but suspicious zone, or undefined. `address` is the
 * canonical address text (for the suggestion).
 */
export function zoneHint(zone: string, address: string): string | undefined {
  // `%25` is a URL-encoded `%` (RFC 6874); outside a URL it is literally part of the zone.
  // A purely numeric zone like `251` is a plausible interface index, so no hint for it.
  if (zone.length > 2 && zone.charCodeAt(0) === 0x32 && zone.charCodeAt(1) === 0x35 && !isDigits(zone, 2)) {
    return `zone ${quote(zone)} looks URL-encoded (%25 is an escaped '%'); did you mean ${address}%${escaped(zone.slice(2))}?`;
  }
  const colon = zone.indexOf(':');
  if (colon >= 0) {
    return `zone ${quote(zone)} contains ':'; if ${quote(zone.slice(colon + 1))} is a port, write [${address}%${escaped(zone.slice(0, colon))}]:${escaped(zone.slice(colon + 1))}`;
  }
  return undefined;
}

function isDigits(s: string, from: number): boolean {
  for (let i = from; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}
