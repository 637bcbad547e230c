// Opens the socket for one HTTP connection: an IP literal through fe80's zone policy, a host name
// through fe80's `lookup` (mDNS for `.local`), TCP or TLS. Shared by the undici connector and the
// http(s) agents, so every entry point dials the same way.
import type { Socket } from 'node:net';
import { Fe80ConnectError, Fe80Error, quote, type Attempt } from '../errors.js';
import { Endpoint, ScopedAddress } from '../addr/index.js';
import { connect, connectTLS, type ConnectOptions } from '../net/index.js';
import type { HttpDialOptions } from './options.js';
import { createHostResolver } from './resolve-host.js';
import { allowedAddresses, pickZones } from './zone-guard.js';

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

/** A function that connects to a request's host and resolves with the connected (for https,
 *  verified) socket, with one zone policy. */
export function createDialer(options: HttpDialOptions): Dialer {
  const resolveHost = createHostResolver(options);
  return async (request) => {
    const literal = ScopedAddress.tryParse(request.host);
    if (literal !== undefined) return dialAddress(literal, request, options);
    return dialName(allowedAddresses(request.host, await resolveHost(request.host), options), request, options);
  };
}

/**
 * Connects to the addresses a name resolved to, RFC 8305 style: in resolver order, the next one
 * started when the previous fails or after `attemptDelay` (250 ms); the first to connect wins and
 * the others are cancelled.
 */
function dialName(addresses: readonly ScopedAddress[], request: DialRequest, options: HttpDialOptions): Promise<Socket> {
  if (addresses.length === 0) return Promise.reject(new Fe80Error('ERR_NOT_FOUND', `${quote(request.host)} resolved to no usable address`, { input: request.host }));
  if (addresses.length === 1) return dialAddress(addresses[0]!, request, options);
  const losers = new AbortController();
  const signal = options.signal === undefined ? losers.signal : AbortSignal.any([options.signal, losers.signal]);
  const each: HttpDialOptions = { ...options, signal };
  const delay = options.attemptDelay ?? 250;
  return new Promise((resolve, reject) => {
    const attempts: Attempt[] = [];
    let started = 0;
    let running = 0;
    let done = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (): void => {
      done = true;
      clearTimeout(timer);
      losers.abort();
    };
    const next = (): void => {
      clearTimeout(timer);
      const address = addresses[started++];
      if (done || address === undefined) return;
      running++;
      dialAddress(address, request, each).then(
        (socket) => {
          running--;
          if (done) socket.destroy();
          else {
            finish();
            resolve(socket);
          }
        },
        (error: Error) => {
          running--;
          if (done) return;
          attempts.push({ endpoint: Endpoint.from(address, request.port).toString(), interface: address.zone, error });
          if (started < addresses.length) next();
          else if (running === 0) {
            finish();
            // the same refusal for every address (e.g. ERR_ZONE_NOT_ALLOWED) is that refusal
            const first = attempts[0]!.error;
            const code = first instanceof Fe80Error ? first.code : undefined;
            if (code !== undefined && code !== 'ERR_CONNECT' && attempts.every((a) => (a.error as Fe80Error).code === code)) {
              reject(first);
              return;
            }
            reject(
              new Fe80ConnectError(
                `could not connect to ${request.host}:${request.port}: ${attempts.map((a) => `${a.endpoint}: ${a.error.message}`).join('; ')}`,
                attempts,
                { input: request.host },
              ),
            );
          }
        },
      );
      if (started < addresses.length) timer = setTimeout(next, delay);
    };
    next();
  });
}

async function dialAddress(address: ScopedAddress, request: DialRequest, options: HttpDialOptions): Promise<Socket> {
  const zone = pickZones(address, options);
  const target = { host: address.withZone(undefined), port: request.port };
  const connectOptions: ConnectOptions = { noDelay: true, keepAlive: true };
  if (zone !== undefined) connectOptions.zone = zone;
  if (options.registry !== undefined) connectOptions.registry = options.registry;
  if (options.connectTimeout !== undefined) connectOptions.timeout = options.connectTimeout;
  if (options.attemptDelay !== undefined) connectOptions.attemptDelay = options.attemptDelay;
  if (options.signal !== undefined) connectOptions.signal = options.signal;
  if (!request.secure) return connect(target, connectOptions);
  // connectTLS sends no SNI without `servername` and then checks the certificate against the
  // address without its zone (IP SAN); a host name is both the SNI and the identity.
  const isName = ScopedAddress.tryParse(request.host) === undefined;
  const tlsOptions = {
    ...(request.tls === undefined ? options.tls : { ...options.tls, ...request.tls }),
    ...connectOptions,
    ...(isName ? { servername: request.servername ?? request.host } : {}),
  };
  return connectTLS(target, tlsOptions);
}
