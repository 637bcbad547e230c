// Interface registry: name <-> index, flags, addresses; zone resolution and platform zone form.
export { InterfaceRegistry, defaultBackend, DEFAULT_MAX_AGE } from './registry.js';
export { registry, listInterfaces, nameToIndex, indexToName, toPlatformZone, resolveInterface } from './default.js';
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
export type { InterfaceAddress, InterfaceInfo, RawAddress, RawInterface, RegistryBackend, RegistryOptions } from './types.js';
