// lookup's dns.lookup signature and option handling, with literals and an injected system
// resolver (no network), and resolveMdns argument checks (no packet is sent).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import dns from 'node:dns';
import net from 'node:net';
import { promisify } from 'node:util';
import { fakeRegistry, nic } from '../helpers/fake-registry.js';
import { createLookup, lookup, resolveMdns, type Fe80Lookup, type LookupAddress } from '../../src/dns/index.js';
import { isFe80Error } from '../../src/errors.js';

const registry = fakeRegistry([
  nic('lo', 1, true, ['::1', '127.0.0.1'], true),
  nic('eth0', 2, true, ['fe80::a', '2001:db8::a']),
  nic('wlan0', 3, true, ['fe80::b']),
  nic('eth1', 4, false, []),
]);

// type-level: usable wherever Node takes a lookup function
const asNet: net.LookupFunction = lookup;
void asNet;
const connectOptions: net.TcpNetConnectOpts = { port: 1, lookup };
void connectOptions;

type Result = { err: NodeJS.ErrnoException | null; address: unknown; family: unknown };
function call(fn: Fe80Lookup, host: string, options?: unknown): Promise<Result> {
  return new Promise((resolve) => {
    const cb = (err: NodeJS.ErrnoException | null, address: unknown, family?: unknown) => resolve({ err, address, family });
    if (options === undefined) (fn as (h: string, cb: unknown) => void)(host, cb);
    else (fn as (h: string, o: unknown, cb: unknown) => void)(host, options, cb);
  });
}

const local = createLookup({ registry });

describe('lookup: literals', () => {
  test('plain literals pass through unchanged, family from the literal (like dns.lookup)', async () => {
    assert.deepEqual(await call(local, '192.0.2.1'), { err: null, address: '192.0.2.1', family: 4 });
    assert.deepEqual(await call(local, '2001:db8::1', { family: 4 }), { err: null, address: '2001:db8::1', family: 6 });
    assert.deepEqual(await call(local, '::1', { all: true }), { err: null, address: [{ address: '::1', family: 6 }], family: undefined });
    assert.deepEqual(await call(local, '127.0.0.1', 6), { err: null, address: '127.0.0.1', family: 4 });
  });

  test('a zoned literal gets its zone checked and in the platform form: numeric %2 becomes %eth0', async () => {
    assert.equal((await call(local, 'fe80::1%2')).address, 'fe80::1%eth0');
    assert.equal((await call(local, 'fe80::1%wlan0')).address, 'fe80::1%wlan0');
    assert.deepEqual((await call(local, 'fe80::1%3', { all: true })).address, [{ address: 'fe80::1%wlan0', family: 6 }]);
  });

  test('bad zones come back as Fe80Error with fe80 codes on the callback', async () => {
    const cases: [string, string][] = [
      ['fe80::1%nosuch0', 'ERR_UNKNOWN_INTERFACE'],
      ['fe80::1%eth1', 'ERR_INTERFACE_DOWN'],
      ['2001:db8::1%eth0', 'ERR_ZONE_NOT_ALLOWED'],
      ['fe80::1', 'ERR_ZONE_REQUIRED'],
      ['fe80::1%a/b', 'ERR_INVALID_ZONE'],
    ];
    for (const [host, code] of cases) {
      const r = await call(local, host);
      assert.ok(isFe80Error(r.err), `${host}: ${String(r.err)}`);
      assert.equal(r.err?.code, code, `${host}: ${r.err?.message}`);
      assert.equal((r.err as unknown as { hostname: string }).hostname, host);
    }
    const required = await call(local, 'fe80::1');
    assert.match(required.err?.message ?? '', /eth0, wlan0/, 'lists the candidates');
  });

  test("zone policy: 'auto' gives every candidate, a list those interfaces, a name that one", async () => {
    const auto = createLookup({ registry, zone: 'auto' });
    assert.deepEqual((await call(auto, 'fe80::1', { all: true })).address, [
      { address: 'fe80::1%eth0', family: 6 },
      { address: 'fe80::1%wlan0', family: 6 },
    ]);
    assert.deepEqual(await call(auto, 'fe80::1'), { err: null, address: 'fe80::1%eth0', family: 6 });
    const list = createLookup({ registry, zone: ['wlan0', 2] });
    assert.deepEqual(
      ((await call(list, 'fe80::1', { all: true })).address as LookupAddress[]).map((x) => x.address),
      ['fe80::1%wlan0', 'fe80::1%eth0'],
    );
    const fixed = createLookup({ registry, zone: 'wlan0' });
    assert.equal((await call(fixed, 'fe80::1')).address, 'fe80::1%wlan0');
    assert.equal((await call(fixed, '192.0.2.1')).address, '192.0.2.1');
  });

  test('empty host name: null / [] like dns.lookup', async () => {
    assert.deepEqual(await call(local, ''), { err: null, address: null, family: 4 });
    assert.deepEqual(await call(local, '', { family: 6 }), { err: null, address: null, family: 6 });
    assert.deepEqual((await call(local, '', { all: true })).address, []);
    // a falsy hostname is an empty one (DEP0118); null order/verbatim are "not given"
    assert.deepEqual(await call(local, null as unknown as string), { err: null, address: null, family: 4 });
    assert.deepEqual(await call(local, undefined as unknown as string, { order: null, verbatim: null } as unknown as dns.LookupOptions), {
      err: null,
      address: null,
      family: 4,
    });
  });
});

describe('lookup: signature and options', () => {
  test('invalid arguments throw synchronously, as dns.lookup does', () => {
    const cb = () => {};
    const bad: [unknown, unknown, unknown][] = [
      [5, {}, cb],
      ['x', { family: 5 }, cb],
      ['x', 7, cb],
      ['x', { hints: 1234 }, cb],
      ['x', { all: 'yes' }, cb],
      ['x', { order: 'random' }, cb],
      ['x', {}, undefined],
      ['x', 'IPv6', cb],
    ];
    for (const [h, o, c] of bad) {
      assert.throws(() => (lookup as (...a: unknown[]) => void)(h, o, c), { code: 'ERR_INVALID_ARGUMENT' }, JSON.stringify([h, o]));
    }
    // accepted like Node: family strings, the hints flags
    assert.doesNotThrow(() => lookup('::1', { family: 'IPv6', hints: dns.ADDRCONFIG | dns.V4MAPPED | dns.ALL }, cb));
  });

  test('callback is always asynchronous', async () => {
    let sync = true;
    const p = new Promise<void>((resolve) =>
      lookup('::1', () => {
        assert.equal(sync, false);
        resolve();
      }),
    );
    sync = false;
    await p;
  });

  test('promise forms: lookup.promise and util.promisify (like dns.promises.lookup); the lookupAsync alias is gone', async () => {
    assert.deepEqual(await lookup.promise('192.0.2.1'), { address: '192.0.2.1', family: 4 });
    const p = promisify(lookup);
    assert.equal(p, lookup.promise);
    assert.deepEqual(await p('192.0.2.1'), { address: '192.0.2.1', family: 4 });
    assert.deepEqual(await p('::1', { all: true }), [{ address: '::1', family: 6 }]);
    await assert.rejects(local.promise('fe80::1'), { code: 'ERR_ZONE_REQUIRED' });
    // invalid arguments throw synchronously, as dns.promises.lookup does
    assert.throws(() => local.promise(5 as unknown as string), { code: 'ERR_INVALID_ARGUMENT' });
    assert.throws(() => local.promise('x', { family: 9 as 4 }), { code: 'ERR_INVALID_ARGUMENT' });
    assert.deepEqual(await local.promise(null as unknown as string), { address: null, family: 4 });
  });
});

const fake = (answers: dns.LookupAddress[] | NodeJS.ErrnoException) => {
  const seen: unknown[] = [];
  const fn = ((host: string, options: dns.LookupAllOptions, cb: (e: unknown, a?: unknown) => void) => {
    seen.push({ host, options });
    setImmediate(() => (answers instanceof Error ? cb(answers) : cb(null, answers)));
  }) as unknown as typeof dns.lookup;
  return { fn, seen };
};

describe('lookup: the system resolver for other names', () => {

  test('results pass through; family, hints and order are handed on', async () => {
    const { fn, seen } = fake([
      { address: '2001:db8::5', family: 6 },
      { address: '192.0.2.5', family: 4 },
    ]);
    const l = createLookup({ registry, systemLookup: fn });
    assert.deepEqual(await call(l, 'example.test', { family: 0, hints: dns.ADDRCONFIG }), { err: null, address: '2001:db8::5', family: 6 });
    assert.deepEqual(((await call(l, 'example.test', { all: true, order: 'ipv4first' })).address as LookupAddress[])[0], {
      address: '192.0.2.5',
      family: 4,
    });
    assert.deepEqual((seen[0] as { options: dns.LookupAllOptions }).options.hints, dns.ADDRCONFIG);
    assert.equal((seen[0] as { options: dns.LookupAllOptions }).options.all, true);
  });

  test('names that look like literals are names; an address the resolver gives twice comes back once', async () => {
    const { fn, seen } = fake([
      { address: '2001:db8::5', family: 6 },
      { address: '2001:db8::5', family: 6 },
      { address: '192.0.2.5', family: 4 },
    ]);
    const l = createLookup({ registry, systemLookup: fn });
    for (const name of ['host1', '1.2.3', '1.2.3.4%eth0', 'a:b', 'printer1.example']) {
      assert.deepEqual((await call(l, name, { all: true })).address, [
        { address: '2001:db8::5', family: 6 },
        { address: '192.0.2.5', family: 4 },
      ], name);
    }
    assert.deepEqual(seen.map((s) => (s as { host: string }).host), ['host1', '1.2.3', '1.2.3.4%eth0', 'a:b', 'printer1.example']);
  });

  test('a zone-less link-local result follows the zone policy', async () => {
    const { fn } = fake([{ address: 'fe80::9', family: 6 }]);
    const strict = createLookup({ registry, systemLookup: fn });
    const r = await call(strict, 'router.test');
    assert.equal(r.err?.code, 'ERR_ZONE_REQUIRED');
    const auto = createLookup({ registry, systemLookup: fn, zone: 'auto' });
    assert.deepEqual(((await call(auto, 'router.test', { all: true })).address as LookupAddress[]).map((x) => x.address), [
      'fe80::9%eth0',
      'fe80::9%wlan0',
    ]);
    // with other usable results, the unplaceable link-local one is left out
    const mixed = createLookup({ registry, systemLookup: fake([{ address: 'fe80::9', family: 6 }, { address: '192.0.2.9', family: 4 }]).fn });
    assert.deepEqual((await call(mixed, 'router.test', { all: true })).address, [{ address: '192.0.2.9', family: 4 }]);
  });

  test('resolver errors become ERR_NOT_FOUND with the system error on cause', async () => {
    const e = Object.assign(new Error('getaddrinfo ENOTFOUND nowhere.test'), { code: 'ENOTFOUND', syscall: 'getaddrinfo' });
    const l = createLookup({ registry, systemLookup: fake(e).fn });
    const r = await call(l, 'nowhere.test');
    assert.equal(r.err?.code, 'ERR_NOT_FOUND');
    assert.equal((r.err?.cause as NodeJS.ErrnoException).code, 'ENOTFOUND');
    assert.match(r.err?.message ?? '', /ENOTFOUND/);
  });

  test('.local names never reach the system resolver (RFC 6762 §3)', async () => {
    const { fn, seen } = fake([{ address: '192.0.2.1', family: 4 }]);
    const l = createLookup({ registry, systemLookup: fn, allowedInterfaces: ['eth1'] });
    const r = await call(l, 'printer.local');
    assert.equal(r.err?.code, 'ERR_INTERFACE_DOWN');
    assert.equal(seen.length, 0);
  });
});

describe('resolveMdns: arguments', () => {
  test('invalid options reject before any socket', async () => {
    const bad: [string, object, string][] = [
      ['a..local', {}, 'ERR_INVALID_ARGUMENT'],
      ['x.local', { family: 5 }, 'ERR_INVALID_ARGUMENT'],
      ['x.local', { timeout: -1 }, 'ERR_INVALID_ARGUMENT'],
      ['x.local', { timeout: Infinity }, 'ERR_INVALID_ARGUMENT'],
      ['x.local', { settle: 'x' }, 'ERR_INVALID_ARGUMENT'],
      ['x.local', { transport: 'ipx' }, 'ERR_INVALID_ARGUMENT'],
      ['x.local', { interfaces: [] }, 'ERR_INVALID_ARGUMENT'],
      ['x.local', { interfaces: ['nosuch0'] }, 'ERR_UNKNOWN_INTERFACE'],
      ['x.local', { interfaces: ['eth1'] }, 'ERR_INTERFACE_DOWN'],
      ['x.local', { cache: {} }, 'ERR_INVALID_ARGUMENT'],
    ];
    for (const [name, options, code] of bad) {
      await assert.rejects(resolveMdns(name, { registry, ...options } as never), { code }, JSON.stringify(options));
    }
  });

  test('an aborted signal rejects with ERR_ABORTED', async () => {
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    await assert.rejects(resolveMdns('x.local', { registry, signal: controller.signal }), { code: 'ERR_ABORTED' });
  });

  test('no usable interface: ERR_NOT_FOUND that says why', async () => {
    const empty = fakeRegistry([nic('lo', 1, true, ['::1'])], 'empty');
    await assert.rejects(resolveMdns('x.local', { registry: empty }), { code: 'ERR_NOT_FOUND', message: /no interface/ });
  });
});

describe('allowedInterfaces: what a host name may resolve to (the same rule as connect and fetch)', () => {
  const cases: { name: string; given: string[]; allowed?: (string | number)[]; want: string[] | 'ERR_ZONE_NOT_ALLOWED' }[] = [
    { name: 'no allowed set: every address', given: ['127.0.0.1', 'fe80::1%wlan0'], want: ['127.0.0.1', 'fe80::1%wlan0'] },
    { name: 'link-local on an allowed interface', given: ['fe80::1%eth0'], allowed: ['eth0'], want: ['fe80::1%eth0'] },
    { name: 'allowed by index', given: ['fe80::1%eth0', 'fe80::2%wlan0'], allowed: [2], want: ['fe80::1%eth0'] },
    { name: 'the others are dropped', given: ['10.0.0.1', 'fe80::1%wlan0', '2001:db8::1', 'fe80::1%eth0'], allowed: ['eth0'], want: ['fe80::1%eth0'] },
    { name: 'loopback and IPv4', given: ['127.0.0.1', '::1'], allowed: ['eth0'], want: 'ERR_ZONE_NOT_ALLOWED' },
    { name: 'another interface', given: ['fe80::1%wlan0'], allowed: ['eth0'], want: 'ERR_ZONE_NOT_ALLOWED' },
    { name: 'IPv4 link-local (no zone possible)', given: ['169.254.1.1'], allowed: ['eth0'], want: 'ERR_ZONE_NOT_ALLOWED' },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const { fn } = fake(c.given.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })));
      const l = createLookup(c.allowed === undefined ? { registry, systemLookup: fn } : { registry, systemLookup: fn, allowedInterfaces: c.allowed });
      const r = await call(l, 'host.test', { all: true });
      if (c.want === 'ERR_ZONE_NOT_ALLOWED') assert.equal(r.err?.code, c.want, r.err?.message);
      else assert.deepEqual((r.address as { address: string }[]).map((a) => a.address), c.want, r.err?.message);
    });
  }
});
