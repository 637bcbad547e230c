// Options shared by fetch, the undici dispatcher and the http(s) agents.
import type { ConnectionOptions } from 'node:tls';
import type { InterfaceRegistry } from '../iface/index.js';
import type { InterfaceSelector, ZoneOption } from '../zone/index.js';

/** How a request picks its interface, and which interfaces it may use at all. */
export interface HttpZoneOptions {
  /**
   * Zone policy for a link-local literal written without a zone (`http://[fe80::1]/`):
   * an interface name or index, `'auto'` (race the candidate interfaces), or a list of interfaces
   * to race in order. Without it such a URL fails with ERR_ZONE_REQUIRED. A zone written in the
   * URL always wins over this option.
   */
  zone?: ZoneOption;
  /**
   * When set, every request (zoned URL, `zone` policy, redirect target, `.local` answer) must go to
   * a link-local address zoned to one of these interfaces (names or indexes), else
   * ERR_ZONE_NOT_ALLOWED: IPv4, loopback, global and ULA destinations are refused, since the
   * interface they leave through cannot be checked. Use it for URLs that come from untrusted input.
   */
  allowedInterfaces?: readonly InterfaceSelector[];
  /** Interface registry to resolve zones with (default: the process-wide one). */
  registry?: InterfaceRegistry;
}

/** How sockets are opened. */
export interface HttpDialOptions extends HttpZoneOptions {
  /** ms for a whole connect, racing included (default: none). */
  connectTimeout?: number;
  /** ms between racing attempts when the zone is `'auto'` or a list (default 250). */
  attemptDelay?: number;
  /** aborting it cancels every connect in progress (the dispatcher's `destroy()` does this too) */
  signal?: AbortSignal;
  /**
   * TLS options for https (ca, cert, key, rejectUnauthorized, ...). `servername` is never sent
   * for an IP literal (RFC 6066 §3); the certificate is checked against the literal's IP SAN.
   */
  tls?: Omit<ConnectionOptions, 'host' | 'port' | 'socket' | 'lookup' | 'servername' | 'path' | 'timeout'>;
}
