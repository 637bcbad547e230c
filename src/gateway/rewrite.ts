// Rewrites absolute URLs of one device's origin (`http://[fe80::2]:8080`, `ws://printer.local`,
// `//[fe80::2%25eth0]:8080`, JSON's `http:\/\/[fe80::2]`) into the gateway's local origin for that
// device, in bodies while they stream and in header values. Bytes are scanned with Buffer.indexOf
// for each host form (no decoding, no regular expression over the body); only the last few bytes
// of a chunk wait for the next one, when they could be the start of a URL cut in two.

/** One device origin as it appears in content, and the local origin that replaces it. */
export interface OriginRewrite {
  /** host forms after `//`, lower case: `[fe80::2]`, `[fe80::2%25eth0]`, `printer.local` */
  hosts: readonly string[];
  /** the device's port */
  port: number;
  /** the device speaks TLS (its URLs are https:/wss:) */
  secure: boolean;
  /** the local authority that replaces scheme://host[:port]: `fe80-2-eth0.localhost:8080` */
  local: string;
}

const SLASH = 0x2f;
const BACKSLASH = 0x5c;
const COLON = 0x3a;

/** Schemes a device URL may carry, checked right before `//`; `secure` says which ones are its own. */
const SCHEMES: readonly { text: Buffer; secure: boolean; ws: boolean }[] = [
  { text: Buffer.from('https:'), secure: true, ws: false },
  { text: Buffer.from('http:'), secure: false, ws: false },
  { text: Buffer.from('wss:'), secure: true, ws: true },
  { text: Buffer.from('ws:'), secure: false, ws: true },
];
/** the longest prefix before a host: `https:\/\/` */
const MAX_PREFIX = 10;
/** `:65535` */
const MAX_PORT = 6;

function isAlnum(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a);
}

function isHostChar(c: number): boolean {
  return isAlnum(c) || c === 0x2d || c === 0x2e || c === 0x5f;
}

/** ASCII case-insensitive `buf[at..] === word` (word is lower case). */
function matchesAt(buf: Buffer, at: number, word: Buffer): boolean {
  if (at < 0 || at + word.length > buf.length) return false;
  for (let k = 0; k < word.length; k++) {
    const c = buf[at + k]!;
    const w = word[k]!;
    if (c !== w && (c | 0x20) !== w) return false;
  }
  return true;
}

interface Match {
  start: number;
  end: number;
  replacement: Buffer;
}

/**
 * A compiled rewrite for one device: `rewriteText` for header values, `stream()` for a body.
 * Immutable; one per device, shared by all its responses.
 */
export class Rewriter {
  /** the host forms, lower case, longest first */
  readonly #forms: Buffer[];
  /** what every form starts with (`[fe80::2`), lower and upper case: one scan per anchor */
  readonly #anchors: Buffer[];
  readonly #maxHost: number;
  readonly #port: number;
  readonly #secure: boolean;
  /** replacement per [scheme kind][escaped]: http, ws, protocol-relative */
  readonly #out: Record<'http' | 'ws' | 'rel', [Buffer, Buffer]>;

  constructor(o: OriginRewrite) {
    const forms = [...new Set(o.hosts.map((h) => h.toLowerCase()).filter((h) => h !== ''))].sort((a, b) => b.length - a.length);
    this.#forms = forms.map((h) => Buffer.from(h, 'latin1'));
    let anchor = forms[0] ?? '\u0000';
    for (const f of forms) while (!f.startsWith(anchor)) anchor = anchor.slice(0, -1);
    // forms with nothing in common (an address and a name): each is its own anchor
    const anchors = anchor === '' ? forms : [anchor];
    this.#anchors = [...new Set(anchors.flatMap((a) => [a, a.toUpperCase()]))].map((a) => Buffer.from(a, 'latin1'));
    this.#maxHost = Math.max(1, ...this.#forms.map((n) => n.length));
    this.#port = o.port;
    this.#secure = o.secure;
    const make = (prefix: string): [Buffer, Buffer] => [Buffer.from(`${prefix}//${o.local}`), Buffer.from(`${prefix}\\/\\/${o.local}`)];
    this.#out = { http: make('http:'), ws: make('ws:'), rel: make('') };
  }

  /** Bytes a chunk's end must keep for the next one: a host cut in two plus its scheme. */
  get #keep(): number {
    return this.#maxHost - 1 + MAX_PREFIX;
  }

  /**
   * The URL around a host form found at `i`, or undefined when it is not this device's origin
   * (bare text, another port, another scheme), or 'more' when the port may lie in the next chunk.
   */
  #matchAt(buf: Buffer, i: number, hostLength: number, final: boolean, prev: number | undefined): Match | undefined | 'more' {
    let slashes: number;
    let escaped: boolean;
    if (buf[i - 1] === SLASH && buf[i - 2] === SLASH) {
      slashes = i - 2;
      escaped = false;
    } else if (buf[i - 1] === SLASH && buf[i - 2] === BACKSLASH && buf[i - 3] === SLASH && buf[i - 4] === BACKSLASH) {
      slashes = i - 4;
      escaped = true;
    } else return undefined;
    let start = slashes;
    let kind: 'http' | 'ws' | 'rel' = 'rel';
    let secure = this.#secure;
    if (buf[slashes - 1] === COLON) {
      const scheme = SCHEMES.find((s) => matchesAt(buf, slashes - s.text.length, s.text));
      if (scheme === undefined) return undefined; // another scheme (ftp://, foo://)
      start = slashes - scheme.text.length;
      // `xhttp://` is another scheme (RFC 3986 §3.1); the byte before may be in an earlier chunk
      const before = start > 0 ? buf[start - 1] : prev;
      if (before !== undefined && (isAlnum(before) || before === 0x2b || before === 0x2d || before === 0x2e)) return undefined;
      kind = scheme.ws ? 'ws' : 'http';
      secure = scheme.secure;
    }
    if (secure !== this.#secure) return undefined; // http:// to a TLS device's port is another origin
    let end = i + hostLength;
    const last = buf[end - 1];
    if (end >= buf.length && !final) return 'more';
    let port: number | undefined;
    if (buf[end] === COLON) {
      let j = end + 1;
      let n = 0;
      while (j < buf.length && j - end <= MAX_PORT && buf[j]! >= 0x30 && buf[j]! <= 0x39) n = n * 10 + buf[j++]! - 0x30;
      if (j >= buf.length && !final) return 'more';
      if (j > end + 1) {
        if (j - end > MAX_PORT) return undefined;
        port = n;
        end = j;
      }
    } else if (last !== 0x5d && end < buf.length && isHostChar(buf[end]!)) {
      return undefined; // `printer.localhost`, `printer.local2`
    }
    if ((port ?? (secure ? 443 : 80)) !== this.#port) return undefined;
    return { start, end, replacement: this.#out[kind][escaped ? 1 : 0] };
  }

  /**
   * The host form at `i` (where an anchor was found): its length, 'more' when the buffer ends
   * inside it, or 0 when none is there.
   */
  #formAt(buf: Buffer, i: number, final: boolean): number | 'more' {
    for (const form of this.#forms) {
      if (i + form.length <= buf.length) {
        if (matchesAt(buf, i, form)) return form.length;
      } else if (!final && matchesAt(buf, i, form.subarray(0, buf.length - i))) {
        return 'more';
      }
    }
    return 0;
  }

  /** The next match at or after `from`: a match, 'more' with where to cut, or undefined. */
  #next(buf: Buffer, from: number, final: boolean, prev: number | undefined, found: number[]): Match | { more: number } | undefined {
    let at = from;
    for (;;) {
      let best = -1;
      for (let a = 0; a < this.#anchors.length; a++) {
        // each anchor's next position is remembered: an anchor that is not there (the upper-case
        // one, usually) is scanned for once per buffer, not once per match
        let i = found[a]!;
        if (i !== -1 && i < at) i = found[a] = buf.indexOf(this.#anchors[a]!, at);
        if (i >= 0 && (best < 0 || i < best)) best = i;
      }
      if (best < 0) return undefined;
      const length = this.#formAt(buf, best, final);
      if (length === 'more') return { more: Math.max(from, best - MAX_PREFIX) };
      const m = length === 0 ? undefined : this.#matchAt(buf, best, length, final, prev);
      if (m === 'more') return { more: Math.max(from, best - MAX_PREFIX) };
      if (m !== undefined && m.start >= from) return m;
      at = best + 1;
    }
  }

  /**
   * Moves `cut` back so that no host form after it loses the scheme in front of it: the held
   * bytes are examined again with the next chunk and must be judged as they were here.
   */
  #safeCut(buf: Buffer, cut: number, pos: number): number {
    for (let changed = true; changed; ) {
      changed = false;
      for (const anchor of this.#anchors) {
        for (let i = buf.indexOf(anchor, cut); i >= 0 && i - MAX_PREFIX < cut; i = buf.indexOf(anchor, i + 1)) {
          const c = Math.max(pos, i - MAX_PREFIX);
          if (c < cut) {
            cut = c;
            changed = true;
          }
        }
      }
    }
    return cut;
  }

  /**
   * Rewrites `buf`; returns the output and how many bytes at the end were held back (they may
   * begin a URL whose rest is in the next chunk). With `final`, nothing is held back. `prev` is
   * the byte before `buf` (the end of the previous chunk), if any.
   */
  rewrite(buf: Buffer, final: boolean, prev?: number): { out: Buffer; held: number } {
    const found = this.#anchors.map(() => -2); // -2: not searched yet, -1: not in buf
    const parts: Buffer[] = [];
    let pos = 0;
    let cut = buf.length;
    for (;;) {
      const m = this.#next(buf, pos, final, prev, found);
      if (m === undefined) break;
      if ('more' in m) {
        cut = m.more;
        break;
      }
      if (m.start > pos) parts.push(buf.subarray(pos, m.start));
      parts.push(m.replacement);
      pos = m.end;
    }
    if (!final && cut === buf.length) cut = Math.max(pos, buf.length - this.#keep);
    if (cut < pos) cut = pos;
    if (!final) cut = this.#safeCut(buf, cut, pos);
    if (parts.length === 0) return { out: cut === buf.length ? buf : buf.subarray(0, cut), held: buf.length - cut };
    if (cut > pos) parts.push(buf.subarray(pos, cut));
    return { out: parts.length === 1 ? parts[0]! : Buffer.concat(parts), held: buf.length - cut };
  }

  /** Rewrites a whole string (a header value). */
  rewriteText(text: string): string {
    const buf = Buffer.from(text, 'latin1');
    const { out } = this.rewrite(buf, true);
    return out === buf ? text : out.toString('latin1');
  }

  /** A streaming rewriter for one body: `push` each chunk, then `end`. */
  stream(): BodyRewrite {
    return new BodyRewrite(this);
  }
}

/** The state of one body being rewritten: the held-back tail of the previous chunk. */
export class BodyRewrite {
  readonly #rewriter: Rewriter;
  #held: Buffer | undefined;
  /** the last byte sent, the context of a scheme at the start of the held bytes */
  #prev: number | undefined;

  constructor(rewriter: Rewriter) {
    this.#rewriter = rewriter;
  }

  /** The rewritten bytes that can be sent now (possibly empty). */
  push(chunk: Buffer): Buffer {
    const buf = this.#held === undefined ? chunk : Buffer.concat([this.#held, chunk]);
    const { out, held } = this.#rewriter.rewrite(buf, false, this.#prev);
    const cut = buf.length - held;
    if (cut > 0) this.#prev = buf[cut - 1];
    this.#held = held === 0 ? undefined : Buffer.from(buf.subarray(cut)); // a copy: the chunk may be reused
    return out;
  }

  /** The rest, at the end of the body. */
  end(): Buffer {
    const held = this.#held;
    this.#held = undefined;
    return held === undefined ? Buffer.alloc(0) : this.#rewriter.rewrite(held, true, this.#prev).out;
  }
}
