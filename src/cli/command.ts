// Shared shape of a CLI subcommand and a small argument parser (node:util parseArgs with
// errors turned into usage errors, exit 2).
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { Readable, Writable } from 'node:stream';
import { Fe80Error } from '../errors.js';

/** PIPE: stdout was closed by its reader (EPIPE), 128 + SIGPIPE as a shell reports a killed `cat`. */
export const EXIT = { OK: 0, FAIL: 1, USAGE: 2, PIPE: 141 } as const;

export interface Io {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
}

export interface Command {
  /** full help text, printed by --help */
  help: string;
  /** returns the exit code; throws UsageError (exit 2) or Fe80Error (exit 1) */
  run(args: string[], io: Io): Promise<number>;
}

export class UsageError extends Error {
  override name = 'UsageError';
}

/** Thrown by `parse` when -h/--help is given: main prints the command's help, exit 0. */
export class HelpRequested extends Error {
  override name = 'HelpRequested';
}

type Options = NonNullable<ParseArgsConfig['options']>;

const HELP: Options = { help: { type: 'boolean', short: 'h' } };

/**
 * Is -h/--help one of the options? Not after `--` (`fe80 parse -- --help` parses "--help") and
 * not as the value of an option that takes one (`--servername -h`). Non-strict, so an unknown
 * option or a bad value next to it does not hide the request for help.
 */
function wantsHelp(args: string[], options: Options): boolean {
  const { tokens } = parseArgs({ args, options: { ...options, ...HELP }, allowPositionals: true, strict: false, tokens: true });
  return tokens.some((t) => t.kind === 'option' && t.name === 'help');
}

/**
 * parseArgs with `strict` and positionals; unknown options become a UsageError, and -h/--help
 * a HelpRequested (every command calls this first, before it looks at anything else).
 */
export function parse<O extends Options>(
  args: string[],
  options: O,
): ReturnType<typeof parseArgs<{ args: string[]; options: O; allowPositionals: true; strict: true }>> {
  if (wantsHelp(args, options)) throw new HelpRequested();
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message.replace(/\. To specify.*$/s, '') : String(error));
  }
}

/** Write a line and wait for the stream to drain when needed (keeps memory flat on big inputs). */
export function writeLine(out: Writable, line: string): Promise<void> | undefined {
  if (out.write(`${line}\n`)) return undefined;
  return new Promise((resolve) => out.once('drain', resolve));
}

/** Reads a file (or stdin) named on the command line; a failure is ERR_INVALID_ARGUMENT (exit 1), not an internal error. */
export async function readInput(what: string, read: () => Promise<Buffer>): Promise<Buffer> {
  try {
    return await read();
  } catch (error) {
    throw new Fe80Error('ERR_INVALID_ARGUMENT', `cannot read ${what}: ${(error as Error).message}`, { cause: error });
  }
}

/** `--zone`: an interface name or index, `auto`, or a comma-separated list to race in order. */
export function zoneArgument(value: string): string | string[] {
  if (value === '' || value.split(',').some((z) => z === '')) throw new UsageError('--zone needs an interface name or index, auto, or a comma-separated list');
  return value.includes(',') ? value.split(',') : value;
}
