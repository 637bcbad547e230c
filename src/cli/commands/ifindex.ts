// `fe80 ifindex NAME...`: the index of each interface name, one per line (as if_nametoindex(3)).
// By name only, so `fe80 ifindex 2` looks for an interface named "2".
import { defineCommand, eachArgument, parse, UsageError, writeLine, type Io } from '../command.js';
import { registry } from '../../iface/index.js';

const command = defineCommand({
  name: 'ifindex',
  summary: 'print the index of each interface name (as if_nametoindex)',
  synopsis: ['NAME...'],
  description: `Prints the interface index of each NAME, one per line, in the order given (as if_nametoindex(3)):
the number to put after % in a zone where a name cannot go. Names are matched exactly (case
matters); digits are not read as indexes (that is fe80 ifname). An unknown or invalid name is
reported on stderr, with the closest existing name; the others are still printed.`,
  options: {},
  exit: [
    ['0', 'every name was found'],
    ['1', 'a name is unknown or invalid (the others are printed)'],
    ['2', 'usage error'],
  ],
  examples: ['$ fe80 ifindex lo eth0', '1', '2'],
  seeAlso: 'fe80 help ifname; fe80 help interfaces',
  run,
});

export default command;

async function run(args: string[], io: Io): Promise<number> {
  const { positionals } = parse(args, {});
  if (positionals.length === 0) throw new UsageError('expected at least one interface name');
  return eachArgument('ifindex', positionals, io, (name) => writeLine(io.stdout, String(registry.nameToIndex(name))));
}
