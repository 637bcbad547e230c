// The sockets of a continuous mDNS querier (RFC 6762 §5.2): port 5353 on the wildcard address, one
// per IP version, with SO_REUSEADDR so they live beside an avahi-daemon or mDNSResponder on the same
// host; the multicast groups (ff02::fb, 224.0.0.251) joined per interface, reference-counted across
// the browsers of the process. Memberships do not isolate sockets (every socket bound to 5353 gets
// every group datagram any socket joined for), so users must attribute each datagram themselves
// (the zone of an IPv6 link-local source; the on-link prefix of an IPv4 one). A datagram is parsed
// once and offered to every user: a response to `onDatagram`, a query to `onQuery` (RFC 6762
// §7.3). The sockets are ref'd: an open browser keeps the process alive.
import dgram from 'node:dgram';
import { MDNS_IPV4_GROUP, MDNS_IPV6_GROUP, MDNS_PORT } from './packet.js';
import { parseMessage, type ParsedMessage } from './message.js';

export type Family = 4 | 6;

export interface ListenerUser {
  onDatagram(msg: Buffer, parsed: ParsedMessage, rinfo: dgram.RemoteInfo, family: Family): void;
  /** a query another querier (or this host, looped back) sent: for duplicate question suppression (RFC 6762 §7.3) */
  onQuery?(parsed: Extract<ParsedMessage, { ok: true }>, rinfo: dgram.RemoteInfo, family: Family): void;
  /** the socket of `family` failed; the user is no longer served on it */
  onListenerError(family: Family, error: Error): void;
}

class FamilySocket {
  readonly family: Family;
  readonly #socket: dgram.Socket;
  readonly #ready: Promise<void>;
  /** membership key (`::%eth0` or the interface's IPv4 address) -> users that asked for it */
  readonly #members = new Map<string, number>();
  #closed = false;

  constructor(family: Family, onMessage: (msg: Buffer, rinfo: dgram.RemoteInfo, family: Family) => void, onError: (family: Family, e: Error) => void) {
    this.family = family;
    // every address given to this socket is a literal made here: answer dgram's lookup at once
    // (no dns.lookup, and a send is synchronous, so setMulticastInterface + send cannot interleave)
    const lookup = (address: string, _o: unknown, cb: (e: Error | null, a: string, f: number) => void): void => cb(null, address, family);
    const socket = dgram.createSocket({
      type: family === 6 ? 'udp6' : 'udp4',
      reuseAddr: true,
      ...(family === 6 ? { ipv6Only: true } : {}),
      lookup: lookup as dgram.SocketOptions['lookup'],
    });
    this.#socket = socket;
    socket.on('message', (msg, rinfo) => onMessage(msg, rinfo, family));
    this.#ready = new Promise((resolve, reject) => {
      socket.once('error', reject);
      socket.bind({ address: family === 6 ? '::' : '0.0.0.0', port: MDNS_PORT }, () => {
        socket.removeListener('error', reject);
        socket.on('error', (e) => {
          if (!this.#closed) onError(family, e);
        });
        try {
          socket.setMulticastTTL(255); // RFC 6762 §11
          socket.setMulticastLoopback(true); // a responder on this host answers too
        } catch (e) {
          return reject(e as Error);
        }
        resolve();
      });
    });
    this.#ready.catch(() => {}); // reported to whoever awaits it
  }

  ready(): Promise<void> {
    return this.#ready;
  }

  /** Joins the group on an interface (`::%eth0` for IPv6, the interface's IPv4 address for IPv4). */
  join(where: string): void {
    const n = this.#members.get(where) ?? 0;
    if (n === 0) this.#socket.addMembership(this.family === 6 ? MDNS_IPV6_GROUP : MDNS_IPV4_GROUP, where);
    this.#members.set(where, n + 1);
  }

  leave(where: string): void {
    const n = this.#members.get(where) ?? 0;
    if (n <= 1) {
      this.#members.delete(where);
      try {
        this.#socket.dropMembership(this.family === 6 ? MDNS_IPV6_GROUP : MDNS_IPV4_GROUP, where);
      } catch {
        // the interface went away, and its membership with it
      }
    } else this.#members.set(where, n - 1);
  }

  /** Drops and joins again (after the interface came back: a deleted link's membership is gone). */
  rejoin(where: string): void {
    if (!this.#members.has(where)) return;
    try {
      this.#socket.dropMembership(this.family === 6 ? MDNS_IPV6_GROUP : MDNS_IPV4_GROUP, where);
    } catch {
      // not joined any more
    }
    this.#socket.addMembership(this.family === 6 ? MDNS_IPV6_GROUP : MDNS_IPV4_GROUP, where);
  }

  /** Sends to the group: IPv6 to `ff02::fb%zone`; IPv4 from the interface whose address is `via`. */
  send(packet: Buffer, via: string, callback: (error: Error | null) => void): void {
    if (this.#closed) return callback(new Error('mDNS socket closed'));
    try {
      if (this.family === 6) this.#socket.send(packet, MDNS_PORT, `${MDNS_IPV6_GROUP}%${via}`, callback);
      else {
        this.#socket.setMulticastInterface(via);
        this.#socket.send(packet, MDNS_PORT, MDNS_IPV4_GROUP, callback);
      }
    } catch (error) {
      callback(error as Error);
    }
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#socket.removeAllListeners('message');
    this.#socket.on('error', () => {});
    try {
      this.#socket.close();
    } catch {
      // not bound
    }
  }
}

/** The process-wide listener: sockets opened for the first user, closed with the last. */
class Listener {
  readonly #users = new Set<ListenerUser>();
  readonly #sockets = new Map<Family, FamilySocket>();

  /** Registers `user` and resolves once the sockets of `families` are bound (rejects with the bind error). */
  async open(user: ListenerUser, families: readonly Family[]): Promise<void> {
    this.#users.add(user);
    for (const family of families) {
      let s = this.#sockets.get(family);
      if (s === undefined) {
        s = new FamilySocket(family, (m, r, f) => this.#deliver(m, r, f), (f, e) => this.#fail(f, e));
        this.#sockets.set(family, s);
      }
      try {
        await s.ready();
      } catch (error) {
        if (this.#sockets.get(family) === s) {
          this.#sockets.delete(family);
          s.close();
        }
        throw error;
      }
    }
  }

  socket(family: Family): FamilySocket | undefined {
    return this.#sockets.get(family);
  }

  /** Unregisters `user`; the sockets close with the last user. */
  close(user: ListenerUser): void {
    if (!this.#users.delete(user) || this.#users.size > 0) return;
    for (const s of this.#sockets.values()) s.close();
    this.#sockets.clear();
  }

  #deliver(msg: Buffer, rinfo: dgram.RemoteInfo, family: Family): void {
    if (this.#users.size === 0) return;
    const parsed = parseMessage(msg);
    if (!parsed.ok) return;
    for (const user of [...this.#users]) {
      if (parsed.response) user.onDatagram(msg, parsed, rinfo, family);
      else user.onQuery?.(parsed, rinfo, family);
    }
  }

  #fail(family: Family, error: Error): void {
    const s = this.#sockets.get(family);
    this.#sockets.delete(family);
    s?.close();
    for (const user of [...this.#users]) user.onListenerError(family, error);
  }

  get users(): number {
    return this.#users.size;
  }
}

export const listener = new Listener();
