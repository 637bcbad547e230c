// Interface churn against the kernel: links deleted and re-created with a reused index, renamed,
// taken down and up faster than the cache age, appearing mid-run, and a flood of bogus zones.
// Clients run in a client namespace (fixtures/agent.ts: a registry without a watcher, "plain",
// and one with, "watched"); peers answer with their id and count connections, so what arrived
// where is counted at the peers. Outcomes and counts only, never timing.
import assert from 'node:assert/strict';
import { RECHECK_INTERVAL } from '../../src/iface/index.js';
import { labTest, type Lab, type Namespace } from '../../src/testing/index.js';
import { agent, peer, sh, vethCommands, waitUp, type Agent } from './helpers.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A client namespace linked to a peer answering "peer" on port 8000 (link `name` on the client side, fe80::1 - fe80::2), and the client's agent. */
async function onePeer(lab: Lab, name: string): Promise<{ client: Namespace; c: Agent }> {
  const [client, p] = await Promise.all([lab.namespace('client'), lab.namespace('peer')]);
  await sh(vethCommands({ a: client, b: p, nameA: name, nameB: 'px' }));
  await waitUp(client, name);
  await peer(p, 'peer', [8000]);
  return { client, c: await agent(client) };
}

labTest('link swap with index reuse: a numeric zone never connects over the interface that took the cached name', async (lab) => {
  const [client, p1, p2, p3] = await Promise.all([lab.namespace('client'), lab.namespace('peer1'), lab.namespace('peer2'), lab.namespace('peer3')]);
  // before: cx (index 50) -> peer1. After the swap: cx (index 60) -> peer2, cy (index 50) -> peer3.
  // Every peer is fe80::2. Zone %50 must reach peer1, then peer3, never peer2 (which now carries
  // the name the cache had for index 50). Port 8000: numeric zone, plain registry; 8002: numeric
  // zone, watched registry; 8001: the name cx, which must follow the name (to peer2).
  await sh(vethCommands({ a: client, b: p1, nameA: 'cx', nameB: 'px', index: 50 }));
  await waitUp(client, 'cx');
  const ports = [8000, 8001, 8002];
  const peers = await Promise.all([peer(p1, 'peer1', ports), peer(p2, 'peer2', ports), peer(p3, 'peer3', ports)]);
  const c = await agent(client);
  const loops = [['plain', '[fe80::2%50]:8000'], ['watched', '[fe80::2%50]:8002'], ['plain', '[fe80::2%cx]:8001']] as const;
  for (const [reg, target] of loops) {
    assert.deepEqual(await c.ask({ op: 'connect', reg, target }), { ok: true, id: 'peer1', interface: 'cx' }, `${reg} ${target} before the swap`);
  }
  // the swap happens while the client is idle (a re-plug between two requests): nothing it did
  // since (no miss, no socket error) tells it the table changed
  await sh([
    `ip -n ${client.name} link del cx`,
    ...vethCommands({ a: client, b: p2, nameA: 'cx', nameB: 'px', index: 60 }),
    ...vethCommands({ a: client, b: p3, nameA: 'cy', nameB: 'px', index: 50 }),
  ]);
  await Promise.all([waitUp(client, 'cx'), waitUp(client, 'cy')]);
  for (const [reg, target] of loops) await c.ask({ op: 'loopStart', name: target, reg, target });
  // well within the 5 s cache age: a stale index-to-name mapping would still be in use
  for (let i = 0; i < 200; i++) {
    const t = (await c.ask({ op: 'tally', name: '[fe80::2%50]:8000' })) as Json;
    const w = (await c.ask({ op: 'tally', name: '[fe80::2%50]:8002' })) as Json;
    if ((t['peer:peer3'] ?? 0) >= 20 && (w['peer:peer3'] ?? 0) >= 20) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  const plain = (await c.ask({ op: 'loopStop', name: '[fe80::2%50]:8000' })) as Json;
  const watched = (await c.ask({ op: 'loopStop', name: '[fe80::2%50]:8002' })) as Json;
  const named = (await c.ask({ op: 'loopStop', name: '[fe80::2%cx]:8001' })) as Json;
  const [c1, c2, c3] = await Promise.all(peers.map((p) => p.counts()));
  const what = JSON.stringify({ plain, watched, named, peer1: c1, peer2: c2, peer3: c3 });
  // counted at the peers
  assert.equal(c2!['8000'], 0, `plain: zone %50 reached peer2 over the re-created cx: ${what}`);
  assert.equal(c2!['8002'], 0, `watched: zone %50 reached peer2 over the re-created cx: ${what}`);
  assert.ok(c3!['8000']! >= 20 && c3!['8002']! >= 20, `zone %50 reaches the new owner of index 50 (peer3): ${what}`);
  assert.ok(c2!['8001']! > 0 && c3!['8001'] === 0, `the name cx follows the name (peer2): ${what}`);
  assert.deepEqual([c1!['8000'], c1!['8001'], c1!['8002']], [1, 1, 1], `peer1: only the connects before the swap: ${what}`);
  // and the client saw the same: every connect after the swap reached peer3
  assert.deepEqual(Object.keys(plain), ['peer:peer3'], `plain: ${what}`);
  // the watcher may not have read the table since cy came up (its read follows the kernel's
  // messages by a few ms): "down" then, never another link
  assert.ok((watched['peer:peer3'] ?? 0) > 0, `watched: ${what}`);
  for (const key of Object.keys(watched)) assert.ok(['peer:peer3', 'error:ERR_INTERFACE_DOWN'].includes(key), `watched: ${what}`);
  const after = await c.ask({ op: 'connect', target: '[fe80::2%60]:8000' });
  assert.deepEqual(after, { ok: true, id: 'peer2', interface: 'cx' }, 'index 60 is the new cx');
  await c.close();
});

labTest('rename: the old name is unknown at once with the watcher, the new one found (within the rate-limit interval without it)', async (lab) => {
  const { client, c } = await onePeer(lab, 'rx');
  for (const reg of ['plain', 'watched']) assert.equal(((await c.ask({ op: 'connect', reg, target: '[fe80::2%rx]:8000' })) as Json)['ok'], true);
  await c.ask({ op: 'events', reg: 'watched' });
  // a link must be down to be renamed; the kernel drops its addresses on down
  await sh([`ip -n ${client.name} link set dev rx down`, `ip -n ${client.name} link set dev rx name ry`, `ip -n ${client.name} address add fe80::1/64 dev ry nodad`, `ip -n ${client.name} link set dev ry up`]);
  await waitUp(client, 'ry');

  // watched: the rename is an event; then both names answer from the cache, with no read
  const seen = (await c.ask({ op: 'waitEvent', reg: 'watched', want: 'renamed rx->ry' })) as Json;
  assert.ok(seen['seen'] !== null, JSON.stringify(seen));
  const before = ((await c.ask({ op: 'reads', reg: 'watched' })) as Json)['reads'];
  assert.deepEqual(await c.ask({ op: 'resolve', reg: 'watched', zone: 'rx' }), { code: 'ERR_UNKNOWN_INTERFACE', reads: 0 });
  const w = (await c.ask({ op: 'until', reg: 'watched', target: '[fe80::2%ry]:8000' })) as Json;
  assert.equal(w['ok'], true, JSON.stringify(w));
  assert.equal(w['reads'], 0, 'watched: no lookup re-read');
  assert.equal(((await c.ask({ op: 'reads', reg: 'watched' })) as Json)['reads'], before);

  // plain: the new name is a miss that re-reads (rate-limited); the old name never reaches a peer
  const u = (await c.ask({ op: 'until', reg: 'plain', target: '[fe80::2%ry]:8000', sleep: 10 })) as Json;
  assert.equal(u['ok'], true, JSON.stringify(u));
  assert.ok(u['reads'] <= 1 + Math.ceil(u['elapsed'] / RECHECK_INTERVAL), `plain: ${u['reads']} reads in ${u['attempts']} attempts`);
  const old = (await c.ask({ op: 'connect', reg: 'plain', target: '[fe80::2%rx]:8000' })) as Json;
  assert.deepEqual(old, { ok: false, code: 'ERR_UNKNOWN_INTERFACE' });
  await c.close();
});

labTest('down and up faster than the cache age: connects work again at once; a cached "down" is fresh after recheck()', async (lab) => {
  const { client, c } = await onePeer(lab, 'dx');
  const target = '[fe80::2%dx]:8000';
  const downUp = [`ip -n ${client.name} link set dev dx down`, `ip -n ${client.name} link set dev dx up`, `ip -n ${client.name} address add fe80::1/64 dev dx nodad`];
  for (const reg of ['plain', 'watched']) assert.equal(((await c.ask({ op: 'connect', reg, target })) as Json)['ok'], true);
  // cached up; down and up again within a fraction of maxAge
  await sh(downUp);
  await waitUp(client, 'dx');
  for (const reg of ['plain', 'watched']) {
    const r = (await c.ask({ op: 'until', reg, target })) as Json;
    assert.equal(r['ok'], true, `${reg}: ${JSON.stringify(r)}`);
  }

  // cached down: the interface is down when the registries read it...
  await c.ask({ op: 'events', reg: 'watched' });
  await sh([`ip -n ${client.name} link set dev dx down`]);
  assert.equal(((await c.ask({ op: 'waitEvent', reg: 'watched', want: 'down dx' })) as Json)['seen'] !== null, true);
  await c.ask({ op: 'recheckUntil', reg: 'plain' });
  for (const reg of ['plain', 'watched']) assert.equal(((await c.ask({ op: 'resolve', reg, zone: 'dx' })) as Json)['up'], false, reg);
  // ...then comes back
  await sh(downUp.slice(1));
  await waitUp(client, 'dx');
  // (up, then its address: one event or two, depending on how the kernel's messages were read)
  assert.equal(((await c.ask({ op: 'waitEvent', reg: 'watched', want: 'address-added dx' })) as Json)['seen'] !== null, true);
  const w = (await c.ask({ op: 'resolve', reg: 'watched', zone: 'dx' })) as Json;
  assert.equal(w['up'], true, 'watched: up as soon as the event is out');
  assert.equal(w['linkLocal'], 'fe80::1%dx');
  assert.equal(w['reads'], 0);
  assert.equal(((await c.ask({ op: 'connect', reg: 'watched', target })) as Json)['ok'], true);
  // plain: still "down" from the cache, until a recheck() re-reads (at most once per interval)
  const tries = (await c.ask({ op: 'recheckUntil', reg: 'plain' })) as Json;
  assert.ok(tries['tries'] !== null, 'recheck() re-read within the interval');
  const fresh = (await c.ask({ op: 'resolve', reg: 'plain', zone: 'dx' })) as Json;
  assert.equal(fresh['up'], true, `plain after recheck(): ${JSON.stringify(fresh)}`);
  assert.equal(fresh['reads'], 0, 'the recheck() read is the fresh state');
  assert.equal(((await c.ask({ op: 'connect', reg: 'plain', target })) as Json)['ok'], true);
  await c.close();
});

labTest('an interface appearing mid-run is found within the rate-limit interval, at once with the watcher', async (lab) => {
  const [client, p] = await Promise.all([lab.namespace('client'), lab.namespace('peer')]);
  await peer(p, 'peer', [8000]);
  const c = await agent(client);
  for (const reg of ['plain', 'watched']) assert.equal(((await c.ask({ op: 'resolve', reg, zone: 'nx' })) as Json)['code'], 'ERR_UNKNOWN_INTERFACE');
  await sh(vethCommands({ a: client, b: p, nameA: 'nx', nameB: 'px' }));
  await waitUp(client, 'nx');
  // watched: the 'added' event, then a Map hit
  assert.notEqual(((await c.ask({ op: 'waitEvent', reg: 'watched', want: 'added nx' })) as Json)['seen'], null);
  const w = (await c.ask({ op: 'resolve', reg: 'watched', zone: 'nx' })) as Json;
  assert.equal(w['name'], 'nx');
  assert.equal(w['reads'], 0, 'watched: found without a lookup re-read');
  assert.equal(((await c.ask({ op: 'until', reg: 'watched', target: '[fe80::2%nx]:8000' })) as Json)['reads'], 0);
  // plain: lookups every 5 ms; misses re-read at most once per interval, and the first one after the interval finds it
  const r = (await c.ask({ op: 'resolveUntil', reg: 'plain', zone: 'nx', sleep: 5 })) as Json;
  assert.equal(r['found'], 'nx', JSON.stringify(r));
  assert.ok(r['reads'] >= 1 && r['reads'] <= 1 + Math.ceil(r['elapsed'] / RECHECK_INTERVAL), `plain: ${JSON.stringify(r)}`);
  assert.equal(((await c.ask({ op: 'connect', reg: 'plain', target: '[fe80::2%nx]:8000' })) as Json)['ok'], true);
  await c.close();
});

labTest('a flood of bogus zones: typed errors, no socket, backend reads bounded by the rate limit', async (lab) => {
  const client = await lab.namespace('client');
  // 50 interfaces: 49 ifbs with link-local addresses, and lo
  const cmds: string[] = [];
  for (let i = 0; i < 49; i++) {
    cmds.push(`ip -n ${client.name} link add fl${i} type ifb`, `ip -n ${client.name} link set dev fl${i} addrgenmode none`, `ip -n ${client.name} address add fe80::${i + 1}/64 dev fl${i} nodad`, `ip -n ${client.name} link set dev fl${i} up`);
  }
  await sh(cmds);
  const c = await agent(client);
  for (const reg of ['plain', 'watched']) {
    for (const numeric of [false, true]) {
      const r = (await c.ask({ op: 'flood', reg, n: 10_000, numeric })) as Json;
      assert.deepEqual(r['codes'], { ERR_UNKNOWN_INTERFACE: 10_000 }, `${reg} ${numeric ? 'numeric' : 'named'}: ${JSON.stringify(r)}`);
      const bound = reg === 'watched' ? 0 : 1 + Math.ceil(r['elapsed'] / RECHECK_INTERVAL);
      assert.ok(r['reads'] <= bound, `${reg} ${numeric ? 'numeric' : 'named'}: ${r['reads']} backend reads for 10,000 lookups (bound ${bound})`);
    }
  }
  await c.close();
});

labTest('the monitor child: one per process, restarted when it dies, gone when its process is killed', async (lab) => {
  const client = await lab.namespace('client');
  const c = await agent(client);
  const m = (await c.ask({ op: 'monitor' })) as Json;
  assert.equal(m['source'], 'netlink');
  assert.equal(m['ready'], true);
  const pid = m['pid'] as number;
  // one ip monitor in the namespace for two registries and their watchers
  const pids = (await client.exec('sh', ['-c', 'for p in $(ip netns pids "$0"); do tr "\\0" " " < /proc/$p/cmdline; echo; done', client.name])).stdout;
  assert.equal(pids.split('\n').filter((l) => l.trim() === 'ip -o monitor link address').length, 1, pids);
  // killed: restarted, and changes meanwhile are still reported
  await client.exec('kill', ['-9', String(pid)]);
  await lab.addInterface(client, { kind: 'ifb', name: 'late0', addresses: ['fe80::5'] });
  assert.notEqual(((await c.ask({ op: 'waitEvent', reg: 'watched', want: 'added late0' })) as Json)['seen'], null);
  let again: Json = {};
  for (let i = 0; i < 100; i++) {
    again = (await c.ask({ op: 'monitor' })) as Json;
    if (again['ready'] === true && again['pid'] !== pid) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.equal(again['ready'], true, JSON.stringify(again));
  assert.notEqual(again['pid'], pid);
  assert.equal(again['starts'], 2);
  // the agent SIGKILLed: its ip monitor must not outlive it
  c.child.kill('SIGKILL');
  await new Promise((r) => c.child.once('exit', r));
  let alive = true;
  for (let i = 0; i < 100 && alive; i++) {
    alive = (await client.exec('kill', ['-0', String(again['pid'])])).code === 0;
    if (alive) await new Promise((r) => setTimeout(r, 20));
  }
  assert.equal(alive, false, 'ip monitor outlived its parent');
});
