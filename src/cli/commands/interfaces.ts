// `fe80 interfaces [--json]`: every interface with index, state, flags, MAC, MTU and link-local addresses.
import { EXIT, UsageError, parse, writeLine, type Command } from '../command.js';
import { registry, type InterfaceInfo } from '../../iface/index.js';

const help = `usage: fe80 interfaces [--json]

List every network interface in index order: index, name, state (UP/DOWN, administrative),
flags (RUNNING, LOOPBACK, MULTICAST), MAC, MTU and IPv6 link-local addresses with their zone
(the form to use in 'fe80::...%ZONE').

On Linux the list comes from /sys/class/net and /proc/net/if_inet6 and includes interfaces that
are down or have no address. Elsewhere it comes from os.networkInterfaces(): only interfaces
that are up with an address, and index '-' (unknown) when an interface has no link-local address.

Options:
  --json   print a JSON array of objects: {index, name, up, running, loopback, multicast,
           mac, mtu, linkLocal, addresses: [{address, prefixLength, scope}]} (unknown = null)
  -h, --help

Exit status: 0 ok, 2 usage error.
`;

export interface InterfaceJson {
  index: number | null;
  name: string;
  up: boolean;
  running: boolean;
  loopback: boolean;
  multicast: boolean;
  mac: string | null;
  mtu: number | null;
  linkLocal: string | null;
  addresses: { address: string; prefixLength: number; scope: string }[];
}

function toJson(i: InterfaceInfo): InterfaceJson {
  return {
    index: i.index > 0 ? i.index : null,
    name: i.name,
    up: i.up,
    running: i.running,
    loopback: i.loopback,
    multicast: i.multicast,
    mac: i.mac ?? null,
    mtu: i.mtu ?? null,
    linkLocal: i.linkLocal?.toString() ?? null,
    addresses: i.addresses.map((a) => ({ address: a.address.toString(), prefixLength: a.prefixLength, scope: a.scope })),
  };
}

function row(i: InterfaceInfo): string[] {
  const flags = [i.running && 'RUNNING', i.loopback && 'LOOPBACK', i.multicast && 'MULTICAST'].filter(Boolean).join(',');
  const ll = i.addresses
    .filter((a) => a.address.family === 6 && a.address.isLinkLocalUnicast())
    .map((a) => `${a.address.toString()}/${a.prefixLength}`);
  return [
    i.index > 0 ? String(i.index) : '-',
    i.name,
    i.up ? 'UP' : 'DOWN',
    flags === '' ? '-' : flags,
    i.mac ?? '-',
    i.mtu === undefined ? '-' : String(i.mtu),
    ll.length > 0 ? ll.join(', ') : '-',
  ];
}

const command: Command = {
  help,
  async run(args, io) {
    const { values, positionals } = parse(args, { json: { type: 'boolean' } });
    if (positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
    const list = registry.list();
    if (values.json === true) {
      await writeLine(io.stdout, JSON.stringify(list.map(toJson), null, 2));
      return EXIT.OK;
    }
    const rows = [['INDEX', 'NAME', 'STATE', 'FLAGS', 'MAC', 'MTU', 'LINK-LOCAL'], ...list.map(row)];
    const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
    for (const r of rows) {
      await writeLine(io.stdout, r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]!))).join('  '));
    }
    return EXIT.OK;
  },
};

export default command;
