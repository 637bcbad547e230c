// `fe80 resolve NAME`: resolve a `.local` name with mDNS on each interface and print every scoped
// address with the interface it came from.
import { defineCommand, EXIT, integerArgument, parse, UsageError, writeLine, type Io } from '../command.js';
import { Fe80Error } from '../../errors.js';
import { resolveMdns, type ResolveMdnsOptions } from '../../dns/index.js';

const OPTIONS = {
  interface: { type: 'string', short: 'i', multiple: true, value: 'IFACE', complete: 'interface', description: 'query only IFACE (name or index); repeatable (default: every interface that is up, multicast, not loopback, with an IPv6 link-local address)' },
  '4': { type: 'boolean', short: '4', description: 'IPv4 addresses only (A records)' },
  '6': { type: 'boolean', short: '6', description: 'IPv6 addresses only (AAAA records)' },
  timeout: { type: 'string', value: 'MS', description: 'give up after MS milliseconds (default 1500)' },
  json: { type: 'boolean', description: 'a JSON array of {address, interface, family, ttl, name}' },
} as const;

const command = defineCommand({
  name: 'resolve',
  summary: 'resolve a .local name with mDNS; print each scoped address and its interface',
  synopsis: ['NAME [--interface IFACE]... [--json] [--timeout MS] [-4|-6]'],
  description: `Resolves NAME (printer.local) with Multicast DNS (RFC 6762) on each interface and prints every
address found with the interface it arrived on, one per line: ADDRESS<TAB>INTERFACE<TAB>ttl=SECONDS.
A link-local IPv6 address carries that interface as its zone (fe80::1%eth0), so the same name
answered on two links gives two lines, each ready for connect or fetch.

--json prints one array (a stable shape; [] when nothing answered):
  [{"address": "fe80::ff:fe00:b%eth0", "interface": "eth0", "family": 6, "ttl": 120, "name": "printer.local"}]`,
  options: OPTIONS,
  exit: [
    ['0', 'at least one address was found'],
    ['1', 'nothing answered within the timeout, or an interface is invalid'],
    ['2', 'usage error'],
    ['130, 143', 'stopped by SIGINT (Ctrl-C) or SIGTERM'],
  ],
  examples: ['$ fe80 resolve printer.local', 'fe80::ff:fe00:b%eth0\teth0\tttl=10', '$ fe80 resolve printer.local -6 --interface eth0 --json'],
  seeAlso: 'avahi-resolve(1); fe80 help fetch; docs/dns.md',
  run,
});

export default command;

async function run(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, OPTIONS);
  if (positionals.length !== 1) throw new UsageError('expected exactly one NAME');
  const name = positionals[0] as string;
  if (values['4'] && values['6']) throw new UsageError('-4 and -6 exclude each other');
  const options: ResolveMdnsOptions = { family: values['4'] ? 4 : values['6'] ? 6 : 0 };
  if (values.interface !== undefined) options.interfaces = values.interface;
  if (values.timeout !== undefined) options.timeout = integerArgument('--timeout', values.timeout, 1);
  if (io.signal !== undefined) options.signal = io.signal;
  try {
    const results = await resolveMdns(name, options);
    if (values.json) {
      const rows = results.map((r) => ({ address: r.address.toString(), interface: r.interface, family: r.address.family, ttl: r.ttl, name: r.name }));
      await writeLine(io.stdout, JSON.stringify(rows));
    } else {
      for (const r of results) await writeLine(io.stdout, `${r.address.toString()}\t${r.interface}\tttl=${r.ttl}`);
    }
    return EXIT.OK;
  } catch (error) {
    if (values.json && error instanceof Fe80Error) await writeLine(io.stdout, '[]');
    throw error;
  }
}
