// The one-shot resolver against hostile neighbours (outcomes and counts, never timing): a host on
// another link forging an IPv4 source of this link, TTLs far beyond what a legacy-unicast answer
// may carry, datagrams larger than mDNS allows, and record floods.
import { describe } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { labTest } from '../../src/testing/index.js';
import { startResponder, unique } from './fixtures/peers.js';

const fixture = (name: string): URL => new URL(`./fixtures/${name}`, import.meta.url);

describe('mDNS resolver under hostile neighbours', { concurrency: true }, () => {
  labTest(
    'a host on link B forging a source in link A\'s IPv4 prefix: its link-local AAAA is not zoned to A, and A\'s real answer is kept',
    async (lab, t) => {
      const name = `${unique('forged')}.local`;
      const client = await lab.namespace('client');
      const real = await lab.namespace('real');
      const evil = await lab.namespace('evil');
      const a = await lab.link(client, real);
      const b = await lab.link(client, evil);
      await client.ip(['address', 'add', '192.168.77.1/24', 'dev', a.a.name]);
      await real.ip(['address', 'add', '192.168.77.2/24', 'dev', a.b.name]);
      // the attacker takes the real peer's address on its own link and routes the client's link-A
      // address over link B; the client checks no reverse path (rp_filter 0), as many hosts do
      await evil.ip(['address', 'add', '192.168.77.2/32', 'dev', b.b.name]);
      await evil.ip(['route', 'add', '192.168.77.1/32', 'dev', b.b.name]);
      const sysctl = await client.exec('sysctl', ['-w', 'net.ipv4.conf.all.rp_filter=0', `net.ipv4.conf.${b.a.name}.rp_filter=0`]);
      assert.equal(sysctl.code, 0, sysctl.stderr);
      const path = join(tmpdir(), `fe80-forge-${randomBytes(6).toString('hex')}.sock`);
      t.after(() => rmSync(path, { force: true })); // the forger is killed with the lab: its socket file stays
      const forger = await startResponder(evil, fixture('forger.ts'), [b.b.name, '192.168.77.2', '192.168.77.1', a.a.address, path]);
      await startResponder(real, fixture('spy.ts'), [a.b.name, '192.168.77.2', path]);
      // the real peer answers 150 ms late, so the forgery always arrives first
      await startResponder(real, fixture('responder.ts'), [
        JSON.stringify({ iface: a.b.name, v4: '192.168.77.2', delay: 150, records: { [name]: [{ type: 'AAAA', data: a.b.address }, { type: 'A', data: '192.168.77.2' }] } }),
      ]);
      const r = await client.runNode<{ reached: number; resolve: { ok: boolean; message?: string; results?: { address: string; interface: string }[] } }>(
        fixture('forged-client.ts'),
        ['192.168.77.1', path, name],
      );
      t.diagnostic(JSON.stringify(r));
      assert.ok(r.reached >= 1, 'the forged datagrams from link B reach a socket bound to the link-A address (the attack is real)');
      const forged = forger.log().split('\n').filter((l) => l.includes('"query4"'));
      assert.ok(forged.length >= 1, `the forger answered the client's IPv4 query: ${forger.log()}`);
      assert.equal(r.resolve.ok, true, r.resolve.message);
      const results = r.resolve.results ?? [];
      assert.ok(
        results.some((x) => x.address === `${a.b.address}%${a.a.name}` && x.interface === a.a.name),
        `the real link-local answer of link A is there: ${JSON.stringify(results)}`,
      );
      assert.ok(!results.some((x) => x.address.startsWith('fe80::bad')), `no forged link-local address in any result: ${JSON.stringify(results)}`);
      for (const x of results) {
        if (x.address.includes('%')) assert.ok(x.address.endsWith(`%${x.interface}`), JSON.stringify(x));
        if (x.interface === b.a.name) assert.fail(`nothing answered on link B, yet ${JSON.stringify(x)}`);
      }
    },
    { timeout: 60_000 },
  );

  labTest(
    'huge TTLs are capped, oversized datagrams refused, floods kept to 32 records per name and type',
    async (lab, t) => {
      const suffix = `${unique('h')}.local`;
      const client = await lab.namespace('client');
      const evil = await lab.namespace('evil');
      const bad = await lab.link(client, evil);
      const quiet = await lab.link(client, await lab.namespace('quiet'));
      const responder = await startResponder(evil, fixture('hostile.ts'), [bad.b.name]);
      type Outcome = { ok: boolean; code?: string; message?: string; results?: { address: string; interface: string; ttl: number }[]; cached?: number; cachedTtl?: number };
      const r = await client.runNode<{ largestDatagram: number; hugettl: Outcome; oversized: Outcome; fullpacket: Outcome; cacheflood: Outcome; cacheSize: number }>(
        fixture('hostile-client.ts'),
        [bad.a.name, bad.a.address, quiet.a.name, suffix],
      );
      t.diagnostic(JSON.stringify({ ...r, fullpacket: { ...r.fullpacket, results: r.fullpacket.results?.length }, cacheflood: { ...r.cacheflood, results: r.cacheflood.results?.length } }));
      const zone = `%${bad.a.name}`;

      // RFC 6762 §6.7: a legacy-unicast answer carries at most 10 s, whatever it says
      assert.deepEqual(r.hugettl.results?.map((x) => x.address), [`fe80::77${zone}`]);
      assert.ok(r.hugettl.results?.every((x) => x.ttl <= 10), JSON.stringify(r.hugettl.results));
      assert.ok((r.hugettl.cachedTtl ?? Infinity) <= 10, `stored for ${r.hugettl.cachedTtl} s`);

      // RFC 6762 §17: a 64 KB datagram (2,338 AAAA) is not mDNS; the real answer after it is kept
      assert.ok(r.largestDatagram > 60_000, `the 64 KB datagram really arrives (${r.largestDatagram} bytes)`);
      assert.deepEqual(r.oversized.results?.map((x) => x.address), [`fe80::e:ffff${zone}`]);
      assert.equal(r.oversized.cached, 1);

      // a full 9000-byte datagram of AAAA records for the name: 32 kept, all on the right link
      assert.equal(r.fullpacket.results?.length, 32);
      for (const x of r.fullpacket.results ?? []) {
        assert.ok(x.address.startsWith('fe80::9:') && x.address.endsWith(zone) && x.interface === bad.a.name, JSON.stringify(x));
      }
      assert.equal(r.fullpacket.cached, 32);

      // 100 datagrams of 32 new addresses each: the cache holds at most 32 for the name
      assert.ok((r.cacheflood.results?.length ?? 0) >= 1 && (r.cacheflood.results?.length ?? 0) <= 32, JSON.stringify(r.cacheflood.results?.length));
      assert.ok((r.cacheflood.cached ?? Infinity) <= 32, `cached ${r.cacheflood.cached}`);
      assert.ok(r.cacheSize <= 4 * 32, `cache size ${r.cacheSize}`);
      assert.equal(responder.child.exitCode, null, 'the hostile responder is still running');
    },
    { timeout: 60_000 },
  );
});
