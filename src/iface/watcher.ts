// The public face of a watch: an EventEmitter and an async iterable of InterfaceEvents, filtered
// to some interfaces if asked, closed by close(), by its AbortSignal or by leaving a for-await.
import { EventEmitter } from 'node:events';
import { Fe80Error } from '../errors.js';
import { MAX_MS, checkBoolean, checkObject, checkSignal, invalid } from '../validate.js';
import { diffInterfaces } from './diff.js';
import type { InterfaceEvent, InterfaceInfo, WatchOptions } from './types.js';
import type { RegistryWatch, WatchSink } from './watch.js';
import { assertZoneIndex, assertZoneName, type NameRules } from './zone-name.js';

/** Events an iterator buffers for a slow consumer before the backlog is replaced by its net change. */
export const MAX_BUFFERED_EVENTS = 1024;

/** Event names of an InterfaceWatcher: every event type, `event` (all of them), `error`, `close`. */
export type InterfaceWatcherEvents = {
  event: [InterfaceEvent];
  added: [InterfaceEvent & { type: 'added' }];
  removed: [InterfaceEvent & { type: 'removed' }];
  renamed: [InterfaceEvent & { type: 'renamed' }];
  up: [InterfaceEvent & { type: 'up' }];
  down: [InterfaceEvent & { type: 'down' }];
  changed: [InterfaceEvent & { type: 'changed' }];
  'address-added': [InterfaceEvent & { type: 'address-added' }];
  'address-removed': [InterfaceEvent & { type: 'address-removed' }];
  error: [Fe80Error];
  close: [];
};

interface Filter {
  names: Set<string>;
  indexes: Set<number>;
}

export class InterfaceWatcher extends EventEmitter<InterfaceWatcherEvents> implements AsyncIterable<InterfaceEvent> {
  /** Resolves once the registry is kept current (the kernel's notifications flow, or the first poll ran). Never rejects. */
  readonly ready: Promise<void>;
  readonly #watch: RegistryWatch;
  readonly #filter: Filter | undefined;
  #release: (() => void) | undefined;
  #signal: AbortSignal | undefined;
  readonly #onAbort = (): void => this.close();
  #resolveReady!: () => void;
  #keepAlive: NodeJS.Timeout | undefined;
  // async iteration (one consumer)
  #iterating = false;
  #queue: InterfaceEvent[] = [];
  #base: readonly InterfaceInfo[] | undefined;
  #latest: readonly InterfaceInfo[] | undefined;
  #waiting: ((r: IteratorResult<InterfaceEvent>) => void)[] = [];

  /** @internal use `watchInterfaces()` or `registry.watch()` */
  constructor(watch: RegistryWatch, options: WatchOptions | undefined, rules: NameRules) {
    super();
    const o = checkObject(options, 'options');
    this.#signal = checkSignal(o.signal);
    this.#filter = filterOf(o.interfaces, rules);
    const persistent = checkBoolean(o.persistent, 'persistent') ?? true;
    this.#watch = watch;
    this.ready = new Promise((resolve) => (this.#resolveReady = resolve));
    if (this.#signal?.aborted) {
      this.#resolveReady();
      return;
    }
    const sink: WatchSink = {
      deliver: (events, before, after) => this.#deliver(events, before, after),
      error: (error) => {
        if (this.listenerCount('error') > 0) this.emit('error', error);
      },
      started: () => this.#resolveReady(),
    };
    this.#release = watch.addSink(sink);
    if (persistent) this.#keepAlive = setInterval(() => {}, MAX_MS); // a ref'd handle holds the loop
    this.#signal?.addEventListener('abort', this.#onAbort, { once: true });
  }

  /** `'netlink'` while the kernel's notifications keep the registry current, else `'poll'`. */
  get source(): 'netlink' | 'poll' {
    return this.#watch.source;
  }

  get closed(): boolean {
    return this.#release === undefined;
  }

  /** Stops watching (idempotent); an iteration in progress ends. */
  close(): void {
    const release = this.#release;
    if (release === undefined) return;
    this.#release = undefined;
    release();
    clearInterval(this.#keepAlive);
    this.#keepAlive = undefined;
    this.#signal?.removeEventListener('abort', this.#onAbort);
    this.#signal = undefined;
    this.#resolveReady();
    for (const w of this.#waiting.splice(0)) w({ done: true, value: undefined });
    this.#queue = [];
    this.emit('close');
  }

  #matches(e: InterfaceEvent): boolean {
    const f = this.#filter;
    if (f === undefined) return true;
    const i = e.interface;
    if (f.names.has(i.name) || (i.index > 0 && f.indexes.has(i.index))) return true;
    return e.type === 'renamed' && f.names.has(e.previous.name);
  }

  #deliver(events: readonly InterfaceEvent[], before: readonly InterfaceInfo[], after: readonly InterfaceInfo[]): void {
    if (this.closed) return;
    const mine = this.#filter === undefined ? events : events.filter((e) => this.#matches(e));
    if (mine.length === 0) return;
    for (const e of mine) {
      if (this.closed) return;
      this.emit('event', e);
      (this.emit as (name: string, e: InterfaceEvent) => boolean)(e.type, e);
    }
    if (!this.#iterating || this.closed) return;
    let i = 0;
    while (i < mine.length && this.#waiting.length > 0) (this.#waiting.shift() as (r: IteratorResult<InterfaceEvent>) => void)({ done: false, value: mine[i++] as InterfaceEvent });
    if (i === mine.length) return;
    if (this.#queue.length === 0) this.#base = before; // (events already handed over may come again after an overflow)
    this.#latest = after;
    for (; i < mine.length; i++) this.#queue.push(mine[i] as InterfaceEvent);
    if (this.#queue.length > MAX_BUFFERED_EVENTS && this.#base !== undefined) {
      // a consumer this far behind gets the net change since it last caught up, not every step
      this.#queue = diffInterfaces(this.#base, after).filter((e) => this.#matches(e));
    }
  }

  [Symbol.asyncIterator](): AsyncIterator<InterfaceEvent> {
    if (this.#iterating) throw new Fe80Error('ERR_INVALID_ARGUMENT', 'an InterfaceWatcher is iterated once; make another watcher for a second consumer');
    this.#iterating = true;
    return {
      next: () => {
        const e = this.#queue.shift();
        if (e !== undefined) {
          if (this.#queue.length === 0) this.#base = this.#latest;
          return Promise.resolve({ done: false, value: e });
        }
        if (this.closed) return Promise.resolve({ done: true, value: undefined });
        return new Promise((resolve) => this.#waiting.push(resolve));
      },
      return: () => {
        this.close();
        return Promise.resolve({ done: true, value: undefined });
      },
    };
  }
}

function filterOf(interfaces: unknown, rules: NameRules): Filter | undefined {
  if (interfaces === undefined) return undefined;
  if (!Array.isArray(interfaces)) throw invalid('interfaces', 'an array of interface names or indexes', interfaces);
  const f: Filter = { names: new Set(), indexes: new Set() };
  for (const z of interfaces as unknown[]) {
    if (typeof z === 'string') {
      assertZoneName(z, rules);
      f.names.add(z);
    } else if (typeof z === 'number') {
      assertZoneIndex(z);
      if (z === 0) throw invalid('interfaces entries', 'interface names or indexes >= 1', z);
      f.indexes.add(z);
    } else throw invalid('interfaces entries', 'interface names or indexes', z);
  }
  return f;
}
