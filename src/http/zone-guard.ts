// Picks the interface(s) a request to an IP literal uses (fe80's zone policy), then applies the
// allowed-interfaces restriction. The result is what a connection is keyed and dialled by.
import { Fe80Error, quote } from '../errors.js';
import type { ScopedAddress } from '../addr/index.js';
import { registry as defaultRegistry } from '../iface/index.js';
import { resolveZones, type ZoneOption } from '../net/index.js';
import type { HttpZoneOptions } from './options.js';

/** One interface name, several to race in order, or none (the address takes no zone). */
export type ZoneChoice = string | readonly string[] | undefined;

/** The pool key for a zone choice: '' for none, the name, or a list as JSON (zones never hold '['). */
export function zoneKey(zone: ZoneOption | undefined): string {
  if (zone === undefined) return '';
  return typeof zone === 'object' ? JSON.stringify(zone) : String(zone);
}

/**
 * Applies the zone policy to `address` (a zone written on the address wins over `options.zone`)
 * and restricts the result to `options.allowedInterfaces`. Throws the policy's Fe80Error
 * (ERR_ZONE_REQUIRED, ERR_UNKNOWN_INTERFACE, ...) or ERR_ZONE_NOT_ALLOWED.
 */
export function pickZones(address: ScopedAddress, options: HttpZoneOptions): ZoneChoice {
  const policy: { zone?: NonNullable<HttpZoneOptions['zone']>; registry?: NonNullable<HttpZoneOptions['registry']> } = {};
  if (options.registry !== undefined) policy.registry = options.registry;
  // The policy option only applies to an address that needs a zone and has none; passing it for
  // a global address would be a "zone on an address that takes none".
  if (address.zone === undefined && options.zone !== undefined && address.requiresZone()) policy.zone = options.zone;
  const names: string[] = [];
  for (const candidate of resolveZones(address, policy)) {
    const name = candidate.interface?.name;
    if (name !== undefined && !names.includes(name)) names.push(name);
  }
  const allowed = options.allowedInterfaces;
  let chosen = names;
  if (allowed !== undefined && names.length > 0) {
    const permitted = allowedNames(allowed, options);
    chosen = names.filter((name) => permitted.has(name));
    if (chosen.length === 0) {
      throw new Fe80Error(
        'ERR_ZONE_NOT_ALLOWED',
        `interface ${names.map(quote).join(', ')} for ${quote(address.toString())} is not allowed; allowed: ${
          [...permitted].join(', ') || '(none)'
        }`,
        { input: address.toString() },
      );
    }
  }
  if (chosen.length === 0) return undefined;
  return chosen.length === 1 ? chosen[0] : chosen;
}

/** Reports whether a zone name is in the allowed set (true when no set is given). */
export function isAllowed(name: string | undefined, options: HttpZoneOptions): boolean {
  if (options.allowedInterfaces === undefined || name === undefined) return true;
  return allowedNames(options.allowedInterfaces, options).has(name);
}

/** Allowed entries (names or indexes) as interface names; entries naming no interface drop out. */
function allowedNames(allowed: readonly (string | number)[], options: HttpZoneOptions): Set<string> {
  const registry = options.registry ?? defaultRegistry;
  const names = new Set<string>();
  for (const entry of allowed) {
    try {
      const info = registry.get(entry);
      if (info !== undefined) names.add(info.name);
    } catch {
      // an entry that cannot be an interface allows nothing
    }
  }
  return names;
}
