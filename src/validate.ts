// The one validation layer: option checks with one message style (`NAME must be EXPECTED, got
// VALUE`), used by every module before any I/O. Pure (no node: imports), so every floor can use it.
import { Fe80Error, quote } from './errors.js';

/** Largest delay setTimeout honours (2^31-1 ms). */
export const MAX_MS = 0x7fff_ffff;

/** A value as a message shows it: strings quoted and clipped, other primitives as text, objects by type. */
export function describe(value: unknown): string {
  if (typeof value === 'string') return quote(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint' || value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'an array';
  return typeof value;
}

/** ERR_INVALID_ARGUMENT: `NAME must be EXPECTED, got VALUE`. */
export function invalid(name: string, expected: string, value: unknown): Fe80Error {
  return new Fe80Error('ERR_INVALID_ARGUMENT', `${name} must be ${expected}, got ${describe(value)}`, {
    input: typeof value === 'string' ? value : undefined,
  });
}

/** Options bag: `undefined` (and `null`, as Node's own APIs) -> `{}`; anything but a plain object throws. */
export function checkObject<T extends object>(value: T | undefined | null, name: string): Partial<T> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw invalid(name, 'an object', value);
  return value;
}

/** A duration in ms: finite, `min`..2^31-1 (default min 0); `undefined` stays `undefined`. */
export function checkMs(value: unknown, name: string, min = 0): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > MAX_MS) {
    throw invalid(name, `a number of milliseconds ${min}-${MAX_MS}`, value);
  }
  return value;
}

export function checkSignal(value: unknown, name = 'signal'): AbortSignal | undefined {
  if (value === undefined) return undefined;
  if (!(value instanceof AbortSignal)) throw invalid(name, 'an AbortSignal', value);
  return value;
}

export function checkBoolean(value: unknown, name: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') throw invalid(name, 'a boolean', value);
  return value;
}

export function checkInteger(value: unknown, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalid(name, `an integer ${min}-${max}`, value);
  }
  return value;
}

export function checkFunction<F extends (...args: never[]) => unknown>(value: unknown, name: string): F | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'function') throw invalid(name, 'a function', value);
  return value as F;
}

/** One of `allowed`; `undefined` stays `undefined`. */
export function checkOneOf<T extends string | number>(value: unknown, name: string, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!allowed.includes(value as T)) throw invalid(name, allowed.map((a) => (typeof a === 'string' ? `'${a}'` : String(a))).join(', ').replace(/, ([^,]*)$/, ' or $1'), value);
  return value as T;
}

/** A port number; 0 only where `allowZero` (listen/bind: "any free port"). ERR_INVALID_PORT. */
export function checkPort(value: unknown, name: string | (() => string), allowZero: boolean): number {
  const min = allowZero ? 0 : 1;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > 65535) {
    const what = typeof name === 'string' ? name : name();
    throw new Fe80Error('ERR_INVALID_PORT', `${what} must be an integer ${min}-65535, got ${describe(value)}`, {
      input: String(value),
    });
  }
  return value;
}

/** `[fe80::1]` -> `fe80::1` (the URL/endpoint bracket form of an IPv6 host); anything else unchanged. */
export function unbracket(host: string): string {
  return host.length > 1 && host.charCodeAt(0) === 0x5b && host.charCodeAt(host.length - 1) === 0x5d ? host.slice(1, -1) : host;
}
