// WebSocket handshakes (RFC 6455 §4) through the gateway: the device side is a socket from fe80's
// connect/connectTLS (its zone, its certificate policy), the handshake goes out with the device's
// Host and Origin, the device's answer comes back with its headers rewritten, and then both
// sockets are piped into each other untouched (frames are not rewritten).
import type http from 'node:http';
import type { Socket } from 'node:net';
import type { Gateway, DeviceEntry } from './gateway.js';
import { requestHeaders, responseHeaders, type HeaderRoute } from './headers.js';

/** Largest response head accepted from a device. */
const MAX_HEAD = 64 * 1024;

/** Answers an upgrade request with a status and closes the socket. */
export function refuseUpgrade(socket: Socket, status: number, reason: string): void {
  if (socket.writable) socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  else socket.destroy();
}

function headText(raw: readonly string[]): string {
  let text = '';
  for (let i = 0; i < raw.length; i += 2) text += `${raw[i]}: ${raw[i + 1]}\r\n`;
  return text;
}

/** Splits a response head (`HTTP/1.1 101 ...\r\nA: b\r\n`) into its status line and raw header array. */
function parseHead(head: string): { status: string; raw: string[] } | undefined {
  const lines = head.split('\r\n');
  const status = lines.shift();
  if (status === undefined || !/^HTTP\/1\.[01] \d{3}/.test(status)) return undefined;
  const raw: string[] = [];
  for (const line of lines) {
    if (line === '') continue;
    const colon = line.indexOf(':');
    if (colon <= 0) return undefined;
    raw.push(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
  }
  return { status, raw };
}

/** Forwards one WebSocket handshake and then the connection. */
export function upgrade(gateway: Gateway, entry: DeviceEntry, route: HeaderRoute, req: http.IncomingMessage, client: Socket, head: Buffer): void {
  let device: Socket | undefined;
  const closeBoth = (): void => {
    client.destroy();
    device?.destroy();
  };
  client.once('error', closeBoth);
  client.once('close', closeBoth);
  gateway.dial(entry).then(
    (socket) => {
      device = socket;
      if (client.destroyed) return socket.destroy();
      socket.once('error', closeBoth);
      socket.once('close', closeBoth);
      socket.setNoDelay(true);
      const headers = requestHeaders(req.rawHeaders, route, true);
      socket.write(`${req.method ?? 'GET'} ${req.url ?? '/'} HTTP/1.1\r\n${headText(headers)}\r\n`);
      if (head.length > 0) socket.write(head);
      let buffered: Buffer = Buffer.alloc(0);
      const onData = (chunk: Buffer): void => {
        buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
        const end = buffered.indexOf('\r\n\r\n');
        if (end < 0) {
          if (buffered.length > MAX_HEAD) closeBoth();
          return;
        }
        socket.off('data', onData);
        const parsed = parseHead(buffered.subarray(0, end).toString('latin1'));
        if (parsed === undefined) return closeBoth();
        const upgraded = / 101 /.test(`${parsed.status} `);
        let out = responseHeaders(parsed.raw, route, { rewriting: false, decoding: false });
        if (upgraded) {
          // a 101 keeps its Connection and Upgrade (hop-by-hop, but they are the handshake)
          out = out.concat(['Connection', 'Upgrade', 'Upgrade', parsed.raw[parsed.raw.findIndex((v, i) => i % 2 === 0 && v.toLowerCase() === 'upgrade') + 1] ?? 'websocket']);
        }
        client.write(`${parsed.status}\r\n${headText(out)}\r\n`);
        const rest = buffered.subarray(end + 4);
        if (rest.length > 0) client.write(rest);
        if (!upgraded) {
          // a refusal (403, 400, ...): its body follows, then both sides close
          socket.pipe(client);
          return;
        }
        socket.pipe(client);
        client.pipe(socket);
      };
      socket.on('data', onData);
    },
    (error: Error) => {
      gateway.emit('warning', error);
      refuseUpgrade(client, 502, 'Bad Gateway');
    },
  );
}
