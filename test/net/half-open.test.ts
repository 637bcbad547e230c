// connect({ allowHalfOpen }): after the peer's FIN the socket stays writable only when asked,
// as net.Socket's option of that name. Loopback (::1) only: no zone, no lab needed.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import net from 'node:net';
import { describe, test } from 'node:test';
import { connect, type ConnectOptions } from '../../src/net/index.js';

/** A server that half-closes every connection at once and counts what it still receives. */
async function halfClosingServer(): Promise<{ port: number; received: Promise<number>; close: () => void }> {
  let report: (n: number) => void = () => {};
  const received = new Promise<number>((resolve) => (report = resolve));
  const server = net.createServer({ allowHalfOpen: true }, (socket) => {
    let bytes = 0;
    socket.on('data', (chunk: Buffer) => (bytes += chunk.length));
    socket.on('end', () => report(bytes));
    socket.on('error', () => report(bytes));
    socket.end(); // FIN first: the client must still be able to send
  });
  server.listen(0, '::1');
  await once(server, 'listening');
  return { port: (server.address() as net.AddressInfo).port, received, close: () => server.close() };
}

const PAYLOAD = Buffer.alloc(1 << 20, 'x');

describe('connect: allowHalfOpen', () => {
  const cases: { name: string; options: ConnectOptions; delivered: number }[] = [
    { name: 'true: writable after the peer FIN, everything arrives', options: { allowHalfOpen: true }, delivered: PAYLOAD.length },
    { name: 'true, racing path (timeout set)', options: { allowHalfOpen: true, timeout: 5000 }, delivered: PAYLOAD.length },
    { name: 'false: ends with the peer (Node default)', options: { allowHalfOpen: false }, delivered: 0 },
    { name: 'absent: Node default', options: {}, delivered: 0 },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const server = await halfClosingServer();
      try {
        const socket = await connect(`[::1]:${server.port}`, c.options);
        socket.on('error', () => {});
        socket.resume();
        await once(socket, 'end');
        await new Promise((resolve) => setImmediate(resolve)); // let Node's auto-end run
        assert.equal(socket.allowHalfOpen, c.options.allowHalfOpen === true);
        assert.equal(socket.writable, c.delivered > 0, 'writable after the peer FIN');
        if (socket.writable) socket.end(PAYLOAD);
        assert.equal(await server.received, c.delivered);
        socket.destroy();
      } finally {
        server.close();
      }
    });
  }

  test('a non-boolean is ERR_INVALID_ARGUMENT before any socket exists', async () => {
    for (const bad of ['yes', 1, null]) {
      await assert.rejects(connect('[::1]:9', { allowHalfOpen: bad as never }), { code: 'ERR_INVALID_ARGUMENT' }, String(bad));
    }
  });
});
