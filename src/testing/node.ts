// How to run a Node.js script in a namespace: the caller's own node binary (process.execPath),
// plus tsx's loader for TypeScript files.
import { createRequire } from 'node:module';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { labError } from './run.js';

const TS_EXTENSIONS = /\.(?:ts|mts|cts|tsx)$/;

let tsxUrl: string | undefined;

/** tsx's loader as a file: URL: resolved from fe80's own location, else from the current directory (strict layouts such as pnpm). */
function tsxLoader(): string {
  if (tsxUrl !== undefined) return tsxUrl;
  try {
    tsxUrl = import.meta.resolve('tsx');
  } catch (error) {
    try {
      tsxUrl = pathToFileURL(createRequire(join(process.cwd(), 'index.js')).resolve('tsx')).href;
    } catch {
      throw labError('running a TypeScript file needs the "tsx" package (npm install --save-dev tsx)', 'import.meta.resolve("tsx")', error);
    }
  }
  return tsxUrl;
}

/** The absolute path of a script given as a path (relative to the cwd) or a file: URL. */
export function scriptPath(file: string | URL): string {
  if (file instanceof URL || file.startsWith('file:')) return fileURLToPath(file);
  return isAbsolute(file) ? file : resolve(file);
}

/** `[execPath, ...argv]` for running `file` with the same node as this process. */
export function nodeCommand(file: string | URL, args: readonly string[]): [string, string[]] {
  const path = scriptPath(file);
  const loader = TS_EXTENSIONS.test(path) ? ['--import', tsxLoader()] : [];
  return [process.execPath, [...loader, path, ...args]];
}

/** The environment for a child: ours, minus node:test's child marker, plus `extra`. */
export function childEnv(extra: Record<string, string> | undefined): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  // Set by `node --test` for its own workers; a helper script must not think it is one.
  if (extra?.['NODE_TEST_CONTEXT'] === undefined) delete env['NODE_TEST_CONTEXT'];
  return env;
}
