// The in-memory neighbour table over fake `ip -j neigh` output: parsing, lookups that never read,
// background refresh on age, coalesced reads, and what a broken `ip` gives.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { ScopedAddress } from '../../src/addr/index.js';
import { NeighbourTable, parseNeighbours } from '../../src/zone/neighbours.js';

// what iproute2 6.1 prints (router: null when the R flag is set)
const IP_OUTPUT = JSON.stringify([
  { dst: '169.254.3.2', dev: 'eth1', lladdr: 'b8:27:eb:00:00:02', state: ['REACHABLE'] },
  { dst: 'fe80::2', dev: 'eth1', lladdr: 'b8:27:eb:00:00:02', state: ['STALE'] },
  { dst: 'fe80::2', dev: 'eth2', lladdr: '02:00:00:00:00:09', state: ['DELAY'] },
  { dst: 'fe80::1', dev: 'eth0', lladdr: '00:11:22:33:44:55', router: null, state: ['REACHABLE'] },
  { dst: 'fe80::9', dev: 'eth1', state: ['FAILED'] },
  { dst: 'fe80::8', dev: 'eth2', state: ['INCOMPLETE'] },
  { dst: '2001:db8::5', dev: 'eth0', lladdr: '00:11:22:33:44:66', state: ['PROBE'] },
  { dst: 'fe80::7', dev: 'eth3', lladdr: '02:00:00:00:00:07', state: ['PERMANENT'] },
  { dst: 'ff02::1', dev: 'eth0', lladdr: '33:33:00:00:00:01', state: ['NOARP'] },
]);

function fake(text: () => string) {
  let reads = 0;
  let clock = 0;
  const pending: (() => void)[] = [];
  const table = new NeighbourTable({
    maxAge: 1000,
    now: () => clock,
    read: () =>
      new Promise<string>((resolve) => {
        reads++;
        pending.push(() => resolve(text()));
      }),
  });
  return {
    table,
    reads: () => reads,
    advance: (ms: number) => (clock += ms),
    /** a read, finished */
    load: async () => {
      const p = table.refresh();
      for (const f of pending.splice(0)) f();
      await p;
    },
    /** lets every read in flight finish */
    settle: async () => {
      for (const f of pending.splice(0)) f();
      await new Promise((r) => setImmediate(r));
    },
  };
}

describe('parseNeighbours', () => {
  test('addresses, zones on link-local IPv6 only, MAC, first state, router flag', () => {
    const rows = parseNeighbours(IP_OUTPUT);
    assert.equal(rows.length, 9);
    const [v4, ll, , router, failed] = rows;
    assert.equal(v4?.address.toString(), '169.254.3.2');
    assert.equal(v4?.interface, 'eth1');
    assert.equal(ll?.address.toString(), 'fe80::2%eth1');
    assert.equal(ll?.mac, 'b8:27:eb:00:00:02');
    assert.equal(ll?.state, 'STALE');
    assert.equal(router?.router, true);
    assert.equal(ll?.router, false);
    assert.equal(failed?.mac, undefined);
    assert.equal(failed?.state, 'FAILED');
    assert.equal(rows[6]?.address.toString(), '2001:db8::5', 'global addresses take no zone');
  });
  test('empty output is an empty table; non-JSON and non-array are ERR_SYSTEM', () => {
    assert.deepEqual(parseNeighbours(''), []);
    assert.deepEqual(parseNeighbours('[]\n'), []);
    assert.throws(() => parseNeighbours('Object "neigh" is unknown'), { code: 'ERR_SYSTEM' });
    assert.throws(() => parseNeighbours('{"dst":"fe80::1"}'), { code: 'ERR_SYSTEM' });
  });
  test('rows that are not entries are skipped, not fatal', () => {
    const rows = parseNeighbours(
      JSON.stringify([null, 1, 'x', {}, { dst: 'nonsense', dev: 'eth0' }, { dst: 'fe80::1%eth9', dev: 'eth0' }, { dst: 'fe80::1', dev: '' }, { dst: 'fe80::3', dev: 'eth0', lladdr: 'zz', state: ['WEIRD'] }]),
    );
    assert.equal(rows.length, 1);
    assert.equal(rows[0]?.mac, undefined, 'a malformed lladdr is no MAC');
    assert.equal(rows[0]?.state, 'NONE');
  });
  test('property: any JSON value parses or throws ERR_SYSTEM, never anything else', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        try {
          for (const n of parseNeighbours(JSON.stringify(v))) assert.ok(n.address instanceof ScopedAddress);
        } catch (error) {
          assert.equal((error as { code?: string }).code, 'ERR_SYSTEM');
        }
      }),
      { seed: 10, numRuns: 300 },
    );
  });
});

describe('NeighbourTable', () => {
  test('lookup never waits: the first lookup is empty and starts one read; answers come from the snapshot', async () => {
    const f = fake(() => IP_OUTPUT);
    assert.deepEqual(f.table.lookup('fe80::2'), []);
    assert.equal(f.reads(), 1);
    f.table.lookup('fe80::2');
    assert.equal(f.reads(), 1, 'a read in flight is shared');
    await f.settle();
    const hits = f.table.lookup('fe80::2');
    assert.deepEqual(
      hits.map((h) => [h.interface, h.state, h.mac]),
      [
        ['eth2', 'DELAY', '02:00:00:00:00:09'],
        ['eth1', 'STALE', 'b8:27:eb:00:00:02'],
      ],
    );
    assert.equal(f.reads(), 1);
  });
  test('REACHABLE first; a zoned address is looked up on its zone; FAILED and INCOMPLETE are not known', async () => {
    const f = fake(() => IP_OUTPUT);
    await f.load();
    assert.deepEqual(f.table.lookup('fe80::1').map((h) => [h.interface, h.router]), [['eth0', true]]);
    assert.deepEqual(f.table.lookup('fe80::2%eth1').map((h) => h.interface), ['eth1']);
    assert.deepEqual(f.table.lookup(ScopedAddress.parse('fe80::2%eth0')), []);
    assert.deepEqual(f.table.lookup('fe80::9'), []);
    assert.deepEqual(f.table.lookup('fe80::8'), []);
    assert.deepEqual(f.table.lookup('fe80::7').map((h) => h.state), ['PERMANENT']);
    assert.deepEqual(f.table.lookup('::ffff:169.254.3.2').map((h) => h.interface), ['eth1'], 'IPv4-mapped is IPv4');
    assert.equal(f.table.entries('eth1').length, 3);
  });
  test('a snapshot older than maxAge starts a background re-read; until it lands, the old answer stands', async () => {
    let text = IP_OUTPUT;
    const f = fake(() => text);
    await f.load();
    text = JSON.stringify([{ dst: 'fe80::2', dev: 'eth5', lladdr: '02:00:00:00:00:05', state: ['REACHABLE'] }]);
    f.advance(500);
    assert.equal(f.table.lookup('fe80::2').length, 2);
    assert.equal(f.reads(), 1, 'young snapshot: no read');
    f.advance(600);
    assert.equal(f.table.lookup('fe80::2').length, 2, 'old answer while the read runs');
    assert.equal(f.reads(), 2);
    await f.settle();
    assert.deepEqual(f.table.lookup('fe80::2').map((h) => h.interface), ['eth5']);
  });
  test('invalidate makes the next lookup re-read', async () => {
    const f = fake(() => IP_OUTPUT);
    await f.load();
    f.table.invalidate();
    f.table.lookup('fe80::2');
    assert.equal(f.reads(), 2);
    await f.settle();
  });
  test('a failed read keeps the last snapshot, reports the problem, and is retried after maxAge', async () => {
    let fail = false;
    let reads = 0;
    let clock = 0;
    const table = new NeighbourTable({
      maxAge: 1000,
      now: () => clock,
      read: async () => {
        reads++;
        if (fail) throw new Error('boom');
        return IP_OUTPUT;
      },
    });
    await table.refresh();
    fail = true;
    await assert.rejects(table.refresh(), { code: 'ERR_SYSTEM' });
    assert.match(table.problem?.message ?? '', /boom/);
    assert.equal(table.lookup('fe80::2').length, 2);
    assert.equal(reads, 2);
    clock += 1001;
    table.lookup('fe80::2');
    assert.equal(reads, 3);
  });
  test('bad arguments are ERR_INVALID_ARGUMENT', () => {
    const t = new NeighbourTable({ read: async () => '[]' });
    assert.throws(() => t.lookup('not an address'), { code: 'ERR_INVALID_ARGUMENT' });
    assert.throws(() => t.lookup(42 as never), { code: 'ERR_INVALID_ARGUMENT' });
    assert.throws(() => new NeighbourTable({ maxAge: -1 }), { code: 'ERR_INVALID_ARGUMENT' });
    assert.throws(() => new NeighbourTable({ read: 'ip' as never }), { code: 'ERR_INVALID_ARGUMENT' });
  });
});

describe('NeighbourTable with an interface watcher', () => {
  test('an interface that goes away takes its entries at once, and the table is re-read', async () => {
    const { InterfaceRegistry } = await import('../../src/iface/index.js');
    const { nic } = await import('../helpers/fake-registry.js');
    let nics = [nic('lo', 1, true, ['::1'], true), nic('eth1', 2, true, ['fe80::1']), nic('eth2', 3, true, ['fe80::1'])];
    const registry = new InterfaceRegistry({ backend: { name: 'test', read: () => nics }, pollInterval: 10 });
    let reads = 0;
    let text = IP_OUTPUT;
    const table = new NeighbourTable({ registry, maxAge: 60_000, read: async () => (reads++, text) });
    try {
      await table.refresh();
      await new Promise((r) => setTimeout(r, 50)); // the watcher takes its baseline
      assert.deepEqual(table.lookup('fe80::2').map((h) => h.interface), ['eth2', 'eth1']);
      // eth2 is unplugged: the kernel's table loses it too
      text = JSON.stringify(JSON.parse(IP_OUTPUT).filter((r: { dev: string }) => r.dev !== 'eth2'));
      nics = nics.filter((n) => n.name !== 'eth2');
      for (let i = 0; i < 200 && table.lookup('fe80::2').length !== 1; i++) await new Promise((r) => setTimeout(r, 10));
      assert.deepEqual(table.lookup('fe80::2').map((h) => h.interface), ['eth1']);
      for (let i = 0; i < 200 && reads < 2; i++) await new Promise((r) => setTimeout(r, 10));
      assert.ok(reads >= 2, `re-read after the change (${reads} reads)`);
    } finally {
      table.close();
    }
  });
  test('a registry that is not one is ERR_INVALID_ARGUMENT', () => {
    assert.throws(() => new NeighbourTable({ registry: {} as never }), { code: 'ERR_INVALID_ARGUMENT' });
  });
});
