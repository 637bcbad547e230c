// After some socket errors the interface table may be stale (standards.md L-4: interfaces are
// renamed, re-created with new indexes, lose their addresses): the next lookup re-reads it.
import { Fe80Error } from '../errors.js';
import type { InterfaceRegistry } from '../iface/index.js';

const STALE = new Set(['ENODEV', 'EADDRNOTAVAIL', 'EINVAL', 'ENXIO']);

/** Invalidates `reg` when `error` is ENODEV, EADDRNOTAVAIL, EINVAL or ENXIO. */
export function invalidateOn(error: unknown, reg: InterfaceRegistry): void {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string' && STALE.has(code)) reg.invalidate();
}

/** `[host]:port`, `a.b.c.d:port`, or `port N` for every address (for messages). */
export function where(host: string | undefined, port: number): string {
  return host === undefined ? `port ${port}` : host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * A bind/listen/send failure as ERR_SOCKET (system error on `cause`), after invalidating the
 * registry when the error suggests a stale interface. Aborts pass through unchanged.
 */
export function socketError(action: string, host: string | undefined, port: number, error: Error, reg: InterfaceRegistry): Error {
  invalidateOn(error, reg);
  if (error.name === 'AbortError') return error;
  const at = where(host, port);
  const code = (error as { code?: unknown }).code;
  const why = typeof code === 'string' ? `${code} (${error.message})` : error.message;
  return new Fe80Error('ERR_SOCKET', `${action} ${at} failed: ${why}`, { input: at, cause: error });
}
