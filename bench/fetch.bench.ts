// fe80's fetch against plain undici over a lab link, same server, same run: requests per second
// of `fetch('http://[fe80::2%25IF]:8080/')` versus Node's fetch with an undici Agent whose connect
// function is a hand-made `net.connect({ host: 'fe80::2%IF' })` (what one writes without fe80).
// Also fe80's Dispatcher vs that Agent under undici's `request`. Target (issue 4): fe80 fetch at
// least 95% of plain undici. Prints the table, ratio, PASS/MISS and a JSON line. Creates its own
// lab (root + ip netns); nginx serves; the client runs inside a namespace.
//   node --import tsx bench/fetch.bench.ts [--quick]
import net from 'node:net';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Agent, fetch as undiciFetch, request, type buildConnector } from 'undici';
import { load } from './load.js';
import { median } from './stats.js';

const CONCURRENCY = 16;
const PORT = 8080;

interface ClientResult {
  node: string;
  concurrency: number;
  rounds: number;
  roundMs: number;
  rps: Record<string, number[]>;
  /** client CPU microseconds (user + system) per request, per round: robust to other load */
  cpu: Record<string, number[]>;
}

if (process.argv[2] === '--client') {
  const { iface, quick } = JSON.parse(process.argv[3] ?? '{}') as { iface: string; quick: boolean };
  process.stdout.write(JSON.stringify(await client(iface, quick)));
} else {
  await main(process.argv.includes('--quick'));
}

async function client(iface: string, quick: boolean): Promise<ClientResult> {
  const { createDispatcher, fetch } = await load<typeof import('../src/http/index.js')>('http/index.js');
  const rounds = quick ? 16 : 60;
  const roundMs = quick ? 150 : 200;

  const handMade: buildConnector.connector = (opts, callback) => {
    const socket = net.connect({ host: `fe80::2%${iface}`, port: Number(opts.port) || 80, noDelay: true });
    const onError = (error: Error) => callback(error, null);
    socket.once('error', onError);
    socket.once('connect', () => {
      socket.removeListener('error', onError);
      callback(null, socket);
    });
  };
  const plain = new Agent({ connect: handMade });
  const pools = createDispatcher({ zone: iface });
  const zonedUrl = `http://[fe80::2%25${iface}]:${PORT}/`;
  const plainUrl = `http://[fe80::2]:${PORT}/`;

  const cases: Record<string, () => Promise<unknown>> = {
    'fe80 fetch': async () => (await fetch(zonedUrl, { dispatcher: pools })).arrayBuffer(),
    'undici Agent + global fetch': async () => (await globalThis.fetch(plainUrl, { dispatcher: plain } as unknown as RequestInit)).arrayBuffer(),
    'undici Agent + undici fetch': async () => (await undiciFetch(plainUrl, { dispatcher: plain })).arrayBuffer(),
    'fe80 Dispatcher + undici request': async () => (await request(plainUrl, { dispatcher: pools })).body.arrayBuffer(),
    'undici Agent + undici request': async () => (await request(plainUrl, { dispatcher: plain })).body.arrayBuffer(),
  };

  async function run(fn: () => Promise<unknown>, ms: number): Promise<{ rps: number; cpu: number }> {
    let done = 0;
    const end = performance.now() + ms;
    const start = performance.now();
    const cpu0 = process.cpuUsage();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (performance.now() < end) {
          await fn();
          done++;
        }
      }),
    );
    const cpu = process.cpuUsage(cpu0);
    return { rps: (done * 1000) / (performance.now() - start), cpu: (cpu.user + cpu.system) / done };
  }

  const rps: Record<string, number[]> = {};
  const cpu: Record<string, number[]> = {};
  for (const [name, fn] of Object.entries(cases)) {
    await run(fn, 300); // warm-up: JIT and one pool of CONCURRENCY keep-alive sockets
    rps[name] = [];
    cpu[name] = [];
  }
  // Short interleaved rounds, order reversed every other round (ABBA), so drift and other load
  // on the machine hit every case alike; ratios are taken per round, then the median.
  const names = Object.keys(cases);
  for (let r = 0; r < rounds; r++) {
    for (const name of r % 2 === 0 ? names : [...names].reverse()) {
      const m = await run(cases[name]!, roundMs);
      rps[name]!.push(m.rps);
      cpu[name]!.push(m.cpu);
    }
  }
  await Promise.all([plain.close(), pools.close()]);
  return { node: process.version, concurrency: CONCURRENCY, rounds, roundMs, rps, cpu };
}

async function main(quick: boolean): Promise<void> {
  const { Lab, labSupport } = await import('../src/testing/index.js');
  const { startNginx } = await import('../test/http/nginx.js');
  const support = labSupport();
  if (!support.ok) {
    console.log(`fetch benchmark skipped: ${support.reason}`);
    console.log(JSON.stringify({ bench: 'fetch', skipped: support.reason }));
    return;
  }
  const lab = await Lab.create({ prefix: 'hb' });
  let result: ClientResult;
  try {
    const clientNs = await lab.namespace('client');
    const serverNs = await lab.namespace('nginx');
    const link = await lab.link(clientNs, serverNs);
    const nginx = await startNginx(serverNs, [PORT], { accessLog: false });
    try {
      result = await clientNs.runNode<ClientResult>(fileURLToPath(import.meta.url), ['--client', JSON.stringify({ iface: link.a.name, quick })], {
        timeout: 300_000,
      });
    } finally {
      await nginx.stop();
    }
  } finally {
    await lab.close();
  }

  const med = Object.fromEntries(Object.entries(result.rps).map(([k, v]) => [k, median(v)]));
  const width = Math.max(...Object.keys(med).map((k) => k.length));
  console.log(
    `fetch benchmark: node ${result.node}, nginx over a lab veth link, ${result.concurrency} requests in flight, ` +
      `${result.rounds} interleaved rounds of ${result.roundMs} ms per case\n`,
  );
  for (const [name, value] of Object.entries(med)) {
    const runs = [...(result.rps[name] as number[])].sort((a, b) => a - b);
    const spread = `${(runs[0] as number).toFixed(0)}..${(runs[runs.length - 1] as number).toFixed(0)}`;
    const us = median(result.cpu[name] as number[]);
    console.log(`${name.padEnd(width)}  ${value.toFixed(0).padStart(7)} req/s  ${us.toFixed(1).padStart(6)} us CPU/req   (req/s min..max over rounds: ${spread})`);
  }
  const perRound = (m: Record<string, number[]>, a: string, b: string) => median((m[a] as number[]).map((x, i) => x / (m[b] as number[])[i]!));
  const ratio = perRound(result.rps, 'fe80 fetch', 'undici Agent + global fetch');
  const ratioRequest = perRound(result.rps, 'fe80 Dispatcher + undici request', 'undici Agent + undici request');
  // the same comparison in client CPU time per request (baseline / fe80: above 1 = fe80 cheaper)
  const cpuRatio = perRound(result.cpu, 'undici Agent + global fetch', 'fe80 fetch');
  // issue 8's target: fe80 fetch CPU per request at most 1.05x the better hand-made baseline.
  // The better one is the baseline with the lower median over all rounds; fe80 is then compared
  // with it round by round. (Taking the lower of the two in each round instead picks the luckier
  // sample of two equal baselines every time: with ~10% noise per round that alone reads ~1.1x.)
  const baselines = ['undici Agent + global fetch', 'undici Agent + undici fetch'] as const;
  const better = baselines.reduce((a, b) => (median(result.cpu[b] as number[]) < median(result.cpu[a] as number[]) ? b : a));
  const cpuVs = Object.fromEntries(baselines.map((b) => [b, perRound(result.cpu, 'fe80 fetch', b)]));
  const cpuBest = cpuVs[better] as number;
  const cpuPass = cpuBest <= 1.05;
  const cpuRatioRequest = perRound(result.cpu, 'undici Agent + undici request', 'fe80 Dispatcher + undici request');
  const pass = ratio >= 0.95;
  console.log(`\nmedian of per-round ratios; load average now ${loadavg().map((x) => x.toFixed(2)).join(' ')} on ${availableParallelism()} CPUs`);
  console.log(`fe80 Dispatcher / plain Agent under undici request: ${(ratioRequest * 100).toFixed(1)}% req/s, ${(cpuRatioRequest * 100).toFixed(1)}% in CPU time per request`);
  console.log(`plain undici (global fetch) / fe80 fetch in CPU time per request (less sensitive to other load; above 100%: fe80 cheaper): ${(cpuRatio * 100).toFixed(1)}%`);
  console.log(`target: fe80 fetch >= 95% of plain undici (hand-made connector, global fetch): ${(ratio * 100).toFixed(1)}% -> ${pass ? 'PASS' : 'MISS'}`);
  console.log(`fe80 fetch CPU per request / ${baselines.map((b) => `${b}: ${(cpuVs[b] as number).toFixed(3)}x`).join(', ')}; the better baseline: ${better}`);
  console.log(`target: fe80 fetch CPU per request <= 1.05x the better of global fetch and undici fetch (same connector): ${cpuBest.toFixed(3)}x -> ${cpuPass ? 'PASS' : 'MISS'}`);
  console.log(
    JSON.stringify({
      bench: 'fetch',
      node: result.node,
      concurrency: result.concurrency,
      rounds: result.rounds,
      roundMs: result.roundMs,
      rps: Object.fromEntries(Object.entries(med).map(([k, v]) => [k, Math.round(v)])),
      ratioFetch: Math.round(ratio * 1000) / 1000,
      ratioRequest: Math.round(ratioRequest * 1000) / 1000,
      cpuUsPerRequest: Object.fromEntries(Object.entries(result.cpu).map(([k, v]) => [k, Math.round(median(v) * 10) / 10])),
      cpuRatioFetch: Math.round(cpuRatio * 1000) / 1000,
      cpuRatioRequest: Math.round(cpuRatioRequest * 1000) / 1000,
      cpuVsBestBaseline: Math.round(cpuBest * 1000) / 1000,
      betterBaseline: better,
      target: { fetchAtLeast95PercentOfUndici: pass ? 'PASS' : 'MISS', cpuAtMost105OfBest: cpuPass ? 'PASS' : 'MISS' },
    }),
  );
}
