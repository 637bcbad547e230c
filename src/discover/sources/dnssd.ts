// DNS-SD browsing (RFC 6763) as a discover source. The browsing itself (the zoned mDNS query
// machine: _services._dns-sd._udp.local, PTR -> SRV/TXT -> AAAA/A, known-answer suppression and
// back-off, goodbyes) belongs to src/dns, not here: this file only turns what a browser reports
// into observations. ADAPTER POINT: `ServiceBrowser` is the shape it expects; the default browser
// is `defaultBrowser` below, to be pointed at src/dns's browser once that is in the tree.
import type { ScopedAddress } from '../../addr/index.js';
import type { InterfaceRegistry } from '../../iface/index.js';
import type { Observation } from '../devices.js';
import type { Source, SourceContext } from '../source.js';

/** One service instance as a zoned browser reports it. */
export interface BrowsedService {
  /** the interface the answers arrived on */
  interface: string;
  /** `Living Room` */
  instance: string;
  /** `_http._tcp` */
  type: string;
  /** subtypes it was found under (`_L3840` of `_matterc._udp`) */
  subtypes?: string[];
  /** SRV target, e.g. `printer.local` */
  host?: string;
  port: number;
  txt?: Record<string, string | true>;
  /** the host's addresses, link-local ones zoned with `interface` */
  addresses: readonly ScopedAddress[];
  /** seconds the records hold (the smallest TTL among them) */
  ttl: number;
}

export type BrowseEvent = { type: 'up'; service: BrowsedService } | { type: 'down'; service: Pick<BrowsedService, 'interface' | 'instance' | 'type'> };

/** Browses every service type on `interfaces` until `signal` aborts. */
export type ServiceBrowser = (options: { interfaces: readonly string[]; signal: AbortSignal; registry: InterfaceRegistry }) => AsyncIterable<BrowseEvent>;

/** The browser used when none is passed (`options.browse`); undefined until src/dns has one. */
export const defaultBrowser: ServiceBrowser | undefined = undefined;

const NO_BROWSER = 'DNS-SD browsing is not available in this build (no zoned RFC 6763 browser in src/dns yet)';

export function serviceObservation(s: BrowsedService): Observation {
  const o: Observation = {
    source: 'dnssd',
    interface: s.interface,
    ttl: Math.max(1, s.ttl) * 1000,
    addresses: s.addresses.filter((a) => a.zone === undefined || a.zone === s.interface).map((address) => ({ address })),
    services: [
      {
        instance: s.instance,
        type: s.type,
        port: s.port,
        ...(s.subtypes === undefined ? {} : { subtypes: s.subtypes }),
        ...(s.host === undefined ? {} : { host: s.host }),
        ...(s.txt === undefined ? {} : { txt: s.txt }),
      },
    ],
  };
  if (s.host !== undefined) o.names = [s.host];
  return o;
}

export const dnssdSource: Source = {
  name: 'dnssd',
  scope: 'global',
  check(ctx) {
    return browserOf(ctx) === undefined ? NO_BROWSER : undefined;
  },
  async run(ctx: SourceContext) {
    const browse = browserOf(ctx) as ServiceBrowser;
    const interfaces = ctx.interfaces().map((i) => i.name);
    const links = new Set(interfaces);
    for await (const event of browse({ interfaces, signal: ctx.signal, registry: ctx.registry })) {
      if (ctx.signal.aborted) break;
      if (!links.has(event.service.interface)) {
        ctx.drop();
        continue;
      }
      if (event.type === 'down') ctx.withdraw(event.service.interface, { service: event.service }, 'goodbye');
      else ctx.observe(serviceObservation(event.service));
    }
  },
};

function browserOf(ctx: SourceContext): ServiceBrowser | undefined {
  return (ctx.options.browse as ServiceBrowser | undefined) ?? defaultBrowser;
}
