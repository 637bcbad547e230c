// mDNS and lookup against real peers: avahi-daemon (Debian) in lab namespaces, a hostile
// responder, and a TCP server reached by name. Every client runs inside a lab namespace.
import { describe } from 'node:test';
import assert from 'node:assert/strict';
import dns from 'node:dns';
import { once } from 'node:events';
import { existsSync, mkdirSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { labTest, type Lab, type Namespace } from '../../src/testing/index.js';
import { startAvahi } from './fixtures/avahi.js';
import { CLI_MAIN, cliCommand } from '../helpers/cli.js';

const fixture = (name: string): URL => new URL(`./fixtures/${name}`, import.meta.url);

/** `fe80 ARGS` inside `ns`, with its exit code and output. */
function runCli(ns: Namespace, args: string[]) {
  return ns.exec(...cliCommand(...args));
}

interface MdnsOut {
  ok: boolean;
  ms: number;
  code?: string;
  message?: string;
  results?: { address: string; interface: string; ttl: number; name: string }[];
}
interface LookupOut {
  ok: boolean;
  code?: string;
  message?: string;
  result?: { address: string; family: number } | { address: string; family: number }[];
}

function uniqueHost(label: string): string {
  return `${label}-${process.pid.toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
}

async function mdns(ns: Namespace, name: string, options: object = {}): Promise<MdnsOut> {
  return ns.runNode<MdnsOut>(fixture('resolve.ts'), ['mdns', name, JSON.stringify(options)]);
}

async function lookupIn(ns: Namespace, name: string, call: object = {}, create: object = {}): Promise<LookupOut> {
  return ns.runNode<LookupOut>(fixture('resolve.ts'), ['lookup', name, JSON.stringify(call), JSON.stringify(create)]);
}

/** Client namespace `a` linked to a peer namespace running avahi with host name `host`. */
async function avahiPeer(lab: Lab, host: string, a?: Namespace) {
  const client = a ?? (await lab.namespace('client'));
  const peer = await lab.namespace('avahi');
  const link = await lab.link(client, peer);
  await startAvahi(peer, { hostName: host, interfaces: [link.b.name] });
  return { client, peer, link };
}

describe('mDNS with avahi-daemon peers', { concurrency: true }, () => {
  labTest(
    'resolveMdns, lookup and `fe80 resolve` find an avahi peer with the zone of the link',
    async (lab) => {
      const host = uniqueHost('peer');
      const { client, link } = await avahiPeer(lab, host);
      const want = `${link.b.address}%${link.a.name}`;

      const r = await mdns(client, `${host}.local`);
      assert.equal(r.ok, true, r.message);
      const addresses = r.results?.map((x) => x.address) ?? [];
      assert.ok(addresses.includes(want), `expected ${want} in ${addresses.join(', ')}`);
      for (const x of r.results ?? []) {
        assert.equal(x.interface, link.a.name);
        assert.ok(x.address.endsWith(`%${link.a.name}`), x.address);
        assert.ok(x.ttl > 0 && x.ttl <= 120, `ttl ${x.ttl}`);
      }
      assert.ok(r.ms < 1000, `took ${r.ms} ms: must return when the only interface has answered`);

      const l = await lookupIn(client, `${host}.local`, { all: true });
      assert.equal(l.ok, true, l.message);
      assert.ok(Array.isArray(l.result));
      assert.ok(l.result.some((x) => x.address === want && x.family === 6), JSON.stringify(l.result));

      const one = await lookupIn(client, `${host.toUpperCase()}.LOCAL.`, { family: 6 });
      assert.equal(one.ok, true, one.message);
      assert.ok(!Array.isArray(one.result) && one.result?.address.endsWith(`%${link.a.name}`), JSON.stringify(one.result));

      const cli = await client.runNode<{ address: string; interface: string; family: number }[]>(CLI_MAIN, ['resolve', `${host}.local`, '--json']);
      assert.ok(cli.some((x) => x.address === want && x.interface === link.a.name && x.family === 6), JSON.stringify(cli));
      const text = await runCli(client, ['resolve', `${host}.local`, '-i', link.a.name]);
      assert.equal(text.code, 0, text.stderr);
      assert.match(text.stdout, new RegExp(`^${want.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\t${link.a.name}\\tttl=\\d+$`, 'm'));

      // not found: exit 1 and a message; -4 asks A records avahi does not publish here (IPv6 only)
      const missing = await runCli(client, ['resolve', `no-such-${host}.local`, '--timeout', '300']);
      assert.equal(missing.code, 1, missing.stdout + missing.stderr);
      assert.match(missing.stderr, /ERR_NOT_FOUND/);
      const usage = await runCli(client, ['resolve']);
      assert.equal(usage.code, 2);

      // the service avahi publishes is there too (raw PTR query, no fe80 involved)
      const ptr = await client.runNode<{ ok: boolean; records: { type: string; data: string }[] }>(fixture('raw-query.ts'), [
        link.a.name,
        link.a.address,
        '_http._tcp.local',
        'PTR',
      ]);
      assert.equal(ptr.ok, true);
      assert.ok(ptr.records.some((x) => x.type === 'PTR' && x.data.includes(host)), JSON.stringify(ptr.records));
    },
    { timeout: 120_000 },
  );

  labTest(
    'cache, abort, timeout, concurrent queries and no handle left keeping the process alive',
    async (lab) => {
      const host = uniqueHost('beh');
      const { client, link } = await avahiPeer(lab, host);
      type Timed = { result: { code?: string }; ms: number };
      const r = await client.runNode<{
        cache: { first: string[]; second: string[]; firstMs: number; secondMs: number; size: number };
        abort: Timed;
        timeout: Timed;
        concurrent: { answers: number[]; sockets: number };
        resources: string[];
        socketsAfterClose: number;
      }>(fixture('behaviour.ts'), [link.a.name, `${host}.local`]);
      assert.ok(r.cache.first.includes(`${link.b.address}%${link.a.name}`), JSON.stringify(r.cache));
      assert.deepEqual(r.cache.second, r.cache.first);
      assert.ok(r.cache.size >= 1);
      assert.ok(r.cache.secondMs < 50, `cached answer took ${r.cache.secondMs} ms`);
      assert.equal(r.abort.result.code, 'ERR_ABORTED');
      assert.ok(r.abort.ms < 1000, `abort took ${r.abort.ms} ms`);
      assert.equal(r.timeout.result.code, 'ERR_NOT_FOUND');
      assert.ok(r.timeout.ms >= 390 && r.timeout.ms < 1000, `timeout after ${r.timeout.ms} ms`);
      assert.ok(r.concurrent.answers.every((n) => n >= 1), JSON.stringify(r.concurrent));
      assert.equal(r.concurrent.sockets, 1, 'one pooled socket for one interface');
      assert.deepEqual(r.resources, [], `handles keeping the loop alive: ${r.resources.join(', ')}`);
      assert.equal(r.socketsAfterClose, 0);
    },
    { timeout: 60_000 },
  );

  labTest(
    'the cache answers per record type and lists known answers in queries (RFC 6762 §7.1)',
    async (lab) => {
      const name = `${uniqueHost('types')}.local`;
      const client = await lab.namespace('client');
      const peer = await lab.namespace('peer');
      const link = await lab.link(client, peer);
      const responder = peer.spawnNode(fixture('responder.ts'), [
        JSON.stringify({
          iface: link.b.name,
          records: { [name]: [{ type: 'AAAA', data: link.b.address }, { type: 'A', data: '192.0.2.7' }], [`v6-${name}`]: [{ type: 'AAAA', data: link.b.address }] },
        }),
      ]);
      let log = '';
      responder.stderr?.setEncoding('utf8');
      responder.stderr?.on('data', (d: string) => (log += d));
      await new Promise((resolve, reject) => {
        responder.stdout?.once('data', resolve);
        responder.once('exit', (c) => reject(new Error(`responder exited (${c}): ${log}`)));
      });
      type Asked = { addresses: string[]; ms: number };
      const r = await client.runNode<{ aaaa: Asked; both: Asked; again: Asked; v6first: Asked; v6again: Asked }>(fixture('cache-types.ts'), [link.a.name, name]);
      const ll = `${link.b.address}%${link.a.name}`;
      assert.deepEqual(r.aaaa.addresses, [ll]);
      assert.deepEqual([...r.both.addresses].sort(), ['192.0.2.7', ll].sort(), 'an AAAA-only answer in the cache does not stand in for A');
      assert.deepEqual([...r.again.addresses].sort(), ['192.0.2.7', ll].sort());
      const queries = log
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { questions: string[]; known: string[] });
      assert.deepEqual(queries[0], { ...queries[0], questions: ['AAAA'], known: [] });
      assert.deepEqual(queries[1], { ...queries[1], questions: ['AAAA', 'A'], known: [`AAAA ${link.b.address}`] }, 'the cached AAAA is a known answer');
      // a host that publishes only AAAA: after one A+AAAA query its missing A is known, and the
      // next A+AAAA lookup is answered from the cache (no query, no settle wait)
      assert.deepEqual(r.v6first.addresses, [ll]);
      assert.deepEqual(r.v6again.addresses, [ll]);
      assert.equal(queries.length, 3, `only the first query for each name and type set reaches the network: ${log}`);
      assert.deepEqual(queries[2], { ...queries[2], questions: ['AAAA', 'A'] });
      assert.ok(r.v6again.ms < 100, `answered from the cache in ${r.v6again.ms} ms`);
    },
    { timeout: 60_000 },
  );

  labTest(
    'the interface goes down and up: a clean error while down, answers again afterwards',
    async (lab, t) => {
      const host = uniqueHost('ud');
      const { client, link } = await avahiPeer(lab, host);
      type Attempt = { ok: boolean; code?: string; addresses?: string[]; ms: number };
      const r = await client.runNode<{ before: Attempt; down: Attempt; after: Attempt }>(fixture('updown.ts'), [
        link.a.name,
        link.a.address,
        `${host}.local`,
      ]);
      t.diagnostic(JSON.stringify(r));
      const want = `${link.b.address}%${link.a.name}`;
      assert.ok(r.before.addresses?.includes(want), JSON.stringify(r.before));
      assert.equal(r.down.ok, false, JSON.stringify(r.down));
      assert.ok(['ERR_MDNS', 'ERR_INTERFACE_DOWN', 'ERR_NOT_FOUND'].includes(r.down.code as string), JSON.stringify(r.down));
      assert.ok(r.after.addresses?.includes(want), JSON.stringify(r.after));
    },
    { timeout: 60_000 },
  );

  labTest(
    'IPv4 too: queries go to 224.0.0.251 as well, A records come back with their interface',
    async (lab) => {
      const host = uniqueHost('v4');
      const client = await lab.namespace('client');
      const peer = await lab.namespace('avahi');
      const link = await lab.link(client, peer);
      await client.ip(['address', 'add', '192.168.77.1/24', 'dev', link.a.name]);
      await peer.ip(['address', 'add', '192.168.77.2/24', 'dev', link.b.name]);
      // avahi answers A only over IPv4 and AAAA only over IPv6 here (publish-a-on-ipv6=no,
      // publish-aaaa-on-ipv4=no): both legs of the interface must be heard
      await startAvahi(peer, { hostName: host, interfaces: [link.b.name], ipv4: true });
      const ll = `${link.b.address}%${link.a.name}`;

      const both = await mdns(client, `${host}.local`, { cache: false, settle: 2000, timeout: 5000 });
      assert.equal(both.ok, true, both.message);
      const pairs = both.results?.map((x) => `${x.address} ${x.interface}`) ?? [];
      assert.ok(pairs.includes(`${ll} ${link.a.name}`), pairs.join('; '));
      assert.ok(pairs.includes(`192.168.77.2 ${link.a.name}`), pairs.join('; '));
      assert.ok(both.ms < 1500, `took ${both.ms} ms: both legs answered, so no settle wait (2000 ms)`);

      const v4 = await mdns(client, `${host}.local`, { family: 4, transport: 'ipv4', cache: false });
      assert.deepEqual(v4.results?.map((x) => x.address), ['192.168.77.2']);

      const l4 = await lookupIn(client, `${host}.local`, { family: 4 });
      assert.deepEqual(l4.result, { address: '192.168.77.2', family: 4 });
      const mapped = await lookupIn(client, `${host}.local`, { family: 6, hints: dns.V4MAPPED | dns.ALL, all: true });
      const addrs = (mapped.result as { address: string }[]).map((x) => x.address);
      assert.ok(addrs.includes(ll) && addrs.includes('::ffff:192.168.77.2'), addrs.join(', '));
    },
    { timeout: 60_000 },
  );

  labTest(
    'two links to two avahi peers with the same host name: both answers, each with its own zone',
    async (lab) => {
      const host = uniqueHost('twin');
      const client = await lab.namespace('client');
      const one = await avahiPeer(lab, host, client);
      const two = await avahiPeer(lab, host, client);
      // both peers are fe80::2 on their own link: only the zone tells them apart (RFC 6762 §14)
      assert.equal(one.link.b.address, two.link.b.address);
      const want = [`${one.link.b.address}%${one.link.a.name}`, `${two.link.b.address}%${two.link.a.name}`];

      const r = await mdns(client, `${host}.local`, { family: 6 });
      assert.equal(r.ok, true, r.message);
      const got = r.results?.map((x) => x.address) ?? [];
      for (const w of want) assert.ok(got.includes(w), `expected ${w} in ${got.join(', ')}`);
      for (const x of r.results ?? []) assert.ok(x.address.endsWith(`%${x.interface}`), JSON.stringify(x));

      const l = await lookupIn(client, `${host}.local`, { all: true });
      assert.equal(l.ok, true, l.message);
      const addrs = (l.result as { address: string }[]).map((x) => x.address);
      for (const w of want) assert.ok(addrs.includes(w), `lookup: expected ${w} in ${addrs.join(', ')}`);

      // restricted to one interface, only that link's answer comes back
      const only = await mdns(client, `${host}.local`, { interfaces: [two.link.a.name], family: 6 });
      assert.equal(only.ok, true, only.message);
      assert.ok(only.results?.every((x) => x.interface === two.link.a.name), JSON.stringify(only.results));
    },
    { timeout: 60_000 },
  );

  labTest(
    'net.connect({ host: NAME.local, lookup }) reaches a server in the avahi peer namespace',
    async (lab) => {
      const host = uniqueHost('srv');
      const { client, peer, link } = await avahiPeer(lab, host);
      const server = peer.spawnNode(fixture('tcp-server.ts'));
      let out = '';
      server.stdout?.setEncoding('utf8');
      server.stdout?.on('data', (d: string) => (out += d));
      while (!/listening (\d+)/.test(out)) {
        await Promise.race([once(server.stdout!, 'data'), once(server, 'exit').then(() => assert.fail('server exited'))]);
      }
      const port = /listening (\d+)/.exec(out)?.[1] as string;
      for (const autoSelect of ['true', 'false']) {
        const r = await client.runNode<{ ok: boolean; data?: string; remoteAddress?: string; message?: string }>(fixture('tcp-client.ts'), [
          `${host}.local`,
          port,
          autoSelect,
        ]);
        assert.equal(r.ok, true, r.message);
        assert.match(r.data ?? '', /^hello fe80::/);
        assert.ok(r.remoteAddress?.endsWith(`%${link.a.name}`), `remoteAddress ${r.remoteAddress}`);
      }
    },
    { timeout: 60_000 },
  );

  labTest(
    'other names go to the system resolver: a zone-less link-local answer follows the zone policy',
    async (lab) => {
      const client = await lab.namespace('client');
      const peer = await lab.namespace('peer');
      const link = await lab.link(client, peer);
      // `ip netns exec` bind-mounts /etc/netns/NAME/hosts over /etc/hosts for that namespace only
      const dir = join('/etc/netns', client.name);
      const hadEtcNetns = existsSync('/etc/netns');
      mkdirSync(dir, { recursive: true });
      try {
        writeFileSync(join(dir, 'hosts'), `127.0.0.1 localhost\n${link.b.address} router.test\n`);
        const strict = await lookupIn(client, 'router.test', { all: true });
        assert.equal(strict.code, 'ERR_ZONE_REQUIRED', JSON.stringify(strict));
        assert.match(strict.message ?? '', new RegExp(link.a.name));
        const auto = await lookupIn(client, 'router.test', { all: true }, { zone: 'auto' });
        assert.deepEqual(auto.result, [{ address: `${link.b.address}%${link.a.name}`, family: 6 }]);
        const fixed = await lookupIn(client, 'router.test', {}, { zone: link.a.name });
        assert.deepEqual(fixed.result, { address: `${link.b.address}%${link.a.name}`, family: 6 });
        const local = await lookupIn(client, 'localhost', { all: true });
        assert.deepEqual(local.result, [{ address: '127.0.0.1', family: 4 }]);
        const missing = await lookupIn(client, 'nowhere.invalid', {});
        assert.equal(missing.code, 'ERR_NOT_FOUND', JSON.stringify(missing));
      } finally {
        rmSync(dir, { recursive: true, force: true });
        if (!hadEtcNetns) {
          try {
            rmdirSync('/etc/netns'); // only when empty: another lab may be using it
          } catch {
            // not empty or gone
          }
        }
      }
    },
    { timeout: 60_000 },
  );

  labTest(
    'a hostile responder: malformed, off-rule, off-link and flooding answers never crash or cross links',
    async (lab, t) => {
      const host = uniqueHost('good');
      const client = await lab.namespace('client');
      const good = await avahiPeer(lab, host, client);
      const evil = await lab.namespace('evil');
      const bad = await lab.link(client, evil);
      await evil.ip(['address', 'add', '2001:db8:ffff::9/64', 'dev', bad.b.name, 'nodad']);
      const responder = evil.spawnNode(fixture('hostile.ts'), [bad.b.name, '2001:db8:ffff::9']);
      let ready = '';
      responder.stdout?.setEncoding('utf8');
      responder.stdout?.on('data', (d: string) => (ready += d));
      responder.stderr?.on('data', (d: Buffer) => process.stderr.write(d));
      while (!ready.includes('ready')) {
        await Promise.race([once(responder.stdout!, 'data'), once(responder, 'exit').then(() => assert.fail('hostile responder exited'))]);
      }
      const onBad = { interfaces: [bad.a.name], family: 6, timeout: 600, cache: false };

      // only junk: truncated, QR=0, OPCODE/RCODE != 0, class CH, compression loop, forward
      // pointer, short RDLENGTH, multicast/loopback AAAA, other names, wrong source port, off-link source
      const garbage = await mdns(client, `garbage-${host}.local`, onBad);
      assert.equal(garbage.ok, false, JSON.stringify(garbage.results));
      assert.equal(garbage.code, 'ERR_NOT_FOUND');

      const offlink = await mdns(client, `offlink-${host}.local`, onBad);
      assert.equal(offlink.code, 'ERR_NOT_FOUND', JSON.stringify(offlink.results));

      // class 0x8001 (cache-flush) with a question section and a non-zero ID is a good answer
      const flush = await mdns(client, `flush-${host}.local`, onBad);
      assert.equal(flush.ok, true, flush.message);
      assert.deepEqual(flush.results?.map((x) => x.address), [`fe80::f1%${bad.a.name}`]);

      const mixed = await mdns(client, `mixed-${host}.local`, onBad);
      assert.deepEqual(mixed.results?.map((x) => x.address), [`fe80::a1%${bad.a.name}`]);

      // two interfaces, and the good one never answers this name: the settle window collects the
      // flood's answers, capped at 32 per interface
      const flood = await mdns(client, `flood-${host}.local`, {
        ...onBad,
        interfaces: [bad.a.name, good.link.a.name],
        timeout: 3000,
        settle: 500,
      });
      assert.equal(flood.ok, true, flood.message);
      t.diagnostic(`flood: ${flood.results?.length} results kept`);
      assert.ok((flood.results?.length ?? 0) > 1 && (flood.results?.length ?? 0) <= 32, `${flood.results?.length} results`);
      assert.ok(flood.results?.every((x) => x.address.startsWith('fe80::f:') && x.interface === bad.a.name));

      // the hostile peer claims the good peer's name on its own link: its answer stays on its link
      const both = await mdns(client, `${host}.local`, { family: 6, cache: false, settle: 300 });
      assert.equal(both.ok, true, both.message);
      const pairs = both.results?.map((x) => `${x.address} ${x.interface}`) ?? [];
      assert.ok(pairs.includes(`${good.link.b.address}%${good.link.a.name} ${good.link.a.name}`), pairs.join('; '));
      assert.ok(pairs.includes(`fe80::bad:b%${bad.a.name} ${bad.a.name}`), pairs.join('; '));
      for (const x of both.results ?? []) {
        if (x.address.startsWith('fe80::bad')) assert.equal(x.interface, bad.a.name);
        assert.ok(x.address.endsWith(`%${x.interface}`));
      }
      assert.equal(responder.exitCode, null, 'the hostile responder is still running (the test really was hostile)');
    },
    { timeout: 60_000 },
  );
});
