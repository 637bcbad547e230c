import { InterfaceRegistry } from '../src/iface/index.js';
import { Fe80Error } from '../src/errors.js';
const nics = Array.from({ length: 50 }, (_, i) => ({ name: `veth${i}`, index: i + 1, up: true, running: true, loopback: false, multicast: true, mac: undefined, mtu: 1500, addresses: [] }));
const r = new InterfaceRegistry({ maxAge: Infinity, backend: { name: 'f', read: () => nics } });
r.list();
const best: Record<string, number> = {};
function t(name: string, f: (i: number) => void) { const c0 = process.cpuUsage(); for (let i = 0; i < 10000; i++) { try { f(i); } catch {} } const c = process.cpuUsage(c0); best[name] = Math.min(best[name] ?? 1e9, (c.user + c.system) / 1000); }
for (let k = 0; k < 8; k++) {
t('resolve', (i) => r.resolve(`bogus${i}`));
t('get', (i) => r.get(`bogus${i}`));
t('Error', (i) => { throw new Error(`x ${i}`); });
t('Fe80Error', (i) => { throw new Fe80Error('ERR_UNKNOWN_INTERFACE', `x ${i}`); });
}
console.log(best);
