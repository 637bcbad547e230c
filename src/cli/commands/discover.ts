// `fe80 discover [IFACE...]`: who is on these links. On a terminal, a table that fills in as
// answers arrive, with a progress line while the probes run, then a summary; piped or with
// --json, one JSON object per event (NDJSON), for jq and scripts.
import type { Writable } from 'node:stream';
import { EXIT, UsageError, defineCommand, parse, writeLine } from '../command.js';
import { quote } from '../../errors.js';
import { discover, SOURCE_NAMES, type Device, type DiscoverEvent, type DiscoverOptions, type SourceName, type SourceReport } from '../../discover/index.js';


/** Text from the network, safe for a terminal: control and bidi characters escaped, clipped. */
function clean(text: string): string {
  return quote(text).slice(1, -1);
}

function seconds(text: string): number {
  const n = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || !Number.isFinite(n) || n <= 0 || n * 1000 > 0x7fffffff) {
    throw new UsageError(`--timeout must be a positive number of seconds, got ${quote(text)}`);
  }
  return Math.max(1, Math.round(n * 1000));
}

function sourceList(text: string): SourceName[] {
  const list = text.split(',').map((s) => s.trim());
  for (const s of list) {
    if (!SOURCE_NAMES.includes(s as SourceName)) throw new UsageError(`unknown source ${quote(s)} in --source (have: ${SOURCE_NAMES.join(', ')})`);
  }
  return list as SourceName[];
}

export function deviceName(d: Device): string {
  return d.names[0]?.name ?? d.lldp?.chassisName ?? d.ssdp.find((s) => s.friendlyName !== undefined)?.friendlyName ?? '';
}

function row(d: Device): string[] {
  const services = [...new Set(d.services.map((s) => s.type))].join(',');
  const web = d.webUi[0]?.url ?? '';
  const more = d.addresses.length > 1 ? ` (+${d.addresses.length - 1})` : '';
  return [d.interface, `${d.addresses[0]?.address ?? ''}${more}`, d.mac ?? '', d.vendor ?? '', deviceName(d), [services, d.ssdp.length > 0 ? 'upnp' : '', d.lldp !== undefined ? 'lldp' : '', web].filter((x) => x !== '').join(' ')].map(clean);
}

const HEAD = ['INTERFACE', 'ADDRESS', 'MAC', 'VENDOR', 'NAME', 'SERVICES'];

export function table(devices: readonly Device[], width = Infinity): string[] {
  const rows = [HEAD, ...[...devices].sort((a, b) => a.interface.localeCompare(b.interface) || (a.addresses[0]?.address ?? '').localeCompare(b.addresses[0]?.address ?? '')).map(row)];
  const widths = HEAD.map((_, i) => Math.min(40, Math.max(...rows.map((r) => (r[i] as string).length))));
  return rows.map((r) => {
    const line = r.map((c, i) => (i === r.length - 1 ? c : c.length > (widths[i] as number) ? `${c.slice(0, (widths[i] as number) - 1)}…` : c.padEnd(widths[i] as number))).join('  ').trimEnd();
    return line.length > width ? `${line.slice(0, Math.max(0, width - 1))}…` : line;
  });
}

export function summary(devices: readonly Device[], sources: readonly SourceReport[], ms: number): string {
  const links = new Set(devices.map((d) => d.interface)).size;
  const ran = sources.filter((s) => s.state === 'done' || s.state === 'running').map((s) => s.source);
  const not = sources.filter((s) => s.state === 'skipped' || s.state === 'failed').map((s) => `${s.source}: ${clean(s.reason ?? s.state)}`);
  const n = devices.length;
  return `${n} device${n === 1 ? '' : 's'} on ${links} link${links === 1 ? '' : 's'} in ${(ms / 1000).toFixed(1)} s (${[ran.join(' '), ...not].filter((x) => x !== '').join('; ')})`;
}

function jsonEvent(e: DiscoverEvent): string {
  if (e.type === 'source') return JSON.stringify({ event: 'source', ...e.source });
  const { type, ...rest } = e;
  return JSON.stringify({ event: type, ...rest });
}

/** Redraws the table in place on a terminal (cursor up + clear), at most 10 times a second. */
class LiveTable {
  readonly #out: Writable & { columns?: number };
  #lines = 0;
  #timer: NodeJS.Timeout | undefined;
  constructor(out: Writable) {
    this.#out = out;
  }
  schedule(draw: () => string[]): void {
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined;
      this.draw(draw());
    }, 100);
  }
  draw(lines: string[]): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    const up = this.#lines > 0 ? `\x1b[${this.#lines}F` : '';
    this.#out.write(`${up}\x1b[J${lines.join('\n')}\n`);
    this.#lines = lines.length;
  }
  /** the last drawn lines stay; the next draw starts below them */
  keep(): void {
    this.#lines = 0;
  }
}

const OPTIONS = {
  timeout: { type: 'string', value: 'S', description: 'stop after S seconds (default 3; decimals allowed); with --watch: run for S seconds, else until interrupted' },
  watch: { type: 'boolean', short: 'w', description: 'keep running and report devices as they come and go (Ctrl-C ends)' },
  json: { type: 'boolean', description: 'one JSON object per event (NDJSON); the default when stdout is not a terminal' },
  source: { type: 'string', short: 's', value: 'LIST', description: `comma-separated sources to use (default: all; have: ${SOURCE_NAMES.join(', ')})` },
} as const;

const description = `Finds the devices on directly attached links (IFACE..., names or indexes; default: every
interface that is up, not loopback, with an IPv6 link-local address) and prints one line per
device per link: its scoped address (fe80::x%IFACE), MAC and vendor, host name, DNS-SD services
and web interface. The answers of every source are merged by MAC (or by address where no MAC is
known):

  dnssd       DNS-SD browsing over mDNS (RFC 6763)
  ping        ICMPv6 echo to all nodes (ff02::1%IFACE) with the system ping
  neighbours  the kernel's neighbour table (ip -j neigh; IPv6 and IPv4)
  ssdp        UPnP M-SEARCH to ff02::c%IFACE and 239.255.255.250
  lldp        LLDP neighbours of a running lldpd (lldpcli)

Nothing is sent on interfaces other than the ones chosen. A source that cannot run here says why.

On a terminal the table fills in as answers arrive, with a progress line while the probes run,
then a summary. Piped, or with --json, each event is one JSON object per line (NDJSON):
{"event":"found"|"updated"|"lost"|"source", ...}, for jq and scripts.`;

const command = defineCommand({
  name: 'discover',
  summary: 'find the devices on each link: scoped address, MAC, vendor, names, services',
  synopsis: ['[IFACE...] [--timeout S] [--watch] [--json] [--source LIST]'],
  description,
  options: OPTIONS,
  exit: [
    ['0', 'at least one device was found'],
    ['1', 'none was found, or an interface is invalid'],
    ['2', 'usage error'],
  ],
  examples: [
    '$ fe80 discover eth1',
    'INTERFACE  ADDRESS                      MAC                VENDOR                   NAME      SERVICES',
    'eth1       fe80::ba27:ebff:fe00:2%eth1  b8:27:eb:00:00:02  Raspberry Pi Foundation  pi.local  _http._tcp http://[fe80::ba27:ebff:fe00:2%25eth1]/',
    '1 device on 1 link in 3.0 s (dnssd ping neighbours ssdp; lldp: no lldpd running)',
    '$ fe80 discover --watch --json | jq -c \'select(.event == "found")\'',
  ],
  seeAlso: 'avahi-browse(1), ip-neighbour(8); fe80 help gateway',
  async run(args, io) {
    const { values, positionals } = parse(args, OPTIONS);
    const options: DiscoverOptions = {};
    if (positionals.length > 0) options.interfaces = positionals.map((p) => (/^\d+$/.test(p) ? Number(p) : p));
    if (values.timeout !== undefined) options.timeout = seconds(values.timeout);
    if (values.watch === true) options.watch = true;
    if (values.source !== undefined) options.sources = sourceList(values.source);
    const out = io.stdout as Writable & { isTTY?: boolean; columns?: number };
    const json = values.json === true || out.isTTY !== true;
    const controller = new AbortController();
    const onSignal = (): void => controller.abort();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    options.signal = controller.signal;
    const started = performance.now();
    try {
      const discovery = discover(options);
      const live = json ? undefined : new LiveTable(out);
      const progress = (): string => {
        const running = discovery.sources().filter((s) => s.state === 'running' || s.state === 'pending').map((s) => s.source);
        const t = ((performance.now() - started) / 1000).toFixed(1);
        const n = discovery.devices().length;
        return running.length > 0 || values.watch === true
          ? `${values.watch === true ? 'watching' : 'probing'} ${discovery.interfaces().join(', ')}: ${n} device${n === 1 ? '' : 's'}, ${t} s${running.length > 0 ? ` (${running.join(', ')})` : ''}`
          : '';
      };
      const frame = (): string[] => [...table(discovery.devices(), out.columns || Infinity), progress()];
      const tick = live === undefined ? undefined : setInterval(() => live.schedule(frame), 250);
      live?.draw(frame());
      let peak = 0;
      try {
        for await (const e of discovery) {
          if (json) {
            const wait = writeLine(out, jsonEvent(e));
            if (wait !== undefined) await wait;
          } else {
            if (values.watch === true && e.type === 'lost' && e.reason !== 'merged') {
              live?.draw([`- ${clean(e.device.interface)} ${clean(e.device.addresses[0]?.address ?? e.device.id)} ${clean(deviceName(e.device))} (${e.reason})`]);
              live?.keep();
            }
            live?.schedule(frame);
          }
          peak = Math.max(peak, discovery.devices().length);
        }
      } finally {
        if (tick !== undefined) clearInterval(tick);
      }
      const devices = discovery.devices();
      if (live !== undefined) {
        live.draw(table(devices, out.columns || Infinity));
        await writeLine(out, summary(devices, discovery.sources(), performance.now() - started));
      }
      return devices.length > 0 || peak > 0 ? EXIT.OK : EXIT.FAIL;
    } finally {
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
    }
  },
});

export default command;
