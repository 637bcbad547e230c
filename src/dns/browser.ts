// The state machine of a DNS-SD browser (RFC 6763 over RFC 6762): a continuous querier per
// interface. It asks `_services._dns-sd._udp.local` (or the types given), then PTR -> SRV/TXT ->
// AAAA/A, keeps every record per (interface, name, type) in a record store (the one under the
// resolver's cache), derives one service per (interface, instance) from the store, and turns its
// changes into found/updated/lost events. Timers come from the shared clock, sockets from the
// port-5353 listener, packets from message.ts.
import type dgram from 'node:dgram';
import { randomInt } from 'node:crypto';
import { Fe80Error, isStaleInterfaceError } from '../errors.js';
import { abortedError } from '../cancel.js';
import { ScopedAddress } from '../addr/index.js';
import type { InterfaceInfo, InterfaceRegistry } from '../iface/index.js';
import { clock, type ClockJob } from '../clock.js';
import { EventQueue } from './event-queue.js';
import { ipv4Of } from './interfaces.js';
import { MAX_PACKET, MAX_PER_SET, MAX_TTL } from './limits.js';
import { listener, type Family, type ListenerUser } from './listener.js';
import { encodeQueries, nameKeyOf, nameText, sameData, type KnownRecord, type Labels, type MessageRecord, type ParsedMessage, type RecordData, type RecordType } from './message.js';
import { heardAddress, isLinkLocalText, isOnLinkOnly } from './onlink.js';
import { MDNS_PORT } from './packet.js';
import { RecordStore, setKey, type StoredRecord } from './record-store.js';
import { SERVICES_NAME, parseTxt, ptrOwner, splitInstance, typeKey, type ServiceType } from './service-name.js';

/** An address of a service's host, with when it was last heard. */
export interface ServiceAddress {
  /** link-local ones carry the zone of the interface they were heard on */
  readonly address: ScopedAddress;
  /** ms (Date.now clock) */
  readonly lastSeen: number;
}

/** One DNS-SD service instance as heard on one interface (the same instance on two links is two). */
export interface BrowsedService {
  /** stable key within a browser: `INTERFACE NAME` (NAME as in `name`, lower case) */
  readonly id: string;
  /** the instance label, unescaped: `Living Room Printer` */
  readonly instance: string;
  /** `_http._tcp` */
  readonly type: string;
  /** `local` */
  readonly domain: string;
  /** the full instance name in presentation form (dots and backslashes in the instance escaped) */
  readonly name: string;
  /** the interface it was heard on */
  readonly interface: string;
  /** subtypes it was seen under (`_printer`, Matter's `_L840`, `_CM` ...), in arrival order */
  readonly subtypes: readonly string[];
  /** SRV target host (`printer.local`), undefined until an SRV record is known */
  readonly host: string | undefined;
  readonly port: number | undefined;
  /** TXT as key/value pairs (RFC 6763 §6: keys lower case, a bare key is `true`) */
  readonly txt: Readonly<Record<string, string | true>>;
  /** TXT strings as received */
  readonly txtRaw: readonly Buffer[];
  /** addresses of `host` heard on this interface (AAAA first, then A) */
  readonly addresses: readonly ServiceAddress[];
  /** when each fact was last heard (ms, Date.now clock) */
  readonly lastSeen: { readonly instance: number; readonly srv: number | undefined; readonly txt: number | undefined };
}

export type LostReason = 'goodbye' | 'expired' | 'interface';

export type BrowseEvent =
  | { readonly type: 'found' | 'updated'; readonly service: BrowsedService }
  | { readonly type: 'lost'; readonly service: BrowsedService; readonly reason: LostReason };

/** What a browser counted: datagrams seen, taken (from one of its links) and ignored; services not tracked because `maxServices` was reached; query packets sent. */
export interface BrowseCounters {
  datagrams: number;
  accepted: number;
  ignored: number;
  servicesDropped: number;
  queriesSent: number;
  /** questions not sent because another querier on the link asked them first (RFC 6762 §7.3) */
  queriesSuppressed: number;
}

/** The counters, and what the browser holds now. */
export interface BrowseStats extends Readonly<BrowseCounters> {
  readonly services: number;
  readonly records: number;
  readonly pendingEvents: number;
}

/** A checked browseServices call (see browse.ts). */
export interface BrowseSpec {
  /** undefined: every type `_services._dns-sd._udp.local` lists */
  types: readonly ServiceType[] | undefined;
  interfaces: readonly InterfaceInfo[];
  transport: 'ipv6' | 'ipv4' | 'both';
  reg: InterfaceRegistry;
  maxServices: number;
  resolveTimeout: number;
  signal: AbortSignal | undefined;
}

/** at most this many service types taken from `_services._dns-sd._udp.local`, per interface */
const MAX_TYPES = 256;
/**
 * Browsing everything, these types are asked in the first query beside the type enumeration
 * (RFC 6763 §9), so their instances arrive one round trip sooner: the web interfaces (RFC 6763
 * §7 names; `_http._tcp` is how a device says "my admin page is here"), printers and Matter
 * nodes (commissionable and operational). A question nobody holds records for costs a few bytes
 * and no answer (RFC 6762 §6: responders stay silent).
 */
const FIRST_TYPES: readonly (readonly [string, string])[] = [
  ['_http', '_tcp'],
  ['_https', '_tcp'],
  ['_ipp', '_tcp'],
  ['_matterc', '_udp'],
  ['_matter', '_tcp'],
];
/** RFC 6762 §5.2: the interval between questions doubles from 1 s up to 60 min */
const FIRST_INTERVAL = 1000;
const MAX_INTERVAL = 3_600_000;
/** RFC 6762 §5.2: cached records are re-asked at 80, 85, 90 and 95% of their TTL (plus 0-2%) */
const REFRESH_POINTS = [0.8, 0.85, 0.9, 0.95];
/** the lost/expiry check runs at least this often */
const HEARTBEAT = 1000;

interface Leg {
  family: Family;
  /** the last send on this leg failed */
  failed: boolean;
  /** IPv6: the platform zone; IPv4: the interface's own address */
  via: string;
  /** the membership key: `::%zone`, or the IPv4 address */
  member: string;
}

class IfaceState {
  readonly info: InterfaceInfo;
  readonly legs: Leg[] = [];
  /** zone as Node writes it on received link-local sources */
  readonly zone: string;
  readonly maxBytes: number;
  /** type key -> type, for enumerated types */
  readonly types = new Map<string, string>();
  down = false;
  constructor(info: InterfaceInfo, zone: string) {
    this.info = info;
    this.zone = zone;
    // a query fits the link MTU (RFC 6762 §17), less IPv6 and UDP headers
    this.maxBytes = Math.max(512, Math.min(MAX_PACKET, (info.mtu ?? 0) > 0 ? (info.mtu as number) : 1500) - 48);
  }
}

/** `Array.prototype.some` for any iterable (no copy of a Set). */
function some<T>(items: Iterable<T>, test: (item: T) => boolean): boolean {
  for (const item of items) if (test(item)) return true;
  return false;
}

class Question {
  readonly iface: IfaceState;
  readonly name: Labels;
  readonly key: string;
  readonly types: readonly RecordType[];
  /** next scheduled ask (Infinity: only refreshes) */
  nextAt: number;
  interval = FIRST_INTERVAL;
  /** earliest moment one of its answers may need a refresh (may be early: checked when reached) */
  refreshAt = Infinity;
  /** 'continuous': a type browse never stops asking (§5.2); else asked until every type ('all') or one ('any') has an answer */
  readonly until: 'continuous' | 'all' | 'any';
  constructor(iface: IfaceState, name: Labels, types: readonly RecordType[], firstAt: number, until: Question['until']) {
    this.iface = iface;
    this.name = name;
    this.key = nameKeyOf(name);
    this.types = types;
    this.nextAt = firstAt;
    this.until = until;
  }
}

interface HostState {
  /** `INTERFACE key`: its entry in the browser's host map */
  readonly id: string;
  readonly iface: IfaceState;
  readonly labels: Labels;
  readonly key: string;
  /** the services whose SRV names it */
  readonly services: Set<ServiceState>;
  question: Question | undefined;
}

interface ServiceState {
  readonly id: string;
  readonly iface: IfaceState;
  readonly labels: Labels;
  readonly key: string;
  readonly instance: string;
  readonly type: string;
  /** PTR sets (store keys) that may point at it, with the subtype each stands for */
  readonly ptrSets: Map<string, string | undefined>;
  readonly firstSeen: number;
  reported: BrowsedService | undefined;
  lastGoodbye: boolean;
  resolveQ: Question | undefined;
  host: HostState | undefined;
  nextExpiry: number;
}

const jitter = (lo: number, hi: number): number => lo + randomInt(0, Math.max(1, hi - lo));

export class ServiceBrowser implements ListenerUser, ClockJob, AsyncIterable<BrowseEvent> {
  readonly #spec: BrowseSpec;
  readonly #ifaces: IfaceState[] = [];
  readonly #store: RecordStore<RecordData>;
  readonly #services = new Map<string, ServiceState>();
  readonly #hosts = new Map<string, HostState>();
  readonly #questions = new Set<Question>();
  /** the type browses by `INTERFACE key`, to find the question a PTR answers in O(1) */
  readonly #browseQuestions = new Map<string, Question>();
  /** refresh point reached per record (the record object, and the `received` it was for) */
  readonly #refreshed = new WeakMap<StoredRecord<RecordData>, { received: number; step: number; jitter: number }>();
  readonly #queue: EventQueue<BrowseEvent>;
  readonly #dirty = new Set<ServiceState>();
  readonly #stats: BrowseCounters = { datagrams: 0, accepted: 0, ignored: 0, servicesDropped: 0, queriesSent: 0, queriesSuppressed: 0 };
  #iterated = false;
  #closed = false;
  #opened: Promise<void>;
  #heartbeat = 0;
  #due = 0;

  constructor(spec: BrowseSpec) {
    this.#spec = spec;
    this.#store = new RecordStore({ maxRecords: spec.maxServices * 8 + 1024, maxPerSet: MAX_PER_SET });
    this.#queue = new EventQueue(() => this.close());
    const now = performance.now();
    for (const info of spec.interfaces) {
      const zone = spec.reg.toPlatformZone(info.name);
      const state = new IfaceState(info, zone);
      if (spec.transport !== 'ipv4' && info.linkLocal !== undefined) state.legs.push({ family: 6, via: zone, member: `::%${zone}`, failed: false });
      const own4 = ipv4Of(info);
      if (spec.transport !== 'ipv6' && own4 !== undefined) state.legs.push({ family: 4, via: own4.address, member: own4.address, failed: false });
      this.#ifaces.push(state);
      // RFC 6762 §5.2: the first query of a series waits 20-120 ms (queriers starting together spread out)
      const first = now + jitter(20, 120);
      if (spec.types === undefined) {
        this.#ask(state, SERVICES_NAME, ['PTR'], first, 'continuous');
        for (const [service, proto] of FIRST_TYPES) {
          state.types.set(typeKey(`${service}.${proto}`), `${service}.${proto}`);
          this.#ask(state, [service, proto, 'local'], ['PTR'], first, 'continuous');
        }
      }
      else for (const t of spec.types) this.#ask(state, t.query, ['PTR'], first, 'continuous');
    }
    const families = [...new Set(this.#ifaces.flatMap((i) => i.legs.map((l) => l.family)))];
    if (families.length === 0) {
      this.#opened = Promise.resolve();
      this.#finish(new Fe80Error('ERR_MDNS', `no address to browse from on ${spec.interfaces.map((i) => i.name).join(', ')}`));
      return;
    }
    spec.signal?.addEventListener('abort', this, { once: true });
    this.#opened = listener.open(this, families).then(
      () => {
        if (this.#closed) return;
        for (const i of this.#ifaces) for (const leg of i.legs) this.#join(i, leg);
        this.#heartbeat = performance.now() + HEARTBEAT;
        this.#arm();
      },
      (error: Error) => {
        this.#finish(new Fe80Error('ERR_MDNS', `cannot listen on mDNS port 5353: ${error.message}`, { cause: error }));
      },
    );
  }

  // ------------------------------------------------------------------ public surface

  [Symbol.asyncIterator](): AsyncIterator<BrowseEvent> {
    if (this.#iterated) throw new Fe80Error('ERR_INVALID_ARGUMENT', 'a service browser can be iterated once; browse again for a second consumer');
    this.#iterated = true;
    return this.#queue;
  }

  /** The services reported so far (found and not lost), freshest facts. */
  services(): BrowsedService[] {
    return [...this.#services.values()].flatMap((s) => (s.reported === undefined ? [] : [s.reported]));
  }

  /** Counters, for diagnostics and tests. */
  get stats(): BrowseStats {
    return { ...this.#stats, services: this.#services.size, records: this.#store.size, pendingEvents: this.#queue.size };
  }

  /** Resolves once the sockets are bound (rejects never; a failure ends the iteration instead). */
  ready(): Promise<void> {
    return this.#opened;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Stops browsing: leaves the groups, releases the sockets; the iteration ends after the pending events. */
  close(): void {
    this.#finish();
  }

  /** AbortSignal listener. */
  handleEvent(): void {
    this.#finish(abortedError('DNS-SD browse', this.#spec.signal as AbortSignal));
  }

  // ------------------------------------------------------------------ clock

  get due(): number {
    return this.#due;
  }

  get done(): boolean {
    return this.#closed;
  }

  #arm(): void {
    if (this.#closed) return;
    let due = this.#heartbeat;
    for (const q of this.#questions) due = Math.min(due, q.nextAt, q.refreshAt);
    for (const s of this.#services.values()) if (s.reported === undefined) due = Math.min(due, performance.now() + Math.max(0, s.firstSeen + this.#spec.resolveTimeout - Date.now()));
    this.#due = due;
    clock.schedule(this);
  }

  tick(now: number): void {
    if (this.#closed) return;
    const wall = Date.now();
    if (now >= this.#heartbeat - 1) {
      this.#heartbeat = now + HEARTBEAT;
      this.#checkInterfaces();
    }
    // expired facts, and services whose resolveTimeout has passed, are looked at again
    for (const s of this.#services.values()) {
      if (s.nextExpiry <= wall || (s.reported === undefined && wall >= s.firstSeen + this.#spec.resolveTimeout)) this.#dirty.add(s);
    }
    this.#flushDirty();
    this.#sendDue(now);
    this.#arm();
  }

  // ------------------------------------------------------------------ questions

  #ask(iface: IfaceState, name: Labels, types: readonly RecordType[], firstAt: number, until: Question['until']): Question {
    const q = new Question(iface, name, types, firstAt, until);
    this.#questions.add(q);
    if (until === 'continuous') this.#browseQuestions.set(`${iface.info.name} ${q.key}`, q);
    return q;
  }

  /** Sends every question that is due (scheduled, or one of its answers reached a refresh point), per interface. */
  #sendDue(now: number): void {
    const wall = Date.now();
    const due = new Map<IfaceState, Question[]>();
    for (const q of this.#questions) {
      let ask = q.nextAt <= now + 1;
      if (q.refreshAt <= now + 1 && this.#needsRefresh(q, wall)) ask = true;
      if (!ask) continue;
      if (q.nextAt <= now + 1) this.#asked(q, now, wall);
      let list = due.get(q.iface);
      if (list === undefined) due.set(q.iface, (list = []));
      list.push(q);
    }
    for (const [iface, questions] of due) this.#send(iface, questions, wall);
  }

  /** `q` was asked (by this browser, or by another querier, RFC 6762 §7.3): the next ask is one interval later, the interval doubles. */
  #asked(q: Question, now: number, wall: number): void {
    q.nextAt = q.until === 'continuous' || !this.#answered(q, wall) ? now + q.interval : Infinity;
    q.interval = Math.min(q.interval * 2, MAX_INTERVAL);
  }

  /** Reports whether `q` has its answers (a resolve question stops asking once it has; refreshes go on). */
  #answered(q: Question, wall: number): boolean {
    const has = (t: RecordType): boolean => this.#live(setKey(q.iface.info.name, q.key, t), wall).length > 0;
    return q.until === 'any' ? q.types.some(has) : q.types.every(has);
  }

  /**
   * Reports whether one of the question's answers passed a refresh point it was not yet asked
   * for (RFC 6762 §5.2: 80/85/90/95% of the TTL, each with 0-2% random), and sets `refreshAt` to the
   * next such point among its answers.
   */
  #needsRefresh(q: Question, wall: number): boolean {
    let need = false;
    let next = Infinity;
    for (const type of q.types) {
      for (const r of this.#store.raw(setKey(q.iface.info.name, q.key, type)) ?? []) {
        if (r.ttl === 0 || r.expires <= wall) continue;
        let state = this.#refreshed.get(r);
        if (state === undefined || state.received !== r.received) {
          state = { received: r.received, step: 0, jitter: randomInt(0, 21) / 1000 };
          this.#refreshed.set(r, state);
        }
        while (state.step < REFRESH_POINTS.length && wall >= r.received + r.ttl * 1000 * ((REFRESH_POINTS[state.step] as number) + state.jitter)) {
          state.step++;
          need = true;
        }
        if (state.step < REFRESH_POINTS.length) next = Math.min(next, r.received + r.ttl * 1000 * ((REFRESH_POINTS[state.step] as number) + state.jitter));
      }
    }
    q.refreshAt = next === Infinity ? Infinity : performance.now() + (next - wall);
    return need;
  }

  /** Notes that `q` has a new or refreshed answer expiring at `received + ttl`: its refresh check may be due then. */
  #noteAnswer(q: Question | undefined, received: number, ttl: number): void {
    if (q === undefined || ttl === 0) return;
    const at = performance.now() + (received + ttl * 1000 * REFRESH_POINTS[0]! - Date.now());
    if (at < q.refreshAt) q.refreshAt = at;
  }

  /** RFC 6762 §7.1: the known answers of `type` a query for `q` lists: those held with more than half their TTL left. */
  #known(q: Question, type: RecordType, wall: number): StoredRecord<RecordData>[] {
    return this.#live(setKey(q.iface.info.name, q.key, type), wall).filter((r) => r.expires - wall > r.ttl * 500);
  }

  #send(iface: IfaceState, questions: readonly Question[], wall: number): void {
    if (iface.legs.length === 0) return;
    const groups = questions.map((q) => {
      const known: KnownRecord[] = [];
      for (const type of q.types) for (const r of this.#known(q, type, wall)) known.push({ name: q.name, ttl: Math.floor((r.expires - wall) / 1000), data: r.data });
      return { questions: q.types.map((type) => ({ name: q.name, type })), known };
    });
    const packets = encodeQueries(groups, iface.maxBytes);
    for (const leg of iface.legs) {
      const socket = listener.socket(leg.family);
      if (socket === undefined) continue;
      for (const p of packets) {
        this.#stats.queriesSent++;
        socket.send(p, leg.via, (error) => this.#afterSend(iface, leg, error));
      }
    }
  }

  #afterSend(iface: IfaceState, leg: Leg, error: Error | null | undefined): void {
    if (this.#closed) return;
    if (error === null || error === undefined) {
      leg.failed = false;
      if (iface.down && this.#usable(iface)) this.#up(iface);
      return;
    }
    if (isStaleInterfaceError(error)) this.#spec.reg.invalidate();
    leg.failed = true;
    if (iface.legs.every((l) => l.failed)) this.#down(iface);
  }

  /** Reports whether the registry (at its own refresh pace) has the interface up with what its legs need. */
  #usable(iface: IfaceState): boolean {
    const info = this.#spec.reg.get(iface.info.name);
    if (info === undefined || !info.up) return false;
    return iface.legs.some((l) => (l.family === 6 ? info.linkLocal !== undefined : ipv4Of(info)?.address === l.via));
  }

  /** Once a heartbeat: an interface the registry reports gone or down is down (its services lost at once), and back when it is back. */
  #checkInterfaces(): void {
    for (const iface of this.#ifaces) {
      const usable = this.#usable(iface);
      if (!usable && !iface.down) this.#down(iface);
      else if (usable && iface.down) this.#up(iface);
    }
  }

  #down(iface: IfaceState): void {
    if (iface.down) return;
    iface.down = true;
    // the link is gone or down: what was heard on it cannot be reached now (reported lost at once)
    for (const s of [...this.#services.values()]) if (s.iface === iface) this.#drop(s, 'interface');
  }

  /** The interface is back: join again (a link that was deleted lost its membership) and ask soon. */
  #up(iface: IfaceState): void {
    iface.down = false;
    for (const leg of iface.legs) {
      leg.failed = false;
      try {
        listener.socket(leg.family)?.rejoin(leg.member);
      } catch {
        // not usable yet; the next send or heartbeat tells
      }
    }
    const now = performance.now();
    for (const q of this.#questions) {
      if (q.iface === iface) {
        q.interval = FIRST_INTERVAL;
        q.nextAt = Math.min(q.nextAt, now + jitter(20, 120));
      }
    }
    this.#arm();
  }

  // ------------------------------------------------------------------ receiving

  onListenerError(family: Family, error: Error): void {
    this.#finish(new Fe80Error('ERR_MDNS', `the mDNS socket (IPv${family}) failed: ${error.message}`, { cause: error }));
  }

  /**
   * RFC 6762 §7.3, duplicate question suppression: another querier on the link asked what this
   * browser was going to ask, as multicast questions (QM; from port 5353, so the answers are
   * multicast and heard here too), listing no known answer this browser would not list itself
   * (an answer it lists and this browser lacks would be held back by responders). This browser's
   * question then counts as asked. Its own queries, looped back, come from one of its addresses.
   */
  onQuery(parsed: Extract<ParsedMessage, { ok: true }>, rinfo: dgram.RemoteInfo, family: Family): void {
    if (this.#closed || parsed.questions.length === 0 || rinfo.port !== MDNS_PORT) return;
    const asked = new Set<string>();
    for (const x of parsed.questions) if (!x.unicast) asked.add(`${x.type} ${x.key}`);
    // most queries on a busy link ask for other names: those cost this loop and no more
    const ours = (q: Question): boolean => q.nextAt !== Infinity && q.types.every((t) => asked.has(`${t} ${q.key}`));
    if (asked.size === 0 || !some(this.#questions, ours)) return;
    const iface = this.#arrival(rinfo.address, family);
    if (iface === undefined || iface.down || this.#isOwnAddress(rinfo.address)) return;
    const listed = new Map<string, MessageRecord[]>();
    for (const r of parsed.records) {
      const list = listed.get(r.key);
      if (list === undefined) listed.set(r.key, [r]);
      else list.push(r);
    }
    const now = performance.now();
    const wall = Date.now();
    let suppressed = false;
    for (const q of this.#questions) {
      if (q.iface !== iface || !ours(q)) continue;
      const theirs = (listed.get(q.key) ?? []).filter((r) => q.types.includes(r.data.type));
      if (!theirs.every((r) => this.#known(q, r.data.type, wall).some((mine) => sameData(mine.data, r.data)))) continue;
      this.#asked(q, now, wall);
      this.#stats.queriesSuppressed++;
      suppressed = true;
    }
    if (suppressed) this.#arm();
  }

  /** Reports whether `source` (a datagram's source address) is one of this host's addresses. */
  #isOwnAddress(source: string): boolean {
    const bare = ScopedAddress.tryParse(source)?.address;
    if (bare === undefined) return false;
    return this.#spec.reg.list().some((i) => i.addresses.some((a) => a.address.address === bare));
  }

  onDatagram(_msg: Buffer, parsed: ParsedMessage, rinfo: dgram.RemoteInfo, family: Family): void {
    if (this.#closed || !parsed.ok) return;
    this.#stats.datagrams++;
    // RFC 6762 §6: responses come from port 5353; §11: from the link they are about
    const iface = rinfo.port === MDNS_PORT ? this.#arrival(rinfo.address, family) : undefined;
    if (iface === undefined || iface.down) {
      this.#stats.ignored++;
      return;
    }
    this.#stats.accepted++;
    const wall = Date.now();
    const ptrs: MessageRecord[] = [];
    const others: MessageRecord[] = [];
    const addresses: MessageRecord[] = [];
    for (const r of parsed.records) {
      if (r.data.type === 'PTR') ptrs.push(r);
      else if (r.data.type === 'SRV' || r.data.type === 'TXT') others.push(r);
      else addresses.push(r);
    }
    // in dependency order: instances, then their SRV/TXT (which name the hosts), then host addresses
    for (const r of ptrs) this.#onPtr(iface, r, wall);
    // hosts named by this packet's SRV records take the addresses in the same packet (RFC 6763
    // §12.2: a responder puts them in the additional section)
    const named = new Set<string>();
    for (const r of others) if (this.#onServiceRecord(iface, r) && r.data.type === 'SRV') named.add(nameKeyOf(r.data.srv.target));
    for (const r of addresses) this.#onAddress(iface, r, family, named);
    this.#flushDirty();
    this.#arm();
  }

  /**
   * The interface a datagram is about. IPv6: a link-local source carries its arrival zone, which
   * must be one of ours; another source must lie in an on-link prefix of exactly one interface.
   * IPv4: Node cannot tell the arrival device, so the source must lie in a prefix of exactly one
   * interface (RFC 6762 §11), which must be ours.
   */
  #arrival(from: string, family: Family): IfaceState | undefined {
    if (family === 6 && isLinkLocalText(from)) {
      const at = from.indexOf('%');
      if (at < 0) return undefined;
      const zone = from.slice(at + 1);
      return this.#ifaces.find((i) => i.zone === zone && i.legs.some((l) => l.family === 6));
    }
    const source = ScopedAddress.tryParse(from);
    if (source === undefined) return undefined;
    const all = this.#spec.reg.list();
    return this.#ifaces.find((i) => i.legs.some((l) => l.family === family) && isOnLinkOnly(source, i.info, all));
  }

  #onPtr(iface: IfaceState, r: MessageRecord, wall: number): void {
    if (r.data.type !== 'PTR') return;
    const owner = ptrOwner(r.name);
    if (owner === undefined) return;
    const ttl = Math.min(r.ttl, MAX_TTL);
    if (owner.kind === 'services') {
      // RFC 6763 §9: the type list; each new type is browsed on this interface (bounded)
      if (this.#spec.types !== undefined || ttl === 0) return;
      const target = r.data.target;
      if (ptrOwner(target)?.kind !== 'type') return;
      const tkey = typeKey(`${target[0]}.${target[1]}`);
      if (iface.types.has(tkey) || iface.types.size >= MAX_TYPES) return;
      iface.types.set(tkey, `${target[0]}.${target[1]}`);
      this.#ask(iface, target, ['PTR'], performance.now() + jitter(20, 120), 'continuous');
      return;
    }
    if (!this.#browses(iface, owner.type, owner.kind === 'subtype' ? owner.subtype : undefined)) return;
    const parts = splitInstance(r.data.target);
    if (parts === undefined || typeKey(parts.type) !== typeKey(owner.type)) return; // §4.1: the instance is of that type
    const key = nameKeyOf(r.data.target);
    const id = `${iface.info.name} ${key}`;
    let s = this.#services.get(id);
    if (s === undefined) {
      if (ttl === 0) return;
      if (this.#services.size >= this.#spec.maxServices) {
        this.#stats.servicesDropped++;
        return;
      }
      s = {
        id,
        iface,
        labels: r.data.target,
        key,
        instance: parts.instance,
        type: parts.type,
        ptrSets: new Map(),
        firstSeen: wall,
        reported: undefined,
        lastGoodbye: false,
        resolveQ: undefined,
        host: undefined,
        nextExpiry: Infinity,
      };
      this.#services.set(id, s);
    }
    const ptrSet = setKey(iface.info.name, r.key, 'PTR');
    s.ptrSets.set(ptrSet, owner.kind === 'subtype' ? owner.subtype : undefined);
    // PTR records are shared (RFC 6762 §10.2: never cache-flush); one set lists many instances
    const outcome = this.#store.add(ptrSet, key, nameText(r.name), r.data, ttl, false, this.#spec.maxServices);
    if (outcome === 'goodbye') s.lastGoodbye = true;
    else if (outcome !== 'dropped') {
      s.lastGoodbye = false;
      this.#noteAnswer(this.#browseQuestions.get(`${iface.info.name} ${r.key}`), wall, ttl);
    }
    this.#dirty.add(s);
  }

  /** Reports whether this browser asked for `type` (or this subtype of it) on `iface`. */
  #browses(iface: IfaceState, type: string, subtype: string | undefined): boolean {
    const tkey = typeKey(type);
    const types = this.#spec.types;
    if (types === undefined) return iface.types.has(tkey);
    return types.some((t) => typeKey(t.type) === tkey && (t.subtype === undefined || (subtype !== undefined && typeKey(t.subtype) === typeKey(subtype))));
  }

  /** Stores an SRV or TXT record of a tracked service; reports whether it was one. */
  #onServiceRecord(iface: IfaceState, r: MessageRecord): boolean {
    const s = this.#services.get(`${iface.info.name} ${r.key}`);
    if (s === undefined) return false;
    const type = r.data.type;
    const id = type === 'SRV' && r.data.type === 'SRV' ? `${r.data.srv.priority} ${r.data.srv.weight} ${r.data.srv.port} ${nameKeyOf(r.data.srv.target)}` : type === 'TXT' && r.data.type === 'TXT' ? Buffer.concat(r.data.strings.map((b) => Buffer.concat([Buffer.from([b.length]), b]))).toString('latin1') : '';
    const ttl = Math.min(r.ttl, MAX_TTL);
    const outcome = this.#store.add(setKey(iface.info.name, r.key, type), id, nameText(r.name), r.data, ttl, r.cacheFlush);
    if (outcome === 'new' || outcome === 'refreshed') this.#noteAnswer(s.resolveQ, Date.now(), ttl);
    this.#dirty.add(s);
    return true;
  }

  /** Stores an address record of a host a tracked service names (known, or named in this packet). */
  #onAddress(iface: IfaceState, r: MessageRecord, family: Family, named: ReadonlySet<string>): void {
    if (r.data.type !== 'A' && r.data.type !== 'AAAA') return;
    const host = this.#hosts.get(`${iface.info.name} ${r.key}`);
    if (host === undefined && !named.has(r.key)) return;
    // only what the IPv6 leg heard may zone a link-local AAAA to this interface
    const address = heardAddress(r.data.bytes, iface.info.name, family === 4);
    if (address === undefined) return;
    const ttl = Math.min(r.ttl, MAX_TTL);
    const outcome = this.#store.add(setKey(iface.info.name, r.key, r.data.type), address.address, nameText(r.name), r.data, ttl, r.cacheFlush);
    if (host === undefined) return; // its services are dirty already (their SRV is in this packet)
    if (outcome === 'new' || outcome === 'refreshed') this.#noteAnswer(host.question, Date.now(), ttl);
    for (const s of host.services) this.#dirty.add(s);
  }

  // ------------------------------------------------------------------ services from the store

  #live(key: string, wall: number): StoredRecord<RecordData>[] {
    const out: StoredRecord<RecordData>[] = [];
    for (const r of this.#store.raw(key) ?? []) if (r.ttl > 0 && r.expires > wall) out.push(r);
    return out;
  }

  #flushDirty(): void {
    if (this.#dirty.size === 0) return;
    const wall = Date.now();
    const list = [...this.#dirty];
    this.#dirty.clear();
    for (const s of list) if (this.#services.get(s.id) === s) this.#recompute(s, wall);
  }

  /** Rebuilds a service from the store, reports what changed, and asks for what is missing. */
  #recompute(s: ServiceState, wall: number): void {
    const name = s.iface.info.name;
    let instanceSeen = -Infinity;
    let expiry = Infinity;
    const subtypes: string[] = [];
    for (const [ptrSet, subtype] of s.ptrSets) {
      const r = this.#store.peek(ptrSet, s.key);
      if (r === undefined || r.ttl === 0 || r.expires <= wall) continue;
      instanceSeen = Math.max(instanceSeen, r.received);
      expiry = Math.min(expiry, r.expires);
      if (subtype !== undefined && !subtypes.some((x) => typeKey(x) === typeKey(subtype))) subtypes.push(subtype);
    }
    if (instanceSeen === -Infinity) return this.#drop(s, s.lastGoodbye ? 'goodbye' : 'expired');

    // SRV: the lowest priority, then the highest weight (RFC 2782); TXT: the newest
    const srvs = this.#live(setKey(name, s.key, 'SRV'), wall);
    let srv: StoredRecord<RecordData> | undefined;
    for (const r of srvs) {
      if (r.data.type !== 'SRV' || (srv !== undefined && srv.data.type === 'SRV' && (r.data.srv.priority > srv.data.srv.priority || (r.data.srv.priority === srv.data.srv.priority && r.data.srv.weight <= srv.data.srv.weight)))) continue;
      srv = r;
    }
    const txts = this.#live(setKey(name, s.key, 'TXT'), wall);
    const txt = txts.reduce<StoredRecord<RecordData> | undefined>((best, r) => (best === undefined || r.received > best.received ? r : best), undefined);
    for (const r of [...srvs, ...txts]) expiry = Math.min(expiry, r.expires);

    // the host: follow the SRV target (shared by its services, so its question ends with the last one)
    const target = srv?.data.type === 'SRV' ? srv.data.srv.target : undefined;
    const hostId = target === undefined ? undefined : `${name} ${nameKeyOf(target)}`;
    if (s.host !== undefined && s.host.id !== hostId) this.#releaseHost(s);
    if (hostId !== undefined && target !== undefined && s.host === undefined) {
      let host = this.#hosts.get(hostId);
      if (host === undefined) {
        host = { id: hostId, iface: s.iface, labels: target, key: nameKeyOf(target), services: new Set(), question: undefined };
        this.#hosts.set(hostId, host);
      }
      host.services.add(s);
      s.host = host;
    }
    const addresses: ServiceAddress[] = [];
    if (s.host !== undefined) {
      for (const type of ['AAAA', 'A'] as const) {
        for (const r of this.#live(setKey(name, s.host.key, type), wall)) {
          if (r.data.type !== type) continue;
          // stored records passed heardAddress on arrival: this only gives a link-local one its zone again
          const address = heardAddress(r.data.bytes, name, false);
          if (address === undefined) continue;
          addresses.push({ address, lastSeen: r.received });
          expiry = Math.min(expiry, r.expires);
        }
      }
    }
    s.nextExpiry = expiry;

    // ask for what is missing (RFC 6763 §12: SRV/TXT, then the host's addresses), until answered
    const now = performance.now();
    if (srv === undefined || txt === undefined) {
      if (s.resolveQ === undefined) s.resolveQ = this.#ask(s.iface, s.labels, ['SRV', 'TXT'], now, 'all');
      else if (s.resolveQ.nextAt === Infinity) {
        s.resolveQ.interval = FIRST_INTERVAL;
        s.resolveQ.nextAt = now;
      }
    } else if (s.resolveQ === undefined) {
      s.resolveQ = this.#ask(s.iface, s.labels, ['SRV', 'TXT'], Infinity, 'all'); // refreshes only
    }
    if (s.host !== undefined) {
      const h = s.host;
      if (addresses.length === 0) {
        if (h.question === undefined) h.question = this.#ask(s.iface, h.labels, ['AAAA', 'A'], now, 'any');
        else if (h.question.nextAt === Infinity) {
          h.question.interval = FIRST_INTERVAL;
          h.question.nextAt = now;
        }
      } else if (h.question === undefined) h.question = this.#ask(s.iface, h.labels, ['AAAA', 'A'], Infinity, 'any');
    }

    const txtStrings = txt?.data.type === 'TXT' ? txt.data.strings : [];
    const snapshot: BrowsedService = Object.freeze({
      id: s.id,
      instance: s.instance,
      type: s.type,
      domain: 'local',
      name: nameText(s.labels),
      interface: name,
      subtypes: Object.freeze(subtypes),
      host: target === undefined ? undefined : nameText(target),
      port: srv?.data.type === 'SRV' ? srv.data.srv.port : undefined,
      txt: Object.freeze(parseTxt(txtStrings)),
      txtRaw: Object.freeze([...txtStrings]),
      addresses: Object.freeze(addresses.map((a) => Object.freeze(a))),
      lastSeen: Object.freeze({ instance: instanceSeen, srv: srv?.received, txt: txt?.received }),
    });
    if (s.reported === undefined) {
      // found once it is complete, or when resolveTimeout passed with what is known by then
      const complete = srv !== undefined && txt !== undefined && addresses.length > 0;
      if (!complete && wall < s.firstSeen + this.#spec.resolveTimeout) return;
      s.reported = snapshot;
      this.#queue.push(s.id, { type: 'found', service: snapshot });
      return;
    }
    const changed = !sameFacts(s.reported, snapshot);
    s.reported = snapshot;
    if (changed) this.#queue.push(s.id, { type: 'updated', service: snapshot });
  }

  /** Forgets a service and its records (lost, if it was reported). */
  #drop(s: ServiceState, reason: 'goodbye' | 'expired' | 'interface'): void {
    this.#services.delete(s.id);
    this.#dirty.delete(s);
    if (s.resolveQ !== undefined) this.#questions.delete(s.resolveQ);
    const name = s.iface.info.name;
    this.#store.delete(setKey(name, s.key, 'SRV'));
    this.#store.delete(setKey(name, s.key, 'TXT'));
    if (reason === 'interface') for (const ptrSet of s.ptrSets.keys()) this.#store.delete(ptrSet);
    if (s.host !== undefined) this.#releaseHost(s);
    if (s.reported !== undefined) this.#queue.push(s.id, { type: 'lost', service: s.reported, reason });
  }

  /** Detaches `s` from its host; the host and its records go with its last service. */
  #releaseHost(s: ServiceState): void {
    const h = s.host;
    s.host = undefined;
    if (h === undefined) return;
    h.services.delete(s);
    if (h.services.size > 0) return;
    this.#hosts.delete(h.id);
    this.#store.delete(setKey(h.iface.info.name, h.key, 'AAAA'));
    this.#store.delete(setKey(h.iface.info.name, h.key, 'A'));
    if (h.question !== undefined) this.#questions.delete(h.question);
  }

  // ------------------------------------------------------------------ lifetime

  #join(iface: IfaceState, leg: Leg): void {
    try {
      listener.socket(leg.family)?.join(leg.member);
    } catch (error) {
      // e.g. the interface vanished between the registry read and now: as a failed send
      this.#afterSend(iface, leg, error as Error);
    }
  }

  #finish(error?: Error): void {
    if (this.#closed) return;
    this.#closed = true;
    clock.remove(this);
    this.#spec.signal?.removeEventListener('abort', this);
    for (const i of this.#ifaces) {
      for (const leg of i.legs) {
        try {
          listener.socket(leg.family)?.leave(leg.member);
        } catch {
          // gone already
        }
      }
    }
    listener.close(this);
    this.#questions.clear();
    this.#queue.end(error);
  }
}

/** Reports whether two snapshots of a service hold the same facts (lastSeen times aside). */
function sameFacts(a: BrowsedService, b: BrowsedService): boolean {
  if (a.host !== b.host || a.port !== b.port) return false;
  if (a.subtypes.length !== b.subtypes.length || a.subtypes.some((x, i) => x !== b.subtypes[i])) return false;
  if (a.txtRaw.length !== b.txtRaw.length || a.txtRaw.some((x, i) => !x.equals(b.txtRaw[i] as Buffer))) return false;
  const addrs = (s: BrowsedService): string => s.addresses.map((x) => x.address.toString()).sort().join(' ');
  return addrs(a) === addrs(b);
}
