// Endpoint: a ScopedAddress and a port. Text forms (RFC 5952 §6, RFC 3986 §3.2.2):
//   [fe80::1%eth0]:8080   IPv6, brackets required whenever a port follows
//   192.0.2.1:80          IPv4
// The port is 1-5 ASCII decimal digits with value 0-65535; leading zeros are accepted
// ("0080" is 80, as Go's ParseAddrPort); no sign, no empty port, no whitespace.
import { Fe80Error, quote, type Fe80ErrorCode } from '../errors.js';
import { codeOf, parseError, reasonText } from './parse-error.js';
import { res } from './parse.js';
import { KEY, parseAddressRange, ScopedAddress } from './scoped-address.js';

const WHERE = 'Endpoint.parse';

// Failure of the last tryParse-style call: code, reason, position, hint.
const fail = { code: 'ERR_INVALID_ENDPOINT' as Fe80ErrorCode, reason: '', pos: 0, hint: undefined as string | undefined };

function no(code: typeof fail.code, reason: string, pos: number, hint?: string): undefined {
  fail.code = code;
  fail.reason = reason;
  fail.pos = pos;
  fail.hint = hint;
  return undefined;
}

/** Parses the port in s[i, end): 1-5 digits, 0-65535; -1 on failure (reason in `fail`). */
function parsePort(s: string, i: number, end: number): number {
  if (i === end) return (no('ERR_INVALID_PORT', 'missing port after ":"', i), -1);
  if (end - i > 5) return (no('ERR_INVALID_PORT', 'port has more than 5 digits', i), -1);
  let v = 0;
  for (let j = i; j < end; j++) {
    const d = s.charCodeAt(j) - 48;
    if (d < 0 || d > 9) return (no('ERR_INVALID_PORT', `port must be decimal digits, found ${quote(s.charAt(j))}`, j), -1);
    v = v * 10 + d;
  }
  if (v > 65535) return (no('ERR_INVALID_PORT', 'port must be 0-65535', i), -1);
  return v;
}

function addressFailure(s: string): undefined {
  return no(codeOf(res.err), reasonText(res.err, s, res.pos), res.pos);
}

let makeEndpoint: (address: ScopedAddress, port: number) => Endpoint;

function parseEndpoint(s: string): Endpoint | undefined {
  const n = s.length;
  if (n === 0) return no('ERR_INVALID_ENDPOINT', 'empty string', 0);
  // Fast path: ":" and 1-5 digits at the end, read backwards, then the address before it.
  let j = n - 1;
  let fast = 0;
  for (let m = 1; j > 0 && m <= 10000; m *= 10) {
    const d = s.charCodeAt(j) - 48;
    if (d < 0 || d > 9) break;
    fast += d * m;
    j--;
  }
  const open = s.charCodeAt(0) === 0x5b; /* [ */
  if (j < n - 1 && fast <= 65535 && s.charCodeAt(j) === 0x3a) {
    if (open) {
      if (s.charCodeAt(j - 1) === 0x5d) {
        const a = parseAddressRange(s, 1, j - 1);
        if (a !== undefined && a.family === 6) return makeEndpoint(a, fast);
      }
    } else {
      const a = parseAddressRange(s, 0, j);
      if (a !== undefined && a.family === 4) return makeEndpoint(a, fast);
    }
  }
  // Slow path: the same grammar again, step by step, for the error and its position.
  if (open) {
    const close = s.indexOf(']', 1);
    if (close < 0) return no('ERR_INVALID_ENDPOINT', "missing ']'", n);
    const a = parseAddressRange(s, 1, close);
    if (a === undefined) return addressFailure(s);
    if (a.family === 4) {
      return no('ERR_INVALID_ENDPOINT', 'square brackets can only be used with IPv6 addresses', 0, `write ${a.address}:port`);
    }
    if (close + 1 === n) {
      return no('ERR_INVALID_PORT', 'missing port', n, `an endpoint needs a port: [${a}]:PORT`);
    }
    if (s.charCodeAt(close + 1) !== 0x3a /* : */) {
      return no('ERR_INVALID_ENDPOINT', "want ':' and a port after ']'", close + 1);
    }
    const port = parsePort(s, close + 2, n);
    return port < 0 ? undefined : makeEndpoint(a, port);
  }
  const colon = s.lastIndexOf(':');
  if (colon < 0) return no('ERR_INVALID_PORT', 'missing port', n);
  if (s.indexOf(':') !== colon) {
    // An IPv6 address (or a zone) without brackets: the port cannot be told apart (RFC 5952 §6).
    const head = ScopedAddress.tryParse(s.slice(0, colon));
    const tail = s.slice(colon + 1);
    if (head !== undefined && head.family === 6 && tail.length > 0 && isDigits(tail)) {
      return no('ERR_INVALID_ENDPOINT', 'an IPv6 address with a port must be in square brackets', 0, `did you mean [${head}]:${tail}?`);
    }
    const whole = ScopedAddress.tryParse(s);
    if (whole !== undefined) return no('ERR_INVALID_PORT', 'missing port', n, `an endpoint needs a port: [${whole}]:PORT`);
    return no('ERR_INVALID_ENDPOINT', 'an IPv6 address with a port must be in square brackets', 0, 'write IPv6 endpoints as [address%zone]:port');
  }
  const a = parseAddressRange(s, 0, colon);
  if (a === undefined) return addressFailure(s);
  const port = parsePort(s, colon + 1, n);
  return port < 0 ? undefined : makeEndpoint(a, port);
}

function isDigits(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
  }
  return true;
}

function checkPort(port: number, where: string): number {
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Fe80Error('ERR_INVALID_PORT', `${where}: port must be an integer 0-65535, got ${String(port)}`);
  }
  return port;
}

export class Endpoint {
  readonly #port: number;
  readonly #address: ScopedAddress;
  #text: string | undefined;

  static {
    makeEndpoint = (address, port) => new Endpoint(KEY, address, port);
  }

  private constructor(key: symbol, address: ScopedAddress, port: number) {
    if (key !== KEY) throw new TypeError('Endpoint has no public constructor; use Endpoint.parse() or Endpoint.from()');
    this.#address = address;
    this.#port = port;
    this.#text = undefined;
  }

  /** 0-65535. */
  get port(): number {
    return this.#port;
  }

  /** The address, with its zone. */
  get address(): ScopedAddress {
    return this.#address;
  }

  /**
   * Parses `[addr%zone]:port` or `a.b.c.d:port`. Throws Fe80Error ERR_INVALID_ENDPOINT,
   * ERR_INVALID_PORT, ERR_INVALID_ADDRESS or ERR_INVALID_ZONE with `input` and `position`.
   */
  static parse(text: string): Endpoint {
    if (typeof text !== 'string') throw new Fe80Error('ERR_INVALID_ENDPOINT', `${WHERE}: expected a string, got ${typeof text}`);
    const e = parseEndpoint(text);
    if (e !== undefined) return e;
    throw parseError(fail.code, WHERE, text, fail.reason, fail.pos, fail.hint);
  }

  /** Like parse, but returns undefined instead of throwing. */
  static tryParse(text: string): Endpoint | undefined {
    return typeof text === 'string' ? parseEndpoint(text) : undefined;
  }

  /** An endpoint from an address (or its text) and a port 0-65535. */
  static from(address: ScopedAddress | string, port: number): Endpoint {
    const a = typeof address === 'string' ? ScopedAddress.parse(address) : address;
    if (!(a instanceof ScopedAddress)) throw new Fe80Error('ERR_INVALID_ARGUMENT', 'Endpoint.from: `address` must be a ScopedAddress or a string');
    return makeEndpoint(a, checkPort(port, 'Endpoint.from'));
  }

  /** The address's zone. */
  get zone(): string | undefined {
    return this.#address.zone;
  }

  /** `[fe80::1%eth0]:8080` or `192.0.2.1:80`. */
  toString(): string {
    const a = this.#address;
    return (this.#text ??= a.family === 6 ? `[${a}]:${this.port}` : `${a}:${this.port}`);
  }

  /** Same as toString(). */
  toJSON(): string {
    return this.toString();
  }

  /** console.log / util.inspect show the text (the fields are private). */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `Endpoint(${this.toString()})`;
  }

  /** Reports whether address (with zone) and port are equal. */
  equals(o: Endpoint): boolean {
    return this === o || (o instanceof Endpoint && this.port === o.port && this.#address.equals(o.#address));
  }

  /** Orders by address (see ScopedAddress.compare), then port. */
  compare(o: Endpoint): -1 | 0 | 1 {
    const c = this.#address.compare(o.#address);
    if (c !== 0) return c;
    return this.port === o.port ? 0 : this.port < o.port ? -1 : 1;
  }

  /** The same address with another port. */
  withPort(port: number): Endpoint {
    return port === this.port ? this : makeEndpoint(this.address, checkPort(port, 'Endpoint.withPort'));
  }

  /** The same port with another zone (see ScopedAddress.withZone). */
  withZone(zone: string | undefined): Endpoint {
    const a = this.address.withZone(zone);
    return a === this.address ? this : makeEndpoint(a, this.port);
  }
}
