// Canonical text per RFC 5952 §4: lower-case hex without leading zeros (§4.1, §4.3), '::' for
// the first longest run of two or more zero fields (§4.2), the mixed `::ffff:a.b.c.d` form for
// IPv4-mapped addresses (§5); a zone is appended after '%' (RFC 4007 §11), verbatim.
// Text is a concatenation of whole field strings from lazily filled tables indexed by the 16-bit
// value: one allocation per field, about as fast as char codes into one String.fromCharCode call.
// Memory (measured, Node 20): 0.9 MiB of slots on the first IPv6 format, at most 4 MiB once all
// 65,536 values have been seen. Parsed canonical text skips all this (parse.ts, res.canonical).

let HEX: string[] | undefined; // 0 -> "0", 0xfe80 -> "fe80"
let HEXC: string[] | undefined; // 0xfe80 -> "fe80:"

const DEC: string[] = []; // "0".."255"
const DECDOT: string[] = []; // "0.".."255."
const MAPPED: string[] = []; // "::ffff:0.".."::ffff:255."
for (let i = 0; i < 256; i++) {
  DEC.push(String(i));
  DECDOT.push(`${i}.`);
  MAPPED.push(`::ffff:${i}.`);
}

// For each 8-bit mask of zero fields (bit i: field i is 0): the first longest run of >= 2 zero
// fields (RFC 5952 §4.2.2, §4.2.3) as start * 16 + end, NO_RUN when there is none.
export const NO_RUN = 0xff;
const RUN = new Uint8Array(256);
for (let m = 0; m < 256; m++) {
  let best = -1;
  let bestLen = 1;
  for (let i = 0, run = 0; i < 8; i++) {
    if (((m >> i) & 1) === 0) {
      run = i + 1;
    } else if (i - run + 1 > bestLen) {
      best = run;
      bestLen = i - run + 1;
    }
  }
  RUN[m] = best < 0 ? NO_RUN : best * 16 + best + bestLen;
}

/** The run of zero fields that '::' stands for, as start * 16 + end, or NO_RUN. */
export function zeroRun(h0: number, h1: number, h2: number, h3: number, h4: number, h5: number, h6: number, h7: number): number {
  // Bit i of the mask when field i is 0: for 0 <= h <= 0xffff, (h - 1) >> 31 is all ones iff h is 0.
  const mask =
    (((h0 - 1) >> 31) & 1) | (((h1 - 1) >> 31) & 2) | (((h2 - 1) >> 31) & 4) | (((h3 - 1) >> 31) & 8) |
    (((h4 - 1) >> 31) & 16) | (((h5 - 1) >> 31) & 32) | (((h6 - 1) >> 31) & 64) | (((h7 - 1) >> 31) & 128);
  return RUN[mask] as number;
}

const f: number[] = [0, 0, 0, 0, 0, 0, 0, 0]; // the hextets being formatted

/** Dotted quad of two hextets (the high and low 16 bits of an IPv4 address), after `first`. */
export function formatIPv4(hi: number, lo: number, first = DECDOT): string {
  return (first[hi >>> 8] as string) + (DECDOT[hi & 255] as string) + (DECDOT[lo >>> 8] as string) + (DEC[lo & 255] as string);
}

/** RFC 5952 text of an IPv6 address given as 8 hextets, plus `%zone` when given. */
export function formatIPv6(
  h0: number,
  h1: number,
  h2: number,
  h3: number,
  h4: number,
  h5: number,
  h6: number,
  h7: number,
  zone?: string,
): string {
  let s: string;
  if ((h0 | h1 | h2 | h3 | h4) === 0 && h5 === 0xffff) {
    // IPv4-mapped ::ffff:0:0/96 (RFC 4291 §2.5.5.2) in mixed notation (RFC 5952 §5).
    s = formatIPv4(h6, h7, MAPPED);
  } else {
    const hex = (HEX ??= new Array<string>(65536));
    const hexc = (HEXC ??= new Array<string>(65536));
    f[0] = h0;
    f[1] = h1;
    f[2] = h2;
    f[3] = h3;
    f[4] = h4;
    f[5] = h5;
    f[6] = h6;
    f[7] = h7;
    const run = zeroRun(h0, h1, h2, h3, h4, h5, h6, h7);
    const best = run >> 4;
    const end = run & 15;
    s = best === 0 ? ':' : '';
    for (let i = 0; i < 7; i++) {
      if (i === best) {
        s += ':';
        i = end - 1;
      } else {
        const v = f[i] as number;
        s += hexc[v] ??= `${(hex[v] ??= v.toString(16))}:`;
      }
    }
    if (end !== 8) s += hex[h7] ??= h7.toString(16);
  }
  return zone === undefined ? s : `${s}%${zone}`;
}
