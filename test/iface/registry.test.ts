// InterfaceRegistry over a counting in-memory backend: cache (no I/O on a hit, rate-limited
// re-reads on a miss, recheck() and invalidate(), maxAge), checked index <-> name translations,
// glibc zone rule (name first, then decimal index), errors, toPlatformZone, candidates.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Fe80Error } from '../../src/errors.js';
import { InterfaceRegistry, RECHECK_INTERVAL, type RawInterface, type RegistryBackend } from '../../src/iface/index.js';

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

  test('a miss re-reads once, unless the table was read within RECHECK_INTERVAL', () => {
    let now = 1000;
    const { backend, registry } = setup({ now: () => now });
    registry.list();
    assert.equal(backend.reads, 1);
    assert.throws(() => registry.nameToIndex('eth9'), { code: 'ERR_UNKNOWN_INTERFACE' });
    assert.equal(backend.reads, 1, 'read moments ago: the table is the negative cache');
    now += RECHECK_INTERVAL;
    assert.throws(() => registry.nameToIndex('eth9'), { code: 'ERR_UNKNOWN_INTERFACE' });
    assert.equal(backend.reads, 2, 'older: one re-read');
    assert.equal(registry.get('eth9'), undefined);
    assert.equal(backend.reads, 2);
  });

  test('a miss finds an interface created since the last read, once RECHECK_INTERVAL has passed', () => {
    let now = 0;
    const { backend, registry } = setup({ maxAge: Infinity, now: () => now });
    assert.equal(registry.nameToIndex('eth0'), 2);
    backend.table = [...TABLE(), nic('veth9', 9)];
    now += RECHECK_INTERVAL - 1;
    assert.equal(registry.get('veth9'), undefined);
    now += 1;
    assert.equal(registry.nameToIndex('veth9'), 9);
    assert.equal(registry.indexToName(9), 'veth9');
    assert.equal(backend.reads, 2);
  });

  test('a flood of unknown zones costs one read per RECHECK_INTERVAL, whatever the zones', () => {
    let now = 0;
    const { backend, registry } = setup({ maxAge: Infinity, now: () => now });
    registry.list();
    const zones = (i: number): (string | number)[] => [`bogus${i}`, 1000 + i, String(5000 + i), `ETH${i}`, `25bogus${i}`];
    for (let i = 0; i < 10_000; i++) {
      for (const z of zones(i)) assert.throws(() => registry.resolve(z), { code: 'ERR_UNKNOWN_INTERFACE' });
      now += 0.1; // 10,000 x 5 lookups over 1,000 ms
    }
    assert.ok(backend.reads <= 1 + Math.ceil(1000 / RECHECK_INTERVAL), `${backend.reads} reads`);
    assert.ok(backend.reads >= 1000 / RECHECK_INTERVAL - 1, `${backend.reads} reads: the table is still re-read now and then`);
  });

  test('a slow backend spaces re-reads further: at most 1/20 of the time goes to reads lookups cause', () => {
    let now = 0;
    const backend = new FakeBackend(TABLE());
    const read = backend.read.bind(backend);
    backend.read = () => ((now += 40), read()); // each read takes 40 ms
    const registry = new InterfaceRegistry({ backend, maxAge: Infinity, now: () => now });
    registry.list();
    for (let i = 0; i < 1000; i++) {
      assert.equal(registry.get(`nosuch${i}`), undefined);
      now += 1;
    }
    // 1000 ms of lookups + the reads' own time; each read costs 40 ms, so one per 800 ms at most
    assert.ok(backend.reads <= 3, `${backend.reads} reads`);
  });

  test('recheck(): re-reads unless read within RECHECK_INTERVAL; a lookup after true sees the new state', () => {
    let now = 0;
    const { backend, registry } = setup({ maxAge: Infinity, now: () => now });
    assert.equal(registry.recheck(), true, 'never read: reads');
    assert.equal(registry.resolve('down0').up, false);
    backend.table = TABLE().map((r) => (r.name === 'down0' ? { ...r, up: true, running: true } : r));
    assert.equal(registry.recheck(), false, 'read moments ago');
    assert.equal(registry.resolve('down0').up, false);
    now += RECHECK_INTERVAL;
    assert.equal(registry.recheck(), true);
    assert.equal(registry.resolve('down0').up, true, 'came up moments ago: fresh state after recheck()');
    assert.equal(registry.recheck(), false, 'shared by all callers: one read per interval');
    assert.equal(backend.reads, 2);
  });

  test('maxAge 0 is the caller\'s choice: every lookup reads, misses included', () => {
    const { backend, registry } = setup({ maxAge: 0 });
    for (let i = 0; i < 5; i++) registry.get(`nosuch${i}`);
    assert.equal(backend.reads, 5);
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

  test('invalidate(): the next lookup re-reads (once RECHECK_INTERVAL has passed since the last read)', () => {
    let now = 0;
    const { backend, registry } = setup({ maxAge: Infinity, now: () => now });
    assert.equal(registry.resolve('eth0').up, true);
    backend.table = TABLE().map((r) => (r.name === 'eth0' ? { ...r, up: false } : r));
    registry.invalidate();
    assert.equal(backend.reads, 1, 'invalidate itself does no I/O');
    assert.equal(registry.resolve('eth0').up, true, 'read moments ago: not again');
    now += RECHECK_INTERVAL;
    registry.invalidate();
    registry.invalidate(); // coalesced
    assert.equal(registry.resolve('eth0').up, false);
    assert.equal(registry.resolve('eth0').up, false);
    assert.equal(backend.reads, 2);
  });

  test('refresh() always reads now (not rate-limited)', () => {
    const { backend, registry } = setup();
    for (let i = 0; i < 3; i++) registry.refresh();
    assert.equal(backend.reads, 3);
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

describe('zone resolution (glibc: name first, then decimal u32 index)', () => {
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

  test('nameToIndex is if_nametoindex: digits are names, not indexes', () => {
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

  test('the message, built when first read, lists the interfaces of when it was thrown', () => {
    const { backend, registry } = setup();
    let error: unknown;
    try {
      registry.resolve('eht0');
    } catch (e) {
      error = e;
    }
    backend.table = [nic('lo', 1, { loopback: true }), nic('eth9', 9)];
    registry.refresh();
    assert.ok(error instanceof Fe80Error);
    assert.equal(error.message, 'interface "eht0" not found; have: lo, eth0, wlan0, nov6, down0, 01');
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

describe('invalid zones are rejected before any read (dev_valid_name)', () => {
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

describe('toPlatformZone (the zone form libuv takes)', () => {
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

/** A backend that can be asked whether a cached name still has its index (as the Linux one asks sysfs). */
class VerifyingBackend extends FakeBackend {
  verifies: [string, number][] = [];
  verify(name: string, index: number): boolean {
    this.verifies.push([name, index]);
    return this.table.some((r) => r.name === name && r.index === index);
  }
}

describe('index <-> name translations from the cache are checked first', () => {
  const swap = (b: VerifyingBackend): void => {
    // eth0 (2) deleted; a new link takes the name eth0 (index 12) and another takes index 2
    b.table = TABLE().flatMap((r) => (r.name === 'eth0' ? [{ ...r, index: 12 }, nic('new0', 2, { addresses: [{ address: 'fe80::9', prefixLength: 64 }] })] : [r]));
  };

  test('a numeric zone never reaches a socket through a stale index-to-name mapping', () => {
    const backend = new VerifyingBackend(TABLE());
    const registry = new InterfaceRegistry({ backend, maxAge: Infinity });
    assert.equal(registry.resolve(2).name, 'eth0');
    swap(backend);
    for (const zone of [2, '2', '002']) {
      assert.equal(registry.resolve(zone).name, 'new0', `zone ${JSON.stringify(zone)} is index 2 now, not the cached eth0`);
      assert.equal(registry.toPlatformZone(zone, 'linux'), 'new0');
    }
    assert.equal(registry.indexToName(2), 'new0');
    assert.equal(registry.nameToIndex('eth0'), 12);
    assert.equal(backend.reads, 2, 'the failed check re-read once; later checks passed');
  });

  test('an index that is gone is unknown, not the link that now has its name', () => {
    const backend = new VerifyingBackend(TABLE());
    const registry = new InterfaceRegistry({ backend, maxAge: Infinity });
    assert.equal(registry.resolve('3').name, 'wlan0');
    backend.table = TABLE().map((r) => (r.name === 'wlan0' ? { ...r, index: 30 } : r)); // re-created, new index
    assert.throws(() => registry.resolve(3), { code: 'ERR_UNKNOWN_INTERFACE' });
    assert.throws(() => registry.toPlatformZone('3', 'linux'), { code: 'ERR_UNKNOWN_INTERFACE' });
  });

  test('names need no check on POSIX (the kernel resolves them at connect); indexes on Windows do', () => {
    const backend = new VerifyingBackend(TABLE());
    const registry = new InterfaceRegistry({ backend, maxAge: Infinity });
    registry.list();
    registry.resolve('eth0');
    registry.toPlatformZone('eth0', 'linux');
    registry.candidates();
    assert.deepEqual(backend.verifies, []);
    registry.resolve(2);
    assert.deepEqual(backend.verifies, [['eth0', 2]]);
    backend.verifies = [];
    registry.toPlatformZone('eth0', 'win32');
    assert.deepEqual(backend.verifies, [['eth0', 2]], 'win32 takes the index: name -> index is checked');
    const win = new VerifyingBackend(TABLE(), 'windows', 'index');
    const wreg = new InterfaceRegistry({ backend: win, maxAge: Infinity });
    wreg.resolve('eth0');
    assert.deepEqual(win.verifies, [], 'just read: nothing to check');
    wreg.resolve('eth0');
    wreg.resolve(2);
    assert.deepEqual(win.verifies, [['eth0', 2]], 'zoneStyle index: the name is what gets checked');
  });

  test('a just-read table and unknown (0) indexes are not checked', () => {
    const backend = new VerifyingBackend([nic('Wi-Fi', 0), nic('eth0', 2)]);
    const registry = new InterfaceRegistry({ backend, maxAge: Infinity });
    assert.equal(registry.resolve(2).name, 'eth0');
    assert.throws(() => registry.nameToIndex('Wi-Fi'), { code: 'ERR_INTERFACE_DOWN' });
    assert.deepEqual(backend.verifies, []);
  });
});
