// What both mDNS parsers (packet.ts for the one-shot resolver, message.ts for the DNS-SD browser)
// read the same way: the 12-byte header (RFC 1035 §4.1.1), the checks RFC 6762 §17 and §18 make
// on it, and the question section, skipped (RFC 6762 §6: questions in a response are ignored).
import { MAX_PACKET } from './limits.js';

/** Big-endian 16 bits at `at` (bounds checked by the caller): without Buffer's per-call argument validation. */
export function u16(buf: Uint8Array, at: number): number {
  return ((buf[at] as number) << 8) | (buf[at + 1] as number);
}

/** RFC 1035 §3.1: a name of at most 255 octets has at most 127 labels and the root. */
const MAX_LABELS = 128;
/**
 * Steps (labels and compression pointers) a reader takes through one name before it refuses it:
 * every pointer must point before the previous one, so a loop cannot go on, and this bounds a
 * chain of pointers to pointers as well.
 */
export const MAX_NAME_STEPS = 2 * MAX_LABELS;

/**
 * Returns the offset just past the name at `offset` (its in-place bytes, up to a compression
 * pointer). Throws on a bad label, or after MAX_LABELS labels.
 */
export function skipName(buf: Uint8Array, offset: number): number {
  for (let guard = 0; guard < MAX_LABELS; guard++) {
    if (offset >= buf.length) throw new Error('name runs past the end of the packet');
    const len = buf[offset] as number;
    if (len === 0) return offset + 1;
    if ((len & 0xc0) === 0xc0) {
      if (offset + 2 > buf.length) throw new Error('truncated compression pointer');
      return offset + 2;
    }
    if ((len & 0xc0) !== 0) throw new Error('bad label type');
    offset += 1 + len;
  }
  throw new Error('name has too many labels');
}

export interface Header {
  id: number;
  flags: number;
  ancount: number;
  nscount: number;
  arcount: number;
  /** where the first resource record starts (past the questions) */
  offset: number;
}

/**
 * Reads the header and skips the questions, or returns why the datagram is refused: over 9000
 * bytes (RFC 6762 §17), shorter than a header, QR clear when `responseOnly` (§18.2), OPCODE or
 * RCODE not 0 (§18.3, §18.11), a truncated question. Throws on a malformed question name.
 */
export function readHeader(buf: Uint8Array, responseOnly: boolean): Header | string {
  if (buf.length > MAX_PACKET) return `larger than ${MAX_PACKET} bytes (RFC 6762 §17)`;
  if (buf.length < 12) return 'shorter than a DNS header';
  const flags = u16(buf, 2);
  if (responseOnly && (flags & 0x8000) === 0) return 'QR bit clear (a query, not a response)';
  if (((flags >> 11) & 0xf) !== 0) return 'OPCODE is not 0';
  if ((flags & 0xf) !== 0) return 'RCODE is not 0';
  const qdcount = u16(buf, 4);
  let offset = 12;
  for (let i = 0; i < qdcount; i++) {
    offset = skipName(buf, offset) + 4;
    if (offset > buf.length) return 'truncated question';
  }
  return { id: u16(buf, 0), flags, ancount: u16(buf, 6), nscount: u16(buf, 8), arcount: u16(buf, 10), offset };
}
