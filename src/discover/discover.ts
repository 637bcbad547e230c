// discover(): who is on these links. Starts every chosen source on every chosen interface, merges
// what they see into one record per device per link (devices.ts), and reports found / updated /
// lost events as an async iterator; discoverAll() is the promise form. An interface watcher
// (watchInterfaces: the kernel's notifications where it can get them, polling elsewhere) keeps
// the links current: a link that goes down or away loses its devices at once and its per-link
// sources stop (and start again when it is back, while watching).
import { Fe80Error, quote } from '../errors.js';
import { registry as defaultRegistry, type InterfaceInfo, type InterfaceRegistry, type InterfaceWatcher } from '../iface/index.js';
import { checkBoolean, checkMs, checkObject, checkSignal, invalid } from '../validate.js';
import { chooseInterfaces, type InterfaceJob } from '../dns/interfaces.js';
import { DeviceTable, type Observation } from './devices.js';
import type { Source, SourceContext } from './source.js';
import { dnssdSource, type DnsSdBrowse } from './sources/dnssd.js';
import { lldpSource } from './sources/lldp.js';
import { neighbourSource } from './sources/neighbours.js';
import { pingSource } from './sources/ping.js';
import { ssdpSource } from './sources/ssdp.js';
import { SOURCE_NAMES, type Device, type DeviceEvent, type DiscoverEvent, type DiscoverResult, type LostReason, type SourceName, type SourceReport } from './types.js';

export interface DiscoverOptions {
  /** interfaces to look on, by name or index; default: every up, non-loopback interface with an IPv6 link-local address */
  interfaces?: readonly (string | number)[];
  /** which sources to use (default: all); each reports why it did not run */
  sources?: readonly SourceName[];
  /** ms until the discovery ends (default 3000; with `watch`: none) */
  timeout?: number;
  /** keep running, reporting devices as they come and go, until `signal` aborts or `stop()` */
  watch?: boolean;
  signal?: AbortSignal;
  registry?: InterfaceRegistry;
  /** lldpd's control socket, when not the default `/run/lldpd.socket` (lldpcli -u) */
  lldpSocket?: string;
  /** the DNS-SD browser to use (default: `browseServices`) */
  browse?: DnsSdBrowse;
}

export const DEFAULT_DISCOVER_TIMEOUT = 3000;
const SOURCES: Readonly<Record<SourceName, Source>> = {
  dnssd: dnssdSource,
  ping: pingSource,
  neighbours: neighbourSource,
  ssdp: ssdpSource,
  lldp: lldpSource,
};
/** a safety net beside the watcher's events (a watcher that could not start still polls) */
/** discover's interfaces: the neighbour table and lldp need no multicast flag */
const DISCOVER_JOB: InterfaceJob = { what: 'discover on', multicast: false };

const LINK_CHECK = 2000;
/** module-private: not part of Discovery's public surface */
const QUIET = Symbol('quiet');
const SWEEP = 250;
/** queued events a consumer has not read yet; past this, `updated` events of one device coalesce */
const QUEUE_LIMIT = 10_000;

function checkSources(value: unknown): SourceName[] {
  if (value === undefined) return [...SOURCE_NAMES];
  if (!Array.isArray(value) || value.length === 0) throw invalid('sources', `a non-empty array of ${SOURCE_NAMES.join(', ')}`, value);
  const out: SourceName[] = [];
  for (const s of value) {
    if (!SOURCE_NAMES.includes(s as SourceName)) throw invalid('sources[]', SOURCE_NAMES.map((n) => `'${n}'`).join(', '), s);
    if (!out.includes(s as SourceName)) out.push(s as SourceName);
  }
  return out;
}

/**
 * A running discovery: iterate it for events (`found`, `updated`, `lost`, and `source` as each
 * source starts, finishes or says why it cannot run); `devices()` and `sources()` give the state
 * at any moment; `stop()` ends it. The iteration ends when the discovery does.
 */
export class Discovery implements AsyncIterable<DiscoverEvent> {
  readonly #reg: InterfaceRegistry;
  readonly #watch: boolean;
  readonly #table = new DeviceTable();
  readonly #reports = new Map<SourceName, SourceReport>();
  readonly #controller = new AbortController();
  readonly #links = new Map<string, { info: InterfaceInfo; up: boolean; controller: AbortController }>();
  readonly #queue: DiscoverEvent[] = [];
  readonly #waiters: ((r: IteratorResult<DiscoverEvent>) => void)[] = [];
  readonly #options: Record<string, unknown>;
  readonly #sources: SourceName[];
  readonly #deadline: number;
  readonly #running = new Set<Promise<void>>();
  #own = new Set<string>();
  /** nobody iterates (discoverAll): events are not queued */
  #quiet = false;
  #ended = false;
  #timers: NodeJS.Timeout[] = [];
  #watcher: InterfaceWatcher | undefined;
  readonly #done: Promise<void>;
  #finish: () => void = () => {};

  constructor(options?: DiscoverOptions) {
    const o = checkObject(options, 'options');
    this.#reg = o.registry ?? defaultRegistry;
    this.#watch = checkBoolean(o.watch, 'watch') ?? false;
    const timeout = checkMs(o.timeout, 'timeout', 1) ?? (this.#watch ? undefined : DEFAULT_DISCOVER_TIMEOUT);
    const signal = checkSignal(o.signal);
    if (o.lldpSocket !== undefined && (typeof o.lldpSocket !== 'string' || o.lldpSocket === '')) throw invalid('lldpSocket', 'a socket path', o.lldpSocket);
    if (o.browse !== undefined && typeof o.browse !== 'function') throw invalid('browse', 'a function', o.browse);
    this.#sources = checkSources(o.sources);
    const chosen = chooseInterfaces(this.#reg, o.interfaces, DISCOVER_JOB);
    this.#options = { lldpSocket: o.lldpSocket, browse: o.browse };
    this.#deadline = timeout === undefined ? Infinity : performance.now() + timeout;
    for (const info of chosen) this.#links.set(info.name, { info, up: true, controller: this.#child() });
    this.#ownAddresses();
    for (const s of this.#sources) this.#reports.set(s, { source: s, state: 'pending', interfaces: [], dropped: 0 });
    this.#done = new Promise((resolve) => (this.#finish = resolve));
    if (signal?.aborted) {
      this.#end();
      return;
    }
    if (signal !== undefined) {
      const onAbort = (): void => void this.stop();
      signal.addEventListener('abort', onAbort, { once: true });
      void this.#done.then(() => signal.removeEventListener('abort', onAbort));
    }
    if (timeout !== undefined) this.#timers.push(setTimeout(() => this.stop(), timeout));
    this.#timers.push(setInterval(() => this.#emit(this.#table.sweep()), SWEEP));
    this.#timers.push(setInterval(() => this.#checkLinks(true), LINK_CHECK));
    try {
      this.#watcher = this.#reg.watch({ signal: this.#controller.signal, persistent: false });
      // the registry already holds the new table when an event comes
      this.#watcher.on('event', () => this.#checkLinks(false));
      this.#watcher.on('error', () => {}); // a failed read or monitor child: it polls meanwhile, and so do we
    } catch {
      // no watcher: the periodic check above is all there is
    }
    void this.#start();
  }

  /** The devices known now. */
  devices(): Device[] {
    return this.#table.devices();
  }

  /** What each source did, or why it did not run. */
  sources(): SourceReport[] {
    return [...this.#reports.values()].map((r) => ({ ...r, interfaces: [...r.interfaces] }));
  }

  /** discoverAll: nobody will read the events, so none are kept */
  [QUIET](): void {
    this.#quiet = true;
    this.#queue.length = 0;
  }

  /** The interfaces this discovery looks on. */
  interfaces(): string[] {
    return [...this.#links.keys()];
  }

  /** Ends the discovery; resolves when every source has stopped. */
  stop(): Promise<void> {
    this.#controller.abort();
    return this.#done;
  }

  /** Resolves when the discovery has ended (timeout, stop, signal). */
  get finished(): Promise<void> {
    return this.#done;
  }

  [Symbol.asyncIterator](): AsyncIterator<DiscoverEvent> {
    return {
      next: () => {
        const event = this.#queue.shift();
        if (event !== undefined) return Promise.resolve({ value: event, done: false });
        if (this.#ended) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => this.#waiters.push(resolve));
      },
      return: async () => {
        await this.stop();
        return { value: undefined, done: true };
      },
    };
  }

  #child(): AbortController {
    const c = new AbortController();
    const main = this.#controller.signal;
    const onAbort = (): void => c.abort();
    main.addEventListener('abort', onAbort, { once: true });
    // a link that flaps all day must not pile up listeners on the discovery's signal
    c.signal.addEventListener('abort', () => main.removeEventListener('abort', onAbort), { once: true });
    return c;
  }

  #ownAddresses(): void {
    const own = new Set<string>();
    for (const i of this.#reg.list()) for (const a of i.addresses) own.add(a.address.requiresZone() ? `${a.address.address}%${i.name}` : a.address.address);
    this.#own = own;
  }

  #isOwn(o: Observation): boolean {
    for (const a of o.addresses ?? []) {
      const key = a.address.requiresZone() ? `${a.address.address}%${o.interface}` : a.address.address;
      if (this.#own.has(key)) return true;
    }
    return false;
  }

  #context(signal: AbortSignal, name: SourceName): SourceContext {
    const report = this.#reports.get(name) as SourceReport;
    return {
      registry: this.#reg,
      watch: this.#watch,
      signal,
      remaining: () => this.#deadline - performance.now(),
      interfaces: () => [...this.#links.values()].filter((l) => l.up).map((l) => l.info),
      observe: (o) => {
        if (signal.aborted || this.#ended) return;
        const link = this.#links.get(o.interface);
        if (link === undefined || !link.up) return void report.dropped++;
        if (this.#isOwn(o)) return;
        // what the table refuses (a device, address or service over its limit) counts as this source's
        const before = this.#table.dropped;
        const events = this.#table.observe(o);
        report.dropped += this.#table.dropped - before;
        this.#emit(events);
      },
      withdraw: (link: string, what, reason: LostReason) => {
        if (signal.aborted || this.#ended || !this.#links.has(link)) return;
        this.#emit(this.#table.withdraw(name, link, what, reason));
      },
      drop: (count = 1) => {
        report.dropped += count;
      },
      options: this.#options,
    };
  }

  async #start(): Promise<void> {
    const signal = this.#controller.signal;
    await Promise.all(
      this.#sources.map(async (name) => {
        const source = SOURCES[name];
        const report = this.#reports.get(name) as SourceReport;
        let reason: string | undefined;
        try {
          reason = await source.check(this.#context(signal, name));
        } catch (error) {
          reason = (error as Error).message;
        }
        if (signal.aborted) return;
        if (reason !== undefined) {
          this.#setReport(report, 'skipped', reason);
          return;
        }
        report.interfaces = this.interfaces();
        this.#setReport(report, 'running');
        if (source.scope === 'global') {
          await this.#track(name, source.run(this.#context(signal, name)));
        } else {
          await Promise.all([...this.#links.values()].map((l) => this.#runOnLink(name, l.info, l.controller.signal)));
        }
        if (report.state === 'running') this.#setReport(report, 'done');
      }),
    );
    // one-shot: sources finished early (nothing to wait for) -> wait for the deadline anyway, so
    // late answers of the sockets still open are not cut short
    if (!signal.aborted && Number.isFinite(this.#deadline)) await new Promise<void>((r) => {
      const t = setTimeout(r, Math.max(0, this.#deadline - performance.now()));
      signal.addEventListener('abort', () => (clearTimeout(t), r()), { once: true });
    });
    if (!signal.aborted && this.#watch) await new Promise<void>((r) => signal.addEventListener('abort', () => r(), { once: true }));
    this.#controller.abort();
    await Promise.allSettled([...this.#running]);
    for (const r of this.#reports.values()) if (r.state === 'running' || r.state === 'pending') this.#setReport(r, r.state === 'pending' ? 'skipped' : 'done', r.state === 'pending' ? 'the discovery ended before it started' : undefined);
    this.#emit(this.#table.sweep());
    this.#end();
  }

  #runOnLink(name: SourceName, info: InterfaceInfo, signal: AbortSignal): Promise<void> {
    const report = this.#reports.get(name) as SourceReport;
    if (!report.interfaces.includes(info.name)) report.interfaces.push(info.name);
    return this.#track(name, SOURCES[name].run(this.#context(signal, name), info), info.name);
  }

  async #track(name: SourceName, run: Promise<void>, link?: string): Promise<void> {
    const p = run.then(
      () => {},
      (error: unknown) => {
        const l = link === undefined ? undefined : this.#links.get(link);
        if (this.#controller.signal.aborted || (l !== undefined && !l.up)) return; // ended or its link went away
        this.#setReport(this.#reports.get(name) as SourceReport, 'failed', error instanceof Error ? error.message : String(error));
      },
    );
    this.#running.add(p);
    await p;
    this.#running.delete(p);
  }

  #setReport(report: SourceReport, state: SourceReport['state'], reason?: string): void {
    report.state = state;
    if (reason !== undefined) report.reason = reason;
    this.#push({ type: 'source', source: { ...report, interfaces: [...report.interfaces] } });
  }

  #checkLinks(read: boolean): void {
    if (this.#controller.signal.aborted) return;
    if (read && !this.#reg.watching) {
      try {
        this.#reg.recheck();
      } catch {
        return; // the table could not be read this time; try again next tick
      }
    }
    this.#ownAddresses();
    for (const [name, link] of this.#links) {
      const now = this.#reg.get(name);
      const usable = now !== undefined && now.up && now.index === link.info.index && now.linkLocal !== undefined;
      if (link.up && !usable) {
        link.up = false;
        link.controller.abort();
        this.#emit(this.#table.dropLink(name));
      } else if (!link.up && usable && now !== undefined) {
        link.up = true;
        link.info = now;
        link.controller = this.#child();
        for (const s of this.#sources) {
          const report = this.#reports.get(s) as SourceReport;
          if (SOURCES[s].scope === 'link' && (report.state === 'running' || report.state === 'done') && this.#watch) {
            if (report.state === 'done') this.#setReport(report, 'running');
            void this.#runOnLink(s, now, link.controller.signal);
          }
        }
      }
    }
  }

  #emit(events: readonly DeviceEvent[]): void {
    for (const e of events) this.#push(e);
  }

  #push(event: DiscoverEvent): void {
    if (this.#ended || this.#quiet) return;
    const waiter = this.#waiters.shift();
    if (waiter !== undefined) return waiter({ value: event, done: false });
    if (this.#queue.length >= QUEUE_LIMIT && event.type === 'updated') {
      const i = this.#queue.findIndex((q) => q.type === 'updated' && q.device.id === event.device.id);
      if (i >= 0) {
        this.#queue[i] = event;
        return;
      }
    }
    this.#queue.push(event);
  }

  #end(): void {
    if (this.#ended) return;
    for (const t of this.#timers) clearTimeout(t);
    this.#timers = [];
    this.#watcher?.close();
    this.#ended = true;
    for (const w of this.#waiters.splice(0)) w({ value: undefined, done: true });
    this.#finish();
  }
}

/**
 * Looks for devices on the chosen links. Returns at once; iterate the result for events.
 *
 * @example
 * for await (const e of discover({ timeout: 3000 })) {
 *   if (e.type === 'found') console.log(e.device.interface, e.device.addresses[0]?.address, e.device.names[0]?.name);
 * }
 */
export function discover(options?: DiscoverOptions): Discovery {
  return new Discovery(options);
}

/** The promise form: the devices found and what each source did, once `timeout` (default 3 s) is up. */
export async function discoverAll(options?: DiscoverOptions): Promise<DiscoverResult> {
  if (options?.watch === true) throw invalid('watch', 'false for discoverAll (a watch never ends; iterate discover() instead)', true);
  const d = new Discovery(options);
  d[QUIET]();
  await d.finished;
  return { devices: d.devices(), sources: d.sources() };
}
