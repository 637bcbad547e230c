// The `zone` option, validated once (types and syntax only; interfaces are checked when used).
// One meaning per input: a number is an interface index, a string is a zone as written (a name,
// or a decimal index when no interface has that name, as glibc reads `%3`).
import { Fe80Error, quote } from '../errors.js';
import { isDefaultZone, MAX_ZONE_INDEX, registry as defaultRegistry, type InterfaceRegistry } from '../iface/index.js';
import { describe, invalid } from '../validate.js';

/** An interface by name or index. */
export type InterfaceSelector = string | number;

/**
 * How to pick the interface for an address:
 * - a name or an index (`'eth0'`, `3`, `'3'`): that interface (as a zone written in the address);
 * - `'auto'`: when the address needs a zone and has none, every candidate interface, in registry order;
 * - an array: when the address needs a zone and has none, these interfaces in this order (and an
 *   address that has a zone must name one of them).
 */
export type ZoneOption = InterfaceSelector | 'auto' | readonly InterfaceSelector[];

export type Policy =
  | { readonly kind: 'none' }
  | { readonly kind: 'fixed'; readonly zone: InterfaceSelector }
  | { readonly kind: 'auto' }
  | { readonly kind: 'list'; readonly zones: readonly InterfaceSelector[] };

const NONE: Policy = Object.freeze({ kind: 'none' });
const AUTO: Policy = Object.freeze({ kind: 'auto' });

/**
 * An interface index given as a number: an integer 0..2^32-1 (sin6_scope_id is a uint32, RFC 3493
 * §3.3), else ERR_INVALID_ZONE, the same code a bad zone in text gets.
 */
export function checkIndex(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 0 || value > MAX_ZONE_INDEX) {
    throw new Fe80Error('ERR_INVALID_ZONE', `${name} must be an interface index (an integer 1-${MAX_ZONE_INDEX}), got ${describe(value)}`, {
      input: String(value),
    });
  }
  return value;
}

/** An interface selector (name or index); ERR_INVALID_ZONE for a bad number, ERR_INVALID_ARGUMENT for another type. */
export function checkSelector(value: unknown, name: string): InterfaceSelector {
  if (typeof value === 'number') return checkIndex(value, name);
  if (typeof value === 'string') {
    if (value === '') throw new Fe80Error('ERR_INVALID_ZONE', `${name} must be an interface name or index, got ""`, { input: value });
    return value;
  }
  throw invalid(name, 'an interface name or index', value);
}

/** Validates a `zone` option. Zone 0 (and `'0'`) means "no zone" (RFC 4007 §6). */
export function zonePolicy(zone: unknown, name = 'zone'): Policy {
  if (zone === undefined) return NONE;
  if (zone === 'auto') return AUTO;
  if (Array.isArray(zone)) {
    if (zone.length === 0) throw invalid(name, 'a non-empty list of interfaces', zone);
    const zones: InterfaceSelector[] = [];
    for (const z of zone as unknown[]) {
      if (z === 'auto') throw invalid(`${name} list entries`, "interface names or indexes ('auto' stands alone)", z);
      const selector = checkSelector(z, `${name} list entries`);
      if (isDefaultZone(selector)) throw invalid(`${name} list entries`, 'interfaces (0 means "no zone")', z);
      zones.push(selector);
    }
    return { kind: 'list', zones };
  }
  if (typeof zone !== 'string' && typeof zone !== 'number') {
    throw invalid(name, "an interface name or index, 'auto', or a list of interfaces", zone);
  }
  const selector = checkSelector(zone, name);
  return isDefaultZone(selector) ? NONE : { kind: 'fixed', zone: selector };
}

/** The interfaces a policy names (a fixed zone or a list), or undefined for none and 'auto'. */
export function namedInterfaces(policy: Policy): readonly InterfaceSelector[] | undefined {
  if (policy.kind === 'fixed') return [policy.zone];
  if (policy.kind === 'list') return policy.zones;
  return undefined;
}

/** `zone` as text for messages: `"eth0"`, `3`, `'auto'`, `["eth0", "wlan0"]`. */
export function zoneText(zone: ZoneOption): string {
  if (Array.isArray(zone)) return `[${(zone as InterfaceSelector[]).map((z) => (typeof z === 'string' ? quote(z) : String(z))).join(', ')}]`;
  return typeof zone === 'string' ? quote(zone) : String(zone);
}

/**
 * A zone written in an address or URL (`%25auto`), carried on as a `zone` option: the same text,
 * except the one word the option reads as a keyword. A written zone names one interface (RFC 4007
 * §11), so a written "auto" goes on as that interface's index; ERR_UNKNOWN_INTERFACE when no
 * interface has that name, as a connect to `[fe80::1%auto]:80` reports.
 */
export function writtenZone(zone: string, registry: InterfaceRegistry = defaultRegistry): InterfaceSelector {
  return zone === 'auto' ? registry.nameToIndex(zone) : zone;
}
