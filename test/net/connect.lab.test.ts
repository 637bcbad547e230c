// connect() and listen() over real links. The client always runs inside the client namespace.
// Topology (fixtures/util.ts): client c1 -- p1 peer1 (fe80::2), c2 -- p2 peer2 (ALSO fe80::2),
// c3 -- p3 peer3 (fe80::3). Peers answer with their id, so the data proves who answered.
import assert from 'node:assert/strict';
import { labTest } from '../../src/testing/index.js';
import { fixture, ifindex, startServer, threeLinks } from './fixtures/util.js';

type Result = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const identity = (r: Result): Record<string, string> => JSON.parse(r['data']) as Record<string, string>;

labTest(
  'connect: the zone, and only the zone, picks the peer; errors explain; racing; abort',
  async (lab, t) => {
    const topo = await threeLinks(lab);
    const [p1, p2, p3] = topo.peers;
    // 8080 on peers 1 and 2 (same address fe80::2), 9090 only on peer 3; 7000: socat on peer 3
    await Promise.all([
      startServer(p1, { id: 'peer1', tcp: [{ target: { port: 8080 }, mode: 'identity' }, { target: { interface: 'p1', port: 8081 }, mode: 'identity' }] }),
      startServer(p2, { id: 'peer2', tcp: [{ target: { port: 8080 }, mode: 'identity' }] }),
      startServer(p3, { id: 'peer3', tcp: [{ target: '[fe80::3%p3]:9090', mode: 'identity' }, { target: { port: 8085 }, mode: 'identity' }] }),
    ]);
    const socat = p3.spawn('socat', ['TCP6-LISTEN:7000,reuseaddr,fork', 'SYSTEM:echo socat-peer']);
    socat.on('error', () => {});
    const c2 = await ifindex(topo.client, 'c2');

    // the down-interface case gets its own link so the others stay usable
    const p4 = await lab.namespace('peer4');
    await lab.link(topo.client, p4, { nameA: 'c4', nameB: 'p4', addressA: 'fe80::1', addressB: 'fe80::4' });
    await topo.client.ip(['link', 'set', 'dev', 'c4', 'down']);
    // a zone Node's TCP layer does not accept ("_"): a clear error, never getaddrinfo (drops zones)
    await lab.link(topo.client, p3, { nameA: 'c_5', nameB: 'p_5', addressA: 'fe80::1', addressB: 'fe80::5' });

    const steps = [
      { op: 'connect', target: '[fe80::2%c1]:8080' }, // 0
      { op: 'connect', target: '[fe80::2%c2]:8080' }, // 1
      { op: 'connect', target: `[fe80::2%${c2}]:8080` }, // 2 numeric zone
      { op: 'connect', target: { host: 'fe80::2', port: 8080, zone: 'c1' } }, // 3
      { op: 'connect', target: '[fe80::2]:8080', options: { zone: c2 } }, // 4 numeric option
      { op: 'connect', target: '[fe80::2%nosuch0]:8080' }, // 5
      { op: 'connect', target: '[fe80::4%c4]:8080' }, // 6 interface down
      { op: 'connect', target: '[2001:db8::1%c1]:80' }, // 7 zone on a global address
      { op: 'connect', target: '[fe80::2]:8080' }, // 8 missing zone
      { op: 'connect', target: '[fe80::2]:8080', options: { zone: 'auto' } }, // 9 auto: c1 first
      { op: 'connect', target: '[fe80::3]:9090', options: { zone: 'auto' } }, // 10 only c3 listens
      { op: 'connect', target: '[fe80::3]:9090', options: { zone: 'auto', attemptDelay: 0 } }, // 11
      { op: 'connect', target: '[fe80::2]:9090', options: { zone: ['c1', 'c2'] } }, // 12 all refuse
      { op: 'connect', target: '[fe80::99%c1]:8080', abortAfter: 200 }, // 13 no such neighbour: abort
      { op: 'connect', target: '[fe80::99%c1]:8080', options: { timeout: 200 } }, // 14 timeout
      { op: 'connect', target: '[fe80::99]:8080', options: { zone: 'auto', attemptDelay: 20 }, abortAfter: 150 }, // 15 abort a race
      { op: 'connect', target: '[fe80::3%c3]:7000' }, // 16 socat, a peer fe80 did not write
      { op: 'connect', target: '[fe80::2%c1]:8081' }, // 17 listen on an interface
      { op: 'connect', target: '[fe80::2%c1]:9999' }, // 18 refused, single attempt
      { op: 'connect', target: '[fe80::2%c3]:8080', options: { zone: ['c1', 'c2'] } }, // 19 zone outside the list
      { op: 'connect', target: '[fe80::2]:8080', options: { zone: ['c2', 'c1'] } }, // 20 list order
      { op: 'connect', target: '[fe80::5%c_5]:8085' }, // 21 zone with "_"
      { op: 'neighbours' }, // 22 the fixture's snapshot of the kernel's table, as it stands now
      { op: 'connect', target: '[fe80::3]:9090', options: { zone: 'auto', attemptDelay: 0 } }, // 23 known on c3 only
    ];
    const r = await topo.client.runNode<Result[]>(fixture('client.ts'), [JSON.stringify(steps)], { timeout: 60_000 });
    const at = (i: number): Result => r[i] as Result;

    await t.test('same address fe80::2 on two links: the zone decides', () => {
      assert.equal(at(0)['ok'], true, JSON.stringify(at(0)));
      assert.equal(identity(at(0))['id'], 'peer1');
      assert.equal(at(0)['interface'], 'c1');
      assert.equal(at(0)['endpoint'], '[fe80::2%c1]:8080');
      assert.equal(identity(at(1))['id'], 'peer2');
      assert.equal(at(1)['interface'], 'c2');
      // what the peers saw: the client, zoned with their own interface
      assert.match(identity(at(0))['peer']!, /^\[fe80::1%p1\]:\d+$/);
      assert.match(identity(at(1))['peer']!, /^\[fe80::1%p2\]:\d+$/);
    });

    await t.test('numeric zones and zone options', () => {
      assert.equal(identity(at(2))['id'], 'peer2', JSON.stringify(at(2)));
      assert.equal(at(2)['endpoint'], '[fe80::2%c2]:8080', 'reported with the name');
      assert.equal(identity(at(3))['id'], 'peer1');
      assert.equal(identity(at(4))['id'], 'peer2');
    });

    await t.test('unknown interface, interface down, zone on a global address, missing zone', () => {
      assert.equal(at(5)['code'], 'ERR_UNKNOWN_INTERFACE');
      assert.match(at(5)['message'], /nosuch0/);
      assert.match(at(5)['message'], /c1.*c2.*c3/s, 'lists the interfaces that exist');
      assert.equal(at(6)['code'], 'ERR_INTERFACE_DOWN', JSON.stringify(at(6)));
      assert.match(at(6)['message'], /c4/);
      assert.equal(at(7)['code'], 'ERR_ZONE_NOT_ALLOWED');
      assert.equal(at(8)['code'], 'ERR_ZONE_REQUIRED');
      assert.match(at(8)['message'], /candidates[^;]*c1, c2, c3/);
      assert.doesNotMatch(at(8)['message'], /c4/, 'a down interface is no candidate');
      assert.match(at(8)['message'], /zone: 'auto'/);
      assert.match(at(8)['message'], /\[fe80::2%c1\]:8080/);
    });

    await t.test('zone auto and lists', () => {
      assert.equal(at(9)['ok'], true, JSON.stringify(at(9)));
      assert.equal(at(9)['interface'], 'c1', 'registry order: c1 answers first');
      assert.equal(identity(at(9))['id'], 'peer1');
      assert.equal(at(20)['interface'], 'c2', 'a list is tried in its order');
      assert.equal(identity(at(20))['id'], 'peer2');
      assert.equal(at(19)['code'], 'ERR_ZONE_NOT_ALLOWED');
    });

    await t.test('race where only the third link has a listener', () => {
      for (const res of [at(10), at(11)]) {
        assert.equal(res['ok'], true, JSON.stringify(res));
        assert.equal(res['interface'], 'c3');
        assert.equal(res['endpoint'], '[fe80::3%c3]:9090');
        assert.equal(identity(res)['id'], 'peer3');
      }
      assert.equal(at(10)['attempts'], 3, 'delay 250: the third attempt wins before a fourth starts');
      assert.equal(at(11)['attempts'], 3, 'delay 0: all started at once (c_5 is skipped: Node cannot address it)');
      assert.equal(at(12)['code'], 'ERR_CONNECT');
      assert.deepEqual(
        (at(12)['attempts'] as Result[]).map((a) => [a['interface'], a['code']]).sort(),
        [
          ['c1', 'ECONNREFUSED'],
          ['c2', 'ECONNREFUSED'],
        ],
      );
      assert.equal(at(18)['code'], 'ERR_CONNECT');
      assert.equal(at(18)['causeCode'], 'ECONNREFUSED', 'system error on cause');
      assert.equal((at(18)['attempts'] as Result[]).length, 1);
    });

    await t.test("zone 'auto' asks the neighbour table first: an address known on one link is tried there alone", () => {
      assert.equal(at(23)['ok'], true, JSON.stringify(at(23)));
      assert.equal(at(23)['interface'], 'c3');
      assert.equal(at(23)['chosenBy'], 'neighbour');
      assert.equal(at(23)['attempts'], 1, 'delay 0, yet no other socket: the hinted link has its head start');
      assert.equal(at(9)['chosenBy'], 'auto', 'fe80::2 is known on two links: no hint, registry order');
    });

    await t.test('AbortSignal and timeout destroy the sockets', () => {
      for (const [i, code] of [
        [13, 'ERR_ABORTED'],
        [14, 'ERR_TIMEOUT'],
        [15, 'ERR_ABORTED'],
      ] as const) {
        assert.equal(at(i)['code'], code, JSON.stringify(at(i)));
        assert.ok(at(i)['fdsAfter'] <= at(i)['fdsBefore'], `fds back: ${at(i)['fdsBefore']} -> ${at(i)['fdsAfter']}`);
      }
    });

    await t.test('a zone Node cannot pass to TCP ("c_5"): ERR_UNSUPPORTED, nothing sent', () => {
      assert.equal(at(21)['code'], 'ERR_UNSUPPORTED', JSON.stringify(at(21)));
      assert.match(at(21)['message'], /"c_5"/);
    });

    await t.test('a peer fe80 did not write (socat)', () => {
      assert.equal(at(16)['ok'], true, JSON.stringify(at(16)));
      assert.equal(at(16)['data'], 'socat-peer\n');
      assert.equal(at(16)['interface'], 'c3');
    });

    await t.test('listen on an interface: the peer is reported with its zone', () => {
      const id = identity(at(17));
      assert.equal(id['id'], 'peer1');
      assert.equal(id['local'], '[fe80::2%p1]:8081');
      assert.equal(id['interface'], 'p1');
      assert.match(id['peer']!, /^\[fe80::1%p1\]:\d+$/);
    });
  },
  { timeout: 120_000 },
);

labTest(
  'connect: clients need no zone guess from Node (nc -6 -l peer, numeric zone)',
  async (lab) => {
    const client = await lab.namespace('client');
    const peer = await lab.namespace('peer');
    const link = await lab.link(client, peer, { nameA: 'n1', nameB: 'n2' });
    const nc = peer.spawn('nc', ['-6', '-l', '7070']);
    let got = '';
    nc.stdout?.on('data', (c: Buffer) => (got += c.toString()));
    nc.stdin?.end('from-nc\n');
    // wait until nc listens
    for (let i = 0; i < 100; i++) {
      const ss = await peer.exec('ss', ['-Hltn', 'sport = :7070']);
      if (ss.stdout.trim() !== '') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const index = await ifindex(client, 'n1');
    const r = await client.runNode<Result[]>(fixture('client.ts'), [
      JSON.stringify([{ op: 'connect', target: `[${link.b.address}%${index}]:7070`, send: 'from-fe80\n' }]),
    ]);
    assert.equal(r[0]!['ok'], true, JSON.stringify(r[0]));
    assert.equal(r[0]!['interface'], 'n1');
    assert.equal(r[0]!['data'], 'from-nc\n');
    await new Promise((resolve) => (nc.exitCode === null ? nc.once('exit', resolve) : resolve(undefined)));
    assert.equal(got, 'from-fe80\n');
  },
  { timeout: 60_000 },
);
