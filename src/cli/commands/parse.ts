// `fe80 parse [--as address|endpoint|url] [--json] INPUT... | -`: validate and canonicalise
// addresses, endpoints and URLs. With `-`, one input per line from stdin, streamed (chunks in,
// writeLine with backpressure out), so a 100,000-line config check never sits in memory at once.
import type { Readable } from 'node:stream';
import { defineCommand, EXIT, UsageError, parse, writeLine, type Io } from '../command.js';
import { Fe80Error, quote } from '../../errors.js';
import { cliParts } from '../messages.js';
import { hasScheme, urlFromInput } from '../url-input.js';
import { Endpoint, parseUrl, ScopedAddress, type ParsedUrl } from '../../addr/index.js';

const OPTIONS = {
  as: { type: 'string', value: 'KIND', complete: ['address', 'endpoint', 'url'], description: 'parse every input as KIND: address, endpoint or url (default: guessed per input)' },
  json: { type: 'boolean', description: 'one JSON object per input instead (shape in the manual)' },
} as const;

const command = defineCommand({
  name: 'parse',
  summary: 'validate and canonicalise addresses, endpoints and URLs',
  synopsis: ['[--as address|endpoint|url] [--json] INPUT...', '[--as address|endpoint|url] [--json] -'],
  description: `Validates each INPUT and prints its canonical form, one per line: RFC 5952 text with the zone
kept verbatim (fe80::1%eth0), [address%zone]:port for endpoints, and for URLs the RFC 6874 form
with the zone as %25zone. With '-', one input per line is read from stdin (streamed; lines end at
LF, one CR before it is dropped, nothing is trimmed: a lone CR stays part of the line). Invalid
inputs are reported on stderr as "fe80 parse: MESSAGE (HINT) [CODE]"; the others are still
printed. Hints for valid inputs (a zone that looks URL-encoded, a ':port' in a zone) go to
stderr too.

Without --as, an input with "://" is a URL, one that starts with '[' and has "]:" or is
a.b.c.d:port is an endpoint, anything else an address. A URL needs its scheme: fe80::1 is an
address, not the URL scheme "fe80:" (fe80 fetch adds http:// the way curl does; parse does not guess).

--json prints one object per input, in input order (a stable shape; absent values are null):
  {"input": "fe80::1%eth0", "valid": true, "family": 6, "address": "fe80::1", "zone": "eth0",
   "port": null, "scope": "link-local", "hint": null, "error": null}
address is canonical without the zone; error is {"code", "message"} for an invalid input.`,
  options: OPTIONS,
  exit: [
    ['0', 'every input is valid'],
    ['1', 'an input is invalid (the others are printed)'],
    ['2', 'usage error'],
  ],
  examples: [
    "$ fe80 parse FE80::0001%eth0 '[fe80::1%eth0]:8080' 'http://[fe80::1%eth0]:8080/'",
    'fe80::1%eth0',
    '[fe80::1%eth0]:8080',
    'http://[fe80::1%25eth0]:8080/',
    '$ fe80 parse --json - < addresses.txt',
  ],
  seeAlso: 'fe80 help fetch; docs/addr.md',
  run,
});

export default command;

type Kind = 'address' | 'endpoint' | 'url';
const KINDS: readonly string[] = ['address', 'endpoint', 'url'];

interface Result {
  input: string;
  valid: boolean;
  family: 4 | 6 | null;
  address: string | null;
  zone: string | null;
  port: number | null;
  scope: string | null;
  hint: string | null;
  error: { code: string; message: string } | null;
}

/** a.b.c.d:port: one ':' with a '.' before it (the parser checks the rest). */
function looksLikeV4Endpoint(s: string): boolean {
  const colon = s.indexOf(':');
  return colon > 0 && s.indexOf(':', colon + 1) < 0 && s.lastIndexOf('.', colon) > 0;
}

function detect(s: string): Kind {
  if (s.includes('://')) return 'url';
  if ((s.startsWith('[') && s.includes(']:')) || looksLikeV4Endpoint(s)) return 'endpoint';
  return 'address';
}

/** The URL with the zone put back into the host as RFC 6874 `%25zone`. */
function zonedHref(u: ParsedUrl): string {
  const href = u.url.href;
  if (u.zone === undefined) return href;
  const host = u.url.hostname; // "[fe80::1]"
  const at = href.indexOf(host, u.url.protocol.length);
  if (at < 0) return href;
  return `${href.slice(0, at + host.length - 1)}%25${encodeURIComponent(u.zone)}${href.slice(at + host.length - 1)}`;
}

function evaluate(input: string, kind: Kind | undefined): { result: Result; canonical: string; hint?: string | undefined } {
  const result: Result = { input, valid: false, family: null, address: null, zone: null, port: null, scope: null, hint: null, error: null };
  try {
    let canonical: string;
    let a: ScopedAddress | undefined;
    switch (kind ?? detect(input)) {
      case 'address':
        a = ScopedAddress.parse(input);
        canonical = a.toString();
        break;
      case 'endpoint': {
        const e = Endpoint.parse(input);
        a = e.address;
        result.port = e.port;
        canonical = e.toString();
        break;
      }
      case 'url': {
        if (!hasScheme(input)) {
          const guess = urlFromInput(input).url;
          throw new Fe80Error('ERR_INVALID_URL', `${quote(input)} is not a URL: it has no scheme (http://, https://)`, {
            input,
            hint: `as a URL: ${guess} (what fe80 fetch makes of it)`,
          });
        }
        const u = parseUrl(input);
        a = u.address;
        result.port = u.port;
        canonical = zonedHref(u);
        break;
      }
    }
    result.valid = true;
    if (a !== undefined) {
      result.family = a.family;
      result.address = a.address;
      result.zone = a.zone ?? null;
      result.scope = a.scope();
      result.hint = a.hint ?? null;
    }
    return { result, canonical, hint: a?.hint };
  } catch (error) {
    if (!(error instanceof Fe80Error)) throw error;
    const { message, hint } = cliParts(error, { command: 'parse' });
    result.error = { code: error.code, message };
    result.hint = hint ?? null;
    return { result, canonical: '' };
  }
}

/**
 * The lines of `input`, split at '\n' only, one '\r' before it dropped. Not readline: it also
 * ends a line at a lone '\r', which would turn 'fe80::1%a\rb' into a valid address plus a
 * stray 'b' (and --json rows would no longer match input lines). The loop pulls the next chunk
 * only when the caller has taken every line of this one, so backpressure reaches stdin.
 */
export async function* lines(input: Readable): AsyncGenerator<string> {
  input.setEncoding('utf8');
  let partial = '';
  for await (const chunk of input as AsyncIterable<string>) {
    let start = 0;
    for (let end = chunk.indexOf('\n'); end >= 0; end = chunk.indexOf('\n', start)) {
      yield withoutCr(partial + chunk.slice(start, end));
      partial = '';
      start = end + 1;
    }
    partial += chunk.slice(start);
  }
  if (partial !== '') yield withoutCr(partial); // a last line without '\n', as readline gives it
}

function withoutCr(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

async function one(input: string, kind: Kind | undefined, json: boolean, io: Io): Promise<boolean> {
  const { result, canonical, hint } = evaluate(input, kind);
  if (json) {
    await writeLine(io.stdout, JSON.stringify(result));
  } else if (result.valid) {
    await writeLine(io.stdout, canonical);
    if (hint !== undefined) await writeLine(io.stderr, `fe80 parse: hint for ${quote(input)}: ${hint}`);
  } else {
    const e = result.error as { code: string; message: string };
    await writeLine(io.stderr, `fe80 parse: ${e.message}${result.hint === null ? '' : ` (${result.hint})`} [${e.code}]`);
  }
  return result.valid;
}

async function run(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, OPTIONS);
  const as = values.as;
  if (as !== undefined && !KINDS.includes(as)) throw new UsageError(`--as must be address, endpoint or url, not ${JSON.stringify(as.slice(0, 40))}`);
  if (positionals.length === 0) throw new UsageError("expected at least one INPUT, or '-' to read from stdin");
  if (positionals.filter((p) => p === '-').length > 1) throw new UsageError("'-' may be given only once");
  const kind = as as Kind | undefined;
  const json = values.json === true;
  let ok = true;
  for (const input of positionals) {
    if (input !== '-') {
      ok = (await one(input, kind, json, io)) && ok;
      continue;
    }
    for await (const line of lines(io.stdin)) ok = (await one(line, kind, json, io)) && ok;
  }
  return ok ? EXIT.OK : EXIT.FAIL;
}
