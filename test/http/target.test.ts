// Pure parts of src/http: URL -> zone-free target, zone policy + allowed interfaces, redirect
// rules, the Host rewrite of the http.Agent, pool selection. No sockets (a fake interface registry).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { InterfaceRegistry } from '../../src/iface/index.js';
import type { RawInterface } from '../../src/iface/types.js';
import { resolveTarget, displayUrl } from '../../src/http/target.js';
import { changesToGet, inheritedZone, isReplayable, locationUrl, sameOrigin } from '../../src/http/redirect.js';
import { zoneFreeHost } from '../../src/http/agent.js';
import { allowedAddresses } from '../../src/http/zone-guard.js';
import { ScopedAddress } from '../../src/addr/index.js';
import { fakeRegistry } from '../helpers/fake-registry.js';
import { Fe80Dispatcher } from '../../src/http/dispatcher.js';

function nic(name: string, index: number, ll: string | undefined, up = true): RawInterface {
  return {
    name, index, up, running: up, loopback: name === 'lo', multicast: true, mac: undefined, mtu: 1500,
    addresses: ll === undefined ? [] : [{ address: ll, prefixLength: 64 }],
  };
}
const registry = new InterfaceRegistry({
  backend: { name: 'fake', read: () => [nic('lo', 1, undefined), nic('eth0', 2, 'fe80::a'), nic('wlan0', 3, 'fe80::b'), nic('down0', 4, 'fe80::c', false)] },
});
const code = (c: string) => (e: unknown) => (e as { code?: string }).code === c;

describe('resolveTarget', () => {
  test('RFC 6874 form: zone-free URL, zone by name, Host without zone', () => {
    const t = resolveTarget('http://[fe80::1%25eth0]:8080/x?y#z', { registry });
    assert.equal(t.url.href, 'http://[fe80::1]:8080/x?y#z');
    assert.equal(t.url.host, '[fe80::1]:8080');
    assert.equal(t.zone, 'eth0');
    assert.deepEqual(t.policy, { zone: 'eth0', registry });
    assert.equal(displayUrl(t), 'http://[fe80::1%25eth0]:8080/x?y');
    assert.equal(displayUrl(resolveTarget('http://u:p@printer.local/a#b', { registry })), 'http://printer.local/a');
  });
  test('numeric zone maps to the interface name; default port is left out of the host', () => {
    const t = resolveTarget('https://[fe80::1%253]/', { registry });
    assert.equal(t.zone, 'wlan0');
    assert.equal(t.url.host, '[fe80::1]');
  });
  test('typed form with a bare %', () => {
    assert.equal(resolveTarget('http://[fe80::1%eth0]/', { registry }).zone, 'eth0');
  });
  test('zone-less link-local: ERR_ZONE_REQUIRED, or the policy', () => {
    assert.throws(() => resolveTarget('http://[fe80::1]/', { registry }), code('ERR_ZONE_REQUIRED'));
    assert.equal(resolveTarget('http://[fe80::1]/', { registry, zone: 'eth0' }).zone, 'eth0');
    assert.deepEqual(resolveTarget('http://[fe80::1]/', { registry, zone: 'auto' }).zone, ['eth0', 'wlan0']);
    assert.equal(resolveTarget('http://[fe80::1]/', { registry, zone: 'auto', allowedInterfaces: ['wlan0'] }).zone, 'wlan0');
  });
  test('a URL zone wins over the zone option', () => {
    assert.equal(resolveTarget('http://[fe80::1%25wlan0]/', { registry, zone: 'auto' }).zone, 'wlan0');
  });
  test('allowed interfaces restrict URL zones (names or indexes)', () => {
    assert.throws(() => resolveTarget('http://[fe80::1%25eth0]/', { registry, allowedInterfaces: ['wlan0'] }), code('ERR_ZONE_NOT_ALLOWED'));
    assert.throws(() => resolveTarget('http://[fe80::1%252]/', { registry, allowedInterfaces: [3, 'nosuch'] }), code('ERR_ZONE_NOT_ALLOWED'));
    assert.equal(resolveTarget('http://[fe80::1%252]/', { registry, allowedInterfaces: ['eth0'] }).zone, 'eth0');
    assert.equal(resolveTarget('http://[fe80::1%25eth0]/', { registry, allowedInterfaces: [2] }).zone, 'eth0');
  });
  test('unknown and down interfaces', () => {
    assert.throws(() => resolveTarget('http://[fe80::1%25eth9]/', { registry }), code('ERR_UNKNOWN_INTERFACE'));
    assert.throws(() => resolveTarget('http://[fe80::1%25down0]/', { registry }), code('ERR_INTERFACE_DOWN'));
  });
  test('refused URLs: proxy-bypass shape, zones on global/loopback, other schemes, bare IPv6', () => {
    for (const url of [
      'http://[::1%25.example.com]/',
      'http://[::1%25.example.com]:80/',
      'http://[2001:db8::1%25eth0]/',
      'ftp://[fe80::1%25eth0]/',
      'file:///etc/passwd',
      'http://fe80::1%25eth0/',
      'http://[fe80::1%25eth0/',
      'not a url',
    ]) {
      assert.throws(() => resolveTarget(url, { registry }), code('ERR_INVALID_URL'), url);
    }
  });
  test('names and scope-free addresses carry the caller policy to the pool', () => {
    const t = resolveTarget('http://printer.local:8080/', { registry, zone: 'auto', allowedInterfaces: ['eth0'] });
    assert.equal(t.zone, undefined);
    assert.equal(t.url.host, 'printer.local:8080');
    assert.deepEqual(t.policy, { zone: 'auto', allowedInterfaces: ['eth0'], registry });
    const g = resolveTarget('http://[2001:db8::1]/', { registry, zone: 'eth0' });
    assert.equal(g.zone, undefined);
    assert.deepEqual(g.policy, { registry });
    assert.deepEqual(resolveTarget('http://[2001:db8::1]/', {}).policy, {}, 'no registry given: the dispatcher default');
  });
  test('allowed interfaces refuse every destination whose interface cannot be checked', () => {
    for (const url of [
      'http://127.0.0.1:8081/',
      'http://[::1]:8081/',
      'http://10.0.0.1/',
      'http://169.254.1.1/',
      'http://[2001:db8::1]/',
      'http://[fd00::1]/',
      'http://[::ffff:127.0.0.1]/',
    ]) {
      assert.throws(
        () => resolveTarget(url, { registry, allowedInterfaces: ['eth0'] }),
        (e: unknown) => code('ERR_ZONE_NOT_ALLOWED')(e) && /not a link-local address/.test((e as Error).message),
        url,
      );
      assert.equal(resolveTarget(url, { registry }).zone, undefined, `${url} without an allowed set`);
    }
  });
});

describe('allowedAddresses: what a host name may dial under allowedInterfaces', () => {
  const A = (t: string) => ScopedAddress.parse(t);
  const cases: { name: string; given: string[]; allowed?: (string | number)[]; want: string[] | 'ERR_ZONE_NOT_ALLOWED' }[] = [
    { name: 'no allowed set: every address', given: ['127.0.0.1', 'fe80::1%wlan0'], want: ['127.0.0.1', 'fe80::1%wlan0'] },
    { name: 'link-local on an allowed interface', given: ['fe80::1%eth0'], allowed: ['eth0'], want: ['fe80::1%eth0'] },
    { name: 'allowed by index', given: ['fe80::1%eth0', 'fe80::1%3'], allowed: [2], want: ['fe80::1%eth0'] },
    { name: 'the others are dropped', given: ['10.0.0.1', 'fe80::1%wlan0', '2001:db8::1', 'fe80::1%eth0'], allowed: ['eth0'], want: ['fe80::1%eth0'] },
    { name: 'loopback and IPv4', given: ['127.0.0.1', '::1'], allowed: ['eth0'], want: 'ERR_ZONE_NOT_ALLOWED' },
    { name: 'another interface', given: ['fe80::1%wlan0'], allowed: ['eth0'], want: 'ERR_ZONE_NOT_ALLOWED' },
    { name: 'IPv4 link-local (no zone possible)', given: ['169.254.1.1'], allowed: ['eth0'], want: 'ERR_ZONE_NOT_ALLOWED' },
    { name: 'nothing resolved: nothing to refuse', given: [], allowed: ['eth0'], want: [] },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const options = c.allowed === undefined ? { registry } : { registry, allowedInterfaces: c.allowed };
      const run = () => allowedAddresses('host.test', c.given.map(A), options).map((a) => a.toString());
      if (c.want === 'ERR_ZONE_NOT_ALLOWED') assert.throws(run, (e: unknown) => code(c.want as string)(e) && /host\.test/.test((e as Error).message));
      else assert.deepEqual(run(), c.want);
    });
  }
});

describe('redirect rules', () => {
  const from = resolveTarget('http://[fe80::1%25eth0]:8080/a/b', { registry });
  test('Location forms', () => {
    assert.equal(locationUrl('http://[fe80::2%25wlan0]/x', from), 'http://[fe80::2%25wlan0]/x');
    assert.equal(locationUrl('//[fe80::2%25wlan0]/x', from), 'http://[fe80::2%25wlan0]/x');
    assert.equal(locationUrl('c?d', from), 'http://[fe80::1]:8080/a/c?d');
    assert.equal(locationUrl('/root', from), 'http://[fe80::1]:8080/root');
  });
  test('a relative or zone-free link-local Location stays on the link the response came over', () => {
    assert.equal(inheritedZone(from, locationUrl('/root', from)), 'eth0');
    assert.equal(inheritedZone(from, 'http://[fe80::9]/'), 'eth0', 'another zone-free link-local literal');
    assert.equal(inheritedZone(from, 'http://[fe80::9%25wlan0]/'), undefined, 'a zoned Location names its own link');
    assert.equal(inheritedZone(from, 'http://printer.local/'), undefined, 'another name: the caller\'s own options');
    assert.equal(inheritedZone(from, 'http://192.0.2.1/'), undefined, 'a routed address');
    const named = resolveTarget('http://printer.local/', { registry });
    assert.equal(inheritedZone(named, 'http://printer.local/x'), undefined, 'a name: no zone without the arrival');
    assert.equal(inheritedZone(named, 'http://PRINTER.local/x', { interface: 'wlan0' }), 'wlan0', 'same host');
    assert.equal(inheritedZone(named, 'http://other.local/', { interface: 'wlan0' }), undefined, 'another host');
    assert.equal(inheritedZone(named, 'http://[fe80::5]/', { interface: 'wlan0' }), 'wlan0');
    const raced = resolveTarget('http://[fe80::1]/', { registry, zone: 'auto' });
    assert.equal(inheritedZone(raced, 'http://[fe80::1]/x', { interface: 'wlan0' }), 'wlan0', 'the race winner, not the list');
    assert.equal(inheritedZone(raced, 'http://[fe80::1]/x', { interface: undefined }), undefined);
    const next = resolveTarget(locationUrl('/root', from), { registry, zone: inheritedZone(from, locationUrl('/root', from)) as string });
    assert.equal(next.zone, 'eth0');
    assert.ok(sameOrigin(from, next));
    assert.ok(!sameOrigin(from, resolveTarget('http://[fe80::1%25wlan0]:8080/root', { registry })), 'the zone is part of the origin');
  });
  test('method changes and replayable bodies', () => {
    assert.ok(changesToGet(303, 'PUT'));
    assert.ok(changesToGet(302, 'POST'));
    assert.ok(!changesToGet(303, 'HEAD'));
    assert.ok(!changesToGet(307, 'POST'));
    assert.ok(!changesToGet(301, 'PUT'));
    assert.ok(isReplayable('x') && isReplayable(null) && isReplayable(new Uint8Array(1)) && isReplayable(new URLSearchParams()));
    assert.ok(!isReplayable(new ReadableStream()));
  });
});

test('http.Agent Host rewrite removes the zone only', () => {
  assert.equal(zoneFreeHost('[fe80::1%eth0]:8080'), '[fe80::1]:8080');
  assert.equal(zoneFreeHost('[fe80::1%25eth0]'), '[fe80::1]');
  assert.equal(zoneFreeHost('[fe80::1]:80'), '[fe80::1]:80');
  assert.equal(zoneFreeHost('printer.local'), 'printer.local');
});

test('Fe80Dispatcher: one pool per zone policy', async () => {
  const d = new Fe80Dispatcher({ registry });
  assert.equal(d.select({ zone: 'eth0' }), d.select({ zone: 'eth0' }));
  assert.notEqual(d.select({ zone: 'eth0' }), d.select({ zone: 'wlan0' }));
  assert.notEqual(d.select({ zone: 'eth0' }), d.select({}));
  assert.notEqual(d.select({ zone: 'auto' }), d.select({ zone: 'auto', allowedInterfaces: ['eth0'] }));
  assert.equal(d.select({ zone: 'eth0' }), d.select({ zone: 'eth0', registry }), 'the constructor registry is the default');
  assert.notEqual(d.select({ zone: 'eth0', registry }), d.select({ zone: 'eth0', registry: fakeRegistry([]) }), 'one pool per registry');
  await d.close();
});

test('fetch rejects bad options before any I/O', async () => {
  const { fetch } = await import('../../src/http/fetch.js');
  await assert.rejects(fetch('http://[fe80::1%25eth0]/', { timeout: -1 }), code('ERR_INVALID_ARGUMENT'));
  await assert.rejects(fetch('http://[fe80::1%25eth0]/', { maxRedirects: 1.5 }), code('ERR_INVALID_ARGUMENT'));
  await assert.rejects(fetch('http://[fe80::1%25eth0]/', { dispatcher: {} as never }), code('ERR_INVALID_ARGUMENT'));
  await assert.rejects(fetch('http://[::1%25.example.com]/'), code('ERR_INVALID_URL'));
  await assert.rejects(fetch('http://[fe80::1%25eth0]/', { zone: 'auto', allowedInterfaces: [], registry }), code('ERR_ZONE_NOT_ALLOWED'));
});
