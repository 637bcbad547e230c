// DNS name helpers for mDNS: normalisation (RFC 6762 §16: NFC UTF-8) and comparison
// (case-insensitive for ASCII letters only, RFC 6762 §16 / RFC 4343).
import { Fe80Error, quote } from '../errors.js';

/** Lower-case ASCII letters only; other code points are compared exactly (RFC 6762 §16). */
export function asciiLower(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    out += c >= 0x41 && c <= 0x5a ? String.fromCharCode(c + 0x20) : text[i];
  }
  return out;
}

/**
 * Validates and normalises a host name for an mDNS query: NFC, no trailing dot, labels of 1-63
 * bytes, at most 253 bytes in all. Throws ERR_INVALID_ARGUMENT.
 */
export function normalizeName(name: string): string {
  if (typeof name !== 'string') {
    throw new Fe80Error('ERR_INVALID_ARGUMENT', `the name must be a string, got ${typeof name}`);
  }
  let n = name.normalize('NFC');
  if (n.endsWith('.')) n = n.slice(0, -1);
  if (n.length === 0) throw new Fe80Error('ERR_INVALID_ARGUMENT', 'the name is empty', { input: name });
  if (Buffer.byteLength(n, 'utf8') > 253) {
    throw new Fe80Error('ERR_INVALID_ARGUMENT', `name ${quote(name)} is longer than 253 bytes`, { input: name });
  }
  for (const label of n.split('.')) {
    const bytes = Buffer.byteLength(label, 'utf8');
    if (bytes === 0 || bytes > 63) {
      throw new Fe80Error('ERR_INVALID_ARGUMENT', `name ${quote(name)} has an empty label or one longer than 63 bytes`, {
        input: name,
      });
    }
    for (let i = 0; i < label.length; i++) {
      const c = label.charCodeAt(i);
      if (c < 0x21 || c === 0x7f) {
        throw new Fe80Error('ERR_INVALID_ARGUMENT', `name ${quote(name)} contains a control character or space`, {
          input: name,
          position: i,
        });
      }
    }
  }
  return n;
}

/** Canonical key of a name: ASCII lower case, no trailing dot. */
export function nameKey(name: string): string {
  return asciiLower(name.endsWith('.') ? name.slice(0, -1) : name);
}

/** Reports whether `name` is in the mDNS `.local` domain (RFC 6762 §3), trailing dot optional. */
export function isLocalName(name: string): boolean {
  const key = nameKey(name);
  return key.endsWith('.local') && key.length > '.local'.length;
}
