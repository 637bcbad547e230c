// MAC vendor names from the IEEE registration authority's MA-L (OUI) list, as the npm package
// `oui-data` ships it (one JSON object: 6 hex digits -> "Organisation\nAddress...", plus 7 and 9
// digits for the MA-M and MA-S blocks, whose MA-L entry is the "IEEE Registration Authority"
// itself: the longest prefix wins). The 5 MB
// document is read as text on first use and indexed by key (one regular-expression pass), not
// parsed whole: a JSON.parse of it stalls the event loop for ~100 ms and holds 53,000 strings.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { BoundedMap } from '../bounded-map.js';
import { isGroupMac, isLocallyAdministered } from './mac.js';

let text: string | null | undefined;
/** key (6, 7 or 9 hex digits) -> offset of its value's opening quote */
let index: Map<string, number> | undefined;
const found = new BoundedMap<string, string | null>(4096);

function load(): string | null {
  if (text !== undefined) return text;
  try {
    text = readFileSync(createRequire(import.meta.url).resolve('oui-data'), 'utf8');
    index = new Map();
    // one entry per line: `\n "B827EB": "..."` (a plain scan is several times faster than a regex)
    const doc = text;
    for (let at = doc.indexOf('\n "'); at >= 0; at = doc.indexOf('\n "', at + 3)) {
      const close = doc.indexOf('"', at + 3);
      if (close < 0 || close - (at + 3) > 9 || doc.charCodeAt(close + 1) !== 0x3a) continue;
      const value = doc.indexOf('"', close + 2);
      if (value > close + 4) continue;
      index.set(doc.slice(at + 3, close), value);
    }
  } catch {
    text = null; // not installed: devices are reported without vendor
  }
  return text;
}

/** The organisation line of the entry for `key` (6, 7 or 9 upper-case hex digits), or null. */
function search(key: string): string | null {
  const doc = load();
  const at = index?.get(key);
  if (doc === null || at === undefined) return null;
  // the value is a JSON string: find its closing quote (not one escaped by a backslash)
  let end = at + 1;
  while (end < doc.length && !(doc.charCodeAt(end) === 0x22 && doc.charCodeAt(end - 1) !== 0x5c)) end++;
  let value: unknown;
  try {
    value = JSON.parse(doc.slice(at, end + 1));
  } catch {
    return null;
  }
  const name = typeof value === 'string' ? value.split('\n', 1)[0]?.trim() : undefined;
  return name === undefined || name === '' ? null : name;
}

/**
 * The organisation the IEEE assigned this MAC's OUI to (`b8:27:eb:..` -> `Raspberry Pi
 * Foundation`), or undefined: unknown, locally administered (random or virtual: no vendor by
 * definition, IEEE 802 §8.2), or group addresses.
 */
export function macVendor(mac: string): string | undefined {
  if (isLocallyAdministered(mac) || isGroupMac(mac)) return undefined;
  const hex = mac.replace(/:/g, '').toUpperCase();
  if (!/^[0-9A-F]{12}$/.test(hex)) return undefined;
  const key = hex.slice(0, 9);
  let name = found.get(key);
  if (name === undefined) {
    name = search(hex.slice(0, 9)) ?? search(hex.slice(0, 7)) ?? search(hex.slice(0, 6));
    found.set(key, name);
  }
  return name ?? undefined;
}
