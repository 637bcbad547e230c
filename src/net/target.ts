// Where to connect or send: endpoint text (`[fe80::1%eth0]:8080`, `192.0.2.1:80`), `name:port`
// (`printer.local:9100`), an Endpoint, or { host, port, zone }. Parsed into an address (zone kept
// as written) or a host name, a port, and the zone option the target itself carries.
import { Endpoint, ScopedAddress } from '../addr/index.js';
import { BoundedMap } from '../bounded-map.js';
import { Fe80Error, quote } from '../errors.js';
import { hostNameProblem } from '../dns/index.js';
import { checkPort, invalid, unbracket } from '../validate.js';
import { checkSelector, type InterfaceSelector } from '../zone/index.js';

/** `'[fe80::1%eth0]:8080'`, `'[fe80::1%3]:8080'`, `'printer.local:9100'`, an `Endpoint`, or `{ host, port, zone }`. */
export type ConnectTarget = string | Endpoint | HostPort;

export interface HostPort {
  /** `'fe80::1%eth0'`, `'[fe80::1]'`, `'192.0.2.1'`, a host name (`'printer.local'`) or a ScopedAddress */
  host: string | ScopedAddress;
  port: number;
  /** the zone when `host` has none: a name, or a number, which is an interface index */
  zone?: InterfaceSelector | undefined;
}

export interface ParsedTarget {
  /** the address, or undefined for a host name */
  address: ScopedAddress | undefined;
  /** the host name (not an IP literal), or undefined */
  name: string | undefined;
  port: number;
  /** the zone the target itself gives (`{ host, port, zone }`), as a zone option */
  zone: InterfaceSelector | undefined;
}

/** `name:port` -> [name, port text], or undefined when the text is not that shape. */
function splitNamePort(s: string): [string, string] | undefined {
  const colon = s.lastIndexOf(':');
  if (colon <= 0 || s.indexOf(':') !== colon || s.charCodeAt(0) === 0x5b) return undefined;
  const host = s.slice(0, colon);
  return hostNameProblem(host) === undefined ? [host, s.slice(colon + 1)] : undefined;
}

function portOf(text: string, input: string, allowZero: boolean): number {
  if (!/^\d{1,5}$/.test(text) || Number(text) > 65535) {
    throw new Fe80Error('ERR_INVALID_PORT', `port of ${quote(input)} must be decimal digits 0-65535, got ${quote(text)}`, { input });
  }
  return checkPort(Number(text), () => `port of ${quote(input)}`, allowZero);
}

/** Endpoints are immutable: programs that connect to the same text again skip the parse. */
const parsed = new BoundedMap<string, ParsedTarget>(256);

function parseText(target: string, allowZeroPort: boolean): ParsedTarget {
  const ep = Endpoint.tryParse(target);
  if (ep !== undefined) {
    return { address: ep.address, name: undefined, port: checkPort(ep.port, () => `port of ${quote(target)}`, allowZeroPort), zone: undefined };
  }
  const named = splitNamePort(target);
  if (named !== undefined) return { address: undefined, name: named[0], port: portOf(named[1], target, allowZeroPort), zone: undefined };
  Endpoint.parse(target); // throws the precise error (position, hint)
  throw new Fe80Error('ERR_INVALID_ENDPOINT', `${quote(target)} is not an endpoint`, { input: target });
}

/** A host: an IP literal (brackets optional) or a host name. */
function parseHost(host: unknown): { address: ScopedAddress | undefined; name: string | undefined } {
  if (host instanceof ScopedAddress) return { address: host, name: undefined };
  if (typeof host !== 'string') throw invalid('host', 'an IP address, a host name or a ScopedAddress', host);
  const text = unbracket(host);
  const address = ScopedAddress.tryParse(text);
  if (address !== undefined) return { address, name: undefined };
  if (text === host && hostNameProblem(host) === undefined) return { address: undefined, name: host };
  return { address: ScopedAddress.parse(text), name: undefined }; // throws the precise error
}

/**
 * A `{ host, zone }` target whose host is IPv4: refused here, worded for a separate `zone` field,
 * before any zone option could be weighed against it (IPv4 has no zones, RFC 4007 §6); zone 0 is none.
 */
export function refuseIPv4Zone(address: ScopedAddress | undefined, zone: InterfaceSelector | undefined): void {
  if (zone === undefined || address?.family !== 4 || zone === 0 || zone === '0') return;
  throw new Fe80Error('ERR_ZONE_NOT_ALLOWED', `zone ${quote(String(zone))} given for ${address.address}, an IPv4 address: IPv4 addresses take no zone; remove it`, {
    input: `${address.address}%${String(zone)}`,
  });
}

/** Parses a connect/send target. `allowZeroPort` for binds and listens. */
export function parseTarget(target: unknown, allowZeroPort = false, name = 'target'): ParsedTarget {
  if (typeof target === 'string') {
    const hit = parsed.get(target);
    if (hit !== undefined && (allowZeroPort || hit.port !== 0)) return hit;
    const p = parseText(target, allowZeroPort);
    parsed.set(target, p);
    return p;
  }
  if (target instanceof Endpoint) {
    return { address: target.address, name: undefined, port: checkPort(target.port, 'port', allowZeroPort), zone: undefined };
  }
  if (typeof target === 'object' && target !== null && 'host' in target) {
    const t = target as HostPort;
    const { address, name: host } = parseHost(t.host);
    const zone = t.zone === undefined ? undefined : checkSelector(t.zone, 'zone');
    refuseIPv4Zone(address, zone);
    return { address, name: host, port: checkPort(t.port, 'port', allowZeroPort), zone };
  }
  throw invalid(name, "an endpoint string ('[fe80::1%eth0]:8080', 'printer.local:80'), an Endpoint or { host, port, zone }", target);
}

/** The target as text for messages: `[fe80::1%eth0]:80`, `printer.local:9100`. */
export function targetText(t: ParsedTarget): string {
  if (t.name !== undefined) return `${t.name}:${t.port}`;
  const address = t.address as ScopedAddress;
  const shown = t.zone === undefined || address.zone !== undefined ? address : address.withZone(String(t.zone));
  return Endpoint.from(shown, t.port).toString();
}
