// connectTLS(): connect() (zone policy, names, racing) then a TLS handshake on the winning socket.
// No SNI for IP literals (RFC 6066 §3); the certificate is checked against the address without
// its zone (a zone is local to the host, RFC 4007 §6, never part of a peer's identity), against
// the host name of a name target, or against `servername`.
import tls from 'node:tls';
import { performance } from 'node:perf_hooks';
import { Fe80ConnectError, Fe80Error } from '../errors.js';
import { checkConnectOptions, connectChecked, attachInfo, type ConnectInfo, type ConnectOptions } from './connect.js';
import { abortedError, watchCancel } from '../cancel.js';
import type { ConnectTarget } from './target.js';
import { checkBoolean, checkInteger, invalid } from '../validate.js';

export type TLSConnectOptions = ConnectOptions &
  Omit<tls.ConnectionOptions, 'host' | 'port' | 'socket' | 'lookup' | 'path' | 'timeout' | 'servername'> & {
    /** SNI and the name the certificate must carry; default: none, the certificate must carry the IP */
    servername?: string | undefined;
  };

export type Fe80TLSSocket = tls.TLSSocket & { readonly fe80: ConnectInfo };

/** tls.SecureContext is a class at run time (an interface in @types/node). */
const NodeSecureContext = (tls as unknown as { SecureContext: abstract new (...args: never[]) => tls.SecureContext }).SecureContext;

/** Options handled here, or that must not reach tls.connect (it gets the connected socket). */
const OWN = new Set(['zone', 'allowedInterfaces', 'family', 'neighbourHint', 'registry', 'platform', 'timeout', 'signal', 'attemptDelay', 'noDelay', 'keepAlive', 'allowHalfOpen', 'servername', 'checkServerIdentity', 'host', 'port', 'socket', 'lookup', 'path']);

/** A TLS option Node rejected, as ERR_INVALID_ARGUMENT with Node's error on `cause`. */
function badOption(error: unknown): Fe80Error {
  const message = error instanceof Error ? error.message : String(error);
  return new Fe80Error('ERR_INVALID_ARGUMENT', `invalid TLS option: ${message}`, { cause: error });
}

/** ALPN protocol names are 1-255 bytes (RFC 7301 §3.1); Node finds a bad list only in tls.connect. */
function checkALPN(value: unknown): void {
  if (value === undefined || value === null || ArrayBuffer.isView(value)) return;
  const ok = (p: unknown): boolean => {
    const length = typeof p === 'string' ? Buffer.byteLength(p) : ArrayBuffer.isView(p) ? p.byteLength : 0;
    return length >= 1 && length <= 255;
  };
  if (!Array.isArray(value) || !value.every(ok)) {
    throw invalid('ALPNProtocols', 'a list of protocol names (strings or buffers of 1-255 bytes) or a buffer', value);
  }
}

/** What tls.connect checks only once it holds the socket; some throw with the socket half taken over. */
function checkSocketOptions(o: tls.ConnectionOptions): void {
  checkALPN(o.ALPNProtocols);
  if (o.minDHSize !== undefined && (typeof o.minDHSize !== 'number' || !(o.minDHSize > 0))) throw invalid('minDHSize', 'a positive number', o.minDHSize);
  const { highWaterMark } = o as { highWaterMark?: unknown }; // passed on to the TLSSocket, not in the type
  if (highWaterMark !== undefined && highWaterMark !== null) checkInteger(highWaterMark, 'highWaterMark', 0, Number.MAX_SAFE_INTEGER);
  if (o.enableTrace !== undefined && o.enableTrace !== null) checkBoolean(o.enableTrace, 'enableTrace');
  // null counts as not given, as in tls.connect (`options.secureContext || createSecureContext(...)`)
  if (o.pskCallback != null && typeof o.pskCallback !== 'function') throw invalid('pskCallback', 'a function', o.pskCallback);
  if (o.secureContext != null && !(o.secureContext instanceof NodeSecureContext)) {
    throw invalid('secureContext', 'a context from tls.createSecureContext', o.secureContext);
  }
}

/** The secure context tls.connect would build from `options` (same defaults), or ERR_INVALID_ARGUMENT. */
function secureContextOf(options: tls.ConnectionOptions): tls.SecureContext {
  checkSocketOptions(options);
  if (options.secureContext != null) return options.secureContext;
  try {
    return tls.createSecureContext(options);
  } catch (error) {
    throw badOption(error);
  }
}

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
  // built here, before any socket exists: tls.connect would throw on a bad option only after the
  // TCP connection is up, leaking it (and it would build the same context per connection anyway)
  rest.secureContext = secureContextOf(rest);

  const socket = await connectChecked(target, o);
  const info = socket.fe80;
  // a host name is the SNI and the identity, as https does; an IP literal sends no SNI (RFC 6066 §3)
  const sni = servername ?? info.host;
  const identity = sni ?? info.endpoint.address.address; // zone-less, canonical
  const check = userCheck ?? tls.checkServerIdentity;
  const remaining = o.timeout === undefined ? undefined : Math.max(0, o.timeout - (performance.now() - started));
  const label = `TLS handshake with ${info.endpoint.toString()}`;

  return new Promise<Fe80TLSSocket>((resolve, reject) => {
    let secure: tls.TLSSocket;
    try {
      secure = tls.connect({
        ...rest,
        socket,
        ...(sni === undefined ? {} : { servername: sni }),
        checkServerIdentity: (_host, cert) => check(identity, cert),
      });
    } catch (error) {
      // an option only tls.connect checks (session, ...). A throw inside the TLSSocket
      // constructor can leave it hooked to 'close' half-built (its destroy would crash); nothing
      // else listens on this fresh socket.
      socket.removeAllListeners('close');
      socket.destroy();
      reject(badOption(error));
      return;
    }
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
