// DNS-SD browsing (RFC 6763) as a discover source. The browsing itself (the zoned mDNS query
// machine: _services._dns-sd._udp.local, PTR -> SRV/TXT -> AAAA/A, known-answer suppression and
// back-off, goodbyes) belongs to src/dns, not here: this file only turns what a browser reports
// into observations.
// `DnsSdBrowse` is the shape read, structurally the one of src/dns's `browseServices()`
// (found/updated/lost events of services attributed to the interface they were heard on); a
// test may pass another one as `options.browse`.
import type { ScopedAddress } from '../../addr/index.js';
import { browseServices } from '../../dns/index.js';
import type { InterfaceRegistry } from '../../iface/index.js';
import type { Observation } from '../devices.js';
import type { LostReason } from '../types.js';
import type { Source, SourceContext } from '../source.js';

/** One service instance as a zoned browser reports it (the fields this source reads). */
export interface DnsSdService {
  /** the interface the answers arrived on */
  readonly interface: string;
  /** `Living Room` */
  readonly instance: string;
  /** `_http._tcp` */
  readonly type: string;
  /** subtypes it was found under (`_L3840` of `_matterc._udp`) */
  readonly subtypes?: readonly string[];
  /** SRV target, e.g. `printer.local` (undefined until the SRV record is known) */
  readonly host?: string | undefined;
  readonly port?: number | undefined;
  readonly txt?: Readonly<Record<string, string | true>>;
  /** the host's addresses, link-local ones zoned with `interface` */
  readonly addresses: readonly { readonly address: ScopedAddress }[];
}

export type DnsSdEvent =
  | { readonly type: 'found' | 'updated'; readonly service: DnsSdService }
  | { readonly type: 'lost'; readonly service: DnsSdService; readonly reason: 'goodbye' | 'expired' | 'interface' };

/** Browses every service type on `interfaces` until `signal` aborts (it may end by throwing then). */
export type DnsSdBrowse = (options: { interfaces: readonly string[]; signal: AbortSignal; registry: InterfaceRegistry }) => AsyncIterable<DnsSdEvent>;

/** The browser used when none is passed (`options.browse`): src/dns's zoned RFC 6763 browser. */
const defaultBrowse: DnsSdBrowse = ({ interfaces, signal, registry }) => browseServices({ interfaces, signal, registry });

/** the browser says when a service goes (goodbye, TTL): facts hold until then, at most RFC 6762's 75 min */
const HOLD = 75 * 60_000;
const REASONS: Readonly<Record<string, LostReason>> = { goodbye: 'goodbye', expired: 'expired', interface: 'link-down' };

export function serviceObservation(s: DnsSdService): Observation {
  const o: Observation = {
    source: 'dnssd',
    interface: s.interface,
    ttl: HOLD,
    addresses: s.addresses.filter((a) => a.address.zone === undefined || a.address.zone === s.interface).map((a) => ({ address: a.address })),
    services: [
      {
        instance: s.instance,
        type: s.type,
        port: s.port ?? 0,
        ...(s.subtypes === undefined ? {} : { subtypes: [...s.subtypes] }),
        ...(s.host === undefined ? {} : { host: s.host }),
        ...(s.txt === undefined ? {} : { txt: { ...s.txt } }),
      },
    ],
  };
  if (s.host !== undefined) o.names = [s.host];
  return o;
}

export const dnssdSource: Source = {
  name: 'dnssd',
  scope: 'global',
  check() {
    return undefined; // the browser is always there; a port it cannot bind fails the run
  },
  async run(ctx: SourceContext) {
    const browse = (ctx.options.browse as DnsSdBrowse | undefined) ?? defaultBrowse;
    const interfaces = ctx.interfaces().map((i) => i.name);
    const links = new Set(interfaces);
    // per link and host: the live services naming it and the addresses they gave, so the host's
    // name and addresses go (for this source) with its last service
    const hosts = new Map<string, { services: Set<string>; addresses: Set<string> }>();
    const keyOf = (s: DnsSdService): string => `${s.interface}\n${s.instance}\n${s.type}`.toLowerCase();
    /** service -> the host key it last named */
    const hostOf = new Map<string, string>();
    for await (const event of browse({ interfaces, signal: ctx.signal, registry: ctx.registry })) {
      if (ctx.signal.aborted) break;
      const s = event.service;
      if (!links.has(s.interface)) {
        ctx.drop();
        continue;
      }
      const hostKey = s.host === undefined ? hostOf.get(keyOf(s)) : `${s.interface}\n${s.host.toLowerCase()}`;
      if (event.type !== 'lost') {
        const o = serviceObservation(s);
        ctx.observe(o);
        if (hostKey !== undefined) {
          let h = hosts.get(hostKey);
          if (h === undefined) hosts.set(hostKey, (h = { services: new Set(), addresses: new Set() }));
          if (h.services.size < 4096 && hostOf.size < 65_536) {
            h.services.add(keyOf(s));
            hostOf.set(keyOf(s), hostKey);
          }
          for (const a of o.addresses ?? []) if (h.addresses.size < 64) h.addresses.add(a.address.toString());
        }
        continue;
      }
      const reason = REASONS[event.reason] ?? 'expired';
      ctx.withdraw(s.interface, { service: s }, reason);
      hostOf.delete(keyOf(s));
      const h = hostKey === undefined ? undefined : hosts.get(hostKey);
      if (h === undefined || hostKey === undefined) continue;
      h.services.delete(keyOf(s));
      if (h.services.size > 0) continue;
      hosts.delete(hostKey);
      ctx.withdraw(s.interface, { name: hostKey.slice(s.interface.length + 1) }, reason);
      for (const address of h.addresses) ctx.withdraw(s.interface, { address }, reason);
    }
  },
};
