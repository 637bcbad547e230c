// The parsers of what the network and the system tools say: SSDP responses and LOCATION zones,
// UPnP descriptions, lldpcli's json0, ping's reply lines. Table cases, then fuzzing: nothing but
// a result or `undefined`, never an exception.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { parseDescription, parseSsdp, presentationUrl, searchMessage, zonedLocation } from '../../src/discover/sources/ssdp.js';
import { parseLldp } from '../../src/discover/sources/lldp.js';
import { parsePingLine } from '../../src/discover/sources/ping.js';

const crlf = (lines: string[]): Buffer => Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');

describe('SSDP', () => {
  test('an M-SEARCH response', () => {
    const r = parseSsdp(crlf(['HTTP/1.1 200 OK', 'CACHE-CONTROL: max-age = 120', 'EXT:', 'LOCATION: http://[fe80::2]:49152/d.xml', 'SERVER: Linux UPnP/2.0 x/1', 'ST: upnp:rootdevice', 'USN: uuid:abc::upnp:rootdevice']));
    assert.deepEqual(r, { location: 'http://[fe80::2]:49152/d.xml', maxAge: 120, byebye: false, usn: 'uuid:abc::upnp:rootdevice', server: 'Linux UPnP/2.0 x/1', target: 'upnp:rootdevice' });
  });
  test('header names are case-insensitive; LF alone is accepted; max-age is clamped', () => {
    const r = parseSsdp(Buffer.from('HTTP/1.1 200 OK\nlocation: http://192.0.2.1/\ncache-control: max-age=999999999\n\n'));
    assert.equal(r?.location, 'http://192.0.2.1/');
    assert.equal(r?.maxAge, 86400);
    assert.equal(parseSsdp(crlf(['HTTP/1.1 200 OK', 'LOCATION: http://192.0.2.1/', 'CACHE-CONTROL: no-cache']))?.maxAge, 1800);
  });
  test('NOTIFY alive and byebye', () => {
    assert.equal(parseSsdp(crlf(['NOTIFY * HTTP/1.1', 'NT: upnp:rootdevice', 'NTS: ssdp:alive', 'LOCATION: http://192.0.2.1/']))?.target, 'upnp:rootdevice');
    assert.equal(parseSsdp(crlf(['NOTIFY * HTTP/1.1', 'NTS: ssdp:byebye', 'USN: uuid:x']))?.byebye, true);
  });
  test('refused: requests, errors, no LOCATION, control characters, too many headers, oversized', () => {
    const bad = [
      crlf(['M-SEARCH * HTTP/1.1', 'LOCATION: http://x/']),
      crlf(['HTTP/1.1 404 Not Found', 'LOCATION: http://x/']),
      crlf(['HTTP/1.1 200 OK', 'ST: x']),
      crlf(['HTTP/1.1 200 OK', 'LOCATION: http://x/\u001b[2J']),
      crlf(['HTTP/1.1 200 OK', 'no colon here', 'LOCATION: http://x/']),
      crlf(['HTTP/1.1 200 OK', ...Array.from({ length: 65 }, (_, i) => `X-${i}: y`), 'LOCATION: http://x/']),
      Buffer.concat([crlf(['HTTP/1.1 200 OK', 'LOCATION: http://x/']), Buffer.alloc(9000, 0x41)]),
      Buffer.alloc(0),
    ];
    for (const b of bad) assert.equal(parseSsdp(b), undefined, b.toString('latin1').slice(0, 60));
  });
  test('LOCATION: a zone-less fe80:: literal gets the arrival interface; a foreign zone is replaced', () => {
    assert.deepEqual(zonedLocation('http://[fe80::2]:49152/d.xml?a=1', 'eth1')?.url, 'http://[fe80::2%25eth1]:49152/d.xml?a=1');
    assert.deepEqual(zonedLocation('http://[fe80::2%25wlan7]/d.xml', 'eth1')?.url, 'http://[fe80::2%25eth1]/d.xml');
    assert.deepEqual(zonedLocation('http://[FE80::2%eth0]:80/', 'eth1')?.url, 'http://[fe80::2%25eth1]/', 'the default port goes, as WHATWG does');
    assert.deepEqual(zonedLocation('http://169.254.3.2:8080/d.xml', 'eth1')?.url, 'http://169.254.3.2:8080/d.xml');
    assert.deepEqual(zonedLocation('http://[2001:db8::1]/d.xml', 'eth1')?.url, 'http://[2001:db8::1]/d.xml');
    for (const bad of ['', 'ftp://[fe80::1]/', 'javascript:alert(1)', 'http://[fe80::1', 'not a url']) assert.equal(zonedLocation(bad, 'eth1'), undefined, bad);
  });
  test('the description document and its presentation URL (relative, absolute, same host keeps the zone)', () => {
    const d = parseDescription('<root><device><friendlyName>Hub &amp; Co</friendlyName><manufacturer><![CDATA[ACME]]></manufacturer><modelName>X1</modelName><presentationURL>/ui/</presentationURL></device></root>');
    assert.deepEqual(d, { friendlyName: 'Hub & Co', manufacturer: 'ACME', modelName: 'X1', presentationURL: '/ui/' });
    assert.equal(presentationUrl('/ui/', 'http://[fe80::2]:49152/d.xml', 'eth1'), 'http://[fe80::2%25eth1]:49152/ui/');
    assert.equal(presentationUrl('http://[fe80::2]:80/x', 'http://[fe80::2]:49152/d.xml', 'eth1'), 'http://[fe80::2%25eth1]/x');
    assert.equal(presentationUrl('javascript:alert(1)', 'http://[fe80::2]:49152/d.xml', 'eth1'), undefined);
    assert.deepEqual(parseDescription('<friendlyName>' + 'x'.repeat(5000) + '</friendlyName>'), {});
  });
  test('the M-SEARCH message (UDA 2.0 §1.3.2)', () => {
    const m = searchMessage('[FF02::C]').toString('latin1');
    assert.match(m, /^M-SEARCH \* HTTP\/1\.1\r\nHOST: \[FF02::C\]:1900\r\nMAN: "ssdp:discover"\r\nMX: 1\r\nST: ssdp:all\r\n/);
    assert.ok(m.endsWith('\r\n\r\n'));
  });
  test('fuzz: parseSsdp, zonedLocation and parseDescription never throw', () => {
    const line = fc.oneof(fc.constantFrom('HTTP/1.1 200 OK', 'NOTIFY * HTTP/1.1', 'LOCATION: http://[fe80::1]/', 'CACHE-CONTROL: max-age=5', 'NTS: ssdp:byebye'), fc.string({ maxLength: 80 }));
    fc.assert(
      fc.property(fc.array(line, { maxLength: 12 }), fc.uint8Array({ maxLength: 64 }), (lines, tail) => {
        const r = parseSsdp(Buffer.concat([Buffer.from(lines.join('\r\n'), 'latin1'), tail]));
        if (r !== undefined) {
          zonedLocation(r.location, 'eth1');
          assert.ok(r.maxAge >= 1 && r.maxAge <= 86400);
        }
      }),
      { seed: 1900, numRuns: 1000 },
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => {
        zonedLocation(s, 'eth1');
        zonedLocation(`http://[${s}]/`, 'eth1');
        parseDescription(`<friendlyName>${s}</friendlyName><presentationURL>${s}</presentationURL>`);
        presentationUrl(s, 'http://[fe80::2]/d.xml', 'eth1');
      }),
      { seed: 1901, numRuns: 1000 },
    );
  });
});

describe('LLDP (lldpcli -f json0)', () => {
  const neighbour = (iface: string, extra: Record<string, unknown> = {}) => ({
    name: iface,
    via: 'LLDP',
    chassis: [
      {
        id: [{ type: 'mac', value: 'B8:27:EB:00:00:09' }],
        name: [{ value: 'peer-lldp' }],
        descr: [{ value: 'Debian GNU/Linux' }],
        'mgmt-ip': [{ value: 'fe80::9' }, { value: '169.254.9.9' }, { value: 'ff02::1' }],
        capability: [
          { type: 'Bridge', enabled: false },
          { type: 'Router', enabled: true },
        ],
        ...extra,
      },
    ],
    port: [{ id: [{ type: 'mac', value: 'b8:27:eb:00:00:0a' }], descr: [{ value: 'eth0' }], ttl: [{ value: '4' }] }],
  });
  test('chassis, port, zoned management addresses, capabilities, TTL, only for our links', () => {
    const text = JSON.stringify({ lldp: [{ interface: [neighbour('eth1'), neighbour('eth9')] }] });
    const { observations, dropped } = parseLldp(text, new Set(['eth1']));
    assert.equal(dropped, 0);
    assert.equal(observations.length, 1);
    const [o] = observations;
    assert.equal(o?.interface, 'eth1');
    assert.equal(o?.mac, 'b8:27:eb:00:00:0a', "the port's MAC is the one on our link");
    assert.equal(o?.ttl, 4000);
    assert.deepEqual(o?.names, ['peer-lldp']);
    assert.deepEqual(o?.lldp?.managementAddresses, ['fe80::9%eth1', '169.254.9.9']);
    assert.deepEqual(o?.lldp?.capabilities, ['Router']);
    assert.equal(o?.lldp?.router, true);
    assert.deepEqual(o?.lldp?.port, { type: 'mac', id: 'b8:27:eb:00:00:0a', description: 'eth0' });
    assert.deepEqual(o?.lldp?.chassisId, { type: 'mac', value: 'B8:27:EB:00:00:09' });
  });
  test('no neighbours, malformed documents: nothing, counted', () => {
    assert.deepEqual(parseLldp('{"lldp":[{}]}', new Set(['eth1'])).observations, []);
    assert.equal(parseLldp('not json', new Set(['eth1'])).dropped, 1);
    assert.equal(parseLldp(JSON.stringify({ lldp: [{ interface: [{ name: 'eth1' }] }] }), new Set(['eth1'])).dropped, 1);
  });
  test('fuzz: any JSON is parsed or skipped, never thrown', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        parseLldp(JSON.stringify({ lldp: [{ interface: [{ name: 'eth1', chassis: [v], port: [v] }] }] }), new Set(['eth1']));
        parseLldp(JSON.stringify(v), new Set(['eth1']));
      }),
      { seed: 802, numRuns: 500 },
    );
  });
});

test('ping reply lines', () => {
  assert.equal(parsePingLine('64 bytes from fe80::2%eth1: icmp_seq=1 ttl=64 time=0.142 ms'), 'fe80::2%eth1');
  assert.equal(parsePingLine('64 bytes from fe80::2%eth1: icmp_seq=1 ttl=64 time=0.142 ms (DUP!)'), 'fe80::2%eth1');
  assert.equal(parsePingLine('64 bytes from 169.254.1.2: icmp_seq=1 ttl=64 time=0.1 ms'), '169.254.1.2');
  assert.equal(parsePingLine('PING ff02::1%eth1(ff02::1%eth1) 56 data bytes'), undefined);
  assert.equal(parsePingLine('From fe80::1%eth1 icmp_seq=1 Destination unreachable'), undefined);
});
