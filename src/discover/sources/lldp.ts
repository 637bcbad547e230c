// LLDP (IEEE 802.1AB) neighbours as a running lldpd daemon has heard them: `lldpcli -f json0 show
// neighbors details`. Each neighbour is attributed to the interface lldpd heard it on; its chassis
// name, chassis and port IDs, management addresses (link-local ones get that interface as zone)
// and capabilities become facts that hold for the TTL the neighbour announced.
import { ScopedAddress } from '../../addr/index.js';
import type { LldpObservation, Observation } from '../devices.js';
import { normalizeMac } from '../mac.js';
import { sleep, type Source, type SourceContext } from '../source.js';
import { findTool, runTool } from '../tool.js';

const POLL = 1000;

type Json = Record<string, unknown>;
const list = (v: unknown): Json[] => (Array.isArray(v) ? v.filter((x): x is Json => typeof x === 'object' && x !== null) : []);
/** json0 wraps every scalar as `[{ value: x }]` */
const value = (v: unknown): string | undefined => {
  const first = list(v)[0];
  const x = first?.value;
  return typeof x === 'string' ? x : undefined;
};
const values = (v: unknown): string[] => list(v).map((x) => x.value).filter((x): x is string => typeof x === 'string');

/**
 * Turns lldpcli's json0 output into observations for the given links. Anything malformed is
 * skipped (counted in the return's `dropped`).
 */
export function parseLldp(text: string, links: ReadonlySet<string>): { observations: Observation[]; dropped: number } {
  const observations: Observation[] = [];
  let dropped = 0;
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return { observations, dropped: 1 };
  }
  for (const lldp of list((doc as Json | null)?.lldp)) {
    for (const entry of list(lldp.interface)) {
      const link = entry.name;
      if (typeof link !== 'string' || !links.has(link)) continue;
      const chassis = list(entry.chassis)[0];
      const port = list(entry.port)[0];
      if (chassis === undefined) {
        dropped++;
        continue;
      }
      const cid = list(chassis.id)[0];
      const pid = port === undefined ? undefined : list(port.id)[0];
      const ttlText = value(port?.ttl) ?? value(entry.ttl);
      const ttl = Math.min(Math.max(Number(ttlText) || 120, 1), 65535) * 1000;
      const addresses = values(chassis['mgmt-ip'])
        .map((a) => ScopedAddress.tryParse(a))
        .filter((a): a is ScopedAddress => a !== undefined && a.zone === undefined && !a.isMulticast() && !a.isUnspecified())
        .map((a) => (a.requiresZone() ? a.withZone(link) : a));
      const capabilities = list(chassis.capability).filter((c) => c.enabled === true && typeof c.type === 'string').map((c) => c.type as string);
      const info: LldpObservation = {
        managementAddresses: addresses.map((a) => a.toString()),
        capabilities,
        router: capabilities.includes('Router'),
      };
      if (typeof cid?.type === 'string' && typeof cid.value === 'string') info.chassisId = { type: cid.type, value: cid.value.slice(0, 255) };
      const name = value(chassis.name);
      if (name !== undefined) info.chassisName = name.slice(0, 255);
      const descr = value(chassis.descr);
      if (descr !== undefined) info.description = descr.slice(0, 255);
      if (port !== undefined) {
        const p: NonNullable<LldpObservation['port']> = {};
        if (typeof pid?.type === 'string') p.type = pid.type;
        if (typeof pid?.value === 'string') p.id = pid.value.slice(0, 255);
        const pd = value(port.descr);
        if (pd !== undefined) p.description = pd.slice(0, 255);
        info.port = p;
      }
      // the port's MAC is the one this device uses on our link; a chassis MAC may be another port's
      const mac = (pid?.type === 'mac' ? normalizeMac(pid.value) : undefined) ?? (cid?.type === 'mac' ? normalizeMac(cid.value) : undefined);
      const o: Observation = { source: 'lldp', interface: link, ttl, lldp: info, addresses: addresses.map((address) => ({ address })) };
      if (mac !== undefined) o.mac = mac;
      if (name !== undefined) o.names = [name.slice(0, 255)];
      if (info.chassisId !== undefined) o.ids = [`lldp:${info.chassisId.type}:${info.chassisId.value}`];
      observations.push(o);
    }
  }
  return { observations, dropped };
}

function lldpArgs(ctx: SourceContext): string[] {
  const socket = ctx.options.lldpSocket;
  return [...(typeof socket === 'string' ? ['-u', socket] : []), '-f', 'json0', 'show', 'neighbors', 'details'];
}

export const lldpSource: Source = {
  name: 'lldp',
  scope: 'global',
  async check(ctx) {
    // let the probes that answer fastest (echo, SSDP) spawn first: a spawn blocks the loop
    await new Promise((resolve) => setImmediate(resolve));
    const cli = findTool('lldpcli');
    if (cli === undefined) return 'no lldpd (`lldpcli` not on PATH)';
    const r = await runTool(cli, lldpArgs(ctx), { signal: ctx.signal, timeout: 2000 });
    if (r.code !== 0) {
      const why = r.stderr.trim().split('\n').pop() ?? '';
      return `no lldpd running (lldpcli: ${why.replace(/^.*\] /, '').slice(0, 160) || `exit ${String(r.code)}`})`;
    }
    return undefined;
  },
  async run(ctx: SourceContext) {
    const cli = findTool('lldpcli') as string;
    while (!ctx.signal.aborted) {
      const r = await runTool(cli, lldpArgs(ctx), { signal: ctx.signal, timeout: 2000 });
      if (ctx.signal.aborted) return;
      if (r.code !== 0) throw new Error(`lldpcli failed: ${r.stderr.trim().slice(0, 200)}`);
      const { observations, dropped } = parseLldp(r.stdout, new Set(ctx.interfaces().map((i) => i.name)));
      if (dropped > 0) ctx.drop(dropped);
      for (const o of observations) ctx.observe(o);
      if (!ctx.watch && ctx.remaining() <= POLL) return;
      await sleep(POLL, ctx.signal);
    }
  },
};
