// Host names to addresses, keeping what the answer knows about the link: `.local` names through
// fe80's mDNS resolver (each link-local answer zoned to the interface it arrived on, RFC 6762
// §14), other names through the system resolver (whose link-local answers have lost their scope:
// Node's dns.lookup formats only sin6_addr, so they come back zone-less for the zone floor to place).
import dns from 'node:dns';
import { ScopedAddress } from '../addr/index.js';
import { Fe80Error, quote } from '../errors.js';
import type { InterfaceRegistry } from '../iface/index.js';
import type { InterfaceSelector } from '../zone/index.js';
import type { MdnsCache } from './cache.js';
import { resolveMdns, type MdnsResult, type ResolveMdnsOptions } from './mdns.js';
import { isLocalName } from './names.js';

/** How to resolve a name (the registry and the interfaces to ask are arguments of their own). */
export interface ResolveNameOptions {
  /** 4 or 6 for one family, 0 (default) for both */
  family?: 0 | 4 | 6 | undefined;
  /** mDNS: overall ms (default 1500) */
  timeout?: number | undefined;
  /** mDNS: ms to wait for more interfaces after the first answer (default 250) */
  settle?: number | undefined;
  /** mDNS: the known-answer cache (default the process-wide one; false = none) */
  cache?: MdnsCache | false | undefined;
  signal?: AbortSignal | undefined;
  /** the system resolver for names outside `.local` (default `dns.lookup`) */
  systemLookup?: typeof dns.lookup | undefined;
  /** passed on to the system resolver (dns.lookup's `hints`, `order`) */
  system?: Omit<dns.LookupAllOptions, 'all' | 'family'> | undefined;
}

/** One answer: the address (link-local ones from mDNS zoned to their interface) and where it came from. */
export interface NameAnswer {
  address: ScopedAddress;
  source: 'mdns' | 'system';
}

/**
 * Resolves `name` (not an IP literal) to its addresses, in the resolver's order. ERR_NOT_FOUND when
 * none. `interfaces`: the ones mDNS asks (default: every candidate interface).
 */
export function resolveName(
  name: string,
  registry: InterfaceRegistry,
  interfaces: readonly InterfaceSelector[] | undefined,
  options: ResolveNameOptions = {},
): Promise<NameAnswer[]> {
  return isLocalName(name) ? resolveLocal(name, registry, interfaces, options) : resolveSystem(name, options);
}

const fromMdns = (r: MdnsResult): NameAnswer => ({ address: r.address, source: 'mdns' });

function resolveLocal(name: string, registry: InterfaceRegistry, interfaces: readonly InterfaceSelector[] | undefined, o: ResolveNameOptions): Promise<NameAnswer[]> {
  const m: ResolveMdnsOptions = { registry, family: o.family ?? 0 };
  if (interfaces !== undefined) m.interfaces = interfaces;
  if (o.timeout !== undefined) m.timeout = o.timeout;
  if (o.settle !== undefined) m.settle = o.settle;
  if (o.cache !== undefined) m.cache = o.cache;
  if (o.signal !== undefined) m.signal = o.signal;
  // not async: a cached answer is one round of the microtask queue sooner
  return resolveMdns(name, m).then((results) => results.map(fromMdns));
}

async function resolveSystem(name: string, o: ResolveNameOptions): Promise<NameAnswer[]> {
  const system = o.systemLookup ?? dns.lookup;
  const options: dns.LookupAllOptions = { ...o.system, family: o.family ?? 0, all: true };
  let found: dns.LookupAddress[];
  try {
    // not util.promisify: dns.lookup's custom promisify args would wrap the array in { address }
    found = await new Promise<dns.LookupAddress[]>((resolve, reject) => {
      system(name, options, (error, addresses) => (error ? reject(error) : resolve(addresses)));
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    // A single label the system resolver does not know is often a device that only mDNS names.
    const hint = !name.includes('.') ? `mDNS names end in .local: did you mean ${quote(`${name}.local`)}?` : undefined;
    throw new Fe80Error('ERR_NOT_FOUND', `the system resolver did not resolve ${quote(name)} (${code})${hint === undefined ? '' : `; ${hint}`}`, {
      input: name,
      cause: error,
      hint,
    });
  }
  const out: NameAnswer[] = [];
  for (const entry of found) {
    const address = ScopedAddress.tryParse(entry.address);
    if (address !== undefined) out.push({ address, source: 'system' });
  }
  if (out.length === 0) throw new Fe80Error('ERR_NOT_FOUND', `the system resolver returned no address for ${quote(name)}`, { input: name });
  return out;
}
