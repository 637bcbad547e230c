// Shared shape of a CLI subcommand: its options (for the parser, help and shell completion), its
// help and manual page, and helpers for output and files named on the command line.
import type { Readable, Writable } from 'node:stream';
import { Fe80Error } from '../errors.js';
import { errorText } from './messages.js';
import { ArgumentError, parseCommandLine, wantsHelp, type OptionSpec, type OptionSpecs, type ParseOptions, type Parsed } from './args.js';

export type { OptionSpec, OptionSpecs } from './args.js';

/**
 * PIPE: stdout was closed by its reader (EPIPE), 128 + SIGPIPE as a shell reports a killed `cat`;
 * INT and TERM: stopped by SIGINT (Ctrl-C) or SIGTERM, 128 + the signal number, as a shell reports.
 */
export const EXIT = { OK: 0, FAIL: 1, USAGE: 2, INT: 130, PIPE: 141, TERM: 143 } as const;

export interface Io {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
  /** aborted on SIGINT/SIGTERM: stop, destroy what is in flight, return soon */
  signal?: AbortSignal;
}

export interface Command {
  /** what -h/--help prints: the synopsis and the options */
  help: string;
  /** what `fe80 help CMD` prints, a manual page (default: `help`) */
  manual?: string;
  /** the options, for shell completion */
  options?: OptionSpecs;
  /** exit status of a usage error (default 2; nc's commands use 1) */
  usageExit?: number;
  /** returns the exit code; throws UsageError (exit `usageExit`) or Fe80Error (exit 1) */
  run(args: string[], io: Io): Promise<number>;
}

/** The reason `Io.signal` is aborted with: which signal stopped the command, and its exit status. */
export class Stopped extends Error {
  override name = 'Stopped';
  constructor(
    readonly signal: 'SIGINT' | 'SIGTERM',
    readonly status: number,
  ) {
    super(`interrupted by ${signal}`);
  }
}

/** The exit status for a command that stopped because of a signal (130, 143), else `otherwise`. */
export function stoppedStatus(io: Io, otherwise: number): number {
  const reason: unknown = io.signal?.aborted === true ? io.signal.reason : undefined;
  return reason instanceof Stopped ? reason.status : otherwise;
}

export class UsageError extends Error {
  override name = 'UsageError';
}

/** Thrown by `parse` when -h/--help is given: main prints the command's help, exit 0. */
export class HelpRequested extends Error {
  override name = 'HelpRequested';
}

/**
 * Parses a command's arguments; -h/--help anywhere (as an option) is a HelpRequested, any
 * problem a UsageError. `tokens` lists the options in command-line order.
 */
export function parse<O extends OptionSpecs>(args: string[], options: O, parseOptions?: ParseOptions): Parsed<O> {
  if (wantsHelp(args, options)) throw new HelpRequested();
  try {
    return parseCommandLine(args, options, parseOptions);
  } catch (error) {
    if (error instanceof ArgumentError) throw new UsageError(error.message);
    throw error;
  }
}

/** Write a line and wait for the stream to drain when needed (keeps memory flat on big inputs). */
export function writeLine(out: Writable, line: string): Promise<void> | undefined {
  if (out.write(`${line}\n`)) return undefined;
  return new Promise((resolve) => out.once('drain', resolve));
}

/**
 * Runs `each` on every argument in order, as if_nametoindex-style tools do: an Fe80Error is
 * reported on stderr (`fe80 CMD: ... [CODE]`) and the other arguments still run. Returns
 * EXIT.FAIL when one failed, else EXIT.OK.
 */
export async function eachArgument(command: string, args: readonly string[], io: Io, each: (arg: string) => Promise<void> | void): Promise<number> {
  let code: number = EXIT.OK;
  for (const arg of args) {
    try {
      await each(arg);
    } catch (error) {
      if (!(error instanceof Fe80Error)) throw error;
      await writeLine(io.stderr, `fe80 ${command}: ${errorText(error, { command })}`);
      code = EXIT.FAIL;
    }
  }
  return code;
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

/** A whole number argument in `min`..`max` (`name` is the option as typed, for the message). */
export function integerArgument(name: string, text: string, min: number, max = 0x7fff_ffff): number {
  const n = Number(text);
  if (!/^\d{1,10}$/.test(text) || n < min || n > max) throw new UsageError(`${name} must be a whole number ${min}-${max}, got ${JSON.stringify(text.slice(0, 40))}`);
  return n;
}

/** Seconds as curl and nc take them (`-m 2.5`, `-w 3`), in ms; `min` in seconds. */
export function secondsArgument(name: string, text: string, min = 0): number {
  const n = Number(text);
  if (!/^(\d{1,7}(\.\d*)?|\.\d+)$/.test(text) || n < min) throw new UsageError(`${name} must be a number of seconds${min > 0 ? ` >= ${min}` : ''}, got ${JSON.stringify(text.slice(0, 40))}`);
  return Math.min(Math.round(n * 1000), 0x7fff_ffff);
}

/** The parts of a manual page; `defineCommand` builds -h/--help and `fe80 help CMD` from them. */
export interface CommandDefinition<O extends OptionSpecs> {
  name: string;
  /** one line: what the command does */
  summary: string;
  /** the usage lines, without "fe80 NAME" */
  synopsis: readonly string[];
  /** paragraphs, already wrapped at 96 columns */
  description: string;
  options: O;
  /** [status, meaning] rows */
  exit: readonly (readonly [string, string])[];
  examples?: readonly string[];
  /** other manual pages or docs */
  seeAlso?: string;
  usageExit?: number;
  run(args: string[], io: Io): Promise<number>;
}

/** `-X, --request METHOD` */
export function optionLabel(name: string, spec: OptionSpec): string {
  const value = spec.type === 'string' ? ` ${spec.value ?? 'VALUE'}` : '';
  const long = `--${name}${value}`;
  return spec.short === undefined ? `    ${long}` : `-${spec.short}, ${long}`;
}

function optionLines(options: OptionSpecs, indent: string): string[] {
  const lines: string[] = [];
  const all: [string, OptionSpec][] = [...Object.entries(options), ['help', { type: 'boolean', short: 'h', description: 'show the options (fe80 help CMD: the manual)' }]];
  for (const [name, spec] of all) {
    if (spec.hidden) continue;
    const label = optionLabel(name, spec);
    const aliases = (spec.aliases ?? []).filter((a) => a.length > 1).map((a) => `--${a}`);
    const text = wrap(`${spec.description ?? ''}${aliases.length > 0 ? ` (also ${aliases.join(', ')})` : ''}`, HELP_WIDTH - indent.length - 28);
    const pad = `${indent}${' '.repeat(28)}`;
    if (label.length <= 26) lines.push(`${indent}${label.padEnd(28)}${text[0] ?? ''}`, ...text.slice(1).map((t) => pad + t));
    else lines.push(`${indent}${label}`, ...text.map((t) => pad + t));
  }
  return lines;
}

/** Help lines stay within this many columns (as man pages on an 80-column terminal, with room). */
const HELP_WIDTH = 100;

/** `text` broken at spaces into lines of at most `width` characters (a longer word stays whole). */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '' || lines.length === 0) lines.push(line);
  return lines;
}

export function defineCommand<O extends OptionSpecs>(def: CommandDefinition<O>): Command {
  const synopsis = def.synopsis.map((s, i) => `${i === 0 ? 'usage: ' : '       '}fe80 ${def.name} ${s}`);
  const help = `${synopsis.join('\n')}\n\n${def.summary}\n\noptions:\n${optionLines(def.options, '  ').join('\n')}\n\nRun 'fe80 help ${def.name}' for the manual: description, exit status, examples.\n`;
  const indent = (text: string): string => text.split('\n').map((l) => (l === '' ? '' : `    ${l}`)).join('\n');
  const width = Math.max(...def.exit.map(([s]) => s.length));
  const sections = [
    `NAME\n    fe80 ${def.name} - ${def.summary}`,
    `SYNOPSIS\n${def.synopsis.map((s) => `    fe80 ${def.name} ${s}`).join('\n')}`,
    `DESCRIPTION\n${indent(def.description.trimEnd())}`,
    `OPTIONS\n${optionLines(def.options, '    ').join('\n')}`,
    `EXIT STATUS\n${def.exit.map(([s, m]) => `    ${s.padEnd(width)}  ${m}`).join('\n')}`,
  ];
  if (def.examples !== undefined && def.examples.length > 0) sections.push(`EXAMPLES\n${def.examples.map((e) => `    ${e}`).join('\n')}`);
  sections.push(`SEE ALSO\n    ${def.seeAlso ?? 'fe80 help'}; docs/cli.md`);
  const command: Command = { help, manual: `${sections.join('\n\n')}\n`, options: def.options, run: def.run };
  if (def.usageExit !== undefined) command.usageExit = def.usageExit;
  return command;
}
