// Latency samples and their percentiles, shared by every benchmark.

/** Nearest-rank percentile of ascending `sorted` (p in 0..100). */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
}

export interface Latency {
  samples: number;
  p50: number;
  p99: number;
  max: number;
}

export function summarise(samples: readonly number[]): Latency {
  const sorted = [...samples].sort((a, b) => a - b);
  return { samples: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: percentile(sorted, 100) };
}

/**
 * Runs `operation` `count` times one after another (after `warmup` unmeasured runs), each after
 * an unmeasured `prepare` when given; milliseconds each.
 */
export async function timeEach(
  count: number,
  operation: (i: number) => Promise<unknown>,
  warmup = 2,
  prepare?: (i: number) => Promise<unknown>,
): Promise<Latency> {
  for (let i = 0; i < warmup; i++) await operation(-1 - i);
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    await prepare?.(i);
    const started = performance.now();
    await operation(i);
    samples.push(performance.now() - started);
  }
  return summarise(samples);
}

/** Wall-clock milliseconds of one run of `operation`, and its result. */
export async function timed<T>(operation: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const started = performance.now();
  const result = await operation();
  return { ms: performance.now() - started, result };
}

export const ms = (value: number): string => (value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2));

/** `p50 / p99 ms`, the shape every latency cell of the table takes. */
export const p50p99 = (latency: Latency): string => `${ms(latency.p50)} / ${ms(latency.p99)} ms (n=${latency.samples})`;

export const perSecond = (count: number, milliseconds: number): number => (count * 1000) / milliseconds;

export const thousands = (value: number): string => Math.round(value).toLocaleString('en-US');
