// Zone name syntax (Linux L-1/L-2, Windows friendly names), decimal index parsing (glibc G-1),
// default zone (RFC 4007 §6).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Fe80Error } from '../../src/errors.js';
import { assertZoneName, isDefaultZone, normalizeZone, parseZoneIndex, zoneNameProblem } from '../../src/iface/index.js';

describe('Linux interface name rules (standards.md L-1, L-2)', () => {
  const valid = ['lo', 'eth0', 'br-lan', 'eth0.100', 'wlan_0', 'veth056725e', 'br-8be599efde52', 'a', '0', '01', '2', 'ETH0', 'a@b+c#d=e', 'abcdefghijklmno', 'vé0', 'é'.repeat(7) + 'x', '日本', '\u{1F600}', '...', '.a', '-'];
  const invalid: [string, RegExp][] = [
    ['', /empty/],
    ['.', /"\." or "\.\."/],
    ['..', /"\." or "\.\."/],
    ['../../etc', /"\/"/],
    ['a/b', /"\/"/],
    ['eth0:1', /":"/],
    ['eth%d', /"%"/],
    ['a b', /whitespace 0x20/],
    ['\t', /whitespace 0x09/],
    ['a\nb', /whitespace 0x0A/],
    ['\v', /whitespace/],
    ['\f', /whitespace/],
    ['\r', /whitespace/],
    ['\0', /NUL/],
    ['eth0\0x', /NUL/],
    ['abcdefghijklmnop', /longer than 15 bytes/],
    ['é'.repeat(8), /longer than 15 bytes/], // 16 bytes of UTF-8 in 8 characters
    ['\u00a0', /0xA0/], // NBSP = C2 A0
    ['à', /0xA0/], // C3 A0
    ['\u0860', /0xA0/], // E0 A1 A0
    ['\u2020', /0xA0/], // E2 80 A0
    ['\u{10820}', /0xA0/], // F0 90 A0 A0
    ['\ud800x', /unpaired surrogate/],
    ['x\udc00', /unpaired surrogate/],
  ];
  for (const name of valid) {
    test(`valid: ${JSON.stringify(name)} (${Buffer.byteLength(name)} bytes)`, () => {
      assert.equal(zoneNameProblem(name), undefined);
      assert.doesNotThrow(() => assertZoneName(name));
    });
  }
  for (const [name, why] of invalid) {
    test(`invalid: ${JSON.stringify(name)}`, () => {
      assert.match(zoneNameProblem(name) ?? '', why);
      assert.throws(() => assertZoneName(name), (e: unknown) => e instanceof Fe80Error && e.code === 'ERR_INVALID_ZONE' && e.input === name);
    });
  }
  test('the byte limit counts UTF-8 bytes: 15 pass, 16 fail', () => {
    assert.equal(zoneNameProblem('x'.repeat(15)), undefined);
    assert.equal(zoneNameProblem('é'.repeat(7) + 'x'), undefined); // 15 bytes
    assert.notEqual(zoneNameProblem('é'.repeat(7) + 'xy'), undefined); // 16 bytes
    assert.equal(zoneNameProblem('\u{1F600}'.repeat(3) + 'abc'), undefined); // 15 bytes
    assert.notEqual(zoneNameProblem('\u{1F600}'.repeat(4)), undefined); // 16 bytes
  });
  test('agrees with a byte-level reference on every BMP code point (as a 1-char name)', () => {
    const reference = (s: string): boolean => {
      const b = Buffer.from(s, 'utf8');
      if (b.length === 0 || b.length > 15 || s === '.' || s === '..') return false;
      return !b.some((x) => x === 0 || x === 0x2f || x === 0x3a || x === 0x25 || x === 0x20 || (x >= 0x09 && x <= 0x0d) || x === 0xa0);
    };
    for (let c = 0; c <= 0xffff; c++) {
      if (c >= 0xd800 && c <= 0xdfff) continue;
      const s = String.fromCharCode(c);
      assert.equal(zoneNameProblem(s) === undefined, reference(s), `U+${c.toString(16)}`);
    }
  });
});

describe('Windows friendly names', () => {
  for (const name of ['Loopback Pseudo-Interface 1', 'Npcap Loopback Adapter', 'Wi-Fi', 'Ethernet0', 'vEthernet (Default Switch)', 'Local Area Connection* 8', 'a/b:c']) {
    test(`valid: ${JSON.stringify(name)}`, () => assert.equal(zoneNameProblem(name, 'windows'), undefined));
  }
  for (const name of ['', 'a%b', 'a\0b', 'a\nb', 'x'.repeat(257)]) {
    test(`invalid: ${JSON.stringify(name.slice(0, 20))}`, () => assert.notEqual(zoneNameProblem(name, 'windows'), undefined));
  }
});

describe('parseZoneIndex (glibc G-1: all ASCII digits, decimal, <= UINT32_MAX)', () => {
  const cases: [string, number | undefined][] = [
    ['0', 0],
    ['1', 1],
    ['01', 1],
    ['0000000000000000000000000000000000000000000000000001', 1],
    ['4294967295', 4294967295],
    ['4294967296', undefined],
    ['99999999999999999999999', undefined],
    ['', undefined],
    ['+1', undefined],
    ['-1', undefined],
    [' 1', undefined],
    ['1 ', undefined],
    ['0x1', undefined],
    ['1e3', undefined],
    ['١', undefined], // Arabic-Indic digit one
    ['eth0', undefined],
  ];
  for (const [text, want] of cases) test(`${JSON.stringify(text)} -> ${want}`, () => assert.equal(parseZoneIndex(text), want));
});

describe('default zone (RFC 4007 §6)', () => {
  test('isDefaultZone / normalizeZone', () => {
    for (const z of [undefined, 0, '0', '00']) {
      assert.equal(isDefaultZone(z), true, String(z));
      assert.equal(normalizeZone(z), undefined);
    }
    for (const z of [1, '1', '01', 'eth0', '', 'O']) {
      assert.equal(isDefaultZone(z), false, String(z));
      assert.equal(normalizeZone(z), z);
    }
  });
});
