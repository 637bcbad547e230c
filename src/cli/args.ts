// The command-line parser every subcommand uses: getopt_long's rules (what curl and nc users
// type), one linear pass, every argument's length checked before it is looked at.
//   -abc           short booleans grouped; the last one may take a value: -sSo FILE
//   -oFILE, -o FILE, --output FILE, --output=FILE
//   --no-NAME      a boolean switched off (curl: --no-progress-meter)
//   --             the end of options; '-' alone is a positional (stdin)
// An option that takes a value takes the next argument whatever it looks like (`-d -x` sends
// "-x", as getopt does). Options and positionals may be mixed (`fe80 fetch URL -s`).
// node:util parseArgs is not used: it is quadratic on a long short-option group (a 100 KB
// argument took 12.5 s to be refused) and cannot suggest a spelling.
import { quote } from '../errors.js';
import { closest } from './suggest.js';

export interface OptionSpec {
  type: 'string' | 'boolean';
  /** one character: `-X` */
  short?: string;
  multiple?: boolean;
  /** more long names for the same option (`--max-time` for `timeout`...) */
  aliases?: readonly string[];
  /** the value's name in help and completion (`FILE`, `MS`, `IFACE`) */
  value?: string;
  /** one line for help and shell completion */
  description?: string;
  /** longest value accepted, in characters (default 4096) */
  maxLength?: number;
  /** what shell completion offers for the value */
  complete?: 'file' | 'interface' | readonly string[];
  /** not listed in help (accepted for compatibility) */
  hidden?: boolean;
}

export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

type ValueOf<S extends OptionSpec> = S['type'] extends 'boolean' ? boolean : string;
export type Values<O extends OptionSpecs> = {
  [K in keyof O]?: O[K]['multiple'] extends true ? ValueOf<O[K]>[] : ValueOf<O[K]>;
};

/** One option as it appeared, in command-line order (curl joins -d, --data-binary... in that order). */
export interface OptionToken {
  name: string;
  /** the spelling used: `-d`, `--data-binary` */
  as: string;
  value: string | boolean;
}

export interface Parsed<O extends OptionSpecs> {
  values: Values<O>;
  positionals: string[];
  tokens: OptionToken[];
}

/** Longest option value, and longest positional, unless the option says otherwise. */
export const DEFAULT_MAX_VALUE = 4096;
export const DEFAULT_MAX_POSITIONAL = 65_536;

export class ArgumentError extends Error {
  override name = 'ArgumentError';
}

const HELP: OptionSpec = { type: 'boolean', short: 'h', description: 'show this help' };

interface Index {
  long: Map<string, [string, OptionSpec]>;
  short: Map<string, [string, OptionSpec]>;
}

function index(options: OptionSpecs): Index {
  const long = new Map<string, [string, OptionSpec]>();
  const short = new Map<string, [string, OptionSpec]>();
  for (const [name, spec] of Object.entries({ help: HELP, ...options })) {
    long.set(name, [name, spec]);
    for (const alias of spec.aliases ?? []) long.set(alias, [name, spec]);
    if (spec.short !== undefined) short.set(spec.short, [name, spec]);
  }
  return { long, short };
}

function clipped(value: string): string {
  return quote(value.length > 40 ? `${value.slice(0, 37)}...` : value);
}

/** `'--x'`, escaped and clipped as quote() does, in the single quotes node:util parseArgs uses. */
function option(value: string): string {
  return `'${clipped(value).slice(1, -1)}'`;
}

/**
 * Parses `args` against `options` (-h/--help is always known). Throws ArgumentError for an
 * unknown option (with the closest known spelling), a missing or unexpected value, or a value
 * longer than its option allows.
 */
export interface ParseOptions {
  /** longest positional (default DEFAULT_MAX_POSITIONAL) */
  maxPositional?: number;
  /** options of the tool this command mirrors that it does not implement: name (no dashes) -> why */
  unsupported?: Readonly<Record<string, string>>;
}

export function parseCommandLine<O extends OptionSpecs>(args: readonly string[], options: O, parseOptions: ParseOptions = {}): Parsed<O> {
  const maxPositional = parseOptions.maxPositional ?? DEFAULT_MAX_POSITIONAL;
  const unsupported = parseOptions.unsupported ?? {};
  const { long, short } = index(options);
  const values: Record<string, unknown> = {};
  const positionals: string[] = [];
  const tokens: OptionToken[] = [];

  const set = (name: string, spec: OptionSpec, as: string, value: string | boolean): void => {
    if (typeof value === 'string' && value.length > (spec.maxLength ?? DEFAULT_MAX_VALUE)) {
      throw new ArgumentError(`${as}: the value is ${value.length} characters long, at most ${spec.maxLength ?? DEFAULT_MAX_VALUE} are accepted`);
    }
    tokens.push({ name, as, value });
    if (spec.multiple) ((values[name] ??= []) as unknown[]).push(value);
    else values[name] = value;
  };
  const unknown = (as: string): never => {
    const key = as.replace(/^--?/, '').split('=')[0] as string;
    const why = Object.hasOwn(unsupported, key) ? unsupported[key] : undefined;
    if (why !== undefined) throw new ArgumentError(`${as.split('=')[0]} is not supported: ${why}`);
    const names = [...long.keys()].map((n) => `--${n}`);
    const guess = as.startsWith('--') ? closest(as.split('=')[0] as string, names) : undefined;
    throw new ArgumentError(`Unknown option ${option(as)}${guess === undefined ? '' : ` (did you mean ${guess}?)`}`);
  };

  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--') {
      for (const rest of args.slice(i + 1)) positionals.push(positional(rest, maxPositional));
      break;
    }
    if (arg.length < 2 || arg[0] !== '-') {
      positionals.push(positional(arg, maxPositional));
      continue;
    }
    if (arg[1] === '-') {
      const eq = arg.indexOf('=');
      const key = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
      if (key.length > 64) unknown(arg);
      let found = long.get(key);
      let negated = false;
      if (found === undefined && key.startsWith('no-')) {
        const plain = long.get(key.slice(3));
        if (plain !== undefined && plain[1].type === 'boolean') [found, negated] = [plain, true];
      }
      if (found === undefined) return unknown(arg);
      const [name, spec] = found;
      const as = `--${key}`;
      if (spec.type === 'boolean') {
        if (eq >= 0) throw new ArgumentError(`${as} takes no value (got ${clipped(arg.slice(eq + 1))})`);
        set(name, spec, as, !negated);
      } else if (eq >= 0) {
        set(name, spec, as, arg.slice(eq + 1));
      } else {
        if (i + 1 >= args.length) throw new ArgumentError(`${as} needs a value${spec.value === undefined ? '' : ` (${spec.value})`}`);
        set(name, spec, as, args[++i] as string);
      }
      continue;
    }
    // a group of short options: -sS, -o FILE, -oFILE, -sSLo FILE
    for (let j = 1; j < arg.length; j++) {
      const letter = arg[j] as string;
      const found = short.get(letter);
      if (found === undefined) {
        if (Object.hasOwn(unsupported, letter)) unknown(`-${letter}`);
        throw new ArgumentError(`Unknown option ${option(`-${letter}`)}${arg.length > 2 ? ` (in ${clipped(arg)})` : ''}`);
      }
      const [name, spec] = found;
      if (spec.type === 'boolean') {
        set(name, spec, `-${letter}`, true);
        continue;
      }
      if (j + 1 < arg.length) set(name, spec, `-${letter}`, arg.slice(j + 1));
      else if (i + 1 < args.length) set(name, spec, `-${letter}`, args[++i] as string);
      else throw new ArgumentError(`-${letter} needs a value${spec.value === undefined ? '' : ` (${spec.value})`}`);
      break;
    }
  }
  return { values: values as Values<O>, positionals, tokens };
}

function positional(arg: string, max: number): string {
  if (arg.length > max) throw new ArgumentError(`an argument of ${arg.length} characters is too long (at most ${max}): ${clipped(arg)}`);
  return arg;
}

/**
 * Is -h/--help among the options (not after `--`, not the value of an option)? Checked before
 * anything else, so an unknown option next to it does not hide the request for help.
 */
export function wantsHelp(args: readonly string[], options: OptionSpecs): boolean {
  const { long, short } = index(options);
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--') return false;
    if (arg.length < 2 || arg[0] !== '-') continue;
    if (arg[1] === '-') {
      const eq = arg.indexOf('=');
      const key = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
      if (key === 'help') return true;
      const spec = long.get(key)?.[1];
      if (spec?.type === 'string' && eq < 0) i++;
      continue;
    }
    for (let j = 1; j < arg.length; j++) {
      const letter = arg[j] as string;
      if (letter === 'h') return true;
      const spec = short.get(letter)?.[1];
      if (spec === undefined) break;
      if (spec.type === 'string') {
        if (j + 1 === arg.length) i++;
        break;
      }
    }
  }
  return false;
}
