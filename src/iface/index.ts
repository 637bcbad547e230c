// Interface registry: name <-> index, flags, addresses; zone resolution and platform zone form.
export { InterfaceRegistry, defaultBackend, DEFAULT_MAX_AGE, RECHECK_INTERVAL } from './registry.js';
export { registry, listInterfaces, nameToIndex, indexToName, toPlatformZone, resolveInterface, watchInterfaces } from './default.js';
export { InterfaceWatcher, type InterfaceWatcherEvents } from './watcher.js';
export { LinuxBackend, type LinuxBackendOptions } from './linux-backend.js';
export { PortableBackend, type PortableBackendOptions, type NicEntry, type NetworkInterfacesFn } from './portable-backend.js';
export {
  isDefaultZone,
  normalizeZone,
  parseZoneIndex,
  zoneNameProblem,
  assertZoneName,
  IFNAMSIZ,
  MAX_ZONE_INDEX,
  type NameRules,
} from './zone-name.js';
export type {
  InterfaceAddress,
  InterfaceEvent,
  InterfaceEventType,
  InterfaceInfo,
  RawAddress,
  RawInterface,
  RegistryBackend,
  RegistryOptions,
  WatchOptions,
} from './types.js';
