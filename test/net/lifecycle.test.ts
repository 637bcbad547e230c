// Socket lifecycles on loopback (no lab): bad TLS options fail before any connection exists,
// aborting listen/bindUdp at any moment rejects ERR_ABORTED and leaves nothing bound, a server of
// the caller's is left as it was after a failed or refused listen, UDP binds to IPv4 addresses,
// and zones sockets would ignore are refused before any socket exists.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import net from 'node:net';
import tls from 'node:tls';
import { describe, test } from 'node:test';
import { fakeRegistry, nic } from '../helpers/fake-registry.js';
import { selfSigned } from '../http/tls-cert.js';
import { bindUdp, connect, connectTLS, createServer, listen, type Fe80Server } from '../../src/net/index.js';

type Failure = { code?: string; message: string; cause?: unknown; hint?: string };

const closeServer = (server: net.Server): Promise<void> => new Promise((resolve) => server.close(() => resolve()));

/** A TCP server on ::1 that counts connections and waits until each one has closed. */
async function countingServer(): Promise<{ port: number; accepted: () => number; allClosed: () => Promise<void>; close: () => Promise<void> }> {
  const closed: Promise<unknown>[] = [];
  const server = net.createServer((socket) => {
    socket.on('error', () => {});
    socket.resume();
    closed.push(once(socket, 'close'));
  });
  await new Promise<void>((resolve) => server.listen(0, '::1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    accepted: () => closed.length,
    allClosed: async () => {
      await Promise.all(closed);
    },
    close: () => closeServer(server),
  };
}

/** A port that was free a moment ago (TCP or UDP on ::1). */
async function freePort(kind: 'tcp' | 'udp'): Promise<number> {
  if (kind === 'tcp') {
    const server = await listen('[::1]:0');
    const port = server.fe80!.endpoint.port;
    await closeServer(server);
    return port;
  }
  const udp = await bindUdp('[::1]:0');
  const port = udp.address().port;
  await udp.close();
  return port;
}

describe('connectTLS: TLS options are checked before any connection exists', () => {
  const cases: [string, Record<string, unknown>, boolean][] = [
    ['minVersion', { minVersion: 'bogus' }, true],
    ['maxVersion', { maxVersion: 'TLSv9' }, true],
    ['ciphers', { ciphers: 'NOPE' }, true],
    ['ca', { ca: 5 }, true],
    ['key', { key: 'not a key' }, true],
    ['ALPNProtocols number', { ALPNProtocols: 5 }, false],
    ['ALPNProtocols entry', { ALPNProtocols: ['h2', 7] }, false],
    ['ALPNProtocols empty name', { ALPNProtocols: [''] }, false],
    // checked by tls.connect only once it holds the socket (highWaterMark: with it half taken over)
    ['minDHSize', { minDHSize: 0 }, false],
    ['highWaterMark', { highWaterMark: -1 }, false],
    ['enableTrace', { enableTrace: 'yes' }, false],
    ['pskCallback', { pskCallback: 1 }, false],
    ['secureContext', { secureContext: {} }, false],
  ];
  for (const [name, options, nodeCause] of cases) {
    test(`${name}: ERR_INVALID_ARGUMENT, no connection made`, async () => {
      const peer = await countingServer();
      try {
        await assert.rejects(connectTLS(`[::1]:${peer.port}`, options as never), (e: Failure) => {
          assert.equal(e.code, 'ERR_INVALID_ARGUMENT', e.message);
          if (nodeCause) assert.ok(e.cause instanceof Error, 'the Node error is on cause');
          return true;
        });
        await new Promise((resolve) => setTimeout(resolve, 50));
        assert.equal(peer.accepted(), 0);
      } finally {
        await peer.close();
      }
    });
  }

  test('an option only tls.connect checks: ERR_INVALID_ARGUMENT and the connection is closed', { timeout: 10_000 }, async () => {
    for (const options of [{ session: 5 }]) {
      const peer = await countingServer();
      try {
        await assert.rejects(connectTLS(`[::1]:${peer.port}`, options as never), (e: Failure) => {
          assert.equal(e.code, 'ERR_INVALID_ARGUMENT', `${JSON.stringify(options)}: ${e.message}`);
          assert.ok(e.cause instanceof Error);
          return true;
        });
        await peer.allClosed(); // hangs (test timeout) if the socket leaked
      } finally {
        await peer.close();
      }
    }
  });

  test('valid options still reach the handshake (context built up front, ALPN negotiated)', async () => {
    const { key, cert } = await selfSigned('::1');
    const server = tls.createServer({ key, cert, ALPNProtocols: ['h2'] }, (s) => s.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '::1', resolve));
    try {
      const port = (server.address() as net.AddressInfo).port;
      const socket = await connectTLS(`[::1]:${port}`, { ca: cert, ALPNProtocols: ['h2', 'http/1.1'], minVersion: 'TLSv1.3' });
      assert.equal(socket.authorized, true);
      assert.equal(socket.alpnProtocol, 'h2');
      assert.equal(socket.getProtocol(), 'TLSv1.3');
      socket.destroy();
      // null means "not given", as for tls.connect
      const nulls = await connectTLS(`[::1]:${port}`, { ca: cert, secureContext: null, pskCallback: null } as unknown as tls.ConnectionOptions);
      assert.equal(nulls.authorized, true);
      nulls.destroy();
    } finally {
      await closeServer(server);
    }
  });
});

describe('listen: abort at any moment', () => {
  test('already aborted: ERR_ABORTED', async () => {
    await assert.rejects(listen('[::1]:0', { signal: AbortSignal.abort() }), { code: 'ERR_ABORTED' });
  });

  test('aborted while listening is in progress: ERR_ABORTED, the port stays free', async () => {
    const port = await freePort('tcp');
    const controller = new AbortController();
    const pending = listen(`[::1]:${port}`, { signal: controller.signal });
    controller.abort(new Error('stop'));
    await assert.rejects(pending, (e: Failure) => {
      assert.equal(e.code, 'ERR_ABORTED');
      assert.equal((e.cause as Error).message, 'stop');
      return true;
    });
    const again = await listen(`[::1]:${port}`); // EADDRINUSE if anything was left bound
    await closeServer(again);
  });

  test('a server of the caller\'s: closed on abort, no listener of ours left', async () => {
    const server = createServer();
    const controller = new AbortController();
    const pending = listen('[::1]:0', { server, signal: controller.signal });
    controller.abort();
    await assert.rejects(pending, { code: 'ERR_ABORTED' });
    assert.equal(server.listening, false);
    assert.equal(server.listenerCount('error') + server.listenerCount('listening'), 0);
  });

  test('aborted after it listens: the server closes', async () => {
    const controller = new AbortController();
    const server = await listen('[::1]:0', { signal: controller.signal });
    assert.equal(server.listening, true);
    const closed = once(server, 'close');
    controller.abort();
    await closed;
    assert.equal(server.listening, false);
  });
});

describe('listen with { server }: the server is left as it was on failure', () => {
  const listeners = (server: Fe80Server): Record<string, number> =>
    Object.fromEntries(['connection', 'error', 'listening'].map((e) => [e, server.listenerCount(e)]));

  test('a failed listen leaves no handler and no listener; a retry attaches the handler once', async () => {
    const busy = await listen('[::1]:0');
    const server = createServer();
    const before = listeners(server);
    let calls = 0;
    const handler = (socket: net.Socket): void => {
      calls++;
      socket.end();
    };
    try {
      await assert.rejects(listen(busy.fe80!.endpoint, { server }, handler), { code: 'ERR_SOCKET' });
      assert.deepEqual(listeners(server), before);
      await listen('[::1]:0', { server }, handler);
      assert.deepEqual(listeners(server), { ...before, connection: before['connection']! + 1 });
      const socket = await connect(server.fe80!.endpoint);
      socket.resume();
      await once(socket, 'close');
      assert.equal(calls, 1);
    } finally {
      await closeServer(server);
      await closeServer(busy);
    }
  });

  test('already listening: ERR_INVALID_ARGUMENT, nothing attached', async () => {
    const server = createServer();
    await listen('[::1]:0', { server });
    try {
      const before = listeners(server);
      await assert.rejects(listen('[::1]:0', { server }, () => {}), (e: Failure) => {
        assert.equal(e.code, 'ERR_INVALID_ARGUMENT');
        assert.match(e.message, /already listening \(on \[::1\]:\d+\)/);
        return true;
      });
      assert.deepEqual(listeners(server), before);
    } finally {
      await closeServer(server);
    }
  });
});

describe('bindUdp: abort at any moment', () => {
  test('already aborted: ERR_ABORTED', async () => {
    await assert.rejects(bindUdp('[::1]:0', { signal: AbortSignal.abort() }), { code: 'ERR_ABORTED' });
  });

  test('aborted right after the call: ERR_ABORTED, the port stays free', async () => {
    for (const target of ['[::1]:PORT', 'PORT']) {
      const port = await freePort('udp');
      const controller = new AbortController();
      const pending = bindUdp(target === 'PORT' ? { port } : target.replace('PORT', String(port)), { signal: controller.signal });
      controller.abort();
      await assert.rejects(pending, { code: 'ERR_ABORTED' }, target);
      const again = await bindUdp(`[::1]:${port}`); // EADDRINUSE if anything was left bound
      await again.close();
    }
  });

  test('aborted after the bind: the socket closes', async () => {
    const controller = new AbortController();
    const udp = await bindUdp('[::1]:0', { signal: controller.signal });
    const closed = once(udp, 'close');
    controller.abort();
    await closed;
  });
});

describe('bindUdp to an IPv4 address', () => {
  for (const target of ['127.0.0.1:0', { host: '127.0.0.1', port: 0 }]) {
    test(`${JSON.stringify(target)}: bound, reported and answered as IPv4`, async () => {
      const udp = await bindUdp(target);
      try {
        const me = udp.address();
        assert.match(me.toString(), /^127\.0\.0\.1:\d+$/);
        const got = once(udp, 'message') as Promise<[Buffer, { toString(): string }, { address: string; family: string }]>;
        await udp.send('ping', me);
        const [data, from, rinfo] = await got;
        assert.equal(data.toString(), 'ping');
        assert.equal(from.toString(), me.toString());
        assert.deepEqual([rinfo.address, rinfo.family], ['127.0.0.1', 'IPv4']);
      } finally {
        await udp.close();
      }
    });
  }
  test('ipv6Only with an IPv4 address: ERR_INVALID_ARGUMENT', async () => {
    await assert.rejects(bindUdp('127.0.0.1:0', { ipv6Only: true }), { code: 'ERR_INVALID_ARGUMENT' });
  });
});

describe('zones sockets would ignore are refused before any socket exists', () => {
  const registry = fakeRegistry([nic('lo', 1, true, ['::1']), nic('tst0', 2, true, ['fe80::a'])]);
  test('connect, connectTLS, listen, bindUdp: ERR_ZONE_NOT_ALLOWED', async () => {
    const refused: [string, () => Promise<unknown>][] = [
      ['connect fec0', () => connect('[fec0::2%tst0]:8080', { registry })],
      ['connect zone option', () => connect('[fec0::2]:8080', { registry, zone: 'tst0' })],
      ['connectTLS', () => connectTLS('[fec0::2%tst0]:443', { registry })],
      ['listen', () => listen('[fec0::1%tst0]:0', { registry })],
      ['bindUdp multicast', () => bindUdp({ host: 'ff05::1', port: 0, zone: 'tst0' }, { registry })],
    ];
    for (const [name, run] of refused) await assert.rejects(run(), { code: 'ERR_ZONE_NOT_ALLOWED' }, name);
  });
  test('UDP send to a scope > 2 group with a zone: ERR_ZONE_NOT_ALLOWED pointing at setMulticastInterface', async () => {
    const udp = await bindUdp('[::1]:0', { registry });
    try {
      for (const [to, options] of [['[ff05::1%tst0]:5000', {}], ['[ff05::1]:5000', { zone: 'tst0' }], ['[ff0e::1%tst0]:5000', {}]] as const) {
        await assert.rejects(udp.send('x', to, options), (e: Failure) => {
          assert.equal(e.code, 'ERR_ZONE_NOT_ALLOWED'); // global scope: no zone at all; scope 5: ignored
          if (!to.startsWith('[ff0e')) {
            assert.match(e.hint ?? '', /setMulticastInterface\("tst0"\)/);
          }
          return true;
        });
      }
    } finally {
      await udp.close();
    }
  });
});
