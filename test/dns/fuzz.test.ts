// Property tests (fast-check) over every mDNS parser entry point: arbitrary bytes, valid packets
// mutated (bytes flipped, cut short, counts lied about), and valid packets checked against
// dns-packet's decoder. Never an exception, never a record the packet did not hold, never more than
// 32 records per (name, type). Fixed seed (FE80_FC_SEED, default 6762) so CI is reproducible;
// FE80_FC_RUNS sets the runs (bench/fuzz-mdns.bench.ts runs many more with fresh seeds).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import dnsPacket from 'dns-packet';
import { Fe80Error } from '../../src/errors.js';
import { encodeName, parseResponse, TYPE_A, TYPE_AAAA, type ParseResult } from '../../src/dns/packet.js';
import { nameKey, normalizeName } from '../../src/dns/names.js';
import { MAX_PER_SET } from '../../src/dns/limits.js';
import { encodeQueries, nameKeyOf, parseMessage, readName, type KnownRecord, type ParsedMessage } from '../../src/dns/message.js';
import { parseServiceType, parseTxt, ptrOwner, splitInstance } from '../../src/dns/service-name.js';

const RUNS = Number(process.env.FE80_FC_RUNS ?? 1000);
const SEED = Number(process.env.FE80_FC_SEED ?? 6762);
const params = { numRuns: RUNS, seed: SEED };

const label = fc.stringMatching(/^[A-Za-z0-9_-]{1,12}$/);
const name = fc.array(label, { minLength: 1, maxLength: 3 }).map((ls) => `${ls.join('.')}.local`);
const ipv4 = fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 4, maxLength: 4 }).map((b) => b.join('.'));
const ipv6 = fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 }).map((h) => h.map((x) => x.toString(16)).join(':'));
const record: fc.Arbitrary<dnsPacket.Answer> = fc.oneof(
  fc.record({ name, type: fc.constant('A' as const), ttl: fc.nat({ max: 0xffffffff }), data: ipv4 }),
  fc.record({ name, type: fc.constant('AAAA' as const), ttl: fc.nat({ max: 0xffffffff }), data: ipv6 }),
  fc.record({ name, type: fc.constant('PTR' as const), ttl: fc.nat({ max: 4500 }), data: name }),
  fc.record({ name, type: fc.constant('TXT' as const), ttl: fc.nat({ max: 4500 }), data: fc.array(fc.string({ maxLength: 20 }), { maxLength: 4 }) }),
  fc.record({
    name,
    type: fc.constant('SRV' as const),
    ttl: fc.nat({ max: 4500 }),
    data: fc.record({ port: fc.nat({ max: 65535 }), target: name, priority: fc.nat({ max: 65535 }), weight: fc.nat({ max: 65535 }) }),
  }),
) as fc.Arbitrary<dnsPacket.Answer>;
const packet = fc
  .record({ answers: fc.array(record, { maxLength: 12 }), additionals: fc.array(record, { maxLength: 6 }), flush: fc.boolean() })
  .map(({ answers, additionals, flush }) => {
    const mark = (r: dnsPacket.Answer): dnsPacket.Answer => ({ ...r, class: 'IN', flush } as dnsPacket.Answer);
    return {
      answers: answers.map(mark),
      additionals: additionals.map(mark),
      buf: dnsPacket.encode({ type: 'response', id: 0, flags: dnsPacket.AUTHORITATIVE_ANSWER, answers: answers.map(mark), additionals: additionals.map(mark) }),
    };
  });
/** A valid packet with some bytes replaced, cut short, or its counts rewritten. */
const mutated = fc
  .tuple(packet, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }), fc.option(fc.nat()), fc.option(fc.integer({ min: 0, max: 0xffff })))
  .map(([p, flips, cut, count]) => {
    const b = Buffer.from(p.buf);
    for (const [at, v] of flips) b[at % b.length] = v;
    if (count !== null) b.writeUInt16BE(count, 6 + (count % 3) * 2);
    return cut === null ? b : b.subarray(0, cut % (b.length + 1));
  });
const bytes = fc.uint8Array({ maxLength: 600 }).map((u) => {
  const b = Buffer.from(u);
  if (b.length >= 4) b.writeUInt16BE(0x8400, 2); // mostly "responses", so parsing goes deeper
  return b;
});
const anyInput = fc.oneof(bytes, mutated, packet.map((p) => p.buf));

/** What every parse result must satisfy, whatever the input. */
function wellFormed(r: ParseResult, wire: Uint8Array | undefined): void {
  if (!r.ok) {
    assert.equal(typeof r.reason, 'string');
    return;
  }
  const perSet = new Map<string, number>();
  for (const rec of r.records) {
    assert.ok(rec.type === TYPE_A || rec.type === TYPE_AAAA, `type ${rec.type}`);
    assert.equal(rec.data.length, rec.type === TYPE_A ? 4 : 16);
    assert.ok(Number.isInteger(rec.ttl) && rec.ttl >= 0 && rec.ttl <= 0x7fffffff, `ttl ${rec.ttl}`);
    assert.equal(typeof rec.cacheFlush, 'boolean');
    if (wire !== undefined) assert.equal(rec.name, '');
    const key = `${rec.type} ${nameKey(rec.name)}`;
    perSet.set(key, (perSet.get(key) ?? 0) + 1);
  }
  for (const [key, n] of perSet) assert.ok(n <= MAX_PER_SET, `${n} records for ${key}`);
}

describe('mDNS parsers under arbitrary input (fast-check, fixed seed)', () => {
  test('parseResponse never throws, and what it returns is well formed', () => {
    fc.assert(
      fc.property(anyInput, (b) => {
        wellFormed(parseResponse(b), undefined);
      }),
      params,
    );
  });

  test('parseResponse with a wire name never throws either', () => {
    fc.assert(
      fc.property(anyInput, name, (b, n) => {
        wellFormed(parseResponse(b, encodeName(nameKey(n))), encodeName(nameKey(n)));
      }),
      params,
    );
  });

  test('on valid packets parseResponse returns exactly the A/AAAA records dns-packet decodes (answers and additionals)', () => {
    fc.assert(
      fc.property(packet, (p) => {
        const r = parseResponse(p.buf);
        assert.equal(r.ok, true);
        if (!r.ok) return;
        const want = [...p.answers, ...p.additionals].filter((x) => x.type === 'A' || x.type === 'AAAA');
        const got = r.records.map((x) => `${x.type === TYPE_A ? 'A' : 'AAAA'} ${nameKey(x.name)} ${x.ttl} ${x.cacheFlush}`);
        const expected = dnsPacket
          .decode(p.buf)
          .answers!.concat(dnsPacket.decode(p.buf).additionals ?? [])
          .filter((x) => x.type === 'A' || x.type === 'AAAA')
          .map((x) => x as { type: string; name: string; ttl: number; flush?: boolean })
          .map((x) => `${x.type} ${nameKey(x.name)} ${x.ttl > 0x7fffffff ? 0 : x.ttl} ${x.flush === true}`);
        assert.equal(got.length, want.length);
        assert.deepEqual(got, expected);
      }),
      params,
    );
  });

  test('the wire-name match agrees with decoding the names and comparing them ASCII case-insensitively', () => {
    fc.assert(
      fc.property(packet, fc.boolean(), name, (p, pickOwn, other) => {
        const own = p.answers[0]?.name;
        const n = pickOwn && own !== undefined ? own.toUpperCase() : other;
        const byWire = parseResponse(p.buf, encodeName(nameKey(n)));
        const all = parseResponse(p.buf);
        assert.ok(byWire.ok && all.ok, 'valid packets parse');
        if (!byWire.ok || !all.ok) return;
        assert.equal(byWire.records.length, all.records.filter((x) => nameKey(x.name) === nameKey(n)).length);
      }),
      params,
    );
  });

  test('normalizeName returns a name or throws Fe80Error, never anything else', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: 'grapheme', maxLength: 80 }), name), (s) => {
        try {
          const n = normalizeName(s);
          assert.equal(typeof n, 'string');
          assert.ok(Buffer.byteLength(n) <= 253);
          assert.doesNotThrow(() => encodeName(nameKey(n)));
        } catch (error) {
          assert.ok(error instanceof Fe80Error, String(error));
        }
      }),
      params,
    );
  });

  test('parseMessage (the browser\'s parser) never throws; its records are well formed and capped per (name, type)', () => {
    fc.assert(
      fc.property(anyInput, (b) => {
        const m: ParsedMessage = parseMessage(b);
        if (!m.ok) return void assert.equal(typeof m.reason, 'string');
        const perSet = new Map<string, number>();
        for (const r of m.records) {
          assert.ok(r.ttl >= 0 && r.ttl <= 0x7fffffff);
          assert.equal(r.key, nameKeyOf(r.name));
          assert.ok(r.name.reduce((n, l) => n + Buffer.byteLength(l) + 1, 1) <= 255 * 3, 'decoded names stay small');
          if (r.data.type === 'A') assert.equal(r.data.bytes.length, 4);
          if (r.data.type === 'AAAA') assert.equal(r.data.bytes.length, 16);
          const d = r.data;
          if (d.type === 'TXT') assert.doesNotThrow(() => parseTxt(d.strings));
          if (d.type === 'PTR') {
            assert.doesNotThrow(() => ptrOwner(r.name));
            assert.doesNotThrow(() => splitInstance(d.target));
          }
          const k = `${r.data.type} ${r.key}`;
          perSet.set(k, (perSet.get(k) ?? 0) + 1);
        }
        for (const [k, n] of perSet) assert.ok(n <= (k.startsWith('PTR') ? 1024 : MAX_PER_SET), `${n} for ${k}`);
      }),
      params,
    );
  });

  test('readName on arbitrary bytes at any offset returns labels or throws an Error (never loops)', () => {
    fc.assert(
      fc.property(anyInput, fc.nat(), (b, at) => {
        let r: ReturnType<typeof readName>;
        try {
          r = readName(b, b.length === 0 ? 0 : at % b.length);
        } catch (error) {
          assert.ok(error instanceof Error);
          return;
        }
        // outside the try: an AssertionError is an Error too, and the catch would swallow it
        assert.ok(r.end <= b.length);
        assert.ok(r.labels.length <= 128);
      }),
      params,
    );
  });

  test('encodeQueries -> parseMessage round trip: every known answer comes back with its labels (dots and UTF-8 in labels kept)', () => {
    const anyLabel = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }).filter((l) => Buffer.byteLength(l) <= 63);
    const labels = fc.tuple(anyLabel, fc.constantFrom('_http', '_ipp', '_matterc'), fc.constantFrom('_tcp', '_udp')).map(([i, t, p]) => [i, t, p, 'local']);
    fc.assert(
      fc.property(fc.array(labels, { maxLength: 60 }), fc.integer({ min: 512, max: 9000 }), (targets, max) => {
        const known: KnownRecord[] = targets.map((t) => ({ name: ['_x', '_tcp', 'local'], ttl: 100, data: { type: 'PTR', target: t } }));
        const packets = encodeQueries([{ questions: [{ name: ['_x', '_tcp', 'local'], type: 'PTR' }], known }], max);
        const back: string[] = [];
        for (const p of packets) {
          assert.ok(p.length <= max, `${p.length} > ${max}`);
          const m = parseMessage(p);
          assert.ok(m.ok && !m.response);
          if (m.ok) for (const r of m.records) if (r.data.type === 'PTR') back.push(JSON.stringify(r.data.target));
        }
        assert.deepEqual(back, targets.map((t) => JSON.stringify(t)));
      }),
      params,
    );
  });

  test('parseServiceType returns a type or throws Fe80Error, and what it returns reads back as a PTR owner', () => {
    const piece = fc.oneof(fc.constantFrom('_http', '_tcp', '_udp', '_sub', 'local', '_L840', '_matterc', ''), fc.string({ maxLength: 18 }));
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 6 }).map((p) => p.join('.')), (text) => {
        try {
          const t = parseServiceType(text);
          const owner = ptrOwner(t.query);
          assert.ok(owner !== undefined && owner.kind !== 'services' && owner.type.toLowerCase() === t.type.toLowerCase(), JSON.stringify({ text, t, owner }));
        } catch (error) {
          assert.ok(error instanceof Fe80Error, String(error));
        }
      }),
      params,
    );
  });
});
