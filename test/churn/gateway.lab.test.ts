// The gateway under interface churn: it subscribes to the interface watcher, so when a device's
// link is deleted and re-created (a USB re-plug), the connections it kept alive to the device
// over the old link are closed and the next request dials over the new one, instead of being
// sent into a connection whose interface no longer exists.
import assert from 'node:assert/strict';
import { labTest, startDevice } from '../../src/testing/index.js';
import { sh, spawnHelper, vethCommands, waitUp } from './helpers.js';

labTest('gateway: after the device link is re-created, the next request through it reaches the device over the new link', async (lab) => {
  const [client, p] = await Promise.all([lab.namespace('client'), lab.namespace('peer')]);
  const veth = { a: client, b: p, nameA: 'gx', nameB: 'px' };
  await sh(vethCommands(veth));
  await waitUp(client, 'gx');
  await startDevice(p, { name: 'dev', port: 8080 });
  const c = await spawnHelper(client, 'gateway-client.ts');
  assert.deepEqual(await c.ask({ op: 'open', url: 'http://[fe80::2%25gx]:8080/' }), { label: 'fe80-2-gx' });
  const first = await c.ask<{ status: number; remotePort: number }>({ op: 'get', path: '/whoami' });
  const again = await c.ask<{ status: number; remotePort: number }>({ op: 'get', path: '/whoami' });
  assert.equal(first.status, 200, JSON.stringify(first));
  assert.equal(again.remotePort, first.remotePort, 'the gateway keeps its connection to the device alive');

  // re-plug: the link goes (the device cannot be reached: 502 at once, not a hang), and comes
  // back under the same name (with another ifindex)
  await sh([`ip -n ${client.name} link del gx`]);
  assert.deepEqual(await c.ask({ op: 'seen', type: 'removed', name: 'gx' }), { seen: true });
  const missing = await c.ask<{ status: number; body: string }>({ op: 'get', path: '/whoami' });
  assert.equal(missing.status, 502, JSON.stringify(missing));
  assert.match(missing.body, /gx/, 'the page names the missing interface');
  await sh(vethCommands(veth));
  await waitUp(client, 'gx');
  assert.deepEqual(await c.ask({ op: 'seen', type: 'added', name: 'gx' }), { seen: true });
  const after = await c.ask<{ status: number; remotePort: number }>({ op: 'get', path: '/whoami' });
  assert.equal(after.status, 200, `the first request after the re-plug: ${JSON.stringify(after)}`);
  assert.notEqual(after.remotePort, first.remotePort, 'a new connection, over the new link');
  assert.deepEqual(await c.ask({ op: 'close' }), { closed: true });
  await c.close();
});
