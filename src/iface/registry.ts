// The interface registry: a cache of the kernel's interface table. Lookups are Map hits (no I/O).
// The backend is re-read when the table is older than `maxAge`, and on a miss, a `recheck()` or
// after `invalidate()`, those three at most once per RECHECK_INTERVAL (the table then serves as a
// short-lived negative cache: a flood of unknown zones costs a Map lookup each). While a watcher
// keeps the table current (`watch()`), lookups never re-read. Without one, a cached index-to-name
// mapping is checked with the backend before it is handed out (see `verify` in types.ts), so a
// numeric zone never reaches a socket through a link that was deleted, re-created or renamed since.
import { clippedList, Fe80Error, quote } from '../errors.js';
import { checkBoolean, checkMs } from '../validate.js';
import { toInterfaceInfo } from './interface-info.js';
import { LinuxBackend } from './linux-backend.js';
import { PortableBackend } from './portable-backend.js';
import type { InterfaceInfo, RawInterface, RegistryBackend, RegistryOptions, WatchOptions } from './types.js';
import { DEFAULT_POLL_INTERVAL, RegistryWatch } from './watch.js';
import { InterfaceWatcher } from './watcher.js';
import { MAX_ZONE_INDEX, assertZoneIndex, assertZoneName, parseZoneIndex, type NameRules } from './zone-name.js';

export const DEFAULT_MAX_AGE = 5000;
/**
 * A miss, a `recheck()` or an `invalidate()` re-reads the backend only if the last read is at
 * least this old (ms), or READ_SHARE times the last read's CPU time when that is longer (a table
 * of 500 interfaces): re-reads caused by lookups take at most 1/20 of a core whatever the input,
 * and an interface that appears is found within this interval without a watcher.
 */
export const RECHECK_INTERVAL = 100;
const READ_SHARE = 20;
const LISTED_IN_ERRORS = 32;

/** The Linux backend on linux (sysfs + procfs), the portable one (os.networkInterfaces()) elsewhere. */
export function defaultBackend(platform: NodeJS.Platform = process.platform): RegistryBackend {
  return platform === 'linux' ? new LinuxBackend() : new PortableBackend({ platform });
}

type Mode = 'zone' | 'name' | 'index';
/** What the caller hands to a socket: a name, an index, or the platform's zone form (an InterfaceInfo). */
type Want = 'name' | 'index' | 'platform';

/** One read of the backend, indexed. */
interface Table {
  readonly list: readonly InterfaceInfo[];
  readonly byName: Map<string, InterfaceInfo>;
  readonly byIndex: Map<number, InterfaceInfo>;
  /** error-message parts, built on the first miss */
  have?: { names: string; indexes: string; lower: Map<string, string> };
  /** the zone candidates, built on first use */
  candidates?: readonly InterfaceInfo[];
}

const EMPTY_TABLE: Table = { list: Object.freeze([]), byName: new Map(), byIndex: new Map() };

export class InterfaceRegistry {
  readonly backend: RegistryBackend;
  readonly maxAge: number;
  readonly #now: () => number;
  /** the CPU time of a read (ms): process.cpuUsage() normally, the `now` clock when a test gives one */
  readonly #cpu: () => number;
  readonly #rules: NameRules;
  readonly #zoneStyle: 'name' | 'index';
  readonly #watchOption: boolean;
  readonly #pollInterval: number;
  #table: Table = EMPTY_TABLE;
  #loaded = false;
  #stale = false;
  #loadedAt = 0;
  #readStartedAt = -Infinity;
  #readCost = 0;
  #watch: RegistryWatch | undefined;

  /** No I/O here: the first lookup reads the backend. Works as is inside `ip netns exec`. */
  constructor(options: RegistryOptions = {}) {
    const maxAge = options.maxAge ?? DEFAULT_MAX_AGE;
    if (typeof maxAge !== 'number' || !(maxAge >= 0)) {
      throw new Fe80Error('ERR_INVALID_ARGUMENT', `maxAge must be a number of ms >= 0 (or Infinity), got ${String(maxAge)}`);
    }
    this.backend = options.backend ?? defaultBackend();
    this.maxAge = maxAge;
    this.#now = options.now ?? (() => performance.now());
    this.#cpu = options.now ?? cpuMs;
    this.#rules = this.backend.nameRules ?? 'linux';
    this.#zoneStyle = this.backend.zoneStyle ?? 'name';
    this.#watchOption = checkBoolean(options.watch, 'watch') ?? false;
    this.#pollInterval = checkMs(options.pollInterval, 'pollInterval', 10) ?? DEFAULT_POLL_INTERVAL;
  }

  /** Every interface, in index order (index 0 = unknown, portable backend only, last). */
  list(): InterfaceInfo[] {
    this.#ensureFresh();
    return [...this.#table.list];
  }

  /**
   * The interface a zone selects, or `undefined`. glibc rule (`getaddrinfo`): a string is a
   * name first; if no interface has that name and it is all ASCII digits, it is a decimal u32
   * index (`'01'` -> 1 unless an interface is named `01`). A number is an index.
   * Throws ERR_INVALID_ZONE for a zone that cannot be a name (Linux: 1-15 bytes, no `/`, `:`,
   * `%`, whitespace), before any I/O.
   */
  get(zone: string | number): InterfaceInfo | undefined {
    return this.#find(zone, 'zone', 'platform');
  }

  /** Like `get`, but throws ERR_UNKNOWN_INTERFACE (listing the interfaces that exist) on a miss. */
  resolve(zone: string | number): InterfaceInfo {
    return this.#find(zone, 'zone', 'platform') ?? this.#unknown(zone, 'zone');
  }

  /** `if_nametoindex(3)`: by name only, digits are not parsed. Throws on a miss. */
  nameToIndex(name: string): number {
    if (typeof name !== 'string') throw new Fe80Error('ERR_INVALID_ARGUMENT', `interface name must be a string, got ${typeof name}`);
    const info = this.#find(name, 'name', 'index') ?? this.#unknown(name, 'name');
    return knownIndex(info, this.backend.name);
  }

  /** `if_indextoname(3)`. Throws ERR_INVALID_ARGUMENT for a non-u32, ERR_UNKNOWN_INTERFACE on a miss. */
  indexToName(index: number): string {
    if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index > MAX_ZONE_INDEX) {
      throw new Fe80Error('ERR_INVALID_ARGUMENT', `interface index must be an integer 1-${MAX_ZONE_INDEX}, got ${String(index)}`, {
        input: String(index),
      });
    }
    return (this.#find(index, 'index', 'name') ?? this.#unknown(index, 'index')).name;
  }

  /**
   * The zone form libuv understands on `platform`: the interface name on POSIX (libuv calls
   * if_nametoindex), the decimal index on Windows (libuv calls atoi). Resolves first, so an
   * unknown zone throws instead of libuv silently using scope 0.
   */
  toPlatformZone(zone: string | number, platform: NodeJS.Platform = process.platform): string {
    const win = platform === 'win32';
    const info = this.#find(zone, 'zone', win ? 'index' : 'name') ?? this.#unknown(zone, 'zone');
    return win ? String(knownIndex(info, this.backend.name)) : info.name;
  }

  /** Zone candidates for a missing zone: up, not loopback, with an IPv6 link-local address; index order. */
  candidates(): InterfaceInfo[] {
    return [...this.candidateList()];
  }

  /**
   * The same as `candidates()`, as one frozen array per table: the same array until the table
   * changes (callers may key caches by it).
   */
  candidateList(): readonly InterfaceInfo[] {
    this.#ensureFresh();
    const t = this.#table;
    return (t.candidates ??= Object.freeze(t.list.filter((i) => i.up && !i.loopback && i.linkLocal !== undefined)));
  }

  /** Re-read the backend now (always; the rate limit is for reads that lookups cause). */
  refresh(): void {
    this.#read();
  }

  /**
   * For a caller about to report a cached state ("down", "no usable link-local address"): re-read
   * the backend now unless it was read within RECHECK_INTERVAL (or a watcher keeps the table
   * current); returns true when it re-read. Lookups after a `true` see the fresh state.
   */
  recheck(): boolean {
    if (this.#loaded && ((this.#watch?.current === true && !this.#stale) || this.#recent())) return false;
    this.#read();
    return true;
  }

  /**
   * The table is suspect (ENODEV / EADDRNOTAVAIL / EINVAL on a scoped socket): the next lookup
   * re-reads, unless the backend was read within RECHECK_INTERVAL (then the first lookup after it).
   */
  invalidate(): void {
    this.#stale = true;
  }

  /**
   * Watches the interface table: events for every change (see `InterfaceEvent`), and, while any
   * watcher is open, a table kept current by the kernel's notifications (Linux, `ip monitor`) or
   * by polling every `pollInterval` (elsewhere). Close it with `close()`, its `signal`, or by
   * leaving a `for await` over it.
   */
  watch(options?: WatchOptions): InterfaceWatcher {
    if (!this.#loaded) this.#read(); // the baseline the events are changes from
    return new InterfaceWatcher(this.#watcher(), options, this.#rules);
  }

  /** True while the kernel's notifications keep this registry current (lookups never re-read). */
  get watching(): boolean {
    return this.#watch?.current === true;
  }

  #watcher(): RegistryWatch {
    return (this.#watch ??= new RegistryWatch(
      {
        backend: this.backend,
        read: () => this.#read(),
        lastRead: () => ({ startedAt: this.#readStartedAt, cost: this.#readCost }),
        now: this.#now,
      },
      this.#pollInterval,
    ));
  }

  /** Read within the rate-limit interval. */
  #recent(): boolean {
    return this.#now() - this.#readStartedAt < Math.max(RECHECK_INTERVAL, READ_SHARE * this.#readCost);
  }

  #read(): void {
    const started = this.#now();
    const cpu = this.#cpu();
    let raw: RawInterface[];
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
    const before = this.#table;
    const first = !this.#loaded;
    this.#table = { list: Object.freeze(list), byName, byIndex };
    this.#loaded = true;
    this.#stale = false;
    this.#loadedAt = this.#now();
    this.#readStartedAt = started;
    // CPU, not wall time: on a loaded machine a read waits for the CPU, and the budget is of CPU
    this.#readCost = this.#cpu() - cpu;
    const watch = this.#watch;
    if (watch !== undefined && watch.active) {
      const recreated = watch.takeRecreated();
      if (!first) watch.changed(before.list, this.#table.list, recreated);
    }
  }

  /** Re-reads when never loaded, older than maxAge (unless watched), or invalidated (rate-limited); true when it did. */
  #ensureFresh(): boolean {
    if (!this.#loaded) {
      if (this.#watchOption) this.#watcher().hold(); // for the life of the registry
      this.#read();
      return true;
    }
    if (this.#stale) {
      if (this.#recent()) return false;
    } else if (this.#watch?.current === true || this.maxAge === Infinity || this.#now() - this.#loadedAt < this.maxAge) {
      return false;
    }
    this.#read();
    return true;
  }

  #find(zone: string | number, mode: Mode, want: Want): InterfaceInfo | undefined {
    // Validate first: nothing below may run for a zone that cannot be an interface.
    if (typeof zone === 'number') {
      assertZoneIndex(zone);
      if (zone === 0) return undefined; // 0 is "no zone" and never an ifindex (RFC 4007 §6): no point in reading
    } else if (typeof zone === 'string') {
      assertZoneName(zone, this.#rules);
    } else {
      throw new Fe80Error('ERR_INVALID_ARGUMENT', `zone must be a string or a number, got ${typeof zone}`);
    }
    const fresh = this.#ensureFresh();
    const hit = this.#match(zone, mode);
    if (hit === undefined) {
      // a miss: the interface may be new; the table just read (or read moments ago) says it is not
      if (fresh || (this.#watch?.current === true && !this.#stale) || this.#recent()) return undefined;
      this.#read();
      return this.#match(zone, mode)?.info;
    }
    if (fresh || hit.by === (want === 'platform' ? this.#zoneStyle : want) || hit.info.index === 0) return hit.info;
    // The caller will hand the other form to the kernel (a name for an index, an index for a
    // name): a stale mapping would pick whichever link now carries it. Checked, unless a watcher
    // keeps the table current (its notifications are read at the next turn of the event loop).
    if (this.#watch?.current === true && !this.#stale) return hit.info;
    const verify = this.backend.verify;
    if (verify === undefined || verify.call(this.backend, hit.info.name, hit.info.index)) return hit.info;
    this.#read();
    return this.#match(zone, mode)?.info;
  }

  #match(zone: string | number, mode: Mode): { info: InterfaceInfo; by: 'name' | 'index' } | undefined {
    const t = this.#table;
    if (typeof zone === 'number') {
      const info = t.byIndex.get(zone);
      return info === undefined ? undefined : { info, by: 'index' };
    }
    const named = t.byName.get(zone);
    if (named !== undefined) return { info: named, by: 'name' };
    if (mode !== 'zone') return undefined;
    const index = parseZoneIndex(zone);
    const info = index === undefined ? undefined : t.byIndex.get(index);
    return info === undefined ? undefined : { info, by: 'index' };
  }

  #unknown(zone: string | number, mode: Mode): never {
    this.#ensureFresh(); // only matters for zone 0 on a cold cache, which skips the read above
    const input = String(zone);
    const hint = typeof zone === 'number' || mode === 'index' ? undefined : this.#hintFor(input);
    // the message is built when read, from the table of when it was thrown (a flood of misses builds none)
    const have = this.#have();
    const message = (): string => unknownMessage(zone, input, mode, have);
    throw new Fe80Error('ERR_UNKNOWN_INTERFACE', message, hint === undefined ? { input } : { input, hint });
  }

  /** The "have: ..." lists and the case-folded names, once per table (a flood of misses builds them once). */
  #have(): NonNullable<Table['have']> {
    const t = this.#table;
    if (t.have !== undefined) return t.have;
    const list = (f: (i: InterfaceInfo) => string): string => clippedList(t.list.map(f), LISTED_IN_ERRORS) || '(none)';
    const lower = new Map<string, string>();
    for (const name of t.byName.keys()) if (!lower.has(name.toLowerCase())) lower.set(name.toLowerCase(), name);
    t.have = { names: list((i) => i.name), indexes: list((i) => `${i.index} ${i.name}`), lower };
    return t.have;
  }

  /** `25eth0` (a URL-encoded `%25` left in) or a case slip (`ETH0`). */
  #hintFor(zone: string): string | undefined {
    if (zone.startsWith('25') && this.#table.byName.has(zone.slice(2))) {
      return `looks URL-encoded ("%25" is an escaped "%"): did you mean zone ${quote(zone.slice(2))}?`;
    }
    const name = this.#have().lower.get(zone.toLowerCase());
    return name === undefined ? undefined : `did you mean ${quote(name)}? (names are case-sensitive)`;
  }
}

function unknownMessage(zone: string | number, input: string, mode: Mode, lists: { names: string; indexes: string }): string {
  const byIndex = typeof zone === 'number' || mode === 'index';
  const have = `have: ${byIndex ? lists.indexes : lists.names}`;
  if (zone === 0 && mode === 'index') return `no interface has index 0 (it means "no zone", RFC 4007 §6; ifindexes start at 1); ${have}`;
  if (zone === 0 || (mode === 'zone' && parseZoneIndex(input) === 0)) {
    return `zone ${quote(input)} means "no zone" (the default zone, RFC 4007 §6) and names no interface; ${have}`;
  }
  if (byIndex) return `no interface has index ${input}; ${have}`;
  if (mode === 'zone' && parseZoneIndex(input) !== undefined) {
    return `interface ${quote(input)} not found (no interface has that name or index ${parseZoneIndex(input)}); ${have}`;
  }
  return `interface ${quote(input)} not found; ${have}`;
}

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
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
