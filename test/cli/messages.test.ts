// The CLI's words for library errors: advice a shell user can type, no JavaScript, no internal
// tags, and only interfaces that exist. Errors are made by the library itself (no hand-written
// messages), over fake interface tables.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Endpoint, parseUrl, ScopedAddress } from '../../src/addr/index.js';
import { Fe80Error } from '../../src/errors.js';
import { assertZoneName, type InterfaceRegistry } from '../../src/iface/index.js';
import { resolveZones } from '../../src/net/index.js';
import { zoneRequired } from '../../src/zone/index.js';
import { cliMessage, type MessageContext } from '../../src/cli/messages.js';
import { fakeRegistry, nic } from '../helpers/fake-registry.js';

const twoLinks = fakeRegistry([nic('lo', 1, true, ['::1'], true), nic('eth1', 2, true, ['fe80::a%eth1']), nic('wlan0', 3, true, ['fe80::b%wlan0']), nic('usb0', 4, false, [])]);
const none = fakeRegistry([nic('lo', 1, true, ['::1'], true), nic('enp3s0', 2, false, [])]);
const loOnly = fakeRegistry([nic('lo', 1, true, ['::1'], true)]);

/** JavaScript a shell user cannot type, and rule tags from notes outside the repository. */
const JS = /\{ ?\w+: |options\.|\b[A-Za-z]+\.[a-z]+\w*\(|\w\(\)|=>|ScopedAddress|Endpoint\.|parseUrl|addMembership|setMulticastInterface|UdpSocket/;
const TAGS = /\([A-Z]{1,2}-\d+\)|standards\.md|trials\.md|landscape/;

function caught(fn: () => unknown): Fe80Error {
  try {
    fn();
  } catch (error) {
    if (error instanceof Fe80Error) return error;
    throw error;
  }
  throw new Error('did not throw');
}

function clean(text: string, reg: InterfaceRegistry, typed = ''): void {
  assert.doesNotMatch(text, JS, text);
  assert.doesNotMatch(text, TAGS, text);
  // every interface-looking word after "--zone"/"--interface" or "%" exists, or was typed by the user
  const names = new Set([...reg.list().map((i) => i.name), ...typed.split(/[^\w.-]+/)]);
  for (const m of text.matchAll(/(?:--zone |--interface |%(?:25)?)([A-Za-z][\w.-]*)/g)) {
    if (m[1] === 'auto') continue;
    assert.ok(names.has(m[1] as string), `suggests ${m[1]}, which does not exist: ${text}`);
  }
}

describe('ERR_ZONE_REQUIRED in CLI words, in the form the user typed', () => {
  const address = ScopedAddress.parse('fe80::1');
  const cases: { ctx: MessageContext; reg: InterfaceRegistry; want: RegExp; not?: RegExp }[] = [
    { ctx: { command: 'connect', target: { kind: 'endpoint', text: '[fe80::1]:8080' } }, reg: twoLinks, want: /candidates \(up, with an IPv6 link-local address\): eth1, wlan0\. Pick one: '\[fe80::1%eth1\]:8080' or --zone eth1; or race them: --zone auto$/ },
    { ctx: { command: 'connect', target: { kind: 'hostport', host: 'fe80::1', port: '8080' } }, reg: twoLinks, want: /Pick one: fe80::1%eth1 8080 or --zone eth1/ },
    { ctx: { command: 'fetch', target: { kind: 'url', text: 'http://[fe80::1]:8080/status?x=1' } }, reg: twoLinks, want: /Pick one: 'http:\/\/\[fe80::1%25eth1\]:8080\/status\?x=1' or --zone eth1; or race them: --zone auto$/ },
    { ctx: { command: 'connect', target: { kind: 'hostport', host: 'fe80::1', port: '9' }, udp: true }, reg: twoLinks, want: /or --zone eth1$/, not: /auto/ },
    { ctx: { command: 'listen', target: { kind: 'bind', text: 'fe80::1', port: 80 } }, reg: twoLinks, want: /or --interface eth1$/, not: /--zone/ },
    { ctx: { command: 'connect', target: { kind: 'endpoint', text: '[fe80::1]:80' } }, reg: none, want: /no interface is up with an IPv6 link-local address \(have: lo, enp3s0 \(down\)\); bring one up \(ip link set dev enp3s0 up\)$/ },
    { ctx: { command: 'connect', target: { kind: 'endpoint', text: '[fe80::1]:80' } }, reg: loOnly, want: /\(have: lo\)$/, not: /eth0|bring/ },
  ];
  for (const c of cases) {
    test(`${c.ctx.command} ${JSON.stringify(c.ctx.target)}`, () => {
      const error = caught(() => resolveZones(address, { registry: c.reg }));
      assert.equal(error.code, 'ERR_ZONE_REQUIRED');
      const text = cliMessage(error, { ...c.ctx, registry: c.reg });
      assert.match(text, c.want);
      if (c.not) assert.doesNotMatch(text, c.not);
      clean(text, c.reg);
    });
  }

  test("the floor's own candidates (within the allowed set), not the registry read again", () => {
    const error = caught(() => resolveZones(address, { registry: twoLinks, allowedInterfaces: ['wlan0'] }));
    const text = cliMessage(error, { command: 'connect', target: { kind: 'endpoint', text: '[fe80::1]:80' }, registry: twoLinks });
    assert.match(text, /candidates \(up, with an IPv6 link-local address\): wlan0\. Pick one: '\[fe80::1%wlan0\]:80' or --zone wlan0$/);
  });

  test('every library form of the advice (connect, send, bind, join) becomes CLI words', () => {
    for (const operation of ['connect', 'fetch', 'send', 'bind', 'join', 'lookup', 'resolve'] as const) {
      clean(cliMessage(zoneRequired(address, twoLinks, { port: 8080, operation }), { command: 'connect', registry: twoLinks }), twoLinks);
      clean(cliMessage(zoneRequired(address, none, { port: 8080, operation }), { command: 'connect', registry: none }), none);
    }
  });
});

describe('other zone errors', () => {
  test('a typo of an interface gets the closest one that exists', () => {
    const error = caught(() => resolveZones(ScopedAddress.parse('fe80::1%eht1'), { registry: twoLinks }));
    const text = cliMessage(error, { command: 'connect', registry: twoLinks });
    assert.match(text, /interface "eht1" not found; did you mean eth1\? \(have: lo, eth1, wlan0, usb0\)/);
    clean(text, twoLinks, 'fe80::1%eht1');
  });

  test('a down interface: bring it up, or one that is up', () => {
    const error = caught(() => resolveZones(ScopedAddress.parse('fe80::1%usb0'), { registry: twoLinks }));
    assert.equal(error.code, 'ERR_INTERFACE_DOWN');
    const text = cliMessage(error, { command: 'connect', registry: twoLinks });
    assert.match(text, /bring it up \(ip link set dev usb0 up\) or pick another: --zone eth1$/);
    clean(text, twoLinks);
  });

  test('two different zones: names --zone, not options.zone', () => {
    const error = caught(() => resolveZones(ScopedAddress.parse('fe80::1%eth1'), { registry: twoLinks, zone: 'wlan0' }));
    const text = cliMessage(error, { command: 'connect', registry: twoLinks });
    assert.match(text, /in --zone/);
    clean(text, twoLinks);
  });

  test('a zone on a site-local multicast address: no socket calls, the hint not twice', () => {
    const error = caught(() => resolveZones(ScopedAddress.parse('ff05::1%eth1'), { registry: twoLinks }));
    assert.equal(error.code, 'ERR_ZONE_NOT_ALLOWED');
    const text = cliMessage(error, { command: 'connect', registry: twoLinks });
    assert.match(text, /follows the routing table, not necessarily "eth1"$/);
    clean(text, twoLinks);
  });

  test('zone name rules: no (L-1) tags', () => {
    for (const bad of ['a/b', 'a:b', '..', 'a b']) {
      const text = cliMessage(caught(() => assertZoneName(bad)), { command: 'connect', registry: twoLinks });
      clean(text, twoLinks);
    }
  });
});

describe('parse errors: no parser names, hints with real interfaces', () => {
  const inputs: [string, () => unknown][] = [
    ['address', () => ScopedAddress.parse('fe80::1%')],
    ['address', () => ScopedAddress.parse('1::2::3')],
    ['endpoint', () => Endpoint.parse('fe80::1%eth0:8080')],
    ['url', () => parseUrl('http://fe80::1%eth0/')],
    ['url', () => parseUrl('http://[::1%25.example.com]/')],
  ];
  for (const [what, fn] of inputs) {
    test(String(fn).slice(6, 60), () => {
      const error = caught(fn);
      const text = cliMessage(error, { command: 'parse', registry: twoLinks });
      assert.match(text, new RegExp(`^invalid ${what === 'url' ? 'URL' : what}`));
      clean(text, twoLinks, error.input);
    });
  }

  test('property: no input makes the parsers say something a shell user cannot use', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), fc.constantFrom('address', 'endpoint', 'url'), (input, kind) => {
        const parse = kind === 'address' ? () => ScopedAddress.parse(input) : kind === 'endpoint' ? () => Endpoint.parse(input) : () => parseUrl(`http://${input}`);
        let error: Fe80Error;
        try {
          parse();
          return;
        } catch (e) {
          if (!(e instanceof Fe80Error)) throw e;
          error = e;
        }
        // the user's own input, quoted, may hold anything
        const text = cliMessage(error, { command: 'parse', registry: twoLinks }).replace(/"(?:[^"\\]|\\.)*"/g, '""').split(input).join('');
        assert.doesNotMatch(text, JS, text);
        assert.doesNotMatch(text, TAGS, text);
      }),
      { seed: 7, numRuns: 3000 },
    );
  });
});
