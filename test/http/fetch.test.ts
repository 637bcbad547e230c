// fetch, Dispatcher and Agent against a node:http server on loopback (no other traffic): a Request
// body resent on 307/308, allowedInterfaces refusing what it cannot check, and the `registry`
// option used end to end. Sockets other than loopback are never opened here.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { request as undiciRequest } from 'undici';
import { createAgent, createDispatcher, fetch, type Fe80FetchInit } from '../../src/http/index.js';
import { fakeRegistry, nic } from '../helpers/fake-registry.js';

let server: http.Server;
let base = '';
let hits = 0;

before(async () => {
  server = http.createServer((req, res) => {
    hits++;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname === '/redirect') {
        res.writeHead(Number(url.searchParams.get('status') ?? 302), { location: url.searchParams.get('to') ?? '/' });
        res.end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ method: req.method, path: req.url, body: Buffer.concat(chunks).toString() }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

const code = (c: string) => (e: unknown) => (e as { code?: string }).code === c;

describe('a Request body is resent on 307/308, as Node fetch does', () => {
  const cases: { name: string; status: number; method: string; make: () => NonNullable<RequestInit['body']>; want: string }[] = [
    { name: '307 string', status: 307, method: 'POST', make: () => 'hello', want: 'hello' },
    { name: '308 bytes', status: 308, method: 'PUT', make: () => new Uint8Array([104, 105]), want: 'hi' },
    { name: '307 URLSearchParams', status: 307, method: 'POST', make: () => new URLSearchParams({ a: '1' }), want: 'a=1' },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const input = new Request(`${base}/redirect?status=${c.status}&to=/final`, { method: c.method, body: c.make() });
      const response = await fetch(input);
      assert.equal(response.status, 200);
      assert.equal(response.redirected, true);
      assert.deepEqual(await response.json(), { method: c.method, path: '/final', body: c.want });
    });
  }
  test('without a redirect the body goes out once, unchanged', async () => {
    const response = await fetch(new Request(`${base}/plain`, { method: 'POST', body: 'once' }));
    assert.deepEqual(await response.json(), { method: 'POST', path: '/plain', body: 'once' });
  });
  test('a stream in init.body stays a stream: a 307 cannot resend it (ERR_HTTP)', async () => {
    const body = new ReadableStream({
      start(c) {
        c.enqueue(new TextEncoder().encode('s'));
        c.close();
      },
    });
    await assert.rejects(fetch(`${base}/redirect?status=307&to=/final`, { method: 'POST', body, duplex: 'half' } as Fe80FetchInit), code('ERR_HTTP'));
  });
});

describe('allowedInterfaces refuses destinations whose interface cannot be checked (loopback here)', () => {
  // every entry point, with the loopback interface itself allowed: loopback is still not link-local
  const allowed = ['lo'];
  const agentGet = (agent: http.Agent) =>
    new Promise<number>((resolve, reject) => {
      http.get(`${base}/agent`, { agent }, (res) => resolve(res.statusCode ?? 0)).on('error', reject);
    });
  const cases: { name: string; run: () => Promise<unknown> }[] = [
    { name: 'fetch', run: () => fetch(`${base}/direct`, { allowedInterfaces: allowed }) },
    { name: 'fetch, [::1]', run: () => fetch('http://[::1]:8089/', { allowedInterfaces: allowed }) },
    {
      name: 'Dispatcher (undici request)',
      run: async () => {
        const d = createDispatcher({ allowedInterfaces: allowed });
        try {
          return await undiciRequest(`${base}/dispatcher`, { dispatcher: d });
        } finally {
          await d.close();
        }
      },
    },
    {
      name: 'http.Agent',
      run: async () => {
        const agent = createAgent({ allowedInterfaces: allowed });
        try {
          return await agentGet(agent);
        } finally {
          agent.destroy();
        }
      },
    },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const before = hits;
      await assert.rejects(c.run(), (e: unknown) => code('ERR_ZONE_NOT_ALLOWED')(e) && /not a link-local address/.test((e as Error).message));
      assert.equal(hits, before, 'the server was never reached');
    });
  }
  test('without allowedInterfaces the same request goes through', async () => {
    assert.equal((await fetch(`${base}/direct`)).status, 200);
  });
});

describe('the registry option is the one used to connect', () => {
  // An interface only the fake registry knows, and down there: the dial fails with the fake
  // registry's ERR_INTERFACE_DOWN before any socket; the process registry would say
  // ERR_UNKNOWN_INTERFACE (no such interface on this machine).
  const registry = fakeRegistry([nic('lo', 1, true, ['::1', '127.0.0.1']), nic('fe80test9', 99, false, ['fe80::a'])]);
  test('fetch: a .local name is resolved on the registry`s interfaces', async () => {
    await assert.rejects(fetch('http://printer.local/', { registry, allowedInterfaces: ['fe80test9'] }), code('ERR_INTERFACE_DOWN'));
  });
  test('fetch with a dispatcher created with a registry', async () => {
    const d = createDispatcher({ registry, allowedInterfaces: ['fe80test9'] });
    try {
      await assert.rejects(fetch('http://printer.local/', { dispatcher: d }), code('ERR_INTERFACE_DOWN'));
    } finally {
      await d.close();
    }
  });
  test('Dispatcher.select with a registry in the policy', async () => {
    const d = createDispatcher();
    try {
      await assert.rejects(undiciRequest('http://[fe80::2]:9/', { dispatcher: d.select({ zone: 'fe80test9', registry }) }), code('ERR_INTERFACE_DOWN'));
    } finally {
      await d.close();
    }
  });
});

describe('option checks', () => {
  test('createAgent: protocol is http: or https:', () => {
    assert.throws(() => createAgent({ protocol: 'ftp:' } as never), { code: 'ERR_INVALID_ARGUMENT' });
    assert.throws(() => createAgent(null as never), { code: 'ERR_INVALID_ARGUMENT' });
  });
  test('createDispatcher: connectTimeout is a number of ms', () => {
    assert.throws(() => createDispatcher({ connectTimeout: -5 }), { code: 'ERR_INVALID_ARGUMENT' });
    assert.throws(() => createDispatcher({ connectTimeout: 'x' as never }), { code: 'ERR_INVALID_ARGUMENT' });
  });
});
