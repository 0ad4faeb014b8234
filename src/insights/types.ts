/**
 * What the insights produce: one report per test type, the capacity one replica sustains,
 * right-sizing advice and the cost of the run. Plain data (JSON-safe): every report format
 * renders it, and report.json can carry it as is.
 *
 * Units: t and every `*Ms` in ms (t since run start); rates in req/s; utilization in percent
 * (0-100, as the samples carry it); error rates as fractions; money in the profile's currency.
 * `null` always means "not measurable from this run", with the reason in `notes`.
 */
import type { Profile } from '../profile/schema.js';

export type TestType = NonNullable<Profile['type']>;

/** One target evaluated over an interval. */
export interface TargetEval {
  /** `latency.p95`, `error_rate`, `throughput`. */
  id: string;
  /** Limit in the target's unit: ms, fraction, or req/s. */
  limit: number;
  /** Measured value in the same unit, or null when nothing was measured. */
  measured: number | null;
  met: boolean | null;
}

/** Load, latency and errors over an interval, reduced to the numbers the insights report. */
export interface IntervalNumbers {
  fromT: number;
  toT: number;
  /** Planned arrivals per second (open model), or planned virtual users (closed). */
  plannedLevel: number;
  /** Successful responses per second over the interval. */
  okPerSecond: number;
  completed: number;
  errorRate: number;
  dropped: number;
  latencyP50Ms: number;
  latencyP95Ms: number;
  latencyP99Ms: number;
  /** False when some windows had no hdr: percentiles are upper bounds. */
  latencyExact: boolean;
}

export interface LoadTypeReport {
  type: 'load';
  /** The hold at the highest planned level, from the moment its scale-up settled. */
  steady: (IntervalNumbers & { targets: TargetEval[] }) | null;
  /** True when every target was met in the steady window, null when no target could be evaluated. */
  met: boolean | null;
  notes: string[];
}

/** One load level of a stepped run (a hold stage). */
export interface LevelReport extends IntervalNumbers {
  index: number;
  /** Start of the hold; the targets are evaluated from `evaluatedFromT` (scale-up settled). */
  evaluatedFromT: number;
  meanReady: number | null;
  maxReady: number | null;
  targets: TargetEval[];
  met: boolean | null;
}

export type BreakCause = 'latency' | 'errors' | 'replicas-at-max' | 'throughput';

export interface StressTypeReport {
  type: 'stress';
  levels: LevelReport[];
  /** Planned level of the highest level that met every target before the first that did not. */
  highestPassingLevel: number | null;
  /** Planned level of the first level that missed a target (the breaking point). */
  firstFailingLevel: number | null;
  /** What went wrong first in the first failing level, in time order; the first is `brokeFirst`. */
  causes: Array<{ cause: BreakCause; atT: number }>;
  brokeFirst: BreakCause | null;
  /** Load drop after the breaking point -> latency back under target (sustained). */
  recoveryMs: number | null;
  recoveryFromT: number | null;
  notes: string[];
}

export interface SpikeTypeReport {
  type: 'spike';
  spikeStartT: number | null;
  spikeEndT: number | null;
  fromLevel: number | null;
  toLevel: number | null;
  /** Spike start -> latency back under target (sustained); 0 when it never went over. */
  absorbMs: number | null;
  errors: number;
  errorRate: number;
  dropped: number;
  latencyP95Ms: number | null;
  latencyMaxMs: number | null;
  baselineReady: number | null;
  peakReady: number | null;
  /** peakReady - baselineReady. */
  replicasAdded: number | null;
  /** Load drop after the spike -> first sample with ready back at or below baselineReady. */
  backToBaselineMs: number | null;
  notes: string[];
}

/** A least-squares trend: value = intercept + slopePerHour * hours. */
export interface Trend {
  slopePerHour: number;
  intercept: number;
  /** Coefficient of determination (0..1): how much of the variation the line explains. */
  r2: number;
  points: number;
}

export interface EnduranceTypeReport {
  type: 'endurance';
  durationHours: number;
  /** p95 of each load window (ms) against time. */
  latencyP95: Trend | null;
  /** Error rate of each load window (fraction) against time. */
  errorRate: Trend | null;
  /** memPct samples (percentage points) against time. */
  memory: Trend | null;
  leakWarning: boolean;
  /** Hours until the memory trend reaches 100%, when it grows; null otherwise. */
  hoursToMemoryFull: number | null;
  /** Desired-replica changes during the run, and per hour. */
  scalingMoves: number;
  scalingMovesPerHour: number | null;
  notes: string[];
}

export interface ScalabilityStep extends IntervalNumbers {
  index: number;
  meanReady: number | null;
  /** okPerSecond / meanReady. */
  okPerSecondPerReplica: number | null;
  /** Desired-replica changes inside the step. */
  scaleEvents: number;
  readyReplicaSeconds: number | null;
  costPer1000: number | null;
  /** meanReady * capacity per replica / offered rate: 1 = capacity followed load exactly. */
  capacityToLoad: number | null;
}

export interface ScalabilityTypeReport {
  type: 'scalability';
  steps: ScalabilityStep[];
  /** Pearson correlation of offered rate and mean ready replicas across steps (-1..1). */
  replicasLoadCorrelation: number | null;
  /** Coefficient of variation of ok/s per replica across steps: near 0 = linear scaling. */
  perReplicaVariation: number | null;
  notes: string[];
}

export type TypeReport = LoadTypeReport | StressTypeReport | SpikeTypeReport | EnduranceTypeReport | ScalabilityTypeReport;

export interface CapacityEstimate {
  /** Chosen req/s one replica sustains, or null. */
  perReplica: number | null;
  basis: 'cpu-target' | 'latency-target' | 'observed' | 'none';
  /** 'estimate' (regression), 'lower-bound' (never broke: it can do at least this). */
  kind: 'estimate' | 'lower-bound' | 'none';
  /** Steady intervals (constant ready replicas, load flowing) used. */
  intervals: number;
  /** CPU fit: cpuPct = intercept + slope * (ok req/s per replica). */
  cpuFit: { slope: number; intercept: number; r2: number; targetPct: number; atTarget: number | null; ci95: [number, number] | null } | null;
  /** Highest per-replica rate that met the latency target; lowest that did not. */
  latency: { limits: Array<{ key: string; limitMs: number }>; bestMeeting: number | null; lowestBreaking: number | null } | null;
  /** Highest per-replica rate seen in a steady interval. */
  maxObserved: number | null;
  notes: string[];
}

export interface UsageStats {
  samples: number;
  meanPct: number;
  p95Pct: number;
  maxPct: number;
}

export interface Recommendation {
  subject: 'cpu' | 'memory' | 'min_instances' | 'max_instances' | 'scaling_target';
  action: 'shrink' | 'grow' | 'raise' | 'lower';
  /** Suggested value where one follows from the data (a factor for cpu/memory, a count, a %). */
  suggested: number | null;
  reason: string;
  /** The numbers behind it. */
  data: Record<string, number | string | null>;
}

export interface RightSizing {
  cpu: UsageStats | null;
  memory: UsageStats | null;
  recommendations: Recommendation[];
}

export interface CostReport {
  readyReplicaSeconds: number | null;
  instanceHours: number | null;
  pricePerInstanceHour: number | null;
  currency: string | null;
  runCost: number | null;
  /** Successful responses served. */
  okRequests: number;
  costPer1000: number | null;
  /** Replica-seconds above ceil(offered rate / capacity), at least 1 replica. */
  overProvisionedReplicaSeconds: number | null;
  /** Replica-seconds short of that need. */
  underProvisionedReplicaSeconds: number | null;
  overProvisionedShare: number | null;
  overProvisionCost: number | null;
  notes: string[];
}

export interface Insights {
  /** The profile's type, or null when it has none (no type report then). */
  type: TestType | null;
  typeReport: TypeReport | null;
  capacity: CapacityEstimate;
  rightSizing: RightSizing;
  cost: CostReport;
}

export interface InsightsOptions {
  /** Overrides profile `cost.instance_hour`. */
  pricePerInstanceHour?: number;
  /** Memory growth (percentage points per hour) above which endurance warns of a leak. Default 2. */
  leakPctPerHour?: number;
}
