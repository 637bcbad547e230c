// Which interfaces an mDNS job uses: the caller's list checked through the registry, or the
// registry's multicast candidates (up, not loopback, with an IPv6 link-local address).
import { Fe80Error, quote } from '../errors.js';
import type { ScopedAddress } from '../addr/index.js';
import type { InterfaceInfo, InterfaceRegistry } from '../iface/index.js';

/** The interfaces to use: explicit ones validated through the registry, or the candidates. */
export function chooseInterfaces(reg: InterfaceRegistry, wanted: readonly (string | number)[] | undefined, what = 'an mDNS query'): InterfaceInfo[] {
  if (wanted === undefined) {
    const list = reg.candidates().filter((i) => i.multicast);
    if (list.length === 0) {
      throw new Fe80Error(
        'ERR_NOT_FOUND',
        `no interface to send ${what} on (need one that is up, not loopback, multicast, with an IPv6 link-local address)`,
      );
    }
    return list;
  }
  if (!Array.isArray(wanted) || wanted.length === 0) {
    throw new Fe80Error('ERR_INVALID_ARGUMENT', '`interfaces` must be a non-empty array of interface names or indexes');
  }
  const out: InterfaceInfo[] = [];
  for (const zone of wanted) {
    const info = reg.resolve(zone);
    if (!info.up) throw new Fe80Error('ERR_INTERFACE_DOWN', `interface ${quote(info.name)} is down`, { input: String(zone) });
    if (!out.some((i) => i.name === info.name)) out.push(info);
  }
  return out;
}

/** The interface's first IPv4 address that is not loopback, if any. */
export function ipv4Of(iface: InterfaceInfo): ScopedAddress | undefined {
  return iface.addresses.find((a) => a.address.family === 4 && !a.address.isLoopback())?.address;
}
