/**
 * Latency percentiles over many load windows. Each window carries an HdrHistogram of its
 * latencies in microseconds (`hdr`); adding the histograms gives the exact distribution of the
 * union, so a percentile over a transition is a real percentile, not an average of percentiles.
 *
 * A window without `hdr` (or with one that does not decode) can only contribute its own
 * summary: its percentiles then enter as an upper bound (the p-quantile of a union never exceeds
 * the largest p-quantile of its parts), and the result is flagged inexact.
 */
import { build, decodeFromCompressedBase64, type Histogram } from 'hdr-histogram-js';
import type { LatencySummary, LoadRecord } from '../timeline/types.js';
import { maxOf } from './series.js';

const QUANTILES = { p50: 50, p90: 90, p95: 95, p99: 99, p999: 99.9 } as const;
type Quantile = keyof typeof QUANTILES;

export interface MergedLatency {
  summary: LatencySummary;
  /** False when some windows had no usable hdr: percentiles are then upper bounds. */
  exact: boolean;
  /** Windows whose hdr could not be decoded. */
  undecodable: number;
}

export const EMPTY_LATENCY: LatencySummary = { count: 0, mean: 0, p50: 0, p90: 0, p95: 0, p99: 0, p999: 0, max: 0 };

/** The accumulator matches the load engine's recorder: 1 µs to 1 h, 3 significant digits. */
export function newLatencyHistogram(): Histogram {
  return build({ lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: 3 });
}

export function mergeLatency(records: readonly LoadRecord[]): MergedLatency {
  const acc = newLatencyHistogram();
  const rest: LatencySummary[] = [];
  let undecodable = 0;
  for (const r of records) {
    const decoded = r.hdr ? decode(r.hdr) : null;
    if (decoded) acc.add(decoded);
    else {
      if (r.hdr) undecodable++;
      if (r.latency.count > 0) rest.push(r.latency);
    }
  }
  const count = acc.totalCount + rest.reduce((n, s) => n + s.count, 0);
  if (count === 0) return { summary: EMPTY_LATENCY, exact: rest.length === 0 && undecodable === 0, undecodable };
  const sum = acc.mean * acc.totalCount + rest.reduce((n, s) => n + s.mean * 1000 * s.count, 0);
  const summary: LatencySummary = { ...EMPTY_LATENCY, count, mean: sum / count / 1000, max: 0 };
  for (const q of Object.keys(QUANTILES) as Quantile[]) {
    const fromHdr = acc.totalCount > 0 ? acc.getValueAtPercentile(QUANTILES[q]) / 1000 : 0;
    summary[q] = Math.max(fromHdr, maxOf(rest.map((s) => s[q])));
  }
  summary.max = Math.max(acc.totalCount > 0 ? acc.maxValue / 1000 : 0, maxOf(rest.map((s) => s.max)));
  return { summary, exact: rest.length === 0 && undecodable === 0, undecodable };
}

function decode(hdr: string): Histogram | null {
  try {
    return decodeFromCompressedBase64(hdr);
  } catch {
    return null;
  }
}
