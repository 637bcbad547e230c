// One HTTP exchange through the gateway: the browser's request goes to the device through fe80's
// http Agent (zone-free Host, the device's own interface), the response comes back with its
// headers rewritten and, for HTML/CSS/JS/JSON, its body rewritten while it streams. Other bodies
// are piped untouched: memory stays flat whatever their size.
import http from 'node:http';
import https from 'node:https';
import { decoderFor, type Decoder } from '../http/content-coding.js';
import type { Readable } from 'node:stream';
import type { Gateway, DeviceEntry } from './gateway.js';
import { isRewritable, requestHeaders, responseHeaders, type HeaderRoute } from './headers.js';
import { errorPage } from './landing.js';

/** Answers with one of the gateway's own small HTML pages. */
export function sendPage(res: http.ServerResponse, status: number, title: string, detail: string, landing: string | undefined): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = errorPage(status, title, detail, landing);
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
    'content-security-policy': "default-src 'none'",
  });
  res.end(body);
}

/** The decoder for a single content coding zlib knows, else undefined (body left as it is). */
function decoderOrIdentity(coding: string | undefined): Decoder | 'identity' | undefined {
  if (coding === undefined || coding === '' || coding.toLowerCase() === 'identity') return 'identity';
  return decoderFor(coding); // undefined: several codings, or one zlib does not know: passed through, not rewritten
}

/** Pipes `src` into `res` through the rewriter, pausing on back-pressure. */
function pumpRewritten(src: Readable, res: http.ServerResponse, route: HeaderRoute, onError: (e: Error) => void): void {
  const body = route.rewriter.stream();
  // the writes of one turn of the event loop (head, rewritten chunk, held tail, last chunk)
  // leave in one writev: a small page is one system call, as with a piped body. setImmediate,
  // not nextTick: the body's 'end' comes on a later tick of the same turn.
  let corked = false;
  const uncork = (): void => {
    corked = false;
    if (!res.writableEnded) res.uncork(); // end() uncorks fully by itself
  };
  src.on('data', (chunk: Buffer) => {
    const out = body.push(chunk);
    if (out.length === 0) return;
    if (!corked) {
      corked = true;
      res.cork();
      setImmediate(uncork);
    }
    if (!res.write(out)) {
      src.pause();
      res.once('drain', () => src.resume());
    }
  });
  src.once('end', () => res.end(body.end()));
  src.once('error', onError);
}

/** Forwards `req` to the device and its answer back to `res`. */
export function forward(gateway: Gateway, entry: DeviceEntry, route: HeaderRoute, req: http.IncomingMessage, res: http.ServerResponse): void {
  const headers = requestHeaders(req.rawHeaders, route, false);
  const t = entry.target;
  let upstream: http.ClientRequest;
  try {
    upstream = (t.secure ? https : http).request({
      host: entry.dialHost,
      port: t.port,
      method: req.method,
      path: req.url,
      headers,
      agent: entry.agent,
      setHost: false,
    });
  } catch (error) {
    sendPage(res, 502, 'Bad Gateway', (error as Error).message, gateway.url);
    return;
  }
  const fail = (error: Error): void => {
    upstream.destroy();
    if (!res.headersSent) sendPage(res, 502, 'Bad Gateway', `${entry.name ?? entry.label}: ${error.message}`, gateway.url);
    else res.destroy(error);
  };
  upstream.once('error', fail);
  // the browser went away: stop the device side too
  res.once('close', () => {
    if (!res.writableFinished) upstream.destroy();
  });
  upstream.once('response', (incoming) => {
    const status = incoming.statusCode ?? 502;
    const hasBody = req.method !== 'HEAD' && status !== 204 && status !== 304 && !(status >= 100 && status < 200);
    // a 206 is a byte range of the device's body: rewriting would shift every range after it
    let rewrite = status !== 206 && isRewritable(incoming.headers['content-type']);
    const decoder = rewrite && hasBody ? decoderOrIdentity(incoming.headers['content-encoding']) : 'identity';
    if (decoder === undefined) rewrite = false;
    const decoding = decoder !== undefined && decoder !== 'identity';
    const out = responseHeaders(incoming.rawHeaders, route, { rewriting: rewrite, decoding });
    try {
      res.writeHead(status, incoming.statusMessage, out);
    } catch (error) {
      incoming.destroy();
      fail(error as Error);
      return;
    }
    incoming.once('error', (e: Error) => res.destroy(e));
    incoming.once('close', () => {
      if (!incoming.complete) res.destroy(); // the device broke off: so does the browser's response
    });
    if (!hasBody) {
      incoming.resume();
      res.end();
      return;
    }
    if (!rewrite) {
      incoming.pipe(res);
      return;
    }
    if (decoding) {
      const d = decoder as Decoder;
      incoming.pipe(d);
      pumpRewritten(d, res, route, (e) => res.destroy(e));
      return;
    }
    pumpRewritten(incoming, res, route, (e) => res.destroy(e));
  });
  req.pipe(upstream);
}
