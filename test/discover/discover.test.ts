// discover()'s own behaviour without a network: option checks, the DNS-SD adapter fed by a fake
// browser (only the dnssd source runs, so nothing is sent anywhere), goodbyes turned into `lost`,
// answers from links not chosen dropped, the promise form, stop() and the signal.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ScopedAddress } from '../../src/addr/index.js';
import { discover, discoverAll, type DnsSdEvent, type DiscoverEvent, type DnsSdBrowse } from '../../src/discover/index.js';
import { LIMITS } from '../../src/discover/devices.js';
import { fakeRegistry, nic } from '../helpers/fake-registry.js';

const registry = fakeRegistry([nic('lo', 1, true, ['::1'], true), nic('eth1', 2, true, ['fe80::1']), nic('eth2', 3, true, ['fe80::1']), nic('eth3', 4, false, [])]);

/**
 * A browser that plays `script` (delays in ms before each event), then waits for the end;
 * `played` resolves when the last event has been taken.
 */
function scripted(script: [number, DnsSdEvent][]): DnsSdBrowse & { asked?: readonly string[]; played: Promise<void> } {
  let played: () => void = () => {};
  const browser = async function* (options: { interfaces: readonly string[]; signal: AbortSignal }) {
    browser.asked = options.interfaces;
    for (const [ms, e] of script) {
      await new Promise((r) => setTimeout(r, ms));
      if (options.signal.aborted) return;
      yield e;
    }
    played();
    await new Promise((r) => options.signal.addEventListener('abort', r, { once: true }));
  } as unknown as DnsSdBrowse & { asked?: readonly string[]; played: Promise<void> };
  browser.played = new Promise((r) => (played = r));
  return browser;
}

const up = (iface: string, instance: string, address: string, extra: object = {}): DnsSdEvent => ({
  type: 'found',
  service: { interface: iface, instance, type: '_http._tcp', host: 'pi.local', port: 80, txt: { path: '/' }, addresses: [{ address: ScopedAddress.parse(address) }], ...extra },
});

describe('discover: options', () => {
  test('bad options are typed errors, thrown at once', () => {
    assert.throws(() => discover({ registry, interfaces: ['nosuch'] }), { code: 'ERR_UNKNOWN_INTERFACE' });
    assert.throws(() => discover({ registry, interfaces: ['eth3'] }), { code: 'ERR_INTERFACE_DOWN' });
    assert.throws(() => discover({ registry, interfaces: [] }), { code: 'ERR_INVALID_ARGUMENT' });
    assert.throws(() => discover({ registry, sources: ['ping', 'telepathy' as never] }), { code: 'ERR_INVALID_ARGUMENT', message: /sources\[\] must be/ });
    assert.throws(() => discover({ registry, timeout: 0 }), { code: 'ERR_INVALID_ARGUMENT' });
    assert.throws(() => discover({ registry, watch: 'yes' as never }), { code: 'ERR_INVALID_ARGUMENT' });
    assert.throws(() => discover({ registry, lldpSocket: '' }), { code: 'ERR_INVALID_ARGUMENT' });
    assert.throws(() => discover({ registry: fakeRegistry([nic('lo', 1, true, ['::1'], true)]) }), { code: 'ERR_NOT_FOUND' });
    assert.rejects(discoverAll({ registry, watch: true }), { code: 'ERR_INVALID_ARGUMENT' });
  });
  test('default interfaces: up, not loopback, with a link-local address', () => {
    const d = discover({ registry, sources: ['dnssd'], timeout: 10 });
    assert.deepEqual(d.interfaces(), ['eth1', 'eth2']);
    return d.finished;
  });
  test('a browser that cannot run (port 5353 taken, no interface): the DNS-SD source says why', async () => {
    const browse = () => ({
      [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(Object.assign(new Error('cannot bind port 5353: EADDRINUSE'), { code: 'ERR_MDNS' })) }),
    });
    const r = await discoverAll({ registry, sources: ['dnssd'], timeout: 20, browse } as never);
    assert.deepEqual(r.devices, []);
    assert.equal(r.sources[0]?.state, 'failed');
    assert.match(r.sources[0]?.reason ?? '', /5353/);
  });
});

describe('discover: the DNS-SD adapter', () => {
  test('services become records per link; the same instance on two links stays two; other links are dropped', async () => {
    const browse = scripted([
      [0, up('eth1', 'Lab Web', 'fe80::a%eth1')],
      [0, up('eth2', 'Lab Web', 'fe80::a%eth2')],
      [0, up('eth9', 'Elsewhere', 'fe80::9%eth9')],
      [0, up('eth1', 'Spoof', 'fe80::b%eth2', { host: 'spoof.local' })],
    ]);
    const d = discover({ registry, sources: ['dnssd'], watch: true, browse });
    await browse.played;
    await d.stop();
    const r = { devices: d.devices(), sources: d.sources() };
    assert.deepEqual(browse.asked, ['eth1', 'eth2']);
    assert.deepEqual(
      r.devices.map((d) => [d.interface, d.addresses.map((a) => a.address).join(','), d.services.map((s) => s.instance).join(',')]).sort(),
      [
        ['eth1', '', 'Spoof'],
        ['eth1', 'fe80::a%eth1', 'Lab Web'],
        ['eth2', 'fe80::a%eth2', 'Lab Web'],
      ].sort(),
      'an address zoned for another link is never taken; a service of a link not chosen is dropped',
    );
    assert.equal(r.sources[0]?.dropped, 1);
    const web = r.devices.find((d) => d.interface === 'eth1' && d.addresses.length > 0);
    assert.equal(web?.services[0]?.url, 'http://[fe80::a%25eth1]/');
    assert.deepEqual(web?.names.map((n) => n.name), ['pi.local']);
  });
  test('what the device table refuses (a flood over devicesPerLink) is counted as dropped by the source that sent it', async () => {
    const extra = 3;
    let played: () => void = () => {};
    const done = new Promise<void>((r) => (played = r));
    const browse = async function* (options: { signal: AbortSignal }) {
      for (let i = 0; i < LIMITS.devicesPerLink + extra; i++) {
        // from fe80::2 on: fe80::1 is this host's own address on eth1, never a device
        yield up('eth1', `Forged ${i}`, `fe80::${(i + 2).toString(16)}%eth1`, { host: `forged-${i}.local` });
      }
      played(); // runs when the consumer asks for more: the last event is taken by then
      await new Promise((r) => options.signal.addEventListener('abort', r, { once: true }));
    } as unknown as DnsSdBrowse;
    const d = discover({ registry, sources: ['dnssd'], watch: true, browse });
    await done;
    await d.stop();
    assert.equal(d.devices().length, LIMITS.devicesPerLink);
    assert.equal(d.sources()[0]?.dropped, extra);
  });
  test('iterating: found, updated, then lost when the last service of the host says goodbye; the iteration ends with the discovery', async () => {
    const browse = scripted([
      [0, up('eth1', 'A', 'fe80::a%eth1')],
      [5, up('eth1', 'B', 'fe80::a%eth1', { type: '_ipp._tcp' })],
      [5, { type: 'lost', reason: 'goodbye', service: { interface: 'eth1', instance: 'A', type: '_http._tcp', addresses: [] } }],
      [5, { type: 'lost', reason: 'goodbye', service: { interface: 'eth1', instance: 'B', type: '_ipp._tcp', addresses: [] } }],
    ]);
    const seen: string[] = [];
    const d = discover({ registry, sources: ['dnssd'], watch: true, browse });
    void browse.played.then(() => setTimeout(() => void d.stop(), 10));
    for await (const e of d as AsyncIterable<DiscoverEvent>) {
      seen.push(e.type === 'source' ? `source:${e.source.state}` : e.type === 'lost' ? `lost:${e.reason}` : e.type);
    }
    // found A; B joins; A says goodbye; B says goodbye; with its last service the host's name
    // goes, then its address, and with that the record
    assert.deepEqual(seen, ['source:running', 'found', 'updated', 'updated', 'updated', 'updated', 'lost:goodbye', 'source:done']);
  });
  test('a record whose only facts say goodbye is lost at once', async () => {
    const browse = scripted([
      [0, { type: 'found', service: { interface: 'eth1', instance: 'A', type: '_http._tcp', port: 80, addresses: [] } }],
      [5, { type: 'lost', reason: 'goodbye', service: { interface: 'eth1', instance: 'A', type: '_http._tcp', addresses: [] } }],
    ]);
    const seen: string[] = [];
    const d = discover({ registry, sources: ['dnssd'], watch: true, browse });
    void browse.played.then(() => setTimeout(() => void d.stop(), 10));
    for await (const e of d) if (e.type !== 'source') seen.push(e.type === 'lost' ? `lost:${e.reason}` : e.type);
    assert.deepEqual(seen, ['found', 'lost:goodbye']);
  });
  test('stop(), break and the signal end it early', async () => {
    const browse = scripted([[0, up('eth1', 'A', 'fe80::a%eth1')]]);
    const d = discover({ registry, sources: ['dnssd'], watch: true, browse });
    for await (const e of d) if (e.type === 'found') break;
    await d.finished;
    const controller = new AbortController();
    const w = discover({ registry, sources: ['dnssd'], watch: true, browse, signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await w.finished;
    assert.equal(w.sources()[0]?.state, 'done');
    const aborted = new AbortController();
    aborted.abort();
    const none = await discoverAll({ registry, sources: ['dnssd'], browse, signal: aborted.signal });
    assert.deepEqual(none.devices, []);
  });
});
