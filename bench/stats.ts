import { performance } from 'node:perf_hooks';

export interface Figure {
  median: number;
  min: number;
  max: number;
  runs: number;
}

export function figure(samples: number[]): Figure {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]!, runs: sorted.length };
}

export async function timeMs(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

/**
 * Runs A and B alternately so that both see the same machine load: the ratio of medians is
 * what the benchmarks report, never an absolute time.
 */
export async function sideBySide(
  runs: number,
  a: () => Promise<number>,
  b: () => Promise<number>,
): Promise<{ a: Figure; b: Figure; ratio: number }> {
  await a();
  await b(); // warm-up: file cache, JIT
  const as: number[] = [];
  const bs: number[] = [];
  for (let i = 0; i < runs; i++) {
    as.push(await a());
    bs.push(await b());
  }
  const fa = figure(as);
  const fb = figure(bs);
  return { a: fa, b: fb, ratio: fa.median / fb.median };
}

export const fmt = (f: Figure, unit = 'ms') => `${f.median.toFixed(1)} ${unit} (${f.min.toFixed(1)}–${f.max.toFixed(1)})`;
