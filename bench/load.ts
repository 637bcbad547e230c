// Benchmarks measure the build users run: dist/, made by `npm run build` (scripts/run-bench.mjs
// builds first). tsx's transform of src/ adds keepNames bookkeeping to every closure it creates
// (a defineProperty each, ~0.4 us per connect), a cost no user pays. FE80_BENCH_SRC=1 measures
// src/ through tsx instead.
const root = process.env.FE80_BENCH_SRC === '1' ? '../src' : '../dist';

/** `load<typeof import('../src/net/index.js')>('net/index.js')` */
export async function load<T>(path: string): Promise<T> {
  return (await import(`${root}/${path}`)) as T;
}
