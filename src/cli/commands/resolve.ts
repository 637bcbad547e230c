// `fe80 resolve NAME`: resolve a `.local` name with mDNS on each interface and print every scoped
// address with the interface it came from.
import { EXIT, UsageError, parse, writeLine, type Command } from '../command.js';
import { Fe80Error } from '../../errors.js';
import { resolveMdns, type ResolveMdnsOptions } from '../../dns/index.js';

const help = `usage: fe80 resolve NAME [--interface IFACE]... [--json] [--timeout MS] [-4|-6]

Resolve NAME (e.g. printer.local) with Multicast DNS (RFC 6762) on each interface and print every
address found with the interface it arrived on. A link-local IPv6 address carries that interface
as its zone (fe80::1%eth0), so the same name answered on two links gives two lines.

Options:
  -i, --interface IFACE  query only IFACE (name or index); repeatable. Default: every interface
                         that is up, multicast, not loopback, with an IPv6 link-local address
  -4                     IPv4 addresses only (A records)
  -6                     IPv6 addresses only (AAAA records)
      --timeout MS       give up after MS milliseconds (default 1500)
      --json             print a JSON array of {address, interface, family, ttl, name}

Output (one line per address): ADDRESS<TAB>INTERFACE<TAB>ttl=SECONDS

Exit status: 0 found, 1 not found (or invalid interface), 2 usage error.

Example:
  $ fe80 resolve printer.local
  fe80::ff:fe00:b%eth0	eth0	ttl=10
`;

const command: Command = {
  help,
  async run(args, io) {
    const { values, positionals } = parse(args, {
      interface: { type: 'string', short: 'i', multiple: true },
      json: { type: 'boolean' },
      timeout: { type: 'string' },
      '4': { type: 'boolean', short: '4' },
      '6': { type: 'boolean', short: '6' },
    });
    if (positionals.length !== 1) throw new UsageError('expected exactly one NAME');
    const name = positionals[0] as string;
    if (values['4'] && values['6']) throw new UsageError('-4 and -6 exclude each other');
    const options: ResolveMdnsOptions = { family: values['4'] ? 4 : values['6'] ? 6 : 0 };
    if (values.interface !== undefined) options.interfaces = values.interface;
    if (values.timeout !== undefined) {
      const ms = Number(values.timeout);
      if (!/^\d+$/.test(values.timeout) || !Number.isSafeInteger(ms) || ms < 1 || ms > 0x7fffffff) {
        throw new UsageError(`--timeout must be a whole number of milliseconds (1-2147483647), got ${JSON.stringify(values.timeout)}`);
      }
      options.timeout = ms;
    }
    const controller = new AbortController();
    const onSigint = (): void => controller.abort();
    process.once('SIGINT', onSigint);
    options.signal = controller.signal;
    try {
      const results = await resolveMdns(name, options);
      if (values.json) {
        const rows = results.map((r) => ({
          address: r.address.toString(),
          interface: r.interface,
          family: r.address.family,
          ttl: r.ttl,
          name: r.name,
        }));
        await writeLine(io.stdout, JSON.stringify(rows));
      } else {
        for (const r of results) await writeLine(io.stdout, `${r.address.toString()}\t${r.interface}\tttl=${r.ttl}`);
      }
      return EXIT.OK;
    } catch (error) {
      if (values.json && error instanceof Fe80Error) {
        await writeLine(io.stdout, '[]');
      }
      throw error;
    } finally {
      process.removeListener('SIGINT', onSigint);
    }
  },
};

export default command;
