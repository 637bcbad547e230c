// Opens the socket for one HTTP connection through the one data path: `connect` / `connectTLS`
// (an IP literal through the zone floor, a host name resolved and every answer x zone raced).
// Shared by the undici connector and the http(s) agents, so every entry point dials the same way;
// the zone options are checked once per dialer, the zone is resolved once per dial.
import type { Socket } from 'node:net';
import { ScopedAddress } from '../addr/index.js';
import { checkConnectOptions, connectChecked, kCaller, type Caller, type CheckedConnectOptions, type ConnectOptions } from '../net/connect.js';
import { connectTLS, type TLSConnectOptions } from '../net/index.js';
import type { HttpDialOptions } from './options.js';

export interface DialRequest {
  /** host name or IP literal without brackets; a literal may carry its zone ('fe80::1%eth0') */
  host: string;
  port: number;
  secure: boolean;
  /** SNI for a host name (default: the host name); never sent for an IP literal */
  servername?: string | undefined;
  /** TLS options for this connection, over the dialer's `tls` */
  tls?: HttpDialOptions['tls'] | undefined;
}

export type Dialer = (request: DialRequest) => Promise<Socket>;

/** How a fetch target is shown in advice: the URL with the zone (`http://[fe80::1%25eth0]:8080/`). */
function urlForm(request: DialRequest): Caller {
  const scheme = request.secure ? 'https' : 'http';
  const port = request.port === (request.secure ? 443 : 80) ? '' : `:${request.port}`;
  return { operation: 'fetch', form: { withZone: (zone) => `${scheme}://[${request.host}%25${encodeURIComponent(zone)}]${port}/` } };
}

function connectOptions(options: HttpDialOptions): ConnectOptions {
  const o: ConnectOptions = { noDelay: true, keepAlive: true };
  if (options.zone !== undefined) o.zone = options.zone;
  if (options.allowedInterfaces !== undefined) o.allowedInterfaces = options.allowedInterfaces;
  if (options.registry !== undefined) o.registry = options.registry;
  if (options.connectTimeout !== undefined) o.timeout = options.connectTimeout;
  if (options.attemptDelay !== undefined) o.attemptDelay = options.attemptDelay;
  if (options.signal !== undefined) o.signal = options.signal;
  return o;
}

/**
 * A function that connects to a request's host and resolves with the connected (for https,
 * verified) socket, with one zone policy. Errors are connect's: the zone floor's (ERR_ZONE_REQUIRED
 * worded for a URL, ERR_ZONE_NOT_ALLOWED, ...), ERR_NOT_FOUND, ERR_CONNECT listing every attempt.
 */
export function createDialer(options: HttpDialOptions): Dialer {
  const base = connectOptions(options);
  const checked = checkConnectOptions(base);
  return (request) => {
    try {
      return dialOne(request, options, base, checked);
    } catch (error) {
      return Promise.reject(error); // a zone refused before any socket: the caller's callback gets it
    }
  };
}

function dialOne(request: DialRequest, options: HttpDialOptions, base: ConnectOptions, checked: CheckedConnectOptions): Promise<Socket> {
  const caller = urlForm(request);
  const target = { host: request.host, port: request.port };
  if (!request.secure) return connectChecked(target, { ...checked, operation: caller.operation, form: caller.form });
  // connectTLS sends no SNI without `servername` and then checks the certificate against the
  // address without its zone (IP SAN); a host name is both the SNI and the identity.
  const isName = ScopedAddress.tryParse(request.host) === undefined;
  const tls: TLSConnectOptions = {
    ...(request.tls === undefined ? options.tls : { ...options.tls, ...request.tls }),
    ...base,
    ...(isName ? { servername: request.servername ?? request.host } : {}),
  };
  (tls as { [kCaller]?: Caller })[kCaller] = caller;
  return connectTLS(target, tls);
}
