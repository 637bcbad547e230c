// One-shot Multicast DNS resolver (RFC 6762 §5.1): the public entry point. For each chosen
// interface it sends a query from an ephemeral port to ff02::fb%IFACE (and 224.0.0.251 when the
// interface has IPv4), receives the legacy-unicast answers (§6.7) on a socket bound to that
// interface's own address, and gives every link-local AAAA the zone of the interface it arrived on
// (§14, RFC 4007). The state machine is in query.ts, the shared timer in clock.ts, the sockets in
// socket-pool.ts, the known-answer cache in cache.ts.
import { Fe80Error } from '../errors.js';
import { abortedError } from '../cancel.js';
import { checkMs } from '../validate.js';
import type { ScopedAddress } from '../addr/index.js';
import { registry as defaultRegistry, type InterfaceRegistry } from '../iface/index.js';
import { MdnsCache, mdnsCache } from './cache.js';
import { chooseInterfaces } from './interfaces.js';
import { MdnsQuery, type QuerySpec } from './query.js';
import { prepareName } from './wire.js';

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
    const query = new MdnsQuery(querySpec(name, options));
    return new Promise<MdnsResult[]>((resolve, reject) => query.start(resolve, reject));
  } catch (error) {
    return Promise.reject(error);
  }
}

/** Checks the arguments of resolveMdns (before any I/O) and turns them into a query spec. */
function querySpec(name: string, options: ResolveMdnsOptions): QuerySpec {
  if (typeof options !== 'object' || options === null) throw new Fe80Error('ERR_INVALID_ARGUMENT', 'resolveMdns options must be an object');
  const prepared = prepareName(name);
  const family = options.family ?? 0;
  if (family !== 0 && family !== 4 && family !== 6) {
    throw new Fe80Error('ERR_INVALID_ARGUMENT', `\`family\` must be 0, 4 or 6, got ${String(family)}`);
  }
  const transport = options.transport ?? 'both';
  if (transport !== 'both' && transport !== 'ipv4' && transport !== 'ipv6') {
    throw new Fe80Error('ERR_INVALID_ARGUMENT', `\`transport\` must be 'ipv6', 'ipv4' or 'both', got ${String(transport)}`);
  }
  const cache = options.cache === false ? undefined : (options.cache ?? mdnsCache);
  if (cache !== undefined && !(cache instanceof MdnsCache)) {
    throw new Fe80Error('ERR_INVALID_ARGUMENT', '`cache` must be an MdnsCache or false');
  }
  const timeout = checkMs(options.timeout, 'timeout', 1) ?? DEFAULT_TIMEOUT;
  const settle = checkMs(options.settle, 'settle', 0) ?? DEFAULT_SETTLE;
  const signal = options.signal;
  if (signal !== undefined && !(signal instanceof AbortSignal)) throw new Fe80Error('ERR_INVALID_ARGUMENT', '`signal` must be an AbortSignal');
  if (signal?.aborted) throw abortedError('mDNS query', signal);
  const reg = options.registry ?? defaultRegistry;
  return {
    input: name,
    name: prepared,
    types: family === 4 ? ['A'] : family === 6 ? ['AAAA'] : ['AAAA', 'A'],
    transport,
    cache,
    timeout,
    settle,
    signal,
    reg,
    interfaces: chooseInterfaces(reg, options.interfaces),
  };
}
