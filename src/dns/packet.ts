// mDNS wire format: queries are encoded with dns-packet; responses are walked record by record
// with explicit bounds and RDLENGTH checks (dns-packet's full decoder trusts RDLENGTH for A/AAAA
// and would misalign on a hostile packet), using dns-packet's name decoder, which follows only
// backward compression pointers and so cannot loop.
import dnsPacket from 'dns-packet';
import { MAX_NAME_STEPS, readHeader, skipName, u16 } from './header.js';
import { MAX_PER_SET } from './limits.js';

export const MDNS_PORT = 5353;
export const MDNS_IPV6_GROUP = 'ff02::fb';
export const MDNS_IPV4_GROUP = '224.0.0.251';

export const TYPE_A = 1;
export const TYPE_AAAA = 28;
const CLASS_IN = 1;
/** RFC 6762 §10.2 / §18.13: top bit of rrclass in responses is the cache-flush bit. */
const CACHE_FLUSH = 0x8000;

type NameCodec = { decode: ((buf: Buffer, offset: number) => string) & { bytes: number } };
const nameCodec = (dnsPacket as unknown as { name: NameCodec }).name;

export interface KnownAnswer {
  name: string;
  type: 'A' | 'AAAA';
  ttl: number;
  /** textual address without zone */
  data: string;
}

/**
 * Encodes a one-shot (legacy unicast, RFC 6762 §5.1, §6.7) query for A and/or AAAA records,
 * with known answers (RFC 6762 §7.1) in the answer section.
 */
export function encodeQuery(name: string, types: readonly ('A' | 'AAAA')[], id: number, known: readonly KnownAnswer[] = []): Buffer {
  return dnsPacket.encode({
    type: 'query',
    id,
    flags: 0,
    questions: types.map((type) => ({ name, type, class: 'IN' as const })),
    answers: known.map((k) => ({ name: k.name, type: k.type, class: 'IN' as const, ttl: k.ttl, data: k.data })),
  });
}

export interface AddressRecord {
  /** the owner name as decoded (case kept) */
  name: string;
  type: typeof TYPE_A | typeof TYPE_AAAA;
  /** 4 or 16 bytes (a copy) */
  data: Uint8Array;
  /** seconds; TTLs with the top bit set count as 0 (RFC 2181 §8) */
  ttl: number;
  cacheFlush: boolean;
}

export type ParseResult =
  | { ok: true; id: number; truncated: boolean; records: AddressRecord[] }
  | { ok: false; reason: string };

/**
 * Parses an mDNS response and returns its A and AAAA records for class IN (cache-flush bit masked)
 * from the answer and additional sections. Never throws.
 *  - RFC 6762 §17: a datagram over 9000 bytes is not mDNS and is refused unread.
 *  - RFC 6762 §18.2: QR must be 1; §18.3: OPCODE must be 0; §18.11: RCODE must be 0 (else ignored).
 *  - §6 / §18.1: questions in a response are skipped, the ID is not checked.
 *  - Records with a class other than IN, or an A/AAAA RDLENGTH other than 4/16, are skipped.
 *  - At most `maxPerSet` (32) records per (name, type) are returned; the rest are skipped unread,
 *    and the walk stops once every set it can return is full, so a flood costs less than decoding.
 * With `wireName` (from `encodeName`), only records owned by that name are returned, compared on
 * the wire without decoding (ASCII case folded), and their `name` is left empty.
 */
export function parseResponse(buf: Buffer, wireName?: Uint8Array, maxPerSet = MAX_PER_SET): ParseResult {
  try {
    return parse(buf, wireName, maxPerSet);
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
}

function parse(buf: Buffer, wireName: Uint8Array | undefined, maxPerSet: number): ParseResult {
  const header = readHeader(buf, true);
  if (typeof header === 'string') return { ok: false, reason: header };
  const { id, flags, ancount, nscount, arcount } = header;
  let offset = header.offset;
  const records: AddressRecord[] = [];
  const total = ancount + nscount + arcount;
  // per (name, type) counts: with a wire name there is one name, so two counters do
  let a = 0;
  let aaaa = 0;
  const perSet = wireName === undefined ? new Map<string, number>() : undefined;
  for (let i = 0; i < total; i++) {
    if (perSet === undefined && a >= maxPerSet && aaaa >= maxPerSet) break;
    const start = offset;
    offset = skipName(buf, offset);
    if (offset + 10 > buf.length) return { ok: false, reason: 'truncated resource record' };
    const type = u16(buf, offset);
    const rawClass = u16(buf, offset + 2);
    const klass = rawClass & ~CACHE_FLUSH;
    const cacheFlush = (rawClass & CACHE_FLUSH) !== 0;
    const rawTtl = u16(buf, offset + 4) * 0x10000 + u16(buf, offset + 6);
    const rdlength = u16(buf, offset + 8);
    const rdata = offset + 10;
    offset = rdata + rdlength;
    if (offset > buf.length) return { ok: false, reason: 'RDATA runs past the end of the packet' };
    const inAuthority = i >= ancount && i < ancount + nscount;
    if (inAuthority || klass !== CLASS_IN) continue;
    if (!((type === TYPE_A && rdlength === 4) || (type === TYPE_AAAA && rdlength === 16))) continue;
    let name = '';
    if (perSet === undefined) {
      if ((type === TYPE_A ? a : aaaa) >= maxPerSet || !wireNameEquals(buf, start, wireName as Uint8Array)) continue;
      if (type === TYPE_A) a++;
      else aaaa++;
    } else {
      name = nameCodec.decode(buf, start);
      const key = `${type} ${name.toLowerCase()}`;
      const n = perSet.get(key) ?? 0;
      if (n >= maxPerSet) continue;
      perSet.set(key, n + 1);
    }
    records.push({
      name,
      type,
      data: new Uint8Array(buf.subarray(rdata, rdata + rdlength)),
      ttl: rawTtl > 0x7fffffff ? 0 : rawTtl,
      cacheFlush,
    });
  }
  return { ok: true, id, truncated: (flags & 0x0200) !== 0, records };
}

/** The wire form of a (validated) name with ASCII letters lower-cased, for `parseResponse`. */
export function encodeName(name: string): Uint8Array {
  const parts: number[] = [];
  for (const label of name.split('.')) {
    const bytes = Buffer.from(label, 'utf8');
    parts.push(bytes.length);
    for (const b of bytes) parts.push(b >= 0x41 && b <= 0x5a ? b + 0x20 : b);
  }
  parts.push(0);
  return Uint8Array.from(parts);
}

/**
 * Reports whether the (possibly compressed) name at `offset` is `wire` (ASCII case-insensitive).
 * Compression pointers must point strictly backwards of the previous one (as dns-packet requires),
 * so a hostile loop ends; a malformed name throws.
 */
function wireNameEquals(buf: Buffer, offset: number, wire: Uint8Array): boolean {
  let limit = offset;
  let w = 0;
  for (let guard = 0; guard < MAX_NAME_STEPS; guard++) {
    if (offset >= buf.length) throw new Error('name runs past the end of the packet');
    const len = buf[offset] as number;
    if ((len & 0xc0) === 0xc0) {
      if (offset + 2 > buf.length) throw new Error('truncated compression pointer');
      const target = ((len & 0x3f) << 8) | (buf[offset + 1] as number);
      if (target >= limit) throw new Error('Cannot decode name (bad pointer)');
      limit = target;
      offset = target;
      continue;
    }
    if ((len & 0xc0) !== 0) throw new Error('bad label type');
    if (offset + 1 + len > buf.length) throw new Error('label runs past the end of the packet');
    if (wire[w] !== len) return false;
    if (len === 0) return w === wire.length - 1;
    for (let i = 1; i <= len; i++) {
      let b = buf[offset + i] as number;
      if (b >= 0x41 && b <= 0x5a) b += 0x20;
      if (b !== wire[w + i]) return false;
    }
    w += len + 1;
    offset += len + 1;
  }
  throw new Error('name has too many labels');
}
