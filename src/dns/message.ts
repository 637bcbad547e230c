// The full mDNS message as the DNS-SD browser reads and writes it (RFC 1035 §4, RFC 6762 §18):
// names as label lists (a DNS-SD instance label may hold dots, spaces and any UTF-8, RFC 6763
// §4.3, so names are never split on '.'), and the PTR, SRV, TXT, A and AAAA records DNS-SD uses.
// Parsing walks the packet with explicit bounds, follows only backward compression pointers (so a
// hostile loop ends), never throws, and caps records per (name, type) as the one-shot parser does;
// encoding writes queries with known answers, split over several packets with the TC bit when they
// do not fit (RFC 6762 §7.2).
import { asciiLower } from './names.js';
import { MAX_NAME_STEPS, readHeader, skipName, u16 } from './header.js';
import { MAX_PER_SET } from './limits.js';

export const TYPE = { A: 1, PTR: 12, TXT: 16, AAAA: 28, SRV: 33 } as const;
export type RecordType = keyof typeof TYPE;
const TYPE_NAMES = new Map<number, RecordType>(Object.entries(TYPE).map(([k, v]) => [v, k as RecordType]));
const CLASS_IN = 1;
const CACHE_FLUSH = 0x8000;

/** A domain name: its labels as decoded (UTF-8), case kept. */
export type Labels = readonly string[];

export interface SrvData {
  priority: number;
  weight: number;
  port: number;
  target: Labels;
}

export type RecordData =
  | { type: 'PTR'; target: Labels }
  | { type: 'SRV'; srv: SrvData }
  | { type: 'TXT'; strings: readonly Buffer[] }
  | { type: 'A' | 'AAAA'; bytes: Uint8Array };

export interface MessageRecord {
  name: Labels;
  /** `nameText(name)` lower-cased: the key records and questions are matched on */
  key: string;
  ttl: number;
  cacheFlush: boolean;
  data: RecordData;
}

/** A question of a query, of a type DNS-SD uses, class IN. */
export interface MessageQuestion {
  /** `nameKeyOf(name)` */
  key: string;
  type: RecordType;
  /** the QU bit: the querier asked for a unicast response (RFC 6762 §5.4) */
  unicast: boolean;
}

/**
 * A parsed message. A response's `records` are its answer and additional records; a query's are
 * its known answers (answer section, RFC 6762 §7.1) beside its `questions` (none for a response).
 */
export type ParsedMessage =
  | { ok: true; response: boolean; truncated: boolean; records: MessageRecord[]; questions: MessageQuestion[] }
  | { ok: false; reason: string };

/** Presentation form of a name: labels joined with '.', with '.' and '\' inside a label escaped. */
export function nameText(labels: Labels): string {
  return labels.map((l) => (l.includes('.') || l.includes('\\') ? l.replace(/[\\.]/g, (c) => `\\${c}`) : l)).join('.');
}

/** The matching key of a name (ASCII case folded, RFC 6762 §16). */
export function nameKeyOf(labels: Labels): string {
  return asciiLower(nameText(labels));
}

const MAX_PER_SET_PTR = 1024;

/**
 * Parses a whole mDNS message: every PTR, SRV, TXT, A and AAAA record of class IN in the answer
 * and additional sections (authority records are a prober's, RFC 6762 §8.2). Never throws.
 * Refuses datagrams over 9000 bytes (§17), responses with OPCODE or RCODE not 0 (§18.3, §18.11);
 * skips records with a bad RDLENGTH for their type. At most 32 records per (name, type) per packet
 * (1024 for PTR, where one type lists many instances); the rest are skipped undecoded.
 */
export function parseMessage(buf: Buffer): ParsedMessage {
  try {
    return parse(buf);
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
}

function parse(buf: Buffer): ParsedMessage {
  const header = readHeader(buf, false);
  if (typeof header === 'string') return { ok: false, reason: header };
  const { flags, ancount, nscount, arcount } = header;
  const response = (flags & 0x8000) !== 0;
  const questions = response ? [] : readQuestions(buf, u16(buf, 4));
  let offset = header.offset;
  const records: MessageRecord[] = [];
  const perSet = new Map<string, number>();
  const total = ancount + nscount + arcount;
  for (let i = 0; i < total; i++) {
    const start = offset;
    offset = skipName(buf, offset);
    if (offset + 10 > buf.length) return { ok: false, reason: 'truncated resource record' };
    const typeCode = u16(buf, offset);
    const rawClass = u16(buf, offset + 2);
    const rawTtl = u16(buf, offset + 4) * 0x10000 + u16(buf, offset + 6);
    const rdlength = u16(buf, offset + 8);
    const rdata = offset + 10;
    offset = rdata + rdlength;
    if (offset > buf.length) return { ok: false, reason: 'RDATA runs past the end of the packet' };
    const type = TYPE_NAMES.get(typeCode);
    if (type === undefined || (rawClass & ~CACHE_FLUSH) !== CLASS_IN) continue;
    if (i >= ancount && (i < ancount + nscount || !response)) continue; // a query's additional records are no known answers
    if ((type === 'A' && rdlength !== 4) || (type === 'AAAA' && rdlength !== 16) || (type === 'SRV' && rdlength < 7)) continue;
    const name = readName(buf, start).labels;
    const key = nameKeyOf(name);
    const setKey = `${type} ${key}`;
    const n = perSet.get(setKey) ?? 0;
    if (n >= (type === 'PTR' ? MAX_PER_SET_PTR : MAX_PER_SET)) continue;
    const data = readData(buf, type, rdata, rdlength);
    if (data === undefined) continue;
    perSet.set(setKey, n + 1);
    records.push({ name, key, ttl: rawTtl > 0x7fffffff ? 0 : rawTtl, cacheFlush: (rawClass & CACHE_FLUSH) !== 0, data });
  }
  return { ok: true, response, truncated: (flags & 0x0200) !== 0, records, questions };
}

/** The questions of a query (after readHeader checked their bounds), of the types in TYPE, class IN. */
function readQuestions(buf: Buffer, qdcount: number): MessageQuestion[] {
  const out: MessageQuestion[] = [];
  let offset = 12;
  for (let i = 0; i < qdcount; i++) {
    const r = readName(buf, offset);
    const type = TYPE_NAMES.get(u16(buf, r.end));
    const qclass = u16(buf, r.end + 2);
    offset = r.end + 4;
    if (type !== undefined && (qclass & 0x7fff) === CLASS_IN) out.push({ key: nameKeyOf(r.labels), type, unicast: (qclass & 0x8000) !== 0 });
  }
  return out;
}

/** Reports whether two records' data are the same (names compared case-insensitively, RFC 6762 §16). */
export function sameData(a: RecordData, b: RecordData): boolean {
  switch (a.type) {
    case 'A':
    case 'AAAA':
      return b.type === a.type && Buffer.compare(a.bytes, b.bytes) === 0;
    case 'PTR':
      return b.type === 'PTR' && nameKeyOf(a.target) === nameKeyOf(b.target);
    case 'SRV':
      return (
        b.type === 'SRV' &&
        a.srv.priority === b.srv.priority &&
        a.srv.weight === b.srv.weight &&
        a.srv.port === b.srv.port &&
        nameKeyOf(a.srv.target) === nameKeyOf(b.srv.target)
      );
    case 'TXT':
      return b.type === 'TXT' && a.strings.length === b.strings.length && a.strings.every((x, i) => x.equals(b.strings[i] as Buffer));
  }
}

function readData(buf: Buffer, type: RecordType, at: number, length: number): RecordData | undefined {
  const end = at + length;
  switch (type) {
    case 'A':
    case 'AAAA':
      return { type, bytes: new Uint8Array(buf.subarray(at, end)) };
    case 'PTR': {
      const r = readName(buf, at);
      return r.end === end ? { type, target: r.labels } : undefined;
    }
    case 'SRV': {
      const r = readName(buf, at + 6);
      if (r.end !== end) return undefined;
      return { type, srv: { priority: u16(buf, at), weight: u16(buf, at + 2), port: u16(buf, at + 4), target: r.labels } };
    }
    case 'TXT': {
      // RFC 6763 §6.1: a sequence of length-prefixed strings that fills RDATA exactly
      const strings: Buffer[] = [];
      let o = at;
      while (o < end) {
        const len = buf[o] as number;
        if (o + 1 + len > end) return undefined;
        strings.push(Buffer.from(buf.subarray(o + 1, o + 1 + len)));
        o += 1 + len;
      }
      return { type, strings };
    }
  }
}

/**
 * Reads the (possibly compressed) name at `offset`: its labels and the offset just past its
 * in-place bytes. Each compression pointer must point before the previous one (so a loop ends);
 * at most 255 bytes and 128 labels in all (RFC 1035 §3.1). Throws on anything else.
 */
export function readName(buf: Uint8Array, offset: number): { labels: string[]; end: number } {
  const labels: string[] = [];
  let end = -1;
  let limit = offset;
  let size = 1;
  for (let guard = 0; guard < MAX_NAME_STEPS; guard++) {
    if (offset >= buf.length) throw new Error('name runs past the end of the packet');
    const len = buf[offset] as number;
    if ((len & 0xc0) === 0xc0) {
      if (offset + 2 > buf.length) throw new Error('truncated compression pointer');
      const target = ((len & 0x3f) << 8) | (buf[offset + 1] as number);
      if (target >= limit) throw new Error('Cannot decode name (bad pointer)');
      if (end < 0) end = offset + 2;
      limit = target;
      offset = target;
      continue;
    }
    if ((len & 0xc0) !== 0) throw new Error('bad label type');
    if (len === 0) return { labels, end: end < 0 ? offset + 1 : end };
    if (offset + 1 + len > buf.length) throw new Error('label runs past the end of the packet');
    size += len + 1;
    // 255 bytes hold at most 127 labels and the root (RFC 1035 §3.1): the byte count bounds both
    if (size > 255) throw new Error('name longer than 255 bytes');
    labels.push(Buffer.from(buf.buffer, buf.byteOffset + offset + 1, len).toString('utf8'));
    offset += 1 + len;
  }
  throw new Error('name has too many labels');
}

// ---------------------------------------------------------------- encoding (queries)

export interface Question {
  name: Labels;
  type: RecordType;
}

/** A known answer (RFC 6762 §7.1): a record the querier holds, with its remaining TTL. */
export interface KnownRecord {
  name: Labels;
  ttl: number;
  data: RecordData;
}

function encodeNameTo(labels: Labels, out: number[]): void {
  for (const label of labels) {
    const bytes = Buffer.from(label, 'utf8');
    out.push(bytes.length, ...bytes);
  }
  out.push(0);
}

function dataBytes(data: RecordData): number[] {
  const out: number[] = [];
  switch (data.type) {
    case 'A':
    case 'AAAA':
      out.push(...data.bytes);
      break;
    case 'PTR':
      encodeNameTo(data.target, out);
      break;
    case 'SRV':
      out.push(data.srv.priority >> 8, data.srv.priority & 255, data.srv.weight >> 8, data.srv.weight & 255, data.srv.port >> 8, data.srv.port & 255);
      encodeNameTo(data.srv.target, out);
      break;
    case 'TXT':
      for (const s of data.strings) out.push(s.length, ...s);
      if (data.strings.length === 0) out.push(0);
      break;
  }
  return out;
}

function recordBytes(r: KnownRecord): number[] {
  const out: number[] = [];
  encodeNameTo(r.name, out);
  const code = TYPE[r.data.type];
  const rdata = dataBytes(r.data);
  const ttl = Math.max(0, Math.min(r.ttl, 0x7fffffff));
  out.push(code >> 8, code & 255, 0, CLASS_IN, (ttl >>> 24) & 255, (ttl >>> 16) & 255, (ttl >>> 8) & 255, ttl & 255, rdata.length >> 8, rdata.length & 255, ...rdata);
  return out;
}

function packet(questions: readonly number[][], answers: readonly number[][], truncated: boolean): Buffer {
  const header = [0, 0, truncated ? 0x02 : 0, 0, questions.length >> 8, questions.length & 255, answers.length >> 8, answers.length & 255, 0, 0, 0, 0];
  return Buffer.from([...header, ...questions.flat(), ...answers.flat()]);
}

/**
 * Encodes multicast queries (ID 0, QM questions, RFC 6762 §18) for `groups` (each a set of
 * questions with the known answers for them, §7.1) in packets of at most `maxBytes`: groups share a
 * packet while they fit; a group whose known answers do not fit goes on with packets of answers
 * only, all but the last with TC set (§7.2).
 */
export function encodeQueries(groups: readonly { questions: readonly Question[]; known: readonly KnownRecord[] }[], maxBytes: number): Buffer[] {
  const out: Buffer[] = [];
  let qs: number[][] = [];
  let as: number[][] = [];
  let size = 12;
  const flush = (truncated: boolean): void => {
    if (qs.length > 0 || as.length > 0) out.push(packet(qs, as, truncated));
    qs = [];
    as = [];
    size = 12;
  };
  for (const group of groups) {
    const questions = group.questions.map((q) => {
      const b: number[] = [];
      encodeNameTo(q.name, b);
      b.push(0, TYPE[q.type], 0, CLASS_IN);
      return b;
    });
    const qsize = questions.reduce((n, b) => n + b.length, 0);
    const answers = group.known.map(recordBytes);
    const asize = answers.reduce((n, b) => n + b.length, 0);
    if (size + qsize + asize > maxBytes) flush(false);
    qs.push(...questions);
    size += qsize;
    for (const a of answers) {
      if (size + a.length > maxBytes && (qs.length > 0 || as.length > 0)) flush(true);
      as.push(a);
      size += a.length;
    }
  }
  flush(false);
  return out;
}

