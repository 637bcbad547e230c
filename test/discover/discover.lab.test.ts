// discover against real peers on two lab links, each a bridge in a switch namespace: avahi-daemon
// peers, a peer that only answers pings, one known only through the neighbour table, a UPnP
// responder, lldpd; then devices that leave, hostile SSDP, the CLI, and lookupNeighbour against
// the kernel's table. Every client runs inside a lab namespace.
import { describe } from 'node:test';
import assert from 'node:assert/strict';
import { createInterface } from 'node:readline';
import { labTest, type Lab, type Namespace } from '../../src/testing/index.js';
import type { Device, DiscoverResult } from '../../src/discover/index.js';
import { startAvahiPeer, startLldpd, switchedLink } from './fixtures/peers.js';
import { cliCommand, cliShell } from '../helpers/cli.js';

const fixture = (name: string): URL => new URL(`./fixtures/${name}`, import.meta.url);
const unique = (label: string): string => `${label}-${process.pid.toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;

interface AllOut {
  ok: boolean;
  code?: string;
  message?: string;
  result: DiscoverResult;
  heapMB: number;
}

/** Discovers until every expectation holds (the timeout is a cap for a loaded machine, not a deadline under test). */
async function discoverUntil(ns: Namespace, options: object, expect: { address: string; has: string }[], minMs = 0): Promise<AllOut> {
  const out = await ns.runNode<AllOut & { met: boolean }>(fixture('discover-client.ts'), ['until', JSON.stringify({ timeout: 30_000, ...options }), JSON.stringify({ expect, minMs })], { timeout: 60_000 });
  assert.equal(out.ok, true, out.message);
  assert.ok(out.met, `not all of ${JSON.stringify(expect)} within the cap: ${JSON.stringify(out.result.devices.map((d) => d.id))}`);
  return out;
}

const on = (result: DiscoverResult, link: string): Device[] => result.devices.filter((d) => d.interface === link);
function withAddress(result: DiscoverResult, address: string): Device[] {
  return result.devices.filter((d) => d.addresses.some((a) => a.address === address));
}
function one(result: DiscoverResult, address: string): Device {
  const list = withAddress(result, address);
  assert.equal(list.length, 1, `${address}: expected one record, got ${JSON.stringify(list.map((d) => d.id))} among ${result.devices.map((d) => d.addresses.map((a) => a.address).join('+')).join(', ')}`);
  return list[0] as Device;
}
const report = (result: DiscoverResult, source: string) => result.sources.find((s) => s.source === source);

/** a peer that answers no echo (RFC 4443 §4.1 allows it) but talks to the client once, so the client's kernel learns it */
async function neighbourOnly(ns: Namespace, iface: string, client: string): Promise<void> {
  await ns.exec('sysctl', ['-qw', 'net.ipv6.icmp.echo_ignore_all=1']);
  const r = await ns.exec('ping', ['-6', '-c1', '-W2', `${client}%${iface}`]);
  assert.equal(r.code, 0, r.stderr);
}

async function ssdpPeer(ns: Namespace, iface: string, ll: string, v4?: string, name = 'Lab Hub', notify = false) {
  const child = ns.spawnNode(fixture('ssdp-responder.ts'), [iface, ll, v4 ?? '', name, notify ? 'NOTIFY' : '']);
  await new Promise<void>((resolve, reject) => {
    child.stdout?.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`ssdp responder exited ${code}`)));
  });
  return child;
}

/** One NDJSON line of `fe80 discover --json`. */
interface WatchEvent {
  event: string;
  reason?: string;
  state?: string;
  device?: Device;
}

/**
 * `fe80 discover --watch --json ARGS` in `ns`: its events as they arrive, a wait for a condition
 * on them (checked at each event, and every 200 ms), and a stop (SIGINT) that must exit 0.
 */
function watchCli(ns: Namespace, args: string[]) {
  const cli = ns.spawn(...cliCommand('discover', '--watch', '--json', ...args));
  const events: WatchEvent[] = [];
  const waiters: (() => void)[] = [];
  createInterface({ input: cli.stdout as NodeJS.ReadableStream }).on('line', (line) => {
    events.push(JSON.parse(line) as WatchEvent);
    for (const w of waiters.splice(0)) w();
  });
  let stderr = '';
  cli.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => cli.once('exit', (code) => resolve(code)));
  const until = async (what: string, ok: () => boolean, ms: number): Promise<void> => {
    const deadline = Date.now() + ms;
    while (!ok()) {
      if (Date.now() > deadline) throw new Error(`${what} did not happen within ${ms} ms; events: ${JSON.stringify(events.map((e) => [e.event, e.reason, e.device?.id]))}\n${stderr}`);
      await new Promise<void>((r) => {
        waiters.push(r);
        setTimeout(r, 200);
      });
    }
  };
  const stop = async (): Promise<void> => {
    cli.kill('SIGINT');
    assert.equal(await exited, 0, stderr);
  };
  return { events, until, stop };
}

describe('discover on two switched links with real peers', { concurrency: true }, () => {
  labTest(
    'each device once per link with its zone, MAC, vendor, names, services, SSDP and LLDP facts; nothing crosses links',
    async (lab: Lab) => {
      const client = await lab.namespace('client');
      const l1 = await switchedLink(lab, client, 'l1');
      const l2 = await switchedLink(lab, client, 'l2');
      const [host1, host2] = [unique('disc-a'), unique('disc-b')];
      const peer = async (label: string, link: typeof l1, address: string, mac?: string) => {
        const ns = await lab.namespace(label);
        return { ns, iface: await link.add(ns, address, mac) };
      };
      // link 1
      const avahiA = await peer('avahi-a', l1, 'fe80::a', 'b8:27:eb:00:01:0a');
      const pingA = await peer('ping-a', l1, 'fe80::b');
      const neighA = await peer('neigh-a', l1, 'fe80::c');
      const ssdpA = await peer('ssdp-a', l1, 'fe80::d');
      const lldpA = await peer('lldp-a', l1, 'fe80::e', 'b8:27:eb:00:01:0e');
      // link 2: the same addresses again, and the same service instance name
      const avahiB = await peer('avahi-b', l2, 'fe80::a');
      const pingB = await peer('ping-b', l2, 'fe80::b');

      await client.ip(['addr', 'add', '169.254.1.1/16', 'dev', l1.name]);
      await ssdpA.ns.ip(['addr', 'add', '169.254.1.13/16', 'dev', ssdpA.iface]);
      await Promise.all([
        startAvahiPeer(avahiA.ns, {
          hostName: host1,
          interfaces: [avahiA.iface],
          services: [
            { name: 'Lab Web', type: '_http._tcp', port: 8080, txt: ['path=/admin'] },
            { name: 'Lab Matter', type: '_matterc._udp', port: 5540, txt: ['D=3840', 'CM=1'], subtypes: ['_L3840._sub._matterc._udp'] },
          ],
        }),
        startAvahiPeer(avahiB.ns, { hostName: host2, interfaces: [avahiB.iface], services: [{ name: 'Lab Web', type: '_http._tcp', port: 80, txt: ['path=/'] }] }),
        ssdpPeer(ssdpA.ns, ssdpA.iface, 'fe80::d', '169.254.1.13', 'Kitchen Hub'),
        startLldpd(lldpA.ns, lldpA.iface, 'lldp-peer-a'),
        neighbourOnly(neighA.ns, neighA.iface, 'fe80::1'),
      ]);
      const ours = await startLldpd(client, `${l1.name},${l2.name}`, 'disc-client');
      // lldpd sends every second: wait until the client's daemon has heard its peer
      for (let i = 0; i < 50; i++) {
        const r = await client.exec('lldpcli', ['-u', ours.socket, 'show', 'neighbors']);
        if (r.stdout.includes('lldp-peer-a')) break;
        await new Promise((res) => setTimeout(res, 100));
      }

      const [L1, L2] = [l1.name, l2.name];
      // the oracle, first (every peer is up once it answers): the system's own all-nodes ping sees the same responders
      const oracle = await client.exec('ping', ['-6', '-n', '-c2', '-i0.3', `ff02::1%${L1}`]);
      const pinged = new Set([...oracle.stdout.matchAll(/from (\S+): icmp_seq/g)].map((m) => m[1] as string).filter((a) => a !== `fe80::1%${L1}`));
      for (const x of ['a', 'b', 'd', 'e']) assert.ok(pinged.has(`fe80::${x}%${L1}`), `the oracle did not hear fe80::${x}: ${oracle.stdout}`);
      const A = (x: string) => `fe80::${x}%${L1}`;
      const { result } = await discoverUntil(client, { lldpSocket: ours.socket }, [
        ...['a', 'b', 'd', 'e'].map((x) => ({ address: A(x), has: 'ping' })),
        ...['a', 'c', 'e'].map((x) => ({ address: A(x), has: 'neighbours' })),
        { address: `fe80::a%${L2}`, has: 'ping' },
        { address: `fe80::b%${L2}`, has: 'ping' },
        { address: `fe80::a%${L2}`, has: 'mac' },
        { address: A('d'), has: 'friendlyName' },
        { address: '169.254.1.13', has: 'ssdp' },
        { address: A('e'), has: 'lldp' },
        { address: A('e'), has: 'mac' },
        // DNS-SD (avahi on both links): names and services, the same instance on each link
        { address: A('a'), has: 'name' },
        { address: A('a'), has: 'service:_http._tcp' },
        { address: A('a'), has: 'service:_matterc._udp' },
        { address: `fe80::a%${L2}`, has: 'service:_http._tcp' },
      ]);

      for (const a of pinged) {
        const d = one(result, a);
        assert.ok(d.addresses.find((x) => x.address === a)?.sources.ping, `${a} answered ping but discover has no ping fact: ${JSON.stringify(d)} ${JSON.stringify(report(result, 'ping'))}`);
      }
      assert.ok(!pinged.has(`fe80::c%${L1}`), 'the neighbour-only peer answers no echo');

      // every record is on one of our links and its zoned addresses carry that link
      for (const d of result.devices) {
        assert.ok(d.interface === L1 || d.interface === L2, d.interface);
        for (const a of d.addresses) if (a.address.includes('%')) assert.ok(a.address.endsWith(`%${d.interface}`), `${a.address} on ${d.interface}`);
        for (const s of d.services) assert.equal(s.interface, d.interface);
        for (const s of d.ssdp) assert.match(s.location, new RegExp(`%25${d.interface}\\]|^http://169\\.254\\.`));
      }
      // the avahi peer of link 1: MAC from the neighbour table, vendor from the OUI database
      const a1 = one(result, `fe80::a%${L1}`);
      assert.equal(a1.mac, 'b8:27:eb:00:01:0a');
      assert.equal(a1.vendor, 'Raspberry Pi Foundation');
      assert.ok(a1.addresses[0]?.sources.ping && a1.addresses[0].sources.neighbours, JSON.stringify(a1.addresses));
      const a2 = one(result, `fe80::a%${L2}`);
      assert.notEqual(a1.id, a2.id, 'the same address on two links is two records');
      assert.equal(a2.vendor, undefined, 'a locally administered MAC has no vendor');
      // ping only, neighbour table only
      assert.ok(one(result, `fe80::b%${L1}`).addresses[0]?.sources.ping);
      assert.ok(one(result, `fe80::b%${L2}`).addresses[0]?.sources.ping);
      const n = one(result, `fe80::c%${L1}`);
      assert.deepEqual(Object.keys(n.addresses[0]?.sources ?? {}), ['neighbours']);
      assert.ok(n.mac !== undefined);
      // SSDP: LOCATION zoned with the arrival link, IPv4 and IPv6 answers in one record, the description read
      const s = one(result, `fe80::d%${L1}`);
      assert.ok(s.addresses.some((x) => x.address === '169.254.1.13'), JSON.stringify(s.addresses));
      assert.ok(s.ssdp.some((x) => x.location.startsWith(`http://[fe80::d%25${L1}]:`)), JSON.stringify(s.ssdp));
      assert.ok(s.ssdp.some((x) => x.friendlyName === 'Kitchen Hub' && x.manufacturer === 'fe80 lab'), JSON.stringify(s.ssdp));
      assert.ok(s.webUi.some((w) => w.source === 'ssdp' && w.url.startsWith(`http://[fe80::d%25${L1}]:`) && w.url.endsWith('/ui/')), JSON.stringify(s.webUi));
      assert.equal(withAddress(result, `fe80::d%${L2}`).length, 0);
      // LLDP: chassis name, port, management address zoned; the port MAC ties it to the neighbour entry
      const l = one(result, `fe80::e%${L1}`);
      assert.equal(l.lldp?.chassisName, 'lldp-peer-a');
      assert.equal(l.mac, 'b8:27:eb:00:01:0e');
      assert.ok(l.lldp?.managementAddresses.includes(`fe80::e%${L1}`), JSON.stringify(l.lldp));
      assert.ok(l.names.some((x) => x.name === 'lldp-peer-a' && x.sources.lldp));
      assert.equal(result.devices.filter((d) => d.lldp !== undefined).length, 1, 'one LLDP neighbour, on link 1 only');
      // one record per address per link
      for (const link of [L1, L2]) {
        const addrs = on(result, link).flatMap((d) => d.addresses.map((x) => x.address));
        assert.equal(new Set(addrs).size, addrs.length, `duplicate addresses on ${link}: ${addrs.join(', ')}`);
      }
      assert.equal(on(result, L2).length, 2, JSON.stringify(on(result, L2).map((d) => d.id)));
      // the sources: what ran, and why not
      for (const src of ['ping', 'neighbours', 'ssdp', 'lldp']) assert.equal(report(result, src)?.state, 'done', JSON.stringify(report(result, src)));
      const dnssd = report(result, 'dnssd');
      {
        assert.equal(dnssd?.state, 'done', JSON.stringify(dnssd));
        assert.ok(a1.names.some((x) => x.name.toLowerCase() === `${host1}.local`), JSON.stringify(a1.names));
        const web = a1.services.find((x) => x.type === '_http._tcp');
        assert.equal(web?.instance, 'Lab Web');
        assert.equal(web?.url, `http://[fe80::a%25${L1}]:8080/admin`);
        const matter = a1.services.find((x) => x.type === '_matterc._udp');
        assert.deepEqual(matter?.txt, { d: '3840', cm: '1' }, 'TXT keys are case-insensitive (RFC 6763 §6.4): lower case');
        // subtypes cannot be enumerated (RFC 6763 §7.1): browsing every type learns one only from
        // an unsolicited announcement of the subtype PTR, whose timing is avahi's (test/dns
        // browses the subtype itself). What is learnt must be right.
        assert.ok(matter?.subtypes.every((t) => t === '_L3840'), JSON.stringify(matter));
        const web2 = a2.services.find((x) => x.type === '_http._tcp');
        assert.equal(web2?.instance, 'Lab Web', 'the same instance on link 2 is its own record');
        assert.equal(web2?.interface, L2);
      }
      void pingA;
      void pingB;
    },
    { timeout: 120_000 },
  );

  labTest(
    'watching: a peer that disappears is lost (FAILED or expired), our link going down loses the rest at once',
    async (lab: Lab) => {
      const client = await lab.namespace('client');
      const l1 = await switchedLink(lab, client, 'w1');
      const stay = await lab.namespace('stay');
      const leave = await lab.namespace('leave');
      await l1.add(stay, 'fe80::b');
      const leaving = await l1.add(leave, 'fe80::f');
      // short NUD timers on the client's link, so FAILED comes in seconds (RFC 4861 §10 defaults are 30 s)
      for (const [k, v] of [
        ['base_reachable_time_ms', '1000'],
        ['delay_first_probe_time', '1'],
        ['retrans_time_ms', '300'],
      ]) {
        await client.exec('sysctl', ['-qw', `net.ipv6.neigh.${l1.name}.${k}=${v}`]);
      }
      const { events, until, stop } = watchCli(client, ['--source', 'ping,neighbours', '--timeout', '60', l1.name]);
      const has = (address: string) => (e: WatchEvent) => e.device?.addresses.some((a) => a.address === address) === true;
      const F = `fe80::f%${l1.name}`;
      const B = `fe80::b%${l1.name}`;
      await until('both found', () => events.some((e) => e.event === 'found' && has(F)(e)) && events.some((e) => e.event === 'found' && has(B)(e)), 40_000);
      // the peer vanishes without a word (its own end goes down; our link stays up)
      await leave.ip(['link', 'set', leaving, 'down']);
      await until('the vanished peer lost', () => events.some((e) => e.event === 'lost' && has(F)(e)), 45_000);
      const lost = events.find((e) => e.event === 'lost' && has(F)(e));
      assert.ok(lost?.reason === 'failed' || lost?.reason === 'expired', lost?.reason);
      assert.ok(!events.some((e) => e.event === 'lost' && has(B)(e)), 'the peer that stayed is not lost');
      // our own link goes down: everything on it is lost, reason link-down
      await client.ip(['link', 'set', l1.name, 'down']);
      await until('link-down', () => events.some((e) => e.event === 'lost' && e.reason === 'link-down' && has(B)(e)), 15_000);
      await stop();
    },
    { timeout: 180_000 },
  );

  labTest(
    'watching SSDP: a device that announces itself later is found by its NOTIFY, and lost at its byebye',
    async (lab: Lab) => {
      const client = await lab.namespace('client');
      const peer = await lab.namespace('upnp');
      const link = await lab.link(client, peer);
      const { events, until, stop } = watchCli(client, ['--source', 'ssdp', '--timeout', '60', link.a.name]);
      await until('the discovery running', () => events.some((e) => e.event === 'source' && e.state === 'running'), 20_000);
      await new Promise((r) => setTimeout(r, 1500)); // past the two searches at the start
      const responder = await ssdpPeer(peer, link.b.name, 'fe80::2', undefined, 'Late Hub', true);
      const at = `fe80::2%${link.a.name}`;
      await until('found by NOTIFY', () => events.some((e) => e.event === 'found' && e.device?.addresses.some((a) => a.address === at)), 20_000);
      const found = events.find((e) => e.event === 'found');
      assert.match(found?.device?.ssdp[0]?.location ?? '', new RegExp(`^http://\\[fe80::2%25${link.a.name}\\]:\\d+/desc\\.xml$`));
      responder.kill('SIGTERM');
      await until('lost at byebye', () => events.some((e) => e.event === 'lost'), 20_000);
      assert.equal(events.find((e) => e.event === 'lost')?.reason, 'goodbye');
      await stop();
    },
    { timeout: 90_000 },
  );

  labTest(
    'hostile SSDP: garbage, oversized, foreign zones, a flood, a spoofer on the other link: no crash, bounded, nothing on the wrong link',
    async (lab: Lab) => {
      const client = await lab.namespace('client');
      const l1 = await switchedLink(lab, client, 'h1');
      const l2 = await switchedLink(lab, client, 'h2');
      const good = await lab.namespace('good');
      const bad = await lab.namespace('bad');
      const spoof = await lab.namespace('spoof');
      const goodIf = await l1.add(good, 'fe80::d');
      const badIf = await l1.add(bad, 'fe80::66');
      const spoofIf = await l2.add(spoof, 'fe80::77');
      await ssdpPeer(good, goodIf, 'fe80::d');
      const start = (ns: Namespace, args: string[]) =>
        new Promise<void>((resolve) => {
          const c = ns.spawnNode(fixture('ssdp-hostile.ts'), args);
          c.stdout?.once('data', () => resolve());
        });
      // the spoofer on link 2 claims to be link 1's device, at link 1's address
      await Promise.all([start(bad, [badIf, 'flood', '5000']), start(spoof, [spoofIf, 'claim', 'fe80::d', 'uuid:claimed::upnp:rootdevice'])]);
      const out = await discoverUntil(client, { sources: ['ssdp'] }, [
        { address: `fe80::d%${l1.name}`, has: 'friendlyName' },
        { address: `fe80::66%${l1.name}`, has: 'ssdp' },
        { address: `fe80::77%${l2.name}`, has: 'ssdp' },
      ], 2500); // and at least 2.5 s, while the flood keeps coming
      const { result } = out;
      const L1 = l1.name;
      const L2 = l2.name;
      const g = one(result, `fe80::d%${L1}`);
      assert.ok(g.ssdp.some((x) => x.friendlyName === 'Lab Hub'), JSON.stringify(g.ssdp.slice(0, 3)));
      const h = one(result, `fe80::66%${L1}`);
      assert.ok(h.ssdp.length <= 16, `${h.ssdp.length} SSDP entries kept for the flooder`);
      for (const x of h.ssdp) assert.ok(x.location.includes(`%25${L1}]`), x.location);
      assert.ok(!h.ssdp.some((x) => /eth9|dead|big/.test(x.location)), JSON.stringify(h.ssdp.map((x) => x.location)));
      const sp = one(result, `fe80::77%${L2}`);
      assert.equal(sp.interface, L2);
      assert.deepEqual(sp.ssdp.map((x) => x.location), [`http://[fe80::d%25${L2}]/desc.xml`], 'the claim stays on the link it came from');
      assert.ok(!g.ssdp.some((x) => x.usn?.startsWith('uuid:claimed')), 'not merged into the real device');
      assert.ok((report(result, 'ssdp')?.dropped ?? 0) >= 2, JSON.stringify(report(result, 'ssdp')));
      assert.ok(result.devices.length <= 3, JSON.stringify(result.devices.map((d) => d.id)));
      assert.ok(out.heapMB < 200, `heap ${out.heapMB} MB`);
    },
    { timeout: 120_000 },
  );

  labTest(
    'lookupNeighbour against the kernel table: the address known on exactly one of two links, with state and MAC (ip -j neigh as oracle)',
    async (lab: Lab) => {
      const client = await lab.namespace('client');
      const p1 = await lab.namespace('p1');
      const p2 = await lab.namespace('p2');
      const l1 = await lab.link(client, p1, { macB: 'b8:27:eb:00:00:22' });
      const l2 = await lab.link(client, p2);
      const r = await client.exec('ping', ['-6', '-c1', '-W2', `fe80::2%${l1.a.name}`]);
      assert.equal(r.code, 0, r.stderr);
      const out = await client.runNode<{ hits: Record<string, { interface: string; state: string; mac: string }[]>; entries: { address: string; interface: string; state: string }[] }>(
        fixture('neighbour-client.ts'),
        ['fe80::2', `fe80::2%${l2.a.name}`, 'fe80::99'],
      );
      const hits = out.hits['fe80::2'] ?? [];
      assert.deepEqual(hits.map((h) => h.interface), [l1.a.name]);
      assert.equal(hits[0]?.mac, 'b8:27:eb:00:00:22');
      assert.ok(['REACHABLE', 'STALE', 'DELAY', 'PROBE'].includes(hits[0]?.state ?? ''), hits[0]?.state);
      assert.deepEqual(out.hits[`fe80::2%${l2.a.name}`], []);
      assert.deepEqual(out.hits['fe80::99'], []);
      const oracle = JSON.parse((await client.exec('ip', ['-j', 'neigh'])).stdout) as { dst: string; dev: string }[];
      assert.deepEqual(
        out.entries.map((e) => `${e.address.split('%')[0]} ${e.interface}`).sort(),
        oracle.map((e) => `${e.dst} ${e.dev}`).sort(),
      );
      void l2;
    },
    { timeout: 60_000 },
  );

  labTest(
    '`fe80 discover` on a terminal: a table, then the summary; NDJSON when piped; exit 1 when nobody answers',
    async (lab: Lab) => {
      const client = await lab.namespace('client');
      const peer = await lab.namespace('peer');
      const link = await lab.link(client, peer, { macB: 'b8:27:eb:00:00:33' });
      const lonely = await lab.namespace('lonely');
      const empty = await lab.link(client, lonely);
      await lonely.exec('sysctl', ['-qw', 'net.ipv6.icmp.echo_ignore_all=1']);
      const tty = await client.exec('script', ['-qfec', `${cliShell()} discover ${link.a.name} --timeout 1.5 --source ping,neighbours`, '/dev/null']);
      assert.equal(tty.code, 0, tty.stdout);
      const text = tty.stdout.replace(/\x1b\[[0-9]*[A-Za-z]/g, '');
      assert.match(text, /INTERFACE\s+ADDRESS\s+MAC\s+VENDOR/);
      assert.match(text, new RegExp(`${link.a.name}\\s+fe80::2%${link.a.name}\\s+b8:27:eb:00:00:33\\s+Raspberry Pi Foundation`));
      assert.match(text, /probing /, 'a progress line while the probes run');
      assert.match(text, /1 device on 1 link in \d+\.\d s \(ping neighbours\)/);
      const piped = await client.exec(...cliCommand('discover', link.a.name, '--timeout', '1', '--source', 'ping'));
      assert.equal(piped.code, 0, piped.stderr);
      const lines = piped.stdout.trim().split('\n').map((l) => JSON.parse(l) as { event: string; device?: Device });
      assert.ok(lines.some((l) => l.event === 'found' && l.device?.addresses[0]?.address === `fe80::2%${link.a.name}`), piped.stdout);
      assert.ok(lines.some((l) => l.event === 'source'));
      const none = await client.exec(...cliCommand('discover', empty.a.name, '--timeout', '1', '--source', 'ping'));
      assert.equal(none.code, 1, none.stdout + none.stderr);
      const unknown = await client.exec(...cliCommand('discover', 'nosuch0'));
      assert.equal(unknown.code, 1);
      assert.match(unknown.stderr, /ERR_UNKNOWN_INTERFACE/);
    },
    { timeout: 60_000 },
  );
});
