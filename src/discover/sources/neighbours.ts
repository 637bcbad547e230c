// The kernel's neighbour table (`ip -j neigh`, IPv6 and IPv4): address, MAC, NUD state, router
// flag, re-read every half second while the discovery runs. Entries of other interfaces are never
// reported. An entry that turns FAILED (RFC 4861 §7.3.3: no answer to unicast probes) takes the
// address back at once. While watching, a STALE entry (not confirmed lately, §7.3.2) is nudged
// with one UDP datagram to the discard port (RFC 863), which starts the kernel's own
// reachability check (DELAY -> PROBE -> REACHABLE or FAILED), so a device that left is noticed.
import { bindUdp, type UdpSocket } from '../../net/index.js';
import { KNOWN_STATES, NeighbourTable, type Neighbour } from '../../zone/neighbours.js';
import { sleep, type Source, type SourceContext } from '../source.js';
import { findTool } from '../tool.js';

const POLL = 500;
const WATCH_POLL = 1000;
/** a STALE address is nudged at most this often */
const NUDGE_EVERY = 10_000;

export const neighbourSource: Source = {
  name: 'neighbours',
  scope: 'global',
  check() {
    if (process.platform !== 'linux') return `the neighbour table is read with iproute2, which is Linux only (this is ${process.platform})`;
    if (findTool('ip') === undefined) return 'no iproute2 (`ip` not on PATH)';
    return undefined;
  },
  async run(ctx: SourceContext) {
    const table = new NeighbourTable({ maxAge: 0x7fff_ffff }); // read by this loop only
    const poll = ctx.watch ? WATCH_POLL : POLL;
    const ttl = poll * 3 + 1000;
    /** address%link -> last state reported */
    const last = new Map<string, string>();
    const nudged = new Map<string, number>();
    let udp: UdpSocket | undefined;
    try {
      while (!ctx.signal.aborted) {
        await table.refresh();
        if (ctx.signal.aborted) break;
        const links = new Set(ctx.interfaces().map((i) => i.name));
        const seen = new Set<string>();
        for (const n of table.entries()) {
          if (!links.has(n.interface)) continue;
          const key = `${n.address.toString()}\n${n.interface}`;
          seen.add(key);
          const before = last.get(key);
          last.set(key, n.state);
          if (n.state === 'FAILED' || n.state === 'INCOMPLETE') {
            if (before !== undefined && before !== 'FAILED' && before !== 'INCOMPLETE') ctx.withdraw(n.interface, { address: n.address.toString() }, 'failed');
            continue;
          }
          if (!KNOWN_STATES.has(n.state)) continue;
          ctx.observe(observation(n, ttl));
          if (ctx.watch && n.state === 'STALE' && n.address.isLinkLocalUnicast()) {
            const at = nudged.get(key) ?? -Infinity;
            if (performance.now() - at >= NUDGE_EVERY) {
              nudged.set(key, performance.now());
              udp ??= await bindUdp({ port: 0 }, { registry: ctx.registry });
              udp.send(new Uint8Array(0), { host: n.address.toString(), port: 9 }).catch(() => {});
            }
          }
        }
        for (const key of last.keys()) if (!seen.has(key)) last.delete(key);
        for (const key of nudged.keys()) if (!seen.has(key)) nudged.delete(key);
        if (!ctx.watch && ctx.remaining() <= 0) break;
        await sleep(ctx.watch ? poll : Math.min(poll, Math.max(0, ctx.remaining() - 50)), ctx.signal);
        if (!ctx.watch && ctx.remaining() <= 0 && !ctx.signal.aborted) {
          // one last read at the end of a one-shot run: the echo has filled the table by now
          await table.refresh();
          const links2 = new Set(ctx.interfaces().map((i) => i.name));
          for (const n of table.entries()) if (links2.has(n.interface) && KNOWN_STATES.has(n.state)) ctx.observe(observation(n, ttl));
          break;
        }
      }
    } finally {
      await udp?.close();
    }
  },
};

function observation(n: Neighbour, ttl: number) {
  const o = { source: 'neighbours' as const, interface: n.interface, ttl, addresses: [{ address: n.address, state: n.state, router: n.router }] };
  return n.mac === undefined ? o : { ...o, mac: n.mac };
}
