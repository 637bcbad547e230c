// Known-answer cache of the mDNS resolver: address records per (interface, name, type), each kept
// for its TTL (RFC 6762 §5.2, §10), on the constant-time record store; plus what is known *not* to
// be there: types a responder did not publish, and interfaces that stayed silent (a negative cache
// per (interface, name, type), §7.1 style), so lookups are served without waiting on them again.
import type { ScopedAddress } from '../addr/index.js';
import { MAX_PER_SET, MAX_TTL } from './limits.js';
import type { KnownAnswer } from './packet.js';
import { RecordStore, setKey } from './record-store.js';

export interface CachedRecord {
  address: ScopedAddress;
  /** the owner name as received */
  name: string;
  type: 'A' | 'AAAA';
  /** TTL in seconds as stored (received, capped at 75 minutes) */
  ttl: number;
  /** ms timestamps (the cache's clock, Date.now() by default) */
  received: number;
  expires: number;
}

export interface MdnsCacheOptions {
  /** maximum number of records kept (default 1024); the least recently changed (interface, name, type) go first */
  maxRecords?: number;
  /**
   * ms an interface that was asked and stayed silent is remembered as silent (default 3000; `0`
   * turns the negative cache off). Each repeated silence doubles it, up to `maxSilence`.
   */
  silence?: number;
  /** cap of the silence lifetime in ms (default 30000) */
  maxSilence?: number;
  /** clock, for tests */
  now?: () => number;
}

/** What the negative cache knows of one (interface, name, type). */
export type Silence = 'none' | 'silent' | 'expired';

interface SilenceEntry {
  until: number;
  /** consecutive silences (the lifetime doubles with each) */
  strikes: number;
}

/** cached records with less than this fraction of their TTL left are refreshed (RFC 6762 §5.2: 80%) */
const REFRESH_FRACTION = 0.2;
/** records with more than this fraction of their TTL left are listed as known answers (RFC 6762 §7.1) */
const KNOWN_ANSWER_FRACTION = 0.5;

const DEFAULT_SILENCE = 3000;
const DEFAULT_MAX_SILENCE = 30_000;

export class MdnsCache {
  readonly #store: RecordStore<{ address: ScopedAddress; type: 'A' | 'AAAA' }>;
  /** (interface, name, type) a completed query asked for and got no record of, while others were answered: key -> expiry (ms) */
  readonly #absent = new Map<string, number>();
  /** (interface, name, type) asked and silent: key -> entry; kept past expiry so repeated silence is seen */
  readonly #silent = new Map<string, SilenceEntry>();
  readonly #max: number;
  readonly #silence: number;
  readonly #maxSilence: number;
  readonly #now: () => number;

  constructor(options: MdnsCacheOptions = {}) {
    this.#max = options.maxRecords ?? 1024;
    this.#now = options.now ?? Date.now;
    this.#silence = options.silence ?? DEFAULT_SILENCE;
    this.#maxSilence = Math.max(this.#silence, options.maxSilence ?? DEFAULT_MAX_SILENCE);
    this.#store = new RecordStore({ maxRecords: this.#max, maxPerSet: MAX_PER_SET, now: this.#now });
  }

  /** The current time on the cache's clock. */
  now(): number {
    return this.#now();
  }

  /**
   * Stores a record received on `iface` (constant time). A TTL of 0 (goodbye, RFC 6762 §10.1)
   * hides the record at once and drops it a second later. `cacheFlush` (§10.2) hides records of
   * the same (interface, name, type) received more than one second ago. TTLs are capped at 75
   * minutes (§10); at most 32 records per (interface, name, type) are kept, newcomers beyond that
   * are dropped (a flood cannot push out what was learned before it).
   */
  add(iface: string, nameKey: string, record: Omit<CachedRecord, 'received' | 'expires'>, cacheFlush = false): void {
    const key = setKey(iface, nameKey, record.type);
    this.#absent.delete(key);
    this.#silent.delete(key);
    const ttl = Math.min(record.ttl, MAX_TTL);
    this.#store.add(key, record.address.toString(), record.name, { address: record.address, type: record.type }, ttl, cacheFlush);
  }

  /** Fresh records (TTL not 0, not expired) for (interface, name, type), oldest first. */
  get(iface: string, nameKey: string, type: 'A' | 'AAAA'): CachedRecord[] {
    return this.#store.get(setKey(iface, nameKey, type)).map((r) => ({
      address: r.data.address,
      name: r.name,
      type: r.data.type,
      ttl: r.ttl,
      received: r.received,
      expires: r.expires,
    }));
  }

  /**
   * Notes that a query which got answers for a name on `iface` got none of `type` (a host that
   * publishes only AAAA): for `ttl` seconds that type counts as answered, so an A+AAAA lookup is
   * served from the cache instead of waiting out a query nobody answers (the role NSEC records
   * play in RFC 6762 §6.1, which responders do not always send).
   */
  markAbsent(iface: string, nameKey: string, type: 'A' | 'AAAA', ttl: number): void {
    const key = setKey(iface, nameKey, type);
    this.#absent.delete(key); // re-inserted last: Map order is age order for the bound below
    this.#absent.set(key, this.#now() + Math.min(ttl, MAX_TTL) * 1000);
    if (this.#absent.size > this.#max) this.#absent.delete(this.#absent.keys().next().value as string);
  }

  /** Reports whether `type` is known to be absent for (interface, name) (see markAbsent). */
  absent(iface: string, nameKey: string, type: 'A' | 'AAAA'): boolean {
    const key = setKey(iface, nameKey, type);
    const expires = this.#absent.get(key);
    if (expires === undefined) return false;
    if (expires > this.#now()) return true;
    this.#absent.delete(key);
    return false;
  }

  /**
   * Notes that `iface` was asked for `types` of a name and nothing came back (RFC 6762 §7.1-style
   * negative caching): for the next `silence` ms (3 s by default) those types count as answered
   * with nothing there, so a lookup is served from what other interfaces answered, and a name that
   * is nowhere fails at once. A silence that repeats (marked again within `maxSilence` of the last
   * one ending) lasts twice as long, up to `maxSilence` (30 s); any record of the type clears it.
   * Returns the lifetime given, in ms (0 when the negative cache is off).
   */
  markSilent(iface: string, nameKey: string, types: readonly ('A' | 'AAAA')[]): number {
    if (this.#silence === 0) return 0;
    const now = this.#now();
    let lifetime = 0;
    for (const type of types) {
      const key = setKey(iface, nameKey, type);
      const old = this.#silent.get(key);
      const strikes = old !== undefined && now - old.until < this.#maxSilence ? old.strikes + 1 : 1;
      lifetime = Math.min(this.#silence * 2 ** Math.min(strikes - 1, 30), this.#maxSilence);
      this.#silent.delete(key); // re-inserted last: age order for the bound
      this.#silent.set(key, { until: now + lifetime, strikes });
      if (this.#silent.size > this.#max) this.#silent.delete(this.#silent.keys().next().value as string);
    }
    return lifetime;
  }

  /**
   * What the negative cache knows of (interface, name, type): `'silent'` while a silence lasts,
   * `'expired'` when it ended less than `maxSilence` ago (asked before, nothing came; worth asking
   * again without waiting for the answer), else `'none'`.
   */
  silence(iface: string, nameKey: string, type: 'A' | 'AAAA'): Silence {
    return this.#silenceOf(setKey(iface, nameKey, type), this.#now());
  }

  #silenceOf(key: string, now: number): Silence {
    const entry = this.#silent.get(key);
    if (entry === undefined) return 'none';
    if (entry.until > now) return 'silent';
    if (now - entry.until < this.#maxSilence) return 'expired';
    this.#silent.delete(key);
    return 'none';
  }

  /** ms until the silence of (interface, name, type) ends (0 when none). */
  silentFor(iface: string, nameKey: string, type: 'A' | 'AAAA'): number {
    const entry = this.#silent.get(setKey(iface, nameKey, type));
    return entry === undefined ? 0 : Math.max(0, entry.until - this.#now());
  }

  /**
   * Splits a query on one interface into what the cache answers and what the network must: each
   * record type is decided on its own (one pass, one key per (interface, name, type)), so an
   * earlier AAAA-only query does not make an A+AAAA query skip the network for A.
   */
  plan(iface: string, nameKey: string, types: readonly ('A' | 'AAAA')[]): CachePlan {
    const plan: CachePlan = { answers: [], missing: [], silent: [], silenceEnded: false, known: [] };
    const now = this.#now();
    let ended = 0;
    for (const type of types) {
      const key = setKey(iface, nameKey, type);
      let usable = 0;
      for (const r of this.#store.raw(key) ?? []) {
        const left = r.expires - now;
        if (left <= 0 || r.ttl === 0) continue;
        // RFC 6762 §5.2: refreshed (not used) with less than 20% left; §7.1: known with more than half
        if (left >= r.ttl * 1000 * REFRESH_FRACTION) {
          plan.answers.push({ address: r.data.address, name: r.name, ttl: Math.floor(left / 1000) });
          usable++;
        }
        if (left >= r.ttl * 1000 * KNOWN_ANSWER_FRACTION) plan.known.push({ name: r.name, type, ttl: Math.floor(left / 1000), data: r.data.address.address });
      }
      if (usable > 0) continue;
      const absent = this.#absent.get(key);
      if (absent !== undefined && absent > now) continue;
      const silence = this.#silenceOf(key, now);
      if (silence === 'silent') plan.silent.push(type);
      else {
        plan.missing.push(type);
        if (silence === 'expired') ended++;
      }
    }
    plan.silenceEnded = plan.missing.length > 0 && ended === plan.missing.length;
    return plan;
  }

  /** Remaining TTL of a record in whole seconds (0 when expired). */
  remaining(record: CachedRecord): number {
    return Math.max(0, Math.floor((record.expires - this.#now()) / 1000));
  }

  /** Reports whether less than `fraction` of the record's TTL is left (refresh due, RFC 6762 §5.2). */
  stale(record: CachedRecord, fraction: number): boolean {
    return record.expires - this.#now() < record.ttl * 1000 * fraction;
  }

  /** Number of records held (expired ones included until next touched). */
  get size(): number {
    return this.#store.size;
  }

  clear(): void {
    this.#store.clear();
    this.#absent.clear();
    this.#silent.clear();
  }
}

/** A cached answer as a query uses it. */
export interface CachedAnswer {
  address: ScopedAddress;
  /** the owner name as received */
  name: string;
  /** whole seconds of TTL left */
  ttl: number;
}

/** What the cache holds for one (interface, name) query, and what is left to ask the network. */
export interface CachePlan {
  /** records usable as answers: more than 20% of their TTL left (§5.2) */
  answers: CachedAnswer[];
  /** requested types with no usable record and not known to be absent or silent: the interface must be queried */
  missing: ('A' | 'AAAA')[];
  /** requested types the interface is remembered to be silent about (the negative cache) */
  silent: ('A' | 'AAAA')[];
  /** every missing type was silent before and that silence just ended: asking again need not hold up a caller that has other answers */
  silenceEnded: boolean;
  /** records to list in the query's answer section: more than half their TTL left (§7.1) */
  known: KnownAnswer[];
}

/** The process-wide cache used by `resolveMdns` and `lookup` unless told otherwise. */
export const mdnsCache = new MdnsCache();
