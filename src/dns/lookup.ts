// A drop-in for dns.lookup that keeps scopes: IP literals pass through with their zone checked and
// put in the platform form, `.local` names go to fe80's mDNS resolver (zoned link-local results),
// other names go to the system resolver, whose zone-less link-local results follow the zone policy.
import dns from 'node:dns';
import net from 'node:net';
import { promisify } from 'node:util';
import { Fe80Error, quote } from '../errors.js';
import { ScopedAddress } from '../addr/index.js';
import { registry as defaultRegistry, type InterfaceRegistry } from '../iface/index.js';
import { checkAllowed, registryOf, zonePolicy, type InterfaceSelector, type ZoneCandidate, type ZoneOption } from '../zone/index.js';
import { planLiteral, planName, type ZonePlan } from './plan.js';
import type { ResolveNameOptions } from './resolve.js';
import { invalid } from '../validate.js';
import { MdnsCache } from './cache.js';
import { resolveMdns } from './mdns.js';
import { isLocalName } from './names.js';

export type ResultOrder = 'verbatim' | 'ipv4first' | 'ipv6first';

/** What a lookup call takes: the options of `dns.lookup`. */
export interface LookupCallOptions {
  family?: number | 'IPv4' | 'IPv6' | undefined;
  hints?: number | undefined;
  all?: boolean | undefined;
  order?: ResultOrder | undefined;
  verbatim?: boolean | undefined;
}

export interface LookupAddress {
  address: string;
  family: number;
}

export type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** Options bound by `createLookup`. */
export interface CreateLookupOptions {
  /**
   * zone policy for link-local addresses without a zone (literals and system-resolver results):
   * a name/index, `'auto'` (every candidate interface), or a list. Default: none, so such an
   * address fails with ERR_ZONE_REQUIRED listing the candidates. A name or list also restricts
   * the interfaces mDNS queries go to.
   */
  zone?: ZoneOption;
  /**
   * When set, only link-local results on these interfaces (names or indexes): mDNS asks only
   * there, and any other result (global, IPv4, another link) is dropped, ERR_ZONE_NOT_ALLOWED
   * when none is left. The same option and meaning as for connect, fetch and the Agents.
   */
  allowedInterfaces?: readonly InterfaceSelector[];
  registry?: InterfaceRegistry;
  /** mDNS: overall ms (default 1500) */
  timeout?: number;
  /** mDNS: ms to wait for more interfaces after the first answer (default 250; see resolveMdns) */
  settle?: number;
  /** mDNS known-answer cache (default the process-wide one; false = none) */
  cache?: MdnsCache | false;
  /** the system resolver for names outside `.local` (default `dns.lookup`) */
  systemLookup?: typeof dns.lookup;
}

export interface Fe80Lookup {
  (hostname: string, callback: LookupCallback): void;
  (hostname: string, options: number | LookupCallOptions, callback: LookupCallback): void;
  /** promise form, like `dns.promises.lookup` */
  promise(hostname: string, options: LookupCallOptions & { all: true }): Promise<LookupAddress[]>;
  promise(hostname: string, options?: number | LookupCallOptions): Promise<LookupAddress>;
  promise(hostname: string, options?: number | LookupCallOptions): Promise<LookupAddress | LookupAddress[]>;
  /** the options this lookup was created with */
  readonly options: Readonly<CreateLookupOptions>;
  /** `util.promisify(lookup)` gives `lookup.promise` */
  readonly [promisify.custom]: Fe80Lookup['promise'];
}

interface Call {
  family: 0 | 4 | 6;
  hints: number;
  all: boolean;
  order: ResultOrder;
}

const HINT_MASK = dns.ADDRCONFIG | dns.V4MAPPED | dns.ALL;

function defaultOrder(): ResultOrder {
  const get = (dns as { getDefaultResultOrder?: () => string }).getDefaultResultOrder;
  const order = get?.();
  return order === 'ipv4first' || order === 'ipv6first' ? order : 'verbatim';
}

/** dns.lookup's rule: a falsy hostname (null, undefined, '') resolves to nothing (DEP0118); else a string. */
function checkHostname(hostname: unknown): string {
  if (!hostname) return '';
  if (typeof hostname !== 'string') throw invalid('the hostname', 'a string', hostname);
  return hostname;
}

/** Validates the call options as dns.lookup does (it throws synchronously for these). */
function normalizeCall(options: unknown): Call {
  let family: unknown = 0;
  let hints: unknown = 0;
  let all: unknown = false;
  let order: unknown;
  let verbatim: unknown;
  if (typeof options === 'number') family = options;
  else if (options !== undefined && options !== null) {
    if (typeof options !== 'object') throw invalid('lookup options', 'an object or a family number', options);
    const o = options as LookupCallOptions;
    family = o.family ?? 0;
    hints = o.hints ?? 0;
    all = o.all ?? false;
    order = o.order ?? undefined; // null is "not given", as in dns.lookup
    verbatim = o.verbatim ?? undefined;
  }
  if (family === 'IPv4') family = 4;
  else if (family === 'IPv6') family = 6;
  if (family !== 0 && family !== 4 && family !== 6) throw invalid('family', '0, 4 or 6', family);
  if (typeof hints !== 'number' || !Number.isInteger(hints) || (hints & ~HINT_MASK) !== 0) {
    throw invalid('hints', 'a combination of dns.ADDRCONFIG, dns.V4MAPPED and dns.ALL', hints);
  }
  if (typeof all !== 'boolean') throw invalid('all', 'a boolean', all);
  if (order !== undefined && order !== 'verbatim' && order !== 'ipv4first' && order !== 'ipv6first') {
    throw invalid('order', "'verbatim', 'ipv4first' or 'ipv6first'", order);
  }
  if (verbatim !== undefined && typeof verbatim !== 'boolean') throw invalid('verbatim', 'a boolean', verbatim);
  const resolved: ResultOrder =
    (order as ResultOrder | undefined) ?? (verbatim === undefined ? defaultOrder() : verbatim ? 'verbatim' : 'ipv4first');
  return { family, hints, all, order: resolved };
}

function sortResults(list: LookupAddress[], order: ResultOrder): LookupAddress[] {
  if (order === 'verbatim') return list;
  const first = order === 'ipv4first' ? 4 : 6;
  return [...list.filter((a) => a.family === first), ...list.filter((a) => a.family !== first)];
}

function withHostname(error: Fe80Error, hostname: string): Fe80Error {
  // dns-style context for code that logs it; `code` stays the fe80 code.
  Object.defineProperty(error, 'hostname', { value: hostname, enumerable: false, configurable: true, writable: true });
  return error;
}

/** `hostname` as an IP literal (zone syntax included), or undefined for a name. */
function literal(hostname: string): ScopedAddress | undefined {
  // a name like printer.local skips net.isIP's regular expressions: an IPv6 literal has a colon,
  // an IPv4 one ends in a digit
  const last = hostname.charCodeAt(hostname.length - 1);
  if (!hostname.includes(':') && !(last >= 0x30 && last <= 0x39)) return undefined;
  if (net.isIP(hostname) !== 0) return ScopedAddress.parse(hostname);
  const pct = hostname.indexOf('%');
  if (pct > 0 && net.isIPv6(hostname.slice(0, pct))) return ScopedAddress.parse(hostname); // throws ERR_INVALID_ZONE
  return undefined;
}

/** The zone plan of a lookup's options (validated once, in createLookup). */
function planOf(bound: CreateLookupOptions): ZonePlan {
  return {
    policy: zonePolicy(bound.zone),
    registry: registryOf(bound),
    allowed: checkAllowed(bound.allowedInterfaces),
    operation: 'lookup',
    form: undefined,
  };
}

const asResult = (c: ZoneCandidate): LookupAddress => ({ address: c.host, family: c.address.family });

async function resolveHost(hostname: string, call: Call, bound: CreateLookupOptions, plan: ZonePlan): Promise<LookupAddress[]> {
  const lit = literal(hostname);
  if (lit !== undefined) {
    // Like dns.lookup, a literal ignores `family` and `hints`.
    if (lit.zone === undefined && !lit.requiresZone() && plan.allowed === undefined) return [{ address: hostname, family: lit.family }];
    return planLiteral({ address: lit, name: undefined, port: 0, zone: undefined }, plan).map(asResult);
  }
  const local = isLocalName(hostname);
  const mapped = local && call.family === 6 && (call.hints & dns.V4MAPPED) !== 0;
  const options: ResolveNameOptions = { family: mapped ? 0 : call.family, timeout: bound.timeout, settle: bound.settle, cache: bound.cache };
  if (!local) {
    options.systemLookup = bound.systemLookup;
    options.system = { hints: call.hints, ...(call.order === 'verbatim' ? {} : { verbatim: false }), order: call.order } as ResolveNameOptions['system'];
  }
  // planName's candidates are distinct hosts: no address twice
  const found = (await planName({ address: undefined, name: hostname, port: 0, zone: undefined }, plan, options)).map(asResult);
  if (!local) return sortResults(found, call.order);
  const v6 = found.filter((a) => a.family === 6);
  const v4 = found.filter((a) => a.family === 4);
  if (!mapped) return sortResults(call.family === 6 ? v6 : call.family === 4 ? v4 : v4.length === 0 ? v6 : [...v6, ...v4], call.order);
  // V4MAPPED (RFC 4291 §2.5.5.2 forms): with family 6, A records come back as ::ffff:a.b.c.d when
  // there is no AAAA, or alongside them with dns.ALL.
  const asMapped = v4.map((a) => ({ address: `::ffff:${a.address}`, family: 6 }));
  if (v6.length === 0) return asMapped;
  return (call.hints & dns.ALL) !== 0 ? [...v6, ...asMapped] : v6;
}

/**
 * Returns a lookup function bound to `options` (zone policy, mDNS interfaces and timeout) with the
 * signature of `dns.lookup`, for the `lookup` option of net, tls, http(s), undici and ws.
 * Errors passed to the callback are Fe80Error: `code` is the fe80 code (`ERR_NOT_FOUND`,
 * `ERR_ZONE_REQUIRED`, ...), not a getaddrinfo code; the system error, if any, is on `cause`.
 */
export function createLookup(options: CreateLookupOptions = {}): Fe80Lookup {
  if (typeof options !== 'object' || options === null) throw invalid('createLookup options', 'an object', options);
  const bound: CreateLookupOptions = Object.freeze({ ...options });
  const plan = planOf(bound);

  const run = (hostname: string, call: Call): Promise<LookupAddress[]> => {
    if (hostname === '') return Promise.resolve([]);
    return resolveHost(hostname, call, bound, plan).catch((error: unknown) => {
      throw error instanceof Fe80Error ? withHostname(error, hostname) : error;
    });
  };

  function lookup(hostname: string, options: number | LookupCallOptions | LookupCallback, callback?: LookupCallback): void {
    if (typeof options === 'function') {
      callback = options;
      options = {};
    }
    if (typeof callback !== 'function') throw invalid('the lookup callback', 'a function', callback);
    const host = checkHostname(hostname);
    const call = normalizeCall(options);
    const cb = callback;
    run(host, call).then(
      (list) => {
        process.nextTick(() => {
          if (call.all) cb(null, list);
          else if (list[0] === undefined) cb(null, null as unknown as string, call.family === 6 ? 6 : 4);
          else cb(null, list[0].address, list[0].family);
        });
      },
      (error: unknown) => {
        process.nextTick(() => cb(error as NodeJS.ErrnoException, undefined as unknown as string));
      },
    );
  }

  // Invalid arguments throw synchronously, as dns.promises.lookup does.
  function promise(hostname: string, options?: number | LookupCallOptions): Promise<LookupAddress | LookupAddress[]> {
    const host = checkHostname(hostname);
    const call = normalizeCall(options);
    return run(host, call).then((list) => {
      if (call.all) return list;
      const first = list[0];
      if (first === undefined) return { address: null as unknown as string, family: call.family === 6 ? 6 : 4 };
      return first;
    });
  }

  Object.defineProperty(lookup, promisify.custom, { value: promise, enumerable: false });
  Object.defineProperty(lookup, 'promise', { value: promise, enumerable: false });
  Object.defineProperty(lookup, 'options', { value: bound, enumerable: false });
  return lookup as unknown as Fe80Lookup;
}

/** The default lookup: no zone policy (zone-less link-local fails with ERR_ZONE_REQUIRED), all candidate interfaces for mDNS. */
export const lookup: Fe80Lookup = createLookup();
