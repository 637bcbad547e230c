// `fe80 fetch URL`: curl's options with curl's meaning and exit codes, for zoned and .local URLs.
// The requests go through fe80's dispatcher with undici's dispatch API (see fetch/exchange.ts).
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { basename } from 'node:path';
import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { defineCommand, EXIT, parse, Stopped, stoppedStatus, type Io } from '../command.js';
import { Fe80Error } from '../../errors.js';
import { createDispatcher, type Fe80Dispatcher, type Fe80DispatcherOptions } from '../../http/index.js';
import { errorText, type MessageContext } from '../messages.js';
import { CURL, CURL_CODES, curlCode } from '../fetch/curl-codes.js';
import { exchange, HttpExchangeError, type HopRequest, type HopResponse } from '../fetch/exchange.js';
import { FETCH_OPTIONS, UNSUPPORTED } from '../fetch/options.js';
import { BodyWriter, DecodeProblem, headText, WriteProblem } from '../fetch/output.js';
import { buildPlan, FileProblem, type Body, type Plan } from '../fetch/plan.js';
import { hopTarget, redirectTarget, UnsupportedScheme, type HopTarget } from '../fetch/target.js';
import type { ZoneOption } from '../../zone/index.js';
import type { WireRecord } from '../fetch/wire.js';
import { writeOut, type Transfer } from '../fetch/write-out.js';

const description = `Sends one HTTP(S) request and writes the response body to stdout, with curl's options, their
meaning and curl's exit codes. URL may carry a zone RFC 6874 style (http://[fe80::1%25eth0]:8080/)
or as typed ('http://[fe80::1%eth0]/', quoted for the shell), be a .local name (resolved with
mDNS, the interface of the answer is the zone), or be written without a scheme as curl allows:
http:// is assumed, and a bare address (fe80::1%eth0, '[fe80::1%eth0]:8080/x') is the host.

The zone picks the interface and is never sent: the server sees Host: [fe80::1]:8080. A link-local
URL without a zone needs --zone (an interface, 'auto' to race every candidate, or a list). -v tells
which interface was chosen and why, then shows the request and response headers (on stderr).

The request is the one curl sends: User-Agent (fe80/VERSION), Accept: */*, the options' headers,
then -H, which may replace any of them, remove one ('Name:') or send one empty ('Name;'). A
'Host: ...' header is sent as given (the connection still goes to the URL's address); on a
redirect to another host it is dropped, with Authorization and Cookie (unless --location-trusted).
Redirects (-L) change POST to GET for 301, 302 and 303 (not with -X), as curl does; a zone-free
link-local Location is reached over the interface the redirect came in on.

Not supported, refused with exit 2 and the reason: proxies (-x), HTTP/2 and 3, --resolve,
--connect-to, cookie files (-c; -b takes NAME=VALUE only), .netrc, config files (-K), several
URLs in one run, resuming (-C), Digest/NTLM/Negotiate authentication, -4/-6, --limit-rate. There
is no progress meter: -s only silences error messages (-sS shows them again).`;

const command = defineCommand({
  name: 'fetch',
  summary: 'send an HTTP(S) request to a zoned or .local URL, like curl',
  synopsis: ['[options] URL'],
  description,
  options: FETCH_OPTIONS,
  exit: CURL_CODES,
  examples: [
    "$ fe80 fetch 'http://[fe80::1%25eth0]:8080/status' -i",
    '$ fe80 fetch fe80::1%eth0 -sS -o page.html -w \'%{http_code} %{remote_ip} %{interface}\\n\'',
    "$ fe80 fetch 'http://[fe80::1]/api' --zone auto -v --json '{\"on\":true}'",
    '$ fe80 fetch http://printer.local/ -L -f --retry 3',
    "$ fe80 fetch '[fe80::1%eth0]/login' -H 'Host: router.lan' -u admin:secret",
  ],
  seeAlso: 'curl(1); fe80 help connect; fe80 help resolve',
  run,
});

export default command;

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const RETRY_STATUS = new Set([408, 429, 500, 502, 503, 504]);

function packageVersion(): string {
  try {
    return (createRequire(import.meta.url)('../../../package.json') as { version: string }).version;
  } catch {
    return '0';
  }
}

/** stderr as curl's -s, -S and -v decide. */
class Report {
  constructor(
    readonly io: Io,
    readonly plan: Plan,
  ) {}

  verbose(line: string | undefined): void {
    if (this.plan.verbose && line !== undefined) this.io.stderr.write(`* ${line}\n`);
  }

  wire(prefix: '>' | '<', text: string): void {
    if (!this.plan.verbose) return;
    const lines = text.split('\r\n');
    while (lines[lines.length - 1] === '') lines.pop();
    lines.push(''); // the blank line that ends a head, as curl shows it
    this.io.stderr.write(`${lines.map((l) => `${prefix} ${l}`).join('\n')}\n`);
  }

  error(code: number, text: string): void {
    if (!this.plan.silent || this.plan.showError) this.io.stderr.write(`fe80 fetch: (${code}) ${text}\n`);
  }

  warn(text: string): void {
    if (!this.plan.silent) this.io.stderr.write(`Warning: ${text}\n`);
  }
}

interface Outcome {
  code: number;
  message: string;
  response: HopResponse | undefined;
  target: HopTarget | undefined;
  redirects: number;
  redirectUrl: string | undefined;
  sizeUpload: number;
  /** why a retry would help, when it would */
  retry: string | undefined;
  retryAfter: number | undefined;
}

/** The TLS options from -k, --cacert, --cert, --key; unreadable files are curl's 77 and 58. */
async function tlsOptions(plan: Plan, report: Report): Promise<Fe80DispatcherOptions['tls'] | number> {
  const tls: NonNullable<Fe80DispatcherOptions['tls']> = {};
  if (plan.tls.insecure) tls.rejectUnauthorized = false;
  const read = async (file: string, code: number, what: string): Promise<Buffer | number> => {
    try {
      return await readFile(file);
    } catch (error) {
      report.error(code, `cannot read the ${what} ${JSON.stringify(file)}: ${(error as Error).message}`);
      return code;
    }
  };
  if (plan.tls.cacert !== undefined) {
    const ca = await read(plan.tls.cacert, CURL.SSL_CACERT_BADFILE, 'CA certificate file');
    if (typeof ca === 'number') return ca;
    tls.ca = ca;
  }
  if (plan.tls.cert !== undefined) {
    const cert = await read(plan.tls.cert, 58, 'client certificate');
    if (typeof cert === 'number') return cert;
    tls.cert = cert;
    const key = await read(plan.tls.key ?? plan.tls.cert, 58, 'private key');
    if (typeof key === 'number') return key;
    tls.key = key;
  }
  return tls;
}

/** The request body for one attempt: a file is opened again each time, stdin is read once. */
async function bodyOf(body: Body | undefined, stdin: Readable): Promise<{ body: Buffer | Readable | undefined; length: number | undefined }> {
  if (body === undefined) return { body: undefined, length: undefined };
  if (body.kind === 'bytes') return { body: body.bytes, length: body.bytes.length };
  if (body.kind === 'stdin') return { body: stdin, length: undefined };
  try {
    const { size } = await stat(body.path);
    return { body: createReadStream(body.path), length: size };
  } catch (error) {
    throw new FileProblem(`cannot read ${body.path}: ${(error as Error).message}`);
  }
}

function header(headers: readonly [string, string][], name: string): string | undefined {
  return headers.find(([n]) => n.toLowerCase() === name)?.[1];
}

function retryAfter(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (/^\d+$/.test(value.trim())) return Math.min(Number(value.trim()) * 1000, 600_000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.min(at - Date.now(), 600_000));
}

/** -O: the last segment of the URL path. */
function remoteName(target: HopTarget): string | undefined {
  const last = decodeURIComponent(target.parsed.url.pathname.split('/').pop() ?? '');
  return last === '' || last === '.' || last === '..' ? undefined : basename(last);
}

const timedOut = Symbol('timed out');

async function run(args: string[], io: Io): Promise<number> {
  const { values, positionals, tokens } = parse(args, FETCH_OPTIONS, { unsupported: UNSUPPORTED });
  let plan: Plan;
  try {
    plan = await buildPlan(values, positionals, tokens, packageVersion(), io.stdin);
  } catch (error) {
    if (!(error instanceof FileProblem)) throw error;
    if (values.silent !== true || values['show-error'] === true) io.stderr.write(`fe80 fetch: (${CURL.READ_ERROR}) ${error.message}\n`);
    return CURL.READ_ERROR;
  }
  const report = new Report(io, plan);
  for (const warning of plan.warnings) report.warn(warning);
  const tls = await tlsOptions(plan, report);
  if (typeof tls === 'number') return tls;

  const started = performance.now();
  const stop = new AbortController();
  const onSignal = (): void => stop.abort(io.signal?.reason);
  io.signal?.addEventListener('abort', onSignal, { once: true });
  const deadline = plan.maxTime === undefined ? undefined : setTimeout(() => stop.abort(timedOut), plan.maxTime);
  const options: Fe80DispatcherOptions = { connectTimeout: plan.connectTimeout, signal: stop.signal, agent: { headersTimeout: 0, bodyTimeout: 0 } };
  if (tls !== undefined) options.tls = tls;
  const dispatcher = createDispatcher(options);
  try {
    let outcome: Outcome;
    let delay = plan.retry.delay ?? 1000;
    for (let left = plan.retry.count; ; left--) {
      outcome = await transfer(plan, dispatcher, io, report, stop.signal, left > 0, started);
      if (outcome.retry === undefined || left <= 0 || stop.signal.aborted) break;
      const wait = outcome.retryAfter ?? delay;
      if (plan.retry.maxTime !== undefined && performance.now() - started + wait > plan.retry.maxTime) break;
      report.warn(`Problem : ${outcome.retry}. Will retry in ${Math.round(wait / 1000)} seconds. ${left} ${left === 1 ? 'retry' : 'retries'} left.`);
      await sleep(wait, undefined, { signal: stop.signal }).catch(() => undefined);
      if (stop.signal.aborted) break;
      if (plan.retry.delay === undefined) delay = Math.min(delay * 2, 600_000);
    }
    if (io.signal?.aborted === true) return stoppedStatus(io, EXIT.INT);
    if (plan.writeOut !== undefined) await printWriteOut(plan.writeOut, outcome, plan, io, started);
    return outcome.code;
  } finally {
    clearTimeout(deadline);
    io.signal?.removeEventListener('abort', onSignal);
    // destroy, not close: connects and requests still in flight are cut, not waited for
    await dispatcher.destroy();
  }
}

async function printWriteOut(format: string, outcome: Outcome, plan: Plan, io: Io, started: number): Promise<void> {
  let text = format;
  if (format.startsWith('@')) {
    try {
      text = format === '@-' ? '' : await readFile(format.slice(1), 'utf8');
    } catch {
      text = '';
    }
  }
  const r = outcome.response;
  const socket = r?.wire.socket;
  const at = (t: number | undefined): number => (t === undefined ? 0 : (t - started) / 1000);
  const strip = (a: string | undefined): string | undefined => a?.replace(/%.*$/, '');
  const transfer: Transfer = {
    httpCode: r?.status ?? 0,
    urlEffective: outcome.target?.display ?? plan.url,
    redirectUrl: outcome.redirectUrl,
    numRedirects: outcome.redirects,
    timeConnect: at(r?.wire.connectedAt ?? r?.startedAt),
    timeStartTransfer: at(r?.firstByteAt),
    timeTotal: (performance.now() - started) / 1000,
    sizeDownload: r?.bytes ?? 0,
    sizeHeader: r?.headerBytes ?? 0,
    sizeUpload: outcome.sizeUpload,
    remoteIp: socket?.fe80?.endpoint?.address.address ?? strip(socket?.remoteAddress),
    remotePort: socket?.fe80?.endpoint?.port ?? socket?.remotePort,
    localIp: strip(socket?.localAddress),
    localPort: socket?.localPort,
    interface: socket?.fe80?.interface,
    contentType: r === undefined ? undefined : header(r.headers, 'content-type'),
    method: plan.method,
    scheme: (outcome.target?.parsed.url.protocol ?? 'http:').slice(0, -1),
    exitCode: outcome.code,
    errorMessage: outcome.message,
    headers: r?.headers ?? [],
  };
  io.stdout.write(writeOut(text, transfer, (w) => io.stderr.write(`fe80 fetch: ${w}\n`)));
}

/** The verbose lines for the connection a response came over. */
function connection(report: Report, wire: WireRecord): void {
  const info = wire.socket?.fe80;
  const where = info?.endpoint?.toString() ?? wire.socket?.remoteAddress ?? '?';
  const via = info?.interface === undefined ? '' : ` via ${info.interface}`;
  const tries = info?.attempts !== undefined && info.attempts > 1 ? ` (${info.attempts} attempts)` : '';
  report.verbose(wire.fresh ? `Connected to ${where}${via}${tries}` : `Re-using the connection to ${where}${via}`);
  if (wire.head !== undefined) report.wire('>', wire.head);
}

async function transfer(plan: Plan, dispatcher: Fe80Dispatcher, io: Io, report: Report, signal: AbortSignal, canRetry: boolean, started: number): Promise<Outcome> {
  const outcome: Outcome = { code: CURL.OK, message: '', response: undefined, target: undefined, redirects: 0, redirectUrl: undefined, sizeUpload: 0, retry: undefined, retryAfter: undefined };
  const ctx: MessageContext = { command: 'fetch', target: { kind: 'url', text: plan.url } };
  let text = plan.url;
  let fallback: ZoneOption | undefined = plan.zone;
  let source = '--zone';
  let method = plan.method;
  let body = plan.body;
  let headers = plan.headers.map(([n, v]) => [n, v] as [string, string]);
  let writer: BodyWriter | undefined;
  const dump = plan.dumpHeader === undefined ? undefined : new BodyWriter(io.stdout, plan.dumpHeader);
  const fail = (code: number, message: string): Outcome => {
    outcome.code = code;
    outcome.message = message;
    report.error(code, message);
    return outcome;
  };
  try {
    for (;;) {
      const target = hopTarget(text, fallback, source);
      outcome.target = target;
      if (outcome.redirects === 0 && plan.guessedScheme) report.verbose(`no scheme given: ${target.display}`);
      report.verbose(target.why);
      if (writer === undefined) {
        let path = plan.output;
        if (plan.remoteName && path === undefined) {
          path = remoteName(target);
          if (path === undefined) return fail(CURL.WRITE_ERROR, 'Remote file name has no length (-O needs a URL that ends in a file name)');
        }
        writer = new BodyWriter(io.stdout, path);
      }
      const out = writer;
      const url = target.parsed.url;
      const send = [...headers];
      if (url.username !== '' && header(send, 'authorization') === undefined) {
        const credentials = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
        send.push(['Authorization', `Basic ${Buffer.from(credentials).toString('base64')}`]);
      }
      const { body: payload, length } = await bodyOf(body, io.stdin);
      if (length !== undefined && header(send, 'content-length') === undefined && payload !== undefined && !Buffer.isBuffer(payload)) send.push(['Content-Length', String(length)]);
      outcome.sizeUpload = length ?? 0;
      const request: HopRequest = { url, method, headers: send, body: payload };

      let follow: string | undefined;
      let failing = false;
      let retrying = false;
      const agent = dispatcher.select(target.zone === undefined ? {} : { zone: target.zone });
      const response = await exchange(
        agent,
        request,
        {
          start(status, statusText, responseHeaders, wire) {
            connection(report, wire);
            const head = headText(status, statusText, responseHeaders);
            report.wire('<', head);
            const location = header(responseHeaders, 'location');
            if (plan.location && REDIRECTS.has(status) && location !== undefined) follow = location;
            failing = follow === undefined && plan.fail !== 'no' && status >= 400;
            retrying = follow === undefined && canRetry && RETRY_STATUS.has(status);
            if (plan.include || plan.head) {
              if (!(failing && plan.fail === 'fail')) out.text(head);
            }
            dump?.text(head);
            // a response that will be retried is written too, as curl does (to a file: replaced by the next)
            if (follow !== undefined || (failing && plan.fail === 'fail')) return false;
            if (plan.compressed) out.decompress(header(responseHeaders, 'content-encoding'));
            return true;
          },
          write: (chunk) => out.write(chunk),
          onDrain: (resume) => out.onDrain(resume),
        },
        signal,
      );
      outcome.response = response;
      if (follow === undefined) {
        const location = header(response.headers, 'location');
        if (REDIRECTS.has(response.status) && location !== undefined) {
          try {
            outcome.redirectUrl = redirectTarget(location, target, response.wire.socket?.fe80?.interface).text;
          } catch {
            // a Location that is not a URL is only reported, never followed
          }
        }
        if (retrying) {
          await out.finish();
          outcome.retry = 'HTTP error';
          outcome.retryAfter = retryAfter(header(response.headers, 'retry-after'));
          outcome.code = failing ? CURL.HTTP_RETURNED_ERROR : CURL.OK;
          return outcome;
        }
        if (failing) {
          await out.finish();
          return fail(CURL.HTTP_RETURNED_ERROR, `The requested URL returned error: ${response.status}`);
        }
        if (plan.output !== undefined || plan.remoteName) out.touch();
        await out.finish();
        await dump?.finish();
        return outcome;
      }

      // -L: the next hop
      outcome.redirects++;
      if (outcome.redirects > plan.maxRedirs) return fail(CURL.TOO_MANY_REDIRECTS, `Maximum (${plan.maxRedirs}) redirects followed`);
      const next = redirectTarget(follow, target, response.wire.socket?.fe80?.interface);
      report.verbose(`Following the redirect to ${next.text}`);
      const status = response.status;
      if (!plan.customMethod && (status === 303 ? method !== 'HEAD' : (status === 301 || status === 302) && method === 'POST')) {
        method = 'GET';
        body = undefined;
        headers = headers.filter(([n]) => !['content-type', 'content-length'].includes(n.toLowerCase()));
      }
      const nextHost = new URL(next.text.replace(/%25[^\]]*\]/, ']')).host;
      if (nextHost !== url.host) {
        const drop = plan.trusted ? ['host'] : ['host', 'authorization', 'cookie'];
        headers = headers.filter(([n]) => !drop.includes(n.toLowerCase()));
      }
      text = next.text;
      if (next.zone !== undefined) {
        fallback = next.zone;
        source = 'the interface the redirect came in on,';
      } else {
        fallback = plan.zone;
        source = '--zone';
      }
    }
  } catch (error) {
    return failure(error, outcome, plan, ctx, signal, report, started, fail);
  }
}

function failure(
  error: unknown,
  outcome: Outcome,
  plan: Plan,
  ctx: MessageContext,
  signal: AbortSignal,
  report: Report,
  started: number,
  fail: (code: number, message: string) => Outcome,
): Outcome {
  if (error instanceof UnsupportedScheme) return fail(CURL.UNSUPPORTED_PROTOCOL, error.message);
  if (error instanceof FileProblem) return fail(CURL.READ_ERROR, error.message);
  if (error instanceof WriteProblem) return fail(CURL.WRITE_ERROR, error.message);
  if (error instanceof DecodeProblem) return fail(CURL.BAD_CONTENT_ENCODING, error.message);
  let inner = error;
  let afterHeaders = false;
  let bytes = 0;
  if (error instanceof HttpExchangeError) {
    inner = error.error;
    afterHeaders = error.afterHeaders;
    bytes = error.bytes;
    if (afterHeaders) connection(report, error.wire);
  }
  if (signal.aborted) {
    if (signal.reason === timedOut) {
      outcome.retry = 'timeout';
      return fail(CURL.OPERATION_TIMEDOUT, `Operation timed out after ${Math.round(performance.now() - started)} milliseconds with ${bytes} bytes received`);
    }
    // stopped by SIGINT/SIGTERM: quietly, as curl dies of it
    outcome.code = signal.reason instanceof Stopped ? signal.reason.status : EXIT.INT;
    return outcome;
  }
  if (inner instanceof WriteProblem) return fail(CURL.WRITE_ERROR, inner.message);
  if (inner instanceof DecodeProblem) return fail(CURL.BAD_CONTENT_ENCODING, inner.message);
  let code: number;
  let message: string;
  if (inner instanceof Fe80Error) {
    code = curlCode(inner);
    message = errorText(inner, ctx);
  } else if (afterHeaders) {
    code = CURL.PARTIAL_FILE;
    message = `transfer closed before the whole body arrived (${bytes} bytes received): ${(inner as Error).message}`;
  } else {
    code = curlCode(inner);
    const undiciCode = (inner as { code?: unknown }).code;
    message = undiciCode === 'UND_ERR_SOCKET' ? `Empty reply from server (${(inner as Error).message})` : errorText(inner, ctx);
    if (undiciCode === 'UND_ERR_SOCKET') code = CURL.GOT_NOTHING;
  }
  if (code === CURL.OPERATION_TIMEDOUT) outcome.retry = 'timeout';
  else if (plan.retry.allErrors) outcome.retry = 'error';
  else if (plan.retry.connRefused && code === CURL.COULDNT_CONNECT && /ECONNREFUSED/.test(message)) outcome.retry = 'connection refused';
  return fail(code, message);
}
