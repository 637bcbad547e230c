// The process-wide registry and function shortcuts over it. Creating it does no I/O.
import { invalid } from '../validate.js';
import { InterfaceRegistry } from './registry.js';
import type { InterfaceInfo, WatchOptions } from './types.js';
import type { InterfaceWatcher } from './watcher.js';

/** The process-wide default registry (platform backend, maxAge 5000 ms). */
export const registry: InterfaceRegistry = new InterfaceRegistry();

/** Every interface, in index order. */
export function listInterfaces(): InterfaceInfo[] {
  return registry.list();
}

/** `if_nametoindex(3)`; throws ERR_INVALID_ZONE / ERR_UNKNOWN_INTERFACE. */
export function nameToIndex(name: string): number {
  return registry.nameToIndex(name);
}

/** `if_indextoname(3)`; throws ERR_INVALID_ARGUMENT / ERR_UNKNOWN_INTERFACE. */
export function indexToName(index: number): string {
  return registry.indexToName(index);
}

/** The zone form libuv needs on `platform`: name on POSIX, decimal index on Windows. */
export function toPlatformZone(zone: string | number, platform?: NodeJS.Platform): string {
  return registry.toPlatformZone(zone, platform);
}

/** The interface a zone selects (name first, then decimal index, as glibc); throws when none. */
export function resolveInterface(zone: string | number): InterfaceInfo {
  return registry.resolve(zone);
}

/**
 * Watches interfaces: `options.registry` (default: the process-wide one) is kept current while
 * the watcher is open, and every change is an event (see `InterfaceEvent`).
 *
 * @example
 * const watcher = watchInterfaces({ interfaces: ['eth1'] });
 * for await (const event of watcher) console.log(event.type, event.interface.name);
 */
export function watchInterfaces(options?: WatchOptions & { registry?: InterfaceRegistry | undefined }): InterfaceWatcher {
  const reg = options?.registry ?? registry;
  if (!(reg instanceof InterfaceRegistry)) throw invalid('registry', 'an InterfaceRegistry', reg);
  return reg.watch(options);
}
