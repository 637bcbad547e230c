// The merge of observations into one record per device per link, with a fake clock: identity by
// MAC (given or from an EUI-64 interface identifier), by address, name, SSDP UDN; per-source
// lifetimes; goodbyes and FAILED; link down; and the limits that hold under a flood.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { ScopedAddress } from '../../src/addr/index.js';
import { DeviceTable, LIMITS, hostUrl, type Observation } from '../../src/discover/devices.js';
import { isLocallyAdministered, macFromEui64, normalizeMac } from '../../src/discover/mac.js';
import { macVendor } from '../../src/discover/oui.js';
import type { DeviceEvent } from '../../src/discover/types.js';

const A = (t: string): ScopedAddress => ScopedAddress.parse(t);
function clocked() {
  let now = 1_000_000;
  const table = new DeviceTable(() => now);
  return { table, tick: (ms: number) => (now += ms) };
}
const obs = (o: Omit<Partial<Observation>, 'addresses'> & { addresses?: string[] }): Observation => {
  const { addresses, ...rest } = o;
  const out: Observation = { source: 'ping', interface: 'eth1', ttl: 10_000, ...rest };
  if (addresses !== undefined) out.addresses = addresses.map((a) => ({ address: A(a) }));
  return out;
};
const types = (events: DeviceEvent[]): string[] => events.map((e) => (e.type === 'lost' ? `lost:${e.reason}` : e.type));

describe('mac helpers and the OUI database', () => {
  test('normalizeMac accepts the usual spellings and refuses the rest', () => {
    for (const t of ['B8:27:EB:00:00:02', 'b8-27-eb-00-00-02', 'b827.eb00.0002', 'B827EB000002']) assert.equal(normalizeMac(t), 'b8:27:eb:00:00:02', t);
    for (const t of ['', 'b8:27:eb:00:00', '00:00:00:00:00:00', 'ff:ff:ff:ff:ff:ff', 'zz:27:eb:00:00:02', 42, 'b8:27:eb:00:00:02:03']) assert.equal(normalizeMac(t), undefined, String(t));
  });
  test('modified EUI-64 (RFC 4291 Appendix A): the U/L bit flips back', () => {
    assert.equal(macFromEui64(A('fe80::ba27:ebff:fe00:2%eth1')), 'b8:27:eb:00:00:02');
    assert.equal(macFromEui64(A('fe80::ff:fe00:100')), '02:00:00:00:01:00');
    assert.equal(macFromEui64(A('fe80::2')), undefined);
    assert.equal(macFromEui64(A('169.254.1.1')), undefined);
  });
  test('vendor from the IEEE list; none for locally administered or group MACs', () => {
    assert.equal(macVendor('b8:27:eb:00:00:02'), 'Raspberry Pi Foundation');
    assert.match(macVendor('00:1a:11:00:00:01') ?? '', /^Google/);
    // MA-M and MA-S blocks (28 and 36 bits) inside an MA-L the IEEE keeps for itself: the longest prefix wins
    assert.equal(macVendor('00:55:da:10:00:01'), 'KoolPOS Inc.');
    assert.equal(macVendor('00:1b:c5:00:00:01'), 'Converging Systems Inc.');
    assert.equal(isLocallyAdministered('02:00:00:00:00:01'), true);
    assert.equal(macVendor('02:00:00:00:00:01'), undefined);
    assert.equal(macVendor('b9:27:eb:00:00:02'), undefined, 'group bit');
  });
});

describe('DeviceTable: one record per device per link', () => {
  test('found once, then updated only when something is new; a re-sighting alone is silent', () => {
    const { table } = clocked();
    assert.deepEqual(types(table.observe(obs({ addresses: ['fe80::2%eth1'] }))), ['found']);
    assert.deepEqual(types(table.observe(obs({ addresses: ['fe80::2%eth1'] }))), []);
    assert.deepEqual(types(table.observe(obs({ source: 'ssdp', addresses: ['fe80::2%eth1'] }))), ['updated'], 'a new source for a fact');
    const [d] = table.devices();
    assert.deepEqual(Object.keys(d?.addresses[0]?.sources ?? {}).sort(), ['ping', 'ssdp']);
  });
  test('the same address on two links is two devices, each with its own zone', () => {
    const { table } = clocked();
    table.observe(obs({ addresses: ['fe80::2%eth1'] }));
    table.observe(obs({ interface: 'eth2', addresses: ['fe80::2%eth2'] }));
    assert.deepEqual(table.devices().map((d) => [d.interface, d.addresses[0]?.address]), [
      ['eth1', 'fe80::2%eth1'],
      ['eth2', 'fe80::2%eth2'],
    ]);
  });
  test('an address zoned for another link is never attached to this one', () => {
    const { table } = clocked();
    assert.deepEqual(table.observe(obs({ addresses: ['fe80::2%eth2'] })), [], 'nothing left to report');
    table.observe(obs({ addresses: ['fe80::3%eth1', 'fe80::2%eth2'] }));
    assert.deepEqual(table.devices()[0]?.addresses.map((a) => a.address), ['fe80::3%eth1']);
  });
  test('the neighbour table ties an echo reply and an IPv4 entry to one MAC, with its vendor', () => {
    const { table } = clocked();
    table.observe(obs({ addresses: ['fe80::2%eth1'] }));
    table.observe(obs({ source: 'neighbours', addresses: ['169.254.3.2'], mac: 'b8:27:eb:00:00:02' }));
    const events = table.observe({ source: 'neighbours', interface: 'eth1', ttl: 5000, mac: 'b8:27:eb:00:00:02', addresses: [{ address: A('fe80::2%eth1'), state: 'REACHABLE', router: true }] });
    assert.deepEqual(types(events), ['lost:merged', 'updated']);
    const merged = events[0] as Extract<DeviceEvent, { type: 'lost' }>;
    const [d] = table.devices();
    assert.equal(table.size, 1);
    assert.equal(merged.mergedInto, d?.id);
    assert.equal(d?.mac, 'b8:27:eb:00:00:02');
    assert.equal(d?.vendor, 'Raspberry Pi Foundation');
    assert.equal(d?.router, true);
    assert.deepEqual(d?.addresses.map((a) => [a.address, a.state ?? '']), [
      ['fe80::2%eth1', 'REACHABLE'],
      ['169.254.3.2', ''],
    ]);
  });
  test('an EUI-64 address carries its MAC: two addresses of one NIC are one device', () => {
    const { table } = clocked();
    table.observe(obs({ addresses: ['fe80::ba27:ebff:fe00:2%eth1'] }));
    table.observe(obs({ source: 'neighbours', mac: 'b8:27:eb:00:00:02', addresses: ['2001:db8::9'] }));
    assert.equal(table.size, 1);
    assert.equal(table.devices()[0]?.mac, 'b8:27:eb:00:00:02');
  });
  test('a host name joins DNS-SD services to the record that has the address', () => {
    const { table } = clocked();
    table.observe(obs({ addresses: ['fe80::2%eth1'] }));
    table.observe(obs({ source: 'dnssd', names: ['pi.local'], addresses: ['fe80::2%eth1'], services: [{ instance: 'Pi web', type: '_http._tcp', port: 8080, txt: { path: '/admin' } }] }));
    table.observe(obs({ source: 'dnssd', names: ['pi.local'], services: [{ instance: 'Pi', type: '_matter._tcp', subtypes: ['_L3840'], port: 5540 }] }));
    const [d] = table.devices();
    assert.equal(table.size, 1);
    assert.deepEqual(d?.names.map((n) => n.name), ['pi.local']);
    assert.deepEqual(d?.services.map((s) => [s.type, s.port, s.interface, s.url ?? '']), [
      ['_http._tcp', 8080, 'eth1', 'http://[fe80::2%25eth1]:8080/admin'],
      ['_matter._tcp', 5540, 'eth1', ''],
    ]);
    assert.deepEqual(d?.services[1]?.subtypes, ['_L3840']);
    assert.deepEqual(d?.webUi, [{ url: 'http://[fe80::2%25eth1]:8080/admin', source: 'dnssd' }]);
  });
  test('a TXT key named __proto__ is an ordinary key (as parseTxt keeps it), not the prototype', () => {
    const { table } = clocked();
    const txt = JSON.parse('{"__proto__":"x","path":"/"}') as Record<string, string>;
    table.observe(obs({ source: 'dnssd', addresses: ['fe80::2%eth1'], services: [{ instance: 'P', type: '_http._tcp', port: 80, txt }] }));
    const t = table.devices()[0]?.services[0]?.txt as Record<string, unknown>;
    assert.deepEqual(Object.keys(t), ['__proto__', 'path']);
    assert.equal(Object.getPrototypeOf(t), Object.prototype);
  });
  test('one SSDP UDN over IPv4 and IPv6 is one device', () => {
    const { table } = clocked();
    const ssdp = (location: string) => ({ location, targets: ['upnp:rootdevice'], usn: 'uuid:1::upnp:rootdevice' });
    table.observe(obs({ source: 'ssdp', ids: ['uuid:1'], addresses: ['fe80::2%eth1'], ssdp: ssdp('http://[fe80::2%25eth1]:80/d.xml') }));
    table.observe(obs({ source: 'ssdp', ids: ['uuid:1'], addresses: ['169.254.3.2'], ssdp: ssdp('http://169.254.3.2:80/d.xml') }));
    assert.equal(table.size, 1);
    assert.equal(table.devices()[0]?.addresses.length, 2);
  });
  test('an address that shows up with other hardware moves to it', () => {
    const { table } = clocked();
    table.observe(obs({ source: 'neighbours', mac: '02:00:00:00:00:01', addresses: ['fe80::2%eth1', '169.254.1.1'] }));
    const events = table.observe(obs({ source: 'neighbours', mac: '02:00:00:00:00:02', addresses: ['fe80::2%eth1'] }));
    assert.deepEqual(types(events), ['updated', 'found']);
    const byMac = Object.fromEntries(table.devices().map((d) => [d.mac, d.addresses.map((a) => a.address)]));
    assert.deepEqual(byMac, { '02:00:00:00:00:01': ['169.254.1.1'], '02:00:00:00:00:02': ['fe80::2%eth1'] });
  });
  test('two NICs with one host name stay two records', () => {
    const { table } = clocked();
    table.observe(obs({ source: 'lldp', mac: '02:00:00:00:00:01', names: ['sw'], addresses: ['fe80::1%eth1'] }));
    table.observe(obs({ source: 'lldp', mac: '02:00:00:00:00:02', names: ['sw'], addresses: ['fe80::3%eth1'] }));
    assert.equal(table.size, 2);
  });
});

describe('DeviceTable: lost', () => {
  test('facts run out per source; the record is lost when none holds', () => {
    const { table, tick } = clocked();
    table.observe(obs({ ttl: 1000, addresses: ['fe80::2%eth1'] }));
    table.observe(obs({ source: 'ssdp', ttl: 5000, addresses: ['fe80::2%eth1'] }));
    tick(1500);
    assert.deepEqual(types(table.sweep()), ['updated']);
    assert.deepEqual(Object.keys(table.devices()[0]?.addresses[0]?.sources ?? {}), ['ssdp']);
    assert.equal(table.nextExpiry(), 1_000_000 + 5000);
    tick(4000);
    const lost = table.sweep();
    assert.deepEqual(types(lost), ['lost:expired']);
    assert.deepEqual(lost[0]?.device.addresses.map((a) => a.address), ['fe80::2%eth1'], 'the lost record shows what it was');
    assert.equal(table.size, 0);
  });
  test('a re-sighting extends the lifetime', () => {
    const { table, tick } = clocked();
    table.observe(obs({ ttl: 1000, addresses: ['fe80::2%eth1'] }));
    tick(900);
    table.observe(obs({ ttl: 1000, addresses: ['fe80::2%eth1'] }));
    tick(900);
    assert.deepEqual(table.sweep(), []);
  });
  test('a DNS-SD goodbye takes the service back; the last fact gone loses the record', () => {
    const { table } = clocked();
    table.observe(obs({ source: 'dnssd', names: ['pi.local'], services: [{ instance: 'A', type: '_http._tcp', port: 80 }] }));
    assert.deepEqual(types(table.withdraw('dnssd', 'eth1', { service: { instance: 'A', type: '_http._tcp' } }, 'goodbye')), ['updated']);
    assert.deepEqual(types(table.withdraw('dnssd', 'eth1', { name: 'pi.local' }, 'goodbye')), ['lost:goodbye']);
  });
  test('an SSDP byebye takes back what SSDP said about that UDN, and only that', () => {
    const { table } = clocked();
    const ssdp = { location: 'http://[fe80::2%25eth1]/d.xml', targets: [], usn: 'uuid:1::upnp:rootdevice' };
    table.observe(obs({ source: 'ssdp', ids: ['uuid:1'], addresses: ['fe80::2%eth1'], ssdp }));
    table.observe(obs({ addresses: ['fe80::2%eth1'] }));
    assert.deepEqual(types(table.withdraw('ssdp', 'eth1', { id: 'uuid:1' }, 'goodbye')), ['updated']);
    const [d] = table.devices();
    assert.deepEqual(d?.ssdp, []);
    assert.deepEqual(Object.keys(d?.addresses[0]?.sources ?? {}), ['ping'], 'the echo still holds the address');
    assert.deepEqual(table.withdraw('ssdp', 'eth1', { id: 'uuid:9' }, 'goodbye'), []);
    table.observe(obs({ source: 'ssdp', interface: 'eth2', ids: ['uuid:2'], addresses: ['fe80::2%eth2'], ssdp }));
    assert.deepEqual(types(table.withdraw('ssdp', 'eth2', { id: 'uuid:2' }, 'goodbye')), ['lost:goodbye']);
  });
  test('FAILED drops the address for every source; no address left: lost', () => {
    const { table } = clocked();
    table.observe(obs({ addresses: ['fe80::2%eth1'] }));
    table.observe(obs({ source: 'dnssd', names: ['pi.local'], addresses: ['fe80::2%eth1'] }));
    assert.deepEqual(types(table.withdraw('neighbours', 'eth1', { address: 'fe80::2%eth1' }, 'failed')), ['lost:failed']);
    assert.deepEqual(table.withdraw('neighbours', 'eth1', { address: 'fe80::2%eth1' }, 'failed'), [], 'nothing twice');
  });
  test('link down: every record of that link, and no other', () => {
    const { table } = clocked();
    table.observe(obs({ addresses: ['fe80::2%eth1'] }));
    table.observe(obs({ addresses: ['fe80::3%eth1'] }));
    table.observe(obs({ interface: 'eth2', addresses: ['fe80::2%eth2'] }));
    assert.deepEqual(types(table.dropLink('eth1')), ['lost:link-down', 'lost:link-down']);
    assert.deepEqual(table.devices().map((d) => d.interface), ['eth2']);
    table.observe(obs({ addresses: ['fe80::2%eth1'] }));
    assert.equal(table.size, 2, 'the link can fill again');
  });
});

describe('DeviceTable: limits', () => {
  test('a flood of forged sources stops at devicesPerLink; other links are unaffected', () => {
    const { table } = clocked();
    for (let i = 0; i < LIMITS.devicesPerLink + 500; i++) table.observe(obs({ addresses: [`fe80::${(i + 1).toString(16)}%eth1`] }));
    assert.equal(table.size, LIMITS.devicesPerLink);
    assert.equal(table.dropped, 500);
    table.observe(obs({ interface: 'eth2', addresses: ['fe80::1%eth2'] }));
    assert.equal(table.size, LIMITS.devicesPerLink + 1);
  });
  test('a responder with a thousand services keeps servicesPerDevice; long texts are clipped', () => {
    const { table } = clocked();
    const services = Array.from({ length: 1000 }, (_, i) => ({ instance: `svc ${i}`, type: '_http._tcp', port: 80, txt: { k: 'v'.repeat(1000) } }));
    table.observe(obs({ source: 'dnssd', names: ['x'.repeat(5000)], services }));
    const [d] = table.devices();
    assert.equal(d?.services.length, LIMITS.servicesPerDevice);
    assert.equal(d?.names[0]?.name.length, LIMITS.textLength);
    assert.equal((d?.services[0]?.txt.k as string).length, LIMITS.textLength);
  });
  test('property: any sequence of observations keeps the invariants', () => {
    const addr = fc.constantFrom('fe80::1', 'fe80::2', 'fe80::3', '169.254.1.1', 'fe80::ba27:ebff:fe00:2');
    const link = fc.constantFrom('eth1', 'eth2');
    const step = fc.record({
      kind: fc.constantFrom('observe', 'observe', 'observe', 'withdraw', 'sweep', 'drop'),
      link,
      source: fc.constantFrom('ping', 'neighbours', 'dnssd', 'ssdp', 'lldp') as fc.Arbitrary<Observation['source']>,
      addresses: fc.array(addr, { maxLength: 3 }),
      mac: fc.option(fc.constantFrom('02:00:00:00:00:01', '02:00:00:00:00:02', 'b8:27:eb:00:00:02'), { nil: undefined }),
      name: fc.option(fc.constantFrom('a.local', 'b.local'), { nil: undefined }),
      ttl: fc.integer({ min: 1, max: 5000 }),
      tick: fc.integer({ min: 0, max: 3000 }),
    });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), (steps) => {
        const { table, tick } = clocked();
        const live = new Set<string>();
        const apply = (events: DeviceEvent[]) => {
          for (const e of events) {
            if (e.type === 'found') {
              assert.ok(!live.has(e.device.id), `found twice: ${e.device.id}`);
              live.add(e.device.id);
            } else if (e.type === 'lost') assert.ok(live.delete(e.device.id), `lost unknown ${e.device.id}`);
            else assert.ok(live.has(e.device.id), `updated unknown ${e.device.id}`);
          }
        };
        for (const s of steps) {
          tick(s.tick);
          const zoned = s.addresses.map((a) => (a.startsWith('fe80') ? `${a}%${s.link}` : a));
          if (s.kind === 'observe') {
            const o = obs({ source: s.source, interface: s.link, ttl: s.ttl, addresses: zoned });
            if (s.mac !== undefined) o.mac = s.mac;
            if (s.name !== undefined) o.names = [s.name];
            apply(table.observe(o));
          } else if (s.kind === 'withdraw' && zoned[0] !== undefined) apply(table.withdraw(s.source, s.link, { address: zoned[0] }, 'failed'));
          else if (s.kind === 'sweep') apply(table.sweep());
          else if (s.kind === 'drop') apply(table.dropLink(s.link));
        }
        const devices = table.devices();
        assert.deepEqual(new Set(devices.map((d) => d.id)), live);
        for (const l of ['eth1', 'eth2']) {
          const mine = devices.filter((d) => d.interface === l);
          const seen = new Set<string>();
          for (const d of mine) {
            for (const a of d.addresses) {
              assert.ok(!seen.has(a.address), `${a.address} in two records on ${l}`);
              seen.add(a.address);
              if (a.address.includes('%')) assert.ok(a.address.endsWith(`%${l}`), `${a.address} on ${l}`);
            }
          }
          const macs = mine.map((d) => d.mac).filter((m) => m !== undefined);
          assert.equal(new Set(macs).size, macs.length, `one record per MAC on ${l}`);
        }
      }),
      { seed: 1010, numRuns: 400 },
    );
  });
});

test('hostUrl: RFC 6874 zones, default ports left out', () => {
  assert.equal(hostUrl('http', A('fe80::2%eth1'), 80), 'http://[fe80::2%25eth1]/');
  assert.equal(hostUrl('https', A('fe80::2%eth1'), 8443, 'x'), 'https://[fe80::2%25eth1]:8443/x');
  assert.equal(hostUrl('http', A('169.254.1.2'), 8080), 'http://169.254.1.2:8080/');
});
