// `fe80 ifname INDEX...`: the name of each interface index, one per line (as if_indextoname(3)).
import { EXIT, UsageError, parse, writeLine, type Command } from '../command.js';
import { Fe80Error, quote } from '../../errors.js';
import { registry, parseZoneIndex } from '../../iface/index.js';

const help = `usage: fe80 ifname INDEX...

Print the interface name of each decimal INDEX, one per line, in the order given
(as if_indextoname(3)). An unknown index or one that is not a decimal number is reported on
stderr; the others are still printed.

Exit status: 0 all found, 1 any unknown or invalid index, 2 usage error.

Example:
  $ fe80 ifname 1 2
  lo
  eth0
`;

const command: Command = {
  help,
  async run(args, io) {
    const { positionals } = parse(args, {});
    if (positionals.length === 0) throw new UsageError('expected at least one interface index');
    let code: number = EXIT.OK;
    for (const text of positionals) {
      try {
        const index = parseZoneIndex(text);
        if (index === undefined) {
          throw new Fe80Error('ERR_INVALID_ARGUMENT', `${quote(text)} is not an interface index (a decimal number 1-4294967295)`, {
            input: text,
          });
        }
        await writeLine(io.stdout, registry.indexToName(index));
      } catch (error) {
        if (!(error instanceof Fe80Error)) throw error;
        await writeLine(io.stderr, `fe80 ifname: ${error.message} [${error.code}]`);
        code = EXIT.FAIL;
      }
    }
    return code;
  },
};

export default command;
