// discover as the gateway's device source, and device names for `fe80 open`: a scripted DNS-SD
// browser (only the dnssd source runs, so nothing is sent anywhere) and a fake registry.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ScopedAddress } from '../../src/addr/index.js';
import type { DnsSdBrowse, DnsSdEvent } from '../../src/discover/index.js';
import { discoveredDevices, findDevice } from '../../src/gateway/index.js';
import { fakeRegistry, nic } from '../helpers/fake-registry.js';

const registry = fakeRegistry([nic('lo', 1, true, ['::1'], true), nic('eth1', 2, true, ['fe80::1']), nic('eth2', 3, true, ['fe80::1'])]);

function scripted(script: DnsSdEvent[]): DnsSdBrowse {
  return async function* (options: { signal: AbortSignal }) {
    for (const e of script) {
      await new Promise((r) => setTimeout(r, 1));
      yield e;
    }
    await new Promise((r) => options.signal.addEventListener('abort', r, { once: true }));
  } as unknown as DnsSdBrowse;
}
const web = (iface: string, instance: string, host: string, address: string): DnsSdEvent => ({
  type: 'found',
  service: { interface: iface, instance, type: '_http._tcp', host, port: 8080, txt: { path: '/admin' }, addresses: [{ address: ScopedAddress.parse(address) }] },
});
const gone = (iface: string, instance: string): DnsSdEvent => ({ type: 'lost', reason: 'goodbye', service: { interface: iface, instance, type: '_http._tcp', addresses: [] } });
const options = (script: DnsSdEvent[]) => ({ registry, sources: ['dnssd' as const], browse: scripted(script) });

describe('discoveredDevices: discover as a gateway source', () => {
  test('a device with a web page is found with its zoned URL and name, and goes when discover loses it', async () => {
    const controller = new AbortController();
    const events: unknown[] = [];
    for await (const e of discoveredDevices({ ...options([web('eth1', 'Printer', 'printer.local', 'fe80::a%eth1'), gone('eth1', 'Printer')]), signal: controller.signal })) {
      events.push({ type: e.type, name: e.name, url: e.url, interface: e.interface });
      if (e.type === 'lost') controller.abort();
    }
    assert.deepEqual(events[0], { type: 'found', name: 'printer', url: 'http://[fe80::a%25eth1]:8080/admin', interface: 'eth1' });
    assert.equal((events.at(-1) as { type: string }).type, 'lost');
  });
});

describe('findDevice: a name fe80 discover printed', () => {
  const script = [web('eth1', 'Printer', 'printer.local', 'fe80::a%eth1'), web('eth1', 'Camera', 'cam.local', 'fe80::c%eth1'), web('eth2', 'Camera', 'cam.local', 'fe80::c%eth2')];
  test('by host name (with or without .local) or service instance, any case', async () => {
    for (const name of ['printer', 'PRINTER.local', 'Printer']) {
      assert.equal((await findDevice(name, { ...options(script), timeout: 100 })).url, 'http://[fe80::a%25eth1]:8080/admin', name);
    }
  });
  test('the same name on two links: refused, both URLs listed', async () => {
    await assert.rejects(findDevice('cam', { ...options(script), timeout: 100 }), (e: { code?: string; message: string }) => {
      assert.equal(e.code, 'ERR_INVALID_ARGUMENT');
      assert.match(e.message, /fe80::c%25eth1.*fe80::c%25eth2/);
      return true;
    });
  });
  test('no such device: ERR_NOT_FOUND listing the names seen', async () => {
    await assert.rejects(findDevice('scanner', { ...options(script), timeout: 100 }), (e: { code?: string; message: string }) => {
      assert.equal(e.code, 'ERR_NOT_FOUND');
      assert.match(e.message, /"printer".*"cam"/);
      return true;
    });
  });
});
