// resolveZones against a fake registry backend: no I/O, no sockets.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ScopedAddress } from '../../src/addr/index.js';
import { fakeRegistry, nic } from '../helpers/fake-registry.js';
import { bindUdp, connect, listen, resolveZones, type ZonePolicyOptions } from '../../src/net/index.js';


// lo (1), eth0 (2, LL), wlan0 (3, LL), eth1 (4, down), ifb0 (5, up, no IPv6), br-lan_1 (6, LL; Node's isIP rejects "_")
const registry = fakeRegistry([
  nic('lo', 1, true, ['::1', '127.0.0.1'], true),
  nic('eth0', 2, true, ['fe80::a', '2001:db8::a']),
  nic('wlan0', 3, true, ['fe80::b']),
  nic('eth1', 4, false, []),
  nic('ifb0', 5, true, []),
  nic('br-lan_1', 6, true, ['fe80::c']),
]);
const opts = (o: Omit<ZonePolicyOptions, 'registry'> = {}): ZonePolicyOptions => ({ ...o, registry });
const A = (text: string): ScopedAddress => ScopedAddress.parse(text);
const hosts = (text: string, o?: Omit<ZonePolicyOptions, 'registry'>): string[] => resolveZones(A(text), opts(o)).map((c) => c.host);
const code = (fn: () => unknown, expected: string, message?: RegExp): void => {
  assert.throws(fn, (error: { code?: string; message: string }) => {
    assert.equal(error.code, expected, error.message);
    if (message) assert.match(error.message, message);
    return true;
  });
};

describe('resolveZones: a zone that is given', () => {
  test('named zone: the interface, the platform form, the name on the address', () => {
    const [c] = resolveZones(A('fe80::1%eth0'), opts());
    assert.equal(c?.host, 'fe80::1%eth0');
    assert.equal(c?.address.toString(), 'fe80::1%eth0');
    assert.equal(c?.interface?.index, 2);
  });
  test('numeric zone: converted to the name (Linux) or kept as index (Windows)', () => {
    assert.deepEqual(hosts('fe80::1%3'), ['fe80::1%wlan0']);
    assert.equal(resolveZones(A('fe80::1%3'), opts())[0]?.address.zone, 'wlan0');
    assert.deepEqual(hosts('fe80::1%wlan0', { platform: 'win32' }), ['fe80::1%3']);
    assert.deepEqual(hosts('fe80::1', { zone: 3 }), ['fe80::1%wlan0']);
    assert.deepEqual(hosts('fe80::1', { zone: '2' }), ['fe80::1%eth0']);
  });
  test('zone option and zone in the address must agree (name vs index is agreement)', () => {
    assert.deepEqual(hosts('fe80::1%eth0', { zone: 2 }), ['fe80::1%eth0']);
    code(() => hosts('fe80::1%eth0', { zone: 'wlan0' }), 'ERR_INVALID_ARGUMENT', /two different zones/);
    assert.deepEqual(hosts('fe80::1%eth0', { zone: 'auto' }), ['fe80::1%eth0']);
    assert.deepEqual(hosts('fe80::1%wlan0', { zone: ['eth0', 'wlan0'] }), ['fe80::1%wlan0']);
    code(() => hosts('fe80::1%br-lan_1', { zone: ['eth0', 'wlan0'] }), 'ERR_ZONE_NOT_ALLOWED', /outside the allowed interfaces \(eth0, wlan0\)/);
  });
  test('unknown interface names it and lists the existing ones', () => {
    code(() => hosts('fe80::1%eht0'), 'ERR_UNKNOWN_INTERFACE', /"eht0".*have: lo, eth0, wlan0, eth1, ifb0, br-lan_1/);
    code(() => hosts('fe80::1%99'), 'ERR_UNKNOWN_INTERFACE', /99/);
    code(() => hosts('fe80::1%25eth0'), 'ERR_UNKNOWN_INTERFACE', /URL-encoded/);
    code(() => hosts('fe80::1', { zone: 'nosuch' }), 'ERR_UNKNOWN_INTERFACE', /nosuch/);
  });
  test('down interface, or no link-local address: ERR_INTERFACE_DOWN', () => {
    code(() => hosts('fe80::1%eth1'), 'ERR_INTERFACE_DOWN', /"eth1" is down/);
    code(() => hosts('fe80::1%ifb0'), 'ERR_INTERFACE_DOWN', /"ifb0" has no usable IPv6 link-local address/);
    code(() => hosts('fe80::1%lo'), 'ERR_INTERFACE_DOWN');
  });
  test('link-scope multicast needs an up interface, not a link-local address', () => {
    assert.deepEqual(hosts('ff02::fb%ifb0'), ['ff02::fb%ifb0']);
    code(() => hosts('ff02::fb%eth1'), 'ERR_INTERFACE_DOWN');
    assert.deepEqual(hosts('ff01::1%lo'), ['ff01::1%lo'], 'interface-local multicast on lo');
  });
  test('a zone on an address that takes none: ERR_ZONE_NOT_ALLOWED (RFC 4007 §6)', () => {
    for (const text of ['2001:db8::1%eth0', 'fd00::1%eth0', '::1%eth0', '::ffff:192.0.2.1%eth0']) {
      code(() => hosts(text), 'ERR_ZONE_NOT_ALLOWED', /RFC 4007/);
    }
    code(() => hosts('2001:db8::1', { zone: 'eth0' }), 'ERR_ZONE_NOT_ALLOWED');
    code(() => hosts('192.0.2.1', { zone: 'eth0' }), 'ERR_ZONE_NOT_ALLOWED', /IPv4/);
    code(() => hosts('2001:db8::1%nosuch'), 'ERR_ZONE_NOT_ALLOWED', undefined);
  });
  test('zone 0 means no zone', () => {
    assert.deepEqual(hosts('2001:db8::1%0'), ['2001:db8::1']);
    code(() => hosts('fe80::1%0'), 'ERR_ZONE_REQUIRED');
    code(() => hosts('fe80::1', { zone: 0 }), 'ERR_ZONE_REQUIRED');
  });
});

describe('resolveZones: zones a socket would ignore', () => {
  // RFC 4007 §6 lets these scopes have zones, but sockets use sin6_scope_id only for fe80::/10,
  // ff01::/16 and ff02::/16: the kernel would route these by table, whatever the zone.
  const ignored: [string, Omit<ZonePolicyOptions, 'registry'>, RegExp][] = [
    ['fec0::1%eth0', {}, /site-local unicast.*routing table.*remove the zone/],
    ['fec0::1', { zone: 'eth0' }, /site-local unicast/],
    ['fec0::1%2', {}, /zone "2"/],
    ['ff03::1%eth0', {}, /realm-local multicast/],
    ['ff04::1%eth0', {}, /admin-local multicast/],
    ['ff05::1%eth0', {}, /site-local multicast.*setMulticastInterface\("eth0"\).*without a zone.*addMembership\("ff05::1", "eth0"\)/],
    ['ff05::1', { zone: 'eth0' }, /site-local multicast/],
    ['ff08::1%wlan0', {}, /organization-local multicast/],
    ['ff15::1%eth0', {}, /site-local multicast/],
    ['ff05::1%nosuch', {}, /routing table/], // refused before the interface is looked up
  ];
  for (const [text, o, message] of ignored) {
    test(`${text} ${JSON.stringify(o)}: ERR_ZONE_NOT_ALLOWED`, () => {
      code(() => hosts(text, o), 'ERR_ZONE_NOT_ALLOWED', message);
    });
  }
  test('the zones sockets use still work (interface-/link-local multicast, any flags)', () => {
    assert.deepEqual(hosts('ff02::1%eth0'), ['ff02::1%eth0']);
    assert.deepEqual(hosts('ff12::1%eth0'), ['ff12::1%eth0']);
    assert.deepEqual(hosts('ff01::1%lo'), ['ff01::1%lo']);
  });
  test('without a zone these addresses go by the routing table, also with auto and lists', () => {
    for (const text of ['fec0::1', 'ff05::1', 'ff08::1']) {
      assert.deepEqual(hosts(text), [text]);
      assert.deepEqual(hosts(text, { zone: 'auto' }), [text]);
      assert.deepEqual(hosts(text, { zone: ['eth0'] }), [text]);
    }
  });
  test('a zone on :: selects nothing: ERR_ZONE_NOT_ALLOWED', () => {
    code(() => hosts('::%eth0'), 'ERR_ZONE_NOT_ALLOWED', /unspecified/);
    assert.deepEqual(hosts('::%0'), ['::']);
  });
});

describe('resolveZones: a missing zone', () => {
  test('ERR_ZONE_REQUIRED lists the candidates and how to pick one', () => {
    code(() => hosts('fe80::1'), 'ERR_ZONE_REQUIRED', /candidates[^.]*: eth0, wlan0, br-lan_1\./);
    code(() => hosts('fe80::1'), 'ERR_ZONE_REQUIRED', /"fe80::1%eth0".*zone: 'eth0'.*zone: 'auto'/);
    code(() => hosts('ff02::fb'), 'ERR_ZONE_REQUIRED', /multicast/);
    // the same list as data, for a program that offers the choice
    assert.throws(() => hosts('fe80::1'), { code: 'ERR_ZONE_REQUIRED', candidates: ['eth0', 'wlan0', 'br-lan_1'] });
    assert.throws(() => hosts('fe80::1', { allowedInterfaces: ['wlan0'] }), { candidates: ['wlan0'] });
  });
  test("'auto': every candidate in registry order (up, not loopback, with link-local)", () => {
    assert.deepEqual(hosts('fe80::1', { zone: 'auto' }), ['fe80::1%eth0', 'fe80::1%wlan0', 'fe80::1%br-lan_1']);
    const cs = resolveZones(A('fe80::1'), opts({ zone: 'auto' }));
    assert.deepEqual(
      cs.map((c) => c.address.toString()),
      ['fe80::1%eth0', 'fe80::1%wlan0', 'fe80::1%br-lan_1'],
    );
  });
  test('a list: those interfaces, in that order, validated, without duplicates', () => {
    assert.deepEqual(hosts('fe80::1', { zone: ['wlan0', 'eth0', 2, '3'] }), ['fe80::1%wlan0', 'fe80::1%eth0']);
    code(() => hosts('fe80::1', { zone: ['wlan0', 'eth1'] }), 'ERR_INTERFACE_DOWN');
    code(() => hosts('fe80::1', { zone: ['wlan0', 'nosuch'] }), 'ERR_UNKNOWN_INTERFACE');
  });
  test("'auto' and lists do not apply to addresses that need no zone (never race global)", () => {
    assert.deepEqual(hosts('2001:db8::1', { zone: 'auto' }), ['2001:db8::1']);
    assert.deepEqual(hosts('2001:db8::1', { zone: ['eth0', 'wlan0'] }), ['2001:db8::1']);
    assert.deepEqual(hosts('192.0.2.1', { zone: 'auto' }), ['192.0.2.1']);
    const [c] = resolveZones(A('2001:db8::1'), opts());
    assert.equal(c?.interface, undefined);
  });
  test('no candidates at all', () => {
    const empty = fakeRegistry([nic('lo', 1, true, ['::1']), nic('eth9', 2, false, [])], 'empty');
    code(() => resolveZones(A('fe80::1'), { registry: empty, zone: 'auto' }), 'ERR_ZONE_REQUIRED', /no interface is up.*lo, eth9 \(down\)/);
    assert.throws(() => resolveZones(A('fe80::1'), { registry: empty, zone: 'auto' }), (e: { candidates?: unknown }) => Array.isArray(e.candidates) && e.candidates.length === 0);
  });
});

describe('resolveZones: options are validated', () => {
  test('bad zone option types', () => {
    for (const zone of [{}, true, [], [{}], ['auto'], null]) {
      code(() => resolveZones(A('fe80::1'), { registry, zone: zone as never }), 'ERR_INVALID_ARGUMENT');
    }
    code(() => resolveZones(A('fe80::1'), { registry: {} as never }), 'ERR_INVALID_ARGUMENT');
    code(() => resolveZones(A('fe80::1'), { registry, zone: 'bad/zone' }), 'ERR_INVALID_ZONE');
  });
});

describe('ERR_ZONE_REQUIRED says what the caller can do', () => {
  const reg = fakeRegistry([nic('lo', 1, true, ['::1'], true), nic('eth1', 2, true, ['fe80::a'])], 'advice');
  const cases: { name: string; run: () => Promise<unknown>; says: RegExp; not?: RegExp }[] = [
    { name: 'connect: zone option or race', run: () => connect('[fe80::2]:80', { registry: reg }), says: /\{ zone: 'eth1' \}, or race them with \{ zone: 'auto' \}/ },
    { name: 'listen: an { interface } target, no race', run: () => listen('[fe80::2]:0', { registry: reg }), says: /\{ interface: 'eth1', port \}/, not: /auto/ },
    { name: 'bindUdp: the same', run: () => bindUdp('[fe80::2]:0', { registry: reg }), says: /\{ interface: 'eth1', port \}/, not: /auto/ },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      await assert.rejects(c.run(), (e: { code?: string; message: string }) => {
        assert.equal(e.code, 'ERR_ZONE_REQUIRED');
        assert.match(e.message, c.says);
        if (c.not) assert.doesNotMatch(e.message, c.not);
        return true;
      });
    });
  }
  test('UDP send: zone option, no race; a multicast group says its scope', async () => {
    const udp = await bindUdp({ host: '::1', port: 0 });
    try {
      await assert.rejects(udp.send('x', '[ff02::fb]:5353'), (e: { code?: string; message: string }) => {
        assert.equal(e.code, 'ERR_ZONE_REQUIRED');
        assert.match(e.message, /a link-local multicast address/);
        assert.match(e.message, /UDP does not race/);
        return true;
      });
      assert.throws(() => udp.addMembership('ff02::fb'), (e: { code?: string; message: string }) => /addMembership\('ff02::fb', '/.test(e.message));
    } finally {
      await udp.close();
    }
  });
});
