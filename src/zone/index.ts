// The zone floor: between the interface registry and everything that opens sockets or answers
// names. It turns (address, zone option, allowed interfaces, registry, operation) into the ordered
// candidates to try, or a typed error whose advice fits the operation and the caller.
export {
  resolveZones,
  decide,
  registryOf,
  zoneRequired,
  type ZonePolicyOptions,
  type ZoneRequest,
  type ZoneCandidate,
  type ChosenBy,
} from './resolve.js';
export { zonePolicy, checkSelector, checkIndex, namedInterfaces, zoneText, writtenZone, type ZoneOption, type InterfaceSelector, type Policy } from './option.js';
export { usableInterface, sameInterface } from './usable.js';
export { allowedSet, checkAllowed, uncheckable, outsideAllowed, type AllowedSet } from './allowed.js';
export { checkZoneUse, takesNoZone } from './scope.js';
export { zoneAdvice, addressForm, shellQuote, type Operation, type TargetForm, type Advice } from './advice.js';
export {
  NeighbourTable,
  neighbourTable,
  lookupNeighbour,
  parseNeighbours,
  KNOWN_STATES,
  DEFAULT_NEIGHBOUR_MAX_AGE,
  type Neighbour,
  type NeighbourHit,
  type NeighbourState,
  type NeighbourTableOptions,
} from './neighbours.js';
