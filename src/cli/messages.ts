// What the CLI says when something fails: the library's errors in the words of a shell user.
// Advice names flags and forms a user types (`--zone eth1`, `'[fe80::1%eth1]:8080'`,
// `http://[fe80::1%25eth1]/`), never JavaScript (`{ zone: 'auto' }`, `options.zone`,
// `Endpoint.parse()`); only interfaces that exist are suggested, the closest one for a typo.
//
// This is the one place that turns an Fe80Error into CLI text. The zone floor words its advice
// for both audiences (`error.advice`, `messageFor(error, 'cli')`); here a missing zone is also
// shown in the form the user typed (their URL or HOST PORT, not the floor's default endpoint), and
// what remains of library wording in messages without advice (parser names, hints) is rewritten.
import { clippedList, Fe80Error, messageFor, quote } from '../errors.js';
import { registry as defaultRegistry, type InterfaceInfo, type InterfaceRegistry } from '../iface/index.js';
import { shellQuote } from '../zone/advice.js'; // the leaf module: not the whole zone floor at start-up
import { ScopedAddress } from '../addr/index.js';
import { closest } from './suggest.js';

/** What the user typed for the destination, so advice can be given in the same form. */
export type TargetForm =
  | { kind: 'url'; text: string }
  | { kind: 'endpoint'; text: string }
  | { kind: 'hostport'; host: string; port: string }
  | { kind: 'bind'; text: string | undefined; port: number | undefined };

export interface MessageContext {
  /** the subcommand: 'connect', 'fetch', ... */
  command: string;
  target?: TargetForm | undefined;
  /** UDP (connect -u): a missing zone cannot be raced */
  udp?: boolean;
  registry?: InterfaceRegistry;
}

/** Interfaces a missing zone would be raced over (up, not loopback, with a usable link-local address). */
function candidates(reg: InterfaceRegistry): InterfaceInfo[] {
  try {
    return reg.candidates();
  } catch {
    return [];
  }
}

function allInterfaces(reg: InterfaceRegistry): InterfaceInfo[] {
  try {
    return reg.list();
  } catch {
    return [];
  }
}

const LISTED = 8;

function names(list: readonly InterfaceInfo[], mark = false): string {
  return listed(list.map((i) => `${i.name}${mark && !i.up ? ' (down)' : ''}`));
}

function listed(words: readonly string[]): string {
  return clippedList(words, LISTED) || 'none';
}

/** The user's destination with `zone` written into it, as they would retype it. */
function withZone(address: ScopedAddress, zone: string, ctx: MessageContext): string | undefined {
  const t = ctx.target;
  const bare = address.address;
  if (t === undefined) return undefined;
  if (t.kind === 'url') {
    // the first [bare] or [bare%...] in the URL's authority
    const at = t.text.search(/\[[^\]]*\]/);
    if (at < 0) return shellQuote(`http://[${bare}%25${encodeURIComponent(zone)}]/`);
    const end = t.text.indexOf(']', at);
    return shellQuote(`${t.text.slice(0, at)}[${bare}%25${encodeURIComponent(zone)}]${t.text.slice(end + 1)}`);
  }
  if (t.kind === 'endpoint') {
    const end = t.text.indexOf(']');
    return shellQuote(end > 0 ? `[${bare}%${zone}]${t.text.slice(end + 1)}` : `${bare}%${zone}`);
  }
  if (t.kind === 'hostport') return `${shellQuote(`${bare}%${zone}`)} ${shellQuote(t.port)}`;
  return shellQuote(`[${bare}%${zone}]:${t.port ?? 0}`);
}

/** ERR_ZONE_REQUIRED in CLI words. */
function zoneRequired(error: Fe80Error, ctx: MessageContext, reg: InterfaceRegistry): string {
  const address = ScopedAddress.tryParse(error.input ?? '');
  const subject = address === undefined ? quote(error.input ?? '') : address.address;
  const what = address?.isMulticast() === true ? `a ${address.scope()} multicast address` : 'a link-local address';
  // the floor's own list (within the allowed set), read when the error was made; else the registry's
  const list = error.candidates ?? candidates(reg).map((i) => i.name);
  const head = `${subject} is ${what} and needs a zone (which interface?)`;
  if (list.length === 0) {
    const all = allInterfaces(reg);
    const down = all.find((i) => !i.loopback && !i.up);
    const bringUp = down === undefined ? '' : `; bring one up (ip link set dev ${shellQuote(down.name)} up)`;
    return `${head}; no interface is up with an IPv6 link-local address (have: ${names(all, true)})${bringUp}`;
  }
  const first = list[0] as string;
  const written = address === undefined ? undefined : withZone(address, first, ctx);
  const flag = ctx.target?.kind === 'bind' ? `--interface ${shellQuote(first)}` : `--zone ${shellQuote(first)}`;
  const pick = written === undefined ? flag : `${written} or ${flag}`;
  const race = ctx.udp || ctx.target?.kind === 'bind' || list.length < 2 ? '' : '; or race them: --zone auto';
  return `${head}; candidates (up, with an IPv6 link-local address): ${listed(list)}. Pick one: ${pick}${race}`;
}

/** ERR_UNKNOWN_INTERFACE: the interfaces that exist, and the closest to what was typed. */
function unknownInterface(error: Fe80Error, reg: InterfaceRegistry): string {
  const all = allInterfaces(reg);
  const typed = error.input ?? '';
  // an index: the library's message lists the indexes that exist
  if (/^\d+$/.test(typed)) return scrub(error.message);
  const guess = closest(typed, all.map((i) => i.name));
  const head = error.message.replace(/; have: .*$/s, '');
  const mean = guess === undefined ? '' : `; did you mean ${guess}?`;
  return `${scrub(head)}${mean} (have: ${names(all)})`;
}

/** ERR_INTERFACE_DOWN: what to do, naming only interfaces that exist. */
function interfaceDown(error: Fe80Error, reg: InterfaceRegistry, ctx: MessageContext): string {
  const name = error.input ?? '';
  const others = candidates(reg).filter((i) => i.name !== name);
  const head = scrub(error.message.replace(/; bring it up or pick another interface$/, ''));
  const flag = ctx.target?.kind === 'bind' ? '--interface' : '--zone';
  const up = /is down/.test(error.message) ? `bring it up (ip link set dev ${shellQuote(name)} up)` : 'wait for its address or give it one';
  return `${head}; ${up}${others.length > 0 ? ` or pick another: ${flag} ${shellQuote((others[0] as InterfaceInfo).name)}` : ''}`;
}

/** A single-label name ("printer") failed: only mDNS would answer for a device on the link. */
function notFound(error: Fe80Error): string {
  const name = error.input ?? '';
  const message = scrub(error.message);
  if (/^[A-Za-z0-9-]{1,63}$/.test(name) && !/^\d+$/.test(name)) {
    return `${message} (a device on the link answers by mDNS only as ${name}.local: try ${name}.local)`;
  }
  return message;
}

const PARSERS: readonly (readonly [RegExp, string])[] = [
  [/^ScopedAddress\.parse\(("(?:[^"\\]|\\.)*")\): /, 'invalid address $1: '],
  [/^ScopedAddress\.parse: /, 'invalid address: '],
  [/^Endpoint\.parse\(("(?:[^"\\]|\\.)*")\): /, 'invalid endpoint $1: '],
  [/^Endpoint\.parse: /, 'invalid endpoint: '],
  [/^parseUrl\(("(?:[^"\\]|\\.)*")\): /, 'invalid URL $1: '],
  [/^parseUrl: /, 'invalid URL: '],
];

/**
 * Library phrasing a shell user cannot type, rewritten or dropped: in messages without advice
 * (the zone floor's advice, `{ zone: 'eth0' }` and the like, is reworded by messageFor) and hints.
 */
const JS_ADVICE: readonly (readonly [RegExp, string])[] = [
  [/\{ interface: ("[^"]*"), port \}/g, '--interface $1'],
  [/; use Endpoint\.parse\(\) or parseUrl\(\)/, ': leave them out here, or add a port: [ADDRESS%ZONE]:PORT'],
  [/; use parseUrl\(\)/, ': give it to fe80 fetch, or parse it with --as url'],
  [/; use Endpoint\.parse\(\)/, ': parse it with --as endpoint'],
  [/\bin the zone option\b/g, 'in --zone'],
  // the multicast hint (socket calls, also in the message after '; '): dropped whole, it holds a ';'
  [/(^|; )choose the outgoing interface on the socket.*$/, ''],
  [/, or use UDP$/, ''],
];

/** Library wording the zone floor's advice does not cover, in CLI words. */
function scrub(text: string): string {
  let out = text;
  for (const [pattern, replacement] of PARSERS) out = out.replace(pattern, replacement);
  for (const [pattern, replacement] of JS_ADVICE) out = out.replace(pattern, replacement);
  return out;
}

/** A hint in CLI words; library examples with interfaces that may not exist are replaced by real ones. */
function hintText(hint: string, reg: InterfaceRegistry, input: string | undefined): string {
  const first = candidates(reg)[0]?.name;
  let out = scrub(hint);
  // 'eth0' the user typed stays; 'eth0' as the library's placeholder becomes a real interface
  if (/\beth0\b/.test(out) && !(input ?? '').includes('eth0') && allInterfaces(reg).every((i) => i.name !== 'eth0')) {
    out = first === undefined ? out.replace(/,? e\.g\. \S+/, '') : out.replace(/\beth0\b/g, first);
  }
  return out;
}

/** The option that sets the limit an ERR_TIMEOUT ran into, per command. */
const TIMEOUT_FLAGS: Record<string, string> = { fetch: '--connect-timeout SECS or -m SECS', connect: '-w SECS', resolve: '--timeout MS' };

/** The error's message and its hint (separately), in CLI words. */
export function cliParts(error: Fe80Error, ctx: MessageContext): { message: string; hint: string | undefined } {
  const reg = ctx.registry ?? defaultRegistry;
  let message: string;
  switch (error.code) {
    case 'ERR_ZONE_REQUIRED':
      // the floor's CLI advice shows a default form; with the user's own form we can do better
      if (ctx.target !== undefined || error.advice === undefined) return { message: zoneRequired(error, ctx, reg), hint: undefined };
      return { message: scrub(messageFor(error, 'cli')), hint: undefined };
    case 'ERR_UNKNOWN_INTERFACE':
      message = unknownInterface(error, reg);
      break;
    case 'ERR_INTERFACE_DOWN':
      message = interfaceDown(error, reg, ctx);
      break;
    case 'ERR_NOT_FOUND':
      message = notFound(error);
      break;
    case 'ERR_TIMEOUT':
      message = `${scrub(messageFor(error, 'cli'))}${TIMEOUT_FLAGS[ctx.command] === undefined ? '' : ` (${TIMEOUT_FLAGS[ctx.command]} to wait longer)`}`;
      break;
    default:
      message = scrub(messageFor(error, 'cli'));
  }
  let hint = error.hint === undefined ? undefined : hintText(error.hint, reg, error.input);
  if (hint === '') hint = undefined;
  // a hint the message already spells out (the library puts some in both) is given once
  if (hint !== undefined && message.includes(`(${hint})`)) message = message.replace(` (${hint})`, '');
  return { message, hint };
}

/** The error's message and hint for a terminal, without the `[CODE]` (main adds it). */
export function cliMessage(error: Fe80Error, ctx: MessageContext): string {
  const { message, hint } = cliParts(error, ctx);
  return hint === undefined ? message : `${message} (${hint})`;
}

/** Every error, also a system or library one that is not an Fe80Error, as one line. */
export function errorText(error: unknown, ctx: MessageContext): string {
  if (error instanceof Fe80Error) return `${cliMessage(error, ctx)} [${error.code}]`;
  return scrub(error instanceof Error ? error.message : String(error));
}
