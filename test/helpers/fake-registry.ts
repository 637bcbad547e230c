// A registry over a fixed interface table: no I/O, no real interface consulted. For unit tests of
// everything that applies the zone policy (sockets, lookup, http) before any socket exists.
import { InterfaceRegistry, type RawInterface } from '../../src/iface/index.js';

/** One interface; `lo` is the loopback (not multicast) unless told otherwise. */
export function nic(name: string, index: number, up: boolean, addresses: string[], loopback = name === 'lo'): RawInterface {
  return {
    name,
    index,
    up,
    running: up,
    loopback,
    multicast: !loopback,
    mac: undefined,
    mtu: 1500,
    addresses: addresses.map((address) => ({ address, prefixLength: 64 })),
  };
}

/** A registry that always lists exactly `interfaces` (never stale, never re-read). */
export function fakeRegistry(interfaces: RawInterface[], name = 'test'): InterfaceRegistry {
  return new InterfaceRegistry({ maxAge: Infinity, backend: { name, read: () => interfaces } });
}
