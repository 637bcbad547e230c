// DNS-SD browsing (RFC 6763 over RFC 6762): the public entry points. `browseServices` returns a
// browser: an async iterator of found/updated/lost events, every service attributed to the
// interface it was heard on; `collectServices` browses for a while and returns what was found.
// The state machine is in browser.ts.
import { Fe80Error } from '../errors.js';
import { abortedError } from '../cancel.js';
import { checkInteger, checkMs, checkObject, checkOneOf, checkSignal, invalid } from '../validate.js';
import { registry as defaultRegistry, type InterfaceRegistry } from '../iface/index.js';
import { ServiceBrowser, type BrowseSpec, type BrowsedService } from './browser.js';
import { chooseInterfaces } from './interfaces.js';
import { parseServiceType, type ServiceType } from './service-name.js';

export type { BrowsedService, BrowseEvent, BrowseStats, LostReason, ServiceAddress } from './browser.js';
export { ServiceBrowser } from './browser.js';

export interface BrowseServicesOptions {
  /**
   * service types to browse: `'_http._tcp'`, `'_matterc._udp'`, a subtype as
   * `'_printer._sub._http._tcp'` (a trailing `.local` is allowed); default: every type the link
   * lists at `_services._dns-sd._udp.local` (RFC 6763 §9)
   */
  types?: readonly string[];
  /** interfaces to browse, by name or index; default: registry candidates with multicast */
  interfaces?: readonly (string | number)[];
  /** IP versions to browse over; default `'both'` (IPv4 only where the interface has an IPv4 address) */
  transport?: 'ipv6' | 'ipv4' | 'both';
  /** most services tracked at once, over all interfaces (default 1024): a responder that floods is bounded */
  maxServices?: number;
  /** ms after its PTR arrived that a service is reported even when its SRV, TXT or addresses are not in (default 1000) */
  resolveTimeout?: number;
  /** aborting ends the iteration with ERR_ABORTED */
  signal?: AbortSignal;
  registry?: InterfaceRegistry;
}

export interface CollectServicesOptions extends BrowseServicesOptions {
  /** ms to browse before returning what was found (default 3000) */
  duration?: number;
}

const DEFAULT_MAX_SERVICES = 1024;
const DEFAULT_RESOLVE_TIMEOUT = 1000;
const DEFAULT_DURATION = 3000;

function browseSpec(options: BrowseServicesOptions | undefined): BrowseSpec {
  const o = checkObject(options, 'browseServices options');
  let types: ServiceType[] | undefined;
  if (o.types !== undefined) {
    if (!Array.isArray(o.types) || o.types.length === 0) throw invalid('`types`', 'a non-empty array of service types', o.types);
    types = [];
    for (const text of o.types as unknown[]) {
      const t = parseServiceType(text as string);
      if (!types.some((x) => x.query.join('.').toLowerCase() === t.query.join('.').toLowerCase())) types.push(t);
    }
  }
  const transport = checkOneOf(o.transport, '`transport`', ['ipv6', 'ipv4', 'both'] as const) ?? 'both';
  const maxServices = checkInteger(o.maxServices, '`maxServices`', 1, 1_000_000) ?? DEFAULT_MAX_SERVICES;
  const resolveTimeout = checkMs(o.resolveTimeout, '`resolveTimeout`', 0) ?? DEFAULT_RESOLVE_TIMEOUT;
  const signal = checkSignal(o.signal, '`signal`');
  if (signal?.aborted) throw abortedError('DNS-SD browse', signal);
  const reg = o.registry ?? defaultRegistry;
  return { types, interfaces: chooseInterfaces(reg, o.interfaces, { what: 'send a DNS-SD query on', multicast: true }), transport, reg, maxServices, resolveTimeout, signal };
}

/**
 * Browses DNS-SD services (RFC 6763) with Multicast DNS on each chosen interface, over IPv6 and
 * IPv4, and returns the browser: an async iterator of events, one per change of a service
 * (`found`, `updated`, `lost` with a reason), each service attributed to the interface it was
 * heard on (the same instance on two links is two services, with different `id`s). It binds UDP
 * port 5353 beside any responder of this host (SO_REUSEADDR) and keeps the process alive until
 * `close()`, a `break` out of the loop, or `signal`. Invalid options throw at once
 * (ERR_INVALID_ARGUMENT, ERR_UNKNOWN_INTERFACE, ERR_INTERFACE_DOWN); a socket that cannot be
 * bound ends the iteration with ERR_MDNS.
 *
 *     for await (const e of browseServices({ types: ['_http._tcp'] })) console.log(e.type, e.service.name, e.service.addresses);
 */
export function browseServices(options?: BrowseServicesOptions): ServiceBrowser {
  return new ServiceBrowser(browseSpec(options));
}

/**
 * Browses for `duration` ms and resolves with the services heard and not lost by then. Rejects
 * with ERR_ABORTED when `signal` fires, ERR_MDNS when the port cannot be bound.
 */
export function collectServices(options?: CollectServicesOptions): Promise<BrowsedService[]> {
  try {
    const o = checkObject(options, 'collectServices options');
    const duration = checkMs(o.duration, '`duration`', 1) ?? DEFAULT_DURATION;
    const { duration: _, ...rest } = o;
    const browser = browseServices(rest);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const found = browser.services();
        browser.close();
        resolve(found);
      }, duration);
      (async () => {
        try {
          for await (const _event of browser) {
            // the browser keeps the picture; events only need consuming
          }
        } catch (error) {
          clearTimeout(timer);
          reject(error instanceof Fe80Error ? error : new Fe80Error('ERR_MDNS', String(error), { cause: error }));
        }
      })();
    });
  } catch (error) {
    return Promise.reject(error);
  }
}
