// fe80/advanced: the parts a program needs only to replace or tune fe80's machinery: registry
// backends, interface-name rules, caches, tuning constants, the neighbour table and the classes
// behind the factories of `fe80`. Stable, but not what a first program needs.
export { isValidZoneSyntax } from './addr/index.js';
export {
  defaultBackend,
  LinuxBackend,
  PortableBackend,
  DEFAULT_MAX_AGE,
  RECHECK_INTERVAL,
  isDefaultZone,
  normalizeZone,
  parseZoneIndex,
  zoneNameProblem,
  assertZoneName,
  IFNAMSIZ,
  MAX_ZONE_INDEX,
} from './iface/index.js';
export type { LinuxBackendOptions, PortableBackendOptions, NicEntry, NetworkInterfacesFn, NameRules, RawAddress, RawInterface, RegistryBackend } from './iface/index.js';
export { NeighbourTable, neighbourTable, parseNeighbours, KNOWN_STATES, DEFAULT_NEIGHBOUR_MAX_AGE } from './zone/index.js';
export type { Neighbour, NeighbourTableOptions } from './zone/index.js';
export { DEFAULT_ATTEMPT_DELAY, MIN_ATTEMPT_DELAY } from './net/index.js';
export { MdnsCache, mdnsCache, closeMdnsSockets, openMdnsSockets } from './dns/index.js';
export type { CachedRecord, MdnsCacheOptions } from './dns/index.js';
export { DEFAULT_DISCOVER_TIMEOUT, SOURCE_NAMES } from './discover/index.js';
export type { DnsSdBrowse, DnsSdService, DnsSdEvent } from './discover/index.js';
export { normalizeFingerprint, parseDeviceTarget } from './gateway/index.js';
