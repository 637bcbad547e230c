// Simulated link-local devices for labs: each a namespace with a web application (device-app:
// pages with relative and absolute links, a redirect, a login form with a cookie, a WebSocket
// echo, downloads and uploads) and, optionally, avahi-daemon (Debian) answering mDNS for its
// host name and publishing `_http._tcp`. `deviceLab` builds a client namespace with L links and
// N devices spread over them, the same fe80::2 on every link, as `fe80 lab up` shows them.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import type { ChildProcess } from 'node:child_process';
import { Fe80Error, quote } from '../errors.js';
import type { Lab } from './lab.js';
import type { Namespace } from './namespace.js';
import { AVAHI_DIR_PREFIX } from './names.js';

/** A simulated device's options. */
export interface DeviceOptions {
  /** host name (without `.local`); letters, digits and hyphens */
  name: string;
  /** port of the web application (default 80, or 443 with `tls`) */
  port?: number;
  /** serve HTTPS with this certificate and key (PEM) */
  tls?: { cert: string; key: string };
  /** interfaces avahi-daemon answers on; omit (or `[]`) for no mDNS */
  mdns?: string[];
}

/** A running simulated device. */
export interface SimulatedDevice {
  name: string;
  namespace: Namespace;
  port: number;
  secure: boolean;
  /** the web application's process (killed with the lab) */
  app: ChildProcess;
  /** avahi-daemon, when mDNS was asked for */
  avahi: ChildProcess | undefined;
}

const NAME = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;
const APP = new URL(`./device-app.${import.meta.url.endsWith('.ts') ? 'ts' : 'js'}`, import.meta.url);

// avahi config dirs still present when the process ends are removed on the way out
const dirs = new Set<string>();
process.once('exit', () => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function avahiConfig(hostName: string, interfaces: readonly string[]): string {
  return `[server]
host-name=${hostName}
domain-name=local
use-ipv4=no
use-ipv6=yes
allow-interfaces=${interfaces.join(',')}
enable-dbus=no
ratelimit-interval-usec=1000000
ratelimit-burst=100000
[wide-area]
enable-wide-area=no
[publish]
publish-addresses=yes
publish-hinfo=no
publish-workstation=no
publish-aaaa-on-ipv4=no
publish-a-on-ipv6=no
`;
}

/** Output of a child, kept for error messages (the last 8 KiB). */
function collect(child: ChildProcess): () => string {
  let log = '';
  const add = (chunk: Buffer): void => {
    log = (log + chunk.toString()).slice(-8192);
  };
  child.stdout?.on('data', add);
  child.stderr?.on('data', add);
  return () => log;
}

/** Waits until `test(log)` holds, or rejects when the child exits or `ms` pass. */
async function waitFor(child: ChildProcess, log: () => string, test: (log: string) => boolean, what: string, ms: number): Promise<void> {
  const started = Date.now();
  while (!test(log())) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Fe80Error('ERR_LAB', `${what} exited (${child.exitCode ?? child.signalCode}): ${log().trim()}`);
    if (Date.now() - started > ms) throw new Fe80Error('ERR_LAB', `${what} was not ready within ${ms} ms: ${log().trim()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * Starts avahi-daemon in `ns` (private tmpfs on /run, no D-Bus, no privilege drop, only the
 * given interfaces, IPv6 only) publishing `hostName.local` and `_http._tcp` on `port`; resolves
 * once the service is established. The daemon dies with the lab.
 */
export async function startAvahi(ns: Namespace, hostName: string, interfaces: readonly string[], port: number, ms = 10_000): Promise<ChildProcess> {
  // named after the namespace (its name carries the lab's pid): a sweep after a killed lab removes it
  const dir = mkdtempSync(join(tmpdir(), `${AVAHI_DIR_PREFIX}${ns.name}-`));
  dirs.add(dir);
  const services = join(dir, 'services');
  const conf = join(dir, 'avahi-daemon.conf');
  writeFileSync(conf, avahiConfig(hostName, interfaces));
  mkdirSync(services);
  writeFileSync(
    join(services, 'web.service'),
    `<?xml version="1.0" standalone='no'?>\n<service-group><name>${hostName}</name><service><type>_http._tcp</type><port>${port}</port><txt-record>path=/</txt-record></service></service-group>\n`,
  );
  // `ip netns exec` gives the daemon a private mount namespace: these mounts stay in it
  const script =
    'mount -t tmpfs tmpfs /run && mkdir -p /run/avahi-daemon && ' +
    `mount --bind '${services}' /etc/avahi/services && ` +
    `exec avahi-daemon --no-drop-root --no-chroot --no-rlimits -f '${conf}'`;
  const child = ns.spawn('sh', ['-c', script]);
  child.once('exit', () => {
    rmSync(dir, { recursive: true, force: true });
    dirs.delete(dir);
  });
  const log = collect(child);
  await waitFor(child, log, (l) => /Server startup complete/.test(l) && /Service "[^"]*" .*successfully established/.test(l), `avahi-daemon for ${hostName} in ${ns.label}`, ms);
  return child;
}

/** Starts a simulated device's web application (and avahi) in `ns`; resolves once it listens. */
export async function startDevice(ns: Namespace, options: DeviceOptions): Promise<SimulatedDevice> {
  if (typeof options?.name !== 'string' || !NAME.test(options.name)) {
    throw new Fe80Error('ERR_INVALID_ARGUMENT', `device name must be a DNS label (letters, digits, hyphens), got ${quote(String(options?.name))}`);
  }
  const secure = options.tls !== undefined;
  const port = options.port ?? (secure ? 443 : 80);
  const app = ns.spawnNode(APP, [JSON.stringify({ name: options.name, port, ...(options.tls ?? {}) })]);
  const log = collect(app);
  await waitFor(app, log, (l) => l.includes('"ready":true'), `device ${options.name} in ${ns.label}`, 15_000);
  const avahi = options.mdns !== undefined && options.mdns.length > 0 ? await startAvahi(ns, options.name, options.mdns, port) : undefined;
  return { name: options.name, namespace: ns, port, secure, app, avahi };
}

/** One device of a {@link deviceLab}, as the client namespace sees it. */
export interface LabDevice extends SimulatedDevice {
  /** its address, the same on every link: `fe80::2`, `fe80::3`, ... */
  address: string;
  /** the client-side interface of its link: the zone to use (`fe80::2%lab0`) */
  zone: string;
  /** `http://[fe80::2%25lab0]/` */
  url: string;
  /** `printer.local` (when mDNS runs) */
  host: string;
}

/** What {@link deviceLab} built. */
export interface DeviceLab {
  /** where the user's programs run: every link's client end is here */
  client: Namespace;
  /** client-side interface names, one per link (`lab0`, `lab1`, ...) */
  links: string[];
  devices: LabDevice[];
}

export interface DeviceLabOptions {
  /** devices (default 2) */
  peers?: number;
  /** links (default 2); devices are dealt round-robin over them */
  links?: number;
  /** device names (default printer, camera, router, ...; numbered after the list runs out) */
  names?: readonly string[];
  /** answer mDNS with avahi-daemon (default true) */
  mdns?: boolean;
  /** port of each device's web application (default 80) */
  port?: number;
  /** certificate for HTTPS devices: every device then serves HTTPS */
  tls?: { cert: string; key: string };
  /** called as each piece comes up, for progress output */
  progress?: (message: string) => void;
}

const NAMES = ['printer', 'camera', 'router', 'sensor', 'nas', 'plug', 'hub', 'thermostat'];

function deviceName(i: number, names: readonly string[]): string {
  if (i < names.length) return names[i]!;
  return `${names[i % names.length]}${Math.floor(i / names.length) + 1}`;
}

/**
 * Builds a client namespace with `links` links and `peers` simulated devices. A link with one
 * device is a veth pair; with several, a bridge in a switch namespace joins them. On link k
 * the devices have fe80::2, fe80::3, ...; the client is fe80::1 on every link (`lab0`, `lab1`).
 */
export async function deviceLab(lab: Lab, options: DeviceLabOptions = {}): Promise<DeviceLab> {
  const peers = options.peers ?? 2;
  const links = options.links ?? 2;
  if (!Number.isInteger(peers) || peers < 1 || peers > 64) throw new Fe80Error('ERR_INVALID_ARGUMENT', `peers must be an integer 1-64, got ${String(peers)}`);
  if (!Number.isInteger(links) || links < 1 || links > 16 || links > peers) {
    throw new Fe80Error('ERR_INVALID_ARGUMENT', `links must be an integer 1-16 and at most the number of peers (${peers}), got ${String(links)}`);
  }
  const names = options.names ?? NAMES;
  const mdns = options.mdns ?? true;
  const say = options.progress ?? (() => undefined);
  const client = await lab.namespace('client');
  const linkNames: string[] = [];
  const plan: { link: number; index: number; name: string }[] = [];
  for (let i = 0; i < peers; i++) plan.push({ link: i % links, index: Math.floor(i / links), name: deviceName(i, names) });
  const devices: LabDevice[] = [];
  for (let k = 0; k < links; k++) {
    const zone = `lab${k}`;
    linkNames.push(zone);
    const members = plan.filter((p) => p.link === k);
    const ends: { ns: Namespace; iface: string; address: string; name: string }[] = [];
    if (members.length === 1) {
      const m = members[0]!;
      const ns = await lab.namespace(m.name);
      await lab.link(client, ns, { nameA: zone, nameB: 'eth0', addressA: 'fe80::1', addressB: 'fe80::2' });
      ends.push({ ns, iface: 'eth0', address: 'fe80::2', name: m.name });
    } else {
      const sw = await lab.namespace(`switch${k}`);
      await lab.addInterface(sw, { kind: 'bridge', name: 'br0', addresses: [] });
      // no multicast snooping: without a querier it would stop mDNS between ports
      await sw.ip(['link', 'set', 'br0', 'type', 'bridge', 'mcast_snooping', '0']);
      const uplink = await lab.link(client, sw, { nameA: zone, nameB: 'up0', addressA: 'fe80::1', addressB: 'fe80::ffff' });
      const ports = [uplink.b.name];
      for (const m of members) {
        const ns = await lab.namespace(m.name);
        const address = `fe80::${(m.index + 2).toString(16)}`;
        const port = `p${m.index}`;
        await lab.link(ns, sw, { nameA: 'eth0', nameB: port, addressA: address, addressB: 'fe80::fffe' });
        ports.push(port);
        ends.push({ ns, iface: 'eth0', address, name: m.name });
      }
      for (const p of ports) {
        await sw.ip(['addr', 'flush', 'dev', p]); // a bridge port has no address of its own
        await sw.ip(['link', 'set', p, 'master', 'br0']);
      }
    }
    for (const end of ends) {
      say(`starting ${end.name} (${end.address}%${zone})`);
      const d = await startDevice(end.ns, { name: end.name, ...(options.port === undefined ? {} : { port: options.port }), ...(options.tls === undefined ? {} : { tls: options.tls }), ...(mdns ? { mdns: [end.iface] } : {}) });
      const defaultPort = d.secure ? 443 : 80;
      const port = d.port === defaultPort ? '' : `:${d.port}`;
      devices.push({ ...d, address: end.address, zone, url: `${d.secure ? 'https' : 'http'}://[${end.address}%25${zone}]${port}/`, host: `${end.name}.local` });
    }
  }
  return { client, links: linkNames, devices };
}

/** Waits for a child's first line on stdout (e.g. a helper's `{"ready":true}`). */
export async function firstLine(child: ChildProcess): Promise<string> {
  const [chunk] = (await Promise.race([
    once(child.stdout!, 'data'),
    once(child, 'exit').then(() => {
      throw new Fe80Error('ERR_LAB', 'the process exited before printing a line');
    }),
  ])) as [Buffer];
  return chunk.toString().split('\n')[0] ?? '';
}
