// DNS-SD pieces without a network: the message codec (names as labels, PTR/SRV/TXT, queries with
// known answers split with TC), service types and instance names, TXT pairs, the event queue.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import dnsPacket from 'dns-packet';
import { encodeQueries, nameText, parseMessage, readName, sameData, type KnownRecord, type RecordData } from '../../src/dns/message.js';
import { parseServiceType, parseTxt, ptrOwner, splitInstance } from '../../src/dns/service-name.js';
import { EventQueue, type KeyedEvent } from '../../src/dns/event-queue.js';
import { browseServices, collectServices } from '../../src/dns/index.js';
import { fakeRegistry, nic } from '../helpers/fake-registry.js';

describe('message codec', () => {
  test("a query's questions (QU bit, class IN, known types only) and its known answers (answer section only)", () => {
    const buf = dnsPacket.encode({
      type: 'query',
      questions: [
        { name: '_HTTP._tcp.local', type: 'PTR', class: 'IN' },
        { name: 'p.local', type: 'AAAA', class: 'IN' },
        { name: 'p.local', type: 'HINFO', class: 'IN' },
        { name: 'p.local', type: 'A', class: 'CH' },
      ],
      answers: [{ name: '_http._tcp.local', type: 'PTR', class: 'IN', ttl: 4500, data: 'Printer._http._tcp.local' }],
      additionals: [{ name: 'p.local', type: 'AAAA', class: 'IN', ttl: 120, data: 'fe80::2' }],
    });
    buf.writeUInt16BE(0x8001, 12 + 18 + 2); // the first question asks for a unicast answer (RFC 6762 §5.4)
    const m = parseMessage(buf);
    assert.ok(m.ok && !m.response);
    assert.deepEqual(m.questions, [
      { key: '_http._tcp.local', type: 'PTR', unicast: true },
      { key: 'p.local', type: 'AAAA', unicast: false },
    ]);
    assert.deepEqual(m.records.map((r) => `${r.key} ${r.data.type}`), ['_http._tcp.local PTR']);
    const response = parseMessage(dnsPacket.encode({ type: 'response', questions: [{ name: 'p.local', type: 'AAAA' }], answers: [] }));
    assert.ok(response.ok && response.questions.length === 0);
  });

  test('sameData: record data compared field by field, names without regard to ASCII case (RFC 6762 §16)', () => {
    const name = (s: string): string[] => s.split('.');
    const rows: [RecordData, RecordData, boolean][] = [
      [{ type: 'PTR', target: name('A._http._tcp.local') }, { type: 'PTR', target: name('a._HTTP._tcp.local') }, true],
      [{ type: 'PTR', target: name('a._http._tcp.local') }, { type: 'PTR', target: name('b._http._tcp.local') }, false],
      [{ type: 'AAAA', bytes: new Uint8Array(16).fill(1) }, { type: 'AAAA', bytes: new Uint8Array(16).fill(1) }, true],
      [{ type: 'AAAA', bytes: new Uint8Array(16).fill(1) }, { type: 'AAAA', bytes: new Uint8Array(16).fill(2) }, false],
      [{ type: 'A', bytes: new Uint8Array(4) }, { type: 'AAAA', bytes: new Uint8Array(4) }, false],
      [{ type: 'SRV', srv: { priority: 0, weight: 0, port: 80, target: name('P.local') } }, { type: 'SRV', srv: { priority: 0, weight: 0, port: 80, target: name('p.local') } }, true],
      [{ type: 'SRV', srv: { priority: 0, weight: 0, port: 80, target: name('p.local') } }, { type: 'SRV', srv: { priority: 0, weight: 0, port: 81, target: name('p.local') } }, false],
      [{ type: 'TXT', strings: [Buffer.from('a=1')] }, { type: 'TXT', strings: [Buffer.from('a=1')] }, true],
      [{ type: 'TXT', strings: [Buffer.from('a=1')] }, { type: 'TXT', strings: [Buffer.from('A=1')] }, false],
      [{ type: 'TXT', strings: [Buffer.from('a=1')] }, { type: 'TXT', strings: [Buffer.from('a=1'), Buffer.from('b')] }, false],
    ];
    for (const [a, b, same] of rows) {
      assert.equal(sameData(a, b), same, JSON.stringify([a, b]));
      assert.equal(sameData(b, a), same, 'symmetric');
    }
  });

  test('PTR, SRV, TXT, A and AAAA of a DNS-SD answer, names as labels (a dot inside an instance stays inside)', () => {
    const buf = dnsPacket.encode({
      type: 'response',
      flags: dnsPacket.AUTHORITATIVE_ANSWER,
      answers: [{ name: '_http._tcp.local', type: 'PTR', class: 'IN', ttl: 4500, data: 'Printer._http._tcp.local' }],
      additionals: [
        { name: 'Printer._http._tcp.local', type: 'SRV', class: 'IN', flush: true, ttl: 120, data: { port: 8080, target: 'p.local', priority: 1, weight: 2 } },
        { name: 'Printer._http._tcp.local', type: 'TXT', class: 'IN', flush: true, ttl: 4500, data: [Buffer.from('a=1'), Buffer.from('b')] },
        { name: 'p.local', type: 'AAAA', class: 'IN', ttl: 120, data: 'fe80::2' },
        { name: 'p.local', type: 'A', class: 'IN', ttl: 120, data: '192.0.2.2' },
        { name: 'p.local', type: 'HINFO', class: 'IN', ttl: 120, data: { cpu: 'x', os: 'y' } },
      ],
    });
    const m = parseMessage(buf);
    assert.equal(m.ok, true);
    if (!m.ok) return;
    assert.equal(m.response, true);
    assert.deepEqual(
      m.records.map((r) => `${nameText(r.name)} ${r.data.type} ${r.ttl} ${r.cacheFlush}`),
      ['_http._tcp.local PTR 4500 false', 'Printer._http._tcp.local SRV 120 true', 'Printer._http._tcp.local TXT 4500 true', 'p.local AAAA 120 false', 'p.local A 120 false'],
    );
    const srv = m.records[1]?.data;
    assert.ok(srv?.type === 'SRV' && srv.srv.port === 8080 && srv.srv.priority === 1 && srv.srv.weight === 2 && nameText(srv.srv.target) === 'p.local');
    const txt = m.records[2]?.data;
    assert.ok(txt?.type === 'TXT');
    if (txt?.type === 'TXT') assert.deepEqual(txt.strings.map(String), ['a=1', 'b']);
    // a label with a dot and a space, by hand (dns-packet would split it)
    const label = Buffer.from('Living Room.2');
    const wire = Buffer.concat([Buffer.from([label.length]), label, Buffer.from([5]), Buffer.from('_http'), Buffer.from([4]), Buffer.from('_tcp'), Buffer.from([5]), Buffer.from('local'), Buffer.from([0])]);
    const r = readName(wire, 0);
    assert.deepEqual(r.labels, ['Living Room.2', '_http', '_tcp', 'local']);
    assert.equal(r.end, wire.length);
    assert.equal(nameText(r.labels), 'Living Room\\.2._http._tcp.local');
  });

  test('refused: over 9000 bytes, OPCODE or RCODE not 0, pointer loops, truncation; skipped: bad RDLENGTH', () => {
    const big = Buffer.alloc(9001);
    big.writeUInt16BE(0x8400, 2);
    assert.equal(parseMessage(big).ok, false);
    const opcode = Buffer.from([0, 0, 0x8c, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    assert.equal(parseMessage(opcode).ok, false);
    const loop = Buffer.from([0, 0, 0x84, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0xc0, 12, 0, 12, 0, 1, 0, 0, 0, 120, 0, 2, 0xc0, 12]);
    assert.equal(parseMessage(loop).ok, false, 'PTR whose name points at itself');
    const good = dnsPacket.encode({ type: 'response', answers: [{ name: 'h.local', type: 'A', class: 'IN', ttl: 1, data: '192.0.2.1' }] });
    for (let len = 12; len < good.length; len++) assert.equal(parseMessage(good.subarray(0, len)).ok, false, `cut at ${len}`);
    const short = Buffer.from(good);
    short.writeUInt16BE(3, short.length - 6); // an A record with RDLENGTH 3: skipped, the rest of the packet still read
    const r = parseMessage(short);
    assert.ok(r.ok && r.records.length === 0, JSON.stringify(r));
  });

  test('queries: QM questions with known answers; too many known answers go on in TC packets (RFC 6762 §7.2)', () => {
    const known: KnownRecord[] = Array.from({ length: 200 }, (_, i) => ({ name: ['_x', '_tcp', 'local'], ttl: 4000, data: { type: 'PTR', target: [`instance number ${i}`, '_x', '_tcp', 'local'] } }));
    const packets = encodeQueries([{ questions: [{ name: ['_x', '_tcp', 'local'], type: 'PTR' }], known }, { questions: [{ name: ['h', 'local'], type: 'AAAA' }], known: [] }], 1400);
    assert.ok(packets.length > 1, `${packets.length} packets`);
    let answers = 0;
    for (const [i, p] of packets.entries()) {
      assert.ok(p.length <= 1400, `packet ${i}: ${p.length} bytes`);
      const d = dnsPacket.decode(p);
      assert.equal(d.type, 'query');
      assert.equal(d.id, 0);
      answers += d.answers?.length ?? 0;
      // every packet but the last says more known answers follow
      assert.equal(((d.flags ?? 0) & 0x200) !== 0, i < packets.length - 1, `TC on packet ${i}`);
    }
    assert.equal(answers, 200);
    assert.equal(dnsPacket.decode(packets[0]!).questions?.[0]?.name, '_x._tcp.local');
    assert.ok(packets.some((p) => dnsPacket.decode(p).questions?.some((q) => q.name === 'h.local')), 'the second question is sent');
  });
});

describe('DNS-SD names and TXT', () => {
  const types: [string, string, string | undefined, string][] = [
    ['_http._tcp', '_http._tcp', undefined, '_http._tcp.local'],
    ['_HTTP._TCP.local.', '_HTTP._tcp', undefined, '_HTTP._tcp.local'],
    ['_matterc._udp', '_matterc._udp', undefined, '_matterc._udp.local'],
    ['_L840._sub._matterc._udp', '_matterc._udp', '_L840', '_L840._sub._matterc._udp.local'],
    ['_printer._sub._http._tcp.local', '_http._tcp', '_printer', '_printer._sub._http._tcp.local'],
  ];
  for (const [text, type, subtype, query] of types) {
    test(`parseServiceType(${JSON.stringify(text)})`, () => {
      const t = parseServiceType(text);
      assert.equal(t.type, type);
      assert.equal(t.subtype, subtype);
      assert.equal(t.query.join('.'), query);
    });
  }
  for (const bad of ['http._tcp', '_http', '_http._sctp', '_http._tcp.example', '_a_b._tcp', '_-x._tcp', '_x._sub._y', '_sixteen-chars-xx._tcp', 'x._foo._http._tcp', '', '_1234._tcp']) {
    test(`parseServiceType refuses ${JSON.stringify(bad)}`, () => {
      assert.throws(() => parseServiceType(bad), { code: 'ERR_INVALID_ARGUMENT' });
    });
  }
  test('ptrOwner and splitInstance', () => {
    assert.deepEqual(ptrOwner(['_services', '_dns-sd', '_udp', 'local']), { kind: 'services' });
    assert.deepEqual(ptrOwner(['_http', '_TCP', 'local']), { kind: 'type', type: '_http._tcp' });
    assert.deepEqual(ptrOwner(['_CM', '_sub', '_matterc', '_udp', 'local']), { kind: 'subtype', type: '_matterc._udp', subtype: '_CM' });
    assert.equal(ptrOwner(['2', '0', 'in-addr', 'arpa']), undefined);
    assert.deepEqual(splitInstance(['My.Printer', '_ipp', '_tcp', 'local']), { instance: 'My.Printer', type: '_ipp._tcp', domain: 'local' });
    assert.equal(splitInstance(['a', 'b', 'local']), undefined);
    assert.equal(splitInstance(['x', '_ipp', '_tcp', 'example']), undefined);
  });
  test('parseTxt (RFC 6763 §6): pairs, booleans, empty values, first wins, case-insensitive keys, no prototype keys', () => {
    const b = (...xs: string[]) => xs.map((x) => Buffer.from(x));
    assert.deepEqual(parseTxt(b('path=/x', 'Flag', 'empty=', 'PATH=/y', '=nokey', '')), { path: '/x', flag: true, empty: '' });
    assert.deepEqual(parseTxt(b('')), {});
    const proto = parseTxt(b('__proto__=x', 'constructor'));
    assert.equal(Object.getPrototypeOf(proto), Object.prototype);
    assert.equal(proto['__proto__'], 'x');
    assert.equal(proto['constructor'], true);
    assert.deepEqual(parseTxt([Buffer.from([0x6b, 0x3d, 0xff, 0xfe])]), { k: '\ufffd\ufffd' }, 'binary values decode lossily; txtRaw has the bytes');
  });
});

describe('EventQueue: one pending event per service, merged', () => {
  type E = KeyedEvent<number>;
  const cases: { name: string; push: E['type'][]; want: E['type'][] }[] = [
    { name: 'found then updated: found with the newer data', push: ['found', 'updated'], want: ['found'] },
    { name: 'found then lost: nothing', push: ['found', 'lost'], want: [] },
    { name: 'updated then lost: lost', push: ['updated', 'lost'], want: ['lost'] },
    { name: 'lost then found: updated (the consumer saw it before)', push: ['lost', 'found'], want: ['updated'] },
    { name: 'updated twice: once', push: ['updated', 'updated'], want: ['updated'] },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const q = new EventQueue<E>(() => {});
      c.push.forEach((type, i) => q.push('k', { type, service: i }));
      q.end();
      const got: E[] = [];
      for await (const e of { [Symbol.asyncIterator]: () => q }) got.push(e);
      assert.deepEqual(got.map((e) => e.type), c.want);
      if (got.length > 0) assert.equal(got[0]?.service, c.push.length - 1, 'the newest snapshot');
    });
  }
  test('bounded by keys, in order of latest news; an error ends the iteration after what is pending', async () => {
    const q = new EventQueue<E>(() => {});
    for (let i = 0; i < 10_000; i++) q.push(`k${i % 10}`, { type: 'updated', service: i });
    assert.equal(q.size, 10);
    q.end(new Error('boom'));
    const got: number[] = [];
    await assert.rejects(async () => {
      for await (const e of { [Symbol.asyncIterator]: () => q }) got.push(e.service);
    }, /boom/);
    assert.deepEqual(got, [9990, 9991, 9992, 9993, 9994, 9995, 9996, 9997, 9998, 9999]);
  });
  test('a waiting consumer gets the event at once; return() stops and calls back', async () => {
    let stopped = 0;
    const q = new EventQueue<E>(() => stopped++);
    const next = q.next();
    q.push('a', { type: 'found', service: 1 });
    assert.deepEqual(await next, { value: { type: 'found', service: 1 }, done: false });
    await q.return();
    assert.equal(stopped, 1);
    assert.deepEqual(await q.next(), { value: undefined, done: true });
  });
});

describe('browseServices / collectServices: options are checked before any socket', () => {
  // no interface of this registry can send anything: every case must throw before trying
  const registry = fakeRegistry([nic('lo', 1, true, ['127.0.0.1', '::1']), nic('eth9', 2, false, ['fe80::1'])]);
  const cases: { name: string; options: object; code: string; message?: RegExp }[] = [
    { name: 'a type that is not a service type', options: { types: ['http'] }, code: 'ERR_INVALID_ARGUMENT', message: /service type "http"/ },
    { name: 'an empty type list', options: { types: [] }, code: 'ERR_INVALID_ARGUMENT' },
    { name: 'a transport that does not exist', options: { transport: 'udp' }, code: 'ERR_INVALID_ARGUMENT' },
    { name: 'maxServices 0', options: { maxServices: 0 }, code: 'ERR_INVALID_ARGUMENT' },
    { name: 'a negative resolveTimeout', options: { resolveTimeout: -1 }, code: 'ERR_INVALID_ARGUMENT' },
    { name: 'an aborted signal', options: { signal: AbortSignal.abort() }, code: 'ERR_ABORTED' },
    { name: 'an unknown interface', options: { interfaces: ['nope0'] }, code: 'ERR_UNKNOWN_INTERFACE' },
    { name: 'a down interface', options: { interfaces: ['eth9'] }, code: 'ERR_INTERFACE_DOWN' },
    { name: 'no candidate at all', options: {}, code: 'ERR_NOT_FOUND' },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      assert.throws(() => browseServices({ registry, ...c.options }), (e: { code?: string; message?: string }) => e.code === c.code && (c.message === undefined || c.message.test(e.message ?? '')));
      await assert.rejects(collectServices({ registry, ...c.options }), { code: c.code });
    });
  }
  test('collectServices checks its duration', async () => {
    await assert.rejects(collectServices({ registry, duration: 0 }), { code: 'ERR_INVALID_ARGUMENT' });
  });
});
