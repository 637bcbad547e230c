// What keeps one registry current while someone watches it: the kernel's notifications (the
// shared `ip monitor` child, Linux backend only) or, failing that, polling the backend. Every
// burst of notifications is one re-read of the table; events are the difference between the
// table before and after a read, whichever read it was (a burst, a poll, a lookup's miss).
import type { Fe80Error } from '../errors.js';
import { diffInterfaces } from './diff.js';
import { LinuxBackend } from './linux-backend.js';
import { netlinkMonitor } from './monitor.js';
import type { InterfaceEvent, InterfaceInfo, RegistryBackend } from './types.js';

/** A burst of notifications is gathered this long (ms) before the one re-read it causes. */
const COALESCE_MS = 5;
/**
 * Reads the watcher causes take at most 1/WATCH_SHARE of a core: a burst that follows a read
 * closely waits until WATCH_SHARE x that read's CPU time has passed since it began (address
 * events can come from the link: router advertisements). Polls are spaced the same way.
 */
const WATCH_SHARE = 10;
export const DEFAULT_POLL_INTERVAL = 1000;

/** What the watch needs of its registry. */
export interface WatchHost {
  readonly backend: RegistryBackend;
  /** re-reads the backend (throws ERR_SYSTEM); the registry then calls `changed` */
  read(): void;
  /** when the last read started (ms, the registry's clock) and its CPU time (ms) */
  lastRead(): { startedAt: number; cost: number };
  now(): number;
}

/** A consumer of events (an InterfaceWatcher). */
export interface WatchSink {
  deliver(events: readonly InterfaceEvent[], before: readonly InterfaceInfo[], after: readonly InterfaceInfo[]): void;
  error(error: Fe80Error): void;
  started(): void;
}

export class RegistryWatch {
  readonly #host: WatchHost;
  readonly #pollInterval: number;
  readonly #sinks = new Set<WatchSink>();
  #holds = 0;
  #unsubscribe: (() => void) | undefined;
  #netlinkReady = false;
  #burst: NodeJS.Timeout | undefined;
  #poll: NodeJS.Timeout | undefined;
  #lastLineAt = -Infinity;
  #recreated = new Set<number>();
  #started = false;

  constructor(host: WatchHost, pollInterval: number) {
    this.#host = host;
    this.#pollInterval = pollInterval;
  }

  /**
   * Notifications are flowing, the table was read since they began, and no notification waits
   * for its read: the cache is current.
   */
  get current(): boolean {
    return this.#netlinkReady && this.#burst === undefined;
  }

  get source(): 'netlink' | 'poll' {
    return this.#netlinkReady ? 'netlink' : 'poll';
  }

  get active(): boolean {
    return this.#holds > 0;
  }

  /** Keeps the registry current until the returned function is called. */
  hold(): () => void {
    if (this.#holds++ === 0) this.#start();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--this.#holds === 0) this.#stop();
    };
  }

  addSink(sink: WatchSink): () => void {
    this.#sinks.add(sink);
    const release = this.hold();
    if (this.#started) queueMicrotask(() => this.#sinks.has(sink) && sink.started());
    return () => {
      if (this.#sinks.delete(sink)) release();
    };
  }

  /** Indexes reported deleted since the last read (taken by the read). */
  takeRecreated(): ReadonlySet<number> {
    const r = this.#recreated;
    if (r.size > 0) this.#recreated = new Set();
    return r;
  }

  /** Called by the registry after every read. Events go out in a microtask, never inside a lookup. */
  changed(before: readonly InterfaceInfo[], after: readonly InterfaceInfo[], recreated: ReadonlySet<number>): void {
    // a read that began after the last notification saw its change: no read pending any more
    if (this.#burst !== undefined && this.#host.lastRead().startedAt > this.#lastLineAt) {
      clearTimeout(this.#burst);
      this.#burst = undefined;
    }
    if (this.#sinks.size === 0 || before === after) return;
    const events = diffInterfaces(before, after, recreated);
    if (events.length === 0) return;
    const sinks = [...this.#sinks];
    queueMicrotask(() => {
      for (const s of sinks) if (this.#sinks.has(s)) s.deliver(events, before, after);
    });
  }

  #start(): void {
    const netlink = process.platform === 'linux' && this.#host.backend instanceof LinuxBackend && netlinkMonitor.available;
    if (netlink) {
      this.#unsubscribe = netlinkMonitor.subscribe({
        lines: (_count, deleted) => {
          for (const i of deleted) this.#recreated.add(i);
          this.#lastLineAt = this.#host.now();
          this.#schedule();
        },
        state: (ready) => {
          this.#netlinkReady = ready;
          if (ready) {
            this.#stopPolling();
            this.#read(); // what changed before ip subscribed, or while it was down
            this.#markStarted();
          } else this.#startPolling();
        },
        error: (error) => {
          if (!netlinkMonitor.available) {
            // no sh or ip: polling for good, starting now
            this.#stopPolling();
            this.#startPolling(true);
          }
          for (const s of this.#sinks) s.error(error);
        },
      });
    }
    // until the kernel's notifications flow (or for good without them): poll
    if (!this.#netlinkReady) this.#startPolling(!netlink);
  }

  #stop(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    this.#netlinkReady = false;
    this.#started = false;
    this.#stopPolling();
    if (this.#burst !== undefined) clearTimeout(this.#burst);
    this.#burst = undefined;
    this.#recreated = new Set();
  }

  #markStarted(): void {
    if (this.#started) return;
    this.#started = true;
    for (const s of this.#sinks) s.started();
  }

  /** One re-read per burst: COALESCE_MS after its first line, later if the last read was costly. */
  #schedule(): void {
    if (this.#burst !== undefined) return;
    const { startedAt, cost } = this.#host.lastRead();
    const delay = Math.max(COALESCE_MS, startedAt + WATCH_SHARE * cost - this.#host.now());
    this.#burst = setTimeout(() => {
      this.#burst = undefined;
      // a lookup may have read since the last line: then that read saw the change
      if (this.#host.lastRead().startedAt > this.#lastLineAt) return;
      this.#read();
    }, delay);
    this.#burst.unref();
  }

  #startPolling(first = false): void {
    if (this.#poll !== undefined || this.#holds === 0) return;
    const tick = (): void => {
      this.#poll = undefined;
      if (this.#holds === 0 || this.#netlinkReady) return;
      this.#read();
      this.#markStarted();
      this.#startPolling();
    };
    const { cost } = this.#host.lastRead();
    this.#poll = setTimeout(tick, first ? 0 : Math.max(this.#pollInterval, WATCH_SHARE * cost));
    this.#poll.unref();
  }

  #stopPolling(): void {
    if (this.#poll !== undefined) clearTimeout(this.#poll);
    this.#poll = undefined;
  }

  #read(): void {
    try {
      this.#host.read();
    } catch (error) {
      for (const s of this.#sinks) s.error(error as Fe80Error);
    }
  }
}
