#!/usr/bin/env node
// Runs every bench/*.bench.ts (or those matching the arguments) one after another, each in its
// own process so one benchmark's JIT state and sockets never colour another's. Each benchmark
// compares fe80 with its peers in one run and prints ratios; nothing here is a timed test.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const filters = process.argv.slice(2);
const files = readdirSync(new URL('../bench/', import.meta.url))
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();
if (files.length === 0) {
  console.error('run-bench: no benchmark matched');
  process.exit(2);
}
// Benchmarks load dist/ (see bench/load.ts): build it from the current sources first.
if (process.env.FE80_BENCH_SRC !== '1') {
  const build = spawnSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
let failed = 0;
for (const file of files) {
  console.log(`\n=== bench/${file} ===`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', `bench/${file}`], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed === 0 ? 0 : 1);
