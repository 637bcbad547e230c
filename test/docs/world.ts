// The network the documentation's examples assume, built in a lab: a client namespace with the
// interfaces the docs name (lo 1, eth0 2, eth1 3, wlan0 4, so `nameToIndex('eth1')` is 3 as the
// README says), each joined to a device namespace. Every device has fe80::1 and fe80::2 (the eth1
// one also fe80::aecc:8eff:fee2:65de, the README's device) and runs fixtures/peer.ts (HTTP 80/8080
// with WebSocket, TLS 443, TCP 9100, UDP echo 9999) and answers mDNS as printer.local
// (avahi-daemon), so the name is on three links. The client's own addresses are fe80::10, fe80::11 and fe80::12.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Lab, Namespace } from '../../src/testing/index.js';
import { startAvahi } from '../dns/fixtures/avahi.js';
import { readyLine } from '../net/fixtures/util.js';

export interface World {
  client: Namespace;
  /** PEM of the devices' certificate (subjectAltName IP:fe80::1, DNS:printer.local): the docs' `ca` */
  ca: string;
  dir: string;
  close(): Promise<void>;
}

const LINKS = [
  { name: 'eth0', index: 2, client: 'fe80::10', extra: [] as string[] },
  { name: 'eth1', index: 3, client: 'fe80::11', extra: ['fe80::aecc:8eff:fee2:65de'] },
  { name: 'wlan0', index: 4, client: 'fe80::12', extra: [] as string[] },
];

export async function buildWorld(lab: Lab): Promise<World> {
  const dir = await mkdtemp(join(tmpdir(), 'fe80-docs-'));
  await promisify(execFile)('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2', '-subj', '/CN=printer.local',
    '-addext', 'subjectAltName=IP:fe80::1,DNS:printer.local', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
  ]);
  const ca = await readFile(join(dir, 'cert.pem'), 'utf8');
  const client = await lab.namespace('docs');
  for (const link of LINKS) {
    const device = await lab.namespace(`dev-${link.name}`);
    // made inside the client namespace, so the index is free there (lo is 1)
    await client.exec('ip', ['link', 'add', link.name, 'index', String(link.index), 'type', 'veth', 'peer', 'name', 'lan0', 'netns', device.name]).then((r) => {
      if (r.code !== 0) throw new Error(`ip link add ${link.name}: ${r.stderr}`);
    });
    for (const [ns, dev, addresses] of [[client, link.name, [link.client]], [device, 'lan0', ['fe80::1', 'fe80::2', ...link.extra]]] as const) {
      await ns.ip(['link', 'set', 'dev', dev, 'addrgenmode', 'none']);
      for (const a of addresses) await ns.ip(['address', 'add', `${a}/64`, 'dev', dev, 'nodad']);
      await ns.ip(['link', 'set', 'dev', dev, 'up']);
    }
    const peer = device.spawnNode(new URL('./fixtures/peer.ts', import.meta.url), [join(dir, 'cert.pem'), join(dir, 'key.pem')]);
    await readyLine(peer, `device on ${link.name}`, 30_000);
    await startAvahi(device, { hostName: 'printer', interfaces: ['lan0'] });
  }
  // until the links carry traffic
  for (const link of LINKS) {
    let up = false;
    for (let i = 0; i < 100 && !up; i++) up = (await client.exec('ping', ['-6', '-c1', '-W1', `fe80::1%${link.name}`])).code === 0;
    if (!up) throw new Error(`the docs world's ${link.name} never carried a ping to fe80::1`);
  }
  return { client, ca, dir, close: () => rm(dir, { recursive: true, force: true }) };
}
