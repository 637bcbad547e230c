// Where to connect or bind: endpoint text, an Endpoint, or { host, port, zone }, parsed into an
// address (zone kept as written) and a port.
import { Endpoint, ScopedAddress } from '../addr/index.js';
import { Fe80Error, quote } from '../errors.js';
import { BoundedMap } from '../bounded-map.js';
import { checkPort, invalid, unbracket } from '../validate.js';

/** `'[fe80::1%eth0]:8080'`, `'[fe80::1%3]:8080'`, an `Endpoint`, or `{ host, port, zone }`. */
export type ConnectTarget = string | Endpoint | HostPort;

export interface HostPort {
  /** `'fe80::1%eth0'`, `'[fe80::1]'`, `'192.0.2.1'` or a ScopedAddress */
  host: string | ScopedAddress;
  port: number;
  /** the zone, when `host` has none (a name or an index) */
  zone?: string | number | undefined;
}

export interface ParsedTarget {
  address: ScopedAddress;
  port: number;
}

function hostAddress(host: unknown): ScopedAddress {
  if (host instanceof ScopedAddress) return host;
  if (typeof host !== 'string') throw invalid('host', 'an IP address string or a ScopedAddress', host);
  return ScopedAddress.parse(unbracket(host));
}

/** Adds `zone` to an address that has none; a different zone already in the address is an error. */
export function withTargetZone(address: ScopedAddress, zone: unknown): ScopedAddress {
  if (zone === undefined) return address;
  if (typeof zone !== 'string' && typeof zone !== 'number') throw invalid('zone', 'an interface name or index', zone);
  const text = String(zone);
  if (address.family === 4 && text !== '0') {
    throw new Fe80Error('ERR_ZONE_NOT_ALLOWED', `zone ${quote(text)} given for ${address.address}, an IPv4 address: IPv4 addresses take no zone; remove it`, {
      input: `${address.address}%${text}`,
    });
  }
  if (address.family === 4) return address;
  if (address.zone === undefined) return address.withZone(text);
  if (address.zone !== text) {
    throw new Fe80Error('ERR_INVALID_ARGUMENT', `two different zones: ${quote(address.zone)} in the host and ${quote(text)} in zone`, {
      input: address.toString(),
    });
  }
  return address;
}

/** Endpoints are immutable: programs that connect to the same text again skip the parse. */
const parsed = new BoundedMap<string, Endpoint>(256);

/** Parses a connect/send target. `allowZeroPort` for binds and listens. */
export function parseTarget(target: unknown, allowZeroPort = false, name = 'target'): ParsedTarget {
  if (typeof target === 'string') {
    const ep = parsed.getOrSet(target, () => Endpoint.parse(target));
    return { address: ep.address, port: checkPort(ep.port, () => `port of ${quote(target)}`, allowZeroPort) };
  }
  if (target instanceof Endpoint) return { address: target.address, port: checkPort(target.port, 'port', allowZeroPort) };
  if (typeof target === 'object' && target !== null && 'host' in target) {
    const t = target as HostPort;
    const address = withTargetZone(hostAddress(t.host), t.zone);
    return { address, port: checkPort(t.port, 'port', allowZeroPort) };
  }
  throw invalid(name, "an endpoint string ('[fe80::1%eth0]:8080'), an Endpoint or { host, port, zone }", target);
}
