// The Host header of a request to the gateway, checked against the gateway's own names. Only
// these names are answered (RFC 6761 §6.3 `*.localhost`, and the loopback literals): a page
// that rebinds its own DNS name to 127.0.0.1 still sends its own name in Host and gets 421.

/** The Host of a request: lower-case host (brackets kept) and port. */
export interface RequestHost {
  /** `localhost`, `printer-eth0.localhost`, `127.0.0.1`, `[::1]` */
  host: string;
  port: number;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);
const SUFFIX = '.localhost';

/** Parses a Host header value (RFC 9110 §7.2: uri-host [":" port]); undefined when malformed. */
export function parseRequestHost(value: string | undefined): RequestHost | undefined {
  if (value === undefined || value.length === 0 || value.length > 300) return undefined;
  let host: string;
  let portText: string | undefined;
  if (value.charCodeAt(0) === 0x5b) {
    const close = value.indexOf(']');
    if (close < 0) return undefined;
    host = value.slice(0, close + 1);
    const rest = value.slice(close + 1);
    if (rest !== '' && !rest.startsWith(':')) return undefined;
    portText = rest === '' ? undefined : rest.slice(1);
  } else {
    const colon = value.indexOf(':');
    host = colon < 0 ? value : value.slice(0, colon);
    portText = colon < 0 ? undefined : value.slice(colon + 1);
  }
  if (portText !== undefined && !/^\d{1,5}$/.test(portText)) return undefined;
  const port = portText === undefined ? 80 : Number(portText);
  host = host.toLowerCase();
  if (host.endsWith('.')) host = host.slice(0, -1); // the absolute form of the same name
  if (!/^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)$/.test(host)) return undefined;
  return { host, port };
}

/** Is `host` the gateway itself (the landing page): `localhost`, `127.0.0.1`, `[::1]`? */
export function isLoopbackName(host: string): boolean {
  return LOOPBACK.has(host);
}

/** `printer-eth0.localhost` -> `printer-eth0`; undefined for anything that is not one label under localhost. */
export function labelOf(host: string): string | undefined {
  if (!host.endsWith(SUFFIX)) return undefined;
  const label = host.slice(0, -SUFFIX.length);
  return label !== '' && !label.includes('.') ? label : undefined;
}

/** `http://a.localhost:8080` -> { host: 'a.localhost', port: 8080 } for an http origin, else undefined. */
export function parseOrigin(origin: string): RequestHost | undefined {
  if (!origin.startsWith('http://')) return undefined;
  return parseRequestHost(origin.slice('http://'.length).replace(/\/$/, ''));
}
