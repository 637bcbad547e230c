// Turns the parser's (reason, position) into a netip-style Fe80Error:
//   ScopedAddress.parse("fe80::1%"): zone must be a non-empty string (at "%")
import { Fe80Error, MAX_QUOTED, quote, type Fe80ErrorCode } from '../errors.js';
import { E_CHAR, E_ZONE_CHAR, FIRST_ZONE_ERROR, REASONS } from './parse.js';
import { describeZoneChar } from './zone.js';

/** Quotes `s` for a message, shortened so a hostile 1 MB input gives a short message. */
export const clip = quote;

/** Reason text for a parser error at `pos` of `input`. */
export function reasonText(err: number, input: string, pos: number): string {
  if (err === E_CHAR && pos < input.length) return `${REASONS[err]} ${quote(input.charAt(pos))}`;
  if (err === E_ZONE_CHAR) return `${REASONS[err]} ${describeZoneChar(input.charCodeAt(pos))}`;
  return REASONS[err] ?? 'invalid';
}

/** The Fe80Error code for a parser error. */
export function codeOf(err: number): Fe80ErrorCode {
  return err >= FIRST_ZONE_ERROR ? 'ERR_INVALID_ZONE' : 'ERR_INVALID_ADDRESS';
}

/** Builds `where(input): reason (at "rest")`. */
export function parseError(
  code: Fe80ErrorCode,
  where: string,
  input: string,
  reason: string,
  pos: number,
  hint?: string,
): Fe80Error {
  // netip names the unparsed rest; nothing to add when that is the whole input or nothing.
  const at = pos > 0 && pos < input.length ? ` (at ${clip(input.slice(pos, pos + MAX_QUOTED))})` : '';
  return new Fe80Error(code, `${where}(${clip(input)}): ${reason}${at}`, { input, position: pos, hint });
}
