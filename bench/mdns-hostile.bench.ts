// Benchmark: the event loop's longest stall while fe80 resolves a name whose responder floods it,
// beside the stall of decoding the same datagram with dns-packet alone (what any mDNS client built
// on it pays), same run, interleaved. Stalls are measured with the loop's own timer gaps: a 1 ms
// setTimeout chain runs throughout, and a stall is the longest gap minus its 1 ms.
//   node --import tsx bench/mdns-hostile.bench.ts [--quick]      (root; makes its own lab and removes it)
// The hostile responder (test/dns/fixtures/hostile.ts) answers, in a lab namespace:
// - `oversized-*`: one 64 KB datagram with 2,334 AAAA records for the name (as many as fit with the benchmark's name), then one real answer;
// - `fullpacket-*`: one 9000-byte datagram (the most RFC 6762 §17 allows) with 318 AAAA records.
// Cases per datagram: fe80 (`resolveMdns`, the default cache), fe80 with a 100,000-record cache,
// and raw (a plain dgram socket whose handler calls dnsPacket.decode on what arrives).
// Goal (issue 9): fe80's stall no more than the dns-packet decoding stall. `idle` is the floor:
// the same measurement while the process only waits (timer jitter on a busy host).
// Also printed: the synchronous cost of parseResponse vs dnsPacket.decode on the same bytes.
import dgram from 'node:dgram';
import { fileURLToPath } from 'node:url';
import { load } from './load.js';
import { median, roundOrder } from './stats.js';

interface ClientResult {
  node: string;
  rounds: number;
  stallMs: Record<string, number[]>;
  decodeUs: Record<string, { fe80: number; dnsPacket: number; bytes: number }>;
  answers: Record<string, number>;
}

/** Runs `fn` while a 1 ms timer chain measures the loop; resolves with the longest stall in ms. */
async function stallDuring(fn: () => Promise<unknown>): Promise<number> {
  let last = performance.now();
  let worst = 0;
  let running = true;
  const beat = (): void => {
    const now = performance.now();
    worst = Math.max(worst, now - last - 1);
    last = now;
    if (running) timer = setTimeout(beat, 1);
  };
  let timer = setTimeout(beat, 1);
  try {
    await fn();
    await new Promise((resolve) => setTimeout(resolve, 20)); // let the tail of a burst arrive
  } finally {
    running = false;
    clearTimeout(timer);
  }
  return Math.max(0, worst);
}

// ---------------------------------------------------------------- client role (client namespace)
async function client(iface: string, local: string, suffix: string, rounds: number): Promise<ClientResult> {
  const dnsPacket = (await import('dns-packet')).default;
  const { resolveMdns, MdnsCache, closeMdnsSockets } = await load<typeof import('../src/dns/index.js')>('dns/index.js');
  const { parseResponse, encodeName } = await load<typeof import('../src/dns/packet.js')>('dns/packet.js');
  const raw = dgram.createSocket('udp6');
  await new Promise<void>((resolve) => raw.bind({ address: `${local}%${iface}`, port: 0 }, () => resolve()));
  const big = new MdnsCache({ maxRecords: 100_000 });
  const samples = new Map<string, Buffer>();
  const answers: Record<string, number> = {};

  /** A raw query; every datagram that arrives is decoded with dns-packet, the first large one kept. */
  const rawQuery = (name: string): Promise<void> =>
    new Promise((resolve) => {
      const done = setTimeout(finish, 1000);
      function finish(): void {
        clearTimeout(done);
        raw.removeListener('message', onMessage);
        resolve();
      }
      function onMessage(msg: Buffer): void {
        try {
          dnsPacket.decode(msg);
        } catch {
          // as a client would: drop what does not decode
        }
        if (msg.length > 1000 && !samples.has(name.split('-')[0] as string)) samples.set(name.split('-')[0] as string, Buffer.from(msg));
        if (msg.length > 1000) finish();
      }
      raw.on('message', onMessage);
      raw.send(dnsPacket.encode({ type: 'query', id: 1, questions: [{ name, type: 'AAAA', class: 'IN' }] }), 5353, `ff02::fb%${iface}`);
    });

  // the floor: the same measurement while the process only waits (timer jitter of a busy host)
  const cases: Record<string, () => Promise<unknown>> = { idle: () => new Promise((resolve) => setTimeout(resolve, 5)) };
  for (const kind of ['oversized', 'fullpacket']) {
    const name = `${kind}-${suffix}`;
    const options = { interfaces: [iface], family: 6 as const, timeout: 1000, settle: 0 };
    cases[`${kind} fe80`] = async () => {
      const r = await resolveMdns(name, { ...options, cache: false });
      answers[kind] = r.length;
    };
    cases[`${kind} fe80 big cache`] = async () => {
      big.clear();
      await resolveMdns(name, { ...options, cache: big });
    };
    cases[`${kind} raw+dns-packet`] = () => rawQuery(name);
  }
  const stallMs: Record<string, number[]> = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
  const warmup = Math.min(5, rounds);
  for (let i = 0; i < warmup + rounds; i++) {
    for (const key of roundOrder(Object.keys(cases), i)) {
      const stall = await stallDuring(cases[key] as () => Promise<unknown>);
      if (i >= warmup) stallMs[key]?.push(stall);
    }
  }

  // the synchronous parse cost of the same bytes (what the stall is made of)
  const decodeUs: ClientResult['decodeUs'] = {};
  for (const [kind, buf] of samples) {
    const wire = encodeName(`${kind}-${suffix}`);
    const time = (fn: () => unknown): number => {
      const n = 50;
      const t0 = performance.now();
      for (let k = 0; k < n; k++) fn();
      return ((performance.now() - t0) * 1000) / n;
    };
    const decode = (): void => {
      try {
        dnsPacket.decode(buf);
      } catch {
        // ignore
      }
    };
    for (let k = 0; k < 200; k++) {
      decode();
      parseResponse(buf, wire);
    }
    decodeUs[kind] = { fe80: time(() => parseResponse(buf, wire)), dnsPacket: time(decode), bytes: buf.length };
  }
  raw.close();
  closeMdnsSockets();
  return { node: process.version, rounds, stallMs, decodeUs, answers };
}

if (process.argv[2] === '--client') {
  const { iface, local, suffix, rounds } = JSON.parse(process.argv[3] ?? '{}') as { iface: string; local: string; suffix: string; rounds: number };
  process.stdout.write(`${JSON.stringify(await client(iface, local, suffix, rounds))}\n`);
  process.exit(0);
}

// ---------------------------------------------------------------- driver (root namespace)
const quick = process.argv.includes('--quick');
const { Lab } = await import('../src/testing/index.js');
const { startResponder } = await import('../test/dns/fixtures/peers.js');
const lab = await Lab.create({ prefix: 'mh' });
let exitCode = 0;
try {
  const clientNs = await lab.namespace('client');
  const evil = await lab.namespace('evil');
  const link = await lab.link(clientNs, evil);
  await startResponder(evil, new URL('../test/dns/fixtures/hostile.ts', import.meta.url), [link.b.name]);
  const rounds = quick ? 20 : 100;
  const r = await clientNs.runNode<ClientResult>(
    fileURLToPath(import.meta.url),
    ['--client', JSON.stringify({ iface: link.a.name, local: link.a.address, suffix: `b${process.pid.toString(36)}.local`, rounds })],
    { timeout: 300_000 },
  );
  console.log(`event-loop stall on a hostile mDNS response, lab veth, ${r.rounds} interleaved rounds, Node ${r.node}`);
  console.log('case                           median ms     max ms');
  for (const [k, v] of Object.entries(r.stallMs)) console.log(`${k.padEnd(30)} ${median(v).toFixed(2).padStart(9)} ${Math.max(...v).toFixed(2).padStart(10)}`);
  const verdicts: Record<string, boolean> = {};
  for (const kind of ['oversized', 'fullpacket']) {
    const base = median(r.stallMs[`${kind} raw+dns-packet`] ?? []);
    const worst = Math.max(median(r.stallMs[`${kind} fe80`] ?? []), median(r.stallMs[`${kind} fe80 big cache`] ?? []));
    verdicts[kind] = worst <= base;
    console.log(`${kind}: fe80 ${worst.toFixed(2)} ms vs dns-packet decoding ${base.toFixed(2)} ms  goal: no more  ${verdicts[kind] ? 'PASS' : 'MISS'}`);
  }
  for (const [kind, d] of Object.entries(r.decodeUs)) {
    console.log(`${kind} (${d.bytes} bytes): parseResponse ${d.fe80.toFixed(1)} µs, dnsPacket.decode ${d.dnsPacket.toFixed(1)} µs (synchronous, per call, warm)`);
  }
  console.log(`answers returned: ${JSON.stringify(r.answers)} (oversized: the 64 KB datagram refused, the real answer kept; fullpacket: 32 kept of 318)`);
  console.log(
    JSON.stringify({
      bench: 'mdns-hostile',
      node: r.node,
      rounds: r.rounds,
      medianStallMs: Object.fromEntries(Object.entries(r.stallMs).map(([k, v]) => [k, Math.round(median(v) * 100) / 100])),
      maxStallMs: Object.fromEntries(Object.entries(r.stallMs).map(([k, v]) => [k, Math.round(Math.max(...v) * 100) / 100])),
      decodeUs: r.decodeUs,
      pass: Object.values(verdicts).every(Boolean),
    }),
  );
} catch (error) {
  console.error(error);
  exitCode = 1;
} finally {
  await lab.close();
}
process.exit(exitCode);
