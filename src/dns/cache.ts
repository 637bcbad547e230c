// Known-answer cache for the mDNS resolver: address records per (interface, name, type), each
// kept for its TTL (RFC 6762 §5.2, §10). Bounded, so a flood of answers cannot grow it without end.
import type { ScopedAddress } from '../addr/index.js';
import type { KnownAnswer } from './packet.js';

export interface CachedRecord {
  address: ScopedAddress;
  /** the owner name as received */
  name: string;
  type: 'A' | 'AAAA';
  /** TTL in seconds as received */
  ttl: number;
  /** ms timestamps (Date.now() clock) */
  received: number;
  expires: number;
}

export interface MdnsCacheOptions {
  /** maximum number of records kept (default 1024); the oldest go first */
  maxRecords?: number;
  /** clock, for tests */
  now?: () => number;
}

export class MdnsCache {
  readonly #entries = new Map<string, CachedRecord[]>();
  /** (interface, name, type) a completed query asked for and got no record of: key -> expiry (ms) */
  readonly #absent = new Map<string, number>();
  readonly #max: number;
  readonly #now: () => number;
  #size = 0;

  constructor(options: MdnsCacheOptions = {}) {
    this.#max = options.maxRecords ?? 1024;
    this.#now = options.now ?? Date.now;
  }

  static #key(iface: string, nameKey: string, type: string): string {
    return `${iface}\u0000${nameKey}\u0000${type}`;
  }

  /** The current time on the cache's clock. */
  now(): number {
    return this.#now();
  }

  /**
   * Stores a record received on `iface`. A TTL of 0 (goodbye, RFC 6762 §10.1) removes the record
   * one second later and meanwhile it is no longer returned. `cacheFlush` (§10.2) drops records of
   * the same (interface, name, type) received more than one second ago.
   */
  add(iface: string, nameKey: string, record: Omit<CachedRecord, 'received' | 'expires'>, cacheFlush = false): void {
    const now = this.#now();
    const key = MdnsCache.#key(iface, nameKey, record.type);
    let list = this.#entries.get(key);
    if (list === undefined) {
      list = [];
      this.#entries.set(key, list);
    }
    this.#absent.delete(key);
    const before = list.length;
    list = list.filter((r) => r.expires > now && !(cacheFlush && r.received < now - 1000) && !r.address.equals(record.address));
    this.#size += list.length - before;
    const expires = record.ttl === 0 ? now + 1000 : now + record.ttl * 1000;
    list.push({ ...record, ttl: record.ttl, received: now, expires });
    this.#size += 1;
    this.#entries.set(key, list);
    this.#evict();
  }

  /** Fresh records (TTL not 0, not expired) for (interface, name, type), oldest first. */
  get(iface: string, nameKey: string, type: 'A' | 'AAAA'): CachedRecord[] {
    const key = MdnsCache.#key(iface, nameKey, type);
    const list = this.#entries.get(key);
    if (list === undefined) return [];
    const now = this.#now();
    const fresh = list.filter((r) => r.expires > now);
    if (fresh.length !== list.length) {
      this.#size -= list.length - fresh.length;
      if (fresh.length === 0) this.#entries.delete(key);
      else this.#entries.set(key, fresh);
    }
    return fresh.filter((r) => r.ttl > 0);
  }

  /**
   * Notes that a query which got answers for a name on `iface` got none of `type` (a host that
   * publishes only AAAA): for `ttl` seconds that type counts as answered, so an A+AAAA lookup is
   * served from the cache instead of waiting out a query nobody answers (the role NSEC records
   * play in RFC 6762 §6.1, which responders do not always send).
   */
  markAbsent(iface: string, nameKey: string, type: 'A' | 'AAAA', ttl: number): void {
    const key = MdnsCache.#key(iface, nameKey, type);
    this.#absent.delete(key); // re-inserted last: Map order is age order for the bound below
    this.#absent.set(key, this.#now() + ttl * 1000);
    if (this.#absent.size > this.#max) this.#absent.delete(this.#absent.keys().next().value as string);
  }

  /** Reports whether `type` is known to be absent for (interface, name) (see markAbsent). */
  absent(iface: string, nameKey: string, type: 'A' | 'AAAA'): boolean {
    const key = MdnsCache.#key(iface, nameKey, type);
    const expires = this.#absent.get(key);
    if (expires === undefined) return false;
    if (expires > this.#now()) return true;
    this.#absent.delete(key);
    return false;
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
    return this.#size;
  }

  clear(): void {
    this.#entries.clear();
    this.#absent.clear();
    this.#size = 0;
  }

  #evict(): void {
    if (this.#size <= this.#max) return;
    const now = this.#now();
    for (const [key, list] of this.#entries) {
      const fresh = list.filter((r) => r.expires > now);
      this.#size -= list.length - fresh.length;
      if (fresh.length === 0) this.#entries.delete(key);
      else this.#entries.set(key, fresh);
    }
    // Map iteration order is insertion order: drop the oldest keys until under the bound.
    for (const [key, list] of this.#entries) {
      if (this.#size <= this.#max) break;
      this.#entries.delete(key);
      this.#size -= list.length;
    }
  }
}

/** cached records with less than this fraction of their TTL left are refreshed (RFC 6762 §5.2: 80%) */
const REFRESH_FRACTION = 0.2;
/** records with more than this fraction of their TTL left are listed as known answers (RFC 6762 §7.1) */
const KNOWN_ANSWER_FRACTION = 0.5;

/** What the cache holds for one (interface, name) query, and what is left to ask the network. */
export interface CachePlan {
  /** records usable as answers: more than 20% of their TTL left (§5.2) */
  answers: CachedRecord[];
  /** requested types with no usable record and not known to be absent: the interface must be queried */
  missing: ('A' | 'AAAA')[];
  /** records to list in the query's answer section: more than half their TTL left (§7.1) */
  known: KnownAnswer[];
}

/**
 * Splits a query on one interface into what the cache answers and what the network must: each
 * record type is decided on its own, so an earlier AAAA-only query does not make an A+AAAA query
 * skip the network for A.
 */
export function planFromCache(cache: MdnsCache, iface: string, nameKey: string, types: readonly ('A' | 'AAAA')[]): CachePlan {
  const plan: CachePlan = { answers: [], missing: [], known: [] };
  for (const type of types) {
    const records = cache.get(iface, nameKey, type);
    const usable = records.filter((r) => !cache.stale(r, REFRESH_FRACTION));
    if (usable.length === 0 && !cache.absent(iface, nameKey, type)) plan.missing.push(type);
    plan.answers.push(...usable);
    for (const r of records) {
      if (!cache.stale(r, KNOWN_ANSWER_FRACTION)) plan.known.push({ name: r.name, type, ttl: cache.remaining(r), data: r.address.address });
    }
  }
  return plan;
}

/** The process-wide cache used by `resolveMdns` and `lookup` unless told otherwise. */
export const mdnsCache = new MdnsCache();
