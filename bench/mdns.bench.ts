// Benchmark: `.local` resolution with fe80's mDNS resolver on a host with 4 candidate links, one of
// them answering (an avahi-daemon peer), beside one raw mDNS query sent with a plain dgram socket
// to the same responder, same run, interleaved.
//   node --import tsx bench/mdns.bench.ts [--quick]      (root; makes its own lab and removes it)
// Without arguments it builds the lab (client namespace with 4 links: one to an avahi namespace,
// three to namespaces where nothing answers) and re-runs this file with `--client` inside the
// client namespace, so no query ever leaves the lab.
//
// Figures (medians over interleaved rounds, µs, and CPU µs per operation from process.cpuUsage):
// - raw:        plain dgram socket, bound once, one AAAA query -> first answer (the physical limit)
// - raw-fresh:  the same with a new socket per query (what a one-shot query costs without pooling)
// - fe80:       `resolveMdns(name, { interfaces: [IF], family: 6, cache: false })`: every call goes
//               to the network, returns as soon as the only queried interface has answered
// - cached:     `resolveMdns(name)` with the default cache and the default interfaces (all 4):
//               the answering link from the cache, the 3 silent ones from the negative cache
// - lookup:     `lookup.promise(name)` (the same through the dns.lookup drop-in)
// Targets: fe80 median <= 1.2 x raw median (issue 4); cached and lookup median < 50 µs (issue 8).
// The cached cases still go to the network now and then (a record's refresh at 80% of its TTL,
// a silence that ended re-asked in the background): their p99 and the share of calls over 1 ms
// are printed too.
import dgram from 'node:dgram';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { load } from './load.js';
import { median, percentile, roundOrder } from './stats.js';

const TARGET = 1.2;
const CACHED_TARGET_US = 50;

interface ClientResult {
  node: string;
  rounds: number;
  us: Record<string, number[]>;
  cpu: Record<string, number>;
  found: string[];
  cachedFound: string[];
}

// ---------------------------------------------------------------- client role (client namespace)
async function client(iface: string, local: string, name: string, rounds: number): Promise<ClientResult> {
  const dnsPacket = (await import('dns-packet')).default;
  const { resolveMdns, lookup, closeMdnsSockets } = await load<typeof import('../src/dns/index.js')>('dns/index.js');
  const query = dnsPacket.encode({ type: 'query', id: 1, flags: 0, questions: [{ name, type: 'AAAA', class: 'IN' }] });
  const group = `ff02::fb%${iface}`;

  const bind = (s: dgram.Socket): Promise<void> => new Promise((resolve) => s.bind({ address: `${local}%${iface}`, port: 0 }, resolve));
  const persistent = dgram.createSocket('udp6');
  await bind(persistent);

  const answer = (s: dgram.Socket): Promise<void> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        s.removeListener('message', onMessage);
        reject(new Error('raw query: no answer within 1 s'));
      }, 1000);
      const onMessage = (msg: Buffer): void => {
        // the same acceptance as any client: a response (QR) with at least one answer
        if (msg.length < 12 || (msg[2] as number) < 0x80 || msg.readUInt16BE(6) === 0) return;
        clearTimeout(timer);
        s.removeListener('message', onMessage);
        resolve();
      };
      s.on('message', onMessage);
    });

  const cases: Record<string, () => Promise<unknown>> = {
    raw: async () => {
      const p = answer(persistent);
      persistent.send(query, 5353, group);
      await p;
    },
    'raw-fresh': async () => {
      const s = dgram.createSocket('udp6');
      await bind(s);
      const p = answer(s);
      s.send(query, 5353, group);
      await p;
      s.close();
    },
    fe80: () => resolveMdns(name, { interfaces: [iface], family: 6, cache: false }),
    cached: () => resolveMdns(name),
    lookup: () => lookup.promise(name),
  };
  const found = (await resolveMdns(name, { interfaces: [iface], family: 6, cache: false })).map((r) => r.address.toString());
  const cachedFound = (await resolveMdns(name)).map((r) => `${r.address.toString()} (${r.interface})`); // fills the caches

  const us: Record<string, number[]> = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
  const cpuSum: Record<string, number> = Object.fromEntries(Object.keys(cases).map((k) => [k, 0]));
  const warmup = Math.min(100, rounds);
  for (let i = 0; i < warmup + rounds; i++) {
    for (const key of roundOrder(Object.keys(cases), i)) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      await (cases[key] as () => Promise<unknown>)();
      const dt = (performance.now() - t0) * 1000;
      const c = process.cpuUsage(c0);
      if (i >= warmup) {
        us[key]?.push(dt);
        cpuSum[key] = (cpuSum[key] as number) + c.user + c.system;
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  persistent.close();
  closeMdnsSockets();
  const cpu = Object.fromEntries(Object.entries(cpuSum).map(([k, v]) => [k, v / rounds]));
  return { node: process.version, rounds, us, cpu, found, cachedFound };
}

if (process.argv[2] === '--client') {
  const { iface, local, name, rounds } = JSON.parse(process.argv[3] ?? '{}') as { iface: string; local: string; name: string; rounds: number };
  const result = await client(iface, local, name, rounds);
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
}

// ---------------------------------------------------------------- driver (root namespace)
const quick = process.argv.includes('--quick');
const { Lab } = await import('../src/testing/index.js');
const { startAvahi } = await import('../test/dns/fixtures/avahi.js');
const lab = await Lab.create({ prefix: 'mb' });
let exitCode = 0;
try {
  const clientNs = await lab.namespace('client');
  const peer = await lab.namespace('avahi');
  const link = await lab.link(clientNs, peer);
  for (let i = 0; i < 3; i++) await lab.link(clientNs, await lab.namespace(`silent${i}`)); // nothing answers there
  const name = `bench-${process.pid.toString(36)}`;
  await startAvahi(peer, { hostName: name, interfaces: [link.b.name] });
  const rounds = quick ? 200 : 1000;
  const r = await clientNs.runNode<ClientResult>(
    fileURLToPath(import.meta.url),
    ['--client', JSON.stringify({ iface: link.a.name, local: link.a.address, name: `${name}.local`, rounds })],
    { timeout: 300_000 },
  );
  const med = Object.fromEntries(Object.entries(r.us).map(([k, v]) => [k, median(v)])) as Record<string, number>;
  const ratio = (med['fe80'] as number) / (med['raw'] as number);
  const ratioFresh = (med['fe80'] as number) / (med['raw-fresh'] as number);
  const pass = ratio <= TARGET;
  const cachedPass = (med['cached'] as number) < CACHED_TARGET_US && (med['lookup'] as number) < CACHED_TARGET_US;
  console.log(`mDNS .local resolution, 4 candidate links (1 avahi-daemon peer, 3 silent), ${r.rounds} interleaved rounds, Node ${r.node}`);
  console.log(`answer (network): ${r.found.join(', ')}; from the cache: ${r.cachedFound.join(', ')}`);
  console.log('case        median µs    p10 µs    p90 µs    p99 µs   >1 ms   CPU µs/op');
  for (const [k, v] of Object.entries(r.us)) {
    const slow = v.filter((x) => x > 1000).length;
    console.log(
      `${k.padEnd(10)} ${median(v).toFixed(1).padStart(9)} ${percentile(v, 10).toFixed(1).padStart(9)} ${percentile(v, 90).toFixed(1).padStart(9)} ${percentile(v, 99).toFixed(1).padStart(9)} ${String(slow).padStart(7)} ${(r.cpu[k] as number).toFixed(1).padStart(11)}`,
    );
  }
  console.log(`fe80 / raw (bound socket)  = ${ratio.toFixed(3)}  target <= ${TARGET}  ${pass ? 'PASS' : 'MISS'}`);
  console.log(`fe80 / raw (fresh socket)  = ${ratioFresh.toFixed(3)}`);
  console.log(
    `cached: ${(med['cached'] as number).toFixed(1)} µs, lookup: ${(med['lookup'] as number).toFixed(1)} µs  target < ${CACHED_TARGET_US} µs with 4 links, 1 answering  ${cachedPass ? 'PASS' : 'MISS'}`,
  );
  console.log(
    JSON.stringify({
      bench: 'mdns',
      node: r.node,
      rounds: r.rounds,
      medianUs: Object.fromEntries(Object.entries(med).map(([k, v]) => [k, Math.round(v * 10) / 10])),
      cpuUsPerOp: Object.fromEntries(Object.entries(r.cpu).map(([k, v]) => [k, Math.round(v * 10) / 10])),
      ratio: Math.round(ratio * 1000) / 1000,
      ratioFreshSocket: Math.round(ratioFresh * 1000) / 1000,
      target: TARGET,
      pass,
      cachedTargetUs: CACHED_TARGET_US,
      cachedPass,
    }),
  );
} catch (error) {
  console.error(error);
  exitCode = 1;
} finally {
  await lab.close();
}
process.exit(exitCode);
