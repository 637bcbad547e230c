// Which zones a socket honours (RFC 4007 §6): a zone only on addresses whose scope takes one,
// and of those only where the kernel uses sin6_scope_id to pick the link.
import type { ScopedAddress } from '../addr/index.js';
import { Fe80Error, quote } from '../errors.js';

/** An address written with a zone that its scope does not take (RFC 4007 §6). */
export function takesNoZone(address: ScopedAddress): boolean {
  return address.family === 4 || address.isIPv4Mapped() || !address.allowsZone();
}

function notAllowed(address: ScopedAddress, zone: string | number): Fe80Error {
  const what = address.family === 4 ? 'an IPv4 address' : address.isIPv4Mapped() ? 'an IPv4-mapped address' : `a ${address.scope()} address`;
  return new Fe80Error(
    'ERR_ZONE_NOT_ALLOWED',
    `zone ${quote(String(zone))} given for ${address.address}, ${what}: only link-local and other non-global scopes take a zone (RFC 4007 §6); remove the zone`,
    { input: `${address.address}%${String(zone)}` },
  );
}

/**
 * A zone a socket would not use. RFC 4007 §6 gives every non-global scope zones, but sockets
 * take sin6_scope_id only for link-local unicast and interface-/link-local multicast
 * (`requiresZone()`; Linux `__ipv6_addr_needs_scope_id`, the BSDs alike; Windows numbers site
 * zones apart from interfaces). For site-local (fec0::/10, deprecated by RFC 3879) and multicast
 * of scope 3 and up the kernel routes by its table whatever the zone: refused rather than
 * reported as going via an interface it may not take.
 */
function zoneIgnored(address: ScopedAddress, zone: string | number): Fe80Error {
  const z = quote(String(zone));
  const input = `${address.address}%${String(zone)}`;
  if (address.isUnspecified()) {
    return new Fe80Error('ERR_ZONE_NOT_ALLOWED', `zone ${z} given for ::, the unspecified address: a socket ignores it; remove the zone`, { input });
  }
  const what = `${address.address}, a ${address.scope()} ${address.isMulticast() ? 'multicast' : 'unicast'} address`;
  const hint = address.isMulticast()
    ? `choose the outgoing interface on the socket (UdpSocket.setMulticastInterface(${z})) and send to ${address.address} without a zone; to receive, addMembership(${quote(address.address)}, ${z})`
    : `remove the zone and route the prefix to the interface (ip -6 route add <prefix> dev ${String(zone)}), or use the peer's link-local address with the zone`;
  return new Fe80Error(
    'ERR_ZONE_NOT_ALLOWED',
    `zone ${z} given for ${what}: sockets use a zone only for link-local unicast (fe80::/10) and interface- or link-local ` +
      `multicast (ff01::/16, ff02::/16), so traffic to ${address.address} follows the routing table, not necessarily ${z}; ${hint}`,
    { input, hint },
  );
}

/** Throws unless a socket can honour a zone on `address`. */
export function checkZoneUse(address: ScopedAddress, zone: string | number): void {
  if (takesNoZone(address)) throw notAllowed(address, zone);
  if (!address.requiresZone()) throw zoneIgnored(address, zone);
}

