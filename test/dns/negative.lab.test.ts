// The negative cache of the mDNS resolver against real links: four links from one client, one of
// them answering. Outcomes are read from the responders' own logs of the queries they received
// (markers cut them into steps), never from timing.
import { describe } from 'node:test';
import assert from 'node:assert/strict';
import { labTest } from '../../src/testing/index.js';
import { namesBetween, startResponder, unique, type Responder } from './fixtures/peers.js';

const fixture = (name: string): URL => new URL(`./fixtures/${name}`, import.meta.url);

describe('mDNS negative cache (interfaces that stay silent)', () => {
  labTest(
    'a cached answer does not wait for silent links; a missing name fails at once the second time; a device that appears later is found once the silence ends',
    async (lab, t) => {
      const name = `${unique('neg')}.local`;
      const missing = `${unique('nobody')}.local`;
      const client = await lab.namespace('client');
      const responders: Responder[] = [];
      const links = [];
      for (let i = 0; i < 4; i++) {
        const peer = await lab.namespace(`peer${i}`);
        const link = await lab.link(client, peer);
        links.push(link);
        const config = {
          iface: link.b.name,
          records: i === 0 ? { [name]: [{ type: 'AAAA', data: link.b.address }] } : {},
          ...(i === 2 ? { late: { after: 'm4.marker', records: { [missing]: [{ type: 'AAAA', data: 'fe80::33' }] } } } : {}),
        };
        responders.push(await startResponder(peer, fixture('responder.ts'), [JSON.stringify(config)]));
      }
      type Step = { ok: boolean; code?: string; message?: string; results?: { address: string; interface: string }[] };
      const r = await client.runNode<{
        ifaces: string[];
        first: Step;
        second: Step;
        miss1: Step;
        miss2: Step;
        miss3: Step;
        appeared: Step;
        refresh: Step;
        probingAfterRefresh: number;
        silentForAfterProbe: number[];
      }>(fixture('negative.ts'), [name, missing]);
      t.diagnostic(JSON.stringify(r));
      const [l0, , l2] = links;
      assert.deepEqual(r.ifaces, links.map((l) => l.a.name), 'the four links are the candidates');
      const answer = [{ address: `${l0!.b.address}%${l0!.a.name}`, interface: l0!.a.name }];
      assert.deepEqual(r.first.results, answer);
      assert.deepEqual(r.second.results, answer, 'the second lookup is the cached answer');
      const logs = responders.map((x) => x.queries());
      for (const [i, log] of logs.entries()) {
        assert.ok(namesBetween(log, undefined, 'm1').includes(name), `link ${i} was asked the first time`);
        assert.ok(!namesBetween(log, 'm1', 'm2').includes(name), `link ${i} was not asked again for the cached name (silent links included)`);
        assert.ok(namesBetween(log, 'm2', 'm3').includes(missing), `link ${i} was asked for the missing name once`);
        assert.ok(!namesBetween(log, 'm3', 'm4').includes(missing), `link ${i}: the second miss came from the negative cache`);
        assert.ok(!namesBetween(log, 'm4', 'm5').includes(missing), `link ${i}: still remembered as silent`);
        assert.ok(namesBetween(log, 'm5', 'm6').includes(missing), `link ${i} was asked again once the silence ended`);
      }
      assert.equal(r.miss1.code, 'ERR_NOT_FOUND');
      assert.equal(r.miss2.code, 'ERR_NOT_FOUND');
      assert.match(r.miss2.message ?? '', /recent query/);
      assert.equal(r.miss3.code, 'ERR_NOT_FOUND', 'the device appeared, but the silence is still remembered');
      assert.deepEqual(r.appeared.results, [{ address: `fe80::33%${l2!.a.name}`, interface: l2!.a.name }], 'found once the silence ended');
      // the silence about NAME on links 1-3 had ended: the cached answer came at once, and those
      // links were asked again in the background (not the first link, whose answer is cached)
      assert.deepEqual(r.refresh.results, answer);
      assert.ok(r.probingAfterRefresh >= 1, 'a background refresh was in flight when the lookup returned');
      for (const [i, log] of logs.entries()) {
        assert.equal(namesBetween(log, 'm6', 'm7').includes(name), i !== 0, `link ${i}: asked in the background iff its silence had ended`);
      }
      // a repeated silence lasts longer (1 s, then 2 s)
      for (const ms of r.silentForAfterProbe.slice(1)) assert.ok(ms > 1000, `silence renewed with a longer life: ${ms} ms left`);
      assert.equal(r.silentForAfterProbe[0], 0, 'the answering link is not silent');
    },
    { timeout: 60_000 },
  );
});
