// Shared shape of a CLI subcommand and a small argument parser (node:util parseArgs with
// errors turned into usage errors, exit 2).
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { Readable, Writable } from 'node:stream';

export const EXIT = { OK: 0, FAIL: 1, USAGE: 2 } as const;

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

type Options = NonNullable<ParseArgsConfig['options']>;

/** parseArgs with `strict` and positionals; unknown options become a UsageError. */
export function parse<O extends Options>(
  args: string[],
  options: O,
): ReturnType<typeof parseArgs<{ args: string[]; options: O; allowPositionals: true; strict: true }>> {
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
