// fe80 names: a scope-keeping drop-in for dns.lookup and a one-shot mDNS resolver (RFC 6762).
export { lookup, lookupAsync, createLookup } from './lookup.js';
export type { Fe80Lookup, CreateLookupOptions, LookupCallOptions, LookupAddress, LookupCallback, ResultOrder } from './lookup.js';
export { resolveMdns } from './mdns.js';
export type { MdnsResult, ResolveMdnsOptions } from './mdns.js';
export { MdnsCache, mdnsCache } from './cache.js';
export type { CachedRecord, MdnsCacheOptions } from './cache.js';
export { isLocalName } from './names.js';
export { closeMdnsSockets, openMdnsSockets } from './socket-pool.js';
export { resolveName, type ResolveNameOptions, type NameAnswer } from './resolve.js';
export { hostNameProblem } from './host-name.js';
export { planLiteral, planName, interleave, type ZonePlan, type PlanTarget, type NamePlanOptions } from './plan.js';
