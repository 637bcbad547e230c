// After some socket errors the interface table may be stale (interfaces are renamed, re-created
// with new indexes, lose their addresses): the next lookup re-reads it.
import { Fe80Error, isStaleInterfaceError } from '../errors.js';
import type { InterfaceRegistry } from '../iface/index.js';

/** Invalidates `reg` when `error` suggests a stale interface table (see STALE_INTERFACE_ERRNOS). */
export function invalidateOn(error: unknown, reg: InterfaceRegistry): void {
  if (isStaleInterfaceError(error)) reg.invalidate();
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
