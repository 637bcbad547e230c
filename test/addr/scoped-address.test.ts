// ScopedAddress: table-driven cases from RFC 4291 §2.2, RFC 5952 §4-5, RFC 4007 §11 and
// research/standards.md §9.1, compared with the reference parser; predicates; values.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Fe80Error, isFe80Error } from '../../src/errors.js';
import { isValidZoneSyntax, ScopedAddress, type Scope } from '../../src/addr/index.js';
import { referenceFormat, referenceParse } from './reference-parser.js';

interface Valid {
  in: string;
  /** toString(): canonical address + %zone */
  str: string;
  family?: 4 | 6;
  zone?: string;
  scope?: Scope;
  hint?: RegExp;
}

const VALID: Valid[] = [
  // standards.md §9.1
  { in: 'fe80::1%eth0', str: 'fe80::1%eth0', zone: 'eth0', scope: 'link-local' },
  { in: 'fe80::1%3', str: 'fe80::1%3', zone: '3' },
  { in: 'FE80::0001%Eth0', str: 'fe80::1%Eth0', zone: 'Eth0' },
  { in: 'FE80:0000:0000:0000:0000:0000:0000:0001%eth0', str: 'fe80::1%eth0' },
  { in: 'fe80:0:0:0:1:0:0:1%eth0', str: 'fe80::1:0:0:1%eth0' },
  { in: 'fe80::1%0', str: 'fe80::1%0', zone: '0' },
  { in: 'fe80::1%01', str: 'fe80::1%01', zone: '01' },
  { in: 'fe80::1%4294967295', str: 'fe80::1%4294967295' },
  { in: 'fe80::1%4294967296', str: 'fe80::1%4294967296' }, // syntax only; the registry rejects
  { in: 'fe80::1%2abc', str: 'fe80::1%2abc' },
  { in: 'fe80::1%+2', str: 'fe80::1%+2' },
  { in: 'fe80::1%٣', str: 'fe80::1%٣' },
  { in: 'fe80::1%eth0.100', str: 'fe80::1%eth0.100' },
  { in: 'fe80::1%br-1a2b3c4d5e6f', str: 'fe80::1%br-1a2b3c4d5e6f' },
  { in: 'fe80::1%enx525400d5e0fb', str: 'fe80::1%enx525400d5e0fb' },
  { in: 'fe80::1%abcdefghijklmnop', str: 'fe80::1%abcdefghijklmnop' }, // 16 bytes: registry's job
  { in: 'fe80::1%wlan+0', str: 'fe80::1%wlan+0' },
  { in: 'fe80::1%eth_0', str: 'fe80::1%eth_0' },
  { in: 'fe80::1%.', str: 'fe80::1%.' }, // not a Linux name, but valid RFC 4007 syntax
  { in: 'fe80::1%..', str: 'fe80::1%..' },
  { in: 'fe80::1%eth:0', str: 'fe80::1%eth:0', hint: /contains ':'/ },
  { in: '2001:db8::1%eth0', str: '2001:db8::1%eth0', scope: 'global' }, // sockets refuse it
  { in: '2001:db8::1%2', str: '2001:db8::1%2' },
  { in: 'fd00::1%eth0', str: 'fd00::1%eth0', scope: 'global' },
  { in: '::1%lo', str: '::1%lo', scope: 'loopback' },
  { in: '::1%1', str: '::1%1' },
  { in: '::%eth0', str: '::%eth0', scope: 'unspecified' },
  { in: '::ffff:192.0.2.1%eth0', str: '::ffff:192.0.2.1%eth0', zone: 'eth0' }, // as Go, Python, ipaddr.js
  { in: 'ff02::1%eth0', str: 'ff02::1%eth0', scope: 'link-local' },
  { in: 'ff02::fb%eth0', str: 'ff02::fb%eth0', scope: 'link-local' },
  { in: 'ff12::1%eth0', str: 'ff12::1%eth0', scope: 'link-local' },
  { in: 'ff01::1%eth0', str: 'ff01::1%eth0', scope: 'interface-local' },
  { in: 'ff05::2%1', str: 'ff05::2%1', scope: 'site-local' },
  { in: 'ff0e::1%eth0', str: 'ff0e::1%eth0', scope: 'global' },
  { in: 'ff00::1', str: 'ff00::1', scope: 'reserved' },
  { in: 'ff0f::1', str: 'ff0f::1', scope: 'reserved' },
  { in: 'febf::1%eth0', str: 'febf::1%eth0', scope: 'link-local' },
  { in: 'fec0::1%1', str: 'fec0::1%1', scope: 'site-local' },
  { in: 'fe80:0:0:1::1%eth0', str: 'fe80:0:0:1::1%eth0', scope: 'link-local' },
  { in: 'fe80::1.2.3.4%eth0', str: 'fe80::102:304%eth0' },
  { in: 'fe80::1%25eth0', str: 'fe80::1%25eth0', zone: '25eth0', hint: /looks URL-encoded.*fe80::1%eth0/ },
  { in: 'fe80::1%251', str: 'fe80::1%251' }, // numeric: a plausible index, no hint
  { in: 'fe80::1%eth0:8080', str: 'fe80::1%eth0:8080', hint: /\[fe80::1%eth0\]:8080/ },
  // RFC 4291 §2.2 forms
  { in: '2001:DB8:0:0:8:800:200C:417A', str: '2001:db8::8:800:200c:417a' },
  { in: '2001:0DB8:0000:0000:0008:0800:200C:417A', str: '2001:db8::8:800:200c:417a' },
  { in: 'FF01:0:0:0:0:0:0:101', str: 'ff01::101' },
  { in: '0:0:0:0:0:0:0:1', str: '::1' },
  { in: '0:0:0:0:0:0:0:0', str: '::' },
  { in: '::', str: '::', scope: 'unspecified' },
  { in: '::1', str: '::1', scope: 'loopback' },
  { in: '1::', str: '1::' },
  { in: '::13.1.68.3', str: '::d01:4403' },
  { in: '0:0:0:0:0:0:13.1.68.3', str: '::d01:4403' },
  { in: '::FFFF:129.144.52.38', str: '::ffff:129.144.52.38', family: 6 },
  { in: '0:0:0:0:0:FFFF:129.144.52.38', str: '::ffff:129.144.52.38' },
  { in: '1:2:3:4:5:6:1.2.3.4', str: '1:2:3:4:5:6:102:304' },
  { in: '1::1.2.3.4', str: '1::102:304' },
  { in: '1:2:3:4:5:6:7::', str: '1:2:3:4:5:6:7:0' }, // '::' for one group on input is fine
  { in: '::2:3:4:5:6:7:8', str: '0:2:3:4:5:6:7:8' },
  // almost canonical inputs (the parser keeps only canonical text, RFC 5952 §4-5)
  { in: '1::02:3:4:5:6:7', str: '1:0:2:3:4:5:6:7' },
  { in: '1:0::2', str: '1::2' },
  { in: '1::0:2', str: '1::2' },
  { in: '1:0:0:2::3', str: '1:0:0:2::3' },
  { in: '1::2:0:0:0:3', str: '1:0:0:2::3' },
  { in: '1::2:0:0:3', str: '1::2:0:0:3' },
  { in: '1:0:0:2:0:0:3:4', str: '1::2:0:0:3:4' },
  { in: '0::ffff:1.2.3.4', str: '::ffff:1.2.3.4' },
  { in: '::0:ffff:1.2.3.4', str: '::ffff:1.2.3.4' },
  { in: '::ffff:102:304', str: '::ffff:1.2.3.4' },
  { in: '::FFFF:1.2.3.4', str: '::ffff:1.2.3.4' },
  { in: '::ffff:0102:304', str: '::ffff:1.2.3.4' },
  { in: 'fe80::aB', str: 'fe80::ab' },
  { in: 'fe80::00', str: 'fe80::' },
  { in: 'fe80::0%eth0', str: 'fe80::%eth0' },
  { in: '::1:0', str: '::1:0' },
  { in: '1:2:3::5:6:7:8', str: '1:2:3:0:5:6:7:8' },
  // RFC 5952 §4
  { in: '2001:0db8::0001', str: '2001:db8::1' },
  { in: '2001:db8:0:0:0:0:2:1', str: '2001:db8::2:1' },
  { in: '2001:db8:0:1:1:1:1:1', str: '2001:db8:0:1:1:1:1:1' },
  { in: '2001:db8:0:0:1:0:0:1', str: '2001:db8::1:0:0:1' },
  { in: '2001:0:0:1:0:0:0:1', str: '2001:0:0:1::1' },
  { in: '2001:db8::aaaa:0:0:1', str: '2001:db8::aaaa:0:0:1' },
  { in: '2001:DB8::ABCD', str: '2001:db8::abcd' },
  { in: '0:0:1:0:0:0:0:0', str: '0:0:1::' },
  { in: '::ffff:0.0.0.0', str: '::ffff:0.0.0.0' },
  // IPv4
  { in: '192.0.2.1', str: '192.0.2.1', family: 4, scope: 'global' },
  { in: '0.0.0.0', str: '0.0.0.0', family: 4, scope: 'unspecified' },
  { in: '255.255.255.255', str: '255.255.255.255', family: 4 },
  { in: '127.0.0.1', str: '127.0.0.1', family: 4, scope: 'loopback' },
  { in: '169.254.1.1', str: '169.254.1.1', family: 4, scope: 'link-local' },
  { in: '224.0.0.251', str: '224.0.0.251', family: 4, scope: 'link-local' },
  { in: '10.0.0.0', str: '10.0.0.0', family: 4 },
];

/** Invalid inputs, each with a reason, the code and (for some) the position. */
const INVALID: [input: string, reason: string, code: 'ERR_INVALID_ADDRESS' | 'ERR_INVALID_ZONE', position?: number][] = [
  ['', 'empty', 'ERR_INVALID_ADDRESS', 0],
  ['fe80::1%', 'empty zone (RFC 4007 §11.2 "non-null")', 'ERR_INVALID_ZONE', 7],
  ['%eth0', 'no address', 'ERR_INVALID_ADDRESS', 0],
  ['%', 'no address', 'ERR_INVALID_ADDRESS', 0],
  ['fe80::1%%eth0', "zone contains the '%' delimiter", 'ERR_INVALID_ZONE', 8],
  ['fe80::1%eth%0', "zone contains '%'", 'ERR_INVALID_ZONE', 11],
  ['fe80::1%eth0%1', "zone contains '%'", 'ERR_INVALID_ZONE', 12],
  ['fe80::1% 2', 'zone contains a space', 'ERR_INVALID_ZONE', 8],
  ['fe80::1%eth/0', "zone contains '/'", 'ERR_INVALID_ZONE', 11],
  ['fe80::1%eth0\n', 'zone contains a newline', 'ERR_INVALID_ZONE', 12],
  ['fe80::1%eth0\u0000x', 'zone contains NUL (RFC 9844 §6)', 'ERR_INVALID_ZONE', 12],
  ['fe80::1%a\u00a0b', 'zone contains U+00A0', 'ERR_INVALID_ZONE', 9],
  ['fe80::1%a\tb', 'zone contains a tab', 'ERR_INVALID_ZONE'],
  ['fe80::1%a[b', "zone contains '['", 'ERR_INVALID_ZONE'],
  ['fe80::1%a]b', "zone contains ']'", 'ERR_INVALID_ZONE'],
  ['1::2::3%eth0', "two '::'", 'ERR_INVALID_ADDRESS', 4],
  ['fe80:::1%eth0', "':::'", 'ERR_INVALID_ADDRESS'],
  ['fe80::12345%eth0', '5-digit field', 'ERR_INVALID_ADDRESS', 6],
  ['::12345', '5-digit field', 'ERR_INVALID_ADDRESS', 2],
  ['fe80::g%eth0', 'not hex', 'ERR_INVALID_ADDRESS', 6],
  ['1:2:3:4:5:6:7', '7 fields without ::', 'ERR_INVALID_ADDRESS'],
  ['1:2:3:4:5:6:7:8:9', '9 fields', 'ERR_INVALID_ADDRESS'],
  ['1:2:3:4:5:6:7:8::', ':: with 8 fields', 'ERR_INVALID_ADDRESS'],
  ['1:2:3:4::5:6:7:8', ':: standing for no field', 'ERR_INVALID_ADDRESS'],
  [':1:2:3:4:5:6:7', 'leading single colon', 'ERR_INVALID_ADDRESS', 0],
  ['1:2:3:4:5:6:7:', 'trailing single colon', 'ERR_INVALID_ADDRESS'],
  ['1:2:3:4:5:6:7:%eth0', 'trailing colon before the zone', 'ERR_INVALID_ADDRESS'],
  [':::', 'three colons', 'ERR_INVALID_ADDRESS'],
  ['::1.2.3.4:5', 'embedded IPv4 not last', 'ERR_INVALID_ADDRESS'],
  ['1:2:3:4:5:6:7:1.2.3.4', 'embedded IPv4 makes 9 fields', 'ERR_INVALID_ADDRESS'],
  ['::1.2.3', 'embedded IPv4 too short', 'ERR_INVALID_ADDRESS'],
  ['::1.2.3.4.5', 'embedded IPv4 too long', 'ERR_INVALID_ADDRESS'],
  ['::1.2.3.256', 'embedded octet > 255', 'ERR_INVALID_ADDRESS'],
  ['1.2.3.4::', 'IPv4 before ::', 'ERR_INVALID_ADDRESS'],
  ['1.2.3.4%eth0', 'IPv4 with a zone (zones are IPv6-only)', 'ERR_INVALID_ZONE', 7],
  ['01.2.3.4', 'leading zero (octal?)', 'ERR_INVALID_ADDRESS', 0],
  ['1.2.3.04', 'leading zero', 'ERR_INVALID_ADDRESS', 6],
  ['1.2.3.256', 'octet > 255', 'ERR_INVALID_ADDRESS', 6],
  ['1.2.3.1000', '4-digit octet', 'ERR_INVALID_ADDRESS'],
  ['1.2.3', '3 octets', 'ERR_INVALID_ADDRESS'],
  ['1.2.3.4.5', '5 octets', 'ERR_INVALID_ADDRESS'],
  ['1..2.3', 'empty octet', 'ERR_INVALID_ADDRESS'],
  ['0x1.2.3.4', 'hex octet', 'ERR_INVALID_ADDRESS'],
  ['1.2.3.4 ', 'trailing space', 'ERR_INVALID_ADDRESS'],
  [' ::1', 'leading space', 'ERR_INVALID_ADDRESS', 0],
  ['::1 ', 'trailing space', 'ERR_INVALID_ADDRESS', 3],
  ['[::1]', 'brackets belong to endpoints', 'ERR_INVALID_ADDRESS', 0],
  ['[fe80::1%eth0]:80', 'an endpoint', 'ERR_INVALID_ADDRESS', 0],
  ['192.0.2.1:80', 'an IPv4 endpoint', 'ERR_INVALID_ADDRESS'],
  ['fe80::1-eth0', "RFC 9844 '-' delimiter is not accepted here", 'ERR_INVALID_ADDRESS'],
  ['fe80::/64', 'a prefix', 'ERR_INVALID_ADDRESS'],
  ['fe80::%2/64', 'a prefix (the zone contains /)', 'ERR_INVALID_ZONE'],
  ['１::1', 'fullwidth digit', 'ERR_INVALID_ADDRESS', 0],
  ['fe80::٣', 'Arabic-Indic digit in the address', 'ERR_INVALID_ADDRESS'],
  ['localhost', 'a name', 'ERR_INVALID_ADDRESS'],
];

describe('ScopedAddress.parse: valid', () => {
  for (const row of VALID) {
    test(row.in, () => {
      const a = ScopedAddress.parse(row.in);
      assert.equal(a.toString(), row.str);
      assert.equal(a.toJSON(), row.str);
      assert.equal(JSON.stringify({ a }), JSON.stringify({ a: row.str }));
      assert.equal(a.family, row.family ?? (row.in.includes(':') ? 6 : 4));
      const pct = row.in.indexOf('%');
      assert.equal(a.zone, row.zone ?? (pct < 0 ? undefined : row.in.slice(pct + 1)));
      if (row.scope !== undefined) assert.equal(a.scope(), row.scope);
      if (row.hint !== undefined) assert.match(a.hint ?? '', row.hint);
      else assert.equal(a.hint, undefined);
      // pure, round trip, agrees with the reference parser and formatter
      assert.ok(ScopedAddress.parse(row.in).equals(a));
      assert.ok(ScopedAddress.parse(a.toString()).equals(a));
      const ref = referenceParse(row.in);
      assert.ok(ref, 'reference parser accepts it');
      assert.deepEqual(a.toHextets(), ref.hextets);
      assert.equal(a.family, ref.family);
      assert.equal(a.zone, ref.zone);
      assert.equal(referenceFormat(ref), row.str);
      assert.equal(a.address, row.str.split('%')[0]);
    });
  }
});

describe('ScopedAddress.parse: invalid', () => {
  for (const [input, reason, code, position] of INVALID) {
    test(`${JSON.stringify(input)}: ${reason}`, () => {
      assert.throws(
        () => ScopedAddress.parse(input),
        (e: unknown) => {
          assert.ok(e instanceof Fe80Error, 'an Fe80Error');
          assert.equal(e.code, code);
          assert.equal(e.input, input);
          assert.equal(typeof e.position, 'number');
          if (position !== undefined) assert.equal(e.position, position);
          assert.ok(e.message.startsWith(`ScopedAddress.parse(${JSON.stringify(input)}): `), e.message);
          return true;
        },
      );
      assert.equal(ScopedAddress.tryParse(input), undefined);
      assert.equal(referenceParse(input), undefined, 'the reference parser rejects it too');
    });
  }

  test('messages follow netip', () => {
    const message = (s: string) => {
      try {
        ScopedAddress.parse(s);
      } catch (e) {
        return (e as Error).message;
      }
      return '';
    };
    assert.equal(message('fe80::1%'), 'ScopedAddress.parse("fe80::1%"): zone must be a non-empty string (at "%")');
    assert.equal(message('1::2::3'), `ScopedAddress.parse("1::2::3"): multiple '::' in address (at "::3")`);
    assert.match(message('fe80::1%eth\u00000'), /zone must not contain NUL/);
    assert.match(message('1.2.3.4%eth0'), /IPv4 addresses cannot have a zone/);
    assert.match(message('fe80::12345'), /at most 4 hex digits \(at "12345"\)/);
    // a hostile input gives a short message
    assert.ok(message(`${'1:'.repeat(100000)}x`).length < 400);
  });

  test('hints for endpoint- and URL-shaped input', () => {
    const hint = (s: string) => {
      try {
        ScopedAddress.parse(s);
      } catch (e) {
        return (e as Fe80Error).hint;
      }
      return undefined;
    };
    assert.match(hint('[fe80::1%eth0]:80') ?? '', /Endpoint\.parse/);
    assert.match(hint('http://[fe80::1]/') ?? '', /parseUrl/);
    assert.match(hint('192.0.2.1:80') ?? '', /Endpoint\.parse/);
  });

  test('non-string input', () => {
    assert.throws(() => ScopedAddress.parse(42 as unknown as string), (e: unknown) => isFe80Error(e, 'ERR_INVALID_ADDRESS'));
    assert.equal(ScopedAddress.tryParse(null as unknown as string), undefined);
  });
});

describe('predicates', () => {
  // in, linkLocalUnicast, linkLocalMulticast, interfaceLocalMulticast, multicast, loopback, unspecified, mapped, requiresZone, allowsZone
  const T: [string, ...boolean[]][] = [
    ['fe80::1', true, false, false, false, false, false, false, true, true],
    ['fe80::1%eth0', true, false, false, false, false, false, false, true, true],
    ['febf:ffff::1', true, false, false, false, false, false, false, true, true],
    ['fec0::1', false, false, false, false, false, false, false, false, true],
    ['ff02::1', false, true, false, true, false, false, false, true, true],
    ['ff12::1', false, true, false, true, false, false, false, true, true],
    ['ff32::1', false, true, false, true, false, false, false, true, true],
    ['ff01::1', false, false, true, true, false, false, false, true, true],
    ['ff03::1', false, false, false, true, false, false, false, false, true],
    ['ff05::2', false, false, false, true, false, false, false, false, true],
    ['ff08::1', false, false, false, true, false, false, false, false, true],
    ['ff0e::1', false, false, false, true, false, false, false, false, false],
    ['ff00::1', false, false, false, true, false, false, false, false, false],
    ['ff0f::1', false, false, false, true, false, false, false, false, false],
    ['::1', false, false, false, false, true, false, false, false, false],
    ['::', false, false, false, false, false, true, false, false, true],
    ['2001:db8::1', false, false, false, false, false, false, false, false, false],
    ['fd00::1', false, false, false, false, false, false, false, false, false],
    ['::ffff:169.254.1.1', true, false, false, false, false, false, true, false, false],
    ['::ffff:127.0.0.1', false, false, false, false, true, false, true, false, false],
    ['::ffff:224.0.0.1', false, true, false, true, false, false, true, false, false],
    ['::ffff:0.0.0.0', false, false, false, false, false, false, true, false, false],
    ['169.254.0.1', true, false, false, false, false, false, false, false, false],
    ['224.0.0.251', false, true, false, true, false, false, false, false, false],
    ['239.1.1.1', false, false, false, true, false, false, false, false, false],
    ['127.1.2.3', false, false, false, false, true, false, false, false, false],
    ['0.0.0.0', false, false, false, false, false, true, false, false, false],
    ['8.8.8.8', false, false, false, false, false, false, false, false, false],
  ];
  for (const [input, ...want] of T) {
    test(input, () => {
      const a = ScopedAddress.parse(input);
      const got = [
        a.isLinkLocalUnicast(),
        a.isLinkLocalMulticast(),
        a.isInterfaceLocalMulticast(),
        a.isMulticast(),
        a.isLoopback(),
        a.isUnspecified(),
        a.isIPv4Mapped(),
        a.requiresZone(),
        a.allowsZone(),
      ];
      assert.deepEqual(got, want);
      // requiresZone implies allowsZone
      if (a.requiresZone()) assert.ok(a.allowsZone());
    });
  }
});

describe('values', () => {
  test('immutable: no field can be written', () => {
    const a = ScopedAddress.parse('fe80::1%eth0');
    assert.throws(() => {
      (a as unknown as { zone: string }).zone = 'wlan0';
    }, TypeError);
    assert.throws(() => {
      (a as unknown as { family: number }).family = 4;
    }, TypeError);
    assert.equal(a.toString(), 'fe80::1%eth0');
    const b = a.toBytes();
    b[15] = 9;
    assert.equal(a.toString(), 'fe80::1%eth0', 'toBytes returns a copy');
    const h = a.toHextets();
    h[7] = 9;
    assert.equal(a.toString(), 'fe80::1%eth0', 'toHextets returns a copy');
  });

  test('the constructor is private', () => {
    assert.throws(() => new (ScopedAddress as unknown as new () => unknown)());
  });

  test('equality and ordering include the zone (exact string)', () => {
    const p = (s: string) => ScopedAddress.parse(s);
    assert.ok(p('fe80::1%eth0').equals(p('FE80:0::1%eth0')));
    assert.ok(!p('fe80::1%eth0').equals(p('fe80::1%wlan0')));
    assert.ok(!p('fe80::1%Eth0').equals(p('fe80::1%eth0')));
    assert.ok(!p('fe80::1%01').equals(p('fe80::1%1')));
    assert.ok(!p('fe80::1').equals(p('fe80::1%eth0')));
    assert.ok(!p('1.2.3.4').equals(p('::ffff:1.2.3.4')), 'family differs');
    const sorted = ['fe80::1%eth0', '::1', 'fe80::1', '10.0.0.1', 'fe80::1%1', '::ffff:1.2.3.4', '1.2.3.4', 'fe80::2', '::']
      .map(p)
      .sort((x, y) => x.compare(y))
      .map(String);
    assert.deepEqual(sorted, ['1.2.3.4', '10.0.0.1', '::', '::1', '::ffff:1.2.3.4', 'fe80::1', 'fe80::1%1', 'fe80::1%eth0', 'fe80::2']);
    const all = sorted.map(p);
    for (const x of all) {
      for (const y of all) {
        assert.equal(x.compare(y), -y.compare(x) || 0, 'antisymmetric');
        assert.equal(x.compare(y) === 0, x.equals(y));
      }
    }
  });

  test('bytes and hextets round trip', () => {
    for (const s of ['fe80::1%eth0', '::', '2001:db8::8:800:200c:417a', '::ffff:192.0.2.1', 'ff02::fb%3']) {
      const a = ScopedAddress.parse(s);
      assert.equal(a.toBytes().length, 16);
      assert.ok(ScopedAddress.fromBytes(a.toBytes(), a.zone).equals(a));
      assert.ok(ScopedAddress.fromHextets(a.toHextets(), a.zone).equals(a));
    }
    const v4 = ScopedAddress.parse('192.0.2.1');
    assert.deepEqual([...v4.toBytes()], [192, 0, 2, 1]);
    assert.deepEqual(v4.toHextets(), [0, 0, 0, 0, 0, 0xffff, 0xc000, 0x201]);
    assert.ok(ScopedAddress.fromBytes(Uint8Array.of(192, 0, 2, 1)).equals(v4));
    assert.equal(ScopedAddress.fromHextets(v4.toHextets()).family, 6, 'hextets always give IPv6');
    assert.equal(ScopedAddress.fromHextets([0xfe80, 0, 0, 0, 0, 0, 0, 1], '25eth0').hint?.includes('URL-encoded'), true);
    for (const bad of [new Uint8Array(5), new Uint8Array(0), [1, 2, 3, 4] as unknown as Uint8Array]) {
      assert.throws(() => ScopedAddress.fromBytes(bad), (e: unknown) => isFe80Error(e, 'ERR_INVALID_ARGUMENT'));
    }
    for (const bad of [[1, 2, 3], [0, 0, 0, 0, 0, 0, 0, 65536], [0, 0, 0, 0, 0, 0, 0, 1.5], [0, 0, 0, 0, 0, 0, 0, -1]]) {
      assert.throws(() => ScopedAddress.fromHextets(bad), (e: unknown) => isFe80Error(e, 'ERR_INVALID_ARGUMENT'));
    }
    assert.throws(() => ScopedAddress.fromBytes(Uint8Array.of(1, 2, 3, 4), 'eth0'), (e: unknown) => isFe80Error(e, 'ERR_INVALID_ZONE'));
    assert.throws(() => ScopedAddress.fromBytes(new Uint8Array(16), ''), (e: unknown) => isFe80Error(e, 'ERR_INVALID_ZONE'));
  });

  test('withZone and unmap', () => {
    const a = ScopedAddress.parse('fe80::1');
    assert.equal(a.withZone('eth0').toString(), 'fe80::1%eth0');
    assert.equal(a.withZone('eth0').withZone(undefined).toString(), 'fe80::1');
    assert.equal(a.withZone(undefined), a);
    for (const bad of ['', 'a%b', 'a b', 'a/b', '\u0000']) {
      assert.throws(() => a.withZone(bad), (e: unknown) => isFe80Error(e, 'ERR_INVALID_ZONE'));
    }
    assert.throws(() => ScopedAddress.parse('1.2.3.4').withZone('eth0'), (e: unknown) => isFe80Error(e, 'ERR_INVALID_ZONE'));
    const m = ScopedAddress.parse('::ffff:192.0.2.1%eth0').unmap();
    assert.equal(m.toString(), '192.0.2.1');
    assert.equal(m.family, 4);
    assert.equal(a.unmap(), a);
  });

  test('isValidZoneSyntax', () => {
    for (const z of ['eth0', '3', '01', '0', '25eth0', 'eth0.100', 'br-lan', 'wlan_0', 'a:b', 'abcdefghijklmnopq', 'é']) {
      assert.equal(isValidZoneSyntax(z), true, z);
    }
    for (const z of ['', 'a%b', 'a b', 'a\tb', 'a\nb', 'a/b', 'a[b', 'a]b', 'a\u0000b', 'a\u00a0b', 'a\u2028b', 'a\u3000b', 'a\ufeffb', 'a\u0085b']) {
      assert.equal(isValidZoneSyntax(z), false, JSON.stringify(z));
    }
  });
});

describe('zones must be text: unpaired surrogates are refused at parse time', () => {
  test('a lone high or low surrogate: ERR_INVALID_ZONE at its position; a pair is one character', () => {
    for (const [text, at] of [['fe80::1%a\uD800', 9], ['fe80::1%\uDC00x', 8], ['fe80::1%\uD800\uD800', 8]] as const) {
      assert.throws(() => ScopedAddress.parse(text), (e: { code?: string; position?: number; message: string }) => {
        assert.equal(e.code, 'ERR_INVALID_ZONE');
        assert.equal(e.position, at);
        assert.match(e.message, /unpaired surrogate/);
        return true;
      });
      assert.throws(() => ScopedAddress.parse('fe80::1').withZone(text.slice(8)), { code: 'ERR_INVALID_ZONE' });
    }
    const ok = ScopedAddress.parse('fe80::1%\u{1F600}');
    assert.equal(ok.zone, '\u{1F600}');
    assert.equal(encodeURIComponent(ok.zone as string), '%F0%9F%98%80', 'every accepted zone can be written into a URL');
  });
});
