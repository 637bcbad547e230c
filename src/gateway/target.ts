// What a user names as a device: a zoned URL, an endpoint, an address or a `.local` name, turned
// into one device description (scheme, host, zone, port). Pure: no I/O; a `.local` name without
// an interface is resolved by the caller (see resolveDevice in gateway.ts).
import { Fe80Error, quote } from '../errors.js';
import { Endpoint, ScopedAddress, parseUrl } from '../addr/index.js';
import { isLocalName } from '../dns/index.js';

/** A device as the gateway dials it. */
export interface DeviceTarget {
  secure: boolean;
  /** a link-local address with its zone, or undefined for a `.local` name */
  address: ScopedAddress | undefined;
  /** the `.local` name (no trailing dot, lower case), or undefined for an address */
  name: string | undefined;
  /** the interface the device is on (the address's zone, or where the name answered) */
  interface: string | undefined;
  port: number;
  /** path to open first (`/` unless the URL said otherwise) */
  path: string;
}

/** Ports that mean https when an endpoint or name gives no scheme. */
const TLS_PORTS = new Set([443, 8443, 4443]);

function targetError(input: string, expected: string, cause?: unknown): Fe80Error {
  return new Fe80Error(
    'ERR_INVALID_ARGUMENT',
    `${quote(input)} is not a device: expected ${expected}`,
    { input, cause, hint: "e.g. 'http://[fe80::1%25eth0]/', '[fe80::1%eth0]:8443', 'printer.local'" },
  );
}

function checkAddress(input: string, address: ScopedAddress): ScopedAddress {
  if (!address.isLinkLocalUnicast() || address.family !== 6) {
    throw new Fe80Error(
      'ERR_ZONE_NOT_ALLOWED',
      `${quote(input)}: the gateway opens link-local IPv6 devices (fe80::/10); ${address.address} is ${address.scope()}`,
      { input },
    );
  }
  if (address.zone === undefined) {
    throw new Fe80Error('ERR_ZONE_REQUIRED', `${quote(input)}: a link-local address needs its interface, e.g. ${address.address}%eth0`, {
      input,
      hint: `write ${address.address}%IFACE (see 'fe80 interfaces')`,
    });
  }
  return address;
}

function nameTarget(input: string, host: string, port: number | undefined, secure: boolean | undefined, path: string): DeviceTarget {
  const name = host.toLowerCase().replace(/\.$/, '');
  if (!isLocalName(name)) throw targetError(input, 'a .local name, a link-local address with its zone, or a URL of one');
  const p = port ?? (secure === true ? 443 : 80);
  return { secure: secure ?? TLS_PORTS.has(p), address: undefined, name, interface: undefined, port: p, path };
}

/**
 * Parses what `fe80 open` accepts: `http://[fe80::1%25eth0]/`, `https://[fe80::1%eth0]:8443/x`,
 * `[fe80::1%eth0]:8443`, `fe80::1%eth0`, `printer.local`, `printer.local:8080`,
 * `http://printer.local/`. Without a scheme, ports 443, 8443 and 4443 mean https.
 */
export function parseDeviceTarget(input: string): DeviceTarget {
  if (typeof input !== 'string' || input.trim() === '') throw targetError(typeof input === 'string' ? input : typeof input, 'a URL, an endpoint, an address or a .local name');
  const text = input.trim();
  if (text.includes('://')) {
    let parsed;
    try {
      parsed = parseUrl(text);
    } catch (error) {
      throw error instanceof Fe80Error ? error : targetError(text, 'an http(s) URL', error);
    }
    const url = parsed.url;
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw targetError(text, 'an http: or https: URL');
    if (url.username !== '' || url.password !== '') throw targetError(text, 'a URL without user name or password');
    const secure = url.protocol === 'https:';
    const path = `${url.pathname}${url.search}`;
    if (parsed.address === undefined) return nameTarget(text, url.hostname, parsed.port, secure, path);
    const address = checkAddress(text, parsed.address);
    return { secure, address, name: undefined, interface: address.zone, port: parsed.port, path };
  }
  if (text.startsWith('[')) {
    let ep: Endpoint;
    try {
      ep = Endpoint.parse(text);
    } catch (error) {
      if (error instanceof Fe80Error) throw error;
      throw targetError(text, 'an endpoint [fe80::1%eth0]:PORT', error);
    }
    const address = checkAddress(text, ep.address);
    if (ep.port === 0) throw targetError(text, 'a port 1-65535');
    return { secure: TLS_PORTS.has(ep.port), address, name: undefined, interface: address.zone, port: ep.port, path: '/' };
  }
  const literal = ScopedAddress.tryParse(text);
  if (literal !== undefined) {
    const address = checkAddress(text, literal);
    return { secure: false, address, name: undefined, interface: address.zone, port: 80, path: '/' };
  }
  const colon = text.lastIndexOf(':');
  if (colon > 0 && /^\d{1,5}$/.test(text.slice(colon + 1))) {
    const port = Number(text.slice(colon + 1));
    if (port < 1 || port > 65535) throw targetError(text, 'a port 1-65535');
    return nameTarget(text, text.slice(0, colon), port, undefined, '/');
  }
  return nameTarget(text, text, undefined, undefined, '/');
}

/** The Host header the device expects: its address without zone, or its name; the port only when not the default. */
export function deviceHost(t: Pick<DeviceTarget, 'address' | 'name' | 'port' | 'secure'>): string {
  const host = t.address !== undefined ? `[${t.address.address}]` : (t.name as string);
  return t.port === (t.secure ? 443 : 80) ? host : `${host}:${t.port}`;
}

/** `http://[fe80::2]:8080`: the device's own origin, as it writes it in its pages. */
export function deviceOrigin(t: Pick<DeviceTarget, 'address' | 'name' | 'port' | 'secure'>): string {
  return `${t.secure ? 'https' : 'http'}://${deviceHost(t)}`;
}

/** The device as the user writes it, zone included: `http://[fe80::2%25eth0]:8080/`. */
export function deviceUrl(t: DeviceTarget): string {
  const host =
    t.address !== undefined ? `[${t.address.address}%25${encodeURIComponent(t.address.zone ?? '')}]` : (t.name as string);
  const port = t.port === (t.secure ? 443 : 80) ? '' : `:${t.port}`;
  return `${t.secure ? 'https' : 'http'}://${host}${port}/`;
}

/** Host forms that mean this device in its own content (lower case, as after `//`). */
export function deviceHostForms(t: DeviceTarget): string[] {
  if (t.address === undefined) return [t.name as string];
  const a = t.address.address;
  const zone = t.address.zone ?? '';
  return [`[${a}]`, `[${a}%25${encodeURIComponent(zone).toLowerCase()}]`, `[${a}%${zone.toLowerCase()}]`];
}

const MAX_LABEL = 63;

/** Lower-case letters, digits and single hyphens: a DNS label (RFC 1123 §2.1) any browser accepts. */
export function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/**
 * The label under `localhost` for a device: `printer-eth0` for a name, `fe80-2-eth0` for
 * `fe80::2%eth0` (RFC 6761 §6.3: every `*.localhost` name is loopback). At most 63 characters;
 * the gateway adds `-2`, `-3`, ... when two devices would get the same label.
 */
export function deviceLabel(t: DeviceTarget, name?: string): string {
  const base = name !== undefined && slug(name) !== '' ? slug(name.replace(/\.local\.?$/i, '')) : t.name !== undefined ? slug(t.name.replace(/\.local$/, '')) : slug(t.address!.address);
  const iface = slug(t.interface ?? '');
  const label = iface === '' ? base : `${base}-${iface}`;
  return (label === '' ? 'device' : label).slice(0, MAX_LABEL - 4).replace(/-+$/, '');
}
