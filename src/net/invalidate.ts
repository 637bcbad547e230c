// After some socket errors the interface table may be stale (standards.md L-4: interfaces are
// renamed, re-created with new indexes, lose their addresses): the next lookup re-reads it.
import type { InterfaceRegistry } from '../iface/index.js';

const STALE = new Set(['ENODEV', 'EADDRNOTAVAIL', 'EINVAL', 'ENXIO']);

/** Invalidates `reg` when `error` is ENODEV, EADDRNOTAVAIL, EINVAL or ENXIO. */
export function invalidateOn(error: unknown, reg: InterfaceRegistry): void {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string' && STALE.has(code)) reg.invalidate();
}
