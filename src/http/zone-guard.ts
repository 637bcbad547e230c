// Picks the interface(s) a request to an IP literal uses (fe80's zone policy), then applies the
// allowed-interfaces restriction. The result is what a connection is keyed and dialled by.
import { Fe80Error, quote } from '../errors.js';
import type { ScopedAddress } from '../addr/index.js';
import { registry as defaultRegistry, type InterfaceRegistry } from '../iface/index.js';
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
  if (allowed !== undefined) {
    const permitted = allowedNames(allowed, options);
    // An address that takes no zone (global, ULA, loopback, IPv4) is reached over whatever the
    // routing table picks: no interface to check, so an allowed set refuses it.
    if (names.length === 0) throw notLinkLocal(address.toString(), permitted);
    chosen = names.filter((name) => permitted.has(name));
    if (chosen.length === 0) {
      throw new Fe80Error(
        'ERR_ZONE_NOT_ALLOWED',
        `interface ${names.map(quote).join(', ')} for ${quote(address.toString())} is not allowed; allowed: ${listed(permitted)}`,
        { input: address.toString() },
      );
    }
  }
  if (chosen.length === 0) return undefined;
  return chosen.length === 1 ? chosen[0] : chosen;
}

/**
 * With `allowedInterfaces`, the addresses a host name resolved to that may be dialled: only those
 * zoned to an allowed interface (link-local answers carry the interface they came from; any other
 * address is reached over whatever route the kernel picks). Throws ERR_ZONE_NOT_ALLOWED when none is.
 */
export function allowedAddresses(host: string, addresses: readonly ScopedAddress[], options: HttpZoneOptions): readonly ScopedAddress[] {
  if (options.allowedInterfaces === undefined) return addresses;
  const permitted = allowedNames(options.allowedInterfaces, options);
  const registry = options.registry ?? defaultRegistry;
  const kept = addresses.filter((a) => a.zone !== undefined && a.requiresZone() && permitted.has(zoneName(a.zone, registry) ?? ''));
  if (kept.length > 0 || addresses.length === 0) return kept;
  throw new Fe80Error(
    'ERR_ZONE_NOT_ALLOWED',
    `${quote(host)} resolved to ${addresses.map((a) => a.toString()).join(', ')}: none is a link-local address on an allowed interface (allowed: ${listed(permitted)})`,
    { input: host },
  );
}

function notLinkLocal(input: string, permitted: ReadonlySet<string>): Fe80Error {
  return new Fe80Error(
    'ERR_ZONE_NOT_ALLOWED',
    `${quote(input)} is not a link-local address, so the interface it would be reached over cannot be checked; allowedInterfaces admits only link-local destinations on ${listed(permitted)}`,
    { input },
  );
}

function listed(permitted: ReadonlySet<string>): string {
  return [...permitted].join(', ') || '(none)';
}

/** The interface name a zone names, or undefined. */
function zoneName(zone: string | number, registry: InterfaceRegistry): string | undefined {
  try {
    return registry.get(zone)?.name;
  } catch {
    return undefined; // a zone that cannot be an interface names none
  }
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
    // an entry that cannot be an interface allows nothing
    const name = zoneName(entry, registry);
    if (name !== undefined) names.add(name);
  }
  return names;
}
