/**
 * Timeline -> plain [t, value] series for the charts (pure). Load values are per second
 * (a window's count scaled by its width); platform samples keep their own times, and a gap
 * (a provider read that failed) becomes a break in every platform line.
 */
import type { ErrorClass, GapRecord, LoadRecord, SampleRecord, Timeline } from '../../timeline/types.js';
import type { Point } from './downsample.js';

export const ERROR_CLASSES: readonly ErrorClass[] = ['http4xx', 'http5xx', 'timeout', 'connection', 'other'];

type SampleField = 'desired' | 'ready' | 'pending' | 'cpuPct' | 'memPct';

/** A per-second rate of one load-window field, at each window start. */
export function loadRate(load: readonly LoadRecord[], pick: (w: LoadRecord) => number): Point[] {
  return load.map((w) => [w.t, (pick(w) * 1000) / (w.windowMs || 1000)]);
}

/** A latency percentile per window; windows that completed nothing have no latency. */
export function loadLatency(load: readonly LoadRecord[], pick: (w: LoadRecord) => number): Point[] {
  return load.map((w) => [w.t, w.latency.count > 0 ? pick(w) : null]);
}

/** One platform field over time, broken at each gap. */
export function sampleSeries(timeline: Timeline, field: SampleField): Point[] {
  const points: Point[] = [];
  for (const s of timeline.samples) {
    const v = s[field];
    if (typeof v === 'number') points.push([s.t, v]);
  }
  return points.length ? withGaps(points, timeline.gaps) : points;
}

/** Does any sample carry this field? Charts show "no data" instead of an empty line. */
export function hasSampleField(samples: readonly SampleRecord[], field: SampleField): boolean {
  return samples.some((s) => typeof s[field] === 'number');
}

function withGaps(points: Point[], gaps: readonly GapRecord[]): Point[] {
  if (gaps.length === 0) return points;
  const breaks: Point[] = gaps.map((g) => [g.t, null]);
  return [...points, ...breaks].sort((a, b) => a[0] - b[0]);
}
