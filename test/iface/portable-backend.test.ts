// PortableBackend against every recorded os.networkInterfaces() output in
// test/fixtures/network-interfaces/ (copied from ../shared; see its README.md for sources).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { InterfaceRegistry, PortableBackend, type NicEntry } from '../../src/iface/index.js';

const DIR = new URL('../fixtures/network-interfaces/', import.meta.url);

interface Fixture {
  platform: 'macOS' | 'Windows' | 'Linux';
  node: string | null;
  notes: string;
  interfaces: Record<string, NicEntry[]>;
}

const PLATFORM = { macOS: 'darwin', Windows: 'win32', Linux: 'linux' } as const;

/** name -> index per the fixtures README table (0 = no link-local scopeid, index unknown). */
const EXPECTED: Record<string, Record<string, number>> = {
  'macos-libnmap-en0-awdl0.json': { lo0: 1, en0: 4, awdl0: 8 },
  'macos-internal-ip-utun0-ipv4.json': { lo0: 1, en0: 4, awdl0: 8, utun0: 0 },
  'macos-koa-ping-yosemite.json': { lo0: 1, en0: 4, awdl0: 7 },
  'macos-nodeplaybyplay-global-ipv6.json': { lo0: 1, en0: 4, awdl0: 8, utun0: 12 },
  'macos-pinger-usb-ethernet-en5.json': { lo0: 1, en0: 5, awdl0: 7, utun0: 11, en5: 12 },
  'macos-node11-zeroed-mac-truncated.json': { lo0: 1, en0: 7, awdl0: 0 },
  'windows-expo-ethernet0-vmware.json': { Ethernet0: 8, 'Loopback Pseudo-Interface 1': 0 },
  'windows-npcap-wifi.json': { 'Npcap Loopback Adapter': 13, 'Wi-Fi': 0, 'Loopback Pseudo-Interface 1': 0 },
  'windows-npcap-ethernet-truncated.json': { Ethernet: 2, 'Npcap Loopback Adapter': 13, 'Wi-Fi': 0 },
  'linux-node8-enp3s0f1.json': { lo: 0, enp3s0f1: 2 },
  'linux-patchwork-wlp1s0-docker-bridge-truncated.json': { lo: 0, wlp1s0: 2, 'br-8be599efde52': 0 },
  'linux-homebridge-nb-docker0-veth-truncated.json': { lo: 0, eth0: 2, docker0: 4, veth056725e: 0 },
  'linux-raspbian-eth0-alias-truncated.json': { lo: 0, eth0: 2, 'eth0:0': 0, eth1: 0 },
};

const files = readdirSync(DIR).filter((f) => f.endsWith('.json')).sort();

function load(file: string) {
  const fixture = JSON.parse(readFileSync(new URL(file, DIR), 'utf8')) as Fixture;
  const platform = PLATFORM[fixture.platform];
  let calls = 0;
  let reads = 0;
  const backend = new PortableBackend({ platform, networkInterfaces: () => (calls++, fixture.interfaces) });
  const read = backend.read.bind(backend);
  backend.read = () => (reads++, read());
  const registry = new InterfaceRegistry({ backend });
  /** by name from list(): alias labels like `eth0:0` are listed but are not valid zones */
  const info = (name: string) => registry.list().find((i) => i.name === name)!;
  return { fixture, platform, backend, registry, info, reads: () => reads, calls: () => calls };
}

test('every fixture file has an expectation', () => {
  assert.deepEqual(files, Object.keys(EXPECTED).sort());
});

for (const file of files) {
  describe(file, () => {
    const expected = EXPECTED[file] ?? {};
    const { fixture, platform, registry, info: byName, reads, calls } = load(file);

    test('names and indexes (index = scopeid of the link-local address)', () => {
      assert.deepEqual(Object.fromEntries(registry.list().map((i) => [i.name, i.index])), expected);
      // registry order: known indexes ascending, unknown (0) last
      const idx = registry.list().map((i) => i.index);
      const known = idx.filter((i) => i > 0);
      assert.deepEqual(known, [...known].sort((a, b) => a - b));
      assert.ok(idx.indexOf(0) === -1 || idx.slice(idx.indexOf(0)).every((i) => i === 0));
    });

    test('nameToIndex / indexToName round-trip for every known index', () => {
      for (const [name, index] of Object.entries(expected)) {
        if (index > 0) {
          assert.equal(registry.nameToIndex(name), index);
          assert.equal(registry.indexToName(index), name);
          assert.equal(registry.resolve(String(index)).name, name);
        } else if (platform === 'linux' && name.includes(':')) {
          // alias label, not a Linux interface name (L-1)
          assert.throws(() => registry.nameToIndex(name), { code: 'ERR_INVALID_ZONE' });
        } else {
          assert.throws(() => registry.nameToIndex(name), { code: 'ERR_INTERFACE_DOWN' });
          assert.equal(registry.resolve(name).name, name);
        }
      }
    });

    test('every complete link-local entry: address carries the zone, linkLocal is set', () => {
      for (const [name, entries] of Object.entries(fixture.interfaces)) {
        const info = byName(name);
        const ll = entries.filter((e) => e.family === 'IPv6' && /^fe[89ab]/i.test(e.address ?? '') && typeof e.scopeid === 'number');
        for (const e of ll) {
          const zone = platform === 'win32' ? String(e.scopeid) : name;
          const got = info.addresses.find((a) => a.address.address === e.address);
          assert.ok(got, `${name} ${e.address}`);
          assert.equal(got.address.zone, zone);
          assert.equal(got.scope, 'link-local');
          assert.equal(got.prefixLength, 64);
        }
        if (ll.length > 0) assert.equal(info.linkLocal?.address, ll[0]?.address);
      }
    });

    test('flags: loopback = internal; up and running (libuv lists only up interfaces)', () => {
      for (const [name, entries] of Object.entries(fixture.interfaces)) {
        const info = byName(name);
        assert.equal(info.loopback, entries.some((e) => e.internal === true), name);
        assert.equal(info.multicast, !info.loopback);
        assert.equal(info.up && info.running, true);
        assert.equal(info.mtu, undefined);
        assert.equal(info.mac, entries.find((e) => typeof e.mac === 'string')?.mac);
      }
    });

    test('addresses: every entry with address, family and a prefix is kept', () => {
      for (const [name, entries] of Object.entries(fixture.interfaces)) {
        const info = byName(name);
        const complete = entries.filter((e) => typeof e.address === 'string' && (e.cidr != null || typeof e.netmask === 'string'));
        assert.equal(info.addresses.length, complete.length, name);
        for (const e of complete) {
          const a = info.addresses.find((x) => x.address.address === e.address);
          assert.ok(a, `${name} ${e.address}`);
          if (typeof e.cidr === 'string') assert.equal(`${a.address.address}/${a.prefixLength}`, e.cidr);
        }
      }
    });

    test('toPlatformZone: name on darwin/linux, decimal index on win32', () => {
      for (const [name, index] of Object.entries(expected)) {
        if (index === 0) continue;
        assert.equal(registry.toPlatformZone(name, 'win32'), String(index));
        assert.equal(registry.toPlatformZone(name, 'darwin'), name);
        assert.equal(registry.toPlatformZone(index, platform), platform === 'win32' ? String(index) : name);
      }
    });

    test('candidates: not loopback, with a link-local address', () => {
      const want = Object.entries(fixture.interfaces)
        .filter(([, es]) => !es.some((e) => e.internal === true) && es.some((e) => e.family === 'IPv6' && /^fe[89ab]/i.test(e.address ?? '')))
        .map(([n]) => n);
      assert.deepEqual(registry.candidates().map((i) => i.name).sort(), want.sort());
    });

    test('all of the above came from one read of the table; name <-> index translations were checked', () => {
      assert.equal(reads(), 1);
      // the round-trip and toPlatformZone tests translate: each (one synchronous run) checks its
      // translations against one fresh os.networkInterfaces()
      assert.equal(calls(), Object.values(expected).some((i) => i > 0) ? 3 : 1);
    });
  });
}

describe('specific shapes', () => {
  test('macOS: lo0 fe80::1%lo0 is index 1 and loopback; utun0 with IPv4 only has no index', () => {
    const { registry } = load('macos-internal-ip-utun0-ipv4.json');
    assert.equal(registry.resolve('lo0').linkLocal?.toString(), 'fe80::1%lo0');
    assert.equal(registry.resolve('lo0').loopback, true);
    assert.equal(registry.resolve('utun0').index, 0);
    assert.equal(registry.resolve('utun0').linkLocal, undefined);
  });

  test('macOS: global IPv6 (scopeid 0) does not make an index; scopes reported', () => {
    const { registry } = load('macos-nodeplaybyplay-global-ipv6.json');
    const en0 = registry.resolve('en0');
    assert.equal(en0.index, 4);
    assert.deepEqual(
      en0.addresses.map((a) => a.scope),
      ['link-local', 'global', 'global', 'global'],
    );
    assert.equal(en0.addresses[2]?.address.zone, undefined);
  });

  test('Windows: names with spaces resolve; link-local zones are numeric; ::1 scopeid 0 gives no index', () => {
    const { registry } = load('windows-npcap-wifi.json');
    const npcap = registry.resolve('Npcap Loopback Adapter');
    assert.equal(npcap.index, 13);
    assert.equal(npcap.loopback, false, 'internal: false in the recording');
    assert.equal(npcap.linkLocal?.toString(), 'fe80::4cff:fe4f:4f50%13');
    assert.equal(registry.resolve('13').name, 'Npcap Loopback Adapter');
    assert.equal(registry.resolve('Loopback Pseudo-Interface 1').loopback, true);
    assert.equal(registry.resolve('Loopback Pseudo-Interface 1').index, 0);
    assert.throws(() => registry.resolve('Wi-Fi%1'), { code: 'ERR_INVALID_ZONE' });
    assert.throws(() => registry.resolve('Ethernet'), /not found; have: Npcap Loopback Adapter, Wi-Fi, Loopback Pseudo-Interface 1$/);
  });

  test('Linux alias label eth0:0 is listed (IPv4 only) but is not an interface name', () => {
    const { registry } = load('linux-raspbian-eth0-alias-truncated.json');
    assert.ok(registry.list().some((i) => i.name === 'eth0:0'));
    assert.throws(() => registry.get('eth0:0'), { code: 'ERR_INVALID_ZONE' });
  });

  test('Node 18.0-18.3 numeric family and Node 0.6 Windows "%N" inside the address are understood', () => {
    const backend = new PortableBackend({
      platform: 'win32',
      networkInterfaces: () => ({
        'isatap.lan': [{ address: 'fe80::5efe:192.168.1.6%13', family: 'IPv6', internal: false, netmask: 'ffff:ffff:ffff:ffff::' }],
        eth: [
          { address: 'fe80::1', family: 6, internal: false, cidr: 'fe80::1/64', scopeid: 4 },
          { address: '10.0.0.1', family: 4, internal: false, cidr: '10.0.0.1/8' },
        ],
      }),
    });
    const registry = new InterfaceRegistry({ backend });
    assert.equal(registry.nameToIndex('isatap.lan'), 13);
    assert.equal(registry.resolve('isatap.lan').linkLocal?.toString(), 'fe80::5efe:c0a8:106%13');
    assert.equal(registry.nameToIndex('eth'), 4);
    assert.equal(registry.resolve('eth').addresses.length, 2);
  });
});
