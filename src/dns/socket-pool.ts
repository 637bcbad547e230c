// Query sockets of the mDNS resolver: one UDP socket per (interface, IP version), bound to the
// interface's own address on an ephemeral port (a one-shot querier, RFC 6762 §5.1: never port
// 5353), shared by concurrent queries and closed after a short idle time. Sockets are unref'd:
// they never keep the process alive; a pending query's own timer does.
import dgram from 'node:dgram';
import type { ScopedAddress } from '../addr/index.js';
import type { InterfaceInfo, InterfaceRegistry } from '../iface/index.js';
import { ipv4Of } from './interfaces.js';
import { MDNS_IPV4_GROUP, MDNS_IPV6_GROUP } from './packet.js';

export type Transport = 4 | 6;

export interface SocketUser {
  /** every datagram the socket receives (the user checks source and content) */
  onSocketMessage(msg: Buffer, rinfo: dgram.RemoteInfo): void;
  /** the socket failed, or was closed under the user */
  onSocketError(error: Error): void;
}

export interface SocketConfig {
  transport: Transport;
  /** address to bind (port 0): `fe80::1%eth0` or `192.0.2.1` */
  local: string;
  /** for setMulticastInterface: `::%eth0` or the IPv4 address */
  multicastIf: string;
  /** where queries go: `ff02::fb%eth0` or `224.0.0.251` */
  target: string;
  /** `%eth0`: the zone Node appends to link-local sources that arrived on this interface ('' for IPv4) */
  zoneSuffix: string;
}

/** How long an unused socket stays open for the next query. */
const IDLE_MS = 2000;

export class QuerySocket {
  readonly key: string;
  readonly target: string;
  readonly zoneSuffix: string;
  readonly #socket: dgram.Socket;
  readonly #users = new Set<SocketUser>();
  readonly #waiting: [SocketUser, () => void][] = [];
  #ready = false;
  #closed = false;
  #error: Error | undefined;
  #idle: NodeJS.Timeout | undefined;
  #lastUsed = 0;

  constructor(key: string, config: SocketConfig) {
    this.key = key;
    this.target = config.target;
    this.zoneSuffix = config.zoneSuffix;
    const family = config.transport;
    // Every address this socket sees (bind and send) is a literal made here, so answer dgram's
    // lookup at once instead of through dns.lookup and a process.nextTick per datagram.
    const lookup = (address: string, _options: unknown, callback: (error: Error | null, address: string, family: number) => void): void =>
      callback(null, address, family);
    const socket = dgram.createSocket({ type: family === 6 ? 'udp6' : 'udp4', lookup: lookup as dgram.SocketOptions['lookup'] });
    this.#socket = socket;
    socket.on('error', (error) => this.#fail(error));
    socket.on('message', (msg, rinfo) => {
      for (const user of this.#users) user.onSocketMessage(msg, rinfo);
    });
    socket.unref();
    try {
      // On Linux a bind to a link-local address also binds the socket to that device, so only
      // packets that arrived on this interface reach it.
      socket.bind({ address: config.local, port: 0, exclusive: true }, () => {
        if (this.#closed) return;
        try {
          socket.setMulticastTTL(255); // RFC 6762 §11: hop limit 255
          socket.setMulticastInterface(config.multicastIf);
        } catch (error) {
          return this.#fail(error as Error);
        }
        this.#ready = true;
        for (const [user, then] of this.#waiting.splice(0)) if (this.#users.has(user)) then();
      });
    } catch (error) {
      queueMicrotask(() => this.#fail(error as Error));
    }
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Adds a user; `then` runs once the socket is bound (at once if it is). */
  use(user: SocketUser, then: () => void): void {
    if (this.#closed) return user.onSocketError(this.#error ?? new Error('mDNS query socket closed'));
    this.#users.add(user);
    if (this.#ready) then();
    else this.#waiting.push([user, then]);
  }

  release(user: SocketUser): void {
    this.#users.delete(user);
    if (this.#users.size > 0 || this.#closed) return;
    this.#lastUsed = performance.now();
    // One idle timer at a time, re-armed for the remaining time instead of per query.
    if (this.#idle === undefined) this.#armIdle(IDLE_MS);
  }

  #armIdle(ms: number): void {
    this.#idle = setTimeout(() => {
      this.#idle = undefined;
      if (this.#closed || this.#users.size > 0) return;
      const left = this.#lastUsed + IDLE_MS - performance.now();
      if (left > 1) this.#armIdle(left);
      else this.close();
    }, ms);
    this.#idle.unref();
  }

  /**
   * Sends a datagram. With `reportErrors`, a send error (ENETUNREACH, ENODEV, ...) closes the
   * socket and is reported to every user, so the next query binds afresh; without, errors are
   * dropped (dgram's fast path without a completion callback, used for a query's first
   * transmission; its retransmissions report errors).
   */
  send(packet: Buffer, port: number, address: string, reportErrors: boolean): void {
    if (this.#closed) return;
    if (!reportErrors) this.#socket.send(packet, port, address);
    else {
      this.#socket.send(packet, port, address, (error) => {
        if (error !== null && error !== undefined) this.#fail(error);
      });
    }
  }

  #fail(error: Error): void {
    if (this.#closed) return;
    this.#error = error;
    this.close();
  }

  /** Closes the socket; queries still using it get its error (or "socket closed"). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    const users = [...this.#users];
    if (this.#idle !== undefined) clearTimeout(this.#idle);
    this.#idle = undefined;
    this.#users.clear();
    this.#waiting.length = 0;
    this.#socket.removeAllListeners('message');
    this.#socket.on('error', () => {}); // nothing to report to after close
    try {
      this.#socket.close();
    } catch {
      // not bound yet or already closed
    }
    if (pool.get(this.key) === this) pool.delete(this.key);
    const error = this.#error ?? new Error('mDNS query socket closed');
    for (const user of users) user.onSocketError(error);
  }
}

const pool = new Map<string, QuerySocket>();

/** The shared query socket for `key`, created from `config()` on first use. */
export function querySocket(key: string, config: () => SocketConfig): QuerySocket {
  const existing = pool.get(key);
  if (existing !== undefined && !existing.closed) return existing;
  const created = new QuerySocket(key, config());
  pool.set(key, created);
  return created;
}

/** Closes every mDNS query socket now (queries still running fail with ERR_MDNS or keep their results). */
export function closeMdnsSockets(): void {
  for (const s of [...pool.values()]) s.close();
}

/** Number of open mDNS query sockets (for tests and diagnostics). */
export function openMdnsSockets(): number {
  return pool.size;
}

/** The pooled query socket for (interface, IP version), bound to the interface's own address. */
export function socketFor(reg: InterfaceRegistry, iface: InterfaceInfo, transport: Transport): QuerySocket {
  const own = transport === 6 ? (iface.linkLocal as ScopedAddress) : (ipv4Of(iface) as ScopedAddress);
  return querySocket(`${transport} ${iface.name} ${own.address}`, () => {
    const zone = reg.toPlatformZone(iface.name);
    return transport === 6
      ? { transport, local: `${own.address}%${zone}`, multicastIf: `::%${zone}`, target: `${MDNS_IPV6_GROUP}%${zone}`, zoneSuffix: `%${zone}` }
      : { transport, local: own.address, multicastIf: own.address, target: MDNS_IPV4_GROUP, zoneSuffix: '' };
  });
}
