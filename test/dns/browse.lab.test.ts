// DNS-SD browsing against real peers: avahi-daemon on two links (the same instance name on both, a
// TXT record, a clean stop sending goodbyes), avahi in the client namespace too (port 5353
// shared), Matter subtypes, TTL expiry, known answers, and hostile responders (a thousand services,
// junk floods, a neighbour on another link claiming the same instances). Outcomes and counts only.
import { describe } from 'node:test';
import assert from 'node:assert/strict';
import { labTest, type Lab } from '../../src/testing/index.js';
import { startAvahi } from './fixtures/avahi.js';
import { startBrowse, type EventLine } from './fixtures/browse-run.js';
import { startResponder, unique } from './fixtures/peers.js';

const fixture = (name: string): URL => new URL(`./fixtures/${name}`, import.meta.url);

/** What sd-responder.ts logs per query. */
interface SdQuery {
  at: number;
  names: string[];
  known: number;
}

/**
 * A client and a peer on one link, the peer running sd-responder.ts with `config` (its link and
 * address filled in), and a service type of this run; `queries()` are those asking for the type.
 */
async function sdLab(lab: Lab, prefix: string, config: (type: string) => object) {
  const client = await lab.namespace('client');
  const peer = await lab.namespace('peer');
  const link = await lab.link(client, peer);
  const type = `_${prefix}${Math.floor(Math.random() * 1e6).toString(36)}._tcp`;
  const responder = await startResponder(peer, fixture('sd-responder.ts'), [JSON.stringify({ iface: link.b.name, address: link.b.address, ...config(type) })]);
  const queries = (): SdQuery[] => (responder.queries() as unknown as SdQuery[]).filter((q) => q.names.some((n) => n.startsWith(type.toLowerCase())));
  return { client, link, type, responder, queries };
}
const isFound = (instance: string, iface: string) => (e: EventLine) => e.type === 'found' && e.service.instance === instance && e.service.interface === iface;

describe('DNS-SD browsing (browseServices)', { concurrency: true }, () => {
  labTest(
    'two links, the same instance on both: two services, each with its own zone and TXT; a clean avahi stop is a goodbye -> lost',
    async (lab, t) => {
      const client = await lab.namespace('client');
      const pa = await lab.namespace('peerA');
      const pb = await lab.namespace('peerB');
      const a = await lab.link(client, pa);
      const b = await lab.link(client, pb);
      await client.ip(['address', 'add', '192.168.81.1/24', 'dev', a.a.name]);
      await pa.ip(['address', 'add', '192.168.81.2/24', 'dev', a.b.name]);
      const shared = `Shared Printer ${unique('p')}`;
      await startAvahi(pa, {
        hostName: unique('ha'),
        interfaces: [a.b.name],
        ipv4: true,
        services: [{ name: shared, type: '_http._tcp', port: 8080, txt: ['path=/a', 'model=Alpha', 'duplex', 'path=/ignored'] }],
      });
      const avahiB = await startAvahi(pb, { hostName: unique('hb'), interfaces: [b.b.name], services: [{ name: shared, type: '_http._tcp', port: 8081, txt: ['path=/b'] }] });
      // an avahi-daemon in the client namespace too, holding port 5353 on link A with a service of its own
      const own = `Client Own ${unique('c')}`;
      await startAvahi(client, { hostName: unique('hc'), interfaces: [a.a.name], services: [{ name: own, type: '_ipp._tcp', port: 631, txt: ['rp=printers/x'] }] });

      const run = startBrowse(client, {}, 12_000); // default: every type the links list
      const onA = await run.waitFor(isFound(shared, a.a.name));
      const onB = await run.waitFor(isFound(shared, b.a.name));
      const mine = await run.waitFor(isFound(own, a.a.name));
      // the same instance name on two links stays two services
      assert.notEqual(onA.service.id, onB.service.id);
      assert.equal(onA.service.type, '_http._tcp');
      assert.equal(onA.service.name, `${shared}._http._tcp.local`);
      assert.equal(onA.service.port, 8080);
      assert.equal(onB.service.port, 8081);
      assert.deepEqual(onA.service.txt, { path: '/a', model: 'Alpha', duplex: true }, 'RFC 6763 §6.4: the first path wins, a bare key is true');
      assert.deepEqual(onA.service.txtRaw, ['path=/a', 'model=Alpha', 'duplex', 'path=/ignored']);
      assert.deepEqual(onB.service.txt, { path: '/b' });
      assert.equal(mine.service.type, '_ipp._tcp');
      // every address carries the zone of the link it was heard on; both peers are fe80::2
      const addrs = async (instance: string, iface: string, want: string[]) => {
        const e = await run.waitFor((x) => x.type !== 'lost' && x.service.instance === instance && x.service.interface === iface && want.every((w) => x.service.addresses.some((y) => y.address === w)));
        for (const x of e.service.addresses) if (x.address.includes('%')) assert.ok(x.address.endsWith(`%${iface}`), JSON.stringify(x));
        return e;
      };
      await addrs(shared, a.a.name, [`${a.b.address}%${a.a.name}`, '192.168.81.2']);
      const bAddrs = await addrs(shared, b.a.name, [`${b.b.address}%${b.a.name}`]);
      assert.ok(!bAddrs.service.addresses.some((x) => x.address.startsWith('192.168.81.')), 'link A\'s IPv4 address is not B\'s');
      for (const e of run.events) {
        assert.ok(e.service.id.startsWith(`${e.service.interface} `), JSON.stringify(e.service.id));
        assert.ok(Number.isFinite(e.service.lastSeen.instance), 'last-seen time of the instance');
      }

      await avahiB.stop(); // SIGTERM: avahi sends goodbye packets (TTL 0, RFC 6762 §10.1)
      const lost = await run.waitFor((e) => e.type === 'lost' && e.service.instance === shared && e.service.interface === b.a.name);
      assert.equal(lost.reason, 'goodbye');
      const end = await run.end();
      t.diagnostic(JSON.stringify(end.stats));
      assert.equal(end.error, undefined);
      assert.ok(!run.events.some((e) => e.type === 'lost' && e.service.interface === a.a.name), 'nothing on link A was lost');
      const left = end.services.filter((s) => s.instance === shared).map((s) => s.interface);
      assert.deepEqual(left, [a.a.name]);
    },
    { timeout: 90_000 },
  );

  labTest(
    'our own link goes down: its services are lost (reason interface) and found again when it is back',
    async (lab, t) => {
      const client = await lab.namespace('client');
      const peer = await lab.namespace('peer');
      const link = await lab.link(client, peer);
      const name = `Flappy ${unique('f')}`;
      await startAvahi(peer, { hostName: unique('flap'), interfaces: [link.b.name], services: [{ name, type: '_http._tcp', port: 80 }] });
      const run = startBrowse(client, { types: ['_http._tcp'] }, 40_000);
      await run.waitFor(isFound(name, link.a.name));
      await link.setUp('a', false);
      const lost = await run.waitFor((e) => e.type === 'lost' && e.service.instance === name);
      assert.equal(lost.reason, 'interface');
      await link.setUp('a', true);
      const again = await run.waitFor((e) => e.type === 'found' && e.service.instance === name && e.at > lost.at, 30_000);
      assert.equal(again.service.interface, link.a.name);
      t.diagnostic(`lost ${lost.at - run.events[0]!.at} ms after found; found again ${again.at - lost.at} ms after lost`);
      run.child.kill('SIGTERM');
    },
    { timeout: 90_000 },
  );

  labTest(
    'Matter: a commissionable node found through its subtype, an operational one through its type',
    async (lab) => {
      const client = await lab.namespace('client');
      const peer = await lab.namespace('matter');
      const link = await lab.link(client, peer);
      const node = `${unique('M').replace(/[^A-Za-z0-9]/g, '').toUpperCase().slice(0, 16)}`;
      await startAvahi(peer, {
        hostName: unique('matter'),
        interfaces: [link.b.name],
        services: [
          { name: node, type: '_matterc._udp', port: 5540, txt: ['D=840', 'CM=1', 'VP=65521+32769'], subtypes: ['_L840._sub._matterc._udp', '_S3._sub._matterc._udp', '_CM._sub._matterc._udp'] },
          { name: `ABCDEF0123456789-${node}`, type: '_matter._tcp', port: 5540, txt: ['SII=5000'], subtypes: ['_IABCDEF0123456789._sub._matter._tcp'] },
        ],
      });
      const run = startBrowse(client, { types: ['_L840._sub._matterc._udp', '_matter._tcp'] }, 6000);
      const c = await run.waitFor((e) => e.type !== 'lost' && e.service.type === '_matterc._udp' && e.service.addresses.length > 0);
      assert.equal(c.service.instance, node);
      assert.ok(c.service.subtypes.includes('_L840'), JSON.stringify(c.service.subtypes));
      assert.equal(c.service.txt['d'], '840');
      assert.equal(c.service.port, 5540);
      const o = await run.waitFor((e) => e.type === 'found' && e.service.type === '_matter._tcp');
      assert.equal(o.service.instance, `ABCDEF0123456789-${node}`);
      const end = await run.end();
      // only what was asked: the short discriminator's subtype and the operational type
      assert.ok(end.services.every((s) => s.type === '_matterc._udp' || s.type === '_matter._tcp'), JSON.stringify(end.services.map((s) => s.type)));
      assert.ok(end.services.every((s) => s.addresses.every((x) => !x.address.includes('%') || x.address.endsWith(`%${link.a.name}`))));
    },
    { timeout: 60_000 },
  );

  labTest(
    'records are refreshed before their TTL runs out while the responder answers, known answers are listed, and a silent vanish expires -> lost',
    async (lab, t) => {
      const { client, link, type, responder, queries } = await sdLab(lab, 't', (type) => ({
        host: unique('short'),
        services: [{ instance: 'Short Lived', type, port: 7000, txt: ['v=1'] }],
        ttl: { ptr: 4, srv: 4, txt: 4, addr: 4 },
      }));
      const run = startBrowse(client, { types: [type] }, 30_000);
      await run.waitFor(isFound('Short Lived', link.a.name));
      // three TTLs later it is still there: the browser re-asked at 80-95% of the TTL (RFC 6762 §5.2)
      await new Promise((resolve) => setTimeout(resolve, 12_000));
      assert.ok(!run.events.some((e) => e.type === 'lost'), `lost while the responder answers: ${JSON.stringify(run.events.map((e) => e.type))}`);
      const typeQueries = queries();
      t.diagnostic(`queries for the type: ${typeQueries.length}, with known answers: ${typeQueries.filter((q) => q.known > 0).length}`);
      assert.ok(typeQueries.length >= 3, `the type was asked again to refresh its records: ${JSON.stringify(responder.queries())}`);
      assert.ok(typeQueries.some((q) => q.known > 0), 'later queries list the known answer (RFC 6762 §7.1)');
      // gone without a goodbye: lost once its records expire
      responder.child.kill('SIGKILL');
      const lost = await run.waitFor((e) => e.type === 'lost', 20_000);
      assert.equal(lost.reason, 'expired');
      assert.equal(lost.service.instance, 'Short Lived');
      run.child.kill('SIGTERM');
    },
    { timeout: 90_000 },
  );

  labTest(
    'a type nobody answers is asked again after 1 s, then at intervals that double (RFC 6762 §5.2)',
    async (lab, t) => {
      // a responder that logs every query and has nothing of this type
      const { client, type, queries } = await sdLab(lab, 'n', () => ({ host: unique('quiet'), services: [] }));
      const run = startBrowse(client, { types: [type] }, 7_600); // queries near 0, 1, 3 and 7 s
      await run.end();
      const at = queries().map((q) => q.at);
      const gaps = at.slice(1).map((x, i) => x - (at[i] as number));
      t.diagnostic(`gaps between queries for the type: ${gaps.join(', ')} ms`);
      assert.ok(gaps.length >= 3, `at least four queries in 7.6 s: ${JSON.stringify(at)}`);
      assert.ok((gaps[0] as number) >= 950, `the first two at least 1 s apart: ${gaps[0]} ms`);
      // each interval twice the one before; the slack is timer lateness on a loaded machine,
      // which lengthens one gap without the next
      for (let i = 1; i < gaps.length; i++) {
        const ratio = (gaps[i] as number) / (gaps[i - 1] as number);
        assert.ok(ratio >= 1.6 && ratio <= 2.6, `gap ${i} is ${ratio.toFixed(2)}x the one before: ${gaps.join(', ')} ms`);
      }
    },
    { timeout: 60_000 },
  );

  labTest(
    'hostile: a thousand services, junk floods and a neighbour on another link claiming the same instances: bounded, nothing on the wrong link',
    async (lab, t) => {
      const client = await lab.namespace('client');
      const big = await lab.namespace('big');
      const evil = await lab.namespace('evil');
      const a = await lab.link(client, big);
      const b = await lab.link(client, evil);
      const type = '_thousand._tcp';
      await startResponder(big, fixture('sd-responder.ts'), [
        JSON.stringify({ iface: a.b.name, host: 'big', address: a.b.address, services: [], count: 1000, countType: type, junk: 300 }),
      ]);
      // the neighbour on link B answers for the first 50 of the same instance names, with its own address
      await startResponder(evil, fixture('sd-responder.ts'), [
        JSON.stringify({ iface: b.b.name, host: 'big', address: 'fe80::bad:1', services: [], count: 50, countType: type, junk: 300 }),
      ]);
      await startResponder(evil, fixture('hostile.ts'), [b.b.name]); // malformed answers on 5353 too
      const bounded = startBrowse(client, { types: [type], maxServices: 300 }, 8000);
      const all = startBrowse(client, { types: [type], resolveTimeout: 500, maxServices: 2000 }, 12_000);
      const [e1, e2] = await Promise.all([bounded.end(), all.end()]);
      t.diagnostic(JSON.stringify({ bounded: e1.stats, all: e2.stats }));
      assert.equal(e1.error, undefined);
      assert.ok(e1.stats.services <= 300 && e1.services.length <= 300, `tracked ${e1.stats.services}`);
      assert.ok(e1.stats.servicesDropped > 0, 'the bound was reached');
      assert.ok(e1.stats.records <= 300 * 8 + 1024, `records ${e1.stats.records}`);
      assert.equal(e2.stats.servicesDropped, 0);
      const onA = e2.services.filter((s) => s.interface === a.a.name);
      const onB = e2.services.filter((s) => s.interface === b.a.name);
      assert.equal(onA.length, 1000, `all thousand on link A (${onA.length})`);
      assert.equal(onB.length, 50, `the neighbour's fifty on link B (${onB.length})`);
      for (const s of e2.services) {
        for (const x of s.addresses) {
          assert.ok(x.address.endsWith(`%${s.interface}`), `${s.id}: ${x.address}`);
          assert.equal(x.address.startsWith('fe80::bad'), s.interface === b.a.name, `${s.id}: ${x.address} belongs to link B only`);
        }
      }
      assert.ok(e2.stats.ignored + e2.stats.accepted <= e2.stats.datagrams, JSON.stringify(e2.stats));
    },
    { timeout: 90_000 },
  );
  labTest(
    'duplicate question suppression (RFC 6762 §7.3): another querier asking first saves our query, unless it asks for a unicast answer or lists an answer we lack',
    async (lab, t) => {
      const client = await lab.namespace('client');
      const type = `_dq${Math.floor(Math.random() * 1e6).toString(36)}._tcp`;
      const peers: Record<string, { iface: string; queries: () => unknown[] }> = {};
      const modes = { qm: {}, qu: { qu: true }, known: { known: `Unknown Instance.${type}.local` } };
      for (const [mode, extra] of Object.entries(modes)) {
        const peer = await lab.namespace(mode);
        const link = await lab.link(client, peer);
        const r = await startResponder(peer, fixture('querier.ts'), [JSON.stringify({ iface: link.b.name, address: link.b.address, name: `${type}.local`, every: 150, ...extra })]);
        peers[mode] = { iface: link.a.name, queries: r.queries };
      }
      const run = startBrowse(client, { types: [type] }, 4500);
      const end = await run.end();
      const heard = Object.fromEntries(Object.entries(peers).map(([mode, p]) => [mode, p.queries().length]));
      t.diagnostic(JSON.stringify({ heard, stats: end.stats }));
      assert.equal(end.error, undefined);
      // asked first (at 20-120 ms, then 1 s and 3 s) wherever the other querier's question does not count
      assert.ok((heard['qu'] as number) >= 3, `a QU question is no reason to stay silent: ${heard['qu']} queries`);
      assert.ok((heard['known'] as number) >= 3, `a known answer we lack would be held back from us: ${heard['known']} queries`);
      // at most the very first, sent before the other querier's next question came
      assert.ok((heard['qm'] as number) <= 1, `the same QM question, no known answers: ${heard['qm']} queries`);
      assert.ok(end.stats.queriesSuppressed >= 10, `suppressed ${end.stats.queriesSuppressed}`);
    },
    { timeout: 60_000 },
  );
});
