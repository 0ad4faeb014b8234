/**
 * Latency histograms as the timeline stores them: HdrHistogram of MICROSECONDS, 1 µs to 1 h at
 * 3 significant digits, shipped as `encodeIntoCompressedBase64`. The analysis decodes and adds
 * them to get exact percentiles over any span, so this encoding is a contract: keep it.
 */
import { build, encodeIntoCompressedBase64, type Histogram } from 'hdr-histogram-js';
import type { LatencySummary } from '../timeline/types.js';

export const HIGHEST_TRACKABLE_US = 3_600_000_000;

export function newLatencyHistogram(): Histogram {
  return build({ lowestDiscernibleValue: 1, highestTrackableValue: HIGHEST_TRACKABLE_US, numberOfSignificantValueDigits: 3 });
}

/** Records a duration given in ms (fractional) as whole microseconds, clamped to the range. */
export function recordMs(h: Histogram, ms: number): void {
  h.recordValue(Math.min(HIGHEST_TRACKABLE_US, Math.max(0, Math.round(ms * 1000))));
}

export const EMPTY_SUMMARY: LatencySummary = Object.freeze({ count: 0, mean: 0, p50: 0, p90: 0, p95: 0, p99: 0, p999: 0, max: 0 });

/** Summary in ms (µs / 1000). */
export function summarize(h: Histogram | null): LatencySummary {
  if (!h || h.totalCount === 0) return { ...EMPTY_SUMMARY };
  const at = (p: number) => h.getValueAtPercentile(p) / 1000;
  return { count: h.totalCount, mean: meanOf(h) / 1000, p50: at(50), p90: at(90), p95: at(95), p99: at(99), p999: at(99.9), max: h.maxValue / 1000 };
}

/** The JS histogram's per-index accessors (not in the published typings). */
interface IndexedHistogram {
  countsArrayIndex(value: number): number;
  getCountAtIndex(index: number): number;
  valueFromIndex(index: number): number;
  medianEquivalentValue(value: number): number;
}

/**
 * `h.mean` computed like the library (median-equivalent value × count), but scanning only up
 * to the max value's bucket: the library walks all ~23k buckets of a 1 h range through an
 * iterator object, ~1.4 ms per call, which blocks the scheduler at every window.
 */
export function meanOf(h: Histogram): number {
  if (h.totalCount === 0) return 0;
  const x = h as unknown as Partial<IndexedHistogram>;
  if (typeof x.countsArrayIndex !== 'function' || typeof x.getCountAtIndex !== 'function' || typeof x.valueFromIndex !== 'function' || typeof x.medianEquivalentValue !== 'function') return h.mean;
  const ix = x as IndexedHistogram;
  const last = ix.countsArrayIndex(h.maxValue);
  let total = 0;
  for (let i = 0; i <= last; i++) {
    const c = ix.getCountAtIndex(i);
    if (c !== 0) total += ix.medianEquivalentValue(ix.valueFromIndex(i)) * c;
  }
  return total / h.totalCount;
}

export function encodeHistogram(h: Histogram): string {
  return encodeIntoCompressedBase64(h);
}

/**
 * Histograms are reused across windows (reset, not rebuilt): a 1 h range at 3 digits is ~90 KB
 * of counts, and a run makes several per second.
 */
export class HistogramPool {
  readonly #free: Histogram[] = [];

  take(): Histogram {
    return this.#free.pop() ?? newLatencyHistogram();
  }

  give(h: Histogram | null): void {
    if (!h) return;
    h.reset();
    if (this.#free.length < 16) this.#free.push(h);
  }
}
