// The state machine of one one-shot mDNS query (RFC 6762 §5.1): legs per (interface, IP version)
// on the pooled sockets, answers from the cache first, retransmission with doubling delays, the
// settle window, and when to stop. Timers come from the shared clock (clock.ts).
import type dgram from 'node:dgram';
import { Fe80Error, isStaleInterfaceError, quote } from '../errors.js';
import { abortedError } from '../cancel.js';
import { ScopedAddress } from '../addr/index.js';
import type { InterfaceInfo, InterfaceRegistry } from '../iface/index.js';
import type { CachePlan, MdnsCache } from './cache.js';
import { clock, type ClockJob } from '../clock.js';
import { ipv4Of } from './interfaces.js';
import type { MdnsResult } from './mdns.js';
import { heardAddress, isLinkLocalText, isOnLink, isOnLinkOnly } from './onlink.js';
import { socketFor, type QuerySocket, type SocketUser, type Transport } from './socket-pool.js';
import { MDNS_PORT, TYPE_AAAA } from './packet.js';
import { LEGACY_UNICAST_MAX_TTL, MAX_PACKET } from './limits.js';
import { parseOnce, queryPacket, type PreparedName } from './wire.js';

/** A checked resolveMdns call (see mdns.ts). */
export interface QuerySpec {
  /** the name as the caller gave it (for errors) */
  input: string;
  name: PreparedName;
  types: readonly ('A' | 'AAAA')[];
  transport: 'ipv6' | 'ipv4' | 'both';
  cache: MdnsCache | undefined;
  timeout: number;
  settle: number;
  signal: AbortSignal | undefined;
  reg: InterfaceRegistry;
  interfaces: readonly InterfaceInfo[];
  /** a refresh nobody waits for (see #probeInBackground): never deferred again, keeps no process alive */
  background?: boolean;
}

/** first retransmission after this many ms, then doubling (RFC 6762 §5.2 spirit for one-shot) */
const FIRST_RETRY = 250;
/** at most this many distinct results per interface: a flood cannot grow memory */
const MAX_RESULTS_PER_INTERFACE = 32;
/**
 * An interface is remembered as silent only after it was listened to this long: responders answer
 * unique records at once (RFC 6762 §6), so 200 ms without a word is silence, not a slow reply.
 */
const MIN_SILENCE_MS = 200;

/** Background refreshes in flight, per (interface, name, types): one at a time each. */
const probing = new Set<string>();

const abortError = (signal: AbortSignal): Fe80Error => abortedError('mDNS query', signal);

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

/** Reports whether `results` hold an address of record type `type` (A: IPv4, AAAA: IPv6). */
function hasType(results: readonly MdnsResult[], type: 'A' | 'AAAA'): boolean {
  const family = type === 'A' ? 4 : 6;
  return results.some((r) => r.address.family === family);
}

export class MdnsQuery implements ClockJob {
  readonly #spec: QuerySpec;
  readonly #results = new Map<string, MdnsResult[]>();
  readonly #answered = new Set<string>();
  /** interfaces the network was asked on (not answered from the cache alone) */
  readonly #queried = new Set<string>();
  /** per queried interface, the types the cache could not answer (what silence would be noted for) */
  readonly #missing = new Map<string, readonly ('A' | 'AAAA')[]>();
  /** interfaces on which a useful answer arrived */
  readonly #heard = new Set<string>();
  /**
   * per interface, the record types that count towards "this interface has answered every type":
   * cached ones and what its IPv6 leg heard; from its IPv4 leg only A when it has an IPv6 leg (an
   * IPv4 answer's arrival link cannot be checked, so it must not end the wait for the IPv6 one)
   */
  readonly #typesHeard = new Map<string, Set<'A' | 'AAAA'>>();
  /** interfaces answered by the negative cache alone (remembered silence) */
  readonly #silentCached: string[] = [];
  readonly #legs: Leg[] = [];
  #started = 0;
  #resolve: ((r: MdnsResult[]) => void) | undefined;
  #reject: ((e: Error) => void) | undefined;
  #done = false;
  #deadline = 0;
  #settleAt = Infinity;
  #retryAt = Infinity;
  #retryDelay = FIRST_RETRY;

  constructor(spec: QuerySpec) {
    this.#spec = spec;
  }

  start(resolve: (r: MdnsResult[]) => void, reject: (e: Error) => void): void {
    this.#resolve = resolve;
    this.#reject = reject;
    const spec = this.#spec;
    const cache = spec.cache;
    const legs = this.#legs;
    // 1. answers from the cache, per record type (more than 20% of the TTL left, RFC 6762 §5.2);
    // an interface missing a type is asked for every type, listing what it knows (§7.1); one
    // remembered as silent for the missing types is not asked (the negative cache)
    const deferred: [InterfaceInfo, CachePlan][] = [];
    const ask = (iface: InterfaceInfo, plan: CachePlan | undefined): void => {
      this.#queried.add(iface.name);
      this.#missing.set(iface.name, plan?.missing ?? spec.types);
      const packet = queryPacket(spec.name.qname, spec.types, plan?.known ?? []);
      if (spec.transport !== 'ipv4' && iface.linkLocal !== undefined) legs.push(new Leg(this, iface, 6, packet));
      if (spec.transport !== 'ipv6' && ipv4Of(iface) !== undefined) legs.push(new Leg(this, iface, 4, packet));
    };
    for (const iface of spec.interfaces) {
      const plan = cache?.plan(iface.name, spec.name.key, spec.types);
      if (plan !== undefined) {
        for (const r of plan.answers) {
          this.#add(iface, r.address, r.ttl, r.name);
          this.#heardType(iface.name, r.address.family === 4 ? 'A' : 'AAAA');
        }
      }
      if (plan !== undefined && plan.missing.length === 0) {
        this.#answered.add(iface.name);
        if (plan.answers.length === 0) this.#silentCached.push(iface.name);
        continue;
      }
      if (plan !== undefined && plan.silenceEnded && spec.background !== true) deferred.push([iface, plan]);
      else ask(iface, plan);
    }
    // an interface whose silence just ended is asked again; when the cache already answered on
    // another interface, the caller gets that answer now and the question goes on in the
    // background (its answer, or its renewed silence, is in the cache for the next call)
    for (const [iface, plan] of deferred) {
      if (this.#results.size > 0) {
        this.#answered.add(iface.name);
        this.#probeInBackground(iface);
      } else ask(iface, plan);
    }
    if (this.#answered.size === spec.interfaces.length) return this.#finish();
    if (legs.length === 0) {
      if (this.#answered.size > 0) return this.#finish();
      const names = spec.interfaces.map((i) => i.name).join(', ');
      return this.#finish(new Fe80Error('ERR_MDNS', `no address to send an mDNS query from on ${names}`, { input: spec.input }));
    }
    spec.signal?.addEventListener('abort', this, { once: true });
    const now = performance.now();
    this.#started = now;
    this.#deadline = now + spec.timeout;
    this.#retryAt = now + this.#retryDelay;
    if (this.#results.size > 0) this.#settleAt = now + spec.settle; // cached answers open the settle window
    this.#arm();
    for (const leg of legs) {
      const socket = socketFor(spec.reg, leg.iface, leg.transport);
      leg.socket = socket;
      socket.use(leg, () => this.#send(leg, false));
      if (this.#done) break;
    }
  }

  /** Asks `iface` again for this name with nobody waiting: the answer or the silence goes to the cache. */
  #probeInBackground(iface: InterfaceInfo): void {
    const spec = this.#spec;
    const key = `${iface.name}\u0000${spec.name.key}\u0000${spec.types.join(',')}`;
    if (probing.has(key)) return;
    probing.add(key);
    const done = (): void => void probing.delete(key);
    new MdnsQuery({ ...spec, interfaces: [iface], signal: undefined, background: true }).start(done, done);
  }

  /** Pending background refreshes (for tests). */
  static get probing(): number {
    return probing.size;
  }

  /** AbortSignal listener (EventListener object form). */
  handleEvent(): void {
    this.#finish(abortError(this.#spec.signal as AbortSignal));
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

  /** A background refresh does not keep the process alive. */
  get keepsAlive(): boolean {
    return this.#spec.background !== true;
  }

  #arm(): void {
    if (!this.#done) clock.schedule(this);
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
    if (msg.length > MAX_PACKET) return; // RFC 6762 §17: not mDNS; dropped before any parsing
    const spec = this.#spec;
    const iface = leg.iface;
    const socket = leg.socket;
    // RFC 6762 §11: only on-link sources (fast path: a link-local source on this very interface)
    const from = rinfo.address;
    if (!(leg.transport === 6 && socket !== undefined && from.endsWith(socket.zoneSuffix) && isLinkLocalText(from))) {
      const source = ScopedAddress.tryParse(from);
      if (source === undefined || !this.#onLink(leg, source)) return;
    }
    const parsed = parseOnce(msg, spec.name.wire);
    if (!parsed.ok) return;
    const cache = spec.cache;
    const overIPv4 = leg.transport === 4;
    const hasIPv6Leg = overIPv4 && this.#legs.some((l) => l.iface === iface && l.transport === 6);
    let useful = false;
    for (const record of parsed.records) {
      const type = record.type === TYPE_AAAA ? 'AAAA' : 'A';
      if (!spec.types.includes(type)) continue;
      // only the IPv6 leg, whose answers carry their arrival zone, may zone a link-local AAAA to this interface
      const address = heardAddress(record.data, iface.name, overIPv4);
      if (address === undefined) continue;
      // RFC 6762 §6.7: an answer to a one-shot query carries at most 10 s; a larger TTL is capped
      const ttl = Math.min(record.ttl, LEGACY_UNICAST_MAX_TTL);
      cache?.add(iface.name, spec.name.key, { address, name: spec.name.qname, type, ttl }, record.cacheFlush);
      if (ttl === 0) continue; // goodbye (RFC 6762 §10.1)
      this.#add(iface, address, ttl, spec.name.qname);
      if (!hasIPv6Leg || type === 'A') this.#heardType(iface.name, type);
      useful = true;
    }
    if (!useful) return;
    leg.answered = true;
    this.#heard.add(iface.name);
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
    const reg = this.#spec.reg;
    if (leg.transport === 4) return isOnLinkOnly(source, leg.iface, reg.list());
    return isOnLink(source, leg.iface, sameInterfaceOf(reg, leg.iface));
  }

  /** After an answer or a failed leg on `iface`: finish when every interface is complete, else start the settle window. */
  #progress(iface: InterfaceInfo): void {
    if (this.#hasEveryType(iface) || this.#legs.every((l) => l.iface !== iface || l.answered || l.failure !== undefined)) {
      this.#answered.add(iface.name);
    }
    if (this.#answered.size === this.#spec.interfaces.length) return this.#finish();
    if (this.#settleAt === Infinity && this.#legs.some((l) => l.answered)) {
      if (this.#spec.settle === 0) return this.#finish();
      const now = performance.now();
      this.#settleAt = now + this.#spec.settle;
      this.#arm();
    }
  }

  #heardType(iface: string, type: 'A' | 'AAAA'): void {
    let set = this.#typesHeard.get(iface);
    if (set === undefined) this.#typesHeard.set(iface, (set = new Set()));
    set.add(type);
  }

  /** Reports whether `iface` has a result of every requested type that counts (see #typesHeard). */
  #hasEveryType(iface: InterfaceInfo): boolean {
    const set = this.#typesHeard.get(iface.name);
    return set !== undefined && this.#spec.types.every((type) => set.has(type));
  }

  onLegError(leg: Leg, error: Error): void {
    if (leg.failure === undefined) leg.failure = error;
    // the interface changed under us: the next query re-reads the registry
    if (isStaleInterfaceError(error)) this.#spec.reg.invalidate();
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
    const spec = this.#spec;
    const cache = spec.cache;
    if (cache === undefined || spec.types.length < 2) return;
    for (const name of this.#queried) {
      const list = this.#results.get(name);
      if (list === undefined || list.length === 0) continue;
      const ttl = Math.min(...list.map((r) => r.ttl));
      for (const type of spec.types) {
        if (!hasType(list, type)) cache.markAbsent(name, spec.name.key, type, ttl);
      }
    }
  }

  /**
   * Each interface that was asked, listened to for at least MIN_SILENCE_MS and heard nothing (no
   * leg failed to send) is remembered as silent for the types it was asked (MdnsCache.markSilent).
   */
  #noteSilence(now: number): void {
    const cache = this.#spec.cache;
    if (cache === undefined || now - this.#started < MIN_SILENCE_MS) return;
    for (const name of this.#queried) {
      if (this.#heard.has(name)) continue;
      if (this.#legs.some((l) => l.iface.name === name && l.failure !== undefined)) continue;
      cache.markSilent(name, this.#spec.name.key, this.#missing.get(name) ?? this.#spec.types);
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
    const spec = this.#spec;
    clock.remove(this);
    spec.signal?.removeEventListener('abort', this);
    for (const leg of this.#legs) this.#release(leg);
    const resolve = this.#resolve as (r: MdnsResult[]) => void;
    const reject = this.#reject as (e: Error) => void;
    if (error !== undefined) return reject(error);
    if (this.#legs.length > 0) this.#noteSilence(performance.now());
    const out: MdnsResult[] = [];
    for (const iface of spec.interfaces) {
      const list = this.#results.get(iface.name);
      if (list !== undefined) out.push(...list);
    }
    if (out.length > 0) {
      this.#noteAbsentTypes();
      return resolve(out);
    }
    const names = spec.interfaces.map((i) => i.name).join(', ');
    const failed = this.#legs.filter((l) => l.failure !== undefined);
    if (failed.length > 0 && failed.length === this.#legs.length) {
      const first = failed[0]?.failure as Error;
      return reject(
        new Fe80Error('ERR_MDNS', `mDNS query for ${quote(spec.name.qname)} could not be sent on ${names}: ${first.message}`, {
          input: spec.input,
          cause: first,
        }),
      );
    }
    if (this.#legs.length === 0) {
      // every interface is remembered as silent for this name (the negative cache): fail at once
      const cache = spec.cache as MdnsCache;
      const again = Math.max(...this.#silentCached.flatMap((i) => spec.types.map((t) => cache.silentFor(i, spec.name.key, t))));
      return reject(
        new Fe80Error(
          'ERR_NOT_FOUND',
          `no mDNS answer for ${quote(spec.name.qname)} on ${names}: none came to a recent query (remembered for ${(again / 1000).toFixed(1)} s more)`,
          { input: spec.input },
        ),
      );
    }
    reject(new Fe80Error('ERR_NOT_FOUND', `no mDNS answer for ${quote(spec.name.qname)} on ${names} within ${spec.timeout} ms`, { input: spec.input }));
  }
}
