// The one bounded cache of fe80: a Map that forgets its oldest entry when full (insertion order,
// no reordering on a hit: a hit costs one Map lookup). Used to remember parses and encodings of
// text that programs repeat (endpoints, URLs, mDNS names and queries); never for facts that can
// go stale, which have their own lifetimes.
export class BoundedMap<K, V> {
  readonly #map = new Map<K, V>();
  readonly #max: number;

  constructor(max: number) {
    this.#max = max;
  }

  get(key: K): V | undefined {
    return this.#map.get(key);
  }

  set(key: K, value: V): void {
    if (!this.#map.has(key) && this.#map.size >= this.#max) this.#map.delete(this.#map.keys().next().value as K);
    this.#map.set(key, value);
  }

  /** The value for `key`, made by `make` and remembered on a miss. */
  getOrSet(key: K, make: () => V): V {
    let value = this.#map.get(key);
    if (value === undefined) {
      value = make();
      this.set(key, value);
    }
    return value;
  }

  get size(): number {
    return this.#map.size;
  }

  clear(): void {
    this.#map.clear();
  }
}
