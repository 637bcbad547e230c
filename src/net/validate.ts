// Up-front validation of options shared by the socket functions: every bad value is an
// ERR_INVALID_ARGUMENT (or ERR_INVALID_PORT) before any socket exists.
import { Fe80Error, quote } from '../errors.js';

/** Largest delay setTimeout honours (2^31-1 ms). */
export const MAX_MS = 0x7fff_ffff;

function describe(value: unknown): string {
  if (typeof value === 'string') return quote(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) return String(value);
  return typeof value;
}

export function invalid(name: string, expected: string, value: unknown): Fe80Error {
  return new Fe80Error('ERR_INVALID_ARGUMENT', `${name} must be ${expected}, got ${describe(value)}`);
}

/** Options bag: `undefined` -> `{}`; anything but a plain object throws. */
export function checkObject<T extends object>(value: T | undefined, name: string): Partial<T> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(name, 'an object', value);
  return value;
}

/** A duration in ms: finite, >= 0, <= 2^31-1; `undefined` stays `undefined`. */
export function checkMs(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > MAX_MS) {
    throw invalid(name, `a number of milliseconds 0-${MAX_MS}`, value);
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

/** A port number; 0 only where `allowZero` (listen/bind: "any free port"). */
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
