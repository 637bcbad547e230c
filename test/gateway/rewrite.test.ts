// The streaming origin rewriter, header rewriting, Host parsing and device targets: tables from
// what devices write, plus properties (any split of a body into chunks rewrites the same).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Rewriter } from '../../src/gateway/rewrite.js';
import { requestHeaders, responseHeaders, rewriteSetCookie, decodableEncodings, isRewritable, type HeaderRoute } from '../../src/gateway/headers.js';
import { parseRequestHost, labelOf } from '../../src/gateway/host.js';
import { parseDeviceTarget, deviceLabel, deviceHost, deviceHostForms } from '../../src/gateway/target.js';
import { normalizeFingerprint } from '../../src/gateway/certificate.js';
import { isFe80Error } from '../../src/errors.js';

const LOCAL = 'fe80-2-eth0.localhost:8080';
const plain = new Rewriter({ hosts: ['[fe80::2]', '[fe80::2%25eth0]', '[fe80::2%eth0]'], port: 80, secure: false, local: LOCAL });
const tls = new Rewriter({ hosts: ['[fe80::2]'], port: 8443, secure: true, local: LOCAL });
const named = new Rewriter({ hosts: ['printer.local'], port: 80, secure: false, local: 'printer-eth0.localhost:8080' });
const mixed = new Rewriter({ hosts: ['printer.local', '[fe80::2]'], port: 80, secure: false, local: 'm.localhost:1' });

describe('Rewriter: device origins in content', () => {
  const cases: [Rewriter, string, string][] = [
    [plain, '<a href="http://[fe80::2]/x">', `<a href="http://${LOCAL}/x">`],
    [plain, '<a href="http://[fe80::2]:80/x">', `<a href="http://${LOCAL}/x">`],
    [plain, '<a href="HTTP://[FE80::2]/x">', `<a href="http://${LOCAL}/x">`],
    [plain, 'new WebSocket("ws://[fe80::2]/echo")', `new WebSocket("ws://${LOCAL}/echo")`],
    [plain, '<img src="//[fe80::2]/i.png">', `<img src="//${LOCAL}/i.png">`],
    [plain, '{"href":"http:\\/\\/[fe80::2]\\/api"}', `{"href":"http:\\/\\/${LOCAL}\\/api"}`],
    [plain, 'url(http://[fe80::2%25eth0]/bg.png)', `url(http://${LOCAL}/bg.png)`],
    [plain, 'http://[fe80::2]', `http://${LOCAL}`],
    [plain, 'a http://[fe80::2] b http://[fe80::2]/ c', `a http://${LOCAL} b http://${LOCAL}/ c`],
    // not this device's origin: other port, other scheme, bare text, other host, longer address
    [plain, 'http://[fe80::2]:8080/', 'http://[fe80::2]:8080/'],
    [plain, 'https://[fe80::2]/', 'https://[fe80::2]/'],
    [plain, 'ftp://[fe80::2]/', 'ftp://[fe80::2]/'],
    [plain, 'xhttp://[fe80::2]/', 'xhttp://[fe80::2]/'],
    [plain, 'address: [fe80::2]', 'address: [fe80::2]'],
    [plain, 'http://[fe80::22]/', 'http://[fe80::22]/'],
    [plain, 'http://[fe80::2]:123456/', 'http://[fe80::2]:123456/'],
    [tls, 'https://[fe80::2]:8443/a wss://[fe80::2]:8443/ws', `http://${LOCAL}/a ws://${LOCAL}/ws`],
    [tls, 'http://[fe80::2]:8443/', 'http://[fe80::2]:8443/'],
    [tls, '//[fe80::2]:8443/x', `//${LOCAL}/x`],
    [named, 'http://printer.local/a http://PRINTER.LOCAL:80/b', 'http://printer-eth0.localhost:8080/a http://printer-eth0.localhost:8080/b'],
    [named, 'http://printer.localhost/ http://printer.local2/ http://myprinter.local/', 'http://printer.localhost/ http://printer.local2/ http://myprinter.local/'],
    [mixed, 'http://printer.local/ http://[fe80::2]/ http://[FE80::2]/', 'http://m.localhost:1/ http://m.localhost:1/ http://m.localhost:1/'],
  ];
  for (const [rw, input, want] of cases) {
    test(JSON.stringify(input), () => {
      assert.equal(rw.rewriteText(input), want);
      // chunk by chunk, one byte at a time
      const s = rw.stream();
      const parts = [...Buffer.from(input, 'latin1')].map((b) => s.push(Buffer.from([b])));
      parts.push(s.end());
      assert.equal(Buffer.concat(parts).toString('latin1'), want);
    });
  }

  test('a body without device URLs streams through unchanged, chunk for chunk', () => {
    const s = plain.stream();
    const chunk = Buffer.alloc(65536, 0x61);
    const out = s.push(chunk);
    assert.ok(out.length >= chunk.length - 64, 'at most a few bytes are held back');
    assert.equal(Buffer.concat([out, s.end()]).length, chunk.length);
  });

  test('property: any split into chunks gives the same output as the whole', () => {
    const piece = fc.constantFrom('http://[fe80::2]', 'ws://[fe80::2]:80', '//[fe80::2]/', 'https://[fe80::2]', '[fe80::2]', 'http:\\/\\/[fe80::2%25eth0]', ':', '/', 'a', 'http://', 'x', '\n', 'http://[fe80::2]:8');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }), fc.array(fc.nat(), { maxLength: 8 }), (pieces, cuts) => {
        const input = Buffer.from(pieces.join(''), 'latin1');
        const whole = plain.rewriteText(input.toString('latin1'));
        const points = [...new Set(cuts.map((c) => (input.length === 0 ? 0 : c % input.length)))].sort((a, b) => a - b);
        const s = plain.stream();
        const out: Buffer[] = [];
        let at = 0;
        for (const p of [...points, input.length]) {
          out.push(s.push(input.subarray(at, p)));
          at = p;
        }
        out.push(s.end());
        assert.equal(Buffer.concat(out).toString('latin1'), whole);
      }),
      { numRuns: 1000 },
    );
  });
});

const route: HeaderRoute = {
  deviceHost: '[fe80::2]',
  deviceOrigin: 'http://[fe80::2]',
  localOrigin: `http://${LOCAL}`,
  rewriter: plain,
  isGatewayOrigin: (o) => o.includes('.localhost:8080') || o === 'http://localhost:8080',
};

describe('headers', () => {
  test('request: Host, Origin and Referer become the device\'s; hop-by-hop and the gateway stay out', () => {
    const out = requestHeaders(
      ['Host', LOCAL, 'Origin', `http://${LOCAL}`, 'Referer', `http://${LOCAL}/a?b=1`, 'Connection', 'keep-alive, X-Secret', 'X-Secret', '1', 'Keep-Alive', '5', 'Accept-Encoding', 'gzip, deflate, br, zstd', 'Cookie', 'a=1', 'Expect', '100-continue', 'Proxy-Authorization', 'x'],
      route,
      false,
    );
    assert.deepEqual(out, ['Host', '[fe80::2]', 'Origin', 'http://[fe80::2]', 'Referer', 'http://[fe80::2]/a?b=1', 'Accept-Encoding', 'gzip, deflate, br', 'Cookie', 'a=1']);
    const other = requestHeaders(['Origin', 'http://printer-eth1.localhost:8080', 'Referer', 'http://localhost:8080/'], route, false);
    assert.deepEqual(other, ['Host', '[fe80::2]', 'Origin', 'null']);
    const foreign = requestHeaders(['Origin', 'https://evil.example', 'Referer', 'https://evil.example/x'], route, false);
    assert.deepEqual(foreign, ['Host', '[fe80::2]', 'Origin', 'https://evil.example', 'Referer', 'https://evil.example/x']);
    assert.deepEqual(requestHeaders(['Connection', 'Upgrade', 'Upgrade', 'websocket'], route, true), ['Host', '[fe80::2]', 'Connection', 'Upgrade', 'Upgrade', 'websocket']);
  });

  test('response: Location & co. local, cookies host-only, HSTS and hop-by-hop dropped, length dropped when rewriting', () => {
    const out = responseHeaders(
      [
        'Location', 'http://[fe80::2]/next', 'Refresh', '5; url=http://[fe80::2]/r', 'Content-Location', 'http://[fe80::2%25eth0]/c',
        'Link', '<http://[fe80::2]/s.css>; rel=preload', 'Set-Cookie', 'a=1; Domain=fe80::2; Path=/; Secure', 'Set-Cookie', 'b=2; HttpOnly',
        'Strict-Transport-Security', 'max-age=1', 'Content-Length', '12', 'Transfer-Encoding', 'chunked', 'Content-Type', 'text/html', 'Content-Encoding', 'gzip',
      ],
      route,
      { rewriting: true, decoding: true },
    );
    assert.deepEqual(out, [
      'Location', `http://${LOCAL}/next`, 'Refresh', `5; url=http://${LOCAL}/r`, 'Content-Location', `http://${LOCAL}/c`,
      'Link', `<http://${LOCAL}/s.css>; rel=preload`, 'Set-Cookie', 'a=1; Path=/; Secure', 'Set-Cookie', 'b=2; HttpOnly', 'Content-Type', 'text/html',
    ]);
  });

  test('Set-Cookie: only Domain goes, every other attribute stays', () => {
    assert.equal(rewriteSetCookie('s=1; domain=.printer.local; Secure; SameSite=None'), 's=1; Secure; SameSite=None');
    assert.equal(rewriteSetCookie('__Host-s=1; Path=/; Secure'), '__Host-s=1; Path=/; Secure');
    assert.equal(rewriteSetCookie('domain=x'), 'domain=x', 'a cookie named domain is not an attribute');
  });

  test('encodings and content types', () => {
    assert.equal(decodableEncodings('zstd'), undefined);
    assert.equal(decodableEncodings('gzip;q=1.0, identity;q=0.5, *;q=0'), 'gzip;q=1.0, identity;q=0.5');
    for (const t of ['text/html; charset=utf-8', 'TEXT/CSS', 'application/javascript', 'application/ld+json', 'image/svg+xml']) assert.ok(isRewritable(t), t);
    for (const t of [undefined, 'application/octet-stream', 'image/png', 'text/plain', 'text/event-stream', 'video/mp4']) assert.ok(!isRewritable(t), String(t));
  });
});

describe('Host header and labels', () => {
  test('parseRequestHost', () => {
    assert.deepEqual(parseRequestHost('Printer-Eth0.LOCALHOST:8080'), { host: 'printer-eth0.localhost', port: 8080 });
    assert.deepEqual(parseRequestHost('[::1]:81'), { host: '[::1]', port: 81 });
    assert.deepEqual(parseRequestHost('localhost.'), { host: 'localhost', port: 80 });
    for (const bad of [undefined, '', 'a b:80', 'x:', 'x:1234567', '[::1', '[::1]x', 'evil.com@localhost:80', 'a/b']) assert.equal(parseRequestHost(bad), undefined, String(bad));
    assert.equal(labelOf('printer-eth0.localhost'), 'printer-eth0');
    assert.equal(labelOf('a.b.localhost'), undefined);
    assert.equal(labelOf('localhost'), undefined);
    assert.equal(labelOf('evil-localhost'), undefined);
  });
});

describe('device targets', () => {
  const ok: [string, { secure: boolean; address?: string; name?: string; iface?: string; port: number; path?: string; label: string; host: string }][] = [
    ['http://[fe80::1%25eth0]/', { secure: false, address: 'fe80::1%eth0', iface: 'eth0', port: 80, label: 'fe80-1-eth0', host: '[fe80::1]' }],
    ['https://[fe80::1%eth0]:8443/admin?x=1', { secure: true, address: 'fe80::1%eth0', iface: 'eth0', port: 8443, path: '/admin?x=1', label: 'fe80-1-eth0', host: '[fe80::1]:8443' }],
    ['[fe80::1%eth0]:8443', { secure: true, address: 'fe80::1%eth0', iface: 'eth0', port: 8443, label: 'fe80-1-eth0', host: '[fe80::1]:8443' }],
    ['[fe80::1%eth0]:8080', { secure: false, address: 'fe80::1%eth0', iface: 'eth0', port: 8080, label: 'fe80-1-eth0', host: '[fe80::1]:8080' }],
    ['fe80::a:b%br-lan', { secure: false, address: 'fe80::a:b%br-lan', iface: 'br-lan', port: 80, label: 'fe80-a-b-br-lan', host: '[fe80::a:b]' }],
    ['Printer.local', { secure: false, name: 'printer.local', port: 80, label: 'printer', host: 'printer.local' }],
    ['printer.local:443', { secure: true, name: 'printer.local', port: 443, label: 'printer', host: 'printer.local' }],
    ['http://printer.local:8080/', { secure: false, name: 'printer.local', port: 8080, label: 'printer', host: 'printer.local:8080' }],
  ];
  for (const [input, want] of ok) {
    test(input, () => {
      const t = parseDeviceTarget(input);
      assert.equal(t.secure, want.secure);
      assert.equal(t.address?.toString(), want.address);
      assert.equal(t.name, want.name);
      assert.equal(t.interface, want.iface);
      assert.equal(t.port, want.port);
      assert.equal(t.path, want.path ?? '/');
      assert.equal(deviceLabel(t), want.label);
      assert.equal(deviceHost(t), want.host);
      assert.ok(deviceHostForms(t).every((h) => !h.includes('%') || h.startsWith('[')));
    });
  }
  const bad: [string, string][] = [
    ['http://[fe80::1]/', 'ERR_ZONE_REQUIRED'],
    ['fe80::1', 'ERR_ZONE_REQUIRED'],
    ['http://[2001:db8::1]/', 'ERR_ZONE_NOT_ALLOWED'],
    ['http://192.168.1.1/', 'ERR_ZONE_NOT_ALLOWED'],
    ['ftp://[fe80::1%25eth0]/', 'ERR_INVALID_ARGUMENT'],
    ['http://user:pw@[fe80::1%25eth0]/', 'ERR_INVALID_ARGUMENT'],
    ['example.com', 'ERR_INVALID_ARGUMENT'],
    ['', 'ERR_INVALID_ARGUMENT'],
    ['[fe80::1%eth0]:0', 'ERR_INVALID_ARGUMENT'],
    ['http://[::1%25.example.com]/', 'ERR_INVALID_URL'],
  ];
  for (const [input, code] of bad) {
    test(`refuses ${JSON.stringify(input)} (${code})`, () => {
      assert.throws(() => parseDeviceTarget(input), (e: unknown) => isFe80Error(e, code as never));
    });
  }
  test('labels are DNS labels whatever the interface is called', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 15 }).filter((z) => !/[\s%/[\]\0]/.test(z)), (zone) => {
        const label = deviceLabel({ secure: false, address: undefined, name: 'printer.local', interface: zone, port: 80, path: '/' });
        assert.match(label, /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/);
        assert.ok(label.length <= 59);
      }),
    );
  });
  test('fingerprints', () => {
    const hex = 'ab'.repeat(32);
    const want = Array(32).fill('AB').join(':');
    assert.equal(normalizeFingerprint(hex), want);
    assert.equal(normalizeFingerprint(`sha256:${want.toLowerCase()}`), want);
    assert.throws(() => normalizeFingerprint('abc'), (e: unknown) => isFe80Error(e, 'ERR_INVALID_ARGUMENT'));
  });
});
