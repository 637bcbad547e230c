// Pure parts of src/http: URL -> zone-free target, zone policy + allowed interfaces, redirect
// rules, the Host rewrite of the http.Agent, pool selection. No sockets (a fake interface registry).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { InterfaceRegistry } from '../../src/iface/index.js';
import type { RawInterface } from '../../src/iface/types.js';
import { resolveTarget, displayUrl, zoneKey } from '../../src/http/target.js';
import { changesToGet, inheritedZone, isReplayable, locationUrl, sameOrigin } from '../../src/http/redirect.js';
import { zoneFreeHost } from '../../src/http/agent.js';
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

describe('resolveTarget: the URL, the pinned zone and the pool policy (no interface-table access)', () => {
  test('RFC 6874 form: zone-free URL, zone as written, Host without zone', () => {
    const t = resolveTarget('http://[fe80::1%25eth0]:8080/x?y#z', { registry });
    assert.equal(t.url.href, 'http://[fe80::1]:8080/x?y#z');
    assert.equal(t.url.host, '[fe80::1]:8080');
    assert.equal(t.zone, 'eth0');
    assert.deepEqual(t.policy, { zone: 'eth0', registry });
    assert.equal(displayUrl(t), 'http://[fe80::1%25eth0]:8080/x?y');
    assert.equal(displayUrl(resolveTarget('http://u:p@printer.local/a#b', { registry })), 'http://printer.local/a');
    assert.equal(displayUrl(resolveTarget('http://printer.local/a', { registry, zone: 'eth0' })), 'http://printer.local/a', 'no zone on a name');
  });
  test('a numeric zone stays as written; the default port is left out of the host', () => {
    const t = resolveTarget('https://[fe80::1%253]/', { registry });
    assert.equal(t.zone, '3');
    assert.equal(t.url.host, '[fe80::1]');
  });
  test('a zone written as "auto" is the interface of that name, never the racing keyword', () => {
    const withAuto = fakeRegistry([nic('eth0', 2, 'fe80::a'), nic('auto', 7, 'fe80::7')]);
    const t = resolveTarget('http://[fe80::1%25auto]/', { registry: withAuto, zone: 'eth0' });
    assert.equal(t.zone, 'auto', 'pinned, shown by name');
    assert.deepEqual(t.policy, { zone: 7, registry: withAuto }, 'carried as its index: the zone option reads "auto" as racing');
    assert.equal(displayUrl(t), 'http://[fe80::1%25auto]/');
    // no interface named "auto": the error a connect to [fe80::1%auto]:80 gives, not a race
    assert.throws(() => resolveTarget('http://[fe80::1%25auto]/', { registry }), { code: 'ERR_UNKNOWN_INTERFACE', message: /interface "auto" not found/ });
    assert.deepEqual(resolveTarget('http://[fe80::1]/', { registry, zone: 'auto' }).policy, { zone: 'auto', registry }, 'the option keeps its keyword');
  });
  test('pool keys keep index 3 and an interface named "3" apart', () => {
    assert.notEqual(zoneKey(3), zoneKey('3'));
    assert.equal(zoneKey(undefined), '');
    assert.notEqual(zoneKey(['eth0', 'wlan0']), zoneKey('eth0,wlan0'));
  });
  test('typed form with a bare %', () => {
    assert.equal(resolveTarget('http://[fe80::1%eth0]/', { registry }).zone, 'eth0');
  });
  test('zone-less link-local: the zone option goes to the pool; racing pins nothing', () => {
    assert.deepEqual(resolveTarget('http://[fe80::1]/', { registry }).policy, { registry });
    assert.equal(resolveTarget('http://[fe80::1]/', { registry, zone: 'eth0' }).zone, 'eth0');
    assert.equal(resolveTarget('http://[fe80::1]/', { registry, zone: 2 }).zone, '2');
    const raced = resolveTarget('http://[fe80::1]/', { registry, zone: 'auto', allowedInterfaces: ['wlan0'] });
    assert.equal(raced.zone, undefined);
    assert.deepEqual(raced.policy, { zone: 'auto', allowedInterfaces: ['wlan0'], registry });
  });
  test('a URL zone wins over the zone option', () => {
    assert.equal(resolveTarget('http://[fe80::1%25wlan0]/', { registry, zone: 'auto' }).zone, 'wlan0');
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
});

describe('fetch: the zone floor decides at the dial, before any socket', () => {
  const cases: [string, Record<string, unknown>, string, RegExp?][] = [
    ['http://[fe80::1]/', {}, 'ERR_ZONE_REQUIRED', /http:\/\/\[fe80::1%25eth0\]\/.*zone: 'eth0'/],
    ['http://[fe80::1%25eth9]/', {}, 'ERR_UNKNOWN_INTERFACE'],
    ['http://[fe80::1%25down0]/', {}, 'ERR_INTERFACE_DOWN'],
    ['http://[fe80::1%25eth0]/', { allowedInterfaces: ['wlan0'] }, 'ERR_ZONE_NOT_ALLOWED'],
    ['http://[fe80::1%252]/', { allowedInterfaces: [3, 'nosuch'] }, 'ERR_ZONE_NOT_ALLOWED'],
    ['http://[fe80::1]/', { zone: 'auto', allowedInterfaces: [] }, 'ERR_ZONE_REQUIRED'],
    ...['http://127.0.0.1:8081/', 'http://[::1]:8081/', 'http://10.0.0.1/', 'http://169.254.1.1/', 'http://[2001:db8::1]/', 'http://[fd00::1]/', 'http://[::ffff:127.0.0.1]/'].map(
      (url): [string, Record<string, unknown>, string, RegExp] => [url, { allowedInterfaces: ['eth0'] }, 'ERR_ZONE_NOT_ALLOWED', /not a link-local address/],
    ),
  ];
  for (const [url, options, expected, message] of cases) {
    test(`${url} ${JSON.stringify(options)}: ${expected}`, async () => {
      const { fetch } = await import('../../src/http/fetch.js');
      await assert.rejects(fetch(url, { registry, ...options }), (e: { code?: string; message: string }) => {
        assert.equal(e.code, expected, e.message);
        if (message) assert.match(e.message, message);
        return true;
      });
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
    assert.equal(inheritedZone(raced, 'http://[fe80::1]/x', { interface: 'wlan0' }), 'wlan0', 'the race winner, not auto');
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
});
