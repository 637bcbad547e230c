// MAC addresses (EUI-48) as fe80 reports them: lower-case, colon-separated. Also the MAC inside a
// modified EUI-64 interface identifier (RFC 4291 §2.5.1 and Appendix A: ff:fe in the middle, the
// universal/local bit inverted), which is how a SLAAC address names the hardware it runs on.
import type { ScopedAddress } from '../addr/index.js';

const HEX = /^[0-9a-f]{2}([:-][0-9a-f]{2}){5}$/i;
const PLAIN = /^[0-9a-f]{12}$/i;

/** `B8-27-EB-00-00-02`, `b827.eb00.0002`, `b827eb000002` -> `b8:27:eb:00:00:02`; anything else undefined. */
export function normalizeMac(text: unknown): string | undefined {
  if (typeof text !== 'string' || text.length > 17) return undefined;
  let hex: string;
  if (HEX.test(text)) hex = text.replace(/[:-]/g, '');
  else if (/^[0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4}$/i.test(text)) hex = text.replace(/\./g, '');
  else if (PLAIN.test(text)) hex = text;
  else return undefined;
  hex = hex.toLowerCase();
  if (hex === '000000000000' || hex === 'ffffffffffff') return undefined; // no MAC / broadcast
  return hex.replace(/(..)(?!$)/g, '$1:');
}

/** The MAC an IPv6 address was formed from (modified EUI-64, RFC 4291 Appendix A), if it was. */
export function macFromEui64(address: ScopedAddress): string | undefined {
  if (address.family !== 6) return undefined;
  const b = address.toBytes();
  if (b[11] !== 0xff || b[12] !== 0xfe) return undefined;
  const bytes = [(b[8] as number) ^ 0x02, b[9], b[10], b[13], b[14], b[15]] as number[];
  return normalizeMac(bytes.map((x) => x.toString(16).padStart(2, '0')).join(':'));
}

/** The locally-administered bit (IEEE 802, bit 1 of the first octet): such MACs have no vendor. */
export function isLocallyAdministered(mac: string): boolean {
  return (parseInt(mac.slice(0, 2), 16) & 0x02) !== 0;
}

/** The group (multicast) bit: a unicast device never has it. */
export function isGroupMac(mac: string): boolean {
  return (parseInt(mac.slice(0, 2), 16) & 0x01) !== 0;
}
