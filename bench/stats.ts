// Order statistics the benchmarks print (medians and percentiles of interleaved rounds).

/** The median of `xs` (the mean of the two middle values for an even count; NaN when empty). */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? NaN : s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

/** The `p`th percentile of `xs` (nearest rank; NaN when empty). */
export function percentile(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((s.length * p) / 100))] ?? NaN;
}

/**
 * Interleaving: the cases of one round in a shuffled order (seeded: the same run each time). A
 * rotation would keep every case behind the same neighbour, which then leaves its late packets,
 * timers and cold caches to that one case.
 */
export function roundOrder(keys: readonly string[], round: number): string[] {
  const order = [...keys];
  let seed = (round + 1) * 0x9e3779b1;
  for (let i = order.length - 1; i > 0; i--) {
    seed = Math.imul(seed ^ (seed >>> 15), 0x2c1b3c6d) >>> 0; // a small integer hash step, not crypto
    const j = seed % (i + 1);
    [order[i], order[j]] = [order[j] as string, order[i] as string];
  }
  return order;
}
