// One HTTP exchange (one hop of a redirect chain) through fe80's dispatcher, with undici's
// dispatch API rather than fetch: the request goes out with exactly the headers curl would send
// (fetch forbids `Host`, adds its own and decodes bodies it was not asked to), and the response's
// status text and headers come back as the server wrote them, for -i, -I, -D and -v.
import { performance } from 'node:perf_hooks';
import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { record, type WireRecord } from './wire.js';

export interface HopRequest {
  /** zone-free URL (origin and path for undici) */
  url: URL;
  method: string;
  headers: readonly [string, string][];
  body: Buffer | Readable | undefined;
}

export interface HopResponse {
  status: number;
  statusText: string;
  /** as received: name case and order kept */
  headers: [string, string][];
  wire: WireRecord;
  /** body bytes as received (before any decompression) */
  bytes: number;
  /** status line and header bytes as received */
  headerBytes: number;
  startedAt: number;
  firstByteAt: number | undefined;
  endedAt: number;
}

/** Where the body goes; `write` returns false to ask for a pause until `drain` calls back. */
export interface BodySink {
  /** the response head arrived; `false`: throw the body away (a redirect being followed) */
  start(status: number, statusText: string, headers: readonly [string, string][], wire: WireRecord): boolean;
  write(chunk: Buffer): boolean;
  onDrain(resume: () => void): void;
}

export class HttpExchangeError extends Error {
  override name = 'HttpExchangeError';
  constructor(
    readonly error: Error,
    /** the response head had arrived when it failed */
    readonly afterHeaders: boolean,
    readonly wire: WireRecord,
    readonly bytes: number,
  ) {
    super(error.message, { cause: error });
  }
}

function pairs(raw: readonly Buffer[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) out.push([(raw[i] as Buffer).toString('latin1'), (raw[i + 1] as Buffer).toString('latin1')]);
  return out;
}

/** Sends `request` with `agent` and streams the response body into `sink`. */
export function exchange(agent: Dispatcher, request: HopRequest, sink: BodySink, signal: AbortSignal): Promise<HopResponse> {
  const wire = record();
  const startedAt = performance.now();
  return new Promise((resolve, reject) => {
    let status = 0;
    let statusText = '';
    let headers: [string, string][] = [];
    let headerBytes = 0;
    let bytes = 0;
    let firstByteAt: number | undefined;
    let keep = true;
    let settled = false;
    let abortRequest: ((error: Error) => void) | undefined;
    const onAbort = (): void => abortRequest?.(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    const done = (error: Error | undefined): void => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      if (error !== undefined) reject(new HttpExchangeError(error, firstByteAt !== undefined, wire, bytes));
      else resolve({ status, statusText, headers, wire, bytes, headerBytes, startedAt, firstByteAt, endedAt: performance.now() });
    };
    const flat: string[] = [];
    for (const [name, value] of request.headers) flat.push(name, value);
    const options: Dispatcher.DispatchOptions = {
      origin: request.url.origin,
      path: `${request.url.pathname}${request.url.search}`,
      method: request.method,
      headers: flat,
      body: request.body ?? null,
      // curl sends a body with any method it is given (-X GET -d x)
      ...(request.body === undefined ? {} : { expectContinue: false }),
    };
    const handler = {
      onConnect(abort: (error?: Error) => void): void {
        abortRequest = abort;
        if (signal.aborted) onAbort();
      },
      onHeaders(code: number, raw: Buffer[], resume: () => void, text: string): boolean {
        status = code;
        statusText = text;
        headers = pairs(raw);
        headerBytes = `HTTP/1.1 ${code} ${text}\r\n`.length + headers.reduce((n, [k, v]) => n + k.length + v.length + 4, 0) + 2;
        if (code < 200) return true; // 1xx: the real response follows
        firstByteAt = performance.now();
        keep = sink.start(code, text, headers, wire);
        sink.onDrain(resume);
        return true;
      },
      onData(chunk: Buffer): boolean {
        bytes += chunk.length;
        return keep ? sink.write(chunk) : true;
      },
      onComplete(): void {
        done(undefined);
      },
      onError(error: Error): void {
        done(error);
      },
    };
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      agent.dispatch(options, handler as unknown as Dispatcher.DispatchHandler);
    } catch (error) {
      done(error as Error);
    }
  });
}
