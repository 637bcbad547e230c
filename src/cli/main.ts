#!/usr/bin/env node
// The `fe80` command: one file per subcommand in ./commands, loaded on demand so `fe80 ifindex`
// does not pay for HTTP or mDNS start-up. Exit codes: 0 ok, 1 not found or invalid, 2 usage,
// 141 stdout closed by its reader.
import { EXIT, HelpRequested, UsageError, type Command } from './command.js';
import { Fe80Error } from '../errors.js';

const COMMANDS: Record<string, { summary: string; load: () => Promise<{ default: Command }> }> = {
  connect: { summary: 'open a TCP/TLS connection to a scoped endpoint, like nc (stdin/stdout)', load: () => import('./commands/connect.js') },
  fetch: { summary: 'HTTP(S) request to a zoned or .local URL, like a small curl', load: () => import('./commands/fetch.js') },
  gateway: { summary: 'run the gateway: link-local devices\' web pages in any browser, with a landing page', load: () => import('./commands/gateway.js') },
  ifindex: { summary: 'print the index of each interface name (the seed\'s ifix)', load: () => import('./commands/ifindex.js') },
  ifname: { summary: 'print the name of each interface index', load: () => import('./commands/ifname.js') },
  interfaces: { summary: 'list interfaces with index, state and link-local addresses', load: () => import('./commands/interfaces.js') },
  lab: { summary: 'lab up|down: simulated link-local devices on virtual links to try fe80 on (root, Linux)', load: () => import('./commands/lab.js') },
  listen: { summary: 'accept TCP connections on a scoped endpoint or interface, like nc -l', load: () => import('./commands/listen.js') },
  open: { summary: 'open a link-local device\'s web page in the browser through a local gateway', load: () => import('./commands/open.js') },
  parse: { summary: 'validate and canonicalise addresses, endpoints and URLs', load: () => import('./commands/parse.js') },
  resolve: { summary: 'resolve a .local name with mDNS; print each scoped address and its interface', load: () => import('./commands/resolve.js') },
};

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((k) => k.length));
  const lines = Object.entries(COMMANDS).map(([k, v]) => `  ${k.padEnd(width)}  ${v.summary}`);
  return `usage: fe80 <command> [options]\n\ncommands:\n${lines.join('\n')}\n\nRun 'fe80 <command> --help' for a command's options.\n`;
}

async function main(argv: string[]): Promise<number> {
  // `fe80 help parse` is `fe80 parse --help`, as git and go do
  const [name, ...rest] = argv[0] === 'help' && argv.length > 1 ? [argv[1] as string, '--help'] : argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? process.stderr : process.stdout).write(usage());
    return name === undefined ? EXIT.USAGE : EXIT.OK;
  }
  if (name === '--version' || name === '-V') {
    const { createRequire } = await import('node:module');
    process.stdout.write(`${(createRequire(import.meta.url)('../../package.json') as { version: string }).version}\n`);
    return EXIT.OK;
  }
  const entry = COMMANDS[name];
  if (entry === undefined) {
    process.stderr.write(`fe80: unknown command ${JSON.stringify(name)}\n\n${usage()}`);
    return EXIT.USAGE;
  }
  const command = (await entry.load()).default;
  try {
    return await command.run(rest, { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr });
  } catch (error) {
    if (error instanceof HelpRequested) {
      process.stdout.write(command.help);
      return EXIT.OK;
    }
    if (error instanceof UsageError) {
      process.stderr.write(`fe80 ${name}: ${error.message}\n\n${command.help}`);
      return EXIT.USAGE;
    }
    if (error instanceof Fe80Error) {
      process.stderr.write(`fe80 ${name}: ${error.message} [${error.code}]\n`);
      return EXIT.FAIL;
    }
    throw error;
  }
}

/**
 * When the reader of our output goes away (`fe80 parse - < big | head -1`), writes fail with
 * EPIPE. A C program would die of SIGPIPE; Node ignores that signal and emits 'error' instead,
 * which, unhandled, crashes with a stack trace. Stop at once and quietly, with the status a
 * shell shows for a SIGPIPE death (whatever was still running has nobody to report to).
 */
function stopOnClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error; // anything else stays a crash, as without this listener
    process.exit(EXIT.PIPE);
  });
}

stopOnClosedPipe(process.stdout);
stopOnClosedPipe(process.stderr);
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`fe80: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = EXIT.FAIL;
  },
);
