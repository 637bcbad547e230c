// DNS-SD names and TXT data (RFC 6763): service types as users write them (`_http._tcp`, a
// subtype as `_printer._sub._http._tcp`), instance names split into (instance, type, domain), and
// TXT strings into key/value pairs.
import { Fe80Error, quote } from '../errors.js';
import { asciiLower } from './names.js';
import type { Labels } from './message.js';

/** RFC 6763 §9: the name that lists the service types on a link. */
export const SERVICES_NAME: Labels = ['_services', '_dns-sd', '_udp', 'local'];

export interface ServiceType {
  /** `_http._tcp` */
  type: string;
  /** `_printer` for `_printer._sub._http._tcp`, else undefined */
  subtype: string | undefined;
  /** the PTR question to ask: `[_printer, _sub,] _http, _tcp, local` */
  query: Labels;
}

/**
 * Parses a service type as written by a user: `_name._tcp` or `_name._udp` (RFC 6763 §7: the
 * name is 1-15 letters, digits and hyphens after the underscore), optionally prefixed by a subtype
 * `_sub-name._sub.` (§7.1; Matter uses `_L840._sub._matterc._udp`), with or without a trailing
 * `.local`. Throws ERR_INVALID_ARGUMENT with what was expected.
 */
export function parseServiceType(text: string): ServiceType {
  const fail = (why: string): Fe80Error =>
    new Fe80Error('ERR_INVALID_ARGUMENT', `service type ${quote(text)} ${why} (expected e.g. '_http._tcp' or '_printer._sub._http._tcp')`, {
      input: typeof text === 'string' ? text : undefined,
    });
  if (typeof text !== 'string') throw new Fe80Error('ERR_INVALID_ARGUMENT', `a service type must be a string, got ${typeof text}`);
  let labels = text.replace(/\.$/, '').split('.');
  if (labels.length > 2 && asciiLower(labels[labels.length - 1] as string) === 'local') labels = labels.slice(0, -1);
  let subtype: string | undefined;
  if (labels.length === 4) {
    if (asciiLower(labels[1] as string) !== '_sub') throw fail("has four labels but the second is not '_sub'");
    subtype = labels[0] as string;
    if (subtype.length < 1 || Buffer.byteLength(subtype) > 63) throw fail('has a subtype label that is empty or longer than 63 bytes');
    labels = labels.slice(2);
  }
  if (labels.length !== 2) throw fail('is not two labels');
  const [name, proto] = labels as [string, string];
  if (!/^_[A-Za-z0-9](?:[A-Za-z0-9-]{0,13}[A-Za-z0-9])?$/.test(name) || !/[A-Za-z]/.test(name)) throw fail('has a name that is not 1-15 letters, digits or hyphens after "_"');
  const p = asciiLower(proto);
  if (p !== '_tcp' && p !== '_udp') throw fail("has a protocol other than '_tcp' or '_udp'");
  const type = `${name}.${p}`;
  return { type, subtype, query: subtype === undefined ? [name, p, 'local'] : [subtype, '_sub', name, p, 'local'] };
}

/** What a PTR owner name says: a type (`_http._tcp.local`), a subtype of one, or the type list. */
export type PtrOwner = { kind: 'services' } | { kind: 'type'; type: string } | { kind: 'subtype'; type: string; subtype: string };

/** Classifies a PTR record's owner name (labels), or undefined when it is none of the DNS-SD forms. */
export function ptrOwner(name: Labels): PtrOwner | undefined {
  const l = name.map(asciiLower);
  if (l.length === 4 && l[0] === '_services' && l[1] === '_dns-sd' && l[2] === '_udp' && l[3] === 'local') return { kind: 'services' };
  const isType = (a: string | undefined, b: string | undefined): boolean => a !== undefined && a.startsWith('_') && (b === '_tcp' || b === '_udp');
  if (l.length === 3 && l[2] === 'local' && isType(l[0], l[1])) return { kind: 'type', type: `${name[0]}.${l[1]}` };
  if (l.length === 5 && l[1] === '_sub' && l[4] === 'local' && isType(l[2], l[3])) return { kind: 'subtype', type: `${name[2]}.${l[3]}`, subtype: name[0] as string };
  return undefined;
}

/** A service instance name split (RFC 6763 §4.1): `<Instance>.<_name>.<_proto>.local`. */
export function splitInstance(name: Labels): { instance: string; type: string; domain: string } | undefined {
  if (name.length !== 4 || asciiLower(name[3] as string) !== 'local') return undefined;
  const proto = asciiLower(name[2] as string);
  if (!(name[1] as string).startsWith('_') || (proto !== '_tcp' && proto !== '_udp') || (name[0] as string).length === 0) return undefined;
  return { instance: name[0] as string, type: `${name[1]}.${proto}`, domain: 'local' };
}

/** Types compare ASCII case-insensitively. */
export function typeKey(type: string): string {
  return asciiLower(type);
}

/**
 * TXT strings as key/value pairs (RFC 6763 §6.3-6.5): `key=value` (the value may be empty), a
 * bare `key` is a boolean attribute (true); keys are compared case-insensitively and given in lower
 * case; the first occurrence of a key wins; a string that starts with '=' has no key and is
 * ignored. Values are decoded as UTF-8 (the raw bytes are kept beside them). A TXT record that is
 * a single empty string holds no pairs (§6.1).
 */
export function parseTxt(strings: readonly Buffer[]): Record<string, string | true> {
  const out: Record<string, string | true> = {};
  for (const s of strings) {
    if (s.length === 0) continue;
    const eq = s.indexOf(0x3d);
    if (eq === 0) continue;
    const key = asciiLower(s.subarray(0, eq < 0 ? s.length : eq).toString('latin1'));
    if (Object.hasOwn(out, key)) continue;
    // defineProperty: a key such as `__proto__` is an ordinary key here, never the prototype
    Object.defineProperty(out, key, { value: eq < 0 ? true : s.subarray(eq + 1).toString('utf8'), enumerable: true, writable: true, configurable: true });
  }
  return out;
}
