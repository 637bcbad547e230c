// axios (a real HTTP client fe80 did not write, built on http.request) through fe80's http.Agent:
// the same fe80::2 on two links is two different servers; the agent's zone alone decides which
// one answers, keep-alive pools stay per zone, redirects keep the agent, Host carries no zone.
import assert from 'node:assert/strict';
import { labTest } from '../../src/testing/index.js';
import type { Echo } from './fixtures/echo.js';
import { twoServers } from './serve.js';

labTest('http: axios over fe80 Agents, the zone picks the server, Host without zone', async (lab) => {
  const port = 8080;
  const two = await twoServers(lab, port);
  const { A, B } = two;
  const [l1, l2] = two.links;
  try {
    const r = await two.client.runNode<{ gets: Echo[]; post: Echo; redirect: Echo; status: number; refused: { code: string; message: string } }>(
      new URL('./fixtures/axios-client.ts', import.meta.url),
      [JSON.stringify({ a: A, b: B, port })],
    );
    assert.deepEqual(
      r.gets.map((e) => [e.server, e.path, e.host, e.connection]),
      [
        ['s1', '/one', `[fe80::2]:${port}`, 1],
        ['s2', '/two', `[fe80::2]:${port}`, 1],
        ['s1', '/three', `[fe80::2]:${port}`, 1], // the keep-alive socket of zone A, reused
      ],
    );
    // each server saw the client on its own link
    assert.equal(r.gets[0]!.peer.replace(/:\d+$/, ''), `[fe80::1%${l1.b.name}]`);
    assert.equal(r.gets[1]!.peer.replace(/:\d+$/, ''), `[fe80::1%${l2.b.name}]`);
    assert.deepEqual([r.post.server, r.post.method, JSON.parse(r.post.body)], ['s2', 'POST', { hello: 'axios' }]);
    assert.deepEqual([r.redirect.server, r.redirect.path, r.redirect.host], ['s1', '/after', `[fe80::2]:${port}`]);
    assert.equal(r.status, 404);
    assert.equal(r.refused.code, 'ERR_ZONE_REQUIRED', r.refused.message);
    assert.match(r.refused.message, new RegExp(`${A}|${B}`), 'the error lists the candidate interfaces');
  } finally {
    await two.stop();
  }
});
