// Resolves a host name (`printer.local` through mDNS, others through the system resolver) into
// scoped addresses with fe80's `lookup`, which keeps the zone of link-local answers.
import { ScopedAddress } from '../addr/index.js';
import { createLookup, type CreateLookupOptions } from '../dns/index.js';
import type { HttpZoneOptions } from './options.js';

export type HostResolver = (hostname: string) => Promise<ScopedAddress[]>;

/**
 * A resolver bound to the zone policy: zone-less link-local answers of the system resolver get
 * the policy's zone; mDNS asks only on the allowed interfaces when a set is given.
 */
export function createHostResolver(options: HttpZoneOptions): HostResolver {
  const bound: CreateLookupOptions = {};
  if (options.zone !== undefined) bound.zone = options.zone;
  if (options.registry !== undefined) bound.registry = options.registry;
  if (options.allowedInterfaces !== undefined) bound.interfaces = options.allowedInterfaces;
  const lookup = createLookup(bound);
  return async (hostname) => {
    const found = await lookup.promise(hostname, { all: true });
    const out: ScopedAddress[] = [];
    for (const entry of found) {
      const address = ScopedAddress.tryParse(entry.address);
      if (address !== undefined) out.push(address);
    }
    return out;
  };
}
