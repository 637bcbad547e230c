// The interface registry: a cache of the kernel's interface table. Lookups are Map hits (no I/O);
// the backend is re-read when the cache is older than `maxAge`, on a miss (once per lookup), and
// after `invalidate()`.
import { Fe80Error, quote } from '../errors.js';
import { toInterfaceInfo } from './interface-info.js';
import { LinuxBackend } from './linux-backend.js';
import { PortableBackend } from './portable-backend.js';
import type { InterfaceInfo, RegistryBackend, RegistryOptions } from './types.js';
import { MAX_ZONE_INDEX, assertZoneIndex, assertZoneName, parseZoneIndex, type NameRules } from './zone-name.js';

export const DEFAULT_MAX_AGE = 5000;
const LISTED_IN_ERRORS = 32;
/** ms within which `recheck()` trusts the last read. */
const RECHECK_INTERVAL = 100;

/** The Linux backend on linux (sysfs + procfs), the portable one (os.networkInterfaces()) elsewhere. */
export function defaultBackend(platform: NodeJS.Platform = process.platform): RegistryBackend {
  return platform === 'linux' ? new LinuxBackend() : new PortableBackend({ platform });
}

type Mode = 'zone' | 'name' | 'index';

export class InterfaceRegistry {
  readonly backend: RegistryBackend;
  readonly maxAge: number;
  readonly #now: () => number;
  readonly #rules: NameRules;
  readonly #zoneStyle: 'name' | 'index';
  #list: readonly InterfaceInfo[] = [];
  #byName = new Map<string, InterfaceInfo>();
  #byIndex = new Map<number, InterfaceInfo>();
  #loaded = false;
  #loadedAt = 0;

  /** No I/O here: the first lookup reads the backend. Works as is inside `ip netns exec`. */
  constructor(options: RegistryOptions = {}) {
    const maxAge = options.maxAge ?? DEFAULT_MAX_AGE;
    if (typeof maxAge !== 'number' || !(maxAge >= 0)) {
      throw new Fe80Error('ERR_INVALID_ARGUMENT', `maxAge must be a number of ms >= 0 (or Infinity), got ${String(maxAge)}`);
    }
    this.backend = options.backend ?? defaultBackend();
    this.maxAge = maxAge;
    this.#now = options.now ?? (() => performance.now());
    this.#rules = this.backend.nameRules ?? 'linux';
    this.#zoneStyle = this.backend.zoneStyle ?? 'name';
  }

  /** Every interface, in index order (index 0 = unknown, portable backend only, last). */
  list(): InterfaceInfo[] {
    this.#ensureFresh();
    return [...this.#list];
  }

  /**
   * The interface a zone selects, or `undefined`. glibc rule (standards.md G-1): a string is a
   * name first; if no interface has that name and it is all ASCII digits, it is a decimal u32
   * index (`'01'` -> 1 unless an interface is named `01`). A number is an index.
   * Throws ERR_INVALID_ZONE for a zone that cannot be a name (Linux: L-1/L-2), before any I/O.
   */
  get(zone: string | number): InterfaceInfo | undefined {
    return this.#find(zone, 'zone');
  }

  /** Like `get`, but throws ERR_UNKNOWN_INTERFACE (listing the interfaces that exist) on a miss. */
  resolve(zone: string | number): InterfaceInfo {
    return this.#find(zone, 'zone') ?? this.#unknown(zone, 'zone');
  }

  /** `if_nametoindex(3)`: by name only, digits are not parsed (L-6). Throws on a miss. */
  nameToIndex(name: string): number {
    if (typeof name !== 'string') throw new Fe80Error('ERR_INVALID_ARGUMENT', `interface name must be a string, got ${typeof name}`);
    const info = this.#find(name, 'name') ?? this.#unknown(name, 'name');
    return knownIndex(info, this.backend.name);
  }

  /** `if_indextoname(3)`. Throws ERR_INVALID_ARGUMENT for a non-u32, ERR_UNKNOWN_INTERFACE on a miss. */
  indexToName(index: number): string {
    if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index > MAX_ZONE_INDEX) {
      throw new Fe80Error('ERR_INVALID_ARGUMENT', `interface index must be an integer 1-${MAX_ZONE_INDEX}, got ${String(index)}`, {
        input: String(index),
      });
    }
    return (this.#find(index, 'index') ?? this.#unknown(index, 'index')).name;
  }

  /**
   * The zone form libuv understands on `platform` (standards.md N-1): the interface name on POSIX
   * (libuv calls if_nametoindex), the decimal index on Windows (libuv calls atoi). Resolves first,
   * so an unknown zone throws instead of libuv silently using scope 0.
   */
  toPlatformZone(zone: string | number, platform: NodeJS.Platform = process.platform): string {
    const info = this.resolve(zone);
    return platform === 'win32' ? String(knownIndex(info, this.backend.name)) : info.name;
  }

  /** Zone candidates for a missing zone: up, not loopback, with an IPv6 link-local address; index order. */
  candidates(): InterfaceInfo[] {
    this.#ensureFresh();
    return this.#list.filter((i) => i.up && !i.loopback && i.linkLocal !== undefined);
  }

  /** Re-read the backend now. */
  refresh(): void {
    let raw;
    try {
      raw = this.backend.read();
    } catch (error) {
      throw new Fe80Error('ERR_SYSTEM', `cannot read the interface list (${this.backend.name} backend)`, { cause: error });
    }
    const list = raw
      .map((r) => toInterfaceInfo(r, this.#zoneStyle))
      .sort((a, b) => (a.index === 0 ? Infinity : a.index) - (b.index === 0 ? Infinity : b.index) || 0);
    const byName = new Map<string, InterfaceInfo>();
    const byIndex = new Map<number, InterfaceInfo>();
    for (const info of list) {
      if (!byName.has(info.name)) byName.set(info.name, info);
      if (info.index > 0 && !byIndex.has(info.index)) byIndex.set(info.index, info);
    }
    this.#list = Object.freeze(list);
    this.#byName = byName;
    this.#byIndex = byIndex;
    this.#loaded = true;
    this.#loadedAt = this.#now();
  }

  /**
   * Re-reads the backend now, unless it was read within the last RECHECK_INTERVAL ms (so a flood
   * of callers costs one read); true when it re-read. For callers about to report an entry as
   * down or without a link-local address: the interface may have recovered since the last read.
   */
  recheck(): boolean {
    if (this.#loaded && this.#now() - this.#loadedAt < RECHECK_INTERVAL) return false;
    this.refresh();
    return true;
  }

  /** The next lookup re-reads the backend. Call after ENODEV / EADDRNOTAVAIL / EINVAL on a scoped socket. */
  invalidate(): void {
    this.#loaded = false;
  }

  /** Re-reads when never loaded, invalidated or older than maxAge; true when it did. */
  #ensureFresh(): boolean {
    if (this.#loaded && (this.maxAge === Infinity || this.#now() - this.#loadedAt < this.maxAge)) return false;
    this.refresh();
    return true;
  }

  #find(zone: string | number, mode: Mode): InterfaceInfo | undefined {
    // Validate first: nothing below may run for a zone that cannot be an interface.
    if (typeof zone === 'number') {
      assertZoneIndex(zone);
      if (zone === 0) return undefined; // 0 is "no zone" and never an ifindex (L-4): no point in reading
    } else if (typeof zone === 'string') {
      assertZoneName(zone, this.#rules);
    } else {
      throw new Fe80Error('ERR_INVALID_ARGUMENT', `zone must be a string or a number, got ${typeof zone}`);
    }
    const refreshed = this.#ensureFresh();
    const hit = this.#match(zone, mode);
    if (hit !== undefined || refreshed) return hit;
    this.refresh(); // a miss: the interface may be new (once, then fail)
    return this.#match(zone, mode);
  }

  #match(zone: string | number, mode: Mode): InterfaceInfo | undefined {
    if (typeof zone === 'number') return this.#byIndex.get(zone);
    const named = this.#byName.get(zone);
    if (named !== undefined || mode !== 'zone') return named;
    const index = parseZoneIndex(zone);
    return index === undefined ? undefined : this.#byIndex.get(index);
  }

  #unknown(zone: string | number, mode: Mode): never {
    const byIndex = typeof zone === 'number' || mode === 'index';
    this.#ensureFresh(); // only matters for zone 0 on a cold cache, which skips the read above
    const all = this.#list;
    const shown = all.slice(0, LISTED_IN_ERRORS).map((i) => (byIndex ? `${i.index} ${i.name}` : i.name));
    if (all.length > LISTED_IN_ERRORS) shown.push(`... (${all.length - LISTED_IN_ERRORS} more)`);
    const have = `have: ${shown.length > 0 ? shown.join(', ') : '(none)'}`;
    const input = String(zone);
    let message: string;
    if (zone === 0 && mode === 'index') {
      message = `no interface has index 0 (it means "no zone", RFC 4007 §6; ifindexes start at 1); ${have}`;
    } else if (zone === 0 || (mode === 'zone' && parseZoneIndex(input) === 0)) {
      message = `zone ${quote(input)} means "no zone" (the default zone, RFC 4007 §6) and names no interface; ${have}`;
    } else if (byIndex) {
      message = `no interface has index ${input}; ${have}`;
    } else if (mode === 'zone' && parseZoneIndex(input) !== undefined) {
      message = `interface ${quote(input)} not found (no interface has that name or index ${parseZoneIndex(input)}); ${have}`;
    } else {
      message = `interface ${quote(input)} not found; ${have}`;
    }
    const hint = byIndex ? undefined : this.#hintFor(input);
    throw new Fe80Error('ERR_UNKNOWN_INTERFACE', message, hint === undefined ? { input } : { input, hint });
  }

  /** `25eth0` (a URL-encoded `%25` left in) or a case slip (`ETH0`). */
  #hintFor(zone: string): string | undefined {
    if (zone.startsWith('25') && this.#byName.has(zone.slice(2))) {
      return `looks URL-encoded ("%25" is an escaped "%"): did you mean zone ${quote(zone.slice(2))}?`;
    }
    const lower = zone.toLowerCase();
    for (const name of this.#byName.keys()) if (name.toLowerCase() === lower) return `did you mean ${quote(name)}? (names are case-sensitive)`;
    return undefined;
  }
}

function knownIndex(info: InterfaceInfo, backend: string): number {
  if (info.index > 0) return info.index;
  // Portable backend (and Linux 'proc' mode): indexes are learnt from IPv6 addresses only
  // (the scopeid of a link-local address in os.networkInterfaces(), /proc/net/if_inet6).
  throw new Fe80Error(
    'ERR_INTERFACE_DOWN',
    `the index of interface ${quote(info.name)} is unknown: it has no IPv6 link-local address, ` +
      `and the ${backend} backend learns indexes only from those`,
    { input: info.name },
  );
}
