// The interface a zone names, usable now: it exists, is up and, for link-local unicast, has a
// link-local address. A cached "down" or "no address" is re-read (rate-limited by the registry)
// before it is reported, so an interface that just recovered works at once.
import type { ScopedAddress } from '../addr/index.js';
import { editMessage, escaped, Fe80Error, isFe80Error, quote } from '../errors.js';
import type { InterfaceInfo, InterfaceRegistry } from '../iface/index.js';
import type { InterfaceSelector } from './option.js';

function problem(info: InterfaceInfo, address: ScopedAddress | undefined): 'down' | 'no-address' | undefined {
  if (!info.up) return 'down';
  if ((address === undefined || address.isLinkLocalUnicast()) && info.linkLocal === undefined) return 'no-address';
  return undefined;
}

function lookup(reg: InterfaceRegistry, zone: InterfaceSelector, address: ScopedAddress | undefined): InterfaceInfo {
  try {
    return reg.resolve(zone);
  } catch (error) {
    if (isFe80Error(error) && address !== undefined && (error.code === 'ERR_UNKNOWN_INTERFACE' || error.code === 'ERR_INVALID_ZONE')) {
      // the registry's fresh error, told which address it was for: decorated in place rather than
      // wrapped (an error per bogus zone is the cost of a flood; two would double it)
      const hint = error.hint ?? address.hint;
      editMessage(error, (message) => `${address.address}%${escaped(String(zone))}: ${message}${hint === undefined ? '' : ` (${hint})`}`);
      (error as { hint: string | undefined }).hint = hint;
    }
    throw error;
  }
}

/**
 * The interface `zone` names, usable for `address` (only used for messages and the link-local
 * check; `undefined` = an interface's own link-local address is wanted, as for a bind). Throws
 * ERR_UNKNOWN_INTERFACE (listing the interfaces that exist), ERR_INVALID_ZONE, ERR_INTERFACE_DOWN.
 */
export function usableInterface(reg: InterfaceRegistry, zone: InterfaceSelector, address: ScopedAddress | undefined): InterfaceInfo {
  let info = lookup(reg, zone, address);
  let why = problem(info, address);
  if (why !== undefined && reg.recheck()) {
    info = lookup(reg, zone, address);
    why = problem(info, address);
  }
  if (why === undefined) return info;
  const on = address === undefined ? '' : ` (for ${address.address})`;
  if (why === 'down') {
    throw new Fe80Error('ERR_INTERFACE_DOWN', `interface ${quote(info.name)} is down${on}; bring it up or pick another interface`, {
      input: String(zone),
    });
  }
  throw new Fe80Error(
    'ERR_INTERFACE_DOWN',
    `interface ${quote(info.name)} has no usable IPv6 link-local address${on} (IPv6 off, address still tentative, or removed)`,
    { input: String(zone) },
  );
}

/** The same interface (name and index agree). */
export function sameInterface(a: InterfaceInfo, b: InterfaceInfo): boolean {
  return a.index === b.index && a.name === b.name;
}
