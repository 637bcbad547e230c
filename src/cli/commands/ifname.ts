// `fe80 ifname INDEX...`: the name of each interface index, one per line (as if_indextoname(3)).
import { defineCommand, eachArgument, parse, UsageError, writeLine, type Io } from '../command.js';
import { Fe80Error, quote } from '../../errors.js';
import { registry, parseZoneIndex } from '../../iface/index.js';

const command = defineCommand({
  name: 'ifname',
  summary: 'print the name of each interface index (as if_indextoname)',
  synopsis: ['INDEX...'],
  description: `Prints the interface name of each decimal INDEX, one per line, in the order given (as
if_indextoname(3)). An unknown index, or one that is not a decimal number, is reported on stderr
with the indexes that exist; the others are still printed.`,
  options: {},
  exit: [
    ['0', 'every index was found'],
    ['1', 'an index is unknown or invalid (the others are printed)'],
    ['2', 'usage error'],
  ],
  examples: ['$ fe80 ifname 1 2', 'lo', 'eth0'],
  seeAlso: 'fe80 help ifindex; fe80 help interfaces',
  run,
});

export default command;

async function run(args: string[], io: Io): Promise<number> {
  const { positionals } = parse(args, {});
  if (positionals.length === 0) throw new UsageError('expected at least one interface index');
  return eachArgument('ifname', positionals, io, (text) => {
    const index = parseZoneIndex(text);
    if (index === undefined) {
      throw new Fe80Error('ERR_INVALID_ARGUMENT', `${quote(text)} is not an interface index (a decimal number 1-4294967295)`, { input: text });
    }
    return writeLine(io.stdout, registry.indexToName(index));
  });
}
