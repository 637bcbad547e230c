// The kernel's neighbour table (IPv6 neighbour cache, RFC 4861 §5.1, and the IPv4 ARP cache) kept
// in memory: which interface an address has been seen on, in which NUD state (RFC 4861 §7.3.2),
// with which link-layer address. Reading it costs a few milliseconds through iproute2 (`ip -j
// neigh`), so no lookup ever reads it: a lookup answers from the snapshot at once and, when the
// snapshot is older than `maxAge`, starts one background re-read (coalesced, whoever asks), as
// does any change the interface watcher reports (an interface gone, down, renamed or with other
// addresses takes its entries with it).
// The zone floor uses it for `zone: 'auto'` (an address known on exactly one candidate interface
// is tried there first); `discover` reports its entries.
import { execFile } from 'node:child_process';
import { ScopedAddress } from '../addr/index.js';
import { registry as defaultRegistry, type InterfaceRegistry, type InterfaceWatcher } from '../iface/index.js';
import { BoundedMap } from '../bounded-map.js';
import { Fe80Error } from '../errors.js';
import { checkFunction, checkMs, checkObject, invalid } from '../validate.js';

/** NUD states as iproute2 prints them (RFC 4861 §7.3.2 plus Linux's NOARP, PERMANENT, NONE). */
export type NeighbourState = 'REACHABLE' | 'STALE' | 'DELAY' | 'PROBE' | 'INCOMPLETE' | 'FAILED' | 'NOARP' | 'PERMANENT' | 'NONE';

const STATES: ReadonlySet<string> = new Set(['REACHABLE', 'STALE', 'DELAY', 'PROBE', 'INCOMPLETE', 'FAILED', 'NOARP', 'PERMANENT', 'NONE']);

/**
 * States in which the address has answered on the interface recently enough to be worth trying
 * there first: REACHABLE (confirmed), STALE (was reachable, not confirmed since), DELAY and PROBE
 * (being re-confirmed), and PERMANENT (configured by hand).
 */
export const KNOWN_STATES: ReadonlySet<NeighbourState> = new Set(['REACHABLE', 'STALE', 'DELAY', 'PROBE', 'PERMANENT']);

/** One entry of the table. */
export interface Neighbour {
  /** link-local IPv6 addresses carry the interface as zone; others (IPv4, global IPv6) none */
  address: ScopedAddress;
  interface: string;
  /** link-layer address, lower case, colon-separated; absent in INCOMPLETE and FAILED */
  mac: string | undefined;
  state: NeighbourState;
  /** the neighbour said it is a router (RFC 4861 §4.4, R flag) */
  router: boolean;
}

/** Where an address is known: one per interface. */
export interface NeighbourHit {
  interface: string;
  state: NeighbourState;
  mac: string | undefined;
  router: boolean;
}

export interface NeighbourTableOptions {
  /** ms a snapshot is used before a lookup starts a re-read (default 2000) */
  maxAge?: number;
  /** returns `ip -j neigh` output (tests: a fake); default runs iproute2's `ip` */
  read?: () => Promise<string>;
  /** clock in ms (tests); default `performance.now` */
  now?: () => number;
  /**
   * a registry whose interface watcher (started after the first read, never holding the program
   * open) makes every interface change start a re-read; default none (age only)
   */
  registry?: InterfaceRegistry;
}

export const DEFAULT_NEIGHBOUR_MAX_AGE = 2000;
/** a table larger than this is cut (the kernel's default gc_thresh3 is 1024 per family) */
const MAX_ENTRIES = 16_384;
const READ_TIMEOUT = 2000;

const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/;

/**
 * Parses `ip -j neigh` output (iproute2 JSON: `dst`, `dev`, `lladdr`, `state: [..]`, and `router:
 * null` when the R flag is set). Entries that are not addresses are skipped; malformed JSON is
 * ERR_SYSTEM (the output of the system's `ip` cannot be used).
 */
export function parseNeighbours(text: string): Neighbour[] {
  let rows: unknown;
  try {
    rows = text.trim() === '' ? [] : JSON.parse(text);
  } catch (error) {
    throw new Fe80Error('ERR_SYSTEM', 'cannot parse the output of `ip -j neigh` (not JSON)', { cause: error });
  }
  if (!Array.isArray(rows)) throw new Fe80Error('ERR_SYSTEM', 'cannot parse the output of `ip -j neigh` (not a JSON array)');
  const out: Neighbour[] = [];
  for (const row of rows) {
    if (out.length >= MAX_ENTRIES) break;
    if (typeof row !== 'object' || row === null) continue;
    const r = row as Record<string, unknown>;
    if (typeof r.dst !== 'string' || typeof r.dev !== 'string' || r.dev === '') continue;
    let address = ScopedAddress.tryParse(r.dst);
    if (address === undefined || address.zone !== undefined) continue;
    address = address.unmap();
    if (address.requiresZone()) address = address.withZone(r.dev);
    const states = Array.isArray(r.state) ? r.state.filter((s): s is string => typeof s === 'string' && STATES.has(s)) : [];
    const lladdr = typeof r.lladdr === 'string' ? r.lladdr.toLowerCase() : undefined;
    out.push({
      address,
      interface: r.dev,
      mac: lladdr !== undefined && MAC.test(lladdr) ? lladdr : undefined,
      state: (states[0] as NeighbourState | undefined) ?? 'NONE',
      router: 'router' in r,
    });
  }
  return out;
}

/** Runs `ip -j neigh show` (both families). ERR_UNSUPPORTED off Linux, ERR_SYSTEM without iproute2. */
function readNeighbourTable(): Promise<string> {
  if (process.platform !== 'linux') {
    return Promise.reject(new Fe80Error('ERR_UNSUPPORTED', `the neighbour table is read with iproute2, which is Linux only (this is ${process.platform})`));
  }
  return new Promise((resolve, reject) => {
    execFile('ip', ['-j', 'neigh', 'show'], { timeout: READ_TIMEOUT, maxBuffer: 8 << 20, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error === null) return resolve(stdout);
      const code = (error as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'iproute2 is not installed (no `ip` on PATH)' : `\`ip -j neigh\` failed: ${(stderr || error.message).trim().slice(0, 200)}`;
      reject(new Fe80Error('ERR_SYSTEM', why, { cause: error }));
    });
  });
}

/** confirmed first, then configured, then being re-confirmed, then unconfirmed */
const RANK: Partial<Record<NeighbourState, number>> = { REACHABLE: 0, PERMANENT: 1, DELAY: 2, PROBE: 3, STALE: 4 };

const NONE: readonly NeighbourHit[] = Object.freeze([]);

const keyOf = (address: ScopedAddress): string => address.unmap().address;

/**
 * The neighbour table in memory. `lookup` never blocks and never reads the kernel itself: it
 * answers from the last snapshot and, when that is older than `maxAge`, starts a re-read in the
 * background. `refresh()` reads now (one read at a time, shared by all callers).
 */
export class NeighbourTable {
  readonly #maxAge: number;
  readonly #read: () => Promise<string>;
  readonly #now: () => number;
  /** a test clock was given: staleness is computed from it instead of a timer */
  readonly #clocked: boolean;
  /** a read landed less than maxAge ago (cleared by a timer: a clock read costs more than a lookup) */
  #fresh = false;
  #expiry: NodeJS.Timeout | undefined;
  readonly #registry: InterfaceRegistry | undefined;
  #watcher: InterfaceWatcher | undefined;
  readonly #parsed = new BoundedMap<string, { key: string; zone: string | undefined }>(256);
  #entries: readonly Neighbour[] = [];
  /** address key -> the known hits, sorted, frozen (built once per read: a lookup is a Map hit) */
  #hits = new Map<string, readonly NeighbourHit[]>();
  #readAt = -Infinity;
  #pending: Promise<void> | undefined;
  #problem: Fe80Error | undefined;

  constructor(options?: NeighbourTableOptions) {
    const o = checkObject(options, 'options');
    this.#maxAge = checkMs(o.maxAge, 'maxAge') ?? DEFAULT_NEIGHBOUR_MAX_AGE;
    this.#read = checkFunction<() => Promise<string>>(o.read, 'read') ?? readNeighbourTable;
    if (o.registry !== undefined && (typeof o.registry !== 'object' || o.registry === null || typeof (o.registry as InterfaceRegistry).watch !== 'function')) {
      throw invalid('registry', 'an InterfaceRegistry', o.registry);
    }
    this.#registry = o.registry;
    const now = checkFunction<() => number>(o.now, 'now');
    this.#clocked = now !== undefined;
    this.#now = now ?? (() => performance.now());
  }

  /**
   * The interfaces on which `address` is known (REACHABLE, STALE, DELAY, PROBE, PERMANENT), one
   * hit per interface, REACHABLE first, then PERMANENT, DELAY, PROBE, STALE. A zoned address is looked up on its zone only. Answers
   * from the snapshot; a stale snapshot starts a background re-read for the next caller. The
   * arrays and hits returned are frozen and shared (a lookup costs one Map hit).
   */
  lookup(address: string | ScopedAddress): readonly NeighbourHit[] {
    let key: string;
    let zone: string | undefined;
    if (address instanceof ScopedAddress) {
      key = keyOf(address);
      zone = address.zone;
    } else {
      const parsed = typeof address === 'string' ? this.#parse(address) : undefined;
      if (parsed === undefined) throw invalid('address', 'an IP address', address);
      ({ key, zone } = parsed);
    }
    this.#maybeRefresh();
    const hits = this.#hits.get(key);
    if (hits === undefined) return NONE;
    if (zone === undefined) return hits;
    const on = hits.find((h) => h.interface === zone);
    return on === undefined ? NONE : [on];
  }

  #parse(text: string): { key: string; zone: string | undefined } | undefined {
    let p = this.#parsed.get(text);
    if (p === undefined) {
      const a = ScopedAddress.tryParse(text);
      if (a === undefined) return undefined;
      p = { key: keyOf(a), zone: a.zone };
      this.#parsed.set(text, p);
    }
    return p;
  }

  /** Every entry of the last snapshot (all states), optionally of one interface. */
  entries(iface?: string): readonly Neighbour[] {
    this.#maybeRefresh();
    return iface === undefined ? this.#entries : this.#entries.filter((n) => n.interface === iface);
  }

  /** Reads the kernel's table now; concurrent calls share one read. Rejects if it cannot be read. */
  refresh(): Promise<void> {
    this.#pending ??= this.#read()
      .then(
        (text) => {
          this.#apply(parseNeighbours(text));
          this.#problem = undefined;
        },
        (error: unknown) => {
          this.#problem = error instanceof Fe80Error ? error : new Fe80Error('ERR_SYSTEM', `cannot read the neighbour table: ${String(error)}`, { cause: error });
          throw this.#problem;
        },
      )
      .finally(() => {
        this.#readAt = this.#now();
        this.#pending = undefined;
        this.#fresh = true;
        if (this.#expiry !== undefined) clearTimeout(this.#expiry);
        this.#expiry = setTimeout(() => (this.#fresh = false), this.#maxAge);
        this.#expiry.unref();
        this.#watch();
      });
    return this.#pending;
  }

  /** The next lookup starts a re-read (an interface changed: its entries went with it). */
  invalidate(): void {
    this.#readAt = -Infinity;
    this.#fresh = false;
  }

  /** Stops following interface changes (the table keeps answering, refreshed by age). */
  close(): void {
    this.#watcher?.close();
  }

  #watch(): void {
    if (this.#watcher !== undefined || this.#registry === undefined) return;
    try {
      this.#watcher = this.#registry.watch({ persistent: false });
      this.#watcher.on('event', (e) => {
        // an interface gone, down or renamed takes its entries with it at once; then re-read
        if (e.type === 'removed' || e.type === 'down' || e.type === 'renamed') {
          const gone = new Set([e.interface.name, ...('previous' in e ? [e.previous.name] : [])]);
          this.#apply(this.#entries.filter((n) => !gone.has(n.interface)));
        }
        this.invalidate();
        this.refresh().catch(() => {});
      });
      this.#watcher.on('error', () => {}); // it polls meanwhile; the age still bounds staleness
    } catch {
      // no watcher here: age-based refresh only
    }
  }

  /** ms since the last read finished (Infinity: never read). */
  get age(): number {
    return this.#now() - this.#readAt;
  }

  /** Why the last read failed (no iproute2, not Linux), or undefined. */
  get problem(): Fe80Error | undefined {
    return this.#problem;
  }

  #maybeRefresh(): void {
    if (this.#pending !== undefined) return;
    if (this.#clocked ? this.#now() - this.#readAt > this.#maxAge : !this.#fresh) this.refresh().catch(() => {});
  }

  #apply(entries: readonly Neighbour[]): void {
    const by = new Map<string, NeighbourHit[]>();
    for (const n of entries) {
      if (!KNOWN_STATES.has(n.state)) continue;
      const key = keyOf(n.address);
      const hit: NeighbourHit = Object.freeze({ interface: n.interface, state: n.state, mac: n.mac, router: n.router });
      const list = by.get(key);
      if (list === undefined) by.set(key, [hit]);
      else if (!list.some((h) => h.interface === n.interface)) list.push(hit);
    }
    const hits = new Map<string, readonly NeighbourHit[]>();
    for (const [key, list] of by) hits.set(key, Object.freeze(list.sort((x, y) => (RANK[x.state] ?? 9) - (RANK[y.state] ?? 9))));
    this.#entries = Object.freeze(entries.map((n) => Object.freeze(n)));
    this.#hits = hits;
  }
}

/** The process-wide table (`ip -j neigh`, re-read in the background after 2 s or when an interface changes). */
export const neighbourTable = new NeighbourTable({ registry: defaultRegistry });

/** {@link NeighbourTable.lookup} on the process-wide table. */
export function lookupNeighbour(address: string | ScopedAddress): readonly NeighbourHit[] {
  return neighbourTable.lookup(address);
}
