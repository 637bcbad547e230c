// Long fuzzing run of every parser entry point that takes user input: the property tests of
// test/fuzz.test.ts with many more runs and a fresh seed each time (printed, so a failure can be
// replayed with FE80_FC_SEED=...).
//   node --import tsx bench/fuzz-parsers.bench.ts [RUNS]      (default 100000 per property)
import { spawnSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { fileURLToPath } from 'node:url';

const runs = Number(process.argv[2] ?? 100_000);
const seed = Number(process.env['FE80_FC_SEED'] ?? randomInt(1, 2 ** 31 - 1));
const file = fileURLToPath(new URL('../test/fuzz.test.ts', import.meta.url));
console.log(`parser fuzzing: ${runs} runs per property, seed ${seed} (replay: FE80_FC_SEED=${seed} FE80_FC_RUNS=${runs})`);
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', file], {
  env: { ...process.env, FE80_FC_RUNS: String(runs), FE80_FC_SEED: String(seed) },
  stdio: 'inherit',
});
const cpu = process.cpuUsage(cpu0);
console.log(JSON.stringify({ bench: 'fuzz-parsers', runs, seed, ms: Math.round(performance.now() - t0), pass: r.status === 0, parentCpuMs: Math.round((cpu.user + cpu.system) / 1000) }));
process.exit(r.status ?? 1);
