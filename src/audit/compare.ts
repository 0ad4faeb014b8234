/**
 * Compare two runs of one profile (pure): the headline metrics, their deltas, and which got
 * worse by more than the suite allows. Higher is worse for every metric tracked (slower
 * scaling, more replicas = more cost, slower responses, more errors).
 *
 * Scaling times carry a margin (the true value lies in [value - margin, value]); a scaling
 * time is only a regression when it is worse even at the low end of the current run's margin,
 * so poll jitter alone never fails an audit. `improved` mirrors it: better by more than allowed.
 */
import type { AnalysisResult } from '../analysis/types.js';
import { formatDuration } from '../units.js';
import { METRIC_LABELS, runMetrics, type MetricValue, type RunMetrics } from './metrics.js';
import { DEFAULT_TOLERANCES, METRIC_IDS, type Allowance, type MetricId, type Tolerances } from './suite.js';

export type DeltaStatus = 'ok' | 'regression' | 'improved' | 'unknown';

export interface MetricDelta {
  metric: MetricId;
  label: string;
  base: MetricValue;
  current: MetricValue;
  /** current - base, when both are measured. */
  delta: number | null;
  /** delta / base, when base is not 0. */
  deltaRatio: number | null;
  /** The worsening allowed by the tolerances for this base value. */
  allowed: number | null;
  status: DeltaStatus;
  /** One line on why, for unknown and regression. */
  detail?: string;
}

export interface Comparison {
  base: Omit<RunMetrics, 'metrics'>;
  current: Omit<RunMetrics, 'metrics'>;
  deltas: MetricDelta[];
  /** Any metric regressed: the CLI exits 1. */
  regression: boolean;
}

/** Two analysis results of the same profile -> deltas and regressions. */
export function compareResults(base: AnalysisResult, current: AnalysisResult, tolerances: Tolerances = DEFAULT_TOLERANCES): Comparison {
  return compareMetrics(runMetrics(base, base), runMetrics(current, current), tolerances);
}

export function compareMetrics(base: RunMetrics, current: RunMetrics, tolerances: Tolerances = DEFAULT_TOLERANCES): Comparison {
  const deltas = METRIC_IDS.map((id) => metricDelta(id, base.metrics[id], current.metrics[id], tolerances[id]));
  const { metrics: _b, ...baseId } = base;
  const { metrics: _c, ...currentId } = current;
  return { base: baseId, current: currentId, deltas, regression: deltas.some((d) => d.status === 'regression') };
}

/** Allowed worsening over `base`: the larger of the absolute and the relative allowance. */
export function allowedIncrease(base: number, allowance: Allowance): number {
  return Math.max(allowance.increase ?? 0, (allowance.ratio ?? 0) * Math.abs(base));
}

function metricDelta(metric: MetricId, base: MetricValue, current: MetricValue, allowance: Allowance): MetricDelta {
  const head = { metric, label: METRIC_LABELS[metric], base, current };
  if (base.value === null || current.value === null) {
    const neverNow = current.missing === 'never ready' && base.value !== null;
    if (neverNow) return { ...head, delta: null, deltaRatio: null, allowed: null, status: 'regression', detail: `was ${fmt(metric, base.value!)}, now ${current.missing}` };
    const fixedNow = base.missing === 'never ready' && current.value !== null;
    if (fixedNow) return { ...head, delta: null, deltaRatio: null, allowed: null, status: 'improved', detail: `was never ready, now ${fmt(metric, current.value!)}` };
    return { ...head, delta: null, deltaRatio: null, allowed: null, status: 'unknown', detail: `base: ${base.missing ?? 'measured'}, current: ${current.missing ?? 'measured'}` };
  }
  const delta = current.value - base.value;
  const allowed = allowedIncrease(base.value, allowance);
  const worseBy = delta - current.marginMs;
  const deltaRatio = base.value !== 0 ? delta / base.value : null;
  const status: DeltaStatus = worseBy > allowed ? 'regression' : -delta > allowed ? 'improved' : 'ok';
  const detail = status === 'regression' ? `worse by ${fmt(metric, delta)}, allowed ${fmt(metric, allowed)}` : undefined;
  return { ...head, delta, deltaRatio, allowed, status, ...(detail ? { detail } : {}) };
}

/** A metric's value in its unit: `1m15s`, `9`, `412ms`, `1.25%`. */
export function fmt(metric: MetricId, v: number): string {
  if (metric === 'error_rate') return `${Math.round(v * 10_000) / 100}%`;
  if (metric === 'peak_replicas') return String(Math.round(v * 100) / 100);
  if (metric === 'p95') return `${Math.round(v)}ms`;
  return formatDuration(v);
}
