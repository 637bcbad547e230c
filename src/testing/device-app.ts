// The web application of a simulated link-local device (started by devices.ts inside a lab
// namespace): what a router's or printer's admin UI does that a gateway must get right. Pages
// build their absolute URLs from the Host they were asked with, as devices do. Node modules only
// (it runs from fe80/testing, without dev dependencies): the WebSocket echo is a small RFC 6455
// server of its own.
//   node device-app.js '{"name":"printer","port":80,"cert":"...","key":"..."}'
import http from 'node:http';
import https from 'node:https';
import { createHash } from 'node:crypto';
import type { Socket } from 'node:net';
import { gzipSync } from 'node:zlib';

interface AppOptions {
  name: string;
  port: number;
  cert?: string;
  key?: string;
}

const o = JSON.parse(process.argv[2] ?? '{}') as AppOptions;
const secure = o.cert !== undefined && o.key !== undefined;
const scheme = secure ? 'https' : 'http';
const CHUNK = Buffer.alloc(64 * 1024, 0x61);

function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(title: string, body: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${esc(title)}</title></head><body>${body}</body></html>\n`;
}

function cookies(req: http.IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) out[part.slice(0, eq).trim()] = decodeURIComponent(part.slice(eq + 1).trim());
  }
  return out;
}

function send(res: http.ServerResponse, status: number, type: string, body: string, headers: Record<string, string | string[]> = {}): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

function readBody(req: http.IncomingMessage): Promise<{ text: string; bytes: number; sha256: string }> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    let bytes = 0;
    let text = '';
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      hash.update(chunk);
      if (text.length < 4096) text += chunk.toString('latin1');
    });
    req.once('end', () => resolve({ text, bytes, sha256: hash.digest('hex') }));
    req.once('error', reject);
  });
}

async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const host = req.headers.host ?? '';
  const origin = `${scheme}://${host}`;
  const url = new URL(req.url ?? '/', 'http://x');
  const name = o.name;
  switch (url.pathname) {
    case '/':
      return send(
        res,
        200,
        'text/html; charset=utf-8',
        `<!doctype html><html><head><meta charset="utf-8"><title>${esc(name)}</title>
<link rel="stylesheet" href="${origin}/style.css"></head>
<body><h1 id="name">${esc(name)}</h1>
<p id="host">asked as ${esc(host)}</p>
<ul>
<li><a id="relative" href="page2">relative link</a></li>
<li><a id="absolute" href="${origin}/abs">absolute link</a></li>
<li><a id="redirect" href="/redirect">redirect</a></li>
<li><a id="login" href="${origin}/login">log in</a></li>
<li><a id="account" href="/account">account</a></li>
</ul>
<p>WebSocket: <span id="ws">connecting</span></p>
<script src="${origin}/app.js"></script>
</body></html>
`,
      );
    case '/style.css':
      return send(res, 200, 'text/css', `body{font-family:sans-serif;background:#eef url(${origin}/bg.svg)}h1{color:#246}\n`);
    case '/bg.svg':
      return send(res, 200, 'image/svg+xml', '<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><rect width="4" height="4" fill="#dde"/></svg>\n');
    case '/app.js':
      return send(
        res,
        200,
        'application/javascript',
        `const ws = new WebSocket('${secure ? 'wss' : 'ws'}://${host}/echo');
ws.onopen = () => ws.send('ping from ' + document.title);
ws.onmessage = (e) => { document.getElementById('ws').textContent = 'echo: ' + e.data; };
ws.onerror = () => { document.getElementById('ws').textContent = 'error'; };
`,
      );
    case '/page2':
      return send(res, 200, 'text/html; charset=utf-8', page(`${name} page 2`, `<h1 id="page">page 2 of ${esc(name)}</h1><a id="home" href="${origin}/">home</a>`));
    case '/abs':
      return send(res, 200, 'text/html; charset=utf-8', page(`${name} absolute`, `<h1 id="page">absolute link target on ${esc(name)}</h1>`));
    case '/redirect':
      return send(res, 302, 'text/plain', 'moved\n', { location: `${origin}/landed` });
    case '/landed':
      return send(res, 200, 'text/html; charset=utf-8', page(`${name} landed`, `<h1 id="page">landed on ${esc(name)}</h1>`));
    case '/login':
      if (req.method === 'POST') {
        const body = await readBody(req);
        // a CSRF check as devices do it: the form must come from the device's own origin
        if (req.headers.origin !== origin) return send(res, 403, 'text/plain', `cross-origin login refused (Origin ${req.headers.origin ?? 'none'}, expected ${origin})\n`);
        const user = new URLSearchParams(body.text).get('user') ?? 'nobody';
        const domain = /^\[|^\d/.test(host) ? '' : `; Domain=${host.replace(/:\d+$/, '')}`;
        return send(res, 303, 'text/plain', 'logged in\n', {
          location: `${origin}/account`,
          'set-cookie': [`session=${encodeURIComponent(`${name}:${user}`)}; Path=/; HttpOnly; SameSite=Lax${domain}`, `theme=${name}; Path=/; Secure; SameSite=Lax`],
        });
      }
      return send(
        res,
        200,
        'text/html; charset=utf-8',
        page(`${name} login`, `<form id="form" method="post" action="${origin}/login"><input id="user" name="user"><button id="submit" type="submit">log in</button></form>`),
      );
    case '/account': {
      const session = cookies(req).session;
      const theme = cookies(req).theme;
      return send(
        res,
        200,
        'text/html; charset=utf-8',
        page(`${name} account`, `<h1 id="page">${session === undefined ? 'not logged in' : `logged in as ${esc(session)}`}</h1><p id="theme">${theme === undefined ? 'no theme' : `theme ${esc(theme)}`}</p>`),
      );
    }
    case '/whoami':
      // text/plain: what the device saw, not rewritten on the way back (JSON would be)
      return send(
        res,
        200,
        'text/plain; charset=utf-8',
        `${JSON.stringify({ name, host, origin: req.headers.origin ?? null, referer: req.headers.referer ?? null, cookie: req.headers.cookie ?? null, remote: req.socket.remoteAddress, remotePort: req.socket.remotePort, self: `${origin}/whoami`, rawHeaders: req.rawHeaders })}\n`,
      );
    case '/gzip.html': {
      // a compressed page with absolute links (the gateway decodes, rewrites, sends it plain)
      const html = page(`${name} gzip`, `<a id="absolute" href="${origin}/abs">absolute link</a>`);
      if (!/\bgzip\b/.test(req.headers['accept-encoding'] ?? '')) return send(res, 200, 'text/html; charset=utf-8', html);
      const body = gzipSync(html);
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-encoding': 'gzip', 'content-length': body.length });
      res.end(body);
      return;
    }
    case '/download': {
      const bytes = Number(url.searchParams.get('bytes') ?? '1048576');
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': bytes });
      let left = bytes;
      const more = (): void => {
        while (left > 0) {
          const n = Math.min(left, CHUNK.length);
          left -= n;
          if (!res.write(n === CHUNK.length ? CHUNK : CHUNK.subarray(0, n))) return void res.once('drain', more);
        }
        res.end();
      };
      more();
      return;
    }
    case '/upload': {
      const body = await readBody(req);
      return send(res, 200, 'application/json', `${JSON.stringify({ bytes: body.bytes, sha256: body.sha256, transferEncoding: req.headers['transfer-encoding'] ?? null })}\n`);
    }
    default:
      if (url.pathname.startsWith('/pages/')) {
        // a small page full of absolute links, as an admin UI's menu (the benchmark's pages)
        const links = Array.from({ length: 12 }, (_, i) => `<li><a href="${origin}/pages/${i}">section ${i}</a> <img src="${origin}/icons/${i}.png" alt=""></li>`).join('\n');
        return send(res, 200, 'text/html; charset=utf-8', page(`${name} ${url.pathname}`, `<h1>${esc(url.pathname)}</h1><ul>\n${links}\n</ul><script>const api = '${origin}/api';</script>`));
      }
      return send(res, 404, 'text/plain', 'not found\n');
  }
}

/** RFC 6455 §4.2.2: the handshake answer, then an echo of every text/binary frame. */
function websocket(req: http.IncomingMessage, socket: Socket): void {
  const key = req.headers['sec-websocket-key'];
  if (req.url !== '/echo' || typeof key !== 'string') {
    socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
    return;
  }
  const accept = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
  let buf = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    buf = Buffer.concat([buf, chunk]);
    for (;;) {
      if (buf.length < 2) return;
      const opcode = buf[0]! & 0x0f;
      const masked = (buf[1]! & 0x80) !== 0;
      let len = buf[1]! & 0x7f;
      let at = 2;
      if (len === 126) {
        if (buf.length < 4) return;
        len = buf.readUInt16BE(2);
        at = 4;
      } else if (len === 127) {
        if (buf.length < 10) return;
        len = Number(buf.readBigUInt64BE(2));
        at = 10;
      }
      const maskAt = at;
      if (masked) at += 4;
      if (buf.length < at + len) return;
      const payload = Buffer.from(buf.subarray(at, at + len));
      if (masked) for (let i = 0; i < payload.length; i++) payload[i]! ^= buf[maskAt + (i % 4)]!;
      buf = buf.subarray(at + len);
      if (opcode === 0x8) {
        socket.end(Buffer.from([0x88, 0]));
        return;
      }
      const reply = opcode === 0x9 ? 0xa : opcode;
      if (reply === 0xa || opcode === 0x1 || opcode === 0x2 || opcode === 0x0) {
        const head = len < 126 ? Buffer.from([0x80 | reply, len]) : len < 65536 ? Buffer.from([0x80 | reply, 126, len >> 8, len & 0xff]) : Buffer.concat([Buffer.from([0x80 | reply, 127]), Buffer.alloc(8)]);
        if (len >= 65536) head.writeBigUInt64BE(BigInt(len), 2);
        socket.write(Buffer.concat([head, payload]));
      }
    }
  });
  socket.on('error', () => socket.destroy());
}

const onRequest = (req: http.IncomingMessage, res: http.ServerResponse): void => {
  handle(req, res).catch((error: Error) => {
    if (!res.headersSent) send(res, 500, 'text/plain', `${error.message}\n`);
    else res.destroy();
  });
};
const server = secure ? https.createServer({ cert: o.cert, key: o.key }, onRequest) : http.createServer(onRequest);
server.keepAliveTimeout = 30_000;
server.on('upgrade', (req: http.IncomingMessage, socket: Socket) => websocket(req, socket));
server.listen({ host: '::', port: o.port }, () => {
  process.stdout.write(`${JSON.stringify({ ready: true, name: o.name, port: (server.address() as { port: number }).port })}\n`);
});
