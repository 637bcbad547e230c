// `fe80 fetch URL`: a small curl for zoned and `.local` URLs, thin over fe80's fetch.
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { once } from 'node:events';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream } from 'node:stream/web';
import { EXIT, UsageError, parse, readInput, zoneArgument, type Command, type Io } from '../command.js';
import { Fe80Error } from '../../errors.js';
import { createDispatcher, fetch, type Fe80DispatcherOptions, type Fe80FetchInit } from '../../http/index.js';

const help = `usage: fe80 fetch URL [options]

Send one HTTP(S) request and print the response body, like a small curl. URL may carry a zone,
RFC 6874 style (http://[fe80::1%25eth0]:8080/) or as typed ('http://[fe80::1%eth0]/', quote it
for the shell), or use a .local name (resolved with mDNS). The zone picks the interface; it is
never sent: the server sees Host: [fe80::1]:8080.

Options:
  -X, --request METHOD   request method (default GET, or POST with -d)
  -H, --header 'K: V'    add a request header; repeatable
  -d, --data DATA        request body; @FILE reads FILE, @- reads stdin; implies POST; repeatable
                         (joined with '&'); Content-Type defaults to application/x-www-form-urlencoded
  -i, --include          print the status line and response headers before the body
  -o, --output FILE      write the body to FILE instead of stdout ('-' = stdout)
  -L, --location         follow redirects (zoned and .local Locations included)
      --max-redirs N     redirects to follow with -L (default 20)
  -f, --fail             exit 1 without printing the body when the status is 400 or more
  -k, --insecure         do not verify the server's certificate
      --cacert FILE      trust the CA certificate(s) in FILE (PEM)
      --zone ZONE        interface for a link-local URL written without a zone: a name or index,
                         'auto' (race every candidate interface) or a comma-separated list
      --timeout MS       give up after MS milliseconds (the whole exchange)

Exit status: 0 a response was received (any status, as curl without -f), 1 error (no response,
or status >= 400 with -f), 2 usage error.

Examples:
  $ fe80 fetch 'http://[fe80::1%25eth0]:8080/status' -i
  $ fe80 fetch http://printer.local/ -L -o page.html
  $ fe80 fetch http://[fe80::1]/ --zone auto -d 'a=1'
`;

function count(name: string, text: string, min: number): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n < min || n > 0x7fffffff) {
    throw new UsageError(`${name} must be a whole number >= ${min}, got ${JSON.stringify(text)}`);
  }
  return n;
}

function headerList(lines: readonly string[]): [string, string][] {
  return lines.map((line) => {
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon).trim() : '';
    if (name === '' || /[^!#$%&'*+\-.^_`|~0-9A-Za-z]/.test(name)) throw new UsageError(`-H expects 'Name: value', got ${JSON.stringify(line)}`);
    return [name, line.slice(colon + 1).trim()];
  });
}

async function readStdin(io: Io): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of io.stdin) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}

async function body(data: readonly string[], io: Io): Promise<Buffer> {
  const parts: Buffer[] = [];
  for (const item of data) {
    if (parts.length > 0) parts.push(Buffer.from('&'));
    if (item === '@-') parts.push(await readInput('stdin', () => readStdin(io)));
    else if (item.startsWith('@')) parts.push(await readInput(item.slice(1), () => readFile(item.slice(1))));
    else parts.push(Buffer.from(item));
  }
  return Buffer.concat(parts);
}

async function write(out: NodeJS.WritableStream, chunk: Uint8Array | string): Promise<void> {
  if (!out.write(chunk)) await once(out, 'drain');
}

const command: Command = {
  help,
  async run(args, io) {
    const { values, positionals } = parse(args, {
      request: { type: 'string', short: 'X' },
      header: { type: 'string', short: 'H', multiple: true },
      data: { type: 'string', short: 'd', multiple: true },
      include: { type: 'boolean', short: 'i' },
      output: { type: 'string', short: 'o' },
      location: { type: 'boolean', short: 'L' },
      'max-redirs': { type: 'string' },
      fail: { type: 'boolean', short: 'f' },
      insecure: { type: 'boolean', short: 'k' },
      cacert: { type: 'string' },
      zone: { type: 'string' },
      timeout: { type: 'string' },
    });
    if (positionals.length !== 1) throw new UsageError('expected exactly one URL');
    const url = positionals[0] as string;
    const headers = headerList(values.header ?? []);
    const init: Fe80FetchInit = { redirect: values.location ? 'follow' : 'manual' };
    if (values['max-redirs'] !== undefined) init.maxRedirects = count('--max-redirs', values['max-redirs'], 0);
    if (values.timeout !== undefined) init.timeout = count('--timeout', values.timeout, 1);
    if (values.zone !== undefined) init.zone = zoneArgument(values.zone);
    if (values.request !== undefined) {
      if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(values.request)) throw new UsageError(`-X expects a method name, got ${JSON.stringify(values.request)}`);
      init.method = values.request;
    }
    if (values.data !== undefined) {
      init.body = await body(values.data, io);
      init.method ??= 'POST';
      if (!headers.some(([name]) => name.toLowerCase() === 'content-type')) headers.push(['content-type', 'application/x-www-form-urlencoded']);
    }
    init.headers = headers;

    const tls: NonNullable<Fe80DispatcherOptions['tls']> = {};
    if (values.insecure) tls.rejectUnauthorized = false;
    if (values.cacert !== undefined) {
      const file = values.cacert;
      tls.ca = await readInput(file, () => readFile(file));
    }
    const dispatcher = createDispatcher({ tls });
    init.dispatcher = dispatcher;
    const controller = new AbortController();
    const onSigint = (): void => controller.abort();
    process.once('SIGINT', onSigint);
    init.signal = controller.signal;
    try {
      const response = await fetch(url, init);
      if (values.fail && response.status >= 400) {
        await response.body?.cancel();
        io.stderr.write(`fe80 fetch: the server answered ${response.status} ${response.statusText}\n`);
        return EXIT.FAIL;
      }
      if (values.include) {
        let head = `HTTP/1.1 ${response.status} ${response.statusText}\r\n`;
        for (const [name, value] of response.headers) head += `${name}: ${value}\r\n`;
        await write(io.stdout, `${head}\r\n`);
      }
      if (response.body !== null) {
        const source = Readable.fromWeb(response.body as ReadableStream<Uint8Array>);
        if (values.output !== undefined && values.output !== '-') {
          try {
            await pipeline(source, createWriteStream(values.output));
          } catch (error) {
            io.stderr.write(`fe80 fetch: cannot write ${values.output}: ${(error as Error).message}\n`);
            return EXIT.FAIL;
          }
        } else {
          for await (const chunk of source) await write(io.stdout, chunk as Uint8Array);
        }
      }
      return EXIT.OK;
    } catch (error) {
      if (error instanceof Fe80Error) throw error;
      const reason = controller.signal.aborted ? 'interrupted' : (error as Error).message;
      io.stderr.write(`fe80 fetch: ${reason}\n`);
      return EXIT.FAIL;
    } finally {
      process.removeListener('SIGINT', onSigint);
      await dispatcher.close();
    }
  },
};

export default command;
