// An undici Dispatcher that dials scoped addresses. One undici Agent per connection policy
// (zone + allowed interfaces); inside it undici pools per origin, so the effective pool key is
// (scheme, address, port, zone): `%eth0` and `%wlan0` never share a socket. Requests keep their
// zone-free origin, so undici writes `Host: [fe80::1]:8080` (port omitted when default).
// undici is loaded on first use, so `import 'fe80'` does not pay ~0.1 s for it.
import { EventEmitter, setMaxListeners } from 'node:events';
import { createRequire } from 'node:module';
import type { Agent, Dispatcher } from 'undici';
import { createConnector } from './connector.js';
import type { InterfaceRegistry } from '../iface/index.js';
import type { HttpDialOptions, HttpZoneOptions } from './options.js';
import { zoneKey } from './target.js';
import { checkMs, invalid } from '../validate.js';

export interface Fe80DispatcherOptions extends HttpDialOptions {
  /** undici Agent options applied to every pool (keepAliveTimeout, connections, pipelining, ...). */
  agent?: Omit<Agent.Options, 'connect' | 'factory'>;
}

const FORWARDED_EVENTS = ['connect', 'disconnect', 'connectionError', 'drain'] as const;
/** undici's request API, implemented by undici's Dispatcher on top of `dispatch` */
const API = ['request', 'stream', 'pipeline', 'connect', 'upgrade', 'compose'] as const;

type Undici = typeof import('undici');
let undici: Undici | undefined;
function loadUndici(): Undici {
  return (undici ??= createRequire(import.meta.url)('undici') as Undici);
}

// Typed as undici's Dispatcher, built on EventEmitter (as undici's is); undici's request API
// methods are attached below and load undici when first called.
const DispatcherBase = EventEmitter as unknown as new () => Dispatcher;

const registryIds = new WeakMap<InterfaceRegistry, number>();
let nextRegistryId = 1;

/** A number per registry object, for pool keys: two registries may name interfaces differently. */
function registryId(registry: InterfaceRegistry): number {
  let id = registryIds.get(registry);
  if (id === undefined) registryIds.set(registry, (id = nextRegistryId++));
  return id;
}

/** An undici Dispatcher: `dispatch`, `close`, `destroy` here; `request`, `stream`, ... are undici's. */
export class Fe80Dispatcher extends DispatcherBase {
  readonly #options: Fe80DispatcherOptions;
  readonly #agents = new Map<string, Agent>();
  /** aborted by destroy(): connects still in progress are cancelled, not waited for */
  readonly #dials = new AbortController();
  #closed = false;

  /**
   * `options.zone` picks the interface for zone-free link-local origins (`http://[fe80::1]/`):
   * a name or index, `'auto'`, or a list. `options.allowedInterfaces` restricts every connection.
   */
  constructor(options: Fe80DispatcherOptions = {}) {
    super();
    loadUndici();
    if (typeof options !== 'object' || options === null) throw invalid('options', 'an object', options);
    if (options.connectTimeout !== undefined) checkMs(options.connectTimeout, 'connectTimeout');
    this.#options = { connectTimeout: 10_000, ...options };
    const signal = options.signal === undefined ? this.#dials.signal : AbortSignal.any([options.signal, this.#dials.signal]);
    setMaxListeners(0, signal); // one listener per connect in progress, however many
    this.#options.signal = signal;
  }

  /** The constructor's `zone`, `allowedInterfaces` and `registry` (fetch's defaults). */
  get policy(): Readonly<HttpZoneOptions> {
    const { zone, allowedInterfaces, registry } = this.#options;
    const policy: HttpZoneOptions = {};
    if (zone !== undefined) policy.zone = zone;
    if (allowedInterfaces !== undefined) policy.allowedInterfaces = allowedInterfaces;
    if (registry !== undefined) policy.registry = registry;
    return policy;
  }

  /**
   * The undici Agent (pool) for one connection policy; created on first use and kept until
   * `close()`. `dispatch` uses the policy given to the constructor; fe80's `fetch` selects the
   * zone of each URL. Policy: `zone` for zone-free link-local hosts, `allowedInterfaces`.
   */
  select(policy: HttpZoneOptions = this.#options): Agent {
    const allowed = policy.allowedInterfaces;
    const registry = policy.registry ?? this.#options.registry;
    // zones hold no whitespace, so '\n' cannot occur inside the zone part
    let key = allowed === undefined ? zoneKey(policy.zone) : `${zoneKey(policy.zone)}\n${JSON.stringify(allowed)}`;
    if (registry !== undefined) key += `\n#${registryId(registry)}`;
    let agent = this.#agents.get(key);
    if (agent === undefined) {
      const { agent: agentOptions, ...rest } = this.#options;
      const dialOptions: HttpDialOptions = { ...rest };
      delete dialOptions.zone;
      delete dialOptions.allowedInterfaces;
      if (policy.zone !== undefined) dialOptions.zone = policy.zone;
      if (allowed !== undefined) dialOptions.allowedInterfaces = allowed;
      // the registry the policy's zones were checked with is the one the connector dials with
      if (registry !== undefined) dialOptions.registry = registry;
      agent = new (loadUndici().Agent)({ ...agentOptions, connect: createConnector(dialOptions) });
      for (const event of FORWARDED_EVENTS) (agent as EventEmitter).on(event, (...args: unknown[]) => (this as EventEmitter).emit(event, ...args));
      // After close() a new pool is closed at birth, so dispatch reports ClientClosedError.
      if (this.#closed) void agent.close();
      this.#agents.set(key, agent);
    }
    return agent;
  }

  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    return this.select().dispatch(options, handler);
  }

  override close(): Promise<void>;
  override close(callback: () => void): void;
  override close(callback?: () => void): Promise<void> | void {
    this.#closed = true;
    const done = Promise.all([...this.#agents.values()].map((agent) => agent.close())).then(() => undefined);
    if (callback === undefined) return done;
    done.then(callback, callback);
  }

  override destroy(): Promise<void>;
  override destroy(error: Error | null): Promise<void>;
  override destroy(callback: () => void): void;
  override destroy(error: Error | null, callback: () => void): void;
  override destroy(a?: Error | null | (() => void), b?: () => void): Promise<void> | void {
    const error = typeof a === 'function' ? null : (a ?? null);
    const callback = typeof a === 'function' ? a : b;
    this.#closed = true;
    this.#dials.abort(error ?? undefined);
    const done = Promise.all([...this.#agents.values()].map((agent) => agent.destroy(error))).then(() => undefined);
    if (callback === undefined) return done;
    done.then(callback, callback);
  }
}

for (const name of API) {
  Object.defineProperty(Fe80Dispatcher.prototype, name, {
    configurable: true,
    writable: true,
    value(this: Fe80Dispatcher, ...args: unknown[]): unknown {
      return (loadUndici().Dispatcher.prototype[name] as (...a: unknown[]) => unknown).apply(this, args);
    },
  });
}

/** A Dispatcher for undici's `request`/`fetch` and Node's global `fetch` (`{ dispatcher }`). */
export function createDispatcher(options?: Fe80DispatcherOptions): Fe80Dispatcher {
  return new Fe80Dispatcher(options);
}
