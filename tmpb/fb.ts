import http from 'node:http';
import net from 'node:net';
import { Agent, fetch as uf } from 'undici';
import { createDispatcher, fetch } from '../dist/http/index.js';
const server = http.createServer((q, r) => r.end('hello world')).listen(0, '::1');
await new Promise((r) => server.once('listening', r));
const port = (server.address() as net.AddressInfo).port;
const url = `http://[::1]:${port}/`;
const plain = new Agent({ connect: (o, cb) => { const s = net.connect({ host: '::1', port, noDelay: true }); s.once('connect', () => cb(null, s)); s.once('error', (e) => cb(e, null)); } });
const pools = createDispatcher();
const cases: Record<string, () => Promise<unknown>> = {
  fe80: async () => (await fetch(url, { dispatcher: pools })).arrayBuffer(),
  global: async () => (await globalThis.fetch(url, { dispatcher: plain } as never)).arrayBuffer(),
  fe80b: async () => (await fetch(url, { dispatcher: pools })).arrayBuffer(),
  globalURL: async () => (await globalThis.fetch(new URL(url), { dispatcher: plain } as never)).arrayBuffer(),
  globalManual: async () => (await globalThis.fetch(url, { dispatcher: plain, redirect: 'manual' } as never)).arrayBuffer(),
  undici: async () => (await uf(url, { dispatcher: plain })).arrayBuffer(),
  undiciWrapped: async () => { const r = await uf(url, { dispatcher: plain }); return new Response(r.body as never, { status: r.status, statusText: r.statusText, headers: r.headers as never }).arrayBuffer(); },
};
async function run(fn: () => Promise<unknown>, n: number) { const c0 = process.cpuUsage(); let i = 0; await Promise.all(Array.from({ length: 16 }, async () => { while (i++ < n) await fn(); })); const c = process.cpuUsage(c0); return (c.user + c.system) / n; }
for (const f of Object.values(cases)) await run(f, 2000);
const res: Record<string, number[]> = {};
for (let r = 0; r < 10; r++) for (const [k, f] of Object.entries(cases)) (res[k] ??= []).push(await run(f, 3000));
for (const [k, v] of Object.entries(res)) { v.sort((a, b) => a - b); console.log(k.padEnd(14), v[4]!.toFixed(1), 'us/req (client+server)'); }
server.close(); await plain.close(); await pools.close();
