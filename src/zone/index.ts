// The zone floor: between the interface registry and everything that opens sockets or answers
// names. It turns (address, zone option, allowed interfaces, registry, operation) into the ordered
// candidates to try, or a typed error whose advice fits the operation.
export {
  resolveZones,
  usableInterface,
  zonePolicy,
  registryOf,
  zoneRequired,
  type ZoneOption,
  type ZonePolicyOptions,
  type ZoneCandidate,
  type ZoneAdvice,
} from './policy.js';
