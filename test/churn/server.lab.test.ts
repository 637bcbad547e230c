// listen({ interface, port }) follows its interface: a new link-local address or a re-created
// link gets the server re-listening on the same port ('relisten', server.fe80 truthful), a
// down/up that brings the same address back needs nothing, accepted connections are left alone, and
// close() ends the following (and the watcher's child). Server and client in lab namespaces.
import assert from 'node:assert/strict';
import { labTest } from '../../src/testing/index.js';
import { agent, sh, spawnHelper, vethCommands, waitUp } from './helpers.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

labTest('a server bound to an interface re-listens on its new address, same port, and says so', async (lab) => {
  const [client, srv] = await Promise.all([lab.namespace('client'), lab.namespace('server')]);
  const S = srv.name;
  await sh(vethCommands({ a: srv, b: client, nameA: 'sv0', nameB: 'cv0', addressA: 'fe80::5', addressB: 'fe80::1' }));
  await waitUp(srv, 'sv0');
  const server = await spawnHelper(srv, 'follower.ts', ['sv0']);
  const c = await agent(client);
  const ask = async (target: string): Promise<Json> => (await c.ask({ op: 'connect', target })) as Json;
  /** waits until the server reported `n` relisten events (both servers: 2 per change) */
  const relistens = async (n: number): Promise<Json[]> => {
    const got: Json[] = [];
    for (let i = 0; i < 300 && got.length < n; i++) {
      got.push(...((await server.ask('events')) as unknown as Json[]));
      if (got.length < n) await new Promise((r) => setTimeout(r, 10));
    }
    return got;
  };
  const first = await ask('[fe80::5%cv0]:7000');
  assert.equal(first['ok'], true, JSON.stringify(first));
  assert.deepEqual(JSON.parse(first['id']), { local: '[fe80::5%sv0]:7000', server: '[fe80::5%sv0]:7000' });

  // 1. the address changes: fe80::5 -> fe80::6
  await sh([`ip -n ${S} address del fe80::5/64 dev sv0`, `ip -n ${S} address add fe80::6/64 dev sv0 nodad`]);
  const moved = await relistens(2);
  assert.deepEqual(
    moved.map((e) => [e['port'], e['relisten']]).sort(),
    [
      [7000, { endpoint: '[fe80::6%sv0]:7000', interface: 'sv0', previous: '[fe80::5%sv0]:7000' }],
      [7001, { endpoint: '[fe80::6%sv0]:7001', interface: 'sv0', previous: '[fe80::5%sv0]:7001' }],
    ],
    JSON.stringify(moved),
  );
  const second = await ask('[fe80::6%cv0]:7000');
  assert.deepEqual(JSON.parse(second['id']), { local: '[fe80::6%sv0]:7000', server: '[fe80::6%sv0]:7000' }, 'server.fe80 is the new address');
  // a connection accepted on the new socket, kept open through what follows
  assert.deepEqual(await c.ask({ op: 'open', name: 'held', target: '[fe80::6%cv0]:7001' }), { ok: true });
  assert.deepEqual(await c.ask({ op: 'echo', name: 'held', text: 'one' }), { ok: true, data: 'one' });

  // 2. down and up, the same address back on the same link: nothing to do, the socket works again
  await sh([`ip -n ${S} link set dev sv0 down`, `ip -n ${S} link set dev sv0 up`, `ip -n ${S} address add fe80::6/64 dev sv0 nodad`]);
  await waitUp(srv, 'sv0');
  const after = (await c.ask({ op: 'until', target: '[fe80::6%cv0]:7000' })) as Json;
  assert.equal(after['ok'], true, JSON.stringify(after));
  assert.deepEqual(await server.ask('events'), [], 'no relisten for the same address on the same link');
  assert.deepEqual(await c.ask({ op: 'echo', name: 'held', text: 'two' }), { ok: true, data: 'two' }, 'the connection accepted before the down/up is still there');

  // 3. the link is deleted and re-created (new ifindex, same name and address): a new socket is needed
  await sh([`ip -n ${S} link del sv0`, ...vethCommands({ a: srv, b: client, nameA: 'sv0', nameB: 'cv1', addressA: 'fe80::6', addressB: 'fe80::1' })]);
  await waitUp(srv, 'sv0');
  const recreated = await relistens(2);
  assert.deepEqual(
    recreated.map((e) => e['relisten']?.['endpoint']).sort(),
    ['[fe80::6%sv0]:7000', '[fe80::6%sv0]:7001'],
    JSON.stringify(recreated),
  );
  const third = (await c.ask({ op: 'until', target: '[fe80::6%cv1]:7000' })) as Json;
  assert.equal(third['ok'], true, JSON.stringify(third));
  assert.deepEqual(JSON.parse(third['id']), { local: '[fe80::6%sv0]:7000', server: '[fe80::6%sv0]:7000' });
  const state = (await server.ask('state')) as Json;
  assert.equal(state['listening'], true);
  assert.equal(typeof state['monitorPid'], 'number', 'the servers watch through the kernel');

  // 4. close(): the servers stop following, and with no watcher left the monitor child is gone
  const closed = (await server.ask('close')) as Json;
  assert.deepEqual(closed, { fe80: null, listening: false, echo: null, monitorPid: null });
  await sh([`ip -n ${S} address add fe80::7/64 dev sv0 nodad`, `ip -n ${S} address del fe80::6/64 dev sv0`]);
  await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(await server.ask('events'), [], 'a closed server does not come back');
  await c.close();
});
