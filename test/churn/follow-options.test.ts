// listen()'s followInterface option is checked before anything is bound (no interface needed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { listen } from '../../src/net/index.js';
import { fakeRegistry, nic } from '../helpers/fake-registry.js';

test('followInterface must be a boolean: ERR_INVALID_ARGUMENT before any socket', async () => {
  const registry = fakeRegistry([nic('lo', 1, true, ['::1']), nic('eth0', 2, true, ['fe80::1'])]);
  for (const bad of ['yes', 1, null]) {
    await assert.rejects(listen({ interface: 'eth0', port: 0 }, { registry, followInterface: bad as unknown as boolean }), { code: 'ERR_INVALID_ARGUMENT' });
  }
});
