#!/usr/bin/env node
// Runs every test/**/*.test.ts through node:test + tsx. npm scripts run under sh (no `**`), and
// on Node 20 a bare `node --test` finds no .ts files and exits 0, so we list the files ourselves
// and fail when no test ran; under CI (CI=true or 1) a skipped or todo test, or suite, fails the run.
//   node scripts/run-tests.mjs [--node PATH] [FILTER...]   FILTER: substrings of file paths
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
let nodeBin = process.execPath;
const filters = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--node') nodeBin = args[++i];
  else filters.push(args[i]);
}

/** The files under `dir` whose names end with `suffix`, sorted, as absolute paths. */
function walk(dir, suffix) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p, suffix));
    else if (name.endsWith(suffix)) out.push(p);
  }
  return out;
}

const files = walk(join(root, 'test'), '.test.ts').map((p) => relative(root, p)).filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)));
if (files.length === 0) {
  console.error(`run-tests: no test files matched ${filters.join(' ') || 'test/**/*.test.ts'}`);
  process.exit(1);
}
const timeout = process.env.FE80_TEST_TIMEOUT ?? '300000';

/**
 * src/ transpiled once (TypeScript's transpileModule: types erased, as tsc and tsx do) into a
 * directory beside src/, so the CLI the tests start several hundred times needs no loader
 * (test/helpers/cli.ts reads FE80_TEST_CLI). Beside src/ so that `../../package.json` and the
 * packages in node_modules resolve as they do from src/ and dist/. Removed at the end.
 */
async function transpileSources() {
  const { default: ts } = await import('typescript');
  const out = join(root, `.test-cli-${process.pid}`);
  const compilerOptions = { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true };
  const src = join(root, 'src');
  for (const file of walk(src, '.ts').filter((f) => !f.endsWith('.d.ts'))) {
    const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), { compilerOptions, fileName: file });
    const target = join(out, relative(src, file)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, outputText);
  }
  return out;
}
const cliCopy = await transpileSources();
process.on('exit', () => rmSync(cliCopy, { recursive: true, force: true }));
// 128 + the signal's number, as a shell reports a program the signal ended (the copy goes on exit)
for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]]) process.on(signal, () => process.exit(code));
// the usual report on stdout, and test-summary.mjs's counts into a file read at the end
const scratch = mkdtempSync(join(tmpdir(), 'fe80-run-tests-'));
const summaryFile = join(scratch, 'summary.json');
const reporters = [
  '--test-reporter', process.stdout.isTTY ? 'spec' : 'tap', '--test-reporter-destination', 'stdout',
  '--test-reporter', pathToFileURL(join(root, 'scripts/test-summary.mjs')).href, '--test-reporter-destination', summaryFile,
];
const nodeArgs = ['--import', 'tsx', '--test', `--test-timeout=${timeout}`, '--test-concurrency=2', ...reporters, ...files];
const child = spawn(nodeBin, nodeArgs, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, FE80_TEST_CLI: join(cliCopy, 'cli/main.js') } });
child.on('close', (code, signal) => {
  let summary;
  try {
    summary = JSON.parse(readFileSync(summaryFile, 'utf8'));
  } catch (error) {
    summary = error;
  }
  rmSync(scratch, { recursive: true, force: true });
  if (summary instanceof Error) {
    console.error(`run-tests: no test summary (${summary.message}); failing so CI notices`);
    process.exit(1);
  }
  const { tests, pass, fail, skipped, todo } = summary;
  if (code === 0 && tests === 0) {
    console.error('run-tests: 0 tests ran; failing so CI notices');
    process.exit(1);
  }
  // the same test as isCI() in src/testing/lab-test.ts, which makes a lab test fail instead of skip
  const ci = /^(true|1)$/i.test(process.env.CI ?? '');
  if (ci && skipped.length + todo.length > 0) {
    console.error(`run-tests: ${skipped.length} skipped and ${todo.length} todo under CI=${process.env.CI}; every test must run in CI:`);
    for (const t of [...skipped, ...todo]) console.error(`  ${t}`);
    process.exit(1);
  }
  console.log(`${pass} passed, ${fail} failed, ${skipped.length} skipped, ${todo.length} todo`);
  process.exit(code ?? (signal ? 1 : 0));
});
