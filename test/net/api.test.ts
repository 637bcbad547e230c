// API checks without a lab: option validation (every bad value fails before any socket exists,
// with a fake registry so no real interface is consulted) and loopback-only round trips.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fakeRegistry, nic } from '../helpers/fake-registry.js';
import { bindUdp, connect, connectTLS, createServer, listen, resolveZones } from '../../src/net/index.js';
import { checkConnectOptions } from '../../src/net/connect.js';

const registry = fakeRegistry([nic('lo', 1, true, ['::1']), nic('tst0', 2, true, ['fe80::a']), nic('tst1', 3, false, [])]);

describe('validation before any socket', () => {
  test('connect: targets', async () => {
    await assert.rejects(connect('[nonsense]:80', { registry }), (e: { code?: string }) => e.code === 'ERR_INVALID_ADDRESS' || e.code === 'ERR_INVALID_ENDPOINT');
    await assert.rejects(connect('[fe80::1%tst0]:0', { registry }), { code: 'ERR_INVALID_PORT' });
    await assert.rejects(connect('[fe80::1%tst0]', { registry }), (e: { code?: string }) => e.code === 'ERR_INVALID_ENDPOINT' || e.code === 'ERR_INVALID_PORT');
    await assert.rejects(connect({ host: 5 as never, port: 80 }, { registry }), { code: 'ERR_INVALID_ARGUMENT' });
    await assert.rejects(connect({ host: 'fe80::1%tst0', port: 80, zone: 'lo' }, { registry }), { code: 'ERR_INVALID_ARGUMENT' });
    await assert.rejects(connect({ host: '192.0.2.1', port: 80, zone: 'tst0' }, { registry }), { code: 'ERR_ZONE_NOT_ALLOWED' });
    await assert.rejects(connect(42 as never), { code: 'ERR_INVALID_ARGUMENT' });
  });
  test('connect: options', async () => {
    const target = '[fe80::1%tst0]:80';
    for (const bad of [{ timeout: -1 }, { timeout: 'x' }, { attemptDelay: Number.NaN }, { signal: {} }, { noDelay: 'yes' }, { keepAlive: 1 }, { zone: {} }, { registry: {} }]) {
      await assert.rejects(connect(target, { registry, ...bad } as never), { code: 'ERR_INVALID_ARGUMENT' }, JSON.stringify(bad));
    }
    await assert.rejects(connect(target, 'x' as never), { code: 'ERR_INVALID_ARGUMENT' });
    await assert.rejects(connectTLS(target, { registry, servername: '' }), { code: 'ERR_INVALID_ARGUMENT' });
    await assert.rejects(connectTLS(target, { registry, checkServerIdentity: 1 as never }), { code: 'ERR_INVALID_ARGUMENT' });
  });
  test('connect: the zone policy runs first', async () => {
    await assert.rejects(connect('[fe80::1]:8080', { registry }), (e: { code?: string; message: string }) => {
      assert.equal(e.code, 'ERR_ZONE_REQUIRED');
      assert.match(e.message, /candidates[^.]*: tst0\. .*"\[fe80::1%tst0\]:8080"/);
      return true;
    });
    await assert.rejects(connect('[fe80::1%tst1]:80', { registry }), { code: 'ERR_INTERFACE_DOWN' });
    await assert.rejects(connect('[fe80::1%nope]:80', { registry }), { code: 'ERR_UNKNOWN_INTERFACE' });
    await assert.rejects(connect('[::1%tst0]:80', { registry }), { code: 'ERR_ZONE_NOT_ALLOWED' });
    await assert.rejects(connect('[fe80::1%tst0]:80', { registry, signal: AbortSignal.abort() }), { code: 'ERR_ABORTED' });
  });
  test('listen and UDP targets', async () => {
    await assert.rejects(listen('[::%tst0]:0', { registry }), { code: 'ERR_ZONE_NOT_ALLOWED' });
    await assert.rejects(listen({ interface: 'tst1', port: 0 }, { registry }), { code: 'ERR_INTERFACE_DOWN' });
    await assert.rejects(listen({ interface: 'nope' }, { registry }), { code: 'ERR_UNKNOWN_INTERFACE' });
    await assert.rejects(listen('[fe80::1]:80', { registry }), { code: 'ERR_ZONE_REQUIRED' });
    await assert.rejects(listen({ port: 70000 }, { registry }), { code: 'ERR_INVALID_PORT' });
    await assert.rejects(listen({ port: 0 }, { registry, backlog: -1 }), { code: 'ERR_INVALID_ARGUMENT' });
    await assert.rejects(bindUdp({ port: 0 }, { registry, interfaces: 'x' as never }), { code: 'ERR_INVALID_ARGUMENT' });
    await assert.rejects(bindUdp({ interface: 'tst1' }, { registry }), { code: 'ERR_INTERFACE_DOWN' });
    assert.throws(() => createServer({ registry }, 5 as never), { code: 'ERR_INVALID_ARGUMENT' });
  });
  test('resolveZones takes a ScopedAddress; text is a typed error, not a TypeError', () => {
    assert.throws(() => resolveZones('fe80::2%3' as never), { code: 'ERR_INVALID_ARGUMENT' });
  });
});

describe("Node's two-argument forms", () => {
  test('listen(target, handler) and createServer(handler)', async () => {
    const seen: string[] = [];
    const server = await listen({ host: '::1', port: 0 }, (socket) => {
      seen.push('listen');
      socket.destroy();
    });
    const other = await listen({ host: '::1', port: 0 }, {
      server: createServer((socket) => {
        seen.push('createServer');
        socket.destroy();
      }),
    });
    try {
      for (const s of [server, other]) {
        const socket = await connect(`[::1]:${s.fe80!.endpoint.port}`);
        await new Promise((resolve) => socket.once('close', resolve));
      }
      assert.deepEqual(seen, ['listen', 'createServer']);
    } finally {
      for (const s of [server, other]) await new Promise((resolve) => s.close(resolve));
    }
  });
});

describe('loopback round trips (no zone involved)', () => {
  test('listen + connect on ::1: endpoints without zone, no interface', async () => {
    const peers: string[] = [];
    const server = await listen({ host: '::1', port: 0 }, {}, (socket) => {
      peers.push(`${socket.fe80.peer?.toString()} ${socket.fe80.interface}`);
      socket.end('hi');
    });
    try {
      const endpoint = server.fe80?.endpoint.toString();
      assert.match(endpoint ?? '', /^\[::1\]:\d+$/);
      const socket = await connect(endpoint as string, { zone: 'auto' }); // 'auto' never applies to ::1
      assert.equal(socket.fe80.interface, undefined);
      assert.equal(socket.fe80.attempts, 1);
      assert.equal(socket.fe80.endpoint.toString(), endpoint);
      const data = await new Promise<string>((resolve) => {
        let text = '';
        socket.on('data', (c: Buffer) => (text += c.toString()));
        socket.on('end', () => resolve(text));
      });
      socket.destroy();
      assert.equal(data, 'hi');
      assert.match(peers[0] ?? '', /^\[::1\]:\d+ undefined$/);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  test('connect refused on ::1: ERR_CONNECT with the system error on cause', async () => {
    const server = await listen({ host: '::1', port: 0 });
    const port = server.fe80!.endpoint.port;
    await new Promise((resolve) => server.close(resolve));
    await assert.rejects(connect(`[::1]:${port}`), (e: { code?: string; cause?: { code?: string }; attempts?: unknown[] }) => {
      assert.equal(e.code, 'ERR_CONNECT');
      assert.equal(e.cause?.code, 'ECONNREFUSED');
      assert.equal(e.attempts?.length, 1);
      return true;
    });
  });

  test('listen/bind on a port in use: ERR_SOCKET naming the endpoint, system error on cause', async () => {
    const server = await listen({ host: '::1', port: 0 });
    const udp = await bindUdp({ host: '::1', port: 0 });
    try {
      const port = server.fe80!.endpoint.port;
      await assert.rejects(listen({ host: '::1', port }), (e: { code?: string; message?: string; cause?: { code?: string } }) => {
        assert.equal(e.code, 'ERR_SOCKET');
        assert.equal(e.cause?.code, 'EADDRINUSE');
        assert.ok(e.message?.includes(`[::1]:${port}`), e.message);
        return true;
      });
      const uport = udp.address().port;
      await assert.rejects(bindUdp({ host: '::1', port: uport }), (e: { code?: string; cause?: { code?: string } }) => {
        assert.equal(e.code, 'ERR_SOCKET');
        assert.equal(e.cause?.code, 'EADDRINUSE');
        return true;
      });
    } finally {
      await udp.close();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  test('UDP on ::1: send and receive, sender as Endpoint; racing zones refused', async () => {
    const udp = await bindUdp({ host: '::1', port: 0 });
    try {
      const me = udp.address();
      assert.match(me.toString(), /^\[::1\]:\d+$/);
      const got = new Promise<string>((resolve) => udp.once('message', (data, from) => resolve(`${data.toString()} from ${from.toString()}`)));
      assert.equal(await udp.send('ping', me), 4);
      assert.equal(await got, `ping from ${me.toString()}`);
      await assert.rejects(udp.send('x', me, { zone: 'auto' }), { code: 'ERR_INVALID_ARGUMENT' });
      await assert.rejects(udp.send('x', `[::1%lo]:${me.port}`), { code: 'ERR_ZONE_NOT_ALLOWED' });
      assert.throws(() => udp.addMembership('2001:db8::1', 'lo'), { code: 'ERR_INVALID_ARGUMENT' });
    } finally {
      await udp.close();
    }
    // after close: a typed ERR_SOCKET with Node's error on cause, not a raw throw
    await assert.rejects(udp.send('x', `[::1]:9`), (e: { code?: string; cause?: { code?: string } }) => {
      assert.equal(e.code, 'ERR_SOCKET');
      assert.equal(e.cause?.code, 'ERR_SOCKET_DGRAM_NOT_RUNNING');
      return true;
    });
  });

  test('timeout: 0 means no timeout, as for net.connect (not a 0 ms deadline)', async () => {
    assert.equal(checkConnectOptions({ timeout: 0 }).timeout, undefined);
    assert.equal(checkConnectOptions({ timeout: 5 }).timeout, 5);
    const server = await listen({ host: '::1', port: 0 });
    try {
      for (let i = 0; i < 20; i++) (await connect(`[::1]:${server.fe80!.endpoint.port}`, { timeout: 0 })).destroy();
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
