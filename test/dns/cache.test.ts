// The known-answer cache (TTL, goodbye, cache-flush, bound) and the RFC 6762 §11 on-link check.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ScopedAddress } from '../../src/addr/index.js';
import type { InterfaceInfo } from '../../src/iface/index.js';
import { MdnsCache } from '../../src/dns/index.js';
import { isOnLink } from '../../src/dns/onlink.js';

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
