// diffInterfaces: the events between two tables. Table-driven cases, and a property: replaying
// the events on the first table gives the second, whatever the two tables are.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { diffInterfaces } from '../../src/iface/diff.js';
import { toInterfaceInfo } from '../../src/iface/interface-info.js';
import type { InterfaceEvent, InterfaceInfo, RawInterface } from '../../src/iface/index.js';

const RUNS = Number(process.env.FE80_FC_RUNS ?? 500);

function nic(name: string, index: number, extra: Partial<RawInterface> = {}): InterfaceInfo {
  return toInterfaceInfo({ name, index, up: true, running: true, loopback: false, multicast: true, mac: undefined, mtu: 1500, addresses: [], ...extra });
}
const ll = (a: string, flags = 0) => ({ address: a, prefixLength: 64, flags });

/** `type name [detail]` per event, for readable expectations. */
function show(events: InterfaceEvent[]): string[] {
  return events.map((e) => {
    if (e.type === 'renamed') return `renamed ${e.previous.name}->${e.interface.name}`;
    if (e.type === 'address-added' || e.type === 'address-removed') return `${e.type} ${e.interface.name} ${e.address.address.toString()}`;
    return `${e.type} ${e.interface.name}`;
  });
}

describe('diffInterfaces', () => {
  const eth0 = nic('eth0', 2, { addresses: [ll('fe80::1')] });
  const cases: [string, InterfaceInfo[], InterfaceInfo[], number[], string[]][] = [
    ['nothing changed', [eth0], [nic('eth0', 2, { addresses: [ll('fe80::1')] })], [], []],
    ['added', [eth0], [eth0, nic('usb0', 5)], [], ['added usb0']],
    ['removed', [eth0, nic('usb0', 5)], [eth0], [], ['removed usb0']],
    ['renamed: same index, new name', [eth0], [nic('lan0', 2, { addresses: [ll('fe80::1')] })], [], ['renamed eth0->lan0']],
    ['re-created with the same index (the kernel said Deleted 2:)', [eth0], [nic('lan0', 2, { addresses: [ll('fe80::1')] })], [2], ['removed eth0', 'added lan0']],
    ['re-created with the same name and index', [eth0], [nic('eth0', 2)], [2], ['removed eth0', 'added eth0']],
    ['re-created: same name, new index', [eth0], [nic('eth0', 9, { addresses: [ll('fe80::1')] })], [], ['removed eth0', 'added eth0']],
    ['down, its address gone', [eth0], [nic('eth0', 2, { up: false, running: false })], [], ['down eth0', 'address-removed eth0 fe80::1%eth0', 'changed eth0']],
    ['up, an address added', [nic('eth0', 2, { up: false, running: false })], [eth0], [], ['up eth0', 'address-added eth0 fe80::1%eth0', 'changed eth0']],
    ['carrier lost only', [eth0], [nic('eth0', 2, { running: false, addresses: [ll('fe80::1')] })], [], ['changed eth0']],
    ['a tentative address becomes usable', [nic('eth0', 2, { addresses: [ll('fe80::1', 0x40)] })], [eth0], [], ['changed eth0']],
    ['a second address (linkLocal stays)', [eth0], [nic('eth0', 2, { addresses: [ll('fe80::1'), ll('fe80::2')] })], [], ['address-added eth0 fe80::2%eth0']],
    ['mtu', [eth0], [nic('eth0', 2, { mtu: 9000, addresses: [ll('fe80::1')] })], [], ['changed eth0']],
    ['portable backend: an index learnt is the same interface', [nic('en0', 0)], [nic('en0', 4, { addresses: [ll('fe80::1')] })], [], ['address-added en0 fe80::1%en0', 'changed en0']],
    [
      'swap of two indexes by rename',
      [nic('a', 2), nic('b', 3)],
      [nic('b', 2), nic('a', 3)],
      [],
      ['renamed a->b', 'renamed b->a'],
    ],
  ];
  for (const [name, before, after, recreated, want] of cases) {
    test(name, () => {
      assert.deepEqual(show(diffInterfaces(before, after, new Set(recreated))), want);
    });
  }

  test('renamed: a link-local address is not reported removed and added (its zone follows the name)', () => {
    const events = diffInterfaces([eth0], [nic('lan0', 2, { addresses: [ll('fe80::1')] })]);
    assert.deepEqual(show(events), ['renamed eth0->lan0']);
  });
});

// ---------------------------------------------------------------- property
interface Model {
  name: string;
  up: boolean;
  running: boolean;
  mtu: number | undefined;
  addresses: string[];
}

function model(list: readonly InterfaceInfo[]): Map<number, Model> {
  return new Map(list.map((i) => [i.index, fromInfo(i)]));
}
function fromInfo(i: InterfaceInfo): Model {
  return { name: i.name, up: i.up, running: i.running, mtu: i.mtu, addresses: i.addresses.map((a) => `${a.address.address}/${a.prefixLength}/${a.flags ?? 0}`).sort() };
}

function replay(before: readonly InterfaceInfo[], events: InterfaceEvent[]): Map<number, Model> {
  const m = model(before);
  for (const e of events) {
    const i = e.interface;
    switch (e.type) {
      case 'removed':
        m.delete(i.index);
        break;
      case 'added':
      case 'changed':
        m.set(i.index, fromInfo(i));
        break;
      case 'renamed':
        (m.get(i.index) as Model).name = i.name;
        break;
      case 'up':
      case 'down':
        (m.get(i.index) as Model).up = e.type === 'up';
        break;
      case 'address-added':
      case 'address-removed': {
        const x = m.get(i.index) as Model;
        const key = `${e.address.address.address}/${e.address.prefixLength}`;
        if (e.type === 'address-added') x.addresses.push(`${key}/${e.address.flags ?? 0}`);
        else x.addresses = x.addresses.filter((a) => !a.startsWith(`${key}/`));
        x.addresses.sort();
        break;
      }
    }
  }
  return m;
}

const table = fc
  .uniqueArray(
    fc.record({
      index: fc.integer({ min: 1, max: 8 }),
      name: fc.constantFrom('eth0', 'eth1', 'wlan0', 'usb0', 'br0', 'lan0', 'x', 'y'),
      up: fc.boolean(),
      running: fc.boolean(),
      mtu: fc.constantFrom(1500, 9000),
      addresses: fc.uniqueArray(fc.constantFrom('fe80::1', 'fe80::2', '192.0.2.1', '2001:db8::1'), { maxLength: 3 }),
      tentative: fc.boolean(),
    }),
    { selector: (r) => r.index, maxLength: 6 },
  )
  .filter((rows) => new Set(rows.map((r) => r.name)).size === rows.length)
  .map((rows) =>
    rows
      .map((r) =>
        nic(r.name, r.index, {
          up: r.up,
          running: r.running,
          mtu: r.mtu,
          addresses: r.addresses.map((a, k) => ({ address: a, prefixLength: a.includes(':') ? 64 : 24, flags: r.tentative && k === 0 ? 0x40 : 0 })),
        }),
      )
      .sort((a, b) => a.index - b.index),
  );

describe('diffInterfaces properties', () => {
  test('replaying the events on the first table gives the second', () => {
    fc.assert(
      fc.property(table, table, fc.uniqueArray(fc.integer({ min: 1, max: 8 }), { maxLength: 3 }), (before, after, recreated) => {
        const events = diffInterfaces(before, after, new Set(recreated));
        assert.deepEqual(replay(before, events), model(after));
      }),
      { numRuns: RUNS },
    );
  });

  test('no change, no event', () => {
    fc.assert(
      fc.property(table, (t) => {
        assert.deepEqual(diffInterfaces(t, t.map((i) => ({ ...i }))), []);
      }),
      { numRuns: RUNS },
    );
  });
});
