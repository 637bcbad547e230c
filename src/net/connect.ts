// connect(): a TCP connection to a scoped endpoint. The zone is resolved by the zone policy and
// handed to Node in platform form; a missing zone is an error or, opt-in, a race over the
// candidate interfaces. Node never sees a zone-less link-local address (Node 22+ would guess).
import net from 'node:net';
import { Endpoint, type ScopedAddress } from '../addr/index.js';
import { isFe80Error } from '../errors.js';
import type { InterfaceRegistry } from '../iface/index.js';
import { invalidateOn } from './invalidate.js';
import { tcpCanUse, tcpZoneUnsupported } from './node-zone.js';
import { connectError, race, DEFAULT_ATTEMPT_DELAY, type RaceEntry } from './race.js';
import { parseTarget, type ConnectTarget } from './target.js';
import { checkBoolean, checkMs, checkObject, checkSignal } from '../validate.js';
import { registryOf, resolveZones, zonePolicy, zoneRequired, type ZoneCandidate, type ZonePolicyOptions } from '../zone/index.js';

export interface ConnectOptions extends Omit<ZonePolicyOptions, 'platform'> {
  /** ms for the whole connect, every attempt included (default and 0: none, as for net.connect) */
  timeout?: number | undefined;
  signal?: AbortSignal | undefined;
  /** ms between racing attempts (RFC 8305 §5), default 250; 0 = all at once; 1-9 are raised to 10 */
  attemptDelay?: number | undefined;
  noDelay?: boolean | undefined;
  keepAlive?: boolean | undefined;
  /**
   * Keep the socket writable after the peer half-closes (its FIN: 'end'), as `net.Socket`'s
   * option of that name; default false (Node's default: the socket then ends its side too).
   * Set it when the peer may finish sending before you do (`nc -N` style protocols).
   */
  allowHalfOpen?: boolean | undefined;
}

export interface ConnectInfo {
  /** the endpoint connected to, zone = interface name */
  endpoint: Endpoint;
  /** the interface used, `undefined` for addresses that take no zone */
  interface: string | undefined;
  /** attempts started (1 unless racing) */
  attempts: number;
}

export type Fe80Socket = net.Socket & { readonly fe80: ConnectInfo };

export interface CheckedConnectOptions {
  zone: ZonePolicyOptions['zone'];
  registry: InterfaceRegistry;
  timeout: number | undefined;
  signal: AbortSignal | undefined;
  attemptDelay: number;
  noDelay: boolean | undefined;
  keepAlive: boolean | undefined;
  allowHalfOpen: boolean | undefined;
}

let defaults: CheckedConnectOptions | undefined;

/** Validates the options `connect` itself uses. */
export function checkConnectOptions(options: ConnectOptions | undefined): CheckedConnectOptions {
  if (options === undefined) return (defaults ??= Object.freeze(checkConnectOptions({})));
  const o = checkObject(options, 'options');
  zonePolicy(o.zone);
  return {
    zone: o.zone,
    registry: registryOf(o),
    timeout: checkMs(o.timeout, 'timeout') || undefined, // 0 = no timeout, as net's `timeout: 0`
    signal: checkSignal(o.signal),
    attemptDelay: checkMs(o.attemptDelay, 'attemptDelay') ?? DEFAULT_ATTEMPT_DELAY,
    noDelay: checkBoolean(o.noDelay, 'noDelay'),
    keepAlive: checkBoolean(o.keepAlive, 'keepAlive'),
    allowHalfOpen: checkBoolean(o.allowHalfOpen, 'allowHalfOpen'),
  };
}

/**
 * The Node options for one attempt (an IP literal: Node skips the lookup). They go to both the
 * net.Socket constructor, which is the only place `allowHalfOpen` is read, and `connect()`.
 */
export function socketOptions(host: string, port: number, o: CheckedConnectOptions): net.TcpNetConnectOpts {
  const options: net.TcpNetConnectOpts = { host, port };
  if (o.noDelay !== undefined) options.noDelay = o.noDelay;
  if (o.keepAlive !== undefined) options.keepAlive = o.keepAlive;
  if (o.allowHalfOpen !== undefined) options.allowHalfOpen = o.allowHalfOpen;
  return options;
}

/** Resolves the target into race entries (one unless racing). */
export function plan(target: ConnectTarget, o: CheckedConnectOptions): { label: () => string; port: number; entries: RaceEntry<ZoneCandidate>[] } {
  const { address, port } = parseTarget(target);
  let candidates: ZoneCandidate[];
  try {
    candidates = resolveZones(address, { zone: o.zone, registry: o.registry });
  } catch (error) {
    if (isFe80Error(error, 'ERR_ZONE_REQUIRED')) throw zoneRequired(address, o.registry, port);
    throw error;
  }
  // interfaces Node's TCP layer cannot address: an error when named, skipped when racing
  const usable = candidates.length === 1 && tcpCanUse((candidates[0] as ZoneCandidate).host) ? candidates : candidates.filter((c) => tcpCanUse(c.host));
  if (usable.length === 0) throw tcpZoneUnsupported(candidates[0]?.interface?.name ?? String(address.zone));
  const entries = usable.map((c) => new Entry(c, port));
  return { label: () => `connect to ${Endpoint.from(address, port).toString()}`, port, entries };
}

/** A race entry whose endpoint text is only built when an error message needs it. */
class Entry implements RaceEntry<ZoneCandidate> {
  readonly interface: string | undefined;
  constructor(
    readonly candidate: ZoneCandidate,
    readonly port: number,
  ) {
    this.interface = candidate.interface?.name;
  }
  get endpoint(): string {
    return Endpoint.from(this.candidate.address, this.port).toString();
  }
}

/**
 * The sockets connect() makes: a net.Socket that has its `fe80` property from birth, so setting
 * it does not change the object's shape (V8 hidden class) after Node's code has seen it; adding
 * a property to a live net.Socket costs measurably in connections per second.
 */
class Fe80NetSocket extends net.Socket {
  fe80: ConnectInfo | undefined = undefined;
}

function openTcp(port: number, o: CheckedConnectOptions) {
  return (candidate: ZoneCandidate, done: (error: Error | undefined, socket?: net.Socket) => void): (() => void) => {
    const options = socketOptions(candidate.host, port, o);
    const socket = new Fe80NetSocket(options).connect(options);
    const onConnect = (): void => {
      socket.removeListener('error', onError);
      done(undefined, socket);
    };
    const onError = (error: Error): void => {
      socket.removeListener('connect', onConnect);
      socket.destroy();
      invalidateOn(error, o.registry);
      done(error);
    };
    socket.once('connect', onConnect);
    socket.once('error', onError);
    return () => {
      socket.removeListener('connect', onConnect);
      socket.removeListener('error', onError);
      socket.destroy();
    };
  };
}

/** Makes a socket an Fe80Socket (a plain property, not defineProperty: keeps the socket's hidden class fast). */
export function attachInfo<S extends object, I>(socket: S, info: I): S & { readonly fe80: I } {
  (socket as { fe80?: I }).fe80 = info;
  return socket as S & { readonly fe80: I };
}

/** `socket.fe80`: the endpoint is built on first read (most callers never look, and connect rate matters). */
class LazyConnectInfo implements ConnectInfo {
  readonly interface: string | undefined;
  readonly attempts: number;
  readonly #address: ScopedAddress;
  readonly #port: number;
  #endpoint: Endpoint | undefined;

  constructor(candidate: ZoneCandidate, port: number, attempts: number) {
    this.interface = candidate.interface?.name;
    this.attempts = attempts;
    this.#address = candidate.address;
    this.#port = port;
  }

  get endpoint(): Endpoint {
    this.#endpoint ??= Endpoint.from(this.#address, this.#port);
    return this.#endpoint;
  }

  toJSON(): { endpoint: string; interface: string | undefined; attempts: number } {
    return { endpoint: this.endpoint.toString(), interface: this.interface, attempts: this.attempts };
  }
}

/** Connects with already-checked options (shared with connectTLS). */
export function connectChecked(target: ConnectTarget, o: CheckedConnectOptions): Promise<Fe80Socket> {
  const { label, port, entries } = plan(target, o);
  const only = entries[0] as RaceEntry<ZoneCandidate>;
  if (entries.length === 1 && o.timeout === undefined && o.signal === undefined) {
    // the common case: one attempt, nothing to race or cancel
    return new Promise((resolve, reject) => {
      openTcp(port, o)(only.candidate, (error, socket) => {
        if (error !== undefined) reject(connectError(label, [{ endpoint: only.endpoint, interface: only.interface, error }]));
        else resolve(attachInfo(socket as net.Socket, new LazyConnectInfo(only.candidate, port, 1) as ConnectInfo));
      });
    });
  }
  return race(entries, openTcp(port, o), {
    attemptDelay: o.attemptDelay,
    timeout: o.timeout,
    signal: o.signal,
    label,
    dispose: destroy,
  }).then(({ value, entry, started }) => attachInfo(value, new LazyConnectInfo(entry.candidate, port, started) as ConnectInfo));
}

const destroy = (socket: net.Socket): void => {
  socket.destroy();
};

/**
 * Opens a TCP connection to a scoped endpoint and resolves with the connected socket, which
 * carries `socket.fe80` = { endpoint, interface, attempts }.
 *
 * @example
 * const socket = await connect('[fe80::1%eth1]:8080');
 * const raced = await connect('[fe80::1]:8080', { zone: 'auto' }); // raced.fe80.interface === 'eth1'
 */
export function connect(target: ConnectTarget, options?: ConnectOptions): Promise<Fe80Socket> {
  try {
    return connectChecked(target, checkConnectOptions(options));
  } catch (error) {
    return Promise.reject(error);
  }
}
