// The zone floor's one decision: (address, zone option, allowed interfaces, registry, operation)
// -> the ordered candidates to try, each with the host string Node core needs (zone in platform
// form), or a typed error whose advice fits the operation. Nothing here opens a socket; every
// zone is checked against the registry before Node sees it, because libuv silently turns unknown
// or numeric zones into "scope 0" (and Node 22+ then guesses the first interface).
import { ScopedAddress } from '../addr/index.js';
import { Fe80Error, quote } from '../errors.js';
import { isDefaultZone, registry as defaultRegistry, type InterfaceInfo, type InterfaceRegistry } from '../iface/index.js';
import { BoundedMap } from '../bounded-map.js';
import { invalid } from '../validate.js';
import { addressForm, conflictAdvice, zoneAdvice, type Operation, type TargetForm } from './advice.js';
import { allowedSet, checkAllowed, listed, outsideAllowed, uncheckable, type AllowedSet } from './allowed.js';
import { zonePolicy, type InterfaceSelector, type Policy, type ZoneOption } from './option.js';
import { neighbourTable, type NeighbourHit } from './neighbours.js';
import { checkZoneUse } from './scope.js';
import { sameInterface, usableInterface } from './usable.js';

export interface ZonePolicyOptions {
  /** the zone for an address written without one (see ZoneOption) */
  zone?: ZoneOption | undefined;
  /** when set, only link-local destinations zoned to these interfaces (see docs/net.md) */
  allowedInterfaces?: readonly InterfaceSelector[] | undefined;
  /** default: the process-wide registry */
  registry?: InterfaceRegistry | undefined;
  /** the platform whose zone form `host` uses (default `process.platform`; for tests and tools) */
  platform?: NodeJS.Platform | undefined;
}

/** What the zone floor needs beyond the options: who asks, and how the target was written. */
export interface ZoneRequest extends ZonePolicyOptions {
  /** the operation asking, for the advice in errors (default 'connect') */
  operation?: Operation | undefined;
  /** the port, for advice that shows an endpoint */
  port?: number | undefined;
  /** how to show the target with a zone in advice (default: the address, or an endpoint with `port`) */
  form?: TargetForm | undefined;
  /**
   * where the neighbour table knows an address, for `'auto'` (default: the process-wide table,
   * which answers from memory; `false` = no hint)
   */
  neighbours?: ((address: ScopedAddress) => readonly NeighbourHit[]) | false | undefined;
}

/** How a candidate's interface was chosen. */
export type ChosenBy = 'address' | 'option' | 'auto' | 'neighbour' | 'list' | 'none';

export interface ZoneCandidate {
  /** the address with zone = the interface NAME, or with no zone when none applies */
  address: ScopedAddress;
  /** what to hand to Node core: `fe80::1%eth0` on Linux/macOS, `fe80::1%3` on Windows, `2001:db8::1` */
  host: string;
  /** the interface, or `undefined` for an address that takes no zone */
  interface: InterfaceInfo | undefined;
  /**
   * the zone written in the address, the `zone` option (one interface), racing every candidate
   * ('auto'; 'neighbour' for the one the kernel's neighbour table knows the address on, tried
   * first), a list, or no zone needed
   */
  chosenBy: ChosenBy;
}

/** The registry to use, validated. */
export function registryOf(options: { registry?: unknown }): InterfaceRegistry {
  const reg = options.registry ?? defaultRegistry;
  if (typeof reg !== 'object' || reg === null || typeof (reg as InterfaceRegistry).resolve !== 'function') {
    throw invalid('registry', 'an InterfaceRegistry', reg);
  }
  return reg as InterfaceRegistry;
}

/**
 * ERR_ZONE_REQUIRED: which interfaces could carry `address`, and how to pick one in the words of
 * `request.operation`. `candidates` (default: the registry's, within the allowed set) are listed;
 * with none, the interfaces that exist are listed and no interface is suggested.
 */
export function zoneRequired(address: ScopedAddress, reg: InterfaceRegistry, request: ZoneRequest = {}, candidates?: readonly string[]): Fe80Error {
  const allowed = allowedSet(request.allowedInterfaces, reg);
  const names = candidates ?? reg.candidates().map((i) => i.name).filter((n) => allowed === undefined || allowed.has(n));
  const bare = address.address;
  const advice = zoneAdvice(request.operation ?? 'connect', request.form ?? addressForm(bare, request.port), names[0], bare);
  const which =
    names.length > 0
      ? `candidates (up, not loopback, with an IPv6 link-local address${allowed === undefined ? '' : ', allowed'}): ${names.join(', ')}`
      : `no interface ${allowed === undefined ? '' : `among the allowed ones (${listed(allowed)}) `}is up with an IPv6 link-local address (have: ${
          reg.list().map((i) => `${i.name}${i.up ? '' : ' (down)'}`).join(', ') || 'none'
        })`;
  const kind = address.isMulticast() ? `${address.scope() === 'interface-local' ? 'an' : 'a'} ${address.scope()} multicast` : 'a link-local';
  return new Fe80Error('ERR_ZONE_REQUIRED', `${bare} is ${kind} address and needs a zone (which interface?); ${which}. ${advice.library}`, {
    input: bare,
    advice,
    candidates: Object.freeze([...names]),
  });
}

function candidate(address: ScopedAddress, info: InterfaceInfo, reg: InterfaceRegistry, platform: NodeJS.Platform | undefined, chosenBy: ChosenBy): ZoneCandidate {
  return {
    address: address.zone === info.name ? address : address.withZone(info.name),
    host: `${address.address}%${reg.toPlatformZone(info.name, platform)}`,
    interface: info,
    chosenBy,
  };
}

/**
 * The 'auto' candidates for one address, with the orders the neighbour hint gives them: one
 * interface moved to the front, each order built once. Kept with the list (below), so a program
 * that races the same address again does not rebuild the zoned addresses, platform zones and
 * hinted order each time. Per connect the hint is then a Map hit per neighbour entry: no Array
 * builtin (`some`, `filter`) runs over the frozen lists, for which V8 takes a slow path (~20x on Node 20).
 */
class AutoCandidates {
  readonly #byName = new Map<string, ZoneCandidate>();
  readonly #first = new Map<string, readonly ZoneCandidate[]>();
  constructor(readonly list: readonly ZoneCandidate[]) {
    for (const c of list) if (c.interface !== undefined) this.#byName.set(c.interface.name, c);
  }

  /** The candidate on the one candidate interface among `hits`; undefined for none or several (no hint). */
  known(hits: readonly NeighbourHit[]): ZoneCandidate | undefined {
    let known: ZoneCandidate | undefined;
    for (let i = 0; i < hits.length; i++) {
      const c = this.#byName.get((hits[i] as NeighbourHit).interface);
      if (c === undefined || c === known) continue;
      if (known !== undefined) return undefined; // known on two links: no hint
      known = c;
    }
    return known;
  }

  /** The list with `known` first, marked 'neighbour'. */
  first(known: ZoneCandidate): readonly ZoneCandidate[] {
    const name = (known.interface as InterfaceInfo).name;
    let order = this.#first.get(name);
    if (order === undefined) {
      const rest = this.list.filter((c) => c !== known);
      order = Object.freeze([Object.freeze({ ...known, chosenBy: 'neighbour' as const }), ...rest]);
      this.#first.set(name, order);
    }
    return order;
  }
}

/** 'auto' over every candidate, remembered per interface table (one frozen array until the table changes) and address. */
const autoCache = new WeakMap<readonly InterfaceInfo[], BoundedMap<string, AutoCandidates>>();

function autoCandidates(bare: ScopedAddress, reg: InterfaceRegistry, platform: NodeJS.Platform | undefined): AutoCandidates {
  const infos = reg.candidateList();
  let byAddress = autoCache.get(infos);
  if (byAddress === undefined) autoCache.set(infos, (byAddress = new BoundedMap(64)));
  const key = platform === undefined ? bare.address : `${platform} ${bare.address}`;
  return byAddress.getOrSet(key, () => new AutoCandidates(Object.freeze(infos.map((info) => Object.freeze(candidate(bare, info, reg, platform, 'auto'))))));
}

const defaultNeighbours = (address: ScopedAddress): readonly NeighbourHit[] => neighbourTable.lookup(address);

/**
 * RFC 8305's order for one address over several links, informed: an address the kernel has seen
 * (REACHABLE, STALE, DELAY, PROBE) on exactly one candidate interface is tried there first. The
 * racer gives it a head start; the others follow, so a stale entry costs one attempt delay.
 */
function hinted(auto: AutoCandidates, address: ScopedAddress, request: ZoneRequest): ZoneCandidate[] {
  const lookup = request.neighbours === undefined ? defaultNeighbours : request.neighbours;
  const hits = lookup === false ? undefined : lookup(address);
  const known = hits === undefined || hits.length === 0 ? undefined : auto.known(hits);
  return [...(known === undefined ? auto.list : auto.first(known))];
}

function checkAllowedInterface(info: InterfaceInfo, address: ScopedAddress, allowed: AllowedSet): void {
  if (allowed !== undefined && !allowed.has(info.name)) throw outsideAllowed(address.withZone(info.name).toString(), [info.name], allowed);
}

/**
 * The zone policy (see docs/net.md):
 * - a zone on an address that takes none (global, ULA, loopback, IPv4, IPv4-mapped) ->
 *   ERR_ZONE_NOT_ALLOWED (RFC 4007 §6); zone `0` means "no zone";
 * - a zone sockets ignore (site-local fec0::/10, multicast of scope 3 and up) -> ERR_ZONE_NOT_ALLOWED;
 * - a zone in the address, or `zone` as one name/index -> that interface, checked:
 *   ERR_INVALID_ZONE / ERR_UNKNOWN_INTERFACE / ERR_INTERFACE_DOWN;
 * - no zone on an address that needs one (`requiresZone()`): `'auto'` -> every candidate in
 *   registry order; a list -> those interfaces in that order; otherwise ERR_ZONE_REQUIRED listing
 *   the candidates;
 * - no zone on an address that needs none -> one candidate without a zone (`'auto'` and lists
 *   only apply to addresses that need a zone: global destinations are never raced);
 * - `allowedInterfaces` keeps only candidates on those interfaces and refuses addresses that take
 *   no zone (ERR_ZONE_NOT_ALLOWED).
 */
export function resolveZones(address: ScopedAddress, request: ZoneRequest = {}): ZoneCandidate[] {
  if (!(address instanceof ScopedAddress)) throw invalid('address', 'a ScopedAddress (ScopedAddress.parse(text))', address);
  if (typeof request !== 'object' || request === null) throw invalid('options', 'an object', request);
  const policy = zonePolicy(request.zone);
  const reg = registryOf(request);
  const platform = request.platform;
  if (platform !== undefined && typeof platform !== 'string') throw invalid('platform', 'a platform name', platform);
  const allowed = allowedSet(checkAllowed(request.allowedInterfaces), reg);
  return decide(address, policy, reg, platform, allowed, request);
}

/** resolveZones with validated inputs (for callers that validated the options once). */
export function decide(
  address: ScopedAddress,
  policy: Policy,
  reg: InterfaceRegistry,
  platform: NodeJS.Platform | undefined,
  allowed: AllowedSet,
  request: ZoneRequest,
): ZoneCandidate[] {
  const own = isDefaultZone(address.zone) ? undefined : address.zone;
  if (own !== undefined) {
    checkZoneUse(address, own);
    const info = usableInterface(reg, own, address);
    if (policy.kind === 'fixed') {
      const other = reg.get(policy.zone); // the same interface or not: its state does not matter here
      if (other === undefined || !sameInterface(other, info)) {
        const advice = conflictAdvice();
        throw new Fe80Error(
          'ERR_INVALID_ARGUMENT',
          `two different zones for ${address.address}: ${quote(own)} in the address and ${quote(String(policy.zone))} in the zone option. ${advice.library}`,
          { input: address.toString(), advice },
        );
      }
    } else if (policy.kind === 'list') {
      const listedInfos = policy.zones.map((z) => usableInterface(reg, z, address));
      if (!listedInfos.some((i) => sameInterface(i, info))) {
        throw new Fe80Error(
          'ERR_ZONE_NOT_ALLOWED',
          `zone ${quote(own)} of ${address.address} is outside the allowed interfaces (${listedInfos.map((i) => i.name).join(', ')})`,
          { input: address.toString() },
        );
      }
    }
    checkAllowedInterface(info, address, allowed);
    return [candidate(address, info, reg, platform, 'address')];
  }

  if (policy.kind === 'fixed') {
    checkZoneUse(address, policy.zone);
    const info = usableInterface(reg, policy.zone, address);
    checkAllowedInterface(info, address, allowed);
    return [candidate(address, info, reg, platform, 'option')];
  }
  const bare = address.zone === undefined ? address : address.withZone(undefined);
  if (!address.requiresZone()) {
    if (allowed !== undefined) throw uncheckable(bare.toString(), allowed);
    return [{ address: bare, host: bare.address, interface: undefined, chosenBy: 'none' }];
  }
  if (policy.kind === 'auto') {
    const auto =
      allowed === undefined
        ? autoCandidates(bare, reg, platform)
        : new AutoCandidates(reg.candidates().filter((i) => allowed.has(i.name)).map((info) => candidate(bare, info, reg, platform, 'auto')));
    if (auto.list.length === 0) throw zoneRequired(bare, reg, request, []);
    return auto.list.length > 1 && address.isLinkLocalUnicast() ? hinted(auto, bare, request) : [...auto.list];
  }
  if (policy.kind === 'list') {
    const seen = new Set<number | string>();
    const out: ZoneCandidate[] = [];
    const refused: string[] = [];
    for (const zone of policy.zones) {
      const info = usableInterface(reg, zone, bare);
      const key = info.index > 0 ? info.index : info.name;
      if (seen.has(key)) continue;
      seen.add(key);
      if (allowed !== undefined && !allowed.has(info.name)) refused.push(info.name);
      else out.push(candidate(bare, info, reg, platform, 'list'));
    }
    if (out.length === 0 && allowed !== undefined) throw outsideAllowed(bare.toString(), refused, allowed);
    return out;
  }
  throw zoneRequired(bare, reg, request);
}
