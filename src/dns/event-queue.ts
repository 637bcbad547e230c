// The event queue behind a browser's async iterator: events wait here until the consumer asks,
// at most one pending event per key (a service), merged so a slow consumer costs bounded memory and
// still ends up with the right picture: found+updated is found (with the newer data), found+lost is
// nothing (it never saw it), updated+lost is lost, lost+found is updated (it saw it before).

export interface KeyedEvent<S> {
  type: 'found' | 'updated' | 'lost';
  service: S;
}

export class EventQueue<E extends KeyedEvent<unknown>> implements AsyncIterator<E> {
  readonly #pending = new Map<string, E>();
  readonly #waiting: { resolve: (r: IteratorResult<E>) => void; reject: (e: Error) => void }[] = [];
  #ended = false;
  #error: Error | undefined;
  readonly #onReturn: () => void;

  /** `onReturn` runs when the consumer stops early (break out of for await, or return()). */
  constructor(onReturn: () => void) {
    this.#onReturn = onReturn;
  }

  /** Queues `event` for `key`, merged with a pending one for the same key (see the file comment). */
  push(key: string, event: E): void {
    if (this.#ended) return;
    const waiter = this.#waiting.shift();
    if (waiter !== undefined) return waiter.resolve({ value: event, done: false });
    const old = this.#pending.get(key);
    if (old === undefined) {
      this.#pending.set(key, event);
      return;
    }
    this.#pending.delete(key); // re-queued last: its news is the newest
    if (old.type === 'found' && event.type === 'lost') return;
    if (old.type === 'found') this.#pending.set(key, { ...event, type: 'found' });
    else if (old.type === 'lost' && event.type === 'found') this.#pending.set(key, { ...event, type: 'updated' });
    else this.#pending.set(key, event);
  }

  /** Number of events waiting for the consumer. */
  get size(): number {
    return this.#pending.size;
  }

  /** No more events: the consumer gets what is pending, then the end (or `error`, once). */
  end(error?: Error): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#error = error;
    for (const waiter of this.#waiting.splice(0)) {
      if (this.#error !== undefined) {
        waiter.reject(this.#error);
        this.#error = undefined;
      } else waiter.resolve({ value: undefined, done: true });
    }
  }

  next(): Promise<IteratorResult<E>> {
    const first = this.#pending.entries().next();
    if (!first.done) {
      this.#pending.delete(first.value[0]);
      return Promise.resolve({ value: first.value[1], done: false });
    }
    if (this.#ended) {
      const error = this.#error;
      this.#error = undefined;
      return error === undefined ? Promise.resolve({ value: undefined, done: true }) : Promise.reject(error);
    }
    return new Promise((resolve, reject) => this.#waiting.push({ resolve, reject }));
  }

  return(): Promise<IteratorResult<E>> {
    this.#pending.clear();
    this.end();
    this.#onReturn();
    return Promise.resolve({ value: undefined, done: true });
  }
}
