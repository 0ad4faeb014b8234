/**
 * Load windows and replica samples over an interval: the numbers every type report shares,
 * and the per-window latency test used for "back under target".
 *
 * A window is "under target" when each configured latency limit holds for that window's own
 * percentiles and, when load was planned, something completed. Recovery needs
 * `SUSTAIN_MS` of consecutive windows under target, so a single lucky window does not count.
 */
import { loadSlice } from '../analysis/load-slices.js';
import { lastIndexAtOrBefore, type Point } from '../analysis/series.js';
import type { Targets } from '../profile/schema.js';
import type { LatencySummary, LoadRecord } from '../timeline/types.js';
import type { IntervalNumbers } from './types.js';

export const SUSTAIN_MS = 5000;

export type LatencyKey = 'p50' | 'p90' | 'p95' | 'p99' | 'p999' | 'max';
export interface LatencyLimit {
  key: LatencyKey;
  limitMs: number;
}

const KEYS: readonly LatencyKey[] = ['p50', 'p90', 'p95', 'p99', 'p999', 'max'];

/** The run-level latency limits of the profile, in a stable order. */
export function latencyLimits(targets: Targets): LatencyLimit[] {
  const latency = targets.latency ?? {};
  return KEYS.filter((k) => latency[k] !== undefined).map((key) => ({ key, limitMs: latency[key]! }));
}

export function interval(load: readonly LoadRecord[], fromT: number, toT: number, plannedLevel: number): IntervalNumbers | null {
  const inside = windowsFrom(load, fromT, toT);
  const slice = loadSlice(inside, fromT, toT);
  if (!slice) return null;
  const spanMs = inside.reduce((m, r) => Math.max(m, r.t + r.windowMs), -Infinity) - inside[0]!.t;
  return {
    fromT,
    toT,
    plannedLevel,
    okPerSecond: spanMs > 0 ? slice.ok / (spanMs / 1000) : 0,
    completed: slice.completed,
    errorRate: slice.errorRate,
    dropped: slice.dropped,
    latencyP50Ms: slice.latency.p50,
    latencyP95Ms: slice.latency.p95,
    latencyP99Ms: slice.latency.p99,
    latencyExact: slice.latencyExact,
  };
}

/** Windows of `load` (sorted by t) starting in [fromT, toT), found by binary search. */
export function windowsFrom(load: readonly LoadRecord[], fromT: number, toT: number): LoadRecord[] {
  const first = lowerBound(load, fromT);
  const end = lowerBound(load, toT);
  return load.slice(first, end);
}

function lowerBound(load: readonly LoadRecord[], t: number): number {
  let lo = 0, hi = load.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (load[mid]!.t < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function summaryMeets(latency: LatencySummary, limits: readonly LatencyLimit[]): boolean {
  return limits.every((l) => latency[l.key] <= l.limitMs);
}

export function windowMeets(r: LoadRecord, limits: readonly LatencyLimit[]): boolean {
  if (r.latency.count === 0) return r.planned === 0;
  return summaryMeets(r.latency, limits);
}

export function windowErrorRate(r: LoadRecord): number {
  const errors = Object.values(r.errors).reduce((a, b) => a + b, 0);
  return r.completed > 0 ? errors / r.completed : 0;
}

/** Start of the first run of SUSTAIN_MS windows under target in [fromT, toT), or null. */
export function sustainedUnderTarget(load: readonly LoadRecord[], fromT: number, toT: number, limits: readonly LatencyLimit[]): number | null {
  let runStart: number | null = null;
  for (const r of load) {
    if (r.t < fromT || r.t >= toT) continue;
    if (!windowMeets(r, limits)) {
      runStart = null;
      continue;
    }
    runStart ??= r.t;
    if (r.t + r.windowMs - runStart >= SUSTAIN_MS) return runStart;
  }
  return null;
}

/** Start of the first window in [fromT, toT) failing `test`, or null. */
export function firstWindow(load: readonly LoadRecord[], fromT: number, toT: number, test: (r: LoadRecord) => boolean): number | null {
  return load.find((r) => r.t >= fromT && r.t < toT && test(r))?.t ?? null;
}

/** Value of a step series at t (the last point at or before t), or null before the first point. */
export function valueAt(points: readonly Point[], t: number): number | null {
  const i = lastIndexAtOrBefore(points, t);
  return i >= 0 ? points[i]!.value : null;
}

/** Time-weighted mean of a step series over [fromT, toT); starts at the first point when it is later. */
export function stepMean(points: readonly Point[], fromT: number, toT: number): number | null {
  let area = 0, span = 0;
  points.forEach((p, i) => {
    const start = Math.max(p.t, fromT);
    const end = Math.min(points[i + 1]?.t ?? Infinity, toT);
    if (end > start) {
      area += p.value * (end - start);
      span += end - start;
    }
  });
  return span > 0 ? area / span : null;
}

/** Integral of a step series over [fromT, toT) in value-seconds. */
export function stepSeconds(points: readonly Point[], fromT: number, toT: number): number | null {
  const m = stepMean(points, fromT, toT);
  const first = points[0];
  if (m === null || !first) return null;
  return (m * (toT - Math.max(fromT, first.t))) / 1000;
}

/** Highest value in effect during [fromT, toT). */
export function stepMax(points: readonly Point[], fromT: number, toT: number): number | null {
  const inside = points.filter((p) => p.t > fromT && p.t < toT).map((p) => p.value);
  const atStart = valueAt(points, fromT);
  if (atStart !== null) inside.push(atStart);
  return inside.length ? Math.max(...inside) : null;
}

/** Number of value changes between consecutive points inside (fromT, toT]. */
export function changesIn(points: readonly Point[], fromT: number, toT: number): number {
  let n = 0;
  points.forEach((p, i) => {
    const prev = points[i - 1];
    if (prev && p.t > fromT && p.t <= toT && p.value !== prev.value) n++;
  });
  return n;
}
