#!/usr/bin/env node
// The `fe80` command: one file per subcommand in ./commands, loaded on demand so `fe80 ifindex`
// does not pay for HTTP or mDNS start-up. Exit codes: 0 ok, 1 not found or invalid, 2 usage,
// 130/143 stopped by SIGINT/SIGTERM, 141 stdout closed by its reader; fetch uses curl's codes and
// connect/listen nc's (docs/cli.md has the table of each).
import { EXIT, HelpRequested, Stopped, stoppedStatus, UsageError, type Command, type Io } from './command.js';
import { Fe80Error } from '../errors.js';
import { errorText } from './messages.js';
import { closest } from './suggest.js';
import { known, type CommandEntry } from './known.js';

/** Every subcommand, one line each (alphabetical). */
const COMMANDS: Record<string, CommandEntry> = {
  completion: { summary: 'print a shell completion script (bash, zsh or fish)', load: () => import('./commands/completion.js') },
  connect: { summary: 'open a TCP, UDP or TLS connection to a scoped endpoint, like nc', load: () => import('./commands/connect.js') },
  discover: { summary: 'find the devices on each link: scoped address, MAC, vendor, names, services', load: () => import('./commands/discover.js') },
  fetch: { summary: 'send an HTTP(S) request to a zoned or .local URL, like curl', load: () => import('./commands/fetch.js') },
  gateway: { summary: 'run the gateway: link-local devices\' web pages in any browser, with a landing page', load: () => import('./commands/gateway.js') },
  ifindex: { summary: 'print the index of each interface name (as if_nametoindex)', load: () => import('./commands/ifindex.js') },
  ifname: { summary: 'print the name of each interface index (as if_indextoname)', load: () => import('./commands/ifname.js') },
  interfaces: { summary: 'list interfaces with index, state and addresses ready to paste', load: () => import('./commands/interfaces.js') },
  lab: { summary: 'lab up|down: simulated link-local devices on virtual links to try fe80 on (root, Linux)', load: () => import('./commands/lab.js') },
  listen: { summary: 'accept TCP, UDP or TLS connections on a scoped endpoint or interface, like nc -l', load: () => import('./commands/listen.js') },
  open: { summary: 'open a link-local device\'s web page in the browser through a local gateway', load: () => import('./commands/open.js') },
  parse: { summary: 'validate and canonicalise addresses, endpoints and URLs', load: () => import('./commands/parse.js') },
  resolve: { summary: 'resolve a .local name with mDNS; print each scoped address and its interface', load: () => import('./commands/resolve.js') },
};

known.commands = COMMANDS;

/** ms a command gets to wind down after SIGINT/SIGTERM before the process exits anyway */
const SIGNAL_GRACE = 1000;

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((k) => k.length));
  const lines = Object.entries(COMMANDS).map(([k, v]) => `  ${k.padEnd(width)}  ${v.summary}`);
  return (
    `usage: fe80 <command> [options]\n\ncommands:\n${lines.join('\n')}\n\n` +
    `Run 'fe80 <command> --help' for a command's options, 'fe80 help <command>' for its manual.\n`
  );
}

function version(): Promise<string> {
  return import('node:module').then(({ createRequire }) => (createRequire(import.meta.url)('../../package.json') as { version: string }).version);
}

/**
 * SIGINT/SIGTERM abort the command's signal (with a `Stopped` reason); the command winds down and
 * returns its status (130/143 for an interrupted transfer, 0 for a server stopped as intended). A
 * command still running SIGNAL_GRACE ms later, or a second signal, ends the process with 128 + the
 * signal number, as a shell reports a program the signal killed.
 */
function watchSignals(controller: AbortController): void {
  let stopped: number | undefined;
  const on = (name: 'SIGINT' | 'SIGTERM', code: number): void => {
    process.on(name, () => {
      if (stopped !== undefined) process.exit(stopped);
      stopped = code;
      controller.abort(new Stopped(name, code));
      setTimeout(() => process.exit(code), SIGNAL_GRACE).unref();
    });
  };
  on('SIGINT', EXIT.INT);
  on('SIGTERM', EXIT.TERM);
}

async function main(argv: string[], io: Io & { signal: AbortSignal }): Promise<number> {
  // `fe80 help parse` is the manual of parse, as git and go have it
  if (argv[0] === 'help' && argv.length > 1) return manual(argv[1] as string, io);
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? io.stderr : io.stdout).write(usage());
    return name === undefined ? EXIT.USAGE : EXIT.OK;
  }
  if (name === '--version' || name === '-V' || name === 'version') {
    io.stdout.write(`${await version()}\n`);
    return EXIT.OK;
  }
  const entry = COMMANDS[name];
  if (entry === undefined) return unknownCommand(name, io);
  const command = (await entry.load()).default;
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof HelpRequested) {
      io.stdout.write(command.help);
      return EXIT.OK;
    }
    if (error instanceof UsageError) {
      io.stderr.write(`fe80 ${name}: ${error.message}\nRun 'fe80 ${name} --help' for the options.\n`);
      return command.usageExit ?? EXIT.USAGE;
    }
    if (error instanceof Fe80Error) {
      // stopped by a signal: the user knows why; anything else is said
      if (stoppedStatus(io, 0) !== 0) return stoppedStatus(io, EXIT.FAIL);
      io.stderr.write(`fe80 ${name}: ${errorText(error, { command: name })}\n`);
      return EXIT.FAIL;
    }
    throw error;
  }
}

async function manual(name: string, io: Io): Promise<number> {
  const entry = COMMANDS[name];
  if (entry === undefined) return unknownCommand(name, io);
  const command = (await entry.load()).default;
  io.stdout.write(command.manual ?? command.help);
  return EXIT.OK;
}

function unknownCommand(name: string, io: Io): number {
  const guess = closest(name, Object.keys(COMMANDS));
  const mean = guess === undefined ? '' : ` (did you mean '${guess}'?)`;
  io.stderr.write(`fe80: unknown command ${JSON.stringify(name.slice(0, 40))}${mean}\n\n${usage()}`);
  return EXIT.USAGE;
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
const controller = new AbortController();
watchSignals(controller);
main(process.argv.slice(2), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, signal: controller.signal }).then(
  (code) => {
    process.exitCode = code;
    // a command is done when it returns: nothing it left behind (a keep-alive socket, a paused
    // stdin) may hold the process; output to pipes and files is written synchronously on Linux
    setTimeout(() => process.exit(), 200).unref();
  },
  (error: unknown) => {
    process.stderr.write(`fe80: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = EXIT.FAIL;
  },
);
