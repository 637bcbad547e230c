// UDP over real links: unicast with named and numeric zones (Node alone would silently use the
// first link), binding to an interface, multicast send by interface name, and per-interface
// multicast receive with filtering (Linux does not isolate sockets by membership).
import assert from 'node:assert/strict';
import { labTest } from '../../src/testing/index.js';
import { fixture, ifindex, startServer, threeLinks } from './fixtures/util.js';

type Result = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

labTest(
  'UDP: zones decide the link; multicast per interface',
  async (lab, t) => {
    const topo = await threeLinks(lab);
    const [p1, p2, p3] = topo.peers;
    await Promise.all([
      startServer(p1, { id: 'peer1', udp: { port: 5000, join: { group: 'ff02::115', iface: 'p1' } }, multicast: { group: 'ff02::114', iface: 'p1', port: 15353 } }),
      startServer(p2, { id: 'peer2', udp: { port: 5000, join: { group: 'ff02::115', iface: 'p2' } }, multicast: { group: 'ff02::114', iface: 'p2', port: 15353 } }),
      startServer(p3, { id: 'peer3', udp: { port: 5000 } }),
    ]);
    // an interface name Node's isIP rejects: dgram still works when the literal is kept intact
    await lab.link(topo.client, p3, { nameA: 'c_5', nameB: 'p_5', addressA: 'fe80::1', addressB: 'fe80::5' });
    const c2 = await ifindex(topo.client, 'c2');
    const steps = [
      { op: 'udp', to: '[fe80::2%c1]:5000' }, // 0
      { op: 'udp', to: `[fe80::2%${c2}]:5000` }, // 1 numeric zone
      { op: 'udp', to: { host: 'fe80::2', port: 5000 }, zone: 'c2' }, // 2 zone option
      { op: 'udp', to: '[fe80::2]:5000' }, // 3 missing zone
      { op: 'udp', to: '[fe80::2%nosuch0]:5000' }, // 4 unknown interface
      { op: 'udp', to: '[fe80::3%c3]:5000', bind: { interface: 'c3', port: 0 } }, // 5 bound to an interface
      { op: 'udp', to: '[fe80::2%c1]:5000', bind: '[fe80::1%c1]:0' }, // 6 bound to a scoped address
      { op: 'udp', to: '[ff02::115]:5000', multicastInterface: 'c2' }, // 7 outgoing multicast by name
      { op: 'udp', to: '[ff02::115%c1]:5000' }, // 8 zone on the group
      { op: 'udp', to: '[ff02::115]:5000' }, // 9 no zone, no interface
      { op: 'udp', to: '[fe80::2%c1]:5000', bind: { interface: 'nosuch0' } }, // 10
      { op: 'udp', to: '[fe80::5%c_5]:5000' }, // 11 (multicast is last)
      {
        op: 'multicast',
        port: 15353,
        group: 'ff02::114',
        joins: [
          { iface: 'c1', filter: true },
          { iface: 'c2', filter: true },
          { iface: 'c3', filter: false },
        ],
        ms: 600,
      }, // 12
    ];
    const r = await topo.client.runNode<Result[]>(fixture('client.ts'), [JSON.stringify(steps)], { timeout: 60_000 });

    await t.test('unicast: named and numeric zones reach the right peer', () => {
      assert.equal(r[0]!['ok'], true, JSON.stringify(r[0]));
      assert.equal(r[0]!['reply']['id'], 'peer1');
      assert.equal(r[0]!['from'], '[fe80::2%c1]:5000', 'sender as a zoned Endpoint');
      assert.match(r[0]!['reply']['from'], /^\[fe80::1%p1\]:\d+$/, 'the peer saw us zoned too');
      assert.equal(r[1]!['reply']['id'], 'peer2', JSON.stringify(r[1]));
      assert.equal(r[1]!['from'], '[fe80::2%c2]:5000');
      assert.equal(r[2]!['reply']['id'], 'peer2');
      assert.equal(r[11]!['reply']?.['id'], 'peer3', JSON.stringify(r[11]));
      assert.equal(r[11]!['from'], '[fe80::5%c_5]:5000');
    });
    await t.test('unicast: errors instead of the first link', () => {
      assert.equal(r[3]!['code'], 'ERR_ZONE_REQUIRED');
      assert.equal(r[4]!['code'], 'ERR_UNKNOWN_INTERFACE');
      assert.equal(r[10]!['code'], 'ERR_UNKNOWN_INTERFACE');
    });
    await t.test('bind to an interface or a scoped address', () => {
      assert.equal(r[5]!['reply']['id'], 'peer3', JSON.stringify(r[5]));
      assert.match(r[5]!['local'], /^\[fe80::1%c3\]:\d+$/);
      assert.equal(r[6]!['reply']['id'], 'peer1');
      assert.match(r[6]!['local'], /^\[fe80::1%c1\]:\d+$/);
    });
    await t.test('multicast send: interface by name, or the zone on the group', () => {
      assert.equal(r[7]!['reply']?.['id'], 'peer2', JSON.stringify(r[7]));
      assert.equal(r[8]!['reply']?.['id'], 'peer1', JSON.stringify(r[8]));
      assert.equal(r[9]!['code'], 'ERR_ZONE_REQUIRED');
    });
    await t.test('multicast receive: joined per interface, filtered by arrival zone', () => {
      const got = r[12]!['got'] as Record<string, string[]>;
      assert.deepEqual(got['c1'], ['peer1 c1']);
      assert.deepEqual(got['c2'], ['peer2 c2']);
      // why the filter exists: the kernel delivers both links' datagrams to every socket on the port
      assert.deepEqual(got['c3 (unfiltered)'], ['peer1 c1', 'peer2 c2']);
      assert.deepEqual(r[12]!['memberships'], [[{ group: 'ff02::114', interface: 'c1' }], [{ group: 'ff02::114', interface: 'c2' }], [{ group: 'ff02::114', interface: 'c3' }]]);
    });
  },
  { timeout: 60_000 },
);
