// Benchmark: fe80 connect vs raw net.connect over veth links, and zone racing.
//   node --import tsx bench/connect.bench.ts            (root; makes its own lab and removes it)
// One file, three roles: without arguments it builds the lab and runs the other two roles inside
// namespaces (`server` in the peer namespace, `client` in the client namespace), so no benchmark
// traffic ever touches the machine's real interfaces.
//
// Lab: client namespace with 8 links b1..b8 to one peer namespace (ends q1..q8, all fe80::2).
// - cps: connections/s through fe80 `connect('[fe80::2%b1]:9000')` vs `net.connect({ host: 'fe80::2%b1' })`.
// - race, others refuse: target [fe80::2]:910k with a listener bound to [fe80::2%qk] only; the
//   other links answer with RST.
// - race, others never answer: target fe80::3k, an address only qk has; on the other links
//   neighbour discovery never completes, so those attempts hang until cancelled.
// Targets: cps >= 95% of raw; race <= 1.5 x (direct + (k-1) x delay); delay 0: <= 1.5 x direct.
import net from 'node:net';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { load } from './load.js';

const LINKS = 8;
const KS = [1, 4, 8];
const DELAY = 50; // attempt delay for the race figures (ms)

type Json = Record<string, unknown>;

// ---------------------------------------------------------------- server role (peer namespace)
async function server(): Promise<void> {
  const listen = (options: net.ListenOptions): Promise<void> =>
    new Promise((resolve, reject) => {
      const s = net.createServer({ noDelay: true }, (socket) => {
        socket.on('error', () => {});
        socket.destroy();
      });
      s.once('error', reject);
      s.listen({ ...options, backlog: 4096 }, resolve);
    });
  await listen({ host: 'fe80::2%q1', port: 9000 });
  for (const k of KS) await listen({ host: `fe80::2%q${k}`, port: 9100 + k });
  await listen({ host: '::', port: 9001 });
  process.stdout.write('{"ready":true}\n');
}

// ---------------------------------------------------------------- client role (client namespace)
const { connect } = await load<typeof import('../src/net/index.js')>('net/index.js');

function rawConnect(host: string, port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    socket.once('connect', () => {
      socket.removeListener('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/** Connections made with `parallel` in flight for `ms`, and the wall time taken. */
async function burst(open: () => Promise<net.Socket>, ms: number, parallel: number): Promise<{ count: number; wall: number; cpu: number }> {
  let count = 0;
  const cpu0 = process.cpuUsage();
  const end = performance.now() + ms;
  const worker = async (): Promise<void> => {
    while (performance.now() < end) {
      const socket = await open();
      socket.destroy();
      count++;
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: parallel }, worker));
  const cpu = process.cpuUsage(cpu0);
  return { count, wall: performance.now() - t0, cpu: cpu.user + cpu.system };
}

/** Median ms of each opener over `n` sequential rounds, the openers interleaved (after warm-ups). */
async function timeMedians(n: number, openers: (() => Promise<net.Socket>)[]): Promise<number[]> {
  for (const open of openers) for (let i = 0; i < 3; i++) (await open()).destroy();
  const times: number[][] = openers.map(() => []);
  for (let i = 0; i < n; i++) {
    for (const [j, open] of openers.entries()) {
      const t0 = performance.now();
      const socket = await open();
      times[j]!.push(performance.now() - t0);
      socket.destroy();
    }
  }
  return times.map(median);
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

async function client(): Promise<Json> {
  const out: Json = {};
  // connections/s: many short rounds in ABBA order, so machine noise hits both sides alike
  const feOpen = (): Promise<net.Socket> => connect('[fe80::2%b1]:9000');
  const rawOpen = (): Promise<net.Socket> => rawConnect('fe80::2%b1', 9000);
  await burst(feOpen, 300, 16);
  await burst(rawOpen, 300, 16);
  const total = { fe80: { count: 0, wall: 0, cpu: 0 }, raw: { count: 0, wall: 0, cpu: 0 } };
  const perRound: { fe80: number[]; raw: number[] } = { fe80: [], raw: [] };
  for (let round = 0; round < 24; round++) {
    const order = round % 4 === 0 || round % 4 === 3 ? (['fe80', 'raw'] as const) : (['raw', 'fe80'] as const);
    for (const side of order) {
      const r = await burst(side === 'fe80' ? feOpen : rawOpen, 250, 16);
      total[side].count += r.count;
      total[side].wall += r.wall;
      total[side].cpu += r.cpu;
      perRound[side].push(Math.round((r.count * 1000) / r.wall));
    }
  }
  out['cps'] = {
    fe80: Math.round((total.fe80.count * 1000) / total.fe80.wall),
    raw: Math.round((total.raw.count * 1000) / total.raw.wall),
    medianRound: { fe80: median(perRound.fe80), raw: median(perRound.raw) },
    /** process CPU (user+system, this process only) per connection, in microseconds */
    cpuPerConnection: { fe80: Math.round(total.fe80.cpu / total.fe80.count), raw: Math.round(total.raw.cpu / total.raw.count) },
  };

  const races: Json[] = [];
  for (const k of KS) {
    const directOpen = (): Promise<net.Socket> => rawConnect(`fe80::3${k}%b${k}`, 9001);
    const [direct, fixed, silent0, refuse0] = await timeMedians(101, [
      directOpen,
      () => connect(`[fe80::3${k}%b${k}]:9001`),
      () => connect(`[fe80::3${k}]:9001`, { zone: 'auto', attemptDelay: 0 }),
      () => connect(`[fe80::2]:${9100 + k}`, { zone: 'auto', attemptDelay: 0 }),
    ]) as [number, number, number, number];
    const [refuse] = (await timeMedians(31, [() => connect(`[fe80::2]:${9100 + k}`, { zone: 'auto', attemptDelay: DELAY })])) as [number];
    const [silent] = (await timeMedians(k === 1 ? 31 : 9, [() => connect(`[fe80::3${k}]:9001`, { zone: 'auto', attemptDelay: DELAY })])) as [number];
    races.push({ k, direct, fixed, refuse, silent, silent0, refuse0 });
  }
  out['races'] = races;
  return out;
}

// ---------------------------------------------------------------- orchestrator (root)
async function orchestrate(): Promise<void> {
  const { Lab } = await import('../src/testing/index.js');
  const lab = await Lab.create();
  try {
    const c = await lab.namespace('bench-client');
    const p = await lab.namespace('bench-peer');
    for (let i = 1; i <= LINKS; i++) {
      await lab.link(c, p, { nameA: `b${i}`, nameB: `q${i}`, addressA: 'fe80::1', addressB: 'fe80::2' });
    }
    for (const k of KS) await p.ip(['address', 'add', `fe80::3${k}/64`, 'dev', `q${k}`, 'nodad']);
    for (const [ns, keys] of [
      [c, ['net.ipv4.tcp_tw_reuse=1', 'net.ipv4.ip_local_port_range=1024 65000']],
      [p, ['net.core.somaxconn=4096']],
    ] as const) {
      for (const kv of keys) await ns.exec('sysctl', ['-qw', kv]);
    }
    const srv = p.spawnNode(new URL(import.meta.url), ['server']);
    await new Promise<void>((resolve, reject) => {
      srv.stdout?.once('data', () => resolve());
      srv.once('exit', (code) => reject(new Error(`server exited ${code}`)));
    });
    const r = await c.runNode<Json>(new URL(import.meta.url), ['client'], { timeout: 300_000 });
    report(r);
  } finally {
    await lab.close();
  }
}

function report(r: Json): void {
  const verdicts: boolean[] = [];
  const line = (label: string, ratio: number, limit: number, higherIsBetter: boolean, detail: string): void => {
    const pass = higherIsBetter ? ratio >= limit : ratio <= limit;
    verdicts.push(pass);
    console.log(`${pass ? 'PASS' : 'MISS'}  ${label.padEnd(44)} ratio ${ratio.toFixed(3)} (${higherIsBetter ? '>=' : '<='} ${limit})  ${detail}`);
  };
  const c = r['cps'] as { fe80: number; raw: number; cpuPerConnection: { fe80: number; raw: number } };
  console.log(`fe80 connect benchmark (node ${process.version}, ${LINKS} veth links, attempt delay ${DELAY} ms, load ${os.loadavg()[0]?.toFixed(1)})`);
  line('connections/s fe80 vs raw net.connect', c.fe80 / c.raw, 0.95, true, `${c.fe80} vs ${c.raw} conn/s`);
  console.log(`      CPU per connection in the client: fe80 ${c.cpuPerConnection.fe80} us, raw ${c.cpuPerConnection.raw} us (ratio ${(c.cpuPerConnection.raw / c.cpuPerConnection.fe80).toFixed(3)})`);
  const json: Json = { node: process.version, cps: r['cps'], attemptDelay: DELAY, races: [] };
  for (const x of r['races'] as { k: number; direct: number; fixed: number; refuse: number; silent: number; silent0: number; refuse0: number }[]) {
    const budget = x.direct + (x.k - 1) * DELAY;
    console.log(`      k=${x.k}: direct net.connect ${(x.direct * 1000).toFixed(0)} us, fe80 connect with the zone ${(x.fixed * 1000).toFixed(0)} us (medians)`);
    line(`race k=${x.k}, others refuse`, x.refuse / budget, 1.5, false, `${x.refuse.toFixed(2)} ms vs ${budget.toFixed(2)} ms`);
    line(`race k=${x.k}, others never answer`, x.silent / budget, 1.5, false, `${x.silent.toFixed(2)} ms vs ${budget.toFixed(2)} ms`);
    line(`race k=${x.k}, delay 0, others never answer`, x.silent0 / x.direct, 1.5, false, `${x.silent0.toFixed(3)} ms vs direct ${x.direct.toFixed(3)} ms`);
    line(`race k=${x.k}, delay 0, others refuse`, x.refuse0 / x.direct, 1.5, false, `${x.refuse0.toFixed(3)} ms vs direct ${x.direct.toFixed(3)} ms`);
    (json['races'] as Json[]).push({
      ...x,
      ratioRefuse: x.refuse / budget,
      ratioSilent: x.silent / budget,
      ratioDelay0Silent: x.silent0 / x.direct,
      ratioDelay0Refuse: x.refuse0 / x.direct,
    });
  }
  json['pass'] = verdicts.every(Boolean);
  console.log(JSON.stringify(json));
}

const role = process.argv[2];
if (role === 'server') await server();
else if (role === 'client') process.stdout.write(`${JSON.stringify(await client())}\n`);
else await orchestrate();
