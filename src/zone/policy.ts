// The zone policy shared by connect, listen, UDP, lookup and http: which interface(s) a socket
// to `address` may use, and the exact host string to hand to Node core (zone in platform form).
// Nothing here opens a socket; every zone is checked against the registry before Node sees it,
// because libuv silently turns unknown or numeric zones into "scope 0" (trials.md §2, §7).
import { ScopedAddress } from '../addr/index.js';
import { Fe80Error, isFe80Error, quote } from '../errors.js';
import { isDefaultZone, registry as defaultRegistry, type InterfaceInfo, type InterfaceRegistry } from '../iface/index.js';
import { invalid } from '../validate.js';

/**
 * How to pick the interface for an address:
 * - a name or an index (`'eth0'`, `3`, `'3'`): that interface (as a zone written in the address);
 * - `'auto'`: when the address needs a zone and has none, every candidate interface, in registry order;
 * - an array: when the address needs a zone and has none, these interfaces in this order (and an
 *   address that has a zone must name one of them).
 */
export type ZoneOption = string | number | 'auto' | readonly (string | number)[];

export interface ZonePolicyOptions {
  zone?: ZoneOption | undefined;
  /** default: the process-wide registry */
  registry?: InterfaceRegistry | undefined;
  /** the platform whose zone form `host` uses (default `process.platform`; for tests and tools) */
  platform?: NodeJS.Platform | undefined;
}

export interface ZoneCandidate {
  /** the address with zone = the interface NAME, or with no zone when none applies */
  address: ScopedAddress;
  /** what to hand to Node core: `fe80::1%eth0` on Linux/macOS, `fe80::1%3` on Windows, `2001:db8::1` */
  host: string;
  /** the interface, or `undefined` for an address that takes no zone */
  interface: InterfaceInfo | undefined;
}

type Policy =
  | { kind: 'none' }
  | { kind: 'fixed'; zone: string | number }
  | { kind: 'auto' }
  | { kind: 'list'; zones: readonly (string | number)[] };

const NONE: Policy = Object.freeze({ kind: 'none' });
const AUTO: Policy = Object.freeze({ kind: 'auto' });

/** Validates `options.zone` (types only; interfaces are checked when used). */
export function zonePolicy(zone: unknown): Policy {
  if (zone === undefined || isDefaultZone(zone as string | number | undefined)) return NONE;
  if (zone === 'auto') return AUTO;
  if (typeof zone === 'string' || typeof zone === 'number') return { kind: 'fixed', zone };
  if (Array.isArray(zone)) {
    if (zone.length === 0) throw invalid('zone', "a non-empty list of interfaces", '[]');
    for (const z of zone as unknown[]) {
      if ((typeof z !== 'string' && typeof z !== 'number') || z === 'auto' || isDefaultZone(z)) {
        throw invalid('zone list entries', 'interface names or indexes', z);
      }
    }
    return { kind: 'list', zones: zone as (string | number)[] };
  }
  throw invalid('zone', "an interface name or index, 'auto', or a list of interfaces", zone);
}

/** The registry to use, validated. */
export function registryOf(options: ZonePolicyOptions): InterfaceRegistry {
  const reg = options.registry ?? defaultRegistry;
  if (typeof reg !== 'object' || reg === null || typeof (reg as InterfaceRegistry).resolve !== 'function') {
    throw invalid('registry', 'an InterfaceRegistry', reg);
  }
  return reg;
}

/** An address written with a zone that its scope does not take (RFC 4007 §6). */
function takesNoZone(address: ScopedAddress): boolean {
  return address.family === 4 || address.isIPv4Mapped() || !address.allowsZone();
}

function notAllowed(address: ScopedAddress, zone: string | number): Fe80Error {
  const what = address.family === 4 ? 'an IPv4 address' : address.isIPv4Mapped() ? 'an IPv4-mapped address' : `a ${address.scope()} address`;
  return new Fe80Error(
    'ERR_ZONE_NOT_ALLOWED',
    `zone ${quote(String(zone))} given for ${address.address}, ${what}: only link-local and other non-global scopes take a zone (RFC 4007 §6); remove the zone`,
    { input: `${address.address}%${String(zone)}` },
  );
}

/**
 * A zone a socket would not use. RFC 4007 §6 gives every non-global scope zones, but sockets
 * take sin6_scope_id only for link-local unicast and interface-/link-local multicast
 * (`requiresZone()`; Linux `__ipv6_addr_needs_scope_id`, the BSDs alike; Windows numbers site
 * zones apart from interfaces). For site-local (fec0::/10, deprecated by RFC 3879) and multicast
 * of scope 3 and up the kernel routes by its table whatever the zone: refused rather than
 * reported as going via an interface it may not take.
 */
function zoneIgnored(address: ScopedAddress, zone: string | number): Fe80Error {
  const z = quote(String(zone));
  const input = `${address.address}%${String(zone)}`;
  if (address.isUnspecified()) {
    return new Fe80Error('ERR_ZONE_NOT_ALLOWED', `zone ${z} given for ::, the unspecified address: a socket ignores it; remove the zone`, { input });
  }
  const what = `${address.address}, a ${address.scope()} ${address.isMulticast() ? 'multicast' : 'unicast'} address`;
  const hint = address.isMulticast()
    ? `choose the outgoing interface on the socket (UdpSocket.setMulticastInterface(${z})) and send to ${address.address} without a zone; to receive, addMembership(${quote(address.address)}, ${z})`
    : `remove the zone and route the prefix to the interface (ip -6 route add <prefix> dev ${String(zone)}), or use the peer's link-local address with the zone`;
  return new Fe80Error(
    'ERR_ZONE_NOT_ALLOWED',
    `zone ${z} given for ${what}: sockets use a zone only for link-local unicast (fe80::/10) and interface- or link-local ` +
      `multicast (ff01::/16, ff02::/16), so traffic to ${address.address} follows the routing table, not necessarily ${z}; ${hint}`,
    { input, hint },
  );
}

/** Throws unless a socket can honour a zone on `address`. */
function checkZoneUse(address: ScopedAddress, zone: string | number): void {
  if (takesNoZone(address)) throw notAllowed(address, zone);
  if (!address.requiresZone()) throw zoneIgnored(address, zone);
}

/**
 * The interface a zone names, usable for `address`: it exists (ERR_UNKNOWN_INTERFACE, listing
 * the interfaces that exist), is up and, for link-local unicast, has a link-local address
 * (ERR_INTERFACE_DOWN). `address` is only used for messages and the link-local check.
 */
export function usableInterface(reg: InterfaceRegistry, zone: string | number, address: ScopedAddress | undefined): InterfaceInfo {
  let info: InterfaceInfo;
  try {
    info = reg.resolve(zone);
  } catch (error) {
    if (isFe80Error(error) && address !== undefined && (error.code === 'ERR_UNKNOWN_INTERFACE' || error.code === 'ERR_INVALID_ZONE')) {
      const hint = error.hint ?? address.hint;
      throw new Fe80Error(error.code, `${address.address}%${String(zone)}: ${error.message}${hint === undefined ? '' : ` (${hint})`}`, {
        input: error.input,
        hint,
        cause: error,
      });
    }
    throw error;
  }
  const on = address === undefined ? '' : ` (for ${address.address})`;
  if (!info.up) {
    throw new Fe80Error('ERR_INTERFACE_DOWN', `interface ${quote(info.name)} is down${on}; bring it up or pick another interface`, {
      input: String(zone),
    });
  }
  if ((address === undefined || address.isLinkLocalUnicast()) && info.linkLocal === undefined) {
    throw new Fe80Error(
      'ERR_INTERFACE_DOWN',
      `interface ${quote(info.name)} has no usable IPv6 link-local address${on} (IPv6 off, address still tentative, or removed)`,
      { input: String(zone) },
    );
  }
  return info;
}

/** The zone-required error: what the candidates are and how to pick one. */
/**
 * What the caller can do about a missing zone: `connect` takes `{ zone }` and can race; a UDP
 * `send` takes `{ zone }` but does not race; `bind` (listen, bindUdp) takes an `{ interface }`
 * target; `join` (addMembership) takes the interface argument.
 */
export type ZoneAdvice = 'connect' | 'send' | 'bind' | 'join';

export function zoneRequired(address: ScopedAddress, reg: InterfaceRegistry, port?: number, advice: ZoneAdvice = 'connect'): Fe80Error {
  const candidates = reg.candidates().map((i) => i.name);
  const first = candidates[0] ?? 'eth0';
  const written = port === undefined ? `"${address.address}%${first}"` : `"[${address.address}%${first}]:${port}"`;
  const ways = {
    connect: `Pick one in the address (${written}), with { zone: '${first}' }, or race them with { zone: 'auto' }`,
    send: `Pick one in the address (${written}) or with { zone: '${first}' } (UDP does not race)`,
    bind: `Pick one in the address (${written}) or bind an interface's link-local address with { interface: '${first}', port }`,
    join: `Name the interface: addMembership('${address.address}', '${first}')`,
  }[advice];
  const which =
    candidates.length > 0
      ? `candidates (up, not loopback, with an IPv6 link-local address): ${candidates.join(', ')}`
      : `no interface is up with an IPv6 link-local address (have: ${reg.list().map((i) => `${i.name}${i.up ? '' : ' (down)'}`).join(', ') || 'none'})`;
  return new Fe80Error(
    'ERR_ZONE_REQUIRED',
    `${address.address} is ${address.isMulticast() ? `${address.scope() === 'interface-local' ? 'an' : 'a'} ${address.scope()} multicast` : 'a link-local'} address and needs a zone (which interface?); ${which}. ${ways}`,
    { input: address.address },
  );
}

function candidate(address: ScopedAddress, info: InterfaceInfo, reg: InterfaceRegistry, platform: NodeJS.Platform | undefined): ZoneCandidate {
  return {
    address: address.zone === info.name ? address : address.withZone(info.name),
    host: `${address.address}%${reg.toPlatformZone(info.name, platform)}`,
    interface: info,
  };
}

/**
 * The zone policy (see docs/net.md):
 * - a zone on an address that takes none (global, ULA, loopback, IPv4, IPv4-mapped) ->
 *   ERR_ZONE_NOT_ALLOWED (RFC 4007 §6); zone `0` means "no zone";
 * - a zone sockets ignore (site-local fec0::/10, multicast of scope 3 and up) -> ERR_UNSUPPORTED;
 * - a zone in the address, or `options.zone` as one name/index -> that interface, checked:
 *   ERR_INVALID_ZONE / ERR_UNKNOWN_INTERFACE / ERR_INTERFACE_DOWN;
 * - no zone on an address that needs one (`requiresZone()`): `'auto'` -> every candidate in
 *   registry order; a list -> those interfaces in that order; otherwise ERR_ZONE_REQUIRED listing
 *   the candidates;
 * - no zone on an address that needs none -> one candidate without a zone (`'auto'` and lists
 *   only apply to addresses that need a zone: global destinations are never raced).
 */
export function resolveZones(address: ScopedAddress, options: ZonePolicyOptions = {}): ZoneCandidate[] {
  if (!(address instanceof ScopedAddress)) throw invalid('address', 'a ScopedAddress (ScopedAddress.parse(text))', address);
  if (typeof options !== 'object' || options === null) throw invalid('options', 'an object', options);
  const policy = zonePolicy(options.zone);
  const reg = registryOf(options);
  const own = isDefaultZone(address.zone) ? undefined : address.zone;
  const platform = options.platform;
  if (platform !== undefined && typeof platform !== 'string') throw invalid('platform', 'a platform name', platform);

  if (own !== undefined) {
    checkZoneUse(address, own);
    const info = usableInterface(reg, own, address);
    if (policy.kind === 'fixed') {
      const other = usableInterface(reg, policy.zone, address);
      if (other.index !== info.index || other.name !== info.name) {
        throw new Fe80Error(
          'ERR_INVALID_ARGUMENT',
          `two different zones for ${address.address}: ${quote(own)} in the address and ${quote(String(policy.zone))} in options.zone`,
          { input: address.toString() },
        );
      }
    } else if (policy.kind === 'list') {
      const allowed = policy.zones.map((z) => usableInterface(reg, z, address));
      if (!allowed.some((i) => i.index === info.index && i.name === info.name)) {
        throw new Fe80Error(
          'ERR_ZONE_NOT_ALLOWED',
          `zone ${quote(own)} of ${address.address} is outside the allowed interfaces (${allowed.map((i) => i.name).join(', ')})`,
          { input: address.toString() },
        );
      }
    }
    return [candidate(address, info, reg, platform)];
  }

  if (policy.kind === 'fixed') {
    checkZoneUse(address, policy.zone);
    return [candidate(address, usableInterface(reg, policy.zone, address), reg, platform)];
  }
  const bare = address.zone === undefined ? address : address.withZone(undefined);
  if (!address.requiresZone()) return [{ address: bare, host: bare.address, interface: undefined }];
  if (policy.kind === 'auto') {
    const infos = reg.candidates();
    if (infos.length === 0) throw zoneRequired(bare, reg);
    return infos.map((info) => candidate(bare, info, reg, platform));
  }
  if (policy.kind === 'list') {
    const seen = new Set<number | string>();
    const out: ZoneCandidate[] = [];
    for (const zone of policy.zones) {
      const info = usableInterface(reg, zone, bare);
      const key = info.index > 0 ? info.index : info.name;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(candidate(bare, info, reg, platform));
    }
    return out;
  }
  throw zoneRequired(bare, reg);
}
