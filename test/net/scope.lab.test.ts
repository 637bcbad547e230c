// Zones sockets ignore, over real links. Peers 1 and 2 (behind c1 and c2) both join ff05::115
// (site-local multicast, scope 5) on their link. A zone on such a group would not pick the link
// (the kernel routes it by table), so fe80 refuses it; the socket's outgoing multicast interface
// does pick it, and joining a scope-5 group per named interface receives on that link only.
import assert from 'node:assert/strict';
import { labTest } from '../../src/testing/index.js';
import { fixture, startServer, threeLinks } from './fixtures/util.js';

type Result = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

labTest(
  'scopes > link: zones refused, the multicast interface picks the link, joins per interface',
  async (lab, t) => {
    const topo = await threeLinks(lab);
    const [p1, p2] = topo.peers;
    await Promise.all([
      startServer(p1, { id: 'peer1', udp: { port: 5000, join: { group: 'ff05::115', iface: 'p1' } }, multicast: { group: 'ff05::114', iface: 'p1', port: 15353 } }),
      startServer(p2, { id: 'peer2', udp: { port: 5000, join: { group: 'ff05::115', iface: 'p2' } }, multicast: { group: 'ff05::114', iface: 'p2', port: 15353 } }),
    ]);
    const steps = [
      { op: 'udp', to: '[ff05::115%c2]:5000' }, // 0 zone on a scope-5 group
      { op: 'udp', to: '[ff05::115]:5000', zone: 'c2' }, // 1 zone option
      { op: 'udp', to: '[ff05::115]:5000', multicastInterface: 'c2' }, // 2 the socket picks the link
      { op: 'udp', to: '[ff05::115]:5000', multicastInterface: 'c1' }, // 3
      { op: 'connect', target: '[fec0::2%c2]:8080' }, // 4 site-local unicast with a zone
      { op: 'udp', to: '[fe80::2%c1]:5000', bind: '[fec0::1%c1]:0' }, // 5 bind with such a zone
      {
        op: 'multicast',
        port: 15353,
        group: 'ff05::114',
        joins: [
          { iface: 'c1', filter: true },
          { iface: 'c2', filter: true },
        ],
        ms: 600,
      }, // 6
    ];
    const r = await topo.client.runNode<Result[]>(fixture('client.ts'), [JSON.stringify(steps)], { timeout: 60_000 });

    await t.test('a zone on a scope > 2 destination or bind: ERR_ZONE_NOT_ALLOWED, refused before any send', () => {
      for (const i of [0, 1, 4, 5]) assert.equal(r[i]!['code'], 'ERR_ZONE_NOT_ALLOWED', JSON.stringify(r[i]));
      assert.match(r[0]!['message'], /setMulticastInterface\("c2"\)/);
    });
    await t.test('setMulticastInterface picks the link of a scope-5 group', () => {
      assert.equal(r[2]!['reply']?.['id'], 'peer2', JSON.stringify(r[2]));
      assert.equal(r[2]!['from'], '[fe80::2%c2]:5000');
      assert.equal(r[3]!['reply']?.['id'], 'peer1', JSON.stringify(r[3]));
    });
    await t.test('joining a scope-5 group on a named interface receives that link', () => {
      const got = r[6]!['got'] as Record<string, string[]>;
      assert.deepEqual(got['c1'], ['peer1 c1'], JSON.stringify(r[6]));
      assert.deepEqual(got['c2'], ['peer2 c2']);
      assert.deepEqual(r[6]!['memberships'], [[{ group: 'ff05::114', interface: 'c1' }], [{ group: 'ff05::114', interface: 'c2' }]]);
    });
  },
  { timeout: 60_000 },
);
