// Zone strings as interface selectors: syntax rules for names (checked before any I/O) and the
// glibc rule for numeric zones. Pure; no I/O.
import { Fe80Error, quote } from '../errors.js';

/**
 * Which names a backend can have.
 * - `linux`: kernel `dev_valid_name()` rules (net/core/dev.c), also used for macOS/BSD
 *   (IFNAMSIZ 16 there too).
 * - `windows`: adapter friendly names (`Loopback Pseudo-Interface 1`, `Wi-Fi`): spaces allowed,
 *   up to 256 UTF-16 units (IF_MAX_STRING_SIZE); never a file path.
 */
export type NameRules = 'linux' | 'windows';

/** IFNAMSIZ: 16 bytes including the NUL, so Linux names are 1-15 bytes. */
export const IFNAMSIZ = 16;
/** sin6_scope_id is a uint32 (RFC 3493 §3.3). */
export const MAX_ZONE_INDEX = 0xffff_ffff;
const WINDOWS_MAX_NAME = 256;

/**
 * Why `name` cannot be an interface name under `rules`, or `undefined` when it can.
 * Linux (`dev_valid_name()`): 1-15 bytes of UTF-8, not `.` or `..`, no `/`, `:`, NUL, `%`, and no byte the
 * kernel's `isspace()` accepts (0x09-0x0D, 0x20 and 0xA0, so `à` = C3 A0 is out).
 */
export function zoneNameProblem(name: string, rules: NameRules = 'linux'): string | undefined {
  if (name.length === 0) return 'is empty';
  if (rules === 'windows') {
    if (name.length > WINDOWS_MAX_NAME) return `is longer than ${WINDOWS_MAX_NAME} characters`;
    for (let i = 0; i < name.length; i++) {
      const c = name.charCodeAt(i);
      if (c < 0x20 || c === 0x7f) return `contains control character ${hex(c)} at ${i}`;
      if (c === 0x25) return `contains "%" at ${i}`;
    }
    return undefined;
  }
  if (name === '.' || name === '..') return 'is "." or ".."';
  let bytes = 0;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c < 0x80) {
      bytes += 1;
      if (c === 0x2f) return `contains "/" at ${i}`;
      if (c === 0x3a) return `contains ":" at ${i}`;
      if (c === 0x25) return `contains "%" at ${i} (the zone delimiter, RFC 4007 §11.2)`;
      if (c === 0) return `contains NUL at ${i}`;
      if (c === 0x20 || (c >= 0x09 && c <= 0x0d)) return `contains whitespace ${hex(c)} at ${i}`;
    } else if (c < 0x800) {
      // two bytes: 110xxxxx 10xxxxxx; the continuation byte is 0xA0 when the low 6 bits are 0x20
      bytes += 2;
      if ((c & 0x3f) === 0x20) return `contains U+${c.toString(16).toUpperCase().padStart(4, '0')} at ${i}, whose UTF-8 has byte 0xA0 (kernel isspace)`;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      const next = name.charCodeAt(i + 1);
      if (c > 0xdbff || !(next >= 0xdc00 && next <= 0xdfff)) return `contains an unpaired surrogate at ${i}`;
      const cp = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
      bytes += 4;
      if (((cp >> 12) & 0x3f) === 0x20 || ((cp >> 6) & 0x3f) === 0x20 || (cp & 0x3f) === 0x20) {
        return `contains U+${cp.toString(16).toUpperCase()} at ${i}, whose UTF-8 has byte 0xA0 (kernel isspace)`;
      }
      i++;
    } else {
      bytes += 3;
      if (((c >> 6) & 0x3f) === 0x20 || (c & 0x3f) === 0x20) {
        return `contains U+${c.toString(16).toUpperCase().padStart(4, '0')} at ${i}, whose UTF-8 has byte 0xA0 (kernel isspace)`;
      }
    }
    if (bytes >= IFNAMSIZ) return `is longer than ${IFNAMSIZ - 1} bytes (IFNAMSIZ)`;
  }
  return undefined;
}

/** Throws ERR_INVALID_ZONE (with `input`) unless `name` can be an interface name under `rules`. */
export function assertZoneName(name: string, rules: NameRules = 'linux'): void {
  const problem = zoneNameProblem(name, rules);
  if (problem !== undefined) {
    throw new Fe80Error('ERR_INVALID_ZONE', `invalid zone ${quote(name)}: ${problem}`, { input: name });
  }
}

/**
 * The decimal u32 a zone string spells, or `undefined` when it is not all ASCII digits or is
 * above 2^32-1 (glibc `getaddrinfo`: `strtoull` base 10, fully consumed, <= UINT32_MAX). `'01'` -> 1,
 * `'0'` -> 0; `'+1'`, `' 1'`, `''` -> undefined.
 */
export function parseZoneIndex(zone: string): number | undefined {
  if (zone.length === 0) return undefined;
  let value = 0;
  for (let i = 0; i < zone.length; i++) {
    const d = zone.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) return undefined;
    value = value * 10 + d;
  }
  return value <= MAX_ZONE_INDEX ? value : undefined;
}

/**
 * True for "no zone": `undefined`, the number 0 and an all-digit string whose value is 0 (`'0'`,
 * `'00'`): RFC 4007 §6, zone index 0 is the default zone; glibc reads `%00` as 0 too. The
 * socket layer calls this first. It is pure syntax, so an interface literally named `0` cannot be
 * chosen through zone `0` there (the registry's `get('0')` still finds it, name first, as glibc does).
 */
export function isDefaultZone(zone: string | number | undefined): boolean {
  return zone === undefined || zone === 0 || (typeof zone === 'string' && parseZoneIndex(zone) === 0);
}

/** `undefined` for the default zone (see `isDefaultZone`), otherwise `zone` unchanged. */
export function normalizeZone<Z extends string | number>(zone: Z | undefined): Z | undefined {
  return isDefaultZone(zone) ? undefined : zone;
}

/** Throws ERR_INVALID_ZONE unless `index` is an integer 0..2^32-1 (sin6_scope_id is a uint32). */
export function assertZoneIndex(index: number): void {
  if (!Number.isInteger(index) || index < 0 || index > MAX_ZONE_INDEX) {
    throw new Fe80Error('ERR_INVALID_ZONE', `invalid zone index ${String(index)}: expected an integer 0-${MAX_ZONE_INDEX}`, {
      input: String(index),
    });
  }
}

function hex(c: number): string {
  return `0x${c.toString(16).toUpperCase().padStart(2, '0')}`;
}
