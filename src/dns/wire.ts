// The per-name and per-datagram wire plumbing of the one-shot resolver: a name is validated and
// encoded once, the query packet for (name, types) is encoded once, and a datagram shared by several
// concurrent queries on one socket is parsed once (RFC 6762 §18.1: every query examines it).
import { randomInt } from 'node:crypto';
import { BoundedMap } from '../bounded-map.js';
import { nameKey, normalizeName } from './names.js';
import { encodeName, encodeQuery, parseResponse, type KnownAnswer, type ParseResult } from './packet.js';

/** ID of the one-shot queries of this process (legacy-unicast responders echo it, RFC 6762 §6.7). */
const QUERY_ID = randomInt(1, 0x10000);
const packets = new BoundedMap<string, Buffer>(64);

/** The encoded query for (name, types), cached (few names are asked over and over). */
export function queryPacket(qname: string, types: readonly ('A' | 'AAAA')[], known: readonly KnownAnswer[]): Buffer {
  if (known.length > 0) return encodeQuery(qname, types, QUERY_ID, known);
  return packets.getOrSet((types.length === 1 ? (types[0] as string) : '*') + qname, () => encodeQuery(qname, types, QUERY_ID));
}

let lastMessage: Buffer | undefined;
let lastWire: Uint8Array | undefined;
let lastParsed: ParseResult | undefined;

/** Parses a datagram once even when several concurrent queries for a name share its socket. */
export function parseOnce(msg: Buffer, wire: Uint8Array): ParseResult {
  if (msg !== lastMessage || wire !== lastWire || lastParsed === undefined) {
    lastParsed = parseResponse(msg, wire);
    lastMessage = msg;
    lastWire = wire;
  }
  return lastParsed;
}

export interface PreparedName {
  /** normalised (NFC, no trailing dot), case kept: what the query asks */
  qname: string;
  /** ASCII lower case: the cache key */
  key: string;
  /** wire form, lower case: what answers are matched against */
  wire: Uint8Array;
}

const names = new BoundedMap<string, PreparedName>(64);

/** normalizeName + nameKey + encodeName, remembered for the last few names asked. */
export function prepareName(name: string): PreparedName {
  const make = (): PreparedName => {
    const qname = normalizeName(name);
    return { qname, key: nameKey(qname), wire: encodeName(nameKey(qname)) };
  };
  return typeof name === 'string' ? names.getOrSet(name, make) : make();
}
