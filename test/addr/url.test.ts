// parseUrl: zoned IPv6 literals in URLs (research/standards.md §4, §9.3; docs/addr.md).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Fe80Error } from '../../src/errors.js';
import { parseUrl } from '../../src/addr/index.js';

const VALID: [input: string, href: string, address: string | undefined, zone: string | undefined, host: string, port: number][] = [
  // RFC 6874 %25 form (curl)
  ['http://[fe80::1%25eth0]:8080/', 'http://[fe80::1]:8080/', 'fe80::1%eth0', 'eth0', '[fe80::1]:8080', 8080],
  // the typed form (RFC 9844: zones are UI input), bare '%'
  ['http://[fe80::1%eth0]:8080/', 'http://[fe80::1]:8080/', 'fe80::1%eth0', 'eth0', '[fe80::1]:8080', 8080],
  // '%25' alone: nothing follows, so it is the zone "25" (curl, 6874bis)
  ['http://[fe80::1%25]/', 'http://[fe80::1]/', 'fe80::1%25', '25', '[fe80::1]', 80],
  ['http://[fe80::1%251]/', 'http://[fe80::1]/', 'fe80::1%1', '1', '[fe80::1]', 80],
  ['http://[fe80::1%2525]/', 'http://[fe80::1]/', 'fe80::1%25', '25', '[fe80::1]', 80],
  ['http://[fe80::1%12]/', 'http://[fe80::1]/', 'fe80::1%12', '12', '[fe80::1]', 80],
  ['http://[fe80::1%ee1]/', 'http://[fe80::1]/', 'fe80::1%ee1', 'ee1', '[fe80::1]', 80],
  ['http://[fe80::1%25en%30]/', 'http://[fe80::1]/', 'fe80::1%en0', 'en0', '[fe80::1]', 80], // pct-decoded
  ['http://[FE80::1%25ETH0]/', 'http://[fe80::1]/', 'fe80::1%ETH0', 'ETH0', '[fe80::1]', 80], // zone case kept
  ['https://[fe80::1%eth0]/x?y=1#z', 'https://[fe80::1]/x?y=1#z', 'fe80::1%eth0', 'eth0', '[fe80::1]', 443],
  ['https://[fe80::1%eth0]:443/', 'https://[fe80::1]/', 'fe80::1%eth0', 'eth0', '[fe80::1]', 443],
  ['ws://[fe80::1%3]:9000/s', 'ws://[fe80::1]:9000/s', 'fe80::1%3', '3', '[fe80::1]:9000', 9000],
  ['wss://[fe80::1%3]/s', 'wss://[fe80::1]/s', 'fe80::1%3', '3', '[fe80::1]', 443],
  ['http://user:pw@[ff02::1%25eth0]:80/', 'http://user:pw@[ff02::1]/', 'ff02::1%eth0', 'eth0', '[ff02::1]', 80],
  // no zone
  ['http://[fe80::1]:8080/', 'http://[fe80::1]:8080/', 'fe80::1', undefined, '[fe80::1]:8080', 8080],
  ['http://[2001:db8::1]/', 'http://[2001:db8::1]/', '2001:db8::1', undefined, '[2001:db8::1]', 80],
  ['http://[::ffff:192.0.2.1]/', 'http://[::ffff:c000:201]/', '::ffff:192.0.2.1', undefined, '[::ffff:c000:201]', 80],
  ['http://192.0.2.1:8080/', 'http://192.0.2.1:8080/', '192.0.2.1', undefined, '192.0.2.1:8080', 8080],
  // names pass through
  ['http://printer.local/', 'http://printer.local/', undefined, undefined, 'printer.local', 80],
  ['https://example.com:8443/a', 'https://example.com:8443/a', undefined, undefined, 'example.com:8443', 8443],
  ['foo://[fe80::1%eth0]/', 'foo://[fe80::1]/', 'fe80::1%eth0', 'eth0', '[fe80::1]', 0],
  // percent-encoded names are WHATWG's business, not zones
  ['http://ex%61mple.com/', 'http://example.com/', undefined, undefined, 'example.com', 80],
  // WHATWG strips leading/trailing C0 and space and removes tab/newline anywhere; so does fe80
  [' http://[fe80::1%25eth0]/ ', 'http://[fe80::1]/', 'fe80::1%eth0', 'eth0', '[fe80::1]', 80],
  ['http://[fe\t80::1%25et\nh0]/', 'http://[fe80::1]/', 'fe80::1%eth0', 'eth0', '[fe80::1]', 80],
  // `\` ends the authority of special schemes only
  ['http://[fe80::1%25eth0]\\x', 'http://[fe80::1]/x', 'fe80::1%eth0', 'eth0', '[fe80::1]', 80],
  // ... for other schemes it is userinfo: the host is evil.com, and so is what fe80 reports
  ['foo://[fe80::1%25eth0]\\@evil.com:81/', 'foo://%5Bfe80:%3A1%25eth0%5D%5C@evil.com:81/', undefined, undefined, 'evil.com:81', 81],
  ['foo://[fe80::1]\\@evil.com/', 'foo://%5Bfe80:%3A1%5D%5C@evil.com/', undefined, undefined, 'evil.com', 0],
];

const INVALID: [input: string, reason: string, position?: number][] = [
  ['http://[::1%25.example.com]:80/', 'zone on loopback: the CVE-2025-22870 proxy-bypass shape', 11],
  ['http://[2001:db8::1%25eth0]/', 'zone on a global address'],
  ['http://[fd00::1%eth0]/', 'zone on a ULA'],
  ['http://[ff0e::1%eth0]/', 'zone on global multicast'],
  ['http://[::ffff:192.0.2.1%eth0]/', 'zone on IPv4-mapped'],
  ['http://fe80::1%25eth0/', 'no brackets', 7],
  ['http://fe80::1/', 'no brackets'],
  ['http://[v1.fe80::1+en0]:631/', 'IPvFuture', 8],
  ['http://[fe80::1%]/', 'empty zone'],
  ['http://[fe80::1%25%zz]/', 'bad percent-encoding'],
  ['http://[fe80::1%25a%20b]/', 'decoded zone has a space'],
  ['http://[fe80::1%25a%2Fb]/', "decoded zone has '/'"],
  ['http://[fe80::1%eth0', "no ']'"],
  ['http://[fe80::1%eth0]x/', "junk after ']'"],
  ['http://[fe80::1%eth0]:99999/', 'port out of range (WHATWG)'],
  ['http://[1.2.3.4]/', 'IPv4 in brackets'],
  ['http://[fe80::g%eth0]/', 'bad address'],
  ['http://[::%25.example.com]/', 'zone on the unspecified address: not a destination', 10],
  ['http://[fec0::1%1]/', 'zone on site-local: sockets route it by table, whatever the zone', 15],
  ['http://[ff05::1%25eth0]/', 'zone on site-scope multicast: the same', 15],
  ['http://[fe80::1%eth 0]/', 'space in a bare zone: the position is the space', 19],
  ['http://[fe80::1%25eth0%zz]/', "'%' inside a decoded zone: points at it", 22],
  ['http://[fe80::1%25eth%200]/', 'an encoded space: points at its escape', 21],
  ['http://[fe80::1%25eth%zz]/', 'a bad escape: points at it', 21],
  ['not a url', 'no scheme'],
  ['', 'empty'],
];

describe('parseUrl: valid', () => {
  for (const [input, href, address, zone, host, port] of VALID) {
    test(input, () => {
      const r = parseUrl(input);
      assert.equal(r.url.href, href);
      assert.equal(r.address?.toString(), address);
      assert.equal(r.zone, zone);
      assert.equal(r.address?.zone, zone);
      assert.equal(r.host, host);
      assert.ok(!r.host.includes('%'), 'the Host header never carries a zone');
      assert.equal(r.port, port);
      assert.doesNotThrow(() => new URL(r.url.href), 'WHATWG accepts the zone-free URL');
    });
  }
  test('a URL object', () => {
    const r = parseUrl(new URL('http://[fe80::1]:81/'));
    assert.equal(r.address?.toString(), 'fe80::1');
    assert.equal(r.port, 81);
    assert.equal(r.zone, undefined);
  });
});

describe('parseUrl: invalid', () => {
  for (const [input, reason, position] of INVALID) {
    test(`${JSON.stringify(input)}: ${reason}`, () => {
      assert.throws(
        () => parseUrl(input),
        (e: unknown) => {
          assert.ok(e instanceof Fe80Error);
          assert.equal(e.code, 'ERR_INVALID_URL', e.message);
          assert.equal(e.input, input);
          if (position !== undefined) assert.equal(e.position, position);
          return true;
        },
      );
    });
  }
  test('the proxy-bypass message explains the rule', () => {
    assert.throws(() => parseUrl('http://[::1%25.example.com]:80/'), /only accepted on a link-local address or interface-\/link-local multicast; ::1 has loopback scope/);
    assert.throws(() => parseUrl('http://fe80::1%25eth0/'), (e: unknown) => /\[fe80::1%25eth0\]/.test((e as Fe80Error).hint ?? ''));
  });
  test("the missing-brackets hint is the user's own URL, bracketed", () => {
    const hint = (u: string): string | undefined => {
      try {
        parseUrl(u);
      } catch (e) {
        return (e as Fe80Error).hint;
      }
      return undefined;
    };
    assert.equal(hint('https://fe80::2%25wlan1:443/a?b'), 'write https://[fe80::2%25wlan1]:443/a?b');
    assert.equal(hint('http://fe80::2%wlan1/'), 'write http://[fe80::2%25wlan1]/');
    assert.equal(hint('http://2001:db8::5/x'), 'write http://[2001:db8::5]/x');
    assert.equal(hint('http://u@2001:db8::5:8080/'), 'write http://u@[2001:db8::5:8080]/', 'a valid address wins over a port reading');
    assert.equal(hint('http://fe80::1::2:80/'), 'write the address in brackets, e.g. http://[fe80::1%25eth0]:8080/');
  });
});
