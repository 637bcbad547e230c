// Which interfaces an mDNS job (a query, DNS-SD browsing) or discovery uses: the caller's list checked
// through the registry, or its candidates (up, not loopback, with an IPv6 link-local address).
import { Fe80Error, quote } from '../errors.js';
import { invalid } from '../validate.js';
import type { ScopedAddress } from '../addr/index.js';
import type { InterfaceInfo, InterfaceRegistry } from '../iface/index.js';

/** What an interface must be for a job, and how a message names the job. */
export interface InterfaceJob {
  /** "send an mDNS query on", "discover on" */
  what: string;
  /** only interfaces with the multicast flag are candidates */
  multicast: boolean;
}

const MDNS_QUERY: InterfaceJob = { what: 'send an mDNS query on', multicast: true };

/**
 * The interfaces to use: explicit ones (names or indexes) validated through the registry and
 * deduplicated, or the registry's candidates (up, not loopback, with an IPv6 link-local address;
 * with the multicast flag where the job multicasts).
 */
export function chooseInterfaces(reg: InterfaceRegistry, wanted: readonly (string | number)[] | undefined, job: InterfaceJob = MDNS_QUERY): InterfaceInfo[] {
  if (wanted === undefined) {
    const list = job.multicast ? reg.candidates().filter((i) => i.multicast) : reg.candidates();
    if (list.length === 0) {
      throw new Fe80Error(
        'ERR_NOT_FOUND',
        `no interface to ${job.what} (need one that is up, not loopback, ${job.multicast ? 'multicast, ' : ''}with an IPv6 link-local address)`,
      );
    }
    return list;
  }
  if (!Array.isArray(wanted) || wanted.length === 0) throw invalid('interfaces', 'a non-empty array of interface names or indexes', wanted);
  const out: InterfaceInfo[] = [];
  for (const zone of wanted) {
    if (typeof zone !== 'string' && typeof zone !== 'number') throw invalid('interfaces[]', 'an interface name or index', zone);
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
