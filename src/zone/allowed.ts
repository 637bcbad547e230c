// `allowedInterfaces`: one name and one meaning for connect, lookup, fetch, Agents and the
// Dispatcher. When set, every destination must be a link-local address (or link-scope multicast
// group) zoned to one of these interfaces: an address that takes no zone is reached over whatever
// route the kernel picks, so its interface cannot be checked and it is refused. For URLs, names
// and redirects that come from untrusted input.
import { Fe80Error, quote } from '../errors.js';
import type { InterfaceRegistry } from '../iface/index.js';
import { invalid } from '../validate.js';
import { checkSelector, type InterfaceSelector } from './option.js';

/** The allowed set as interface names; undefined = no restriction. */
export type AllowedSet = ReadonlySet<string> | undefined;

/** Validates an `allowedInterfaces` option (types only). */
export function checkAllowed(value: unknown, name = 'allowedInterfaces'): readonly InterfaceSelector[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) throw invalid(name, 'a list of interface names or indexes', value);
  for (const entry of value as unknown[]) checkSelector(entry, `${name} entries`);
  return value as InterfaceSelector[];
}

/** The names the entries select now; an entry that names no interface allows nothing. */
export function allowedSet(entries: readonly InterfaceSelector[] | undefined, reg: InterfaceRegistry): AllowedSet {
  if (entries === undefined) return undefined;
  const names = new Set<string>();
  for (const entry of entries) {
    let name: string | undefined;
    try {
      name = reg.get(entry)?.name;
    } catch {
      name = undefined; // a zone that cannot be an interface names none
    }
    if (name !== undefined) names.add(name);
  }
  return names;
}

export function listed(allowed: ReadonlySet<string>): string {
  return [...allowed].join(', ') || '(none)';
}

/** ERR_ZONE_NOT_ALLOWED: the interface of `target` is outside the allowed set. */
export function outsideAllowed(target: string, names: readonly string[], allowed: ReadonlySet<string>): Fe80Error {
  return new Fe80Error(
    'ERR_ZONE_NOT_ALLOWED',
    `interface ${names.map(quote).join(', ')} for ${quote(target)} is not allowed; allowed: ${listed(allowed)}`,
    { input: target },
  );
}

/** ERR_ZONE_NOT_ALLOWED: `target` takes no zone, so its interface cannot be checked. */
export function uncheckable(target: string, allowed: ReadonlySet<string>): Fe80Error {
  return new Fe80Error(
    'ERR_ZONE_NOT_ALLOWED',
    `${quote(target)} is not a link-local address, so the interface it would be reached over cannot be checked; allowedInterfaces admits only link-local destinations on ${listed(allowed)}`,
    { input: target },
  );
}
