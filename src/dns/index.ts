// fe80 names: a scope-keeping drop-in for dns.lookup, a one-shot mDNS resolver (RFC 6762) and DNS-SD browsing (RFC 6763).
export { lookup, createLookup } from './lookup.js';
export type { Fe80Lookup, CreateLookupOptions, LookupCallOptions, LookupAddress, LookupCallback, ResultOrder } from './lookup.js';
export { resolveMdns } from './mdns.js';
export type { MdnsResult, ResolveMdnsOptions } from './mdns.js';
export { MdnsCache, mdnsCache } from './cache.js';
export type { CachedRecord, MdnsCacheOptions } from './cache.js';
export { isLocalName } from './names.js';
export { closeMdnsSockets, openMdnsSockets } from './socket-pool.js';
export { resolveName, type ResolveNameOptions, type NameAnswer } from './resolve.js';
export { hostNameProblem } from './host-name.js';
export { planLiteral, planName, interleave, type ZonePlan, type PlanTarget } from './plan.js';
export { browseServices, collectServices, ServiceBrowser } from './browse.js';
export type { BrowseServicesOptions, CollectServicesOptions, BrowsedService, BrowseEvent, BrowseStats, LostReason, ServiceAddress } from './browse.js';
