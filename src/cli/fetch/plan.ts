// From `fe80 fetch`'s parsed options to the request to send: method, URL, headers and body, with
// curl's rules for each (-d joins with '&' and drops CR/LF from @FILE, --data-binary keeps them,
// --data-urlencode encodes only the content, -G moves the data into the query, ...).
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Readable } from 'node:stream';
import { integerArgument, secondsArgument, UsageError, zoneArgument } from '../command.js';
import type { OptionToken, Values } from '../args.js';
import { urlFromInput } from '../url-input.js';
import type { FETCH_OPTIONS } from './options.js';

export type FetchValues = Values<typeof FETCH_OPTIONS>;

/** A request body: bytes, or a file re-read for each attempt, or stdin (sent once). */
export type Body = { kind: 'bytes'; bytes: Buffer } | { kind: 'file'; path: string } | { kind: 'stdin' };

export interface Plan {
  url: string;
  /** "http://" was added to what the user typed */
  guessedScheme: boolean;
  method: string;
  /** the method was chosen by the user (-X): kept on redirects, as curl does */
  customMethod: boolean;
  /** request headers in order; curl's defaults included unless removed */
  headers: [string, string][];
  body: Body | undefined;
  zone: string | string[] | undefined;
  include: boolean;
  head: boolean;
  fail: 'no' | 'fail' | 'with-body';
  silent: boolean;
  showError: boolean;
  verbose: boolean;
  location: boolean;
  trusted: boolean;
  maxRedirs: number;
  output: string | undefined;
  remoteName: boolean;
  dumpHeader: string | undefined;
  writeOut: string | undefined;
  compressed: boolean;
  maxTime: number | undefined;
  connectTimeout: number;
  retry: { count: number; delay: number | undefined; maxTime: number | undefined; connRefused: boolean; allErrors: boolean };
  tls: { insecure: boolean; cacert: string | undefined; cert: string | undefined; key: string | undefined };
  /** warnings to print unless -s (a file -d could not read, as curl) */
  warnings: string[];
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** curl_easy_escape as curl's --data-urlencode applies it: unreserved kept, space as '+'. */
export function formEncode(bytes: Buffer): string {
  let out = '';
  for (const b of bytes) {
    if ((b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b === 0x2d || b === 0x2e || b === 0x5f || b === 0x7e) out += String.fromCharCode(b);
    else if (b === 0x20) out += '+';
    else out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

async function readStdin(stdin: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}

interface DataContext {
  stdin: Readable;
  warnings: string[];
}

/** `@FILE` / `@-` for -d and --data-binary: a file curl cannot read makes an empty body and a warning. */
async function readAt(name: string, ctx: DataContext): Promise<Buffer> {
  if (name === '-') return readStdin(ctx.stdin);
  try {
    return await readFile(name);
  } catch (error) {
    ctx.warnings.push(`Couldn't read data from file ${JSON.stringify(name)} (${(error as NodeJS.ErrnoException).code ?? 'error'}), this makes an empty POST`);
    return Buffer.alloc(0);
  }
}

async function dataPart(token: OptionToken, ctx: DataContext): Promise<Buffer> {
  const value = token.value as string;
  switch (token.name) {
    case 'data':
      // curl: "-d @file": carriage returns and newlines are stripped
      return value.startsWith('@') ? Buffer.from((await readAt(value.slice(1), ctx)).toString('latin1').replace(/[\r\n]/g, ''), 'latin1') : Buffer.from(value);
    case 'data-binary':
    case 'json':
      return value.startsWith('@') ? readAt(value.slice(1), ctx) : Buffer.from(value);
    case 'data-raw':
      return Buffer.from(value);
    default: {
      // --data-urlencode: content | =content | name=content | @file | name@file
      const eq = value.indexOf('=');
      const at = value.indexOf('@');
      if (eq >= 0 && (at < 0 || eq < at)) {
        const name = value.slice(0, eq);
        const encoded = formEncode(Buffer.from(value.slice(eq + 1)));
        return Buffer.from(name === '' ? encoded : `${name}=${encoded}`);
      }
      if (at >= 0) {
        const name = value.slice(0, at);
        const encoded = formEncode(await readAt(value.slice(at + 1), ctx));
        return Buffer.from(name === '' ? encoded : `${name}=${encoded}`);
      }
      return Buffer.from(formEncode(Buffer.from(value)));
    }
  }
}

const DATA = new Set(['data', 'data-binary', 'data-raw', 'data-urlencode', 'json']);

/** -F fields as multipart/form-data (RFC 7578), files read now. */
async function multipart(fields: readonly string[], ctx: DataContext): Promise<{ body: Buffer; type: string }> {
  const boundary = `------------------------${randomBytes(8).toString('hex')}`;
  const parts: Buffer[] = [];
  for (const field of fields) {
    const eq = field.indexOf('=');
    if (eq <= 0) throw new UsageError(`-F expects NAME=CONTENT, got ${JSON.stringify(field.slice(0, 60))}`);
    const name = field.slice(0, eq);
    const [content = '', ...modifiers] = field.slice(eq + 1).split(';');
    let type: string | undefined;
    let filename: string | undefined;
    for (const m of modifiers) {
      const [k = '', ...v] = m.split('=');
      if (k.trim() === 'type') type = v.join('=');
      else if (k.trim() === 'filename') filename = v.join('=');
      else throw new UsageError(`-F: unknown field modifier ${JSON.stringify(m.slice(0, 40))} (type= and filename= are supported)`);
    }
    let value: Buffer;
    if (content.startsWith('@') || content.startsWith('<')) {
      const path = content.slice(1);
      try {
        value = path === '-' ? await readStdin(ctx.stdin) : await readFile(path);
      } catch (error) {
        throw new FileProblem(`cannot read ${path} for -F: ${(error as Error).message}`);
      }
      if (content.startsWith('@')) {
        filename ??= path === '-' ? '-' : basename(path);
        type ??= 'application/octet-stream';
      }
    } else {
      value = Buffer.from(content);
    }
    const quoted = (s: string): string => s.replace(/["\\\r\n]/g, (c) => encodeURIComponent(c));
    let head = `--${boundary}\r\nContent-Disposition: form-data; name="${quoted(name)}"`;
    if (filename !== undefined) head += `; filename="${quoted(filename)}"`;
    if (type !== undefined) head += `\r\nContent-Type: ${type}`;
    parts.push(Buffer.from(`${head}\r\n\r\n`), value, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), type: `multipart/form-data; boundary=${boundary}` };
}

/** A file named by an option that could not be read (curl: 26, or 77 for --cacert). */
export class FileProblem extends Error {
  override name = 'FileProblem';
}

/** -H 'Name: value', 'Name:' (remove), 'Name;' (send empty). */
function headerOf(line: string): { name: string; value: string | undefined } {
  const colon = line.indexOf(':');
  const semi = line.indexOf(';');
  if (semi > 0 && (colon < 0 || semi < colon) && line.slice(semi + 1).trim() === '') {
    const name = line.slice(0, semi).trim();
    if (TOKEN.test(name)) return { name, value: '' };
  }
  const name = colon > 0 ? line.slice(0, colon).trim() : '';
  if (name === '' || !TOKEN.test(name)) throw new UsageError(`-H expects 'Name: value', got ${JSON.stringify(line.slice(0, 60))}`);
  const value = line.slice(colon + 1).trim();
  if (/[\r\n\0]/.test(value)) throw new UsageError(`-H: the value of ${name} holds a line break or NUL`);
  return { name, value: value === '' ? undefined : value };
}

function seconds(name: string, value: string | undefined): number | undefined {
  return value === undefined ? undefined : secondsArgument(name, value);
}

export async function buildPlan(values: FetchValues, positionals: readonly string[], tokens: readonly OptionToken[], version: string, stdin: Readable): Promise<Plan> {
  const urls = [...positionals, ...(values.url === undefined ? [] : [values.url])];
  if (urls.length === 0) throw new UsageError('no URL given');
  if (urls.length > 1) throw new UsageError(`one URL per run (got ${urls.length}); run fe80 fetch once for each`);
  let { url, guessed } = urlFromInput(urls[0] as string);
  const warnings: string[] = [];
  const ctx: DataContext = { stdin, warnings };

  // the body, in command-line order
  const dataTokens = tokens.filter((t) => DATA.has(t.name));
  const jsonBody = dataTokens.some((t) => t.name === 'json');
  let body: Body | undefined;
  let contentType: string | undefined;
  if (dataTokens.length > 0) {
    const parts: Buffer[] = [];
    for (const t of dataTokens) {
      // --json parts are concatenated as they are; the others joined with '&'
      if (parts.length > 0 && t.name !== 'json') parts.push(Buffer.from('&'));
      parts.push(await dataPart(t, ctx));
    }
    body = { kind: 'bytes', bytes: Buffer.concat(parts) };
    contentType = jsonBody ? 'application/json' : 'application/x-www-form-urlencoded';
  }
  if (values.form !== undefined) {
    if (body !== undefined) throw new UsageError('-F cannot be combined with -d, --data-* or --json (curl refuses it too)');
    const form = await multipart(values.form, ctx);
    body = { kind: 'bytes', bytes: form.body };
    contentType = form.type;
  }
  const upload = values['upload-file'];
  if (upload !== undefined) {
    if (body !== undefined) throw new UsageError('-T cannot be combined with -d, -F or --json');
    body = upload === '-' ? { kind: 'stdin' } : { kind: 'file', path: upload };
    if (upload !== '-' && /\/$/.test(url.replace(/[?#].*$/s, ''))) url = url.replace(/([^?#]*)/, `$1${encodeURIComponent(basename(upload))}`);
  }

  let method = values.head ? 'HEAD' : body === undefined ? 'GET' : upload !== undefined ? 'PUT' : 'POST';
  if (values.get) {
    if (values.head) method = 'HEAD';
    else method = 'GET';
    if (body?.kind === 'bytes' && upload === undefined && values.form === undefined) {
      const query = body.bytes.toString('latin1');
      const hash = url.indexOf('#');
      const base = hash < 0 ? url : url.slice(0, hash);
      url = `${base}${base.includes('?') ? '&' : '?'}${query}${hash < 0 ? '' : url.slice(hash)}`;
      body = undefined;
      contentType = undefined;
    }
  }
  const custom = values.request;
  if (custom !== undefined) {
    if (!TOKEN.test(custom)) throw new UsageError(`-X expects a method name, got ${JSON.stringify(custom.slice(0, 40))}`);
    method = custom;
  }

  // headers: curl's defaults, then the options that set one, then -H (which may replace or remove any)
  const headers: [string, string][] = [];
  const set = (name: string, value: string | undefined): void => {
    const i = headers.findIndex(([n]) => n.toLowerCase() === name.toLowerCase());
    if (value === undefined) {
      if (i >= 0) headers.splice(i, 1);
    } else if (i >= 0) headers[i] = [name, value];
    else headers.push([name, value]);
  };
  set('User-Agent', values['user-agent'] ?? `fe80/${version}`);
  set('Accept', jsonBody ? 'application/json' : '*/*');
  if (values.user !== undefined) {
    if (!values.user.includes(':')) throw new UsageError('-u needs USER:PASSWORD (fe80 does not prompt for the password)');
    set('Authorization', `Basic ${Buffer.from(values.user).toString('base64')}`);
  }
  if (values.referer !== undefined) set('Referer', values.referer.replace(/;auto$/, ''));
  if (values.range !== undefined) {
    if (!/^[\d,\s-]+$/.test(values.range)) throw new UsageError(`-r expects a byte range (0-499, 500-, -500), got ${JSON.stringify(values.range.slice(0, 40))}`);
    set('Range', `bytes=${values.range}`);
  }
  if (values.cookie !== undefined) {
    if (!values.cookie.includes('=')) throw new UsageError('-b takes cookies as NAME=VALUE; cookie files are not supported');
    set('Cookie', values.cookie);
  }
  if (values.compressed) set('Accept-Encoding', 'deflate, gzip, br');
  if (contentType !== undefined) set('Content-Type', contentType);
  for (const line of values.header ?? []) {
    const { name, value } = headerOf(line);
    set(name, value);
  }

  const maxRedirs = values['max-redirs'] === undefined ? 50 : values['max-redirs'] === '-1' ? Infinity : integerArgument('--max-redirs', values['max-redirs'], 0);
  let maxTime = seconds('-m', values['max-time']);
  if (values.timeout !== undefined) maxTime = integerArgument('--timeout', values.timeout, 1);
  if (maxTime === 0) maxTime = undefined; // curl: -m 0 is no limit
  const connectTimeout = seconds('--connect-timeout', values['connect-timeout']) || 10_000;
  if (values.zone !== undefined && values.interface !== undefined) throw new UsageError('give --zone or --interface, not both');
  const zoneText = values.zone ?? values.interface;

  return {
    url,
    guessedScheme: guessed,
    method,
    customMethod: custom !== undefined,
    headers,
    body,
    zone: zoneText === undefined ? undefined : zoneArgument(zoneText),
    include: values.include === true,
    head: values.head === true,
    fail: values['fail-with-body'] ? 'with-body' : values.fail ? 'fail' : 'no',
    silent: values.silent === true,
    showError: values['show-error'] === true,
    verbose: values.verbose === true,
    location: values.location === true || values['location-trusted'] === true,
    trusted: values['location-trusted'] === true,
    maxRedirs,
    output: values.output,
    remoteName: values['remote-name'] === true,
    dumpHeader: values['dump-header'],
    writeOut: values['write-out'],
    compressed: values.compressed === true,
    maxTime,
    connectTimeout,
    retry: {
      count: values.retry === undefined ? 0 : integerArgument('--retry', values.retry, 0, 10_000),
      delay: seconds('--retry-delay', values['retry-delay']),
      maxTime: seconds('--retry-max-time', values['retry-max-time']),
      connRefused: values['retry-connrefused'] === true,
      allErrors: values['retry-all-errors'] === true,
    },
    tls: { insecure: values.insecure === true, cacert: values.cacert, cert: values.cert, key: values.key },
    warnings,
  };
}
