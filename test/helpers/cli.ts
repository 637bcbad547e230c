// The fe80 CLI as the tests start it: the plain JavaScript copy that scripts/run-tests.mjs
// transpiles once per run (FE80_TEST_CLI; no loader, about 0.5 s less CPU per process, and the
// suite starts several hundred), else the source through tsx (a test file run on its own).
import { fileURLToPath } from 'node:url';
import { shellQuote } from '../../src/zone/advice.js';

/** The CLI's entry point: a .js file under FE80_TEST_CLI's run, else src/cli/main.ts. */
export const CLI_MAIN: string = process.env['FE80_TEST_CLI'] || fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

const loader: string[] = CLI_MAIN.endsWith('.ts') ? ['--import', import.meta.resolve('tsx')] : [];

/** node's arguments for `fe80 ...args`. */
export function cliArgv(...args: string[]): string[] {
  return [...loader, CLI_MAIN, ...args];
}

/** `[node, arguments]` for `fe80 ...args`, with the node that runs the tests. */
export function cliCommand(...args: string[]): [string, string[]] {
  return [process.execPath, cliArgv(...args)];
}

/** A shell command line that starts the CLI (for a `bin/fe80` wrapper script). */
export function cliShell(): string {
  return [process.execPath, ...cliArgv()].map(shellQuote).join(' ');
}
