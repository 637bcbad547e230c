// The merge: observations from every source become one record per device per link. Identity is
// the MAC where one is known (neighbour table, modified EUI-64 interface identifier, LLDP chassis),
// otherwise the addresses and host names a record already holds. Every fact keeps, per source,
// when it was last seen and until when it holds; a record whose facts have all run out is lost.
// Pure bookkeeping: no I/O, the clock is injected, every list is bounded.
import type { ScopedAddress } from '../addr/index.js';
import type { NeighbourState } from '../zone/neighbours.js';
import { macFromEui64 } from './mac.js';
import { macVendor } from './oui.js';
import type { Device, DeviceEvent, DeviceLldp, DeviceService, DeviceSsdp, LostReason, SourceName, Sources, WebUi } from './types.js';

/** Limits that keep a flood of forged answers from growing memory without bound. */
export const LIMITS = {
  devicesPerLink: 1024,
  addressesPerDevice: 32,
  namesPerDevice: 16,
  servicesPerDevice: 128,
  ssdpPerDevice: 16,
  subtypesPerService: 16,
  txtPerService: 64,
  textLength: 255,
} as const;

export interface ServiceObservation {
  instance: string;
  type: string;
  subtypes?: string[];
  host?: string;
  port: number;
  txt?: Record<string, string | true>;
}

export type SsdpObservation = Omit<DeviceSsdp, 'sources'>;
export type LldpObservation = Omit<DeviceLldp, 'sources'> & { router?: boolean };

/** What one source saw of one device on one link. */
export interface Observation {
  source: SourceName;
  interface: string;
  /** ms the facts hold without being seen again */
  ttl: number;
  mac?: string;
  addresses?: { address: ScopedAddress; state?: NeighbourState; router?: boolean }[];
  names?: string[];
  /** other identities that name one device on a link: an SSDP UDN (`uuid:...`), an LLDP chassis ID */
  ids?: string[];
  services?: ServiceObservation[];
  ssdp?: SsdpObservation;
  lldp?: LldpObservation;
  webUi?: string[];
}

interface Seen {
  at: number;
  until: number;
}

class Fact<T> {
  value: T;
  readonly seen = new Map<SourceName, Seen>();
  constructor(value: T) {
    this.value = value;
  }
  sources(): Sources {
    const out: Sources = {};
    for (const [s, v] of this.seen) out[s] = v.at;
    return out;
  }
  /** records a sighting; returns true when it is news (a new source for this fact) */
  see(source: SourceName, at: number, ttl: number): boolean {
    const had = this.seen.get(source);
    this.seen.set(source, { at, until: Math.max(at + ttl, had?.until ?? 0) });
    return had === undefined;
  }
  /** drops sightings that ran out; returns how many */
  sweep(now: number): number {
    let n = 0;
    for (const [s, v] of this.seen) {
      if (v.until > now) continue;
      this.seen.delete(s);
      n++;
    }
    return n;
  }
}

interface AddressValue {
  address: ScopedAddress;
  state?: NeighbourState;
}

class DeviceRecord {
  readonly id: string;
  readonly link: string;
  mac: string | undefined;
  vendor: string | undefined;
  router = false;
  readonly addresses = new Map<string, Fact<AddressValue>>();
  readonly names = new Map<string, Fact<string>>();
  /** identity keys (not reported as facts) */
  readonly ids = new Set<string>();
  readonly services = new Map<string, Fact<ServiceObservation>>();
  readonly ssdp = new Map<string, Fact<SsdpObservation>>();
  lldp: Fact<LldpObservation> | undefined;
  readonly webUi = new Map<string, Fact<string>>();
  readonly firstSeen: number;
  lastSeen: number;

  constructor(id: string, link: string, now: number) {
    this.id = id;
    this.link = link;
    this.firstSeen = now;
    this.lastSeen = now;
  }

  *facts(): Iterable<[Map<string, Fact<unknown>> | undefined, string, Fact<unknown>]> {
    for (const m of [this.addresses, this.names, this.services, this.ssdp, this.webUi] as Map<string, Fact<unknown>>[]) {
      for (const [k, f] of m) yield [m, k, f];
    }
    if (this.lldp !== undefined) yield [undefined, 'lldp', this.lldp];
  }

  empty(): boolean {
    return this.addresses.size + this.names.size + this.services.size + this.ssdp.size + this.webUi.size === 0 && this.lldp === undefined;
  }
}

const clip = (s: string): string => (s.length > LIMITS.textLength ? s.slice(0, LIMITS.textLength) : s);
const nameKey = (name: string): string => name.toLowerCase().replace(/\.$/, '');
const serviceKey = (s: ServiceObservation): string => `${s.instance}\n${s.type}`.toLowerCase();

/** `http://[fe80::2%25eth1]:8080/path` (RFC 6874 zone in a URL). */
export function hostUrl(scheme: string, address: ScopedAddress, port: number, path = '/'): string {
  const host = address.family === 6 ? `[${address.address}${address.zone === undefined ? '' : `%25${encodeURIComponent(address.zone)}`}]` : address.address;
  const defaultPort = (scheme === 'http' && port === 80) || (scheme === 'https' && port === 443);
  return `${scheme}://${host}${defaultPort ? '' : `:${port}`}${path.startsWith('/') ? path : `/${path}`}`;
}

const WEB_TYPES: Readonly<Record<string, string>> = { '_http._tcp': 'http', '_https._tcp': 'https' };

/** The devices of every link, merged. Methods return the events they caused, in order. */
export class DeviceTable {
  readonly #now: () => number;
  readonly #records = new Map<string, DeviceRecord>();
  /** `link\nkind\nkey` -> record id, kind: m(ac), a(ddress), n(ame) */
  readonly #index = new Map<string, string>();
  readonly #perLink = new Map<string, number>();
  #serial = 0;
  /** observations dropped by a limit */
  dropped = 0;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  get size(): number {
    return this.#records.size;
  }

  devices(): Device[] {
    return [...this.#records.values()].map((r) => this.#snapshot(r));
  }

  /** Adds what a source saw; merges records that turn out to be one device. */
  observe(o: Observation): DeviceEvent[] {
    const now = this.#now();
    const events: DeviceEvent[] = [];
    const link = o.interface;
    const addresses = (o.addresses ?? []).filter((a) => a.address.zone === undefined || a.address.zone === link).slice(0, LIMITS.addressesPerDevice);
    let mac = o.mac;
    if (mac === undefined) for (const a of addresses) mac ??= macFromEui64(a.address);
    const names = (o.names ?? []).map((n) => clip(n)).filter((n) => n !== '').slice(0, LIMITS.namesPerDevice);

    let target = mac === undefined ? undefined : this.#get(link, 'm', mac);
    const matched: DeviceRecord[] = [];
    const byAddress = new Set<DeviceRecord>();
    for (const a of addresses) {
      const r = this.#get(link, 'a', a.address.toString());
      if (r !== undefined && r !== target) {
        matched.push(r);
        byAddress.add(r);
      }
    }
    for (const n of names) {
      const r = this.#get(link, 'n', nameKey(n));
      if (r !== undefined && r !== target) matched.push(r);
    }
    const ids = (o.ids ?? []).map((k) => clip(k)).slice(0, 4);
    for (const k of ids) {
      const r = this.#get(link, 'k', k);
      if (r !== undefined && r !== target) matched.push(r);
    }
    for (const r of new Set(matched)) {
      if (r === target || !this.#records.has(r.id)) continue;
      if (mac !== undefined && r.mac !== undefined && r.mac !== mac) {
        // the address now belongs to other hardware (reassigned, or a duplicate): move it
        if (byAddress.has(r)) {
          for (const a of addresses) this.#dropAddress(r, a.address.toString());
          if (r.empty()) events.push(this.#remove(r, 'expired'));
          else events.push({ type: 'updated', device: this.#snapshot(r) });
        }
        continue;
      }
      if (target === undefined) {
        target = r;
        continue;
      }
      if (r.mac !== undefined && target.mac !== undefined && r.mac !== target.mac) continue; // two NICs, one name
      const [keep, gone] = target.mac === undefined && r.mac !== undefined ? [r, target] : [target, r];
      this.#merge(keep, gone);
      events.push(this.#remove(gone, 'merged', keep.id));
      target = keep;
    }
    let found = false;
    const carries = addresses.length + names.length + (o.services?.length ?? 0) + (o.webUi?.length ?? 0) > 0 || o.ssdp !== undefined || o.lldp !== undefined;
    if (target === undefined && !carries) {
      this.dropped++;
      return events;
    }
    if (target === undefined) {
      if ((this.#perLink.get(link) ?? 0) >= LIMITS.devicesPerLink) {
        this.dropped++;
        return events;
      }
      target = new DeviceRecord(`${link}/${mac ?? addresses[0]?.address.toString() ?? names[0] ?? `#${++this.#serial}`}`, link, now);
      if (this.#get(link, 'id', target.id) !== undefined) target = new DeviceRecord(`${target.id}#${++this.#serial}`, link, now);
      this.#records.set(target.id, target);
      this.#index.set(`${link}\nid\n${target.id}`, target.id);
      this.#perLink.set(link, (this.#perLink.get(link) ?? 0) + 1);
      found = true;
    }
    const r = target;
    let changed = false;
    if (mac !== undefined && r.mac === undefined) {
      r.mac = mac;
      r.vendor = macVendor(mac);
      this.#index.set(`${link}\nm\n${mac}`, r.id);
      changed = true;
    }
    for (const k of ids) {
      if (r.ids.has(k) || r.ids.size >= 16) continue;
      r.ids.add(k);
      this.#index.set(`${link}\nk\n${k}`, r.id);
    }
    const ttl = o.ttl;
    for (const a of addresses) {
      const key = a.address.toString();
      let f = r.addresses.get(key);
      if (f === undefined) {
        if (r.addresses.size >= LIMITS.addressesPerDevice) {
          this.dropped++;
          continue;
        }
        f = new Fact<AddressValue>({ address: a.address });
        r.addresses.set(key, f);
        this.#index.set(`${link}\na\n${key}`, r.id);
        changed = true;
      }
      // the NUD state moves all the time (REACHABLE -> STALE -> DELAY ...): kept, but no news
      if (a.state !== undefined && f.value.state !== a.state) f.value = { address: f.value.address, state: a.state };
      if (a.router === true && !r.router) {
        r.router = true;
        changed = true;
      }
      changed = f.see(o.source, now, ttl) || changed;
    }
    for (const n of names) changed = this.#seeIn(r.names, nameKey(n), n, LIMITS.namesPerDevice, o.source, now, ttl, () => this.#index.set(`${link}\nn\n${nameKey(n)}`, r.id)) || changed;
    for (const s of o.services ?? []) {
      const service = cleanService(s);
      const key = serviceKey(service);
      const had = r.services.get(key);
      if (had !== undefined && !sameService(had.value, service)) {
        had.value = service;
        changed = true;
      }
      changed = this.#seeIn(r.services, key, service, LIMITS.servicesPerDevice, o.source, now, ttl) || changed;
    }
    if (o.ssdp !== undefined) {
      const key = `${o.ssdp.usn ?? ''}\n${o.ssdp.location}`;
      const had = r.ssdp.get(key);
      if (had !== undefined && JSON.stringify(had.value) !== JSON.stringify(o.ssdp)) {
        had.value = o.ssdp;
        changed = true;
      }
      changed = this.#seeIn(r.ssdp, key, o.ssdp, LIMITS.ssdpPerDevice, o.source, now, ttl) || changed;
    }
    if (o.lldp !== undefined) {
      if (r.lldp === undefined || JSON.stringify(r.lldp.value) !== JSON.stringify(o.lldp)) {
        const seen = r.lldp?.seen;
        r.lldp = new Fact(o.lldp);
        if (seen !== undefined) for (const [k, v] of seen) r.lldp.seen.set(k, v);
        changed = true;
      }
      if (o.lldp.router === true && !r.router) {
        r.router = true;
        changed = true;
      }
      changed = r.lldp.see(o.source, now, ttl) || changed;
    }
    for (const url of o.webUi ?? []) changed = this.#seeIn(r.webUi, url, url, LIMITS.ssdpPerDevice, o.source, now, ttl) || changed;
    r.lastSeen = now;
    if (found) events.push({ type: 'found', device: this.#snapshot(r) });
    else if (changed) events.push({ type: 'updated', device: this.#snapshot(r) });
    return events;
  }

  /**
   * A source takes facts back: a DNS-SD goodbye (TTL 0), a neighbour entry gone FAILED. `address`
   * with `all` drops the address for every source (FAILED: it does not answer, whoever saw it);
   * a record left without addresses after a FAILED is lost.
   */
  withdraw(
    source: SourceName,
    link: string,
    what: { address?: string; name?: string; service?: { instance: string; type: string }; id?: string },
    reason: LostReason,
  ): DeviceEvent[] {
    if (what.id !== undefined) {
      // everything this source said about the device with that identity (an SSDP byebye)
      const r = this.#get(link, 'k', what.id);
      if (r === undefined) return [];
      let changed = false;
      for (const [map, k, fact] of [...r.facts()]) {
        if (!fact.seen.delete(source)) continue;
        changed = true;
        if (fact.seen.size === 0) this.#dropFact(r, map, k);
      }
      return changed ? this.#after(r, reason) : [];
    }
    const key = what.address ?? (what.name === undefined ? undefined : nameKey(what.name));
    let r: DeviceRecord | undefined;
    if (what.address !== undefined) r = this.#get(link, 'a', what.address);
    else if (what.name !== undefined) r = this.#get(link, 'n', nameKey(what.name));
    if (what.service !== undefined) {
      const skey = serviceKey({ ...what.service, port: 0 });
      r ??= [...this.#records.values()].find((x) => x.link === link && x.services.has(skey));
      const f = r?.services.get(skey);
      if (r === undefined || f === undefined) return [];
      f.seen.delete(source);
      if (f.seen.size === 0) r.services.delete(skey);
      return this.#after(r, reason);
    }
    if (r === undefined || key === undefined) return [];
    if (what.address !== undefined) {
      // the last address FAILED: the record goes whole (its snapshot still shows the address)
      if (reason === 'failed' && r.addresses.size === 1 && r.addresses.has(what.address)) return [this.#remove(r, 'failed')];
      if (reason === 'failed') this.#dropAddress(r, what.address);
      else {
        const f = r.addresses.get(what.address);
        f?.seen.delete(source);
        if (f !== undefined && f.seen.size === 0) this.#dropAddress(r, what.address);
      }
      if (reason === 'failed' && r.addresses.size === 0) return [this.#remove(r, 'failed')];
    } else {
      const f = r.names.get(key);
      f?.seen.delete(source);
      if (f !== undefined && f.seen.size === 0) this.#dropFact(r, r.names, key);
    }
    return this.#after(r, reason);
  }

  /** Every record of `link` is lost at once (the interface went down or away). */
  dropLink(link: string): DeviceEvent[] {
    return [...this.#records.values()].filter((r) => r.link === link).map((r) => this.#remove(r, 'link-down'));
  }

  /** Drops sightings that ran out; records with nothing left are lost ('expired'). */
  sweep(): DeviceEvent[] {
    const now = this.#now();
    const events: DeviceEvent[] = [];
    for (const r of [...this.#records.values()]) {
      // nothing holds any more: the record goes whole, and its last snapshot shows what it was
      let total = 0;
      let over = 0;
      for (const [, , fact] of r.facts()) {
        total++;
        let held = false;
        for (const v of fact.seen.values()) if (v.until > now) held = true;
        if (!held) over++;
      }
      if (total > 0 && over === total) {
        events.push(this.#remove(r, 'expired'));
        continue;
      }
      let changed = false;
      for (const [map, key, fact] of r.facts()) {
        if (fact.sweep(now) === 0) continue;
        changed = true;
        if (fact.seen.size === 0) this.#dropFact(r, map, key);
      }
      if (r.empty()) events.push(this.#remove(r, 'expired'));
      else if (changed) events.push({ type: 'updated', device: this.#snapshot(r) });
    }
    return events;
  }

  /** The soonest time (ms, table clock) a sighting runs out, for the sweep timer. */
  nextExpiry(): number {
    let next = Infinity;
    for (const r of this.#records.values()) for (const [, , f] of r.facts()) for (const s of f.seen.values()) if (s.until < next) next = s.until;
    return next;
  }

  #get(link: string, kind: string, key: string): DeviceRecord | undefined {
    const id = this.#index.get(`${link}\n${kind}\n${key}`);
    return id === undefined ? undefined : this.#records.get(id);
  }

  #seeIn<T>(map: Map<string, Fact<T>>, key: string, value: T, max: number, source: SourceName, now: number, ttl: number, onNew?: () => void): boolean {
    let f = map.get(key);
    let news = false;
    if (f === undefined) {
      if (map.size >= max) {
        this.dropped++;
        return false;
      }
      f = new Fact(value);
      map.set(key, f);
      onNew?.();
      news = true;
    }
    return f.see(source, now, ttl) || news;
  }

  /** Forgets a fact no source holds any more (`map` undefined: the LLDP fact), and its index entry. */
  #dropFact(r: DeviceRecord, map: Map<string, Fact<unknown>> | undefined, key: string): void {
    if (map === r.addresses) this.#dropAddress(r, key);
    else if (map === r.names) {
      r.names.delete(key);
      this.#index.delete(`${r.link}\nn\n${key}`);
    } else if (map === undefined) r.lldp = undefined;
    else map.delete(key);
  }

  #dropAddress(r: DeviceRecord, key: string): void {
    r.addresses.delete(key);
    if (this.#index.get(`${r.link}\na\n${key}`) === r.id) this.#index.delete(`${r.link}\na\n${key}`);
  }

  #after(r: DeviceRecord, reason: LostReason): DeviceEvent[] {
    return r.empty() ? [this.#remove(r, reason)] : [{ type: 'updated', device: this.#snapshot(r) }];
  }

  /** Moves every fact of `gone` into `keep` (same link). */
  #merge(keep: DeviceRecord, gone: DeviceRecord): void {
    const link = keep.link;
    const move = <T>(from: Map<string, Fact<T>>, to: Map<string, Fact<T>>, kind?: string): void => {
      for (const [k, f] of from) {
        const had = to.get(k);
        if (had === undefined) to.set(k, f);
        else for (const [s, v] of f.seen) if ((had.seen.get(s)?.until ?? 0) < v.until) had.seen.set(s, v);
        if (kind !== undefined) this.#index.set(`${link}\n${kind}\n${k}`, keep.id);
      }
      from.clear();
    };
    move(gone.addresses, keep.addresses, 'a');
    for (const k of gone.ids) {
      keep.ids.add(k);
      this.#index.set(`${link}\nk\n${k}`, keep.id);
    }
    gone.ids.clear();
    move(gone.names, keep.names, 'n');
    move(gone.services, keep.services);
    move(gone.ssdp, keep.ssdp);
    move(gone.webUi, keep.webUi);
    if (keep.lldp === undefined) keep.lldp = gone.lldp;
    gone.lldp = undefined;
    if (keep.mac === undefined && gone.mac !== undefined) {
      keep.mac = gone.mac;
      keep.vendor = gone.vendor;
      this.#index.set(`${link}\nm\n${gone.mac}`, keep.id);
    }
    keep.router ||= gone.router;
    keep.lastSeen = Math.max(keep.lastSeen, gone.lastSeen);
  }

  #remove(r: DeviceRecord, reason: LostReason, mergedInto?: string): DeviceEvent {
    const device = this.#snapshot(r);
    this.#records.delete(r.id);
    this.#perLink.set(r.link, (this.#perLink.get(r.link) ?? 1) - 1);
    const unindex = (k: string): void => {
      if (this.#index.get(k) === r.id) this.#index.delete(k);
    };
    for (const k of r.addresses.keys()) unindex(`${r.link}\na\n${k}`);
    for (const k of r.names.keys()) unindex(`${r.link}\nn\n${k}`);
    for (const k of r.ids) unindex(`${r.link}\nk\n${k}`);
    if (r.mac !== undefined) unindex(`${r.link}\nm\n${r.mac}`);
    unindex(`${r.link}\nid\n${r.id}`);
    const event: DeviceEvent = { type: 'lost', device, reason };
    if (mergedInto !== undefined) event.mergedInto = mergedInto;
    return event;
  }

  #snapshot(r: DeviceRecord): Device {
    const addresses = [...r.addresses.values()]
      .map((f) => {
        const a: Device['addresses'][number] = { address: f.value.address.toString(), family: f.value.address.family, sources: f.sources() };
        if (f.value.state !== undefined) a.state = f.value.state;
        return a;
      })
      .sort((x, y) => addressRank(x.address) - addressRank(y.address));
    const main = [...r.addresses.values()].map((f) => f.value.address).sort((x, y) => addressRank(x.toString()) - addressRank(y.toString()))[0];
    const services: DeviceService[] = [...r.services.values()].map((f) => {
      const s = f.value;
      const out: DeviceService = { instance: s.instance, type: s.type, subtypes: s.subtypes ?? [], port: s.port, txt: s.txt ?? {}, interface: r.link, sources: f.sources() };
      if (s.host !== undefined) out.host = s.host;
      const scheme = WEB_TYPES[s.type.toLowerCase()];
      if (scheme !== undefined && main !== undefined) {
        const path = s.txt?.path;
        out.url = hostUrl(scheme, main, s.port, typeof path === 'string' ? path : '/');
      }
      return out;
    });
    const webUi: WebUi[] = [];
    for (const s of services) if (s.url !== undefined) webUi.push({ url: s.url, source: 'dnssd' });
    for (const f of r.webUi.values()) webUi.push({ url: f.value, source: [...f.seen.keys()][0] ?? 'ssdp' });
    const device: Device = {
      id: r.id,
      interface: r.link,
      addresses,
      names: [...r.names.values()].map((f) => ({ name: f.value, sources: f.sources() })),
      services,
      ssdp: [...r.ssdp.values()].map((f) => ({ ...f.value, targets: [...f.value.targets], sources: f.sources() })),
      webUi,
      router: r.router,
      firstSeen: r.firstSeen,
      lastSeen: r.lastSeen,
    };
    if (r.mac !== undefined) device.mac = r.mac;
    if (r.vendor !== undefined) device.vendor = r.vendor;
    if (r.lldp !== undefined) {
      const { router: _router, ...lldp } = r.lldp.value;
      device.lldp = { ...lldp, managementAddresses: [...lldp.managementAddresses], capabilities: [...lldp.capabilities], sources: r.lldp.sources() };
    }
    return device;
  }
}

/** link-local IPv6 first, then IPv4 link-local, then the rest */
function addressRank(text: string): number {
  if (/^fe[89ab]/i.test(text)) return 0;
  if (text.startsWith('169.254.')) return 1;
  return text.includes(':') ? 2 : 3;
}

function cleanService(s: ServiceObservation): ServiceObservation {
  const txt: Record<string, string | true> = {};
  let n = 0;
  for (const [k, v] of Object.entries(s.txt ?? {})) {
    if (n++ >= LIMITS.txtPerService) break;
    // defineProperty, as parseTxt does: a key such as `__proto__` is an ordinary key, never the prototype
    Object.defineProperty(txt, clip(k), { value: v === true ? true : clip(String(v)), enumerable: true, writable: true, configurable: true });
  }
  const out: ServiceObservation = {
    instance: clip(s.instance),
    type: clip(s.type),
    subtypes: [...new Set((s.subtypes ?? []).map(clip))].slice(0, LIMITS.subtypesPerService),
    port: s.port,
    txt,
  };
  if (s.host !== undefined) out.host = clip(s.host);
  return out;
}

function sameService(a: ServiceObservation, b: ServiceObservation): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
