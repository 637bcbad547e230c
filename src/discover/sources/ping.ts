// All-nodes echo: an ICMPv6 echo request to ff02::1%IFACE (RFC 4291 §2.7.1; every node answers,
// RFC 4443 §4.1, unless configured not to) through the system `ping`, since Node has no raw
// sockets. Each reply line names its source with the zone it arrived on; replies from another
// link or from our own addresses are dropped.
import { ScopedAddress } from '../../addr/index.js';
import type { InterfaceInfo } from '../../iface/index.js';
import { sleep, type Source, type SourceContext } from '../source.js';
import { findTool, runTool } from '../tool.js';

/** one-shot: an echo every 300 ms for the whole run; watching: every 2 s */
const ONE_SHOT_INTERVAL = 0.3;
const WATCH_INTERVAL = 2;
/** a device that stops answering is gone after this many missed rounds */
const MISSED_ROUNDS = 3;

/** `64 bytes from fe80::2%eth1: icmp_seq=1 ttl=64 time=0.142 ms (DUP!)` -> `fe80::2%eth1` */
export function parsePingLine(line: string): string | undefined {
  const m = /^\d+ bytes from ([0-9A-Fa-f:.]+(?:%[^\s:]+)?): icmp_seq=/.exec(line);
  return m?.[1];
}

export const pingSource: Source = {
  name: 'ping',
  scope: 'link',
  check() {
    if (findTool('ping') === undefined) return 'no `ping` binary on PATH (iputils-ping)';
    return undefined;
  },
  async run(ctx: SourceContext, iface?: InterfaceInfo) {
    const link = iface as InterfaceInfo;
    const ping = findTool('ping') as string;
    const own = new Set(link.addresses.map((a) => a.address.address));
    const interval = ctx.watch ? WATCH_INTERVAL : ONE_SHOT_INTERVAL;
    const ttl = Math.ceil(interval * 1000 * MISSED_ROUNDS + 1000);
    while (!ctx.signal.aborted) {
      const remaining = ctx.remaining();
      if (remaining <= 0) return;
      // -n: no reverse lookups; -w: a deadline so the child never outlives the run
      const deadline = Math.max(1, Math.min(ctx.watch ? 3600 : Math.ceil(remaining / 1000), 3600));
      const args = ['-6', '-n', '-i', String(interval), '-w', String(deadline), `ff02::1%${link.name}`];
      const result = await runTool(ping, args, {
        signal: ctx.signal,
        onLine: (line) => {
          const text = parsePingLine(line);
          if (text === undefined) return;
          const address = ScopedAddress.tryParse(text);
          if (address === undefined || address.zone !== link.name) return ctx.drop();
          if (own.has(address.address)) return; // our own answer
          ctx.observe({ source: 'ping', interface: link.name, ttl, addresses: [{ address }] });
        },
      });
      if (ctx.signal.aborted) return;
      // exit 1: no reply this time, which is an answer too; 2: ping could not run
      if (result.code !== 0 && result.code !== 1) {
        const why = result.stderr.trim().split('\n').pop() ?? `exit ${String(result.code)}`;
        throw new Error(`ping on ${link.name} failed: ${why.slice(0, 200)}`);
      }
      if (!ctx.watch) return;
      await sleep(interval * 1000, ctx.signal);
    }
  },
};
