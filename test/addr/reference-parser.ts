// A slow, readable reference parser for IPv4 / IPv6 text with an optional zone, written straight
// from the grammar (RFC 4291 §2.2, RFC 4007 §11.2, fe80's zone rules) with string splitting and
// regular expressions. The fast parser in src/addr/parse.ts is compared against it.

export interface Reference {
  family: 4 | 6;
  /** 8 hextets; IPv4 as its IPv4-mapped form */
  hextets: number[];
  zone: string | undefined;
}

const DEC_OCTET = /^(0|[1-9][0-9]{0,2})$/;
const HEX_FIELD = /^[0-9a-fA-F]{1,4}$/;
// NUL, whitespace (JavaScript \s plus U+0085), the '%' delimiter, '/', '[' and ']'.
const BAD_ZONE_CHAR = /[\0\s\u0085%/[\]]/;

function ipv4(text: string): number[] | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  const octets: number[] = [];
  for (const p of parts) {
    if (!DEC_OCTET.test(p)) return undefined;
    const v = Number(p);
    if (v > 255) return undefined;
    octets.push(v);
  }
  return [(octets[0]! << 8) | octets[1]!, (octets[2]! << 8) | octets[3]!];
}

/** Fields of one side of '::' (or of the whole address); a dotted quad is allowed last. */
function fields(text: string, v4Allowed: boolean): number[] | undefined {
  if (text === '') return [];
  const parts = text.split(':');
  const out: number[] = [];
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    if (i === parts.length - 1 && v4Allowed && p.includes('.')) {
      const q = ipv4(p);
      if (q === undefined) return undefined;
      out.push(...q);
    } else {
      if (!HEX_FIELD.test(p)) return undefined;
      out.push(parseInt(p, 16));
    }
  }
  return out;
}

function ipv6(text: string): number[] | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  if (halves.length === 1) {
    const all = fields(text, true);
    return all !== undefined && all.length === 8 ? all : undefined;
  }
  const head = fields(halves[0]!, false);
  const tail = fields(halves[1]!, true);
  if (head === undefined || tail === undefined) return undefined;
  const zeros = 8 - head.length - tail.length;
  if (zeros < 1) return undefined; // '::' stands for at least one field
  return [...head, ...new Array<number>(zeros).fill(0), ...tail];
}

/** The parse result, or undefined for invalid text. */
export function referenceParse(text: string): Reference | undefined {
  const pct = text.indexOf('%');
  const addr = pct < 0 ? text : text.slice(0, pct);
  const zone = pct < 0 ? undefined : text.slice(pct + 1);
  if (zone !== undefined && (zone === '' || BAD_ZONE_CHAR.test(zone))) return undefined;
  if (!addr.includes(':')) {
    if (zone !== undefined) return undefined; // IPv4 has no zones
    const q = ipv4(addr);
    return q === undefined ? undefined : { family: 4, hextets: [0, 0, 0, 0, 0, 0xffff, ...q], zone: undefined };
  }
  const h = ipv6(addr);
  return h === undefined ? undefined : { family: 6, hextets: h, zone };
}

/** RFC 5952 text, the slow way: join, then replace the first longest run of zero fields. */
export function referenceFormat(r: Reference): string {
  const h = r.hextets;
  let text: string;
  if (r.family === 4) {
    text = [h[6]! >> 8, h[6]! & 255, h[7]! >> 8, h[7]! & 255].join('.');
  } else if (h.slice(0, 5).every((v) => v === 0) && h[5] === 0xffff) {
    text = `::ffff:${[h[6]! >> 8, h[6]! & 255, h[7]! >> 8, h[7]! & 255].join('.')}`;
  } else {
    let best = -1;
    let bestLen = 1;
    for (let i = 0; i < 8; i++) {
      let j = i;
      while (j < 8 && h[j] === 0) j++;
      if (j - i > bestLen) {
        best = i;
        bestLen = j - i;
      }
    }
    const hex = h.map((v) => v.toString(16));
    text = best < 0 ? hex.join(':') : `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
  }
  return r.zone === undefined ? text : `${text}%${r.zone}`;
}
