/**
 * Replica counts and utilization over the whole run.
 *
 * Ready replica-seconds is the step integral of ready replicas: each sample's count holds until
 * the next sample, and the last one until the end of the run:
 *
 *   ready  3 |      ______
 *          2 |_____|      |____          sum of ready_i * (t_{i+1} - t_i), in seconds
 *            s0    s1     s2   end
 *
 * CPU and memory are the plain mean and max of the samples' percentages.
 */
import type { SampleRecord } from '../timeline/types.js';
import { maxOf, minOf, series, type Point } from './series.js';
import type { ReplicaStats } from './types.js';

export function replicaStats(samples: readonly SampleRecord[], endT: number): ReplicaStats {
  const desired = series(samples, 'desired').map((p) => p.value);
  const ready = series(samples, 'ready');
  const readyValues = ready.map((p) => p.value);
  return {
    minDesired: desired.length ? minOf(desired) : null,
    maxDesired: desired.length ? maxOf(desired) : null,
    minReady: readyValues.length ? minOf(readyValues) : null,
    maxReady: readyValues.length ? maxOf(readyValues) : null,
    readyReplicaSeconds: ready.length ? stepIntegral(ready, endT) / 1000 : null,
  };
}

/** Integral of a step function in value-ms; the last point holds until max(endT, its t). */
export function stepIntegral(points: readonly Point[], endT: number): number {
  let total = 0;
  points.forEach((p, i) => {
    const until = points[i + 1]?.t ?? Math.max(endT, p.t);
    total += p.value * (until - p.t);
  });
  return total;
}

export function utilization(samples: readonly SampleRecord[], field: 'cpuPct' | 'memPct'): { meanPct: number | null; maxPct: number | null } {
  const values = series(samples, field).map((p) => p.value);
  if (values.length === 0) return { meanPct: null, maxPct: null };
  return { meanPct: values.reduce((a, b) => a + b, 0) / values.length, maxPct: maxOf(values) };
}
