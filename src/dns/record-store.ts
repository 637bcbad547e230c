// The record store under both mDNS caches (the resolver's known-answer cache and the DNS-SD
// browser's): records per (interface, owner name, type), each kept for its TTL (RFC 6762 §10).
// Keyed so that every add is constant time whatever a packet holds: a Map of record sets, each a
// Map keyed by the record's data, with a bound per set and a bound on the whole store; a hostile
// packet costs its decoding and at most one bounded set walk per (name, type), never a rebuild.

export interface StoredRecord<D> {
  /** decoded RDATA */
  readonly data: D;
  /** identity of the RDATA within its set (the same data is one record) */
  readonly id: string;
  /** the owner name as received */
  readonly name: string;
  /** TTL in seconds as stored (after the cap the caller applied) */
  ttl: number;
  /** ms timestamps on the store's clock */
  received: number;
  expires: number;
}

export interface RecordStoreOptions {
  /** most records in the whole store (default 1024); the least recently changed sets go first */
  maxRecords?: number;
  /** most records per (interface, name, type) (default 32); newcomers beyond it are dropped */
  maxPerSet?: number;
  /** clock in ms, for tests (default Date.now) */
  now?: () => number;
}

/** What an add did, for the browser's events. */
export type AddOutcome = 'new' | 'refreshed' | 'goodbye' | 'dropped';

interface RecordSet<D> {
  readonly records: Map<string, StoredRecord<D>>;
  /** time of the last cache-flush applied to this set (RFC 6762 §10.2), so one packet applies it once */
  flushedAt: number;
}

/** The store's key of a record set. */
export function setKey(iface: string, nameKey: string, type: string): string {
  return `${iface}\u0000${nameKey}\u0000${type}`;
}

export class RecordStore<D> {
  readonly #sets = new Map<string, RecordSet<D>>();
  readonly #max: number;
  readonly #maxPerSet: number;
  readonly #now: () => number;
  #size = 0;

  constructor(options: RecordStoreOptions = {}) {
    this.#max = options.maxRecords ?? 1024;
    this.#maxPerSet = options.maxPerSet ?? 32;
    this.#now = options.now ?? Date.now;
  }

  now(): number {
    return this.#now();
  }

  /**
   * Stores one record of the set `key` (see setKey). A TTL of 0 (goodbye, RFC 6762 §10.1) makes
   * the record expire one second later and meanwhile it is no longer returned. `cacheFlush`
   * (§10.2) makes records of the set received more than one second ago expire one second later
   * (and no longer be returned); it is applied once per set per packet, so a packet full of
   * cache-flush records walks each (bounded) set once. `limit` overrides `maxPerSet` for this set
   * (a DNS-SD type's PTR set lists every instance of the type).
   */
  add(key: string, id: string, name: string, data: D, ttl: number, cacheFlush: boolean, limit = this.#maxPerSet): AddOutcome {
    const now = this.#now();
    let set = this.#sets.get(key);
    if (set === undefined) {
      set = { records: new Map(), flushedAt: -Infinity };
      this.#sets.set(key, set);
    } else {
      // re-inserted last: Map order is the age order the store bound evicts by
      this.#sets.delete(key);
      this.#sets.set(key, set);
    }
    if (cacheFlush && set.flushedAt !== now) {
      // once per set per ms (one packet): the walk is bounded by maxPerSet, never per record
      set.flushedAt = now;
      for (const r of set.records.values()) {
        if (r.received < now - 1000 && r.ttl > 0) {
          r.ttl = 0; // no longer returned; dropped a second later
          r.expires = Math.min(r.expires, now + 1000);
        }
      }
    }
    const old = set.records.get(id);
    if (ttl === 0) {
      if (old === undefined) return 'dropped';
      old.ttl = 0;
      old.expires = Math.min(old.expires, now + 1000);
      return 'goodbye';
    }
    if (old !== undefined) {
      old.ttl = ttl;
      old.received = now;
      old.expires = now + ttl * 1000;
      return 'refreshed';
    }
    if (set.records.size >= limit) {
      this.#purge(key, set, now, false);
      if (set.records.size >= limit) return 'dropped';
    }
    set.records.set(id, { data, id, name, ttl, received: now, expires: now + ttl * 1000 });
    this.#size += 1;
    if (this.#size > this.#max) this.#evict(key);
    return 'new';
  }

  /** Live records of the set (not expired, TTL not 0), oldest first. Expired ones are dropped on the way. */
  get(key: string): StoredRecord<D>[] {
    const set = this.#sets.get(key);
    if (set === undefined) return [];
    const now = this.#now();
    const out: StoredRecord<D>[] = [];
    let expired = false;
    for (const r of set.records.values()) {
      if (r.expires <= now) expired = true;
      else if (r.ttl > 0) out.push(r);
    }
    if (expired) this.#purge(key, set, now);
    return out;
  }

  /**
   * The records of the set as stored, expired and goodbye ones included (no copy, for hot paths
   * that check `expires` and `ttl` themselves; do not keep the iterable).
   */
  raw(key: string): Iterable<StoredRecord<D>> | undefined {
    return this.#sets.get(key)?.records.values();
  }

  /** The record `id` of the set, live or not (undefined once dropped). */
  peek(key: string, id: string): StoredRecord<D> | undefined {
    return this.#sets.get(key)?.records.get(id);
  }

  /** Removes a whole set. */
  delete(key: string): void {
    const set = this.#sets.get(key);
    if (set === undefined) return;
    this.#size -= set.records.size;
    this.#sets.delete(key);
  }

  /** Number of records held (expired ones included until their set is next touched). */
  get size(): number {
    return this.#size;
  }

  clear(): void {
    this.#sets.clear();
    this.#size = 0;
  }

  /** Drops the expired records of a set, and the set itself once empty unless `dropEmpty` is false (an add is under way). */
  #purge(key: string, set: RecordSet<D>, now: number, dropEmpty = true): void {
    for (const [id, r] of set.records) {
      if (r.expires <= now) {
        set.records.delete(id);
        this.#size -= 1;
      }
    }
    if (dropEmpty && set.records.size === 0) this.#sets.delete(key);
  }

  /** Drops the least recently changed sets (never `keep`, the one just added to) until under the bound. */
  #evict(keep: string): void {
    for (const [key, set] of this.#sets) {
      if (this.#size <= this.#max) return;
      if (key === keep) continue;
      this.#sets.delete(key);
      this.#size -= set.records.size;
    }
  }
}
