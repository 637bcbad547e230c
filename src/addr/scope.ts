// Scope classification from the address bits. IPv6: RFC 4291 §2.4 (type prefixes), §2.5.6
// (fe80::/10), §2.5.7 (fec0::/10, deprecated by RFC 3879), §2.7 (multicast scop field, the low
// nibble of the second byte; flags do not change it) and RFC 7346 (scop 3 = realm-local).
// IPv4: RFC 1122 (0/8, 127/8), RFC 3927 (169.254/16), RFC 5771 (224.0.0/24 local network control).
import type { Scope } from './types.js';

const MULTICAST_SCOPES: readonly Scope[] = [
  'reserved', // 0: reserved, never send (RFC 4291 §2.7)
  'interface-local', // 1
  'link-local', // 2
  'realm-local', // 3 (RFC 7346)
  'admin-local', // 4
  'site-local', // 5
  'reserved', // 6 unassigned
  'reserved', // 7 unassigned
  'organization-local', // 8
  'reserved', // 9 unassigned
  'reserved', // A unassigned
  'reserved', // B unassigned
  'reserved', // C unassigned
  'reserved', // D unassigned
  'global', // E
  'reserved', // F: reserved, treated as global (RFC 4291 §2.7)
];

/** Scope of a multicast address from its 4-bit scop field. */
export function multicastScope(scop: number): Scope {
  return MULTICAST_SCOPES[scop & 15] as Scope;
}

/** Reports whether a multicast scop value is a non-global zone scope (1-D; not 0, E, F). */
export function multicastScopeAllowsZone(scop: number): boolean {
  return scop >= 1 && scop <= 0xd;
}

/** Scope of an IPv4 address given as its high and low 16 bits. */
export function ipv4Scope(hi: number, lo: number): Scope {
  const a = hi >>> 8;
  if (a === 127) return 'loopback';
  if (hi === 0xa9fe) return 'link-local'; // 169.254.0.0/16
  if (hi === 0xe000 && lo >>> 8 === 0) return 'link-local'; // 224.0.0.0/24
  if ((hi | lo) === 0) return 'unspecified';
  return 'global';
}
