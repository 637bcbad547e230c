// A URL as typed on a command line, read as curl reads it: without "scheme://" it is
// http://, and a bare IPv6 address (`fe80::1%eth0`, zone and all) is a host, not the scheme
// "fe80:" that WHATWG URL parsing would see in it.
import { ScopedAddress } from '../addr/index.js';

/** RFC 3986 §3.1 scheme followed by "://" */
const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;

export interface UrlInput {
  /** the URL to parse */
  url: string;
  /** "http://" was added (the user wrote none) */
  guessed: boolean;
}

export function hasScheme(text: string): boolean {
  return SCHEME.test(text);
}

/**
 * `http://[fe80::1%25eth0]/x` as is; `[fe80::1%eth0]:8080/x` and `printer.local/x` get http://;
 * `fe80::1%eth0` and `fe80::1%eth0/x` (an IPv6 address without brackets: colons cannot be a port
 * there) are bracketed first.
 */
export function urlFromInput(text: string): UrlInput {
  if (hasScheme(text)) return { url: text, guessed: false };
  const cut = text.search(/[/?#]/);
  const host = cut < 0 ? text : text.slice(0, cut);
  if (!host.startsWith('[') && host.indexOf(':') !== host.lastIndexOf(':')) {
    const address = ScopedAddress.tryParse(host);
    if (address !== undefined && address.family === 6) return { url: `http://[${host}]${cut < 0 ? '/' : text.slice(cut)}`, guessed: true };
  }
  return { url: `http://${text}`, guessed: true };
}
