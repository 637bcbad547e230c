// connectTLS(): connect() (zone policy, racing) then a TLS handshake on the winning socket.
// No SNI for IP literals (RFC 6066 §3); the certificate is checked against the address without
// its zone (the zone is not part of identity, standards.md RH-3), or against `servername`.
import tls from 'node:tls';
import { performance } from 'node:perf_hooks';
import { Fe80ConnectError, Fe80Error } from '../errors.js';
import { checkConnectOptions, connectChecked, attachInfo, type ConnectInfo, type ConnectOptions } from './connect.js';
import { abortedError, watchCancel } from './cancel.js';
import type { ConnectTarget } from './target.js';
import { invalid } from './validate.js';

export type TLSConnectOptions = ConnectOptions &
  Omit<tls.ConnectionOptions, 'host' | 'port' | 'socket' | 'lookup' | 'path' | 'timeout' | 'servername'> & {
    /** SNI and the name the certificate must carry; default: none, the certificate must carry the IP */
    servername?: string | undefined;
  };

export type Fe80TLSSocket = tls.TLSSocket & { readonly fe80: ConnectInfo };

/** Options handled here, or that must not reach tls.connect (it gets the connected socket). */
const OWN = new Set(['zone', 'registry', 'platform', 'timeout', 'signal', 'attemptDelay', 'noDelay', 'keepAlive', 'servername', 'checkServerIdentity', 'host', 'port', 'socket', 'lookup', 'path']);

/**
 * Opens a TLS connection to a scoped endpoint. Resolves after the handshake (and certificate
 * check, unless `rejectUnauthorized: false`).
 *
 * @example
 * const socket = await connectTLS('[fe80::1%eth1]:443', { ca });             // cert has IP:fe80::1
 * const named = await connectTLS('[fe80::1%eth1]:443', { ca, servername: 'printer.local' });
 */
export async function connectTLS(target: ConnectTarget, options?: TLSConnectOptions): Promise<Fe80TLSSocket> {
  const started = performance.now();
  const o = checkConnectOptions(options);
  const all = (options ?? {}) as TLSConnectOptions;
  const servername = all.servername;
  if (servername !== undefined && (typeof servername !== 'string' || servername.length === 0)) {
    throw invalid('servername', 'a non-empty host name', servername);
  }
  const userCheck = all.checkServerIdentity;
  if (userCheck !== undefined && typeof userCheck !== 'function') throw invalid('checkServerIdentity', 'a function', userCheck);
  const rest: tls.ConnectionOptions = {};
  for (const [key, value] of Object.entries(all)) if (!OWN.has(key)) (rest as Record<string, unknown>)[key] = value;

  const socket = await connectChecked(target, o);
  const info = socket.fe80;
  const identity = servername ?? info.endpoint.address.address; // zone-less, canonical
  const check = userCheck ?? tls.checkServerIdentity;
  const remaining = o.timeout === undefined ? undefined : Math.max(0, o.timeout - (performance.now() - started));
  const label = `TLS handshake with ${info.endpoint.toString()}`;

  return new Promise<Fe80TLSSocket>((resolve, reject) => {
    const secure = tls.connect({
      ...rest,
      socket,
      ...(servername === undefined ? {} : { servername }),
      checkServerIdentity: (_host, cert) => check(identity, cert),
    });
    const fail = (error: Error): void => {
      cleanup();
      secure.destroy();
      socket.destroy();
      reject(
        error instanceof Fe80Error
          ? error
          : new Fe80ConnectError(`${label} failed: ${error.message}`, [{ endpoint: info.endpoint.toString(), interface: info.interface, error }], {
              cause: error,
            }),
      );
    };
    const onSecure = (): void => {
      cleanup();
      resolve(attachInfo(secure, info));
    };
    const disarm = watchCancel(remaining, o.signal, label, fail);
    const cleanup = (): void => {
      disarm();
      secure.removeListener('secureConnect', onSecure);
      secure.removeListener('error', fail);
    };
    secure.once('secureConnect', onSecure);
    secure.once('error', fail);
    if (o.signal?.aborted) fail(abortedError(label, o.signal));
  });
}
