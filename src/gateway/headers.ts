// Header rewriting between the browser's view (the device at `http://LABEL.localhost:PORT`) and
// the device's (its own address or `.local` name, no zone). Works on Node's raw header arrays
// (`[name, value, name, value, ...]`), so repeated headers (Set-Cookie) keep their order.
import { DECODABLE_CODINGS } from '../http/content-coding.js';
import type { Rewriter } from './rewrite.js';

/** What the header rewriting needs to know about one device. */
export interface HeaderRoute {
  /** Host the device expects: `[fe80::2]:8080`, `printer.local` */
  deviceHost: string;
  /** `http://[fe80::2]:8080` */
  deviceOrigin: string;
  /** `http://fe80-2-eth0.localhost:8080` */
  localOrigin: string;
  rewriter: Rewriter;
  /** is this origin one of the gateway's own (landing page, another device)? */
  isGatewayOrigin(origin: string): boolean;
}

// RFC 9110 §7.6.1: hop-by-hop fields, never forwarded (plus the legacy ones RFC 7230 listed).
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

/** Codings zlib decodes; the device is asked for no other, so bodies to rewrite can be decoded. */
const DECODABLE = new Set([...DECODABLE_CODINGS, 'identity']);

/** Header names the Connection header lists (they are hop-by-hop too, RFC 9110 §7.6.1). */
function connectionTokens(raw: readonly string[]): Set<string> | undefined {
  let out: Set<string> | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i]!.length === 10 && raw[i]!.toLowerCase() === 'connection') {
      for (const t of raw[i + 1]!.split(',')) {
        const name = t.trim().toLowerCase();
        if (name !== '') (out ??= new Set()).add(name);
      }
    }
  }
  return out;
}

/** `gzip, deflate, br, zstd;q=0.5` -> `gzip, deflate, br` (only what the gateway can decode). */
export function decodableEncodings(value: string): string | undefined {
  const kept = value
    .split(',')
    .map((part) => part.trim())
    .filter((part) => DECODABLE.has(part.split(';')[0]!.trim().toLowerCase()));
  return kept.length === 0 ? undefined : kept.join(', ');
}

/** The origin of an absolute URL (`http://x:1/a` -> `http://x:1`), or undefined. */
function originOf(url: string): string | undefined {
  const scheme = url.indexOf('://');
  if (scheme < 0) return undefined;
  const slash = url.indexOf('/', scheme + 3);
  return (slash < 0 ? url : url.slice(0, slash)).toLowerCase();
}

/**
 * Request headers for the device: Host its own; Origin and Referer of the device's local origin
 * turned into the device's origin (CSRF checks compare them with the Host); an Origin of the
 * landing page or another device becomes `null` and such a Referer is dropped (they would tell the
 * device about the gateway);
 * hop-by-hop fields removed except, for a WebSocket handshake, Connection and Upgrade.
 */
export function requestHeaders(raw: readonly string[], route: HeaderRoute, upgrade: boolean): string[] {
  const out: string[] = ['Host', route.deviceHost];
  const listed = connectionTokens(raw);
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    const value = raw[i + 1]!;
    const lower = name.toLowerCase();
    switch (lower) {
      case 'host':
      case 'expect': // the gateway's server answered 100-continue itself
        continue;
      case 'origin':
        if (value.toLowerCase() === route.localOrigin) out.push(name, route.deviceOrigin);
        // another gateway origin (landing page, another device): cross-origin, told without naming it
        else out.push(name, route.isGatewayOrigin(value.toLowerCase()) ? 'null' : value);
        continue;
      case 'referer': {
        const origin = originOf(value);
        if (origin === route.localOrigin) out.push(name, route.deviceOrigin + value.slice(origin.length));
        else if (origin !== undefined && route.isGatewayOrigin(origin)) continue;
        else out.push(name, value);
        continue;
      }
      case 'accept-encoding': {
        const kept = decodableEncodings(value);
        if (kept !== undefined) out.push(name, kept);
        continue;
      }
      case 'connection':
      case 'upgrade':
        if (upgrade) out.push(name, value);
        continue;
      default:
        if (HOP_BY_HOP.has(lower) || listed?.has(lower) === true) continue;
        out.push(name, value);
    }
  }
  return out;
}

/** `Set-Cookie` without `Domain` (a host-only cookie of the local origin, RFC 6265 §5.3 step 6). */
export function rewriteSetCookie(value: string): string {
  if (!/;\s*domain\s*=/i.test(value)) return value;
  return value
    .split(';')
    .filter((part, i) => i === 0 || part.split('=')[0]!.trim().toLowerCase() !== 'domain')
    .join(';');
}

/** Response fields that may name the device's origin and are rewritten to the local one. */
const URL_FIELDS = new Set([
  'location',
  'content-location',
  'refresh',
  'link',
  'access-control-allow-origin',
  'content-security-policy',
  'content-security-policy-report-only',
]);

/** Fields that only make sense for the device's own origin (HSTS over http://*.localhost, Alt-Svc to the device). */
const DROPPED = new Set(['strict-transport-security', 'alt-svc', 'public-key-pins', 'public-key-pins-report-only', 'expect-ct']);

export interface ResponseHeaderOptions {
  /** the body is rewritten: its length changes */
  rewriting: boolean;
  /** the body is decoded (Content-Encoding removed) */
  decoding: boolean;
}

/** Response headers for the browser: device URLs in Location & co. turned local, cookies host-only, hop-by-hop removed. */
export function responseHeaders(raw: readonly string[], route: HeaderRoute, o: ResponseHeaderOptions): string[] {
  const out: string[] = [];
  const listed = connectionTokens(raw);
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    const value = raw[i + 1]!;
    const lower = name.toLowerCase();
    if (HOP_BY_HOP.has(lower) || listed?.has(lower) === true || DROPPED.has(lower)) continue;
    if (lower === 'set-cookie') out.push(name, rewriteSetCookie(value));
    else if (URL_FIELDS.has(lower)) out.push(name, route.rewriter.rewriteText(value));
    else if ((lower === 'content-length' || lower === 'content-md5' || lower === 'digest') && o.rewriting) continue;
    else if (lower === 'content-encoding' && o.decoding) continue;
    else out.push(name, value);
  }
  return out;
}

/** Content types whose bodies carry links: HTML, CSS, JavaScript, JSON, XML/SVG, web manifests. */
export function isRewritable(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const semi = contentType.indexOf(';');
  const type = (semi < 0 ? contentType : contentType.slice(0, semi)).trim().toLowerCase();
  switch (type) {
    case 'text/html':
    case 'application/xhtml+xml':
    case 'text/css':
    case 'text/javascript':
    case 'application/javascript':
    case 'application/x-javascript':
    case 'application/ecmascript':
    case 'text/ecmascript':
    case 'application/json':
    case 'text/json':
    case 'application/xml':
    case 'text/xml':
    case 'image/svg+xml':
    case 'application/manifest+json':
      return true;
    default:
      return type.endsWith('+json') || type.endsWith('+xml');
  }
}
