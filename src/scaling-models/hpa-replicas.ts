/**
 * The HPA replica calculator for one utilization metric: how many replicas the metric asks
 * for, before stabilization and rate limits. Mirrors `GetResourceReplicas` in kubernetes
 * `pkg/controller/podautoscaler/replica_calculator.go`, with pods of equal requests (so the
 * usage ratio is mean utilization / target).
 *
 * Simplification: Kubernetes decides "unready" from the pod phase, its Ready condition and the
 * CPU initialization period / initial readiness delay; here the caller says `ready` directly.
 * Missing metrics are handled as upstream: 100 % of the request (or the target, when above
 * 100 %) on a scale-down, 0 % on a scale-up, and no change when that would flip the direction.
 */
import type { HpaPod } from './hpa-types.js';

export interface MetricReplicas {
  /** Replicas the metric asks for (the current count when within tolerance). */
  readonly replicas: number;
  /** Mean utilization of ready pods with a metric, unadjusted; undefined when there is none. */
  readonly utilization?: number;
}

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Returns null when no ready pod has a metric (the real HPA reports FailedGetResourceMetric and does nothing). */
export function metricReplicas(currentReplicas: number, pods: readonly HpaPod[], targetUtilization: number, tolerance: number): MetricReplicas | null {
  const measured: number[] = [];
  let unready = 0;
  let missing = 0;
  for (const p of pods) {
    if (!p.ready) unready++;
    else if (p.utilization === undefined) missing++;
    else measured.push(p.utilization);
  }
  if (measured.length === 0) return null;
  const utilization = mean(measured);
  const ratio = utilization / targetUtilization;
  const scaleUpWithUnready = unready > 0 && ratio > 1;

  if (!scaleUpWithUnready && missing === 0) {
    if (Math.abs(1 - ratio) <= tolerance) return { replicas: currentReplicas, utilization };
    // Upstream multiplies by the ready pods with metrics, not by spec.replicas.
    return { replicas: Math.ceil(ratio * measured.length), utilization };
  }

  // Conservative recompute: assume the worst for the pods we cannot see.
  const adjusted = [...measured];
  if (missing > 0 && ratio < 1) adjusted.push(...Array<number>(missing).fill(Math.max(1, targetUtilization)));
  else if (missing > 0 && ratio > 1) adjusted.push(...Array<number>(missing).fill(0));
  if (scaleUpWithUnready) adjusted.push(...Array<number>(unready).fill(0));
  const newRatio = mean(adjusted) / targetUtilization;
  const flips = (ratio < 1 && newRatio > 1) || (ratio > 1 && newRatio < 1);
  if (Math.abs(1 - newRatio) <= tolerance || flips) return { replicas: currentReplicas, utilization };
  const replicas = Math.ceil(newRatio * adjusted.length);
  // Counting more pods can point the other way than the ratio: then do nothing.
  if ((newRatio < 1 && replicas > currentReplicas) || (newRatio > 1 && replicas < currentReplicas)) return { replicas: currentReplicas, utilization };
  return { replicas, utilization };
}
