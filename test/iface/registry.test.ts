// InterfaceRegistry over a counting in-memory backend: cache (no I/O on a hit, refresh on a miss,
// maxAge, invalidate), glibc zone rule (G-1), errors, toPlatformZone, candidates.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Fe80Error } from '../../src/errors.js';
import { InterfaceRegistry, type RawInterface, type RegistryBackend } from '../../src/iface/index.js';

function nic(name: string, index: number, extra: Partial<RawInterface> = {}): RawInterface {
  return { name, index, up: true, running: true, loopback: false, multicast: true, mac: undefined, mtu: 1500, addresses: [], ...extra };
}

/** A backend whose table can be swapped, counting reads. */
class FakeBackend implements RegistryBackend {
  readonly name = 'fake';
  reads = 0;
  constructor(public table: RawInterface[], readonly nameRules: 'linux' | 'windows' = 'linux', readonly zoneStyle: 'name' | 'index' = 'name') {}
  read(): RawInterface[] {
    this.reads++;
    return this.table.map((r) => ({ ...r, addresses: [...r.addresses] }));
  }
}

const TABLE = (): RawInterface[] => [
  nic('lo', 1, { loopback: true, multicast: false, addresses: [{ address: '::1', prefixLength: 128 }] }),
  nic('eth0', 2, { mac: '02:00:00:00:00:02', addresses: [{ address: '192.0.2.2', prefixLength: 24 }, { address: 'fe80::2', prefixLength: 64 }] }),
  nic('wlan0', 3, { addresses: [{ address: 'fe80::3', prefixLength: 64 }] }),
  nic('01', 7), // an interface literally named "01"
  nic('down0', 5, { up: false, running: false, addresses: [{ address: 'fe80::5', prefixLength: 64 }] }),
  nic('nov6', 4),
];

function setup(options: { maxAge?: number; now?: () => number } = {}) {
  const backend = new FakeBackend(TABLE());
  const registry = new InterfaceRegistry({ backend, ...options });
  return { backend, registry };
}

describe('cache', () => {
  test('construction does no I/O; the first lookup reads once; hits do no I/O', () => {
    const { backend, registry } = setup();
    assert.equal(backend.reads, 0);
    assert.equal(registry.nameToIndex('eth0'), 2);
    assert.equal(backend.reads, 1);
    for (let i = 0; i < 1000; i++) {
      registry.nameToIndex('eth0');
      registry.indexToName(3);
      registry.get('wlan0');
      registry.resolve(2);
      registry.toPlatformZone('eth0', 'linux');
      registry.toPlatformZone('eth0', 'win32');
    }
    registry.list();
    registry.candidates();
    assert.equal(backend.reads, 1);
  });

  test('a miss refreshes once, then fails', () => {
    const { backend, registry } = setup();
    registry.list();
    assert.equal(backend.reads, 1);
    assert.throws(() => registry.nameToIndex('eth9'), { code: 'ERR_UNKNOWN_INTERFACE' });
    assert.equal(backend.reads, 2);
    assert.equal(registry.get('eth9'), undefined);
    assert.equal(backend.reads, 3);
  });

  test('a miss finds an interface created since the last read', () => {
    const { backend, registry } = setup({ maxAge: Infinity });
    assert.equal(registry.nameToIndex('eth0'), 2);
    backend.table = [...TABLE(), nic('veth9', 9)];
    assert.equal(registry.nameToIndex('veth9'), 9);
    assert.equal(registry.indexToName(9), 'veth9');
    assert.equal(backend.reads, 2);
  });

  test('a cold miss reads only once (the first read is the refresh)', () => {
    const { backend, registry } = setup();
    assert.equal(registry.get('nosuch'), undefined);
    assert.equal(backend.reads, 1);
  });

  test('maxAge: an older cache is re-read before the lookup', () => {
    let now = 1000;
    const { backend, registry } = setup({ maxAge: 5000, now: () => now });
    registry.nameToIndex('eth0');
    now += 4999;
    registry.nameToIndex('eth0');
    assert.equal(backend.reads, 1);
    backend.table = TABLE().map((r) => (r.name === 'eth0' ? { ...r, index: 12 } : r));
    now += 1;
    assert.equal(registry.nameToIndex('eth0'), 12);
    assert.equal(backend.reads, 2);
  });

  test('maxAge default is 5000 ms; 0 reads on every lookup; Infinity only on miss/invalidate', () => {
    assert.equal(new InterfaceRegistry({ backend: new FakeBackend([]) }).maxAge, 5000);
    const zero = setup({ maxAge: 0 });
    zero.registry.nameToIndex('eth0');
    zero.registry.nameToIndex('eth0');
    assert.equal(zero.backend.reads, 2);
    let now = 0;
    const inf = setup({ maxAge: Infinity, now: () => now });
    inf.registry.nameToIndex('eth0');
    now = 1e12;
    inf.registry.nameToIndex('eth0');
    assert.equal(inf.backend.reads, 1);
    assert.throws(() => new InterfaceRegistry({ backend: new FakeBackend([]), maxAge: -1 }), { code: 'ERR_INVALID_ARGUMENT' });
    assert.throws(() => new InterfaceRegistry({ backend: new FakeBackend([]), maxAge: Number.NaN }), { code: 'ERR_INVALID_ARGUMENT' });
  });

  test('invalidate(): the next lookup re-reads (renamed interface keeps its index, L-4)', () => {
    const { backend, registry } = setup({ maxAge: Infinity });
    assert.equal(registry.indexToName(2), 'eth0');
    backend.table = TABLE().map((r) => (r.name === 'eth0' ? { ...r, name: 'lan0' } : r));
    assert.equal(registry.indexToName(2), 'eth0', 'still cached');
    registry.invalidate();
    assert.equal(backend.reads, 1, 'invalidate itself does no I/O');
    assert.equal(registry.indexToName(2), 'lan0');
    assert.equal(backend.reads, 2);
  });

  test('refresh() reads now; list() returns a copy of frozen entries', () => {
    const { backend, registry } = setup();
    registry.refresh();
    assert.equal(backend.reads, 1);
    const list = registry.list();
    list.pop();
    assert.equal(registry.list().length, 6);
    assert.ok(Object.isFrozen(list[0]));
    assert.ok(Object.isFrozen(list[0]?.addresses));
  });

  test('a backend failure becomes Fe80Error ERR_SYSTEM with the cause', () => {
    const boom = new Error('EACCES');
    const registry = new InterfaceRegistry({ backend: { name: 'broken', read: () => { throw boom; } } });
    assert.throws(() => registry.list(), (e: unknown) => e instanceof Fe80Error && e.code === 'ERR_SYSTEM' && e.cause === boom);
  });
});

describe('zone resolution (glibc G-1: name first, then decimal u32 index)', () => {
  const { registry } = setup();
  const cases: [string | number, string | undefined][] = [
    ['eth0', 'eth0'],
    ['2', 'eth0'],
    [2, 'eth0'],
    ['002', 'eth0'],
    ['01', '01'], // the name wins over index 1
    ['1', 'lo'],
    [1, 'lo'],
    [7, '01'],
    ['7', '01'],
    ['4', 'nov6'],
    ['ETH0', undefined], // case-sensitive
    ['+1', undefined],
    ['0x2', undefined],
    ['4294967296', undefined], // > UINT32_MAX
    ['99', undefined],
    [99, undefined],
  ];
  for (const [zone, want] of cases) {
    test(`get(${JSON.stringify(zone)}) -> ${want ?? 'undefined'}`, () => {
      assert.equal(registry.get(zone)?.name, want);
    });
  }

  test('nameToIndex is if_nametoindex: digits are names, not indexes (L-6)', () => {
    assert.equal(registry.nameToIndex('01'), 7);
    assert.throws(() => registry.nameToIndex('2'), { code: 'ERR_UNKNOWN_INTERFACE' });
  });

  test('zone 0 means "no zone": resolve throws ERR_UNKNOWN_INTERFACE saying so', () => {
    for (const zone of ['0', 0, '00']) {
      assert.throws(
        () => registry.resolve(zone),
        (e: unknown) => e instanceof Fe80Error && e.code === 'ERR_UNKNOWN_INTERFACE' && /means "no zone"/.test(e.message),
      );
    }
    assert.throws(() => registry.indexToName(0), /means "no zone"/);
    const cold = setup().registry;
    assert.throws(() => cold.resolve(0), /have: 1 lo, 2 eth0/);
  });

  test('an interface named "0" is still found by name first', () => {
    const registry = new InterfaceRegistry({ backend: new FakeBackend([nic('0', 3)]) });
    assert.equal(registry.resolve('0').index, 3);
    assert.throws(() => registry.resolve(0), { code: 'ERR_UNKNOWN_INTERFACE' });
  });
});

describe('errors', () => {
  const { registry } = setup();
  test('ERR_UNKNOWN_INTERFACE lists the interfaces that exist', () => {
    assert.throws(() => registry.resolve('eht0'), {
      code: 'ERR_UNKNOWN_INTERFACE',
      message: 'interface "eht0" not found; have: lo, eth0, wlan0, nov6, down0, 01',
      input: 'eht0',
    });
    assert.throws(() => registry.indexToName(42), {
      code: 'ERR_UNKNOWN_INTERFACE',
      message: 'no interface has index 42; have: 1 lo, 2 eth0, 3 wlan0, 4 nov6, 5 down0, 7 01',
    });
    assert.throws(() => registry.resolve('42'), /no interface has that name or index 42/);
  });

  test('hints: URL-encoded %25 left in, wrong case', () => {
    assert.throws(() => registry.resolve('25eth0'), { hint: 'looks URL-encoded ("%25" is an escaped "%"): did you mean zone "eth0"?' });
    assert.throws(() => registry.resolve('Eth0'), { hint: 'did you mean "eth0"? (names are case-sensitive)' });
  });

  test('bad argument types and indexes', () => {
    assert.throws(() => registry.indexToName(-1), { code: 'ERR_INVALID_ARGUMENT' });
    assert.throws(() => registry.indexToName(1.5), { code: 'ERR_INVALID_ARGUMENT' });
    assert.throws(() => registry.indexToName(2 ** 32), { code: 'ERR_INVALID_ARGUMENT' });
    assert.throws(() => registry.nameToIndex(2 as unknown as string), { code: 'ERR_INVALID_ARGUMENT' });
    assert.throws(() => registry.get(-1), { code: 'ERR_INVALID_ZONE' });
    assert.throws(() => registry.get(Number.NaN), { code: 'ERR_INVALID_ZONE' });
    assert.throws(() => registry.get(null as unknown as string), { code: 'ERR_INVALID_ARGUMENT' });
  });

  test('a long list is cut in the message', () => {
    const many = Array.from({ length: 40 }, (_, i) => nic(`v${i + 1}`, i + 1));
    const r = new InterfaceRegistry({ backend: new FakeBackend(many) });
    assert.throws(() => r.resolve('x'), /v32, \.\.\. \(8 more\)$/);
  });
});

describe('invalid zones are rejected before any read (L-1, L-2)', () => {
  const bad = ['', '.', '..', '../../etc', 'a/b', '/etc/passwd', 'eth0:1', 'a b', 'tab\there', 'nl\n', '\0', 'eth0\0', 'eth%d', 'abcdefghijklmnop', 'é'.repeat(8), 'x\u00a0y', 'à', '\ud800'];
  for (const zone of bad) {
    test(`${JSON.stringify(zone)} -> ERR_INVALID_ZONE, no backend read`, () => {
      const { backend, registry } = setup();
      for (const call of [() => registry.get(zone), () => registry.resolve(zone), () => registry.nameToIndex(zone), () => registry.toPlatformZone(zone, 'linux')]) {
        assert.throws(call, (e: unknown) => e instanceof Fe80Error && e.code === 'ERR_INVALID_ZONE' && e.input === zone);
      }
      assert.equal(backend.reads, 0);
    });
  }
});

describe('toPlatformZone (standards.md N-1)', () => {
  const { registry } = setup();
  test('linux and darwin: the name; win32: the decimal index', () => {
    for (const zone of ['eth0', '2', 2]) {
      assert.equal(registry.toPlatformZone(zone, 'linux'), 'eth0');
      assert.equal(registry.toPlatformZone(zone, 'darwin'), 'eth0');
      assert.equal(registry.toPlatformZone(zone, 'freebsd'), 'eth0');
      assert.equal(registry.toPlatformZone(zone, 'win32'), '2');
    }
    assert.equal(registry.toPlatformZone('01', 'linux'), '01');
    assert.equal(registry.toPlatformZone('01', 'win32'), '7');
  });
  test('defaults to process.platform', () => {
    assert.equal(registry.toPlatformZone('eth0'), process.platform === 'win32' ? '2' : 'eth0');
  });
  test('unknown zones throw instead of becoming scope 0 silently', () => {
    assert.throws(() => registry.toPlatformZone('nosuch', 'linux'), { code: 'ERR_UNKNOWN_INTERFACE' });
    assert.throws(() => registry.toPlatformZone('0', 'win32'), { code: 'ERR_UNKNOWN_INTERFACE' });
  });
  test('win32 with an unknown index (portable, no link-local) -> ERR_INTERFACE_DOWN', () => {
    const r = new InterfaceRegistry({ backend: new FakeBackend([nic('Wi-Fi', 0)], 'windows', 'index') });
    assert.equal(r.toPlatformZone('Wi-Fi', 'darwin'), 'Wi-Fi');
    assert.throws(() => r.toPlatformZone('Wi-Fi', 'win32'), { code: 'ERR_INTERFACE_DOWN' });
    assert.throws(() => r.nameToIndex('Wi-Fi'), { code: 'ERR_INTERFACE_DOWN' });
  });
});

describe('listing', () => {
  const { registry } = setup();
  test('index order; link-local addresses carry the interface name as zone (RFC 4007 §6)', () => {
    assert.deepEqual(
      registry.list().map((i) => i.name),
      ['lo', 'eth0', 'wlan0', 'nov6', 'down0', '01'],
    );
    const eth0 = registry.resolve('eth0');
    assert.deepEqual(
      eth0.addresses.map((a) => [a.address.toString(), a.prefixLength, a.scope]),
      [
        ['192.0.2.2', 24, 'global'],
        ['fe80::2%eth0', 64, 'link-local'],
      ],
    );
    assert.equal(eth0.linkLocal?.zone, 'eth0');
    assert.equal(eth0.mac, '02:00:00:00:00:02');
  });
  test('candidates: up, not loopback, with a link-local address', () => {
    assert.deepEqual(
      registry.candidates().map((i) => i.name),
      ['eth0', 'wlan0'],
    );
  });
  test('unknown indexes (0) sort last, in backend order', () => {
    const r = new InterfaceRegistry({ backend: new FakeBackend([nic('b', 0), nic('c', 5), nic('a', 0), nic('d', 2)]) });
    assert.deepEqual(
      r.list().map((i) => i.name),
      ['d', 'c', 'b', 'a'],
    );
    assert.equal(r.get('0'), undefined);
  });
  test('zoneStyle index (Windows): link-local zones are the decimal index', () => {
    const r = new InterfaceRegistry({
      backend: new FakeBackend([nic('Npcap Loopback Adapter', 13, { addresses: [{ address: 'fe80::1', prefixLength: 64 }] })], 'windows', 'index'),
    });
    assert.equal(r.resolve('Npcap Loopback Adapter').linkLocal?.toString(), 'fe80::1%13');
  });
  test('a backend address that is not an address is left out', () => {
    const r = new InterfaceRegistry({ backend: new FakeBackend([nic('x', 1, { addresses: [{ address: 'nonsense', prefixLength: 1 }, { address: '::1', prefixLength: 128 }] })]) });
    assert.equal(r.resolve('x').addresses.length, 1);
  });
});
