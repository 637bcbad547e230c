// Where a server listens or a UDP socket binds: a scoped endpoint (`[fe80::1%eth0]:8080`), an
// interface (`{ interface: 'eth0', port }` = that interface's link-local address), a host, or
// just a port (every address).
import { Endpoint, ScopedAddress } from '../addr/index.js';
import { Fe80Error, quote } from '../errors.js';
import type { InterfaceInfo, InterfaceRegistry } from '../iface/index.js';
import { tcpCanUse, tcpZoneUnsupported } from './node-zone.js';
import { refuseIPv4Zone } from './target.js';
import { checkPort, invalid, unbracket } from '../validate.js';
import { checkSelector, decide, usableInterface, zonePolicy, type InterfaceSelector } from '../zone/index.js';

export type BindTarget =
  | string
  | Endpoint
  | { interface: string | number; port?: number | undefined }
  | { host: string | ScopedAddress; port?: number | undefined; zone?: string | number | undefined }
  | { port?: number | undefined };

export interface ResolvedBind {
  /** for Node (zone in platform form); `undefined` = every address */
  host: string | undefined;
  port: number;
  interface: InterfaceInfo | undefined;
}

function checked(bind: ResolvedBind, tcp: boolean): ResolvedBind {
  if (tcp && bind.host !== undefined && bind.interface !== undefined && !tcpCanUse(bind.host)) throw tcpZoneUnsupported(bind.interface.name);
  return bind;
}

function fromAddress(address: ScopedAddress, port: number, reg: InterfaceRegistry, tcp: boolean, zone?: InterfaceSelector): ResolvedBind {
  if (address.isUnspecified() && address.zone !== undefined && address.zone !== '0') {
    throw new Fe80Error(
      'ERR_ZONE_NOT_ALLOWED',
      `${address.toString()}: a zone on the unspecified address does not restrict a bind to that interface; use { interface: ${quote(address.zone)}, port } to bind its link-local address`,
      { input: address.toString() },
    );
  }
  refuseIPv4Zone(address, zone);
  const [c] = decide(address, zonePolicy(zone), reg, undefined, undefined, { operation: 'bind', port, registry: reg });
  if (c === undefined) throw new Fe80Error('ERR_INVALID_ARGUMENT', `no address to bind for ${address.toString()}`);
  return checked({ host: c.host, port, interface: c.interface }, tcp);
}

/** Resolves a bind/listen target (port 0 when none is given); `tcp` for Node's TCP zone limits. */
export function resolveBind(target: BindTarget | undefined, reg: InterfaceRegistry, tcp: boolean): ResolvedBind {
  const name = 'target';
  if (target === undefined) return { host: undefined, port: 0, interface: undefined };
  if (typeof target === 'string') {
    const ep = Endpoint.parse(target);
    return fromAddress(ep.address, checkPort(ep.port, () => `port of ${quote(target)}`, true), reg, tcp);
  }
  if (target instanceof Endpoint) return fromAddress(target.address, checkPort(target.port, 'port', true), reg, tcp);
  if (typeof target !== 'object' || target === null) {
    throw invalid(name, "an endpoint string ('[fe80::1%eth0]:8080'), an Endpoint, { interface, port }, { host, port } or { port }", target);
  }
  const port = 'port' in target && target.port !== undefined ? checkPort(target.port, 'port', true) : 0;
  if ('interface' in target && target.interface !== undefined) {
    if ('host' in target) throw new Fe80Error('ERR_INVALID_ARGUMENT', `give either host or interface, not both`);
    const iface = target.interface;
    if (typeof iface !== 'string' && typeof iface !== 'number') throw invalid('interface', 'an interface name or index', iface);
    const info = usableInterface(reg, iface, undefined);
    const ll = info.linkLocal as ScopedAddress;
    return checked({ host: `${ll.address}%${reg.toPlatformZone(info.name)}`, port, interface: info }, tcp);
  }
  if ('host' in target && target.host !== undefined) {
    const host = target.host;
    let address: ScopedAddress;
    if (host instanceof ScopedAddress) address = host;
    else if (typeof host === 'string') address = ScopedAddress.parse(unbracket(host));
    else throw invalid('host', 'an IP address string or a ScopedAddress', host);
    const zone = (target as { zone?: unknown }).zone;
    return fromAddress(address, port, reg, tcp, zone === undefined ? undefined : checkSelector(zone, 'zone'));
  }
  return { host: undefined, port, interface: undefined };
}
