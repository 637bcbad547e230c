// RawInterface (backend data) -> InterfaceInfo (frozen, addresses as ScopedAddress, link-local zoned).
import { ScopedAddress, isValidZoneSyntax } from '../addr/index.js';
import type { InterfaceAddress, InterfaceInfo, RawAddress, RawInterface } from './types.js';

// IFA_F_* (<linux/if_addr.h>)
const IFA_F_DADFAILED = 0x08;
const IFA_F_TENTATIVE = 0x40;

export function toInterfaceInfo(raw: RawInterface, zoneStyle: 'name' | 'index' = 'name'): InterfaceInfo {
  const zone = zoneOf(raw, zoneStyle);
  const addresses: InterfaceAddress[] = [];
  for (const a of raw.addresses) {
    let address = toScopedAddress(a);
    if (address === undefined) continue;
    // RFC 4007 §6: a link-local address means nothing without its zone, so it carries one
    if (address.family === 6 && address.isLinkLocalUnicast() && zone !== undefined) address = address.withZone(zone);
    const entry: InterfaceAddress = { address, prefixLength: a.prefixLength, scope: address.scope() };
    if (a.flags !== undefined) entry.flags = a.flags;
    addresses.push(Object.freeze(entry));
  }
  return Object.freeze({
    name: raw.name,
    index: raw.index,
    up: raw.up,
    running: raw.running,
    loopback: raw.loopback,
    multicast: raw.multicast,
    mac: raw.mac,
    mtu: raw.mtu,
    addresses: Object.freeze(addresses),
    linkLocal: pickLinkLocal(addresses),
  });
}

/**
 * The first IPv6 link-local unicast address that can be used now: not tentative (DAD still running,
 * or never finishing because the link has no carrier) and not DAD-failed (RFC 4862 §5.4).
 */
function pickLinkLocal(addresses: InterfaceAddress[]): ScopedAddress | undefined {
  for (const { address, flags = 0 } of addresses) {
    if (address.family === 6 && address.isLinkLocalUnicast() && (flags & (IFA_F_TENTATIVE | IFA_F_DADFAILED)) === 0) return address;
  }
  return undefined;
}

/** The interface name, or its decimal index where zones are numbers (Windows) or the name is not zone syntax. */
function zoneOf(raw: RawInterface, style: 'name' | 'index'): string | undefined {
  if (style === 'name' && isValidZoneSyntax(raw.name)) return raw.name;
  return raw.index > 0 ? String(raw.index) : undefined;
}

function toScopedAddress(a: RawAddress): ScopedAddress | undefined {
  try {
    return typeof a.address === 'string' ? ScopedAddress.parse(a.address) : ScopedAddress.fromBytes(a.address);
  } catch {
    return undefined; // a backend reported something that is not an address: leave it out
  }
}
