// ws (a real WebSocket library fe80 did not write) through fe80's http.Agent: the same fe80::2
// on two links is two different servers; the agent's zone alone decides which one answers, and
// the Host header the server receives carries no zone.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { labTest, type Namespace } from '../../src/testing/index.js';

async function startWs(ns: Namespace, name: string, port: number): Promise<void> {
  const child = ns.spawnNode(new URL('./fixtures/ws-server.ts', import.meta.url), [name, String(port)]);
  const [line] = (await Promise.race([
    once(child.stdout!, 'data'),
    once(child, 'exit').then(() => {
      throw new Error(`ws server ${name} exited early`);
    }),
  ])) as [Buffer];
  assert.match(line.toString(), /"ready":true/);
}

labTest('http: ws over fe80 Agents, the zone picks the server, Host without zone', async (lab) => {
  const client = await lab.namespace('client');
  const s1 = await lab.namespace('s1');
  const s2 = await lab.namespace('s2');
  const l1 = await lab.link(client, s1);
  const l2 = await lab.link(client, s2);
  const port = 8090;
  await startWs(s1, 's1', port);
  await startWs(s2, 's2', port);
  const r = await client.runNode<{ out: { server: string; host: string; peer: string; echo: string }[]; refused: string }>(
    new URL('./fixtures/ws-client.ts', import.meta.url),
    [JSON.stringify({ zones: [l1.a.name, l2.a.name, l1.a.name], port })],
  );
  assert.deepEqual(
    r.out.map((o) => [o.server, o.host, o.echo]),
    [
      ['s1', `[fe80::2]:${port}`, `hello via ${l1.a.name}`],
      ['s2', `[fe80::2]:${port}`, `hello via ${l2.a.name}`],
      ['s1', `[fe80::2]:${port}`, `hello via ${l1.a.name}`],
    ],
  );
  // each server saw the client's link-local address on its own link
  assert.match(r.out[0]!.peer, new RegExp(`^fe80::1%${l1.b.name}$`));
  assert.match(r.out[1]!.peer, new RegExp(`^fe80::1%${l2.b.name}$`));
  assert.equal(r.refused, 'ERR_ZONE_REQUIRED');
});
