// One-shot Multicast DNS resolver (RFC 6762 §5.1): for each chosen interface it sends a query from
// an ephemeral port to ff02::fb%IFACE (and 224.0.0.251 when the interface has IPv4), receives the
// legacy-unicast answers (§6.7) on a socket bound to that interface's own address, and gives every
// link-local AAAA the zone of the interface it arrived on (§14, RFC 4007).
import type dgram from 'node:dgram';
import { randomInt } from 'node:crypto';
import { Fe80Error, isStaleInterfaceError, quote } from '../errors.js';
import { abortedError } from '../cancel.js';
import { BoundedMap } from '../bounded-map.js';
import { checkMs } from '../validate.js';
import { ScopedAddress } from '../addr/index.js';
import { registry as defaultRegistry, type InterfaceInfo, type InterfaceRegistry } from '../iface/index.js';
import { MdnsCache, mdnsCache, planFromCache } from './cache.js';
import { nameKey, normalizeName } from './names.js';
import { isOnLink, isOnLinkOnly } from './onlink.js';
import { querySocket, type QuerySocket, type SocketUser, type Transport } from './socket-pool.js';
import {
  encodeName,
  encodeQuery,
  parseResponse,
  MDNS_IPV4_GROUP,
  MDNS_IPV6_GROUP,
  MDNS_PORT,
  TYPE_AAAA,
  type KnownAnswer,
} from './packet.js';

export interface MdnsResult {
  /** link-local IPv6 results carry the zone (interface name) they arrived on; others none */
  address: ScopedAddress;
  /** name of the interface the answer arrived on */
  interface: string;
  /** seconds left of the record's TTL */
  ttl: number;
  /** the name asked for (normalised: NFC, no trailing dot; matched ASCII case-insensitively) */
  name: string;
}

export interface ResolveMdnsOptions {
  /** interfaces to query, by name or index; default: registry candidates with multicast (up, not loopback, IPv6 link-local) */
  interfaces?: readonly (string | number)[];
  /** record families: 6 = AAAA, 4 = A, 0 = both (default) */
  family?: 0 | 4 | 6;
  /** which IP versions to send the query over; default `'both'` (IPv4 only where the interface has an IPv4 address) */
  transport?: 'ipv6' | 'ipv4' | 'both';
  /** overall ms (default 1500); with no answer by then: ERR_NOT_FOUND */
  timeout?: number;
  /**
   * ms to keep listening after the first answer for interfaces that have not answered yet
   * (default 250). The call returns as soon as every queried interface has answered; `0` returns
   * on the first answer.
   */
  settle?: number;
  signal?: AbortSignal;
  registry?: InterfaceRegistry;
  /** the known-answer cache (default: the process-wide `mdnsCache`); `false` = no cache */
  cache?: MdnsCache | false;
}

const DEFAULT_TIMEOUT = 1500;
const DEFAULT_SETTLE = 250;
/** first retransmission after this many ms, then doubling (RFC 6762 §5.2 spirit for one-shot) */
const FIRST_RETRY = 250;
/** at most this many distinct results per interface: a flood cannot grow memory */
const MAX_RESULTS_PER_INTERFACE = 32;

const QUERY_ID = randomInt(1, 0x10000);
const packets = new BoundedMap<string, Buffer>(64);

/** The encoded query for (name, types), cached (few names are asked over and over). */
function queryPacket(qname: string, types: readonly ('A' | 'AAAA')[], known: readonly KnownAnswer[]): Buffer {
  if (known.length > 0) return encodeQuery(qname, types, QUERY_ID, known);
  return packets.getOrSet((types.length === 1 ? (types[0] as string) : '*') + qname, () => encodeQuery(qname, types, QUERY_ID));
}

let lastMessage: Buffer | undefined;
let lastWire: Uint8Array | undefined;
let lastParsed: ReturnType<typeof parseResponse> | undefined;

/** Parses a datagram once even when several concurrent queries for a name share its socket. */
function parseOnce(msg: Buffer, wire: Uint8Array): ReturnType<typeof parseResponse> {
  if (msg !== lastMessage || wire !== lastWire || lastParsed === undefined) {
    lastParsed = parseResponse(msg, wire);
    lastMessage = msg;
    lastWire = wire;
  }
  return lastParsed;
}

const names = new BoundedMap<string, { qname: string; key: string; wire: Uint8Array }>(64);

/** normalizeName + nameKey + encodeName, remembered for the last few names asked. */
function prepareName(name: string): { qname: string; key: string; wire: Uint8Array } {
  const make = () => {
    const qname = normalizeName(name);
    return { qname, key: nameKey(qname), wire: encodeName(nameKey(qname)) };
  };
  return typeof name === 'string' ? names.getOrSet(name, make) : make();
}

const abortError = (signal: AbortSignal): Fe80Error => abortedError('mDNS query', signal);

/** The interfaces a query goes to: explicit ones validated through the registry, or the candidates. */
function chooseInterfaces(reg: InterfaceRegistry, wanted: readonly (string | number)[] | undefined): InterfaceInfo[] {
  if (wanted === undefined) {
    const list = reg.candidates().filter((i) => i.multicast);
    if (list.length === 0) {
      throw new Fe80Error(
        'ERR_NOT_FOUND',
        'no interface to send an mDNS query on (need one that is up, not loopback, multicast, with an IPv6 link-local address)',
      );
    }
    return list;
  }
  if (!Array.isArray(wanted) || wanted.length === 0) {
    throw new Fe80Error('ERR_INVALID_ARGUMENT', '`interfaces` must be a non-empty array of interface names or indexes');
  }
  const out: InterfaceInfo[] = [];
  for (const zone of wanted) {
    const info = reg.resolve(zone);
    if (!info.up) throw new Fe80Error('ERR_INTERFACE_DOWN', `interface ${quote(info.name)} is down`, { input: String(zone) });
    if (!out.some((i) => i.name === info.name)) out.push(info);
  }
  return out;
}

function ipv4Of(iface: InterfaceInfo): ScopedAddress | undefined {
  return iface.addresses.find((a) => a.address.family === 4 && !a.address.isLoopback())?.address;
}

/**
 * Resolves `name` (e.g. `printer.local`) with Multicast DNS on each chosen interface and returns
 * every address with the interface it came from: the same name answered on two links gives two
 * results (`fe80::a%eth0`, `fe80::a%wlan0`), ordered by interface (the `interfaces` order, else
 * registry order), then by arrival. Rejects with ERR_NOT_FOUND when nothing answered within
 * `timeout`, ERR_ABORTED when `signal` fires, ERR_MDNS when no query could be sent.
 *
 * Returns as soon as every queried interface has answered (so one link and one responder cost
 * one round trip), else `settle` ms after the first answer, else at `timeout`. Unanswered
 * queries are sent again after 250, 500, 1000 ms ... until then.
 *
 * Responses are accepted only from UDP source port 5353 (RFC 6762 §6), from an on-link source of
 * the receiving interface (§11), with QR=1, OPCODE=0, RCODE=0 (§18); questions and the ID in
 * responses are ignored (§6, §18.1); the cache-flush bit is masked from the class (§18.13).
 * Node cannot read the received hop limit, so the TTL-255 check of §11 is not made.
 */
export function resolveMdns(name: string, options: ResolveMdnsOptions = {}): Promise<MdnsResult[]> {
  try {
    const query = new MdnsQuery(name, options);
    return new Promise<MdnsResult[]>((resolve, reject) => query.start(resolve, reject));
  } catch (error) {
    return Promise.reject(error);
  }
}

/** One (interface, IP version) leg of a query: the user of that interface's pooled socket. */
class Leg implements SocketUser {
  readonly query: MdnsQuery;
  readonly iface: InterfaceInfo;
  readonly transport: Transport;
  readonly packet: Buffer;
  socket: QuerySocket | undefined;
  failure: Error | undefined;
  /** a useful answer came in on this leg */
  answered = false;

  constructor(query: MdnsQuery, iface: InterfaceInfo, transport: Transport, packet: Buffer) {
    this.query = query;
    this.iface = iface;
    this.transport = transport;
    this.packet = packet;
  }

  onSocketMessage(msg: Buffer, rinfo: dgram.RemoteInfo): void {
    this.query.onMessage(this, msg, rinfo);
  }

  onSocketError(error: Error): void {
    this.query.onLegError(this, error);
  }
}

const sameInterfaceOf = (reg: InterfaceRegistry, iface: InterfaceInfo) => (zone: string) =>
  zone === iface.name || reg.get(zone)?.name === iface.name;

/** `fe80::/10` as printed by inet_ntop (lower case, first hextet of four digits). */
function isLinkLocalText(text: string): boolean {
  return text.length > 5 && text.charCodeAt(4) === 0x3a && text.startsWith('fe') && '89ab'.includes(text[2] as string);
}

/** Reports whether `results` hold an address of record type `type` (A: IPv4, AAAA: IPv6). */
function hasType(results: readonly MdnsResult[], type: 'A' | 'AAAA'): boolean {
  const family = type === 'A' ? 4 : 6;
  return results.some((r) => r.address.family === family);
}

class MdnsQuery {
  readonly #input: string;
  readonly #qname: string;
  readonly #key: string;
  readonly #wire: Uint8Array;
  readonly #types: readonly ('A' | 'AAAA')[];
  readonly #interfaces: readonly InterfaceInfo[];
  readonly #timeout: number;
  readonly #settle: number;
  readonly #reg: InterfaceRegistry;
  readonly #cache: MdnsCache | undefined;
  readonly #transport: 'ipv6' | 'ipv4' | 'both';
  readonly #signal: AbortSignal | undefined;
  readonly #results = new Map<string, MdnsResult[]>();
  readonly #answered = new Set<string>();
  /** interfaces the network was asked on (not answered from the cache alone) */
  readonly #queried = new Set<string>();
  readonly #legs: Leg[] = [];
  #resolve: ((r: MdnsResult[]) => void) | undefined;
  #reject: ((e: Error) => void) | undefined;
  #done = false;
  #deadline = 0;
  #settleAt = Infinity;
  #retryAt = Infinity;
  #retryDelay = FIRST_RETRY;

  constructor(name: string, options: ResolveMdnsOptions) {
    if (typeof options !== 'object' || options === null) throw new Fe80Error('ERR_INVALID_ARGUMENT', 'resolveMdns options must be an object');
    this.#input = name;
    const prepared = prepareName(name);
    this.#qname = prepared.qname;
    this.#key = prepared.key;
    this.#wire = prepared.wire;
    const family = options.family ?? 0;
    if (family !== 0 && family !== 4 && family !== 6) {
      throw new Fe80Error('ERR_INVALID_ARGUMENT', `\`family\` must be 0, 4 or 6, got ${String(family)}`);
    }
    this.#types = family === 4 ? ['A'] : family === 6 ? ['AAAA'] : ['AAAA', 'A'];
    const transport = options.transport ?? 'both';
    if (transport !== 'both' && transport !== 'ipv4' && transport !== 'ipv6') {
      throw new Fe80Error('ERR_INVALID_ARGUMENT', `\`transport\` must be 'ipv6', 'ipv4' or 'both', got ${String(transport)}`);
    }
    this.#transport = transport;
    const cache = options.cache === false ? undefined : (options.cache ?? mdnsCache);
    if (cache !== undefined && !(cache instanceof MdnsCache)) {
      throw new Fe80Error('ERR_INVALID_ARGUMENT', '`cache` must be an MdnsCache or false');
    }
    this.#cache = cache;
    this.#timeout = checkMs(options.timeout, 'timeout', 1) ?? DEFAULT_TIMEOUT;
    this.#settle = checkMs(options.settle, 'settle', 0) ?? DEFAULT_SETTLE;
    const signal = options.signal;
    if (signal !== undefined && !(signal instanceof AbortSignal)) throw new Fe80Error('ERR_INVALID_ARGUMENT', '`signal` must be an AbortSignal');
    if (signal?.aborted) throw abortError(signal);
    this.#signal = signal;
    this.#reg = options.registry ?? defaultRegistry;
    this.#interfaces = chooseInterfaces(this.#reg, options.interfaces);
  }

  start(resolve: (r: MdnsResult[]) => void, reject: (e: Error) => void): void {
    this.#resolve = resolve;
    this.#reject = reject;
    const cache = this.#cache;
    const legs = this.#legs;
    // 1. answers from the cache, per record type (more than 20% of the TTL left, RFC 6762 §5.2);
    // an interface missing a type is asked for every type, listing what it knows (§7.1)
    for (const iface of this.#interfaces) {
      const plan = cache === undefined ? undefined : planFromCache(cache, iface.name, this.#key, this.#types);
      if (plan !== undefined) for (const r of plan.answers) this.#add(iface, r.address, (cache as MdnsCache).remaining(r), r.name);
      if (plan !== undefined && plan.missing.length === 0) {
        this.#answered.add(iface.name);
        continue;
      }
      this.#queried.add(iface.name);
      const packet = queryPacket(this.#qname, this.#types, plan?.known ?? []);
      if (this.#transport !== 'ipv4' && iface.linkLocal !== undefined) legs.push(new Leg(this, iface, 6, packet));
      if (this.#transport !== 'ipv6' && ipv4Of(iface) !== undefined) legs.push(new Leg(this, iface, 4, packet));
    }
    if (this.#answered.size === this.#interfaces.length) return this.#finish();
    if (legs.length === 0) {
      if (this.#answered.size > 0) return this.#finish();
      const names = this.#interfaces.map((i) => i.name).join(', ');
      return this.#finish(new Fe80Error('ERR_MDNS', `no address to send an mDNS query from on ${names}`, { input: this.#input }));
    }
    this.#signal?.addEventListener('abort', this, { once: true });
    const now = performance.now();
    this.#deadline = now + this.#timeout;
    this.#retryAt = now + this.#retryDelay;
    if (this.#results.size > 0) this.#settleAt = now + this.#settle; // cached answers open the settle window
    this.#arm();
    for (const leg of legs) {
      const socket = socketFor(this.#reg, leg.iface, leg.transport);
      leg.socket = socket;
      socket.use(leg, () => this.#send(leg, false));
      if (this.#done) break;
    }
  }

  /** AbortSignal listener (EventListener object form). */
  handleEvent(): void {
    this.#finish(abortError(this.#signal as AbortSignal));
  }

  #send(leg: Leg, reportErrors: boolean): void {
    const socket = leg.socket;
    if (this.#done || socket === undefined) return;
    socket.send(leg.packet, MDNS_PORT, socket.target, reportErrors);
  }

  /** When this query next needs the clock (deadline, settle end or retransmission). */
  get due(): number {
    return Math.min(this.#deadline, this.#settleAt, this.#retryAt);
  }

  get done(): boolean {
    return this.#done;
  }

  #arm(): void {
    if (!this.#done) clock.schedule(this, this.due);
  }

  /** Called by the shared clock at or after `due`. */
  tick(now: number): void {
    if (this.#done) return;
    if (now >= this.#deadline - 1 || now >= this.#settleAt - 1) return this.#finish();
    if (now >= this.#retryAt - 1) {
      for (const leg of this.#legs) if (!leg.answered && leg.failure === undefined) this.#send(leg, true);
      this.#retryDelay *= 2;
      this.#retryAt = now + this.#retryDelay;
    }
    this.#arm();
  }

  onMessage(leg: Leg, msg: Buffer, rinfo: dgram.RemoteInfo): void {
    if (this.#done) return;
    if (rinfo.port !== MDNS_PORT) return; // RFC 6762 §6: the source port of every response is 5353
    const iface = leg.iface;
    const socket = leg.socket;
    // RFC 6762 §11: only on-link sources (fast path: a link-local source on this very interface)
    const from = rinfo.address;
    if (!(leg.transport === 6 && socket !== undefined && from.endsWith(socket.zoneSuffix) && isLinkLocalText(from))) {
      const source = ScopedAddress.tryParse(from);
      if (source === undefined || !this.#onLink(leg, source)) return;
    }
    const parsed = parseOnce(msg, this.#wire);
    if (!parsed.ok) return;
    const cache = this.#cache;
    let useful = false;
    for (const record of parsed.records) {
      const type = record.type === TYPE_AAAA ? 'AAAA' : 'A';
      if (!this.#types.includes(type)) continue;
      const d = record.data;
      const linkLocal = type === 'AAAA' && d[0] === 0xfe && ((d[1] as number) & 0xc0) === 0x80;
      const address = linkLocal ? ScopedAddress.fromBytes(d, iface.name) : ScopedAddress.fromBytes(d);
      if (!linkLocal && (address.isMulticast() || address.isUnspecified() || address.isLoopback() || address.isIPv4Mapped())) continue;
      cache?.add(iface.name, this.#key, { address, name: this.#qname, type, ttl: record.ttl }, record.cacheFlush);
      if (record.ttl === 0) continue; // goodbye (RFC 6762 §10.1)
      this.#add(iface, address, record.ttl, this.#qname);
      useful = true;
    }
    if (!useful) return;
    leg.answered = true;
    // an interface is complete when each of its legs (IPv6, IPv4) has answered, or when it has a
    // record of every type asked: over IPv6 a responder may publish only AAAA and over IPv4 only A
    // (avahi's defaults), and a leg whose answers are all known answers stays silent (RFC 6762 §7.1)
    this.#progress(iface);
  }

  /**
   * RFC 6762 §11 for the slow path. The IPv6 socket is bound to a link-local address, which on
   * Linux ties it to the device, and a link-local source carries its arrival zone. The IPv4 socket
   * is bound to a unicast address, which does not (weak host model), and Node cannot report the
   * arrival device: the source must be on-link for this interface and no other (isOnLinkOnly).
   */
  #onLink(leg: Leg, source: ScopedAddress): boolean {
    if (leg.transport === 4) return isOnLinkOnly(source, leg.iface, this.#reg.list());
    return isOnLink(source, leg.iface, sameInterfaceOf(this.#reg, leg.iface));
  }

  /** After an answer or a failed leg on `iface`: finish when every interface is complete, else start the settle window. */
  #progress(iface: InterfaceInfo): void {
    if (this.#hasEveryType(iface) || this.#legs.every((l) => l.iface !== iface || l.answered || l.failure !== undefined)) {
      this.#answered.add(iface.name);
    }
    if (this.#answered.size === this.#interfaces.length) return this.#finish();
    if (this.#settleAt === Infinity && this.#legs.some((l) => l.answered)) {
      if (this.#settle === 0) return this.#finish();
      const now = performance.now();
      this.#settleAt = now + this.#settle;
      this.#arm();
    }
  }

  /** Reports whether `iface` has a result of every requested type (cached or received). */
  #hasEveryType(iface: InterfaceInfo): boolean {
    const list = this.#results.get(iface.name);
    return list !== undefined && this.#types.every((type) => hasType(list, type));
  }

  onLegError(leg: Leg, error: Error): void {
    if (leg.failure === undefined) leg.failure = error;
    // the interface changed under us: the next query re-reads the registry
    if (isStaleInterfaceError(error)) this.#reg.invalidate();
    this.#release(leg);
    if (this.#done) return;
    if (this.#legs.every((l) => l.failure !== undefined)) return this.#finish();
    this.#progress(leg.iface);
  }

  #add(iface: InterfaceInfo, address: ScopedAddress, ttl: number, owner: string): void {
    let list = this.#results.get(iface.name);
    if (list === undefined) {
      list = [];
      this.#results.set(iface.name, list);
    }
    if (list.length >= MAX_RESULTS_PER_INTERFACE || list.some((r) => r.address.equals(address))) return;
    list.push({ address, interface: iface.name, ttl, name: owner });
  }

  /**
   * On each interface the network was asked on and answered for this name, the requested types
   * that got no record are noted as absent for as long as the shortest answer lives (see
   * MdnsCache.markAbsent).
   */
  #noteAbsentTypes(): void {
    const cache = this.#cache;
    if (cache === undefined || this.#types.length < 2) return;
    for (const name of this.#queried) {
      const list = this.#results.get(name);
      if (list === undefined || list.length === 0) continue;
      const ttl = Math.min(...list.map((r) => r.ttl));
      for (const type of this.#types) {
        if (!hasType(list, type)) cache.markAbsent(name, this.#key, type, ttl);
      }
    }
  }

  #release(leg: Leg): void {
    const socket = leg.socket;
    leg.socket = undefined;
    socket?.release(leg);
  }

  #finish(error?: Error): void {
    if (this.#done) return;
    this.#done = true;
    clock.remove(this);
    this.#signal?.removeEventListener('abort', this);
    for (const leg of this.#legs) this.#release(leg);
    const resolve = this.#resolve as (r: MdnsResult[]) => void;
    const reject = this.#reject as (e: Error) => void;
    if (error !== undefined) return reject(error);
    const out: MdnsResult[] = [];
    for (const iface of this.#interfaces) {
      const list = this.#results.get(iface.name);
      if (list !== undefined) out.push(...list);
    }
    if (out.length > 0) {
      this.#noteAbsentTypes();
      return resolve(out);
    }
    const names = this.#interfaces.map((i) => i.name).join(', ');
    const failed = this.#legs.filter((l) => l.failure !== undefined);
    if (failed.length > 0 && failed.length === this.#legs.length) {
      const first = failed[0]?.failure as Error;
      return reject(
        new Fe80Error('ERR_MDNS', `mDNS query for ${quote(this.#qname)} could not be sent on ${names}: ${first.message}`, {
          input: this.#input,
          cause: first,
        }),
      );
    }
    reject(new Fe80Error('ERR_NOT_FOUND', `no mDNS answer for ${quote(this.#qname)} on ${names} within ${this.#timeout} ms`, { input: this.#input }));
  }
}

/**
 * One timer for all pending queries: a query registers its next due time and the clock fires at
 * the earliest one, so a query that is answered in a round trip never creates or clears a timer of
 * its own. The timer is unref'd while no query is pending.
 */
const clock = {
  active: new Set<MdnsQuery>(),
  timer: undefined as NodeJS.Timeout | undefined,
  at: Infinity,
  schedule(query: MdnsQuery, at: number): void {
    if (!this.active.has(query)) {
      this.active.add(query);
      if (this.active.size === 1) this.timer?.ref();
    }
    if (this.timer !== undefined && this.at <= at) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.at = at;
    this.timer = setTimeout(() => this.run(), Math.max(0, at - performance.now()));
  },
  remove(query: MdnsQuery): void {
    if (this.active.delete(query) && this.active.size === 0) this.timer?.unref();
  },
  run(): void {
    this.timer = undefined;
    this.at = Infinity;
    const now = performance.now();
    for (const query of [...this.active]) if (query.due <= now + 1) query.tick(now);
    let next = Infinity;
    for (const query of this.active) {
      if (query.done) this.active.delete(query);
      else next = Math.min(next, query.due);
    }
    if (this.timer !== undefined) clearTimeout(this.timer); // a tick may have scheduled meanwhile
    this.timer = undefined;
    this.at = Infinity;
    if (next === Infinity) return;
    this.at = next;
    this.timer = setTimeout(() => this.run(), Math.max(0, next - performance.now()));
  },
};

/** The pooled socket for (interface, IP version), bound to the interface's own address. */
function socketFor(reg: InterfaceRegistry, iface: InterfaceInfo, transport: Transport): QuerySocket {
  const own = transport === 6 ? (iface.linkLocal as ScopedAddress) : (ipv4Of(iface) as ScopedAddress);
  return querySocket(`${transport} ${iface.name} ${own.address}`, () => {
    const zone = reg.toPlatformZone(iface.name);
    return transport === 6
      ? { transport, local: `${own.address}%${zone}`, multicastIf: `::%${zone}`, target: `${MDNS_IPV6_GROUP}%${zone}`, zoneSuffix: `%${zone}` }
      : { transport, local: own.address, multicastIf: own.address, target: MDNS_IPV4_GROUP, zoneSuffix: '' };
  });
}
