// connect(): a TCP connection to a scoped endpoint or a host name. The zone floor plans the
// candidates once (a literal at once, a name after resolution: mDNS answers zoned to their link,
// system answers placed by the zone policy), and the one racer tries them (RFC 8305 §5). Node
// never sees a zone-less link-local address (Node 22+ would guess the interface).
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { Endpoint, type ScopedAddress } from '../addr/index.js';
import type { InterfaceRegistry } from '../iface/index.js';
import { checkBoolean, checkMs, checkObject, checkSignal, invalid } from '../validate.js';
import { checkAllowed, registryOf, zonePolicy, type ChosenBy, type InterfaceSelector, type Operation, type TargetForm, type ZoneCandidate, type ZoneOption } from '../zone/index.js';
import { within } from '../cancel.js';
import { invalidateOn } from './invalidate.js';
import { tcpCanUse, tcpZoneUnsupported } from './node-zone.js';
import { planLiteral, planName, type ZonePlan } from '../dns/index.js';
import { connectError, race, DEFAULT_ATTEMPT_DELAY, type RaceEntry } from './race.js';
import { parseTarget, targetText, type ConnectTarget, type ParsedTarget } from './target.js';

export interface ConnectOptions {
  /** the zone for a link-local address written without one: a name, an index, 'auto' or a list to race */
  zone?: ZoneOption | undefined;
  /** when set, connect only to link-local addresses on these interfaces (names or indexes) */
  allowedInterfaces?: readonly InterfaceSelector[] | undefined;
  /** default: the process-wide registry */
  registry?: InterfaceRegistry | undefined;
  /** ms for the whole connect, name resolution and every attempt included (default and 0: none, as for net.connect) */
  timeout?: number | undefined;
  signal?: AbortSignal | undefined;
  /** ms between racing attempts (RFC 8305 §5), default 250; 0 = all at once; 1-9 are raised to 10 */
  attemptDelay?: number | undefined;
  /**
   * With `zone: 'auto'`, try first the interface on which the kernel's neighbour table knows the
   * address (default true); false keeps registry order.
   */
  neighbourHint?: boolean | undefined;
  /** for a host name: 4 or 6 to use one address family only (default both) */
  family?: 0 | 4 | 6 | undefined;
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
  /** how the interface was chosen: written in the address, the zone option, a race ('auto', a list), or none needed */
  chosenBy: ChosenBy;
  /** the host name asked for, when the target was a name */
  host: string | undefined;
  /** attempts started (1 unless racing) */
  attempts: number;
}

export type Fe80Socket = net.Socket & { readonly fe80: ConnectInfo };

/** Internal: who is asking (for the wording of errors) and how the target was written. */
export const kCaller: unique symbol = Symbol('fe80.caller');
export interface Caller {
  operation: Operation;
  form?: TargetForm | undefined;
}

export interface CheckedConnectOptions extends ZonePlan {
  timeout: number | undefined;
  signal: AbortSignal | undefined;
  attemptDelay: number;
  family: 0 | 4 | 6;
  noDelay: boolean | undefined;
  keepAlive: boolean | undefined;
  allowHalfOpen: boolean | undefined;
}

let defaults: CheckedConnectOptions | undefined;

/** Validates the options `connect` itself uses. */
export function checkConnectOptions(options: ConnectOptions | undefined): CheckedConnectOptions {
  if (options === undefined) return (defaults ??= Object.freeze(checkConnectOptions({})));
  const o = checkObject(options, 'options');
  const family = o.family ?? 0;
  if (family !== 0 && family !== 4 && family !== 6) throw invalid('family', '0, 4 or 6', family);
  const caller = (o as { [kCaller]?: Caller })[kCaller];
  return {
    policy: zonePolicy(o.zone),
    allowed: checkAllowed(o.allowedInterfaces),
    registry: registryOf(o),
    operation: caller?.operation ?? 'connect',
    form: caller?.form,
    timeout: checkMs(o.timeout, 'timeout') || undefined, // 0 = no timeout, as net's `timeout: 0`
    signal: checkSignal(o.signal),
    attemptDelay: checkMs(o.attemptDelay, 'attemptDelay') ?? DEFAULT_ATTEMPT_DELAY,
    family,
    neighbourHint: checkBoolean(o.neighbourHint, 'neighbourHint'),
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

/** Race entries for TCP: interfaces Node's TCP layer cannot address are an error when named, skipped when racing. */
function tcpEntries(candidates: ZoneCandidate[], port: number): RaceEntry<ZoneCandidate>[] {
  const usable = candidates.length === 1 && tcpCanUse((candidates[0] as ZoneCandidate).host) ? candidates : candidates.filter((c) => tcpCanUse(c.host));
  if (usable.length === 0) throw tcpZoneUnsupported(candidates[0]?.interface?.name ?? String(candidates[0]?.address.zone));
  return usable.map((c) => new Entry(c, port));
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
  readonly chosenBy: ChosenBy;
  readonly host: string | undefined;
  readonly attempts: number;
  readonly #address: ScopedAddress;
  readonly #port: number;
  #endpoint: Endpoint | undefined;

  constructor(candidate: ZoneCandidate, port: number, attempts: number, host: string | undefined) {
    this.interface = candidate.interface?.name;
    this.chosenBy = candidate.chosenBy;
    this.host = host;
    this.attempts = attempts;
    this.#address = candidate.address;
    this.#port = port;
  }

  get endpoint(): Endpoint {
    this.#endpoint ??= Endpoint.from(this.#address, this.#port);
    return this.#endpoint;
  }

  toJSON(): { endpoint: string; interface: string | undefined; chosenBy: ChosenBy; host?: string; attempts: number } {
    const out: { endpoint: string; interface: string | undefined; chosenBy: ChosenBy; host?: string; attempts: number } = {
      endpoint: this.endpoint.toString(),
      interface: this.interface,
      chosenBy: this.chosenBy,
      attempts: this.attempts,
    };
    if (this.host !== undefined) out.host = this.host;
    return out;
  }
}

/** The default wait of an mDNS resolution (resolveMdns's `timeout`). */
const MDNS_TIMEOUT = 1500;

const label = (t: ParsedTarget) => (): string => `connect to ${targetText(t)}`;

/** Races `entries` (or opens the one entry directly) with what is left of the timeout. */
function dial(t: ParsedTarget, entries: RaceEntry<ZoneCandidate>[], o: CheckedConnectOptions, timeout: number | undefined): Promise<Fe80Socket> {
  const port = t.port;
  const only = entries[0] as RaceEntry<ZoneCandidate>;
  if (entries.length === 1 && timeout === undefined && o.signal === undefined) {
    // the common case: one attempt, nothing to race or cancel
    return new Promise((resolve, reject) => {
      openTcp(port, o)(only.candidate, (error, socket) => {
        if (error !== undefined) reject(connectError(label(t), [{ endpoint: only.endpoint, interface: only.interface, error }]));
        else resolve(attachInfo(socket as net.Socket, new LazyConnectInfo(only.candidate, port, 1, t.name) as ConnectInfo));
      });
    });
  }
  // the neighbour table's interface first: the rest join after the usual attempt delay, even with delay 0
  const headStart = only.candidate.chosenBy === 'neighbour' ? o.attemptDelay || DEFAULT_ATTEMPT_DELAY : undefined;
  return race(entries, openTcp(port, o), {
    attemptDelay: o.attemptDelay,
    headStart,
    timeout,
    signal: o.signal,
    label: label(t),
    dispose: destroy,
  }).then(({ value, entry, started }) => attachInfo(value, new LazyConnectInfo(entry.candidate, port, started, t.name) as ConnectInfo));
}

/** Connects with already-checked options (shared with connectTLS and the HTTP connector). */
export function connectChecked(target: ConnectTarget, o: CheckedConnectOptions): Promise<Fe80Socket> {
  const t = parseTarget(target);
  if (t.name === undefined) return dial(t, tcpEntries(planLiteral(t, o), t.port), o, o.timeout);
  return connectName(t, o);
}

/** A host name: resolution and attempts share one timeout. */
async function connectName(t: ParsedTarget, o: CheckedConnectOptions): Promise<Fe80Socket> {
  const started = performance.now();
  // the mDNS wait is its own (1.5 s by default), within what the connect timeout leaves
  const planned = planName(t, o, { family: o.family, signal: o.signal, timeout: o.timeout === undefined ? undefined : Math.min(o.timeout, MDNS_TIMEOUT) });
  const candidates = await within(planned, o.timeout, o.signal, label(t));
  const left = o.timeout === undefined ? undefined : Math.max(1, o.timeout - (performance.now() - started));
  return dial(t, tcpEntries(candidates, t.port), o, left);
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
