// RFC 6762 §11 source address check: a querier accepts only responses from the local link; and
// the address a record heard there names (§14).
import { ScopedAddress } from '../addr/index.js';
import type { InterfaceInfo } from '../iface/index.js';

/** Reports whether the first `bits` bits of `a` and `b` agree. */
function samePrefix(a: Uint8Array, b: Uint8Array, bits: number): boolean {
  if (a.length !== b.length || bits < 0 || bits > a.length * 8) return false;
  const full = bits >> 3;
  for (let i = 0; i < full; i++) if (a[i] !== b[i]) return false;
  const rest = bits & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return (((a[full] as number) ^ (b[full] as number)) & mask) === 0;
}

/**
 * Reports whether `source` (the sender of a unicast response that arrived on `iface`) is on-link
 * for that interface (RFC 6762 §11): an IPv6 link-local source always is (its zone, if any, must
 * name `iface`); any other source must lie inside one of the interface's own on-link prefixes
 * (IPv4 169.254/16 included, via the interface's addresses). Multicast, unspecified and loopback
 * sources never are.
 */
export function isOnLink(source: ScopedAddress, iface: InterfaceInfo, sameInterface: (zone: string) => boolean): boolean {
  if (source.isMulticast() || source.isUnspecified() || source.isLoopback()) return false;
  if (source.zone !== undefined && !sameInterface(source.zone)) return false;
  if (source.family === 6 && source.isLinkLocalUnicast()) return true;
  return inOwnPrefix(source.toBytes(), source.family, iface);
}

/**
 * The §11 check for a response that came over IPv4, whose arrival interface Node cannot report
 * (no IP_PKTINFO, no SO_BINDTODEVICE; a socket bound to a unicast IPv4 address accepts datagrams
 * from every device under Linux's weak host model). The source must be on-link for `iface` and
 * for no other interface in `all`: when two links share a prefix (169.254/16 on both is common),
 * the link the answer came from cannot be told, so it is dropped rather than attached to `iface`.
 */
export function isOnLinkOnly(source: ScopedAddress, iface: InterfaceInfo, all: readonly InterfaceInfo[]): boolean {
  if (!isOnLink(source, iface, (zone) => zone === iface.name)) return false;
  const bytes = source.toBytes();
  return all.every((other) => other.name === iface.name || !inOwnPrefix(bytes, source.family, other));
}

/** Reports whether `bytes` lie inside one of the interface's own prefixes (IPv6 link-local ones excepted). */
function inOwnPrefix(bytes: Uint8Array, family: ScopedAddress['family'], iface: InterfaceInfo): boolean {
  for (const entry of iface.addresses) {
    const own = entry.address;
    if (own.family !== family) continue;
    if (own.isLinkLocalUnicast() && own.family === 6) continue;
    // A /32 or /128 is a host route, not an on-link prefix; only the address itself matches.
    if (samePrefix(own.toBytes(), bytes, entry.prefixLength)) return true;
  }
  return false;
}

/** `fe80::/10` as printed by inet_ntop (lower case, first hextet of four digits): the fast path of the §11 check. */
export function isLinkLocalText(text: string): boolean {
  return text.length > 5 && text.charCodeAt(4) === 0x3a && text.startsWith('fe') && '89ab'.includes(text[2] as string);
}

/**
 * The address an A or AAAA record (4 or 16 bytes) names, as heard on the interface `zone`: a
 * link-local AAAA is an address on the link it arrived on and gets that zone (RFC 6762 §14, RFC
 * 4007). Over IPv4 that link cannot be checked (a host elsewhere can forge a source in this link's
 * prefix), so a link-local AAAA heard there is refused; so are addresses that are never a
 * neighbour's own (multicast, unspecified, loopback, IPv4-mapped). Undefined when refused.
 */
export function heardAddress(bytes: Uint8Array, zone: string, overIPv4: boolean): ScopedAddress | undefined {
  if (bytes.length === 16 && bytes[0] === 0xfe && ((bytes[1] as number) & 0xc0) === 0x80) return overIPv4 ? undefined : ScopedAddress.fromBytes(bytes, zone);
  const address = ScopedAddress.fromBytes(bytes);
  return address.isMulticast() || address.isUnspecified() || address.isLoopback() || address.isIPv4Mapped() ? undefined : address;
}
