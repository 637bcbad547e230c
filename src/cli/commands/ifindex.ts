// `fe80 ifindex NAME...`: the index of each interface name, one per line (the seed's `ifix`).
// Same answer as if_nametoindex(3): by name only, so `fe80 ifindex 2` looks for an interface named "2".
import { EXIT, UsageError, parse, writeLine, type Command } from '../command.js';
import { Fe80Error } from '../../errors.js';
import { registry } from '../../iface/index.js';

const help = `usage: fe80 ifindex NAME...

Print the interface index of each NAME, one per line, in the order given (as if_nametoindex(3)).
Names are matched exactly (case-sensitive); digits are not parsed as indexes (use 'fe80 ifname').
An unknown or invalid name is reported on stderr; the others are still printed.

Exit status: 0 all found, 1 any unknown or invalid name, 2 usage error.

Example:
  $ fe80 ifindex lo eth0
  1
  2
`;

const command: Command = {
  help,
  async run(args, io) {
    const { positionals } = parse(args, {});
    if (positionals.length === 0) throw new UsageError('expected at least one interface name');
    let code: number = EXIT.OK;
    for (const name of positionals) {
      try {
        await writeLine(io.stdout, String(registry.nameToIndex(name)));
      } catch (error) {
        if (!(error instanceof Fe80Error)) throw error;
        await writeLine(io.stderr, `fe80 ifindex: ${error.message}${error.hint === undefined ? '' : ` (${error.hint})`} [${error.code}]`);
        code = EXIT.FAIL;
      }
    }
    return code;
  },
};

export default command;
