/**
 * Load over an interval: the load windows whose START lies in [fromT, toT), summed.
 *
 *   errorRate   = errors of every class / completed (429s are in http4xx and also in `throttled`)
 *   throughput  = completed / seconds from the first included window's start to the last one's
 *                 end (a missing window in between counts as zero)
 *   latency     = merged hdr histograms (see latency.ts)
 *
 * Sustained throughput is the best average of `ok` per second over `windowMs` of consecutive
 * windows; a run shorter than that gives the average over the whole run.
 */
import type { ErrorClass, LoadRecord } from '../timeline/types.js';
import { mergeLatency } from './latency.js';
import { maxOf } from './series.js';
import type { LoadSlice } from './types.js';

const ERROR_CLASSES: readonly ErrorClass[] = ['http4xx', 'http5xx', 'timeout', 'connection', 'other'];

/** The slice of `records` (sorted by t) starting in [fromT, toT), or null when there is none. */
export function loadSlice(records: readonly LoadRecord[], fromT: number, toT: number): LoadSlice | null {
  const inside = records.filter((r) => r.t >= fromT && r.t < toT);
  if (inside.length === 0) return null;
  const errors = Object.fromEntries(ERROR_CLASSES.map((c) => [c, 0])) as Record<ErrorClass, number>;
  let requests = 0, completed = 0, ok = 0, throttled = 0, dropped = 0, checkFailures = 0;
  for (const r of inside) {
    requests += r.sent;
    completed += r.completed;
    ok += r.ok;
    throttled += r.throttled;
    dropped += r.dropped;
    checkFailures += r.checkFailures ?? 0;
    for (const c of ERROR_CLASSES) errors[c] += r.errors[c] ?? 0;
  }
  const errorCount = ERROR_CLASSES.reduce((n, c) => n + errors[c], 0);
  const spanMs = spanOf(inside);
  const latency = mergeLatency(inside);
  return {
    fromT,
    toT,
    requests,
    completed,
    ok,
    errors,
    throttled,
    dropped,
    checkFailures,
    errorRate: completed > 0 ? errorCount / completed : 0,
    latency: latency.summary,
    latencyExact: latency.exact,
    throughput: spanMs > 0 ? completed / (spanMs / 1000) : 0,
  };
}

/** The slice of every record, labelled [0, endT) (or wider when a window lies outside). */
export function wholeRunSlice(records: readonly LoadRecord[], endT: number): LoadSlice | null {
  if (records.length === 0) return null;
  const last = records[records.length - 1]!;
  return loadSlice(records, Math.min(0, records[0]!.t), Math.max(endT, last.t + 1));
}

/** Best `windowMs` average of ok/s over consecutive windows, or null without windows. */
export function sustainedThroughput(records: readonly LoadRecord[], windowMs: number): number | null {
  if (records.length === 0) return null;
  const span = spanOf(records);
  if (span <= windowMs) return span > 0 ? sum(records) / (span / 1000) : null;
  const lastEnd = records[records.length - 1]!.t + records[records.length - 1]!.windowMs;
  let best = 0;
  for (let i = 0, j = 0, okSum = 0; i < records.length; i++) {
    const from = records[i]!.t;
    if (from + windowMs > lastEnd) break;
    while (j < records.length && records[j]!.t + records[j]!.windowMs <= from + windowMs) okSum += records[j++]!.ok;
    best = Math.max(best, okSum / (windowMs / 1000));
    if (j > i) okSum -= records[i]!.ok;
    else j = i + 1;
  }
  return best;
}

function spanOf(records: readonly LoadRecord[]): number {
  const first = records[0]!;
  const end = maxOf(records.map((r) => r.t + r.windowMs));
  return end - first.t;
}

function sum(records: readonly LoadRecord[]): number {
  return records.reduce((n, r) => n + r.ok, 0);
}
