// Canonical text per RFC 5952 §4: lower-case hex without leading zeros (§4.1, §4.3), '::' for
// the longest run of two or more zero fields, the first one on a tie (§4.2), and the mixed
// `::ffff:a.b.c.d` form for IPv4-mapped addresses (§5); a zone is appended after '%'
// (RFC 4007 §11), verbatim.
// Characters go into a scratch buffer and become a string in one String.fromCharCode call,
// measured 2-3x faster than concatenating field strings and faster than fromCharCode.apply on
// an exact-length array (see take()).

const HEXC = new Uint8Array(16);
for (let i = 0; i < 16; i++) HEXC[i] = '0123456789abcdef'.charCodeAt(i);

const DEC: string[] = []; // "0".."255"
const DECDOT: string[] = []; // "0.".."255."
for (let i = 0; i < 256; i++) {
  DEC.push(String(i));
  DECDOT.push(`${i}.`);
}

const MAX = 64; // buffer size: an address (<= 39) plus '%' and a short zone
const b: number[] = new Array<number>(MAX).fill(0);
const f: number[] = [0, 0, 0, 0, 0, 0, 0, 0]; // the hextets being formatted

// For each 8-bit mask of zero fields: start and length of the first longest run of >= 2 zeros.
const RUN_START = new Int8Array(256);
const RUN_LEN = new Int8Array(256);
for (let m = 0; m < 256; m++) {
  let best = -1;
  let bestLen = 1;
  let run = -1;
  for (let i = 0; i < 8; i++) {
    if ((m >> i) & 1) {
      if (run < 0) run = i;
      if (i - run + 1 > bestLen) {
        best = run;
        bestLen = i - run + 1;
      }
    } else {
      run = -1;
    }
  }
  RUN_START[m] = best;
  RUN_LEN[m] = best < 0 ? 0 : bestLen;
}

function hexField(n: number, v: number): number {
  if (v >= 0x1000) b[n++] = HEXC[v >>> 12] as number;
  if (v >= 0x100) b[n++] = HEXC[(v >>> 8) & 15] as number;
  if (v >= 0x10) b[n++] = HEXC[(v >>> 4) & 15] as number;
  b[n++] = HEXC[v & 15] as number;
  return n;
}

function decOctet(n: number, v: number): number {
  if (v >= 100) {
    const q = (v / 100) | 0;
    b[n++] = 48 + q;
    v -= q * 100;
    b[n++] = 48 + ((v / 10) | 0);
  } else if (v >= 10) {
    b[n++] = 48 + ((v / 10) | 0);
  }
  b[n++] = 48 + (v % 10);
  return n;
}

function quad(n: number, hi: number, lo: number): number {
  n = decOctet(n, hi >>> 8);
  b[n++] = 46;
  n = decOctet(n, hi & 255);
  b[n++] = 46;
  n = decOctet(n, lo >>> 8);
  b[n++] = 46;
  return decOctet(n, lo & 255);
}

/** Appends '%' and the zone: into the buffer when it fits, else by concatenation. */
function finish(n: number, zone: string | undefined): string {
  if (zone === undefined) return take(n);
  const z = zone.length;
  if (n + 1 + z > MAX) return `${take(n)}%${zone}`;
  b[n++] = 37;
  for (let j = 0; j < z; j++) b[n++] = zone.charCodeAt(j);
  return take(n);
}

/**
 * The first `n` characters of the buffer as a string, in one String.fromCharCode call (about
 * 1 ns per argument): exact arity up to 16 characters (a slice would cost an allocation),
 * else the next bucket size >= n and a slice.
 */
function take(n: number): string {
  switch (n) {
    case 1:
      return String.fromCharCode(b[0] as number);
    case 2:
      return String.fromCharCode(b[0] as number, b[1] as number);
    case 3:
      return String.fromCharCode(b[0] as number, b[1] as number, b[2] as number);
    case 4:
      return String.fromCharCode(b[0] as number, b[1] as number, b[2] as number, b[3] as number);
    case 5:
      return String.fromCharCode(b[0] as number, b[1] as number, b[2] as number, b[3] as number,
        b[4] as number);
    case 6:
      return String.fromCharCode(b[0] as number, b[1] as number, b[2] as number, b[3] as number,
        b[4] as number, b[5] as number);
    case 7:
      return String.fromCharCode(b[0] as number, b[1] as number, b[2] as number, b[3] as number,
        b[4] as number, b[5] as number, b[6] as number);
    case 8:
      return String.fromCharCode(b[0] as number, b[1] as number, b[2] as number, b[3] as number,
        b[4] as number, b[5] as number, b[6] as number, b[7] as number);
    case 9:
      return String.fromCharCode(b[0] as number, b[1] as number, b[2] as number, b[3] as number,
        b[4] as number, b[5] as number, b[6] as number, b[7] as number, b[8] as number);
    case 10:
      return String.fromCharCode(b[0] as number, b[1] as number, b[2] as number, b[3] as number,
        b[4] as number, b[5] as number, b[6] as number, b[7] as number, b[8] as number, b[9] as number);
    case 11:
      return String.fromCharCode(b[0] as number, b[1] as number, b[2] as number, b[3] as number,
        b[4] as number, b[5] as number, b[6] as number, b[7] as number, b[8] as number, b[9] as number,
        b[10] as number);
    case 12:
      return String.fromCharCode(b[0] as number, b[1] as number, b[2] as number, b[3] as number,
        b[4] as number, b[5] as number, b[6] as number, b[7] as number, b[8] as number, b[9] as number,
        b[10] as number, b[11] as number);
    case 13:
      return String.fromCharCode(b[0] as number, b[1] as number, b[2] as number, b[3] as number,
        b[4] as number, b[5] as number, b[6] as number, b[7] as number, b[8] as number, b[9] as number,
        b[10] as number, b[11] as number, b[12] as number);
    case 14:
      return String.fromCharCode(b[0] as number, b[1] as number, b[2] as number, b[3] as number,
        b[4] as number, b[5] as number, b[6] as number, b[7] as number, b[8] as number, b[9] as number,
        b[10] as number, b[11] as number, b[12] as number, b[13] as number);
    case 15:
      return String.fromCharCode(b[0] as number, b[1] as number, b[2] as number, b[3] as number,
        b[4] as number, b[5] as number, b[6] as number, b[7] as number, b[8] as number, b[9] as number,
        b[10] as number, b[11] as number, b[12] as number, b[13] as number, b[14] as number);
    case 16:
      return String.fromCharCode(b[0] as number, b[1] as number, b[2] as number, b[3] as number,
        b[4] as number, b[5] as number, b[6] as number, b[7] as number, b[8] as number, b[9] as number,
        b[10] as number, b[11] as number, b[12] as number, b[13] as number, b[14] as number, b[15] as number);
  }
  let s: string;
  if (n <= 20) {
    s = String.fromCharCode(b[0] as number, b[1] as number, b[2] as number, b[3] as number, b[4] as number,
      b[5] as number, b[6] as number, b[7] as number, b[8] as number, b[9] as number, b[10] as number,
      b[11] as number, b[12] as number, b[13] as number, b[14] as number, b[15] as number, b[16] as number,
      b[17] as number, b[18] as number, b[19] as number);
  } else if (n <= 24) {
    s = String.fromCharCode(b[0] as number, b[1] as number, b[2] as number, b[3] as number, b[4] as number,
      b[5] as number, b[6] as number, b[7] as number, b[8] as number, b[9] as number, b[10] as number,
      b[11] as number, b[12] as number, b[13] as number, b[14] as number, b[15] as number, b[16] as number,
      b[17] as number, b[18] as number, b[19] as number, b[20] as number, b[21] as number, b[22] as number,
      b[23] as number);
  } else if (n <= 28) {
    s = String.fromCharCode(b[0] as number, b[1] as number, b[2] as number, b[3] as number, b[4] as number,
      b[5] as number, b[6] as number, b[7] as number, b[8] as number, b[9] as number, b[10] as number,
      b[11] as number, b[12] as number, b[13] as number, b[14] as number, b[15] as number, b[16] as number,
      b[17] as number, b[18] as number, b[19] as number, b[20] as number, b[21] as number, b[22] as number,
      b[23] as number, b[24] as number, b[25] as number, b[26] as number, b[27] as number);
  } else if (n <= 32) {
    s = String.fromCharCode(b[0] as number, b[1] as number, b[2] as number, b[3] as number, b[4] as number,
      b[5] as number, b[6] as number, b[7] as number, b[8] as number, b[9] as number, b[10] as number,
      b[11] as number, b[12] as number, b[13] as number, b[14] as number, b[15] as number, b[16] as number,
      b[17] as number, b[18] as number, b[19] as number, b[20] as number, b[21] as number, b[22] as number,
      b[23] as number, b[24] as number, b[25] as number, b[26] as number, b[27] as number, b[28] as number,
      b[29] as number, b[30] as number, b[31] as number);
  } else if (n <= 40) {
    s = String.fromCharCode(b[0] as number, b[1] as number, b[2] as number, b[3] as number, b[4] as number,
      b[5] as number, b[6] as number, b[7] as number, b[8] as number, b[9] as number, b[10] as number,
      b[11] as number, b[12] as number, b[13] as number, b[14] as number, b[15] as number, b[16] as number,
      b[17] as number, b[18] as number, b[19] as number, b[20] as number, b[21] as number, b[22] as number,
      b[23] as number, b[24] as number, b[25] as number, b[26] as number, b[27] as number, b[28] as number,
      b[29] as number, b[30] as number, b[31] as number, b[32] as number, b[33] as number, b[34] as number,
      b[35] as number, b[36] as number, b[37] as number, b[38] as number, b[39] as number);
  } else if (n <= 48) {
    s = String.fromCharCode(b[0] as number, b[1] as number, b[2] as number, b[3] as number, b[4] as number,
      b[5] as number, b[6] as number, b[7] as number, b[8] as number, b[9] as number, b[10] as number,
      b[11] as number, b[12] as number, b[13] as number, b[14] as number, b[15] as number, b[16] as number,
      b[17] as number, b[18] as number, b[19] as number, b[20] as number, b[21] as number, b[22] as number,
      b[23] as number, b[24] as number, b[25] as number, b[26] as number, b[27] as number, b[28] as number,
      b[29] as number, b[30] as number, b[31] as number, b[32] as number, b[33] as number, b[34] as number,
      b[35] as number, b[36] as number, b[37] as number, b[38] as number, b[39] as number, b[40] as number,
      b[41] as number, b[42] as number, b[43] as number, b[44] as number, b[45] as number, b[46] as number,
      b[47] as number);
  } else {
    s = String.fromCharCode(b[0] as number, b[1] as number, b[2] as number, b[3] as number, b[4] as number,
      b[5] as number, b[6] as number, b[7] as number, b[8] as number, b[9] as number, b[10] as number,
      b[11] as number, b[12] as number, b[13] as number, b[14] as number, b[15] as number, b[16] as number,
      b[17] as number, b[18] as number, b[19] as number, b[20] as number, b[21] as number, b[22] as number,
      b[23] as number, b[24] as number, b[25] as number, b[26] as number, b[27] as number, b[28] as number,
      b[29] as number, b[30] as number, b[31] as number, b[32] as number, b[33] as number, b[34] as number,
      b[35] as number, b[36] as number, b[37] as number, b[38] as number, b[39] as number, b[40] as number,
      b[41] as number, b[42] as number, b[43] as number, b[44] as number, b[45] as number, b[46] as number,
      b[47] as number, b[48] as number, b[49] as number, b[50] as number, b[51] as number, b[52] as number,
      b[53] as number, b[54] as number, b[55] as number, b[56] as number, b[57] as number, b[58] as number,
      b[59] as number, b[60] as number, b[61] as number, b[62] as number, b[63] as number);
  }
  return s.length === n ? s : s.slice(0, n);
}

/** Dotted quad of two hextets (the high and low 16 bits of an IPv4 address), plus `%zone`. */
export function formatIPv4(hi: number, lo: number, zone?: string): string {
  // 3 concatenations of table strings ("192." "0." "2." "1") beat the buffer for 7-15 chars.
  const s = (DECDOT[hi >>> 8] as string) + (DECDOT[hi & 255] as string) + (DECDOT[lo >>> 8] as string) + (DEC[lo & 255] as string);
  return zone === undefined ? s : `${s}%${zone}`;
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
  // IPv4-mapped ::ffff:0:0/96 (RFC 4291 §2.5.5.2) in mixed notation (RFC 5952 §5).
  if ((h0 | h1 | h2 | h3 | h4) === 0 && h5 === 0xffff) {
    b[0] = b[1] = 58;
    b[2] = b[3] = b[4] = b[5] = 102;
    b[6] = 58;
    return finish(quad(7, h6, h7), zone);
  }
  f[0] = h0;
  f[1] = h1;
  f[2] = h2;
  f[3] = h3;
  f[4] = h4;
  f[5] = h5;
  f[6] = h6;
  f[7] = h7;
  // The first longest run of >= 2 zero fields becomes '::' (RFC 5952 §4.2.2, §4.2.3).
  const mask =
    (h0 === 0 ? 1 : 0) | (h1 === 0 ? 2 : 0) | (h2 === 0 ? 4 : 0) | (h3 === 0 ? 8 : 0) |
    (h4 === 0 ? 16 : 0) | (h5 === 0 ? 32 : 0) | (h6 === 0 ? 64 : 0) | (h7 === 0 ? 128 : 0);
  const best = RUN_START[mask] as number;
  const stop = best + (RUN_LEN[mask] as number);
  let n = 0;
  for (let i = 0; i < 8; i++) {
    if (i === best) {
      b[n++] = 58;
      b[n++] = 58;
      i = stop - 1;
      continue;
    }
    if (i > 0 && i !== stop) b[n++] = 58;
    n = hexField(n, f[i] as number);
  }
  return finish(n, zone);
}
