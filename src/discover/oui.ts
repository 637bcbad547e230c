// MAC vendor names from the IEEE registration authority's MA-L (OUI) list, as the npm package
// `oui-data` ships it (one JSON object: 6 hex digits -> "Organisation\nAddress..."). Loaded on the
// first lookup only (5 MB of JSON, some 40 ms), then kept; a failed load is remembered, not retried.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isGroupMac, isLocallyAdministered } from './mac.js';

let table: Record<string, string> | null | undefined;

function load(): Record<string, string> | null {
  if (table !== undefined) return table;
  try {
    const file = createRequire(import.meta.url).resolve('oui-data');
    table = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
  } catch {
    table = null; // not installed: devices are reported without vendor
  }
  return table;
}

/**
 * The organisation the IEEE assigned this MAC's OUI to (`b8:27:eb:..` -> `Raspberry Pi
 * Foundation`), or undefined: unknown, locally administered (random or virtual: no vendor by
 * definition, IEEE 802 §8.2), or group addresses.
 */
export function macVendor(mac: string): string | undefined {
  if (isLocallyAdministered(mac) || isGroupMac(mac)) return undefined;
  const entry = load()?.[mac.slice(0, 8).replace(/:/g, '').toUpperCase()];
  if (typeof entry !== 'string') return undefined;
  const name = entry.split('\n', 1)[0]?.trim();
  return name === undefined || name === '' ? undefined : name;
}

/** Whether the OUI database could be loaded (for the discover report). */
export function ouiAvailable(): boolean {
  return load() !== null;
}
