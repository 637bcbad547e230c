// A small UDP (udp6) socket over dgram that takes and reports scoped endpoints, checks every
// zone (Node sends silently on the first link for numeric, unknown or missing zones: libuv
// turns them into scope id 0), joins link-scope multicast groups per interface by name (hiding Node's `'::%eth0'`
// spelling), and can filter datagrams by arrival interface (Linux delivers a group's datagrams
// to every socket bound to the port, whichever interface it joined on).
import dgram from 'node:dgram';
import net from 'node:net';
import { EventEmitter } from 'node:events';
import { Endpoint, ScopedAddress } from '../addr/index.js';
import { Fe80Error, quote } from '../errors.js';
import type { InterfaceInfo, InterfaceRegistry } from '../iface/index.js';
import { resolveBind, type BindTarget } from './bind-target.js';
import { abortedError } from '../cancel.js';
import { socketError, where } from './invalidate.js';
import { listenCancellable } from './listening.js';
import { scopedLookup } from './lookup.js';
import { endpointFromNode } from './peer.js';
import { parseTarget, type ConnectTarget } from './target.js';
import { checkBoolean, checkInteger, checkObject, checkSignal, invalid } from '../validate.js';
import { checkSelector, registryOf, sameInterface, usableInterface, zonePolicy, zoneRequired, type ZoneCandidate } from '../zone/index.js';
import { planLiteral, planName, type ZonePlan } from '../dns/index.js';

export interface UdpSocketOptions {
  registry?: InterfaceRegistry | undefined;
  reuseAddr?: boolean | undefined;
  ipv6Only?: boolean | undefined;
  recvBufferSize?: number | undefined;
  sendBufferSize?: number | undefined;
  /**
   * Deliver only datagrams that arrived on these interfaces (the zone of the sender's address);
   * `'joined'` = the interfaces this socket joined a group on. Senders without a zone (global
   * addresses) cannot be placed on an interface and are dropped too. Default: deliver everything.
   */
  interfaces?: 'joined' | readonly (string | number)[] | undefined;
  /** closes the socket when aborted */
  signal?: AbortSignal | undefined;
}

export interface UdpSendOptions {
  /** zone for a destination written without one (a name or an index) */
  zone?: string | number | undefined;
}

export interface Membership {
  group: string;
  interface: string;
}

function groupAddress(group: unknown): ScopedAddress {
  const address = group instanceof ScopedAddress ? group : typeof group === 'string' ? ScopedAddress.parse(group) : undefined;
  if (address === undefined) throw invalid('group', 'a multicast address', group);
  if (!address.isMulticast() || address.family !== 6) {
    throw new Fe80Error('ERR_INVALID_ARGUMENT', `${address.toString()} is not an IPv6 multicast group (ff00::/8)`, { input: address.toString() });
  }
  return address;
}

export declare interface UdpSocket {
  on(event: 'message', listener: (data: Buffer, from: Endpoint, rinfo: dgram.RemoteInfo) => void): this;
  on(event: 'error', listener: (error: Error) => void): this;
  on(event: 'close', listener: () => void): this;
  once(event: 'message', listener: (data: Buffer, from: Endpoint, rinfo: dgram.RemoteInfo) => void): this;
  once(event: 'error', listener: (error: Error) => void): this;
  once(event: 'close', listener: () => void): this;
  off(event: 'message', listener: (data: Buffer, from: Endpoint, rinfo: dgram.RemoteInfo) => void): this;
  off(event: 'error', listener: (error: Error) => void): this;
  off(event: 'close', listener: () => void): this;
}

/**
 * A bound udp6 socket. Events: `message (data, from: Endpoint, rinfo)`, `error`, `close`.
 * Make one with {@link bindUdp}.
 */
export class UdpSocket extends EventEmitter {
  /** the dgram socket underneath (its `::%zone` spelling is yours to handle if you use it) */
  readonly raw: dgram.Socket;
  /** datagrams dropped by the `interfaces` filter */
  dropped = 0;
  readonly #reg: InterfaceRegistry;
  readonly #filter: 'joined' | Set<string> | undefined;
  readonly #memberships = new Map<string, Membership>();
  readonly #ipv4: boolean;
  #multicastInterface: InterfaceInfo | undefined;

  /** @internal use bindUdp; `ipv4`: bound to an IPv4 address (as ::ffff:a.b.c.d) */
  constructor(raw: dgram.Socket, reg: InterfaceRegistry, filter: 'joined' | Set<string> | undefined, ipv4 = false) {
    super();
    this.raw = raw;
    this.#reg = reg;
    this.#filter = filter;
    this.#ipv4 = ipv4;
    raw.on('message', (data, rinfo) => this.#receive(data, rinfo));
    raw.on('error', (error) => this.emit('error', error));
    raw.on('close', () => {
      this.#memberships.clear();
      this.emit('close');
    });
  }

  /** Node's address as an Endpoint; a socket bound to IPv4 talks only IPv4, so a.b.c.d, not ::ffff:a.b.c.d. */
  #endpoint(address: string, port: number): Endpoint | undefined {
    const ep = endpointFromNode(address, port, this.#reg);
    return ep !== undefined && this.#ipv4 ? Endpoint.from(ep.address.unmap(), port) : ep;
  }

  #receive(data: Buffer, rinfo: dgram.RemoteInfo): void {
    const from = this.#endpoint(rinfo.address, rinfo.port);
    if (from === undefined) return;
    // what a udp4 socket would report
    if (this.#ipv4) rinfo = { ...rinfo, address: from.address.address, family: 'IPv4' };
    if (this.#filter !== undefined) {
      const zone = from.zone;
      const ok = zone !== undefined && (this.#filter === 'joined' ? this.#joinedOn(zone) : this.#filter.has(zone));
      if (!ok) {
        this.dropped++;
        return;
      }
    }
    this.emit('message', data, from, rinfo);
  }

  #joinedOn(name: string): boolean {
    for (const m of this.#memberships.values()) if (m.interface === name) return true;
    return false;
  }

  /** Where the socket is bound, zone = interface name. */
  address(): Endpoint {
    const a = this.raw.address();
    const ep = this.#endpoint(a.address, a.port);
    if (ep === undefined) throw new Fe80Error('ERR_INVALID_ARGUMENT', `unexpected socket address ${quote(a.address)}`);
    return ep;
  }

  /**
   * Sends one datagram to a scoped endpoint (`'[fe80::2%eth0]:5353'`, `[fe80::2%3]:5353`, an
   * Endpoint or { host, port, zone }). The zone is checked against the registry (an unknown zone
   * throws instead of leaving on the first link). A zone-less link-scope multicast destination
   * uses the interface set with `setMulticastInterface`. Resolves with the bytes sent.
   */
  send(data: string | Uint8Array, to: ConnectTarget, options?: UdpSendOptions): Promise<number> {
    return new Promise((resolve, reject) => {
      const o = checkObject(options, 'options');
      if (typeof data !== 'string' && !(data instanceof Uint8Array)) throw invalid('data', 'a string or Uint8Array', data);
      const policy = zonePolicy(o.zone);
      if (policy.kind === 'auto' || policy.kind === 'list') throw invalid('zone', 'one interface (UDP does not race)', o.zone);
      const plan: ZonePlan = { policy, registry: this.#reg, allowed: undefined, operation: 'send', form: undefined };
      const t = { ...parseTarget(to) }; // a copy: parsed targets are shared
      const address = t.address;
      if (address !== undefined && address.zone === undefined && t.zone === undefined && o.zone === undefined && address.isMulticast() && address.requiresZone() && this.#multicastInterface) {
        t.address = address.withZone(this.#multicastInterface.name);
      }
      if (t.name === undefined) return this.#sendTo(data, planLiteral(t, plan)[0] as ZoneCandidate, t.port, resolve, reject);
      // a host name: the first usable answer (UDP does not race)
      planName(t, plan, { family: this.#ipv4 ? 4 : 0 }).then((candidates) => this.#sendTo(data, candidates[0] as ZoneCandidate, t.port, resolve, reject), reject);
    });
  }

  #sendTo(data: string | Uint8Array, c: ZoneCandidate, port: number, resolve: (bytes: number) => void, reject: (error: Error) => void): void {
    const host = c.address.family === 4 ? `::ffff:${c.host}` : c.host; // a udp6 socket
    const done = (error: Error | null, bytes?: number): void => {
      if (error) reject(socketError('send to', host, port, error, this.#reg));
      else resolve(bytes as number);
    };
    try {
      this.raw.send(data, port, host, done);
    } catch (error) {
      done(error as Error); // e.g. ERR_SOCKET_DGRAM_NOT_RUNNING after close()
    }
  }

  #membershipArgs(group: unknown, iface: string | number | undefined): { address: ScopedAddress; info: InterfaceInfo | undefined; platform: string | undefined } {
    const address = groupAddress(group);
    const selector = iface === undefined ? undefined : checkSelector(iface, 'interface');
    let info: InterfaceInfo | undefined;
    if (address.zone !== undefined) info = usableInterface(this.#reg, address.zone, address);
    if (selector !== undefined) {
      const named = usableInterface(this.#reg, selector, address);
      if (info !== undefined && !sameInterface(info, named)) {
        throw new Fe80Error('ERR_INVALID_ARGUMENT', `two different interfaces for ${address.address}: ${quote(address.zone as string)} and ${quote(String(iface))}`);
      }
      info = named;
    }
    if (info === undefined && !address.requiresZone()) return { address, info: undefined, platform: undefined };
    if (info === undefined) throw zoneRequired(address, this.#reg, { operation: 'join' });
    return { address: address.withZone(info.name), info, platform: `::%${this.#reg.toPlatformZone(info.name)}` };
  }

  /** Joins `group` (e.g. `'ff02::fb'`) on one interface, by name or index (or the group's own zone). */
  addMembership(group: string | ScopedAddress, iface?: string | number): void {
    const { address, info, platform } = this.#membershipArgs(group, iface);
    const key = `${address.address}%${info?.name ?? ''}`;
    if (this.#memberships.has(key)) {
      throw new Fe80Error('ERR_INVALID_ARGUMENT', `already joined ${address.address} on ${info?.name ?? 'the default interface'}`);
    }
    if (platform === undefined) this.raw.addMembership(address.address);
    else this.raw.addMembership(address.address, platform);
    this.#memberships.set(key, { group: address.address, interface: info?.name ?? '' });
  }

  /** Leaves a group joined with `addMembership`. */
  dropMembership(group: string | ScopedAddress, iface?: string | number): void {
    const { address, info, platform } = this.#membershipArgs(group, iface);
    const key = `${address.address}%${info?.name ?? ''}`;
    if (platform === undefined) this.raw.dropMembership(address.address);
    else this.raw.dropMembership(address.address, platform);
    this.#memberships.delete(key);
  }

  /** The groups joined, with interface names. */
  memberships(): Membership[] {
    return [...this.#memberships.values()].map((m) => ({ ...m }));
  }

  /** Chooses the outgoing interface for multicast by name or index (checked: up, exists). */
  setMulticastInterface(iface: string | number): void {
    if (typeof iface !== 'string' && typeof iface !== 'number') throw invalid('interface', 'an interface name or index', iface);
    const info = usableInterface(this.#reg, iface, undefined);
    this.raw.setMulticastInterface(`::%${this.#reg.toPlatformZone(info.name)}`);
    this.#multicastInterface = info;
  }

  setMulticastLoopback(flag: boolean): void {
    this.raw.setMulticastLoopback(flag);
  }

  /** IPV6_MULTICAST_HOPS (1-255); link-scope groups never leave the link anyway. */
  setMulticastHops(hops: number): void {
    this.raw.setMulticastTTL(checkInteger(hops, 'hops', 0, 255) as number);
  }

  ref(): this {
    this.raw.ref();
    return this;
  }

  unref(): this {
    this.raw.unref();
    return this;
  }

  /** Closes the socket (memberships end with it). */
  close(): Promise<void> {
    return new Promise((resolve) => {
      try {
        this.raw.close(() => resolve());
      } catch {
        resolve(); // already closed
      }
    });
  }
}

/**
 * Creates a udp6 socket and binds it: to a scoped address (`'[fe80::1%eth0]:5000'`), to an
 * interface's link-local address (`{ interface: 'eth0', port }`), or to every address
 * (`{ port: 5353 }`, the usual choice for multicast receivers).
 *
 * @example
 * const udp = await bindUdp({ port: 5353 }, { reuseAddr: true, interfaces: 'joined' });
 * udp.addMembership('ff02::fb', 'eth1');
 * udp.on('message', (data, from) => console.log(from.toString())); // [fe80::2%eth1]:5353
 * await udp.send('hi', '[fe80::2%eth1]:5353');
 */
export async function bindUdp(target?: BindTarget, options?: UdpSocketOptions): Promise<UdpSocket> {
  const o = checkObject(options, 'options');
  const reg = registryOf(o);
  const reuseAddr = checkBoolean(o.reuseAddr, 'reuseAddr');
  const ipv6Only = checkBoolean(o.ipv6Only, 'ipv6Only');
  const recvBufferSize = checkInteger(o.recvBufferSize, 'recvBufferSize', 1, 0x7fff_ffff);
  const sendBufferSize = checkInteger(o.sendBufferSize, 'sendBufferSize', 1, 0x7fff_ffff);
  const signal = checkSignal(o.signal);
  let filter: 'joined' | Set<string> | undefined;
  if (o.interfaces === 'joined') filter = 'joined';
  else if (Array.isArray(o.interfaces)) {
    filter = new Set((o.interfaces as (string | number)[]).map((z) => reg.resolve(z).name));
  } else if (o.interfaces !== undefined) throw invalid('interfaces', "'joined' or a list of interfaces", o.interfaces);
  const { host, port } = resolveBind(target, reg, false);
  // the socket is udp6 (one type for every target): an IPv4 address binds in its mapped form
  const ipv4 = host !== undefined && net.isIPv4(host);
  if (ipv4 && ipv6Only === true) {
    throw new Fe80Error('ERR_INVALID_ARGUMENT', `ipv6Only cannot be set when binding to an IPv4 address (${host})`, { input: host });
  }
  const label = (): string => `bind ${where(host, port)}`;
  if (signal?.aborted) throw abortedError(label, signal);

  const socketOptions: dgram.SocketOptions = {
    type: 'udp6',
    lookup: scopedLookup as never,
  };
  if (reuseAddr !== undefined) socketOptions.reuseAddr = reuseAddr;
  if (ipv6Only !== undefined) socketOptions.ipv6Only = ipv6Only;
  if (recvBufferSize !== undefined) socketOptions.recvBufferSize = recvBufferSize;
  if (sendBufferSize !== undefined) socketOptions.sendBufferSize = sendBufferSize;
  const raw = dgram.createSocket(socketOptions);
  const close = (): void => {
    try {
      raw.close();
    } catch {
      // already closed
    }
  };
  // not dgram's `signal` option: see listening.ts
  await listenCancellable(raw, () => raw.bind(host === undefined ? { port } : { port, address: ipv4 ? `::ffff:${host}` : host }), {
    signal,
    label,
    close,
    failed: (error) => {
      close();
      return socketError('bind', host, port, error, reg);
    },
  });
  return new UdpSocket(raw, reg, filter, ipv4);
}
