// fe80's fetch, Dispatcher (undici request, global fetch) and http.Agent against a real nginx in
// a lab namespace, over http://[fe80::2%25<iface>]/; nginx's access log shows each Host header.
import assert from 'node:assert/strict';
import { labTest } from '../../src/testing/index.js';
import { startNginx } from './nginx.js';

type Outcome = { ok: { status: number; body: string; url?: string } } | { error: string; message: string };

labTest('http: fe80 fetch, Dispatcher and Agent reach nginx; Host carries no zone', async (lab) => {
  const client = await lab.namespace('client');
  const server = await lab.namespace('nginx');
  const link = await lab.link(client, server);
  const nginx = await startNginx(server, [80, 8080]);
  try {
    const r = await client.runNode<Record<string, Outcome | number>>(new URL('./fixtures/nginx-client.ts', import.meta.url), [link.a.name]);
    const ok = (key: string, host: string) => {
      const o = r[key] as Outcome;
      assert.ok('ok' in o, `${key}: ${JSON.stringify(o)}`);
      assert.equal(o.ok.status, 200, key);
      assert.equal(o.ok.body, `host=${host}\n`, key);
    };
    const failed = (key: string, code: string) => {
      const o = r[key] as Outcome;
      assert.ok('error' in o, `${key} should fail: ${JSON.stringify(o)}`);
      assert.equal(o.error, code, `${key}: ${o.message}`);
    };
    ok('fetchEncoded', '[fe80::2]');
    ok('fetchNumeric', '[fe80::2]');
    ok('fetchTyped', '[fe80::2]:8080');
    ok('fetchAuto', '[fe80::2]:8080');
    ok('fetchAllowed', '[fe80::2]');
    ok('undiciRequest', '[fe80::2]:8080');
    ok('globalFetch', '[fe80::2]');
    ok('agentZoned', '[fe80::2]');
    ok('agentZoned8080', '[fe80::2]:8080');
    ok('agentPolicy', '[fe80::2]');
    // Without a redirect the Response is Node's own: its url is the zone-free request URL.
    assert.equal((r.fetchEncoded as { ok: { url: string } }).ok.url, 'http://[fe80::2]/fetch-encoded');
    failed('fetchNoZone', 'ERR_ZONE_REQUIRED');
    failed('fetchUnknown', 'ERR_UNKNOWN_INTERFACE');
    failed('fetchBypass', 'ERR_INVALID_URL');
    failed('fetchNotAllowed', 'ERR_ZONE_NOT_ALLOWED');
    failed('undiciNotAllowed', 'ERR_ZONE_NOT_ALLOWED');
    failed('agentNotAllowed', 'ERR_ZONE_NOT_ALLOWED');
    assert.equal(r.openSocketsAfterClose, 0, 'no socket left open after closing the pools');

    const log = new Map(await nginx.accessLog());
    const expected: Record<string, string> = {
      '/fetch-encoded': '[fe80::2]',
      '/fetch-numeric': '[fe80::2]',
      '/fetch-typed': '[fe80::2]:8080',
      '/fetch-auto': '[fe80::2]:8080',
      '/fetch-allowed': '[fe80::2]',
      '/undici-request': '[fe80::2]:8080',
      '/global-fetch': '[fe80::2]',
      '/agent-zoned': '[fe80::2]',
      '/agent-zoned-8080': '[fe80::2]:8080',
      '/agent-policy': '[fe80::2]',
    };
    for (const [uri, host] of Object.entries(expected)) assert.equal(log.get(uri), host, `nginx saw Host for ${uri}`);
    assert.equal(log.has('/never'), false, 'refused requests never reach the server');
    for (const [uri, host] of log) assert.ok(!host.includes('%'), `zone leaked into Host for ${uri}: ${host}`);
  } finally {
    await nginx.stop();
  }
}, { timeout: 60_000, prefix: 'ht' });
