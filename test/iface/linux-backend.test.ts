// LinuxBackend against a fake sysfs/procfs tree (temp dir): flags, running, addresses, odd names,
// non-interface entries, and the fallback when /sys belongs to another network namespace.
import { after, before, describe, mock, test } from 'node:test';
import assert from 'node:assert/strict';
import fs, { writeFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { join } from 'node:path';
import { InterfaceRegistry, RECHECK_INTERVAL, LinuxBackend, type NicEntry } from '../../src/iface/index.js';
import { parseIfInet6, parseProcNetDev } from '../../src/iface/linux-backend.js';
import { fakeTree, type FakeLink, type FakeTree } from './fake-sysfs.js';

const LL1 = 'fe800000000000000000000000000001';
const LL2 = 'fe800000000000000000000000000002';
const LLDEAD = 'fe80000000000000000000000000dead';
const LL3 = 'fe800000000000000000000000000003';
const LO6 = '00000000000000000000000000000001';
const GLOBAL = '20010db8000000000000000000000005';

// flags: IFF_UP 0x1, IFF_BROADCAST 0x2, IFF_LOOPBACK 0x8, IFF_NOARP 0x80, IFF_MULTICAST 0x1000
const LINKS: FakeLink[] = [
  { name: 'lo', index: 1, flags: 0x9, mtu: 65536, mac: '00:00:00:00:00:00', operstate: 'unknown', inet6: [[LO6, 128, 0x10, 0x80]] },
  { name: 'ifb0', index: 2, flags: 0x82, mac: '06:94:9f:9c:ed:65', operstate: 'down' },
  { name: 'br-lan', index: 3, flags: 0x1003, mac: '02:00:00:00:00:03', operstate: 'up', inet6: [[LL1, 64, 0x20, 0x80]] },
  { name: 'vdown0', index: 4, flags: 0x1002, mac: '', operstate: 'down' },
  {
    name: 'eth0.100',
    index: 5,
    flags: 0x1003,
    mtu: 1496,
    mac: '02:00:00:00:00:05',
    operstate: 'up',
    inet6: [
      [GLOBAL, 64, 0x00, 0x00],
      [LLDEAD, 64, 0x20, 0x88], // DAD failed
      [LL2, 64, 0x20, 0x80],
    ],
  },
  { name: 'vg0', index: 6, flags: 0x1003, operstate: 'up', inet6: [[GLOBAL, 64, 0x00, 0x80]] },
  { name: 'wlan_0', index: 7, flags: 0x1003, operstate: 'lowerlayerdown', inet6: [[LL3, 64, 0x20, 0xc0]] }, // tentative
  { name: 'vé0', index: 8, flags: 0x1003, operstate: 'up' },
];

const NICS: Record<string, NicEntry[]> = {
  lo: [{ address: '127.0.0.1', netmask: '255.0.0.0', family: 'IPv4', mac: '00:00:00:00:00:00', internal: true, cidr: '127.0.0.1/8' }],
  'br-lan': [{ address: '192.168.1.1', netmask: '255.255.255.0', family: 'IPv4', mac: '02:00:00:00:00:03', internal: false, cidr: '192.168.1.1/24' }],
  'br-lan:1': [{ address: '10.0.0.1', netmask: '255.0.0.0', family: 'IPv4', mac: '02:00:00:00:00:03', internal: false, cidr: null }],
  // IPv6 entries from os.networkInterfaces() are ignored (if_inet6 is the source)
  'eth0.100': [{ address: 'fe80::2', netmask: 'ffff:ffff:ffff:ffff::', family: 'IPv6', scopeid: 5, internal: false, cidr: 'fe80::2/64' }],
};

let tree: FakeTree;
before(() => {
  tree = fakeTree();
  tree.write(LINKS, { extraSysEntries: ['bonding_masters'] });
});
after(() => tree.remove());

const backend = () => new LinuxBackend({ sysfsRoot: tree.sysfsRoot, procRoot: tree.procRoot, networkInterfaces: () => NICS });

describe('LinuxBackend (fake sysfs)', () => {
  test('lists every interface, down ones and ones without addresses too, in index order', () => {
    const b = backend();
    const reg = new InterfaceRegistry({ backend: b });
    assert.deepEqual(
      reg.list().map((i) => [i.index, i.name]),
      LINKS.map((l) => [l.index, l.name]),
    );
    assert.equal(b.mode, 'sysfs');
  });

  test('skips sysfs entries that are not interfaces (bonding_masters)', () => {
    const reg = new InterfaceRegistry({ backend: backend() });
    assert.equal(reg.get('bonding_masters'), undefined);
  });

  test('flags: up from IFF_UP, running derived from operstate (sysfs flags never has IFF_RUNNING)', () => {
    const reg = new InterfaceRegistry({ backend: backend() });
    const f = (n: string) => {
      const i = reg.resolve(n);
      return { up: i.up, running: i.running, loopback: i.loopback, multicast: i.multicast };
    };
    assert.deepEqual(f('lo'), { up: true, running: true, loopback: true, multicast: false });
    assert.deepEqual(f('ifb0'), { up: false, running: false, loopback: false, multicast: false });
    assert.deepEqual(f('br-lan'), { up: true, running: true, loopback: false, multicast: true });
    assert.deepEqual(f('vdown0'), { up: false, running: false, loopback: false, multicast: true });
    assert.deepEqual(f('wlan_0'), { up: true, running: false, loopback: false, multicast: true });
  });

  test('MAC and MTU; an empty address file is undefined', () => {
    const reg = new InterfaceRegistry({ backend: backend() });
    assert.equal(reg.resolve('lo').mtu, 65536);
    assert.equal(reg.resolve('eth0.100').mtu, 1496);
    assert.equal(reg.resolve('eth0.100').mac, '02:00:00:00:00:05');
    assert.equal(reg.resolve('vdown0').mac, undefined);
  });

  test('addresses: IPv4 from networkInterfaces (alias labels fold into the device), IPv6 from if_inet6', () => {
    const reg = new InterfaceRegistry({ backend: backend() });
    const br = reg.resolve('br-lan');
    assert.deepEqual(
      br.addresses.map((a) => [a.address.toString(), a.prefixLength, a.scope]),
      [
        ['192.168.1.1', 24, 'global'],
        ['10.0.0.1', 8, 'global'],
        ['fe80::1%br-lan', 64, 'link-local'],
      ],
    );
    assert.equal(br.linkLocal?.toString(), 'fe80::1%br-lan');
    const lo = reg.resolve('lo');
    assert.deepEqual(
      lo.addresses.map((a) => [a.address.toString(), a.prefixLength, a.scope]),
      [
        ['127.0.0.1', 8, 'loopback'],
        ['::1', 128, 'loopback'],
      ],
    );
    assert.equal(lo.linkLocal, undefined);
  });

  test('linkLocal skips DAD-failed and tentative addresses (RFC 4862 §5.4)', () => {
    const reg = new InterfaceRegistry({ backend: backend() });
    const eth = reg.resolve('eth0.100');
    assert.equal(eth.addresses.length, 3);
    assert.equal(eth.addresses[1]?.flags, 0x88);
    assert.equal(eth.linkLocal?.toString(), 'fe80::2%eth0.100');
    assert.equal(reg.resolve('wlan_0').linkLocal, undefined, 'only a tentative one');
    assert.equal(reg.resolve('wlan_0').addresses[0]?.address.toString(), 'fe80::3%wlan_0');
    assert.equal(reg.resolve('vg0').linkLocal, undefined, 'global-only interface has no link-local');
  });

  test('candidates: up, not loopback, with a link-local address, in index order', () => {
    const reg = new InterfaceRegistry({ backend: backend() });
    assert.deepEqual(
      reg.candidates().map((i) => i.name),
      ['br-lan', 'eth0.100'],
    );
  });

  test('odd but valid names resolve: br-lan, eth0.100, wlan_0, non-ASCII vé0', () => {
    const reg = new InterfaceRegistry({ backend: backend() });
    assert.equal(reg.nameToIndex('br-lan'), 3);
    assert.equal(reg.nameToIndex('eth0.100'), 5);
    assert.equal(reg.nameToIndex('wlan_0'), 7);
    assert.equal(reg.nameToIndex('vé0'), 8);
    assert.equal(reg.indexToName(8), 'vé0');
  });

  test('fallback when /sys/class/net belongs to another namespace (bare nsenter / unshare -n)', () => {
    const t = fakeTree();
    try {
      // sysfs shows the root namespace (eth0 = 4); /proc/net (the caller's netns) has lo, va, vnone
      t.write([
        { name: 'lo', index: 1, flags: 0x9 },
        { name: 'eth0', index: 4, flags: 0x1003, inet6: [[LL1, 64, 0x20, 0x80]] },
      ], { procNames: ['lo', 'va', 'vnone'] });
      writeFileSync(join(t.procRoot, 'net', 'if_inet6'), `${LL2} 0a 40 20 80       va\n`);
      const nics: Record<string, NicEntry[]> = {
        va: [{ address: 'fe80::2', netmask: 'ffff:ffff:ffff:ffff::', family: 'IPv6', mac: '02:00:00:00:00:0a', internal: false, cidr: 'fe80::2/64', scopeid: 10 }],
      };
      const b = new LinuxBackend({ sysfsRoot: t.sysfsRoot, procRoot: t.procRoot, networkInterfaces: () => nics });
      const reg = new InterfaceRegistry({ backend: b });
      assert.deepEqual(
        reg.list().map((i) => [i.index, i.name, i.up]),
        [
          [1, 'lo', false], // LOOPBACK_IFINDEX is 1 in every namespace
          [10, 'va', true],
          [0, 'vnone', false], // no IPv6 address: index unknown here
        ],
      );
      assert.equal(b.mode, 'proc');
      assert.equal(reg.get('eth0'), undefined, 'eth0 of the other namespace is not listed');
      assert.equal(reg.resolve('va').linkLocal?.toString(), 'fe80::2%va');
      assert.throws(() => reg.nameToIndex('vnone'), { code: 'ERR_INTERFACE_DOWN' });
    } finally {
      t.remove();
    }
  });

  test('fallback also when if_inet6 disagrees with sysfs about an index, or sysfs is missing', () => {
    const t = fakeTree();
    try {
      t.write([{ name: 'eth0', index: 4, flags: 0x1003 }]);
      writeFileSync(join(t.procRoot, 'net', 'if_inet6'), `${LL1} 09 40 20 80     eth0\n`);
      const b = new LinuxBackend({ sysfsRoot: t.sysfsRoot, procRoot: t.procRoot, networkInterfaces: () => ({}) });
      assert.deepEqual(
        b.read().map((i) => [i.name, i.index]),
        [['eth0', 9]],
      );
      assert.equal(b.mode, 'proc');
      const none = new LinuxBackend({ sysfsRoot: join(t.root, 'nosuch'), procRoot: t.procRoot, networkInterfaces: () => ({}) });
      assert.deepEqual(
        none.read().map((i) => [i.name, i.index]),
        [['eth0', 9]],
      );
      assert.equal(none.mode, 'proc');
    } finally {
      t.remove();
    }
  });

  test('a name that is not UTF-8 is left out; every other interface stays complete (no namespace mismatch)', () => {
    const NOT_UTF8 = Buffer.from([0xff, 0xfe]); // ip link add name $'\xff\xfe' type ifb
    const cases: { name: string; sysfs: boolean; inet6Index?: number; mode: 'sysfs' | 'proc' }[] = [
      { name: 'sysfs of this namespace', sysfs: true, mode: 'sysfs' },
      { name: 'if_inet6 disagrees about its index: still another namespace', sysfs: true, inet6Index: 9, mode: 'proc' },
      { name: 'no sysfs (degraded mode)', sysfs: false, mode: 'proc' },
    ];
    for (const c of cases) {
      const t = fakeTree();
      try {
        t.write([
          { name: 'lo', index: 1, flags: 0x9, mtu: 65536 },
          { name: 'eth0', index: 2, flags: 0x1003, mtu: 9000, mac: '02:00:00:00:00:02', operstate: 'up', inet6: [[LL1, 64, 0x20, 0x80]] },
          { name: 'vé0', index: 4, flags: 0x1003, operstate: 'up', inet6: [[LL3, 64, 0x20, 0x80]] },
        ]);
        t.addRaw(NOT_UTF8, 3, { ll: LL2, ...(c.inet6Index === undefined ? {} : { inet6Index: c.inet6Index }) });
        const b = new LinuxBackend({ sysfsRoot: c.sysfs ? t.sysfsRoot : join(t.root, 'nosuch'), procRoot: t.procRoot, networkInterfaces: () => ({}) });
        const reg = new InterfaceRegistry({ backend: b });
        assert.deepEqual(reg.list().map((i) => i.name), ['lo', 'eth0', 'vé0'], c.name);
        assert.equal(b.mode, c.mode, c.name);
        assert.deepEqual(b.skipped, ['\\xff\\xfe'], c.name);
        assert.equal(reg.resolve('vé0').linkLocal?.toString(), 'fe80::3%vé0', c.name);
        if (c.mode === 'sysfs') {
          assert.deepEqual(reg.list().map((i) => [i.index, i.mtu, i.mac]), [[1, 65536, undefined], [2, 9000, '02:00:00:00:00:02'], [4, 1500, undefined]]);
          assert.equal(reg.indexToName(4), 'vé0');
          assert.throws(() => reg.indexToName(3), { code: 'ERR_UNKNOWN_INTERFACE' });
        }
      } finally {
        t.remove();
      }
    }
  });

  test('a cached name <-> index mapping is checked against sysfs: a re-created link is seen at once', () => {
    const t = fakeTree();
    try {
      t.write([{ name: 'eth0', index: 2, flags: 0x1003 }]);
      const reg = new InterfaceRegistry({ backend: new LinuxBackend({ sysfsRoot: t.sysfsRoot, procRoot: t.procRoot, networkInterfaces: () => ({}) }), maxAge: Infinity });
      assert.equal(reg.nameToIndex('eth0'), 2);
      assert.equal(reg.resolve(2).name, 'eth0');
      t.write([{ name: 'eth0', index: 9, flags: 0x1003 }]); // deleted and re-created
      assert.equal(reg.nameToIndex('eth0'), 9, 'not the cached 2');
      assert.throws(() => reg.resolve(2), { code: 'ERR_UNKNOWN_INTERFACE' });
      t.write([{ name: 'lan0', index: 9, flags: 0x1003 }]); // renamed
      assert.equal(reg.indexToName(9), 'lan0');
    } finally {
      t.remove();
    }
  });

  test('a registry over a changed tree sees other changes after invalidate() (once the rate limit allows)', () => {
    const t = fakeTree();
    try {
      let now = 0;
      t.write([{ name: 'eth0', index: 2, flags: 0x1003 }]);
      const reg = new InterfaceRegistry({ backend: new LinuxBackend({ sysfsRoot: t.sysfsRoot, procRoot: t.procRoot, networkInterfaces: () => ({}) }), maxAge: Infinity, now: () => now });
      assert.equal(reg.resolve('eth0').up, true);
      t.write([{ name: 'eth0', index: 2, flags: 0x1002 }]); // down
      reg.invalidate();
      assert.equal(reg.resolve('eth0').up, true, 'read moments ago: not again');
      now += RECHECK_INTERVAL;
      assert.equal(reg.resolve('eth0').up, false);
    } finally {
      t.remove();
    }
  });
});

describe('invalid zones never reach the file system (fs spy)', () => {
  test('no open/read/readdir for ../../etc, a/b, NUL, 16+ bytes; valid lookups stay under the roots', () => {
    const paths: string[] = [];
    const spies = (['openSync', 'readFileSync', 'readdirSync', 'statSync', 'existsSync'] as const).map((name) => {
      const original = fs[name] as (...args: unknown[]) => unknown;
      return mock.method(fs, name, (...args: unknown[]) => {
        paths.push(String(args[0]));
        return original.apply(fs, args);
      });
    });
    syncBuiltinESMExports(); // make `import { readFileSync } from 'node:fs'` see the spies
    try {
      const reg = new InterfaceRegistry({ backend: backend() });
      const bad = ['../../etc', '../../../../etc/passwd', 'a/b', '/', '.', '..', 'eth0\0', '\0', 'abcdefghijklmnop', 'x'.repeat(100)];
      for (const zone of bad) {
        assert.throws(() => reg.get(zone), { code: 'ERR_INVALID_ZONE' });
        assert.throws(() => reg.nameToIndex(zone), { code: 'ERR_INVALID_ZONE' });
        assert.throws(() => reg.toPlatformZone(zone, 'linux'), { code: 'ERR_INVALID_ZONE' });
      }
      assert.equal(paths.length, 0, `no file may be touched, got ${paths.join(', ')}`);
      assert.equal(reg.nameToIndex('br-lan'), 3);
      assert.equal(reg.get('nosuch'), undefined); // a miss re-reads, still only under the roots
      assert.ok(paths.length > 0);
      for (const p of paths) {
        assert.ok(p.startsWith(tree.root), `read outside the fake roots: ${p}`);
        assert.ok(!p.includes('..') && !p.includes('nosuch'), p);
      }
    } finally {
      for (const s of spies) s.mock.restore();
      syncBuiltinESMExports();
    }
  });
});

describe('procfs parsers', () => {
  test('parseIfInet6 reads hex fields (L-3)', () => {
    const [a] = parseIfInet6(`${LL1} 0c 40 20 80  vlan.12\n\n`);
    assert.equal(a?.index, 12);
    assert.equal(a?.prefixLength, 64);
    assert.equal(a?.scope, 0x20);
    assert.equal(a?.flags, 0x80);
    assert.equal(a?.name, 'vlan.12');
    assert.deepEqual([...(a?.bytes ?? [])], [0xfe, 0x80, ...Array(13).fill(0), 1]);
  });
  test('parseProcNetDev skips the two header lines', () => {
    const text = 'Inter-| x\n face |y\n    lo: 1 2\n  eth0.100:0 0\n';
    assert.deepEqual(parseProcNetDev(text), ['lo', 'eth0.100']);
  });
});
