// `fe80 interfaces [NAME...] [--up] [--candidates] [--json]`: the interfaces with index, state,
// flags, MAC, MTU and their addresses in the form `connect` and `fetch` take (fe80::1%eth0, no
// prefix length inside the zoned text), tentative and duplicate (DAD) addresses marked.
import { defineCommand, eachArgument, parse, writeLine, type Io } from '../command.js';
import { registry, type InterfaceAddress, type InterfaceInfo } from '../../iface/index.js';

// IFA_F_* (<linux/if_addr.h>), Linux only
const IFA_F_DADFAILED = 0x08;
const IFA_F_DEPRECATED = 0x20;
const IFA_F_TENTATIVE = 0x40;

const OPTIONS = {
  up: { type: 'boolean', description: 'only interfaces that are up' },
  candidates: { type: 'boolean', description: 'only the interfaces a link-local address without a zone is raced over (--zone auto): up, not loopback, with a usable IPv6 link-local address' },
  json: { type: 'boolean', description: 'a JSON array, one object per interface (shape in the manual)' },
} as const;

const command = defineCommand({
  name: 'interfaces',
  summary: 'list interfaces with index, state and addresses ready to paste',
  synopsis: ['[NAME|INDEX...] [--up] [--candidates] [--json]'],
  description: `Lists the network interfaces in index order, or the ones named: INDEX, NAME, STATE (UP or DOWN,
administrative), FLAGS (RUNNING, LOOPBACK, MULTICAST), MAC, MTU and ADDRESSES. Every address is
written as connect and fetch take it: a link-local one with its zone (fe80::1%eth0), none with a
prefix length. An IPv6 address still in duplicate address detection is marked (tentative), one
that failed it (duplicate), a deprecated one (deprecated); tentative and duplicate ones cannot be
used yet or at all. A name that does not exist is reported with the closest existing one; the
others are still listed.

On Linux the list comes from /sys/class/net and /proc/net/if_inet6 and includes interfaces that
are down or have no address. Elsewhere it comes from os.networkInterfaces(): only interfaces with
an address, and index '-' when an interface has no IPv6 link-local address.

--json prints an array of objects (a stable shape; unknown values are null):
  {"index": 2, "ifindex": 2, "name": "eth0", "ifname": "eth0", "up": true, "running": true,
   "loopback": false, "multicast": true, "candidate": true, "mac": "52:54:00:12:34:56",
   "mtu": 1500, "linkLocal": "fe80::5054:ff:fe12:3456%eth0",
   "addresses": [{"address": "fe80::5054:ff:fe12:3456%eth0", "family": 6, "prefixLength": 64,
                  "scope": "link-local", "tentative": false, "duplicate": false, "deprecated": false}]}
ifindex and ifname repeat index and name under the names ip -j uses; linkLocal is the first usable
link-local address (the one candidates need).`,
  options: OPTIONS,
  exit: [
    ['0', 'listed'],
    ['1', 'a NAME or INDEX does not exist (the others are listed)'],
    ['2', 'usage error'],
  ],
  examples: ['$ fe80 interfaces', '$ fe80 interfaces eth0 wlan0', '$ fe80 interfaces --candidates', "$ fe80 interfaces --json | jq -r '.[].linkLocal'"],
  seeAlso: 'ip-address(8); fe80 help ifindex',
  run,
});

export default command;

export interface AddressJson {
  address: string;
  family: 4 | 6;
  prefixLength: number;
  scope: string;
  tentative: boolean;
  duplicate: boolean;
  deprecated: boolean;
}

export interface InterfaceJson {
  index: number | null;
  ifindex: number | null;
  name: string;
  ifname: string;
  up: boolean;
  running: boolean;
  loopback: boolean;
  multicast: boolean;
  candidate: boolean;
  mac: string | null;
  mtu: number | null;
  linkLocal: string | null;
  addresses: AddressJson[];
}

function addressJson(a: InterfaceAddress): AddressJson {
  const flags = a.flags ?? 0;
  return {
    address: a.address.toString(),
    family: a.address.family,
    prefixLength: a.prefixLength,
    scope: a.scope,
    tentative: (flags & IFA_F_TENTATIVE) !== 0,
    duplicate: (flags & IFA_F_DADFAILED) !== 0,
    deprecated: (flags & IFA_F_DEPRECATED) !== 0,
  };
}

function toJson(i: InterfaceInfo, candidate: boolean): InterfaceJson {
  const index = i.index > 0 ? i.index : null;
  return {
    index,
    ifindex: index,
    name: i.name,
    ifname: i.name,
    up: i.up,
    running: i.running,
    loopback: i.loopback,
    multicast: i.multicast,
    candidate,
    mac: i.mac ?? null,
    mtu: i.mtu ?? null,
    linkLocal: i.linkLocal?.toString() ?? null,
    addresses: i.addresses.map(addressJson),
  };
}

function addressText(a: AddressJson): string {
  const marks = [a.duplicate && 'duplicate', a.tentative && !a.duplicate && 'tentative', a.deprecated && 'deprecated'].filter(Boolean);
  return marks.length === 0 ? a.address : `${a.address} (${marks.join(', ')})`;
}

function row(i: InterfaceJson): string[] {
  const flags = [i.running && 'RUNNING', i.loopback && 'LOOPBACK', i.multicast && 'MULTICAST'].filter(Boolean).join(',');
  // IPv6 link-local first (what this tool is for), then the rest in kernel order
  const sorted = [...i.addresses].sort((a, b) => Number(b.scope === 'link-local' && b.family === 6) - Number(a.scope === 'link-local' && a.family === 6));
  return [
    i.index === null ? '-' : String(i.index),
    i.name,
    i.up ? 'UP' : 'DOWN',
    flags === '' ? '-' : flags,
    i.mac ?? '-',
    i.mtu === null ? '-' : String(i.mtu),
    sorted.length > 0 ? sorted.map(addressText).join(', ') : '-',
  ];
}

async function run(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, OPTIONS);
  const named: InterfaceInfo[] = [];
  const code = await eachArgument('interfaces', positionals, io, (name) => {
    const info = registry.resolve(name);
    if (!named.some((i) => i.name === info.name)) named.push(info);
  });
  let list = positionals.length === 0 ? registry.list() : named;
  const candidates = new Set(registry.candidates().map((i) => i.name));
  if (values.up) list = list.filter((i) => i.up);
  if (values.candidates) list = list.filter((i) => candidates.has(i.name));
  const rows = list.map((i) => toJson(i, candidates.has(i.name)));
  if (values.json === true) {
    await writeLine(io.stdout, JSON.stringify(rows, null, 2));
    return code;
  }
  if (rows.length === 0) return code;
  const table = [['INDEX', 'NAME', 'STATE', 'FLAGS', 'MAC', 'MTU', 'ADDRESSES'], ...rows.map(row)];
  const widths = (table[0] as string[]).map((_, c) => Math.max(...table.map((r) => (r[c] as string).length)));
  for (const r of table) {
    await writeLine(io.stdout, r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c] as number))).join('  '));
  }
  return code;
}
