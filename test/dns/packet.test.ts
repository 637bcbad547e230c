// Response validation on crafted packets (RFC 6762 §6, §18), no network.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import dnsPacket from 'dns-packet';
import { encodeName, encodeQuery, parseResponse, TYPE_A, TYPE_AAAA } from '../../src/dns/packet.js';
import { isLocalName, nameKey, normalizeName } from '../../src/dns/names.js';
import { parseMessage } from '../../src/dns/message.js';

function response(answers: dnsPacket.Answer[], extra: Partial<dnsPacket.Packet> = {}): Buffer {
  return dnsPacket.encode({ type: 'response', id: 0, flags: dnsPacket.AUTHORITATIVE_ANSWER, answers, ...extra });
}
const aaaa = (name: string, data: string, ttl = 120): dnsPacket.Answer => ({ name, type: 'AAAA', class: 'IN', ttl, data });
const a = (name: string, data: string, ttl = 120): dnsPacket.Answer => ({ name, type: 'A', class: 'IN', ttl, data });

function ok(buf: Buffer) {
  const r = parseResponse(buf);
  assert.equal(r.ok, true, r.ok ? '' : r.reason);
  if (!r.ok) throw new Error('unreachable');
  return r;
}
function rejected(buf: Buffer, reason: RegExp): void {
  const r = parseResponse(buf);
  assert.equal(r.ok, false);
  if (!r.ok) assert.match(r.reason, reason);
}

describe('parseResponse', () => {
  test('A and AAAA answers and additionals, other types skipped, authority ignored', () => {
    const r = ok(
      response([aaaa('host.local', 'fe80::1'), a('host.local', '169.254.1.2'), { name: 'host.local', type: 'TXT', ttl: 1, data: 'x' }], {
        authorities: [aaaa('host.local', 'fe80::dead')],
        additionals: [aaaa('host.local', '2001:db8::1', 10)],
      }),
    );
    assert.deepEqual(
      r.records.map((x) => [x.type, Buffer.from(x.data).toString('hex'), x.ttl]),
      [
        [TYPE_AAAA, 'fe800000000000000000000000000001', 120],
        [TYPE_A, 'a9fe0102', 120],
        [TYPE_AAAA, '20010db8000000000000000000000001', 10],
      ],
    );
  });

  test('header rules: QR must be set, OPCODE and RCODE 0 (RFC 6762 §18.2, §18.3, §18.11)', () => {
    const good = response([aaaa('h.local', 'fe80::1')]);
    const set = (flags: number) => {
      const b = Buffer.from(good);
      b.writeUInt16BE(flags, 2);
      return b;
    };
    rejected(set(0x0000), /QR/);
    rejected(set(0x8000 | (1 << 11)), /OPCODE/);
    rejected(set(0x8003), /RCODE/);
    ok(set(0x8400 | 0x0200)); // AA + TC: still used
    rejected(Buffer.alloc(5), /header/);
  });

  test('questions in a response and a non-zero ID are ignored (RFC 6762 §6, §18.1)', () => {
    const r = ok(response([aaaa('h.local', 'fe80::1')], { id: 0x1234, questions: [{ name: 'h.local', type: 'AAAA', class: 'IN' }] }));
    assert.equal(r.records.length, 1);
    assert.equal(r.id, 0x1234);
  });

  test('cache-flush bit: class 0x8001 is IN (RFC 6762 §18.13); other classes are skipped', () => {
    const flush = ok(response([{ ...aaaa('h.local', 'fe80::1'), flush: true } as dnsPacket.Answer]));
    assert.equal(flush.records[0]?.cacheFlush, true);
    const ch = response([aaaa('h.local', 'fe80::1')]);
    ch.writeUInt16BE(3, ch.length - 16 - 8); // class CH
    assert.equal(ok(ch).records.length, 0);
    const chFlush = Buffer.from(ch);
    chFlush.writeUInt16BE(0x8003, ch.length - 16 - 8);
    assert.equal(ok(chFlush).records.length, 0);
  });

  test('RDLENGTH must match the type: a 4-byte AAAA is skipped and the next record still parsed', () => {
    const name = Buffer.from([1, 0x68, 5, 0x6c, 0x6f, 0x63, 0x61, 0x6c, 0]); // h.local
    const rr = (nameBytes: Buffer, type: number, rdata: number[]) => {
      const fixed = Buffer.alloc(10);
      fixed.writeUInt16BE(type, 0);
      fixed.writeUInt16BE(1, 2);
      fixed.writeUInt32BE(120, 4);
      fixed.writeUInt16BE(rdata.length, 8);
      return Buffer.concat([nameBytes, fixed, Buffer.from(rdata)]);
    };
    const header = Buffer.from([0, 0, 0x84, 0, 0, 0, 0, 3, 0, 0, 0, 0]);
    const packet = Buffer.concat([
      header,
      rr(name, TYPE_AAAA, [10, 0, 0, 9]), // AAAA with RDLENGTH 4
      rr(Buffer.from([0xc0, 12]), TYPE_A, [10, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]), // A with RDLENGTH 16
      rr(Buffer.from([0xc0, 12]), TYPE_A, [10, 0, 0, 1]),
    ]);
    const r = ok(packet);
    assert.deepEqual(
      r.records.map((x) => [x.name, x.type, [...x.data].join('.')]),
      [['h.local', TYPE_A, '10.0.0.1']],
    );
  });

  test('truncated packets, bad labels and compression loops are rejected without throwing', () => {
    const good = response([aaaa('h.local', 'fe80::1')]);
    for (let len = 0; len < good.length; len++) {
      const r = parseResponse(good.subarray(0, len));
      assert.equal(r.ok, false, `prefix of ${len} bytes`);
    }
    // answer name = pointer to itself (offset 12): dns-packet accepts only backward pointers
    const loop = Buffer.from([0, 0, 0x84, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0xc0, 12, 0, 28, 0, 1, 0, 0, 0, 120, 0, 16, ...new Array(16).fill(0)]);
    rejected(loop, /pointer/);
    const forward = Buffer.from(loop);
    forward[13] = 30;
    rejected(forward, /pointer/);
    const badLabel = Buffer.from(loop);
    badLabel[12] = 0x80;
    rejected(badLabel, /label/);
    // a huge ANCOUNT with no records
    const many = Buffer.from([0, 0, 0x84, 0, 0, 0, 0xff, 0xff, 0, 0, 0, 0]);
    rejected(many, /past the end|truncated/);
  });

  test('names: 127 labels (255 bytes) are read by both parsers, 128 by neither (RFC 1035 §3.1)', () => {
    const withLabels = (n: number): Buffer => {
      const name = Buffer.concat([...Array.from({ length: n }, () => Buffer.from([1, 0x61])), Buffer.from([0])]);
      const header = Buffer.from([0, 0, 0x84, 0, 0, 0, 0, 1, 0, 0, 0, 0]);
      const fixed = Buffer.from([0, 28, 0, 1, 0, 0, 0, 120, 0, 16]);
      return Buffer.concat([header, name, fixed, Buffer.alloc(16)]);
    };
    const longest = withLabels(127);
    const one = parseResponse(longest);
    assert.ok(one.ok, 'the one-shot parser');
    const full = parseMessage(longest);
    assert.ok(full.ok && full.records.length === 1 && full.records[0]!.name.length === 127, 'the DNS-SD parser');
    rejected(withLabels(128), /too many labels/);
    const refused = parseMessage(withLabels(128));
    assert.ok(!refused.ok && /too many labels/.test(refused.reason));
  });

  test('random bytes never throw', () => {
    let seed = 42;
    const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) & 0xff;
    for (let i = 0; i < 5000; i++) {
      const b = Buffer.alloc(12 + (i % 300));
      for (let j = 0; j < b.length; j++) b[j] = rnd();
      if (i % 2 === 0) b.writeUInt16BE(0x8400, 2);
      assert.doesNotThrow(() => parseResponse(b));
    }
  });

  test('TTL with the top bit set counts as 0 (RFC 2181 §8)', () => {
    const b = response([aaaa('h.local', 'fe80::1')]);
    b.writeUInt32BE(0x80000001, b.length - 16 - 6);
    assert.equal(ok(b).records[0]?.ttl, 0);
  });
});

describe('parseResponse with a wire name (the resolver\'s matching)', () => {
  const wire = encodeName('host.local');
  test('matches ASCII case-insensitively, through compression pointers, and only that name', () => {
    const b = response([aaaa('HoSt.LOCAL', 'fe80::1'), aaaa('other.local', 'fe80::2'), aaaa('host.local.x', 'fe80::3')], {
      questions: [{ name: 'host.local', type: 'AAAA', class: 'IN' }],
    });
    const r = parseResponse(b, wire);
    assert.equal(r.ok, true);
    if (r.ok) assert.deepEqual(r.records.map((x) => x.data[15]), [1]);
  });
  test('compressed owner names (pointer to the question) match; loops and forward pointers reject the packet', () => {
    // question host.local at 12; answer name = pointer to 12
    const q = Buffer.from([4, 0x68, 0x6f, 0x73, 0x74, 5, 0x6c, 0x6f, 0x63, 0x61, 0x6c, 0, 0, 28, 0, 1]);
    const rr = Buffer.alloc(2 + 10 + 16);
    rr.writeUInt16BE(0xc000 | 12, 0);
    rr.writeUInt16BE(28, 2);
    rr.writeUInt16BE(1, 4);
    rr.writeUInt32BE(120, 6);
    rr.writeUInt16BE(16, 10);
    rr[12] = 0xfe;
    rr[13] = 0x80;
    rr[27] = 1;
    const header = Buffer.from([0, 0, 0x84, 0, 0, 1, 0, 1, 0, 0, 0, 0]);
    const good = parseResponse(Buffer.concat([header, q, rr]), wire);
    assert.equal(good.ok && good.records.length, 1);
    const loop = Buffer.concat([header, q, rr]);
    loop.writeUInt16BE(0xc000 | 28, 28); // the answer's name points at itself
    assert.equal(parseResponse(loop, wire).ok, false);
    const other = parseResponse(Buffer.concat([header, q, rr]), encodeName('hosts.local'));
    assert.equal(other.ok && other.records.length, 0);
  });
});

describe('encodeQuery', () => {
  test('a legacy one-shot query: QR 0, questions, known answers', () => {
    const q = dnsPacket.decode(encodeQuery('h.local', ['AAAA', 'A'], 7, [{ name: 'h.local', type: 'AAAA', ttl: 60, data: 'fe80::1' }]));
    assert.equal(q.type, 'query');
    assert.equal(q.id, 7);
    assert.deepEqual(q.questions?.map((x) => x.type), ['AAAA', 'A']);
    assert.equal(q.answers?.length, 1);
  });
});

describe('names', () => {
  test('normalizeName: NFC, trailing dot, label rules', () => {
    assert.equal(normalizeName('Printer.local.'), 'Printer.local');
    assert.equal(normalizeName('cafe\u0301.local'), 'caf\u00e9.local');
    for (const bad of ['', '.', 'a..local', `${'x'.repeat(64)}.local`, 'a b.local', 'a\u0000.local', `${'abc.'.repeat(70)}local`]) {
      assert.throws(() => normalizeName(bad), { code: 'ERR_INVALID_ARGUMENT' }, JSON.stringify(bad));
    }
  });
  test('nameKey folds ASCII case only; isLocalName', () => {
    assert.equal(nameKey('HoSt.LOCAL.'), 'host.local');
    assert.equal(nameKey('\u00c9.local'), '\u00c9.local');
    assert.equal(isLocalName('x.local'), true);
    assert.equal(isLocalName('X.LOCAL.'), true);
    assert.equal(isLocalName('local'), false);
    assert.equal(isLocalName('.local'), false);
    assert.equal(isLocalName('example.com'), false);
    assert.equal(isLocalName('x.localhost'), false);
  });
});
