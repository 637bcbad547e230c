// Endpoint: `[addr%zone]:port` and `a.b.c.d:port` (RFC 5952 §6, research/standards.md §9.2).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Fe80Error, isFe80Error } from '../../src/errors.js';
import { Endpoint, ScopedAddress } from '../../src/addr/index.js';

const VALID: [input: string, str: string, port: number, zone?: string][] = [
  ['[fe80::1%eth0]:8080', '[fe80::1%eth0]:8080', 8080, 'eth0'],
  ['[FE80::0001%Eth0]:80', '[fe80::1%Eth0]:80', 80, 'Eth0'],
  ['[fe80::1%25eth0]:8080', '[fe80::1%25eth0]:8080', 8080, '25eth0'], // RFC 4007: literal, with a hint
  ['[2001:db8::1]:443', '[2001:db8::1]:443', 443],
  ['[::1]:0', '[::1]:0', 0], // port 0 parses; connect refuses it
  ['[::]:65535', '[::]:65535', 65535],
  ['[::1]:0080', '[::1]:80', 80], // leading zeros accepted, as Go's ParseAddrPort
  ['[::ffff:192.0.2.1]:80', '[::ffff:192.0.2.1]:80', 80],
  ['[fe80::1%eth0:1]:80', '[fe80::1%eth0:1]:80', 80, 'eth0:1'], // ':' is valid zone syntax
  ['192.0.2.1:80', '192.0.2.1:80', 80],
  ['0.0.0.0:1', '0.0.0.0:1', 1],
];

const INVALID: [input: string, reason: string, code: string, position?: number | undefined, hint?: RegExp][] = [
  ['fe80::1%eth0:8080', 'a port needs brackets', 'ERR_INVALID_ENDPOINT', 0, /\[fe80::1%eth0\]:8080/],
  ['::1:80', 'ambiguous without brackets', 'ERR_INVALID_ENDPOINT', 0, /\[::1\]:80/],
  ['fe80::1', 'no port (and no brackets)', 'ERR_INVALID_PORT', undefined, /\[fe80::1\]:PORT/],
  ['[fe80::1]%eth0:8080', 'zone outside the brackets', 'ERR_INVALID_ENDPOINT', 9],
  ['[fe80::1%eth0', "no ']'", 'ERR_INVALID_ENDPOINT'],
  ['[[fe80::1%eth0]]:80', 'double brackets', 'ERR_INVALID_ADDRESS', 1],
  ['[fe80::1%eth0]', 'no port', 'ERR_INVALID_PORT', 14],
  ['[fe80::1%eth0]:', 'empty port', 'ERR_INVALID_PORT', 15],
  ['[fe80::1%eth0]:65536', 'port > 65535', 'ERR_INVALID_PORT', 15],
  ['[fe80::1%eth0]:-1', 'signed port', 'ERR_INVALID_PORT', 15],
  ['[fe80::1%eth0]:+1', 'signed port', 'ERR_INVALID_PORT', 15],
  ['[fe80::1%eth0]:8o80', 'not decimal', 'ERR_INVALID_PORT', 16],
  ['[fe80::1%eth0]:000080', 'more than 5 digits', 'ERR_INVALID_PORT', 15],
  ['[fe80::1%eth0]: 80', 'space', 'ERR_INVALID_PORT'],
  ['[fe80::1%eth0]:80 ', 'trailing space', 'ERR_INVALID_PORT'],
  ['[fe80::1%]:80', 'empty zone', 'ERR_INVALID_ZONE', 8],
  ['[fe80::1%a b]:80', 'space in zone', 'ERR_INVALID_ZONE', 10],
  ['[1.2.3.4]:80', 'brackets around IPv4', 'ERR_INVALID_ENDPOINT', 0],
  ['[fe80::g]:80', 'bad address', 'ERR_INVALID_ADDRESS', 7],
  ['1.2.3.4', 'no port', 'ERR_INVALID_PORT'],
  ['1.2.3.4:', 'empty port', 'ERR_INVALID_PORT', 8],
  ['1.2.3.4%eth0:80', 'IPv4 with a zone', 'ERR_INVALID_ZONE', 7],
  ['1.2.3:80', 'short IPv4', 'ERR_INVALID_ADDRESS'],
  ['host:80', 'a name', 'ERR_INVALID_ADDRESS', 0],
  ['', 'empty', 'ERR_INVALID_ENDPOINT', 0],
];

describe('Endpoint.parse: valid', () => {
  for (const [input, str, port, zone] of VALID) {
    test(input, () => {
      const e = Endpoint.parse(input);
      assert.equal(e.toString(), str);
      assert.equal(e.toJSON(), str);
      assert.equal(e.port, port);
      assert.equal(e.zone, zone);
      assert.equal(e.address.zone, zone);
      assert.ok(Endpoint.parse(str).equals(e));
      assert.ok(Endpoint.tryParse(input)?.equals(e));
    });
  }
  test('the %25 hint survives', () => {
    assert.match(Endpoint.parse('[fe80::1%25eth0]:8080').address.hint ?? '', /URL-encoded/);
  });
});

describe('Endpoint.parse: invalid', () => {
  for (const [input, reason, code, position, hint] of INVALID) {
    test(`${JSON.stringify(input)}: ${reason}`, () => {
      assert.throws(
        () => Endpoint.parse(input),
        (e: unknown) => {
          assert.ok(e instanceof Fe80Error);
          assert.equal(e.code, code, e.message);
          assert.equal(e.input, input);
          if (position !== undefined) assert.equal(e.position, position, e.message);
          if (hint !== undefined) assert.match(e.hint ?? '', hint);
          assert.ok(e.message.startsWith(`Endpoint.parse(${JSON.stringify(input)}): `), e.message);
          return true;
        },
      );
      assert.equal(Endpoint.tryParse(input), undefined);
    });
  }
});

describe('Endpoint values', () => {
  test('from, withPort, withZone, equals, compare', () => {
    const e = Endpoint.from('fe80::1%eth0', 80);
    assert.equal(e.toString(), '[fe80::1%eth0]:80');
    assert.equal(Endpoint.from(ScopedAddress.parse('192.0.2.1'), 443).toString(), '192.0.2.1:443');
    assert.equal(e.withPort(8080).toString(), '[fe80::1%eth0]:8080');
    assert.equal(e.withPort(80), e);
    assert.equal(e.withZone('wlan0').toString(), '[fe80::1%wlan0]:80');
    assert.equal(e.withZone(undefined).toString(), '[fe80::1]:80');
    assert.ok(!e.equals(e.withZone('wlan0')));
    assert.ok(e.equals(Endpoint.parse('[fe80::0:1%eth0]:80')));
    for (const bad of [-1, 65536, 1.5, Number.NaN]) {
      assert.throws(() => Endpoint.from('::1', bad), (x: unknown) => isFe80Error(x, 'ERR_INVALID_PORT'));
      assert.throws(() => e.withPort(bad), (x: unknown) => isFe80Error(x, 'ERR_INVALID_PORT'));
    }
    const sorted = ['[fe80::1%eth0]:80', '[fe80::1]:81', '[fe80::1]:80', '10.0.0.1:1', '[::1]:5']
      .map((s) => Endpoint.parse(s))
      .sort((a, b) => a.compare(b))
      .map(String);
    assert.deepEqual(sorted, ['10.0.0.1:1', '[::1]:5', '[fe80::1]:80', '[fe80::1]:81', '[fe80::1%eth0]:80']);
  });

  test('immutable; the address it hands out is the same object each time', () => {
    const e = Endpoint.parse('[fe80::1%eth0]:80');
    assert.throws(() => {
      (e as unknown as { port: number }).port = 1;
    }, TypeError);
    assert.equal(e.address, e.address);
    assert.throws(() => new (Endpoint as unknown as new () => unknown)());
  });
});
