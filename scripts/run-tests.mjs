#!/usr/bin/env node
// Runs every test/**/*.test.ts through node:test + tsx. npm scripts run under sh (no `**`), and
// on Node 20 a bare `node --test` finds no .ts files and exits 0, so we list the files ourselves
// and fail when no test ran.
//   node scripts/run-tests.mjs [--node PATH] [FILTER...]   FILTER: substrings of file paths
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
let nodeBin = process.execPath;
const filters = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--node') nodeBin = args[++i];
  else filters.push(args[i]);
}

function walk(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else if (name.endsWith('.test.ts')) out.push(relative(root, p));
  }
  return out;
}

const files = walk(join(root, 'test')).filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)));
if (files.length === 0) {
  console.error(`run-tests: no test files matched ${filters.join(' ') || 'test/**/*.test.ts'}`);
  process.exit(1);
}
const timeout = process.env.FE80_TEST_TIMEOUT ?? '300000';
const nodeArgs = ['--import', 'tsx', '--test', `--test-timeout=${timeout}`, '--test-concurrency=2', ...files];
const child = spawn(nodeBin, nodeArgs, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
let tail = '';
child.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  tail = (tail + chunk.toString()).slice(-4000);
});
child.on('close', (code, signal) => {
  // TAP ("# pass 3", Node 20 when piped) or spec ("ℹ pass 3", Node 23+).
  const count = (name) => {
    const lines = tail.split('\n').map((l) => /^(?:#|\u2139) (\w+) (\d+)\s*$/.exec(l)).filter((m) => m && m[1] === name);
    return Number(lines.pop()?.[2] ?? 0);
  };
  const tests = count('tests');
  const pass = count('pass');
  const fail = count('fail');
  const skipped = count('skipped');
  if (code === 0 && tests === 0) {
    console.error('run-tests: 0 tests ran; failing so CI notices');
    process.exit(1);
  }
  if (process.env.CI === 'true' && skipped > 0) {
    console.error(`run-tests: ${skipped} test(s) skipped under CI=true; lab tests must run in CI`);
    process.exit(1);
  }
  console.log(`${pass} passed, ${fail} failed, ${skipped} skipped`);
  process.exit(code ?? (signal ? 1 : 0));
});
