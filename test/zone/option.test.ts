// One meaning per input: a number is an interface index wherever a zone is accepted (the zone
// option, a { host, port, zone } target, a membership), a bad number is ERR_INVALID_ZONE on every
// path, and advice comes in library and command-line words. A fake registry; no sockets.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ScopedAddress } from '../../src/addr/index.js';
import { messageFor, type Fe80Error } from '../../src/errors.js';
import { bindUdp, connect } from '../../src/net/index.js';
import { resolveZones, zonePolicy } from '../../src/zone/index.js';
import { fakeRegistry, nic } from '../helpers/fake-registry.js';

// an interface NAMED "3" (index 2) and another with INDEX 3
const registry = fakeRegistry([nic('lo', 1, true, ['::1']), nic('3', 2, true, ['fe80::a']), nic('fk1', 3, true, ['fe80::b'])]);
const A = (t: string) => ScopedAddress.parse(t);
async function refusal(p: Promise<unknown>): Promise<Fe80Error> {
  try {
    await p;
  } catch (error) {
    return error as Fe80Error;
  }
  throw new Error('expected a refusal');
}

describe('a number is an index, a string is a zone as written', () => {
  test('zone option: 3 is index 3 (fk1); "3" is the name first (glibc), as %3 in an address', () => {
    assert.equal(resolveZones(A('fe80::1'), { registry, zone: 3 })[0]?.interface?.name, 'fk1');
    assert.equal(resolveZones(A('fe80::1'), { registry, zone: '3' })[0]?.interface?.name, '3');
    assert.equal(resolveZones(A('fe80::1%3'), { registry })[0]?.interface?.name, '3');
  });
  test('{ host, port, zone: 3 } means index 3 too (it used to select the interface named "3")', async () => {
    // fe80::1 is nobody: the planned candidate shows in the ERR_CONNECT attempt, or the floor refuses first
    // fk1 does not exist in this namespace: the kernel refuses at once (EINVAL), nothing is sent
    const error = await connect({ host: 'fe80::1', port: 1, zone: 3 }, { registry }).catch((e: unknown) => e);
    assert.match(String((error as Error).message), /\(via fk1\)/);
  });
  test('a number that is not a u32 index: ERR_INVALID_ZONE on every path', async () => {
    for (const bad of [-1, 1.5, 2 ** 32, Number.NaN, Infinity]) {
      assert.throws(() => zonePolicy(bad), { code: 'ERR_INVALID_ZONE' }, String(bad));
      assert.throws(() => resolveZones(A('fe80::1'), { registry, zone: bad }), { code: 'ERR_INVALID_ZONE' }, String(bad));
      await assert.rejects(connect({ host: 'fe80::1', port: 80, zone: bad }, { registry }), { code: 'ERR_INVALID_ZONE' }, String(bad));
      await assert.rejects(connect('[fe80::1]:80', { registry, zone: bad }), { code: 'ERR_INVALID_ZONE' }, String(bad));
      assert.throws(() => zonePolicy([bad]), { code: 'ERR_INVALID_ZONE' }, String(bad));
    }
    const udp = await bindUdp('[::1]:0', { registry });
    try {
      assert.throws(() => udp.addMembership('ff02::fb', -1), { code: 'ERR_INVALID_ZONE' });
      await assert.rejects(udp.send('x', { host: 'ff02::fb', port: 5353, zone: 1.5 }), { code: 'ERR_INVALID_ZONE' });
    } finally {
      await udp.close();
    }
  });
  test('zone 0 and "0" mean no zone (RFC 4007 §6)', () => {
    assert.deepEqual(zonePolicy(0), { kind: 'none' });
    assert.deepEqual(zonePolicy('0'), { kind: 'none' });
  });
});

describe('advice in the words of the caller', () => {
  test('ERR_ZONE_REQUIRED: library options, or the flags a shell user types', async () => {
    const error = await refusal(connect('[fe80::1]:8080', { registry }));
    assert.equal(error.code, 'ERR_ZONE_REQUIRED');
    assert.match(messageFor(error, 'library'), /\{ zone: '3' \}, or race them with \{ zone: 'auto' \}/);
    const cli = messageFor(error, 'cli');
    assert.match(cli, /\('\[fe80::1%3\]:8080'\)|\(\[fe80::1%3\]:8080\)/);
    assert.match(cli, /--zone 3, or race them with --zone auto$/);
    assert.doesNotMatch(cli, /\{ zone/);
  });
  test('no usable interface: nothing is suggested that does not exist', async () => {
    const none = fakeRegistry([nic('lo', 1, true, ['::1']), nic('eth9', 2, false, [])], 'none');
    const error = await refusal(connect('[fe80::1]:80', { registry: none }));
    assert.equal(error.code, 'ERR_ZONE_REQUIRED');
    assert.doesNotMatch(messageFor(error, 'cli'), /eth0|--zone eth9/);
    assert.match(error.message, /eth9 \(down\)/);
  });
});

describe("'auto' and the neighbour table", () => {
  const three = fakeRegistry([nic('lo', 1, true, ['::1']), nic('fa', 2, true, ['fe80::a']), nic('fb', 3, true, ['fe80::b']), nic('fc', 4, true, ['fe80::c'])], 'three');
  const hit = (...names: string[]) => () => names.map((n) => ({ interface: n, state: 'REACHABLE' as const, mac: undefined, router: false }));
  const order = (neighbours: NonNullable<Parameters<typeof resolveZones>[1]>['neighbours']) =>
    resolveZones(A('fe80::9'), { registry: three, zone: 'auto', neighbours }).map((c) => `${c.interface?.name}:${c.chosenBy}`);
  test('known on exactly one candidate: that one first, marked as the neighbour table chose it', () => {
    assert.deepEqual(order(hit('fc')), ['fc:neighbour', 'fa:auto', 'fb:auto']);
  });
  test('known on two, on none, or on a non-candidate: registry order', () => {
    assert.deepEqual(order(hit('fa', 'fc')), ['fa:auto', 'fb:auto', 'fc:auto']);
    assert.deepEqual(order(hit()), ['fa:auto', 'fb:auto', 'fc:auto']);
    assert.deepEqual(order(hit('lo')), ['fa:auto', 'fb:auto', 'fc:auto']);
    assert.deepEqual(order(false), ['fa:auto', 'fb:auto', 'fc:auto']);
  });
  test('asked again: the same order, each time in an array of its own; one link listed twice is one link', () => {
    const mine = resolveZones(A('fe80::9'), { registry: three, zone: 'auto', neighbours: hit('fc') });
    mine.reverse();
    assert.deepEqual(order(hit('fc')), ['fc:neighbour', 'fa:auto', 'fb:auto']);
    assert.deepEqual(order(hit('fc', 'fc')), ['fc:neighbour', 'fa:auto', 'fb:auto']);
    assert.deepEqual(order(hit('fa')), ['fa:neighbour', 'fb:auto', 'fc:auto']);
    assert.deepEqual(order(hit()), ['fa:auto', 'fb:auto', 'fc:auto']);
  });
  test('a written zone and lists are never reordered', () => {
    assert.deepEqual(resolveZones(A('fe80::9'), { registry: three, zone: ['fb', 'fa'], neighbours: hit('fa') }).map((c) => c.interface?.name), ['fb', 'fa']);
  });
});
