// The known-answer cache (TTL, goodbye, cache-flush, bound) and the RFC 6762 §11 on-link check.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ScopedAddress } from '../../src/addr/index.js';
import type { InterfaceInfo } from '../../src/iface/index.js';
import { MdnsCache } from '../../src/dns/index.js';
import { RecordStore } from '../../src/dns/record-store.js';
import fc from 'fast-check';
import { isOnLink, isOnLinkOnly } from '../../src/dns/onlink.js';

const A = (t: string) => ScopedAddress.parse(t);

describe('MdnsCache', () => {
  test('records live for their TTL, per interface', () => {
    let now = 1_000_000;
    const cache = new MdnsCache({ now: () => now });
    cache.add('eth0', 'h.local', { address: A('fe80::1%eth0'), name: 'h.local', type: 'AAAA', ttl: 10 });
    assert.equal(cache.get('eth0', 'h.local', 'AAAA').length, 1);
    assert.equal(cache.get('wlan0', 'h.local', 'AAAA').length, 0);
    assert.equal(cache.get('eth0', 'h.local', 'A').length, 0);
    now += 4000;
    const [r] = cache.get('eth0', 'h.local', 'AAAA');
    assert.equal(cache.remaining(r!), 6);
    assert.equal(cache.stale(r!, 0.5), false);
    now += 2000;
    assert.equal(cache.stale(r!, 0.5), true);
    now += 4001;
    assert.equal(cache.get('eth0', 'h.local', 'AAAA').length, 0);
  });

  test('a TTL of 0 (goodbye) hides the record at once (RFC 6762 §10.1)', () => {
    const cache = new MdnsCache();
    cache.add('eth0', 'h.local', { address: A('fe80::1%eth0'), name: 'h.local', type: 'AAAA', ttl: 120 });
    cache.add('eth0', 'h.local', { address: A('fe80::1%eth0'), name: 'h.local', type: 'AAAA', ttl: 0 });
    assert.equal(cache.get('eth0', 'h.local', 'AAAA').length, 0);
  });

  test('cache-flush drops records received more than a second earlier (RFC 6762 §10.2)', () => {
    let now = 0;
    const cache = new MdnsCache({ now: () => now });
    cache.add('eth0', 'h.local', { address: A('fe80::1%eth0'), name: 'h.local', type: 'AAAA', ttl: 120 });
    now += 500;
    cache.add('eth0', 'h.local', { address: A('fe80::2%eth0'), name: 'h.local', type: 'AAAA', ttl: 120 }, true);
    assert.equal(cache.get('eth0', 'h.local', 'AAAA').length, 2, 'within 1 s: kept');
    now += 2000;
    cache.add('eth0', 'h.local', { address: A('fe80::3%eth0'), name: 'h.local', type: 'AAAA', ttl: 120 }, true);
    assert.deepEqual(cache.get('eth0', 'h.local', 'AAAA').map((r) => r.address.toString()), ['fe80::3%eth0']);
  });

  test('bounded: a flood of names cannot grow it past maxRecords', () => {
    const cache = new MdnsCache({ maxRecords: 50 });
    for (let i = 0; i < 1000; i++) {
      cache.add('eth0', `h${i}.local`, { address: A(`fe80::${(i + 1).toString(16)}%eth0`), name: `h${i}.local`, type: 'AAAA', ttl: 120 });
    }
    assert.ok(cache.size <= 50, `size ${cache.size}`);
    assert.equal(cache.get('eth0', 'h999.local', 'AAAA').length, 1, 'the newest stays');
    cache.clear();
    assert.equal(cache.size, 0);
  });
});

describe('the record store under the caches: bounded sets, capped TTLs, constant-time adds', () => {
  test('a TTL beyond 75 minutes is stored as 75 minutes (RFC 6762 §10)', () => {
    let now = 0;
    const cache = new MdnsCache({ now: () => now });
    cache.add('eth0', 'h.local', { address: A('fe80::1%eth0'), name: 'h.local', type: 'AAAA', ttl: 0x7fffffff });
    const [r] = cache.get('eth0', 'h.local', 'AAAA');
    assert.equal(r?.ttl, 4500);
    now += 4500 * 1000;
    assert.equal(cache.get('eth0', 'h.local', 'AAAA').length, 0, 'gone after 75 minutes');
  });

  test('at most 32 records per (interface, name, type); newcomers beyond that are dropped, not the records learned first', () => {
    const cache = new MdnsCache({ maxRecords: 100_000 });
    for (let i = 1; i <= 100; i++) cache.add('eth0', 'h.local', { address: A(`fe80::${i.toString(16)}%eth0`), name: 'h.local', type: 'AAAA', ttl: 120 });
    const kept = cache.get('eth0', 'h.local', 'AAAA').map((r) => r.address.toString());
    assert.equal(kept.length, 32);
    assert.equal(kept[0], 'fe80::1%eth0');
    assert.equal(cache.size, 32);
    cache.add('eth0', 'h.local', { address: A('fe80::1%eth0'), name: 'h.local', type: 'AAAA', ttl: 120 });
    assert.equal(cache.size, 32, 'the same record again is a refresh, not a new one');
  });

  test('a set full of expired records makes room again', () => {
    let now = 0;
    const store = new RecordStore<number>({ maxPerSet: 2, now: () => now });
    assert.equal(store.add('k', 'a', 'n', 1, 1, false), 'new');
    assert.equal(store.add('k', 'b', 'n', 2, 1, false), 'new');
    assert.equal(store.add('k', 'c', 'n', 3, 1, false), 'dropped');
    now += 1001;
    assert.equal(store.add('k', 'c', 'n', 3, 1, false), 'new');
    assert.deepEqual(store.get('k').map((r) => r.data), [3]);
    assert.equal(store.size, 1);
  });

  test('goodbye and refresh outcomes (what the browser turns into events)', () => {
    const store = new RecordStore<number>();
    assert.equal(store.add('k', 'a', 'n', 1, 0, false), 'dropped', 'a goodbye for a record never seen');
    assert.equal(store.add('k', 'a', 'n', 1, 10, false), 'new');
    assert.equal(store.add('k', 'a', 'n', 1, 10, false), 'refreshed');
    assert.equal(store.add('k', 'a', 'n', 1, 0, false), 'goodbye');
    assert.deepEqual(store.get('k'), []);
    assert.equal(store.add('k', 'a', 'n', 1, 10, false), 'refreshed', 'back within the second');
  });

  test('property: whatever is added, no set exceeds maxPerSet and the store never exceeds maxRecords', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 50 }), fc.boolean(), fc.integer({ min: 0, max: 3000 })), { maxLength: 400 }),
        (ops) => {
          let now = 0;
          const store = new RecordStore<number>({ maxRecords: 100, maxPerSet: 8, now: () => now });
          for (const [set, id, ttl, flush, dt] of ops) {
            now += dt;
            store.add(`s${set}`, `r${id}`, 'n', id, ttl, flush);
            assert.ok(store.size <= 100, `size ${store.size}`);
          }
          for (let set = 0; set <= 20; set++) assert.ok(store.get(`s${set}`).length <= 8);
        },
      ),
      { numRuns: Number(process.env.FE80_FC_RUNS ?? 300), seed: Number(process.env.FE80_FC_SEED ?? 6762) },
    );
  });
});

describe('MdnsCache.plan: per record type, known answers (RFC 6762 §5.2, §7.1)', () => {
  // each record has a TTL of 100 s; `age` is how many seconds ago it was received
  const cases: {
    name: string;
    cached: { type: 'A' | 'AAAA'; address: string; age: number }[];
    types: ('A' | 'AAAA')[];
    answers: string[];
    missing: ('A' | 'AAAA')[];
    known: string[];
  }[] = [
    { name: 'empty cache: ask for everything, nothing known', cached: [], types: ['AAAA', 'A'], answers: [], missing: ['AAAA', 'A'], known: [] },
    {
      name: 'an AAAA-only query earlier: A is still asked, AAAA listed as known',
      cached: [{ type: 'AAAA', address: 'fe80::1%eth0', age: 10 }],
      types: ['AAAA', 'A'],
      answers: ['fe80::1%eth0'],
      missing: ['A'],
      known: ['AAAA fe80::1'],
    },
    {
      name: 'an A-only query earlier: AAAA is still asked',
      cached: [{ type: 'A', address: '192.0.2.7', age: 10 }],
      types: ['AAAA', 'A'],
      answers: ['192.0.2.7'],
      missing: ['AAAA'],
      known: ['A 192.0.2.7'],
    },
    {
      name: 'both types fresh: no query needed',
      cached: [
        { type: 'AAAA', address: 'fe80::1%eth0', age: 10 },
        { type: 'A', address: '192.0.2.7', age: 70 },
      ],
      types: ['AAAA', 'A'],
      answers: ['fe80::1%eth0', '192.0.2.7'],
      missing: [],
      known: ['AAAA fe80::1'],
    },
    {
      name: 'under 20% left: refreshed, not used, not known',
      cached: [{ type: 'AAAA', address: 'fe80::1%eth0', age: 85 }],
      types: ['AAAA'],
      answers: [],
      missing: ['AAAA'],
      known: [],
    },
    {
      name: 'between 20% and 50% left: used, but not listed as known (the responder re-sends it)',
      cached: [
        { type: 'AAAA', address: 'fe80::1%eth0', age: 60 },
        { type: 'AAAA', address: 'fe80::2%eth0', age: 10 },
      ],
      types: ['AAAA'],
      answers: ['fe80::1%eth0', 'fe80::2%eth0'],
      missing: [],
      known: ['AAAA fe80::2'],
    },
    {
      name: 'only the types asked',
      cached: [{ type: 'A', address: '192.0.2.7', age: 10 }],
      types: ['AAAA'],
      answers: [],
      missing: ['AAAA'],
      known: [],
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      let now = 1_000_000;
      const cache = new MdnsCache({ now: () => now });
      const start = now;
      for (const r of c.cached) {
        now = start - r.age * 1000;
        cache.add('eth0', 'h.local', { address: A(r.address), name: 'h.local', type: r.type, ttl: 100 });
      }
      now = start;
      const plan = cache.plan('eth0', 'h.local', c.types);
      assert.deepEqual(plan.answers.map((r) => r.address.toString()), c.answers);
      assert.deepEqual(plan.missing, c.missing);
      assert.deepEqual(plan.known.map((k) => `${k.type} ${k.data}`), c.known);
      for (const k of plan.known) assert.ok(k.ttl > 50 && k.ttl <= 100, `known answer TTL is the time left: ${k.ttl}`);
      assert.deepEqual(cache.plan('wlan0', 'h.local', c.types).answers, [], 'per interface');
    });
  }

  test('a type marked absent is not missing until the mark expires; a record of that type clears it', () => {
    let now = 1_000_000;
    const cache = new MdnsCache({ now: () => now });
    cache.add('eth0', 'h.local', { address: A('fe80::2%eth0'), name: 'h.local', type: 'AAAA', ttl: 100 });
    assert.deepEqual(cache.plan('eth0', 'h.local', ['AAAA', 'A']).missing, ['A']);
    cache.markAbsent('eth0', 'h.local', 'A', 60);
    assert.deepEqual(cache.plan('eth0', 'h.local', ['AAAA', 'A']).missing, []);
    assert.deepEqual(cache.plan('wlan0', 'h.local', ['A']).missing, ['A'], 'per interface');
    now += 61_000;
    assert.deepEqual(cache.plan('eth0', 'h.local', ['AAAA', 'A']).missing, ['A'], 'the mark expired');
    cache.markAbsent('eth0', 'h.local', 'A', 60);
    cache.add('eth0', 'h.local', { address: A('192.0.2.7'), name: 'h.local', type: 'A', ttl: 100 });
    assert.equal(cache.absent('eth0', 'h.local', 'A'), false, 'a record of the type clears the mark');
    cache.markAbsent('eth0', 'x.local', 'A', 60);
    cache.clear();
    assert.equal(cache.absent('eth0', 'x.local', 'A'), false);
  });
});

describe('the negative cache: interfaces that stayed silent (RFC 6762 §7.1 style)', () => {
  test('a silence lasts `silence` ms, doubles when it repeats, is capped, and a record clears it', () => {
    let now = 1_000_000;
    const cache = new MdnsCache({ now: () => now, silence: 1000, maxSilence: 3000 });
    assert.equal(cache.silence('eth0', 'h.local', 'AAAA'), 'none');
    assert.equal(cache.markSilent('eth0', 'h.local', ['AAAA', 'A']), 1000);
    assert.equal(cache.silence('eth0', 'h.local', 'AAAA'), 'silent');
    assert.equal(cache.silence('eth0', 'h.local', 'A'), 'silent');
    assert.equal(cache.silence('wlan0', 'h.local', 'AAAA'), 'none', 'per interface');
    assert.equal(cache.silence('eth0', 'x.local', 'AAAA'), 'none', 'per name');
    now += 1001;
    assert.equal(cache.silence('eth0', 'h.local', 'AAAA'), 'expired', 'ended recently: asked again');
    const lifetimes = [];
    for (let i = 0; i < 4; i++) {
      lifetimes.push(cache.markSilent('eth0', 'h.local', ['AAAA']));
      now += lifetimes[i]! + 1;
    }
    assert.deepEqual(lifetimes, [2000, 3000, 3000, 3000], 'doubling, capped at maxSilence');
    now += 3000;
    assert.equal(cache.silence('eth0', 'h.local', 'AAAA'), 'none', 'forgotten maxSilence after it ended');
    assert.equal(cache.markSilent('eth0', 'h.local', ['AAAA']), 1000, 'and a new silence starts short again');
    cache.add('eth0', 'h.local', { address: A('fe80::2%eth0'), name: 'h.local', type: 'AAAA', ttl: 10 });
    assert.equal(cache.silence('eth0', 'h.local', 'AAAA'), 'none', 'a record clears it');
    assert.equal(cache.markSilent('eth0', 'h.local', ['AAAA']), 1000, 'the strikes went with it');
  });

  test('silence: 0 turns the negative cache off', () => {
    const cache = new MdnsCache({ silence: 0 });
    assert.equal(cache.markSilent('eth0', 'h.local', ['AAAA']), 0);
    assert.equal(cache.silence('eth0', 'h.local', 'AAAA'), 'none');
  });

  const cases: { name: string; silent: ('A' | 'AAAA')[]; ended: ('A' | 'AAAA')[]; cached: ('A' | 'AAAA')[]; missing: string[]; silentTypes: string[]; silenceEnded: boolean }[] = [
    { name: 'silent for both types: nothing to ask', silent: ['AAAA', 'A'], ended: [], cached: [], missing: [], silentTypes: ['AAAA', 'A'], silenceEnded: false },
    { name: 'AAAA cached, silent for A: nothing to ask', silent: ['A'], ended: [], cached: ['AAAA'], missing: [], silentTypes: ['A'], silenceEnded: false },
    { name: 'the silence ended for every missing type', silent: [], ended: ['AAAA', 'A'], cached: [], missing: ['AAAA', 'A'], silentTypes: [], silenceEnded: true },
    { name: 'ended for A only, AAAA never asked: a plain miss', silent: [], ended: ['A'], cached: [], missing: ['AAAA', 'A'], silentTypes: [], silenceEnded: false },
    { name: 'ended for A, AAAA cached', silent: [], ended: ['A'], cached: ['AAAA'], missing: ['A'], silentTypes: [], silenceEnded: true },
  ];
  for (const c of cases) {
    test(`MdnsCache.plan: ${c.name}`, () => {
      let now = 1_000_000;
      const cache = new MdnsCache({ now: () => now, silence: 1000 });
      if (c.ended.length > 0) cache.markSilent('eth0', 'h.local', c.ended);
      now += 1500;
      if (c.silent.length > 0) cache.markSilent('eth0', 'h.local', c.silent);
      for (const type of c.cached) {
        cache.add('eth0', 'h.local', { address: A(type === 'A' ? '192.0.2.1' : 'fe80::1%eth0'), name: 'h.local', type, ttl: 10 });
      }
      const plan = cache.plan('eth0', 'h.local', ['AAAA', 'A']);
      assert.deepEqual(plan.missing, c.missing);
      assert.deepEqual(plan.silent, c.silentTypes);
      assert.equal(plan.silenceEnded, c.silenceEnded);
    });
  }
});

describe('isOnLink (RFC 6762 §11)', () => {
  const eth0: InterfaceInfo = {
    name: 'eth0',
    index: 2,
    up: true,
    running: true,
    loopback: false,
    multicast: true,
    mac: undefined,
    mtu: 1500,
    linkLocal: A('fe80::a%eth0'),
    addresses: [
      { address: A('fe80::a%eth0'), prefixLength: 64, scope: 'link-local' },
      { address: A('2001:db8:1::a'), prefixLength: 64, scope: 'global' },
      { address: A('192.168.1.10'), prefixLength: 24, scope: 'global' },
    ],
  };
  const same = (zone: string) => zone === 'eth0' || zone === '2';
  test('link-local sources are on-link when their zone is the receiving interface', () => {
    assert.equal(isOnLink(A('fe80::2%eth0'), eth0, same), true);
    assert.equal(isOnLink(A('fe80::2%2'), eth0, same), true);
    assert.equal(isOnLink(A('fe80::2%wlan0'), eth0, same), false);
    assert.equal(isOnLink(A('fe80::2'), eth0, same), true);
  });
  test('other sources must be inside an on-link prefix of that interface', () => {
    assert.equal(isOnLink(A('2001:db8:1::99'), eth0, same), true);
    assert.equal(isOnLink(A('2001:db8:ffff::9'), eth0, same), false);
    assert.equal(isOnLink(A('192.168.1.77'), eth0, same), true);
    assert.equal(isOnLink(A('192.168.2.77'), eth0, same), false);
    assert.equal(isOnLink(A('169.254.3.4'), eth0, same), false);
  });
  test('multicast, loopback and unspecified sources never are', () => {
    for (const t of ['ff02::fb', '::1', '::', '224.0.0.251', '127.0.0.1']) assert.equal(isOnLink(A(t), eth0, same), false, t);
  });
});

describe('isOnLinkOnly: an IPv4 answer must come from a prefix of the queried interface and of no other', () => {
  const iface = (name: string, index: number, addresses: [string, number][]): InterfaceInfo => ({
    name,
    index,
    up: true,
    running: true,
    loopback: name === 'lo',
    multicast: name !== 'lo',
    mac: undefined,
    mtu: 1500,
    linkLocal: undefined,
    addresses: addresses.map(([a, prefixLength]) => ({ address: A(a), prefixLength, scope: 'global' as const })),
  });
  const lo = iface('lo', 1, [['127.0.0.1', 8]]);
  const a = iface('a', 2, [['169.254.1.1', 16], ['192.168.1.1', 24]]);
  const b = iface('b', 3, [['169.254.2.1', 16], ['10.9.0.1', 24]]);
  const c = iface('c', 4, [['192.168.1.200', 32]]);
  const cases: { name: string; source: string; registry: InterfaceInfo[]; want: boolean }[] = [
    { name: 'a prefix only the queried link has', source: '192.168.1.7', registry: [lo, a, b], want: true },
    { name: '169.254/16 on two links: ambiguous, dropped (the spoofing case)', source: '169.254.9.9', registry: [lo, a, b], want: false },
    { name: '169.254/16 on the queried link only', source: '169.254.9.9', registry: [lo, a], want: true },
    { name: 'a prefix of another link only', source: '10.9.0.7', registry: [lo, a, b], want: false },
    { name: 'a host route elsewhere covers only its own address', source: '192.168.1.7', registry: [lo, a, c], want: true },
    { name: 'the host-route address itself is ambiguous', source: '192.168.1.200', registry: [lo, a, c], want: false },
    { name: 'loopback never', source: '127.0.0.1', registry: [lo, a], want: false },
    { name: 'off-link', source: '203.0.113.1', registry: [lo, a, b], want: false },
  ];
  for (const t of cases) {
    test(t.name, () => assert.equal(isOnLinkOnly(A(t.source), a, t.registry), t.want));
  }
});
